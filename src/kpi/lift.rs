//! Links a lift report (geo or holdout `report.json`) to a funnel channel and reads from it the
//! incremental conversions or revenue over the test window, with their bootstrap draws.
//!
//! A link is written `CHANNEL=PATH[,key=value…]`. The keys are:
//!
//! - `kpi=conversions|revenue`: what a geo report's KPI counts (default `conversions`);
//! - `treatment=ARM`: the treatment arm of a holdout report (needed with several arms);
//! - `conversions=METRIC`, `revenue=METRIC`: the holdout metrics read as conversions per
//!   unit and revenue per unit (defaults: metrics named `conversion`/`conversions` and
//!   `revenue`);
//! - `users=N`: units the channel reaches in the funnel period, to scale a holdout's per-unit
//!   lift (default: the treatment arm's units);
//! - `days=N`: length of a holdout's test window in days (default: the funnel period).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::data::{InputFile, sha256_hex};
use crate::report::{GeoReport, HoldoutReport};

/// A link from a channel to a lift report, as given on the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSpec {
    pub channel: String,
    pub path: PathBuf,
    /// Quantity that a geo report's KPI counts.
    pub geo_kpi: GeoKpi,
    pub treatment: Option<String>,
    pub conversions_metric: Option<String>,
    pub revenue_metric: Option<String>,
    pub users: Option<f64>,
    pub days: Option<i64>,
}

/// Quantity that a geo report's KPI counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoKpi {
    Conversions,
    Revenue,
}

/// A link or a lift report that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LiftError {
    #[error(
        "--lift `{given}`: {problem}; expected CHANNEL=PATH[,key=value…] with keys kpi, \
         treatment, conversions, revenue, users, days, e.g. meta=out/geo/report.json or \
         meta=out/geo/report.json,kpi=revenue"
    )]
    InvalidLink { given: String, problem: String },
    #[error("{path}: cannot read the lift report: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: not a liftlab report.json ({message}); expected the report.json of `liftlab analyze geo`, `analyze holdout` or `run`"
    )]
    NotAReport { path: PathBuf, message: String },
    #[error("{path}: schema version {found} is not supported; expected 1.x")]
    Version { path: PathBuf, found: String },
    #[error(
        "{path}: the report has no bootstrap draws (schema {found}, written before draws were \
         kept); run the analysis again with this version of liftlab"
    )]
    NoDraws { path: PathBuf, found: String },
    #[error("{path}: {message}")]
    Unusable { path: PathBuf, message: String },
}

impl FromStr for LinkSpec {
    type Err = LiftError;

    fn from_str(argument: &str) -> Result<Self, Self::Err> {
        let invalid = |problem: String| LiftError::InvalidLink {
            given: argument.to_string(),
            problem,
        };
        let mut parts = argument.split(',');
        let first = parts.next().unwrap_or_default();
        let Some((channel, path)) = first.split_once('=') else {
            return Err(invalid(
                "no `=` between the channel and the report path".to_string(),
            ));
        };
        let (channel, path) = (channel.trim(), path.trim());
        if channel.is_empty() || path.is_empty() {
            return Err(invalid("the channel or the path is empty".to_string()));
        }
        let mut spec = LinkSpec {
            channel: channel.to_string(),
            path: PathBuf::from(path),
            geo_kpi: GeoKpi::Conversions,
            treatment: None,
            conversions_metric: None,
            revenue_metric: None,
            users: None,
            days: None,
        };
        for part in parts {
            let Some((key, value)) = part.split_once('=') else {
                return Err(invalid(format!("`{part}` has no `=`")));
            };
            let value = value.trim();
            match key.trim() {
                "kpi" => {
                    spec.geo_kpi = match value {
                        "conversions" => GeoKpi::Conversions,
                        "revenue" => GeoKpi::Revenue,
                        _ => {
                            return Err(invalid(format!(
                                "kpi `{value}` is unknown; expected conversions or revenue"
                            )));
                        }
                    }
                }
                "treatment" => spec.treatment = Some(value.to_string()),
                "conversions" => spec.conversions_metric = Some(value.to_string()),
                "revenue" => spec.revenue_metric = Some(value.to_string()),
                "users" => {
                    spec.users = Some(
                        value
                            .parse::<f64>()
                            .ok()
                            .filter(|users| users.is_finite() && *users > 0.0)
                            .ok_or_else(|| {
                                invalid(format!("users `{value}` is not a number above zero"))
                            })?,
                    )
                }
                "days" => {
                    spec.days = Some(
                        value
                            .parse::<i64>()
                            .ok()
                            .filter(|days| *days > 0)
                            .ok_or_else(|| {
                                invalid(format!("days `{value}` is not a whole number above zero"))
                            })?,
                    )
                }
                other => return Err(invalid(format!("key `{other}` is unknown"))),
            }
        }
        Ok(spec)
    }
}

