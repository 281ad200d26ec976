//! Power, MDE and budget of each simulated design, and their ranking.

use super::GeoDesignConfig;
use super::budget::budget;
use super::candidates::Candidate;
use super::power::{minimum_detectable_effect, power_at};
use super::schema::DesignResult;
use super::simulation::DurationOutcomes;
use crate::data::Panel;

/// A simulated design before ranking.
pub struct Simulated {
    pub candidate: Candidate,
    pub outcomes: DurationOutcomes,
    pub result: DesignResult,
}

/// Returns the power, MDE and budget of one candidate at one duration.
pub fn evaluate(
    panel: &Panel,
    candidate: &Candidate,
    outcomes: &DurationOutcomes,
    config: &GeoDesignConfig,
) -> DesignResult {
    let level = config.inference.level;
    let windows = &outcomes.outcomes;
    let mde = minimum_detectable_effect(windows, config.power, config.max_effect, level);
    let zero = power_at(windows, 0.0, level);
    let top = power_at(windows, config.max_effect, level);
    let count = candidate.treated.len() as f64;
    let expected_kpi = if windows.is_empty() {
        0.0
    } else {
        windows
            .iter()
            .map(|o| o.observed_total * count)
            .sum::<f64>()
            / windows.len() as f64
    };
    let incremental = mde.map(|point| point.effect * expected_kpi);
    let date = |start: usize| panel.dates[start].to_string();
    DesignResult {
        rank: 0,
        treated_geos: candidate
            .treated
            .iter()
            .map(|geo| panel.geos[*geo].clone())
            .collect(),
        duration_days: outcomes.duration_days,
        origin: candidate.origin,
        windows: windows.len(),
        unusable_windows: outcomes.unusable,
        first_test_start: windows.first().map(|o| date(o.window.start)),
        last_test_start: windows.last().map(|o| date(o.window.start)),
        mde: mde.map(|point| point.effect),
        power_at_mde: mde.map(|point| point.power),
        power_at_mde_standard_error: mde.map(|point| point.standard_error),
        power_at_max_effect: top.power,
        false_positive_rate: zero.power,
        false_positive_rate_standard_error: zero.standard_error,
        expected_kpi,
        incremental_kpi_at_mde: incremental,
        budget: incremental
            .zip(config.cpic)
            .map(|(kpi, cpic)| budget(kpi, cpic)),
        treated_share: candidate.treated_share,
        pre_period_relative_error: candidate.fit.relative_error,
        pre_period_r_squared: candidate.fit.r_squared,
        rank_score: None,
        power_curve: Vec::new(),
    }
}

/// Sorts designs by the mean of their ranks by MDE, budget and pre-period error, with ties to
/// the smaller MDE. Without a CPIC, the incremental KPI at the MDE replaces the budget.
pub fn rank(designs: &mut [Simulated]) {
    let n = designs.len();
    let ranks_by = |key: &dyn Fn(&DesignResult) -> f64| -> Vec<f64> {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|a, b| key(&designs[*a].result).total_cmp(&key(&designs[*b].result)));
        let mut ranks = vec![0.0; n];
        for (rank, index) in order.into_iter().enumerate() {
            ranks[index] = rank as f64 + 1.0;
        }
        ranks
    };
    let by_mde = ranks_by(&|r| r.mde.unwrap_or(f64::INFINITY));
    let by_cost = ranks_by(&|r| {
        r.budget
            .map(|b| b.high)
            .or(r.incremental_kpi_at_mde)
            .unwrap_or(f64::INFINITY)
    });
    let by_fit = ranks_by(&|r| r.pre_period_relative_error);
    for (index, design) in designs.iter_mut().enumerate() {
        design.result.rank_score = Some((by_mde[index] + by_cost[index] + by_fit[index]) / 3.0);
    }
    designs.sort_by(|a, b| {
        let score = |d: &Simulated| d.result.rank_score.unwrap_or(f64::INFINITY);
        score(a)
            .total_cmp(&score(b))
            .then_with(|| {
                a.result
                    .mde
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.result.mde.unwrap_or(f64::INFINITY))
            })
            .then_with(|| a.candidate.treated.cmp(&b.candidate.treated))
            .then(a.result.duration_days.cmp(&b.result.duration_days))
    });
}
