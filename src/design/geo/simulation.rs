//! Power simulation of one treated set: each historical window analysed with the estimator
//! and the placebo-path inference of `analyze geo`, reduced to what the verdict at any
//! injected effect needs.
//!
//! ## One analysis per window serves every effect size
//!
//! An effect of relative size `e` is injected by multiplying the treated geos' KPI on the test
//! days by `1 + e`. Nothing else changes:
//!
//! - the counterfactual is fitted on the pre-period alone, which the injection does not touch,
//!   so its test-window predictions and their total stay the same;
//! - the placebo sets are drawn from the control geos, which are not treated, so their
//!   statistics and error paths stay the same, and the placebo-path bootstrap rescales those
//!   paths by the treated counterfactual total, which stays the same too.
//!
//! Let `effect₀` be the estimated cumulative effect without injection and `Y` the observed
//! treated total over the test window. The analysis of the injected data gives the estimate
//! `effect₀ + e·Y` and the interval `effect₀ + e·Y + [q_lo, q_hi]` with the same bootstrap
//! error quantiles. Its placebo p-value is that of the statistic `|effect₀ + e·Y| ÷
//! counterfactual total` among the same placebo statistics. A window is analysed once and the verdict at any
//! `e` costs a binary search. `tests/design_geo.rs` checks this against injecting the effect
//! and running `geo::analyze` on the changed panel.

use ndarray::Array2;
use rayon::prelude::*;

use crate::geo::bootstrap::placebo_path_bootstrap;
use crate::geo::model::PreparedModel;
use crate::geo::placebo::{self, PlaceboResult, SetResult};
use crate::geo::{Estimator, GeoError};
use crate::progress::NoProgress;
use crate::report::{Interval, VerdictKind};
use crate::resample::percentile;
use crate::verdict::geo_verdict;

/// Inference settings of the simulated analyses, the same as `analyze geo` takes.
#[derive(Debug, Clone, Copy)]
pub struct InferenceSettings {
    pub estimator: Estimator,
    /// Confidence level of the interval, as a fraction.
    pub level: f64,
    pub resamples: usize,
    /// Largest number of placebo sets per window (`--max-placebo-sets` of the analysis).
    pub placebo_sets: usize,
    pub seed: u64,
}

impl InferenceSettings {
    /// Returns the significance level `α = 1 − level`, rounded as the analysis rounds it.
    pub fn alpha(&self) -> f64 {
        ((1.0 - self.level) * 1e12).round() / 1e12
    }
}

/// A historical test window: the test starts on day `start` (a panel column index) and lasts
/// `duration_days`; the pre-period is every day before `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: usize,
    pub duration_days: usize,
}

/// The analysis of one window without injection, reduced to what the verdict needs.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowOutcome {
    pub window: Window,
    /// Estimated cumulative effect on the treated mean over the test window.
    pub effect: f64,
    /// Observed treated mean summed over the test window.
    pub observed_total: f64,
    /// Counterfactual treated mean summed over the test window.
    pub counterfactual_total: f64,
    /// Percentile interval of the bootstrap errors: the interval is `effect + [lower, upper]`.
    pub error_lower: f64,
    pub error_upper: f64,
    /// Placebo statistics (absolute relative lifts), sorted ascending.
    pub placebo_statistics: Vec<f64>,
}

impl WindowOutcome {
    /// Returns the estimated cumulative effect on the treated mean with a relative effect
    /// `relative_effect` injected into the test window.
    pub fn estimate(&self, relative_effect: f64) -> f64 {
        self.effect + relative_effect * self.observed_total
    }

    /// Returns the injected cumulative effect on the treated mean: the truth of the estimate.
    pub fn injected(&self, relative_effect: f64) -> f64 {
        relative_effect * self.observed_total
    }

    /// Returns the primary interval of the cumulative effect with `relative_effect` injected.
    pub fn interval(&self, relative_effect: f64) -> (f64, f64) {
        let estimate = self.estimate(relative_effect);
        (estimate + self.error_lower, estimate + self.error_upper)
    }

    /// Returns the placebo p-value with `relative_effect` injected:
    /// `(1 + placebo statistics ≥ observed) ÷ (1 + placebo sets)`.
    pub fn p_value(&self, relative_effect: f64) -> f64 {
        let observed = (self.estimate(relative_effect) / self.counterfactual_total).abs();
        let below = self
            .placebo_statistics
            .partition_point(|statistic| *statistic < observed);
        let at_least = self.placebo_statistics.len() - below;
        (1 + at_least) as f64 / (1 + self.placebo_statistics.len()) as f64
    }

    /// Returns the verdict of the analysis with `relative_effect` injected, from the same
    /// function that gives the verdict of `analyze geo`.
    pub fn verdict(&self, relative_effect: f64, level: f64, alpha: f64) -> VerdictKind {
        let (lower, upper) = self.interval(relative_effect);
        let interval = Interval {
            lower,
            upper,
            level,
            method: String::new(),
        };
        geo_verdict(Some(&interval), Some(self.p_value(relative_effect)), alpha).kind
    }

