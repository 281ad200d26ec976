//! Holdout test design: sample size, power and MDE, analytic and by simulation from history,
//! and the cost of holding users out.
//!
//! [`design`] takes two of (users, effect, power) and computes the third with the normal
//! approximation of [`analytic`]. With a history of per-unit outcomes it also simulates the
//! test on that history ([`simulation`]), analysed with the same bootstrap as
//! `analyze holdout`. The result is a [`HoldoutDesign`], written as design.json.

pub mod analytic;
pub mod charts;
pub mod history;
pub mod noncentral_t;
mod schema;
pub mod simulation;
pub mod summary;

pub use analytic::{Alternative, AnalyticSetup, NullVariance, Outcome};
pub use history::{History, read_history};
pub use schema::*;
pub use simulation::{SimulatedEffect, SimulationSpec};

use crate::progress::Progress;
use crate::report::{ToolInfo, Warning};
use crate::resample::Scheme;

/// Power targeted when none is given.
pub const DEFAULT_POWER: f64 = 0.8;

/// Points of the power curve.
const CURVE_POINTS: usize = 41;

/// A design request without a solution, or with invalid settings.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    #[error(
        "invalid value `{alpha}` for --alpha: expected a significance level between 0 and 1, such as 0.05"
    )]
    InvalidAlpha { alpha: f64 },
    #[error(
        "invalid value `{power}` for --power: expected a power above --alpha ({alpha}) and below 1, such as 0.8"
    )]
    InvalidPower { power: f64, alpha: f64 },
    #[error(
        "invalid --split: the treated share is {treated_share}; expected both the treated and the held-out share above zero, such as 90:10"
    )]
    InvalidShare { treated_share: f64 },
    #[error(
        "invalid value `{rate}` for --baseline-rate: expected a conversion rate strictly between 0 and 1, such as 0.02"
    )]
    InvalidRate { rate: f64 },
    #[error("invalid value `{mean}` for --baseline-mean: expected a finite number")]
    InvalidMean { mean: f64 },
    #[error("invalid value `{sd}` for --sd: expected a standard deviation above zero")]
    InvalidSd { sd: f64 },
    #[error("invalid value `{users}` for --users: expected a number of users above zero")]
    InvalidUsers { users: f64 },
    #[error(
        "invalid value `{effect}` for --mde: a zero effect cannot be detected; expected an effect other than 0, such as 0.05 with --relative"
    )]
    ZeroEffect { effect: f64 },
    #[error("invalid value `{effect}` for --mde: a one-sided test with --alternative {} detects only effects {}; give the effect with that sign or use --alternative two-sided", alternative.name(), direction(*alternative))]
    WrongDirection {
        effect: f64,
        alternative: Alternative,
    },
    #[error(
        "invalid value for --mde: the effect {effect} moves the rate from {baseline_rate} to {treated_rate}, outside 0 to 1; expected a smaller effect"
    )]
    TreatedRateOutside {
        baseline_rate: f64,
        effect: f64,
        treated_rate: f64,
    },
    #[error(
        "invalid value for --mde: a relative effect needs a baseline other than zero, and the baseline is {baseline}; give an absolute effect without --relative"
    )]
    RelativeOfZero { baseline: f64 },
    #[error(
        "no effect reaches power {power} with {users} users: the largest possible effect gives power {max_power:.4}; expected more users (--users) or a lower --power"
    )]
    NoEffectReachesPower {
        users: f64,
        power: f64,
        max_power: f64,
    },
    #[error(
        "--users, --mde and --power are all given, so nothing is left to compute; expected two of them, and the third is computed"
    )]
    Overdetermined,
    #[error(
        "missing --users or --mde: expected two of --users, --mde and --power (--power defaults to 0.8), such as --users 200000 to compute the MDE"
    )]
    Underdetermined,
    #[error("invalid value `{replications}` for --replications: expected at least 10")]
    TooFewReplications { replications: usize },
    #[error("invalid value `{resamples}` for --resamples: expected at least 100")]
    TooFewResamples { resamples: usize },
    #[error(
        "the history has {units} units, too few to split with a treated share of {treated_share}; expected at least two units in each arm"
    )]
    HistoryTooSmall { units: u64, treated_share: f64 },
    #[error(
        "the simulated power stays below {target_power} up to an effect of {effect}; expected a larger history or a lower --power"
    )]
    SimulatedPowerNotReached { effect: f64, target_power: f64 },
}

