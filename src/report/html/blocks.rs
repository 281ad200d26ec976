//! Parts that every report page shares: estimates with their intervals, interval method
//! names, verdict labels, warnings with what to do, inputs, and the version footer.

use super::page::{Html, Table, code, escape};
use crate::data::InputFile;
use crate::i18n::Texts;
use crate::report::localize::{verdict_headline, warning_action_or_general, warning_message};
use crate::report::schema::{Estimate, Interval, ToolInfo, Verdict, VerdictKind, Warning};

/// Number format of an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    /// A fraction as a signed percentage with one decimal.
    SignedPercent,
    /// An amount with a sign, precision by size (see [`Texts::amount`]).
    SignedAmount,
    /// An amount without a sign.
    Amount,
    /// Four significant digits with a sign, for small differences such as 0.0031.
    SignedSignificant,
    /// Four significant digits, for means and ratios such as 0.005726.
    Significant,
}

/// Formats `value` in `style`.
pub fn format_value(texts: &Texts, value: f64, style: NumberStyle) -> String {
    if !value.is_finite() {
        return texts.t("common.undefined").to_string();
    }
    match style {
        NumberStyle::SignedPercent => texts.signed_percent(value, 1),
        NumberStyle::SignedAmount => with_sign(value, texts.amount(value)),
        NumberStyle::Amount => texts.amount(value),
        NumberStyle::SignedSignificant => with_sign(value, significant(texts, value, 4)),
        NumberStyle::Significant => significant(texts, value, 4),
    }
}

/// Formats `value` rounded to `digits` significant digits, with at most 8 decimals.
pub fn significant(texts: &Texts, value: f64, digits: i32) -> String {
    if value == 0.0 {
        return texts.number(0.0, 0);
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).clamp(0, 8) as usize;
    texts.number(value, decimals)
}

fn with_sign(value: f64, text: String) -> String {
    let is_zero = text.chars().all(|c| !c.is_ascii_digit() || c == '0');
    if value > 0.0 && !is_zero && !text.starts_with('-') {
        format!("+{text}")
    } else {
        text
    }
}

/// Formats the confidence level as a label, e.g. "90% CI" or "90%-BI".
pub fn level_label(texts: &Texts, level: f64) -> String {
    texts.fill(
        "html.interval.level",
        &[("level", &texts.percent(level, level_decimals(level)))],
    )
}

fn level_decimals(level: f64) -> usize {
    if ((level * 100.0).round() - level * 100.0).abs() < 1e-9 {
        0
    } else {
        1
    }
}

/// Formats an interval's ends, e.g. "-3.4% to +18.0%".
pub fn interval_range(texts: &Texts, interval: &Interval, style: NumberStyle) -> String {
    texts.fill(
        "html.interval.range",
        &[
            ("lower", &format_value(texts, interval.lower, style)),
            ("upper", &format_value(texts, interval.upper, style)),
        ],
    )
}

/// Formats the point of an estimate, or "undefined" when it has none.
pub fn point_text(texts: &Texts, estimate: &Estimate, style: NumberStyle) -> String {
    match estimate.point {
        Some(point) => format_value(texts, point, style),
        None => texts.t("common.undefined").to_string(),
    }
}

/// Formats the primary interval's ends, or why there is none.
pub fn interval_text(texts: &Texts, estimate: &Estimate, style: NumberStyle) -> String {
    match (&estimate.interval, &estimate.interval_note) {
        (Some(interval), _) => interval_range(texts, interval, style),
        (None, Some(note)) => note.clone(),
        (None, None) => texts.t("html.interval.none").to_string(),
    }
}

