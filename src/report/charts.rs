//! Charts of a geo report, each written as PNG and SVG: the treated geos' observed KPI
//! against the counterfactual, the cumulative incremental KPI over the test window, and the
//! distribution of the placebo statistic.
//!
//! Text in the PNG files is drawn with the DejaVu Sans font embedded in the binary, so the
//! PNG bytes do not depend on the fonts, clock or locale of the machine. The SVG files name
//! the `sans-serif` family and leave the choice of glyphs to the viewer.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{NaiveDate, TimeDelta};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::localize::verdict_headline;
use super::schema::{DailyPoint, Estimate, GeoReport, Interval};
use crate::i18n::{Lang, Texts};

/// Error from writing the charts of a report.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("failed to create the chart directory {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to load the embedded font {font}: the file is not a valid TrueType font")]
    Font { font: &'static str },
    #[error(
        "cannot draw {}: series row {row} has the invalid date {date:?}, expected YYYY-MM-DD",
        path.display()
    )]
    InvalidDate {
        path: PathBuf,
        row: usize,
        date: String,
    },
    #[error("failed to render the chart {}: {message}", path.display())]
    Render { path: PathBuf, message: String },
}

/// Writes the geo report's charts into `dir` and returns the paths written.
///
/// Creates `dir` if it does not exist and replaces existing files of the same names:
/// `observed_vs_counterfactual`, `cumulative_effect` and `placebo_distribution`, each as
/// `.png` and `.svg`, 1200 × 675 px.
///
/// The first call registers the embedded DejaVu Sans font as the `sans-serif` family of
/// plotters for the whole process.
pub fn write_geo_charts(
    report: &GeoReport,
    dir: &Path,
    lang: Lang,
) -> Result<Vec<PathBuf>, ChartError> {
    register_embedded_font()?;
    let _lang = LangScope::enter(lang);
    std::fs::create_dir_all(dir).map_err(|source| ChartError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;

    let mut written = Vec::with_capacity(Chart::ALL.len() * 2);
    for chart in Chart::ALL {
        let drawing = GeoChart { chart, report };
        written.extend(write_png_and_svg(
            &drawing,
            dir,
            chart.file_stem(),
            CANVAS_SIZE,
        )?);
    }
    Ok(written)
}

/// A chart that can be drawn on any plotters backend, so that one function writes it as PNG
/// and as SVG.
pub(crate) trait DrawChart {
    /// Draws the chart on `root`. `path` is the file being written, for error messages.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        path: &Path,
    ) -> Result<(), ChartError>;
}

/// Writes `chart` as `<stem>.png` and `<stem>.svg` into `dir` at `size` and returns both paths.
pub(crate) fn write_png_and_svg(
    chart: &impl DrawChart,
    dir: &Path,
    stem: &str,
    size: (u32, u32),
) -> Result<[PathBuf; 2], ChartError> {
    let png_path = dir.join(format!("{stem}.png"));
    let png_root = BitMapBackend::new(&png_path, size).into_drawing_area();
    chart.draw(&png_root, &png_path)?;
    png_root
        .present()
        .map_err(|error| render_error(&png_path, error))?;
    drop(png_root);

    let svg_path = dir.join(format!("{stem}.svg"));
    let svg_root = SVGBackend::new(&svg_path, size).into_drawing_area();
    chart.draw(&svg_root, &svg_path)?;
    svg_root
        .present()
        .map_err(|error| render_error(&svg_path, error))?;
    drop(svg_root);
    Ok([png_path, svg_path])
}

// Canvas and text sizes in pixels.
const CANVAS_SIZE: (u32, u32) = (1200, 675);
const TITLE_SIZE: f64 = 28.0;
const SUBTITLE_SIZE: f64 = 20.0;
pub(crate) const AXIS_DESC_SIZE: f64 = 20.0;
pub(crate) const TICK_LABEL_SIZE: f64 = 18.0;
const LEGEND_SIZE: f64 = 18.0;
const NOTE_SIZE: f64 = 20.0;
pub(crate) const SIDE_MARGIN: i32 = 24;

// One colour per role, shared by all charts.
pub(crate) const TREATED_COLOR: RGBColor = RGBColor(0x1f, 0x4e, 0x79);
pub(crate) const COUNTERFACTUAL_COLOR: RGBColor = RGBColor(0xd9, 0x82, 0x2b);
pub(crate) const BAND_COLOR: RGBAColor = RGBAColor(0xd9, 0x82, 0x2b, 0.25);
const TEST_WINDOW_COLOR: RGBAColor = RGBAColor(0, 0, 0, 0.08);
pub(crate) const PLACEBO_BAR_COLOR: RGBColor = RGBColor(0xa6, 0xa6, 0xa6);
pub(crate) const REFERENCE_LINE_COLOR: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub(crate) const TEXT_COLOR: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(crate) const SUBTITLE_COLOR: RGBColor = RGBColor(0x44, 0x44, 0x44);
pub(crate) const AXIS_COLOR: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub(crate) const GRID_COLOR: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

const FONT_FAMILY: &str = "sans-serif";
const FONT_FILE: &str = "assets/fonts/DejaVuSans.ttf";
const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font as the `sans-serif` family once per process.
pub(crate) fn register_embedded_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED
        .get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).is_ok());
    if registered {
        Ok(())
    } else {
        Err(ChartError::Font { font: FONT_FILE })
    }
}

pub(crate) fn render_error(path: &Path, error: impl std::fmt::Display) -> ChartError {
    ChartError::Render {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

#[derive(Debug, Clone, Copy)]
enum Chart {
    ObservedVsCounterfactual,
    CumulativeEffect,
    PlaceboDistribution,
}

impl Chart {
    const ALL: [Chart; 3] = [
        Chart::ObservedVsCounterfactual,
        Chart::CumulativeEffect,
        Chart::PlaceboDistribution,
    ];

    fn file_stem(self) -> &'static str {
        match self {
            Chart::ObservedVsCounterfactual => "observed_vs_counterfactual",
            Chart::CumulativeEffect => "cumulative_effect",
            Chart::PlaceboDistribution => "placebo_distribution",
        }
    }
}

/// One chart of a geo report.
struct GeoChart<'a> {
    chart: Chart,
    report: &'a GeoReport,
}

