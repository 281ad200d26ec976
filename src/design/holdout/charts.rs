//! The power curve of a holdout design, written as PNG and SVG: analytic power against effect
//! size at the design's users, with the target power and the MDE at it. When the simulation
//! ran on the same users, the chart also shows the simulated powers with their Monte-Carlo
//! error.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::schema::HoldoutDesign;
use crate::i18n::Texts;
use crate::report::charts::{
    AXIS_COLOR, AXIS_DESC_SIZE, Axis, BAND_COLOR, COUNTERFACTUAL_COLOR, ChartError, DrawChart,
    GRID_COLOR, LegendEntry, REFERENCE_LINE_COLOR, SIDE_MARGIN, TEXT_COLOR, TICK_LABEL_SIZE,
    TREATED_COLOR, TickFormat, TickedRange, draw_header, number_ticks, padded_range,
    register_embedded_font, render_error, text_style, text_width, write_png_and_svg,
};

/// File name of the chart, without extension.
pub const POWER_CURVE_STEM: &str = "power_curve";

const CANVAS_SIZE: (u32, u32) = (1200, 675);

/// Writes `power_curve.png` and `power_curve.svg` into `dir` and returns their paths.
pub fn write_design_charts(
    design: &HoldoutDesign,
    dir: &Path,
    texts: &Texts,
) -> Result<Vec<PathBuf>, ChartError> {
    register_embedded_font()?;
    // Axis tick labels take their number format from the chart language.
    let _lang = crate::report::charts::LangScope::enter(texts.lang());
    let drawing = PowerCurve { design, texts };
    let written = write_png_and_svg(&drawing, dir, POWER_CURVE_STEM, CANVAS_SIZE)?;
    Ok(written.to_vec())
}

/// The power curve of a holdout design.
struct PowerCurve<'a> {
    design: &'a HoldoutDesign,
    texts: &'a Texts,
}

impl DrawChart for PowerCurve<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        path: &Path,
    ) -> Result<(), ChartError> {
        draw_power_curve(self.design, root, path, self.texts)
    }
}

/// A simulated power with its effect on the chart's x scale.
struct SimulatedPoint {
    x: f64,
    power: f64,
    standard_error: f64,
}

fn draw_power_curve<DB: DrawingBackend>(
    design: &HoldoutDesign,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
    texts: &Texts,
) -> Result<(), ChartError> {
    root.fill(&WHITE)
        .map_err(|error| render_error(path, error))?;
    let analytic = &design.analytic;
    let proportion = design.parameters.metric_kind == "proportion";

    // The x scale: relative lift in per cent when the baseline is not zero, else percentage
    // points of a rate or metric units of a mean.
    let relative = analytic.effect_relative.is_some();
    let to_x = |absolute: f64| -> f64 {
        if relative {
            100.0 * absolute / design.parameters.baseline.abs()
        } else if proportion {
            100.0 * absolute
        } else {
            absolute
        }
    };
    let x_description = if relative {
        texts.t("design_holdout.chart.x_relative")
    } else if proportion {
        texts.t("design_holdout.chart.x_points")
    } else {
        texts.t("design_holdout.chart.x_absolute")
    };
    let effect_label = super::summary::effect_text(
        analytic.effect_absolute,
        analytic.effect_relative,
        proportion,
        texts,
    );

    let simulated = simulated_points(design, &to_x);
    let curve: Vec<(f64, f64)> = design
        .power_curve
        .iter()
        .map(|point| (to_x(point.effect_absolute), 100.0 * point.power))
        .collect();

    let subtitle = texts.fill(
        "design_holdout.chart.finding",
        &[
            ("users", &texts.number(analytic.users_total as f64, 0)),
            ("effect", &effect_label),
            ("power", &texts.percent(analytic.power, 0)),
        ],
    );
    let target_label = texts.fill(
        "design_holdout.chart.target",
        &[("power", &texts.percent(design.parameters.target_power, 0))],
    );
    let mde_line = analytic.mde_absolute.map(|mde| {
        let label = texts.fill(
            "design_holdout.chart.mde_line",
            &[
                ("power", &texts.percent(design.parameters.target_power, 0)),
                (
                    "effect",
                    &super::summary::effect_text(mde, analytic.mde_relative, proportion, texts),
                ),
            ],
        );
        (to_x(mde), label)
    });
    let mut legend = vec![
        LegendEntry::line(
            texts.t("design_holdout.chart.power_line"),
            TREATED_COLOR,
            false,
        ),
        LegendEntry::line(&target_label, REFERENCE_LINE_COLOR, true),
    ];
    if let Some((_, label)) = &mde_line {
        legend.push(LegendEntry::line(label, COUNTERFACTUAL_COLOR, true));
    }
    if !simulated.is_empty() {
        legend.push(LegendEntry::fill(
            texts.t("design_holdout.chart.simulated"),
            BAND_COLOR,
        ));
    }
    let body = draw_header(
        root,
        texts.t("design_holdout.chart.title"),
        &subtitle,
        &legend,
        path,
    )?;

    let x_range = padded_range(
        curve
            .iter()
            .map(|(x, _)| *x)
            .chain(simulated.iter().map(|point| point.x)),
        0.02,
    );
    let (x_ticks, x_decimals) = number_ticks(&x_range, 10);
    let x_axis = Axis {
        range: x_range,
        ticks: x_ticks,
        format: TickFormat::Number(x_decimals),
        description: x_description.to_string(),
    };
    let y_axis = Axis {
        range: 0.0..102.0,
        ticks: (0..=10).map(|step| f64::from(step) * 10.0).collect(),
        format: TickFormat::Number(0),
        description: texts.t("design_holdout.chart.y").to_string(),
    };
    let mut chart = draw_axes(&body, &x_axis, &y_axis, path, texts)?;

    // Target power and the design's effect.
    let target = 100.0 * design.parameters.target_power;
    let (x_start, x_end) = (x_axis.range.start, x_axis.range.end);
    chart
        .draw_series(std::iter::once(DashedPathElement::new(
            vec![(x_start, target), (x_end, target)],
            8,
            6,
            REFERENCE_LINE_COLOR.stroke_width(2),
        )))
        .map_err(|error| render_error(path, error))?;
    if let Some((mde_x, _)) = &mde_line {
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(*mde_x, 0.0), (*mde_x, 100.0)],
                8,
                6,
                COUNTERFACTUAL_COLOR.stroke_width(2),
            )))
            .map_err(|error| render_error(path, error))?;
    }

    // The analytic curve and the design point.
    let design_x = to_x(analytic.effect_absolute);
    chart
        .draw_series(LineSeries::new(curve, TREATED_COLOR.stroke_width(3)))
        .map_err(|error| render_error(path, error))?;
    chart
        .draw_series(std::iter::once(Circle::new(
            (design_x, 100.0 * analytic.power),
            7,
            TREATED_COLOR.filled(),
        )))
        .map_err(|error| render_error(path, error))?;

    // Simulated powers with ± 2 standard errors.
    for point in &simulated {
        let low = (100.0 * (point.power - 2.0 * point.standard_error)).max(0.0);
        let high = (100.0 * (point.power + 2.0 * point.standard_error)).min(100.0);
        let half_width = 0.006 * (x_end - x_start);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(point.x - half_width, low), (point.x + half_width, high)],
                BAND_COLOR.filled(),
            )))
            .map_err(|error| render_error(path, error))?;
        chart
            .draw_series(std::iter::once(Circle::new(
                (point.x, 100.0 * point.power),
                5,
                COUNTERFACTUAL_COLOR.filled(),
            )))
            .map_err(|error| render_error(path, error))?;
    }
    Ok(())
}

