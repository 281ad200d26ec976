//! `liftlab design holdout`: holdout sample size, power and MDE, analytic and by simulation
//! from historical outcomes, and the cost of the holdout.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::args::{ArgError, delimiter_byte};
use super::{Context, Failure, check_out, progress};
use liftlab::design::holdout::{
    self, Alternative, DESIGN_FILE, DesignConfig, EffectScale, NullVariance, Outcome,
    SimulationSettings, SimulationSpec,
};
use liftlab::report::{html, write_json_dir};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlternativeArg {
    /// The treated arm differs from the holdout in either direction.
    TwoSided,
    /// The treated arm is higher (one-sided).
    Larger,
    /// The treated arm is lower (one-sided).
    Smaller,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NullVarianceArg {
    /// Each arm's own variance, as the bootstrap analysis behaves (Wald test).
    Unpooled,
    /// The pooled rate's variance under the null (classic two-proportion z-test).
    Pooled,
}

/// Flags of `liftlab design holdout`. Give two of --users, --mde and --power (default 0.8);
/// the third is computed.
#[derive(Debug, Clone, Args)]
pub struct DesignHoldoutArgs {
    /// Conversion rate without treatment, as a fraction, e.g. 0.02.
    #[arg(long, value_name = "FRACTION")]
    pub baseline_rate: Option<f64>,

    /// Mean of a numeric metric (e.g. revenue per user) without treatment; needs --sd.
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub baseline_mean: Option<f64>,

    /// Standard deviation of the metric per user, in metric units; needs --baseline-mean.
    #[arg(long, value_name = "AMOUNT")]
    pub sd: Option<f64>,

    /// CSV of historical per-user outcomes; sets the baseline and runs the simulation.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,

    /// Outcome column of --history (0/1 columns are conversion rates).
    #[arg(long, value_name = "NAME")]
    pub metric: Option<String>,

    /// Field separator of the --history CSV.
    #[arg(long, default_value_t = ',', value_name = "CHAR")]
    pub delimiter: char,

    /// Effect to detect, treated minus held out: metric units (rate as a fraction), or a
    /// fraction of the baseline with --relative.
    #[arg(long, value_name = "EFFECT", allow_hyphen_values = true)]
    pub mde: Option<f64>,

    /// Read --mde as a fraction of the baseline (0.05 = +5%).
    #[arg(long)]
    pub relative: bool,

    /// Users in the test, treated and held out together.
    #[arg(long, value_name = "N")]
    pub users: Option<f64>,

    /// Target power, as a fraction; default 0.8 when --users or --mde is computed.
    #[arg(long, value_name = "FRACTION")]
    pub power: Option<f64>,

    /// Significance level α, as a fraction.
    #[arg(long, default_value_t = 0.05, value_name = "FRACTION")]
    pub alpha: f64,

    /// Split of users as TREATED:HELD_OUT shares, treated first, e.g. 90:10.
    #[arg(long, default_value = "50:50", value_name = "SHARES")]
    pub split: String,

    /// Direction of the test.
    #[arg(long, value_enum, default_value = "two-sided")]
    pub alternative: AlternativeArg,

    /// Null variance of a conversion-rate test.
    #[arg(long, value_enum)]
    pub null_variance: Option<NullVarianceArg>,

    /// Value of one conversion, in your currency, for the cost of the holdout.
    #[arg(long, value_name = "AMOUNT")]
    pub value_per_conversion: Option<f64>,

    /// Simulated tests on the history.
    #[arg(long, default_value_t = SimulationSpec::DEFAULT_REPLICATIONS, value_name = "N")]
    pub replications: usize,

    /// Bootstrap resamples of each simulated test's analysis.
    #[arg(long, default_value_t = SimulationSpec::DEFAULT_RESAMPLES, value_name = "N")]
    pub resamples: usize,

    /// Seed of the simulation; design.json records it.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,

    /// Also search for the simulated MDE when --mde is given (about 15 simulations).
    #[arg(long)]
    pub simulate_mde: bool,

    /// Output folder for design.json and the power curve; created when missing.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

impl DesignHoldoutArgs {
    /// Returns the treated share of `--split`.
    fn treated_share(&self) -> Result<f64, ArgError> {
        let invalid = || ArgError::Invalid {
            flag: "--split".to_string(),
            value: self.split.clone(),
            expected: "two positive shares TREATED:HELD_OUT that add up to 100 (or to 1), \
                       treated first, such as 90:10"
                .to_string(),
        };
        let shares: Vec<f64> = self
            .split
            .split(':')
            .map(|part| part.trim().parse::<f64>().map_err(|_| invalid()))
            .collect::<Result<_, _>>()?;
        match shares.as_slice() {
            [treated, held_out]
                if treated.is_finite()
                    && held_out.is_finite()
                    && *treated > 0.0
                    && *held_out > 0.0
                    // Shares that add up to neither 100 nor 1 are most likely a typo.
                    && ((treated + held_out - 100.0).abs() < 1e-9
                        || (treated + held_out - 1.0).abs() < 1e-12) =>
            {
                Ok(treated / (treated + held_out))
            }
            _ => Err(invalid()),
        }
    }

    /// Returns the outcome given by flags, or `None` with a history.
    fn outcome(&self) -> Result<Option<Outcome>, ArgError> {
        let conflict = |flag: &str, other: &str| ArgError::Invalid {
            flag: flag.to_string(),
            value: "set".to_string(),
            expected: format!("one way to describe the metric; {other} also describes it"),
        };
        match (&self.history, &self.metric) {
            (Some(_), None) => {
                return Err(ArgError::Missing {
                    flags: "--metric".to_string(),
                    expected: "the outcome column of --history, such as --metric spend".to_string(),
                });
            }
            (None, Some(metric)) => {
                return Err(ArgError::Invalid {
                    flag: "--metric".to_string(),
                    value: metric.clone(),
                    expected: "--history FILE to read the column from".to_string(),
                });
            }
            _ => {}
        }
        if self.history.is_some() {
            if self.baseline_rate.is_some() {
                return Err(conflict("--baseline-rate", "--history"));
            }
            if self.baseline_mean.is_some() || self.sd.is_some() {
                return Err(conflict("--baseline-mean/--sd", "--history"));
            }
            return Ok(None);
        }
        match (self.baseline_rate, self.baseline_mean, self.sd) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                Err(conflict("--baseline-rate", "--baseline-mean/--sd"))
            }
            (Some(rate), None, None) => Ok(Some(Outcome::Proportion {
                baseline_rate: rate,
            })),
            (None, Some(mean), Some(sd)) => Ok(Some(Outcome::Mean {
                baseline_mean: mean,
                sd,
            })),
            (None, Some(_), None) => Err(ArgError::Missing {
                flags: "--sd".to_string(),
                expected: "the standard deviation per user of the metric of --baseline-mean"
                    .to_string(),
            }),
            (None, None, Some(_)) => Err(ArgError::Missing {
                flags: "--baseline-mean".to_string(),
                expected: "the metric's mean without treatment, which --sd belongs to".to_string(),
            }),
            (None, None, None) => Err(ArgError::Missing {
                flags: "--baseline-rate, --baseline-mean with --sd, or --history with --metric"
                    .to_string(),
                expected: "the metric to design for, such as --baseline-rate 0.02".to_string(),
            }),
        }
    }

    fn config(&self, outcome: Option<Outcome>) -> Result<DesignConfig, ArgError> {
        if let Some(value) = self.value_per_conversion
            && !(value >= 0.0 && value.is_finite())
        {
            return Err(ArgError::Invalid {
                flag: "--value-per-conversion".to_string(),
                value: value.to_string(),
                expected: "an amount of zero or more".to_string(),
            });
        }
        Ok(DesignConfig {
            outcome,
            treated_share: self.treated_share()?,
            alpha: self.alpha,
            alternative: match self.alternative {
                AlternativeArg::TwoSided => Alternative::TwoSided,
                AlternativeArg::Larger => Alternative::Larger,
                AlternativeArg::Smaller => Alternative::Smaller,
            },
            null_variance: match self.null_variance {
                Some(NullVarianceArg::Pooled) => NullVariance::Pooled,
                _ => NullVariance::Unpooled,
            },
            effect_scale: if self.relative {
                EffectScale::Relative
            } else {
                EffectScale::Absolute
            },
            effect: self.mde,
            users: self.users,
            power: self.power,
            value_per_conversion: self.value_per_conversion,
            simulation: SimulationSettings {
                replications: self.replications,
                resamples: self.resamples,
                seed: self.seed,
                mde: self.simulate_mde,
            },
        })
    }
}