/// Incremental outcome over the test window: the point estimate and the bootstrap draws.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeDraws {
    pub point: f64,
    /// One value per finite bootstrap resample, in resample order.
    pub draws: Vec<f64>,
    /// The report quantity these come from, e.g. `kpi` or a holdout metric name.
    pub source: String,
}

/// Incremental outcomes that a lift report measures for its channel, before scaling to the
/// funnel period.
#[derive(Debug, Clone, PartialEq)]
pub struct LiftMeasure {
    pub channel: String,
    pub report: InputFile,
    /// `geo` or `holdout`.
    pub kind: String,
    pub title: String,
    pub treatment: Option<String>,
    pub level: f64,
    pub conversions: Option<OutcomeDraws>,
    pub revenue: Option<OutcomeDraws>,
    /// Relative lift point and its primary interval, as fractions.
    pub relative_lift: Option<(f64, Option<(f64, f64)>)>,
    pub window_days: Option<i64>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    /// Spend measured by a geo report (incremental spend), for calibration rows.
    pub incremental_spend: Option<f64>,
    /// For a holdout report: the units that the per-unit lift is multiplied by, and whether
    /// they come from `users=N` (else from the treatment arm).
    pub units: Option<(f64, bool)>,
    pub notes: Vec<String>,
}

/// Reads the lift report of `spec` and returns its incremental outcomes with their draws.
pub fn load_lift(spec: &LinkSpec) -> Result<LiftMeasure, LiftError> {
    let path = &spec.path;
    let bytes = std::fs::read(path).map_err(|source| LiftError::Io {
        path: path.clone(),
        source,
    })?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|error| LiftError::NotAReport {
            path: path.clone(),
            message: error.to_string(),
        })?;
    let version = value["schema_version"].as_str().unwrap_or("").to_string();
    if !version.starts_with("1.") {
        return Err(LiftError::Version {
            path: path.clone(),
            found: if version.is_empty() {
                "(none)".to_string()
            } else {
                version
            },
        });
    }
    let report = InputFile {
        path: path.display().to_string(),
        sha256: sha256_hex(&bytes),
        rows: 0,
    };
    match value["kind"].as_str() {
        Some("geo") => {
            let geo: GeoReport =
                serde_json::from_value(value).map_err(|error| LiftError::NotAReport {
                    path: path.clone(),
                    message: error.to_string(),
                })?;
            geo_measure(spec, geo, report, &version)
        }
        Some("holdout") => {
            let holdout: HoldoutReport =
                serde_json::from_value(value).map_err(|error| LiftError::NotAReport {
                    path: path.clone(),
                    message: error.to_string(),
                })?;
            holdout_measure(spec, holdout, report, &version)
        }
        other => Err(LiftError::NotAReport {
            path: path.clone(),
            message: match other {
                Some(kind) => format!("kind is \"{kind}\"; expected \"geo\" or \"holdout\""),
                None => {
                    "it has no kind field; expected a report.json of liftlab analyze".to_string()
                }
            },
        }),
    }
}

fn unusable(path: &Path, message: String) -> LiftError {
    LiftError::Unusable {
        path: path.to_path_buf(),
        message,
    }
}

