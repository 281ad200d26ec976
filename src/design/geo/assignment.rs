//! Randomised assignments (stratified, matched pairs), their balance checks and the rows of
//! `assignment.csv`.
//!
//! - Stratified randomisation: the geos that may be treated are ordered by their KPI over the
//!   selection history and cut into `k` strata of (nearly) equal size. Each stratum gets one
//!   treated geo. A stratum holding an included geo gets that one; every other stratum gets a
//!   geo drawn uniformly. The treated set then spans the volume range.
//! - Matched pairs: the geos that may be treated are paired greedily, closest pair first, by
//!   the distance `√(mean over days of (aₜ − bₜ)²) ÷ ((ā + b̄) ÷ 2)`, a relative RMS difference
//!   that is small only when level and shape agree. A pair with an included geo is always
//!   chosen, with that geo treated; the other pairs are drawn uniformly, and a fair coin picks
//!   the treated geo of each. Geos outside the chosen pairs stay controls.
//!
//! Each draw uses its own stream of the seed, so the assignment does not depend on threads.

use ndarray::Array2;
use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::candidates::{Candidate, FitQuality, Origin, correlation};
use crate::resample::stream;

/// Stream index offsets of the assignment draws.
const STRATIFIED_STREAMS: u64 = 4 << 32;
const PAIRS_STREAMS: u64 = 5 << 32;

/// Largest absolute standardised mean difference of daily KPI that counts as balanced, the
/// rule of thumb of Stuart (2010), "Matching methods for causal inference", Statistical
/// Science 25(1).
pub const BALANCE_THRESHOLD: f64 = 0.25;

/// Method that chooses the treated sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentMethod {
    /// Screened search over candidate sets, ranked by simulated power.
    Search,
    /// Stratified randomisation by KPI volume.
    Stratified,
    /// Matched pairs of similar geos.
    MatchedPairs,
}

impl AssignmentMethod {
    /// Returns the name used on the command line and in design.json.
    pub fn name(self) -> &'static str {
        match self {
            AssignmentMethod::Search => "search",
            AssignmentMethod::Stratified => "stratified",
            AssignmentMethod::MatchedPairs => "matched-pairs",
        }
    }
}

/// Balance of treated and control geos over the selection history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Balance {
    /// Mean daily KPI per treated geo.
    pub treated_mean_daily_kpi: f64,
    /// Mean daily KPI per control geo.
    pub control_mean_daily_kpi: f64,
    /// Difference of the two means ÷ the pooled standard deviation of per-geo daily KPI.
    pub standardized_mean_difference: f64,
    /// Correlation of the treated mean and the control mean over the days.
    pub correlation: f64,
    /// For matched pairs: mean daily KPI per matched control geo (the treated geos' partners).
    pub matched_control_mean_daily_kpi: Option<f64>,
    /// For matched pairs: the standardised mean difference of treated geos and their partners.
    pub matched_standardized_mean_difference: Option<f64>,
    /// Whether the standardised mean difference is within the threshold: the matched one for
    /// matched pairs, else the one against all controls.
    pub balanced: bool,
    pub threshold: f64,
}

/// One row of assignment.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentRow {
    pub geo: String,
    /// `treatment` or `control`.
    pub group: String,
    /// KPI-volume stratum (1 = largest), for stratified randomisation.
    pub stratum: Option<usize>,
    /// Pair number (1 = closest pair), for matched pairs.
    pub pair: Option<usize>,
}

