//! The HTML page of a holdout test design: the users, effect and power in plain words, what
//! the power means, the simulated power when a history was given, and the cost of the holdout.

use super::InlineChart;
use super::blocks::{inputs_table, json_footer, level_label, method_name, warnings_list};
use super::page::{Html, Page, Table, Tone, code, definition_list, figure, paragraph};
use crate::design::holdout::DESIGN_FILE;
use crate::design::holdout::HoldoutDesign;
use crate::design::holdout::summary::{design_rows, effect_text, scaled_effect};
use crate::i18n::Texts;

/// Renders the page of a holdout design with its charts inlined, in the language of `texts`.
pub fn render_holdout_design_html(
    design: &HoldoutDesign,
    charts: &[InlineChart],
    texts: &Texts,
) -> String {
    let parameters = &design.parameters;
    let metric = metric_text(design, texts);
    let split = texts.fill(
        "design_holdout.split_value",
        &[
            ("treated", &texts.percent(parameters.treated_share, 1)),
            ("holdout", &texts.percent(parameters.holdout_share, 1)),
        ],
    );
    let subtitle = texts.fill(
        "design_holdout.html.subtitle",
        &[("metric", &metric), ("split", &split)],
    );
    let mut page = Page::new(texts, texts.t("design_holdout.title"), &subtitle);

    page.answer(
        texts.t("html.answer.heading"),
        Tone::Neutral,
        &headline(design, texts),
        answer_details(design, texts),
    );
    page.section(
        "design",
        texts.t("design_holdout.html.section_design"),
        design_table(design, texts),
    );
    page.section(
        "method",
        texts.t("html.section.method"),
        method(design, texts),
    );
    if let Some(evaluations) = evaluations(design, texts) {
        page.section(
            "simulation",
            texts.t("design_holdout.html.section_simulation"),
            evaluations,
        );
    }
    if !charts.is_empty() {
        let mut figures = Html::new();
        for chart in charts {
            let caption = match chart.name.as_str() {
                crate::design::holdout::charts::POWER_CURVE_STEM => {
                    Some(texts.t("design_holdout.html.chart_caption"))
                }
                _ => None,
            };
            figures.push(figure(&chart.svg, caption));
        }
        page.section("charts", texts.t("html.section.charts"), figures);
    }
    page.section(
        "warnings",
        texts.t("html.section.warnings"),
        warnings_list(texts, &design.warnings),
    );
    let inputs = if design.inputs.is_empty() {
        paragraph(texts.t("design_holdout.html.no_inputs"))
    } else {
        inputs_table(texts, &design.inputs)
    };
    page.section("inputs", texts.t("html.section.inputs"), inputs);
    page.section(
        "parameters",
        texts.t("html.section.parameters"),
        parameters_list(design, texts),
    );
    page.footer(json_footer(
        texts,
        &design.tool,
        &design.schema_version,
        DESIGN_FILE,
    ));
    page.finish()
}

fn is_proportion(design: &HoldoutDesign) -> bool {
    design.parameters.metric_kind == "proportion"
}

/// Describes the metric in a few words, as the terminal table does.
fn metric_text(design: &HoldoutDesign, texts: &Texts) -> String {
    let parameters = &design.parameters;
    if is_proportion(design) {
        texts.fill(
            "design_holdout.metric_rate",
            &[("rate", &texts.percent(parameters.baseline, 2))],
        )
    } else {
        texts.fill(
            "design_holdout.metric_mean",
            &[
                ("name", &metric_name(design, texts)),
                ("mean", &texts.number(parameters.baseline, 4)),
                ("sd", &texts.number(parameters.sd.unwrap_or_default(), 4)),
            ],
        )
    }
}

fn metric_name(design: &HoldoutDesign, texts: &Texts) -> String {
    design
        .parameters
        .metric
        .clone()
        .unwrap_or_else(|| texts.t("design_holdout.outcome").to_string())
}

/// Formats a rate as a percentage, or a mean in metric units per user.
fn level_text(design: &HoldoutDesign, value: f64, texts: &Texts) -> String {
    if is_proportion(design) {
        texts.percent(value, 2)
    } else {
        texts.fill(
            "design_holdout.per_user",
            &[("amount", &texts.number(value, 4))],
        )
    }
}

