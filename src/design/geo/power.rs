//! Power and minimum detectable effect (MDE) from the analysed windows of one design.
//!
//! Power at a relative effect `e` is the share of windows in which the analysis, given the
//! data with `e` injected, calls an effect (a positive or negative verdict). At `e = 0` that
//! share is the false-positive rate. Its Monte-Carlo standard error is the binomial
//! `√(p(1 − p) ÷ n)` over the `n` windows. Overlapping windows are correlated, so this
//! understates the uncertainty somewhat.
//!
//! The MDE is the smallest `e` at which power reaches the target, found by bisection on a
//! continuous scale. Power is a step function of `e` with a step at each window's threshold,
//! so bisection converges to the step where it crosses the target.

use serde::{Deserialize, Serialize};

use super::simulation::WindowOutcome;

/// Bisection steps of the MDE search: the bracket shrinks by 2⁻⁴⁰, far below any effect size
/// that matters.
const BISECTION_STEPS: usize = 40;

/// Power at one effect size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PowerPoint {
    /// Injected relative effect, as a fraction (0.05 = 5% lift).
    pub effect: f64,
    /// Share of windows with a significant result.
    pub power: f64,
    /// Monte-Carlo standard error of `power`.
    pub standard_error: f64,
}

/// Returns the power at `relative_effect` over `outcomes`; zero power with zero error when
/// there are no outcomes.
pub fn power_at(outcomes: &[WindowOutcome], relative_effect: f64, level: f64) -> PowerPoint {
    let alpha = ((1.0 - level) * 1e12).round() / 1e12;
    let windows = outcomes.len();
    if windows == 0 {
        return PowerPoint {
            effect: relative_effect,
            power: 0.0,
            standard_error: 0.0,
        };
    }
    let significant = outcomes
        .iter()
        .filter(|outcome| outcome.significant(relative_effect, level, alpha))
        .count();
    let power = significant as f64 / windows as f64;
    PowerPoint {
        effect: relative_effect,
        power,
        standard_error: (power * (1.0 - power) / windows as f64).sqrt(),
    }
}

/// Returns the power at each of `points + 1` equally spaced effects from 0 to `max_effect`.
pub fn power_curve(
    outcomes: &[WindowOutcome],
    max_effect: f64,
    points: usize,
    level: f64,
) -> Vec<PowerPoint> {
    (0..=points)
        .map(|index| power_at(outcomes, max_effect * index as f64 / points as f64, level))
        .collect()
}

/// Returns the MDE: the smallest relative effect in `[0, max_effect]` with power at least
/// `target`, and the power there. Returns `None` when even `max_effect` falls short.
///
/// The search assumes that power does not fall as the effect grows past the MDE, which the
/// tests check on the example data within Monte-Carlo error.
pub fn minimum_detectable_effect(
    outcomes: &[WindowOutcome],
    target: f64,
    max_effect: f64,
    level: f64,
) -> Option<PowerPoint> {
    let top = power_at(outcomes, max_effect, level);
    if outcomes.is_empty() || top.power < target {
        return None;
    }
    let zero = power_at(outcomes, 0.0, level);
    if zero.power >= target {
        return Some(zero);
    }
    let (mut low, mut high) = (0.0, max_effect);
    let mut at_high = top;
    for _ in 0..BISECTION_STEPS {
        let middle = 0.5 * (low + high);
        let point = power_at(outcomes, middle, level);
        if point.power >= target {
            high = middle;
            at_high = point;
        } else {
            low = middle;
        }
    }
    Some(at_high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::geo::simulation::Window;

    /// Ten windows without estimated effect whose intervals widen with the index, so window
    /// `i` becomes significant above the known threshold `(i + 1) ÷ 100`.
    fn outcomes() -> Vec<WindowOutcome> {
        (0..10)
            .map(|index| WindowOutcome {
                window: Window {
                    start: 30 + index,
                    duration_days: 10,
                },
                effect: 0.0,
                observed_total: 100.0,
                counterfactual_total: 100.0,
                error_lower: -(index as f64 + 1.0),
                error_upper: 1.0,
                placebo_statistics: vec![0.0; 30],
            })
            .collect()
    }

    #[test]
    fn power_counts_significant_windows() {
        let outcomes = outcomes();
        assert_eq!(power_at(&outcomes, 0.0, 0.9).power, 0.0);
        assert_eq!(power_at(&outcomes, 0.055, 0.9).power, 0.5);
        let point = power_at(&outcomes, 0.055, 0.9);
        assert!((point.standard_error - 0.5 / 10f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn mde_lies_at_threshold_not_grid() {
        // Eight of ten windows are significant once e > 0.08.
        let mde = minimum_detectable_effect(&outcomes(), 0.75, 0.5, 0.9).expect("reached");
        assert!(mde.power >= 0.75, "{mde:?}");
        assert!((mde.effect - 0.08).abs() < 1e-9, "{mde:?}");
    }

    #[test]
    fn mde_is_none_when_out_of_reach() {
        assert!(minimum_detectable_effect(&outcomes(), 0.999, 0.05, 0.9).is_none());
    }
}
