//! Charts of a holdout report, each written as PNG and SVG: the bootstrap distribution of
//! each comparison's absolute lift, and a forest plot of the relative lift over all units and
//! by segment.
//!
//! They share the embedded font, colours, header layout and number formats of the geo charts
//! in [`super::charts`], so their PNG bytes are as independent of the machine as those.

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{
    AXIS_COLOR, AXIS_DESC_SIZE, Axis, BAND_COLOR, COUNTERFACTUAL_COLOR, ChartError, DrawChart,
    GRID_COLOR, LangScope, LegendEntry, PLACEBO_BAR_COLOR, REFERENCE_LINE_COLOR, SIDE_MARGIN,
    SUBTITLE_COLOR, TEXT_COLOR, TICK_LABEL_SIZE, TREATED_COLOR, TickFormat, TickedRange,
    chart_texts, draw_header, draw_note, fit_to_width, format_level, format_percent, format_signed,
    format_thousands, nice_step, number_ticks, padded_range, register_embedded_font, render_error,
    text_style, text_width, ticks_in, write_png_and_svg,
};
use super::holdout_schema::{Comparison, HoldoutReport, SegmentComparison};
use super::schema::{Estimate, VerdictKind};
use crate::i18n::Lang;

/// Writes the holdout report's charts into `dir` and returns the paths written.
///
/// Creates `dir` if it does not exist and replaces existing files of the same names:
/// `lift_distribution` and `segment_lift`, each as `.png` and `.svg`, 1200 px wide. Their
/// height grows with the number of comparisons and of forest plot rows.
///
/// The first call registers the embedded DejaVu Sans font as the `sans-serif` family of
/// plotters for the whole process.
pub fn write_holdout_charts(
    report: &HoldoutReport,
    dir: &Path,
    lang: Lang,
) -> Result<Vec<PathBuf>, ChartError> {
    register_embedded_font()?;
    let _lang = LangScope::enter(lang);
    std::fs::create_dir_all(dir).map_err(|source| ChartError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;

    let mut written = Vec::with_capacity(HoldoutChart::ALL.len() * 2);
    for chart in HoldoutChart::ALL {
        let size = chart.canvas_size(report);

        let drawing = HoldoutDrawing { chart, report };
        written.extend(write_png_and_svg(&drawing, dir, chart.file_stem(), size)?);
    }
    Ok(written)
}

// Sizes in pixels.
const CANVAS_WIDTH: u32 = 1200;
const MIN_CANVAS_HEIGHT: u32 = 400;
/// Height of the title, subtitle and one legend row that `draw_header` draws. A legend that
/// wraps onto a second row takes its height from the body, which lays itself out in what
/// is left.
const HEADER_HEIGHT: u32 = 128;
const BOTTOM_MARGIN: u32 = 12;

const PANEL_HEIGHT: u32 = 330;
const MAX_PANEL_COLUMNS: usize = 3;
const PANEL_PADDING: i32 = 10;
const PANEL_TITLE_TOP: i32 = 6;
const PANEL_SUMMARY_TOP: i32 = PANEL_TITLE_TOP + PANEL_TITLE_SIZE as i32 + 6;
const PANEL_PLOT_TOP: i32 = PANEL_SUMMARY_TOP + PANEL_TEXT_SIZE as i32 + 8;
const PANEL_TITLE_SIZE: f64 = 18.0;
const PANEL_TEXT_SIZE: f64 = 15.0;
const PANEL_TICK_SIZE: f64 = 14.0;

const ROW_HEIGHT: u32 = 28;
const COLUMN_HEADING_HEIGHT: u32 = 30;
const GROUP_HEADING_SIZE: f64 = 18.0;
const ROW_TEXT_SIZE: f64 = 16.0;
const ROW_INDENT: i32 = 18;
const COLUMN_GAP: i32 = 20;
const CAP_HALF_HEIGHT: i32 = 6;

/// Stroke colour of the segment rows in the forest plot, the interval colour of the geo
/// charts at full opacity.
const SEGMENT_COLOR: RGBColor = COUNTERFACTUAL_COLOR;

#[derive(Debug, Clone, Copy)]
enum HoldoutChart {
    LiftDistribution,
    SegmentLift,
}

impl HoldoutChart {
    const ALL: [HoldoutChart; 2] = [HoldoutChart::LiftDistribution, HoldoutChart::SegmentLift];

    fn file_stem(self) -> &'static str {
        match self {
            HoldoutChart::LiftDistribution => "lift_distribution",
            HoldoutChart::SegmentLift => "segment_lift",
        }
    }

    fn canvas_size(self, report: &HoldoutReport) -> (u32, u32) {
        let body_height = match self {
            HoldoutChart::LiftDistribution => {
                let (rows, _) = panel_grid(&report.comparisons);
                rows as u32 * PANEL_HEIGHT
            }
            HoldoutChart::SegmentLift => {
                let rows = forest_rows(report).len().max(1) as u32;
                COLUMN_HEADING_HEIGHT + rows * ROW_HEIGHT + forest_x_label_area()
            }
        };
        let height = HEADER_HEIGHT + body_height + BOTTOM_MARGIN;
        (CANVAS_WIDTH, height.max(MIN_CANVAS_HEIGHT))
    }
}

/// One chart of a holdout report.
struct HoldoutDrawing<'a> {
    chart: HoldoutChart,
    report: &'a HoldoutReport,
}

impl DrawChart for HoldoutDrawing<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        path: &Path,
    ) -> Result<(), ChartError> {
        root.fill(&WHITE)
            .map_err(|error| render_error(path, error))?;
        match self.chart {
            HoldoutChart::LiftDistribution => draw_lift_distribution(self.report, root, path),
            HoldoutChart::SegmentLift => draw_segment_lift(self.report, root, path),
        }
    }
}

/// Counts the verdicts of the comparisons, such as `Lifts at 95%: 6 positive, 0 negative, 2
/// inconclusive`, the finding that heads both charts.
fn lifts_finding(report: &HoldoutReport) -> String {
    let count = |kind: VerdictKind| {
        report
            .comparisons
            .iter()
            .filter(|comparison| comparison.verdict.kind == kind)
            .count()
    };
    chart_texts().fill(
        "holdout.chart.lifts_finding",
        &[
            ("level", &format_level(report.parameters.level)),
            ("positive", &count(VerdictKind::Positive)),
            ("negative", &count(VerdictKind::Negative)),
            ("inconclusive", &count(VerdictKind::Inconclusive)),
        ],
    )
}

/// Names the primary interval of the report, such as `90% BCa interval`.
fn interval_label(report: &HoldoutReport) -> String {
    let texts = chart_texts();
    let method = match report.parameters.interval.as_str() {
        "bca" => "BCa",
        "percentile" => texts.t("holdout.chart.method_percentile"),
        "basic" => texts.t("holdout.chart.method_basic"),
        other => other,
    };
    texts.fill(
        "holdout.chart.interval_label",
        &[
            ("level", &format_level(report.parameters.level)),
            ("method", &method),
        ],
    )
}

// ---------------------------------------------------------------------------------------
// Lift distribution: one histogram panel per comparison
// ---------------------------------------------------------------------------------------

fn draw_lift_distribution<DB: DrawingBackend>(
    report: &HoldoutReport,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let texts = chart_texts();
    let title = lifts_finding(report);
    let subtitle = texts.fill(
        "holdout.chart.distribution_subtitle",
        &[
            ("title", &report.title),
            (
                "resamples",
                &format_thousands(report.parameters.resamples as f64, 0),
            ),
            ("scheme", &report.parameters.scheme),
        ],
    );
    let legend = [
        LegendEntry::fill(texts.t("holdout.chart.replicates"), PLACEBO_BAR_COLOR),
        LegendEntry::fill(&interval_label(report), BAND_COLOR),
        LegendEntry::line(
            texts.t("holdout.chart.point_estimate"),
            TREATED_COLOR,
            false,
        ),
        LegendEntry::line(texts.t("geo.chart.no_effect"), REFERENCE_LINE_COLOR, true),
    ];
    let body = draw_header(root, &title, &subtitle, &legend, path)?;
    if report.comparisons.is_empty() {
        return draw_note(&body, texts.t("holdout.chart.no_comparisons"), path);
    }

    let body = body.margin(0, BOTTOM_MARGIN, SIDE_MARGIN / 2, SIDE_MARGIN / 2);
    let (rows, columns) = panel_grid(&report.comparisons);
    let panels = body.split_evenly((rows, columns));
    let panel_data: Vec<Option<PanelData<'_>>> =
        report.comparisons.iter().map(PanelData::new).collect();
    for ((comparison, data), panel) in report.comparisons.iter().zip(&panel_data).zip(&panels) {
        let title = format!("{} · {}", comparison.treatment, comparison.metric);
        draw_panel_title(panel, &title, path)?;
        let plot_area = panel.margin(PANEL_PLOT_TOP, 0, 0, 0);
        match data {
            Some(data) => {
                let x_range = metric_x_range(&panel_data, &comparison.metric);
                draw_lift_panel(data, x_range, root, panel, &plot_area, path)?;
            }
            None => {
                let reason = comparison
                    .absolute_lift
                    .undefined_reason
                    .as_deref()
                    .unwrap_or(texts.t("holdout.chart.no_reason"));
                let max_width = panel.dim_in_pixel().0 as i32 - 2 * PANEL_PADDING;
                let note = texts.fill("holdout.chart.lift_undefined", &[("reason", &reason)]);
                draw_wrapped_note(&plot_area, &note, max_width, path)?;
            }
        }
    }
    Ok(())
}