impl DrawChart for GeoChart<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        path: &Path,
    ) -> Result<(), ChartError> {
        root.fill(&WHITE)
            .map_err(|error| render_error(path, error))?;
        let report = self.report;
        match self.chart {
            Chart::ObservedVsCounterfactual => draw_observed_vs_counterfactual(report, root, path),
            Chart::CumulativeEffect => draw_cumulative_effect(report, root, path),
            Chart::PlaceboDistribution => draw_placebo_distribution(report, root, path),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The three charts
// ---------------------------------------------------------------------------------------

fn draw_observed_vs_counterfactual<DB: DrawingBackend>(
    report: &GeoReport,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let kpi = &report.parameters.kpi_col;
    let level = format_level(report.parameters.level);
    let texts = chart_texts();
    let title = capitalized(&texts.fill(
        "geo.chart.observed_title",
        &[
            (
                "finding",
                &relative_lift_finding(&report.estimates.relative_lift),
            ),
            ("verdict", &verdict_headline(&report.verdict, texts)),
        ],
    ));
    let subtitle = texts.fill(
        "geo.chart.observed_subtitle",
        &[("title", &report.title), ("kpi", kpi)],
    );
    let legend = [
        LegendEntry::line(texts.t("geo.chart.observed"), TREATED_COLOR, false),
        LegendEntry::line(
            texts.t("geo.chart.counterfactual"),
            COUNTERFACTUAL_COLOR,
            true,
        ),
        LegendEntry::fill(
            &texts.fill("geo.chart.prediction_band", &[("level", &level)]),
            BAND_COLOR,
        ),
        LegendEntry::fill(texts.t("geo.chart.test_window"), TEST_WINDOW_COLOR),
    ];
    let body = draw_header(root, &title, &subtitle, &legend, path)?;

    let series = DaySeries::from_report(report, path)?;
    if series.days.is_empty() {
        return draw_note(&body, texts.t("geo.chart.no_series"), path);
    }

    let first = series.days[0].x;
    let last = series.days[series.days.len() - 1].x;
    let anchor = series.first_test_x().unwrap_or(first);
    let x_axis = Axis {
        range: (first - 0.5)..(last + 0.5),
        ticks: date_ticks(first, last, anchor),
        format: TickFormat::Date(series.origin),
        description: texts.t("common.chart.date").to_string(),
    };

    let y_values = series.days.iter().flat_map(|day| {
        let point = day.point;
        [
            Some(point.observed),
            Some(point.counterfactual),
            point.counterfactual_lower,
            point.counterfactual_upper,
        ]
        .into_iter()
        .flatten()
    });
    let y_range = padded_range(y_values, 0.08);
    let (y_ticks, y_decimals) = number_ticks(&y_range, 8);
    let y_axis = Axis {
        range: y_range,
        ticks: y_ticks,
        format: TickFormat::Number(y_decimals),
        description: texts.fill("geo.chart.kpi_sum_axis", &[("kpi", kpi)]),
    };

    let mut chart = draw_axes(&body, &x_axis, &y_axis, path)?;
    let y_bounds = (y_axis.range.start, y_axis.range.end);

    let windows = series.test_windows();
    chart
        .draw_series(windows.iter().map(|&(start, end)| {
            Rectangle::new(
                [(start - 0.5, y_bounds.0), (end + 0.5, y_bounds.1)],
                TEST_WINDOW_COLOR.filled(),
            )
        }))
        .map_err(|error| render_error(path, error))?;

    let band = band_polygon(series.days.iter().filter_map(|day| {
        let point = day.point;
        Some((
            day.x,
            point.counterfactual_lower?,
            point.counterfactual_upper?,
        ))
    }));
    if let Some(polygon) = band {
        chart
            .draw_series(std::iter::once(polygon))
            .map_err(|error| render_error(path, error))?;
    }

    let counterfactual: Vec<(f64, f64)> = series
        .days
        .iter()
        .map(|day| (day.x, day.point.counterfactual))
        .filter(|(_, y)| y.is_finite())
        .collect();
    chart
        .draw_series(DashedLineSeries::new(
            counterfactual,
            10,
            6,
            COUNTERFACTUAL_COLOR.stroke_width(3),
        ))
        .map_err(|error| render_error(path, error))?;

    let observed: Vec<(f64, f64)> = series
        .days
        .iter()
        .map(|day| (day.x, day.point.observed))
        .filter(|(_, y)| y.is_finite())
        .collect();
    chart
        .draw_series(LineSeries::new(observed, TREATED_COLOR.stroke_width(3)))
        .map_err(|error| render_error(path, error))?;

    Ok(())
}

fn draw_cumulative_effect<DB: DrawingBackend>(
    report: &GeoReport,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let kpi = &report.parameters.kpi_col;
    let level = format_level(report.parameters.level);
    let texts = chart_texts();
    let title = incremental_finding(&report.estimates.incremental, kpi);
    let legend = [
        LegendEntry::line(
            &texts.fill("geo.chart.cumulative", &[("kpi", kpi)]),
            TREATED_COLOR,
            false,
        ),
        LegendEntry::fill(
            &texts.fill("geo.chart.interval", &[("level", &level)]),
            BAND_COLOR,
        ),
        LegendEntry::line(texts.t("geo.chart.no_effect"), REFERENCE_LINE_COLOR, true),
    ];
    let body = draw_header(root, &title, &report.title, &legend, path)?;

    let series = DaySeries::from_report(report, path)?;
    let test_days: Vec<&Day> = series
        .days
        .iter()
        .filter(|day| day.is_test() && day.point.cumulative_effect.is_some())
        .collect();
    let (Some(first_day), Some(last_day)) = (test_days.first(), test_days.last()) else {
        return draw_note(&body, texts.t("geo.chart.no_test_days"), path);
    };

    let (first, last) = (first_day.x, last_day.x);
    let x_axis = Axis {
        range: (first - 0.5)..(last + 0.5),
        ticks: date_ticks(first, last, first),
        format: TickFormat::Date(series.origin),
        description: texts.t("common.chart.date").to_string(),
    };

    let y_values = test_days.iter().flat_map(|day| {
        let point = day.point;
        [
            point.cumulative_effect,
            point.cumulative_lower,
            point.cumulative_upper,
            Some(0.0),
        ]
        .into_iter()
        .flatten()
    });
    let y_range = padded_range(y_values, 0.08);
    let (y_ticks, y_decimals) = number_ticks(&y_range, 8);
    let y_axis = Axis {
        range: y_range,
        ticks: y_ticks,
        format: TickFormat::Number(y_decimals),
        description: texts.fill("geo.chart.cumulative", &[("kpi", kpi)]),
    };

    let mut chart = draw_axes(&body, &x_axis, &y_axis, path)?;

    let band = band_polygon(test_days.iter().filter_map(|day| {
        let point = day.point;
        Some((day.x, point.cumulative_lower?, point.cumulative_upper?))
    }));
    if let Some(polygon) = band {
        chart
            .draw_series(std::iter::once(polygon))
            .map_err(|error| render_error(path, error))?;
    }

    let x_bounds = (x_axis.range.start, x_axis.range.end);
    chart
        .draw_series(std::iter::once(DashedPathElement::new(
            vec![(x_bounds.0, 0.0), (x_bounds.1, 0.0)],
            8,
            6,
            REFERENCE_LINE_COLOR.stroke_width(2),
        )))
        .map_err(|error| render_error(path, error))?;

    let cumulative: Vec<(f64, f64)> = test_days
        .iter()
        .filter_map(|day| Some((day.x, day.point.cumulative_effect?)))
        .filter(|(_, y)| y.is_finite())
        .collect();
    chart
        .draw_series(LineSeries::new(
            cumulative.iter().copied(),
            TREATED_COLOR.stroke_width(3),
        ))
        .map_err(|error| render_error(path, error))?;
    chart
        .draw_series(
            cumulative
                .iter()
                .map(|&point| Circle::new(point, 4, TREATED_COLOR.filled())),
        )
        .map_err(|error| render_error(path, error))?;

    Ok(())
}

fn draw_placebo_distribution<DB: DrawingBackend>(
    report: &GeoReport,
    root: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), ChartError> {
    let texts = chart_texts();
    let placebo = &report.inference.placebo;
    let legend = [
        LegendEntry::fill(texts.t("geo.chart.placebo_sets_legend"), PLACEBO_BAR_COLOR),
        LegendEntry::line(texts.t("geo.chart.treated_geos"), TREATED_COLOR, false),
    ];
    let body = draw_header(
        root,
        &placebo_finding(report),
        &placebo_sets_text(report),
        &legend,
        path,
    )?;

    let statistics: Vec<f64> = placebo
        .runs
        .iter()
        .map(|run| run.statistic)
        .filter(|statistic| statistic.is_finite())
        .collect();
    let observed = Some(placebo.observed_statistic).filter(|value| value.is_finite());
    let histogram = Histogram::from_values(&statistics);

    // The x axis starts at the first bin edge (0 for the non-negative statistic) and reaches
    // past both the last bin and the treated statistic.
    let x_start = observed.map_or(histogram.start, |value| histogram.start.min(value));
    let x_end = observed.map_or(histogram.end(), |value| histogram.end().max(value));
    let x_range = x_start..(x_end + 0.03 * (x_end - x_start));
    let (x_ticks, x_decimals) = number_ticks(&x_range, 10);
    let x_axis = Axis {
        range: x_range,
        ticks: x_ticks,
        format: TickFormat::Number(x_decimals),
        description: texts.t("geo.chart.placebo_statistic_axis").to_string(),
    };

    // Headroom above the tallest bar keeps the bars clear of the "treated" label.
    let max_count = histogram.counts.iter().copied().max().unwrap_or(0).max(1);
    let y_end = (f64::from(max_count) * 1.25).ceil();
    let y_step = nice_step(y_end / 8.0).max(1.0);
    let y_axis = Axis {
        range: 0.0..y_end,
        ticks: ticks_in(0.0, y_end, y_step),
        format: TickFormat::Number(0),
        description: texts.t("geo.chart.placebo_sets_axis").to_string(),
    };

    let mut chart = draw_axes(&body, &x_axis, &y_axis, path)?;

    let bars = histogram.bins().filter(|&(_, _, count)| count > 0);
    chart
        .draw_series(bars.flat_map(|(start, end, count)| {
            let corners = [(start, 0.0), (end, f64::from(count))];
            [
                Rectangle::new(corners, PLACEBO_BAR_COLOR.filled()),
                Rectangle::new(corners, WHITE.stroke_width(1)),
            ]
        }))
        .map_err(|error| render_error(path, error))?;

    if statistics.is_empty() {
        let center = (
            (x_axis.range.start + x_axis.range.end) / 2.0,
            y_axis.range.end / 2.0,
        );
        let style = text_style(NOTE_SIZE, SUBTITLE_COLOR).pos(Pos::new(HPos::Center, VPos::Center));
        chart
            .draw_series(std::iter::once(Text::new(
                texts.t("geo.chart.no_placebo_runs"),
                center,
                style,
            )))
            .map_err(|error| render_error(path, error))?;
    }

    if let Some(value) = observed {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(value, 0.0), (value, y_end)],
                TREATED_COLOR.stroke_width(3),
            )))
            .map_err(|error| render_error(path, error))?;

        // The label sits right of the line unless the line is near the right edge.
        let label = texts.fill(
            "geo.chart.treated_marker",
            &[("value", &format_thousands(value, x_decimals + 1))],
        );
        let near_right_edge = value > x_axis.range.start + 0.75 * span(&x_axis.range);
        let (offset_x, h_pos) = if near_right_edge {
            (-8, HPos::Right)
        } else {
            (8, HPos::Left)
        };
        let style = text_style(LEGEND_SIZE, TREATED_COLOR).pos(Pos::new(h_pos, VPos::Top));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((value, y_end)) + Text::new(label, (offset_x, 6), style),
            ))
            .map_err(|error| render_error(path, error))?;
    }

    Ok(())
}