fn direction(alternative: Alternative) -> &'static str {
    match alternative {
        Alternative::Smaller => "below zero",
        _ => "above zero",
    }
}

/// Scale on which the user gives an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectScale {
    /// Metric units: a difference of rates (fractions) or of means.
    Absolute,
    /// A fraction of the baseline.
    Relative,
}

impl EffectScale {
    pub fn name(self) -> &'static str {
        match self {
            EffectScale::Absolute => "absolute",
            EffectScale::Relative => "relative",
        }
    }
}

/// Simulation settings of a design.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulationSettings {
    pub replications: usize,
    pub resamples: usize,
    pub seed: u64,
    /// Also search for the simulated MDE when an effect is given.
    pub mde: bool,
}

/// Everything a holdout design needs.
#[derive(Debug, Clone)]
pub struct DesignConfig {
    /// The metric; ignored when a history is given, whose mean and standard deviation set it.
    pub outcome: Option<Outcome>,
    pub treated_share: f64,
    pub alpha: f64,
    pub alternative: Alternative,
    pub null_variance: NullVariance,
    pub effect_scale: EffectScale,
    /// Effect on `effect_scale`.
    pub effect: Option<f64>,
    /// Total users.
    pub users: Option<f64>,
    /// Target power.
    pub power: Option<f64>,
    pub value_per_conversion: Option<f64>,
    pub simulation: SimulationSettings,
}

/// The quantity that [`design`] solves for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unknown {
    Users,
    Power,
    Mde,
}

impl Unknown {
    fn name(self) -> &'static str {
        match self {
            Unknown::Users => "users",
            Unknown::Power => "power",
            Unknown::Mde => "mde",
        }
    }
}

