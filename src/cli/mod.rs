//! The command line: parses flags, runs the library, draws progress, prints the summary and
//! maps errors to exit codes (0 success, 2 invalid input or flags, 1 any other failure).

mod args;
mod design_geo;
mod design_holdout;
mod kpis;
mod progress;
mod report_cmd;
mod spec;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use args::{AnalyzeCommand, Cli, Command, DesignCommand, GeoArgs, HoldoutArgs};
use liftlab::geo::{self, GeoConfig};
use liftlab::i18n::Lang;
use liftlab::report::{self, GeoReport, HoldoutParameters, geo_summary, write_report_dir};

/// Exit code of invalid input, flags or spec files.
const EXIT_INPUT: u8 = 2;
/// Exit code of any other failure, such as an output folder that cannot be written.
const EXIT_FAILURE: u8 = 1;

/// Settings every command shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context {
    /// No progress bars.
    pub quiet: bool,
    /// Language of what a person reads.
    pub lang: Lang,
}

/// A failure with the exit code it maps to.
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    pub(crate) fn input(error: impl std::fmt::Display) -> Self {
        Failure {
            code: EXIT_INPUT,
            message: error.to_string(),
        }
    }

    pub(crate) fn other(error: impl std::fmt::Display) -> Self {
        Failure {
            code: EXIT_FAILURE,
            message: error.to_string(),
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let texts = cli.lang.texts();
            eprintln!("liftlab: {}: {}", texts.t("common.error"), failure.message);
            ExitCode::from(failure.code)
        }
    }
}

fn run(cli: &Cli) -> Result<(), Failure> {
    if let Some(threads) = cli.threads {
        if threads == 0 {
            return Err(Failure::input(
                "invalid value `0` for --threads: expected at least 1",
            ));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(Failure::other)?;
    }
    let context = Context {
        quiet: cli.quiet,
        lang: cli.lang,
    };
    match &cli.command {
        Command::Analyze {
            test: AnalyzeCommand::Geo(args),
        } => analyze_geo(args, context),
        Command::Analyze {
            test: AnalyzeCommand::Holdout(args),
        } => analyze_holdout(args, context),
        Command::Design {
            test: DesignCommand::Holdout(args),
        } => design_holdout::run(args, context),
        Command::Design {
            test: DesignCommand::Geo(args),
        } => design_geo::run(args, context),
        Command::Kpis(args) => kpis::run(args, context),
        Command::Report(args) => report_cmd::run(args, context),
        Command::Run { dir, out } => {
            // A path to the spec file itself stands for its folder.
            let dir = if dir.is_file() && dir.file_name() == Some(spec::SPEC_FILE.as_ref()) {
                dir.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                dir.clone()
            };
            if !dir.is_dir() {
                return Err(Failure::input(format!(
                    "{}: folder not found; expected a folder with a {} file",
                    dir.display(),
                    spec::SPEC_FILE
                )));
            }
            let dir = &dir;
            let out = out.clone().unwrap_or_else(|| default_out(dir));
            let spec_path = dir.join(spec::SPEC_FILE);
            let result = match spec::read_spec(dir, &out).map_err(Failure::input)? {
                spec::SpecAnalysis::Geo(args) => analyze_geo(&args, context),
                spec::SpecAnalysis::Holdout(args) => analyze_holdout(&args, context),
            };
            // Errors about settings name the spec file and its keys, not command-line flags.
            result.map_err(|failure| Failure {
                code: failure.code,
                message: format!(
                    "{}: {}",
                    spec_path.display(),
                    spec::flags_as_keys(&failure.message)
                ),
            })
        }
    }
}

/// Returns `out/<name of dir>`.
fn default_out(dir: &Path) -> PathBuf {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|path| path.file_name().map(|name| name.to_os_string()))
        .unwrap_or_else(|| "analysis".into());
    Path::new("out").join(name)
}

