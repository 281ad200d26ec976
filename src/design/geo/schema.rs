//! The geo design as written to design.json; docs/design-geo.md documents every field.
//! Bump [`DESIGN_SCHEMA_VERSION`] together with any change here.

use serde::{Deserialize, Serialize};

use super::aa_check::AaCheck;
use super::assignment::{AssignmentRow, Balance};
use super::budget::{BudgetRange, CpicRange};
use super::candidates::{Origin, SearchSummary};
use super::power::PowerPoint;
use crate::data::InputFile;
use crate::report::{ToolInfo, Warning};

/// Version of the design.json schema.
pub const DESIGN_SCHEMA_VERSION: &str = "1.0.0";

/// A geo test design: ranked designs, the recommended one, its A/A check and assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoDesignReport {
    pub schema_version: String,
    pub tool: ToolInfo,
    /// Always `geo_design`.
    pub kind: String,
    pub inputs: Vec<InputFile>,
    pub parameters: GeoDesignParameters,
    pub data: DesignDataSummary,
    /// Settings that `analyze geo --design` takes: those of the first design of `designs`.
    pub recommended: RecommendedDesign,
    /// One entry per treated count.
    pub search: Vec<SearchSummary>,
    /// Simulated designs within the constraints, best first; designs that never reach the
    /// target power come last.
    pub designs: Vec<DesignResult>,
    /// Designs left out because their budget at the highest CPIC exceeds the budget cap.
    pub designs_over_budget: usize,
    pub aa_check: AaCheck,
    pub assignment: AssignmentSummary,
    /// Pre-period fit of the recommended design, for the chart.
    pub recommended_fit: FitSeries,
    pub warnings: Vec<Warning>,
}

/// Settings of the design run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoDesignParameters {
    pub geo_col: String,
    pub date_col: String,
    pub kpi_col: String,
    pub date_format: String,
    pub delimiter: String,
    pub missing: String,
    pub treated_counts: Vec<usize>,
    pub durations_days: Vec<usize>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub cpic: Option<CpicRange>,
    pub budget_cap: Option<f64>,
    /// Allowed treated share of the total KPI, as fractions `[min, max]`.
    pub treated_share: Option<[f64; 2]>,
    /// Target power, as a fraction.
    pub power: f64,
    pub level: f64,
    pub alpha: f64,
    pub estimator: String,
    pub intercept: bool,
    pub resamples: usize,
    pub placebo_sets: usize,
    /// Largest relative effect searched for the MDE, as a fraction.
    pub max_effect: f64,
    pub candidates_per_count: usize,
    pub screened_per_count: usize,
    pub held_out_days: usize,
    pub assignment: String,
    pub seed: u64,
}

/// The panel and how its days were used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignDataSummary {
    pub geos: usize,
    pub days: usize,
    pub first_date: String,
    pub last_date: String,
    /// Days used for search and power simulation, from the first day.
    pub selection_days: usize,
    /// Days held out for the A/A check, at the end.
    pub held_out_days: usize,
    /// Minimum pre-period of a simulated window, in days.
    pub min_pre_period_days: usize,
}

/// The settings `analyze geo --design` takes from the design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendedDesign {
    pub treated_geos: Vec<String>,
    pub duration_days: usize,
    pub estimator: String,
    pub intercept: bool,
    pub level: f64,
    pub seed: u64,
    pub mde: Option<f64>,
    pub budget: Option<BudgetRange>,
}

