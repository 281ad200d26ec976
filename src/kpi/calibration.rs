//! Calibration rows for marketing-mix models, from each linked lift report:
//!
//! - Robyn (Meta, R package): the `calibration_input` data frame of `robyn_inputs()`, columns
//!   `channel, liftStartDate, liftEndDate, liftAbs, spend, confidence, metric,
//!   calibration_scope`, as in Robyn's `demo/demo.R`;
//! - PyMC-Marketing: the lift-test rows of `MMM.add_lift_test_measurements()`, columns
//!   `channel, x, delta_x, delta_y, sigma`, as documented in `pymc_marketing/mmm/lift_test.py`;
//! - Meridian (Google): parameters of a `LogNormal(mu, sigma)` prior on `roi_m`, the ROI
//!   parameter of `PriorDistribution`, and the interval to pass to
//!   `prior_distribution.lognormal_dist_from_range`.
//!
//! All figures cover the lift report's test window, not the funnel period, because a model is
//! calibrated against what the experiment measured. The uncertainty is carried over as
//! Robyn's `confidence`, PyMC-Marketing's `sigma` (the standard deviation of the bootstrap
//! draws) and Meridian's prior width (moment-matched to the draws). docs/kpis.md explains
//! units and windows.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::adjust::draws_interval;
use super::funnel::Funnel;
use super::lift::{LiftMeasure, OutcomeDraws};
use super::schema::KpisReport;

/// Version of the `calibration.json` layout.
pub const CALIBRATION_SCHEMA_VERSION: &str = "1.0.0";

/// One row of Robyn's `calibration_input`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RobynRow {
    pub channel: String,
    #[serde(rename = "liftStartDate")]
    pub lift_start_date: String,
    #[serde(rename = "liftEndDate")]
    pub lift_end_date: String,
    /// Incremental outcome over the test window, in the outcome's unit.
    #[serde(rename = "liftAbs")]
    pub lift_abs: f64,
    /// Channel spend over the test window.
    pub spend: f64,
    /// 1 − two-sided bootstrap p-value of no effect.
    pub confidence: f64,
    /// `conversion` or `revenue`, Robyn's `dep_var_type` values.
    pub metric: String,
    /// `immediate`, as Robyn advises for experiments.
    pub calibration_scope: String,
}

/// One lift-test row of PyMC-Marketing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PymcRow {
    pub channel: String,
    /// Channel spend without the tested change: 0, the channel was off for the control.
    pub x: f64,
    /// Spend change of the test: the channel's spend over the test window.
    pub delta_x: f64,
    /// Incremental outcome over the test window.
    pub delta_y: f64,
    /// Standard deviation of the bootstrap draws of `delta_y`.
    pub sigma: f64,
    /// `conversions` or `revenue` (not a PyMC-Marketing column; drop it before use).
    pub outcome: String,
}

/// The parameters of a Meridian ROI prior for one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeridianRow {
    pub channel: String,
    /// `revenue` when the ROI is revenue per currency unit, `kpi` when conversions per unit.
    pub outcome: String,
    /// Mean and standard deviation of the ROI over the bootstrap draws.
    pub roi_mean: f64,
    pub roi_sd: f64,
    /// `LogNormal(mu, sigma)` with the same mean and standard deviation; `None` when the mean
    /// is not positive, which no LogNormal prior can represent.
    pub lognormal_mu: Option<f64>,
    pub lognormal_sigma: Option<f64>,
    /// Percentile interval of the ROI draws at `level`, for `lognormal_dist_from_range`.
    pub roi_lower: Option<f64>,
    pub roi_upper: Option<f64>,
    pub level: f64,
    pub window_start: String,
    pub window_end: String,
    pub spend: f64,
}

/// Everything `--export-calibration` writes, also stored as `calibration.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationExport {
    pub schema_version: String,
    pub robyn: Vec<RobynRow>,
    pub pymc_marketing: Vec<PymcRow>,
    pub meridian: Vec<MeridianRow>,
    /// Notes on the rows of each channel, in English.
    pub notes: Vec<String>,
}

