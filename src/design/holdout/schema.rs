//! The holdout design as written to `design.json`. Every field is documented for users in
//! docs/design-holdout.md; change [`DESIGN_SCHEMA_VERSION`] together with any change here.

use serde::{Deserialize, Serialize};

use crate::data::InputFile;
use crate::report::{ToolInfo, Warning};

/// Version of the design.json schema.
pub const DESIGN_SCHEMA_VERSION: &str = "1.0.0";

/// File name of the design written to the output folder.
pub const DESIGN_FILE: &str = "design.json";

/// A holdout test design: what the test can detect, with how many users, and what holding
/// users out costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutDesign {
    pub schema_version: String,
    pub tool: ToolInfo,
    /// Always `holdout_design`.
    pub kind: String,
    /// The history file, when one was read.
    pub inputs: Vec<InputFile>,
    pub parameters: DesignParameters,
    /// The quantity computed from the other two: `users`, `power` or `mde`.
    pub solved_for: String,
    pub analytic: AnalyticDesign,
    /// Power by simulation from the history, when a history was given.
    pub simulation: Option<SimulationDesign>,
    pub cost: HoldoutCost,
    /// Analytic power against effect size at the design's users, from zero effect up.
    pub power_curve: Vec<PowerPoint>,
    pub warnings: Vec<Warning>,
}

/// The settings of the design, as given or defaulted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignParameters {
    /// `proportion` (a 0/1 outcome) or `mean`.
    pub metric_kind: String,
    /// Column name when the outcome comes from a history file.
    pub metric: Option<String>,
    /// Held-out arm's rate (a fraction) or mean (metric units).
    pub baseline: f64,
    /// Standard deviation per user of a mean metric, in metric units.
    pub sd: Option<f64>,
    /// `flags` or `history`: where the baseline and standard deviation come from.
    pub baseline_source: String,
    /// Share of users treated, a fraction.
    pub treated_share: f64,
    /// Share of users held out, a fraction; `1 − treated_share`.
    pub holdout_share: f64,
    /// Significance level α, a fraction.
    pub alpha: f64,
    /// `two-sided`, `larger` or `smaller`.
    pub alternative: String,
    /// `unpooled` or `pooled` null variance for a proportion; `null` for a mean.
    pub null_variance: Option<String>,
    /// `absolute` (metric units) or `relative` (a fraction of the baseline).
    pub effect_scale: String,
    /// Target power, a fraction; given or the default 0.8.
    pub target_power: f64,
    /// Total users given (or the history's units), when not solved for.
    pub users: Option<f64>,
    /// Effect given, on `effect_scale`, when not solved for.
    pub effect: Option<f64>,
    /// Value of one conversion in the currency of the input, for the cost of a proportion test.
    pub value_per_conversion: Option<f64>,
}

/// The analytic (normal approximation) design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticDesign {
    /// `normal_unpooled`, `normal_pooled` or `normal_equal_variance`.
    pub method: String,
    /// Total users on a continuous scale, as solved or given.
    pub users_exact: f64,
    /// Treated users: `users_exact × treated_share`, rounded up when users were solved for.
    pub treated_users: u64,
    /// Held-out users: `users_exact × holdout_share`, rounded up when users were solved for.
    pub holdout_users: u64,
    /// `treated_users + holdout_users`.
    pub users_total: u64,
    /// Difference of means treated − held out, in metric units (for a rate, a fraction).
    pub effect_absolute: f64,
    /// The same effect as a fraction of the baseline; `null` when the baseline is zero.
    pub effect_relative: Option<f64>,
    /// Treated arm's rate or mean under the effect.
    pub treated_value: f64,
    /// Power at `effect_absolute` with `users_exact` users, a fraction.
    pub power: f64,
    /// Smallest absolute effect that reaches the target power with `users_exact` users, in
    /// metric units; `null` when no valid effect reaches it.
    pub mde_absolute: Option<f64>,
    /// The same as a fraction of the baseline.
    pub mde_relative: Option<f64>,
    /// Standard deviation of the estimated difference times √(total users), under the null.
    pub deviation_null: f64,
    /// The same under the alternative.
    pub deviation_alternative: f64,
}

/// Power by simulation from historical outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationDesign {
    /// Units in the history, all of them split in every replication.
    pub units: u64,
    pub treated_units: u64,
    pub holdout_units: u64,
    pub replications: usize,
    /// Bootstrap resamples of each replication's analysis.
    pub resamples: usize,
    pub seed: u64,
    /// Bootstrap scheme of the analysis: `poisson`.
    pub scheme: String,
    /// Interval of the analysis: `percentile`.
    pub interval: String,
    /// Confidence level of that interval: `1 − α`, or `1 − 2α` for a one-sided test.
    pub level: f64,
    /// Injection of the effect into the treated arm: `multiply`, `add` or `switch`.
    pub injection: String,
    /// Power at the given effect, when an effect was given.
    pub power: Option<PowerEstimate>,
    /// Analytic power at the same effect and users, for comparison.
    pub analytic_power: Option<f64>,
    /// Simulated MDE, when requested or when no effect was given.
    pub mde: Option<SimulatedMdeResult>,
}

/// A simulated power with its Monte-Carlo error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PowerEstimate {
    /// Effect on `effect_scale`.
    pub effect: f64,
    /// The same effect as a difference of means, in metric units.
    pub effect_absolute: f64,
    pub power: f64,
    /// Monte-Carlo standard error `√(power (1 − power) / replications)`.
    pub standard_error: f64,
    pub significant: usize,
    /// Replications whose interval was undefined, counted as not significant.
    pub undefined: usize,
}

/// The simulated MDE and the search that found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulatedMdeResult {
    /// Smallest effect seen to reach the target power, on `effect_scale`.
    pub effect: f64,
    /// Largest effect seen below the target power, on `effect_scale`.
    pub effect_below: f64,
    pub target_power: f64,
    /// Every effect evaluated, in order.
    pub evaluations: Vec<PowerEstimate>,
}

/// Cost of holding users out: the outcome the held-out users would have added had they been
/// treated, at the design's effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutCost {
    /// Effect assumed, in metric units per user.
    pub effect_absolute: f64,
    pub holdout_users: u64,
    /// `holdout_users × effect_absolute`: conversions for a rate, metric units for a mean.
    pub forgone_outcome: f64,
    /// Conversions forgone; `null` for a mean metric.
    pub forgone_conversions: Option<f64>,
    /// Value forgone in the currency of the input. It is conversions × value per conversion
    /// for a rate, and the forgone outcome itself for a mean metric. `null` without a value.
    pub forgone_value: Option<f64>,
    /// `value_per_conversion`, `metric` or `null`: where `forgone_value` comes from.
    pub value_source: Option<String>,
}

/// One point of the power curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PowerPoint {
    /// Difference of means in metric units.
    pub effect_absolute: f64,
    /// The same as a fraction of the baseline; `null` when the baseline is zero.
    pub effect_relative: Option<f64>,
    pub power: f64,
}
