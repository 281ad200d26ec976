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
        "Units: {} · sample-ratio check p {}{}",
        arms.join(", "),
        format_p(report.srm.p_value),
        if report.srm.mismatch {
            " (MISMATCH)"
        } else {
            ""
        }
    ));

    for treatment in &report.parameters.treatments {
        lines.push(String::new());
        lines.push(format!("{treatment} vs {}", report.parameters.control));
        let rows: Vec<[String; 7]> = report
            .comparisons
            .iter()
            .filter(|comparison| &comparison.treatment == treatment)
            .map(comparison_row)
            .collect();
        let header = [
            "metric".to_string(),
            "control".to_string(),
            "treatment".to_string(),
            "difference".to_string(),
            "lift".to_string(),
            format!("{} CI of lift", level_label(report.parameters.level)),
            "verdict".to_string(),
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
                    "  CUPED {}: lift {}{}; the covariate {} (ρ² = {:.1}%)",
                    comparison.metric,
                    relative_text(&cuped.relative_lift),
                    interval_text(&cuped.relative_lift)
                        .map(|text| format!(", CI {text}"))
                        .unwrap_or_default(),
                    reduction_text(cuped.variance_reduction),
                    cuped.expected_variance_reduction * 100.0
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

fn comparison_row(comparison: &Comparison) -> [String; 7] {
    let relative = &comparison.relative_lift;
    let interval = interval_text(relative).unwrap_or_else(|| "–".to_string());
    let difference = comparison
        .absolute_lift
        .point
        .map(|point| {
            let text = format_value(point);
            if point >= 0.0 {
                format!("+{text}")
            } else {
                text
            }
        })
        .unwrap_or_else(|| "undefined".to_string());
    let verdict = match comparison.verdict.kind {
        VerdictKind::Positive => "positive",
        VerdictKind::Negative => "negative",
        VerdictKind::Inconclusive => "inconclusive",
    };
    let value = |value: Option<f64>| value.map_or_else(|| "undefined".to_string(), format_value);
    [
        comparison.metric.clone(),
        value(comparison.control_mean),
        value(comparison.treatment_mean),
        difference,
        relative_text(relative),
        interval,
        verdict.to_string(),
    ]
}

fn interval_text(estimate: &Estimate) -> Option<String> {
    let interval = estimate.interval.as_ref()?;
    Some(format!(
        "{} to {}",
        format_percent(interval.lower),
        format_percent(interval.upper)
    ))
}

/// Formats a confidence level without rounding 0.995 up to 100%.
fn level_label(level: f64) -> String {
    let percent = level * 100.0;
    if (percent - percent.round()).abs() < 1e-9 {
        format!("{percent:.0}%")
    } else {
        format!("{}%", (percent * 10.0).round() / 10.0)
    }
}

/// Formats a p-value as `= 0.123` or `< 0.001`.
fn format_p(p_value: f64) -> String {
    if p_value < 0.001 {
        "< 0.001".to_string()
    } else {
        format!("= {p_value:.3}")
    }
}

fn relative_text(estimate: &Estimate) -> String {
    match estimate.point {
        Some(point) => format_percent(point),
        None => "undefined".to_string(),
    }
}

/// Describes the variance reduction achieved by the covariate.
fn reduction_text(fraction: f64) -> String {
    let percent = (fraction * 1000.0).round() / 10.0;
    if percent > 0.0 {
        format!("cut the variance of the lift by {percent:.1}%")
    } else if percent < 0.0 {
        format!("raised the variance of the lift by {:.1}%", -percent)
    } else {
        "left the variance of the lift unchanged".to_string()
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
    fn level_keeps_its_decimal() {
        assert_eq!(level_label(0.95), "95%");
        assert_eq!(level_label(0.995), "99.5%");
    }

    #[test]
    fn small_p_values_are_bounded() {
        assert_eq!(format_p(0.0), "< 0.001");
        assert_eq!(format_p(0.9041), "= 0.904");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(21_306), "21,306");
        assert_eq!(group_thousands(999), "999");
    }
}