/// Returns the two-sided bootstrap p-value of no effect: twice the smaller share of draws at
/// or beyond zero on either side, at most 1.
pub fn bootstrap_p_value(draws: &[f64]) -> f64 {
    if draws.is_empty() {
        return 1.0;
    }
    let at_most = draws.iter().filter(|draw| **draw <= 0.0).count() as f64;
    let at_least = draws.iter().filter(|draw| **draw >= 0.0).count() as f64;
    (2.0 * at_most.min(at_least) / draws.len() as f64).min(1.0)
}

/// Returns the sample mean and standard deviation (n − 1 in the denominator).
fn mean_and_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, variance.sqrt())
}

/// Returns `(mu, sigma)` of the LogNormal with mean `mean > 0` and standard deviation `sd`:
/// `sigma² = ln(1 + sd² ÷ mean²)`, `mu = ln(mean) − sigma² ÷ 2`.
pub fn lognormal_from_moments(mean: f64, sd: f64) -> Option<(f64, f64)> {
    if mean.is_nan() || mean <= 0.0 || !sd.is_finite() {
        return None;
    }
    let sigma_squared = (1.0 + (sd / mean).powi(2)).ln();
    Some((mean.ln() - sigma_squared / 2.0, sigma_squared.sqrt()))
}

/// Builds the calibration rows of every measured channel.
pub fn calibration_export(
    funnel: &Funnel,
    measures: &[LiftMeasure],
    report: &KpisReport,
) -> CalibrationExport {
    let mut export = CalibrationExport {
        schema_version: CALIBRATION_SCHEMA_VERSION.to_string(),
        robyn: Vec::new(),
        pymc_marketing: Vec::new(),
        meridian: Vec::new(),
        notes: Vec::new(),
    };
    for measure in measures {
        let channel = &measure.channel;
        let Some(link) = report.lifts.iter().find(|link| &link.channel == channel) else {
            continue;
        };
        let rows: Vec<_> = funnel
            .rows
            .iter()
            .filter(|row| &row.channel == channel)
            .collect();
        let funnel_spend: f64 = rows
            .iter()
            .filter_map(|row| row.value(super::funnel::Column::Spend))
            .sum();
        // Spend over the test window: the funnel's spend scaled back from the funnel period.
        let spend = funnel_spend / link.scale;
        let (start, end) = match (&measure.window_start, &measure.window_end) {
            (Some(start), Some(end)) => (start.clone(), end.clone()),
            _ => (
                rows.first()
                    .and_then(|row| row.period.map(|(start, _)| start.to_string()))
                    .unwrap_or_default(),
                rows.first()
                    .and_then(|row| row.period.map(|(_, end)| end.to_string()))
                    .unwrap_or_default(),
            ),
        };
        if start.is_empty() {
            export.notes.push(format!(
                "{channel}: the test window has no dates (a holdout report and no period columns \
                 in the funnel); fill liftStartDate and liftEndDate before using the Robyn rows"
            ));
        }
        if (link.scale - 1.0).abs() > 1e-12 {
            export.notes.push(format!(
                "{channel}: spend over the test window is the funnel spend {funnel_spend} ÷ {:.4} \
                 (funnel days ÷ test-window days)",
                link.scale
            ));
        }

        let outcomes: [(&Option<OutcomeDraws>, &str, &str, &str); 2] = [
            (&measure.conversions, "conversion", "conversions", "kpi"),
            (&measure.revenue, "revenue", "revenue", "revenue"),
        ];
        for (outcome, robyn_metric, name, meridian_outcome) in outcomes {
            let Some(outcome) = outcome else {
                continue;
            };
            export.robyn.push(RobynRow {
                channel: channel.clone(),
                lift_start_date: start.clone(),
                lift_end_date: end.clone(),
                lift_abs: outcome.point,
                spend,
                confidence: 1.0 - bootstrap_p_value(&outcome.draws),
                metric: robyn_metric.to_string(),
                calibration_scope: "immediate".to_string(),
            });
            let (_, sigma) = mean_and_sd(&outcome.draws);
            export.pymc_marketing.push(PymcRow {
                channel: channel.clone(),
                x: 0.0,
                delta_x: spend,
                delta_y: outcome.point,
                sigma,
                outcome: name.to_string(),
            });
            if outcome.point < 0.0 {
                export.notes.push(format!(
                    "{channel}: the measured {name} lift is negative, and PyMC-Marketing rejects \
                     a row whose delta_y has the opposite sign of delta_x"
                ));
            }
            if spend > 0.0 {
                let roi: Vec<f64> = outcome.draws.iter().map(|draw| draw / spend).collect();
                let (roi_mean, roi_sd) = mean_and_sd(&roi);
                let lognormal = lognormal_from_moments(roi_mean, roi_sd);
                if lognormal.is_none() {
                    export.notes.push(format!(
                        "{channel}: the mean {name} ROI over the draws is not positive, so no \
                         LogNormal prior matches it"
                    ));
                }
                let interval = draws_interval(roi, 0, measure.level);
                export.meridian.push(MeridianRow {
                    channel: channel.clone(),
                    outcome: meridian_outcome.to_string(),
                    roi_mean,
                    roi_sd,
                    lognormal_mu: lognormal.map(|(mu, _)| mu),
                    lognormal_sigma: lognormal.map(|(_, sigma)| sigma),
                    roi_lower: interval.as_ref().and_then(|i| i.lower),
                    roi_upper: interval.as_ref().and_then(|i| i.upper),
                    level: measure.level,
                    window_start: start.clone(),
                    window_end: end.clone(),
                    spend,
                });
            } else {
                export.notes.push(format!(
                    "{channel}: spend over the test window is zero, so there is no ROI prior"
                ));
            }
        }
    }
    export
}