/// Returns the rows and columns of the panel grid for `comparisons`.
///
/// When the comparisons cover two or three metrics and their count is a multiple of that,
/// there is one column per metric. Comparisons of every treatment on every metric, listed
/// treatment by treatment, then show one treatment per row. Otherwise there are up to three
/// columns, and four panels form a 2 × 2 grid.
fn panel_grid(comparisons: &[Comparison]) -> (usize, usize) {
    let count = comparisons.len();
    let mut metrics: Vec<&str> = Vec::new();
    for comparison in comparisons {
        if !metrics.contains(&comparison.metric.as_str()) {
            metrics.push(&comparison.metric);
        }
    }
    let columns = if (2..=MAX_PANEL_COLUMNS).contains(&metrics.len())
        && count.is_multiple_of(metrics.len())
    {
        metrics.len()
    } else if count == 4 {
        2
    } else {
        count.clamp(1, MAX_PANEL_COLUMNS)
    };
    (count.div_ceil(columns).max(1), columns)
}

/// The parts of a comparison with a defined absolute lift that its panel draws.
struct PanelData<'a> {
    comparison: &'a Comparison,
    point: f64,
    /// The primary interval, when both ends are finite.
    interval: Option<(f64, f64)>,
    histogram: HistogramBins,
}

impl<'a> PanelData<'a> {
    /// Returns `None` when the absolute lift is undefined or not finite.
    fn new(comparison: &'a Comparison) -> Option<Self> {
        let lift = &comparison.absolute_lift;
        let point = lift.point.filter(|point| point.is_finite())?;
        let interval = lift
            .interval
            .as_ref()
            .map(|interval| (interval.lower, interval.upper))
            .filter(|(lower, upper)| lower.is_finite() && upper.is_finite());
        let histogram = HistogramBins::from_report(&comparison.bootstrap.absolute_lift_histogram);
        Some(PanelData {
            comparison,
            point,
            interval,
            histogram,
        })
    }

    /// Returns the values the x axis must show: the point, the interval and the bins.
    fn x_values(&self) -> Vec<f64> {
        let mut values = vec![self.point];
        values.extend(
            self.interval
                .iter()
                .flat_map(|&(lower, upper)| [lower, upper]),
        );
        if let HistogramBins::Bins(bins) = &self.histogram {
            values.extend(bins.iter().flat_map(|bin| [bin.start, bin.end]));
        }
        values
    }

    fn max_count(&self) -> u64 {
        match &self.histogram {
            HistogramBins::Bins(bins) => bins.iter().map(|bin| bin.count).max().unwrap_or(0),
            HistogramBins::Empty | HistogramBins::Invalid(_) => 0,
        }
    }
}

/// Returns the x range shared by the panels of `metric`, so lifts of one metric in
/// different treatments can be compared by eye. It always contains zero.
fn metric_x_range(panel_data: &[Option<PanelData<'_>>], metric: &str) -> Range<f64> {
    let values = panel_data
        .iter()
        .flatten()
        .filter(|data| data.comparison.metric == metric)
        .flat_map(PanelData::x_values)
        .chain(std::iter::once(0.0));
    padded_range(values, 0.04)
}

fn draw_panel_title<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    title: &str,
    path: &Path,
) -> Result<(), ChartError> {
    let max_width = panel.dim_in_pixel().0 as i32 - 2 * PANEL_PADDING;
    let title = fit_to_width(title, PANEL_TITLE_SIZE, max_width, path)?;
    draw_text(
        panel,
        &title,
        (PANEL_PADDING, PANEL_TITLE_TOP),
        text_style(PANEL_TITLE_SIZE, TEXT_COLOR).pos(Pos::new(HPos::Left, VPos::Top)),
        path,
    )
}

/// Draws a comparison's summary line, and in `plot_area` the histogram of the absolute
/// lift's bootstrap replicates with the point estimate, the primary interval and zero.
/// `root` is the whole canvas, for text placed in absolute pixels.
fn draw_lift_panel<DB: DrawingBackend>(
    data: &PanelData<'_>,
    x_range: Range<f64>,
    root: &DrawingArea<DB, Shift>,
    panel: &DrawingArea<DB, Shift>,
    plot_area: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let panel_width = panel.dim_in_pixel().0 as i32;

    let max_count = data.max_count();
    let y_end = if max_count > 0 {
        (max_count as f64 * 1.1).ceil()
    } else {
        1.0
    };
    let y_ticks = if max_count > 0 {
        ticks_in(0.0, y_end, nice_step(y_end / 4.0).max(1.0))
    } else {
        Vec::new()
    };
    let y_axis = Axis {
        range: 0.0..y_end,
        ticks: y_ticks,
        format: TickFormat::Number(0),
        description: chart_texts().t("holdout.chart.resamples_axis").to_string(),
    };

    // The plot is about as wide as the panel less the y labels and the margins.
    let plot_width = panel_width - panel_y_label_area(&y_axis, path)? - 3 * PANEL_PADDING;
    let (x_ticks, x_decimals) = fitting_ticks(&x_range, plot_width, PANEL_TICK_SIZE, path)?;
    let x_axis = Axis {
        range: x_range,
        ticks: x_ticks,
        format: TickFormat::Number(x_decimals),
        description: chart_texts().fill(
            "holdout.chart.lift_axis",
            &[("metric", &data.comparison.metric)],
        ),
    };

    let summary = panel_summary(data, x_decimals + 1);
    let summary = fit_to_width(
        &summary,
        PANEL_TEXT_SIZE,
        panel_width - 2 * PANEL_PADDING,
        path,
    )?;
    draw_text(
        panel,
        &summary,
        (PANEL_PADDING, PANEL_SUMMARY_TOP),
        text_style(PANEL_TEXT_SIZE, SUBTITLE_COLOR).pos(Pos::new(HPos::Left, VPos::Top)),
        path,
    )?;

    let mut chart = draw_panel_axes(plot_area, &x_axis, &y_axis, path)?;
    draw_panel_marks(&mut chart, data, y_end, path)?;
    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();

    let missing_bins_note = match &data.histogram {
        HistogramBins::Bins(_) => None,
        HistogramBins::Empty => Some(chart_texts().t("holdout.chart.no_replicates").to_string()),
        HistogramBins::Invalid(reason) => {
            Some(chart_texts().fill("holdout.chart.histogram_not_shown", &[("reason", reason)]))
        }
    };
    if let Some(note) = missing_bins_note {
        let center = (
            (x_pixels.start + x_pixels.end) / 2,
            (y_pixels.start + y_pixels.end) / 2,
        );
        let note = fit_to_width(&note, PANEL_TEXT_SIZE, span_pixels(&x_pixels) - 8, path)?;
        draw_text(
            root,
            &note,
            center,
            text_style(PANEL_TEXT_SIZE, SUBTITLE_COLOR).pos(Pos::new(HPos::Center, VPos::Center)),
            path,
        )?;
    }

    // The x description is drawn here rather than by the mesh, so it can be cut to fit the
    // panel around the centre of the plot.
    let (panel_left, panel_top) = panel.get_base_pixel();
    let panel_height = panel.dim_in_pixel().1 as i32;
    let center_x = (x_pixels.start + x_pixels.end) / 2;
    let half_room = (center_x - panel_left).min(panel_left + panel_width - center_x);
    let description = fit_to_width(
        &x_axis.description,
        PANEL_TEXT_SIZE,
        2 * (half_room - PANEL_PADDING),
        path,
    )?;
    draw_text(
        root,
        &description,
        (center_x, panel_top + panel_height - 6),
        text_style(PANEL_TEXT_SIZE, TEXT_COLOR).pos(Pos::new(HPos::Center, VPos::Bottom)),
        path,
    )
}

/// Draws the interval band, the histogram bars, the interval's ends, the zero line and the
/// point estimate, in that order from back to front.
fn draw_panel_marks<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, PanelCoord>,
    data: &PanelData<'_>,
    y_end: f64,
    path: &Path,
) -> Result<(), ChartError> {
    if let Some((lower, upper)) = data.interval {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(lower, 0.0), (upper, y_end)],
                BAND_COLOR.filled(),
            )))
            .map_err(|error| render_error(path, error))?;
    }

    if let HistogramBins::Bins(bins) = &data.histogram {
        let bars = bins.iter().filter(|bin| bin.count > 0);
        chart
            .draw_series(bars.flat_map(|bin| {
                let corners = [(bin.start, 0.0), (bin.end, bin.count as f64)];
                [
                    Rectangle::new(corners, PLACEBO_BAR_COLOR.filled()),
                    Rectangle::new(corners, WHITE.stroke_width(1)),
                ]
            }))
            .map_err(|error| render_error(path, error))?;
    }

    // The interval's ends are drawn over the bars so they stay visible where bars are tall.
    if let Some((lower, upper)) = data.interval {
        chart
            .draw_series([lower, upper].into_iter().map(|end| {
                PathElement::new(
                    vec![(end, 0.0), (end, y_end)],
                    COUNTERFACTUAL_COLOR.stroke_width(1),
                )
            }))
            .map_err(|error| render_error(path, error))?;
    }

    chart
        .draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, 0.0), (0.0, y_end)],
            6,
            5,
            REFERENCE_LINE_COLOR.stroke_width(2),
        )))
        .map_err(|error| render_error(path, error))?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(data.point, 0.0), (data.point, y_end)],
            TREATED_COLOR.stroke_width(3),
        )))
        .map_err(|error| render_error(path, error))?;
    Ok(())
}

