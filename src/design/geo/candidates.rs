//! Candidate treatment sets for the `search` assignment, and the pre-period fit that screens
//! them.
//!
//! For each treated count `k`, a set contains the included geos plus `k − included` geos from
//! the pool (every geo neither included nor excluded):
//!
//! 1. When the pool gives at most `simulate` sets, every set is simulated (exhaustive).
//! 2. When it gives at most `screen` sets, every set is screened.
//! 3. Otherwise the screened sets are the similarity-ranked sets followed by distinct random
//!    sets drawn with the seed, `screen` sets in all. The similarity ranking orders the pool by
//!    the correlation of each geo's daily KPI with the reference series, which is the mean of
//!    the included geos (of all geos when none is included). It then takes runs of consecutive
//!    geos from that order, the most similar geos first.
//!
//! Screening fits each set's counterfactual once on the selection history (as GeoLift fits
//! each candidate on one historical window) and keeps the `simulate` sets with the smallest
//! pre-period error for the power simulation. Sets whose share of the total KPI lies outside
//! the requested range are dropped before screening.

use std::collections::HashSet;

use ndarray::Array2;
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::geo::model::PreparedModel;
use crate::geo::placebo::binomial;
use crate::geo::{Estimator, GeoError};
use crate::resample::stream;

/// Stream index offset of the search's random sets, apart from the other streams of the seed.
const SEARCH_STREAMS: u64 = 3 << 32;

/// Search step that found a candidate set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Every set of its size was considered.
    Exhaustive,
    /// A run of geos from the similarity ranking.
    Similarity,
    /// A random set drawn with the seed.
    Random,
    /// Stratified randomisation: one geo per KPI-volume stratum.
    Stratified,
    /// Matched pairs: one geo of each chosen pair.
    MatchedPairs,
}

/// Pre-period fit quality of a set's counterfactual.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitQuality {
    /// Σ|observed − fitted| ÷ Σ observed over the selection history (a weighted MAPE).
    pub relative_error: f64,
    /// 1 − residual sum of squares ÷ total sum of squares of the treated mean.
    pub r_squared: f64,
}

/// A treatment set to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Treated geos as panel row indices, sorted.
    pub treated: Vec<usize>,
    pub origin: Origin,
    /// Stratum of every geo (panel order), for stratified randomisation.
    pub strata: Option<Vec<Option<usize>>>,
    /// Pairs (treated geo, control geo), for matched pairs.
    pub pairs: Option<Vec<(usize, usize)>>,
    pub fit: FitQuality,
    /// Treated geos' share of the total KPI over the selection history, as a fraction.
    pub treated_share: f64,
}

/// The sets of one treated count and how they were found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchSummary {
    pub treated_count: usize,
    /// Sets of this size that respect include and exclude (saturates at u64::MAX).
    pub sets_possible: u64,
    /// Sets whose pre-period fit was computed.
    pub sets_screened: usize,
    /// Sets dropped for a treated share outside the requested range.
    pub sets_outside_share: usize,
    /// Sets passed to the power simulation.
    pub sets_simulated: usize,
    pub exhaustive: bool,
}

/// Inputs shared by every search.
pub struct SearchInput<'a> {
    pub kpi: &'a Array2<f64>,
    /// Days of the selection history, from the first day.
    pub history_days: usize,
    pub estimator: Estimator,
    /// Included geos (always treated), panel row indices.
    pub include: &'a [usize],
    /// Geos that may be treated besides the included ones, panel row indices, sorted.
    pub pool: &'a [usize],
    /// Allowed treated share of the total KPI, as fractions.
    pub treated_share: Option<(f64, f64)>,
    pub simulate: usize,
    pub screen: usize,
    pub seed: u64,
}