fn analyze_geo(args: &GeoArgs, context: Context) -> Result<(), Failure> {
    let planned;
    let args = match &args.design {
        Some(path) => {
            planned = design_geo::apply_design(args, path)?;
            &planned
        }
        None => args,
    };
    let config = GeoConfig::try_from(args).map_err(Failure::input)?;
    let spec = args.panel_spec().map_err(Failure::input)?;
    check_out(&args.out)?;
    let panel = liftlab::data::read_panel(&spec).map_err(Failure::input)?;
    let progress = progress::BarProgress::new(context.quiet);
    let mut report = geo::analyze(&panel, &spec, &config, &progress).map_err(Failure::input)?;

    // The design the analysis follows is an input too, so a reviewer can check the plan.
    if let Some(path) = &args.design {
        let bytes = std::fs::read(path).map_err(|error| {
            Failure::input(format!(
                "{}: cannot read the design: {error}",
                path.display()
            ))
        })?;
        report.inputs.push(liftlab::data::InputFile {
            path: path.display().to_string(),
            sha256: liftlab::data::sha256_hex(&bytes),
            rows: 0,
        });
    }
    write_geo(&report, &args.out, context)?;
    println!("{}", geo_summary(&report, context.lang.texts()));
    println!();
    println!(
        "{}",
        context
            .lang
            .texts()
            .fill("html.cli.report_written", &[("dir", &args.out.display())])
    );
    Ok(())
}

/// Rejects an output folder that is, or lies inside, a file.
pub(crate) fn check_out(out: &Path) -> Result<(), Failure> {
    if let Some(file) = out.ancestors().find(|path| path.is_file()) {
        return Err(Failure::input(format!(
            "--out {}: {} is a file; expected a folder (it is created when missing)",
            out.display(),
            file.display()
        )));
    }
    Ok(())
}

fn analyze_holdout(args: &HoldoutArgs, context: Context) -> Result<(), Failure> {
    let spec = args.unit_spec().map_err(Failure::input)?;
    let config = args.config().map_err(Failure::input)?;
    config
        .validate(1 + spec.treatments.len())
        .map_err(Failure::input)?;
    check_out(&args.out)?;
    let table = liftlab::data::read_units(&spec).map_err(Failure::input)?;

    // The analysis fills in the settings it resolves (scheme, interval, split).
    let parameters = HoldoutParameters {
        group_col: spec.group_col.clone(),
        control: spec.control.clone(),
        treatments: spec.treatments.clone(),
        metrics: spec.metrics.clone(),
        ratios: spec.ratios.iter().map(|ratio| ratio.name()).collect(),
        covariate: spec.covariate.clone(),
        segment_col: spec.segment_col.clone(),
        unit_id_col: spec.unit_id_col.clone(),
        delimiter: char::from(spec.delimiter).to_string(),
        level: config.level,
        resamples: config.resamples,
        seed: config.seed,
        scheme: String::new(),
        interval: String::new(),
        expected_split: Vec::new(),
    };

    let progress = progress::BarProgress::new(context.quiet);
    let report = liftlab::holdout::analyze(&table, &table.file, parameters, &config, &progress)
        .map_err(Failure::input)?;
    write_report_dir(&report, &args.out, |staging| {
        report::html::write_holdout_files(&report, context.lang.texts(), staging)
            .map_err(|error| error.to_string())
    })
    .map_err(Failure::other)?;

    println!("{}", report::holdout_summary(&report, context.lang.texts()));
    println!();
    println!(
        "{}",
        context
            .lang
            .texts()
            .fill("html.cli.report_written", &[("dir", &args.out.display())])
    );
    Ok(())
}

fn write_geo(report: &GeoReport, out: &Path, context: Context) -> Result<(), Failure> {
    write_report_dir(report, out, |staging| {
        report::html::write_geo_files(report, context.lang.texts(), staging)
            .map_err(|error| error.to_string())
    })
    .map_err(Failure::other)?;
    Ok(())
}
