//! The terminal summary of a geo design: the top designs as a table, the recommendation, the
//! A/A check, the assignment's balance and the warnings, in the language of `texts`.

use super::schema::{DesignResult, GeoDesignReport};
use crate::i18n::Texts;

/// Returns the summary of `report` showing its first `top` designs.
pub fn design_summary(report: &GeoDesignReport, texts: &Texts, top: usize) -> String {
    let mut lines = vec![texts.t("design_geo.title").to_string()];
    lines.extend(overview_lines(report, texts));
    lines.push(String::new());

    // The table of the top designs.
    let mut rows: Vec<Vec<String>> = vec![table_header(texts)];
    for design in report.designs.iter().take(top) {
        rows.push(table_row(design, texts));
    }
    lines.extend(render_table(&rows));
    lines.extend(shown_line(report, texts, top));
    lines.push(texts.t("design_geo.summary.ranking").to_string());
    lines.push(String::new());

    lines.extend(recommendation_lines(report, texts));
    lines.extend(check_lines(report, texts));
    for message in warning_messages(report, texts) {
        lines.push(format!("{}: {message}", texts.t("common.warning")));
    }
    lines.join("\n")
}

/// Returns the lines on the data and the settings of the search.
pub(crate) fn overview_lines(report: &GeoDesignReport, texts: &Texts) -> Vec<String> {
    let mut lines = Vec::new();
    let data = &report.data;
    let parameters = &report.parameters;
    lines.push(texts.fill(
        "design_geo.summary.data",
        &[
            ("geos", &data.geos),
            ("days", &data.days),
            ("first", &data.first_date),
            ("last", &data.last_date),
            ("selection", &data.selection_days),
            ("held_out", &data.held_out_days),
        ],
    ));
    lines.push(texts.fill(
        "design_geo.summary.settings",
        &[
            ("power", &texts.percent(parameters.power, 0)),
            ("level", &texts.percent(parameters.level, 0)),
            ("estimator", &parameters.estimator),
            ("placebo_sets", &parameters.placebo_sets),
            ("assignment", &parameters.assignment),
        ],
    ));
    lines
}

/// Returns the column headings of the designs table.
pub(crate) fn table_header(texts: &Texts) -> Vec<String> {
    [
        texts.t("design_geo.table.rank"),
        texts.t("design_geo.table.geos"),
        texts.t("design_geo.table.days"),
        texts.t("design_geo.table.windows"),
        texts.t("design_geo.table.mde"),
        texts.t("design_geo.table.power"),
        texts.t("design_geo.table.budget"),
        texts.t("design_geo.table.share"),
        texts.t("design_geo.table.fit_error"),
    ]
    .iter()
    .map(|heading| heading.to_string())
    .collect()
}

/// Returns the note on how many designs the table leaves out, if any.
pub(crate) fn shown_line(report: &GeoDesignReport, texts: &Texts, top: usize) -> Option<String> {
    let shown = report.designs.len().min(top);
    if report.designs_over_budget > 0 {
        Some(texts.fill(
            "design_geo.summary.more_over_budget",
            &[
                ("shown", &shown),
                ("total", &report.designs.len()),
                ("over_budget", &report.designs_over_budget),
            ],
        ))
    } else if report.designs.len() > shown {
        Some(texts.fill(
            "design_geo.summary.more",
            &[("shown", &shown), ("total", &report.designs.len())],
        ))
    } else {
        None
    }
}

/// Returns the recommendation: the treated geos, duration, MDE, incremental KPI and budget.
pub(crate) fn recommendation_lines(report: &GeoDesignReport, texts: &Texts) -> Vec<String> {
    let mut lines = Vec::new();
    let best = &report.recommended;
    let mde = best.mde.map_or_else(
        || texts.t("common.undefined").to_string(),
        |m| texts.percent(m, 1),
    );
    lines.push(texts.fill(
        "design_geo.summary.recommended",
        &[
            ("geos", &best.treated_geos.join(", ")),
            ("days", &best.duration_days),
            ("mde", &mde),
        ],
    ));
    if let Some(design) = report.designs.first() {
        if let Some(incremental) = design.incremental_kpi_at_mde {
            lines.push(texts.fill(
                "design_geo.summary.incremental",
                &[
                    ("incremental", &texts.number(incremental, 0)),
                    ("expected", &texts.number(design.expected_kpi, 0)),
                ],
            ));
        }
        if let Some(budget) = design.budget {
            let text = if (budget.high - budget.low).abs() < 1e-9 {
                texts.fill(
                    "design_geo.summary.budget",
                    &[("budget", &texts.amount(budget.low))],
                )
            } else {
                texts.fill(
                    "design_geo.summary.budget_range",
                    &[
                        ("low", &texts.amount(budget.low)),
                        ("high", &texts.amount(budget.high)),
                    ],
                )
            };
            lines.push(text);
        }
    }
    lines
}

