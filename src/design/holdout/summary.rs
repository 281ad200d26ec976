//! The terminal table of a holdout design, in the reader's language.

use super::schema::{HoldoutDesign, PowerEstimate};
use crate::i18n::Texts;

/// Returns the design as a two-column table: what was assumed, and what was computed, marked.
pub fn design_summary(design: &HoldoutDesign, texts: &Texts) -> String {
    let rows = design_rows(design, texts);
    let width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = texts.t("design_holdout.title").to_string();
    for (label, value) in rows {
        let padding = width - label.chars().count();
        text.push_str(&format!("\n  {label}{}  {value}", " ".repeat(padding)));
    }
    for warning in &design.warnings {
        text.push_str(&format!(
            "\n{}: {}",
            texts.t("common.warning"),
            crate::report::localize::warning_message(warning, texts)
        ));
    }
    text
}

/// Returns the rows of the design table as label and value: the assumptions, the design with
/// the computed quantity marked, the cost and the simulation. The terminal and the HTML page
/// both show these rows.
pub fn design_rows(design: &HoldoutDesign, texts: &Texts) -> Vec<(String, String)> {
    let parameters = &design.parameters;
    let analytic = &design.analytic;
    let proportion = parameters.metric_kind == "proportion";
    let computed = |row: &str| -> String {
        if design.solved_for == row {
            format!("  ({})", texts.t("design_holdout.computed"))
        } else {
            String::new()
        }
    };
    let mut rows: Vec<(String, String)> = Vec::new();

    // Assumptions.
    let metric = match (&parameters.metric, proportion) {
        (_, true) => texts.fill(
            "design_holdout.metric_rate",
            &[("rate", &texts.percent(parameters.baseline, 2))],
        ),
        (name, false) => texts.fill(
            "design_holdout.metric_mean",
            &[
                (
                    "name",
                    &name
                        .clone()
                        .unwrap_or_else(|| texts.t("design_holdout.outcome").to_string()),
                ),
                ("mean", &texts.number(parameters.baseline, 4)),
                ("sd", &texts.number(parameters.sd.unwrap_or_default(), 4)),
            ],
        ),
    };
    rows.push((texts.t("design_holdout.metric").to_string(), metric));
    rows.push((
        texts.t("design_holdout.split").to_string(),
        texts.fill(
            "design_holdout.split_value",
            &[
                ("treated", &texts.percent(parameters.treated_share, 1)),
                ("holdout", &texts.percent(parameters.holdout_share, 1)),
            ],
        ),
    ));
    let sides = match parameters.alternative.as_str() {
        "larger" => texts.t("design_holdout.one_sided_larger"),
        "smaller" => texts.t("design_holdout.one_sided_smaller"),
        _ => texts.t("design_holdout.two_sided"),
    };
    rows.push((
        texts.t("design_holdout.test").to_string(),
        texts.fill(
            "design_holdout.test_value",
            &[
                ("sides", &sides),
                ("alpha", &texts.percent(parameters.alpha, 1)),
            ],
        ),
    ));

    // The design.
    rows.push((
        // With the power computed, the effect is the one given, not the MDE (a row below).
        format!(
            "{}{}",
            if design.solved_for == "power" {
                texts.t("design_holdout.effect_given")
            } else {
                texts.t("design_holdout.effect")
            },
            computed("mde")
        ),
        effect_text(
            analytic.effect_absolute,
            analytic.effect_relative,
            proportion,
            texts,
        ),
    ));
    rows.push((
        format!("{}{}", texts.t("design_holdout.power"), computed("power")),
        texts.percent(analytic.power, 1),
    ));
    if design.solved_for == "power"
        && let Some(mde) = analytic.mde_absolute
    {
        rows.push((
            texts.fill(
                "design_holdout.mde_at_target",
                &[("power", &texts.percent(parameters.target_power, 0))],
            ),
            effect_text(mde, analytic.mde_relative, proportion, texts),
        ));
    }
    rows.push((
        format!("{}{}", texts.t("design_holdout.users"), computed("users")),
        texts.fill(
            "design_holdout.users_value",
            &[
                ("total", &texts.number(analytic.users_total as f64, 0)),
                ("treated", &texts.number(analytic.treated_users as f64, 0)),
                ("holdout", &texts.number(analytic.holdout_users as f64, 0)),
            ],
        ),
    ));

    // The cost.
    let cost = &design.cost;
    // A negative effect makes the holdout keep outcome rather than forgo it.
    let forgone = cost.forgone_outcome;
    let mut cost_text = match (proportion, forgone < 0.0) {
        (true, false) => texts.fill(
            "design_holdout.cost_conversions",
            &[("conversions", &texts.number(forgone, 1))],
        ),
        (true, true) => texts.fill(
            "design_holdout.kept_conversions",
            &[("conversions", &texts.number(-forgone, 1))],
        ),
        (false, kept) => texts.fill(
            if kept {
                "design_holdout.kept_metric"
            } else {
                "design_holdout.cost_metric"
            },
            &[
                ("amount", &texts.amount(forgone.abs())),
                (
                    "name",
                    &parameters
                        .metric
                        .clone()
                        .unwrap_or_else(|| texts.t("design_holdout.outcome").to_string()),
                ),
            ],
        ),
    };
    if let (true, Some(value)) = (proportion, cost.forgone_value) {
        cost_text.push_str(&texts.fill(
            "design_holdout.cost_value",
            &[("value", &texts.amount(value.abs()))],
        ));
    }
    rows.push((texts.t("design_holdout.cost").to_string(), cost_text));

    // The simulation.
    if let Some(simulation) = &design.simulation {
        rows.push((
            texts.t("design_holdout.simulation").to_string(),
            texts.fill(
                "design_holdout.simulation_value",
                &[
                    (
                        "replications",
                        &texts.number(simulation.replications as f64, 0),
                    ),
                    ("units", &texts.number(simulation.units as f64, 0)),
                    ("resamples", &texts.number(simulation.resamples as f64, 0)),
                ],
            ),
        ));
        if let Some(power) = &simulation.power {
            rows.push((
                texts.t("design_holdout.simulated_power").to_string(),
                power_text(
                    power,
                    parameters.effect_scale == "relative",
                    proportion,
                    texts,
                ),
            ));
        }
        if let Some(analytic_power) = simulation.analytic_power {
            rows.push((
                texts.t("design_holdout.analytic_power_same").to_string(),
                texts.percent(analytic_power, 1),
            ));
        }
        if let Some(mde) = &simulation.mde {
            let relative = parameters.effect_scale == "relative";
            rows.push((
                texts.t("design_holdout.simulated_mde").to_string(),
                texts.fill(
                    "design_holdout.simulated_mde_value",
                    &[
                        (
                            "effect",
                            &scaled_effect(mde.effect, relative, proportion, texts),
                        ),
                        (
                            "below",
                            &scaled_effect(mde.effect_below, relative, proportion, texts),
                        ),
                        ("power", &texts.percent(mde.target_power, 0)),
                    ],
                ),
            ));
        }
    }

    rows
}

