//! `liftlab design geo`: geo market selection, power and budget.

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use clap::{Args, ValueEnum};

use liftlab::data::{DEFAULT_DATE_FORMAT, MissingPolicy, PanelSpec};
use liftlab::design::geo::assignment::{self, AssignmentMethod};
use liftlab::design::geo::budget::CpicRange;
use liftlab::design::geo::schema::read_design;
use liftlab::design::geo::simulation::InferenceSettings;
use liftlab::design::geo::{self, GeoDesignConfig};
use liftlab::geo::{Estimator, GeoConfig};
use liftlab::report::html;
use liftlab::report::write_json_dir;

use super::args::{ArgError, EstimatorArg, GeoArgs, MissingArg, delimiter_byte};
use super::{Context, Failure, check_out, progress};

/// File name of the design inside the output folder.
pub const DESIGN_FILE: &str = "design.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AssignmentArg {
    /// Screened search over treated sets, ranked by simulated power, budget and fit.
    Search,
    /// Stratified randomisation: one treated geo per KPI-volume stratum.
    Stratified,
    /// Matched pairs: similar geos paired, one of each chosen pair treated at random.
    MatchedPairs,
}

/// Flags of `liftlab design geo`.
#[derive(Debug, Clone, Args)]
pub struct DesignGeoArgs {
    /// Historical panel CSV: one row per geo and day, before the test.
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

    /// Date format of the date column, in chrono strftime syntax.
    #[arg(long, default_value = DEFAULT_DATE_FORMAT, value_name = "FORMAT")]
    pub date_format: String,

    /// Field separator of the CSV.
    #[arg(long, default_value_t = ',', value_name = "CHAR")]
    pub delimiter: char,

    /// Handling of geo × day cells that have no row.
    #[arg(long, value_enum, default_value = "error")]
    pub missing: MissingArg,

    /// Numbers of treated geos to consider: one (3), a range (2..5) or a list (2,4).
    #[arg(long, value_name = "COUNTS")]
    pub treated_count: String,

    /// Test durations in days, comma-separated, e.g. 10,15.
    #[arg(long, value_delimiter = ',', required = true, value_name = "DAYS")]
    pub durations: Vec<usize>,

    /// Geos every design treats, comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "GEOS")]
    pub include: Vec<String>,

    /// Geos no design treats (they stay controls), comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "GEOS")]
    pub exclude: Vec<String>,

    /// Cost per incremental conversion (KPI unit), one value (7.5) or a range (5..10).
    #[arg(long, value_name = "AMOUNT")]
    pub cpic: Option<String>,

    /// Largest budget, in the currency of --cpic; designs over it at the highest CPIC are dropped.
    #[arg(long, value_name = "AMOUNT")]
    pub budget: Option<f64>,

    /// Allowed share of the total KPI in the treated geos, as fractions MIN..MAX, e.g. 0.05..0.3.
    #[arg(long, value_name = "MIN..MAX")]
    pub treated_share: Option<String>,

    /// Target power, as a fraction.
    #[arg(long, default_value_t = GeoDesignConfig::DEFAULT_POWER, value_name = "FRACTION")]
    pub power: f64,

    /// Confidence level of the planned analysis, as a fraction (alpha = 1 − level).
    #[arg(long, default_value_t = GeoConfig::DEFAULT_LEVEL, value_name = "FRACTION")]
    pub level: f64,

    /// Estimator of the planned analysis.
    #[arg(long, value_enum, default_value = "synth")]
    pub estimator: EstimatorArg,

    /// Fit the synthetic control without an intercept.
    #[arg(long)]
    pub no_intercept: bool,

    /// Bootstrap resamples per simulated analysis.
    #[arg(long, default_value_t = GeoConfig::DEFAULT_RESAMPLES, value_name = "N")]
    pub resamples: usize,

    /// Placebo sets per simulated analysis (the analysis's --max-placebo-sets).
    #[arg(long, default_value_t = GeoDesignConfig::DEFAULT_PLACEBO_SETS, value_name = "N")]
    pub placebo_sets: usize,

    /// Largest lift searched for the MDE, as a fraction.
    #[arg(long, default_value_t = GeoDesignConfig::DEFAULT_MAX_EFFECT, value_name = "FRACTION")]
    pub max_effect: f64,

    /// Candidate treated sets simulated per treated count.
    #[arg(long, default_value_t = GeoDesignConfig::DEFAULT_CANDIDATES, value_name = "N")]
    pub candidates: usize,

