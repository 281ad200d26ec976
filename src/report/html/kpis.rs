//! The HTML page of `liftlab kpis`. It opens with the verdicts of each funnel row, and for a
//! channel that a lift test measured, its incremental CAC and iROAS with their intervals beside
//! the platform's own figures. Every KPI per row and in total, the lift reports, charts and
//! warnings follow.

use super::InlineChart;
use super::blocks::{capitalise, json_footer, level_label};
use super::page::{Html, Page, Table, Tone, code, definition_list, escape, figure, paragraph};
use crate::i18n::Texts;
use crate::kpi::analysis::{find_kpi, undefined_text, warning_action, warning_text};
use crate::kpi::summary::{format_value, kpi_name};
use crate::kpi::verdict::verdict_text;
use crate::kpi::{KpiInterval, KpiValue, KpiVerdict, KpisReport, LiftLink, RowKpis};

/// File name of the JSON file the page renders.
pub const KPIS_FILE: &str = "kpis.json";

/// Codes of the verdict on the incrementality factor, one per row with a lift report.
const INCREMENTALITY_CODES: [&str; 3] = ["incremental", "harmful", "not_incremental"];

/// KPIs on the platform's credit and their lift-adjusted counterparts, compared first on the
/// page.
const COMPARED: [(Option<&str>, &str); 6] = [
    (None, "incrementality_factor"),
    (Some("reported_cpa"), "incremental_cpa"),
    (Some("cac"), "incremental_cac"),
    (Some("reported_roas"), "iroas"),
    (Some("poas"), "incremental_poas"),
    (Some("ltv_to_cac"), "adjusted_ltv_to_cac"),
];

/// KPIs shown for a row that no lift test measured.
const KEY_FIGURES: [&str; 4] = ["cac", "roas", "reported_roas", "break_even_roas"];

