//! The short terminal summary of a geo report, in the reader's language.

use super::localize::{verdict_headline, verdict_reason, warning_message};
use super::schema::{Estimate, GeoReport};
use crate::i18n::Texts;

/// Returns the terminal summary of `report`: lift, incremental KPI, intervals, p-value,
/// pre-period fit, verdict and warnings.
pub fn geo_summary(report: &GeoReport, texts: &Texts) -> String {
    let estimates = &report.estimates;
    let kpi = &report.parameters.kpi_col;
    let mut lines = Vec::new();

    lines.push(report.title.clone());
    lines.push(texts.fill(
        "geo.summary.shape",
        &[
            (
                "estimator",
                &estimator_label(
                    &report.parameters.estimator,
                    report.parameters.intercept,
                    texts,
                ),
            ),
            ("pre_days", &report.data.pre_period_days),
            ("test_days", &report.data.test_days),
            ("treated", &report.data.treated_geos.len()),
            ("controls", &report.data.control_geos.len()),
        ],
    ));
    lines.push(String::new());

    let rows: Vec<(String, String)> = [
        Some((
            texts.t("geo.summary.lift").to_string(),
            estimate_text(&estimates.relative_lift, NumberKind::Percent, texts),
        )),
        Some((
            texts.fill("geo.summary.incremental", &[("kpi", kpi)]),
            estimate_text(&estimates.incremental, NumberKind::Amount, texts),
        )),
        Some((
            texts.t("geo.summary.att").to_string(),
            estimate_text(&estimates.att, NumberKind::Amount, texts),
        )),
        estimates.incremental_spend.map(|spend| {
            (
                texts.t("geo.summary.incremental_spend").to_string(),
                signed_amount(spend, spend.abs(), texts),
            )
        }),
        estimates.iroas.as_ref().map(|iroas| {
            (
                "iROAS".to_string(),
                estimate_text(iroas, NumberKind::Ratio, texts),
            )
        }),
        estimates.cost_per_incremental.as_ref().map(|cost| {
            (
                texts.fill("geo.summary.cost_per_incremental", &[("kpi", kpi)]),
                estimate_text(cost, NumberKind::Ratio, texts),
            )
        }),
        Some((
            texts.t("geo.summary.placebo_p").to_string(),
            match report.inference.placebo.p_value {
                Some(p_value) => texts.fill(
                    "geo.summary.placebo_p_value",
                    &[
                        ("p_value", &texts.plain(p_value, 3)),
                        (
                            "sets",
                            &texts.number(report.inference.placebo.sets_run as f64, 0),
                        ),
                    ],
                ),
                None => texts.t("geo.summary.placebo_p_missing").to_string(),
            },
        )),
        Some((
            texts.t("geo.summary.pre_fit").to_string(),
            match report.diagnostics.pre_mape {
                Some(mape) => texts.fill(
                    "geo.summary.pre_fit_value_mape",
                    &[
                        (
                            "r_squared",
                            &texts.plain(report.diagnostics.pre_r_squared, 3),
                        ),
                        ("mape", &texts.percent(mape, 1)),
                    ],
                ),
                None => texts.fill(
                    "geo.summary.pre_fit_value",
                    &[(
                        "r_squared",
                        &texts.plain(report.diagnostics.pre_r_squared, 3),
                    )],
                ),
            },
        )),
    ]
    .into_iter()
    .flatten()
    .collect();
    lines.extend(aligned_rows(&rows));

    lines.push(String::new());
    lines.push(texts.fill(
        "common.summary.verdict",
        &[
            (
                "verdict",
                &verdict_headline(&report.verdict, texts).to_uppercase(),
            ),
            ("reason", &verdict_reason(&report.verdict, texts)),
        ],
    ));
    lines.extend(warning_lines(&report.warnings, texts));
    lines.join("\n")
}

/// Label and value rows with the values aligned.
pub(crate) fn aligned_rows(rows: &[(String, String)]) -> Vec<String> {
    let width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|(label, value)| {
            let pad = width - label.chars().count();
            format!("  {label}{}  {value}", " ".repeat(pad))
        })
        .collect()
}

/// Returns the warnings block of a summary: a blank line, a heading and one line per warning.
/// It is empty when there are none.
pub(crate) fn warning_lines(warnings: &[super::schema::Warning], texts: &Texts) -> Vec<String> {
    if warnings.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        String::new(),
        texts.t("common.summary.warnings").to_string(),
    ];
    for warning in warnings {
        lines.push(format!("  - {}", warning_message(warning, texts)));
    }
    lines
}