    /// Returns whether the analysis would call an effect (positive or negative).
    pub fn significant(&self, relative_effect: f64, level: f64, alpha: f64) -> bool {
        self.verdict(relative_effect, level, alpha) != VerdictKind::Inconclusive
    }
}

/// Outcomes of the windows of one duration. `unusable` counts windows that could not be
/// analysed, for a counterfactual total that is not positive or too few finite placebo paths.
#[derive(Debug, Clone)]
pub struct DurationOutcomes {
    pub duration_days: usize,
    pub outcomes: Vec<WindowOutcome>,
    pub unusable: usize,
}

/// Analyses every window of `windows` for the treated geos `treated` (panel row indices,
/// sorted), with all other geos as controls. The analysis is that of `analyze geo` with
/// `--pre-start` on the first day, the window as test window, and `--max-placebo-sets`,
/// `--resamples` and `--seed` from `settings`.
///
/// Returns one entry per duration in `windows`, in that order, with outcomes in window order.
/// Windows that share a start share one fit and one placebo run: both use the pre-period only,
/// and shorter durations read the first days of the longest one's test window.
pub fn simulate_set(
    kpi: &Array2<f64>,
    treated: &[usize],
    windows: &[(usize, Vec<usize>)],
    settings: &InferenceSettings,
) -> Result<Vec<DurationOutcomes>, GeoError> {
    let geos = kpi.nrows();
    let controls: Vec<usize> = (0..geos).filter(|geo| !treated.contains(geo)).collect();
    let min_paths = minimum_placebo_paths(settings.alpha());

    // Every start, with the longest duration that uses it.
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for (duration, duration_starts) in windows {
        for start in duration_starts {
            match starts.iter_mut().find(|(s, _)| s == start) {
                Some(entry) => entry.1 = entry.1.max(*duration),
                None => starts.push((*start, *duration)),
            }
        }
    }
    starts.sort_unstable();

    let analysed: Vec<Result<StartAnalysis, GeoError>> = starts
        .par_iter()
        .map(|(start, longest)| analyse_start(kpi, treated, &controls, *start, *longest, settings))
        .collect();
    let mut by_start = Vec::with_capacity(analysed.len());
    for analysis in analysed {
        by_start.push(analysis?);
    }

    let mut result = Vec::with_capacity(windows.len());
    for (duration, duration_starts) in windows {
        let mut outcomes = Vec::with_capacity(duration_starts.len());
        let mut unusable = 0;
        for start in duration_starts {
            let Some(analysis) = by_start.iter().find(|a| a.start == *start) else {
                continue;
            };
            match analysis.outcome(*duration, settings, min_paths) {
                Some(outcome) => outcomes.push(outcome),
                None => unusable += 1,
            }
        }
        result.push(DurationOutcomes {
            duration_days: *duration,
            outcomes,
            unusable,
        });
    }
    Ok(result)
}

/// The fit and placebo runs of one start, over the longest test window that uses it.
struct StartAnalysis {
    start: usize,
    /// Treated mean over the longest test window.
    test_target: Vec<f64>,
    /// Counterfactual of the treated mean over the longest test window.
    test_predictions: Vec<f64>,
    /// Placebo runs over the longest test window, with each set's observed mean over it.
    placebo_runs: Vec<(PlaceboResult, Vec<f64>)>,
}

fn analyse_start(
    kpi: &Array2<f64>,
    treated: &[usize],
    controls: &[usize],
    start: usize,
    longest: usize,
    settings: &InferenceSettings,
) -> Result<StartAnalysis, GeoError> {
    let days = start + longest;
    let target: Vec<f64> = (0..days)
        .map(|day| treated.iter().map(|geo| kpi[[*geo, day]]).sum::<f64>() / treated.len() as f64)
        .collect();
    let control_series: Vec<Vec<f64>> = controls
        .iter()
        .map(|geo| (0..days).map(|day| kpi[[*geo, day]]).collect())
        .collect();

    // The fit of the analysis: the model prepared on the pre-period of every control.
    let pre: Vec<Vec<f64>> = control_series
        .iter()
        .map(|series| series[..start].to_vec())
        .collect();
    let fit = PreparedModel::new(settings.estimator, pre)?.fit(&target[..start])?;
    let test_predictions: Vec<f64> = (start..days)
        .map(|day| fit.predict(&control_series, day))
        .collect();

    let outcome = placebo::run(
        settings.estimator,
        &control_series,
        treated.len(),
        start,
        longest,
        settings.placebo_sets,
        settings.seed,
        &NoProgress,
    )?;
    // NOTE: a run whose counterfactual total over the longest window is zero is left out
    // here, although the analysis of a shorter window would keep it if its total there is not.
    let placebo_runs = outcome
        .runs
        .into_iter()
        .map(|run| {
            let set_mean: Vec<f64> = (start..days)
                .map(|day| {
                    run.members
                        .iter()
                        .map(|member| control_series[*member][day])
                        .sum::<f64>()
                        / run.members.len() as f64
                })
                .collect();
            (run, set_mean)
        })
        .collect();

    Ok(StartAnalysis {
        start,
        test_target: target[start..].to_vec(),
        test_predictions,
        placebo_runs,
    })
}

