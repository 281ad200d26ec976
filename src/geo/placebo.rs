//! Placebo test in space: control geo sets of the treated set's size, each analysed as if it
//! had been treated, with the remaining control geos as donors (Abadie, Diamond & Hainmueller
//! 2010, section 4).
//!
//! The statistic is the absolute relative lift, `|Σ test-window gap| ÷ Σ test-window
//! counterfactual`: scale-free, so large and small geos compare, and the same relative error
//! that the placebo-path bootstrap resamples, so the p-value and the interval rest on one
//! assumption. The p-value is the rank of the treated set among all sets:
//! `(1 + placebo sets with a statistic at least as large) ÷ (1 + placebo sets)`.

use rand::RngExt;
use rayon::prelude::*;

use super::bootstrap::Problem;
use super::config::{Estimator, GeoError};
use crate::progress::Progress;
use crate::resample::stream;

/// Statistic and relative lift of one set (treated or placebo).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SetResult {
    pub statistic: f64,
    pub relative_lift: f64,
}

/// One placebo run: which controls (indices into the control list) formed the set.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceboResult {
    pub members: Vec<usize>,
    pub result: SetResult,
    /// Gap (observed − counterfactual) of the set's mean on each test day. The set was not
    /// treated, so this is the counterfactual's error path.
    pub test_gaps: Vec<f64>,
    /// Counterfactual of the set's mean summed over the test window.
    pub counterfactual_test_total: f64,
}

/// Placebo runs and the count of possible sets.
pub struct PlaceboOutcome {
    pub sets_possible: u64,
    /// Runs with a finite statistic, in the order of the sets.
    pub runs: Vec<PlaceboResult>,
    pub not_finite: usize,
}

/// Returns the statistic and relative lift of a fitted target from its gaps over the
/// analysis days, of which the first `pre_days` are the pre-period.
pub fn set_statistic(gaps: &[f64], counterfactual_test_total: f64, pre_days: usize) -> SetResult {
    let relative_lift = gaps[pre_days..].iter().sum::<f64>() / counterfactual_test_total;
    SetResult {
        statistic: relative_lift.abs(),
        relative_lift,
    }
}

/// Runs the placebo test over control sets of `set_size` geos.
///
/// `controls` contains the control geos' series over the analysis days. When there are more than
/// `max_sets` possible sets, a sample of `max_sets` distinct sets is drawn with `seed`.
#[allow(clippy::too_many_arguments)]
pub fn run(
    estimator: Estimator,
    controls: &[Vec<f64>],
    set_size: usize,
    pre_days: usize,
    test_days: usize,
    max_sets: usize,
    seed: u64,
    progress: &dyn Progress,
) -> Result<PlaceboOutcome, GeoError> {
    // Each placebo set needs at least one donor left over.
    let sets_possible = if set_size >= controls.len() {
        0
    } else {
        binomial(controls.len() as u64, set_size as u64)
    };
    let sets = if sets_possible == 0 {
        Vec::new()
    } else if sets_possible <= max_sets as u64 {
        all_subsets(controls.len(), set_size)
    } else {
        sample_subsets(controls.len(), set_size, max_sets, seed)
    };

    progress.start("placebo", sets.len() as u64);
    let results: Vec<Result<PlaceboResult, GeoError>> = sets
        .into_par_iter()
        .map(|members| {
            let days = pre_days + test_days;
            let target: Vec<f64> = (0..days)
                .map(|day| {
                    members
                        .iter()
                        .map(|index| controls[*index][day])
                        .sum::<f64>()
                        / members.len() as f64
                })
                .collect();
            let donors: Vec<Vec<f64>> = (0..controls.len())
                .filter(|index| !members.contains(index))
                .map(|index| controls[index].clone())
                .collect();
            let problem = Problem {
                estimator,
                target: &target,
                donors: &donors,
                pre_days,
                test_days,
                block_length: 1,
            };
            let fit = problem.prepare()?.fit(&target[..pre_days])?;
            let predictions: Vec<f64> = (0..days).map(|day| fit.predict(&donors, day)).collect();
            let gaps: Vec<f64> = target
                .iter()
                .zip(&predictions)
                .map(|(y, p)| y - p)
                .collect();
            let counterfactual_total: f64 = predictions[pre_days..].iter().sum();
            progress.advance(1);
            Ok(PlaceboResult {
                members,
                result: set_statistic(&gaps, counterfactual_total, pre_days),
                test_gaps: gaps[pre_days..].to_vec(),
                counterfactual_test_total: counterfactual_total,
            })
        })
        .collect();
    progress.finish();

    let mut runs = Vec::with_capacity(results.len());
    let mut not_finite = 0;
    for result in results {
        let run = result?;
        if run.result.statistic.is_finite() && run.result.relative_lift.is_finite() {
            runs.push(run);
        } else {
            not_finite += 1;
        }
    }
    Ok(PlaceboOutcome {
        sets_possible,
        runs,
        not_finite,
    })
}