/// Writes the CSV files of `export` into `dir` and returns their paths.
pub fn write_calibration_csvs(
    export: &CalibrationExport,
    dir: &Path,
) -> Result<Vec<PathBuf>, String> {
    fn write<T: Serialize>(rows: &[T], path: PathBuf, header: &[&str]) -> Result<PathBuf, String> {
        let mut writer =
            csv::Writer::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if rows.is_empty() {
            writer
                .write_record(header)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        for row in rows {
            writer
                .serialize(row)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        writer
            .flush()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }
    Ok(vec![
        write(
            &export.robyn,
            dir.join("robyn_calibration_input.csv"),
            &[
                "channel",
                "liftStartDate",
                "liftEndDate",
                "liftAbs",
                "spend",
                "confidence",
                "metric",
                "calibration_scope",
            ],
        )?,
        write(
            &export.pymc_marketing,
            dir.join("pymc_marketing_lift_tests.csv"),
            &["channel", "x", "delta_x", "delta_y", "sigma", "outcome"],
        )?,
        write(
            &export.meridian,
            dir.join("meridian_roi_priors.csv"),
            &[
                "channel",
                "outcome",
                "roi_mean",
                "roi_sd",
                "lognormal_mu",
                "lognormal_sigma",
                "roi_lower",
                "roi_upper",
                "level",
                "window_start",
                "window_end",
                "spend",
            ],
        )?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lognormal_moments_round_trip() {
        // A LogNormal(mu, sigma) has mean exp(mu + sigma²/2) and variance
        // (exp(sigma²) − 1) exp(2 mu + sigma²).
        let (mu, sigma) = (0.2_f64, 0.9_f64);
        let mean = (mu + sigma * sigma / 2.0).exp();
        let sd = (((sigma * sigma).exp() - 1.0) * (2.0 * mu + sigma * sigma).exp()).sqrt();
        let (mu_back, sigma_back) = lognormal_from_moments(mean, sd).expect("defined");
        assert!((mu_back - mu).abs() < 1e-12);
        assert!((sigma_back - sigma).abs() < 1e-12);
        assert_eq!(lognormal_from_moments(-1.0, 1.0), None);
    }

    #[test]
    fn p_value_counts_both_tails() {
        // 2 of 10 draws at or below zero: p = 2 × 0.2 = 0.4.
        let draws = [-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        assert!((bootstrap_p_value(&draws) - 0.4).abs() < 1e-12);
        assert_eq!(bootstrap_p_value(&[1.0, 2.0]), 0.0);
        assert_eq!(bootstrap_p_value(&[-1.0, 1.0]), 1.0);
    }
}