/// Computes a holdout design. With `history`, its mean and standard deviation are the
/// baseline (a 0/1 column is a proportion), its units are the users when neither users nor
/// power is given, and the test is also simulated on it.
pub fn design(
    config: &DesignConfig,
    history: Option<&History>,
    progress: &dyn Progress,
) -> Result<HoldoutDesign, DesignError> {
    // The metric.
    let outcome = match history {
        Some(history) if history.binary => Outcome::Proportion {
            baseline_rate: history.mean,
        },
        Some(history) => Outcome::Mean {
            baseline_mean: history.mean,
            sd: history.sd,
        },
        None => config.outcome.ok_or(DesignError::Underdetermined)?,
    };
    let setup = AnalyticSetup {
        outcome,
        treated_share: config.treated_share,
        alpha: config.alpha,
        alternative: config.alternative,
        null_variance: config.null_variance,
    };
    setup.check()?;
    let baseline = outcome.baseline();
    let to_absolute = |effect: f64| -> Result<f64, DesignError> {
        match config.effect_scale {
            EffectScale::Absolute => Ok(effect),
            EffectScale::Relative if baseline == 0.0 => {
                Err(DesignError::RelativeOfZero { baseline })
            }
            EffectScale::Relative => Ok(effect * baseline.abs()),
        }
    };
    let relative_of = |effect: f64| (baseline != 0.0).then(|| effect / baseline.abs());

    // Which of users, effect and power to solve for.
    let history_users = history.map(|history| history.units as f64);
    let (unknown, users, effect) = match (config.users, config.effect, config.power) {
        (Some(_), Some(_), Some(_)) => return Err(DesignError::Overdetermined),
        (Some(users), Some(effect), None) => (Unknown::Power, Some(users), Some(effect)),
        (None, Some(effect), Some(_)) => (Unknown::Users, None, Some(effect)),
        (None, Some(effect), None) => match history_users {
            Some(users) => (Unknown::Power, Some(users), Some(effect)),
            None => (Unknown::Users, None, Some(effect)),
        },
        (Some(users), None, _) => (Unknown::Mde, Some(users), None),
        (None, None, _) => match history_users {
            Some(users) => (Unknown::Mde, Some(users), None),
            None => return Err(DesignError::Underdetermined),
        },
    };
    let target_power = config.power.unwrap_or(DEFAULT_POWER);
    if let Some(users) = users
        && !(users > 0.0 && users.is_finite())
    {
        return Err(DesignError::InvalidUsers { users });
    }
    if let Some(effect) = effect {
        if effect == 0.0 || !effect.is_finite() {
            return Err(DesignError::ZeroEffect { effect });
        }
        // Errors name the effect as the user gave it, relative or absolute.
        setup
            .check_effect(to_absolute(effect)?)
            .map_err(|error| match error {
                DesignError::WrongDirection { alternative, .. } => DesignError::WrongDirection {
                    effect,
                    alternative,
                },
                other => other,
            })?;
    }
    if unknown != Unknown::Power {
        analytic::check_power(target_power, config.alpha)?;
    }

    // The analytic design.
    let (users_exact, effect_absolute) = match unknown {
        Unknown::Users => {
            let effect_absolute = to_absolute(effect.unwrap_or_default())?;
            (
                setup.users_for_power(effect_absolute, target_power)?,
                effect_absolute,
            )
        }
        Unknown::Power => (
            users.unwrap_or_default(),
            to_absolute(effect.unwrap_or_default())?,
        ),
        Unknown::Mde => {
            let users = users.unwrap_or_default();
            (users, setup.minimum_detectable_effect(users, target_power)?)
        }
    };
    let power = setup.power(effect_absolute, users_exact);
    let (treated_users, holdout_users) = arm_users(users_exact, config.treated_share, unknown);
    let deviations = setup.unit_deviations(effect_absolute);
    let mde_absolute = match unknown {
        Unknown::Mde => Some(effect_absolute),
        _ => setup
            .minimum_detectable_effect(users_exact, target_power)
            .ok(),
    };
    let analytic = AnalyticDesign {
        method: method_name(&setup).to_string(),
        users_exact,
        treated_users,
        holdout_users,
        users_total: treated_users + holdout_users,
        effect_absolute,
        effect_relative: relative_of(effect_absolute),
        treated_value: setup.treated_value(effect_absolute),
        power,
        mde_absolute,
        mde_relative: mde_absolute.and_then(relative_of),
        deviation_null: deviations.null,
        deviation_alternative: deviations.alternative,
    };

    // The cost of the holdout at the design's effect.
    let forgone_outcome = holdout_users as f64 * effect_absolute;
    let (forgone_conversions, forgone_value, value_source) = match outcome {
        Outcome::Proportion { .. } => (
            Some(forgone_outcome),
            config
                .value_per_conversion
                .map(|value| value * forgone_outcome),
            config
                .value_per_conversion
                .map(|_| "value_per_conversion".to_string()),
        ),
        Outcome::Mean { .. } => (None, Some(forgone_outcome), Some("metric".to_string())),
    };
    let cost = HoldoutCost {
        effect_absolute,
        holdout_users,
        forgone_outcome,
        forgone_conversions,
        forgone_value,
        value_source,
    };

    let curve_end = mde_absolute.map_or(2.0 * effect_absolute, |mde| {
        (2.0 * effect_absolute).abs().max(1.3 * mde.abs()) * effect_absolute.signum()
    });
    let mut warnings = Vec::new();

    // The simulation on the history.
    let simulation = match history {
        Some(history) => Some(simulate(
            config,
            history,
            &setup,
            effect,
            target_power,
            progress,
            &mut warnings,
        )?),
        None => None,
    };

    // Power below the target is what a reviewer must not miss.
    if unknown == Unknown::Power && analytic.power < target_power {
        warnings.push(Warning {
            code: "power_below_target".to_string(),
            message: format!(
                "the test has {:.0}% power, short of the target of {:.0}%: it will miss an effect \
                 of this size more often than planned",
                analytic.power * 100.0,
                target_power * 100.0
            ),
            values: crate::report::report_values([
                ("power_share", serde_json::json!(analytic.power)),
                ("target_share", serde_json::json!(target_power)),
            ]),
        });
    }

    // The curve reaches the largest effect simulated on the same users, so those points sit on
    // it.
    let simulated_end = simulation
        .as_ref()
        .filter(|simulation| (simulation.units as f64 - users_exact).abs() < 0.5)
        .into_iter()
        .flat_map(|simulation| {
            simulation
                .power
                .iter()
                .chain(simulation.mde.iter().flat_map(|mde| mde.evaluations.iter()))
        })
        .map(|estimate| estimate.effect_absolute)
        .fold(curve_end, |end, effect| {
            if effect.abs() > end.abs() && effect.signum() == end.signum() {
                effect
            } else {
                end
            }
        });
    let power_curve = power_curve(&setup, users_exact, simulated_end, baseline);

    Ok(HoldoutDesign {
        schema_version: DESIGN_SCHEMA_VERSION.to_string(),
        tool: ToolInfo::current(),
        kind: "holdout_design".to_string(),
        inputs: history
            .map(|history| history.file.clone())
            .into_iter()
            .collect(),
        parameters: DesignParameters {
            metric_kind: match outcome {
                Outcome::Proportion { .. } => "proportion",
                Outcome::Mean { .. } => "mean",
            }
            .to_string(),
            metric: history.map(|history| history.metric.clone()),
            baseline,
            sd: match outcome {
                Outcome::Mean { sd, .. } => Some(sd),
                Outcome::Proportion { .. } => None,
            },
            baseline_source: if history.is_some() {
                "history"
            } else {
                "flags"
            }
            .to_string(),
            treated_share: config.treated_share,
            holdout_share: 1.0 - config.treated_share,
            alpha: config.alpha,
            alternative: config.alternative.name().to_string(),
            null_variance: matches!(outcome, Outcome::Proportion { .. })
                .then(|| config.null_variance.name().to_string()),
            effect_scale: config.effect_scale.name().to_string(),
            target_power,
            users: users.filter(|_| unknown != Unknown::Users),
            effect: effect.filter(|_| unknown != Unknown::Mde),
            value_per_conversion: config.value_per_conversion,
        },
        solved_for: unknown.name().to_string(),
        analytic,
        simulation,
        cost,
        power_curve,
        warnings,
    })
}

