//! Power of a holdout test by simulation from historical per-unit outcomes.
//!
//! Each replication splits the history's units at random into a treated arm and a held-out
//! arm of the planned sizes, injects the effect into the treated arm, and analyses the two
//! arms with the bootstrap interval that `analyze holdout` reports
//! ([`crate::holdout::absolute_lift_interval`]). A replication is significant when that
//! interval excludes zero in the direction of the test. Power is the share of significant
//! replications, with the binomial Monte-Carlo standard error `√(p (1 − p) / R)`.
//!
//! How the effect is injected:
//!
//! - a numeric metric with a relative effect `r`: every treated value is multiplied by
//!   `1 + r`, so the treated mean rises by `r` and zeros stay zero;
//! - a numeric metric with an absolute effect `δ`: `δ` is added to every treated value;
//! - a 0/1 metric: each treated 0 becomes 1 with probability `δ ÷ (1 − p)` for `δ > 0`, and
//!   each treated 1 becomes 0 with probability `−δ ÷ p` for `δ < 0`. Here `p` is the history's
//!   rate and `δ` the absolute effect (`r · p` for a relative one). So the outcome stays 0/1
//!   and the treated rate moves by `δ` in expectation.
//!
//! Randomness: replication `i` draws its split, its injection and the seed of its bootstrap
//! from [`stream`]`(seed, i)`, so the result does not depend on the thread count. Every effect
//! size is evaluated on the same splits (common random numbers). That keeps the simulated
//! power curve nearly monotone and the bisection for the MDE stable.

use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution, Hypergeometric};
use rayon::prelude::*;

use super::DesignError;
use super::analytic::Alternative;
use super::history::History;
use crate::data::MetricKind;
use crate::holdout::{HoldoutConfig, HoldoutInterval, absolute_lift_interval};
use crate::progress::{NoProgress, Progress};
use crate::resample::{AtomTable, Scheme, stream};

/// Bisection steps of [`simulated_mde`] after the bracket is found.
const MDE_BISECTIONS: usize = 8;

/// Largest number of times [`simulated_mde`] doubles the effect to find one that reaches the
/// target power.
const MAX_DOUBLINGS: usize = 12;

/// Settings of a power simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulationSpec {
    pub replications: usize,
    /// Bootstrap resamples of each replication's analysis.
    pub resamples: usize,
    pub seed: u64,
    pub alpha: f64,
    pub alternative: Alternative,
    /// Share of the history's units treated, in (0, 1).
    pub treated_share: f64,
    pub scheme: Scheme,
}

impl SimulationSpec {
    pub const DEFAULT_REPLICATIONS: usize = 1_000;
    pub const DEFAULT_RESAMPLES: usize = 1_000;
}

/// Effect size of a simulation, on the scale the user gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SimulatedEffect {
    /// Treated values multiplied by `1 + r` (numeric metrics), or the rate raised by `r · p`.
    Relative(f64),
    /// `δ` added to treated values (numeric metrics), or the rate raised by `δ`.
    Absolute(f64),
}

impl SimulatedEffect {
    fn scaled(self, factor: f64) -> Self {
        match self {
            SimulatedEffect::Relative(value) => SimulatedEffect::Relative(value * factor),
            SimulatedEffect::Absolute(value) => SimulatedEffect::Absolute(value * factor),
        }
    }

    /// Returns the effect on the user's scale.
    pub fn value(self) -> f64 {
        match self {
            SimulatedEffect::Relative(value) | SimulatedEffect::Absolute(value) => value,
        }
    }
}

/// Simulated power at one effect size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulatedPower {
    /// Effect on the user's scale: a fraction for a relative effect, metric units otherwise.
    pub effect: f64,
    /// The same effect as a difference of means in metric units.
    pub effect_absolute: f64,
    pub power: f64,
    /// Monte-Carlo standard error of `power`.
    pub standard_error: f64,
    pub replications: usize,
    pub significant: usize,
    /// Replications whose interval was undefined; they count as not significant.
    pub undefined: usize,
}

