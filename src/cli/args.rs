//! Command-line flags, and their conversion into the library's settings.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use liftlab::data::{DEFAULT_DATE_FORMAT, MissingPolicy, PanelSpec, RatioSpec, UnitSpec};
use liftlab::geo::{BootstrapScheme, Estimator, GeoConfig, IntervalMethod};
use liftlab::holdout::{HoldoutConfig, HoldoutInterval};
use liftlab::i18n::Lang;
use liftlab::resample::Scheme;

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

    /// Language of what a person reads: terminal summary, charts and HTML report (en or nl).
    #[arg(
        long,
        global = true,
        env = "LIFTLAB_LANG",
        default_value = "en",
        value_name = "LANG"
    )]
    pub lang: Lang,

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
    /// Plan a test: what it can detect, what it costs, which units to treat.
    Design {
        #[command(subcommand)]
        test: DesignCommand,
    },
    /// Business KPIs per channel, with attributed credit replaced by measured lift.
    Kpis(Box<super::kpis::KpisArgs>),
    /// Render report.html and the charts again from the report.json in a folder.
    Report(super::report_cmd::ReportArgs),
}

#[derive(Debug, Subcommand)]
pub enum DesignCommand {
    /// Holdout test: sample size, power and MDE, analytic or simulated from history.
    Holdout(Box<super::design_holdout::DesignHoldoutArgs>),
    /// Geo test: treatment markets, duration, MDE and budget from a historical panel.
    Geo(Box<super::design_geo::DesignGeoArgs>),
}

#[derive(Debug, Subcommand)]
pub enum AnalyzeCommand {
    /// Geo test: some geos treated in a test window, the others as controls.
    Geo(Box<GeoArgs>),
    /// Holdout test: units randomised into treatment arms and a held-out control.
    Holdout(Box<HoldoutArgs>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    /// A Poisson(1) weight per unit; arms resampled independently.
    Poisson,
    /// Classic resampling with replacement, arm sizes fixed; for small samples.
    Multinomial,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HoldoutIntervalArg {
    Percentile,
    Basic,
    Bca,
}

/// Flags of `analyze holdout`. A liftlab.toml file with `kind = "holdout"` sets the same names.
#[derive(Debug, Clone, Args)]
pub struct HoldoutArgs {
    /// Unit table CSV: one row per user (or account, household).
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,

    /// Column with the arm label of each unit.
    #[arg(long, default_value = "group", value_name = "NAME")]
    pub group_col: String,

    /// Label of the held-out control arm.
    #[arg(long, value_name = "LABEL")]
    pub control: String,

    /// Label of a treatment arm; repeat for several, each compared with control.
    #[arg(long = "treatment", required = true, value_name = "LABEL")]
    pub treatments: Vec<String>,

    /// Outcome column (0/1 or numeric); repeat or separate with commas.
    #[arg(long = "metric", value_delimiter = ',', value_name = "NAME")]
    pub metrics: Vec<String>,

    /// Ratio metric as NUMERATOR/DENOMINATOR columns, e.g. spend/visit (ratio of sums).
    #[arg(long = "ratio", value_name = "NUM/DEN")]
    pub ratios: Vec<String>,

    /// Pre-period covariate column for CUPED variance reduction.
    #[arg(long, value_name = "NAME")]
    pub covariate: Option<String>,

    /// Segment column (intent cluster, region, device) for per-segment lift.
    #[arg(long, value_name = "NAME")]
    pub segment_col: Option<String>,

    /// Unit id column; a unit that appears twice is an error.
    #[arg(long, value_name = "NAME")]
    pub unit_id_col: Option<String>,

    /// Field separator of the CSV.
    #[arg(long, default_value_t = ',', value_name = "CHAR")]
    pub delimiter: char,

    /// Planned split of arms, control first, e.g. 50:50 or 34:33:33; default equal.
    #[arg(long, value_name = "SHARES")]
    pub expected_split: Option<String>,

    /// Confidence level of the intervals, as a fraction.
    #[arg(long, default_value_t = 0.95, value_name = "FRACTION")]
    pub level: f64,

    /// Bootstrap resamples.
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub resamples: usize,

    /// Seed of every random step; the report records it.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,

    /// Bootstrap scheme.
    #[arg(long, value_enum, default_value = "poisson")]
    pub scheme: SchemeArg,

    /// Primary interval method.
    #[arg(long, value_enum, default_value = "percentile")]
    pub interval: HoldoutIntervalArg,

    /// Title of the report and charts.
    #[arg(long)]
    pub title: Option<String>,

    /// Output folder for report.json and the charts; created when missing.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
}

/// Parses a `--delimiter` value into one ASCII byte.
pub fn delimiter_byte(delimiter: char) -> Result<u8, ArgError> {
    u8::try_from(delimiter)
        .ok()
        .filter(|byte| byte.is_ascii() && *byte != b'"' && *byte != b'\n')
        .ok_or_else(|| ArgError::Invalid {
            flag: "--delimiter".to_string(),
            value: delimiter.to_string(),
            expected: "one ASCII character such as `,` or `;`".to_string(),
        })
}

impl HoldoutArgs {
    /// Returns the unit table reader settings.
    pub fn unit_spec(&self) -> Result<UnitSpec, ArgError> {
        let mut ratios = Vec::new();
        for text in &self.ratios {
            let Some((numerator, denominator)) = text.split_once('/') else {
                return Err(ArgError::Invalid {
                    flag: "--ratio".to_string(),
                    value: text.clone(),
                    expected: "NUMERATOR/DENOMINATOR column names, such as spend/visit".to_string(),
                });
            };
            ratios.push(RatioSpec {
                numerator: numerator.trim().to_string(),
                denominator: denominator.trim().to_string(),
            });
        }
        for (index, label) in self.treatments.iter().enumerate() {
            if *label == self.control {
                return Err(ArgError::Invalid {
                    flag: "--treatment".to_string(),
                    value: label.clone(),
                    expected: "a label other than the control's (--control)".to_string(),
                });
            }
            if self.treatments[..index].contains(label) {
                return Err(ArgError::Invalid {
                    flag: "--treatment".to_string(),
                    value: label.clone(),
                    expected: "each treatment label once".to_string(),
                });
            }
        }
        if self.metrics.is_empty() && ratios.is_empty() {
            return Err(ArgError::Missing {
                flags: "--metric or --ratio".to_string(),
                expected: "at least one outcome column to analyse, such as --metric conversion"
                    .to_string(),
            });
        }
        Ok(UnitSpec {
            path: self.data.clone(),
            group_col: self.group_col.clone(),
            control: self.control.clone(),
            treatments: self.treatments.clone(),
            metrics: self.metrics.iter().map(|m| m.trim().to_string()).collect(),
            ratios,
            covariate: self.covariate.clone(),
            segment_col: self.segment_col.clone(),
            unit_id_col: self.unit_id_col.clone(),
            delimiter: delimiter_byte(self.delimiter)?,
        })
    }

    /// Returns the analysis settings.
    pub fn config(&self) -> Result<HoldoutConfig, ArgError> {
        let expected_split = match &self.expected_split {
            None => None,
            Some(text) => {
                let shares: Result<Vec<f64>, _> = text
                    .split(':')
                    .map(|part| part.trim().parse::<f64>())
                    .collect();
                match shares {
                    Ok(shares) if shares.iter().all(|share| share.is_finite() && *share > 0.0) => {
                        Some(shares)
                    }
                    _ => {
                        return Err(ArgError::Invalid {
                            flag: "--expected-split".to_string(),
                            value: text.clone(),
                            expected: "positive shares separated by `:`, control first, such \
                                       as 50:50 or 34:33:33"
                                .to_string(),
                        });
                    }
                }
            }
        };
        Ok(HoldoutConfig {
            title: self.title.clone(),
            level: self.level,
            resamples: self.resamples,
            seed: self.seed,
            scheme: match self.scheme {
                SchemeArg::Poisson => Scheme::Poisson,
                SchemeArg::Multinomial => Scheme::Multinomial,
            },
            interval: match self.interval {
                HoldoutIntervalArg::Percentile => HoldoutInterval::Percentile,
                HoldoutIntervalArg::Basic => HoldoutInterval::Basic,
                HoldoutIntervalArg::Bca => HoldoutInterval::Bca,
            },
            expected_split,
        })
    }
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
    #[arg(
        long,
        value_delimiter = ',',
        required_unless_present = "design",
        value_name = "GEOS"
    )]
    pub treated: Vec<String>,

