//! The plain-words conclusions about a funnel row. [`row_verdicts`] decides them and
//! [`verdict_text`] words them; the terminal table, `kpis.json` and the charts take both from
//! here.

use std::collections::BTreeMap;

use super::schema::{KpiValue, KpiVerdict};
use crate::i18n::{Lang, Texts};

fn find<'a>(values: &'a [KpiValue], kpi: &str) -> Option<&'a KpiValue> {
    values.iter().find(|value| value.kpi == kpi)
}

fn point(values: &[KpiValue], kpi: &str) -> Option<f64> {
    find(values, kpi)?.point
}

fn verdict(code: &str, kind: &str, values: &[(&str, f64)]) -> KpiVerdict {
    let mut verdict = KpiVerdict {
        code: code.to_string(),
        kind: kind.to_string(),
        values: values
            .iter()
            .map(|(name, value)| (name.to_string(), *value))
            .collect::<BTreeMap<_, _>>(),
        text: String::new(),
    };
    verdict.text = verdict_text(&verdict, Lang::En.texts());
    verdict
}

/// Decides the verdicts of a row from its KPIs, its adjusted KPIs (empty without a lift
/// report) and the lift report's level.
///
/// - Incrementality: the interval of the incrementality factor against zero.
/// - Credit: the same interval against 1; below 1 the platform over-credits the channel by
///   1 ÷ factor, above 1 it under-credits.
/// - Break-even: the iROAS interval against 1 ÷ margin; without a lift report, the ROAS point.
/// - Conversion rate against the row's target, and LTV against CAC.
pub fn row_verdicts(
    kpis: &[KpiValue],
    adjusted: &[KpiValue],
    target_conversion_rate: Option<f64>,
    has_lift: bool,
    level: Option<f64>,
) -> Vec<KpiVerdict> {
    let mut verdicts = Vec::new();
    let break_even = point(kpis, "break_even_roas");

    if !has_lift {
        verdicts.push(verdict("no_lift_report", "info", &[]));
        if let (Some(roas), Some(break_even)) = (point(kpis, "roas"), break_even)
            && roas < break_even
        {
            verdicts.push(verdict(
                "roas_below_break_even",
                "negative",
                &[("roas", roas), ("break_even", break_even)],
            ));
        }
    }

    let level = level.unwrap_or(0.0);
    let factor = find(adjusted, "incrementality_factor")
        .filter(|value| value.interval.is_some())
        .or_else(|| find(adjusted, "incrementality_factor_revenue"));
    if let Some(interval) = factor.and_then(|value| value.interval.as_ref())
        && let (Some(lower), Some(upper)) = (interval.lower, interval.upper)
    {
        let bounds = [("level", level), ("lower", lower), ("upper", upper)];
        if lower > 0.0 {
            verdicts.push(verdict("incremental", "positive", &bounds));
        } else if upper < 0.0 {
            verdicts.push(verdict("harmful", "negative", &bounds));
        } else {
            verdicts.push(verdict("not_incremental", "inconclusive", &bounds));
        }
        if upper < 1.0 && upper > 0.0 && lower > 0.0 {
            verdicts.push(verdict(
                "over_credits",
                "negative",
                &[("low", 1.0 / upper), ("high", 1.0 / lower)],
            ));
        } else if upper < 1.0 && upper > 0.0 {
            verdicts.push(verdict(
                "over_credits_at_least",
                "negative",
                &[("low", 1.0 / upper)],
            ));
        } else if upper <= 0.0 {
            verdicts.push(verdict("credit_without_effect", "negative", &[]));
        } else if lower > 1.0 {
            verdicts.push(verdict(
                "under_credits",
                "positive",
                &[("low", lower), ("high", upper)],
            ));
        } else {
            verdicts.push(verdict(
                "credit_consistent",
                "info",
                &[("lower", lower), ("upper", upper)],
            ));
        }
    }

    if let Some(iroas) = find(adjusted, "iroas")
        && let Some(break_even) = break_even
        && let Some(interval) = &iroas.interval
        && let (Some(lower), Some(upper)) = (interval.lower, interval.upper)
    {
        let values = [
            ("level", level),
            ("break_even", break_even),
            ("lower", lower),
            ("upper", upper),
        ];
        if lower > break_even {
            verdicts.push(verdict("iroas_above_break_even", "positive", &values));
        } else if upper < break_even {
            verdicts.push(verdict("iroas_below_break_even", "negative", &values));
        } else {
            verdicts.push(verdict("iroas_near_break_even", "inconclusive", &values));
        }
    }

    if let (Some(rate), Some(target)) = (point(kpis, "conversion_rate"), target_conversion_rate) {
        let values = [("rate", rate), ("target", target)];
        if rate < target {
            verdicts.push(verdict("below_target", "negative", &values));
        } else {
            verdicts.push(verdict("meets_target", "positive", &values));
        }
    }

    let ltv_to_cac = find(adjusted, "adjusted_ltv_to_cac")
        .and_then(|value| value.point)
        .or_else(|| point(kpis, "ltv_to_cac"));
    if let Some(ratio) = ltv_to_cac
        && ratio < 1.0
    {
        verdicts.push(verdict("ltv_below_cac", "negative", &[("ratio", ratio)]));
    }
    verdicts
}

