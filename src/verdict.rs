//! The verdict of an analysis: positive, negative or inconclusive. Every output (terminal,
//! JSON, charts) takes the verdict from here.

use serde_json::json;

use crate::report::{Interval, Verdict, VerdictKind, report_values};

/// Returns the verdict of a geo test from the primary interval of the incremental KPI and the
/// placebo p-value.
///
/// The effect is called positive (negative) only when both methods agree: the interval lies
/// wholly above (below) zero and the placebo p-value is below `alpha = 1 − level`. When they
/// disagree the verdict is inconclusive and the reason names the method that did not support the
/// effect and why that can happen.
pub fn geo_verdict(interval: Option<&Interval>, p_value: Option<f64>, alpha: f64) -> Verdict {
    let Some(interval) = interval else {
        return Verdict {
            reason_code: "no_interval".to_string(),
            kind: VerdictKind::Inconclusive,
            reason: "no confidence interval could be computed for the lift".to_string(),
            values: Default::default(),
        };
    };
    let Some(p_value) = p_value else {
        return Verdict {
            reason_code: "no_placebo".to_string(),
            kind: VerdictKind::Inconclusive,
            reason: "no placebo test could be run, so the effect cannot be confirmed".to_string(),
            values: Default::default(),
        };
    };
    let level = format_percent(interval.level);
    let significant = p_value < alpha;
    let excludes_zero_above = interval.lower > 0.0;
    let excludes_zero_below = interval.upper < 0.0;

    match (excludes_zero_above, excludes_zero_below, significant) {
        (true, _, true) => Verdict {
            reason_code: "interval_and_placebo_agree".to_string(),
            kind: VerdictKind::Positive,
            reason: format!(
                "the {level} interval of the incremental KPI lies above zero and the placebo \
                 test rejects no effect (p = {p_value:.3} < {alpha:.2})"
            ),
            values: report_values([
                ("level", json!(interval.level)),
                ("p_value", json!(p_value)),
                ("alpha", json!(alpha)),
            ]),
        },
        (_, true, true) => Verdict {
            reason_code: "interval_and_placebo_agree".to_string(),
            kind: VerdictKind::Negative,
            reason: format!(
                "the {level} interval of the incremental KPI lies below zero and the placebo \
                 test rejects no effect (p = {p_value:.3} < {alpha:.2})"
            ),
            values: report_values([
                ("level", json!(interval.level)),
                ("p_value", json!(p_value)),
                ("alpha", json!(alpha)),
            ]),
        },
        (true, _, false) | (_, true, false) => Verdict {
            reason_code: "placebo_not_significant".to_string(),
            kind: VerdictKind::Inconclusive,
            reason: format!(
                "the {level} interval excludes zero, but the placebo test does not reject no \
                 effect (p = {p_value:.3} ≥ {alpha:.2}): control geos show gaps this large \
                 without treatment, so the interval may be too narrow for this panel"
            ),
            values: report_values([
                ("level", json!(interval.level)),
                ("p_value", json!(p_value)),
                ("alpha", json!(alpha)),
            ]),
        },
        (false, false, true) => Verdict {
            reason_code: "interval_includes_zero_placebo_significant".to_string(),
            kind: VerdictKind::Inconclusive,
            reason: format!(
                "the placebo test rejects no effect (p = {p_value:.3} < {alpha:.2}), but the \
                 {level} interval includes zero: the gap is unusual among control geos, yet \
                 too uncertain in size to rule out zero"
            ),
            values: report_values([
                ("level", json!(interval.level)),
                ("p_value", json!(p_value)),
                ("alpha", json!(alpha)),
            ]),
        },
        (false, false, false) => Verdict {
            reason_code: "neither".to_string(),
            kind: VerdictKind::Inconclusive,
            reason: format!(
                "the {level} interval includes zero and the placebo test does not reject no \
                 effect (p = {p_value:.3} ≥ {alpha:.2})"
            ),
            values: report_values([
                ("level", json!(interval.level)),
                ("p_value", json!(p_value)),
                ("alpha", json!(alpha)),
            ]),
        },
    }
}