    /// design.json of `liftlab design geo`: treated geos, duration, estimator, level, seed and
    /// columns come from it; a flag set to a value other than its default must agree with it.
    #[arg(long, value_name = "FILE")]
    pub design: Option<PathBuf>,

    /// First day of the test window (in the --date-format).
    #[arg(long, value_name = "DATE")]
    pub test_start: String,

    /// Last day of the test window, inclusive; with --design, default: the planned duration.
    #[arg(long, required_unless_present = "design", value_name = "DATE")]
    pub test_end: Option<String>,

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

/// A flag value that parses but is not valid, or a missing flag.
#[derive(Debug, thiserror::Error)]
pub enum ArgError {
    #[error("invalid value `{value}` for {flag}: expected {expected}")]
    Invalid {
        flag: String,
        value: String,
        expected: String,
    },
    #[error("missing {flags}: expected {expected}")]
    Missing { flags: String, expected: String },
}

impl GeoArgs {
    /// Returns the panel reader settings, or an error for a separator that is not one byte.
    pub fn panel_spec(&self) -> Result<PanelSpec, ArgError> {
        let delimiter = delimiter_byte(self.delimiter)?;
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
            NaiveDate::parse_from_str(text, &args.date_format).map_err(|_| ArgError::Invalid {
                flag: flag.to_string(),
                value: text.to_string(),
                expected: format!("a date in the format {}", args.date_format),
            })
        };
        if args.no_intercept && args.estimator != EstimatorArg::Synth {
            return Err(ArgError::Invalid {
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
            test_end: date(
                "--test-end",
                args.test_end.as_deref().ok_or_else(|| ArgError::Missing {
                    flags: "--test-end".to_string(),
                    expected: "the last day of the test window".to_string(),
                })?,
            )?,
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
