//! Geo test design: market selection, power by simulation, MDE, budget, assignment and a
//! design-time A/A check, on a historical panel.
//!
//! The steps of [`design`]:
//!
//! 1. The last `held_out_days` of the panel are set aside for the A/A check; the days before
//!    them are the selection history.
//! 2. Candidate treated sets per treated count: a screened search (`candidates`), stratified
//!    randomisation or matched pairs (`assignment`).
//! 3. Each candidate is analysed in every rolling window of the selection history, for each
//!    duration, with the estimator and placebo-path inference of `analyze geo`
//!    (`simulation`). Power and the MDE follow (`power`), then the budget (`budget`).
//! 4. Designs are ranked by the mean of their ranks by MDE, budget and pre-period error; a
//!    budget cap drops the designs that cost more.
//! 5. The best design is analysed on the held-out windows without effect (`aa_check`) and its
//!    assignment is written with balance checks.

pub mod aa_check;
pub mod assignment;
pub mod budget;
pub mod candidates;
pub mod charts;
mod error;
mod layout;
pub mod power;
mod ranking;
pub mod schema;
pub mod simulation;
pub mod summary;

pub use error::DesignError;

use rayon::prelude::*;

use crate::data::{Panel, PanelSpec};
use crate::geo::GeoError;
use crate::geo::config::MIN_PRE_PERIOD_DAYS;
use crate::geo::placebo::binomial;
use crate::progress::Progress;
use crate::report::{ToolInfo, Warning};

use aa_check::aa_check;
use assignment::AssignmentMethod;
use budget::CpicRange;
use candidates::{Candidate, SearchInput, SearchSummary, pre_period_fit, treated_share};
use layout::{DesignLayout, validate};
use power::power_curve;
use ranking::{Simulated, evaluate, rank};
use schema::{
    AssignmentSummary, DESIGN_SCHEMA_VERSION, DesignDataSummary, FitSeries, GeoDesignParameters,
    GeoDesignReport, RecommendedDesign,
};
use simulation::{InferenceSettings, simulate_set};

/// Fewest simulated windows per duration: with fewer, power has a Monte-Carlo standard error
/// above 0.09 at 80% power and the MDE is little more than a guess.
pub const MIN_WINDOWS: usize = 20;

/// Points of each power curve, from zero to the largest effect.
pub const POWER_CURVE_POINTS: usize = 50;

/// Settings of a geo design.
#[derive(Debug, Clone)]
pub struct GeoDesignConfig {
    /// Treated counts to consider, ascending.
    pub treated_counts: Vec<usize>,
    /// Test durations in days, ascending.
    pub durations_days: Vec<usize>,
    /// Geos every design treats.
    pub include: Vec<String>,
    /// Geos no design treats (they stay controls).
    pub exclude: Vec<String>,
    pub cpic: Option<CpicRange>,
    /// Largest budget allowed at the highest CPIC.
    pub budget_cap: Option<f64>,
    /// Allowed treated share of the total KPI, as fractions.
    pub treated_share: Option<(f64, f64)>,
    /// Target power, as a fraction.
    pub power: f64,
    pub inference: InferenceSettings,
    /// Largest relative effect searched for the MDE, as a fraction.
    pub max_effect: f64,
    /// Candidates simulated per treated count.
    pub candidates_per_count: usize,
    /// Candidates screened per treated count by one pre-period fit.
    pub screened_per_count: usize,
    /// Days at the end held out for the A/A check; the longest duration when `None`.
    pub held_out_days: Option<usize>,
    pub assignment: AssignmentMethod,
    /// Designs that get a power curve.
    pub top: usize,
}

impl GeoDesignConfig {
    pub const DEFAULT_POWER: f64 = 0.8;
    pub const DEFAULT_PLACEBO_SETS: usize = 40;
    pub const DEFAULT_MAX_EFFECT: f64 = 0.25;
    pub const DEFAULT_CANDIDATES: usize = 20;
    pub const DEFAULT_SCREENED: usize = 2000;
    pub const DEFAULT_TOP: usize = 5;
}

