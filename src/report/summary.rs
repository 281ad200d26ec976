//! The short terminal summary of a geo report.

use super::schema::{Estimate, GeoReport, VerdictKind};

/// Returns the terminal summary of `report`: lift, incremental KPI, intervals, p-value,
/// pre-period fit, verdict and warnings.
pub fn geo_summary(report: &GeoReport) -> String {
    let estimates = &report.estimates;
    let kpi = &report.parameters.kpi_col;
    let mut lines = Vec::new();

    lines.push(report.title.clone());
    lines.push(format!(
        "{} · {} pre-period days, {} test days · {} treated, {} control geos",
        estimator_label(&report.parameters.estimator, report.parameters.intercept),
        report.data.pre_period_days,
        report.data.test_days,
        report.data.treated_geos.len(),
        report.data.control_geos.len(),
    ));
    lines.push(String::new());

    let rows: Vec<(String, String)> = [
        Some((
            "Lift".to_string(),
            estimate_text(&estimates.relative_lift, format_percent),
        )),
        Some((
            format!("Incremental {kpi}"),
            estimate_text(&estimates.incremental, format_amount),
        )),
        Some((
            "Per geo per day (ATT)".to_string(),
            estimate_text(&estimates.att, format_amount),
        )),
        estimates
            .incremental_spend
            .map(|spend| ("Incremental spend".to_string(), format_amount(spend))),
        estimates
            .iroas
            .as_ref()
            .map(|iroas| ("iROAS".to_string(), estimate_text(iroas, format_ratio))),
        estimates.cost_per_incremental.as_ref().map(|cost| {
            (
                format!("Cost per incremental {kpi}"),
                estimate_text(cost, format_ratio),
            )
        }),
        Some((
            "Placebo p-value".to_string(),
            format!(
                "{:.3} ({} control sets)",
                report.inference.placebo.p_value, report.inference.placebo.sets_run
            ),
        )),
        Some((
            "Pre-period fit".to_string(),
            format!(
                "R² {:.3}{}",
                report.diagnostics.pre_r_squared,
                report
                    .diagnostics
                    .pre_mape
                    .map(|mape| format!(", MAPE {:.1}%", mape * 100.0))
                    .unwrap_or_default()
            ),
        )),
    ]
    .into_iter()
    .flatten()
    .collect();
    let width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    for (label, value) in rows {
        lines.push(format!("  {label:<width$}  {value}"));
    }

    lines.push(String::new());
    let verdict = match report.verdict.kind {
        VerdictKind::Positive => "POSITIVE",
        VerdictKind::Negative => "NEGATIVE",
        VerdictKind::Inconclusive => "INCONCLUSIVE",
    };
    lines.push(format!("Verdict: {verdict}: {}", report.verdict.reason));
    if !report.warnings.is_empty() {
        lines.push(String::new());
        lines.push("Warnings:".to_string());
        for warning in &report.warnings {
            lines.push(format!("  - {}", warning.message));
        }
    }
    lines.join("\n")
}

fn estimator_label(estimator: &str, intercept: bool) -> String {
    match (estimator, intercept) {
        ("synth", true) => "Synthetic control with intercept".to_string(),
        ("synth", false) => "Synthetic control without intercept".to_string(),
        ("tbr", _) => "Time-based regression".to_string(),
        ("did", _) => "Difference in differences".to_string(),
        (other, _) => other.to_string(),
    }
}

/// Formats an estimate as `point   90% CI lower to upper (method)`.
fn estimate_text(estimate: &Estimate, format: fn(f64) -> String) -> String {
    let Some(point) = estimate.point else {
        return format!(
            "undefined: {}",
            estimate.undefined_reason.as_deref().unwrap_or("no value")
        );
    };
    match &estimate.interval {
        Some(interval) => format!(
            "{}   {:.0}% CI {} to {} ({})",
            format(point),
            interval.level * 100.0,
            format(interval.lower),
            format(interval.upper),
            method_label(&interval.method)
        ),
        None => format!(
            "{}   ({})",
            format(point),
            estimate.interval_note.as_deref().unwrap_or("no interval")
        ),
    }
}

fn method_label(method: &str) -> &str {
    match method {
        "placebo_path_bootstrap_bca" => "BCa placebo-path bootstrap",
        "placebo_path_bootstrap_percentile" => "percentile placebo-path bootstrap",
        "block_bootstrap_bca" => "BCa block bootstrap",
        "block_bootstrap_percentile" => "percentile block bootstrap",
        "tbr_analytic_t" => "TBR analytic t",
        other => other,
    }
}

/// Formats a fraction as a signed percentage with one decimal, e.g. `+4.2%`.
pub fn format_percent(fraction: f64) -> String {
    format!("{:+.1}%", fraction * 100.0)
}

/// Formats an amount with a sign and thousands separators, without decimals from 100 on.
pub fn format_amount(value: f64) -> String {
    if value.abs() < 100.0 {
        return format!("{value:+.2}");
    }
    let rounded = value.abs().round() as u64;
    let digits = rounded.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{}{grouped}", if value < 0.0 { "-" } else { "+" })
}

fn format_ratio(value: f64) -> String {
    format!("{value:.3}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_group_thousands() {
        assert_eq!(format_amount(4513.4), "+4,513");
        assert_eq!(format_amount(-1234567.0), "-1,234,567");
        assert_eq!(format_amount(12.345), "+12.35");
        assert_eq!(format_amount(100.0), "+100");
    }

    #[test]
    fn percent_has_sign() {
        assert_eq!(format_percent(0.0421), "+4.2%");
        assert_eq!(format_percent(-0.1), "-10.0%");
    }
}
