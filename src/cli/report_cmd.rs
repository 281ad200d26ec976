//! `liftlab report DIR`: renders report.html and the charts again from the folder's
//! report.json, design.json or kpis.json, in the language of `--lang`, without recomputing
//! anything.

use std::path::{Path, PathBuf};

use clap::Args;

use liftlab::design::geo::schema::GeoDesignReport;
use liftlab::design::holdout::{DESIGN_FILE, DESIGN_SCHEMA_VERSION, HoldoutDesign};
use liftlab::kpi::{KPIS_SCHEMA_VERSION, KpisReport};
use liftlab::report::{
    GeoReport, HoldoutReport, REPORT_FILE, SCHEMA_VERSION, html, write_json_text_dir,
};

use super::{Context, Failure};

/// Flags of `liftlab report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Folder holding a report.json, design.json or kpis.json written by liftlab.
    pub dir: PathBuf,
}

/// The JSON files whose pages `liftlab report` renders, in the order it looks for them.
const JSON_FILES: [&str; 3] = [REPORT_FILE, DESIGN_FILE, html::KPIS_FILE];

pub(crate) fn run(args: &ReportArgs, context: Context) -> Result<(), Failure> {
    let dir = &args.dir;
    if dir.is_file() {
        return Err(Failure::input(format!(
            "{}: is a file; expected the folder that contains it, with the report.json, \
             design.json or kpis.json that `liftlab analyze`, `run`, `design` or `kpis` wrote",
            dir.display()
        )));
    }
    if !dir.is_dir() {
        return Err(Failure::input(format!(
            "{}: folder not found; expected a folder with the report.json, design.json or \
             kpis.json that `liftlab analyze`, `run`, `design` or `kpis` wrote",
            dir.display()
        )));
    }
    let Some(json_file) = JSON_FILES.iter().find(|name| dir.join(name).is_file()) else {
        return Err(Failure::input(format!(
            "{}: no report.json, design.json or kpis.json found; expected the JSON file that \
             `liftlab analyze`, `run`, `design` or `kpis` wrote into this folder",
            dir.display()
        )));
    };
    let path = dir.join(json_file);
    let text = std::fs::read_to_string(&path)
        .map_err(|error| Failure::input(format!("{}: cannot read: {error}", path.display())))?;

    let texts = context.lang.texts();
    let file = JsonFile::read(&path, &text)?;
    // The JSON file is written back with its own bytes; only the charts and the page change.
    let write = |render: &dyn Fn(&Path) -> Result<Vec<PathBuf>, String>| {
        write_json_text_dir(&text, json_file, dir, render).map_err(Failure::other)
    };
    // A new kind of page adds an arm here: its JSON file, its `kind` and its schema version.
    match (*json_file, file.kind.as_str()) {
        (REPORT_FILE, "geo") => {
            let report: GeoReport = file.parse("geo", SCHEMA_VERSION)?;
            write(&|staging| {
                html::write_geo_files(&report, texts, staging).map_err(|error| error.to_string())
            })?;
        }
        (REPORT_FILE, "holdout") => {
            let report: HoldoutReport = file.parse("holdout", SCHEMA_VERSION)?;
            write(&|staging| {
                html::write_holdout_files(&report, texts, staging)
                    .map_err(|error| error.to_string())
            })?;
        }
        (DESIGN_FILE, "holdout_design") => {
            let design: HoldoutDesign = file.parse("holdout_design", DESIGN_SCHEMA_VERSION)?;
            write(&|staging| {
                html::write_holdout_design_files(&design, texts, staging)
                    .map_err(|error| error.to_string())
            })?;
        }
        (DESIGN_FILE, "geo_design") => {
            let design: GeoDesignReport = file.parse(
                "geo_design",
                liftlab::design::geo::schema::DESIGN_SCHEMA_VERSION,
            )?;
            write(&|staging| {
                html::write_geo_design_files(&design, texts, staging)
                    .map_err(|error| error.to_string())
            })?;
        }
        (html::KPIS_FILE, "kpis") => {
            let report: KpisReport = file.parse("kpis", KPIS_SCHEMA_VERSION)?;
            write(&|staging| {
                html::write_kpis_files(&report, texts, staging).map_err(|error| error.to_string())
            })?;
        }
        (_, other) => {
            let expected = match *json_file {
                DESIGN_FILE => "\"holdout_design\" or \"geo_design\"",
                html::KPIS_FILE => "\"kpis\"",
                _ => "\"geo\" or \"holdout\"",
            };
            return Err(Failure::input(format!(
                "{}: unknown report kind {other:?}; this liftlab renders the kind {expected} \
                 from {json_file}",
                path.display()
            )));
        }
    }
    println!(
        "{}",
        texts.fill(
            "html.cli.report_rendered",
            &[
                ("dir", &dir.display()),
                ("file", json_file),
                ("lang", &context.lang),
            ],
        )
    );
    Ok(())
}

/// A JSON file written by liftlab: its text, `kind` and `schema_version`.
struct JsonFile<'a> {
    path: &'a Path,
    text: &'a str,
    kind: String,
    version: String,
}

impl<'a> JsonFile<'a> {
    /// Checks that `text` is JSON with a string `schema_version` and `kind`.
    fn read(path: &'a Path, text: &'a str) -> Result<Self, Failure> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|error| {
            Failure::input(format!(
                "{}: invalid JSON at line {}, column {}: {error}; expected a file written by \
                 liftlab",
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
                    "{}: field `{name}` is missing; expected a file written by liftlab",
                    path.display()
                ))),
            }
        };
        let version = field("schema_version")?;
        let kind = field("kind")?;
        Ok(JsonFile {
            path,
            text,
            kind,
            version,
        })
    }

    /// Checks the schema's major version against `supported` and parses the layout of `kind`.
    fn parse<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        supported: &str,
    ) -> Result<T, Failure> {
        let path = self.path.display();
        let version = &self.version;
        let major = |version: &str| version.split('.').next().unwrap_or_default().to_string();
        if major(version) != major(supported) {
            return Err(Failure::input(format!(
                "{path}: report schema version {version} is not supported; this liftlab reads \
                 version {}.x (it writes {supported}); run the command again with this version",
                major(supported)
            )));
        }
        serde_json::from_str(self.text).map_err(|error| {
            Failure::input(format!(
                "{path}: does not match the {kind} report layout of schema {supported} at line \
                 {}, column {}: {error}",
                error.line(),
                error.column()
            ))
        })
    }
}
