//! Settings of a geo analysis and their validation against a panel.

use chrono::NaiveDate;

use crate::data::Panel;

/// Minimum number of pre-period days: three weeks, so the fit covers each weekday three times and
/// the default 7-day block bootstrap has three blocks to draw from.
pub const MIN_PRE_PERIOD_DAYS: usize = 21;

/// Minimum number of control geos: a synthetic control needs a choice of donors, and the placebo
/// test needs at least two control sets.
pub const MIN_CONTROL_GEOS: usize = 2;

/// Minimum number of bootstrap resamples.
pub const MIN_RESAMPLES: usize = 100;

/// Estimator of the treated geos' counterfactual from the control geos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimator {
    /// Synthetic control: non-negative donor weights that sum to one. With `intercept`, the
    /// weights are fit to pre-period-demeaned series and the counterfactual keeps the treated
    /// geos' own pre-period level.
    Synth { intercept: bool },
    /// Time-based regression (Kerman, Wang & Vaver 2017): the treated mean regressed on the
    /// control mean over the pre-period.
    Tbr,
    /// Difference in differences: the control mean shifted to the treated pre-period level.
    Did,
}

impl Estimator {
    /// Returns the name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Estimator::Synth { .. } => "synth",
            Estimator::Tbr => "tbr",
            Estimator::Did => "did",
        }
    }

    /// Returns whether the counterfactual has an intercept (a level of its own).
    pub fn has_intercept(self) -> bool {
        !matches!(self, Estimator::Synth { intercept: false })
    }
}

/// Bootstrap interval method reported as the primary one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalMethod {
    Bca,
    Percentile,
}

impl IntervalMethod {
    /// Returns the name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            IntervalMethod::Bca => "bca",
            IntervalMethod::Percentile => "percentile",
        }
    }
}

/// Bootstrap scheme behind the primary intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootstrapScheme {
    /// Resample the test-window error paths of placebo sets (see `geo::bootstrap`).
    PlaceboPath,
    /// Moving-block bootstrap of pre-period residuals with refit weights.
    Block,
}

impl BootstrapScheme {
    /// Returns the name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            BootstrapScheme::PlaceboPath => "placebo_path",
            BootstrapScheme::Block => "moving_block_residual",
        }
    }
}

/// Settings of one geo analysis, independent of how they were given.
#[derive(Debug, Clone)]
pub struct GeoConfig {
    /// Title used in the report and chart titles; built from the treated geos when `None`.
    pub title: Option<String>,
    pub treated: Vec<String>,
    pub test_start: NaiveDate,
    pub test_end: NaiveDate,
    /// First pre-period day; the first day of the data when `None`.
    pub pre_start: Option<NaiveDate>,
    pub estimator: Estimator,
    /// Confidence level of the intervals, as a fraction in (0, 1).
    pub level: f64,
    pub resamples: usize,
    pub seed: u64,
    pub block_length_days: usize,
    /// Bootstrap whose intervals come first; both are computed and reported.
    pub bootstrap: BootstrapScheme,
    pub interval: IntervalMethod,
    /// Largest number of placebo sets to run; above it a seeded random sample is run.
    pub max_placebo_sets: usize,
}

impl GeoConfig {
    /// Default block length of the bootstrap: one week, the period of most marketing KPIs.
    pub const DEFAULT_BLOCK_LENGTH_DAYS: usize = 7;
    pub const DEFAULT_LEVEL: f64 = 0.90;
    pub const DEFAULT_RESAMPLES: usize = 2000;
    pub const DEFAULT_SEED: u64 = 1;
    pub const DEFAULT_MAX_PLACEBO_SETS: usize = 5000;
}

