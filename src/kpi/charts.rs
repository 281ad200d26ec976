//! Charts of `liftlab kpis`, each as PNG and SVG: reported ROAS against iROAS with its
//! interval and the break-even line, CAC against LTV, and the funnel's stage-to-stage rates.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::analysis::find_kpi;
use super::schema::{KpiValue, KpisReport, RowKpis};
use super::summary::format_value;
use crate::i18n::Texts;
use crate::report::charts::{
    Axis, BAND_COLOR, COUNTERFACTUAL_COLOR, ChartError, DrawChart, LegendEntry,
    REFERENCE_LINE_COLOR, TEXT_COLOR, TICK_LABEL_SIZE, TREATED_COLOR, TickFormat, draw_axes,
    draw_header, draw_note, number_ticks, padded_range, register_embedded_font, render_error,
    text_style, write_png_and_svg,
};

const CANVAS_SIZE: (u32, u32) = (1200, 675);

#[derive(Debug, Clone, Copy)]
enum Chart {
    Roas,
    CacLtv,
    Funnel,
}

impl Chart {
    const ALL: [Chart; 3] = [Chart::Roas, Chart::CacLtv, Chart::Funnel];

    fn file_stem(self) -> &'static str {
        match self {
            Chart::Roas => "roas_reported_vs_incremental",
            Chart::CacLtv => "cac_vs_ltv",
            Chart::Funnel => "funnel",
        }
    }
}

/// Writes the three charts into `dir` and returns the paths written.
pub fn write_kpi_charts(
    report: &KpisReport,
    texts: &Texts,
    dir: &Path,
) -> Result<Vec<PathBuf>, ChartError> {
    register_embedded_font()?;
    // Axis tick labels take their number format from the chart language.
    let _lang = crate::report::charts::LangScope::enter(texts.lang());
    let mut written = Vec::new();
    for chart in Chart::ALL {
        let drawing = KpiDrawing {
            chart,
            report,
            texts,
        };
        written.extend(write_png_and_svg(
            &drawing,
            dir,
            chart.file_stem(),
            CANVAS_SIZE,
        )?);
    }
    Ok(written)
}

/// One chart of a KPI report.
struct KpiDrawing<'a> {
    chart: Chart,
    report: &'a KpisReport,
    texts: &'a Texts,
}

impl DrawChart for KpiDrawing<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        path: &Path,
    ) -> Result<(), ChartError> {
        root.fill(&WHITE)
            .map_err(|error| render_error(path, error))?;
        let (report, texts) = (self.report, self.texts);
        match self.chart {
            Chart::Roas => draw_roas(report, texts, root, path),
            Chart::CacLtv => draw_cac_ltv(report, texts, root, path),
            Chart::Funnel => draw_funnel(report, texts, root, path),
        }
    }
}

/// A value with its interval ends, unbounded ends replaced by the axis limit later.
struct Bar {
    point: f64,
    lower: Option<Option<f64>>,
    upper: Option<Option<f64>>,
}

fn bar_of(value: Option<&KpiValue>) -> Option<Bar> {
    let value = value?;
    let point = value.point?;
    Some(Bar {
        point,
        lower: value.interval.as_ref().map(|interval| interval.lower),
        upper: value.interval.as_ref().map(|interval| interval.upper),
    })
}

/// One category on the x axis: a row label and up to two bars and a reference level.
struct Group {
    label: String,
    first: Option<Bar>,
    second: Option<Bar>,
    reference: Option<f64>,
}

