//! The words of a report in the reader's language: verdicts and warnings.
//!
//! report.json keeps stable codes beside English text; everything that shows a verdict or a
//! warning to a person (terminal, charts, HTML) takes its words from here.

use super::schema::{Verdict, VerdictKind, Warning};
use crate::i18n::Texts;

/// The verdict in a few words, e.g. "positive lift".
pub fn verdict_headline(verdict: &Verdict, texts: &Texts) -> String {
    match verdict.kind {
        VerdictKind::Positive => texts.t("common.verdict.positive"),
        VerdictKind::Negative => texts.t("common.verdict.negative"),
        VerdictKind::Inconclusive => texts.t("common.verdict.inconclusive"),
    }
    .to_string()
}

/// Why the verdict is what it is, in a sentence.
// TODO: the reason is English in every language until the verdict carries its values.
pub fn verdict_reason(verdict: &Verdict, _texts: &Texts) -> String {
    verdict.reason.clone()
}

/// What a warning says and what to do about it.
// TODO: the message is English in every language until each warning carries its values.
pub fn warning_message(warning: &Warning, _texts: &Texts) -> String {
    warning.message.clone()
}