/// Simulated minimum detectable effect: the bracket the bisection ended with.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedMde {
    /// Upper end of the final bracket, the smallest effect seen to reach the target power.
    pub effect: f64,
    /// Lower end of the final bracket, below the target power.
    pub effect_below: f64,
    pub target_power: f64,
    /// Every effect the search evaluated, in the order evaluated.
    pub evaluations: Vec<SimulatedPower>,
}

/// Checks the settings against the history.
pub fn check_spec(spec: &SimulationSpec, history: &History) -> Result<(), DesignError> {
    if spec.replications < 10 {
        return Err(DesignError::TooFewReplications {
            replications: spec.replications,
        });
    }
    if spec.resamples < 100 {
        return Err(DesignError::TooFewResamples {
            resamples: spec.resamples,
        });
    }
    let treated = treated_units(history.units, spec.treated_share);
    if treated < 2 || history.units - treated < 2 {
        return Err(DesignError::HistoryTooSmall {
            units: history.units,
            treated_share: spec.treated_share,
        });
    }
    Ok(())
}

/// Returns the simulated power at `effect`, advancing `progress` once per replication.
pub fn simulated_power(
    history: &History,
    spec: &SimulationSpec,
    effect: SimulatedEffect,
    progress: &dyn Progress,
) -> Result<SimulatedPower, DesignError> {
    check_spec(spec, history)?;
    let effect_absolute = match effect {
        SimulatedEffect::Relative(value) => value * history.mean,
        SimulatedEffect::Absolute(value) => value,
    };
    if history.binary {
        let treated_rate = history.mean + effect_absolute;
        if !(0.0..=1.0).contains(&treated_rate) {
            return Err(DesignError::TreatedRateOutside {
                baseline_rate: history.mean,
                effect: effect_absolute,
                treated_rate,
            });
        }
    }

    let treated = treated_units(history.units, spec.treated_share);
    let config = HoldoutConfig {
        title: None,
        level: interval_level(spec.alpha, spec.alternative),
        resamples: spec.resamples,
        seed: 0,
        scheme: spec.scheme,
        interval: HoldoutInterval::Percentile,
        expected_split: None,
    };
    let kind = if history.binary {
        MetricKind::Proportion
    } else {
        MetricKind::Mean
    };

    let outcomes: Vec<Option<bool>> = (0..spec.replications)
        .into_par_iter()
        .map(|replication| {
            let mut rng = stream(spec.seed, replication as u64);
            let (control, treatment) =
                split_and_inject(history, treated, effect, effect_absolute, &mut rng);
            let config = HoldoutConfig {
                seed: rng.next_u64(),
                ..config.clone()
            };
            let interval = absolute_lift_interval(&control, &treatment, kind, &config, &NoProgress);
            progress.advance(1);
            interval.map(|interval| match spec.alternative {
                Alternative::TwoSided => interval.lower > 0.0 || interval.upper < 0.0,
                Alternative::Larger => interval.lower > 0.0,
                Alternative::Smaller => interval.upper < 0.0,
            })
        })
        .collect();

    let significant = outcomes
        .iter()
        .filter(|outcome| **outcome == Some(true))
        .count();
    let undefined = outcomes.iter().filter(|outcome| outcome.is_none()).count();
    let power = significant as f64 / spec.replications as f64;
    Ok(SimulatedPower {
        effect: effect.value(),
        effect_absolute,
        power,
        standard_error: (power * (1.0 - power) / spec.replications as f64).sqrt(),
        replications: spec.replications,
        significant,
        undefined,
    })
}

