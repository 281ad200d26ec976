//! The holdout analysis: each treatment arm against control on each metric, with bootstrap
//! intervals, analytic references, CUPED, the sample-ratio-mismatch check and per-segment
//! lift with Holm-adjusted p-values.

use super::stats::{
    CovarianceSummary, MeanSummary, ProportionSummary, holm_adjust, newcombe_interval, srm_test,
    welch_interval,
};
use crate::data::{InputFile, MetricData, MetricKind, UnitTable};
use crate::progress::Progress;
use crate::report::report_values;
use crate::report::{
    ArmUnits, Comparison, ComparisonBootstrap, CupedResult, Estimate, HoldoutData,
    HoldoutParameters, HoldoutReport, Interval, LabelRows, SCHEMA_VERSION, SegmentComparison,
    SrmCheck, ToolInfo, Warning,
};
use crate::resample::{
    AtomTable, BootstrapSpec, Draws, Scheme, Sums, TwoArmStatistic, bca, bca_adjustment,
    bootstrap_two_arms_many, influence_acceleration, percentile,
};
use crate::verdict::interval_verdict;
use serde_json::json;

/// Significance of the sample-ratio-mismatch warning.
const SRM_ALPHA: f64 = 0.001;

/// Bins of the stored histogram of lift replicates.
const HISTOGRAM_BINS: usize = 40;

/// Bootstrap interval method reported first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldoutInterval {
    Percentile,
    Basic,
    Bca,
}

impl HoldoutInterval {
    /// Returns the name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            HoldoutInterval::Percentile => "percentile",
            HoldoutInterval::Basic => "basic",
            HoldoutInterval::Bca => "bca",
        }
    }
}

/// Settings of a holdout analysis.
#[derive(Debug, Clone)]
pub struct HoldoutConfig {
    pub title: Option<String>,
    pub level: f64,
    pub resamples: usize,
    pub seed: u64,
    pub scheme: Scheme,
    pub interval: HoldoutInterval,
    /// Planned share of each arm, control first; equal shares when `None`.
    pub expected_split: Option<Vec<f64>>,
}

impl HoldoutConfig {
    pub const DEFAULT_LEVEL: f64 = 0.95;
    pub const DEFAULT_RESAMPLES: usize = 10_000;
}

/// A holdout analysis that cannot run with the given settings.
#[derive(Debug, thiserror::Error)]
pub enum HoldoutError {
    #[error("--level {level} is invalid; expected a fraction between 0 and 1, such as 0.95")]
    InvalidLevel { level: f64 },
    #[error("--resamples {resamples} is too few; expected at least 100")]
    TooFewResamples { resamples: usize },
    #[error("the sample-ratio check failed: {message}")]
    Srm { message: String },
    #[error(
        "--expected-split has {found} share(s) for {arms} arm(s) (control first); expected one \
         positive share per arm, such as 50:50"
    )]
    InvalidSplit { found: usize, arms: usize },
}

/// Lift that a statistic computes.
#[derive(Clone, Copy)]
enum Lift {
    Absolute,
    Relative,
    /// Absolute lift of `y − θ x`.
    Cuped {
        theta: f64,
    },
    /// CUPED absolute lift divided by the control arm's plain mean of `y` in the same
    /// resample, so the interval carries the uncertainty of the baseline too.
    CupedRelative {
        theta: f64,
    },
}

/// Returns the arm's value of the metric: the mean of column 0, or for a ratio the sum of
/// column 0 over the sum of column 1.
fn arm_value(kind: MetricKind, sums: &Sums) -> Option<f64> {
    let denominator = match kind {
        MetricKind::Ratio => sums.first[1],
        _ => sums.weight,
    };
    (denominator != 0.0).then(|| sums.first[0] / denominator)
}

fn lift_statistic(kind: MetricKind, lift: Lift) -> impl Fn(&Sums, &Sums) -> Option<f64> + Sync {
    move |control: &Sums, treatment: &Sums| match lift {
        Lift::Absolute => Some(arm_value(kind, treatment)? - arm_value(kind, control)?),
        Lift::Relative => {
            let baseline = arm_value(kind, control)?;
            (baseline != 0.0).then_some((arm_value(kind, treatment)? - baseline) / baseline.abs())
        }
        Lift::Cuped { theta } => cuped_lift(theta, control, treatment),
        Lift::CupedRelative { theta } => {
            let baseline = control.mean(0)?;
            (baseline != 0.0).then_some(cuped_lift(theta, control, treatment)? / baseline.abs())
        }
    }
}