/// Words a verdict in the language of `texts`.
pub fn verdict_text(verdict: &KpiVerdict, texts: &Texts) -> String {
    let value = |name: &str| verdict.values.get(name).copied().unwrap_or(f64::NAN);
    let level = texts.percent(value("level"), 0);
    let factor = |name: &str| texts.number(value(name), 1);
    let fraction = |name: &str| texts.number(value(name), 2);
    let money = |name: &str| texts.number(value(name), 2);
    match verdict.code.as_str() {
        "no_lift_report" => texts.t("kpis.verdict.no_lift_report").to_string(),
        "roas_below_break_even" => texts.fill(
            "kpis.verdict.roas_below_break_even",
            &[
                ("roas", &money("roas")),
                ("break_even", &money("break_even")),
            ],
        ),
        "incremental" => texts.fill(
            "kpis.verdict.incremental",
            &[
                ("level", &level),
                ("lower", &fraction("lower")),
                ("upper", &fraction("upper")),
            ],
        ),
        "harmful" => texts.fill(
            "kpis.verdict.harmful",
            &[
                ("level", &level),
                ("lower", &fraction("lower")),
                ("upper", &fraction("upper")),
            ],
        ),
        "not_incremental" => texts.fill(
            "kpis.verdict.not_incremental",
            &[
                ("level", &level),
                ("lower", &fraction("lower")),
                ("upper", &fraction("upper")),
            ],
        ),
        "over_credits" => texts.fill(
            "kpis.verdict.over_credits",
            &[("low", &factor("low")), ("high", &factor("high"))],
        ),
        "over_credits_at_least" => texts.fill(
            "kpis.verdict.over_credits_at_least",
            &[("low", &factor("low"))],
        ),
        "credit_without_effect" => texts.t("kpis.verdict.credit_without_effect").to_string(),
        "under_credits" => texts.fill(
            "kpis.verdict.under_credits",
            &[("low", &factor("low")), ("high", &factor("high"))],
        ),
        "credit_consistent" => texts.fill(
            "kpis.verdict.credit_consistent",
            &[("lower", &fraction("lower")), ("upper", &fraction("upper"))],
        ),
        "iroas_above_break_even" => texts.fill(
            "kpis.verdict.iroas_above_break_even",
            &[
                ("level", &level),
                ("break_even", &money("break_even")),
                ("lower", &money("lower")),
            ],
        ),
        "iroas_below_break_even" => texts.fill(
            "kpis.verdict.iroas_below_break_even",
            &[
                ("level", &level),
                ("break_even", &money("break_even")),
                ("upper", &money("upper")),
            ],
        ),
        "iroas_near_break_even" => texts.fill(
            "kpis.verdict.iroas_near_break_even",
            &[
                ("break_even", &money("break_even")),
                ("lower", &money("lower")),
                ("upper", &money("upper")),
            ],
        ),
        "below_target" => texts.fill(
            "kpis.verdict.below_target",
            &[
                ("rate", &texts.percent(value("rate"), 2)),
                ("target", &texts.percent(value("target"), 2)),
            ],
        ),
        "meets_target" => texts.fill(
            "kpis.verdict.meets_target",
            &[
                ("rate", &texts.percent(value("rate"), 2)),
                ("target", &texts.percent(value("target"), 2)),
            ],
        ),
        "ltv_below_cac" => texts.fill("kpis.verdict.ltv_below_cac", &[("ratio", &money("ratio"))]),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::schema::KpiInterval;

    fn factor(lower: f64, upper: f64) -> KpiValue {
        KpiValue {
            kpi: "incrementality_factor".to_string(),
            unit: "fraction".to_string(),
            point: Some((lower + upper) / 2.0),
            interval: Some(KpiInterval {
                lower: Some(lower),
                upper: Some(upper),
                level: 0.9,
                method: "draws_percentile".to_string(),
            }),
            undefined: None,
            draws_without_value: 0,
        }
    }

    fn codes(verdicts: &[KpiVerdict]) -> Vec<&str> {
        verdicts.iter().map(|v| v.code.as_str()).collect()
    }

    #[test]
    fn over_credit_factor_is_inverse_of_incrementality() {
        let verdicts = row_verdicts(&[], &[factor(0.4, 0.7)], None, true, Some(0.9));
        assert_eq!(codes(&verdicts), vec!["incremental", "over_credits"]);
        // 1 ÷ 0.7 = 1.4 and 1 ÷ 0.4 = 2.5.
        assert_eq!(
            verdicts[1].text,
            "platform over-credits this channel by a factor between 1.4 and 2.5"
        );
    }

    #[test]
    fn interval_across_zero_is_not_incremental() {
        let verdicts = row_verdicts(&[], &[factor(-0.2, 0.8)], None, true, Some(0.9));
        assert_eq!(
            codes(&verdicts),
            vec!["not_incremental", "over_credits_at_least"]
        );
        assert!(
            verdicts[0].text.starts_with("not shown to be incremental"),
            "{}",
            verdicts[0].text
        );
    }

    #[test]
    fn no_lift_report_said_once() {
        let verdicts = row_verdicts(&[], &[], None, false, None);
        assert_eq!(codes(&verdicts), vec!["no_lift_report"]);
    }

    #[test]
    fn every_verdict_has_dutch_text() {
        let verdicts = row_verdicts(&[], &[factor(1.2, 1.8)], None, true, Some(0.9));
        for verdict in &verdicts {
            let dutch = verdict_text(verdict, Lang::Nl.texts());
            assert!(!dutch.starts_with("kpis."), "{dutch}");
            assert_ne!(dutch, verdict.text);
        }
    }
}