/// Returns the treated and held-out users: rounded up when the users were solved for, so the
/// power is at least the target, and rounded to the nearest unit otherwise.
fn arm_users(users: f64, treated_share: f64, unknown: Unknown) -> (u64, u64) {
    let treated = users * treated_share;
    let holdout = users * (1.0 - treated_share);
    if unknown == Unknown::Users {
        (treated.ceil() as u64, holdout.ceil() as u64)
    } else {
        (treated.round() as u64, holdout.round() as u64)
    }
}

fn method_name(setup: &AnalyticSetup) -> &'static str {
    match (setup.outcome, setup.null_variance) {
        (Outcome::Mean { .. }, _) => "normal_equal_variance",
        (Outcome::Proportion { .. }, NullVariance::Unpooled) => "normal_unpooled",
        (Outcome::Proportion { .. }, NullVariance::Pooled) => "normal_pooled",
    }
}

/// Returns the analytic power at `users` users from zero effect to `end` (absolute), cut at the
/// edge of the valid rates.
fn power_curve(setup: &AnalyticSetup, users: f64, end: f64, baseline: f64) -> Vec<PowerPoint> {
    let (lowest, highest) = setup.effect_bounds();
    let end = end.clamp(lowest * (1.0 - 1e-9), highest * (1.0 - 1e-9));
    (0..CURVE_POINTS)
        .map(|index| {
            let effect = end * index as f64 / (CURVE_POINTS - 1) as f64;
            PowerPoint {
                effect_absolute: effect,
                effect_relative: (baseline != 0.0).then(|| effect / baseline.abs()),
                power: setup.power(effect, users),
            }
        })
        .collect()
}

