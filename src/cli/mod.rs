//! The command line: parses flags, runs the library, draws progress, prints the summary and
//! maps errors to exit codes (0 success, 2 invalid input or flags, 1 any other failure).

mod args;
mod progress;
mod spec;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use args::{AnalyzeCommand, Cli, Command, GeoArgs};
use liftlab::geo::{self, GeoConfig};
use liftlab::report::{self, GeoReport, geo_summary, write_report_dir};

/// Exit code of invalid input, flags or spec files.
const EXIT_INPUT: u8 = 2;
/// Exit code of any other failure, such as an output folder that cannot be written.
const EXIT_FAILURE: u8 = 1;

/// A failure with the exit code it maps to.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn input(error: impl std::fmt::Display) -> Self {
        Failure {
            code: EXIT_INPUT,
            message: error.to_string(),
        }
    }

    fn other(error: impl std::fmt::Display) -> Self {
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
            eprintln!("liftlab: error: {}", failure.message);
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
    match &cli.command {
        Command::Analyze {
            test: AnalyzeCommand::Geo(args),
        } => analyze_geo(args, cli.quiet),
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
            match spec::read_spec(dir, &out).map_err(Failure::input)? {
                // Errors about settings name the spec file and its keys, not command-line flags.
                spec::SpecAnalysis::Geo(args) => {
                    analyze_geo(&args, cli.quiet).map_err(|failure| Failure {
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

fn analyze_geo(args: &GeoArgs, quiet: bool) -> Result<(), Failure> {
    let config = GeoConfig::try_from(args).map_err(Failure::input)?;
    let spec = args.panel_spec().map_err(Failure::input)?;
    if args.out.exists() && !args.out.is_dir() {
        return Err(Failure::input(format!(
            "--out {} is a file; expected a folder (it is created when missing)",
            args.out.display()
        )));
    }
    let panel = liftlab::data::read_panel(&spec).map_err(Failure::input)?;
    let progress = progress::BarProgress::new(quiet);
    let report = geo::analyze(&panel, &spec, &config, &progress).map_err(Failure::input)?;
    write_geo(&report, &args.out)?;
    println!("{}", geo_summary(&report));
    println!();
    println!(
        "Report written to {} (report.json and the charts as PNG and SVG)",
        args.out.display()
    );
    Ok(())
}

fn write_geo(report: &GeoReport, out: &Path) -> Result<(), Failure> {
    write_report_dir(report, out, |staging| {
        report::charts::write_geo_charts(report, staging).map_err(|error| error.to_string())
    })
    .map_err(Failure::other)?;
    Ok(())
}
