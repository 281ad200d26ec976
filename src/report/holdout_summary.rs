//! The terminal summary of a holdout report: one table per treatment arm, in the reader's
//! language.

use super::holdout_schema::{Comparison, HoldoutReport};
use super::localize::verdict_headline;
use super::schema::Estimate;
use super::summary::{level_label, warning_lines};
use crate::i18n::Texts;

/// Returns the terminal summary of `report`: arm sizes and the sample-ratio check, then per
/// treatment arm a row per metric with means, lift and interval, CUPED and verdict.
pub fn holdout_summary(report: &HoldoutReport, texts: &Texts) -> String {
    let mut lines = vec![report.title.clone()];
    let arms: Vec<String> = report
        .data
        .arms
        .iter()
        .map(|arm| format!("{} {}", arm.label, texts.number(arm.units as f64, 0)))
        .collect();
    let arms = arms.join(", ");
    let p_value = format_p(report.srm.p_value, texts);
    let values: [(&str, &dyn std::fmt::Display); 2] = [("arms", &arms), ("p_value", &p_value)];
    lines.push(if report.srm.mismatch {
        texts.fill("holdout.summary.units_mismatch", &values)
    } else {
        texts.fill("holdout.summary.units", &values)
    });

    for treatment in &report.parameters.treatments {
        lines.push(String::new());
        lines.push(texts.fill(
            "holdout.summary.versus",
            &[
                ("treatment", treatment),
                ("control", &report.parameters.control),
            ],
        ));
        let rows: Vec<[String; 7]> = report
            .comparisons
            .iter()
            .filter(|comparison| &comparison.treatment == treatment)
            .map(|comparison| comparison_row(comparison, texts))
            .collect();
        let header = [
            texts.t("holdout.summary.metric").to_string(),
            texts.t("holdout.summary.control").to_string(),
            texts.t("holdout.summary.treatment").to_string(),
            texts.t("holdout.summary.difference").to_string(),
            texts.t("holdout.summary.lift").to_string(),
            texts.fill(
                "holdout.summary.interval_of_lift",
                &[("level", &level_label(report.parameters.level, texts))],
            ),
            texts.t("holdout.summary.verdict").to_string(),
        ];
        let mut widths = [0usize; 7];
        for row in std::iter::once(&header).chain(&rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&header).chain(&rows) {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| {
                    let pad = width - cell.chars().count();
                    format!("{cell}{}", " ".repeat(pad))
                })
                .collect();
            lines.push(format!("  {}", cells.join("  ").trim_end()));
        }
        for comparison in report
            .comparisons
            .iter()
            .filter(|comparison| &comparison.treatment == treatment)
        {
            if let Some(cuped) = &comparison.cuped {
                let interval = interval_text(&cuped.relative_lift, texts)
                    .map(|text| {
                        texts.fill("holdout.summary.cuped_interval", &[("interval", &text)])
                    })
                    .unwrap_or_default();
                lines.push(texts.fill(
                    "holdout.summary.cuped",
                    &[
                        ("metric", &comparison.metric),
                        ("lift", &relative_text(&cuped.relative_lift, texts)),
                        ("interval", &interval),
                        (
                            "reduction",
                            &reduction_text(cuped.variance_reduction, texts),
                        ),
                        (
                            "expected",
                            &texts.percent(cuped.expected_variance_reduction, 1),
                        ),
                    ],
                ));
            }
        }
    }

    lines.extend(warning_lines(&report.warnings, texts));
    lines.join("\n")
}

fn comparison_row(comparison: &Comparison, texts: &Texts) -> [String; 7] {
    let relative = &comparison.relative_lift;
    let interval = interval_text(relative, texts).unwrap_or_else(|| "–".to_string());
    let undefined = || texts.t("common.undefined").to_string();
    let difference = comparison
        .absolute_lift
        .point
        .map(|point| {
            let text = format_value(point, texts);
            if point >= 0.0 {
                format!("+{text}")
            } else {
                text
            }
        })
        .unwrap_or_else(undefined);
    let value =
        |value: Option<f64>| value.map_or_else(undefined, |value| format_value(value, texts));
    [
        comparison.metric.clone(),
        value(comparison.control_mean),
        value(comparison.treatment_mean),
        difference,
        relative_text(relative, texts),
        interval,
        verdict_headline(&comparison.verdict, texts),
    ]
}

fn interval_text(estimate: &Estimate, texts: &Texts) -> Option<String> {
    let interval = estimate.interval.as_ref()?;
    Some(texts.fill(
        "holdout.summary.range",
        &[
            ("lower", &texts.signed_percent(interval.lower, 1)),
            ("upper", &texts.signed_percent(interval.upper, 1)),
        ],
    ))
}

/// Formats a p-value as `= 0.123` or `< 0.001`.
fn format_p(p_value: f64, texts: &Texts) -> String {
    if p_value < 0.001 {
        format!("< {}", texts.plain(0.001, 3))
    } else {
        format!("= {}", texts.plain(p_value, 3))
    }
}

fn relative_text(estimate: &Estimate, texts: &Texts) -> String {
    match estimate.point {
        Some(point) => texts.signed_percent(point, 1),
        None => texts.t("common.undefined").to_string(),
    }
}

/// Describes the variance reduction achieved by the covariate.
fn reduction_text(fraction: f64, texts: &Texts) -> String {
    let rounded = (fraction * 1000.0).round() / 1000.0;
    if rounded > 0.0 {
        texts.fill(
            "holdout.summary.variance_cut",
            &[("percent", &texts.percent(rounded, 1))],
        )
    } else if rounded < 0.0 {
        texts.fill(
            "holdout.summary.variance_raised",
            &[("percent", &texts.percent(-rounded, 1))],
        )
    } else {
        texts.t("holdout.summary.variance_unchanged").to_string()
    }
}

/// Formats a mean or rate with four significant digits.
fn format_value(value: f64, texts: &Texts) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    let digits = (3 - value.abs().log10().floor() as i32).clamp(0, 6) as usize;
    texts.plain(value, digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn values_keep_four_significant_digits() {
        let english = Lang::En.texts();
        assert_eq!(format_value(0.106_17, english), "0.1062");
        assert_eq!(format_value(1.0424, english), "1.042");
        assert_eq!(format_value(1234.5, english), "1234");
        assert_eq!(format_value(0.0, english), "0");
        assert_eq!(format_value(1.0424, Lang::Nl.texts()), "1,042");
    }

    #[test]
    fn small_p_values_are_bounded() {
        assert_eq!(format_p(0.0, Lang::En.texts()), "< 0.001");
        assert_eq!(format_p(0.9041, Lang::Nl.texts()), "= 0,904");
    }
}
