//! The HTML page of a holdout report.

use super::blocks::{
    NumberStyle, capitalise, estimate_sentence, footer, format_value, inputs_table, interval_text,
    level_label, method_name, point_text, verdict_label, warnings_list,
};
use super::page::{
    Html, Page, Table, Tone, code, definition_list, escape, figure, note, paragraph,
};
use super::{InlineChart, tone_of};
use crate::i18n::Texts;
use crate::report::holdout_schema::{Comparison, HoldoutReport};
use crate::report::localize::verdict_headline;
use crate::report::schema::{Estimate, VerdictKind};

/// Renders the page of a holdout report with its charts inlined, in the language of `texts`.
pub fn render_holdout_html(
    report: &HoldoutReport,
    charts: &[InlineChart],
    texts: &Texts,
) -> String {
    let subtitle = texts.fill(
        "html.holdout.subtitle",
        &[
            ("units", &texts.number(report.data.rows as f64, 0)),
            ("arms", &report.data.arms.len()),
            ("comparisons", &report.comparisons.len()),
        ],
    );
    let mut page = Page::new(texts, &report.title, &subtitle);

    let (tone, headline) = headline(report, texts);
    page.answer(
        texts.t("html.answer.heading"),
        tone,
        &headline,
        answer_details(report, texts),
    );
    page.section(
        "method",
        texts.t("html.section.method"),
        method(report, texts),
    );
    page.section(
        "estimates",
        texts.t("html.section.estimates"),
        estimates(report, texts),
    );
    if !report.segments.is_empty() {
        page.section(
            "segments",
            texts.t("html.section.segments"),
            segments(report, texts),
        );
    }
    if !charts.is_empty() {
        let mut figures = Html::new();
        for chart in charts {
            let caption = match chart.name.as_str() {
                "lift_distribution" => Some(texts.t("html.chart.lift_distribution")),
                "segment_lift" => Some(texts.t("html.chart.segment_lift")),
                _ => None,
            };
            figures.push(figure(&chart.svg, caption));
        }
        page.section("charts", texts.t("html.section.charts"), figures);
    }
    page.section(
        "diagnostics",
        texts.t("html.section.diagnostics"),
        diagnostics(report, texts),
    );
    page.section(
        "warnings",
        texts.t("html.section.warnings"),
        warnings_list(texts, &report.warnings),
    );
    page.section(
        "inputs",
        texts.t("html.section.inputs"),
        inputs(report, texts),
    );
    page.section(
        "parameters",
        texts.t("html.section.parameters"),
        parameters_list(report, texts),
    );
    page.footer(footer(texts, &report.tool, &report.schema_version));
    page.finish()
}

/// Returns the answer's tone and headline: the shared verdict when every comparison has the same
/// one, otherwise the count of each.
fn headline(report: &HoldoutReport, texts: &Texts) -> (Tone, String) {
    let count = |kind: VerdictKind| {
        report
            .comparisons
            .iter()
            .filter(|comparison| comparison.verdict.kind == kind)
            .count()
    };
    let total = report.comparisons.len();
    let Some(first) = report.comparisons.first() else {
        return (
            Tone::Inconclusive,
            texts.t("html.holdout.answer.no_comparisons").to_string(),
        );
    };
    if count(first.verdict.kind) == total {
        let text = if total == 1 {
            capitalise(&verdict_headline(&first.verdict, texts))
        } else {
            texts.fill(
                "html.holdout.answer.all_same",
                &[
                    (
                        "verdict",
                        &capitalise(&verdict_headline(&first.verdict, texts)),
                    ),
                    ("count", &total),
                ],
            )
        };
        return (tone_of(first.verdict.kind), text);
    }
    let text = texts.fill(
        "html.holdout.answer.mixed",
        &[
            ("positive", &count(VerdictKind::Positive)),
            ("negative", &count(VerdictKind::Negative)),
            ("inconclusive", &count(VerdictKind::Inconclusive)),
            ("count", &total),
        ],
    );
    (Tone::Inconclusive, text)
}