    /// Candidate sets screened by one pre-period fit per treated count (search only).
    #[arg(long, default_value_t = GeoDesignConfig::DEFAULT_SCREENED, value_name = "N")]
    pub screen: usize,

    /// Days at the end of the data held out for the A/A check; default: the longest duration.
    #[arg(long, value_name = "DAYS")]
    pub held_out_days: Option<usize>,

    /// Method that chooses the treated sets.
    #[arg(long, value_enum, default_value = "search")]
    pub assignment: AssignmentArg,

    /// Seed of every random step; the design records it and the analysis reuses it.
    #[arg(long, default_value_t = GeoConfig::DEFAULT_SEED, value_name = "N")]
    pub seed: u64,

    /// Designs shown in the table and drawn in the power chart.
    #[arg(long, default_value_t = GeoDesignConfig::DEFAULT_TOP, value_name = "N")]
    pub top: usize,

    /// Output folder for design.json, assignment.csv and the charts; nothing is written without it.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

impl DesignGeoArgs {
    /// Returns the panel reader settings.
    pub fn panel_spec(&self) -> Result<PanelSpec, ArgError> {
        Ok(PanelSpec {
            path: self.data.clone(),
            geo_col: self.geo_col.clone(),
            date_col: self.date_col.clone(),
            kpi_col: self.kpi_col.clone(),
            spend_col: None,
            date_format: self.date_format.clone(),
            missing: match self.missing {
                MissingArg::Error => MissingPolicy::Error,
                MissingArg::Zero => MissingPolicy::Zero,
            },
            delimiter: delimiter_byte(self.delimiter)?,
        })
    }