fn estimator_label(estimator: &str, intercept: bool, texts: &Texts) -> String {
    match (estimator, intercept) {
        ("synth", true) => texts.t("geo.estimator.synth_intercept").to_string(),
        ("synth", false) => texts.t("geo.estimator.synth").to_string(),
        ("tbr", _) => texts.t("geo.estimator.tbr").to_string(),
        ("did", _) => texts.t("geo.estimator.did").to_string(),
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
fn estimate_text(estimate: &Estimate, kind: NumberKind, texts: &Texts) -> String {
    let Some(point) = estimate.point else {
        // NOTE: the reason an estimate is undefined is stored, and shown, in English only.
        return texts.fill(
            "common.summary.undefined_because",
            &[(
                "reason",
                &estimate.undefined_reason.as_deref().unwrap_or_default(),
            )],
        );
    };
    let largest = estimate
        .interval
        .iter()
        .flat_map(|interval| [interval.lower.abs(), interval.upper.abs()])
        .fold(point.abs(), f64::max);
    let format = |value: f64| -> String {
        match kind {
            NumberKind::Percent => texts.signed_percent(value, 1),
            NumberKind::Amount => signed_amount(value, largest, texts),
            NumberKind::Ratio => texts.plain(value, 3),
        }
    };
    match &estimate.interval {
        Some(interval) => texts.fill(
            "common.summary.estimate_with_interval",
            &[
                ("point", &format(point)),
                ("level", &level_label(interval.level, texts)),
                ("lower", &format(interval.lower)),
                ("upper", &format(interval.upper)),
                ("method", &method_label(&interval.method, texts)),
            ],
        ),
        None => texts.fill(
            "common.summary.estimate_without_interval",
            &[
                ("point", &format(point)),
                (
                    "note",
                    &estimate
                        .interval_note
                        .as_deref()
                        .unwrap_or(texts.t("common.summary.no_interval")),
                ),
            ],
        ),
    }
}

/// The words for an interval method stored in a report.
pub(crate) fn method_label(method: &str, texts: &Texts) -> String {
    match method {
        "placebo_path_bootstrap_bca" => texts.t("geo.method.placebo_path_bca"),
        "placebo_path_bootstrap_percentile" => texts.t("geo.method.placebo_path_percentile"),
        "block_bootstrap_bca" => texts.t("geo.method.block_bca"),
        "block_bootstrap_percentile" => texts.t("geo.method.block_percentile"),
        "tbr_analytic_t" => texts.t("geo.method.tbr_analytic_t"),
        other => other,
    }
    .to_string()
}

/// Formats a confidence level as a percentage, with a decimal only where it has one (99.5%).
pub(crate) fn level_label(level: f64, texts: &Texts) -> String {
    let percent = level * 100.0;
    let decimals = usize::from((percent - percent.round()).abs() > 1e-9);
    texts.percent(level, decimals)
}

/// Formats `value` with a sign as an amount of size `scale` would be formatted: no decimals
/// from 100 on, two below.
pub(crate) fn signed_amount(value: f64, scale: f64, texts: &Texts) -> String {
    let decimals = if scale < 100.0 { 2 } else { 0 };
    let text = texts.number(value, decimals);
    if text.starts_with('-') {
        text
    } else {
        format!("+{text}")
    }
}

/// Formats a fraction as a signed percentage with one decimal, e.g. `+4.2%`.
pub fn format_percent(fraction: f64) -> String {
    format!("{:+.1}%", fraction * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn amounts_group_thousands_per_language() {
        let english = Lang::En.texts();
        assert_eq!(signed_amount(4513.4, 4513.4, english), "+4,513");
        assert_eq!(signed_amount(-1234567.0, 1234567.0, english), "-1,234,567");
        assert_eq!(signed_amount(12.345, 12.345, english), "+12.35");
        assert_eq!(signed_amount(100.0, 100.0, english), "+100");
        assert_eq!(signed_amount(4513.4, 4513.4, Lang::Nl.texts()), "+4.513");
        assert_eq!(signed_amount(12.345, 12.345, Lang::Nl.texts()), "+12,35");
    }

    #[test]
    fn percent_has_sign() {
        assert_eq!(format_percent(0.0421), "+4.2%");
        assert_eq!(format_percent(-0.1), "-10.0%");
    }

    #[test]
    fn levels_keep_their_decimal() {
        assert_eq!(level_label(0.9, Lang::En.texts()), "90%");
        assert_eq!(level_label(0.995, Lang::Nl.texts()), "99,5%");
    }
}
