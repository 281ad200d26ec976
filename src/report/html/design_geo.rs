//! The HTML page of a geo test design.

use super::InlineChart;
use super::blocks::{inputs_table, json_footer};
use super::page::{Html, Page, Table, Tone, definition_list, figure, note, paragraph};
use crate::design::geo::schema::GeoDesignReport;
use crate::design::geo::summary::{
    check_lines, overview_lines, recommendation_lines, shown_line, table_header, table_row,
    warning_messages,
};
use crate::i18n::Texts;

/// Designs listed in the table; design.json contains every one.
const LISTED_DESIGNS: usize = 10;

/// Renders the page of a geo design with its charts inlined, in the language of `texts`.
pub fn render_design_geo_html(
    report: &GeoDesignReport,
    charts: &[InlineChart],
    texts: &Texts,
) -> String {
    let subtitle = overview_lines(report, texts).join(" · ");
    let mut page = Page::new(texts, texts.t("design_geo.title"), &subtitle);

    // The recommendation first.
    let mut answer = Html::new();
    for line in recommendation_lines(report, texts).iter().skip(1) {
        answer.push(paragraph(line));
    }
    // Caveats belong on the first screen, beside the numbers they qualify.
    if let (Some(power), target) = (report.aa_check.power_at_mde, report.parameters.power)
        && power < target
    {
        answer.push(note(&texts.fill(
            "html_design_geo.answer.aa_power_low",
            &[
                ("power", &texts.percent(power, 0)),
                ("target", &texts.percent(target, 0)),
            ],
        )));
    }
    for message in warning_messages(report, texts) {
        answer.push(note(&super::blocks::capitalise(&message)));
    }
    answer.push(paragraph(texts.t("html_design_geo.answer.next")));
    let headline = recommendation_lines(report, texts)
        .into_iter()
        .next()
        .unwrap_or_default();
    page.answer(
        texts.t("html_design_geo.answer.heading"),
        Tone::Neutral,
        &headline,
        answer,
    );

    page.section(
        "method",
        texts.t("html.section.method"),
        paragraph(texts.t("html_design_geo.method")),
    );
    page.section(
        "designs",
        texts.t("html_design_geo.section.designs"),
        designs_table(report, texts),
    );
    if !charts.is_empty() {
        let mut figures = Html::new();
        for chart in charts {
            let caption = match chart.name.as_str() {
                "power_curves" => Some(texts.t("html_design_geo.chart.power_curves")),
                "pre_period_fit" => Some(texts.t("html_design_geo.chart.pre_period_fit")),
                _ => None,
            };
            figures.push(figure(&chart.svg, caption));
        }
        page.section("charts", texts.t("html.section.charts"), figures);
    }
    let mut checks = Html::new();
    for line in check_lines(report, texts) {
        checks.push(paragraph(&line));
    }
    checks.push(note(texts.t("html_design_geo.checks_note")));
    page.section("checks", texts.t("html_design_geo.section.checks"), checks);
    page.section(
        "assignment",
        texts.t("html_design_geo.section.assignment"),
        assignment_table(report, texts),
    );
    page.section(
        "warnings",
        texts.t("html.section.warnings"),
        warnings(report, texts),
    );
    page.section(
        "inputs",
        texts.t("html.section.inputs"),
        inputs_table(texts, &report.inputs),
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
        "design.json",
    ));
    page.finish()
}

fn designs_table(report: &GeoDesignReport, texts: &Texts) -> Html {
    let header = table_header(texts);
    let headings: Vec<&str> = header.iter().map(String::as_str).collect();
    let numeric = [true, false, true, true, true, true, true, true, true];
    let mut table = Table::new(&headings, &numeric);
    for design in report.designs.iter().take(LISTED_DESIGNS) {
        let cells = table_row(design, texts);
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        table.row(&cells);
    }
    let mut content = table.render();
    if let Some(line) = shown_line(report, texts, LISTED_DESIGNS) {
        content.push(note(&line));
    }
    content
}

fn assignment_table(report: &GeoDesignReport, texts: &Texts) -> Html {
    let mut table = Table::new(
        &[
            texts.t("html_design_geo.assignment.geo"),
            texts.t("html_design_geo.assignment.group"),
            texts.t("html_design_geo.assignment.stratum"),
            texts.t("html_design_geo.assignment.pair"),
        ],
        &[false, false, true, true],
    );
    let number = |value: Option<usize>| value.map(|v| v.to_string()).unwrap_or_default();
    for row in &report.assignment.rows {
        table.row(&[
            &row.geo,
            &row.group,
            &number(row.stratum),
            &number(row.pair),
        ]);
    }
    let mut content = table.render();
    content.push(note(texts.t("html_design_geo.assignment.note")));
    content
}

fn warnings(report: &GeoDesignReport, texts: &Texts) -> Html {
    let messages = warning_messages(report, texts);
    if messages.is_empty() {
        return paragraph(texts.t("html.warnings.none"));
    }
    let mut list = String::from("<ul class=\"warnings\">");
    for message in messages {
        list.push_str(&format!(
            "<li><strong>{}</strong></li>",
            super::page::escape(&super::blocks::capitalise(&message))
        ));
    }
    list.push_str("</ul>");
    Html::raw(list)
}

fn parameters(report: &GeoDesignReport, texts: &Texts) -> Html {
    let parameters = &report.parameters;
    let list = |values: &[String]| {
        if values.is_empty() {
            "–".to_string()
        } else {
            values.join(", ")
        }
    };
    let counts: Vec<String> = parameters
        .treated_counts
        .iter()
        .map(usize::to_string)
        .collect();
    let durations: Vec<String> = parameters
        .durations_days
        .iter()
        .map(usize::to_string)
        .collect();
    let cpic = parameters.cpic.map_or_else(
        || "–".to_string(),
        |cpic| {
            if (cpic.high - cpic.low).abs() < 1e-12 {
                cpic.low.to_string()
            } else {
                format!("{}..{}", cpic.low, cpic.high)
            }
        },
    );
    let items: Vec<(String, Html)> = [
        ("--geo-col", parameters.geo_col.clone()),
        ("--date-col", parameters.date_col.clone()),
        ("--kpi-col", parameters.kpi_col.clone()),
        ("--treated-count", list(&counts)),
        ("--durations", list(&durations)),
        ("--include", list(&parameters.include)),
        ("--exclude", list(&parameters.exclude)),
        ("--cpic", cpic),
        (
            "--budget",
            parameters
                .budget_cap
                .map_or_else(|| "–".to_string(), |cap| cap.to_string()),
        ),
        // Values in the form the flags take, whatever the page's language.
        ("--power", parameters.power.to_string()),
        ("--level", parameters.level.to_string()),
        ("--estimator", parameters.estimator.clone()),
        ("--resamples", parameters.resamples.to_string()),
        ("--placebo-sets", parameters.placebo_sets.to_string()),
        ("--assignment", parameters.assignment.clone()),
        ("--held-out-days", parameters.held_out_days.to_string()),
        ("--seed", parameters.seed.to_string()),
    ]
    .into_iter()
    .map(|(flag, value)| (flag.to_string(), Html::text(&value)))
    .collect();
    let mut content = paragraph(texts.t("html.parameters.intro"));
    content.push(definition_list(&items));
    content
}
