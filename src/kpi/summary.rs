//! The terminal table of `liftlab kpis`: per row its KPIs, the adjusted KPIs with their
//! intervals and the verdicts, then the total, the intent clusters, the KPIs left out and the
//! warnings.

use std::fmt::Write;

use super::analysis::{undefined_text, warning_text};
use super::schema::{KpiInterval, KpiValue, KpisReport, RowKpis};
use super::verdict::verdict_text;
use crate::i18n::Texts;

/// Smallest width of the KPI name column, in characters.
const MIN_NAME_WIDTH: usize = 26;

/// Returns the display name of a KPI.
pub fn kpi_name(kpi: &str, texts: &Texts) -> String {
    let key = match kpi {
        "cpl" => "kpis.name.cpl",
        "cpl_q" => "kpis.name.cpl_q",
        "conversion_rate" => "kpis.name.conversion_rate",
        "cac" => "kpis.name.cac",
        "lead_to_customer_rate" => "kpis.name.lead_to_customer_rate",
        "ltv" => "kpis.name.ltv",
        "ltv_to_cac" => "kpis.name.ltv_to_cac",
        "payback_months" => "kpis.name.payback_months",
        "roas" => "kpis.name.roas",
        "poas" => "kpis.name.poas",
        "break_even_roas" => "kpis.name.break_even_roas",
        "reported_roas" => "kpis.name.reported_roas",
        "reported_cpa" => "kpis.name.reported_cpa",
        "cost_per_opportunity" => "kpis.name.cost_per_opportunity",
        "avg_time_on_site_s" => "kpis.name.avg_time_on_site_s",
        "avg_scroll_depth" => "kpis.name.avg_scroll_depth",
        "micro_conversions_per_visitor" => "kpis.name.micro_conversions_per_visitor",
        "value_per_visitor" => "kpis.name.value_per_visitor",
        "incrementality_factor" => "kpis.name.incrementality_factor",
        "incrementality_factor_revenue" => "kpis.name.incrementality_factor_revenue",
        "incremental_conversions" => "kpis.name.incremental_conversions",
        "incremental_revenue" => "kpis.name.incremental_revenue",
        "incremental_cpa" => "kpis.name.incremental_cpa",
        "incremental_cac" => "kpis.name.incremental_cac",
        "iroas" => "kpis.name.iroas",
        "incremental_poas" => "kpis.name.incremental_poas",
        "adjusted_ltv_to_cac" => "kpis.name.adjusted_ltv_to_cac",
        "adjusted_cpl_q" => "kpis.name.adjusted_cpl_q",
        "relative_lift" => "kpis.name.relative_lift",
        other => return other.to_string(),
    };
    texts.t(key).to_string()
}

/// Formats a number in the way its unit reads best.
pub fn format_value(value: f64, unit: &str, texts: &Texts) -> String {
    match unit {
        "fraction" => texts.percent(value, 2),
        unit if unit.starts_with("fraction of") => texts.number(value, 2),
        "ratio" => texts.number(value, 2),
        "months" => texts.number(value, 1),
        "seconds per visitor" => texts.number(value, 0),
        unit if unit.contains("per currency unit") => texts.number(value, 2),
        unit if unit.contains("per visitor") => texts.number(value, 3),
        _ => texts.amount(value),
    }
}

fn format_interval(interval: &KpiInterval, unit: &str, texts: &Texts) -> String {
    let end = |value: Option<f64>| match value {
        Some(value) => format_value(value, unit, texts),
        None => texts.t("kpis.summary.unbounded").to_string(),
    };
    texts.fill(
        "kpis.summary.interval",
        &[
            ("level", &texts.percent(interval.level, 0)),
            ("lower", &end(interval.lower)),
            ("upper", &end(interval.upper)),
        ],
    )
}

fn kpi_line(out: &mut String, value: &KpiValue, width: usize, texts: &Texts) {
    let name = kpi_name(&value.kpi, texts);
    let formatted = match (&value.point, &value.undefined) {
        (Some(point), _) => format_value(*point, &value.unit, texts),
        (None, Some(reason)) => format!(
            "{} ({})",
            texts.t("common.undefined"),
            undefined_text(reason, texts)
        ),
        (None, None) => texts.t("common.undefined").to_string(),
    };
    let interval = value
        .interval
        .as_ref()
        .map(|interval| format!("   {}", format_interval(interval, &value.unit, texts)))
        .unwrap_or_default();
    let _ = writeln!(out, "  {name:<width$} {formatted}{interval}");
}