/// Returns the simulated powers when the simulation ran on the curve's users, else none,
/// because a power at another number of users does not belong on this curve.
fn simulated_points(design: &HoldoutDesign, to_x: &impl Fn(f64) -> f64) -> Vec<SimulatedPoint> {
    let Some(simulation) = &design.simulation else {
        return Vec::new();
    };
    if (simulation.units as f64 - design.analytic.users_exact).abs() > 0.5 {
        return Vec::new();
    }
    simulation
        .power
        .iter()
        .chain(simulation.mde.iter().flat_map(|mde| mde.evaluations.iter()))
        .map(|estimate| SimulatedPoint {
            x: to_x(estimate.effect_absolute),
            power: estimate.power,
            standard_error: estimate.standard_error,
        })
        .collect()
}

type Coordinates = Cartesian2d<TickedRange, TickedRange>;

/// Draws the axes with tick labels in the reader's number format and returns the chart.
fn draw_axes<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    x_axis: &Axis,
    y_axis: &Axis,
    path: &Path,
    texts: &Texts,
) -> Result<ChartContext<'a, DB, Coordinates>, ChartError> {
    let decimals = |axis: &Axis| match axis.format {
        TickFormat::Number(decimals) => decimals,
        TickFormat::Date(_) => 0,
    };
    let (x_decimals, y_decimals) = (decimals(x_axis), decimals(y_axis));
    let mut widest = 0;
    for tick in &y_axis.ticks {
        widest = widest.max(text_width(
            &texts.number(*tick, y_decimals),
            TICK_LABEL_SIZE,
            path,
        )?);
    }
    let y_label_area = widest + 16 + AXIS_DESC_SIZE as i32 + 16;

    let mut chart = ChartBuilder::on(body)
        .margin_left(SIDE_MARGIN as u32 - 8)
        .margin_right(SIDE_MARGIN as u32 + 16)
        .margin_top(8)
        .margin_bottom(12)
        .x_label_area_size(TICK_LABEL_SIZE as u32 + AXIS_DESC_SIZE as u32 + 28)
        .y_label_area_size(y_label_area as u32)
        .build_cartesian_2d(x_axis.ticked_range(), y_axis.ticked_range())
        .map_err(|error| render_error(path, error))?;

    let x_format = |value: &f64| texts.number(*value, x_decimals);
    let y_format = |value: &f64| texts.number(*value, y_decimals);
    chart
        .configure_mesh()
        .x_desc(x_axis.description.as_str())
        .y_desc(y_axis.description.as_str())
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style(text_style(TICK_LABEL_SIZE, TEXT_COLOR))
        .axis_desc_style(text_style(AXIS_DESC_SIZE, TEXT_COLOR))
        .axis_style(AXIS_COLOR)
        .bold_line_style(GRID_COLOR)
        .draw()
        .map_err(|error| render_error(path, error))?;
    Ok(chart)
}