pub(crate) fn run(args: &DesignHoldoutArgs, context: Context) -> Result<(), Failure> {
    let texts = context.lang.texts();
    let outcome = args.outcome().map_err(Failure::input)?;
    let config = args.config(outcome).map_err(Failure::input)?;
    if args.relative && args.mde.is_none() && args.history.is_none() && args.users.is_none() {
        return Err(Failure::input(ArgError::Missing {
            flags: "--mde".to_string(),
            expected: "the relative effect that --relative refers to, such as --mde 0.05"
                .to_string(),
        }));
    }
    if let Some(out) = &args.out {
        check_out(out)?;
    }

    let history = match (&args.history, &args.metric) {
        (Some(path), Some(metric)) => Some(
            holdout::read_history(
                path,
                metric,
                delimiter_byte(args.delimiter).map_err(Failure::input)?,
            )
            .map_err(Failure::input)?,
        ),
        _ => None,
    };
    let mean_metric = match (&history, outcome) {
        (Some(history), _) => !history.binary,
        (None, Some(Outcome::Mean { .. })) => true,
        _ => false,
    };
    if mean_metric {
        if args.null_variance.is_some() {
            return Err(Failure::input(ArgError::Invalid {
                flag: "--null-variance".to_string(),
                value: "set".to_string(),
                expected: "a conversion-rate metric; a mean metric's test has one variance"
                    .to_string(),
            }));
        }
        if args.value_per_conversion.is_some() {
            return Err(Failure::input(ArgError::Invalid {
                flag: "--value-per-conversion".to_string(),
                value: "set".to_string(),
                expected: "a conversion-rate metric; the cost of a mean metric is in its own \
                           units"
                    .to_string(),
            }));
        }
    }

    let progress = progress::BarProgress::new(context.quiet);
    let design = holdout::design(&config, history.as_ref(), &progress).map_err(Failure::input)?;

    if let Some(out) = &args.out {
        write_json_dir(&design, DESIGN_FILE, out, |staging| {
            html::write_holdout_design_files(&design, texts, staging)
                .map_err(|error| error.to_string())
        })
        .map_err(Failure::other)?;
    }
    println!("{}", holdout::summary::design_summary(&design, texts));
    if let Some(out) = &args.out {
        println!();
        println!(
            "{}",
            texts.fill("design_holdout.written", &[("dir", &out.display())])
        );
    }
    Ok(())
}