/// Runs the simulation part of a design.
fn simulate(
    config: &DesignConfig,
    history: &History,
    setup: &AnalyticSetup,
    effect: Option<f64>,
    target_power: f64,
    progress: &dyn Progress,
    warnings: &mut Vec<Warning>,
) -> Result<SimulationDesign, DesignError> {
    let spec = SimulationSpec {
        replications: config.simulation.replications,
        resamples: config.simulation.resamples,
        seed: config.simulation.seed,
        alpha: config.alpha,
        alternative: config.alternative,
        treated_share: config.treated_share,
        scheme: Scheme::Poisson,
    };
    simulation::check_spec(&spec, history)?;
    let wrap = |value: f64| match config.effect_scale {
        EffectScale::Relative => SimulatedEffect::Relative(value),
        EffectScale::Absolute => SimulatedEffect::Absolute(value),
    };
    let estimate = |result: &simulation::SimulatedPower| PowerEstimate {
        effect: result.effect,
        effect_absolute: result.effect_absolute,
        power: result.power,
        standard_error: result.standard_error,
        significant: result.significant,
        undefined: result.undefined,
    };

    let power = match effect {
        Some(effect) => {
            progress.start("simulation", spec.replications as u64);
            let result = simulation::simulated_power(history, &spec, wrap(effect), progress);
            progress.finish();
            Some(estimate(&result?))
        }
        None => None,
    };
    let analytic_power = power
        .as_ref()
        .map(|power| setup.power(power.effect_absolute, history.units as f64));

    let mde = if config.simulation.mde || effect.is_none() {
        // Start from the analytic MDE at the history's size, on the user's scale.
        let analytic_mde = setup.minimum_detectable_effect(history.units as f64, target_power)?;
        let start = match config.effect_scale {
            EffectScale::Absolute => analytic_mde,
            EffectScale::Relative => analytic_mde / history.mean.abs(),
        };
        let result =
            simulation::simulated_mde(history, &spec, wrap(start), target_power, progress)?;
        Some(SimulatedMdeResult {
            effect: result.effect,
            effect_below: result.effect_below,
            target_power,
            evaluations: result.evaluations.iter().map(estimate).collect(),
        })
    } else {
        None
    };

    let undefined = power.map_or(0, |power| power.undefined);
    if undefined > 0 {
        warnings.push(Warning {
            code: "undefined_replications".to_string(),
            message: format!(
                "{undefined} of {} simulated tests had no interval and counted as not significant",
                spec.replications
            ),
            values: crate::report::report_values([
                ("count", serde_json::json!(undefined)),
                ("replications", serde_json::json!(spec.replications)),
            ]),
        });
    }
    let treated = simulation::treated_units(history.units, config.treated_share);
    Ok(SimulationDesign {
        units: history.units,
        treated_units: treated,
        holdout_units: history.units - treated,
        replications: spec.replications,
        resamples: spec.resamples,
        seed: spec.seed,
        scheme: "poisson".to_string(),
        interval: "percentile".to_string(),
        level: simulation::interval_level(config.alpha, config.alternative),
        injection: match (history.binary, config.effect_scale) {
            (true, _) => "switch",
            (false, EffectScale::Relative) => "multiply",
            (false, EffectScale::Absolute) => "add",
        }
        .to_string(),
        power,
        analytic_power,
        mde,
    })
}