/// Draws `draws` distinct stratified sets of `count` geos (fewer when fewer exist).
pub fn stratified_sets(
    kpi: &Array2<f64>,
    history_days: usize,
    include: &[usize],
    pool: &[usize],
    count: usize,
    draws: usize,
    seed: u64,
) -> Vec<Candidate> {
    let mut eligible: Vec<usize> = include.iter().chain(pool).copied().collect();
    let volume = |geo: usize| kpi.row(geo).iter().take(history_days).sum::<f64>();
    eligible.sort_by(|a, b| volume(*b).total_cmp(&volume(*a)).then(a.cmp(b)));

    // Stratum s contains the geos of ranks [s·n/k, (s+1)·n/k).
    let n = eligible.len();
    let mut strata_of_geo: Vec<Option<usize>> = vec![None; kpi.nrows()];
    let mut strata: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (rank, geo) in eligible.iter().enumerate() {
        let stratum = rank * count / n;
        strata[stratum].push(*geo);
        strata_of_geo[*geo] = Some(stratum);
    }

    let mut sets: Vec<Candidate> = Vec::new();
    for index in 0..draws.saturating_mul(4) {
        if sets.len() >= draws {
            break;
        }
        let mut rng = stream(seed, STRATIFIED_STREAMS + index as u64);
        let mut treated: Vec<usize> = include.to_vec();
        for stratum in &strata {
            if stratum.iter().any(|geo| include.contains(geo)) {
                continue;
            }
            if treated.len() >= count {
                break;
            }
            let choice = stratum[rng.random_range(0..stratum.len() as u32) as usize];
            treated.push(choice);
        }
        // Several included geos in one stratum leave strata unused; fill from the largest
        // remaining ones so the count holds.
        for geo in &eligible {
            if treated.len() >= count {
                break;
            }
            if !treated.contains(geo) {
                treated.push(*geo);
            }
        }
        treated.truncate(count);
        treated.sort_unstable();
        if sets.iter().any(|set| set.treated == treated) {
            continue;
        }
        sets.push(Candidate {
            treated,
            origin: Origin::Stratified,
            strata: Some(strata_of_geo.clone()),
            pairs: None,
            fit: FitQuality {
                relative_error: f64::NAN,
                r_squared: f64::NAN,
            },
            treated_share: 0.0,
        });
    }
    sets
}

