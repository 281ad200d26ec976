//! The self-contained HTML report: one page per report with the answer first, then the
//! method, estimates, charts as inline SVG, diagnostics, warnings, inputs and parameters.
//!
//! A page loads nothing: the style sheet is inline, the charts are inline SVG, fonts are the
//! reader's system fonts, and there is no script. A Content-Security-Policy meta element
//! blocks any request that a future change might add by mistake.
//!
//! [`page`] holds the skeleton that every kind of report uses, [`blocks`] the parts that
//! reports share, [`geo`] and [`holdout`] the pages of the lift reports, [`design_holdout`]
//! the page of a holdout design and [`kpis`] the page of `liftlab kpis`.
//!
//! A new kind of page (such as a geo design) adds its module with a `render_…_html` function,
//! a `write_…_files` function here that writes its charts and the page into a staging folder,
//! and an arm in `liftlab report` for its JSON file's `kind`.

pub mod blocks;
pub mod design_geo;
pub mod design_holdout;
pub mod geo;
pub mod holdout;
pub mod kpis;
pub mod page;

use std::path::{Path, PathBuf};

pub use design_geo::render_design_geo_html;
pub use design_holdout::render_holdout_design_html;
pub use geo::render_geo_html;
pub use holdout::render_holdout_html;
pub use kpis::{KPIS_FILE, render_kpis_html};
pub use page::{Html, Page, Table, Tone, escape};

use super::schema::VerdictKind;
use super::{GeoReport, HoldoutReport};
use crate::design::geo::schema::GeoDesignReport;
use crate::design::holdout::HoldoutDesign;
use crate::i18n::Texts;
use crate::kpi::KpisReport;

/// File name of the HTML report.
pub const HTML_FILE: &str = "report.html";

/// A chart's SVG text and its name, the file name without `.svg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineChart {
    pub name: String,
    pub svg: String,
}

/// A page or chart that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    #[error(transparent)]
    Chart(#[from] super::charts::ChartError),
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Reads the `.svg` files among `paths`, in their order.
pub fn read_svg_charts(paths: &[PathBuf]) -> Result<Vec<InlineChart>, HtmlError> {
    let mut charts = Vec::new();
    for path in paths {
        if path.extension().is_none_or(|extension| extension != "svg") {
            continue;
        }
        let svg = std::fs::read_to_string(path).map_err(|source| HtmlError::Read {
            path: path.clone(),
            source,
        })?;
        let name = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        charts.push(InlineChart { name, svg });
    }
    Ok(charts)
}

/// Writes the charts of a geo report and its `report.html` into `dir`, and returns every
/// path written. Meant for the staging folder of [`super::write_report_dir`].
pub fn write_geo_files(
    report: &GeoReport,
    texts: &Texts,
    dir: &Path,
) -> Result<Vec<PathBuf>, HtmlError> {
    let mut written = super::charts::write_geo_charts(report, dir, texts.lang())?;
    let charts = read_svg_charts(&written)?;
    written.push(write_page(dir, &render_geo_html(report, &charts, texts))?);
    Ok(written)
}

/// Writes the charts of a holdout report and its `report.html` into `dir`; returns every
/// path written.
pub fn write_holdout_files(
    report: &HoldoutReport,
    texts: &Texts,
    dir: &Path,
) -> Result<Vec<PathBuf>, HtmlError> {
    let mut written = super::holdout_charts::write_holdout_charts(report, dir, texts.lang())?;
    let charts = read_svg_charts(&written)?;
    written.push(write_page(
        dir,
        &render_holdout_html(report, &charts, texts),
    )?);
    Ok(written)
}

/// Writes the power curve of a holdout design and its `report.html` into `dir`; returns every
/// path written.
pub fn write_holdout_design_files(
    design: &HoldoutDesign,
    texts: &Texts,
    dir: &Path,
) -> Result<Vec<PathBuf>, HtmlError> {
    let mut written = crate::design::holdout::charts::write_design_charts(design, dir, texts)?;
    let charts = read_svg_charts(&written)?;
    written.push(write_page(
        dir,
        &render_holdout_design_html(design, &charts, texts),
    )?);
    Ok(written)
}

/// Writes the charts of a geo design and its `report.html` into `dir`; returns every path
/// written. `assignment.csv` is not among them: it does not depend on the language.
pub fn write_geo_design_files(
    report: &GeoDesignReport,
    texts: &Texts,
    dir: &Path,
) -> Result<Vec<PathBuf>, HtmlError> {
    let mut written = crate::design::geo::charts::write_design_charts(report, texts, dir)?;
    let charts = read_svg_charts(&written)?;
    written.push(write_page(
        dir,
        &render_design_geo_html(report, &charts, texts),
    )?);
    Ok(written)
}

/// Writes the charts of a KPI report and its `report.html` into `dir`; returns every path
/// written. `kpis.csv` is not among them: it does not depend on the language.
pub fn write_kpis_files(
    report: &KpisReport,
    texts: &Texts,
    dir: &Path,
) -> Result<Vec<PathBuf>, HtmlError> {
    let mut written = crate::kpi::charts::write_kpi_charts(report, texts, dir)?;
    let charts = read_svg_charts(&written)?;
    written.push(write_page(dir, &render_kpis_html(report, &charts, texts))?);
    Ok(written)
}

/// Writes `html` as `report.html` into `dir` and returns its path.
pub fn write_page(dir: &Path, html: &str) -> Result<PathBuf, HtmlError> {
    let path = dir.join(HTML_FILE);
    std::fs::write(&path, html).map_err(|source| HtmlError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// Returns the answer block's tone for a verdict.
pub fn tone_of(kind: VerdictKind) -> Tone {
    match kind {
        VerdictKind::Positive => Tone::Positive,
        VerdictKind::Negative => Tone::Negative,
        VerdictKind::Inconclusive => Tone::Inconclusive,
    }
}
