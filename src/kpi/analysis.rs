//! From a funnel and its linked lift reports to the complete [`KpisReport`].

use std::collections::BTreeMap;

use super::adjust::{ChannelFactors, Factor, adjusted_kpis, draws_interval};
use super::formulas::{Figures, Quantity, kpis, left_out, row_figures, total_figures};
use super::funnel::{Column, Funnel, FunnelRow, known_columns};
use super::lift::{LiftMeasure, OutcomeDraws};
use super::schema::{
    ClusterRate, KPIS_SCHEMA_VERSION, KpiInterval, KpiValue, KpiWarning, KpisReport, LiftLink,
    RowKpis, Undefined,
};
use super::verdict::row_verdicts;
use crate::i18n::{Lang, Texts};
use crate::report::ToolInfo;

/// A lift link that does not fit the funnel.
#[derive(Debug, thiserror::Error)]
pub enum KpisError {
    #[error(
        "--lift {channel}=…: the funnel {path} has no row for channel `{channel}`; its channels \
         are: {known}"
    )]
    UnknownChannel {
        channel: String,
        path: String,
        known: String,
    },
    #[error(
        "--lift {channel}=…: the funnel {path} has no `{column}` column, and the incrementality \
         factor divides the measured {outcome} by it; add the column (what the platform credits \
         itself with over the period){hint}"
    )]
    NeedsAttributed {
        channel: String,
        path: String,
        column: &'static str,
        outcome: &'static str,
        hint: &'static str,
    },
    #[error("--lift: channel `{channel}` is linked twice; expected one lift report per channel")]
    DuplicateLink { channel: String },
    #[error(
        "{path}: the rows of channel `{channel}` (lines {lines}) cover different periods; a lift \
         report scales to one period, so give the channel's rows the same period_start and \
         period_end"
    )]
    PeriodsDiffer {
        path: String,
        channel: String,
        lines: String,
    },
}

/// The lift of one channel, ready to adjust its rows.
struct ChannelLift {
    factors: ChannelFactors,
    link: LiftLink,
}

/// Computes the KPIs of every funnel row and the total, and adjusts the rows of each channel
/// that a lift report measures.
pub fn analyze(funnel: &Funnel, measures: &[LiftMeasure]) -> Result<KpisReport, KpisError> {
    let mut warnings = Vec::new();
    if !funnel.unknown_columns.is_empty() {
        let names: Vec<String> = funnel
            .unknown_columns
            .iter()
            .map(|column| match &column.suggestion {
                Some(suggestion) => format!("`{}` (did you mean `{suggestion}`?)", column.name),
                None => format!("`{}`", column.name),
            })
            .collect();
        warnings.push(warning(
            "unknown_columns",
            &[("columns", names.join(", ")), ("known", known_columns())],
        ));
    }

    // Figures of every row, and the lift of each linked channel.
    let figures: Vec<Figures> = funnel
        .rows
        .iter()
        .map(|row| row_figures(row, funnel))
        .collect();
    let mut lifts: BTreeMap<String, ChannelLift> = BTreeMap::new();
    for measure in measures {
        if lifts.contains_key(&measure.channel) {
            return Err(KpisError::DuplicateLink {
                channel: measure.channel.clone(),
            });
        }
        let lift = channel_lift(funnel, &figures, measure, &mut warnings)?;
        lifts.insert(measure.channel.clone(), lift);
    }

    // Rows, then the total and the intent clusters.
    let rows: Vec<RowKpis> = funnel
        .rows
        .iter()
        .zip(&figures)
        .map(|(row, figures)| row_kpis(row, figures, lifts.get(&row.channel)))
        .collect();
    let total_kpis = kpis(&total_figures(&figures));
    let total = RowKpis {
        label: "total".to_string(),
        channel: None,
        intent_cluster: None,
        line: None,
        period_start: None,
        period_end: None,
        verdicts: Vec::new(),
        kpis: total_kpis,
        adjusted: Vec::new(),
    };
    let clusters = cluster_rates(funnel, &mut warnings);
    let stage_totals = [
        Column::Impressions,
        Column::Clicks,
        Column::Visitors,
        Column::Leads,
        Column::QualifiedLeads,
        Column::Opportunities,
        Column::Customers,
    ]
    .into_iter()
    .filter_map(|column| {
        let values: Option<Vec<f64>> = funnel.rows.iter().map(|row| row.value(column)).collect();
        Some((column.name().to_string(), values?.iter().sum()))
    })
    .collect();

    let mut inputs = vec![funnel.file.clone()];
    inputs.extend(measures.iter().map(|measure| measure.report.clone()));
    let mut report = KpisReport {
        schema_version: KPIS_SCHEMA_VERSION.to_string(),
        tool: ToolInfo::current(),
        kind: "kpis".to_string(),
        inputs,
        rows,
        total,
        clusters,
        stage_totals,
        lifts: lifts.into_values().map(|lift| lift.link).collect(),
        left_out: left_out(funnel),
        warnings,
    };

    // Each undefined value states its reason in English too, for readers of kpis.json.
    for value in report.values_mut() {
        if let Some(undefined) = &mut value.undefined {
            undefined.reason = undefined_text(undefined, Lang::En.texts());
        }
    }
    Ok(report)
}