/// Returns round ticks inside `range` whose labels, `size` px high, fit side by side with
/// gaps into `width` pixels, as many as fit up to 8, and the decimals they need.
fn fitting_ticks(
    range: &Range<f64>,
    width: i32,
    size: f64,
    path: &Path,
) -> Result<(Vec<f64>, usize), ChartError> {
    for max_ticks in (3..=8).rev() {
        let (ticks, decimals) = number_ticks(range, max_ticks);
        let mut widest = 0;
        for tick in &ticks {
            widest = widest.max(text_width(&format_thousands(*tick, decimals), size, path)?);
        }
        let gap = 2 * size as i32;
        if ticks.len() as i32 * (widest + gap) <= width {
            return Ok((ticks, decimals));
        }
    }
    Ok(number_ticks(range, 2))
}

/// Describes a comparison's absolute lift, such as `lift +0.0042 (90% CI +0.0011 to +0.0073)`,
/// followed by the count of non-finite resamples when there are any.
fn panel_summary(data: &PanelData<'_>, decimals: usize) -> String {
    let (comparison, point) = (data.comparison, data.point);
    let level = comparison
        .absolute_lift
        .interval
        .as_ref()
        .map(|interval| format_level(interval.level));
    let mut summary = match (data.interval, level) {
        (Some((lower, upper)), Some(level)) => chart_texts().fill(
            "holdout.chart.panel_lift",
            &[
                ("lift", &format_signed(point, decimals)),
                ("level", &level),
                ("lower", &format_signed(lower, decimals)),
                ("upper", &format_signed(upper, decimals)),
            ],
        ),
        _ => chart_texts().fill(
            "holdout.chart.panel_lift_no_interval",
            &[("lift", &format_signed(point, decimals))],
        ),
    };
    let non_finite = comparison.bootstrap.non_finite_resamples;
    if non_finite > 0 {
        summary.push_str(&chart_texts().fill(
            "holdout.chart.non_finite",
            &[("count", &format_thousands(non_finite as f64, 0))],
        ));
    }
    summary
}

/// A bin of the bootstrap histogram.
struct Bin {
    start: f64,
    end: f64,
    count: u64,
}

/// The bootstrap histogram of a comparison, checked for drawing.
enum HistogramBins {
    Bins(Vec<Bin>),
    /// No bins, or no replicate in any bin.
    Empty,
    /// Edges and counts that do not form a histogram, with the reason.
    Invalid(String),
}

impl HistogramBins {
    fn from_report(histogram: &super::holdout_schema::Histogram) -> Self {
        let (edges, counts) = (&histogram.edges, &histogram.counts);
        if counts.iter().all(|&count| count == 0) {
            return HistogramBins::Empty;
        }
        if edges.len() != counts.len() + 1 {
            return HistogramBins::Invalid(format!(
                "{} edges for {} counts",
                edges.len(),
                counts.len()
            ));
        }
        let ordered = edges
            .windows(2)
            .all(|pair| pair[0].is_finite() && pair[1].is_finite() && pair[0] <= pair[1]);
        if !ordered {
            return HistogramBins::Invalid("edges not finite and increasing".to_string());
        }
        let bins = edges
            .windows(2)
            .zip(counts)
            .map(|(pair, &count)| Bin {
                start: pair[0],
                end: pair[1],
                count,
            })
            .collect();
        HistogramBins::Bins(bins)
    }
}

type PanelCoord = Cartesian2d<TickedRange, TickedRange>;

/// Draws the axes, tick labels and grid lines of a panel in smaller type than the geo
/// charts' `draw_axes`, which leaves no room for the plot in a third of the canvas width.
/// The x description is left to the caller.
fn draw_panel_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x_axis: &Axis,
    y_axis: &Axis,
    path: &Path,
) -> Result<ChartContext<'a, DB, PanelCoord>, ChartError> {
    let y_label_area = panel_y_label_area(y_axis, path)?;
    let right_margin = PANEL_PADDING.max(widest_label(x_axis, PANEL_TICK_SIZE, path)? / 2 + 4);

    let mut chart = ChartBuilder::on(area)
        .margin_left(PANEL_PADDING as u32 / 2)
        .margin_right(right_margin as u32)
        .margin_top(4)
        .margin_bottom(PANEL_TEXT_SIZE as u32 + 10)
        .x_label_area_size(PANEL_TICK_SIZE as u32 + 12)
        .y_label_area_size(y_label_area as u32)
        .build_cartesian_2d(x_axis.ticked_range(), y_axis.ticked_range())
        .map_err(|error| render_error(path, error))?;

    let x_format = |value: &f64| x_axis.format.format(*value);
    let y_format = |value: &f64| y_axis.format.format(*value);
    chart
        .configure_mesh()
        .y_desc(y_axis.description.as_str())
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style(text_style(PANEL_TICK_SIZE, TEXT_COLOR))
        .axis_desc_style(text_style(PANEL_TEXT_SIZE, TEXT_COLOR))
        .axis_style(AXIS_COLOR)
        .bold_line_style(GRID_COLOR)
        .set_all_tick_mark_size(4)
        .draw()
        .map_err(|error| render_error(path, error))?;
    Ok(chart)
}

/// Returns the width of a panel's y label area: the widest tick label, the tick marks with
/// their gap, and the rotated axis description.
fn panel_y_label_area(y_axis: &Axis, path: &Path) -> Result<i32, ChartError> {
    Ok(widest_label(y_axis, PANEL_TICK_SIZE, path)? + 12 + PANEL_TEXT_SIZE as i32 + 12)
}

fn widest_label(axis: &Axis, size: f64, path: &Path) -> Result<i32, ChartError> {
    let mut widest = 0;
    for tick in &axis.ticks {
        widest = widest.max(text_width(&axis.format.format(*tick), size, path)?);
    }
    Ok(widest)
}

/// Writes `message` in the middle of `area`, wrapped at word boundaries to `max_width`.
fn draw_wrapped_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    message: &str,
    max_width: i32,
    path: &Path,
) -> Result<(), ChartError> {
    const MAX_LINES: usize = 4;
    let lines = wrap_to_width(message, PANEL_TEXT_SIZE, max_width, MAX_LINES, path)?;
    let (width, height) = area.dim_in_pixel();
    let line_height = PANEL_TEXT_SIZE as i32 + 6;
    let first_center = height as i32 / 2 - line_height * (lines.len() as i32 - 1) / 2;
    for (index, line) in lines.iter().enumerate() {
        draw_text(
            area,
            line,
            (width as i32 / 2, first_center + index as i32 * line_height),
            text_style(PANEL_TEXT_SIZE, SUBTITLE_COLOR).pos(Pos::new(HPos::Center, VPos::Center)),
            path,
        )?;
    }
    Ok(())
}

/// Breaks `text` into lines at most `max_width` pixels wide, at spaces. A word wider than a
/// line is cut, and text past `max_lines` lines is cut from the last line, both with "…".
fn wrap_to_width(
    text: &str,
    size: f64,
    max_width: i32,
    max_lines: usize,
    path: &Path,
) -> Result<Vec<String>, ChartError> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(&candidate, size, path)? <= max_width {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }

    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(format!("{rest}…"));
    }
    lines
        .iter()
        .map(|line| fit_to_width(line, size, max_width, path))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Segment lift: a forest plot of the relative lift
// ---------------------------------------------------------------------------------------

/// A row of the forest plot, from top to bottom.
enum ForestRow<'a> {
    /// `<treatment> · <metric>` above the rows of one comparison.
    Heading(String),
    /// The comparison over all units.
    Overall(&'a Estimate),
    Segment(&'a SegmentComparison),
    /// A line of explanation in place of rows.
    Note(String),
}

impl ForestRow<'_> {
    /// Returns the relative lift of an all-units or segment row.
    fn lift(&self) -> Option<&Estimate> {
        match self {
            ForestRow::Overall(lift) => Some(lift),
            ForestRow::Segment(segment) => Some(&segment.relative_lift),
            ForestRow::Heading(_) | ForestRow::Note(_) => None,
        }
    }
}

