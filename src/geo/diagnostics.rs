//! Diagnostics of a geo fit and the warnings they raise: pre-period fit, donor weights, the
//! treated series against the range of the control geos, and the pre-period's length.

use super::config::{Estimator, GeoConfig, Layout};
use super::model::Fit;
use crate::data::Panel;
use crate::report::report_values;
use crate::report::{DonorWeight, GeoDiagnostics, Warning};
use serde_json::json;

/// A donor weight above this share is reported as dominant.
const DOMINANT_WEIGHT: f64 = 0.5;

/// Weights above this count as effective donors.
const EFFECTIVE_WEIGHT: f64 = 0.001;

/// Pre-period R² below this is reported as a weak fit.
const WEAK_R_SQUARED: f64 = 0.8;

/// Share of pre-period days outside the donors' range above which a warning is raised.
const OUTSIDE_RANGE_SHARE: f64 = 0.1;

/// A pre-period shorter than this many test windows is reported as short.
const PRE_TO_TEST_RATIO: usize = 4;

/// Computes the diagnostics of `fit` for the treated mean `target` and its `gaps`.
pub fn diagnose(
    panel: &Panel,
    layout: &Layout,
    estimator: Estimator,
    fit: &Fit,
    target: &[f64],
    gaps: &[f64],
) -> GeoDiagnostics {
    let pre_days = layout.pre_days();
    let treated_count = layout.treated.len() as f64;
    let pre_target = &target[..pre_days];
    let pre_gaps = &gaps[..pre_days];

    // Fit of the pre-period.
    let mean = pre_target.iter().sum::<f64>() / pre_days as f64;
    let total_squares: f64 = pre_target.iter().map(|y| (y - mean).powi(2)).sum();
    let residual_squares: f64 = pre_gaps.iter().map(|gap| gap * gap).sum();
    let pre_r_squared = if total_squares > 0.0 {
        1.0 - residual_squares / total_squares
    } else {
        0.0
    };
    let pre_mape = pre_target.iter().all(|y| *y > 0.0).then(|| {
        pre_target
            .iter()
            .zip(pre_gaps)
            .map(|(y, gap)| (gap / y).abs())
            .sum::<f64>()
            / pre_days as f64
    });
    let pre_rmse = (residual_squares / pre_days as f64).sqrt() * treated_count;

    // Donor weights, largest first.
    let mut donor_weights: Vec<DonorWeight> = layout
        .controls
        .iter()
        .zip(&fit.weights)
        .map(|(geo, weight)| DonorWeight {
            geo: panel.geos[*geo].clone(),
            weight: *weight,
        })
        .collect();
    donor_weights.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.geo.cmp(&b.geo)));
    let effective_donors = fit
        .weights
        .iter()
        .filter(|weight| weight.abs() > EFFECTIVE_WEIGHT)
        .count();

    // Treated mean against the daily range of the controls, demeaned for models with an
    // intercept, since those can shift the level.
    let shift = |series: &[f64]| -> f64 {
        if estimator.has_intercept() {
            series[..pre_days].iter().sum::<f64>() / pre_days as f64
        } else {
            0.0
        }
    };
    let target_shift = shift(target);
    let control_series: Vec<Vec<f64>> = layout
        .controls
        .iter()
        .map(|geo| {
            let series: Vec<f64> = (layout.pre_start..layout.test_end)
                .map(|day| panel.kpi[[*geo, day]])
                .collect();
            let offset = shift(&series);
            series.iter().map(|value| value - offset).collect()
        })
        .collect();
    let outside: Vec<bool> = (0..layout.days())
        .map(|day| {
            let value = target[day] - target_shift;
            let low = control_series
                .iter()
                .map(|s| s[day])
                .fold(f64::INFINITY, f64::min);
            let high = control_series
                .iter()
                .map(|s| s[day])
                .fold(f64::NEG_INFINITY, f64::max);
            value < low || value > high
        })
        .collect();
    let share = |days: &[bool]| days.iter().filter(|d| **d).count() as f64 / days.len() as f64;

    GeoDiagnostics {
        pre_r_squared,
        pre_mape,
        pre_rmse,
        intercept: fit.intercept,
        donor_weights,
        effective_donors,
        test_days_outside_donor_range: share(&outside[pre_days..]),
        pre_days_outside_donor_range: share(&outside[..pre_days]),
    }
}

/// Returns the warnings that `diagnostics` and the layout raise.
pub fn warnings(
    diagnostics: &GeoDiagnostics,
    layout: &Layout,
    config: &GeoConfig,
    control_count: usize,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let is_synth = matches!(config.estimator, Estimator::Synth { .. });

    if let Some(top) = diagnostics.donor_weights.first()
        && is_synth
        && top.weight > DOMINANT_WEIGHT
    {
        warnings.push(Warning {
            code: "dominant_donor".to_string(),
            message: format!(
                "control geo `{}` carries {:.0}% of the counterfactual's weight, so the result \
                 rests mostly on one geo; check that nothing else changed there during the test",
                top.geo,
                top.weight * 100.0
            ),
            values: report_values([("geo", json!(top.geo)), ("weight_share", json!(top.weight))]),
        });
    }
    if diagnostics.pre_r_squared < WEAK_R_SQUARED {
        warnings.push(Warning {
            code: "weak_pre_period_fit".to_string(),
            message: format!(
                "the counterfactual explains {:.0}% of the pre-period variation (R² {:.2}); \
                 intervals are wide and the estimate depends on the model; consider other \
                 control geos or a longer pre-period",
                diagnostics.pre_r_squared.max(0.0) * 100.0,
                diagnostics.pre_r_squared
            ),
            values: report_values([
                ("r_squared", json!(diagnostics.pre_r_squared)),
                ("explained_share", json!(diagnostics.pre_r_squared.max(0.0))),
            ]),
        });
    }
    if diagnostics.pre_days_outside_donor_range > OUTSIDE_RANGE_SHARE {
        warnings.push(Warning {
            code: "outside_donor_range".to_string(),
            message: format!(
                "on {:.0}% of pre-period days the treated geos lie outside the range of the \
                 control geos, which a weighted average of controls cannot reach{}",
                diagnostics.pre_days_outside_donor_range * 100.0,
                if config.estimator.has_intercept() {
                    ""
                } else {
                    "; the synthetic control with intercept (the default) allows a level shift"
                }
            ),
            values: report_values([
                (
                    "days_share",
                    json!(diagnostics.pre_days_outside_donor_range),
                ),
                ("has_intercept", json!(config.estimator.has_intercept())),
            ]),
        });
    }
    let pre_days = layout.pre_days();
    let test_days = layout.test_days();
    if pre_days < PRE_TO_TEST_RATIO * test_days {
        warnings.push(Warning {
            code: "short_pre_period".to_string(),
            message: format!(
                "the pre-period has {pre_days} days, less than {PRE_TO_TEST_RATIO} times the \
                 {test_days}-day test window; the fit has little history to learn from"
            ),
            values: report_values([
                ("pre_days", json!(pre_days)),
                ("ratio", json!(PRE_TO_TEST_RATIO)),
                ("test_days", json!(test_days)),
            ]),
        });
    }
    if is_synth && control_count > pre_days {
        warnings.push(Warning {
            code: "more_donors_than_days".to_string(),
            message: format!(
                "there are {control_count} control geos and only {pre_days} pre-period days, so \
                 many weightings fit the pre-period equally well; the one reported is one of them"
            ),
            values: report_values([
                ("controls", json!(control_count)),
                ("pre_days", json!(pre_days)),
            ]),
        });
    }
    warnings
}