/// Returns the difference in arm means of `y − θ x`, columns `[y, x]`.
fn cuped_lift(theta: f64, control: &Sums, treatment: &Sums) -> Option<f64> {
    let adjusted = |sums: &Sums| -> Option<f64> {
        (sums.weight > 0.0).then(|| (sums.first[0] - theta * sums.first[1]) / sums.weight)
    };
    Some(adjusted(treatment)? - adjusted(control)?)
}

/// Bootstrap replicates and intervals of one lift.
struct LiftDraws {
    estimate: Estimate,
    /// Finite replicates in resample order.
    values: Vec<f64>,
    sorted: Vec<f64>,
    non_finite: usize,
    acceleration: Option<f64>,
}

/// Runs one bootstrap for several lifts of the same arms and builds each lift's estimate with
/// all its intervals, the configured one first.
fn bootstrap_lifts(
    control: &AtomTable,
    treatment: &AtomTable,
    kind: MetricKind,
    lifts: &[(Lift, &str)],
    config: &HoldoutConfig,
    progress: &dyn Progress,
) -> Vec<LiftDraws> {
    let statistics: Vec<_> = lifts
        .iter()
        .map(|(lift, _)| lift_statistic(kind, *lift))
        .collect();
    let references: Vec<&TwoArmStatistic> = statistics
        .iter()
        .map(|statistic| statistic as &TwoArmStatistic)
        .collect();
    let spec = BootstrapSpec {
        resamples: config.resamples,
        seed: config.seed,
        scheme: config.scheme,
    };
    let all_draws = bootstrap_two_arms_many(control, treatment, &spec, &references, progress);

    lifts
        .iter()
        .zip(references)
        .zip(all_draws)
        .map(|(((lift, unit), statistic), draws)| {
            let point =
                statistic(&control.sums(), &treatment.sums()).filter(|value| value.is_finite());
            match point {
                Some(point) => {
                    lift_estimate(point, &draws, control, treatment, statistic, unit, config)
                }
                None => LiftDraws {
                    estimate: undefined(unit, undefined_reason(kind, *lift, control, treatment)),
                    values: Vec::new(),
                    sorted: Vec::new(),
                    non_finite: config.resamples,
                    acceleration: None,
                },
            }
        })
        .collect()
}

/// Returns the primary bootstrap interval of the absolute lift (treated − control) of one
/// metric, computed exactly as [`analyze`] computes it for a comparison: the same statistic,
/// resampling scheme, seed and interval method. `None` when the lift or its interval is
/// undefined. Used by test design to predict what the analysis will find.
pub fn absolute_lift_interval(
    control: &AtomTable,
    treatment: &AtomTable,
    kind: MetricKind,
    config: &HoldoutConfig,
    progress: &dyn Progress,
) -> Option<Interval> {
    let lifts = bootstrap_lifts(
        control,
        treatment,
        kind,
        &[(Lift::Absolute, "metric unit")],
        config,
        progress,
    );
    lifts.into_iter().next()?.estimate.interval
}