/// Returns the smallest effect, in the direction of `start`, whose simulated power reaches
/// `target_power`: doubling from `start` until the power is reached, then bisection. Every
/// evaluation uses the same replications (common random numbers).
///
/// NOTE: the result is a bracket a few per cent wide after [`MDE_BISECTIONS`] steps, and its
/// precision is limited by the Monte-Carlo error of each power estimate.
pub fn simulated_mde(
    history: &History,
    spec: &SimulationSpec,
    start: SimulatedEffect,
    target_power: f64,
    progress: &dyn Progress,
) -> Result<SimulatedMde, DesignError> {
    let mut evaluations = Vec::new();
    let mut evaluate = |effect: SimulatedEffect| -> Result<f64, DesignError> {
        progress.start("simulation", spec.replications as u64);
        let result = simulated_power(history, spec, effect, progress);
        progress.finish();
        let result = result?;
        evaluations.push(result);
        Ok(result.power)
    };

    // Bracket: the upper end reaches the target, the lower end does not.
    let mut high = start;
    let mut doublings = 0;
    while evaluate(high)? < target_power {
        doublings += 1;
        if doublings > MAX_DOUBLINGS {
            return Err(DesignError::SimulatedPowerNotReached {
                effect: high.value(),
                target_power,
            });
        }
        high = high.scaled(2.0);
    }
    let mut low = high.scaled(0.5);
    while evaluate(low)? >= target_power {
        high = low;
        low = low.scaled(0.5);
        if low.value().abs() < f64::EPSILON {
            break;
        }
    }

    for _ in 0..MDE_BISECTIONS {
        let middle = match (low, high) {
            (SimulatedEffect::Relative(a), SimulatedEffect::Relative(b)) => {
                SimulatedEffect::Relative(0.5 * (a + b))
            }
            (a, b) => SimulatedEffect::Absolute(0.5 * (a.value() + b.value())),
        };
        if evaluate(middle)? >= target_power {
            high = middle;
        } else {
            low = middle;
        }
    }
    Ok(SimulatedMde {
        effect: high.value(),
        effect_below: low.value(),
        target_power,
        evaluations,
    })
}

/// Returns the confidence level whose interval tests at `alpha`: `1 − α` two-sided, and
/// `1 − 2α` for a one-sided test, which looks at one end of the interval only.
pub fn interval_level(alpha: f64, alternative: Alternative) -> f64 {
    match alternative {
        Alternative::TwoSided => 1.0 - alpha,
        Alternative::Larger | Alternative::Smaller => 1.0 - 2.0 * alpha,
    }
}

/// Returns the treated units of a split of `units` with share `treated_share`, rounded to the
/// nearest unit.
pub fn treated_units(units: u64, treated_share: f64) -> u64 {
    ((units as f64 * treated_share).round() as u64).min(units)
}

/// Splits the history's units at random into `treated` treated units and the rest held out
/// (sequential hypergeometric draws over atoms, which gives every split of the units the same
/// probability), and injects the effect into the treated arm.
fn split_and_inject(
    history: &History,
    treated: u64,
    effect: SimulatedEffect,
    effect_absolute: f64,
    rng: &mut impl Rng,
) -> (AtomTable, AtomTable) {
    let mut control = AtomTable::new(1);
    let mut treatment = AtomTable::new(1);
    let mut remaining_units = history.units;
    let mut remaining_treated = treated;
    for (row, count) in history.atoms.iter() {
        let value = row[0];
        let treated_here = if remaining_treated == 0 {
            0
        } else if remaining_treated == remaining_units {
            count
        } else if count == 1 {
            let share = remaining_treated as f64 / remaining_units as f64;
            u64::from(rng.random::<f64>() < share)
        } else {
            Hypergeometric::new(remaining_units, remaining_treated, count)
                .map(|distribution| distribution.sample(rng))
                .unwrap_or(0)
        };
        remaining_units -= count;
        remaining_treated -= treated_here;
        control.push(&[value], count - treated_here);

        if history.binary {
            inject_binary(
                &mut treatment,
                value,
                treated_here,
                history.mean,
                effect_absolute,
                rng,
            );
        } else {
            let injected = match effect {
                SimulatedEffect::Relative(r) => value * (1.0 + r),
                SimulatedEffect::Absolute(delta) => value + delta,
            };
            treatment.push(&[injected], treated_here);
        }
    }
    (control, treatment)
}

