//! The words of a report in the reader's language: verdicts and warnings.
//!
//! report.json stores a stable code and the quoted values beside the English text. Everything
//! that shows a verdict or a warning to a person (terminal, charts, HTML) takes its words from
//! here, so the JSON, the terminal and the page agree.

use std::collections::BTreeMap;

use serde_json::Value;

use super::schema::{Verdict, VerdictKind, Warning};
use crate::i18n::Texts;

/// Returns the verdict in a few words, e.g. "positive lift".
pub fn verdict_headline(verdict: &Verdict, texts: &Texts) -> String {
    match verdict.kind {
        VerdictKind::Positive => texts.t("common.verdict.positive"),
        VerdictKind::Negative => texts.t("common.verdict.negative"),
        VerdictKind::Inconclusive => texts.t("common.verdict.inconclusive"),
    }
    .to_string()
}

/// Returns the reason for the verdict as a sentence. An unknown reason code (a report from a
/// newer version) falls back to the English reason stored in the report.
pub fn verdict_reason(verdict: &Verdict, texts: &Texts) -> String {
    let values = Quoted::new(&verdict.values, texts);
    let above = verdict.kind == VerdictKind::Positive;
    let fill = |key: &str| values.fill(key);
    match verdict.reason_code.as_str() {
        "no_interval" => fill(texts.t("report.verdict_reason.no_interval")),
        "no_placebo" => fill(texts.t("report.verdict_reason.no_placebo")),
        "interval_and_placebo_agree" if above => {
            fill(texts.t("report.verdict_reason.interval_above_and_placebo"))
        }
        "interval_and_placebo_agree" => {
            fill(texts.t("report.verdict_reason.interval_below_and_placebo"))
        }
        "placebo_not_significant" => fill(texts.t("report.verdict_reason.placebo_not_significant")),
        "interval_includes_zero_placebo_significant" => {
            fill(texts.t("report.verdict_reason.interval_includes_zero_placebo_significant"))
        }
        "neither" => fill(texts.t("report.verdict_reason.neither")),
        "interval_above_zero" => fill(texts.t("report.verdict_reason.interval_above_zero")),
        "interval_below_zero" => fill(texts.t("report.verdict_reason.interval_below_zero")),
        "interval_includes_zero" => fill(texts.t("report.verdict_reason.interval_includes_zero")),
        _ => verdict.reason.clone(),
    }
}

/// Returns the message of a warning. An unknown code falls back to the English message stored
/// in the report.
pub fn warning_message(warning: &Warning, texts: &Texts) -> String {
    let values = Quoted::new(&warning.values, texts);
    let fill = |key: &str| values.fill(key);
    match warning.code.as_str() {
        "few_placebo_paths" => fill(texts.t("report.warning.few_placebo_paths")),
        "non_finite_resamples" if warning.values.contains_key("metric") => {
            fill(texts.t("report.warning.non_finite_resamples_holdout"))
        }
        "non_finite_resamples" => fill(texts.t("report.warning.non_finite_resamples_geo")),
        "bca_undefined" => fill(texts.t("report.warning.bca_undefined")),
        "methods_disagree" => fill(texts.t("report.warning.methods_disagree")),
        "filled_cells" => fill(texts.t("report.warning.filled_cells")),
        "rows_outside_window" => fill(texts.t("report.warning.rows_outside_window")),
        "placebo_underpowered" if values.number("sets_run") == Some(0.0) => {
            fill(texts.t("report.warning.placebo_none"))
        }
        "placebo_underpowered" => fill(texts.t("report.warning.placebo_underpowered")),
        "placebo_sampled" => fill(texts.t("report.warning.placebo_sampled")),
        "placebo_not_finite" => fill(texts.t("report.warning.placebo_not_finite")),
        "dominant_donor" => fill(texts.t("report.warning.dominant_donor")),
        "weak_pre_period_fit" => fill(texts.t("report.warning.weak_pre_period_fit")),
        "outside_donor_range" if values.flag("has_intercept") == Some(false) => {
            fill(texts.t("report.warning.outside_donor_range_no_intercept"))
        }
        "outside_donor_range" => fill(texts.t("report.warning.outside_donor_range")),
        "short_pre_period" => fill(texts.t("report.warning.short_pre_period")),
        "more_donors_than_days" => fill(texts.t("report.warning.more_donors_than_days")),
        "sample_ratio_mismatch" => fill(texts.t("report.warning.sample_ratio_mismatch")),
        "rows_not_analysed" => fill(texts.t("report.warning.rows_not_analysed")),
        "segments_exploratory" => fill(texts.t("report.warning.segments_exploratory")),
        "undefined_replications" => fill(texts.t("report.warning.undefined_replications")),
        "power_below_target" => fill(texts.t("report.warning.power_below_target")),
        _ => warning.message.clone(),
    }
}