fn row_block(out: &mut String, row: &RowKpis, width: usize, texts: &Texts) {
    let heading = match (row.line, &row.period_start, &row.period_end) {
        (Some(line), Some(start), Some(end)) => texts.fill(
            "kpis.summary.row_heading_period",
            &[
                ("label", &row.label),
                ("line", &line),
                ("start", start),
                ("end", end),
            ],
        ),
        (Some(line), _, _) => texts.fill(
            "kpis.summary.row_heading",
            &[("label", &row.label), ("line", &line)],
        ),
        _ => texts.t("kpis.summary.total_heading").to_string(),
    };
    let _ = writeln!(out, "{heading}");
    for value in &row.kpis {
        kpi_line(out, value, width, texts);
    }
    if !row.adjusted.is_empty() {
        let _ = writeln!(out, "  {}", texts.t("kpis.summary.adjusted_heading"));
        for value in &row.adjusted {
            kpi_line(out, value, width, texts);
        }
    }
    for verdict in &row.verdicts {
        let _ = writeln!(out, "  → {}", verdict_text(verdict, texts));
    }
    let _ = writeln!(out);
}

/// Renders the terminal summary of `report` in the language of `texts`.
pub fn kpis_summary(report: &KpisReport, texts: &Texts) -> String {
    let mut out = String::new();
    let funnel = report
        .inputs
        .first()
        .map(|input| input.path.as_str())
        .unwrap_or("");
    let _ = writeln!(
        out,
        "{}",
        texts.fill("kpis.summary.title", &[("funnel", &funnel)])
    );
    for link in &report.lifts {
        let _ = writeln!(
            out,
            "{}",
            texts.fill(
                "kpis.summary.lift_line",
                &[
                    ("channel", &link.channel),
                    ("title", &link.title),
                    ("path", &link.report.path),
                    ("draws", &texts.number(link.draws as f64, 0)),
                ],
            )
        );
    }
    let _ = writeln!(out);

    // One name column wide enough for every KPI name shown, in this language.
    let width = report
        .rows
        .iter()
        .chain(std::iter::once(&report.total))
        .flat_map(|row| row.kpis.iter().chain(&row.adjusted))
        .map(|value| kpi_name(&value.kpi, texts).chars().count())
        .chain(
            report
                .clusters
                .iter()
                .map(|cluster| cluster.cluster.chars().count()),
        )
        .max()
        .unwrap_or(0)
        .max(MIN_NAME_WIDTH);
    for row in &report.rows {
        row_block(&mut out, row, width, texts);
    }
    row_block(&mut out, &report.total, width, texts);

    if !report.clusters.is_empty() {
        let _ = writeln!(out, "{}", texts.t("kpis.summary.clusters_heading"));
        for cluster in &report.clusters {
            let rate = cluster.conversion_rate.point.map_or_else(
                || texts.t("common.undefined").to_string(),
                |rate| texts.percent(rate, 2),
            );
            let target = match (cluster.target, cluster.meets_target) {
                (Some(target), Some(true)) => texts.fill(
                    "kpis.summary.cluster_meets",
                    &[("target", &texts.percent(target, 2))],
                ),
                (Some(target), _) => texts.fill(
                    "kpis.summary.cluster_misses",
                    &[("target", &texts.percent(target, 2))],
                ),
                (None, _) => texts.t("kpis.summary.cluster_no_target").to_string(),
            };
            let _ = writeln!(out, "  {:<width$} {rate}   {target}", cluster.cluster);
        }
        let _ = writeln!(out);
    }
    for item in &report.left_out {
        let _ = writeln!(
            out,
            "{}: {}",
            texts.t("common.note"),
            texts.fill(
                "kpis.summary.left_out",
                &[
                    ("kpi", &kpi_name(&item.kpi, texts)),
                    ("columns", &item.missing_columns.join(", ")),
                ],
            )
        );
    }
    for warning in &report.warnings {
        let _ = writeln!(
            out,
            "{}: {}",
            texts.t("common.warning"),
            warning_text(warning, texts)
        );
    }
    out.trim_end().to_string()
}