/// Adds `count` treated units of 0/1 value `value` to `treatment`, switching some of them so
/// that the treated rate rises by `effect` in expectation over a history of rate `rate`.
fn inject_binary(
    treatment: &mut AtomTable,
    value: f64,
    count: u64,
    rate: f64,
    effect: f64,
    rng: &mut impl Rng,
) {
    let (switch_from, probability) = if effect > 0.0 {
        (0.0, effect / (1.0 - rate))
    } else {
        (1.0, -effect / rate)
    };
    if value != switch_from || probability <= 0.0 || count == 0 {
        treatment.push(&[value], count);
        return;
    }
    let switched = Binomial::new(count, probability.min(1.0))
        .map(|distribution| distribution.sample(rng))
        .unwrap_or(0);
    treatment.push(&[value], count - switched);
    treatment.push(&[1.0 - value], switched);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::InputFile;

    fn history_of(values: &[f64]) -> History {
        let units = values.len() as u64;
        let mean = values.iter().sum::<f64>() / units as f64;
        let sd =
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (units as f64 - 1.0)).sqrt();
        History {
            file: InputFile {
                path: "memory".to_string(),
                sha256: String::new(),
                rows: values.len(),
            },
            metric: "y".to_string(),
            atoms: AtomTable::from_rows(1, values.iter().map(|v| vec![*v])),
            units,
            mean,
            sd,
            binary: values.iter().all(|v| *v == 0.0 || *v == 1.0),
        }
    }

    #[test]
    fn split_keeps_every_unit_once() {
        let values: Vec<f64> = (0..1000).map(|i| f64::from(i % 7)).collect();
        let history = history_of(&values);
        let mut rng = stream(3, 0);
        let (control, treatment) =
            split_and_inject(&history, 300, SimulatedEffect::Absolute(0.0), 0.0, &mut rng);
        assert_eq!(treatment.units(), 300);
        assert_eq!(control.units(), 700);
        let total = control.sums().first[0] + treatment.sums().first[0];
        assert_eq!(total, values.iter().sum::<f64>());
    }

    #[test]
    fn relative_injection_scales_treated_sum() {
        let values: Vec<f64> = (0..500).map(|i| f64::from(i % 5)).collect();
        let history = history_of(&values);
        let mut plain_rng = stream(9, 4);
        let (_, plain) = split_and_inject(
            &history,
            250,
            SimulatedEffect::Relative(0.0),
            0.0,
            &mut plain_rng,
        );
        let mut lifted_rng = stream(9, 4);
        let (_, lifted) = split_and_inject(
            &history,
            250,
            SimulatedEffect::Relative(0.2),
            0.0,
            &mut lifted_rng,
        );
        let ratio = lifted.sums().first[0] / plain.sums().first[0];
        assert!((ratio - 1.2).abs() < 1e-12, "{ratio}");
    }

    #[test]
    fn binary_injection_keeps_values_binary() {
        let values: Vec<f64> = (0..20_000).map(|i| f64::from(i % 10 == 0)).collect();
        let history = history_of(&values);
        let mut rng = stream(5, 0);
        let (_, treatment) = split_and_inject(
            &history,
            10_000,
            SimulatedEffect::Relative(0.5),
            0.05,
            &mut rng,
        );
        assert!(
            treatment
                .iter()
                .all(|(row, _)| row[0] == 0.0 || row[0] == 1.0)
        );
        let rate = treatment.sums().first[0] / treatment.units() as f64;
        assert!((rate - 0.15).abs() < 0.01, "{rate}");
    }
}