fn geo_measure(
    spec: &LinkSpec,
    geo: GeoReport,
    report: InputFile,
    version: &str,
) -> Result<LiftMeasure, LiftError> {
    let path = &spec.path;
    if spec.treatment.is_some()
        || spec.conversions_metric.is_some()
        || spec.revenue_metric.is_some()
        || spec.users.is_some()
        || spec.days.is_some()
    {
        return Err(LiftError::InvalidLink {
            given: format!("{}={}", spec.channel, path.display()),
            problem: "treatment, conversions, revenue, users and days apply to holdout reports; \
                      a geo report takes only kpi=conversions or kpi=revenue"
                .to_string(),
        });
    }
    let Some(draws) = geo.draws else {
        return Err(LiftError::NoDraws {
            path: path.clone(),
            found: version.to_string(),
        });
    };
    let Some(point) = geo.estimates.incremental.point else {
        return Err(unusable(
            path,
            format!(
                "the incremental KPI is undefined ({}), so it cannot adjust the channel's KPIs",
                geo.estimates
                    .incremental
                    .undefined_reason
                    .unwrap_or_default()
            ),
        ));
    };
    let outcome = OutcomeDraws {
        point,
        draws: draws.incremental,
        source: format!("kpi ({})", geo.parameters.kpi_col),
    };
    let (conversions, revenue) = match spec.geo_kpi {
        GeoKpi::Conversions => (Some(outcome), None),
        GeoKpi::Revenue => (None, Some(outcome)),
    };
    let relative_lift = geo.estimates.relative_lift.point.map(|point| {
        (
            point,
            geo.estimates
                .relative_lift
                .interval
                .as_ref()
                .map(|interval| (interval.lower, interval.upper)),
        )
    });
    Ok(LiftMeasure {
        channel: spec.channel.clone(),
        report,
        kind: "geo".to_string(),
        title: geo.title,
        treatment: None,
        level: geo.parameters.level,
        conversions,
        revenue,
        relative_lift,
        window_days: Some(geo.data.test_days as i64),
        window_start: Some(geo.parameters.test_start),
        window_end: Some(geo.parameters.test_end),
        incremental_spend: geo.estimates.incremental_spend,
        units: None,
        notes: Vec::new(),
    })
}