    /// Returns the design settings.
    pub fn config(&self) -> Result<GeoDesignConfig, ArgError> {
        let treated_counts = parse_counts(&self.treated_count)?;

        let mut durations = self.durations.clone();
        durations.sort_unstable();
        durations.dedup();
        if durations.contains(&0) {
            return Err(invalid(
                "--durations",
                "0",
                "test durations of at least 1 day",
            ));
        }
        if self.no_intercept && self.estimator != EstimatorArg::Synth {
            return Err(invalid(
                "--no-intercept",
                "set",
                "--estimator synth, the only estimator with an intercept option",
            ));
        }

        let cpic = self
            .cpic
            .as_deref()
            .map(|text| {
                let (low, high) = parse_range(
                    text,
                    "--cpic",
                    "a positive amount such as 7.5 or a range such as 5..10",
                )?;
                if low > 0.0 {
                    Ok(CpicRange { low, high })
                } else {
                    Err(invalid(
                        "--cpic",
                        text,
                        "a positive amount such as 7.5 or a range such as 5..10",
                    ))
                }
            })
            .transpose()?;

        if let Some(budget) = self.budget {
            if !(budget.is_finite() && budget > 0.0) {
                return Err(invalid(
                    "--budget",
                    &budget.to_string(),
                    "a positive amount",
                ));
            }
            if cpic.is_none() {
                return Err(ArgError::Missing {
                    flags: "--cpic".to_string(),
                    expected: "a cost per incremental conversion to turn the MDE into a budget \
                               that --budget can cap, such as --cpic 7.5"
                        .to_string(),
                });
            }
        }
        let treated_share = self
            .treated_share
            .as_deref()
            .map(|text| {
                let expected = "fractions MIN..MAX between 0 and 1, such as 0.05..0.3";
                let (low, high) = parse_range(text, "--treated-share", expected)?;
                if (0.0..=1.0).contains(&low) && high <= 1.0 {
                    Ok((low, high))
                } else {
                    Err(invalid("--treated-share", text, expected))
                }
            })
            .transpose()?;

        if self.candidates == 0 {
            return Err(invalid("--candidates", "0", "at least 1"));
        }
        if self.screen < self.candidates {
            return Err(invalid(
                "--screen",
                &self.screen.to_string(),
                &format!("at least --candidates ({})", self.candidates),
            ));
        }

        Ok(GeoDesignConfig {
            treated_counts,
            durations_days: durations,
            include: self.include.iter().map(|g| g.trim().to_string()).collect(),
            exclude: self.exclude.iter().map(|g| g.trim().to_string()).collect(),
            cpic,
            budget_cap: self.budget,
            treated_share,
            power: self.power,
            inference: InferenceSettings {
                estimator: match self.estimator {
                    EstimatorArg::Synth => Estimator::Synth {
                        intercept: !self.no_intercept,
                    },
                    EstimatorArg::Tbr => Estimator::Tbr,
                    EstimatorArg::Did => Estimator::Did,
                },
                level: self.level,
                resamples: self.resamples,
                placebo_sets: self.placebo_sets,
                seed: self.seed,
            },
            max_effect: self.max_effect,
            candidates_per_count: self.candidates,
            screened_per_count: self.screen,
            held_out_days: self.held_out_days,
            assignment: match self.assignment {
                AssignmentArg::Search => AssignmentMethod::Search,
                AssignmentArg::Stratified => AssignmentMethod::Stratified,
                AssignmentArg::MatchedPairs => AssignmentMethod::MatchedPairs,
            },
            top: self.top,
        })
    }
}

pub(crate) fn run(args: &DesignGeoArgs, context: Context) -> Result<(), Failure> {
    let texts = context.lang.texts();
    let spec = args.panel_spec().map_err(Failure::input)?;
    let config = args.config().map_err(Failure::input)?;
    if let Some(out) = &args.out {
        check_out(out)?;
    }
    let panel = liftlab::data::read_panel(&spec).map_err(Failure::input)?;
    let progress = progress::BarProgress::new(context.quiet);
    let report = geo::design(&panel, &spec, &config, &progress).map_err(Failure::input)?;

    if let Some(out) = &args.out {
        let csv = assignment::to_csv(&report.assignment.rows).map_err(Failure::other)?;
        write_json_dir(&report, DESIGN_FILE, out, |staging| {
            let mut written = html::write_geo_design_files(&report, texts, staging)
                .map_err(|error| error.to_string())?;
            let path = staging.join("assignment.csv");
            std::fs::write(&path, &csv)
                .map_err(|error| format!("{}: cannot write: {error}", path.display()))?;
            written.push(path);
            Ok(written)
        })
        .map_err(Failure::other)?;
    }

    println!("{}", geo::summary::design_summary(&report, texts, args.top));
    if let Some(out) = &args.out {
        println!();
        println!(
            "{}",
            texts.fill("design_geo.written", &[("dir", &out.display())])
        );
    }
    Ok(())
}

/// Returns `args` completed from the design at `path`: treated geos, test end (from the
/// planned duration), estimator, level, seed and panel columns.
///
/// A flag left at its default takes the design's value. A flag with any other value must
/// agree with the design, because otherwise the analysis would not be the planned one.
/// NOTE: a flag set explicitly to its default value cannot be distinguished from an unset one,
/// so it takes the design's value without an error.
pub(crate) fn apply_design(args: &GeoArgs, path: &Path) -> Result<GeoArgs, Failure> {
    let design = read_design(path).map_err(Failure::input)?;
    let planned = &design.recommended;
    let parameters = &design.parameters;
    let mut merged = args.clone();
    let conflict = |flag: &str, given: &dyn std::fmt::Display, planned: &dyn std::fmt::Display| {
        Failure::input(format!(
            "{flag} {given} contradicts the design in {}, which plans {planned}; leave {flag} \
             out to use the design's value, or analyse without --design",
            path.display()
        ))
    };

    if !args.treated.is_empty() {
        let mut given: Vec<String> = args.treated.iter().map(|g| g.trim().to_string()).collect();
        let mut planned_geos = planned.treated_geos.clone();
        given.sort();
        planned_geos.sort();
        if given != planned_geos {
            return Err(conflict(
                "--treated",
                &given.join(","),
                &planned_geos.join(","),
            ));
        }
    }
    merged.treated = planned.treated_geos.clone();

    let columns = [
        ("--geo-col", &mut merged.geo_col, "geo", &parameters.geo_col),
        (
            "--date-col",
            &mut merged.date_col,
            "date",
            &parameters.date_col,
        ),
        ("--kpi-col", &mut merged.kpi_col, "kpi", &parameters.kpi_col),
        (
            "--date-format",
            &mut merged.date_format,
            DEFAULT_DATE_FORMAT,
            &parameters.date_format,
        ),
    ];
    for (flag, value, default, planned_value) in columns {
        if value != default && value != planned_value {
            return Err(conflict(flag, value, planned_value));
        }
        *value = planned_value.clone();
    }

    let planned_estimator = match planned.estimator.as_str() {
        "synth" => EstimatorArg::Synth,
        "tbr" => EstimatorArg::Tbr,
        "did" => EstimatorArg::Did,
        other => {
            return Err(Failure::input(format!(
                "{}: estimator {other:?} is unknown; expected synth, tbr or did",
                path.display()
            )));
        }
    };
    if args.estimator != EstimatorArg::Synth && args.estimator != planned_estimator {
        return Err(conflict(
            "--estimator",
            &format!("{:?}", args.estimator).to_lowercase(),
            &planned.estimator,
        ));
    }
    merged.estimator = planned_estimator;
    if args.no_intercept && planned.intercept {
        return Err(conflict(
            "--no-intercept",
            &"set",
            &"a synthetic control with intercept",
        ));
    }
    merged.no_intercept = planned_estimator == EstimatorArg::Synth && !planned.intercept;

    if args.level != GeoConfig::DEFAULT_LEVEL && args.level != planned.level {
        return Err(conflict("--level", &args.level, &planned.level));
    }
    merged.level = planned.level;
    if args.seed != GeoConfig::DEFAULT_SEED && args.seed != planned.seed {
        return Err(conflict("--seed", &args.seed, &planned.seed));
    }
    merged.seed = planned.seed;

    // The test window lasts the planned duration from --test-start.
    let start = NaiveDate::parse_from_str(&args.test_start, &merged.date_format).map_err(|_| {
        Failure::input(format!(
            "invalid value `{}` for --test-start: expected a date in the format {}",
            args.test_start, merged.date_format
        ))
    })?;
    let planned_end = start
        .checked_add_days(Days::new(planned.duration_days.saturating_sub(1) as u64))
        .unwrap_or(start)
        .format(&merged.date_format)
        .to_string();
    if let Some(end) = &args.test_end
        && *end != planned_end
    {
        return Err(conflict(
            "--test-end",
            end,
            &format!("{} days, ending on {planned_end}", planned.duration_days),
        ));
    }
    merged.test_end = Some(planned_end);
    Ok(merged)
}

fn invalid(flag: &str, value: &str, expected: &str) -> ArgError {
    ArgError::Invalid {
        flag: flag.to_string(),
        value: value.to_string(),
        expected: expected.to_string(),
    }
}

/// Parses `--treated-count`: `3`, `2..5` (inclusive) or `2,4`.
fn parse_counts(text: &str) -> Result<Vec<usize>, ArgError> {
    let expected = "a count (3), an inclusive range (2..5) or a list (2,4) of counts of at least 1";
    let error = || invalid("--treated-count", text, expected);
    let mut counts: Vec<usize> = if let Some((low, high)) = text.split_once("..") {
        let low: usize = low.trim().parse().map_err(|_| error())?;
        let high: usize = high
            .trim()
            .trim_start_matches('=')
            .parse()
            .map_err(|_| error())?;
        if low > high {
            return Err(error());
        }
        (low..=high).collect()
    } else {
        text.split(',')
            .map(|part| part.trim().parse::<usize>().map_err(|_| error()))
            .collect::<Result<_, _>>()?
    };
    counts.sort_unstable();
    counts.dedup();
    if counts.is_empty() || counts[0] == 0 {
        return Err(error());
    }
    Ok(counts)
}

/// Parses `VALUE` or `LOW..HIGH` into `(low, high)` with `low ≤ high`, both finite.
fn parse_range(text: &str, flag: &str, expected: &str) -> Result<(f64, f64), ArgError> {
    let error = || invalid(flag, text, expected);
    let (low, high) = match text.split_once("..") {
        Some((low, high)) => (
            low.trim().parse::<f64>().map_err(|_| error())?,
            high.trim().parse::<f64>().map_err(|_| error())?,
        ),
        None => {
            let value = text.trim().parse::<f64>().map_err(|_| error())?;
            (value, value)
        }
    };
    if !(low.is_finite() && high.is_finite() && low <= high) {
        return Err(error());
    }
    Ok((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_parse_in_three_forms() {
        assert_eq!(parse_counts("2..5").expect("range"), vec![2, 3, 4, 5]);
        assert_eq!(parse_counts("4,2").expect("list"), vec![2, 4]);
        assert_eq!(parse_counts("3").expect("one"), vec![3]);
        assert!(parse_counts("5..2").is_err());
        assert!(parse_counts("0..2").is_err());
        assert!(parse_counts("two").is_err());
    }

    #[test]
    fn ranges_parse_single_values() {
        assert_eq!(parse_range("7.5", "--cpic", "").expect("one"), (7.5, 7.5));
        assert_eq!(
            parse_range("5..10", "--cpic", "").expect("range"),
            (5.0, 10.0)
        );
        assert!(parse_range("10..5", "--cpic", "").is_err());
    }
}
