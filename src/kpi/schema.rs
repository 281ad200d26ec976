//! `kpis.json`: the plain, serialisable result of `liftlab kpis`.
//!
//! Every field is documented for users in docs/kpis.md. Change that page and
//! [`KPIS_SCHEMA_VERSION`] together with any change here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::InputFile;
use crate::report::ToolInfo;

/// Version of the `kpis.json` layout. A reader checks the major number before it reads further.
pub const KPIS_SCHEMA_VERSION: &str = "1.0.0";

/// An interval of a KPI from the lift report's bootstrap draws. A `None` end is unbounded:
/// so many draws leave the KPI without a finite value (a cost with no incremental customers)
/// that the quantile falls among them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiInterval {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Confidence level as a fraction, the lift report's level.
    pub level: f64,
    /// `draws_percentile`: percentiles of the KPI computed on every draw.
    pub method: String,
}

/// Reason a KPI has no value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undefined {
    /// Stable code: `zero_denominator`, `missing_value`, `not_positive`, listed in docs/kpis.md.
    pub code: String,
    /// The input column or quantity whose value makes the KPI undefined.
    pub column: String,
    /// Lines of the funnel file with an empty cell, for `missing_value`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<u64>,
    /// The reason in English.
    #[serde(default)]
    pub reason: String,
}

/// One KPI value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiValue {
    /// Stable KPI identifier, e.g. `cac` or `iroas`, listed in docs/kpis.md.
    pub kpi: String,
    /// Unit of `point` and the interval ends, e.g. `currency per customer`, `fraction`.
    pub unit: String,
    /// `None` exactly when `undefined` is set.
    pub point: Option<f64>,
    /// Interval from the lift report's draws, for adjusted KPIs.
    pub interval: Option<KpiInterval>,
    pub undefined: Option<Undefined>,
    /// Draws in which the KPI has no finite value (counted towards the unbounded end).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub draws_without_value: usize,
}

fn is_zero(value: &usize) -> bool {
    *value == 0
}

/// A statement about a row in plain words. `code` selects the sentence and `values` fill it;
/// docs/kpis.md lists the codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiVerdict {
    pub code: String,
    /// `positive`, `negative`, `inconclusive` or `info`.
    pub kind: String,
    pub values: BTreeMap<String, f64>,
    /// The sentence in English.
    pub text: String,
}

/// The KPIs of one funnel row, or of the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowKpis {
    /// `channel` or `channel / intent_cluster`; `total` for the total.
    pub label: String,
    pub channel: Option<String>,
    pub intent_cluster: Option<String>,
    /// Line of the row in the funnel file; `None` for the total.
    pub line: Option<u64>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    /// The ten KPIs on platform-attributed (or observed) figures.
    pub kpis: Vec<KpiValue>,
    /// KPIs with attributed credit replaced by the measured lift; empty without a lift report.
    pub adjusted: Vec<KpiValue>,
    pub verdicts: Vec<KpiVerdict>,
}

/// Conversion rate of one intent cluster against its target, summed over its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterRate {
    pub cluster: String,
    pub conversions: f64,
    pub visitors: f64,
    pub conversion_rate: KpiValue,
    /// Target conversion rate of the cluster, as a fraction; `None` when not given.
    pub target: Option<f64>,
    /// Whether the rate reaches the target; `None` when either is missing.
    pub meets_target: Option<bool>,
}

/// A lift report linked to a channel, and what was taken from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiftLink {
    pub channel: String,
    pub report: InputFile,
    /// `geo` or `holdout`.
    pub report_kind: String,
    pub title: String,
    /// For a holdout report: the treatment arm used.
    pub treatment: Option<String>,
    /// Report quantity read as conversions: `kpi` for a geo report, a metric name for a holdout.
    pub conversions_from: Option<String>,
    /// Report quantity read as revenue.
    pub revenue_from: Option<String>,
    pub level: f64,
    /// Bootstrap draws used.
    pub draws: usize,
    /// Days of the test window, and the first and last day when the report states them.
    pub window_days: Option<i64>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    /// Days of the channel's funnel period.
    pub funnel_days: Option<i64>,
    /// Factor applied to the incremental outcome: funnel days ÷ window days, times funnel
    /// users ÷ treated units for a holdout; 1 when no scaling applies.
    pub scale: f64,
    /// Incremental conversions and revenue over the funnel period, after scaling.
    pub incremental_conversions: Option<KpiValue>,
    pub incremental_revenue: Option<KpiValue>,
    /// Relative lift from the report, as a fraction.
    pub relative_lift: Option<KpiValue>,
    /// Notes on the link's resolution, in English.
    pub notes: Vec<String>,
}