fn row_kpis(row: &FunnelRow, figures: &Figures, lift: Option<&ChannelLift>) -> RowKpis {
    let values = kpis(figures);
    // The report's relative lift leads the adjusted KPIs: it is the channel's, not the row's.
    let adjusted = lift.map_or_else(Vec::new, |lift| {
        let mut adjusted: Vec<KpiValue> = lift.link.relative_lift.iter().cloned().collect();
        adjusted.extend(adjusted_kpis(figures, &lift.factors));
        adjusted
    });
    let verdicts = row_verdicts(
        &values,
        &adjusted,
        row.value(Column::TargetConversionRate),
        lift.is_some(),
        lift.map(|lift| lift.factors.level),
    );
    RowKpis {
        label: row.label(),
        channel: Some(row.channel.clone()),
        intent_cluster: row.intent_cluster.clone(),
        line: Some(row.line),
        period_start: row.period.map(|(start, _)| start.to_string()),
        period_end: row.period.map(|(_, end)| end.to_string()),
        kpis: values,
        adjusted,
        verdicts,
    }
}

/// Scales the measured lift to the channel's funnel period and divides it by the channel's
/// attributed figures.
fn channel_lift(
    funnel: &Funnel,
    figures: &[Figures],
    measure: &LiftMeasure,
    warnings: &mut Vec<KpiWarning>,
) -> Result<ChannelLift, KpisError> {
    let channel = &measure.channel;
    let members: Vec<usize> = (0..funnel.rows.len())
        .filter(|index| &funnel.rows[*index].channel == channel)
        .collect();
    if members.is_empty() {
        let mut known: Vec<&str> = funnel.rows.iter().map(|row| row.channel.as_str()).collect();
        known.dedup();
        return Err(KpisError::UnknownChannel {
            channel: channel.clone(),
            path: funnel.file.path.clone(),
            known: known.join(", "),
        });
    }
    let periods: Vec<_> = members.iter().map(|i| funnel.rows[*i].period).collect();
    if periods.iter().any(|period| *period != periods[0]) {
        return Err(KpisError::PeriodsDiffer {
            path: funnel.file.path.clone(),
            channel: channel.clone(),
            lines: members
                .iter()
                .map(|i| funnel.rows[*i].line.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let funnel_days = funnel.rows[members[0]].period_days();

    // Time scaling: funnel days ÷ test-window days, when both are known.
    let mut notes = measure.notes.clone();
    if let Some((units, from_users)) = measure.units {
        let code = if from_users {
            "holdout_users"
        } else {
            "holdout_arm_units"
        };
        warnings.push(warning(
            code,
            &[
                ("channel", channel.clone()),
                ("treatment", measure.treatment.clone().unwrap_or_default()),
                ("units", format!("{units}")),
            ],
        ));
    }
    let scale = match (funnel_days, measure.window_days) {
        (Some(funnel_days), Some(window_days)) if funnel_days != window_days => {
            let scale = funnel_days as f64 / window_days as f64;
            warnings.push(warning(
                "window_scaled",
                &[
                    ("channel", channel.clone()),
                    ("window_days", window_days.to_string()),
                    ("funnel_days", funnel_days.to_string()),
                    ("scale", format!("{scale:.4}")),
                ],
            ));
            notes.push(format!(
                "incremental figures scaled by {funnel_days} ÷ {window_days} days = {scale:.4}"
            ));
            scale
        }
        (Some(_), Some(_)) => 1.0,
        _ => {
            warnings.push(warning("window_assumed", &[("channel", channel.clone())]));
            notes.push("the test window is taken to be the funnel period".to_string());
            1.0
        }
    };

    // Attributed totals of the channel and the two incrementality factors.
    let channel_figures: Vec<Figures> = members.iter().map(|i| figures[*i].clone()).collect();
    let totals = total_figures(&channel_figures);
    let needs = |quantity: &Option<Quantity>, name: &str| {
        quantity.clone().unwrap_or_else(|| {
            Quantity::Undefined(Undefined {
                code: "needs_column".to_string(),
                column: name.to_string(),
                lines: Vec::new(),
                reason: String::new(),
            })
        })
    };
    let factor_of = |outcome: &OutcomeDraws, attributed: &Quantity, name: &str| {
        Factor::new(outcome.point, &outcome.draws, scale, attributed, name)
    };
    let required = [
        (
            measure.conversions.is_some(),
            &totals.attributed_conversions,
            "attributed_conversions",
            "conversions",
            "",
        ),
        (
            measure.revenue.is_some(),
            &totals.attributed_revenue,
            "attributed_revenue",
            "revenue",
            ", or leave revenue out of the link",
        ),
    ];
    for (measured, attributed, column, outcome, hint) in required {
        if measured && attributed.is_none() {
            return Err(KpisError::NeedsAttributed {
                channel: channel.clone(),
                path: funnel.file.path.clone(),
                column,
                outcome,
                hint,
            });
        }
    }
    let attributed_conversions = needs(&totals.attributed_conversions, "attributed_conversions");
    let attributed_revenue = needs(&totals.attributed_revenue, "attributed_revenue");
    let conversions = measure
        .conversions
        .as_ref()
        .map(|outcome| factor_of(outcome, &attributed_conversions, "attributed_conversions"));
    let revenue = measure
        .revenue
        .as_ref()
        .map(|outcome| factor_of(outcome, &attributed_revenue, "attributed_revenue"));
    let (conversions, revenue) = match (conversions, revenue) {
        (Some(conversions), Some(revenue)) => (conversions, revenue),
        (Some(conversions), None) => {
            warnings.push(warning(
                "revenue_from_conversions",
                &[("channel", channel.clone())],
            ));
            (conversions.clone(), conversions)
        }
        (None, Some(revenue)) => {
            warnings.push(warning(
                "conversions_from_revenue",
                &[("channel", channel.clone())],
            ));
            (revenue.clone(), revenue)
        }
        (None, None) => unreachable!("a lift measure has conversions or revenue"),
    };

    let scaled = |outcome: &Option<OutcomeDraws>, kpi: &str, unit: &str| {
        outcome.as_ref().map(|outcome| {
            let draws: Vec<f64> = outcome.draws.iter().map(|draw| draw * scale).collect();
            let mut value = Quantity::Value(outcome.point * scale).into_kpi(kpi, unit);
            value.interval = draws_interval(draws, 0, measure.level);
            value
        })
    };
    let link = LiftLink {
        channel: channel.clone(),
        report: measure.report.clone(),
        report_kind: measure.kind.clone(),
        title: measure.title.clone(),
        treatment: measure.treatment.clone(),
        conversions_from: measure.conversions.as_ref().map(|o| o.source.clone()),
        revenue_from: measure.revenue.as_ref().map(|o| o.source.clone()),
        level: measure.level,
        draws: measure
            .conversions
            .as_ref()
            .or(measure.revenue.as_ref())
            .map_or(0, |outcome| outcome.draws.len()),
        window_days: measure.window_days,
        window_start: measure.window_start.clone(),
        window_end: measure.window_end.clone(),
        funnel_days,
        scale,
        incremental_conversions: scaled(
            &measure.conversions,
            "incremental_conversions",
            "conversions",
        ),
        incremental_revenue: scaled(&measure.revenue, "incremental_revenue", "revenue"),
        relative_lift: measure.relative_lift.map(|(point, interval)| {
            let mut value = Quantity::Value(point).into_kpi("relative_lift", "fraction");
            value.interval = interval.map(|(lower, upper)| KpiInterval {
                lower: Some(lower),
                upper: Some(upper),
                level: measure.level,
                method: "report_primary".to_string(),
            });
            value
        }),
        notes,
    };
    Ok(ChannelLift {
        factors: ChannelFactors {
            level: measure.level,
            conversions,
            revenue,
        },
        link,
    })
}

/// Conversion rate per intent cluster: conversions ÷ visitors summed over the cluster's rows.
fn cluster_rates(funnel: &Funnel, warnings: &mut Vec<KpiWarning>) -> Vec<ClusterRate> {
    if !funnel.has(Column::IntentCluster)
        || !funnel.has(Column::Conversions)
        || !funnel.has(Column::Visitors)
    {
        return Vec::new();
    }
    let mut names: Vec<&str> = Vec::new();
    for row in &funnel.rows {
        if let Some(cluster) = &row.intent_cluster
            && !names.contains(&cluster.as_str())
        {
            names.push(cluster);
        }
    }
    names
        .into_iter()
        .map(|cluster| {
            let rows: Vec<&FunnelRow> = funnel
                .rows
                .iter()
                .filter(|row| row.intent_cluster.as_deref() == Some(cluster))
                .collect();
            let sum = |column: Column| -> Quantity {
                let missing: Vec<u64> = rows
                    .iter()
                    .filter(|row| row.value(column).is_none())
                    .map(|row| row.line)
                    .collect();
                if missing.is_empty() {
                    Quantity::Value(rows.iter().filter_map(|row| row.value(column)).sum())
                } else {
                    Quantity::Undefined(Undefined {
                        code: "missing_value".to_string(),
                        column: column.name().to_string(),
                        lines: missing,
                        reason: String::new(),
                    })
                }
            };
            let conversions = sum(Column::Conversions);
            let visitors = sum(Column::Visitors);
            let rate = conversions
                .over(&visitors, Column::Visitors.name())
                .into_kpi("conversion_rate", "fraction");
            let targets: Vec<f64> = rows
                .iter()
                .filter_map(|row| row.value(Column::TargetConversionRate))
                .collect();
            let target = targets.first().copied();
            if targets.iter().any(|value| Some(*value) != target) {
                warnings.push(warning(
                    "cluster_targets_differ",
                    &[
                        ("cluster", cluster.to_string()),
                        (
                            "lines",
                            rows.iter()
                                .map(|row| row.line.to_string())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ],
                ));
            }
            ClusterRate {
                cluster: cluster.to_string(),
                conversions: conversions.value().unwrap_or(0.0),
                visitors: visitors.value().unwrap_or(0.0),
                meets_target: match (rate.point, target) {
                    (Some(rate), Some(target)) => Some(rate >= target),
                    _ => None,
                },
                conversion_rate: rate,
                target,
            }
        })
        .collect()
}

fn warning(code: &str, values: &[(&str, String)]) -> KpiWarning {
    let mut warning = KpiWarning {
        code: code.to_string(),
        values: values
            .iter()
            .map(|(name, value)| (name.to_string(), value.clone()))
            .collect(),
        message: String::new(),
    };
    warning.message = warning_text(&warning, Lang::En.texts());
    warning
}

/// Words a warning in the language of `texts`.
pub fn warning_text(warning: &KpiWarning, texts: &Texts) -> String {
    let value = |name: &str| warning.values.get(name).cloned().unwrap_or_default();
    // A whole number stored as text is shown with the language's thousands separator.
    let grouped = |text: &str| match text.parse::<u64>() {
        Ok(number) => texts.number(number as f64, 0),
        Err(_) => text.to_string(),
    };
    match warning.code.as_str() {
        "unknown_columns" => texts.fill(
            "kpis.warning.unknown_columns",
            &[("columns", &value("columns")), ("known", &value("known"))],
        ),
        "window_scaled" => texts.fill(
            "kpis.warning.window_scaled",
            &[
                ("channel", &value("channel")),
                ("window_days", &value("window_days")),
                ("funnel_days", &value("funnel_days")),
                ("scale", &value("scale")),
            ],
        ),
        "window_assumed" => texts.fill(
            "kpis.warning.window_assumed",
            &[("channel", &value("channel"))],
        ),
        "revenue_from_conversions" => texts.fill(
            "kpis.warning.revenue_from_conversions",
            &[("channel", &value("channel"))],
        ),
        "conversions_from_revenue" => texts.fill(
            "kpis.warning.conversions_from_revenue",
            &[("channel", &value("channel"))],
        ),
        "holdout_arm_units" => texts.fill(
            "kpis.warning.holdout_arm_units",
            &[
                ("channel", &value("channel")),
                ("treatment", &value("treatment")),
                ("units", &grouped(&value("units"))),
            ],
        ),
        "holdout_users" => texts.fill(
            "kpis.warning.holdout_users",
            &[
                ("channel", &value("channel")),
                ("treatment", &value("treatment")),
                ("units", &grouped(&value("units"))),
            ],
        ),
        "cluster_targets_differ" => texts.fill(
            "kpis.warning.cluster_targets_differ",
            &[("cluster", &value("cluster")), ("lines", &value("lines"))],
        ),
        other => other.to_string(),
    }
}

/// Returns what to do about a warning, in the language of `texts`.
pub fn warning_action<'a>(warning: &KpiWarning, texts: &'a Texts) -> &'a str {
    match warning.code.as_str() {
        "unknown_columns" => texts.t("kpis.warning_action.unknown_columns"),
        "window_scaled" => texts.t("kpis.warning_action.window_scaled"),
        "window_assumed" => texts.t("kpis.warning_action.window_assumed"),
        "revenue_from_conversions" => texts.t("kpis.warning_action.revenue_from_conversions"),
        "conversions_from_revenue" => texts.t("kpis.warning_action.conversions_from_revenue"),
        "holdout_arm_units" => texts.t("kpis.warning_action.holdout_arm_units"),
        "holdout_users" => texts.t("kpis.warning_action.holdout_users"),
        "cluster_targets_differ" => texts.t("kpis.warning_action.cluster_targets_differ"),
        _ => texts.t("kpis.warning_action.other"),
    }
}

/// Words why a KPI is undefined, in the language of `texts`.
pub fn undefined_text(reason: &Undefined, texts: &Texts) -> String {
    let lines = reason
        .lines
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    match reason.code.as_str() {
        "zero_denominator" => texts.fill(
            "kpis.undefined.zero_denominator",
            &[("column", &reason.column)],
        ),
        "missing_value" => texts.fill(
            "kpis.undefined.missing_value",
            &[("column", &reason.column), ("lines", &lines)],
        ),
        "not_positive" => texts.t("kpis.undefined.not_positive").to_string(),
        "needs_column" => texts.fill("kpis.undefined.needs_column", &[("column", &reason.column)]),
        other => other.to_string(),
    }
}

/// Returns the KPI named `kpi` in `values`.
pub fn find_kpi<'a>(values: &'a [KpiValue], kpi: &str) -> Option<&'a KpiValue> {
    values.iter().find(|value| value.kpi == kpi)
}