fn answer_details(report: &HoldoutReport, texts: &Texts) -> Html {
    let control = &report.parameters.control;
    let mut details = Html::new();
    let level = level_label(texts, report.parameters.level);
    for treatment in &report.parameters.treatments {
        details.push_element(
            "h3",
            &texts.fill(
                "html.holdout.versus",
                &[("treatment", treatment), ("control", control)],
            ),
        );
        let mut table = Table::new(
            &[
                texts.t("html.holdout.table.metric"),
                texts.t("html.holdout.table.verdict"),
                texts.t("html.holdout.table.lift"),
                &level,
                texts.t("html.holdout.table.incremental_total"),
            ],
            &[false, false, true, true, true],
        );
        for comparison in comparisons_of(report, treatment) {
            table.row_html(vec![
                code(&comparison.metric),
                verdict_label(texts, &comparison.verdict),
                Html::text(&point_text(
                    texts,
                    &comparison.relative_lift,
                    NumberStyle::SignedPercent,
                )),
                Html::text(&interval_text(
                    texts,
                    &comparison.relative_lift,
                    NumberStyle::SignedPercent,
                )),
                Html::text(&total_text(texts, &comparison.incremental_total)),
            ]);
        }
        details.push(table.render());
    }

    let srm = &report.srm;
    let p_relation = p_relation(texts, srm.p_value);
    let srm_text = if srm.mismatch {
        texts.fill("html.holdout.answer.srm_mismatch", &[("p", &p_relation)])
    } else {
        texts.fill("html.holdout.answer.srm_ok", &[("p", &p_relation)])
    };
    details.push(paragraph(&srm_text));
    details.push(paragraph(texts.t("html.holdout.answer.verdict_rule")));

    let mut money = Html::new();
    money.push_element("h3", texts.t("html.answer.money_heading"));
    money.push(paragraph(texts.t("html.holdout.answer.no_cost")));
    details.push_wrapped("div", "money", money);
    details
}

/// Formats a p-value with its relation: "= 0.904", or "< 0.001" for smaller values.
fn p_relation(texts: &Texts, p: f64) -> String {
    if p < 0.001 {
        texts.fill("html.holdout.p_below", &[("p", &texts.plain(0.001, 3))])
    } else {
        format!("= {}", texts.plain(p, 3))
    }
}

fn total_text(texts: &Texts, estimate: &Estimate) -> String {
    match estimate.point {
        Some(_) => estimate_sentence(texts, estimate, NumberStyle::SignedAmount),
        None => texts.t("html.holdout.no_total").to_string(),
    }
}

fn comparisons_of<'a>(
    report: &'a HoldoutReport,
    treatment: &'a str,
) -> impl Iterator<Item = &'a Comparison> {
    report
        .comparisons
        .iter()
        .filter(move |comparison| comparison.treatment == treatment)
}

fn method(report: &HoldoutReport, texts: &Texts) -> Html {
    let parameters = &report.parameters;
    let mut content = Html::new();
    content.push(paragraph(&texts.fill(
        "html.holdout.method.comparison",
        &[("control", &parameters.control)],
    )));
    let primary = report
        .comparisons
        .first()
        .and_then(|comparison| comparison.absolute_lift.interval.as_ref())
        .map(|interval| method_name(texts, &interval.method))
        .unwrap_or_else(|| texts.t("html.interval.none").to_string());
    let scheme = match parameters.scheme.as_str() {
        "poisson" => texts.t("html.holdout.method.poisson"),
        "multinomial" => texts.t("html.holdout.method.multinomial"),
        _ => "",
    };
    content.push(paragraph(&texts.fill(
        "html.holdout.method.intervals",
        &[
            ("level", &level_label(texts, parameters.level)),
            ("method", &primary),
            ("resamples", &texts.number(parameters.resamples as f64, 0)),
            ("scheme", &scheme),
        ],
    )));
    content.push(paragraph(texts.t("html.holdout.method.reference")));
    if let Some(covariate) = &parameters.covariate {
        content.push(paragraph(
            &texts.fill("html.holdout.method.cuped", &[("covariate", covariate)]),
        ));
    }
    if let Some(segment_col) = &parameters.segment_col {
        content.push(paragraph(
            &texts.fill("html.holdout.method.segments", &[("column", segment_col)]),
        ));
    }
    content.push(paragraph(texts.t("html.holdout.method.srm")));
    content
}