fn holdout_measure(
    spec: &LinkSpec,
    holdout: HoldoutReport,
    report: InputFile,
    version: &str,
) -> Result<LiftMeasure, LiftError> {
    let path = &spec.path;
    let treatments = &holdout.parameters.treatments;
    let treatment = match (&spec.treatment, treatments.as_slice()) {
        (Some(arm), _) if treatments.contains(arm) => arm.clone(),
        (Some(arm), _) => {
            return Err(unusable(
                path,
                format!(
                    "treatment `{arm}` is not in the report; its treatments are: {}",
                    treatments.join(", ")
                ),
            ));
        }
        (None, [only]) => only.clone(),
        (None, _) => {
            return Err(unusable(
                path,
                format!(
                    "the report has {} treatment arms ({}); choose one with ,treatment=ARM",
                    treatments.len(),
                    treatments.join(", ")
                ),
            ));
        }
    };
    let metrics = &holdout.parameters.metrics;
    let pick = |given: &Option<String>,
                defaults: &[&str],
                role: &str|
     -> Result<Option<String>, LiftError> {
        match given {
            Some(metric) if metrics.contains(metric) => Ok(Some(metric.clone())),
            Some(metric) => Err(unusable(
                path,
                format!(
                    "{role} metric `{metric}` is not in the report; its metrics are: {}",
                    metrics.join(", ")
                ),
            )),
            None => Ok(defaults
                .iter()
                .find(|name| metrics.iter().any(|metric| metric == *name))
                .map(|name| name.to_string())),
        }
    };
    let conversions_metric = pick(
        &spec.conversions_metric,
        &["conversions", "conversion"],
        "conversions",
    )?;
    let revenue_metric = pick(&spec.revenue_metric, &["revenue"], "revenue")?;
    if conversions_metric.is_none() && revenue_metric.is_none() {
        return Err(unusable(
            path,
            format!(
                "no metric is named conversion, conversions or revenue; say which metrics count \
                 them with ,conversions=METRIC and/or ,revenue=METRIC (the report's metrics: {})",
                metrics.join(", ")
            ),
        ));
    }

    let mut notes = Vec::new();
    let mut relative_lift = None;
    let mut outcome = |metric: &Option<String>| -> Result<Option<OutcomeDraws>, LiftError> {
        let Some(metric) = metric else {
            return Ok(None);
        };
        let comparison = holdout
            .comparisons
            .iter()
            .find(|c| c.treatment == treatment && &c.metric == metric)
            .ok_or_else(|| {
                unusable(
                    path,
                    format!("no comparison of `{treatment}` on `{metric}`"),
                )
            })?;
        if comparison.kind == "ratio" {
            return Err(unusable(
                path,
                format!("`{metric}` is a ratio metric, which has no per-unit total to scale"),
            ));
        }
        let Some(point) = comparison.absolute_lift.point else {
            return Err(unusable(
                path,
                format!(
                    "the lift of `{treatment}` on `{metric}` is undefined ({})",
                    comparison
                        .absolute_lift
                        .undefined_reason
                        .clone()
                        .unwrap_or_default()
                ),
            ));
        };
        if comparison.absolute_lift_draws.is_empty() {
            return Err(LiftError::NoDraws {
                path: path.clone(),
                found: version.to_string(),
            });
        }
        let units = spec.users.unwrap_or(comparison.treatment_units as f64);
        if relative_lift.is_none() {
            relative_lift = comparison.relative_lift.point.map(|point| {
                (
                    point,
                    comparison
                        .relative_lift
                        .interval
                        .as_ref()
                        .map(|interval| (interval.lower, interval.upper)),
                )
            });
        }
        Ok(Some(OutcomeDraws {
            point: point * units,
            draws: comparison
                .absolute_lift_draws
                .iter()
                .map(|draw| draw * units)
                .collect(),
            source: metric.clone(),
        }))
    };
    let conversions = outcome(&conversions_metric)?;
    let revenue = outcome(&revenue_metric)?;
    let treated_units = holdout
        .data
        .arms
        .iter()
        .find(|arm| arm.label == treatment)
        .map_or(0, |arm| arm.units);
    match spec.users {
        Some(users) => notes.push(format!(
            "per-unit lift of `{treatment}` × {users} users that the channel reaches"
        )),
        None => notes.push(format!(
            "per-unit lift of `{treatment}` × its {treated_units} units: the funnel row is \
             taken to cover the treated units (set ,users=N otherwise)"
        )),
    }
    Ok(LiftMeasure {
        channel: spec.channel.clone(),
        report,
        kind: "holdout".to_string(),
        title: holdout.title,
        treatment: Some(treatment),
        level: holdout.parameters.level,
        conversions,
        revenue,
        relative_lift,
        window_days: spec.days,
        window_start: None,
        window_end: None,
        incremental_spend: None,
        units: Some((
            spec.users.unwrap_or(treated_units as f64),
            spec.users.is_some(),
        )),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_parses_keys() {
        let spec: LinkSpec =
            "email=out/h/report.json,treatment=Womens E-Mail,revenue=spend,days=14"
                .parse()
                .expect("valid");
        assert_eq!(spec.channel, "email");
        assert_eq!(spec.path, PathBuf::from("out/h/report.json"));
        assert_eq!(spec.treatment.as_deref(), Some("Womens E-Mail"));
        assert_eq!(spec.revenue_metric.as_deref(), Some("spend"));
        assert_eq!(spec.days, Some(14));
        let revenue: LinkSpec = "meta=r.json,kpi=revenue".parse().expect("valid");
        assert_eq!(revenue.geo_kpi, GeoKpi::Revenue);
    }

    #[test]
    fn link_without_equals_rejected() {
        let error = "out/report.json".parse::<LinkSpec>().expect_err("invalid");
        assert!(error.to_string().contains("CHANNEL=PATH"), "{error}");
        let error = "meta=r.json,kpi=sales"
            .parse::<LinkSpec>()
            .expect_err("invalid");
        assert!(error.to_string().contains("sales"), "{error}");
    }
}