/// Builds a lift's estimate from its point and bootstrap replicates.
fn lift_estimate(
    point: f64,
    draws: &Draws,
    control: &AtomTable,
    treatment: &AtomTable,
    statistic: &TwoArmStatistic,
    unit: &str,
    config: &HoldoutConfig,
) -> LiftDraws {
    let sorted = draws.sorted();
    let acceleration = influence_acceleration(control, treatment, statistic);

    let percentile_interval = percentile(&sorted, config.level);
    let basic_interval =
        percentile_interval.map(|(lower, upper)| (2.0 * point - upper, 2.0 * point - lower));
    let bca_interval = acceleration
        .and_then(|acceleration| bca_adjustment(&sorted, point, acceleration))
        .and_then(|adjustment| bca(&sorted, config.level, adjustment));
    let mut named = vec![
        (HoldoutInterval::Percentile, percentile_interval),
        (HoldoutInterval::Basic, basic_interval),
        (HoldoutInterval::Bca, bca_interval),
    ];
    named.sort_by_key(|(method, _)| *method != config.interval);
    let intervals: Vec<Interval> = named
        .into_iter()
        .filter_map(|(method, ends)| {
            let (lower, upper) = ends?;
            Some(Interval {
                lower,
                upper,
                level: config.level,
                method: format!("{}_bootstrap_{}", scheme_name(config.scheme), method.name()),
            })
        })
        .collect();

    let interval_note = if sorted.first() == sorted.last() && !sorted.is_empty() {
        Some(
            "every bootstrap resample gave the same lift: the data have no variation (for \
             example all values equal or a single unit per arm), so the interval has no width"
                .to_string(),
        )
    } else if intervals
        .first()
        .map(|interval| interval.method.ends_with(config.interval.name()))
        != Some(true)
    {
        Some(format!(
            "the {} interval is undefined for these replicates, so another one is listed first",
            config.interval.name()
        ))
    } else {
        None
    };
    LiftDraws {
        estimate: Estimate {
            point: Some(point),
            interval: intervals.first().cloned(),
            intervals,
            unit: unit.to_string(),
            undefined_reason: None,
            interval_note,
        },
        values: draws.values.clone(),
        sorted,
        non_finite: draws.non_finite,
        acceleration,
    }
}

fn undefined_reason(
    kind: MetricKind,
    lift: Lift,
    control: &AtomTable,
    treatment: &AtomTable,
) -> String {
    if control.units() == 0 || treatment.units() == 0 {
        return "an arm has no units".to_string();
    }
    match (lift, kind) {
        (Lift::Relative, _) => {
            "the control value is zero, so a relative lift is undefined".to_string()
        }
        (_, MetricKind::Ratio) => "an arm's denominator sums to zero".to_string(),
        _ => "the lift is undefined for these data".to_string(),
    }
}

fn undefined(unit: &str, reason: String) -> Estimate {
    Estimate {
        point: None,
        interval: None,
        intervals: Vec::new(),
        unit: unit.to_string(),
        undefined_reason: Some(reason),
        interval_note: None,
    }
}

fn scheme_name(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Poisson => "poisson",
        Scheme::Multinomial => "multinomial",
    }
}

/// Returns `estimate` with its point and interval ends multiplied by `factor > 0`.
fn scaled(estimate: &Estimate, factor: f64, unit: &str) -> Estimate {
    let mut scaled = estimate.clone();
    scaled.unit = unit.to_string();
    scaled.point = estimate.point.map(|value| value * factor);
    for interval in scaled.intervals.iter_mut() {
        interval.lower *= factor;
        interval.upper *= factor;
    }
    scaled.interval = scaled.intervals.first().cloned();
    scaled
}

/// Returns the analytic reference interval of the absolute lift (Welch for means, Newcombe
/// for proportions) and its two-sided p-value, for arms of one column.
fn analytic_reference(
    kind: MetricKind,
    control: &AtomTable,
    treatment: &AtomTable,
    level: f64,
) -> Option<(Interval, Option<f64>)> {
    match kind {
        MetricKind::Proportion => {
            let proportion = |table: &AtomTable| {
                let sums = table.sums();
                ProportionSummary {
                    n: sums.weight,
                    successes: sums.first[0],
                }
            };
            let (control, treatment) = (proportion(control), proportion(treatment));
            let result = newcombe_interval(&control, &treatment, level)?;
            Some((
                Interval {
                    lower: result.lower,
                    upper: result.upper,
                    level,
                    method: "newcombe_score".to_string(),
                },
                result
                    .p_value
                    .or_else(|| pooled_z_test(&control, &treatment)),
            ))
        }
        MetricKind::Mean => {
            let summary = |table: &AtomTable| {
                let sums = table.sums();
                let n = sums.weight;
                let mean = sums.first[0] / n;
                let variance = if n > 1.0 {
                    ((sums.product(0, 0) - n * mean * mean) / (n - 1.0)).max(0.0)
                } else {
                    0.0
                };
                MeanSummary { n, mean, variance }
            };
            let result = welch_interval(&summary(control), &summary(treatment), level)?;
            Some((
                Interval {
                    lower: result.lower,
                    upper: result.upper,
                    level,
                    method: "welch_t".to_string(),
                },
                result.p_value,
            ))
        }
        MetricKind::Ratio => None,
    }
}