/// Renders a point with its interval under it, in one cell.
fn point_and_interval(texts: &Texts, estimate: &Estimate, style: NumberStyle) -> Html {
    let point = point_text(texts, estimate, style);
    let interval = interval_text(texts, estimate, style);
    match (&estimate.point, &estimate.undefined_reason) {
        (None, Some(reason)) => Html::raw(format!(
            "{}<br><span class=\"note\">{}</span>",
            escape(&point),
            escape(reason)
        )),
        _ => Html::raw(format!(
            "{}<br><span class=\"note\">{}</span>",
            escape(&point),
            escape(&interval)
        )),
    }
}

fn estimates(report: &HoldoutReport, texts: &Texts) -> Html {
    let parameters = &report.parameters;
    let mut content = paragraph(&texts.fill(
        "html.holdout.estimates_intro",
        &[("level", &level_label(texts, parameters.level))],
    ));
    for treatment in &parameters.treatments {
        content.push_element(
            "h3",
            &texts.fill(
                "html.holdout.versus",
                &[("treatment", treatment), ("control", &parameters.control)],
            ),
        );
        let mut table = Table::new(
            &[
                texts.t("html.holdout.table.metric"),
                texts.t("html.holdout.table.kind"),
                texts.t("html.holdout.table.control_mean"),
                texts.t("html.holdout.table.treatment_mean"),
                texts.t("html.holdout.table.difference"),
                texts.t("html.holdout.table.lift"),
                texts.t("html.holdout.table.incremental_total"),
                texts.t("html.holdout.table.verdict"),
            ],
            &[false, false, true, true, true, true, true, false],
        )
        .with_class("compact");
        let mean = |value: Option<f64>| match value {
            Some(value) => format_value(texts, value, NumberStyle::Significant),
            None => texts.t("common.undefined").to_string(),
        };
        for comparison in comparisons_of(report, treatment) {
            let kind = match comparison.kind.as_str() {
                "proportion" => texts.t("html.holdout.kind.proportion"),
                "mean" => texts.t("html.holdout.kind.mean"),
                "ratio" => texts.t("html.holdout.kind.ratio"),
                other => other,
            };
            let total = if comparison.incremental_total.point.is_some() {
                point_and_interval(
                    texts,
                    &comparison.incremental_total,
                    NumberStyle::SignedAmount,
                )
            } else {
                Html::text(texts.t("html.holdout.no_total"))
            };
            table.row_html(vec![
                code(&comparison.metric),
                Html::text(kind),
                Html::text(&mean(comparison.control_mean)),
                Html::text(&mean(comparison.treatment_mean)),
                point_and_interval(
                    texts,
                    &comparison.absolute_lift,
                    NumberStyle::SignedSignificant,
                ),
                point_and_interval(texts, &comparison.relative_lift, NumberStyle::SignedPercent),
                total,
                verdict_label(texts, &comparison.verdict),
            ]);
        }
        content.push(table.render());

        let cuped: Vec<_> = comparisons_of(report, treatment)
            .filter_map(|comparison| comparison.cuped.as_ref().map(|cuped| (comparison, cuped)))
            .collect();
        if let (false, Some(covariate)) = (cuped.is_empty(), &parameters.covariate) {
            content.push(paragraph(
                &texts.fill("html.holdout.cuped.heading", &[("covariate", covariate)]),
            ));
            let mut table = Table::new(
                &[
                    texts.t("html.holdout.table.metric"),
                    texts.t("html.holdout.cuped.lift"),
                    texts.t("html.holdout.cuped.variance_reduction"),
                    texts.t("html.holdout.cuped.expected"),
                ],
                &[false, true, true, true],
            )
            .with_class("compact");
            for (comparison, cuped) in cuped {
                table.row_html(vec![
                    code(&comparison.metric),
                    point_and_interval(texts, &cuped.relative_lift, NumberStyle::SignedPercent),
                    Html::text(&texts.signed_percent(cuped.variance_reduction, 1)),
                    Html::text(&texts.percent(cuped.expected_variance_reduction, 1)),
                ]);
            }
            content.push(table.render());
        }
    }
    if parameters.covariate.is_some() {
        content.push(note(texts.t("html.holdout.cuped.note")));
    }

    // The analytic reference beside the bootstrap, for the absolute lift.
    content.push_element("h3", texts.t("html.holdout.intervals_by_method"));
    let mut table = Table::new(
        &[
            texts.t("html.holdout.table.comparison"),
            texts.t("html.table.interval_method"),
            texts.t("html.holdout.table.difference"),
        ],
        &[false, false, true],
    )
    .with_class("compact");
    for comparison in &report.comparisons {
        for interval in &comparison.absolute_lift.intervals {
            table.row(&[
                &format!("{} · {}", comparison.treatment, comparison.metric),
                &method_name(texts, &interval.method),
                &super::blocks::interval_range(texts, interval, NumberStyle::SignedSignificant),
            ]);
        }
    }
    content.push(table.render());
    content
}