/// Draws grouped bars: the first of each group in the treated colour, the second in the
/// counterfactual colour with its interval as a band and whisker, the reference as a dashed
/// line across the group.
fn draw_groups<DB: DrawingBackend>(
    groups: &[Group],
    body: &DrawingArea<DB, Shift>,
    x_description: &str,
    y_description: &str,
    unit: &str,
    texts: &Texts,
    path: &Path,
) -> Result<(), ChartError> {
    let values = groups.iter().flat_map(|group| {
        let mut values = Vec::new();
        for bar in [&group.first, &group.second].into_iter().flatten() {
            values.push(bar.point);
            values.extend(bar.lower.flatten());
            values.extend(bar.upper.flatten());
        }
        values.extend(group.reference);
        values.push(0.0);
        values
    });
    let y_range = padded_range(values, 0.08);
    let (y_ticks, decimals) = number_ticks(&y_range, 8);
    let y_axis = Axis {
        range: y_range.clone(),
        ticks: y_ticks,
        format: TickFormat::Number(decimals),
        description: y_description.to_string(),
    };
    let count = groups.len().max(1) as f64;
    let x_axis = Axis {
        range: -0.5..(count - 0.5),
        ticks: Vec::new(),
        format: TickFormat::Number(0),
        description: x_description.to_string(),
    };
    let mut chart = draw_axes(body, &x_axis, &y_axis, path)?;
    let clamp = |value: Option<Option<f64>>, fallback: f64| match value {
        Some(Some(value)) => value,
        Some(None) => fallback,
        None => f64::NAN,
    };
    let label_style =
        text_style(TICK_LABEL_SIZE, TEXT_COLOR).pos(Pos::new(HPos::Center, VPos::Top));
    let value_style =
        text_style(TICK_LABEL_SIZE - 2.0, TEXT_COLOR).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (index, group) in groups.iter().enumerate() {
        let x = index as f64;
        let draw_error = |error| render_error(path, error);
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x, y_range.start))
                    + Text::new(group.label.clone(), (0, 8), label_style.clone()),
            ))
            .map_err(draw_error)?;
        if let Some(bar) = &group.first {
            // A lone bar takes the middle of its group.
            let (left, right) = if group.second.is_some() {
                (x - 0.34, x - 0.02)
            } else {
                (x - 0.3, x + 0.3)
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(left, 0.0), (right, bar.point)],
                    TREATED_COLOR.filled(),
                )))
                .map_err(|error| render_error(path, error))?;
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(((left + right) / 2.0, bar.point.max(0.0)))
                        + Text::new(
                            format_value(bar.point, unit, texts),
                            (0, -4),
                            value_style.clone(),
                        ),
                ))
                .map_err(|error| render_error(path, error))?;
        }
        if let Some(bar) = &group.second {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.02, 0.0), (x + 0.34, bar.point)],
                    COUNTERFACTUAL_COLOR.filled(),
                )))
                .map_err(|error| render_error(path, error))?;
            let lower = clamp(bar.lower, y_range.start);
            let upper = clamp(bar.upper, y_range.end);
            if lower.is_finite() && upper.is_finite() {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x + 0.12, lower), (x + 0.24, upper)],
                        BAND_COLOR.filled(),
                    )))
                    .map_err(|error| render_error(path, error))?;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x + 0.18, lower), (x + 0.18, upper)],
                        TEXT_COLOR.stroke_width(2),
                    )))
                    .map_err(|error| render_error(path, error))?;
            }
            // The label sits right of the bar at its top, clear of the interval whisker.
            let side_style = text_style(TICK_LABEL_SIZE - 2.0, TEXT_COLOR)
                .pos(Pos::new(HPos::Left, VPos::Center));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((x + 0.34, bar.point))
                        + Text::new(format_value(bar.point, unit, texts), (4, 0), side_style),
                ))
                .map_err(|error| render_error(path, error))?;
        }
        if let Some(reference) = group.reference {
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    vec![(x - 0.45, reference), (x + 0.45, reference)],
                    10,
                    6,
                    REFERENCE_LINE_COLOR.stroke_width(3),
                )))
                .map_err(|error| render_error(path, error))?;
        }
    }
    Ok(())
}

fn level_of(report: &KpisReport) -> String {
    report
        .lifts
        .first()
        .map(|link| link.level)
        .map_or_else(String::new, |level| format!("{:.0}%", level * 100.0))
}

/// Returns the platform's ROAS of a row: attributed revenue ÷ spend, or revenue ÷ spend without it.
fn reported(row: &RowKpis) -> Option<&KpiValue> {
    find_kpi(&row.kpis, "reported_roas").or_else(|| find_kpi(&row.kpis, "roas"))
}