fn design_effect(design: &HoldoutDesign, texts: &Texts) -> String {
    let analytic = &design.analytic;
    effect_text(
        analytic.effect_absolute,
        analytic.effect_relative,
        is_proportion(design),
        texts,
    )
}

/// Words the headline: the quantity that was computed, with the two that were given.
fn headline(design: &HoldoutDesign, texts: &Texts) -> String {
    let analytic = &design.analytic;
    let total = texts.number(analytic.users_total as f64, 0);
    let effect = design_effect(design, texts);
    let power = texts.percent(analytic.power, 0);
    match design.solved_for.as_str() {
        "users" => texts.fill(
            "design_holdout.html.headline_users",
            &[
                ("total", &total),
                ("treated", &texts.number(analytic.treated_users as f64, 0)),
                ("holdout", &texts.number(analytic.holdout_users as f64, 0)),
                ("effect", &effect),
                ("power", &power),
            ],
        ),
        "mde" => texts.fill(
            "design_holdout.html.headline_mde",
            &[("total", &total), ("power", &power), ("effect", &effect)],
        ),
        _ if analytic.power < design.parameters.target_power => texts.fill(
            "design_holdout.html.headline_power_low",
            &[
                ("total", &total),
                ("effect", &effect),
                ("power", &power),
                ("target", &texts.percent(design.parameters.target_power, 0)),
            ],
        ),
        _ => texts.fill(
            "design_holdout.html.headline_power",
            &[("total", &total), ("effect", &effect), ("power", &power)],
        ),
    }
}

fn test_text(design: &HoldoutDesign, texts: &Texts) -> String {
    let parameters = &design.parameters;
    let sides = match parameters.alternative.as_str() {
        "larger" => texts.t("design_holdout.one_sided_larger"),
        "smaller" => texts.t("design_holdout.one_sided_smaller"),
        _ => texts.t("design_holdout.two_sided"),
    };
    texts.fill(
        "design_holdout.test_value",
        &[
            ("sides", &sides),
            ("alpha", &texts.percent(parameters.alpha, 1)),
        ],
    )
}

fn answer_details(design: &HoldoutDesign, texts: &Texts) -> Html {
    let parameters = &design.parameters;
    let analytic = &design.analytic;
    let proportion = is_proportion(design);
    let mut details = Html::new();

    details.push(paragraph(&texts.fill(
        "design_holdout.html.power_meaning",
        &[
            ("power", &texts.percent(analytic.power, 0)),
            ("effect", &design_effect(design, texts)),
            ("from", &level_text(design, parameters.baseline, texts)),
            ("to", &level_text(design, analytic.treated_value, texts)),
            ("test", &test_text(design, texts)),
            ("miss", &texts.percent(1.0 - analytic.power, 0)),
        ],
    )));
    if let Some(mde) = analytic.mde_absolute {
        details.push(paragraph(&texts.fill(
            "design_holdout.html.mde_meaning",
            &[
                ("target", &texts.percent(parameters.target_power, 0)),
                (
                    "mde",
                    &effect_text(mde, analytic.mde_relative, proportion, texts),
                ),
            ],
        )));
    }

    if let Some(simulation) = &design.simulation {
        let relative = parameters.effect_scale == "relative";
        if let Some(power) = &simulation.power {
            let mut text = texts.fill(
                "design_holdout.html.simulation_power",
                &[
                    ("units", &texts.number(simulation.units as f64, 0)),
                    ("power", &texts.percent(power.power, 1)),
                    ("error", &texts.percent(power.standard_error, 1)),
                    (
                        "effect",
                        &scaled_effect(power.effect, relative, proportion, texts),
                    ),
                    (
                        "replications",
                        &texts.number(simulation.replications as f64, 0),
                    ),
                ],
            );
            if let Some(analytic_power) = simulation.analytic_power {
                text.push(' ');
                text.push_str(&texts.fill(
                    "design_holdout.html.analytic_comparison",
                    &[("power", &texts.percent(analytic_power, 1))],
                ));
            }
            details.push(paragraph(&text));
        }
        if let Some(mde) = &simulation.mde {
            details.push(paragraph(&texts.fill(
                "design_holdout.html.simulation_mde",
                &[
                    (
                        "effect",
                        &scaled_effect(mde.effect, relative, proportion, texts),
                    ),
                    ("power", &texts.percent(mde.target_power, 0)),
                    (
                        "below",
                        &scaled_effect(mde.effect_below, relative, proportion, texts),
                    ),
                ],
            )));
        }
    }

    let mut money = Html::new();
    money.push_element("h3", texts.t("design_holdout.html.cost_heading"));
    money.push(paragraph(&cost_text(design, texts)));
    if proportion && design.cost.forgone_value.is_none() {
        money.push(paragraph(texts.t("design_holdout.html.cost_no_value")));
    }
    money.push(paragraph(texts.t("design_holdout.html.cost_tradeoff")));
    details.push_wrapped("div", "money", money);
    details
}

