//! `liftlab report DIR`: renders report.html and the charts again from report.json, in the
//! language of `--lang`, without recomputing anything.

use std::path::{Path, PathBuf};

use clap::Args;

use liftlab::report::{
    GeoReport, HoldoutReport, REPORT_FILE, SCHEMA_VERSION, html, write_report_dir,
};

use super::{Context, Failure};

/// Flags of `liftlab report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Folder holding a report.json written by liftlab.
    pub dir: PathBuf,
}

/// Report files of commands whose pages `liftlab report` cannot render yet.
const OTHER_REPORT_FILES: [&str; 2] = ["design.json", "kpis.json"];

pub(crate) fn run(args: &ReportArgs, context: Context) -> Result<(), Failure> {
    let dir = &args.dir;
    if !dir.is_dir() {
        return Err(Failure::input(format!(
            "{}: folder not found; expected a folder with the report.json that `liftlab \
             analyze` or `liftlab run` wrote",
            dir.display()
        )));
    }
    let path = dir.join(REPORT_FILE);
    if !path.is_file() {
        if let Some(other) = OTHER_REPORT_FILES
            .iter()
            .find(|name| dir.join(name).is_file())
        {
            // NOTE: design.json and kpis.json have no HTML page yet.
            return Err(Failure::input(format!(
                "{}: holds {other} but no {REPORT_FILE}; `liftlab report` renders the \
                 reports of `analyze geo` and `analyze holdout` only",
                dir.display()
            )));
        }
        return Err(Failure::input(format!(
            "{}: not found; expected the {REPORT_FILE} that `liftlab analyze` or `liftlab run` \
             wrote into this folder",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|error| Failure::input(format!("{}: cannot read: {error}", path.display())))?;

    let texts = context.lang.texts();
    match report_kind(&path, &text)?.as_str() {
        "geo" => {
            let report: GeoReport = parse_layout(&path, &text, "geo")?;
            write_report_dir(&report, dir, |staging| {
                html::write_geo_files(&report, texts, staging).map_err(|error| error.to_string())
            })
            .map_err(Failure::other)?;
        }
        "holdout" => {
            let report: HoldoutReport = parse_layout(&path, &text, "holdout")?;
            write_report_dir(&report, dir, |staging| {
                html::write_holdout_files(&report, texts, staging)
                    .map_err(|error| error.to_string())
            })
            .map_err(Failure::other)?;
        }
        other => {
            return Err(Failure::input(format!(
                "{}: unknown report kind {other:?}; expected \"geo\" or \"holdout\"",
                path.display()
            )));
        }
    }
    println!(
        "{}",
        texts.fill(
            "html.cli.report_rendered",
            &[("dir", &dir.display()), ("lang", &context.lang)],
        )
    );
    Ok(())
}

/// Checks the JSON and its schema version, and returns the report's `kind`.
fn report_kind(path: &Path, text: &str) -> Result<String, Failure> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| {
        Failure::input(format!(
            "{}: invalid JSON at line {}, column {}: {error}; expected a report.json written \
             by liftlab",
            path.display(),
            error.line(),
            error.column()
        ))
    })?;
    let field = |name: &str| -> Result<String, Failure> {
        match value.get(name) {
            Some(serde_json::Value::String(text)) => Ok(text.clone()),
            Some(other) => Err(Failure::input(format!(
                "{}: field `{name}` is {other}; expected a string",
                path.display()
            ))),
            None => Err(Failure::input(format!(
                "{}: field `{name}` is missing; expected a report.json written by liftlab",
                path.display()
            ))),
        }
    };
    let version = field("schema_version")?;
    let major = |version: &str| version.split('.').next().unwrap_or_default().to_string();
    if major(&version) != major(SCHEMA_VERSION) {
        return Err(Failure::input(format!(
            "{}: report schema version {version} is not supported; this liftlab reads \
             version {}.x (it writes {SCHEMA_VERSION}); run the analysis again with this \
             version",
            path.display(),
            major(SCHEMA_VERSION)
        )));
    }
    field("kind")
}

fn parse_layout<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    kind: &str,
) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(|error| {
        Failure::input(format!(
            "{}: does not match the {kind} report layout of schema {SCHEMA_VERSION} at line \
             {}, column {}: {error}",
            path.display(),
            error.line(),
            error.column()
        ))
    })
}
