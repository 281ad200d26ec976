//! The geo report: the plain, serialisable result of `analyze geo`, written as `report.json`.
//!
//! Every field is documented for users in docs/report-schema.md. Change that page and
//! [`SCHEMA_VERSION`] together with any change here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::InputFile;

/// Version of the report layout. A reader checks the major number before it reads further.
pub const SCHEMA_VERSION: &str = "1.1.0";

/// Name and version of the program that wrote a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl ToolInfo {
    /// Returns the name and version of this build of liftlab.
    pub fn current() -> Self {
        ToolInfo {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// A confidence interval with the level and method that produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub lower: f64,
    pub upper: f64,
    /// Confidence level as a fraction, e.g. 0.90.
    pub level: f64,
    /// Method name, e.g. `block_bootstrap_bca` (listed in docs/report-schema.md).
    pub method: String,
}

/// A point estimate with its primary interval and any other intervals computed for it.
///
/// `point` is `None` only when the quantity is undefined, and then `undefined_reason` gives the reason.
/// `interval` is `None` when the point is undefined or no interval could be computed.
/// `interval_note`, when set, gives the reason an interval is missing or some were left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub point: Option<f64>,
    pub interval: Option<Interval>,
    /// All intervals computed for this estimate, the primary one first.
    pub intervals: Vec<Interval>,
    /// Unit of the point and the interval bounds, e.g. `kpi`, `fraction`, `kpi per geo per day`.
    pub unit: String,
    pub undefined_reason: Option<String>,
    pub interval_note: Option<String>,
}

/// Estimates of the effect of the test on the treated geos over the test window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoEstimates {
    /// Incremental KPI summed over the treated geos and the test window.
    pub incremental: Estimate,
    /// Incremental KPI divided by the counterfactual KPI total, as a fraction.
    pub relative_lift: Estimate,
    /// Average treatment effect on the treated: incremental KPI per treated geo per day.
    pub att: Estimate,
    /// Spend above the treated geos' pre-period daily rate during the test; with a spend column.
    pub incremental_spend: Option<f64>,
    /// Incremental KPI per unit of incremental spend; with a spend column.
    pub iroas: Option<Estimate>,
    /// Incremental spend per unit of incremental KPI (cost per incremental conversion).
    pub cost_per_incremental: Option<Estimate>,
}

/// One day of the treated geos' total KPI beside its counterfactual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyPoint {
    /// Day, `YYYY-MM-DD`.
    pub date: String,
    /// `pre` or `test`.
    pub period: String,
    /// Observed KPI summed over the treated geos.
    pub observed: f64,
    /// Estimated KPI of the treated geos without the test, summed over them.
    pub counterfactual: f64,
    /// Pointwise prediction band of the counterfactual (test days only), at the report's level.
    pub counterfactual_lower: Option<f64>,
    pub counterfactual_upper: Option<f64>,
    /// observed − counterfactual.
    pub effect: f64,
    /// Sum of `effect` from the first test day to this day (test days only).
    pub cumulative_effect: Option<f64>,
    pub cumulative_lower: Option<f64>,
    pub cumulative_upper: Option<f64>,
}

/// Weight of one control geo in the counterfactual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DonorWeight {
    pub geo: String,
    pub weight: f64,
}

/// Diagnostics of the counterfactual's fit to the treated geos before the test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoDiagnostics {
    /// Coefficient of determination of the pre-period fit of the treated total.
    pub pre_r_squared: f64,
    /// Mean absolute percentage error of the pre-period fit, as a fraction; `None` when a
    /// pre-period day of the treated total is zero.
    pub pre_mape: Option<f64>,
    /// Root mean squared error of the pre-period fit, in KPI units of the treated total.
    pub pre_rmse: f64,
    /// Intercept of the counterfactual of the treated mean, in KPI units per geo per day.
    pub intercept: f64,
    /// Donor weights, largest first; donors with zero weight are listed too.
    pub donor_weights: Vec<DonorWeight>,
    /// Number of donors with a weight above 0.001.
    pub effective_donors: usize,
    /// Share of test days on which the treated mean lies outside the daily range of the
    /// control geos.
    pub test_days_outside_donor_range: f64,
    /// Share of pre-period days on which the treated mean lies outside that range.
    pub pre_days_outside_donor_range: f64,
}

/// One placebo run: a set of control geos analysed as if it had been treated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceboRun {
    pub geos: Vec<String>,
    /// The test statistic (see [`PlaceboSummary::statistic`]) of this placebo run.
    pub statistic: f64,
    /// Relative lift that this placebo set shows, as a fraction.
    pub relative_lift: f64,
}

/// Placebo test in space: each control geo set of the treated set's size in turn as if treated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceboSummary {
    /// Name of the statistic, `abs_relative_lift`: |incremental ÷ counterfactual| over the
    /// test window.
    pub statistic: String,
    pub observed_statistic: f64,
    /// Rank-based p-value: (1 + placebo runs at least as extreme) ÷ (1 + placebo runs);
    /// `None` when no placebo set could be run.
    pub p_value: Option<f64>,
    /// Number of placebo sets possible and the number run (all of them, or a seeded sample).
    pub sets_possible: u64,
    pub sets_run: usize,
    /// Placebo runs left out because their statistic was not finite.
    pub sets_not_finite: usize,
    pub runs: Vec<PlaceboRun>,
}