/// Words the outcome the holdout forgoes at the design's effect, or keeps when the effect is
/// negative.
fn cost_text(design: &HoldoutDesign, texts: &Texts) -> String {
    let cost = &design.cost;
    let users = texts.number(cost.holdout_users as f64, 0);
    let forgone = cost.forgone_outcome;
    let kept = forgone < 0.0;
    if is_proportion(design) {
        let conversions = texts.number(forgone.abs(), 1);
        match (
            kept,
            cost.forgone_value,
            design.parameters.value_per_conversion,
        ) {
            (true, _, _) => texts.fill(
                "design_holdout.html.cost_kept_conversions",
                &[("users", &users), ("conversions", &conversions)],
            ),
            (false, Some(value), Some(per)) => texts.fill(
                "design_holdout.html.cost_conversions_value",
                &[
                    ("users", &users),
                    ("conversions", &conversions),
                    ("value", &texts.amount(value)),
                    ("per", &texts.amount(per)),
                ],
            ),
            (false, _, _) => texts.fill(
                "design_holdout.html.cost_conversions",
                &[("users", &users), ("conversions", &conversions)],
            ),
        }
    } else {
        let values: [(&str, &dyn std::fmt::Display); 3] = [
            ("users", &users),
            ("amount", &texts.amount(forgone.abs())),
            ("name", &metric_name(design, texts)),
        ];
        if kept {
            texts.fill("design_holdout.html.cost_kept_metric", &values)
        } else {
            texts.fill("design_holdout.html.cost_metric", &values)
        }
    }
}

fn design_table(design: &HoldoutDesign, texts: &Texts) -> Html {
    let mut table = Table::new(
        &[
            texts.t("design_holdout.html.item"),
            texts.t("design_holdout.html.value"),
        ],
        &[false, false],
    );
    for (label, value) in design_rows(design, texts) {
        table.row(&[&label, &value]);
    }
    table.render()
}

fn method(design: &HoldoutDesign, texts: &Texts) -> Html {
    let mut content = Html::new();
    let analytic = match design.analytic.method.as_str() {
        "normal_pooled" => texts.t("design_holdout.html.method_normal_pooled"),
        "normal_equal_variance" => texts.t("design_holdout.html.method_normal_equal_variance"),
        _ => texts.t("design_holdout.html.method_normal_unpooled"),
    };
    content.push(paragraph(analytic));
    content.push(paragraph(texts.t("design_holdout.html.method_solved")));
    if let Some(simulation) = &design.simulation {
        let injection = match simulation.injection.as_str() {
            "multiply" => texts.t("design_holdout.html.injection_multiply"),
            "switch" => texts.t("design_holdout.html.injection_switch"),
            _ => texts.t("design_holdout.html.injection_add"),
        };
        let interval_method = format!("{}_bootstrap_{}", simulation.scheme, simulation.interval);
        content.push(paragraph(&texts.fill(
            "design_holdout.html.method_simulation",
            &[
                (
                    "replications",
                    &texts.number(simulation.replications as f64, 0),
                ),
                ("units", &texts.number(simulation.units as f64, 0)),
                ("treated", &texts.number(simulation.treated_units as f64, 0)),
                ("holdout", &texts.number(simulation.holdout_units as f64, 0)),
                ("injection", &injection),
                ("level", &level_label(texts, simulation.level)),
                ("method", &method_name(texts, &interval_method)),
                ("resamples", &texts.number(simulation.resamples as f64, 0)),
            ],
        )));
    }
    content
}