/// Renders the page of a KPI report with its charts inlined, in the language of `texts`.
pub fn render_kpis_html(report: &KpisReport, charts: &[InlineChart], texts: &Texts) -> String {
    let funnel = report
        .inputs
        .first()
        .map(|input| input.path.as_str())
        .unwrap_or_default();
    let subtitle = texts.fill(
        "kpis.html.subtitle",
        &[
            ("funnel", &funnel),
            ("rows", &report.rows.len()),
            ("lifts", &report.lifts.len()),
        ],
    );
    let mut page = Page::new(texts, texts.t("kpis.title"), &subtitle);

    let (tone, headline) = headline(report, texts);
    page.answer(
        texts.t("html.answer.heading"),
        tone,
        &headline,
        answer_details(report, texts),
    );
    page.section(
        "lifts",
        texts.t("kpis.html.section_lifts"),
        lifts(report, texts),
    );
    page.section(
        "kpis",
        texts.t("kpis.html.section_kpis"),
        kpi_table(report, texts),
    );
    if report.rows.iter().any(|row| !row.adjusted.is_empty()) {
        page.section(
            "adjusted",
            texts.t("kpis.html.section_adjusted"),
            adjusted(report, texts),
        );
    }
    if !report.clusters.is_empty() {
        page.section(
            "clusters",
            texts.t("kpis.html.section_clusters"),
            clusters(report, texts),
        );
    }
    if !charts.is_empty() {
        let mut figures = Html::new();
        for chart in charts {
            let caption = match chart.name.as_str() {
                "roas_reported_vs_incremental" => Some(texts.t("kpis.html.chart_roas")),
                "cac_vs_ltv" => Some(texts.t("kpis.html.chart_cac")),
                "funnel" => Some(texts.t("kpis.html.chart_funnel")),
                _ => None,
            };
            figures.push(figure(&chart.svg, caption));
        }
        page.section("charts", texts.t("html.section.charts"), figures);
    }
    page.section(
        "warnings",
        texts.t("kpis.html.section_notes"),
        warnings(report, texts),
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
    page.footer(json_footer(
        texts,
        &report.tool,
        &report.schema_version,
        KPIS_FILE,
    ));
    page.finish()
}

/// Returns the verdict of a row on its incrementality factor, when a lift test measured it.
fn incrementality_verdict(row: &RowKpis) -> Option<&KpiVerdict> {
    row.verdicts
        .iter()
        .find(|verdict| INCREMENTALITY_CODES.contains(&verdict.code.as_str()))
}

fn tone_of_kind(kind: &str) -> Tone {
    match kind {
        "positive" => Tone::Positive,
        "negative" => Tone::Negative,
        _ => Tone::Inconclusive,
    }
}

/// Returns the answer's tone and headline: the incrementality verdict of each measured channel.
fn headline(report: &KpisReport, texts: &Texts) -> (Tone, String) {
    if report.lifts.is_empty() {
        return (
            Tone::Neutral,
            texts.t("kpis.html.headline_no_lift").to_string(),
        );
    }
    let mut parts = Vec::new();
    let mut kinds = Vec::new();
    for link in &report.lifts {
        // Every row of a channel shares the channel's factor, so its first row speaks for it.
        let verdict = report
            .rows
            .iter()
            .find(|row| row.channel.as_deref() == Some(link.channel.as_str()))
            .and_then(incrementality_verdict);
        let short = match verdict.map(|verdict| verdict.code.as_str()) {
            Some("incremental") => texts.t("kpis.html.short_incremental"),
            Some("harmful") => texts.t("kpis.html.short_harmful"),
            Some("not_incremental") => texts.t("kpis.html.short_not_incremental"),
            _ => texts.t("kpis.html.short_no_interval"),
        };
        kinds.push(verdict.map_or("inconclusive", |verdict| verdict.kind.as_str()));
        parts.push(texts.fill(
            "kpis.html.headline_channel",
            &[("channel", &link.channel), ("verdict", &short)],
        ));
    }
    let tone = if kinds.iter().all(|kind| *kind == kinds[0]) {
        tone_of_kind(kinds[0])
    } else {
        Tone::Inconclusive
    };
    (tone, parts.join("; "))
}

/// Renders a KPI verdict in its colour, and an `info` verdict in the text colour.
fn verdict_item(verdict: &KpiVerdict, texts: &Texts) -> Html {
    let class = match verdict.kind.as_str() {
        "positive" => "verdict verdict-positive",
        "negative" => "verdict verdict-negative",
        "inconclusive" => "verdict verdict-inconclusive",
        _ => "verdict verdict-info",
    };
    let mut item = Html::new();
    item.push_wrapped(
        "span",
        class,
        Html::text(&capitalise(&verdict_text(verdict, texts))),
    );
    item
}

fn row_heading(row: &RowKpis, texts: &Texts) -> String {
    match (row.line, &row.period_start, &row.period_end) {
        (Some(line), Some(start), Some(end)) => texts.fill(
            "kpis.summary.row_heading_period",
            &[
                ("label", &row.label),
                ("line", &line),
                ("start", start),
                ("end", end),
            ],
        ),
        (Some(line), _, _) => texts.fill(
            "kpis.summary.row_heading",
            &[("label", &row.label), ("line", &line)],
        ),
        _ => texts.t("kpis.summary.total_heading").to_string(),
    }
}

fn answer_details(report: &KpisReport, texts: &Texts) -> Html {
    let mut details = Html::new();
    if let Some(link) = report.lifts.first() {
        details.push(paragraph(&texts.fill(
            "kpis.html.answer_intro",
            &[("level", &level_label(texts, link.level))],
        )));
    }
    for row in &report.rows {
        details.push_element("h3", &row_heading(row, texts));
        let mut list = String::from("<ul class=\"verdicts\">");
        for verdict in &row.verdicts {
            list.push_str("<li>");
            list.push_str(verdict_item(verdict, texts).as_str());
            list.push_str("</li>");
        }
        list.push_str("</ul>");
        details.push(Html::raw(list));
        if row.adjusted.is_empty() {
            details.push(key_figures(row, texts));
        } else {
            details.push(comparison_table(row, texts));
        }
    }

    let mut money = Html::new();
    money.push_element("h3", texts.t("kpis.html.money_heading"));
    money.push(paragraph(texts.t("kpis.html.money_meaning")));
    details.push_wrapped("div", "money", money);
    details
}

/// Renders a line of the row's CAC and ROAS figures, for a row without a lift test.
fn key_figures(row: &RowKpis, texts: &Texts) -> Html {
    let figures: Vec<String> = KEY_FIGURES
        .iter()
        .filter_map(|kpi| find_kpi(&row.kpis, kpi))
        .map(|value| {
            format!(
                "{} {}",
                kpi_name(&value.kpi, texts),
                point_text(value, texts)
            )
        })
        .collect();
    if figures.is_empty() {
        return Html::new();
    }
    Html::raw(format!(
        "<p class=\"note\">{}: {}</p>",
        escape(texts.t("kpis.html.key_figures")),
        escape(&figures.join(" · "))
    ))
}

/// Renders the platform's figures beside the lift-adjusted ones, with their intervals.
fn comparison_table(row: &RowKpis, texts: &Texts) -> Html {
    let level = row
        .adjusted
        .iter()
        .find_map(|value| value.interval.as_ref())
        .map(|interval| level_label(texts, interval.level))
        .unwrap_or_else(|| texts.t("kpis.html.compare_interval").to_string());
    let mut table = Table::new(
        &[
            texts.t("kpis.html.compare_kpi"),
            texts.t("kpis.html.compare_platform"),
            texts.t("kpis.html.compare_measured"),
            &level,
        ],
        &[false, true, true, true],
    );
    for (platform, measured) in COMPARED {
        let Some(adjusted) = find_kpi(&row.adjusted, measured) else {
            continue;
        };
        let platform_cell = match platform {
            Some(kpi) => find_kpi(&row.kpis, kpi)
                .map(|value| value_cell(value, texts))
                .unwrap_or_else(|| Html::text("–")),
            None => Html::text(texts.t("kpis.html.full_credit")),
        };
        let interval = adjusted
            .interval
            .as_ref()
            .map(|interval| interval_text(interval, &adjusted.unit, texts))
            .unwrap_or_default();
        let label = match measured {
            "incremental_cpa" => texts.t("kpis.html.pair_cpa"),
            "incremental_cac" => texts.t("kpis.html.pair_cac"),
            "iroas" => texts.t("kpis.html.pair_roas"),
            "incremental_poas" => texts.t("kpis.html.pair_poas"),
            "adjusted_ltv_to_cac" => texts.t("kpis.html.pair_ltv_to_cac"),
            _ => texts.t("kpis.html.pair_factor"),
        };
        table.row_html(vec![
            Html::text(label),
            platform_cell,
            value_cell(adjusted, texts),
            Html::text(&interval),
        ]);
    }
    let mut content = table.render();
    if let Some(break_even) = find_kpi(&row.kpis, "break_even_roas").and_then(|value| value.point) {
        content.push(paragraph(&texts.fill(
            "kpis.html.break_even",
            &[("break_even", &texts.number(break_even, 2))],
        )));
    }
    content
}

fn point_text(value: &KpiValue, texts: &Texts) -> String {
    match value.point {
        Some(point) => format_value(point, &value.unit, texts),
        None => texts.t("common.undefined").to_string(),
    }
}

/// Renders a KPI's point, or "undefined" with the reason under it.
fn value_cell(value: &KpiValue, texts: &Texts) -> Html {
    match (&value.point, &value.undefined) {
        (None, Some(reason)) => Html::raw(format!(
            "{}<br><span class=\"note\">{}</span>",
            escape(texts.t("common.undefined")),
            escape(&undefined_text(reason, texts))
        )),
        _ => Html::text(&point_text(value, texts)),
    }
}

/// Formats an interval's ends in the KPI's format, a missing end as unbounded.
fn interval_text(interval: &KpiInterval, unit: &str, texts: &Texts) -> String {
    let end = |value: Option<f64>| match value {
        Some(value) => format_value(value, unit, texts),
        None => texts.t("kpis.html.unbounded").to_string(),
    };
    texts.fill(
        "html.interval.range",
        &[
            ("lower", &end(interval.lower)),
            ("upper", &end(interval.upper)),
        ],
    )
}

fn estimate_text(value: &KpiValue, texts: &Texts) -> String {
    match &value.interval {
        Some(interval) => format!(
            "{} ({} {})",
            point_text(value, texts),
            level_label(texts, interval.level),
            interval_text(interval, &value.unit, texts)
        ),
        None => point_text(value, texts),
    }
}

fn lifts(report: &KpisReport, texts: &Texts) -> Html {
    if report.lifts.is_empty() {
        return paragraph(texts.t("kpis.html.no_lifts"));
    }
    let mut content = paragraph(texts.t("kpis.html.lifts_intro"));
    for link in &report.lifts {
        content.push_element(
            "h3",
            &texts.fill(
                "kpis.html.lift_heading",
                &[("channel", &link.channel), ("title", &link.title)],
            ),
        );
        content.push(definition_list(&lift_items(link, texts)));
    }
    content
}

fn lift_items(link: &LiftLink, texts: &Texts) -> Vec<(String, Html)> {
    let kind = match link.report_kind.as_str() {
        "geo" => texts.t("kpis.html.lift_kind_geo"),
        "holdout" => texts.t("kpis.html.lift_kind_holdout"),
        other => other,
    };
    let mut report_cell = code(&link.report.path);
    report_cell.push(Html::text(&format!(" ({kind})")));
    let mut items = vec![(texts.t("kpis.html.lift_report").to_string(), report_cell)];
    if let Some(treatment) = &link.treatment {
        items.push((
            texts.t("kpis.html.lift_treatment").to_string(),
            code(treatment),
        ));
    }
    if let Some(source) = &link.conversions_from {
        items.push((
            texts.t("kpis.html.lift_conversions_from").to_string(),
            code(source),
        ));
    }
    if let Some(source) = &link.revenue_from {
        items.push((
            texts.t("kpis.html.lift_revenue_from").to_string(),
            code(source),
        ));
    }
    items.push((
        texts.t("kpis.html.lift_level").to_string(),
        Html::text(&texts.percent(link.level, 0)),
    ));
    items.push((
        texts.t("kpis.html.lift_draws").to_string(),
        Html::text(&texts.number(link.draws as f64, 0)),
    ));
    let window = match (&link.window_start, &link.window_end, link.window_days) {
        (Some(start), Some(end), Some(days)) => Some(texts.fill(
            "kpis.html.lift_window_value",
            &[("start", start), ("end", end), ("days", &days)],
        )),
        (_, _, Some(days)) => Some(texts.fill("kpis.html.lift_window_days", &[("days", &days)])),
        _ => None,
    };
    if let Some(window) = window {
        items.push((
            texts.t("kpis.html.lift_window").to_string(),
            Html::text(&window),
        ));
    }
    if let Some(days) = link.funnel_days {
        items.push((
            texts.t("kpis.html.lift_funnel_days").to_string(),
            Html::text(&texts.fill("kpis.html.lift_window_days", &[("days", &days)])),
        ));
    }
    items.push((
        texts.t("kpis.html.lift_scale").to_string(),
        Html::text(&texts.number(link.scale, 4)),
    ));
    let quantities = [
        (
            &link.incremental_conversions,
            texts.t("kpis.html.lift_incremental_conversions"),
        ),
        (
            &link.incremental_revenue,
            texts.t("kpis.html.lift_incremental_revenue"),
        ),
        (&link.relative_lift, texts.t("kpis.html.lift_relative")),
    ];
    for (value, label) in quantities {
        if let Some(value) = value {
            items.push((label.to_string(), Html::text(&estimate_text(value, texts))));
        }
    }
    items
}

/// Renders every KPI with one column per funnel row and one for the total.
fn kpi_table(report: &KpisReport, texts: &Texts) -> Html {
    let rows: Vec<&RowKpis> = report
        .rows
        .iter()
        .chain(std::iter::once(&report.total))
        .collect();
    let labels: Vec<String> = rows
        .iter()
        .map(|row| match row.line {
            Some(_) => row.label.clone(),
            None => texts.t("kpis.html.total").to_string(),
        })
        .collect();
    let mut headers = vec![texts.t("kpis.html.compare_kpi")];
    headers.extend(labels.iter().map(String::as_str));
    let mut numeric = vec![false];
    numeric.extend(rows.iter().map(|_| true));
    let mut table = Table::new(&headers, &numeric).with_class("compact");

    // The KPIs in the order of the first row that has them.
    let mut names: Vec<&str> = Vec::new();
    for row in &rows {
        for value in &row.kpis {
            if !names.contains(&value.kpi.as_str()) {
                names.push(&value.kpi);
            }
        }
    }
    for name in names {
        let mut cells = vec![Html::text(&kpi_name(name, texts))];
        for row in &rows {
            cells.push(match find_kpi(&row.kpis, name) {
                Some(value) => value_cell(value, texts),
                None => Html::text("–"),
            });
        }
        table.row_html(cells);
    }
    let mut content = paragraph(texts.t("kpis.html.kpis_intro"));
    content.push(table.render());
    content
}

fn adjusted(report: &KpisReport, texts: &Texts) -> Html {
    let mut content = Html::new();
    for row in report.rows.iter().filter(|row| !row.adjusted.is_empty()) {
        content.push_element("h3", &row_heading(row, texts));
        content.push(paragraph(
            &texts.fill("kpis.html.adjusted_intro", &[("label", &row.label)]),
        ));
        let level = row
            .adjusted
            .iter()
            .find_map(|value| value.interval.as_ref())
            .map(|interval| level_label(texts, interval.level))
            .unwrap_or_else(|| texts.t("kpis.html.compare_interval").to_string());
        let mut table = Table::new(
            &[
                texts.t("kpis.html.compare_kpi"),
                texts.t("kpis.html.compare_measured"),
                &level,
                texts.t("kpis.html.draws_without_value"),
            ],
            &[false, true, true, true],
        )
        .with_class("compact");
        for value in &row.adjusted {
            let interval = value
                .interval
                .as_ref()
                .map(|interval| interval_text(interval, &value.unit, texts))
                .unwrap_or_default();
            table.row_html(vec![
                Html::text(&kpi_name(&value.kpi, texts)),
                value_cell(value, texts),
                Html::text(&interval),
                Html::text(&texts.number(value.draws_without_value as f64, 0)),
            ]);
        }
        content.push(table.render());
    }
    content
}

fn clusters(report: &KpisReport, texts: &Texts) -> Html {
    let mut table = Table::new(
        &[
            texts.t("kpis.html.cluster"),
            texts.t("kpis.html.conversions"),
            texts.t("kpis.html.visitors"),
            texts.t("kpis.html.rate"),
            texts.t("kpis.html.target"),
            texts.t("kpis.html.meets"),
        ],
        &[false, true, true, true, true, false],
    );
    for cluster in &report.clusters {
        let target = cluster.target.map_or_else(
            || texts.t("kpis.html.no_target").to_string(),
            |target| texts.percent(target, 2),
        );
        let meets = match cluster.meets_target {
            Some(true) => texts.t("html.yes"),
            Some(false) => texts.t("html.no"),
            None => "–",
        };
        table.row_html(vec![
            Html::text(&cluster.cluster),
            Html::text(&texts.number(cluster.conversions, 0)),
            Html::text(&texts.number(cluster.visitors, 0)),
            value_cell(&cluster.conversion_rate, texts),
            Html::text(&target),
            Html::text(meets),
        ]);
    }
    table.render()
}

fn warnings(report: &KpisReport, texts: &Texts) -> Html {
    if report.warnings.is_empty() && report.left_out.is_empty() {
        let mut none = Html::new();
        none.push_wrapped("p", "ok", Html::text(texts.t("html.warnings.none")));
        return none;
    }
    let mut markup = String::from("<ul class=\"warnings\">");
    for warning in &report.warnings {
        markup.push_str(&format!(
            "<li><strong>{}</strong> <code>{}</code><span class=\"action\">{} {}</span></li>",
            escape(&capitalise(&warning_text(warning, texts))),
            escape(&warning.code),
            escape(texts.t("html.warnings.what_to_do")),
            escape(warning_action(warning, texts)),
        ));
    }
    for item in &report.left_out {
        markup.push_str(&format!(
            "<li>{} {}</li>",
            escape(texts.t("kpis.html.note_label")),
            escape(&capitalise(&texts.fill(
                "kpis.summary.left_out",
                &[
                    ("kpi", &kpi_name(&item.kpi, texts)),
                    ("columns", &item.missing_columns.join(", ")),
                ],
            ))),
        ));
    }
    markup.push_str("</ul>");
    Html::raw(markup)
}

fn inputs(report: &KpisReport, texts: &Texts) -> Html {
    let mut table = Table::new(
        &[
            texts.t("html.inputs.file"),
            texts.t("kpis.html.input_role"),
            texts.t("html.inputs.rows"),
            texts.t("html.inputs.sha256"),
        ],
        &[false, false, true, false],
    );
    for (index, input) in report.inputs.iter().enumerate() {
        // The funnel comes first, and each lift report follows in the order of its link.
        let link = report
            .lifts
            .iter()
            .find(|link| link.report.path == input.path && link.report.sha256 == input.sha256);
        let (role, rows) = match (index, link) {
            (0, _) => (
                texts.t("kpis.html.role_funnel").to_string(),
                texts.number(input.rows as f64, 0),
            ),
            (_, Some(link)) => (
                texts.fill("kpis.html.role_lift", &[("channel", &link.channel)]),
                texts.t("kpis.html.rows_not_counted").to_string(),
            ),
            (_, None) => (String::new(), texts.number(input.rows as f64, 0)),
        };
        table.row_html(vec![
            code(&input.path),
            Html::text(&role),
            Html::text(&rows),
            Html::raw(format!(
                "<code class=\"hash\">{}</code>",
                escape(&input.sha256)
            )),
        ]);
    }
    let mut content = table.render();
    content.push(super::page::note(texts.t("kpis.html.inputs_note")));
    content
}

fn parameters(report: &KpisReport, texts: &Texts) -> Html {
    let mut items = Vec::new();
    if let Some(funnel) = report.inputs.first() {
        items.push(("--funnel".to_string(), code(&funnel.path)));
    }
    for link in &report.lifts {
        let mut spec = format!("{}={}", link.channel, link.report.path);
        if let Some(treatment) = &link.treatment {
            spec.push_str(&format!(",treatment={treatment}"));
        }
        // The metrics read as conversions and revenue, so that the link can be typed again.
        if link.report_kind == "holdout" {
            if let Some(metric) = &link.conversions_from {
                spec.push_str(&format!(",conversions={metric}"));
            }
            if let Some(metric) = &link.revenue_from {
                spec.push_str(&format!(",revenue={metric}"));
            }
        } else if link.conversions_from.is_none()
            && link
                .revenue_from
                .as_deref()
                .is_some_and(|source| source.starts_with("kpi"))
        {
            spec.push_str(",kpi=revenue");
        }
        // NOTE: kpis.json does not store the users=N and days=N of a link, so they are missing
        // here; the lift section shows the scale they led to.
        items.push(("--lift".to_string(), code(&spec)));
    }
    let mut content = paragraph(texts.t("kpis.html.parameters_intro"));
    content.push(definition_list(&items));
    content
}