// ---------------------------------------------------------------------------------------
// Report data prepared for plotting
// ---------------------------------------------------------------------------------------

/// One day of the report series placed on the x axis.
struct Day<'a> {
    /// Days since [`DaySeries::origin`].
    x: f64,
    point: &'a DailyPoint,
}

impl Day<'_> {
    fn is_test(&self) -> bool {
        self.point.period == "test"
    }
}

/// The report series sorted by date, with x = days since the first date.
struct DaySeries<'a> {
    origin: NaiveDate,
    days: Vec<Day<'a>>,
}

impl<'a> DaySeries<'a> {
    fn from_report(report: &'a GeoReport, path: &Path) -> Result<Self, ChartError> {
        let mut dated = Vec::with_capacity(report.series.len());
        for (row, point) in report.series.iter().enumerate() {
            let date = NaiveDate::parse_from_str(&point.date, "%Y-%m-%d").map_err(|_| {
                ChartError::InvalidDate {
                    path: path.to_path_buf(),
                    row,
                    date: point.date.clone(),
                }
            })?;
            dated.push((date, point));
        }
        dated.sort_by_key(|(date, _)| *date);

        let origin = dated
            .first()
            .map(|(date, _)| *date)
            .unwrap_or(NaiveDate::MIN);
        let days = dated
            .into_iter()
            .map(|(date, point)| Day {
                x: (date - origin).num_days() as f64,
                point,
            })
            .collect();
        Ok(DaySeries { origin, days })
    }

    fn first_test_x(&self) -> Option<f64> {
        self.days.iter().find(|day| day.is_test()).map(|day| day.x)
    }

    /// Returns the first and last x of each run of consecutive test days.
    fn test_windows(&self) -> Vec<(f64, f64)> {
        let mut windows: Vec<(f64, f64)> = Vec::new();
        for day in self.days.iter().filter(|day| day.is_test()) {
            match windows.last_mut() {
                Some((_, end)) if day.x - *end <= 1.0 => *end = day.x,
                _ => windows.push((day.x, day.x)),
            }
        }
        windows
    }
}

/// Builds the closed outline of a band from `(x, lower, upper)` points, or `None` with fewer
/// than two finite points.
fn band_polygon(points: impl Iterator<Item = (f64, f64, f64)>) -> Option<Polygon<(f64, f64)>> {
    let points: Vec<(f64, f64, f64)> = points
        .filter(|(x, lower, upper)| x.is_finite() && lower.is_finite() && upper.is_finite())
        .collect();
    if points.len() < 2 {
        return None;
    }
    let upper_edge = points.iter().map(|&(x, _, upper)| (x, upper));
    let lower_edge = points.iter().rev().map(|&(x, lower, _)| (x, lower));
    let outline: Vec<(f64, f64)> = upper_edge.chain(lower_edge).collect();
    Some(Polygon::new(outline, BAND_COLOR.filled()))
}

/// Equal-width bins that start at a multiple of the bin width.
struct Histogram {
    start: f64,
    width: f64,
    counts: Vec<u32>,
}

impl Histogram {
    /// Bins `values`, which must be finite, into bins of a width of 1, 2 or 5 × 10^k. The
    /// width is rounded up from the span ÷ 2·√n (clamped to 5..40), so there are at most
    /// about that many bins. The first bin starts at or below 0, because the placebo
    /// statistic is non-negative.
    fn from_values(values: &[f64]) -> Self {
        let min = values.iter().copied().fold(0.0, f64::min);
        let max = values.iter().copied().fold(0.0, f64::max);
        let target_bins = ((values.len() as f64).sqrt() * 2.0).clamp(5.0, 40.0);
        let value_span = if max > min {
            max - min
        } else {
            max.abs().max(1.0)
        };
        let width = nice_step(value_span / target_bins);
        let start = (min / width).floor() * width;

        let bin_count = ((max - start) / width).floor() as usize + 1;
        let mut counts = vec![0u32; bin_count];
        for value in values {
            let index = ((value - start) / width).floor() as usize;
            counts[index.min(bin_count - 1)] += 1;
        }
        Histogram {
            start,
            width,
            counts,
        }
    }

    fn end(&self) -> f64 {
        self.start + self.width * self.counts.len() as f64
    }

    /// Returns `(start, end, count)` of each bin.
    fn bins(&self) -> impl Iterator<Item = (f64, f64, u32)> + '_ {
        self.counts.iter().enumerate().map(|(index, &count)| {
            let start = self.start + self.width * index as f64;
            (start, start + self.width, count)
        })
    }
}

// ---------------------------------------------------------------------------------------
// Axes, header and legend
// ---------------------------------------------------------------------------------------

pub(crate) type ChartCoord = Cartesian2d<TickedRange, TickedRange>;

/// A linear f64 axis with ticks chosen by this module, so tick values line up with the
/// decimals and dates of their labels. Plotters 0.3.7 has `WithKeyPoints` for custom ticks,
/// but a chart whose f64 axis uses it gets no `configure_mesh`, so no label formatter.
pub(crate) struct TickedRange {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for TickedRange {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    /// Returns the ticks for the bold grid lines and labels, and no light grid lines.
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.linear.range()
    }
}

/// Format of the tick labels of an axis.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TickFormat {
    /// The value is a day count from this date, written as YYYY-MM-DD.
    Date(NaiveDate),
    /// A number with thousands separators and this many decimals.
    Number(usize),
}

impl TickFormat {
    pub(crate) fn format(self, value: f64) -> String {
        match self {
            TickFormat::Date(origin) => format_day(origin, value),
            TickFormat::Number(decimals) => format_thousands(value, decimals),
        }
    }
}

