//! The HTML page of a geo report.

use super::blocks::{
    NumberStyle, capitalise, estimate_cells, estimate_sentence, footer, format_value, inputs_table,
    interval_range, level_label, method_name, warnings_list, yes_no,
};
use super::page::{Html, Page, Table, code, definition_list, figure, note, paragraph};
use super::{InlineChart, tone_of};
use crate::i18n::Texts;
use crate::report::localize::{verdict_headline, verdict_reason};
use crate::report::schema::{Estimate, GeoReport};

/// Donors listed by name in the weights table; the rest are counted.
const LISTED_DONORS: usize = 10;

/// Renders the page of a geo report with its charts inlined, in the language of `texts`.
pub fn render_geo_html(report: &GeoReport, charts: &[InlineChart], texts: &Texts) -> String {
    let kpi = report.parameters.kpi_col.as_str();
    let subtitle = texts.fill(
        "html.geo.subtitle",
        &[
            ("estimator", &estimator_name(texts, report)),
            ("pre_days", &report.data.pre_period_days),
            ("test_days", &report.data.test_days),
            ("treated", &report.data.treated_geos.len()),
            ("controls", &report.data.control_geos.len()),
        ],
    );
    let mut page = Page::new(texts, &report.title, &subtitle);

    page.answer(
        texts.t("html.answer.heading"),
        tone_of(report.verdict.kind),
        &capitalise(&verdict_headline(&report.verdict, texts)),
        answer_details(report, texts, kpi),
    );
    page.section(
        "method",
        texts.t("html.section.method"),
        method(report, texts),
    );
    page.section(
        "estimates",
        texts.t("html.section.estimates"),
        estimates(report, texts, kpi),
    );
    if !charts.is_empty() {
        page.section(
            "charts",
            texts.t("html.section.charts"),
            chart_figures(charts, texts, kpi),
        );
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
        parameters(report, texts),
    );
    page.footer(footer(texts, &report.tool, &report.schema_version));
    page.finish()
}

fn answer_details(report: &GeoReport, texts: &Texts, kpi: &str) -> Html {
    let estimates = &report.estimates;
    let mut details = Html::new();
    details.push_wrapped(
        "p",
        "figure-line",
        Html::text(&texts.fill(
            "html.geo.answer.lift",
            &[(
                "lift",
                &estimate_sentence(texts, &estimates.relative_lift, NumberStyle::SignedPercent),
            )],
        )),
    );
    details.push(paragraph(&texts.fill(
        "html.geo.answer.incremental",
        &[
            (
                "incremental",
                &estimate_sentence(texts, &estimates.incremental, NumberStyle::SignedAmount),
            ),
            ("kpi", &kpi),
            ("days", &report.data.test_days),
            ("geos", &report.data.treated_geos.join(", ")),
        ],
    )));
    if let Some(interval) = &estimates.relative_lift.interval {
        details.push(paragraph(&texts.fill(
            "html.answer.range_meaning",
            &[
                ("level", &level_label(texts, interval.level)),
                (
                    "range",
                    &interval_range(texts, interval, NumberStyle::SignedPercent),
                ),
            ],
        )));
    }
    details.push(paragraph(&texts.fill(
        "html.answer.why",
        &[("reason", &verdict_reason(&report.verdict, texts))],
    )));

    // What the lift means for CAC and ROAS.
    let mut money = Html::new();
    match (&estimates.iroas, &estimates.cost_per_incremental) {
        (Some(iroas), Some(cost)) => {
            let spend = estimates
                .incremental_spend
                .map(|spend| format_value(texts, spend, NumberStyle::Amount))
                .unwrap_or_else(|| texts.t("common.undefined").to_string());
            money.push(paragraph(&texts.fill(
                "html.geo.answer.with_spend",
                &[
                    ("spend", &spend),
                    ("kpi", &kpi),
                    (
                        "iroas",
                        &estimate_sentence(texts, iroas, NumberStyle::Significant),
                    ),
                    (
                        "cost",
                        &cost_sentence(texts, cost, &estimates.incremental, kpi),
                    ),
                ],
            )));
            money.push(paragraph(
                &texts.fill("html.geo.answer.with_spend_meaning", &[("kpi", &kpi)]),
            ));
        }
        _ => {
            let incremental = match estimates.incremental.point {
                Some(point) => format_value(texts, point, NumberStyle::Amount),
                None => texts.t("common.undefined").to_string(),
            };
            money.push(paragraph(&texts.fill(
                "html.geo.answer.without_spend",
                &[("kpi", &kpi), ("incremental", &incremental)],
            )));
        }
    }
    details.push_wrapped("div", "money", {
        let mut block = Html::new();
        block.push_element("h3", texts.t("html.answer.money_heading"));
        block.push(money);
        block
    });
    details
}