/// Returns the rank-based p-value of `observed` among the placebo statistics.
pub fn p_value(observed: f64, placebo: &[f64]) -> f64 {
    let at_least = placebo.iter().filter(|value| **value >= observed).count();
    (1 + at_least) as f64 / (1 + placebo.len()) as f64
}

/// Returns C(n, k), saturating at `u64::MAX`.
pub fn binomial(n: u64, k: u64) -> u64 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut value: u128 = 1;
    for i in 0..k {
        value = value * u128::from(n - i) / u128::from(i + 1);
        if value > u128::from(u64::MAX) {
            return u64::MAX;
        }
    }
    value as u64
}

/// Returns all `k`-subsets of `0..n` in lexicographic order.
fn all_subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut subsets = Vec::new();
    if k == 0 || k > n {
        return subsets;
    }
    let mut current: Vec<usize> = (0..k).collect();
    loop {
        subsets.push(current.clone());
        let Some(position) = (0..k).rev().find(|i| current[*i] < n - k + i) else {
            return subsets;
        };
        current[position] += 1;
        for i in position + 1..k {
            current[i] = current[i - 1] + 1;
        }
    }
}

/// Draws `count` distinct random `k`-subsets of `0..n`, each sorted, in the order drawn.
fn sample_subsets(n: usize, k: usize, count: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = stream(seed, u64::MAX);
    let mut seen = std::collections::HashSet::new();
    let mut subsets = Vec::with_capacity(count);
    while subsets.len() < count {
        // Partial Fisher–Yates shuffle for one subset.
        let mut pool: Vec<usize> = (0..n).collect();
        for i in 0..k {
            let j = rng.random_range(i as u32..n as u32) as usize;
            pool.swap(i, j);
        }
        let mut subset = pool[..k].to_vec();
        subset.sort_unstable();
        if seen.insert(subset.clone()) {
            subsets.push(subset);
        }
    }
    subsets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_values() {
        assert_eq!(binomial(38, 2), 703);
        assert_eq!(binomial(5, 0), 1);
        assert_eq!(binomial(3, 5), 0);
        assert_eq!(binomial(200, 100), u64::MAX);
    }

    #[test]
    fn subsets_enumerate_all() {
        let subsets = all_subsets(5, 3);
        assert_eq!(subsets.len(), 10);
        assert_eq!(subsets[0], vec![0, 1, 2]);
        assert_eq!(subsets[9], vec![2, 3, 4]);
    }

    #[test]
    fn sampled_subsets_are_distinct() {
        let subsets = sample_subsets(30, 4, 500, 9);
        let distinct: std::collections::HashSet<_> = subsets.iter().collect();
        assert_eq!(distinct.len(), 500);
        assert!(subsets.iter().all(|s| s.len() == 4));
    }

    #[test]
    fn p_value_counts_ties_as_extreme() {
        assert_eq!(p_value(2.0, &[1.0, 2.0, 3.0]), 0.75);
        assert_eq!(p_value(5.0, &[1.0, 2.0, 3.0]), 0.25);
    }
}