/// Returns the lines of the A/A check and the assignment's balance.
pub(crate) fn check_lines(report: &GeoDesignReport, texts: &Texts) -> Vec<String> {
    let mut lines = Vec::new();
    let aa = &report.aa_check;
    match (aa.coverage, aa.false_positive_rate) {
        (Some(coverage), Some(rate)) => lines.push(texts.fill(
            "design_geo.summary.aa",
            &[
                ("windows", &aa.windows),
                ("coverage", &texts.percent(coverage, 0)),
                ("expected_coverage", &texts.percent(aa.expected_coverage, 0)),
                ("rate", &texts.percent(rate, 0)),
                ("alpha", &texts.percent(aa.expected_false_positive_rate, 0)),
            ],
        )),
        _ => lines.push(texts.t("design_geo.summary.aa_none").to_string()),
    }
    if let Some(power) = aa.power_at_mde {
        lines.push(texts.fill(
            "design_geo.summary.aa_power",
            &[
                ("power", &texts.percent(power, 0)),
                ("target", &texts.percent(report.parameters.power, 0)),
            ],
        ));
        if power < report.parameters.power {
            lines.push(texts.t("design_geo.summary.aa_power_low").to_string());
        }
    }
    let balance = &report.assignment.balance;
    let difference = balance
        .matched_standardized_mean_difference
        .unwrap_or(balance.standardized_mean_difference);
    let verdict = if balance.balanced {
        texts.t("design_geo.summary.balanced")
    } else {
        texts.t("design_geo.summary.unbalanced")
    };
    lines.push(texts.fill(
        "design_geo.summary.balance",
        &[
            ("method", &report.assignment.method),
            ("smd", &texts.plain(difference, 2)),
            ("verdict", &verdict),
        ],
    ));
    lines
}

/// Returns each warning of `report` in the language of `texts`.
pub(crate) fn warning_messages(report: &GeoDesignReport, texts: &Texts) -> Vec<String> {
    let aa = &report.aa_check;
    let balance = &report.assignment.balance;
    let difference = balance
        .matched_standardized_mean_difference
        .unwrap_or(balance.standardized_mean_difference);
    let mut messages = Vec::new();
    for warning in &report.warnings {
        let message = match warning.code.as_str() {
            "unbalanced_assignment" => texts.fill(
                "design_geo.warning.unbalanced_assignment",
                &[
                    ("smd", &texts.plain(difference, 2)),
                    ("threshold", &texts.plain(balance.threshold, 2)),
                ],
            ),
            "aa_false_positives" => texts.fill(
                "design_geo.warning.aa_false_positives",
                &[
                    (
                        "rate",
                        &texts.percent(aa.false_positive_rate.unwrap_or(0.0), 0),
                    ),
                    ("windows", &aa.windows),
                    ("alpha", &texts.percent(aa.expected_false_positive_rate, 0)),
                ],
            ),
            _ => crate::report::localize::warning_message(warning, texts),
        };
        messages.push(message);
    }
    messages
}

/// Returns the cells of one row of the designs table.
pub(crate) fn table_row(design: &DesignResult, texts: &Texts) -> Vec<String> {
    let undefined = || texts.t("common.undefined").to_string();
    let power = match (design.power_at_mde, design.power_at_mde_standard_error) {
        (Some(power), Some(error)) => {
            format!("{} ± {}", texts.percent(power, 0), texts.percent(error, 0))
        }
        _ => texts.fill(
            "design_geo.table.power_at_max",
            &[("power", &texts.percent(design.power_at_max_effect, 0))],
        ),
    };
    let budget = match design.budget {
        Some(budget) if (budget.high - budget.low).abs() < 1e-9 => texts.amount(budget.low),
        Some(budget) => format!(
            "{} – {}",
            texts.amount(budget.low),
            texts.amount(budget.high)
        ),
        None => design.incremental_kpi_at_mde.map_or_else(undefined, |kpi| {
            texts.fill("design_geo.table.kpi", &[("kpi", &texts.number(kpi, 0))])
        }),
    };
    vec![
        design.rank.to_string(),
        design.treated_geos.join(", "),
        design.duration_days.to_string(),
        design.windows.to_string(),
        design.mde.map_or_else(undefined, |m| texts.percent(m, 1)),
        power,
        budget,
        texts.percent(design.treated_share, 1),
        texts.percent(design.pre_period_relative_error, 1),
    ]
}

/// Lays out rows as columns separated by two spaces, the first row as the header.
fn render_table(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            row.iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        })
        .collect()
}
