//! The terminal summary of a holdout report: one table per treatment arm.

use super::holdout_schema::{Comparison, HoldoutReport};
use super::schema::{Estimate, VerdictKind};
use super::summary::format_percent;

/// Returns the terminal summary of `report`: arm sizes and the sample-ratio check, then per
/// treatment arm a row per metric with means, lift and interval, CUPED and verdict.
pub fn holdout_summary(report: &HoldoutReport) -> String {
    let mut lines = vec![report.title.clone()];
    let arms: Vec<String> = report
        .data
        .arms
        .iter()
        .map(|arm| format!("{} {}", arm.label, group_thousands(arm.units)))
        .collect();
    lines.push(format!(
        "Units: {} · sample-ratio check p = {:.3}{}",
        arms.join(", "),
        report.srm.p_value,
        if report.srm.mismatch {
            " (MISMATCH)"
        } else {
            ""
        }
    ));

    for treatment in &report.parameters.treatments {
        lines.push(String::new());
        lines.push(format!("{treatment} vs {}", report.parameters.control));
        let rows: Vec<[String; 6]> = report
            .comparisons
            .iter()
            .filter(|comparison| &comparison.treatment == treatment)
            .map(comparison_row)
            .collect();
        let header = [
            "metric".to_string(),
            "control".to_string(),
            "treatment".to_string(),
            "lift".to_string(),
            format!("{:.0}% CI", report.parameters.level * 100.0),
            "verdict".to_string(),
        ];
        let mut widths = [0usize; 6];
        for row in std::iter::once(&header).chain(&rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&header).chain(&rows) {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            lines.push(format!("  {}", cells.join("  ").trim_end()));
        }
        for comparison in report
            .comparisons
            .iter()
            .filter(|comparison| &comparison.treatment == treatment)
        {
            if let Some(cuped) = &comparison.cuped {
                lines.push(format!(
                    "  CUPED {}: lift {} (variance {} by the covariate, {} expected)",
                    comparison.metric,
                    relative_text(&cuped.relative_lift),
                    reduction_text(cuped.variance_reduction),
                    reduction_text(cuped.expected_variance_reduction)
                ));
            }
        }
    }

    if !report.warnings.is_empty() {
        lines.push(String::new());
        lines.push("Warnings:".to_string());
        for warning in &report.warnings {
            lines.push(format!("  - {}", warning.message));
        }
    }
    lines.join("\n")
}

fn comparison_row(comparison: &Comparison) -> [String; 6] {
    let relative = &comparison.relative_lift;
    let interval = relative
        .interval
        .as_ref()
        .map(|interval| {
            format!(
                "{} to {}",
                format_percent(interval.lower),
                format_percent(interval.upper)
            )
        })
        .unwrap_or_else(|| "–".to_string());
    let verdict = match comparison.verdict.kind {
        VerdictKind::Positive => "positive",
        VerdictKind::Negative => "negative",
        VerdictKind::Inconclusive => "inconclusive",
    };
    [
        comparison.metric.clone(),
        format_value(comparison.control_mean),
        format_value(comparison.treatment_mean),
        relative_text(relative),
        interval,
        verdict.to_string(),
    ]
}

fn relative_text(estimate: &Estimate) -> String {
    match estimate.point {
        Some(point) => format_percent(point),
        None => "undefined".to_string(),
    }
}

fn reduction_text(fraction: f64) -> String {
    if fraction >= 0.0 {
        format!("−{:.1}%", fraction * 100.0)
    } else {
        format!("+{:.1}%", -fraction * 100.0)
    }
}

/// Formats a mean or rate with four significant digits.
fn format_value(value: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    let digits = (3 - value.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{value:.digits$}")
}

fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_four_significant_digits() {
        assert_eq!(format_value(0.106_17), "0.1062");
        assert_eq!(format_value(1.0424), "1.042");
        assert_eq!(format_value(1234.5), "1234");
        assert_eq!(format_value(0.0), "0");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(21_306), "21,306");
        assert_eq!(group_thousands(999), "999");
    }
}