/// Formats an estimate as "+5.4% (90% CI -3.4% to +18.0%)", or "undefined: reason".
pub fn estimate_sentence(texts: &Texts, estimate: &Estimate, style: NumberStyle) -> String {
    let Some(point) = estimate.point else {
        return match &estimate.undefined_reason {
            Some(reason) => texts.fill("html.estimate.undefined_because", &[("reason", reason)]),
            None => texts.t("common.undefined").to_string(),
        };
    };
    let point = format_value(texts, point, style);
    match &estimate.interval {
        Some(interval) => texts.fill(
            "html.estimate.with_interval",
            &[
                ("point", &point),
                ("level", &level_label(texts, interval.level)),
                ("range", &interval_range(texts, interval, style)),
            ],
        ),
        None => point,
    }
}

/// Renders the cells of an estimate's row: point, primary interval, and its method.
pub fn estimate_cells(texts: &Texts, estimate: &Estimate, style: NumberStyle) -> [Html; 3] {
    let point = match (&estimate.point, &estimate.undefined_reason) {
        (None, Some(reason)) => Html::raw(format!(
            "{}<br><span class=\"note\">{}</span>",
            escape(texts.t("common.undefined")),
            escape(reason)
        )),
        _ => Html::text(&point_text(texts, estimate, style)),
    };
    let method = match &estimate.interval {
        Some(interval) => Html::text(&method_name(texts, &interval.method)),
        None => Html::new(),
    };
    [
        point,
        Html::text(&interval_text(texts, estimate, style)),
        method,
    ]
}

/// Returns a readable name of an interval method code such as `placebo_path_bootstrap_bca`.
pub fn method_name(texts: &Texts, method: &str) -> String {
    match method {
        "tbr_analytic_t" => return texts.t("html.method.tbr_analytic_t").to_string(),
        "welch_t" => return texts.t("html.method.welch_t").to_string(),
        "newcombe_score" => return texts.t("html.method.newcombe_score").to_string(),
        _ => {}
    }
    let Some((bootstrap, interval)) = method.rsplit_once('_') else {
        return method.to_string();
    };
    let interval = match interval {
        "percentile" => texts.t("html.method.percentile"),
        "basic" => texts.t("html.method.basic"),
        "bca" => texts.t("html.method.bca"),
        _ => return method.to_string(),
    };
    let bootstrap = match bootstrap {
        "placebo_path_bootstrap" => texts.t("html.method.placebo_path_bootstrap"),
        "block_bootstrap" => texts.t("html.method.block_bootstrap"),
        "poisson_bootstrap" => texts.t("html.method.poisson_bootstrap"),
        "multinomial_bootstrap" => texts.t("html.method.multinomial_bootstrap"),
        _ => return method.to_string(),
    };
    texts.fill(
        "html.method.bootstrap_interval",
        &[("interval", &interval), ("bootstrap", &bootstrap)],
    )
}

/// Returns the CSS class of a verdict's colour.
pub fn verdict_class(kind: VerdictKind) -> &'static str {
    match kind {
        VerdictKind::Positive => "verdict verdict-positive",
        VerdictKind::Negative => "verdict verdict-negative",
        VerdictKind::Inconclusive => "verdict verdict-inconclusive",
    }
}

/// Renders the verdict's headline in its colour.
pub fn verdict_label(texts: &Texts, verdict: &Verdict) -> Html {
    let mut label = Html::new();
    label.push_wrapped(
        "span",
        verdict_class(verdict.kind),
        Html::text(&verdict_headline(verdict, texts)),
    );
    label
}

/// Renders the warnings as a list, each with what to do about it; a short all-clear line when empty.
pub fn warnings_list(texts: &Texts, warnings: &[Warning]) -> Html {
    if warnings.is_empty() {
        let mut none = Html::new();
        none.push_wrapped("p", "ok", Html::text(texts.t("html.warnings.none")));
        return none;
    }
    let mut markup = String::from("<ul class=\"warnings\">");
    for warning in warnings {
        markup.push_str(&format!(
            "<li><strong>{}</strong> <code>{}</code><span class=\"action\">{} {}</span></li>",
            escape(&capitalise(&warning_message(warning, texts))),
            escape(&warning.code),
            escape(texts.t("html.warnings.what_to_do")),
            escape(&warning_action_or_general(warning, texts)),
        ));
    }
    markup.push_str("</ul>");
    Html::raw(markup)
}