/// Writes an effect on both scales, e.g. "+5.0% relative (+0.10 percentage points)".
pub fn effect_text(
    absolute: f64,
    relative: Option<f64>,
    proportion: bool,
    texts: &Texts,
) -> String {
    let absolute_text = absolute_effect(absolute, proportion, texts);
    match relative {
        Some(relative) => texts.fill(
            "design_holdout.effect_value",
            &[
                ("relative", &texts.signed_percent(relative, 2)),
                ("absolute", &absolute_text),
            ],
        ),
        None => absolute_text,
    }
}

pub fn absolute_effect(absolute: f64, proportion: bool, texts: &Texts) -> String {
    if proportion {
        texts.fill(
            "design_holdout.points",
            &[(
                "points",
                &signed(texts.number(absolute * 100.0, 3), absolute),
            )],
        )
    } else {
        texts.fill(
            "design_holdout.per_user",
            &[("amount", &signed(texts.number(absolute, 4), absolute))],
        )
    }
}

pub fn scaled_effect(effect: f64, relative: bool, proportion: bool, texts: &Texts) -> String {
    if relative {
        texts.signed_percent(effect, 1)
    } else {
        absolute_effect(effect, proportion, texts)
    }
}

pub fn power_text(
    power: &PowerEstimate,
    relative: bool,
    proportion: bool,
    texts: &Texts,
) -> String {
    texts.fill(
        "design_holdout.simulated_power_value",
        &[
            ("power", &texts.percent(power.power, 1)),
            ("error", &texts.percent(power.standard_error, 1)),
            (
                "effect",
                &scaled_effect(power.effect, relative, proportion, texts),
            ),
        ],
    )
}

fn signed(text: String, value: f64) -> String {
    if value > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{text}")
    } else {
        text
    }
}