/// Renders the simulated powers by effect, or returns `None` without a simulation.
fn evaluations(design: &HoldoutDesign, texts: &Texts) -> Option<Html> {
    let simulation = design.simulation.as_ref()?;
    let relative = design.parameters.effect_scale == "relative";
    let proportion = is_proportion(design);
    let mut estimates: Vec<_> = simulation.power.iter().collect();
    if let Some(mde) = &simulation.mde {
        estimates.extend(mde.evaluations.iter());
    }
    if estimates.is_empty() {
        return None;
    }
    // The search can evaluate an effect twice, and each effect is shown once.
    estimates.sort_by(|a, b| a.effect.total_cmp(&b.effect));
    estimates.dedup_by(|a, b| a.effect == b.effect);
    let mut table = Table::new(
        &[
            texts.t("design_holdout.html.effect"),
            texts.t("design_holdout.html.power"),
            texts.t("design_holdout.html.significant"),
            texts.t("design_holdout.html.undefined"),
        ],
        &[false, true, true, true],
    );
    for estimate in estimates {
        table.row(&[
            &scaled_effect(estimate.effect, relative, proportion, texts),
            &format!(
                "{} ± {}",
                texts.percent(estimate.power, 1),
                texts.percent(estimate.standard_error, 1)
            ),
            &format!(
                "{} / {}",
                texts.number(estimate.significant as f64, 0),
                texts.number(simulation.replications as f64, 0)
            ),
            &texts.number(estimate.undefined as f64, 0),
        ]);
    }
    let intro = if simulation.mde.is_some() {
        texts.t("design_holdout.html.evaluations_intro")
    } else {
        texts.t("design_holdout.html.evaluations_intro_given")
    };
    let mut content = paragraph(intro);
    content.push(table.render());
    Some(content)
}

fn parameters_list(design: &HoldoutDesign, texts: &Texts) -> Html {
    let parameters = &design.parameters;
    let number = |value: f64| code(&value.to_string());
    let optional = |value: Option<f64>| match value {
        Some(value) => code(&value.to_string()),
        None => Html::text(texts.t("html.not_set")),
    };
    let mut items = Vec::new();
    match (&parameters.metric, design.inputs.first()) {
        (Some(metric), Some(history)) => {
            items.push(("--history".to_string(), code(&history.path)));
            items.push(("--metric".to_string(), code(metric)));
        }
        _ if is_proportion(design) => {
            items.push(("--baseline-rate".to_string(), number(parameters.baseline)));
        }
        _ => {
            items.push(("--baseline-mean".to_string(), number(parameters.baseline)));
            items.push(("--sd".to_string(), optional(parameters.sd)));
        }
    }
    items.push(("--mde".to_string(), optional(parameters.effect)));
    items.push((
        "--relative".to_string(),
        Html::text(super::blocks::yes_no(
            texts,
            parameters.effect_scale == "relative",
        )),
    ));
    items.push(("--users".to_string(), optional(parameters.users)));
    items.push(("--power".to_string(), number(parameters.target_power)));
    items.push(("--alpha".to_string(), number(parameters.alpha)));
    items.push((
        "--split".to_string(),
        code(&format!(
            "{}:{}",
            round_share(parameters.treated_share),
            round_share(parameters.holdout_share)
        )),
    ));
    items.push(("--alternative".to_string(), code(&parameters.alternative)));
    if let Some(null_variance) = &parameters.null_variance {
        items.push(("--null-variance".to_string(), code(null_variance)));
    }
    if is_proportion(design) {
        items.push((
            "--value-per-conversion".to_string(),
            optional(parameters.value_per_conversion),
        ));
    }
    if let Some(simulation) = &design.simulation {
        items.push((
            "--replications".to_string(),
            code(&simulation.replications.to_string()),
        ));
        items.push((
            "--resamples".to_string(),
            code(&simulation.resamples.to_string()),
        ));
        items.push(("--seed".to_string(), code(&simulation.seed.to_string())));
    }
    let mut content = paragraph(texts.t("html.parameters.intro"));
    content.push(definition_list(&items));
    content
}

/// Formats a share as a percentage without floating-point noise, e.g. 0.09999999999999998 as 10.
fn round_share(share: f64) -> String {
    let percent = (share * 1e6).round() / 1e4;
    percent.to_string()
}