/// Returns the candidate sets of `treated_count` geos and the summary of the search.
pub fn search(
    input: &SearchInput,
    treated_count: usize,
) -> Result<(Vec<Candidate>, SearchSummary), GeoError> {
    let free = treated_count - input.include.len();
    let sets_possible = binomial(input.pool.len() as u64, free as u64);

    let (sets, exhaustive): (Vec<Vec<usize>>, bool) = if sets_possible <= input.screen as u64 {
        (all_subsets(input.pool, free), true)
    } else {
        let mut seen = HashSet::new();
        let mut sets = Vec::new();
        for set in similarity_sets(input, free) {
            if seen.insert(set.clone()) {
                sets.push(set);
            }
        }
        let mut rng = stream(input.seed, SEARCH_STREAMS + treated_count as u64);
        while sets.len() < input.screen {
            let mut pool = input.pool.to_vec();
            for i in 0..free {
                let j = rng.random_range(i as u32..pool.len() as u32) as usize;
                pool.swap(i, j);
            }
            let mut set = pool[..free].to_vec();
            set.sort_unstable();
            if seen.insert(set.clone()) {
                sets.push(set);
            }
        }
        (sets, false)
    };
    let similarity_count = if exhaustive {
        0
    } else {
        similarity_sets(input, free).len()
    };

    // Full sets with their share, dropping those outside the requested range.
    let total: f64 = input
        .kpi
        .rows()
        .into_iter()
        .map(|row| row.iter().take(input.history_days).sum::<f64>())
        .sum();
    let mut outside_share = 0;
    let mut kept: Vec<(Vec<usize>, Origin, f64)> = Vec::new();
    for (index, free_geos) in sets.into_iter().enumerate() {
        let mut treated: Vec<usize> = input.include.iter().copied().chain(free_geos).collect();
        treated.sort_unstable();
        let share = treated_share(input.kpi, &treated, input.history_days, total);
        if let Some((low, high)) = input.treated_share
            && !(low..=high).contains(&share)
        {
            outside_share += 1;
            continue;
        }
        let origin = if exhaustive {
            Origin::Exhaustive
        } else if index < similarity_count {
            Origin::Similarity
        } else {
            Origin::Random
        };
        kept.push((treated, origin, share));
    }

    // Screen by one fit on the selection history and keep the best.
    let screened = kept.len();
    let fits: Vec<Result<FitQuality, GeoError>> = kept
        .par_iter()
        .map(|(treated, _, _)| {
            pre_period_fit(input.kpi, treated, input.history_days, input.estimator)
                .map(|fit| fit.quality)
        })
        .collect();
    let mut candidates = Vec::with_capacity(kept.len());
    for ((treated, origin, share), fit) in kept.into_iter().zip(fits) {
        candidates.push(Candidate {
            treated,
            origin,
            strata: None,
            pairs: None,
            fit: fit?,
            treated_share: share,
        });
    }
    candidates.sort_by(|a, b| {
        a.fit
            .relative_error
            .total_cmp(&b.fit.relative_error)
            .then_with(|| a.treated.cmp(&b.treated))
    });
    candidates.truncate(input.simulate);

    let summary = SearchSummary {
        treated_count,
        sets_possible,
        sets_screened: screened,
        sets_outside_share: outside_share,
        sets_simulated: candidates.len(),
        exhaustive,
    };
    Ok((candidates, summary))
}

/// A pre-period fit over the selection history, with the series for a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct PrePeriodFit {
    pub quality: FitQuality,
    /// Treated geos' total KPI on every day of the panel.
    pub observed: Vec<f64>,
    /// Counterfactual total on every day: fitted on the selection history, predicted after it.
    pub counterfactual: Vec<f64>,
}

/// Fits the counterfactual of `treated` (sorted panel rows) on the first `history_days` days,
/// with every other geo as a donor, and predicts it over the whole panel.
pub fn pre_period_fit(
    kpi: &Array2<f64>,
    treated: &[usize],
    history_days: usize,
    estimator: Estimator,
) -> Result<PrePeriodFit, GeoError> {
    let days = kpi.ncols();
    let count = treated.len() as f64;
    let target: Vec<f64> = (0..days)
        .map(|day| treated.iter().map(|geo| kpi[[*geo, day]]).sum::<f64>() / count)
        .collect();
    let donors: Vec<Vec<f64>> = (0..kpi.nrows())
        .filter(|geo| !treated.contains(geo))
        .map(|geo| kpi.row(geo).to_vec())
        .collect();
    let pre: Vec<Vec<f64>> = donors
        .iter()
        .map(|series| series[..history_days].to_vec())
        .collect();
    let fit = PreparedModel::new(estimator, pre)?.fit(&target[..history_days])?;
    let fitted: Vec<f64> = (0..days).map(|day| fit.predict(&donors, day)).collect();

    let history = &target[..history_days];
    let mean = history.iter().sum::<f64>() / history_days as f64;
    let absolute: f64 = history
        .iter()
        .zip(&fitted)
        .map(|(y, p)| (y - p).abs())
        .sum();
    let residual: f64 = history
        .iter()
        .zip(&fitted)
        .map(|(y, p)| (y - p).powi(2))
        .sum();
    let spread: f64 = history.iter().map(|y| (y - mean).powi(2)).sum();
    let observed_total: f64 = history.iter().sum();
    Ok(PrePeriodFit {
        quality: FitQuality {
            relative_error: if observed_total > 0.0 {
                absolute / observed_total
            } else {
                f64::INFINITY
            },
            r_squared: if spread > 0.0 {
                1.0 - residual / spread
            } else {
                0.0
            },
        },
        observed: target.iter().map(|value| value * count).collect(),
        counterfactual: fitted.iter().map(|value| value * count).collect(),
    })
}

/// Returns the treated geos' share of `total`, the KPI of all geos over the first
/// `history_days` days.
pub fn treated_share(kpi: &Array2<f64>, treated: &[usize], history_days: usize, total: f64) -> f64 {
    let treated_total: f64 = treated
        .iter()
        .map(|geo| kpi.row(*geo).iter().take(history_days).sum::<f64>())
        .sum();
    if total > 0.0 {
        treated_total / total
    } else {
        0.0
    }
}