/// The cost per incremental KPI with its interval. When the primary interval of the
/// incremental KPI includes zero, the cost has no upper limit, and the interval that the
/// report gives instead comes from another method, so the sentence states the missing limit instead.
fn cost_sentence(texts: &Texts, cost: &Estimate, incremental: &Estimate, kpi: &str) -> String {
    let method = |estimate: &Estimate| {
        estimate
            .interval
            .as_ref()
            .map(|interval| interval.method.clone())
    };
    match (cost.point, method(cost) == method(incremental)) {
        (Some(point), false) => texts.fill(
            "html.geo.answer.cost_unbounded",
            &[
                ("cost", &format_value(texts, point, NumberStyle::Amount)),
                ("kpi", &kpi),
            ],
        ),
        _ => estimate_sentence(texts, cost, NumberStyle::Amount),
    }
}

fn estimator_name(texts: &Texts, report: &GeoReport) -> String {
    match (
        report.parameters.estimator.as_str(),
        report.parameters.intercept,
    ) {
        ("synth", true) => texts.t("html.geo.estimator.synth").to_string(),
        ("synth", false) => texts.t("html.geo.estimator.synth_no_intercept").to_string(),
        ("tbr", _) => texts.t("html.geo.estimator.tbr").to_string(),
        ("did", _) => texts.t("html.geo.estimator.did").to_string(),
        (other, _) => other.to_string(),
    }
}

fn method(report: &GeoReport, texts: &Texts) -> Html {
    let parameters = &report.parameters;
    let data = &report.data;
    let inference = &report.inference;
    let mut content = Html::new();

    let description = match (parameters.estimator.as_str(), parameters.intercept) {
        ("synth", true) => texts.t("html.geo.method.synth"),
        ("synth", false) => texts.t("html.geo.method.synth_no_intercept"),
        ("tbr", _) => texts.t("html.geo.method.tbr"),
        ("did", _) => texts.t("html.geo.method.did"),
        _ => "",
    };
    content.push(paragraph(&format!(
        "{}. {description}",
        estimator_name(texts, report)
    )));
    let pre_start = parameters.pre_start.as_deref().unwrap_or(&data.first_date);
    content.push(paragraph(&texts.fill(
        "html.geo.method.windows",
        &[
            ("pre_start", &pre_start),
            ("pre_days", &data.pre_period_days),
            ("test_start", &parameters.test_start),
            ("test_end", &parameters.test_end),
            ("test_days", &data.test_days),
        ],
    )));
    content.push(paragraph(&texts.fill(
        "html.geo.method.geos",
        &[
            ("treated", &data.treated_geos.join(", ")),
            ("controls", &data.control_geos.len()),
        ],
    )));

    let primary = report
        .estimates
        .relative_lift
        .interval
        .as_ref()
        .map(|interval| method_name(texts, &interval.method))
        .unwrap_or_else(|| texts.t("html.interval.none").to_string());
    let scheme = match inference.bootstrap.scheme.as_str() {
        "placebo_path" => texts.t("html.geo.method.placebo_path").to_string(),
        "moving_block_residual" => texts.fill(
            "html.geo.method.block",
            &[("days", &inference.bootstrap.block_length_days)],
        ),
        _ => String::new(),
    };
    content.push(paragraph(&texts.fill(
        "html.geo.method.intervals",
        &[
            ("level", &level_label(texts, parameters.level)),
            ("method", &primary),
            (
                "resamples",
                &texts.number(inference.bootstrap.resamples as f64, 0),
            ),
        ],
    )));
    if !scheme.is_empty() {
        content.push(paragraph(&scheme));
    }
    content.push(paragraph(&texts.fill(
        "html.geo.method.placebo",
        &[
            ("sets", &texts.number(inference.placebo.sets_run as f64, 0)),
            ("size", &data.treated_geos.len()),
        ],
    )));
    content.push(paragraph(texts.t("html.geo.method.verdict_rule")));
    content
}