fn draw_roas<DB: DrawingBackend>(
    report: &KpisReport,
    texts: &Texts,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let groups: Vec<Group> = report
        .rows
        .iter()
        .map(|row| Group {
            label: row.label.clone(),
            first: bar_of(reported(row)),
            second: bar_of(find_kpi(&row.adjusted, "iroas")),
            reference: find_kpi(&row.kpis, "break_even_roas").and_then(|value| value.point),
        })
        .collect();

    // The title states the first measured channel's finding.
    let unit = "revenue per currency unit of spend";
    let finding = report.rows.iter().find_map(|row| {
        let iroas = find_kpi(&row.adjusted, "iroas")?.point?;
        let reported = reported(row)?.point?;
        Some(texts.fill(
            "kpis.chart.roas_title",
            &[
                ("label", &row.channel.clone().unwrap_or_default()),
                ("iroas", &format_value(iroas, unit, texts)),
                ("reported", &format_value(reported, unit, texts)),
            ],
        ))
    });
    let title = finding.unwrap_or_else(|| texts.t("kpis.chart.roas_title_no_lift").to_string());
    let level = level_of(report);
    let legend = [
        LegendEntry::fill(texts.t("kpis.chart.reported_roas"), TREATED_COLOR),
        LegendEntry::fill(texts.t("kpis.chart.iroas"), COUNTERFACTUAL_COLOR),
        LegendEntry::fill(
            &texts.fill("kpis.chart.interval", &[("level", &level)]),
            BAND_COLOR,
        ),
        LegendEntry::line(texts.t("kpis.chart.break_even"), REFERENCE_LINE_COLOR, true),
    ];
    let body = draw_header(
        root,
        &title,
        texts.t("kpis.chart.roas_subtitle"),
        &legend,
        path,
    )?;
    if groups
        .iter()
        .all(|group| group.first.is_none() && group.second.is_none())
    {
        return draw_note(&body, texts.t("kpis.chart.no_roas"), path);
    }
    draw_groups(
        &groups,
        &body,
        texts.t("kpis.chart.channel_axis"),
        texts.t("kpis.chart.roas_axis"),
        unit,
        texts,
        path,
    )
}

fn draw_cac_ltv<DB: DrawingBackend>(
    report: &KpisReport,
    texts: &Texts,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let groups: Vec<Group> = report
        .rows
        .iter()
        .map(|row| Group {
            label: row.label.clone(),
            first: bar_of(find_kpi(&row.kpis, "cac")),
            second: bar_of(find_kpi(&row.adjusted, "incremental_cac")),
            reference: find_kpi(&row.kpis, "ltv").and_then(|value| value.point),
        })
        .collect();
    let unit = "currency per customer";
    // A channel that a lift test measured heads the chart before one on platform credit.
    let measured = |row: &&super::schema::RowKpis| {
        find_kpi(&row.adjusted, "incremental_cac").is_some_and(|value| value.interval.is_some())
    };
    let rows = report
        .rows
        .iter()
        .filter(measured)
        .chain(report.rows.iter().filter(|row| !measured(row)));
    let finding = rows.into_iter().find_map(|row| {
        let ltv = find_kpi(&row.kpis, "ltv")?.point?;
        let label = row.channel.clone().unwrap_or_default();

        // A measured channel: the finding follows the incremental CAC's interval, so the
        // title never claims more than the verdicts do.
        if let Some(incremental) = find_kpi(&row.adjusted, "incremental_cac")
            && let Some(interval) = &incremental.interval
        {
            let upper = interval.upper.map_or_else(
                || texts.t("kpis.summary.unbounded").to_string(),
                |upper| format_value(upper, unit, texts),
            );
            let lower = interval
                .lower
                .map_or_else(String::new, |lower| format_value(lower, unit, texts));
            let values: [(&str, &dyn std::fmt::Display); 4] = [
                ("label", &label),
                ("ltv", &format_value(ltv, unit, texts)),
                ("lower", &lower),
                ("upper", &upper),
            ];
            let covers = interval.upper.is_some_and(|upper| ltv >= upper);
            let short = interval.lower.is_some_and(|lower| ltv < lower);
            return Some(if covers {
                texts.fill("kpis.chart.cac_title_covers_interval", &values)
            } else if short {
                texts.fill("kpis.chart.cac_title_short_interval", &values)
            } else {
                texts.fill("kpis.chart.cac_title_not_shown", &values)
            });
        }

        let cac = find_kpi(&row.kpis, "cac")?.point?;
        let key = if ltv >= cac {
            "kpis.chart.cac_title_covers"
        } else {
            "kpis.chart.cac_title_short"
        };
        Some(texts.fill(
            key,
            &[
                ("label", &label),
                ("ltv", &format_value(ltv, unit, texts)),
                ("cac", &format_value(cac, unit, texts)),
            ],
        ))
    });
    let title = finding.unwrap_or_else(|| texts.t("kpis.chart.cac_title_plain").to_string());
    let level = level_of(report);
    let legend = [
        LegendEntry::fill(texts.t("kpis.chart.cac"), TREATED_COLOR),
        LegendEntry::fill(texts.t("kpis.chart.incremental_cac"), COUNTERFACTUAL_COLOR),
        LegendEntry::fill(
            &texts.fill("kpis.chart.interval", &[("level", &level)]),
            BAND_COLOR,
        ),
        LegendEntry::line(texts.t("kpis.chart.ltv"), REFERENCE_LINE_COLOR, true),
    ];
    let body = draw_header(
        root,
        &title,
        texts.t("kpis.chart.cac_subtitle"),
        &legend,
        path,
    )?;
    if groups
        .iter()
        .all(|group| group.first.is_none() && group.reference.is_none())
    {
        return draw_note(&body, texts.t("kpis.chart.no_cac"), path);
    }
    draw_groups(
        &groups,
        &body,
        texts.t("kpis.chart.channel_axis"),
        texts.t("kpis.chart.cac_axis"),
        unit,
        texts,
        path,
    )
}

