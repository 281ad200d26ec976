//! Charts of a geo design, as PNG and SVG: the power curves of the top designs and the
//! pre-period fit of the recommended design.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::schema::GeoDesignReport;
use crate::i18n::Texts;
use crate::report::charts::{
    Axis, COUNTERFACTUAL_COLOR, ChartError, DrawChart, LegendEntry, REFERENCE_LINE_COLOR,
    TREATED_COLOR, TickFormat, date_ticks, draw_axes, draw_header, draw_note, number_ticks,
    padded_range, register_embedded_font, render_error, write_png_and_svg,
};

const CANVAS_SIZE: (u32, u32) = (1200, 675);

/// Colours of the designs after the recommended one, which is drawn in the treated colour.
const OTHER_DESIGN_COLORS: [RGBColor; 4] = [
    RGBColor(0x6b, 0x9b, 0xc3),
    RGBColor(0x8c, 0x8c, 0x8c),
    RGBColor(0x9a, 0x7b, 0xb5),
    RGBColor(0x7a, 0xa8, 0x7a),
];

#[derive(Debug, Clone, Copy)]
enum Chart {
    PowerCurves,
    PrePeriodFit,
}

impl Chart {
    const ALL: [Chart; 2] = [Chart::PowerCurves, Chart::PrePeriodFit];

    fn file_stem(self) -> &'static str {
        match self {
            Chart::PowerCurves => "power_curves",
            Chart::PrePeriodFit => "pre_period_fit",
        }
    }
}

/// Writes every chart of `report` into `dir` as PNG and SVG and returns the paths written.
pub fn write_design_charts(
    report: &GeoDesignReport,
    texts: &Texts,
    dir: &Path,
) -> Result<Vec<PathBuf>, ChartError> {
    register_embedded_font()?;
    // Axis tick labels take their number format from the chart language.
    let _lang = crate::report::charts::LangScope::enter(texts.lang());
    let mut written = Vec::new();
    for chart in Chart::ALL {
        let drawing = DesignDrawing {
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

/// One chart of a geo design.
struct DesignDrawing<'a> {
    chart: Chart,
    report: &'a GeoDesignReport,
    texts: &'a Texts,
}

impl DrawChart for DesignDrawing<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        path: &Path,
    ) -> Result<(), ChartError> {
        root.fill(&WHITE)
            .map_err(|error| render_error(path, error))?;
        match self.chart {
            Chart::PowerCurves => draw_power_curves(self.report, self.texts, root, path),
            Chart::PrePeriodFit => draw_pre_period_fit(self.report, self.texts, root, path),
        }
    }
}

fn draw_power_curves<DB: DrawingBackend>(
    report: &GeoDesignReport,
    texts: &Texts,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let target = report.parameters.power;
    let designs: Vec<_> = report
        .designs
        .iter()
        .filter(|design| !design.power_curve.is_empty())
        .collect();
    let title = match report.recommended.mde {
        Some(mde) => texts.fill(
            "design_geo.chart.power_title",
            &[
                ("mde", &texts.percent(mde, 1)),
                ("power", &texts.percent(target, 0)),
                ("days", &report.recommended.duration_days),
            ],
        ),
        None => texts.t("design_geo.chart.power_title_none").to_string(),
    };
    let fewest = designs.iter().map(|d| d.windows).min().unwrap_or(0);
    let most = designs.iter().map(|d| d.windows).max().unwrap_or(0);
    let windows = if fewest == most {
        fewest.to_string()
    } else {
        format!("{fewest}–{most}")
    };
    let subtitle = texts.fill(
        "design_geo.chart.power_subtitle",
        &[("designs", &designs.len()), ("windows", &windows)],
    );
    let mut legend: Vec<LegendEntry> = designs
        .iter()
        .enumerate()
        .map(|(index, design)| {
            let label = texts.fill(
                "design_geo.chart.design_label",
                &[
                    ("rank", &design.rank),
                    ("geos", &design.treated_geos.join(", ")),
                    ("days", &design.duration_days),
                ],
            );
            LegendEntry::line(&label, design_color(index), false)
        })
        .collect();
    legend.push(LegendEntry::line(
        &texts.fill(
            "design_geo.chart.target_label",
            &[("power", &texts.percent(target, 0))],
        ),
        REFERENCE_LINE_COLOR,
        true,
    ));
    let body = draw_header(root, &title, &subtitle, &legend, path)?;
    if designs.is_empty() {
        return draw_note(&body, texts.t("design_geo.chart.no_curves"), path);
    }

    let max_effect = designs
        .iter()
        .filter_map(|design| design.power_curve.last())
        .map(|point| point.effect * 100.0)
        .fold(0.0, f64::max);
    let (x_ticks, x_decimals) = number_ticks(&(0.0..max_effect), 8);
    let x_axis = Axis {
        range: 0.0..max_effect,
        ticks: x_ticks,
        format: TickFormat::Number(x_decimals),
        description: texts.t("design_geo.chart.effect_axis").to_string(),
    };
    let y_axis = Axis {
        range: 0.0..100.0,
        ticks: vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0],
        format: TickFormat::Number(0),
        description: texts.t("design_geo.chart.power_axis").to_string(),
    };
    let mut chart = draw_axes(&body, &x_axis, &y_axis, path)?;

    let target_line = vec![(0.0, target * 100.0), (max_effect, target * 100.0)];
    chart
        .draw_series(DashedLineSeries::new(
            target_line,
            10,
            6,
            REFERENCE_LINE_COLOR.stroke_width(2),
        ))
        .map_err(|error| render_error(path, error))?;
    // The recommended design last, so it lies on top.
    for (index, design) in designs.iter().enumerate().rev() {
        let points: Vec<(f64, f64)> = design
            .power_curve
            .iter()
            .map(|point| (point.effect * 100.0, point.power * 100.0))
            .collect();
        let width = if index == 0 { 4 } else { 2 };
        chart
            .draw_series(LineSeries::new(
                points,
                design_color(index).stroke_width(width),
            ))
            .map_err(|error| render_error(path, error))?;
    }
    if let Some(mde) = report.recommended.mde {
        let x = mde * 100.0;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x, 0.0), (x, target * 100.0)],
                6,
                6,
                TREATED_COLOR.stroke_width(2),
            ))
            .map_err(|error| render_error(path, error))?;
    }
    Ok(())
}