/// A KPI left out because the funnel lacks a column it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeftOut {
    pub kpi: String,
    pub missing_columns: Vec<String>,
}

/// The complete `kpis.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpisReport {
    pub schema_version: String,
    pub tool: ToolInfo,
    /// `kpis`.
    pub kind: String,
    /// The funnel first, then each linked lift report.
    pub inputs: Vec<InputFile>,
    pub rows: Vec<RowKpis>,
    /// Sums over all rows, with each ratio taken as a sum over a sum.
    pub total: RowKpis,
    pub clusters: Vec<ClusterRate>,
    /// Totals of the funnel stages (`impressions`, `clicks`, `visitors`, `leads`,
    /// `qualified_leads`, `opportunities`, `customers`) that every row has.
    pub stage_totals: BTreeMap<String, f64>,
    pub lifts: Vec<LiftLink>,
    pub left_out: Vec<LeftOut>,
    pub warnings: Vec<KpiWarning>,
}

/// A condition the reader should know about. `code` selects the sentence and `values` fill
/// it; docs/kpis.md lists the codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiWarning {
    pub code: String,
    pub values: BTreeMap<String, String>,
    /// The sentence in English.
    pub message: String,
}

impl KpisReport {
    /// Returns every KPI value of the report: rows, total, clusters and lift links.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut KpiValue> {
        let rows = self
            .rows
            .iter_mut()
            .chain(std::iter::once(&mut self.total))
            .flat_map(|row| row.kpis.iter_mut().chain(row.adjusted.iter_mut()));
        let clusters = self
            .clusters
            .iter_mut()
            .map(|cluster| &mut cluster.conversion_rate);
        let lifts = self.lifts.iter_mut().flat_map(|link| {
            link.incremental_conversions
                .iter_mut()
                .chain(link.incremental_revenue.iter_mut())
                .chain(link.relative_lift.iter_mut())
        });
        rows.chain(clusters).chain(lifts)
    }

    /// Returns `kpis.csv`: one line per row (and the total) and KPI, long format, with the
    /// columns `label, channel, intent_cluster, line, group, kpi, unit, point, lower, upper,
    /// level, undefined_code, undefined_column`. `group` is `kpi` or `adjusted`; empty cells
    /// stand for no value (an unbounded interval end, or an undefined point).
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record([
            "label",
            "channel",
            "intent_cluster",
            "line",
            "group",
            "kpi",
            "unit",
            "point",
            "lower",
            "upper",
            "level",
            "undefined_code",
            "undefined_column",
        ])?;
        let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        for row in self.rows.iter().chain(std::iter::once(&self.total)) {
            let groups = [("kpi", &row.kpis), ("adjusted", &row.adjusted)];
            for (group, values) in groups {
                for value in values {
                    let interval = value.interval.as_ref();
                    writer.write_record([
                        row.label.clone(),
                        row.channel.clone().unwrap_or_default(),
                        row.intent_cluster.clone().unwrap_or_default(),
                        row.line.map(|line| line.to_string()).unwrap_or_default(),
                        group.to_string(),
                        value.kpi.clone(),
                        value.unit.clone(),
                        number(value.point),
                        number(interval.and_then(|i| i.lower)),
                        number(interval.and_then(|i| i.upper)),
                        number(interval.map(|i| i.level)),
                        value
                            .undefined
                            .as_ref()
                            .map(|u| u.code.clone())
                            .unwrap_or_default(),
                        value
                            .undefined
                            .as_ref()
                            .map(|u| u.column.clone())
                            .unwrap_or_default(),
                    ])?;
                }
            }
        }
        let bytes = writer.into_inner().map_err(|error| error.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
