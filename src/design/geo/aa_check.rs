//! Design-time A/A check: the chosen design analysed on held-out windows without any
//! injected effect.
//!
//! The held-out windows are the test windows that reach into the last `held_out_days` of the
//! panel, which the search and the power simulation never used. With no effect, the interval
//! should cover zero in a share `level` of the windows and the analysis should call an effect
//! in a share `α` at most. With the design's MDE injected, the analysis should call it in about
//! the target power's share of the windows. By the shift argument of `simulation`, the interval covers an
//! injected effect exactly when it covers zero without it, so the coverage holds for every
//! effect size.

use serde::{Deserialize, Serialize};

use super::power::power_at;
use super::simulation::WindowOutcome;

/// Result of the A/A check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AaCheck {
    /// Held-out windows analysed.
    pub windows: usize,
    /// Windows that could not be analysed.
    pub unusable_windows: usize,
    pub first_test_start: Option<String>,
    pub last_test_start: Option<String>,
    /// Share of windows whose interval contains zero, with its Monte-Carlo standard error.
    pub coverage: Option<f64>,
    pub coverage_standard_error: Option<f64>,
    /// The coverage expected: the confidence level.
    pub expected_coverage: f64,
    /// Share of windows in which the analysis calls an effect, with its standard error.
    pub false_positive_rate: Option<f64>,
    pub false_positive_rate_standard_error: Option<f64>,
    /// The false-positive rate expected at most: α.
    pub expected_false_positive_rate: f64,
    /// Power on the held-out windows with the design's MDE injected, with its standard error;
    /// the design expects the target power.
    pub power_at_mde: Option<f64>,
    pub power_at_mde_standard_error: Option<f64>,
}

/// Returns the A/A check over `outcomes`, the held-out windows of the chosen design, and
/// its power there at `mde`.
pub fn aa_check(
    outcomes: &[WindowOutcome],
    unusable: usize,
    dates: &[String],
    level: f64,
    mde: Option<f64>,
) -> AaCheck {
    let alpha = ((1.0 - level) * 1e12).round() / 1e12;
    let n = outcomes.len();
    let share = |count: usize| (n > 0).then(|| count as f64 / n as f64);
    let error = |share: Option<f64>| share.map(|p| (p * (1.0 - p) / n as f64).sqrt());
    let covered = outcomes
        .iter()
        .filter(|outcome| {
            let (lower, upper) = outcome.interval(0.0);
            lower <= 0.0 && upper >= 0.0
        })
        .count();
    let called = outcomes
        .iter()
        .filter(|outcome| outcome.significant(0.0, level, alpha))
        .count();
    let coverage = share(covered);
    let false_positive_rate = share(called);
    let power = mde
        .filter(|_| n > 0)
        .map(|effect| power_at(outcomes, effect, level));
    AaCheck {
        windows: n,
        unusable_windows: unusable,
        first_test_start: outcomes
            .first()
            .map(|outcome| dates[outcome.window.start].clone()),
        last_test_start: outcomes
            .last()
            .map(|outcome| dates[outcome.window.start].clone()),
        coverage,
        coverage_standard_error: error(coverage),
        expected_coverage: level,
        false_positive_rate,
        false_positive_rate_standard_error: error(false_positive_rate),
        expected_false_positive_rate: alpha,
        power_at_mde: power.map(|point| point.power),
        power_at_mde_standard_error: power.map(|point| point.standard_error),
    }
}