/// A geo analysis that cannot run on the given panel and settings.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    #[error("treated geo `{geo}` is not in {path}{suggestion}")]
    UnknownGeo {
        path: String,
        geo: String,
        suggestion: String,
    },

    #[error("treated geo `{geo}` is listed more than once; list each treated geo once")]
    DuplicateTreatedGeo { geo: String },

    #[error("no treated geo given; list them with --treated, e.g. --treated chicago,portland")]
    NoTreatedGeo,

    #[error(
        "{treated} treated geo(s) leave {controls} control geo(s) in {path}; expected at least \
         {MIN_CONTROL_GEOS} control geos to build the counterfactual"
    )]
    TooFewControls {
        path: String,
        treated: usize,
        controls: usize,
    },

    #[error(
        "test window {start} to {end} ends before it starts; expected --test-start <= --test-end"
    )]
    WindowReversed { start: NaiveDate, end: NaiveDate },

    #[error(
        "test window {start} to {end} is not inside the data in {path}, which covers {first} \
         to {last}; expected --test-start after {first} and --test-end on or before {last}"
    )]
    WindowOutsideData {
        path: String,
        start: NaiveDate,
        end: NaiveDate,
        first: NaiveDate,
        last: NaiveDate,
    },

    #[error(
        "--pre-start {pre_start} is outside the data in {path} or not before the test \
         ({first} to the day before {test_start}); expected a date inside the data and before \
         the test"
    )]
    PreStartInvalid {
        path: String,
        pre_start: NaiveDate,
        first: NaiveDate,
        test_start: NaiveDate,
    },

    #[error(
        "the pre-period in {path} has {days} day(s) ({first} to {last}); expected at least \
         {MIN_PRE_PERIOD_DAYS} days of data before --test-start{hint}"
    )]
    PreTooShort {
        path: String,
        hint: String,
        days: usize,
        first: NaiveDate,
        last: NaiveDate,
    },

    #[error("--level {level} is invalid; expected a fraction between 0 and 1, such as 0.90")]
    InvalidLevel { level: f64 },

    #[error("--resamples {resamples} is too few; expected at least {MIN_RESAMPLES}")]
    TooFewResamples { resamples: usize },

    #[error(
        "--block-length {block_length} is invalid for a pre-period of {pre_days} days; expected \
         1 to {max} days (a third of the pre-period)"
    )]
    InvalidBlockLength {
        block_length: usize,
        pre_days: usize,
        max: usize,
    },

    #[error("--max-placebo-sets 0 is invalid; expected at least 1")]
    NoPlaceboSets,

    #[error(
        "the control mean is constant over the pre-period, so the time-based regression has \
         no slope; use --estimator synth or did"
    )]
    ConstantControls,

    #[error(
        "the counterfactual KPI of the treated geos over the test window is {total:.3}, not \
         positive, so no lift can be measured; check the KPI column and the test window"
    )]
    CounterfactualNotPositive { total: f64 },

    #[error("fitting the {estimator} counterfactual failed: {message}")]
    FitFailed { estimator: String, message: String },
}

/// The analysis layout that validation produces: which geos and days play which role.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Panel row indices of the treated geos, in the order given.
    pub treated: Vec<usize>,
    /// Panel row indices of the control geos, sorted by name.
    pub controls: Vec<usize>,
    /// Panel column index of the first pre-period day.
    pub pre_start: usize,
    /// Panel column index of the first test day.
    pub test_start: usize,
    /// Panel column index one past the last test day.
    pub test_end: usize,
}

impl Layout {
    pub fn pre_days(&self) -> usize {
        self.test_start - self.pre_start
    }

    pub fn test_days(&self) -> usize {
        self.test_end - self.test_start
    }

    /// Days of the analysis: pre-period and test window.
    pub fn days(&self) -> usize {
        self.test_end - self.pre_start
    }
}