pub(crate) struct Axis {
    pub(crate) range: Range<f64>,
    pub(crate) ticks: Vec<f64>,
    pub(crate) format: TickFormat,
    pub(crate) description: String,
}

impl Axis {
    pub(crate) fn ticked_range(&self) -> TickedRange {
        TickedRange {
            linear: self.range.clone().into(),
            ticks: self.ticks.clone(),
        }
    }
}

/// Draws the axes, tick labels and grid lines in `body` and returns the chart to draw on.
pub(crate) fn draw_axes<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    x_axis: &Axis,
    y_axis: &Axis,
    path: &Path,
) -> Result<ChartContext<'a, DB, ChartCoord>, ChartError> {
    // The y label area has room for the widest tick label, the tick marks with their gap, and the
    // rotated axis description. The right margin leaves room for half of the widest x tick
    // label, which can sit at the right end of the axis.
    let y_label_area = widest_tick_label(y_axis, path)? + 16 + AXIS_DESC_SIZE as i32 + 16;
    let right_margin = SIDE_MARGIN.max(widest_tick_label(x_axis, path)? / 2 + 8);

    let mut chart = ChartBuilder::on(body)
        .margin_left(SIDE_MARGIN as u32 - 8)
        .margin_right(right_margin as u32)
        .margin_top(8)
        .margin_bottom(12)
        .x_label_area_size(TICK_LABEL_SIZE as u32 + AXIS_DESC_SIZE as u32 + 28)
        .y_label_area_size(y_label_area as u32)
        .build_cartesian_2d(x_axis.ticked_range(), y_axis.ticked_range())
        .map_err(|error| render_error(path, error))?;

    let x_format = |value: &f64| x_axis.format.format(*value);
    let y_format = |value: &f64| y_axis.format.format(*value);
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

fn widest_tick_label(axis: &Axis, path: &Path) -> Result<i32, ChartError> {
    let mut widest = 0;
    for tick in &axis.ticks {
        let label = axis.format.format(*tick);
        widest = widest.max(text_width(&label, TICK_LABEL_SIZE, path)?);
    }
    Ok(widest)
}

/// A legend item: a line or a filled swatch followed by its label.
pub(crate) struct LegendEntry {
    label: String,
    swatch: Swatch,
}

enum Swatch {
    Line { color: RGBColor, dashed: bool },
    Fill(RGBAColor),
}

impl LegendEntry {
    pub(crate) fn line(label: &str, color: RGBColor, dashed: bool) -> Self {
        LegendEntry {
            label: label.to_string(),
            swatch: Swatch::Line { color, dashed },
        }
    }

    pub(crate) fn fill(label: &str, color: impl Color) -> Self {
        LegendEntry {
            label: label.to_string(),
            swatch: Swatch::Fill(color.to_rgba()),
        }
    }
}

const SWATCH_WIDTH: i32 = 36;
const SWATCH_GAP: i32 = 8;
const LEGEND_ENTRY_GAP: i32 = 32;
const LEGEND_ROW_HEIGHT: i32 = 28;

/// Draws the title, subtitle and legend across the top of `root` and returns the area
/// below them for the plot. Text too wide for the canvas is cut and ends in "…", and legend
/// entries wrap onto further rows.
pub(crate) fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    legend: &[LegendEntry],
    path: &Path,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let canvas_width = root.dim_in_pixel().0 as i32;
    let max_text_width = canvas_width - 2 * SIDE_MARGIN;
    let top_left = Pos::new(HPos::Left, VPos::Top);

    let title_top = 16;
    let title = fit_to_width(title, TITLE_SIZE, max_text_width, path)?;
    root.draw(&Text::new(
        title,
        (SIDE_MARGIN, title_top),
        text_style(TITLE_SIZE, TEXT_COLOR).pos(top_left),
    ))
    .map_err(|error| render_error(path, error))?;

    let subtitle_top = title_top + TITLE_SIZE as i32 + 12;
    let subtitle = fit_to_width(subtitle, SUBTITLE_SIZE, max_text_width, path)?;
    root.draw(&Text::new(
        subtitle,
        (SIDE_MARGIN, subtitle_top),
        text_style(SUBTITLE_SIZE, SUBTITLE_COLOR).pos(top_left),
    ))
    .map_err(|error| render_error(path, error))?;

    let legend_top = subtitle_top + SUBTITLE_SIZE as i32 + 16;
    let mut x = SIDE_MARGIN;
    let mut row_center = legend_top + LEGEND_ROW_HEIGHT / 2;
    for entry in legend {
        let label_width = text_width(&entry.label, LEGEND_SIZE, path)?;
        let entry_width = SWATCH_WIDTH + SWATCH_GAP + label_width;
        if x > SIDE_MARGIN && x + entry_width > canvas_width - SIDE_MARGIN {
            x = SIDE_MARGIN;
            row_center += LEGEND_ROW_HEIGHT;
        }
        draw_swatch(root, &entry.swatch, x, row_center, path)?;
        // The 3 px drop lines the middle of the glyphs up with the swatch in the PNG.
        root.draw(&Text::new(
            entry.label.as_str(),
            (x + SWATCH_WIDTH + SWATCH_GAP, row_center + 3),
            text_style(LEGEND_SIZE, TEXT_COLOR).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(|error| render_error(path, error))?;
        x += entry_width + LEGEND_ENTRY_GAP;
    }

    let header_height = row_center + LEGEND_ROW_HEIGHT / 2 + 8;
    Ok(root.split_vertically(header_height).1)
}

fn draw_swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    swatch: &Swatch,
    left: i32,
    center_y: i32,
    path: &Path,
) -> Result<(), ChartError> {
    let right = left + SWATCH_WIDTH;
    let result = match swatch {
        Swatch::Line {
            color,
            dashed: false,
        } => root.draw(&PathElement::new(
            vec![(left, center_y), (right, center_y)],
            color.stroke_width(3),
        )),
        Swatch::Line {
            color,
            dashed: true,
        } => root.draw(&DashedPathElement::new(
            vec![(left, center_y), (right, center_y)],
            10,
            6,
            color.stroke_width(3),
        )),
        Swatch::Fill(color) => root.draw(&Rectangle::new(
            [(left, center_y - 8), (right, center_y + 8)],
            color.filled(),
        )),
    };
    result.map_err(|error| render_error(path, error))
}

/// Writes `message` in the middle of `area`, for a chart without data.
pub(crate) fn draw_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    message: &str,
    path: &Path,
) -> Result<(), ChartError> {
    let (width, height) = area.dim_in_pixel();
    area.draw(&Text::new(
        message,
        (width as i32 / 2, height as i32 / 2),
        text_style(NOTE_SIZE, SUBTITLE_COLOR).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(|error| render_error(path, error))
}

pub(crate) fn text_style(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&color)
}

/// Returns the width in pixels of `text` in the embedded font.
pub(crate) fn text_width(text: &str, size: f64, path: &Path) -> Result<i32, ChartError> {
    let (width, _) = (FONT_FAMILY, size)
        .into_font()
        .box_size(text)
        .map_err(|error| render_error(path, error))?;
    Ok(width as i32)
}

/// Cuts `text` and appends "…" until it is at most `max_width` pixels wide.
pub(crate) fn fit_to_width(
    text: &str,
    size: f64,
    max_width: i32,
    path: &Path,
) -> Result<String, ChartError> {
    if text_width(text, size, path)? <= max_width {
        return Ok(text.to_string());
    }
    let mut kept: Vec<char> = text.chars().collect();
    while !kept.is_empty() {
        kept.pop();
        let candidate = format!("{}…", kept.iter().collect::<String>().trim_end());
        if text_width(&candidate, size, path)? <= max_width {
            return Ok(candidate);
        }
    }
    Ok("…".to_string())
}

// ---------------------------------------------------------------------------------------
// Ranges and ticks
// ---------------------------------------------------------------------------------------

/// Returns the range of the finite `values` widened by `fraction` of its span on each side.
/// A single value, or none, gives a range of non-zero width around it, or 0..1.
pub(crate) fn padded_range(values: impl Iterator<Item = f64>, fraction: f64) -> Range<f64> {
    let (min, max) = values
        .filter(|value| value.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(min, max), value| {
            (min.min(value), max.max(value))
        });
    if min > max {
        return 0.0..1.0;
    }
    if max - min <= f64::EPSILON * max.abs().max(1.0) {
        let half_width = (max.abs() * 0.1).max(1.0);
        return (min - half_width)..(max + half_width);
    }
    let padding = (max - min) * fraction;
    (min - padding)..(max + padding)
}

fn span(range: &Range<f64>) -> f64 {
    range.end - range.start
}

/// Returns the smallest step of 1, 2 or 5 × 10^k that is at least `raw`.
pub(crate) fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let mantissa = raw / magnitude;
    let factor = if mantissa <= 1.0 {
        1.0
    } else if mantissa <= 2.0 {
        2.0
    } else if mantissa <= 5.0 {
        5.0
    } else {
        10.0
    };
    factor * magnitude
}

