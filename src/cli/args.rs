//! Command-line flags, and their conversion into the library's settings.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use liftlab::data::{DEFAULT_DATE_FORMAT, MissingPolicy, PanelSpec};
use liftlab::geo::{BootstrapScheme, Estimator, GeoConfig, IntervalMethod};

/// Incrementality experiments: estimate the lift a marketing channel really adds.
#[derive(Debug, Parser)]
#[command(name = "liftlab", version, about)]
pub struct Cli {
    /// Print no progress bars (they are hidden anyway when stderr is not a terminal).
    #[arg(long, global = true)]
    pub quiet: bool,

    /// Worker threads for resampling; results do not depend on it. Default: all cores.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Estimate the lift of a finished test.
    Analyze {
        #[command(subcommand)]
        test: AnalyzeCommand,
    },
    /// Run the analysis described by the liftlab.toml file in a folder.
    Run {
        /// Folder holding liftlab.toml and the data it names.
        dir: PathBuf,
        /// Output folder; default: out/<folder name>.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AnalyzeCommand {
    /// Geo test: some geos treated in a test window, the others as controls.
    Geo(Box<GeoArgs>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstimatorArg {
    /// Synthetic control: non-negative donor weights summing to one.
    Synth,
    /// Time-based regression on the control mean (Kerman, Wang & Vaver 2017).
    Tbr,
    /// Difference in differences on the control mean.
    Did,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MissingArg {
    /// Reject a panel with missing geo × day cells.
    Error,
    /// Count missing cells as zero; the report states how many.
    Zero,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BootstrapArg {
    /// Resample the test-window error paths of placebo control sets.
    PlaceboPath,
    /// Moving-block bootstrap of pre-period residuals, refitting the weights.
    Block,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IntervalArg {
    /// Bias-corrected and accelerated bootstrap interval.
    Bca,
    /// Percentile bootstrap interval.
    Percentile,
}

/// Flags of `analyze geo`. A liftlab.toml file sets the same names with `_` or `-`.
#[derive(Debug, Clone, Args)]
pub struct GeoArgs {
    /// Panel CSV: one row per geo and day.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,

    /// Column with the geo name.
    #[arg(long, default_value = "geo", value_name = "NAME")]
    pub geo_col: String,

    /// Column with the date.
    #[arg(long, default_value = "date", value_name = "NAME")]
    pub date_col: String,

    /// Column with the KPI (conversions or revenue), a non-negative number.
    #[arg(long, default_value = "kpi", value_name = "NAME")]
    pub kpi_col: String,

    /// Column with the channel's spend; enables iROAS and cost per incremental unit.
    #[arg(long, value_name = "NAME")]
    pub spend_col: Option<String>,

    /// Date format of the date column, in chrono strftime syntax.
    #[arg(long, default_value = DEFAULT_DATE_FORMAT, value_name = "FORMAT")]
    pub date_format: String,

    /// Field separator of the CSV, e.g. `;` for files saved with a decimal comma.
    #[arg(long, default_value_t = ',', value_name = "CHAR")]
    pub delimiter: char,

    /// Handling of geo × day cells that have no row.
    #[arg(long, value_enum, default_value = "error")]
    pub missing: MissingArg,

    /// Treated geos, comma-separated or repeated; names match exactly.
    #[arg(long, value_delimiter = ',', required = true, value_name = "GEOS")]
    pub treated: Vec<String>,

    /// First day of the test window (in the --date-format).
    #[arg(long, value_name = "DATE")]
    pub test_start: String,

    /// Last day of the test window, inclusive.
    #[arg(long, value_name = "DATE")]
    pub test_end: String,

    /// First day of the pre-period; default: the first day of the data.
    #[arg(long, value_name = "DATE")]
    pub pre_start: Option<String>,

    /// Estimator that builds the counterfactual from the control geos.
    #[arg(long, value_enum, default_value = "synth")]
    pub estimator: EstimatorArg,

    /// Fit the synthetic control without an intercept (raw levels, not demeaned series).
    #[arg(long)]
    pub no_intercept: bool,

    /// Confidence level of the intervals, as a fraction.
    #[arg(long, default_value_t = GeoConfig::DEFAULT_LEVEL, value_name = "FRACTION")]
    pub level: f64,

    /// Bootstrap resamples.
    #[arg(long, default_value_t = GeoConfig::DEFAULT_RESAMPLES, value_name = "N")]
    pub resamples: usize,

    /// Seed of every random step; the report records it.
    #[arg(long, default_value_t = GeoConfig::DEFAULT_SEED, value_name = "N")]
    pub seed: u64,

    /// Block length of the moving-block bootstrap, in days.
    #[arg(long, default_value_t = GeoConfig::DEFAULT_BLOCK_LENGTH_DAYS, value_name = "DAYS")]
    pub block_length: usize,

    /// Bootstrap behind the primary intervals; both are computed and reported.
    #[arg(long, value_enum, default_value = "placebo-path")]
    pub bootstrap: BootstrapArg,

    /// Primary interval method.
    #[arg(long, value_enum, default_value = "percentile")]
    pub interval: IntervalArg,

    /// Largest number of placebo control sets; above it a seeded random sample is run.
    #[arg(long, default_value_t = GeoConfig::DEFAULT_MAX_PLACEBO_SETS, value_name = "N")]
    pub max_placebo_sets: usize,

    /// Title of the report and charts; default: built from the treated geos and window.
    #[arg(long)]
    pub title: Option<String>,

    /// Output folder for report.json and the charts; created when missing.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
}

/// A flag value that parses but is not valid.
#[derive(Debug, thiserror::Error)]
#[error("invalid value `{value}` for {flag}: expected {expected}")]
pub struct ArgError {
    pub flag: String,
    pub value: String,
    pub expected: String,
}

impl GeoArgs {
    /// Returns the panel reader settings, or an error for a separator that is not one byte.
    pub fn panel_spec(&self) -> Result<PanelSpec, ArgError> {
        let delimiter = u8::try_from(self.delimiter)
            .ok()
            .filter(|byte| byte.is_ascii() && *byte != b'"' && *byte != b'\n')
            .ok_or_else(|| ArgError {
                flag: "--delimiter".to_string(),
                value: self.delimiter.to_string(),
                expected: "one ASCII character such as `,` or `;`".to_string(),
            })?;
        Ok(PanelSpec {
            path: self.data.clone(),
            geo_col: self.geo_col.clone(),
            date_col: self.date_col.clone(),
            kpi_col: self.kpi_col.clone(),
            spend_col: self.spend_col.clone(),
            date_format: self.date_format.clone(),
            missing: match self.missing {
                MissingArg::Error => MissingPolicy::Error,
                MissingArg::Zero => MissingPolicy::Zero,
            },
            delimiter,
        })
    }
}

impl TryFrom<&GeoArgs> for GeoConfig {
    type Error = ArgError;

    fn try_from(args: &GeoArgs) -> Result<Self, ArgError> {
        let date = |flag: &str, text: &str| -> Result<NaiveDate, ArgError> {
            NaiveDate::parse_from_str(text, &args.date_format).map_err(|_| ArgError {
                flag: flag.to_string(),
                value: text.to_string(),
                expected: format!("a date in the format {}", args.date_format),
            })
        };
        if args.no_intercept && args.estimator != EstimatorArg::Synth {
            return Err(ArgError {
                flag: "--no-intercept".to_string(),
                value: "set".to_string(),
                expected: "--estimator synth, the only estimator with an intercept option"
                    .to_string(),
            });
        }
        Ok(GeoConfig {
            title: args.title.clone(),
            // Spaces around the names in `--treated "a, b"` are not part of them.
            treated: args
                .treated
                .iter()
                .map(|geo| geo.trim().to_string())
                .collect(),
            test_start: date("--test-start", &args.test_start)?,
            test_end: date("--test-end", &args.test_end)?,
            pre_start: args
                .pre_start
                .as_deref()
                .map(|text| date("--pre-start", text))
                .transpose()?,
            estimator: match args.estimator {
                EstimatorArg::Synth => Estimator::Synth {
                    intercept: !args.no_intercept,
                },
                EstimatorArg::Tbr => Estimator::Tbr,
                EstimatorArg::Did => Estimator::Did,
            },
            level: args.level,
            resamples: args.resamples,
            seed: args.seed,
            block_length_days: args.block_length,
            bootstrap: match args.bootstrap {
                BootstrapArg::PlaceboPath => BootstrapScheme::PlaceboPath,
                BootstrapArg::Block => BootstrapScheme::Block,
            },
            interval: match args.interval {
                IntervalArg::Bca => IntervalMethod::Bca,
                IntervalArg::Percentile => IntervalMethod::Percentile,
            },
            max_placebo_sets: args.max_placebo_sets,
        })
    }
}