/// Returns the two-sided p-value of the pooled two-proportion z-test, the test that the
/// Newcombe interval accompanies; `None` when the pooled proportion is 0 or 1.
fn pooled_z_test(control: &ProportionSummary, treatment: &ProportionSummary) -> Option<f64> {
    use statrs::distribution::{ContinuousCDF, Normal};
    let pooled = (control.successes + treatment.successes) / (control.n + treatment.n);
    let variance = pooled * (1.0 - pooled) * (1.0 / control.n + 1.0 / treatment.n);
    if variance.is_nan() || variance <= 0.0 {
        return None;
    }
    let z = (treatment.successes / treatment.n - control.successes / control.n) / variance.sqrt();
    Some(2.0 * Normal::standard().sf(z.abs()))
}

/// Builds a 40-bin histogram of sorted replicates.
fn histogram(sorted: &[f64]) -> crate::report::Histogram {
    let (Some(low), Some(high)) = (sorted.first(), sorted.last()) else {
        return crate::report::Histogram {
            edges: Vec::new(),
            counts: Vec::new(),
        };
    };
    let width = if high > low {
        (high - low) / HISTOGRAM_BINS as f64
    } else {
        1.0
    };
    let edges: Vec<f64> = (0..=HISTOGRAM_BINS)
        .map(|i| low + width * i as f64)
        .collect();
    let mut counts = vec![0u64; HISTOGRAM_BINS];
    for value in sorted {
        let bin = (((value - low) / width) as usize).min(HISTOGRAM_BINS - 1);
        counts[bin] += 1;
    }
    crate::report::Histogram { edges, counts }
}

/// Returns the metric's one-column tables (the outcome only) per arm, dropping a covariate.
fn outcome_only(table: &AtomTable, kind: MetricKind) -> AtomTable {
    if table.columns() == 1 || kind == MetricKind::Ratio {
        return table.clone();
    }
    let mut merged: std::collections::BTreeMap<u64, u64> = std::collections::BTreeMap::new();
    for (row, count) in table.iter() {
        *merged.entry(row[0].to_bits()).or_insert(0) += count;
    }
    let mut outcome = AtomTable::new(1);
    for (bits, count) in merged {
        outcome.push(&[f64::from_bits(bits)], count);
    }
    outcome
}

impl HoldoutConfig {
    /// Checks the settings for a test of `arms` arms (control included) and returns the
    /// planned shares, normalised to sum to one.
    pub fn validate(&self, arms: usize) -> Result<Vec<f64>, HoldoutError> {
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(HoldoutError::InvalidLevel { level: self.level });
        }
        if self.resamples < 100 {
            return Err(HoldoutError::TooFewResamples {
                resamples: self.resamples,
            });
        }
        match &self.expected_split {
            Some(shares) if shares.len() != arms || shares.iter().any(|share| *share <= 0.0) => {
                Err(HoldoutError::InvalidSplit {
                    found: shares.len(),
                    arms,
                })
            }
            Some(shares) => {
                let total: f64 = shares.iter().sum();
                Ok(shares.iter().map(|share| share / total).collect())
            }
            None => Ok(vec![1.0 / arms as f64; arms]),
        }
    }
}