fn draw_pre_period_fit<DB: DrawingBackend>(
    report: &GeoDesignReport,
    texts: &Texts,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let fit = &report.recommended_fit;
    let kpi = &report.parameters.kpi_col;
    let error = report
        .designs
        .first()
        .map_or(0.0, |design| design.pre_period_relative_error);
    let title = texts.fill(
        "design_geo.chart.fit_title",
        &[("error", &texts.percent(error, 1))],
    );
    let subtitle = texts.fill(
        "design_geo.chart.fit_subtitle",
        &[("geos", &report.recommended.treated_geos.join(", "))],
    );
    let legend = [
        LegendEntry::line(texts.t("design_geo.chart.observed"), TREATED_COLOR, false),
        LegendEntry::line(
            texts.t("design_geo.chart.counterfactual"),
            COUNTERFACTUAL_COLOR,
            true,
        ),
        LegendEntry::line(
            texts.t("design_geo.chart.held_out"),
            REFERENCE_LINE_COLOR,
            true,
        ),
    ];
    let body = draw_header(root, &title, &subtitle, &legend, path)?;

    let Some(origin) = fit
        .dates
        .first()
        .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
    else {
        return draw_note(&body, texts.t("design_geo.chart.no_fit"), path);
    };
    let last = (fit.dates.len() - 1) as f64;
    let x_axis = Axis {
        range: -0.5..last + 0.5,
        ticks: date_ticks(0.0, last, 0.0),
        format: TickFormat::Date(origin),
        description: texts.t("design_geo.chart.date_axis").to_string(),
    };
    let y_range = padded_range(
        fit.observed.iter().chain(&fit.counterfactual).copied(),
        0.08,
    );
    let (y_ticks, y_decimals) = number_ticks(&y_range, 8);
    let y_axis = Axis {
        range: y_range.clone(),
        ticks: y_ticks,
        format: TickFormat::Number(y_decimals),
        description: texts.fill("design_geo.chart.kpi_axis", &[("kpi", kpi)]),
    };
    let mut chart = draw_axes(&body, &x_axis, &y_axis, path)?;

    if let Some(start) = fit
        .held_out_start
        .as_ref()
        .and_then(|date| fit.dates.iter().position(|d| d == date))
    {
        let x = start as f64 - 0.5;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x, y_range.start), (x, y_range.end)],
                8,
                6,
                REFERENCE_LINE_COLOR.stroke_width(2),
            ))
            .map_err(|error| render_error(path, error))?;
    }
    let counterfactual: Vec<(f64, f64)> = fit
        .counterfactual
        .iter()
        .enumerate()
        .map(|(day, value)| (day as f64, *value))
        .collect();
    chart
        .draw_series(DashedLineSeries::new(
            counterfactual,
            10,
            6,
            COUNTERFACTUAL_COLOR.stroke_width(3),
        ))
        .map_err(|error| render_error(path, error))?;
    let observed: Vec<(f64, f64)> = fit
        .observed
        .iter()
        .enumerate()
        .map(|(day, value)| (day as f64, *value))
        .collect();
    chart
        .draw_series(LineSeries::new(observed, TREATED_COLOR.stroke_width(3)))
        .map_err(|error| render_error(path, error))?;
    Ok(())
}

fn design_color(index: usize) -> RGBColor {
    if index == 0 {
        TREATED_COLOR
    } else {
        OTHER_DESIGN_COLORS[(index - 1) % OTHER_DESIGN_COLORS.len()]
    }
}