/// Designs a geo test on `panel` read with `spec` under `config`.
pub fn design(
    panel: &Panel,
    spec: &PanelSpec,
    config: &GeoDesignConfig,
    progress: &dyn Progress,
) -> Result<GeoDesignReport, DesignError> {
    let days = panel.dates.len();
    let settings = config.inference;
    let alpha = settings.alpha();
    let mut warnings = Vec::new();

    let DesignLayout {
        include,
        pool,
        selection_days,
        held_out,
        selection_windows,
        held_out_windows,
    } = validate(panel, config)?;

    // Candidates per treated count.
    let search_input = SearchInput {
        kpi: &panel.kpi,
        history_days: selection_days,
        estimator: settings.estimator,
        include: &include,
        pool: &pool,
        treated_share: config.treated_share,
        simulate: config.candidates_per_count,
        screen: config.screened_per_count,
        seed: settings.seed,
    };
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut summaries: Vec<SearchSummary> = Vec::new();
    for &count in &config.treated_counts {
        let (found, summary) = match config.assignment {
            AssignmentMethod::Search => candidates::search(&search_input, count)?,
            AssignmentMethod::Stratified | AssignmentMethod::MatchedPairs => {
                randomised(&search_input, config, count)?
            }
        };
        candidates.extend(found);
        summaries.push(summary);
    }
    if candidates.is_empty() {
        let (low, high) = config.treated_share.unwrap_or((0.0, 1.0));
        return Err(DesignError::NoSetInShareRange { low, high });
    }

    // Power simulation, one candidate at a time in parallel.
    progress.start("candidates", candidates.len() as u64);
    let simulated: Vec<Result<Vec<Simulated>, GeoError>> = candidates
        .par_iter()
        .map(|candidate| {
            let outcomes = simulate_set(
                &panel.kpi,
                &candidate.treated,
                &selection_windows,
                &settings,
            )?;
            progress.advance(1);
            Ok(outcomes
                .into_iter()
                .map(|outcomes| {
                    let result = evaluate(panel, candidate, &outcomes, config);
                    Simulated {
                        candidate: candidate.clone(),
                        outcomes,
                        result,
                    }
                })
                .collect())
        })
        .collect();
    progress.finish();
    let mut designs: Vec<Simulated> = Vec::new();
    for entry in simulated {
        designs.extend(entry?);
    }

    // Rank, then drop designs over budget.
    let (mut reached, mut unreached): (Vec<Simulated>, Vec<Simulated>) =
        designs.into_iter().partition(|d| d.result.mde.is_some());
    if reached.is_empty() {
        let best = unreached
            .iter()
            .max_by(|a, b| {
                a.result
                    .power_at_max_effect
                    .total_cmp(&b.result.power_at_max_effect)
            })
            .map(|d| &d.result);
        return Err(DesignError::PowerNotReached {
            power: config.power,
            max_effect: config.max_effect,
            geos: best.map(|r| r.treated_geos.join(", ")).unwrap_or_default(),
            duration: best.map_or(0, |r| r.duration_days),
            best_power: best.map_or(0.0, |r| r.power_at_max_effect),
        });
    }
    let mut designs_over_budget = 0;
    if let Some(cap) = config.budget_cap {
        let cheapest = reached
            .iter()
            .filter_map(|d| d.result.budget.map(|b| (b.high, d)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(cost, d)| {
                (
                    cost,
                    d.result.treated_geos.join(", "),
                    d.result.duration_days,
                )
            });
        let before = reached.len();
        reached.retain(|d| d.result.budget.is_none_or(|b| b.high <= cap));
        designs_over_budget = before - reached.len();
        if reached.is_empty() {
            let (cheapest, geos, duration) = cheapest.unwrap_or((0.0, String::new(), 0));
            return Err(DesignError::NoDesignWithinBudget {
                budget_cap: cap,
                geos,
                duration,
                cheapest,
                cpic: config.cpic.map_or(0.0, |c| c.high),
            });
        }
    }
    rank(&mut reached);
    unreached.sort_by(|a, b| {
        b.result
            .power_at_max_effect
            .total_cmp(&a.result.power_at_max_effect)
            .then_with(|| a.candidate.treated.cmp(&b.candidate.treated))
            .then(a.result.duration_days.cmp(&b.result.duration_days))
    });
    let mut ordered: Vec<Simulated> = reached.into_iter().chain(unreached).collect();
    // The curves reach to 2.5 times the largest MDE among them, where power has levelled off.
    let curve_max = ordered
        .iter()
        .take(config.top)
        .filter_map(|d| d.result.mde)
        .fold(0.0, f64::max)
        * 2.5;
    let curve_max = if curve_max > 0.0 {
        curve_max.min(config.max_effect)
    } else {
        config.max_effect
    };
    for (index, design) in ordered.iter_mut().enumerate() {
        design.result.rank = index + 1;
        if index < config.top {
            design.result.power_curve = power_curve(
                &design.outcomes.outcomes,
                curve_max,
                POWER_CURVE_POINTS,
                settings.level,
            );
        }
    }

    // The recommended design: A/A check on held-out windows, fit series and assignment.
    let best = &ordered[0];
    let duration = best.result.duration_days;
    let held_out_starts: Vec<(usize, Vec<usize>)> = held_out_windows
        .into_iter()
        .filter(|(d, _)| *d == duration)
        .collect();
    let held_out_outcomes = simulate_set(
        &panel.kpi,
        &best.candidate.treated,
        &held_out_starts,
        &settings,
    )?;
    let date_texts: Vec<String> = panel.dates.iter().map(|d| d.to_string()).collect();
    let mde = best.result.mde;
    let aa = held_out_outcomes
        .first()
        .map(|o| aa_check(&o.outcomes, o.unusable, &date_texts, settings.level, mde))
        .unwrap_or_else(|| aa_check(&[], 0, &date_texts, settings.level, mde));
    if let Some(rate) = aa.false_positive_rate
        && let Some(error) = aa.false_positive_rate_standard_error
        && rate > alpha + 2.0 * error.max(0.05)
    {
        warnings.push(Warning {
            code: "aa_false_positives".to_string(),
            message: format!(
                "the recommended design called an effect in {:.0}% of {} held-out windows \
                 without one, more than the {:.0}% expected; treat its MDE as optimistic",
                rate * 100.0,
                aa.windows,
                alpha * 100.0
            ),
            values: Default::default(),
        });
    }
    let fit = pre_period_fit(
        &panel.kpi,
        &best.candidate.treated,
        selection_days,
        settings.estimator,
    )?;
    let balance = assignment::balance(
        &panel.kpi,
        &best.candidate.treated,
        best.candidate.pairs.as_deref(),
        selection_days,
    );
    if !balance.balanced {
        let difference = balance
            .matched_standardized_mean_difference
            .unwrap_or(balance.standardized_mean_difference);
        warnings.push(Warning {
            code: "unbalanced_assignment".to_string(),
            message: format!(
                "the treated geos' mean daily KPI differs from the controls' by {difference:.2} \
                 standard deviations (more than {}); the counterfactual has to bridge that \
                 difference",
                balance.threshold
            ),
            values: Default::default(),
        });
    }
    let rows = assignment::rows(&best.candidate, &panel.geos);
    let recommended = RecommendedDesign {
        treated_geos: best.result.treated_geos.clone(),
        duration_days: duration,
        estimator: settings.estimator.name().to_string(),
        intercept: settings.estimator.has_intercept(),
        level: settings.level,
        seed: settings.seed,
        mde: best.result.mde,
        budget: best.result.budget,
    };
    if panel.filled_cells > 0 {
        warnings.push(Warning {
            code: "filled_cells".to_string(),
            message: format!(
                "{} missing geo × day cells were counted as zero (--missing zero)",
                panel.filled_cells
            ),
            values: crate::report::report_values([(
                "count",
                serde_json::json!(panel.filled_cells),
            )]),
        });
    }

    Ok(GeoDesignReport {
        schema_version: DESIGN_SCHEMA_VERSION.to_string(),
        tool: ToolInfo::current(),
        kind: "geo_design".to_string(),
        inputs: vec![panel.file.clone()],
        parameters: GeoDesignParameters {
            geo_col: spec.geo_col.clone(),
            date_col: spec.date_col.clone(),
            kpi_col: spec.kpi_col.clone(),
            date_format: spec.date_format.clone(),
            delimiter: char::from(spec.delimiter).to_string(),
            missing: spec.missing.name().to_string(),
            treated_counts: config.treated_counts.clone(),
            durations_days: config.durations_days.clone(),
            include: config.include.clone(),
            exclude: config.exclude.clone(),
            cpic: config.cpic,
            budget_cap: config.budget_cap,
            treated_share: config.treated_share.map(|(low, high)| [low, high]),
            power: config.power,
            level: settings.level,
            alpha,
            estimator: settings.estimator.name().to_string(),
            intercept: settings.estimator.has_intercept(),
            resamples: settings.resamples,
            placebo_sets: settings.placebo_sets,
            max_effect: config.max_effect,
            candidates_per_count: config.candidates_per_count,
            screened_per_count: config.screened_per_count,
            held_out_days: held_out,
            assignment: config.assignment.name().to_string(),
            seed: settings.seed,
        },
        data: DesignDataSummary {
            geos: panel.geos.len(),
            days,
            first_date: date_texts[0].clone(),
            last_date: date_texts[days - 1].clone(),
            selection_days,
            held_out_days: held_out,
            min_pre_period_days: MIN_PRE_PERIOD_DAYS,
        },
        recommended,
        search: summaries,
        designs: ordered.into_iter().map(|d| d.result).collect(),
        designs_over_budget,
        aa_check: aa,
        assignment: AssignmentSummary {
            method: config.assignment.name().to_string(),
            balance,
            rows,
        },
        recommended_fit: FitSeries {
            dates: date_texts.clone(),
            observed: fit.observed,
            counterfactual: fit.counterfactual,
            held_out_start: date_texts.get(selection_days).cloned(),
        },
        warnings,
    })
}

/// Returns the randomised candidates of one treated count, with their fit and share.
fn randomised(
    input: &SearchInput,
    config: &GeoDesignConfig,
    count: usize,
) -> Result<(Vec<Candidate>, SearchSummary), GeoError> {
    let draws = match config.assignment {
        AssignmentMethod::MatchedPairs => assignment::matched_pair_sets(
            input.kpi,
            input.history_days,
            input.include,
            input.pool,
            count,
            config.candidates_per_count,
            input.seed,
        ),
        _ => assignment::stratified_sets(
            input.kpi,
            input.history_days,
            input.include,
            input.pool,
            count,
            config.candidates_per_count,
            input.seed,
        ),
    };
    let total: f64 = input
        .kpi
        .rows()
        .into_iter()
        .map(|row| row.iter().take(input.history_days).sum::<f64>())
        .sum();
    let drawn = draws.len();
    let mut kept = Vec::with_capacity(drawn);
    for mut candidate in draws {
        candidate.treated_share =
            treated_share(input.kpi, &candidate.treated, input.history_days, total);
        if let Some((low, high)) = input.treated_share
            && !(low..=high).contains(&candidate.treated_share)
        {
            continue;
        }
        candidate.fit = pre_period_fit(
            input.kpi,
            &candidate.treated,
            input.history_days,
            input.estimator,
        )?
        .quality;
        kept.push(candidate);
    }
    let summary = SearchSummary {
        treated_count: count,
        sets_possible: binomial(
            input.pool.len() as u64,
            (count - input.include.len()) as u64,
        ),
        sets_screened: drawn,
        sets_outside_share: drawn - kept.len(),
        sets_simulated: kept.len(),
        exhaustive: false,
    };
    Ok((kept, summary))
}