/// Bootstrap settings and counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapSummary {
    /// Bootstrap behind the primary intervals: `placebo_path` or `moving_block_residual`.
    pub scheme: String,
    pub resamples: usize,
    /// Block length of the moving-block bootstrap.
    pub block_length_days: usize,
    /// Placebo paths the placebo-path bootstrap draws from.
    pub placebo_paths: usize,
    /// Resamples of the primary bootstrap whose estimate was not finite; they are left out
    /// of the intervals.
    pub non_finite_resamples: usize,
    /// Acceleration of the BCa interval of the incremental KPI, from the jackknife.
    pub bca_acceleration: f64,
    /// Bias correction z₀ of the BCa interval; `None` when every resample lies on one side
    /// of the estimate, which leaves BCa undefined.
    pub bca_bias_correction: Option<f64>,
}

/// Inference behind the intervals and the p-value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoInference {
    pub bootstrap: BootstrapSummary,
    pub placebo: PlaceboSummary,
    /// Significance level used for the verdict: 1 − level.
    pub alpha: f64,
}

/// Direction of a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    Positive,
    Negative,
    Inconclusive,
}

/// The single conclusion of a report, with the reason in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub kind: VerdictKind,
    /// Stable code of the reason, e.g. `interval_and_placebo_agree`, listed in
    /// docs/report-schema.md; empty in reports written before it existed.
    #[serde(default)]
    pub reason_code: String,
    pub reason: String,
    /// The numbers the reason quotes, so that it can be worded in another language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, serde_json::Value>,
}

/// A condition a reviewer should know about, with a stable code and advice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// Stable identifier, e.g. `dominant_donor`, listed in docs/report-schema.md.
    pub code: String,
    pub message: String,
    /// The numbers and names the message quotes, so that it can be worded in another language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, serde_json::Value>,
}

/// Collects the values a warning or verdict quotes.
pub fn report_values<const N: usize>(
    pairs: [(&str, serde_json::Value); N],
) -> BTreeMap<String, serde_json::Value> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

/// Every parameter of the run, so the report can be reproduced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoParameters {
    pub geo_col: String,
    pub date_col: String,
    pub kpi_col: String,
    pub spend_col: Option<String>,
    pub date_format: String,
    /// Field separator of the panel CSV.
    pub delimiter: String,
    /// `error` or `zero`.
    pub missing: String,
    pub treated: Vec<String>,
    pub test_start: String,
    pub test_end: String,
    /// First day of the pre-period; the first day of the data when not set.
    pub pre_start: Option<String>,
    /// `synth`, `tbr` or `did`.
    pub estimator: String,
    /// Whether the counterfactual has a level of its own (an intercept): false only for the
    /// synthetic control without intercept.
    pub intercept: bool,
    pub level: f64,
    pub resamples: usize,
    pub seed: u64,
    pub block_length_days: usize,
    /// Bootstrap requested for the primary intervals: `placebo_path` or `moving_block_residual`.
    pub bootstrap: String,
    /// Primary interval method: `bca` or `percentile`.
    pub interval: String,
    pub max_placebo_sets: usize,
}

/// Shape of the data that entered the analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoDataSummary {
    pub geos: usize,
    pub first_date: String,
    pub last_date: String,
    pub pre_period_days: usize,
    pub test_days: usize,
    pub treated_geos: Vec<String>,
    pub control_geos: Vec<String>,
    /// Cells filled with zero because `--missing zero` was set.
    pub filled_cells: usize,
    /// Rows outside the pre-period and test window, left out of the analysis.
    pub rows_outside_window: usize,
}

/// The complete `report.json` of a geo analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoReport {
    pub schema_version: String,
    pub tool: ToolInfo,
    /// `geo`.
    pub kind: String,
    /// Human-readable name of the test, used in chart titles.
    pub title: String,
    pub inputs: Vec<InputFile>,
    pub parameters: GeoParameters,
    pub data: GeoDataSummary,
    pub estimates: GeoEstimates,
    pub inference: GeoInference,
    pub verdict: Verdict,
    pub diagnostics: GeoDiagnostics,
    pub warnings: Vec<Warning>,
    pub series: Vec<DailyPoint>,
    /// Bootstrap draws behind the primary interval (since 1.1.0); `None` in 1.0.0 reports.
    #[serde(default)]
    pub draws: Option<GeoDraws>,
}

/// Draws of the primary bootstrap, kept so that later steps (`liftlab kpis`) can carry the
/// experiment's uncertainty into other quantities draw by draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoDraws {
    /// Bootstrap scheme of the draws: `placebo_path` or `moving_block_residual`.
    pub scheme: String,
    /// Incremental KPI over the treated geos and the test window, one value per finite
    /// resample in resample order. The percentile interval of these values is the report's
    /// percentile interval of `estimates.incremental` for this scheme.
    pub incremental: Vec<f64>,
    /// Observed KPI summed over the treated geos and the test window, so that the relative
    /// lift of draw `b` is `incremental[b] ÷ (observed_test_total − incremental[b])`.
    pub observed_test_total: f64,
}