/// One simulated design: a treated set and a duration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignResult {
    /// 1 = best.
    pub rank: usize,
    pub treated_geos: Vec<String>,
    pub duration_days: usize,
    pub origin: Origin,
    /// Simulated windows, and windows the analysis could not run.
    pub windows: usize,
    pub unusable_windows: usize,
    pub first_test_start: Option<String>,
    pub last_test_start: Option<String>,
    /// Smallest relative lift with power ≥ the target, as a fraction; `None` when even
    /// `max_effect` falls short.
    pub mde: Option<f64>,
    pub power_at_mde: Option<f64>,
    pub power_at_mde_standard_error: Option<f64>,
    /// Power at `max_effect`, the best this design reaches in the searched range.
    pub power_at_max_effect: f64,
    /// Power at zero effect: the share of windows with a significant result when nothing
    /// was injected.
    pub false_positive_rate: f64,
    pub false_positive_rate_standard_error: f64,
    /// Treated geos' KPI over a test window of this duration (mean over windows).
    pub expected_kpi: f64,
    pub incremental_kpi_at_mde: Option<f64>,
    pub budget: Option<BudgetRange>,
    /// Treated geos' share of the total KPI over the selection days, as a fraction.
    pub treated_share: f64,
    pub pre_period_relative_error: f64,
    pub pre_period_r_squared: f64,
    /// Mean of the ranks by MDE, budget and pre-period error; lower is better.
    pub rank_score: Option<f64>,
    /// Power at equally spaced effects; filled for the top designs only.
    pub power_curve: Vec<PowerPoint>,
}

/// The assignment of the recommended design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentSummary {
    pub method: String,
    pub balance: Balance,
    pub rows: Vec<AssignmentRow>,
}

/// Observed and counterfactual KPI totals of the recommended design's treated geos.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSeries {
    pub dates: Vec<String>,
    pub observed: Vec<f64>,
    /// Fitted on the selection days, predicted on the held-out days.
    pub counterfactual: Vec<f64>,
    /// First held-out date, where the fit turns into a prediction.
    pub held_out_start: Option<String>,
}

/// A design.json that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DesignFileError {
    #[error("{path}: cannot read the design: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a geo design of liftlab: {message}")]
    Invalid {
        path: std::path::PathBuf,
        message: String,
    },
    #[error(
        "{path}: schema version {found} is not supported; expected {DESIGN_SCHEMA_VERSION} \
         (run `liftlab design geo` again with this version)"
    )]
    Version {
        path: std::path::PathBuf,
        found: String,
    },
}

/// Reads a design.json written by `liftlab design geo`.
pub fn read_design(path: &std::path::Path) -> Result<GeoDesignReport, DesignFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| DesignFileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|error| DesignFileError::Invalid {
            path: path.to_path_buf(),
            message: error.to_string(),
        })?;
    let kind = value.get("kind").and_then(|kind| kind.as_str());
    if kind != Some("geo_design") {
        return Err(DesignFileError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "`kind` is {}; expected \"geo_design\"",
                kind.map_or("missing".to_string(), |k| format!("{k:?}"))
            ),
        });
    }
    let version = value
        .get("schema_version")
        .and_then(|version| version.as_str())
        .unwrap_or("missing");
    if version.split('.').next() != DESIGN_SCHEMA_VERSION.split('.').next() {
        return Err(DesignFileError::Version {
            path: path.to_path_buf(),
            found: version.to_string(),
        });
    }
    serde_json::from_value(value).map_err(|error| DesignFileError::Invalid {
        path: path.to_path_buf(),
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = dir.path().join("design.json");
        std::fs::write(&path, text).expect("write");
        (dir, path)
    }

    #[test]
    fn read_design_rejects_other_kinds() {
        let (_dir, path) = write(r#"{"kind": "geo", "schema_version": "1.0.0"}"#);
        let message = read_design(&path).expect_err("a report").to_string();
        assert!(
            message.contains("`kind` is \"geo\"; expected \"geo_design\""),
            "{message}"
        );
    }

    #[test]
    fn read_design_rejects_other_major_versions() {
        let (_dir, path) = write(r#"{"kind": "geo_design", "schema_version": "2.0.0"}"#);
        let message = read_design(&path).expect_err("version 2").to_string();
        assert!(
            message.contains("schema version 2.0.0 is not supported"),
            "{message}"
        );
    }

    #[test]
    fn read_design_names_missing_fields() {
        let (_dir, path) = write(r#"{"kind": "geo_design", "schema_version": "1.0.0"}"#);
        let message = read_design(&path).expect_err("incomplete").to_string();
        assert!(
            message.contains("not a geo design of liftlab: missing field"),
            "{message}"
        );
    }
}