/// Returns the greedy matched pairs of the eligible geos, closest pair first, and any geo
/// left without a partner.
pub fn matched_pairs(
    kpi: &Array2<f64>,
    history_days: usize,
    eligible: &[usize],
) -> (Vec<(usize, usize)>, Option<usize>) {
    let mut distances: Vec<(f64, usize, usize)> = Vec::new();
    for (i, a) in eligible.iter().enumerate() {
        for b in &eligible[i + 1..] {
            distances.push((pair_distance(kpi, history_days, *a, *b), *a, *b));
        }
    }
    distances.sort_by(|x, y| x.0.total_cmp(&y.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let mut paired = vec![false; kpi.nrows()];
    let mut pairs = Vec::new();
    for (_, a, b) in distances {
        if !paired[a] && !paired[b] {
            paired[a] = true;
            paired[b] = true;
            pairs.push((a, b));
        }
    }
    let unpaired = eligible.iter().copied().find(|geo| !paired[*geo]);
    (pairs, unpaired)
}

/// Draws `draws` distinct matched-pair sets of `count` treated geos (fewer when fewer exist).
pub fn matched_pair_sets(
    kpi: &Array2<f64>,
    history_days: usize,
    include: &[usize],
    pool: &[usize],
    count: usize,
    draws: usize,
    seed: u64,
) -> Vec<Candidate> {
    let eligible: Vec<usize> = include.iter().chain(pool).copied().collect();
    let (pairs, _) = matched_pairs(kpi, history_days, &eligible);
    let forced: Vec<usize> = (0..pairs.len())
        .filter(|p| include.contains(&pairs[*p].0) || include.contains(&pairs[*p].1))
        .collect();
    let optional: Vec<usize> = (0..pairs.len()).filter(|p| !forced.contains(p)).collect();
    if forced.len() > count || pairs.len() < count {
        return Vec::new();
    }

    let mut sets: Vec<Candidate> = Vec::new();
    for index in 0..draws.saturating_mul(4) {
        if sets.len() >= draws {
            break;
        }
        let mut rng = stream(seed, PAIRS_STREAMS + index as u64);
        let mut chosen = forced.clone();
        let mut remaining = optional.clone();
        while chosen.len() < count {
            let j = rng.random_range(0..remaining.len() as u32) as usize;
            chosen.push(remaining.swap_remove(j));
        }
        chosen.sort_unstable();
        let mut treated = Vec::with_capacity(count);
        let mut treated_pairs = Vec::with_capacity(count);
        for p in &chosen {
            let (a, b) = pairs[*p];
            let a_first = if include.contains(&a) {
                true
            } else if include.contains(&b) {
                false
            } else {
                rng.random_bool(0.5)
            };
            let (t, c) = if a_first { (a, b) } else { (b, a) };
            treated.push(t);
            treated_pairs.push((t, c));
        }
        treated.sort_unstable();
        if sets.iter().any(|set| set.treated == treated) {
            continue;
        }
        sets.push(Candidate {
            treated,
            origin: Origin::MatchedPairs,
            strata: None,
            pairs: Some(treated_pairs),
            fit: FitQuality {
                relative_error: f64::NAN,
                r_squared: f64::NAN,
            },
            treated_share: 0.0,
        });
    }
    sets
}

/// Returns the balance of `treated` against every other geo over the first `history_days` days,
/// and against their partners when `pairs` (treated geo, control geo) are given.
pub fn balance(
    kpi: &Array2<f64>,
    treated: &[usize],
    pairs: Option<&[(usize, usize)]>,
    history_days: usize,
) -> Balance {
    let daily =
        |geo: usize| kpi.row(geo).iter().take(history_days).sum::<f64>() / history_days as f64;
    let treated_values: Vec<f64> = treated.iter().map(|geo| daily(*geo)).collect();
    let control_values: Vec<f64> = (0..kpi.nrows())
        .filter(|geo| !treated.contains(geo))
        .map(daily)
        .collect();
    let (treated_mean, _) = mean_variance(&treated_values);
    let (control_mean, _) = mean_variance(&control_values);
    let standardized_mean_difference = standardized_difference(&treated_values, &control_values);
    let partner_values: Option<Vec<f64>> =
        pairs.map(|pairs| pairs.iter().map(|(_, partner)| daily(*partner)).collect());
    let matched_standardized_mean_difference = partner_values
        .as_ref()
        .map(|partners| standardized_difference(&treated_values, partners));

    let group_series = |geos: &[usize]| -> Vec<f64> {
        (0..history_days)
            .map(|day| geos.iter().map(|geo| kpi[[*geo, day]]).sum::<f64>() / geos.len() as f64)
            .collect()
    };
    let controls: Vec<usize> = (0..kpi.nrows())
        .filter(|geo| !treated.contains(geo))
        .collect();
    Balance {
        treated_mean_daily_kpi: treated_mean,
        control_mean_daily_kpi: control_mean,
        standardized_mean_difference,
        correlation: correlation(&group_series(treated), &group_series(&controls)),
        matched_control_mean_daily_kpi: partner_values.map(|partners| mean_variance(&partners).0),
        matched_standardized_mean_difference,
        balanced: matched_standardized_mean_difference
            .unwrap_or(standardized_mean_difference)
            .abs()
            <= BALANCE_THRESHOLD,
        threshold: BALANCE_THRESHOLD,
    }
}

/// Returns the assignment.csv rows of `candidate`: every geo in panel order.
pub fn rows(candidate: &Candidate, geos: &[String]) -> Vec<AssignmentRow> {
    (0..geos.len())
        .map(|geo| {
            let pair = candidate.pairs.as_ref().and_then(|pairs| {
                pairs
                    .iter()
                    .position(|(t, c)| *t == geo || *c == geo)
                    .map(|p| p + 1)
            });
            let stratum = candidate
                .strata
                .as_ref()
                .and_then(|strata| strata[geo])
                .map(|s| s + 1);
            AssignmentRow {
                geo: geos[geo].clone(),
                group: if candidate.treated.contains(&geo) {
                    "treatment".to_string()
                } else {
                    "control".to_string()
                },
                stratum,
                pair,
            }
        })
        .collect()
}

/// Returns assignment.csv as text: `geo,group,stratum,pair`, empty where not applicable.
pub fn to_csv(rows: &[AssignmentRow]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["geo", "group", "stratum", "pair"])?;
    for row in rows {
        writer.write_record([
            row.geo.clone(),
            row.group.clone(),
            row.stratum.map(|s| s.to_string()).unwrap_or_default(),
            row.pair.map(|p| p.to_string()).unwrap_or_default(),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|error| error.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn pair_distance(kpi: &Array2<f64>, history_days: usize, a: usize, b: usize) -> f64 {
    let row_a = kpi.row(a);
    let row_b = kpi.row(b);
    let mut squares = 0.0;
    let (mut sum_a, mut sum_b) = (0.0, 0.0);
    for day in 0..history_days {
        squares += (row_a[day] - row_b[day]).powi(2);
        sum_a += row_a[day];
        sum_b += row_b[day];
    }
    let scale = (sum_a + sum_b) / (2.0 * history_days as f64);
    if scale <= 0.0 {
        return f64::INFINITY;
    }
    (squares / history_days as f64).sqrt() / scale
}

/// Returns the difference of the means of `a` and `b` ÷ their pooled standard deviation
/// `√((s²_a + s²_b) ÷ 2)`; 0 when both are constant.
fn standardized_difference(a: &[f64], b: &[f64]) -> f64 {
    let (mean_a, variance_a) = mean_variance(a);
    let (mean_b, variance_b) = mean_variance(b);
    let pooled = ((variance_a + variance_b) / 2.0).sqrt();
    if pooled > 0.0 {
        (mean_a - mean_b) / pooled
    } else {
        0.0
    }
}

/// Returns the mean and the sample variance (0 for fewer than two values).
fn mean_variance(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, variance)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twelve geos in six look-alike couples: geo 2i and 2i + 1 differ by 1%.
    fn kpi() -> Array2<f64> {
        Array2::from_shape_fn((12, 30), |(geo, day)| {
            let level = 100.0 * (1 + geo / 2) as f64;
            let wiggle = ((day * (geo / 2 + 2)) % 5) as f64;
            (level + wiggle) * if geo % 2 == 0 { 1.0 } else { 1.01 }
        })
    }

    #[test]
    fn pairs_join_look_alikes() {
        let eligible: Vec<usize> = (0..12).collect();
        let (pairs, unpaired) = matched_pairs(&kpi(), 30, &eligible);
        assert_eq!(unpaired, None);
        assert_eq!(pairs.len(), 6);
        for (a, b) in pairs {
            assert_eq!(a / 2, b / 2, "{a} and {b}");
        }
    }

    #[test]
    fn pair_sets_treat_one_of_each() {
        let pool: Vec<usize> = (1..12).collect();
        let sets = matched_pair_sets(&kpi(), 30, &[0], &pool, 3, 5, 7);
        assert_eq!(sets.len(), 5);
        for set in &sets {
            let pairs = set.pairs.as_ref().expect("pairs");
            assert_eq!(pairs.len(), 3);
            assert!(set.treated.contains(&0));
            assert!(pairs.iter().any(|(t, c)| *t == 0 && *c == 1));
            for (t, c) in pairs {
                assert!(set.treated.contains(t));
                assert!(!set.treated.contains(c));
            }
        }
        // The fit is filled in later (NaN here), so the draws are compared without it.
        let draws = |sets: &[Candidate]| -> Vec<String> {
            sets.iter()
                .map(|set| format!("{:?} {:?}", set.treated, set.pairs))
                .collect()
        };
        // Partners differ by 1%, so the treated geos match their partners closely.
        let check = balance(&kpi(), &sets[0].treated, sets[0].pairs.as_deref(), 30);
        let matched = check.matched_standardized_mean_difference.expect("matched");
        assert!(matched.abs() < 0.05, "{check:?}");
        assert!(check.balanced, "{check:?}");

        let again = matched_pair_sets(&kpi(), 30, &[0], &pool, 3, 5, 7);
        assert_eq!(draws(&sets), draws(&again));
    }

    #[test]
    fn stratified_takes_one_per_stratum() {
        let pool: Vec<usize> = (0..12).collect();
        let sets = stratified_sets(&kpi(), 30, &[], &pool, 3, 10, 1);
        assert_eq!(sets.len(), 10);
        for set in &sets {
            let strata = set.strata.as_ref().expect("strata");
            let mut seen: Vec<usize> = set
                .treated
                .iter()
                .map(|g| strata[*g].expect("in"))
                .collect();
            seen.sort_unstable();
            assert_eq!(seen, vec![0, 1, 2]);
        }
    }

    #[test]
    fn stratified_sets_are_balanced_on_volume() {
        // One geo from each third of the volume range keeps the treated mean near the
        // control mean, unlike the three largest geos.
        let kpi = kpi();
        let pool: Vec<usize> = (0..12).collect();
        for set in stratified_sets(&kpi, 30, &[], &pool, 3, 10, 2) {
            let check = balance(&kpi, &set.treated, None, 30);
            assert!(check.standardized_mean_difference.abs() < 0.9, "{check:?}");
        }
        let largest = balance(&kpi, &[9, 10, 11], None, 30);
        assert!(largest.standardized_mean_difference > 1.5, "{largest:?}");
        assert!(!largest.balanced);
    }

    #[test]
    fn csv_leaves_unused_columns_empty() {
        let rows = vec![AssignmentRow {
            geo: "chicago".to_string(),
            group: "treatment".to_string(),
            stratum: None,
            pair: Some(2),
        }];
        assert_eq!(
            to_csv(&rows).expect("csv"),
            "geo,group,stratum,pair\nchicago,treatment,,2\n"
        );
    }
}