/// Lists the forest plot's rows: for each comparison in report order a heading, the
/// all-units row and its segments in report order. Segments of a treatment and metric
/// without a comparison follow in groups of their own, without an all-units row.
fn forest_rows(report: &HoldoutReport) -> Vec<ForestRow<'_>> {
    let mut rows = Vec::new();
    let matches = |segment: &SegmentComparison, treatment: &str, metric: &str| {
        segment.treatment == treatment && segment.metric == metric
    };

    for comparison in &report.comparisons {
        let (treatment, metric) = (&comparison.treatment, &comparison.metric);
        rows.push(ForestRow::Heading(format!("{treatment} · {metric}")));
        rows.push(ForestRow::Overall(&comparison.relative_lift));
        rows.extend(
            report
                .segments
                .iter()
                .filter(|segment| matches(segment, treatment, metric))
                .map(ForestRow::Segment),
        );
    }

    let mut orphan_groups: Vec<(&str, &str)> = Vec::new();
    for segment in &report.segments {
        let key = (segment.treatment.as_str(), segment.metric.as_str());
        let has_comparison = report
            .comparisons
            .iter()
            .any(|comparison| comparison.treatment == key.0 && comparison.metric == key.1);
        if !has_comparison && !orphan_groups.contains(&key) {
            orphan_groups.push(key);
        }
    }
    for (treatment, metric) in orphan_groups {
        rows.push(ForestRow::Heading(format!(
            "{treatment} · {metric} (no overall comparison)"
        )));
        rows.extend(
            report
                .segments
                .iter()
                .filter(|segment| matches(segment, treatment, metric))
                .map(ForestRow::Segment),
        );
    }

    if report.segments.is_empty() && !rows.is_empty() {
        let note = match &report.parameters.segment_col {
            None => chart_texts()
                .t("holdout.chart.no_segment_column")
                .to_string(),
            Some(column) => chart_texts().fill("holdout.chart.no_segments", &[("column", column)]),
        };
        rows.push(ForestRow::Note(note));
    }
    rows
}

fn forest_x_label_area() -> u32 {
    TICK_LABEL_SIZE as u32 + AXIS_DESC_SIZE as u32 + 28
}

/// Formats a relative lift and its interval, such as `+4.2% (+1.1% to +7.0%)`.
fn relative_lift_text(lift: &Estimate) -> String {
    let Some(point) = lift.point.filter(|point| point.is_finite()) else {
        return chart_texts().t("common.undefined").to_string();
    };
    match &lift.interval {
        Some(interval) => chart_texts().fill(
            "holdout.chart.relative_lift",
            &[
                ("lift", &format_percent(point)),
                ("lower", &format_percent(interval.lower)),
                ("upper", &format_percent(interval.upper)),
            ],
        ),
        None => chart_texts().fill(
            "holdout.chart.relative_lift_no_interval",
            &[("lift", &format_percent(point))],
        ),
    }
}

/// Formats a p-value with three decimals, `<0.001` below that, and `–` when missing.
fn p_value_text(p_value: Option<f64>) -> String {
    match p_value {
        None => "–".to_string(),
        Some(p_value) if p_value < 0.001 => format!("<{}", chart_texts().plain(0.001, 3)),
        Some(p_value) => chart_texts().plain(p_value, 3),
    }
}

/// The text of a row in each column of the forest plot.
struct RowText {
    label: String,
    lift: String,
    p_value: String,
    /// Text in the plot in place of the bar when the lift is undefined.
    undefined_note: Option<String>,
}

/// Returns the text of each row. The reason a lift is undefined is written out once per
/// group, and a row below with the same reason refers to it.
fn row_texts(rows: &[ForestRow<'_>]) -> Vec<RowText> {
    let mut previous_reason: Option<&str> = None;
    let mut texts = Vec::with_capacity(rows.len());
    for row in rows {
        let mut text = row_text(row);
        let lift = row.lift();
        let undefined_reason = lift
            .filter(|lift| !lift.point.is_some_and(f64::is_finite))
            .map(|lift| {
                lift.undefined_reason
                    .as_deref()
                    .unwrap_or(chart_texts().t("holdout.chart.no_reason"))
            });
        if let Some(reason) = undefined_reason {
            text.undefined_note = Some(if previous_reason == Some(reason) {
                chart_texts()
                    .t("holdout.chart.lift_undefined_above")
                    .to_string()
            } else {
                chart_texts().fill("holdout.chart.lift_undefined", &[("reason", &reason)])
            });
        }
        if lift.is_some() || matches!(row, ForestRow::Heading(_)) {
            previous_reason = undefined_reason;
        }
        texts.push(text);
    }
    texts
}

fn row_text(row: &ForestRow<'_>) -> RowText {
    match row {
        ForestRow::Heading(heading) => RowText {
            label: heading.clone(),
            lift: String::new(),
            p_value: String::new(),
            undefined_note: None,
        },
        // Holm's adjustment runs over the segments, so the all-units row has no adjusted p.
        ForestRow::Overall(lift) => RowText {
            label: chart_texts().t("holdout.chart.all_units").to_string(),
            lift: relative_lift_text(lift),
            p_value: String::new(),
            undefined_note: None,
        },
        ForestRow::Segment(segment) => RowText {
            label: segment.segment.clone(),
            lift: relative_lift_text(&segment.relative_lift),
            p_value: p_value_text(segment.p_value_holm),
            undefined_note: None,
        },
        ForestRow::Note(note) => RowText {
            label: note.clone(),
            lift: String::new(),
            p_value: String::new(),
            undefined_note: None,
        },
    }
}

/// Horizontal layout of the forest plot in absolute pixels.
struct ForestColumns {
    /// Left edge of the row labels.
    label_left: i32,
    /// Maximum width of a row label.
    label_width: i32,
    /// Left edge of the lift text.
    lift_left: i32,
    /// Right edge of the p-values, or of the lift text when there are no p-values.
    p_value_right: i32,
    show_p_values: bool,
}

impl ForestColumns {
    fn new(
        texts: &[RowText],
        lift_heading: &str,
        show_p_values: bool,
        path: &Path,
    ) -> Result<Self, ChartError> {
        let mut widest_label = 0;
        let mut widest_lift = text_width(lift_heading, ROW_TEXT_SIZE, path)?;
        let mut widest_p_value = text_width(
            chart_texts().t("holdout.chart.p_heading"),
            ROW_TEXT_SIZE,
            path,
        )?;
        // Headings and notes have no lift text. They span the row, which has no bar, so
        // they do not widen the label column.
        for text in texts.iter().filter(|text| !text.lift.is_empty()) {
            widest_label = widest_label.max(text_width(&text.label, ROW_TEXT_SIZE, path)?);
            widest_lift = widest_lift.max(text_width(&text.lift, ROW_TEXT_SIZE, path)?);
            widest_p_value = widest_p_value.max(text_width(&text.p_value, ROW_TEXT_SIZE, path)?);
        }
        // Labels wider than a quarter of the canvas are cut, so the plot keeps its room.
        let label_width = (widest_label + ROW_INDENT).clamp(140, CANVAS_WIDTH as i32 / 4);
        let p_value_right = CANVAS_WIDTH as i32 - SIDE_MARGIN;
        let p_value_width = if show_p_values {
            widest_p_value + COLUMN_GAP
        } else {
            0
        };
        Ok(ForestColumns {
            label_left: SIDE_MARGIN,
            label_width,
            lift_left: p_value_right - p_value_width - widest_lift,
            p_value_right,
            show_p_values,
        })
    }

    fn plot_left(&self) -> i32 {
        self.label_left + self.label_width + COLUMN_GAP
    }

    fn plot_right(&self) -> i32 {
        self.lift_left - COLUMN_GAP
    }
}

type ForestCoord = Cartesian2d<TickedRange, RangedCoordf64>;

fn draw_segment_lift<DB: DrawingBackend>(
    report: &HoldoutReport,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let has_segments = !report.segments.is_empty();
    let words = chart_texts();
    let mut legend = vec![LegendEntry::line(
        &words.fill(
            "holdout.chart.all_units_legend",
            &[("interval", &interval_label(report))],
        ),
        TREATED_COLOR,
        false,
    )];
    if has_segments {
        legend.push(LegendEntry::line(
            words.t("holdout.chart.segment_legend"),
            SEGMENT_COLOR,
            false,
        ));
    }
    legend.push(LegendEntry::line(
        words.t("geo.chart.no_effect"),
        REFERENCE_LINE_COLOR,
        true,
    ));
    let title = lifts_finding(report);
    let subtitle = words.fill(
        "holdout.chart.segment_subtitle",
        &[("title", &report.title)],
    );
    let body = draw_header(root, &title, &subtitle, &legend, path)?;

    let rows = forest_rows(report);
    if rows.is_empty() {
        return draw_note(&body, words.t("holdout.chart.no_comparisons"), path);
    }
    let texts = row_texts(&rows);
    let lift_heading = words.fill(
        "holdout.chart.lift_heading",
        &[("level", &format_level(report.parameters.level))],
    );
    let columns = ForestColumns::new(&texts, &lift_heading, has_segments, path)?;

    let x_axis = forest_x_axis(&rows);
    let mut chart = draw_forest_axes(&body, &columns, &x_axis, rows.len(), path)?;
    let (_, y_pixels) = chart.plotting_area().get_pixel_range();
    let heading_y = y_pixels.start - COLUMN_HEADING_HEIGHT as i32 / 2 + 3;
    draw_column_headings(root, &columns, &lift_heading, heading_y, path)?;

    let row_count = rows.len() as f64;
    chart
        .draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, 0.0), (0.0, row_count)],
            8,
            6,
            REFERENCE_LINE_COLOR.stroke_width(2),
        )))
        .map_err(|error| render_error(path, error))?;

    for (index, (row, text)) in rows.iter().zip(&texts).enumerate() {
        // Row 0 is at the top, and each row is one unit of the y axis high.
        let y = row_count - index as f64 - 0.5;
        let center_y = chart.backend_coord(&(x_axis.range.start, y)).1;
        match row {
            ForestRow::Heading(heading) => {
                draw_group_heading(root, &columns, heading, center_y, index > 0, path)?;
            }
            ForestRow::Note(note) => {
                let left = columns.label_left + ROW_INDENT;
                let width = text_width(note, ROW_TEXT_SIZE, path)?;
                draw_white_box(root, left, width, center_y, path)?;
                draw_row_text(
                    root,
                    note,
                    (left, center_y),
                    SUBTITLE_COLOR,
                    HPos::Left,
                    path,
                )?;
            }
            ForestRow::Overall(lift) => {
                let row = LiftRow {
                    lift,
                    y,
                    center_y,
                    color: TREATED_COLOR,
                    is_overall: true,
                };
                draw_lift_row(root, &mut chart, &columns, &x_axis, &row, text, path)?;
            }
            ForestRow::Segment(segment) => {
                let row = LiftRow {
                    lift: &segment.relative_lift,
                    y,
                    center_y,
                    color: SEGMENT_COLOR,
                    is_overall: false,
                };
                draw_lift_row(root, &mut chart, &columns, &x_axis, &row, text, path)?;
            }
        }
    }
    Ok(())
}