/// Returns the verdict of a holdout comparison from the primary interval of its absolute lift:
/// positive (negative) when the interval lies wholly above (below) zero, else inconclusive.
pub fn interval_verdict(interval: Option<&Interval>) -> Verdict {
    let Some(interval) = interval else {
        return Verdict {
            reason_code: "no_interval".to_string(),
            kind: VerdictKind::Inconclusive,
            reason: "no confidence interval could be computed for the lift".to_string(),
            values: Default::default(),
        };
    };
    let level = format_percent(interval.level);
    if interval.lower > 0.0 {
        Verdict {
            reason_code: "interval_above_zero".to_string(),
            kind: VerdictKind::Positive,
            reason: format!("the {level} interval of the lift lies above zero"),
            values: report_values([("level", json!(interval.level))]),
        }
    } else if interval.upper < 0.0 {
        Verdict {
            reason_code: "interval_below_zero".to_string(),
            kind: VerdictKind::Negative,
            reason: format!("the {level} interval of the lift lies below zero"),
            values: report_values([("level", json!(interval.level))]),
        }
    } else {
        Verdict {
            reason_code: "interval_includes_zero".to_string(),
            kind: VerdictKind::Inconclusive,
            reason: format!("the {level} interval of the lift includes zero"),
            values: report_values([("level", json!(interval.level))]),
        }
    }
}

/// Returns whether the interval and the p-value point to different conclusions.
pub fn methods_disagree(interval: &Interval, p_value: f64, alpha: f64) -> bool {
    let excludes_zero = interval.lower > 0.0 || interval.upper < 0.0;
    excludes_zero != (p_value < alpha)
}

fn format_percent(fraction: f64) -> String {
    let percent = fraction * 100.0;
    if (percent - percent.round()).abs() < 1e-9 {
        format!("{percent:.0}%")
    } else {
        format!("{percent:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(lower: f64, upper: f64) -> Interval {
        Interval {
            lower,
            upper,
            level: 0.9,
            method: "test".to_string(),
        }
    }

    #[test]
    fn verdict_needs_both_methods() {
        let above = interval(1.0, 5.0);
        assert_eq!(
            geo_verdict(Some(&above), Some(0.01), 0.1).kind,
            VerdictKind::Positive
        );
        assert_eq!(
            geo_verdict(Some(&above), Some(0.5), 0.1).kind,
            VerdictKind::Inconclusive
        );
        let below = interval(-5.0, -1.0);
        assert_eq!(
            geo_verdict(Some(&below), Some(0.01), 0.1).kind,
            VerdictKind::Negative
        );
        let across = interval(-1.0, 5.0);
        assert_eq!(
            geo_verdict(Some(&across), Some(0.01), 0.1).kind,
            VerdictKind::Inconclusive
        );
        assert_eq!(
            geo_verdict(None, Some(0.01), 0.1).kind,
            VerdictKind::Inconclusive
        );
        assert_eq!(
            geo_verdict(Some(&above), None, 0.1).kind,
            VerdictKind::Inconclusive
        );
    }

    #[test]
    fn interval_verdict_follows_sign() {
        let above = interval_verdict(Some(&interval(0.1, 0.2)));
        assert_eq!(above.kind, VerdictKind::Positive);
        let below = interval_verdict(Some(&interval(-0.2, -0.1)));
        assert_eq!(below.kind, VerdictKind::Negative);
        let across = interval_verdict(Some(&interval(-0.1, 0.2)));
        assert_eq!(across.kind, VerdictKind::Inconclusive);
        assert_eq!(interval_verdict(None).kind, VerdictKind::Inconclusive);
    }

    #[test]
    fn disagreement_is_detected() {
        assert!(methods_disagree(&interval(1.0, 5.0), 0.5, 0.1));
        assert!(methods_disagree(&interval(-1.0, 5.0), 0.01, 0.1));
        assert!(!methods_disagree(&interval(1.0, 5.0), 0.01, 0.1));
        assert!(!methods_disagree(&interval(-1.0, 5.0), 0.5, 0.1));
    }

    #[test]
    fn reason_names_the_level() {
        let verdict = geo_verdict(Some(&interval(1.0, 5.0)), Some(0.01), 0.1);
        assert!(verdict.reason.contains("90%"), "{}", verdict.reason);
    }
}