/// Returns `text` with its first letter in upper case, unless the first word is a term that
/// starts in lower case, such as iROAS.
pub fn capitalise(text: &str) -> String {
    let mut characters = text.chars();
    if text.chars().nth(1).is_some_and(char::is_uppercase) {
        return text.to_string();
    }
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// Renders the input files with their row counts and SHA-256 hashes.
pub fn inputs_table(texts: &Texts, inputs: &[InputFile]) -> Html {
    let mut table = Table::new(
        &[
            texts.t("html.inputs.file"),
            texts.t("html.inputs.rows"),
            texts.t("html.inputs.sha256"),
        ],
        &[false, true, false],
    );
    for input in inputs {
        table.row_html(vec![
            code(&input.path),
            Html::text(&texts.number(input.rows as f64, 0)),
            Html::raw(format!(
                "<code class=\"hash\">{}</code>",
                escape(&input.sha256)
            )),
        ]);
    }
    let mut markup = table.render();
    markup.push(super::page::note(texts.t("html.inputs.note")));
    markup
}

/// Renders the footer of a page rendered from `report.json`: tool name, version, report schema
/// and how to render the page again.
pub fn footer(texts: &Texts, tool: &ToolInfo, schema_version: &str) -> Html {
    json_footer(texts, tool, schema_version, crate::report::REPORT_FILE)
}

/// Renders the footer of a page rendered from `json_file`, such as `design.json`.
pub fn json_footer(texts: &Texts, tool: &ToolInfo, schema_version: &str, json_file: &str) -> Html {
    Html::raw(format!(
        "<footer><p>{}</p><p>{}</p></footer>",
        escape(&texts.fill(
            "html.footer.made_by",
            &[
                ("tool", &tool.name),
                ("version", &tool.version),
                ("schema", &schema_version),
                ("file", &json_file),
            ],
        )),
        escape(&texts.fill("html.footer.rerender", &[("file", &json_file)])),
    ))
}

/// Returns yes or no in the page's language.
pub fn yes_no(texts: &Texts, value: bool) -> &str {
    if value {
        texts.t("html.yes")
    } else {
        texts.t("html.no")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn significant_digits_follow_size() {
        let texts = Lang::En.texts();
        assert_eq!(significant(texts, 0.005726, 4), "0.005726");
        assert_eq!(significant(texts, 6.149, 4), "6.149");
        assert_eq!(significant(texts, 1234.6, 4), "1,235");
        assert_eq!(significant(Lang::Nl.texts(), 0.1062, 4), "0,1062");
    }

    #[test]
    fn signed_amounts_and_levels() {
        let texts = Lang::Nl.texts();
        assert_eq!(
            format_value(texts, 4666.7, NumberStyle::SignedAmount),
            "+4.667"
        );
        assert_eq!(
            format_value(texts, -3145.9, NumberStyle::SignedAmount),
            "-3.146"
        );
        assert_eq!(level_label(Lang::En.texts(), 0.9), "90% CI");
        assert_eq!(level_label(Lang::En.texts(), 0.975), "97.5% CI");
    }

    #[test]
    fn capitalise_keeps_terms_in_lower_case() {
        assert_eq!(capitalise("not shown"), "Not shown");
        assert_eq!(
            capitalise("iROAS above break-even"),
            "iROAS above break-even"
        );
        assert_eq!(capitalise(""), "");
    }

    #[test]
    fn method_names_are_readable() {
        let texts = Lang::En.texts();
        assert_eq!(
            method_name(texts, "placebo_path_bootstrap_bca"),
            "BCa interval, placebo-path bootstrap"
        );
        assert_eq!(
            method_name(texts, "poisson_bootstrap_percentile"),
            "percentile interval, Poisson bootstrap"
        );
        assert_eq!(method_name(texts, "something_new"), "something_new");
    }
}