/// Funnel stages in order, with the KPI-independent names the chart uses.
const STAGES: [&str; 7] = [
    "impressions",
    "clicks",
    "visitors",
    "leads",
    "qualified_leads",
    "opportunities",
    "customers",
];

fn stage_name(stage: &str, texts: &Texts) -> String {
    let key = match stage {
        "impressions" => "kpis.stage.impressions",
        "clicks" => "kpis.stage.clicks",
        "visitors" => "kpis.stage.visitors",
        "leads" => "kpis.stage.leads",
        "qualified_leads" => "kpis.stage.qualified_leads",
        "opportunities" => "kpis.stage.opportunities",
        _ => "kpis.stage.customers",
    };
    texts.t(key).to_string()
}

fn draw_funnel<DB: DrawingBackend>(
    report: &KpisReport,
    texts: &Texts,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    // Totals of each stage present in every row, from the funnel file's sums.
    let totals: Vec<(&str, f64)> = STAGES
        .iter()
        .filter_map(|stage| {
            report
                .stage_totals
                .get(*stage)
                .map(|total| (*stage, *total))
        })
        .collect();
    let steps: Vec<(String, f64, f64, f64)> = totals
        .windows(2)
        .filter(|pair| pair[0].1 > 0.0)
        .map(|pair| {
            (
                format!(
                    "{} → {}",
                    stage_name(pair[0].0, texts),
                    stage_name(pair[1].0, texts)
                ),
                pair[1].1 / pair[0].1,
                pair[0].1,
                pair[1].1,
            )
        })
        .collect();
    let weakest = steps
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(label, rate, _, _)| {
            texts.fill(
                "kpis.chart.funnel_title",
                &[("step", label), ("rate", &texts.percent(*rate, 1))],
            )
        });
    let title = weakest.unwrap_or_else(|| texts.t("kpis.chart.funnel_title_plain").to_string());
    let legend = [LegendEntry::fill(
        texts.t("kpis.chart.step_rate"),
        TREATED_COLOR,
    )];
    let body = draw_header(
        root,
        &title,
        texts.t("kpis.chart.funnel_subtitle"),
        &legend,
        path,
    )?;
    if steps.is_empty() {
        return draw_note(&body, texts.t("kpis.chart.no_funnel"), path);
    }
    let groups: Vec<Group> = steps
        .iter()
        .map(|(label, rate, _, _)| Group {
            label: label.clone(),
            first: Some(Bar {
                point: *rate,
                lower: None,
                upper: None,
            }),
            second: None,
            reference: None,
        })
        .collect();
    draw_groups(
        &groups,
        &body,
        texts.t("kpis.chart.step_axis"),
        texts.t("kpis.chart.funnel_axis"),
        "fraction",
        texts,
        path,
    )
}