fn draw_column_headings<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    columns: &ForestColumns,
    lift_heading: &str,
    center_y: i32,
    path: &Path,
) -> Result<(), ChartError> {
    let style =
        |h_pos| text_style(ROW_TEXT_SIZE, SUBTITLE_COLOR).pos(Pos::new(h_pos, VPos::Center));
    draw_text(
        root,
        lift_heading,
        (columns.lift_left, center_y),
        style(HPos::Left),
        path,
    )?;
    if !columns.show_p_values {
        return Ok(());
    }
    draw_text(
        root,
        chart_texts().t("holdout.chart.p_heading"),
        (columns.p_value_right, center_y),
        style(HPos::Right),
        path,
    )
}

/// Draws a `<treatment> · <metric>` heading across the row centred at `center_y`, with a
/// separator line above it unless it is the first row.
fn draw_group_heading<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    columns: &ForestColumns,
    heading: &str,
    center_y: i32,
    separator: bool,
    path: &Path,
) -> Result<(), ChartError> {
    if separator {
        let separator_y = center_y - ROW_HEIGHT as i32 / 2;
        root.draw(&PathElement::new(
            vec![
                (columns.label_left, separator_y),
                (columns.p_value_right, separator_y),
            ],
            GRID_COLOR.stroke_width(1),
        ))
        .map_err(|error| render_error(path, error))?;
    }
    let heading = fit_to_width(
        heading,
        GROUP_HEADING_SIZE,
        columns.p_value_right - columns.label_left,
        path,
    )?;
    // A long heading reaches into the plot, where the zero line and grid would cross it.
    draw_white_box(
        root,
        columns.label_left,
        text_width(&heading, GROUP_HEADING_SIZE, path)?,
        center_y,
        path,
    )?;
    draw_text(
        root,
        &heading,
        (columns.label_left, center_y + 3),
        text_style(GROUP_HEADING_SIZE, TEXT_COLOR).pos(Pos::new(HPos::Left, VPos::Center)),
        path,
    )
}

/// Fills a white box behind text that starts at `left`, is `width` pixels wide and is
/// vertically centred in the row at `center_y`.
fn draw_white_box<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    left: i32,
    width: i32,
    center_y: i32,
    path: &Path,
) -> Result<(), ChartError> {
    let half_height = ROW_HEIGHT as i32 / 2 - 3;
    root.draw(&Rectangle::new(
        [
            (left - 4, center_y - half_height),
            (left + width + 4, center_y + half_height),
        ],
        WHITE.filled(),
    ))
    .map_err(|error| render_error(path, error))
}

/// Draws row text vertically centred on `center_y`, in the row text size.
fn draw_row_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    (x, center_y): (i32, i32),
    color: RGBColor,
    h_pos: HPos,
    path: &Path,
) -> Result<(), ChartError> {
    // The 3 px drop lines the middle of the glyphs up with the bars in the PNG.
    draw_text(
        root,
        text,
        (x, center_y + 3),
        text_style(ROW_TEXT_SIZE, color).pos(Pos::new(h_pos, VPos::Center)),
        path,
    )
}

/// A forest plot row with a lift: the all-units row or a segment.
struct LiftRow<'a> {
    lift: &'a Estimate,
    /// Centre of the row on the chart's y axis.
    y: f64,
    /// Centre of the row in absolute pixels.
    center_y: i32,
    color: RGBColor,
    is_overall: bool,
}

/// Draws a row's label, its bar and marker or the reason its lift is undefined, its lift
/// text and its p-value.
fn draw_lift_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<'_, DB, ForestCoord>,
    columns: &ForestColumns,
    x_axis: &Axis,
    row: &LiftRow<'_>,
    text: &RowText,
    path: &Path,
) -> Result<(), ChartError> {
    let label = fit_to_width(
        &text.label,
        ROW_TEXT_SIZE,
        columns.label_width - ROW_INDENT,
        path,
    )?;
    let label_left = columns.label_left + ROW_INDENT;
    draw_row_text(
        root,
        &label,
        (label_left, row.center_y),
        TEXT_COLOR,
        HPos::Left,
        path,
    )?;
    draw_row_text(
        root,
        &text.lift,
        (columns.lift_left, row.center_y),
        TEXT_COLOR,
        HPos::Left,
        path,
    )?;
    draw_row_text(
        root,
        &text.p_value,
        (columns.p_value_right, row.center_y),
        TEXT_COLOR,
        HPos::Right,
        path,
    )?;

    let Some(note) = &text.undefined_note else {
        return draw_forest_bar(chart, row, &x_axis.range, path);
    };
    // A white box behind the note keeps the zero line and grid from crossing the words.
    let (x_pixels, _) = chart.plotting_area().get_pixel_range();
    let note = fit_to_width(note, ROW_TEXT_SIZE, span_pixels(&x_pixels) - 16, path)?;
    let note_left = x_pixels.start + 8;
    let note_width = text_width(&note, ROW_TEXT_SIZE, path)?;
    draw_white_box(root, note_left, note_width, row.center_y, path)?;
    draw_row_text(
        root,
        &note,
        (note_left, row.center_y),
        SUBTITLE_COLOR,
        HPos::Left,
        path,
    )
}

/// Returns the x axis of the forest plot in percent, spanning zero and every finite point
/// and interval bound.
fn forest_x_axis(rows: &[ForestRow<'_>]) -> Axis {
    let mut values = vec![0.0];
    for lift in rows.iter().filter_map(ForestRow::lift) {
        values.extend(lift.point.map(|point| point * 100.0));
        if let Some(interval) = &lift.interval {
            values.extend([interval.lower * 100.0, interval.upper * 100.0]);
        }
    }
    let range = padded_range(values.into_iter(), 0.05);
    let (ticks, decimals) = number_ticks(&range, 10);
    Axis {
        range,
        ticks,
        format: TickFormat::Number(decimals),
        description: chart_texts().t("holdout.chart.relative_axis").to_string(),
    }
}

fn draw_forest_axes<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    columns: &ForestColumns,
    x_axis: &Axis,
    row_count: usize,
    path: &Path,
) -> Result<ChartContext<'a, DB, ForestCoord>, ChartError> {
    let (body_left, _) = body.get_base_pixel();
    let body_right = body_left + body.dim_in_pixel().0 as i32;
    let mut chart = ChartBuilder::on(body)
        .margin_left((columns.plot_left() - body_left).max(0) as u32)
        .margin_right((body_right - columns.plot_right()).max(0) as u32)
        .margin_top(COLUMN_HEADING_HEIGHT)
        .margin_bottom(BOTTOM_MARGIN)
        .x_label_area_size(forest_x_label_area())
        .build_cartesian_2d(x_axis.ticked_range(), 0.0..row_count as f64)
        .map_err(|error| render_error(path, error))?;

    let x_format = |value: &f64| x_axis.format.format(*value);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_desc(x_axis.description.as_str())
        .x_label_formatter(&x_format)
        .label_style(text_style(TICK_LABEL_SIZE, TEXT_COLOR))
        .axis_desc_style(text_style(AXIS_DESC_SIZE, TEXT_COLOR))
        .axis_style(AXIS_COLOR)
        .bold_line_style(GRID_COLOR)
        .draw()
        .map_err(|error| render_error(path, error))?;
    Ok(chart)
}