/// Checks `config` against `panel` and returns the layout of the analysis.
pub fn validate(panel: &Panel, config: &GeoConfig) -> Result<Layout, GeoError> {
    let path = panel.file.path.clone();

    // Settings that do not depend on the data.
    if !(config.level > 0.0 && config.level < 1.0) {
        return Err(GeoError::InvalidLevel {
            level: config.level,
        });
    }
    if config.resamples < MIN_RESAMPLES {
        return Err(GeoError::TooFewResamples {
            resamples: config.resamples,
        });
    }
    if config.max_placebo_sets == 0 {
        return Err(GeoError::NoPlaceboSets);
    }

    // Treated geos: exact names, each once, leaving enough controls.
    if config.treated.is_empty() {
        return Err(GeoError::NoTreatedGeo);
    }
    let mut treated = Vec::with_capacity(config.treated.len());
    for geo in &config.treated {
        let Some(index) = panel.geo_index(geo) else {
            return Err(GeoError::UnknownGeo {
                path,
                geo: geo.clone(),
                suggestion: suggest_geos(geo, &panel.geos),
            });
        };
        if treated.contains(&index) {
            return Err(GeoError::DuplicateTreatedGeo { geo: geo.clone() });
        }
        treated.push(index);
    }
    let controls: Vec<usize> = (0..panel.geos.len())
        .filter(|index| !treated.contains(index))
        .collect();
    if controls.len() < MIN_CONTROL_GEOS {
        return Err(GeoError::TooFewControls {
            path,
            treated: treated.len(),
            controls: controls.len(),
        });
    }

    // Test window inside the data, with a long enough pre-period before it.
    if config.test_start <= panel.dates[0] {
        return Err(GeoError::WindowOutsideData {
            path,
            start: config.test_start,
            end: config.test_end,
            first: panel.dates[0],
            last: panel.dates[panel.dates.len() - 1],
        });
    }
    if config.test_end < config.test_start {
        return Err(GeoError::WindowReversed {
            start: config.test_start,
            end: config.test_end,
        });
    }
    let first = panel.dates[0];
    let last = panel.dates[panel.dates.len() - 1];
    let (Some(test_start), Some(test_end)) = (
        panel.date_index(config.test_start),
        panel.date_index(config.test_end),
    ) else {
        return Err(GeoError::WindowOutsideData {
            path,
            start: config.test_start,
            end: config.test_end,
            first,
            last,
        });
    };
    let pre_start = match config.pre_start {
        None => 0,
        Some(date) => match panel.date_index(date) {
            Some(index) if index < test_start => index,
            _ => {
                return Err(GeoError::PreStartInvalid {
                    path,
                    pre_start: date,
                    first,
                    test_start: config.test_start,
                });
            }
        },
    };
    let pre_days = test_start - pre_start;
    if pre_days < MIN_PRE_PERIOD_DAYS {
        return Err(GeoError::PreTooShort {
            path,
            hint: if config.pre_start.is_some() {
                " (set --pre-start earlier, or leave it out to use all days before the test)"
                    .to_string()
            } else {
                String::new()
            },
            days: pre_days,
            first: panel.dates[pre_start],
            last: config.test_start.pred_opt().unwrap_or(config.test_start),
        });
    }
    let max_block = pre_days / 3;
    if config.block_length_days == 0 || config.block_length_days > max_block {
        return Err(GeoError::InvalidBlockLength {
            block_length: config.block_length_days,
            pre_days,
            max: max_block,
        });
    }

    Ok(Layout {
        treated,
        controls,
        pre_start,
        test_start,
        test_end: test_end + 1,
    })
}

/// Suggests the geo names closest to `geo`, for an error message: a name that differs only in
/// case, or else up to three names within an edit distance of a third of the name's length.
pub(crate) fn suggest_geos(geo: &str, geos: &[String]) -> String {
    let requested = geo.to_lowercase();
    let mut ranked: Vec<(usize, &String)> = geos
        .iter()
        .map(|name| (strsim::levenshtein(&requested, &name.to_lowercase()), name))
        .collect();
    ranked.sort();
    let limit = if ranked.first().is_some_and(|(distance, _)| *distance == 0) {
        0
    } else {
        (requested.chars().count() / 3).max(2)
    };
    let close: Vec<String> = ranked
        .iter()
        .take(3)
        .filter(|(distance, _)| *distance <= limit)
        .map(|(_, name)| format!("`{name}`"))
        .collect();
    if close.is_empty() {
        format!(
            "; expected one of its {} geos (names match exactly, including case)",
            geos.len()
        )
    } else {
        format!(
            "; did you mean {}? (names match exactly, including case)",
            close.join(" or ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestion_lists_closest_names() {
        let geos = vec![
            "chicago".to_string(),
            "portland".to_string(),
            "new york".to_string(),
        ];
        let text = suggest_geos("chicgo", &geos);
        assert!(text.starts_with("; did you mean `chicago`?"), "{text}");
        let text = suggest_geos("Chicago", &geos);
        assert!(text.starts_with("; did you mean `chicago`?"), "{text}");
        let text = suggest_geos("boston", &geos);
        assert!(text.starts_with("; expected one of its 3 geos"), "{text}");
    }
}