fn segments(report: &HoldoutReport, texts: &Texts) -> Html {
    let mut content = paragraph(texts.t("html.holdout.segments_intro"));
    let mut table = Table::new(
        &[
            texts.t("html.holdout.table.segment"),
            texts.t("html.holdout.table.comparison"),
            texts.t("html.holdout.table.units"),
            texts.t("html.holdout.table.lift"),
            texts.t("html.holdout.table.p_value"),
            texts.t("html.holdout.table.p_value_holm"),
        ],
        &[false, false, true, true, true, true],
    )
    .with_class("compact");
    let p_text = |p: Option<f64>| match p {
        Some(p) if p < 0.001 => {
            texts.fill("html.holdout.p_below", &[("p", &texts.plain(0.001, 3))])
        }
        Some(p) => texts.plain(p, 3),
        None => "–".to_string(),
    };
    for segment in &report.segments {
        table.row_html(vec![
            Html::text(&segment.segment),
            Html::text(&format!("{} · {}", segment.treatment, segment.metric)),
            Html::text(&format!(
                "{} / {}",
                texts.number(segment.control_units as f64, 0),
                texts.number(segment.treatment_units as f64, 0)
            )),
            point_and_interval(texts, &segment.relative_lift, NumberStyle::SignedPercent),
            Html::text(&p_text(segment.p_value)),
            Html::text(&p_text(segment.p_value_holm)),
        ]);
    }
    content.push(table.render());
    content
}

fn diagnostics(report: &HoldoutReport, texts: &Texts) -> Html {
    let srm = &report.srm;
    let mut content = Html::new();
    content.push_element("h3", texts.t("html.holdout.srm.heading"));
    let mut table = Table::new(
        &[
            texts.t("html.holdout.srm.arm"),
            texts.t("html.holdout.srm.planned"),
            texts.t("html.holdout.srm.units"),
            texts.t("html.holdout.srm.observed"),
        ],
        &[false, true, true, true],
    );
    let total: u64 = srm.observed_units.iter().sum();
    for (index, arm) in report.data.arms.iter().enumerate() {
        let planned = srm.expected_shares.get(index).copied().unwrap_or(f64::NAN);
        let observed = if total > 0 {
            arm.units as f64 / total as f64
        } else {
            f64::NAN
        };
        table.row(&[
            &arm.label,
            &texts.percent(planned, 1),
            &texts.number(arm.units as f64, 0),
            &texts.percent(observed, 2),
        ]);
    }
    content.push(table.render());
    content.push(paragraph(&texts.fill(
        "html.holdout.srm.test",
        &[
            ("chi_square", &texts.plain(srm.chi_square, 2)),
            ("df", &texts.plain(srm.degrees_of_freedom, 0)),
            ("p", &p_relation(texts, srm.p_value)),
        ],
    )));

    content.push_element("h3", texts.t("html.holdout.resamples.heading"));
    let incomplete: Vec<_> = report
        .comparisons
        .iter()
        .filter(|comparison| comparison.bootstrap.non_finite_resamples > 0)
        .collect();
    if incomplete.is_empty() {
        content.push(paragraph(&texts.fill(
            "html.holdout.resamples.all_finite",
            &[(
                "resamples",
                &texts.number(report.parameters.resamples as f64, 0),
            )],
        )));
    } else {
        for comparison in incomplete {
            content.push(paragraph(&texts.fill(
                "html.holdout.resamples.left_out",
                &[
                    (
                        "comparison",
                        &format!("{} · {}", comparison.treatment, comparison.metric),
                    ),
                    ("count", &comparison.bootstrap.non_finite_resamples),
                    ("resamples", &comparison.bootstrap.resamples),
                ],
            )));
        }
    }
    content
}

