//! Design requests that cannot be met, with the value at fault and what would work.

use super::MIN_WINDOWS;
use crate::geo::GeoError;

/// A design request that cannot be met.
#[derive(Debug, thiserror::Error)]
pub enum DesignError {
    #[error("--{flag} geo `{geo}` is not in {path}{suggestion}")]
    UnknownGeo {
        flag: &'static str,
        path: String,
        geo: String,
        suggestion: String,
    },

    #[error(
        "geo `{geo}` is both included and excluded; list it in --include or --exclude, not both"
    )]
    IncludedAndExcluded { geo: String },

    #[error(
        "{included} geos are included (--include) but the smallest treated count is {smallest}; \
         expected at most {smallest} included geos, or a larger --treated-count"
    )]
    TooManyIncluded { included: usize, smallest: usize },

    #[error(
        "--treated-count {count} cannot be met: {eligible} geos may be treated after \
         --exclude; expected a count of at most {eligible}"
    )]
    TooFewEligible { count: usize, eligible: usize },

    #[error(
        "--treated-count {count} cannot be met with matched pairs: the {eligible} geos that may \
         be treated form {pairs} pairs; expected a count of at most {pairs}"
    )]
    TooFewPairs {
        count: usize,
        eligible: usize,
        pairs: usize,
    },

    #[error(
        "--treated-count {count} leaves {controls} control geos in {path} for {placebo_sets} \
         placebo sets of {count} geos each ({possible} possible); expected a treated count of \
         at most {max} so that the placebo-path inference has at least {min_paths} sets"
    )]
    TreatedCountTooLarge {
        count: usize,
        controls: usize,
        path: String,
        placebo_sets: usize,
        possible: u64,
        max: usize,
        min_paths: usize,
    },

    #[error(
        "--durations {duration} is too long for {path}: {days} days, minus {held_out} held out \
         for the A/A check, leave {windows} windows with a pre-period of at least {min_pre} \
         days; expected at least {MIN_WINDOWS} windows, so at most {max} days (or a shorter \
         --held-out-days)"
    )]
    DurationTooLong {
        duration: usize,
        path: String,
        days: usize,
        held_out: usize,
        windows: usize,
        min_pre: usize,
        max: usize,
    },

    #[error(
        "--held-out-days {held_out} is invalid for a panel of {days} days; expected 1 to {max}"
    )]
    InvalidHeldOut {
        held_out: usize,
        days: usize,
        max: usize,
    },

    #[error("--power {power} is invalid; expected a fraction above alpha ({alpha}) and below 1")]
    InvalidPower { power: f64, alpha: f64 },

    #[error("--level {level} is invalid; expected a fraction between 0 and 1, such as 0.90")]
    InvalidLevel { level: f64 },

    #[error(
        "--placebo-sets {placebo_sets} is too few for level {level}; expected at least \
         {min_paths} so that the placebo-path bootstrap has a path for each tail"
    )]
    TooFewPlaceboSets {
        placebo_sets: usize,
        level: f64,
        min_paths: usize,
    },

    #[error("--resamples {resamples} is too few; expected at least 100")]
    TooFewResamples { resamples: usize },

    #[error("--max-effect {max_effect} is invalid; expected a positive fraction such as 0.25")]
    InvalidMaxEffect { max_effect: f64 },

    #[error(
        "no candidate set has a treated share of the KPI within {low} to {high} (--treated-share); \
         widen the range"
    )]
    NoSetInShareRange { low: f64, high: f64 },

    #[error(
        "no design reaches {power} power at effects up to {max_effect} (--max-effect); the best, \
         {geos} for {duration} days, reaches {best_power:.2}; allow larger effects, longer \
         durations or more treated geos"
    )]
    PowerNotReached {
        power: f64,
        max_effect: f64,
        geos: String,
        duration: usize,
        best_power: f64,
    },

    #[error(
        "no design fits the budget of {budget_cap}: the cheapest, {geos} for {duration} days, \
         needs {cheapest:.0} at a CPIC of {cpic}; raise --budget, or lower --cpic if it is \
         too high"
    )]
    NoDesignWithinBudget {
        budget_cap: f64,
        geos: String,
        duration: usize,
        cheapest: f64,
        cpic: f64,
    },

    #[error(transparent)]
    Geo(#[from] GeoError),
}