/// Draws a row's interval as a bar with end caps and its point as a marker: a square for
/// the all-units row, a circle for a segment. An end outside the axis is cut at the axis
/// and drawn as an arrowhead in place of a cap.
fn draw_forest_bar<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, ForestCoord>,
    row: &LiftRow<'_>,
    x_range: &Range<f64>,
    path: &Path,
) -> Result<(), ChartError> {
    let (lift, y, color, is_overall) = (row.lift, row.y, row.color, row.is_overall);
    let stroke = if is_overall { 4 } else { 2 };
    let style = color.stroke_width(stroke);
    let clamp = |value: f64| value.clamp(x_range.start, x_range.end);

    if let Some(interval) = &lift.interval {
        let (lower, upper) = (interval.lower * 100.0, interval.upper * 100.0);
        // NaN bounds compare false everywhere, so they are drawn as cut at the axis.
        let lower_inside = lower >= x_range.start;
        let upper_inside = upper <= x_range.end;
        let (lower, upper) = (
            if lower_inside {
                clamp(lower)
            } else {
                x_range.start
            },
            if upper_inside {
                clamp(upper)
            } else {
                x_range.end
            },
        );
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(lower, y), (upper, y)],
                style,
            )))
            .map_err(|error| render_error(path, error))?;

        for (end, inside, direction) in [(lower, lower_inside, -1), (upper, upper_inside, 1)] {
            let shape = if inside {
                vec![(0, -CAP_HALF_HEIGHT), (0, CAP_HALF_HEIGHT)]
            } else {
                vec![
                    (-direction * 8, -CAP_HALF_HEIGHT),
                    (0, 0),
                    (-direction * 8, CAP_HALF_HEIGHT),
                ]
            };
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((end, y)) + PathElement::new(shape, style),
                ))
                .map_err(|error| render_error(path, error))?;
        }
    }

    let Some(point) = lift.point.map(|point| point * 100.0) else {
        return Ok(());
    };
    if !x_range.contains(&point) {
        return Ok(());
    }
    let result = if is_overall {
        let square = [(-6, -6), (6, 6)];
        chart.draw_series(std::iter::once(
            EmptyElement::at((point, y))
                + Rectangle::new(square, color.filled())
                + Rectangle::new(square, WHITE.stroke_width(1)),
        ))
    } else {
        chart.draw_series(std::iter::once(Circle::new((point, y), 5, color.filled())))
    };
    result.map_err(|error| render_error(path, error))?;
    Ok(())
}

fn draw_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    position: (i32, i32),
    style: TextStyle<'_>,
    path: &Path,
) -> Result<(), ChartError> {
    area.draw(&Text::new(text, position, style))
        .map_err(|error| render_error(path, error))
}