fn estimates(report: &GeoReport, texts: &Texts, kpi: &str) -> Html {
    let estimates = &report.estimates;
    let level = level_label(texts, report.parameters.level);
    let mut table = Table::new(
        &[
            texts.t("html.table.estimate"),
            texts.t("html.table.value"),
            &level,
            texts.t("html.table.interval_method"),
        ],
        &[false, true, true, false],
    );
    let mut add = |label: String, estimate: &Estimate, style: NumberStyle| {
        let [point, interval, method] = estimate_cells(texts, estimate, style);
        table.row_html(vec![Html::text(&label), point, interval, method]);
    };
    add(
        texts.t("html.geo.estimate.lift").to_string(),
        &estimates.relative_lift,
        NumberStyle::SignedPercent,
    );
    add(
        texts.fill("html.geo.estimate.incremental", &[("kpi", &kpi)]),
        &estimates.incremental,
        NumberStyle::SignedAmount,
    );
    add(
        texts.fill("html.geo.estimate.att", &[("kpi", &kpi)]),
        &estimates.att,
        NumberStyle::SignedAmount,
    );
    if let Some(iroas) = &estimates.iroas {
        add(
            texts.fill("html.geo.estimate.iroas", &[("kpi", &kpi)]),
            iroas,
            NumberStyle::Significant,
        );
    }
    if let Some(cost) = &estimates.cost_per_incremental {
        add(
            texts.fill("html.geo.estimate.cost_per_incremental", &[("kpi", &kpi)]),
            cost,
            NumberStyle::Amount,
        );
    }
    if let Some(spend) = estimates.incremental_spend {
        table.row_html(vec![
            Html::text(texts.t("html.geo.estimate.incremental_spend")),
            Html::text(&format_value(texts, spend, NumberStyle::Amount)),
            Html::new(),
            Html::new(),
        ]);
    }
    let mut content = table.render();

    // Every interval method side by side, so a reviewer can judge how much the choice matters.
    content.push_element("h3", texts.t("html.geo.intervals_by_method"));
    let mut by_method = Table::new(
        &[
            texts.t("html.table.interval_method"),
            texts.t("html.geo.estimate.lift"),
            &texts.fill("html.geo.estimate.incremental", &[("kpi", &kpi)]),
            &texts.fill("html.geo.estimate.att", &[("kpi", &kpi)]),
        ],
        &[false, true, true, true],
    );
    for interval in &estimates.relative_lift.intervals {
        let find = |estimate: &Estimate, style: NumberStyle| -> String {
            estimate
                .intervals
                .iter()
                .find(|other| other.method == interval.method)
                .map(|other| interval_range(texts, other, style))
                .unwrap_or_default()
        };
        by_method.row(&[
            &method_name(texts, &interval.method),
            &interval_range(texts, interval, NumberStyle::SignedPercent),
            &find(&estimates.incremental, NumberStyle::SignedAmount),
            &find(&estimates.att, NumberStyle::SignedAmount),
        ]);
    }
    content.push(by_method.render());
    content.push(note(texts.t("html.geo.intervals_by_method_note")));
    content
}