/// Returns what to do about a warning, or `None` for a code this version does not know (a
/// report from a newer version). Warnings that need no action get advice that states it.
pub fn warning_action(warning: &Warning, texts: &Texts) -> Option<String> {
    let text = match warning.code.as_str() {
        "few_placebo_paths" => texts.t("report.warning_action.few_placebo_paths"),
        "non_finite_resamples" => texts.t("report.warning_action.non_finite_resamples"),
        "bca_undefined" => texts.t("report.warning_action.bca_undefined"),
        "methods_disagree" => texts.t("report.warning_action.methods_disagree"),
        "dominant_donor" => texts.t("report.warning_action.dominant_donor"),
        "weak_pre_period_fit" => texts.t("report.warning_action.weak_pre_period_fit"),
        "outside_donor_range" => texts.t("report.warning_action.outside_donor_range"),
        "short_pre_period" => texts.t("report.warning_action.short_pre_period"),
        "more_donors_than_days" => texts.t("report.warning_action.more_donors_than_days"),
        "filled_cells" => texts.t("report.warning_action.filled_cells"),
        "rows_outside_window" => texts.t("report.warning_action.rows_outside_window"),
        "placebo_underpowered" => texts.t("report.warning_action.placebo_underpowered"),
        "placebo_sampled" => texts.t("report.warning_action.placebo_sampled"),
        "placebo_not_finite" => texts.t("report.warning_action.placebo_not_finite"),
        "sample_ratio_mismatch" => texts.t("report.warning_action.sample_ratio_mismatch"),
        "rows_not_analysed" => texts.t("report.warning_action.rows_not_analysed"),
        "segments_exploratory" => texts.t("report.warning_action.segments_exploratory"),
        "undefined_replications" => texts.t("report.warning_action.undefined_replications"),
        "power_below_target" => texts.t("report.warning_action.power_below_target"),
        _ => return None,
    };
    Some(text.to_string())
}

/// Returns what to do about a warning, with a general advice for an unknown code.
pub fn warning_action_or_general(warning: &Warning, texts: &Texts) -> String {
    warning_action(warning, texts)
        .unwrap_or_else(|| texts.t("report.warning_action.other").to_string())
}

/// The values a verdict or warning quotes, formatted for the reader's language.
struct Quoted<'a> {
    values: &'a BTreeMap<String, Value>,
    texts: &'a Texts,
}

impl<'a> Quoted<'a> {
    fn new(values: &'a BTreeMap<String, Value>, texts: &'a Texts) -> Self {
        Quoted { values, texts }
    }

    fn number(&self, name: &str) -> Option<f64> {
        self.values.get(name).and_then(Value::as_f64)
    }

    fn flag(&self, name: &str) -> Option<bool> {
        self.values.get(name).and_then(Value::as_bool)
    }

    /// Returns `template` with each `{name}` replaced by the formatted value of that name.
    fn fill(&self, template: &str) -> String {
        let mut text = template.to_string();
        for (name, value) in self.values {
            let placeholder = format!("{{{name}}}");
            if text.contains(&placeholder) {
                text = text.replace(&placeholder, &self.format(name, value));
            }
        }
        text
    }

    /// Formats a value by the kind its name gives: shares and levels as percentages,
    /// p-values and R² with their usual decimals, counts without decimals.
    fn format(&self, name: &str, value: &Value) -> String {
        let texts = self.texts;
        match value {
            Value::String(text) => text.clone(),
            Value::Bool(flag) => flag.to_string(),
            Value::Number(number) => {
                let number = number.as_f64().unwrap_or(f64::NAN);
                if name.ends_with("_share") {
                    texts.percent(number, 0)
                } else if name == "level" {
                    let decimals = usize::from((number * 100.0).fract().abs() > 1e-9);
                    texts.percent(number, decimals)
                } else if name.ends_with("p_value") {
                    if number < 0.001 {
                        format!("{number:.2e}").replace('.', &texts.decimal_separator().to_string())
                    } else {
                        texts.plain(number, 3)
                    }
                } else if name == "alpha" || name == "r_squared" {
                    texts.plain(number, 2)
                } else if number.fract() == 0.0 {
                    texts.number(number, 0)
                } else {
                    texts.number(number, 2)
                }
            }
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn warning(code: &str) -> Warning {
        Warning {
            code: code.to_string(),
            message: format!("message of {code}"),
            values: BTreeMap::new(),
        }
    }

    #[test]
    fn every_warning_code_has_an_action() {
        let codes = [
            "few_placebo_paths",
            "non_finite_resamples",
            "bca_undefined",
            "methods_disagree",
            "dominant_donor",
            "weak_pre_period_fit",
            "outside_donor_range",
            "short_pre_period",
            "more_donors_than_days",
            "filled_cells",
            "rows_outside_window",
            "placebo_underpowered",
            "placebo_sampled",
            "placebo_not_finite",
            "sample_ratio_mismatch",
            "rows_not_analysed",
            "segments_exploratory",
            "undefined_replications",
        ];
        for code in codes {
            let english = warning_action(&warning(code), Lang::En.texts());
            let dutch = warning_action(&warning(code), Lang::Nl.texts());
            assert!(english.is_some(), "no English action for {code}");
            assert!(dutch.is_some(), "no Dutch action for {code}");
            assert_ne!(english, dutch, "the Dutch action of {code} is English");
        }
    }

    #[test]
    fn unknown_warning_gets_general_action() {
        let unknown = warning("from_a_newer_version");
        assert_eq!(warning_action(&unknown, Lang::En.texts()), None);
        assert_eq!(
            warning_action_or_general(&unknown, Lang::En.texts()),
            "Read the message and check the input and the settings it names."
        );
        assert_eq!(
            warning_message(&unknown, Lang::Nl.texts()),
            "message of from_a_newer_version"
        );
    }
}