/// Runs the holdout analysis of `table`.
pub fn analyze(
    table: &UnitTable,
    input: &InputFile,
    parameters_base: HoldoutParameters,
    config: &HoldoutConfig,
    progress: &dyn Progress,
) -> Result<HoldoutReport, HoldoutError> {
    let arms = table.arms.len();
    let expected_split = config.validate(arms)?;
    let mut warnings = Vec::new();

    // Sample-ratio mismatch over all arms.
    let observed: Vec<f64> = table.units.iter().map(|units| *units as f64).collect();
    let srm = srm_test(&observed, &expected_split).map_err(|error| HoldoutError::Srm {
        message: error.to_string(),
    })?;
    let srm = SrmCheck {
        expected_shares: expected_split.clone(),
        observed_units: table.units.clone(),
        chi_square: srm.statistic,
        degrees_of_freedom: srm.degrees_of_freedom,
        p_value: srm.p_value,
        mismatch: srm.p_value < SRM_ALPHA,
    };
    if srm.mismatch {
        warnings.push(Warning {
            code: "sample_ratio_mismatch".to_string(),
            message: format!(
                "arm sizes ({}) differ from the planned split ({}) (chi-square p = {:.2e} < \
                 0.001); the randomisation or the data pipeline may be broken, so treat every \
                 lift below with suspicion",
                table
                    .arms
                    .iter()
                    .zip(&table.units)
                    .map(|(label, units)| format!("{label}: {units}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                srm.expected_shares
                    .iter()
                    .map(|share| format!("{:.1}%", share * 100.0))
                    .collect::<Vec<_>>()
                    .join(" : "),
                srm.p_value
            ),
            values: report_values([
                (
                    "arms",
                    json!(
                        table
                            .arms
                            .iter()
                            .zip(&table.units)
                            .map(|(label, units)| format!("{label}: {units}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                (
                    "split",
                    json!(
                        srm.expected_shares
                            .iter()
                            .map(|share| format!("{:.1}%", share * 100.0))
                            .collect::<Vec<_>>()
                            .join(" : ")
                    ),
                ),
                ("p_value", json!(srm.p_value)),
            ]),
        });
    }
    if !table.other_labels.is_empty() {
        let listed: Vec<String> = table
            .other_labels
            .iter()
            .map(|(label, rows)| format!("`{label}` ({rows} rows)"))
            .collect();
        warnings.push(Warning {
            code: "rows_not_analysed".to_string(),
            message: format!(
                "rows with other group labels were not analysed: {}",
                listed.join(", ")
            ),
            values: report_values([("labels", json!(listed.join(", ")))]),
        });
    }

    // Each treatment against control on each metric.
    let mut comparisons = Vec::new();
    let mut segments = Vec::new();
    for treatment in 1..arms {
        for metric in &table.metrics {
            comparisons.push(compare(
                table,
                metric,
                treatment,
                config,
                progress,
                &mut warnings,
            ));
            segments.extend(compare_segments(table, metric, treatment, config, progress));
        }
    }
    if !table.segments.is_empty() {
        warnings.push(Warning {
            code: "segments_exploratory".to_string(),
            message: format!(
                "segment results are exploratory: {} segments × {} comparisons were tested, and \
                 Holm-adjusted p-values control the error rate within each treatment and metric \
                 only; confirm a segment finding in a new test",
                table.segments.len(),
                comparisons.len()
            ),
            values: report_values([
                ("segments", json!(table.segments.len())),
                ("comparisons", json!(comparisons.len())),
            ]),
        });
    }

    let title = config.title.clone().unwrap_or_else(|| {
        format!(
            "Holdout test: {} vs {}",
            table.arms[1..].join(", "),
            table.arms[0]
        )
    });
    Ok(HoldoutReport {
        schema_version: SCHEMA_VERSION.to_string(),
        tool: ToolInfo::current(),
        kind: "holdout".to_string(),
        title,
        inputs: vec![input.clone()],
        parameters: HoldoutParameters {
            level: config.level,
            resamples: config.resamples,
            seed: config.seed,
            scheme: scheme_name(config.scheme).to_string(),
            interval: config.interval.name().to_string(),
            expected_split,
            ..parameters_base
        },
        data: HoldoutData {
            rows: table.file.rows,
            arms: table
                .arms
                .iter()
                .zip(&table.units)
                .map(|(label, units)| ArmUnits {
                    label: label.clone(),
                    units: *units,
                })
                .collect(),
            other_labels: table
                .other_labels
                .iter()
                .map(|(label, rows)| LabelRows {
                    label: label.clone(),
                    rows: *rows,
                })
                .collect(),
            segments: table.segments.clone(),
        },
        srm,
        comparisons,
        segments,
        warnings,
    })
}

fn kind_name(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Proportion => "proportion",
        MetricKind::Mean => "mean",
        MetricKind::Ratio => "ratio",
    }
}

/// Compares one treatment with control on one metric over all units.
fn compare(
    table: &UnitTable,
    metric: &MetricData,
    treatment: usize,
    config: &HoldoutConfig,
    progress: &dyn Progress,
    warnings: &mut Vec<Warning>,
) -> Comparison {
    let kind = metric.kind;
    let control_table = outcome_only(&metric.arms[0], kind);
    let treatment_table = outcome_only(&metric.arms[treatment], kind);
    let control_sums = control_table.sums();
    let treatment_sums = treatment_table.sums();

    // Plain lift: absolute and relative, with the analytic reference beside the bootstrap.
    let mut lifts = bootstrap_lifts(
        &control_table,
        &treatment_table,
        kind,
        &[
            (Lift::Absolute, "metric unit"),
            (Lift::Relative, "fraction"),
        ],
        config,
        progress,
    )
    .into_iter();
    let (Some(mut absolute), Some(relative)) = (lifts.next(), lifts.next()) else {
        unreachable!("bootstrap_lifts returns one result per lift");
    };
    if let Some((reference, _)) =
        analytic_reference(kind, &control_table, &treatment_table, config.level)
    {
        absolute.estimate.intervals.push(reference);
    }
    let treatment_units = table.units[treatment];
    let incremental_total = if kind == MetricKind::Ratio {
        undefined(
            "metric unit × units",
            "a ratio metric has no per-unit total; see the lifts of its numerator and \
             denominator metrics"
                .to_string(),
        )
    } else {
        scaled(
            &absolute.estimate,
            treatment_units as f64,
            "metric unit × units",
        )
    };
    if absolute.non_finite > 0 && absolute.estimate.point.is_some() {
        warnings.push(Warning {
            code: "non_finite_resamples".to_string(),
            message: format!(
                "{} of {} resamples of {} ({}) gave no finite lift and were left out",
                absolute.non_finite, config.resamples, metric.name, table.arms[treatment]
            ),
            values: report_values([
                ("count", json!(absolute.non_finite)),
                ("resamples", json!(config.resamples)),
                ("metric", json!(metric.name)),
                ("arm", json!(table.arms[treatment])),
            ]),
        });
    }

    // CUPED with the covariate, when there is one.
    let cuped = (table.has_covariate && kind != MetricKind::Ratio)
        .then(|| {
            cuped(
                &metric.arms[0],
                &metric.arms[treatment],
                kind,
                config,
                progress,
                &absolute.sorted,
            )
        })
        .flatten();

    let verdict = interval_verdict(absolute.estimate.interval.as_ref());
    let absolute_lift_draws = std::mem::take(&mut absolute.values);
    Comparison {
        treatment: table.arms[treatment].clone(),
        metric: metric.name.clone(),
        kind: kind_name(kind).to_string(),
        control_units: table.units[0],
        treatment_units,
        control_mean: arm_value(kind, &control_sums),
        treatment_mean: arm_value(kind, &treatment_sums),
        absolute_lift: absolute.estimate,
        relative_lift: relative.estimate,
        incremental_total,
        cuped,
        bootstrap: ComparisonBootstrap {
            resamples: config.resamples,
            non_finite_resamples: absolute.non_finite,
            acceleration: absolute.acceleration,
            absolute_lift_histogram: histogram(&absolute.sorted),
        },
        verdict,
        absolute_lift_draws,
    }
}

/// Returns the CUPED-adjusted lift, with θ from the pooled arms.
fn cuped(
    control: &AtomTable,
    treatment: &AtomTable,
    kind: MetricKind,
    config: &HoldoutConfig,
    progress: &dyn Progress,
    plain_sorted: &[f64],
) -> Option<CupedResult> {
    let covariance = |table: &AtomTable| {
        let sums = table.sums();
        CovarianceSummary {
            n: sums.weight,
            sum_y: sums.first[0],
            sum_x: sums.first[1],
            sum_yy: sums.product(0, 0),
            sum_xx: sums.product(1, 1),
            sum_xy: sums.product(0, 1),
        }
    };

    // θ and ρ from the pooled arms, then the bootstrap of the adjusted lift.
    let pooled = covariance(control).merge(&covariance(treatment));
    let theta = super::stats::cuped_theta(&pooled)?;
    let correlation = pooled.correlation()?;
    let mut lifts = bootstrap_lifts(
        control,
        treatment,
        kind,
        &[
            (Lift::Cuped { theta }, "metric unit"),
            (Lift::CupedRelative { theta }, "fraction"),
        ],
        config,
        progress,
    )
    .into_iter();
    let (Some(absolute), Some(relative)) = (lifts.next(), lifts.next()) else {
        unreachable!("bootstrap_lifts returns one result per lift");
    };

    // Variance reduction achieved, from the replicates of the plain and adjusted lift.
    let variance = |sorted: &[f64]| -> f64 {
        let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
        sorted
            .iter()
            .map(|value| (value - mean).powi(2))
            .sum::<f64>()
            / sorted.len() as f64
    };
    let plain_variance = variance(plain_sorted);
    let reduction = if plain_variance > 0.0 && !absolute.sorted.is_empty() {
        1.0 - variance(&absolute.sorted) / plain_variance
    } else {
        0.0
    };
    Some(CupedResult {
        theta,
        absolute_lift: absolute.estimate,
        relative_lift: relative.estimate,
        variance_reduction: reduction,
        expected_variance_reduction: correlation * correlation,
    })
}

/// Lift of one treatment and metric in each segment, with Holm-adjusted p-values.
fn compare_segments(
    table: &UnitTable,
    metric: &MetricData,
    treatment: usize,
    config: &HoldoutConfig,
    progress: &dyn Progress,
) -> Vec<SegmentComparison> {
    let kind = metric.kind;
    let mut rows: Vec<SegmentComparison> = Vec::new();
    for (segment, tables) in table.segments.iter().zip(&metric.segments) {
        let control = outcome_only(&tables[0], kind);
        let treated = outcome_only(&tables[treatment], kind);
        let mut lifts = bootstrap_lifts(
            &control,
            &treated,
            kind,
            &[
                (Lift::Absolute, "metric unit"),
                (Lift::Relative, "fraction"),
            ],
            config,
            progress,
        )
        .into_iter();
        let (Some(absolute), Some(relative)) = (lifts.next(), lifts.next()) else {
            unreachable!("bootstrap_lifts returns one result per lift");
        };
        let p_value = if control.units() >= 2 && treated.units() >= 2 {
            analytic_reference(kind, &control, &treated, config.level).and_then(|(_, p)| p)
        } else {
            None
        };
        rows.push(SegmentComparison {
            segment: segment.clone(),
            treatment: table.arms[treatment].clone(),
            metric: metric.name.clone(),
            control_units: control.units(),
            treatment_units: treated.units(),
            absolute_lift: absolute.estimate,
            relative_lift: relative.estimate,
            p_value,
            p_value_holm: None,
        });
    }

    // Holm over the segments that have a p-value.
    let tested: Vec<usize> = (0..rows.len())
        .filter(|i| rows[*i].p_value.is_some())
        .collect();
    let p_values: Vec<f64> = tested.iter().filter_map(|i| rows[*i].p_value).collect();
    let adjusted_values = holm_adjust(&p_values).unwrap_or_default();
    for (index, adjusted) in tested.iter().zip(adjusted_values) {
        rows[*index].p_value_holm = Some(adjusted);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_z_test_matches_statsmodels() {
        // statsmodels 0.15.0: proportions_ztest([60, 45], [1000, 1000]) gives
        // z = 1.5038585877973938, p = 0.1326177819292726 (two-sided, pooled variance).
        let control = ProportionSummary {
            n: 1000.0,
            successes: 45.0,
        };
        let treatment = ProportionSummary {
            n: 1000.0,
            successes: 60.0,
        };
        let p_value = pooled_z_test(&control, &treatment).expect("defined");
        assert!((p_value - 0.1326177819292726).abs() < 1e-10, "{p_value}");
        let none = ProportionSummary {
            n: 10.0,
            successes: 0.0,
        };
        assert_eq!(pooled_z_test(&none, &none), None);
    }
}