/// Returns runs of `free` consecutive geos from the pool ordered by similarity to the
/// reference series, most similar first.
fn similarity_sets(input: &SearchInput, free: usize) -> Vec<Vec<usize>> {
    if free == 0 {
        return vec![Vec::new()];
    }
    let reference_geos: Vec<usize> = if input.include.is_empty() {
        (0..input.kpi.nrows()).collect()
    } else {
        input.include.to_vec()
    };
    let reference: Vec<f64> = (0..input.history_days)
        .map(|day| {
            reference_geos
                .iter()
                .map(|geo| input.kpi[[*geo, day]])
                .sum::<f64>()
        })
        .collect();
    let mut ranked: Vec<(f64, usize)> = input
        .pool
        .iter()
        .map(|geo| {
            let series: Vec<f64> = input
                .kpi
                .row(*geo)
                .iter()
                .take(input.history_days)
                .copied()
                .collect();
            (correlation(&series, &reference), *geo)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let order: Vec<usize> = ranked.into_iter().map(|(_, geo)| geo).collect();
    let runs = (order.len() + 1).saturating_sub(free).min(input.simulate);
    (0..runs)
        .map(|offset| {
            let mut set = order[offset..offset + free].to_vec();
            set.sort_unstable();
            set
        })
        .collect()
}

/// Returns the Pearson correlation of two series of equal length; 0 when either is constant.
pub fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let mean_a = a.iter().sum::<f64>() / n;
    let mean_b = b.iter().sum::<f64>() / n;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - mean_a) * (y - mean_b);
        saa += (x - mean_a).powi(2);
        sbb += (y - mean_b).powi(2);
    }
    if saa <= 0.0 || sbb <= 0.0 {
        return 0.0;
    }
    sab / (saa * sbb).sqrt()
}

/// Returns every `k`-subset of `pool`, in lexicographic order of positions.
fn all_subsets(pool: &[usize], k: usize) -> Vec<Vec<usize>> {
    let n = pool.len();
    if k > n {
        return Vec::new();
    }
    if k == 0 {
        return vec![Vec::new()];
    }
    let mut subsets = Vec::new();
    let mut current: Vec<usize> = (0..k).collect();
    loop {
        subsets.push(current.iter().map(|i| pool[*i]).collect());
        let Some(position) = (0..k).rev().find(|i| current[*i] < n - k + i) else {
            return subsets;
        };
        current[position] += 1;
        for i in position + 1..k {
            current[i] = current[i - 1] + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(geos: usize, days: usize) -> Array2<f64> {
        Array2::from_shape_fn((geos, days), |(geo, day)| {
            100.0 + 10.0 * geo as f64 + ((day * (geo + 1)) % 7) as f64
        })
    }

    #[test]
    fn subsets_of_pool() {
        let subsets = all_subsets(&[2, 5, 7], 2);
        assert_eq!(subsets, vec![vec![2, 5], vec![2, 7], vec![5, 7]]);
        assert_eq!(all_subsets(&[2, 5], 0), vec![Vec::<usize>::new()]);
    }

    #[test]
    fn small_pool_is_exhaustive() {
        let kpi = panel(8, 40);
        let pool: Vec<usize> = (1..8).collect();
        let input = SearchInput {
            kpi: &kpi,
            history_days: 30,
            estimator: Estimator::Did,
            include: &[0],
            pool: &pool,
            treated_share: None,
            simulate: 100,
            screen: 1000,
            seed: 1,
        };
        let (candidates, summary) = search(&input, 2).expect("search");
        assert_eq!(summary.sets_possible, 7);
        assert!(summary.exhaustive);
        assert_eq!(candidates.len(), 7);
        assert!(candidates.iter().all(|c| c.treated.contains(&0)));
    }

    #[test]
    fn large_pool_is_screened_and_deterministic() {
        let kpi = panel(30, 40);
        let pool: Vec<usize> = (0..30).collect();
        let input = SearchInput {
            kpi: &kpi,
            history_days: 30,
            estimator: Estimator::Did,
            include: &[],
            pool: &pool,
            treated_share: None,
            simulate: 10,
            screen: 200,
            seed: 3,
        };
        let (first, summary) = search(&input, 4).expect("search");
        let (again, _) = search(&input, 4).expect("search");
        assert_eq!(first, again);
        assert!(!summary.exhaustive);
        assert_eq!(summary.sets_screened, 200);
        assert_eq!(first.len(), 10);
        for pair in first.windows(2) {
            assert!(pair[0].fit.relative_error <= pair[1].fit.relative_error);
        }
    }

    #[test]
    fn share_range_drops_sets() {
        let kpi = panel(6, 40);
        let pool: Vec<usize> = (0..6).collect();
        let input = SearchInput {
            kpi: &kpi,
            history_days: 30,
            estimator: Estimator::Did,
            include: &[],
            pool: &pool,
            treated_share: Some((0.0, 0.3)),
            simulate: 100,
            screen: 100,
            seed: 1,
        };
        let (candidates, summary) = search(&input, 2).expect("search");
        assert!(summary.sets_outside_share > 0);
        assert!(candidates.iter().all(|c| c.treated_share <= 0.3));
    }
}