fn chart_figures(charts: &[InlineChart], texts: &Texts, kpi: &str) -> Html {
    let mut content = Html::new();
    for chart in charts {
        let caption = match chart.name.as_str() {
            "observed_vs_counterfactual" => {
                Some(texts.fill("html.chart.observed_vs_counterfactual", &[("kpi", &kpi)]))
            }
            "cumulative_effect" => {
                Some(texts.fill("html.chart.cumulative_effect", &[("kpi", &kpi)]))
            }
            "placebo_distribution" => Some(texts.t("html.chart.placebo_distribution").to_string()),
            _ => None,
        };
        content.push(figure(&chart.svg, caption.as_deref()));
    }
    content
}

fn diagnostics(report: &GeoReport, texts: &Texts) -> Html {
    let diagnostics = &report.diagnostics;
    let inference = &report.inference;
    let mut table = Table::new(
        &[
            texts.t("html.table.check"),
            texts.t("html.table.value"),
            texts.t("html.table.reading"),
        ],
        &[false, true, false],
    );
    table.row(&[
        texts.t("html.geo.diagnostic.r_squared"),
        &texts.plain(diagnostics.pre_r_squared, 3),
        texts.t("html.geo.diagnostic.r_squared_reading"),
    ]);
    let mape = diagnostics
        .pre_mape
        .map(|mape| texts.percent(mape, 1))
        .unwrap_or_else(|| texts.t("common.undefined").to_string());
    table.row(&[
        texts.t("html.geo.diagnostic.mape"),
        &mape,
        texts.t("html.geo.diagnostic.mape_reading"),
    ]);
    table.row(&[
        texts.t("html.geo.diagnostic.rmse"),
        &texts.amount(diagnostics.pre_rmse),
        texts.t("html.geo.diagnostic.rmse_reading"),
    ]);
    let p_value = inference
        .placebo
        .p_value
        .map(|p| texts.plain(p, 3))
        .unwrap_or_else(|| texts.t("common.undefined").to_string());
    table.row(&[
        texts.t("html.geo.diagnostic.placebo_p"),
        &p_value,
        &texts.fill(
            "html.geo.diagnostic.placebo_p_reading",
            &[
                ("alpha", &texts.plain(inference.alpha, 2)),
                ("run", &texts.number(inference.placebo.sets_run as f64, 0)),
                (
                    "possible",
                    &texts.number(inference.placebo.sets_possible as f64, 0),
                ),
            ],
        ),
    ]);
    table.row(&[
        texts.t("html.geo.diagnostic.effective_donors"),
        &diagnostics.effective_donors.to_string(),
        texts.t("html.geo.diagnostic.effective_donors_reading"),
    ]);
    table.row(&[
        texts.t("html.geo.diagnostic.pre_outside"),
        &texts.percent(diagnostics.pre_days_outside_donor_range, 0),
        texts.t("html.geo.diagnostic.outside_reading"),
    ]);
    table.row(&[
        texts.t("html.geo.diagnostic.test_outside"),
        &texts.percent(diagnostics.test_days_outside_donor_range, 0),
        texts.t("html.geo.diagnostic.outside_reading"),
    ]);
    table.row(&[
        texts.t("html.geo.diagnostic.non_finite"),
        &texts.number(inference.bootstrap.non_finite_resamples as f64, 0),
        texts.t("html.geo.diagnostic.non_finite_reading"),
    ]);
    let mut content = table.render();

    content.push_element("h3", texts.t("html.geo.donors.heading"));
    let mut donors = Table::new(
        &[
            texts.t("html.geo.donors.geo"),
            texts.t("html.geo.donors.weight"),
        ],
        &[false, true],
    );
    let weighted: Vec<_> = diagnostics
        .donor_weights
        .iter()
        .filter(|donor| donor.weight > 0.001)
        .collect();
    for donor in weighted.iter().take(LISTED_DONORS) {
        donors.row(&[&donor.geo, &texts.percent(donor.weight, 1)]);
    }
    content.push(donors.render());
    let unlisted = diagnostics.donor_weights.len() - weighted.len().min(LISTED_DONORS);
    if unlisted > 0 {
        content.push(note(
            &texts.fill("html.geo.donors.more", &[("count", &unlisted)]),
        ));
    }
    if report.parameters.estimator != "synth" {
        content.push(note(texts.t("html.geo.donors.equal_weights")));
    }
    content
}