/// Returns the multiples of `step` inside `start..=end`.
pub(crate) fn ticks_in(start: f64, end: f64, step: f64) -> Vec<f64> {
    let first = (start / step).ceil() as i64;
    let last = (end / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Returns at most `max_ticks` round tick values inside `range` and the decimals they need.
pub(crate) fn number_ticks(range: &Range<f64>, max_ticks: usize) -> (Vec<f64>, usize) {
    let mut step = nice_step(span(range) / max_ticks as f64);
    let mut ticks = ticks_in(range.start, range.end, step);
    while ticks.len() > max_ticks {
        step = nice_step(step * 1.5);
        ticks = ticks_in(range.start, range.end, step);
    }
    // The small offset keeps a step such as 0.1 computed as 0.09999… at one decimal.
    let decimals = if step >= 1.0 {
        0
    } else {
        (-(step.log10() + 1e-9).floor()) as usize
    };
    (ticks, decimals)
}

/// Returns at most 8 date ticks from `first` to `last` (day counts), a whole number of days
/// or weeks apart, with one tick on `anchor` (the first test day).
pub(crate) fn date_ticks(first: f64, last: f64, anchor: f64) -> Vec<f64> {
    const MAX_TICKS: f64 = 8.0;
    const STEPS_IN_DAYS: [f64; 9] = [1.0, 2.0, 7.0, 14.0, 28.0, 56.0, 91.0, 182.0, 364.0];
    let days = last - first;
    let step = STEPS_IN_DAYS
        .into_iter()
        .find(|step| (days / step).floor() + 1.0 <= MAX_TICKS)
        .unwrap_or_else(|| (days / (MAX_TICKS - 1.0)).ceil().max(1.0));

    let before = ((anchor - first) / step).floor();
    let start = anchor - before * step;
    let count = ((last - start) / step).floor() as i64;
    (0..=count).map(|k| start + k as f64 * step).collect()
}

// ---------------------------------------------------------------------------------------
// Text of titles and labels
// ---------------------------------------------------------------------------------------

fn format_day(origin: NaiveDate, days: f64) -> String {
    origin
        .checked_add_signed(TimeDelta::days(days.round() as i64))
        .map(|date| date.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Formats `value` with `decimals` decimals and thousands separators in the chart language,
/// such as `-1,234,567.8` (English) or `-1.234.567,8` (Dutch). A value that rounds to zero has
/// no sign.
pub(crate) fn format_thousands(value: f64, decimals: usize) -> String {
    chart_texts().number(value, decimals)
}

/// Like [`format_thousands`] with a `+` before positive values.
pub(crate) fn format_signed(value: f64, decimals: usize) -> String {
    let text = format_thousands(value, decimals);
    let rounds_to_zero = text.chars().all(|c| c == '0' || c == '.' || c == ',');
    if value > 0.0 && !rounds_to_zero {
        format!("+{text}")
    } else {
        text
    }
}

/// Formats a fraction as a signed percentage with one decimal, such as `+4.2%`.
pub(crate) fn format_percent(fraction: f64) -> String {
    format!("{}%", format_signed(fraction * 100.0, 1))
}

/// Formats a confidence level given as a fraction, such as `90%` or `97.5%`.
pub(crate) fn format_level(level: f64) -> String {
    super::summary::level_label(level, chart_texts())
}

/// Returns the decimals for KPI amounts as large as the largest of `values`, which are 0
/// from 100 up, 1 from 10 up and 2 below.
fn amount_decimals(values: &[f64]) -> usize {
    let largest = values
        .iter()
        .filter(|value| value.is_finite())
        .fold(0.0_f64, |largest, value| largest.max(value.abs()));
    if largest >= 100.0 {
        0
    } else if largest >= 10.0 {
        1
    } else {
        2
    }
}

fn interval_text(interval: &Interval, format: impl Fn(f64) -> String) -> String {
    chart_texts().fill(
        "common.chart.interval",
        &[
            ("level", &format_level(interval.level)),
            ("lower", &format(interval.lower)),
            ("upper", &format(interval.upper)),
        ],
    )
}

/// Describes the relative lift, such as `lift +4.2% (90% CI +1.1% to +7.0%)`.
fn relative_lift_finding(lift: &Estimate) -> String {
    let texts = chart_texts();
    match (lift.point, &lift.interval) {
        (None, _) => texts.t("geo.chart.lift_undefined").to_string(),
        (Some(point), None) => texts.fill(
            "geo.chart.lift_no_interval",
            &[("lift", &format_percent(point))],
        ),
        (Some(point), Some(interval)) => texts.fill(
            "geo.chart.lift_with_interval",
            &[
                ("lift", &format_percent(point)),
                ("interval", &interval_text(interval, format_percent)),
            ],
        ),
    }
}

/// Describes the total incremental KPI, such as
/// `Total incremental orders over the test: +1,234 (90% CI +210 to +2,250)`.
fn incremental_finding(incremental: &Estimate, kpi: &str) -> String {
    let texts = chart_texts();
    let Some(point) = incremental.point else {
        return texts.fill("geo.chart.incremental_undefined", &[("kpi", &kpi)]);
    };
    match &incremental.interval {
        None => texts.fill(
            "geo.chart.incremental_no_interval",
            &[
                ("kpi", &kpi),
                ("value", &format_signed(point, amount_decimals(&[point]))),
            ],
        ),
        Some(interval) => {
            let decimals = amount_decimals(&[point, interval.lower, interval.upper]);
            texts.fill(
                "geo.chart.incremental_with_interval",
                &[
                    ("kpi", &kpi),
                    ("value", &format_signed(point, decimals)),
                    (
                        "interval",
                        &interval_text(interval, |value| format_signed(value, decimals)),
                    ),
                ],
            )
        }
    }
}

/// Describes the placebo test as a title, such as `Placebo test: p = 0.039`.
fn placebo_finding(report: &GeoReport) -> String {
    let texts = chart_texts();
    let placebo = &report.inference.placebo;
    let mut finding = match placebo.p_value {
        Some(p_value) => texts.fill(
            "geo.chart.placebo_p",
            &[("p_value", &texts.plain(p_value, 3))],
        ),
        None => texts.t("geo.chart.placebo_no_p").to_string(),
    };
    if !placebo.observed_statistic.is_finite() {
        finding.push_str(texts.t("geo.chart.treated_not_finite"));
    }
    finding
}

/// Describes the placebo sets under the title, such as
/// `Spring test · 50 of 1,225 possible placebo sets (control geos analysed as if treated)`.
fn placebo_sets_text(report: &GeoReport) -> String {
    let texts = chart_texts();
    let placebo = &report.inference.placebo;
    let mut sets = if (placebo.sets_run as u64) < placebo.sets_possible {
        texts.fill(
            "geo.chart.sets_of_possible",
            &[
                ("run", &format_thousands(placebo.sets_run as f64, 0)),
                (
                    "possible",
                    &format_thousands(placebo.sets_possible as f64, 0),
                ),
            ],
        )
    } else {
        texts.fill(
            "geo.chart.sets",
            &[("run", &format_thousands(placebo.sets_run as f64, 0))],
        )
    };
    if placebo.sets_not_finite > 0 {
        sets.push_str(&texts.fill(
            "geo.chart.placebo_not_finite",
            &[("count", &placebo.sets_not_finite)],
        ));
    }
    texts.fill(
        "geo.chart.placebo_subtitle",
        &[("title", &report.title), ("sets", &sets)],
    )
}

/// Returns `text` with its first letter in upper case, for a finding used as a title.
pub(crate) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Language of the chart text
// ---------------------------------------------------------------------------------------

thread_local! {
    /// Language of the charts being drawn on this thread. Every text and number in a chart
    /// is formatted in it; [`LangScope`] sets it for the duration of one `write_*_charts`
    /// call, so the many drawing helpers need no language parameter of their own.
    static CHART_LANG: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::En) };
}

/// Sets the chart language of this thread until it is dropped.
pub(crate) struct LangScope {
    previous: Lang,
}

impl LangScope {
    pub(crate) fn enter(lang: Lang) -> Self {
        LangScope {
            previous: CHART_LANG.with(|current| current.replace(lang)),
        }
    }
}

impl Drop for LangScope {
    fn drop(&mut self) {
        CHART_LANG.with(|current| current.set(self.previous));
    }
}

/// Returns the texts of the chart language of this thread.
pub(crate) fn chart_texts() -> &'static Texts {
    CHART_LANG.with(|current| current.get()).texts()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::InputFile;
    use crate::report::schema::{
        BootstrapSummary, DonorWeight, GeoDataSummary, GeoDiagnostics, GeoEstimates, GeoInference,
        GeoParameters, PlaceboRun, PlaceboSummary, SCHEMA_VERSION, ToolInfo, Verdict, VerdictKind,
    };

    const PRE_DAYS: usize = 90;
    const TEST_DAYS: usize = 15;
    const PLACEBO_RUNS: usize = 50;
    const LEVEL: f64 = 0.90;
    const Z_90: f64 = 1.6449;
    const PRE_RMSE: f64 = 420.0;

    const FILE_NAMES: [&str; 6] = [
        "observed_vs_counterfactual.png",
        "observed_vs_counterfactual.svg",
        "cumulative_effect.png",
        "cumulative_effect.svg",
        "placebo_distribution.png",
        "placebo_distribution.svg",
    ];

    /// Repeatable noise in -1..1 without a random number generator.
    fn noise(step: usize) -> f64 {
        ((step as f64 * 12.9898).sin() * 43_758.545_3).fract()
    }

    fn interval(lower: f64, upper: f64) -> Interval {
        Interval {
            lower,
            upper,
            level: LEVEL,
            method: "block_bootstrap_bca".to_string(),
        }
    }

    fn estimate(point: f64, lower: f64, upper: f64, unit: &str) -> Estimate {
        Estimate {
            point: Some(point),
            interval: Some(interval(lower, upper)),
            intervals: vec![interval(lower, upper)],
            unit: unit.to_string(),
            undefined_reason: None,
            interval_note: None,
        }
    }

    /// Daily treated totals with weekly seasonality and a 5% lift over the test days.
    fn fixture_series(first_day: NaiveDate) -> Vec<DailyPoint> {
        let mut series = Vec::with_capacity(PRE_DAYS + TEST_DAYS);
        let mut cumulative = 0.0;
        for day in 0..PRE_DAYS + TEST_DAYS {
            let date = first_day + TimeDelta::days(day as i64);
            let weekly = 1_500.0 * (day as f64 * std::f64::consts::TAU / 7.0).sin();
            let counterfactual = 12_000.0 + 8.0 * day as f64 + weekly;
            let is_test = day >= PRE_DAYS;
            let lift = if is_test { 0.05 * counterfactual } else { 0.0 };
            let observed = counterfactual + lift + PRE_RMSE * noise(day);
            let effect = observed - counterfactual;

            let (band, cumulative_point) = if is_test {
                cumulative += effect;
                let test_day = (day - PRE_DAYS + 1) as f64;
                let half_width = Z_90 * PRE_RMSE * test_day.sqrt();
                (
                    Some((
                        counterfactual - Z_90 * PRE_RMSE,
                        counterfactual + Z_90 * PRE_RMSE,
                    )),
                    Some((cumulative, cumulative - half_width, cumulative + half_width)),
                )
            } else {
                (None, None)
            };

            series.push(DailyPoint {
                date: date.format("%Y-%m-%d").to_string(),
                period: if is_test { "test" } else { "pre" }.to_string(),
                observed,
                counterfactual,
                counterfactual_lower: band.map(|(lower, _)| lower),
                counterfactual_upper: band.map(|(_, upper)| upper),
                effect,
                cumulative_effect: cumulative_point.map(|(point, _, _)| point),
                cumulative_lower: cumulative_point.map(|(_, lower, _)| lower),
                cumulative_upper: cumulative_point.map(|(_, _, upper)| upper),
            });
        }
        series
    }

    fn fixture_placebo() -> PlaceboSummary {
        let runs: Vec<PlaceboRun> = (0..PLACEBO_RUNS)
            .map(|run| {
                let statistic = 0.15 + 1.6 * noise(1_000 + run).abs() * noise(2_000 + run).abs();
                PlaceboRun {
                    geos: vec![
                        format!("geo_{:02}", run % 40),
                        format!("geo_{:02}", 40 + run % 7),
                    ],
                    statistic,
                    relative_lift: 0.02 * noise(3_000 + run),
                }
            })
            .collect();
        let observed_statistic = 2.35;
        let at_least_as_extreme = runs
            .iter()
            .filter(|run| run.statistic >= observed_statistic)
            .count();
        PlaceboSummary {
            statistic: "abs_relative_lift".to_string(),
            observed_statistic,
            p_value: Some((1 + at_least_as_extreme) as f64 / (1 + runs.len()) as f64),
            sets_possible: 1_225,
            sets_run: runs.len(),
            sets_not_finite: 0,
            runs,
        }
    }

    /// Builds a geo report of 90 pre-period days, 15 test days and 50 placebo runs.
    fn fixture_report() -> GeoReport {
        let first_day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let series = fixture_series(first_day);
        let test = &series[PRE_DAYS..];
        let incremental: f64 = test.iter().map(|point| point.effect).sum();
        let counterfactual_total: f64 = test.iter().map(|point| point.counterfactual).sum();
        let half_width = Z_90 * PRE_RMSE * (TEST_DAYS as f64).sqrt();
        let lift = incremental / counterfactual_total;
        let lift_half_width = half_width / counterfactual_total;

        GeoReport {
            schema_version: SCHEMA_VERSION.to_string(),
            tool: ToolInfo::current(),
            kind: "geo".to_string(),
            title: "Spring TV test, North region".to_string(),
            inputs: vec![InputFile {
                path: "data/geo_daily.csv".to_string(),
                sha256: "0".repeat(64),
                rows: 50 * (PRE_DAYS + TEST_DAYS),
            }],
            parameters: GeoParameters {
                geo_col: "geo".to_string(),
                date_col: "date".to_string(),
                kpi_col: "orders".to_string(),
                spend_col: None,
                date_format: "%Y-%m-%d".to_string(),
                delimiter: ",".to_string(),
                missing: "error".to_string(),
                treated: vec!["geo_48".to_string(), "geo_49".to_string()],
                test_start: test[0].date.clone(),
                test_end: test[TEST_DAYS - 1].date.clone(),
                pre_start: None,
                estimator: "synth".to_string(),
                intercept: true,
                level: LEVEL,
                resamples: 2_000,
                seed: 7,
                block_length_days: 7,
                bootstrap: "placebo_path".to_string(),
                interval: "bca".to_string(),
                max_placebo_sets: PLACEBO_RUNS,
            },
            data: GeoDataSummary {
                geos: 50,
                first_date: series[0].date.clone(),
                last_date: test[TEST_DAYS - 1].date.clone(),
                pre_period_days: PRE_DAYS,
                test_days: TEST_DAYS,
                treated_geos: vec!["geo_48".to_string(), "geo_49".to_string()],
                control_geos: (0..48).map(|geo| format!("geo_{geo:02}")).collect(),
                filled_cells: 0,
                rows_outside_window: 0,
            },
            estimates: GeoEstimates {
                incremental: estimate(
                    incremental,
                    incremental - half_width,
                    incremental + half_width,
                    "kpi",
                ),
                relative_lift: estimate(
                    lift,
                    lift - lift_half_width,
                    lift + lift_half_width,
                    "fraction",
                ),
                att: estimate(
                    incremental / 30.0,
                    0.0,
                    incremental / 15.0,
                    "kpi per geo per day",
                ),
                incremental_spend: None,
                iroas: None,
                cost_per_incremental: None,
            },
            inference: GeoInference {
                bootstrap: BootstrapSummary {
                    scheme: "moving_block_residual".to_string(),
                    resamples: 2_000,
                    block_length_days: 7,
                    placebo_paths: 50,
                    non_finite_resamples: 0,
                    bca_acceleration: 0.01,
                    bca_bias_correction: Some(-0.02),
                },
                placebo: fixture_placebo(),
                alpha: 1.0 - LEVEL,
            },
            verdict: Verdict {
                kind: VerdictKind::Positive,
                reason: "The interval of the incremental KPI lies above zero.".to_string(),
                reason_code: String::new(),
                values: Default::default(),
            },
            diagnostics: GeoDiagnostics {
                pre_r_squared: 0.93,
                pre_mape: Some(0.028),
                pre_rmse: PRE_RMSE,
                intercept: 3.5,
                donor_weights: vec![DonorWeight {
                    geo: "geo_03".to_string(),
                    weight: 1.0,
                }],
                effective_donors: 1,
                test_days_outside_donor_range: 0.0,
                pre_days_outside_donor_range: 0.0,
            },
            warnings: Vec::new(),
            series,
            draws: None,
        }
    }

    fn read_file(path: &Path) -> Vec<u8> {
        std::fs::read(path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
    }

    fn read_svg(dir: &Path, stem: &str) -> String {
        String::from_utf8(read_file(&dir.join(format!("{stem}.svg")))).unwrap()
    }

    /// Returns whether `svg` contains a text element of exactly `text`.
    fn svg_has_text(svg: &str, text: &str) -> bool {
        svg.contains(&format!(">\n{text}\n</text>"))
    }

    #[test]
    fn writes_six_nonempty_files() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_geo_charts(&fixture_report(), dir.path(), Lang::En).unwrap();

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
        let written = write_geo_charts(&fixture_report(), dir.path(), Lang::En).unwrap();

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
    fn svg_files_are_svg_documents() {
        let dir = tempfile::tempdir().unwrap();
        write_geo_charts(&fixture_report(), dir.path(), Lang::En).unwrap();

        for stem in [
            "observed_vs_counterfactual",
            "cumulative_effect",
            "placebo_distribution",
        ] {
            let svg = read_svg(dir.path(), stem);
            assert!(svg.contains("<svg"), "{stem}.svg has no <svg> element");
            assert!(
                svg.contains(r#"width="1200""#),
                "{stem}.svg is not 1200 px wide"
            );
            assert!(
                svg.contains(r#"height="675""#),
                "{stem}.svg is not 675 px high"
            );
            assert!(
                svg.contains("Spring TV test, North region"),
                "{stem}.svg has no title"
            );
        }
    }

    #[test]
    fn rendering_twice_gives_identical_bytes() {
        let report = fixture_report();
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        write_geo_charts(&report, first.path(), Lang::En).unwrap();
        write_geo_charts(&report, second.path(), Lang::En).unwrap();

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
    fn titles_state_the_findings() {
        let dir = tempfile::tempdir().unwrap();
        let report = fixture_report();
        write_geo_charts(&report, dir.path(), Lang::En).unwrap();

        let lift = relative_lift_finding(&report.estimates.relative_lift);
        assert!(lift.starts_with("lift +"), "unexpected lift text {lift:?}");
        assert!(lift.contains("(90% CI +"), "unexpected lift text {lift:?}");
        assert!(read_svg(dir.path(), "observed_vs_counterfactual").contains(&capitalized(&lift)));

        let incremental = incremental_finding(&report.estimates.incremental, "orders");
        assert!(incremental.starts_with("Total incremental orders over the test: +"));
        assert!(read_svg(dir.path(), "cumulative_effect").contains(&incremental));

        let placebo = read_svg(dir.path(), "placebo_distribution");
        assert!(placebo.contains("Placebo test: p = 0.020"));
        assert!(placebo.contains("50 of 1,225 possible placebo sets"));
        assert!(placebo.contains("treated 2.35"));
    }

    #[test]
    fn axis_descriptions_name_the_kpi() {
        let dir = tempfile::tempdir().unwrap();
        write_geo_charts(&fixture_report(), dir.path(), Lang::En).unwrap();

        let observed = read_svg(dir.path(), "observed_vs_counterfactual");
        assert!(observed.contains("orders (sum of treated geos)"));
        assert!(svg_has_text(&observed, "Date"));
        assert!(
            observed.contains("2024-03-31"),
            "the first test day has no tick"
        );
        let cumulative = read_svg(dir.path(), "cumulative_effect");
        assert!(cumulative.contains("Cumulative incremental orders"));
        let placebo = read_svg(dir.path(), "placebo_distribution");
        assert!(placebo.contains("Placebo statistic: |relative lift| over the test window"));
        assert!(svg_has_text(&placebo, "Placebo sets"));
    }

    #[test]
    fn empty_placebo_list_renders() {
        let mut report = fixture_report();
        report.inference.placebo.runs.clear();
        report.inference.placebo.sets_run = 0;
        report.inference.placebo.p_value = Some(1.0);
        let dir = tempfile::tempdir().unwrap();

        write_geo_charts(&report, dir.path(), Lang::En).unwrap();
        assert!(read_svg(dir.path(), "placebo_distribution").contains("No placebo runs to show"));
    }

    #[test]
    fn single_placebo_run_renders() {
        let mut report = fixture_report();
        report.inference.placebo.runs.truncate(1);
        report.inference.placebo.sets_run = 1;
        let dir = tempfile::tempdir().unwrap();

        write_geo_charts(&report, dir.path(), Lang::En).unwrap();
    }

    #[test]
    fn identical_placebo_statistics_render() {
        for (statistic, observed) in [(0.7, 2.35), (0.0, 0.0), (5.0, 5.0)] {
            let mut report = fixture_report();
            for run in &mut report.inference.placebo.runs {
                run.statistic = statistic;
            }
            report.inference.placebo.observed_statistic = observed;
            let dir = tempfile::tempdir().unwrap();

            let result = write_geo_charts(&report, dir.path(), Lang::En);
            assert!(
                result.is_ok(),
                "statistic {statistic}, observed {observed}: {result:?}"
            );
            let svg = read_svg(dir.path(), "placebo_distribution");
            assert!(
                !svg.contains("NaN"),
                "statistic {statistic}: NaN in the SVG"
            );
        }
    }

    #[test]
    fn non_finite_treated_statistic_renders() {
        let mut report = fixture_report();
        report.inference.placebo.observed_statistic = f64::INFINITY;
        let dir = tempfile::tempdir().unwrap();

        write_geo_charts(&report, dir.path(), Lang::En).unwrap();
        let svg = read_svg(dir.path(), "placebo_distribution");
        assert!(svg.contains("the treated statistic is not finite"));
    }

    #[test]
    fn undefined_relative_lift_renders() {
        let mut report = fixture_report();
        let lift = &mut report.estimates.relative_lift;
        lift.point = None;
        lift.interval = None;
        lift.intervals.clear();
        lift.undefined_reason = Some("The counterfactual total is zero.".to_string());
        let dir = tempfile::tempdir().unwrap();

        write_geo_charts(&report, dir.path(), Lang::En).unwrap();
        let svg = read_svg(dir.path(), "observed_vs_counterfactual");
        assert!(svg.contains("Lift undefined"));
    }

    #[test]
    fn lift_without_interval_renders() {
        let mut report = fixture_report();
        report.estimates.relative_lift.interval = None;
        report.estimates.incremental.interval = None;
        let dir = tempfile::tempdir().unwrap();

        write_geo_charts(&report, dir.path(), Lang::En).unwrap();
        assert!(read_svg(dir.path(), "observed_vs_counterfactual").contains("(no interval)"));
        assert!(read_svg(dir.path(), "cumulative_effect").contains("(no interval)"));
    }

    #[test]
    fn empty_series_renders_notes() {
        let mut report = fixture_report();
        report.series.clear();
        let dir = tempfile::tempdir().unwrap();

        write_geo_charts(&report, dir.path(), Lang::En).unwrap();
        assert!(read_svg(dir.path(), "observed_vs_counterfactual").contains("no daily series"));
        assert!(read_svg(dir.path(), "cumulative_effect").contains("no test days"));
    }

    #[test]
    fn single_test_day_renders() {
        let mut report = fixture_report();
        report.series.truncate(PRE_DAYS + 1);
        let dir = tempfile::tempdir().unwrap();

        write_geo_charts(&report, dir.path(), Lang::En).unwrap();
    }

    #[test]
    fn invalid_date_is_rejected() {
        let mut report = fixture_report();
        report.series[3].date = "2024-13-01".to_string();
        let dir = tempfile::tempdir().unwrap();

        let error = write_geo_charts(&report, dir.path(), Lang::En).unwrap_err();
        assert!(
            matches!(&error, ChartError::InvalidDate { row: 3, date, .. } if date == "2024-13-01"),
            "unexpected error {error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("observed_vs_counterfactual.png"),
            "{message}"
        );
        assert!(message.contains("expected YYYY-MM-DD"), "{message}");
    }

    #[test]
    fn unwritable_directory_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not_a_directory");
        std::fs::write(&file, b"").unwrap();

        let error = write_geo_charts(&fixture_report(), &file, Lang::En).unwrap_err();
        assert!(
            matches!(error, ChartError::CreateDir { .. }),
            "unexpected error {error:?}"
        );
        assert!(error.to_string().contains("not_a_directory"));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(format_thousands(0.0, 0), "0");
        assert_eq!(format_thousands(999.0, 0), "999");
        assert_eq!(format_thousands(1_000.0, 0), "1,000");
        assert_eq!(format_thousands(1_234_567.891, 1), "1,234,567.9");
        assert_eq!(format_thousands(-12_345.0, 0), "-12,345");
        assert_eq!(format_thousands(-0.004, 2), "0.00");
        assert_eq!(format_thousands(0.25, 2), "0.25");
        assert_eq!(format_thousands(f64::NAN, 0), "NaN");
    }

    #[test]
    fn signed_numbers_and_percentages() {
        assert_eq!(format_signed(4_321.0, 0), "+4,321");
        assert_eq!(format_signed(-4_321.0, 0), "-4,321");
        assert_eq!(format_signed(0.0, 0), "0");
        assert_eq!(format_percent(0.042), "+4.2%");
        assert_eq!(format_percent(-0.011), "-1.1%");
        assert_eq!(format_percent(0.0), "0.0%");
        assert_eq!(format_level(0.9), "90%");
        assert_eq!(format_level(0.975), "97.5%");
    }

    #[test]
    fn relative_lift_finding_cases() {
        let mut lift = estimate(0.042, 0.011, 0.07, "fraction");
        assert_eq!(
            relative_lift_finding(&lift),
            "lift +4.2% (90% CI +1.1% to +7.0%)"
        );
        lift.interval = None;
        assert_eq!(relative_lift_finding(&lift), "lift +4.2% (no interval)");
        lift.point = None;
        assert_eq!(relative_lift_finding(&lift), "lift undefined");
    }

    #[test]
    fn date_ticks_include_test_start() {
        let ticks = date_ticks(0.0, 104.0, 90.0);
        assert!(ticks.len() <= 8, "{} ticks", ticks.len());
        assert!(ticks.len() >= 4, "{} ticks", ticks.len());
        assert!(ticks.contains(&90.0));
        assert!(ticks.iter().all(|tick| (0.0..=104.0).contains(tick)));

        assert_eq!(date_ticks(0.0, 0.0, 0.0), vec![0.0]);
        assert!(date_ticks(0.0, 3_000.0, 0.0).len() <= 8);
    }

    #[test]
    fn number_ticks_fit_range() {
        let (ticks, decimals) = number_ticks(&(11_234.0..16_890.0), 8);
        assert!(ticks.len() <= 8, "{ticks:?}");
        assert!(ticks.len() >= 3, "{ticks:?}");
        assert!(
            ticks
                .iter()
                .all(|tick| (11_234.0..=16_890.0).contains(tick))
        );
        assert_eq!(decimals, 0);

        let (_, decimals) = number_ticks(&(0.0..0.9), 10);
        assert_eq!(decimals, 1);
    }

    #[test]
    fn padded_range_never_empty() {
        assert_eq!(padded_range(std::iter::empty(), 0.1), 0.0..1.0);
        assert_eq!(padded_range([5.0, 5.0].into_iter(), 0.1), 4.0..6.0);
        assert_eq!(
            padded_range([f64::NAN, 2.0, 4.0].into_iter(), 0.5),
            1.0..5.0
        );
    }

    #[test]
    fn histogram_counts_every_value() {
        let values: Vec<f64> = (0..50).map(|index| index as f64 * 0.05).collect();
        let histogram = Histogram::from_values(&values);
        assert_eq!(histogram.counts.iter().sum::<u32>(), 50);
        assert!(histogram.start <= 0.0);
        assert!(histogram.end() > 2.45);

        let equal = Histogram::from_values(&[0.7; 20]);
        assert_eq!(equal.counts.iter().sum::<u32>(), 20);
        assert!(equal.width > 0.0);

        let empty = Histogram::from_values(&[]);
        assert_eq!(empty.counts.iter().sum::<u32>(), 0);
        assert!(empty.end() > empty.start);
    }

    /// Renders the fixture and three hard cases into subdirectories of the directory named by
    /// `LIFTLAB_CHART_PREVIEW_DIR`, for a visual check. Run with
    /// `cargo test --release --lib -- --ignored chart_preview`.
    #[test]
    #[ignore = "writes into a directory outside the test's temporary files"]
    fn chart_preview() {
        let Ok(dir) = std::env::var("LIFTLAB_CHART_PREVIEW_DIR") else {
            panic!("set LIFTLAB_CHART_PREVIEW_DIR to the directory for the preview charts");
        };
        let dir = Path::new(&dir);

        let report = fixture_report();
        write_geo_charts(&report, &dir.join("fixture"), Lang::En).unwrap();

        let mut no_runs = report.clone();
        no_runs.inference.placebo.runs.clear();
        no_runs.inference.placebo.sets_run = 0;
        no_runs.inference.placebo.p_value = None;
        write_geo_charts(&no_runs, &dir.join("no_placebo_runs"), Lang::En).unwrap();

        let mut equal_runs = report.clone();
        for run in &mut equal_runs.inference.placebo.runs {
            run.statistic = 0.7;
        }
        write_geo_charts(&equal_runs, &dir.join("equal_placebo_statistics"), Lang::En).unwrap();

        let mut undefined_lift = report;
        undefined_lift.estimates.relative_lift.point = None;
        undefined_lift.estimates.relative_lift.interval = None;
        undefined_lift.title =
            "Spring TV test, North region, with a title long enough to reach past the right \
            edge of the chart at its full size"
                .to_string();
        write_geo_charts(&undefined_lift, &dir.join("undefined_lift"), Lang::En).unwrap();
    }
}
