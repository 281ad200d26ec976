//! The holdout report: the result of `analyze holdout`, written as `report.json`.
//!
//! It shares [`Estimate`], [`Interval`], [`Verdict`] and [`Warning`] with the geo report.
//! Fields are documented for users in docs/report-schema.md.

use serde::{Deserialize, Serialize};

use super::schema::{Estimate, ToolInfo, Verdict, Warning};
use crate::data::InputFile;

/// Every parameter of a holdout run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutParameters {
    pub group_col: String,
    pub control: String,
    pub treatments: Vec<String>,
    pub metrics: Vec<String>,
    /// Ratio metrics as `numerator/denominator`.
    pub ratios: Vec<String>,
    pub covariate: Option<String>,
    pub segment_col: Option<String>,
    pub unit_id_col: Option<String>,
    pub delimiter: String,
    pub level: f64,
    pub resamples: usize,
    pub seed: u64,
    /// `poisson` or `multinomial`.
    pub scheme: String,
    /// Primary interval method: `percentile`, `basic` or `bca`.
    pub interval: String,
    /// Planned share of each arm, control first, summing to 1.
    pub expected_split: Vec<f64>,
}

/// Units of one arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmUnits {
    pub label: String,
    pub units: u64,
}

/// Rows of a group label that was not analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelRows {
    pub label: String,
    pub rows: u64,
}

/// Contents of the unit table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutData {
    pub rows: usize,
    pub arms: Vec<ArmUnits>,
    /// Rows with other group labels, left out of the analysis.
    pub other_labels: Vec<LabelRows>,
    pub segments: Vec<String>,
}

/// Sample-ratio-mismatch check: Pearson's chi-square test of arm sizes against the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SrmCheck {
    pub expected_shares: Vec<f64>,
    pub observed_units: Vec<u64>,
    pub chi_square: f64,
    pub degrees_of_freedom: f64,
    pub p_value: f64,
    /// True when `p_value` is below 0.001.
    pub mismatch: bool,
}

/// Histogram of bootstrap replicates, for the lift distribution chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Bin edges, one more than the counts.
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
}

/// Bootstrap details of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonBootstrap {
    pub resamples: usize,
    /// Resamples whose lift was undefined or not finite; left out of the intervals.
    pub non_finite_resamples: usize,
    /// BCa acceleration from the empirical influence values; `None` when undefined.
    pub acceleration: Option<f64>,
    /// Replicates of the absolute lift.
    pub absolute_lift_histogram: Histogram,
}

/// CUPED-adjusted lift (Deng, Xu, Kohavi & Walker 2013).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CupedResult {
    /// θ = cov(y, x) ÷ var(x) on the pooled arms.
    pub theta: f64,
    pub absolute_lift: Estimate,
    pub relative_lift: Estimate,
    /// 1 − variance of the adjusted lift's replicates ÷ that of the plain lift's.
    pub variance_reduction: f64,
    /// ρ², the reduction expected from the pooled correlation of outcome and covariate.
    pub expected_variance_reduction: f64,
}

/// One treatment arm against control on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub treatment: String,
    pub metric: String,
    /// `proportion`, `mean` or `ratio`.
    pub kind: String,
    pub control_units: u64,
    pub treatment_units: u64,
    /// Arm values; `None` when undefined (a ratio whose denominator sums to zero).
    pub control_mean: Option<f64>,
    pub treatment_mean: Option<f64>,
    /// Treatment mean − control mean, in the metric's unit.
    pub absolute_lift: Estimate,
    /// Absolute lift ÷ |control mean|, as a fraction.
    pub relative_lift: Estimate,
    /// Absolute lift × treatment units: the metric's total added by the treatment.
    pub incremental_total: Estimate,
    pub cuped: Option<CupedResult>,
    pub bootstrap: ComparisonBootstrap,
    pub verdict: Verdict,
    /// Bootstrap replicates of the plain absolute lift, one per finite resample in resample
    /// order (since 1.1.0; empty in 1.0.0 reports and when the lift is undefined). Their
    /// percentile interval is the `*_bootstrap_percentile` interval of `absolute_lift`, and
    /// `incremental_total` of draw `b` is `absolute_lift_draws[b] × treatment_units`.
    #[serde(default)]
    pub absolute_lift_draws: Vec<f64>,
}

/// One segment's lift for one treatment and metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentComparison {
    pub segment: String,
    pub treatment: String,
    pub metric: String,
    pub control_units: u64,
    pub treatment_units: u64,
    pub absolute_lift: Estimate,
    pub relative_lift: Estimate,
    /// Two-sided p-value of the analytic reference test (Welch or Newcombe); `None` for ratio
    /// metrics and arms with fewer than two units.
    pub p_value: Option<f64>,
    /// Holm-adjusted p-value over the segments of this treatment and metric.
    pub p_value_holm: Option<f64>,
}

/// The complete `report.json` of a holdout analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutReport {
    pub schema_version: String,
    pub tool: ToolInfo,
    /// `holdout`.
    pub kind: String,
    pub title: String,
    pub inputs: Vec<InputFile>,
    pub parameters: HoldoutParameters,
    pub data: HoldoutData,
    pub srm: SrmCheck,
    pub comparisons: Vec<Comparison>,
    pub segments: Vec<SegmentComparison>,
    pub warnings: Vec<Warning>,
}
