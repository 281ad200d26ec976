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
            estimate_text(&estimates.relative_lift, NumberKind::Percent),
        )),
        Some((
            format!("Incremental {kpi}"),
            estimate_text(&estimates.incremental, NumberKind::Amount),
        )),
        Some((
            "Per geo per day (ATT)".to_string(),
            estimate_text(&estimates.att, NumberKind::Amount),
        )),
        estimates
            .incremental_spend
            .map(|spend| ("Incremental spend".to_string(), format_amount(spend))),
        estimates
            .iroas
            .as_ref()
            .map(|iroas| ("iROAS".to_string(), estimate_text(iroas, NumberKind::Ratio))),
        estimates.cost_per_incremental.as_ref().map(|cost| {
            (
                format!("Cost per incremental {kpi}"),
                estimate_text(cost, NumberKind::Ratio),
            )
        }),
        Some((
            "Placebo p-value".to_string(),
            match report.inference.placebo.p_value {
                Some(p_value) => format!(
                    "{p_value:.3} ({} placebo sets)",
                    report.inference.placebo.sets_run
                ),
                None => "not available (no placebo set could be run)".to_string(),
            },
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

/// Number format of an estimate's point and interval.
#[derive(Clone, Copy)]
enum NumberKind {
    Percent,
    Amount,
    Ratio,
}

/// Formats an estimate as `point   90% CI lower to upper (method)`. Amounts share one
/// precision within the line, chosen from the largest of them.
fn estimate_text(estimate: &Estimate, kind: NumberKind) -> String {
    let Some(point) = estimate.point else {
        return format!(
            "undefined: {}",
            estimate.undefined_reason.as_deref().unwrap_or("no value")
        );
    };
    let largest = estimate
        .interval
        .iter()
        .flat_map(|interval| [interval.lower.abs(), interval.upper.abs()])
        .fold(point.abs(), f64::max);
    let format = |value: f64| -> String {
        match kind {
            NumberKind::Percent => format_percent(value),
            NumberKind::Amount => format_amount_like(value, largest),
            NumberKind::Ratio => format_ratio(value),
        }
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
    format_amount_like(value, value.abs())
}

/// Formats `value` as [`format_amount`] would format an amount of size `scale`.
fn format_amount_like(value: f64, scale: f64) -> String {
    if scale < 100.0 {
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