fn inputs(report: &GeoReport, texts: &Texts) -> Html {
    let data = &report.data;
    let mut content = inputs_table(texts, &report.inputs);
    content.push(definition_list(&[
        (
            texts.t("html.geo.data.geos").to_string(),
            Html::text(&texts.fill(
                "html.geo.data.geos_value",
                &[
                    ("geos", &data.geos),
                    ("treated", &data.treated_geos.len()),
                    ("controls", &data.control_geos.len()),
                ],
            )),
        ),
        (
            texts.t("html.geo.data.dates").to_string(),
            Html::text(&texts.fill(
                "html.geo.data.dates_value",
                &[("first", &data.first_date), ("last", &data.last_date)],
            )),
        ),
        (
            texts.t("html.geo.data.control_geos").to_string(),
            Html::text(&data.control_geos.join(", ")),
        ),
        (
            texts.t("html.geo.data.filled_cells").to_string(),
            Html::text(&texts.number(data.filled_cells as f64, 0)),
        ),
        (
            texts.t("html.geo.data.rows_outside_window").to_string(),
            Html::text(&texts.number(data.rows_outside_window as f64, 0)),
        ),
    ]));
    content
}

fn parameters(report: &GeoReport, texts: &Texts) -> Html {
    let parameters = &report.parameters;
    let none = texts.t("html.not_set");
    let value = |text: &str| code(text);
    let optional = |text: &Option<String>| match text {
        Some(text) => code(text),
        None => Html::text(none),
    };
    let items = vec![
        ("--seed".to_string(), value(&parameters.seed.to_string())),
        ("--geo-col".to_string(), value(&parameters.geo_col)),
        ("--date-col".to_string(), value(&parameters.date_col)),
        ("--kpi-col".to_string(), value(&parameters.kpi_col)),
        ("--spend-col".to_string(), optional(&parameters.spend_col)),
        ("--date-format".to_string(), value(&parameters.date_format)),
        ("--delimiter".to_string(), value(&parameters.delimiter)),
        ("--missing".to_string(), value(&parameters.missing)),
        (
            "--treated".to_string(),
            value(&parameters.treated.join(",")),
        ),
        ("--test-start".to_string(), value(&parameters.test_start)),
        ("--test-end".to_string(), value(&parameters.test_end)),
        ("--pre-start".to_string(), optional(&parameters.pre_start)),
        ("--estimator".to_string(), value(&parameters.estimator)),
        (
            "--no-intercept".to_string(),
            Html::text(yes_no(texts, !parameters.intercept)),
        ),
        ("--level".to_string(), value(&parameters.level.to_string())),
        (
            "--resamples".to_string(),
            value(&parameters.resamples.to_string()),
        ),
        (
            "--block-length".to_string(),
            value(&parameters.block_length_days.to_string()),
        ),
        (
            "--bootstrap".to_string(),
            value(bootstrap_flag(&parameters.bootstrap)),
        ),
        ("--interval".to_string(), value(&parameters.interval)),
        (
            "--max-placebo-sets".to_string(),
            value(&parameters.max_placebo_sets.to_string()),
        ),
    ];
    let mut content = paragraph(texts.t("html.parameters.intro"));
    content.push(definition_list(&items));
    content
}

/// Returns the `--bootstrap` value that selects the bootstrap named `scheme` in the report.
fn bootstrap_flag(scheme: &str) -> &str {
    match scheme {
        "placebo_path" => "placebo-path",
        "moving_block_residual" => "block",
        other => other,
    }
}