fn span_pixels(range: &Range<i32>) -> i32 {
    range.end - range.start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::InputFile;
    use crate::report::holdout_schema::{
        ArmUnits, ComparisonBootstrap, Histogram, HoldoutData, HoldoutParameters, SrmCheck,
    };
    use crate::report::schema::{Interval, SCHEMA_VERSION, ToolInfo, Verdict, VerdictKind};

    const LEVEL: f64 = 0.90;
    const Z_90: f64 = 1.6449;
    const RESAMPLES: usize = 2_000;
    const CONTROL_UNITS: u64 = 48_210;
    const UNDEFINED_REASON: &str =
        "The push arm has no orders, so its revenue/orders ratio is undefined.";

    const FILE_NAMES: [&str; 4] = [
        "lift_distribution.png",
        "lift_distribution.svg",
        "segment_lift.png",
        "segment_lift.svg",
    ];

    /// Segments as (name, share of units, lift multiplier, standard error multiplier).
    const SEGMENTS: [(&str, f64, f64, f64); 3] = [
        ("desktop", 0.45, 1.3, 1.5),
        ("mobile", 0.45, 0.8, 1.5),
        ("tablet", 0.10, 0.5, 3.2),
    ];

    fn interval(lower: f64, upper: f64) -> Interval {
        Interval {
            lower,
            upper,
            level: LEVEL,
            method: "unit_bootstrap_bca".to_string(),
        }
    }

    /// Returns an estimate with a symmetric 90% interval from a standard error.
    fn estimate(point: f64, standard_error: f64, unit: &str) -> Estimate {
        let primary = interval(point - Z_90 * standard_error, point + Z_90 * standard_error);
        Estimate {
            point: Some(point),
            interval: Some(primary.clone()),
            intervals: vec![primary],
            unit: unit.to_string(),
            undefined_reason: None,
            interval_note: None,
        }
    }

    fn undefined(unit: &str) -> Estimate {
        Estimate {
            point: None,
            interval: None,
            intervals: Vec::new(),
            unit: unit.to_string(),
            undefined_reason: Some(UNDEFINED_REASON.to_string()),
            interval_note: None,
        }
    }

    /// Bins a normal distribution of `RESAMPLES` replicates into 40 bins over ±4 standard
    /// errors, as the bootstrap of a well-behaved lift would.
    fn normal_histogram(point: f64, standard_error: f64) -> Histogram {
        const BINS: usize = 40;
        let start = point - 4.0 * standard_error;
        let width = 8.0 * standard_error / BINS as f64;
        let edges: Vec<f64> = (0..=BINS)
            .map(|index| start + width * index as f64)
            .collect();
        let counts = edges
            .windows(2)
            .map(|pair| {
                let z = ((pair[0] + pair[1]) / 2.0 - point) / standard_error;
                let density = (-0.5 * z * z).exp() / (std::f64::consts::TAU.sqrt());
                (RESAMPLES as f64 * density * width / standard_error).round() as u64
            })
            .collect();
        Histogram { edges, counts }
    }

    /// Two-sided p-value of a normal test statistic.
    fn two_sided_p(z: f64) -> f64 {
        statrs::function::erf::erfc(z.abs() / std::f64::consts::SQRT_2)
    }

    /// Holm's step-down adjustment of `p_values`, returned in their input order.
    fn holm(p_values: &[f64]) -> Vec<f64> {
        let mut order: Vec<usize> = (0..p_values.len()).collect();
        order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
        let mut adjusted = vec![0.0; p_values.len()];
        let mut running_max: f64 = 0.0;
        for (rank, &index) in order.iter().enumerate() {
            let scaled = ((p_values.len() - rank) as f64 * p_values[index]).min(1.0);
            running_max = running_max.max(scaled);
            adjusted[index] = running_max;
        }
        adjusted
    }

    struct ComparisonSpec {
        treatment: &'static str,
        treatment_units: u64,
        metric: &'static str,
        kind: &'static str,
        control_mean: f64,
        /// Absolute lift and its standard error, or `None` for an undefined lift.
        lift: Option<(f64, f64)>,
    }

    const COMPARISONS: [ComparisonSpec; 6] = [
        ComparisonSpec {
            treatment: "email",
            treatment_units: 48_105,
            metric: "converted",
            kind: "proportion",
            control_mean: 0.0410,
            lift: Some((0.0036, 0.0013)),
        },
        ComparisonSpec {
            treatment: "email",
            treatment_units: 48_105,
            metric: "revenue",
            kind: "mean",
            control_mean: 3.85,
            lift: Some((0.21, 0.16)),
        },
        ComparisonSpec {
            treatment: "email",
            treatment_units: 48_105,
            metric: "revenue/orders",
            kind: "ratio",
            control_mean: 52.3,
            lift: Some((-0.8, 1.1)),
        },
        ComparisonSpec {
            treatment: "push",
            treatment_units: 12_030,
            metric: "converted",
            kind: "proportion",
            control_mean: 0.0410,
            lift: Some((0.0011, 0.0021)),
        },
        ComparisonSpec {
            treatment: "push",
            treatment_units: 12_030,
            metric: "revenue",
            kind: "mean",
            control_mean: 3.85,
            lift: Some((-0.05, 0.27)),
        },
        ComparisonSpec {
            treatment: "push",
            treatment_units: 12_030,
            metric: "revenue/orders",
            kind: "ratio",
            control_mean: 52.3,
            lift: None,
        },
    ];

    fn fixture_comparison(spec: &ComparisonSpec) -> Comparison {
        let metric_unit = format!("{} per unit", spec.metric);
        let (absolute_lift, relative_lift, incremental_total, histogram, treatment_mean) =
            match spec.lift {
                Some((lift, standard_error)) => {
                    let units = spec.treatment_units as f64;
                    (
                        estimate(lift, standard_error, &metric_unit),
                        estimate(
                            lift / spec.control_mean,
                            standard_error / spec.control_mean,
                            "fraction",
                        ),
                        estimate(lift * units, standard_error * units, spec.metric),
                        normal_histogram(lift, standard_error),
                        spec.control_mean + lift,
                    )
                }
                None => (
                    undefined(&metric_unit),
                    undefined("fraction"),
                    undefined(spec.metric),
                    Histogram {
                        edges: Vec::new(),
                        counts: Vec::new(),
                    },
                    f64::NAN,
                ),
            };
        Comparison {
            treatment: spec.treatment.to_string(),
            metric: spec.metric.to_string(),
            kind: spec.kind.to_string(),
            control_units: CONTROL_UNITS,
            treatment_units: spec.treatment_units,
            control_mean: Some(spec.control_mean),
            treatment_mean: Some(treatment_mean),
            absolute_lift,
            relative_lift,
            incremental_total,
            cuped: None,
            bootstrap: ComparisonBootstrap {
                resamples: RESAMPLES,
                non_finite_resamples: if spec.lift.is_some() { 0 } else { RESAMPLES },
                acceleration: spec.lift.map(|_| 0.004),
                absolute_lift_histogram: histogram,
            },
            verdict: Verdict {
                kind: VerdictKind::Inconclusive,
                reason: "The interval of the lift contains zero.".to_string(),
                reason_code: String::new(),
                values: Default::default(),
            },
            absolute_lift_draws: Vec::new(),
        }
    }

    /// Returns the three segments of one comparison, with Holm-adjusted p-values except for
    /// ratio metrics, which have no analytic test.
    fn fixture_segments(spec: &ComparisonSpec) -> Vec<SegmentComparison> {
        let p_values: Vec<f64> = SEGMENTS
            .iter()
            .map(|&(_, _, lift_factor, error_factor)| match spec.lift {
                Some((lift, standard_error)) => {
                    two_sided_p(lift * lift_factor / (standard_error * error_factor))
                }
                None => f64::NAN,
            })
            .collect();
        let adjusted = holm(&p_values);
        let has_test = spec.lift.is_some() && spec.kind != "ratio";

        SEGMENTS
            .iter()
            .enumerate()
            .map(|(index, &(segment, share, lift_factor, error_factor))| {
                let (absolute_lift, relative_lift) = match spec.lift {
                    Some((lift, standard_error)) => {
                        let (lift, error) = (lift * lift_factor, standard_error * error_factor);
                        (
                            estimate(lift, error, spec.metric),
                            estimate(
                                lift / spec.control_mean,
                                error / spec.control_mean,
                                "fraction",
                            ),
                        )
                    }
                    None => (undefined(spec.metric), undefined("fraction")),
                };
                SegmentComparison {
                    segment: segment.to_string(),
                    treatment: spec.treatment.to_string(),
                    metric: spec.metric.to_string(),
                    control_units: (CONTROL_UNITS as f64 * share).round() as u64,
                    treatment_units: (spec.treatment_units as f64 * share).round() as u64,
                    absolute_lift,
                    relative_lift,
                    p_value: has_test.then_some(p_values[index]),
                    p_value_holm: has_test.then_some(adjusted[index]),
                }
            })
            .collect()
    }

    /// Builds a holdout report of two treatments against control on three metrics, with
    /// three segments each. The push arm's revenue/orders lift is undefined and has an
    /// empty histogram.
    fn fixture_report() -> HoldoutReport {
        let comparisons = COMPARISONS.iter().map(fixture_comparison).collect();
        let segments = COMPARISONS.iter().flat_map(fixture_segments).collect();
        HoldoutReport {
            schema_version: SCHEMA_VERSION.to_string(),
            tool: ToolInfo::current(),
            kind: "holdout".to_string(),
            title: "Spring retention holdout".to_string(),
            inputs: vec![InputFile {
                path: "data/units.csv".to_string(),
                sha256: "0".repeat(64),
                rows: 108_345,
            }],
            parameters: HoldoutParameters {
                group_col: "group".to_string(),
                control: "control".to_string(),
                treatments: vec!["email".to_string(), "push".to_string()],
                metrics: vec!["converted".to_string(), "revenue".to_string()],
                ratios: vec!["revenue/orders".to_string()],
                covariate: None,
                segment_col: Some("device".to_string()),
                unit_id_col: Some("user_id".to_string()),
                delimiter: ",".to_string(),
                level: LEVEL,
                resamples: RESAMPLES,
                seed: 7,
                scheme: "poisson".to_string(),
                interval: "bca".to_string(),
                expected_split: vec![0.45, 0.45, 0.10],
            },
            data: HoldoutData {
                rows: 108_345,
                arms: vec![
                    ArmUnits {
                        label: "control".to_string(),
                        units: CONTROL_UNITS,
                    },
                    ArmUnits {
                        label: "email".to_string(),
                        units: 48_105,
                    },
                    ArmUnits {
                        label: "push".to_string(),
                        units: 12_030,
                    },
                ],
                other_labels: Vec::new(),
                segments: SEGMENTS
                    .iter()
                    .map(|segment| segment.0.to_string())
                    .collect(),
            },
            srm: SrmCheck {
                expected_shares: vec![0.45, 0.45, 0.10],
                observed_units: vec![CONTROL_UNITS, 48_105, 12_030],
                chi_square: 1.9,
                degrees_of_freedom: 2.0,
                p_value: 0.39,
                mismatch: false,
            },
            comparisons,
            segments,
            warnings: Vec::new(),
        }
    }

    fn read_file(path: &Path) -> Vec<u8> {
        std::fs::read(path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
    }

    fn read_svg(dir: &Path, stem: &str) -> String {
        String::from_utf8(read_file(&dir.join(format!("{stem}.svg")))).unwrap()
    }

    /// Returns the height attribute of the root element of `svg`.
    fn svg_height(svg: &str) -> u32 {
        let start = svg.find("height=\"").unwrap() + "height=\"".len();
        let end = start + svg[start..].find('"').unwrap();
        svg[start..end].parse().unwrap()
    }

    #[test]
    fn writes_four_nonempty_files() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_holdout_charts(&fixture_report(), dir.path(), Lang::En).unwrap();

        let names: Vec<String> = written
            .iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, FILE_NAMES);
        for path in &written {
            assert_eq!(path.parent(), Some(dir.path()));
            assert!(!read_file(path).is_empty(), "{} is empty", path.display());
        }
    }

    #[test]
    fn png_files_have_png_signature() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_holdout_charts(&fixture_report(), dir.path(), Lang::En).unwrap();

        let signature = b"\x89PNG\r\n\x1a\n";
        for path in written
            .iter()
            .filter(|path| path.extension().is_some_and(|ext| ext == "png"))
        {
            assert!(
                read_file(path).starts_with(signature),
                "{} is not a PNG",
                path.display()
            );
        }
    }

    #[test]
    fn rendering_twice_gives_identical_bytes() {
        let report = fixture_report();
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        write_holdout_charts(&report, first.path(), Lang::En).unwrap();
        write_holdout_charts(&report, second.path(), Lang::En).unwrap();

        for name in FILE_NAMES {
            let first_bytes = read_file(&first.path().join(name));
            let second_bytes = read_file(&second.path().join(name));
            assert!(
                first_bytes == second_bytes,
                "{name} differs between two renderings"
            );
        }
    }

    #[test]
    fn lift_distribution_text() {
        let dir = tempfile::tempdir().unwrap();
        write_holdout_charts(&fixture_report(), dir.path(), Lang::En).unwrap();
        let svg = read_svg(dir.path(), "lift_distribution");

        assert!(svg.contains(r#"width="1200""#), "not 1200 px wide");
        assert!(svg.contains("Lifts at 90%: "));
        assert!(svg.contains("Spring retention holdout · difference of means"));
        assert!(svg.contains("email · converted"));
        assert!(svg.contains("push · revenue/orders"));
        assert!(svg.contains("Difference in revenue (treatment − control)"));
        assert!(svg.contains("90% BCa interval"));
        // The panel wraps the reason, so only its start is on one line.
        assert!(svg.contains("lift undefined: The push arm"));
        assert!(svg.contains("difference +0.0036 (90% CI +0.0015 to +0.0057)"));
        assert!(!svg.contains("NaN"), "NaN in the SVG");
    }

    #[test]
    fn segment_lift_text() {
        let dir = tempfile::tempdir().unwrap();
        write_holdout_charts(&fixture_report(), dir.path(), Lang::En).unwrap();
        let svg = read_svg(dir.path(), "segment_lift");

        assert!(svg.contains(r#"width="1200""#), "not 1200 px wide");
        assert!(svg.contains("Spring retention holdout · relative lift by segment"));
        assert!(svg.contains("Holm p"));
        assert_eq!(svg.matches(">\nall units\n</text>").count(), 6);
        assert_eq!(svg.matches(">\ntablet\n</text>").count(), 6);
        // The ratio metrics' segments have no p-value.
        assert!(
            svg.contains(">\n–\n</text>"),
            "no dash for a missing p-value"
        );
        assert!(
            svg.contains("+8.8% (+3.6% to +14.0%)"),
            "email converted lift"
        );
        assert!(svg.contains(&format!("lift undefined: {UNDEFINED_REASON}")));
        assert!(!svg.contains("NaN"), "NaN in the SVG");
    }

    #[test]
    fn segment_lift_height_follows_rows() {
        let dir = tempfile::tempdir().unwrap();
        write_holdout_charts(&fixture_report(), dir.path(), Lang::En).unwrap();
        let svg = read_svg(dir.path(), "segment_lift");

        // 6 headings, 6 all-units rows and 18 segment rows.
        let rows = 30;
        let height = svg_height(&svg);
        assert!(height >= rows * ROW_HEIGHT, "{height} px for {rows} rows");
        assert!(
            height <= rows * ROW_HEIGHT + 300,
            "{height} px for {rows} rows"
        );
    }

    #[test]
    fn empty_segments_render() {
        let mut report = fixture_report();
        report.segments.clear();
        report.parameters.segment_col = None;
        report.data.segments.clear();
        let dir = tempfile::tempdir().unwrap();

        let written = write_holdout_charts(&report, dir.path(), Lang::En).unwrap();
        assert_eq!(written.len(), 4);
        let svg = read_svg(dir.path(), "segment_lift");
        assert!(svg.contains("no segment column given"));
        assert_eq!(svg.matches(">\nall units\n</text>").count(), 6);
        assert!(svg_height(&svg) >= MIN_CANVAS_HEIGHT);
    }

    #[test]
    fn single_comparison_without_segments_renders() {
        let mut report = fixture_report();
        report.comparisons.truncate(1);
        report.segments.clear();
        let dir = tempfile::tempdir().unwrap();

        write_holdout_charts(&report, dir.path(), Lang::En).unwrap();
        let svg = read_svg(dir.path(), "segment_lift");
        assert_eq!(svg_height(&svg), MIN_CANVAS_HEIGHT);
        assert!(svg.contains("Only all units: no segments in the segment column"));
    }

    #[test]
    fn no_comparisons_render_notes() {
        let mut report = fixture_report();
        report.comparisons.clear();
        report.segments.clear();
        let dir = tempfile::tempdir().unwrap();

        write_holdout_charts(&report, dir.path(), Lang::En).unwrap();
        for stem in ["lift_distribution", "segment_lift"] {
            let svg = read_svg(dir.path(), stem);
            assert!(
                svg.contains("The report has no comparisons to plot."),
                "{stem}.svg has no note"
            );
        }
    }

    #[test]
    fn segments_without_comparison_get_own_group() {
        let mut report = fixture_report();
        report.comparisons.remove(0);
        let dir = tempfile::tempdir().unwrap();

        write_holdout_charts(&report, dir.path(), Lang::En).unwrap();
        let svg = read_svg(dir.path(), "segment_lift");
        assert!(svg.contains("email · converted (no overall comparison)"));
        assert_eq!(svg.matches(">\nall units\n</text>").count(), 5);
        assert_eq!(svg.matches(">\ntablet\n</text>").count(), 6);
    }

    #[test]
    fn defined_lift_with_empty_histogram_renders() {
        let mut report = fixture_report();
        report.comparisons[0].bootstrap.absolute_lift_histogram = Histogram {
            edges: Vec::new(),
            counts: Vec::new(),
        };
        let dir = tempfile::tempdir().unwrap();

        write_holdout_charts(&report, dir.path(), Lang::En).unwrap();
        let svg = read_svg(dir.path(), "lift_distribution");
        assert!(svg.contains("no bootstrap replicates to show"));
    }

    #[test]
    fn invalid_histogram_renders_reason() {
        let mut report = fixture_report();
        report.comparisons[1]
            .bootstrap
            .absolute_lift_histogram
            .edges
            .pop();
        let dir = tempfile::tempdir().unwrap();

        write_holdout_charts(&report, dir.path(), Lang::En).unwrap();
        let svg = read_svg(dir.path(), "lift_distribution");
        assert!(svg.contains("histogram not shown: 40 edges for 40 counts"));
    }

    #[test]
    fn lift_without_interval_renders() {
        let mut report = fixture_report();
        report.comparisons[0].absolute_lift.interval = None;
        report.comparisons[0].relative_lift.interval = None;
        report.segments[0].relative_lift.interval = None;
        let dir = tempfile::tempdir().unwrap();

        write_holdout_charts(&report, dir.path(), Lang::En).unwrap();
        assert!(read_svg(dir.path(), "lift_distribution").contains("(no interval)"));
        assert!(read_svg(dir.path(), "segment_lift").contains("(no interval)"));
    }

    #[test]
    fn non_finite_interval_bounds_render() {
        let mut report = fixture_report();
        let interval = report.segments[2].relative_lift.interval.as_mut().unwrap();
        interval.lower = f64::NEG_INFINITY;
        interval.upper = f64::NAN;
        let interval = report.comparisons[0]
            .absolute_lift
            .interval
            .as_mut()
            .unwrap();
        interval.upper = f64::INFINITY;
        let dir = tempfile::tempdir().unwrap();

        write_holdout_charts(&report, dir.path(), Lang::En).unwrap();
    }

    #[test]
    fn unwritable_directory_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not_a_directory");
        std::fs::write(&file, b"").unwrap();

        let error = write_holdout_charts(&fixture_report(), &file, Lang::En).unwrap_err();
        assert!(
            matches!(error, ChartError::CreateDir { .. }),
            "unexpected error {error:?}"
        );
    }

    #[test]
    fn panel_grid_layouts() {
        let report = fixture_report();
        let grid = |count: usize| panel_grid(&report.comparisons[..count]);
        // Two treatments on three metrics: one row per treatment.
        assert_eq!(grid(6), (2, 3));
        // One treatment on three metrics, and one on two.
        assert_eq!(grid(3), (1, 3));
        assert_eq!(grid(2), (1, 2));
        assert_eq!(grid(1), (1, 1));
        assert_eq!(grid(0), (1, 1));
        // Five comparisons of three metrics do not fill a row per treatment.
        assert_eq!(grid(5), (2, 3));

        let mut four_treatments = report.comparisons.clone();
        for (index, comparison) in four_treatments.iter_mut().enumerate() {
            comparison.treatment = format!("arm_{index}");
            comparison.metric = "converted".to_string();
        }
        assert_eq!(panel_grid(&four_treatments[..4]), (2, 2));
        assert_eq!(panel_grid(&four_treatments[..5]), (2, 3));
    }

    #[test]
    fn histogram_bins_cases() {
        let valid = Histogram {
            edges: vec![0.0, 1.0, 2.0],
            counts: vec![3, 4],
        };
        assert!(matches!(
            HistogramBins::from_report(&valid),
            HistogramBins::Bins(bins) if bins.len() == 2
        ));

        let all_zero = Histogram {
            edges: vec![0.0, 1.0],
            counts: vec![0],
        };
        assert!(matches!(
            HistogramBins::from_report(&all_zero),
            HistogramBins::Empty
        ));

        let unordered = Histogram {
            edges: vec![0.0, 2.0, 1.0],
            counts: vec![3, 4],
        };
        assert!(matches!(
            HistogramBins::from_report(&unordered),
            HistogramBins::Invalid(_)
        ));
    }

    #[test]
    fn p_value_formats() {
        assert_eq!(p_value_text(None), "–");
        assert_eq!(p_value_text(Some(0.0004)), "<0.001");
        assert_eq!(p_value_text(Some(0.0423)), "0.042");
        assert_eq!(p_value_text(Some(1.0)), "1.000");
    }

    #[test]
    fn relative_lift_text_cases() {
        let lift = estimate(0.042, 0.01, "fraction");
        assert_eq!(relative_lift_text(&lift), "+4.2% (+2.6% to +5.8%)");
        assert_eq!(relative_lift_text(&undefined("fraction")), "undefined");
    }

    #[test]
    fn wrapping_keeps_lines_within_width() {
        register_embedded_font().unwrap();
        let path = Path::new("test.png");
        let text = "lift undefined: the push arm has no orders, so its revenue/orders ratio \
            is undefined in every one of the bootstrap resamples";
        let lines = wrap_to_width(text, PANEL_TEXT_SIZE, 200, 4, path).unwrap();

        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.len() <= 4, "{lines:?}");
        for line in &lines {
            assert!(
                text_width(line, PANEL_TEXT_SIZE, path).unwrap() <= 200,
                "{line:?}"
            );
        }
        let short = wrap_to_width(text, PANEL_TEXT_SIZE, 200, 2, path).unwrap();
        assert_eq!(short.len(), 2);
        assert!(short[1].ends_with('…'), "{short:?}");
    }

    /// Renders the fixture and hard cases into subdirectories of the directory named by
    /// `LIFTLAB_CHART_PREVIEW_DIR`, for a visual check. Run with
    /// `cargo test --release --lib -- --ignored holdout_chart_preview`.
    #[test]
    #[ignore = "writes into a directory outside the test's temporary files"]
    fn holdout_chart_preview() {
        let Ok(dir) = std::env::var("LIFTLAB_CHART_PREVIEW_DIR") else {
            panic!("set LIFTLAB_CHART_PREVIEW_DIR to the directory for the preview charts");
        };
        let dir = Path::new(&dir);

        let report = fixture_report();
        write_holdout_charts(&report, &dir.join("fixture"), Lang::En).unwrap();

        let mut no_segments = report.clone();
        no_segments.segments.clear();
        no_segments.parameters.segment_col = None;
        write_holdout_charts(&no_segments, &dir.join("no_segments"), Lang::En).unwrap();

        let mut two_comparisons = report;
        two_comparisons.comparisons.truncate(2);
        two_comparisons.segments.truncate(6);
        two_comparisons.comparisons[1].metric =
            "revenue_in_the_first_thirty_days_after_exposure".to_string();
        for segment in &mut two_comparisons.segments[3..] {
            segment.metric = "revenue_in_the_first_thirty_days_after_exposure".to_string();
        }
        write_holdout_charts(&two_comparisons, &dir.join("two_comparisons"), Lang::En).unwrap();

        let mut one_comparison = fixture_report();
        one_comparison.comparisons.truncate(1);
        one_comparison.segments.clear();
        write_holdout_charts(&one_comparison, &dir.join("one_comparison"), Lang::En).unwrap();
    }
}