fn inputs(report: &HoldoutReport, texts: &Texts) -> Html {
    let data = &report.data;
    let mut content = inputs_table(texts, &report.inputs);
    let arms: Vec<String> = data
        .arms
        .iter()
        .map(|arm| format!("{} {}", arm.label, texts.number(arm.units as f64, 0)))
        .collect();
    let other: Vec<String> = data
        .other_labels
        .iter()
        .map(|label| format!("{} {}", label.label, texts.number(label.rows as f64, 0)))
        .collect();
    let mut items = vec![
        (
            texts.t("html.holdout.data.rows").to_string(),
            Html::text(&texts.number(data.rows as f64, 0)),
        ),
        (
            texts.t("html.holdout.data.arms").to_string(),
            Html::text(&arms.join(", ")),
        ),
        (
            texts.t("html.holdout.data.other_labels").to_string(),
            Html::text(&if other.is_empty() {
                texts.t("html.none").to_string()
            } else {
                other.join(", ")
            }),
        ),
    ];
    if !data.segments.is_empty() {
        items.push((
            texts.t("html.holdout.data.segments").to_string(),
            Html::text(&data.segments.join(", ")),
        ));
    }
    content.push(definition_list(&items));
    content
}

fn parameters_list(report: &HoldoutReport, texts: &Texts) -> Html {
    let parameters = &report.parameters;
    let none = texts.t("html.not_set");
    let optional = |text: &Option<String>| match text {
        Some(text) => code(text),
        None => Html::text(none),
    };
    let list = |values: &[String]| {
        if values.is_empty() {
            Html::text(none)
        } else {
            code(&values.join(", "))
        }
    };
    let split: Vec<String> = parameters
        .expected_split
        .iter()
        .map(|share| texts.percent(*share, 1))
        .collect();
    let items = vec![
        ("--seed".to_string(), code(&parameters.seed.to_string())),
        ("--group-col".to_string(), code(&parameters.group_col)),
        ("--control".to_string(), code(&parameters.control)),
        ("--treatment".to_string(), list(&parameters.treatments)),
        ("--metric".to_string(), list(&parameters.metrics)),
        ("--ratio".to_string(), list(&parameters.ratios)),
        ("--covariate".to_string(), optional(&parameters.covariate)),
        (
            "--segment-col".to_string(),
            optional(&parameters.segment_col),
        ),
        (
            "--unit-id-col".to_string(),
            optional(&parameters.unit_id_col),
        ),
        ("--delimiter".to_string(), code(&parameters.delimiter)),
        ("--level".to_string(), code(&parameters.level.to_string())),
        (
            "--resamples".to_string(),
            code(&parameters.resamples.to_string()),
        ),
        ("--scheme".to_string(), code(&parameters.scheme)),
        ("--interval".to_string(), code(&parameters.interval)),
        (
            "--expected-split".to_string(),
            Html::text(&split.join(" : ")),
        ),
    ];
    let mut content = paragraph(texts.t("html.parameters.intro"));
    content.push(definition_list(&items));
    content
}