impl StartAnalysis {
    /// Returns the outcome of the window of `duration` days at this start, or `None` when the
    /// analysis would stop or change its inference there.
    fn outcome(
        &self,
        duration: usize,
        settings: &InferenceSettings,
        min_paths: usize,
    ) -> Option<WindowOutcome> {
        let observed_total: f64 = self.test_target[..duration].iter().sum();
        let counterfactual_total: f64 = self.test_predictions[..duration].iter().sum();
        if counterfactual_total <= 0.0 {
            return None;
        }
        let effect: f64 = self.test_target[..duration]
            .iter()
            .zip(&self.test_predictions)
            .map(|(y, p)| y - p)
            .sum();

        // The placebo runs as the analysis of this duration would use them.
        let runs: Vec<PlaceboResult> = self
            .placebo_runs
            .iter()
            .filter_map(|(run, set_mean)| {
                let test_gaps = run.test_gaps[..duration].to_vec();
                let gap_total: f64 = test_gaps.iter().sum();
                let set_counterfactual: f64 = set_mean[..duration]
                    .iter()
                    .zip(&test_gaps)
                    .map(|(observed, gap)| observed - gap)
                    .sum();
                let relative_lift = gap_total / set_counterfactual;
                let result = SetResult {
                    statistic: relative_lift.abs(),
                    relative_lift,
                };
                (result.statistic.is_finite() && relative_lift.is_finite()).then(|| PlaceboResult {
                    members: run.members.clone(),
                    result,
                    test_gaps,
                    counterfactual_test_total: set_counterfactual,
                })
            })
            .collect();
        // With fewer paths the analysis switches to the moving-block bootstrap, which this
        // shortcut does not reproduce.
        if runs.len() < min_paths {
            return None;
        }

        let draws = placebo_path_bootstrap(
            &runs,
            counterfactual_total,
            duration,
            settings.resamples,
            settings.seed,
        );
        let mut errors = draws.total_errors;
        errors.sort_by(f64::total_cmp);
        let (error_lower, error_upper) = percentile(&errors, settings.level)?;
        let mut placebo_statistics: Vec<f64> =
            runs.iter().map(|run| run.result.statistic).collect();
        placebo_statistics.sort_by(f64::total_cmp);

        Some(WindowOutcome {
            window: Window {
                start: self.start,
                duration_days: duration,
            },
            effect,
            observed_total,
            counterfactual_total,
            error_lower,
            error_upper,
            placebo_statistics,
        })
    }
}

/// Returns the number of placebo paths below which the analysis at significance `alpha`
/// leaves the placebo-path bootstrap: `⌈2 ÷ α⌉`, as in `analyze geo`.
pub fn minimum_placebo_paths(alpha: f64) -> usize {
    (2.0 / alpha - 1e-9).ceil() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> WindowOutcome {
        WindowOutcome {
            window: Window {
                start: 30,
                duration_days: 10,
            },
            effect: 2.0,
            observed_total: 100.0,
            counterfactual_total: 98.0,
            error_lower: -5.0,
            error_upper: 6.0,
            placebo_statistics: vec![0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1],
        }
    }

    #[test]
    fn interval_shifts_with_effect() {
        let outcome = outcome();
        assert_eq!(outcome.interval(0.0), (-3.0, 8.0));
        assert_eq!(outcome.interval(0.1), (7.0, 18.0));
    }

    #[test]
    fn p_value_ranks_among_placebos() {
        let outcome = outcome();
        // |2 + 0.05 × 100| ÷ 98 = 0.0714: three placebo statistics are at least as large.
        assert!((outcome.p_value(0.05) - 4.0 / 11.0).abs() < 1e-12);
        // Beyond every placebo statistic: the smallest p-value, 1 ÷ 11.
        assert!((outcome.p_value(0.5) - 1.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn verdict_needs_interval_and_p_value() {
        let outcome = outcome();
        assert_eq!(outcome.verdict(0.0, 0.9, 0.1), VerdictKind::Inconclusive);
        // Interval above zero and p = 1/11 < 0.1.
        assert_eq!(outcome.verdict(0.5, 0.9, 0.1), VerdictKind::Positive);
        // Interval above zero (0.04 × 100 + 2 − 5 = 1) but p = 7/11.
        assert_eq!(outcome.verdict(0.04, 0.9, 0.1), VerdictKind::Inconclusive);
    }

    #[test]
    fn minimum_paths_at_common_levels() {
        assert_eq!(minimum_placebo_paths(0.1), 20);
        assert_eq!(minimum_placebo_paths(0.05), 40);
    }
}
