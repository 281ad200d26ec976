//! Validation of a design request against the panel, and the layout it produces: which geos
//! may be treated, which days are held out and which windows are simulated.

use super::assignment::AssignmentMethod;
use super::simulation::minimum_placebo_paths;
use super::{DesignError, GeoDesignConfig, MIN_WINDOWS};
use crate::data::Panel;
use crate::geo::config::{MIN_CONTROL_GEOS, MIN_PRE_PERIOD_DAYS, suggest_geos};
use crate::geo::placebo::binomial;

/// Geos and days of a validated design request.
pub struct DesignLayout {
    /// Included geos, panel row indices in the order given.
    pub include: Vec<usize>,
    /// Geos that may be treated besides the included ones, panel row indices, sorted.
    pub pool: Vec<usize>,
    /// Days used for search and simulation, from the first day.
    pub selection_days: usize,
    /// Days held out at the end for the A/A check.
    pub held_out: usize,
    /// Test starts (panel column indices) of the simulated windows of each duration.
    pub selection_windows: Vec<(usize, Vec<usize>)>,
    /// Test starts of the held-out windows of each duration, for the A/A check.
    pub held_out_windows: Vec<(usize, Vec<usize>)>,
}

/// Checks `config` against `panel` and returns the layout of the design.
pub fn validate(panel: &Panel, config: &GeoDesignConfig) -> Result<DesignLayout, DesignError> {
    let path = panel.file.path.clone();
    let days = panel.dates.len();
    let settings = config.inference;
    let alpha = settings.alpha();
    let min_paths = minimum_placebo_paths(alpha);

    // Settings that do not depend on the data.
    if !(settings.level > 0.0 && settings.level < 1.0) {
        return Err(DesignError::InvalidLevel {
            level: settings.level,
        });
    }
    if !(config.power > alpha && config.power < 1.0) {
        return Err(DesignError::InvalidPower {
            power: config.power,
            alpha,
        });
    }
    if settings.placebo_sets < min_paths {
        return Err(DesignError::TooFewPlaceboSets {
            placebo_sets: settings.placebo_sets,
            level: settings.level,
            min_paths,
        });
    }
    if settings.resamples < 100 {
        return Err(DesignError::TooFewResamples {
            resamples: settings.resamples,
        });
    }
    if !(config.max_effect > 0.0 && config.max_effect.is_finite()) {
        return Err(DesignError::InvalidMaxEffect {
            max_effect: config.max_effect,
        });
    }

    // Geos: included and excluded names exist, and the counts can be met.
    let lookup = |flag: &'static str, geo: &String| {
        panel.geo_index(geo).ok_or_else(|| DesignError::UnknownGeo {
            flag,
            path: path.clone(),
            geo: geo.clone(),
            suggestion: suggest_geos(geo, &panel.geos),
        })
    };
    let mut include = Vec::new();
    for geo in &config.include {
        let index = lookup("include", geo)?;
        if !include.contains(&index) {
            include.push(index);
        }
    }
    let mut exclude = Vec::new();
    for geo in &config.exclude {
        let index = lookup("exclude", geo)?;
        if include.contains(&index) {
            return Err(DesignError::IncludedAndExcluded { geo: geo.clone() });
        }
        exclude.push(index);
    }
    let smallest = config.treated_counts.first().copied().unwrap_or(0);
    if include.len() > smallest {
        return Err(DesignError::TooManyIncluded {
            included: include.len(),
            smallest,
        });
    }
    let pool: Vec<usize> = (0..panel.geos.len())
        .filter(|geo| !include.contains(geo) && !exclude.contains(geo))
        .collect();
    let eligible = include.len() + pool.len();
    for &count in &config.treated_counts {
        if count > eligible {
            return Err(DesignError::TooFewEligible { count, eligible });
        }
        if config.assignment == AssignmentMethod::MatchedPairs && count > eligible / 2 {
            return Err(DesignError::TooFewPairs {
                count,
                eligible,
                pairs: eligible / 2,
            });
        }
        let controls = panel.geos.len() - count;
        let possible = if count < controls {
            binomial(controls as u64, count as u64)
        } else {
            0
        };
        if controls < MIN_CONTROL_GEOS || possible < min_paths as u64 {
            let max = (1..count)
                .rev()
                .find(|k| {
                    let c = panel.geos.len() - k;
                    *k < c && binomial(c as u64, *k as u64) >= min_paths as u64
                })
                .unwrap_or(0);
            return Err(DesignError::TreatedCountTooLarge {
                count,
                controls,
                path,
                placebo_sets: settings.placebo_sets,
                possible,
                max,
                min_paths,
            });
        }
    }

    // Days: the held-out tail and the windows of each duration.
    let longest = config.durations_days.iter().copied().max().unwrap_or(1);
    let held_out = config.held_out_days.unwrap_or(longest);
    let max_held_out = days.saturating_sub(MIN_PRE_PERIOD_DAYS + 1);
    if config.held_out_days.is_none() && held_out > max_held_out {
        // The held-out days default to the longest duration, so the duration is at fault.
        return Err(DesignError::DurationTooLong {
            duration: longest,
            path,
            days,
            held_out,
            windows: 0,
            min_pre: MIN_PRE_PERIOD_DAYS,
            max: (days + 1).saturating_sub(MIN_PRE_PERIOD_DAYS + MIN_WINDOWS) / 2,
        });
    }
    if held_out == 0 || held_out > max_held_out {
        return Err(DesignError::InvalidHeldOut {
            held_out,
            days,
            max: max_held_out,
        });
    }
    let selection_days = days - held_out;
    let mut selection_windows: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut held_out_windows: Vec<(usize, Vec<usize>)> = Vec::new();
    for &duration in &config.durations_days {
        let windows = (selection_days + 1).saturating_sub(MIN_PRE_PERIOD_DAYS + duration);
        if windows < MIN_WINDOWS {
            return Err(DesignError::DurationTooLong {
                duration,
                path,
                days,
                held_out,
                windows,
                min_pre: MIN_PRE_PERIOD_DAYS,
                // The held-out days default to the longest duration, so they shrink with it.
                max: match config.held_out_days {
                    Some(_) => {
                        (selection_days + 1).saturating_sub(MIN_PRE_PERIOD_DAYS + MIN_WINDOWS)
                    }
                    None => (days + 1).saturating_sub(MIN_PRE_PERIOD_DAYS + MIN_WINDOWS) / 2,
                },
            });
        }
        let starts: Vec<usize> = (MIN_PRE_PERIOD_DAYS..=selection_days - duration).collect();
        selection_windows.push((duration, starts));
        let first = MIN_PRE_PERIOD_DAYS.max(selection_days + 1 - duration);
        held_out_windows.push((duration, (first..=days - duration).collect()));
    }

    Ok(DesignLayout {
        include,
        pool,
        selection_days,
        held_out,
        selection_windows,
        held_out_windows,
    })
}
