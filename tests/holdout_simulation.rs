//! Simulation and property checks of the holdout analysis against known truth.
//!
//! Each check builds unit tables in memory from seeded draws, so the true lift is known, and
//! runs the same analysis as `liftlab analyze holdout`.

use liftlab::data::{InputFile, MetricData, MetricKind, UnitTable};
use liftlab::holdout::{HoldoutConfig, HoldoutInterval, analyze};
use liftlab::progress::NoProgress;
use liftlab::report::{Comparison, HoldoutParameters, HoldoutReport};
use liftlab::resample::{AtomTable, Scheme};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// Builds a two-arm unit table with one metric from per-unit rows (`[y]` or `[y, x]`).
fn table(kind: MetricKind, control: Vec<Vec<f64>>, treatment: Vec<Vec<f64>>) -> UnitTable {
    let columns = control.first().map_or(1, Vec::len);
    let units = vec![control.len() as u64, treatment.len() as u64];
    let arms = vec![
        AtomTable::from_rows(columns, control.into_iter()),
        AtomTable::from_rows(columns, treatment.into_iter()),
    ];
    UnitTable {
        file: InputFile {
            path: "simulated".to_string(),
            sha256: String::new(),
            rows: units.iter().sum::<u64>() as usize,
        },
        arms: vec!["control".to_string(), "treatment".to_string()],
        units,
        other_labels: Vec::new(),
        segments: Vec::new(),
        segment_units: Vec::new(),
        metrics: vec![MetricData {
            name: "y".to_string(),
            kind,
            arms,
            segments: Vec::new(),
        }],
        has_covariate: columns == 2,
    }
}

fn parameters() -> HoldoutParameters {
    HoldoutParameters {
        group_col: "group".to_string(),
        control: "control".to_string(),
        treatments: vec!["treatment".to_string()],
        metrics: vec!["y".to_string()],
        ratios: Vec::new(),
        covariate: None,
        segment_col: None,
        unit_id_col: None,
        delimiter: ",".to_string(),
        level: 0.95,
        resamples: 0,
        seed: 0,
        scheme: String::new(),
        interval: String::new(),
        expected_split: Vec::new(),
    }
}

fn config(level: f64, resamples: usize, seed: u64) -> HoldoutConfig {
    HoldoutConfig {
        title: None,
        level,
        resamples,
        seed,
        scheme: Scheme::Poisson,
        interval: HoldoutInterval::Percentile,
        expected_split: None,
    }
}

fn run(table: &UnitTable, config: &HoldoutConfig) -> HoldoutReport {
    analyze(table, &table.file, parameters(), config, &NoProgress).expect("analysis runs")
}

fn only(report: &HoldoutReport) -> &Comparison {
    assert_eq!(report.comparisons.len(), 1);
    &report.comparisons[0]
}

/// Returns the (lower, upper) ends of the interval of `comparison`'s absolute lift named
/// `method`.
fn ends(comparison: &Comparison, method: &str) -> (f64, f64) {
    let interval = comparison
        .absolute_lift
        .intervals
        .iter()
        .find(|interval| interval.method == method)
        .unwrap_or_else(|| panic!("no {method} interval"));
    (interval.lower, interval.upper)
}

fn bernoulli(rng: &mut ChaCha8Rng, n: usize, p: f64) -> Vec<Vec<f64>> {
    (0..n)
        .map(|_| vec![if rng.random::<f64>() < p { 1.0 } else { 0.0 }])
        .collect()
}

/// Zero-inflated lognormal revenue: a purchase with probability `p`, then exp(N(3, 1)).
fn revenue(rng: &mut ChaCha8Rng, n: usize, p: f64) -> Vec<Vec<f64>> {
    (0..n)
        .map(|_| {
            if rng.random::<f64>() < p {
                let z: f64 = StandardNormal.sample(rng);
                vec![(3.0 + z).exp()]
            } else {
                vec![0.0]
            }
        })
        .collect()
}

/// Replications of each coverage check. The binomial standard error of a 95% coverage share
/// is then 1.0 point, so the 93–97% band is two standard errors each side.
const REPLICATIONS: u64 = 500;

fn check_coverage(name: &str, draw: impl Fn(&mut ChaCha8Rng) -> (UnitTable, f64)) {
    let mut covered_percentile = 0;
    let mut covered_bca = 0;
    for seed in 0..REPLICATIONS {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (table, truth) = draw(&mut rng);
        let report = run(&table, &config(0.95, 2000, seed));
        let comparison = only(&report);
        let (lower, upper) = ends(comparison, "poisson_bootstrap_percentile");
        if lower <= truth && truth <= upper {
            covered_percentile += 1;
        }
        let (lower, upper) = ends(comparison, "poisson_bootstrap_bca");
        if lower <= truth && truth <= upper {
            covered_bca += 1;
        }
    }
    let share = |count: u64| count as f64 / REPLICATIONS as f64;
    eprintln!(
        "{name}: percentile {:.3}, BCa {:.3}",
        share(covered_percentile),
        share(covered_bca)
    );
    assert!(
        (0.93..=0.97).contains(&share(covered_percentile)),
        "{name}: percentile interval covered the truth in {covered_percentile} of {REPLICATIONS}"
    );
    assert!(
        (0.93..=0.97).contains(&share(covered_bca)),
        "{name}: BCa interval covered the truth in {covered_bca} of {REPLICATIONS}"
    );
}

#[test]
fn bernoulli_intervals_cover_true_lift() {
    check_coverage("bernoulli", |rng| {
        let (p_control, p_treatment) = (0.05, 0.06);
        let table = table(
            MetricKind::Proportion,
            bernoulli(rng, 4000, p_control),
            bernoulli(rng, 4000, p_treatment),
        );
        (table, p_treatment - p_control)
    });
}

#[test]
fn zero_inflated_revenue_intervals_cover_true_lift() {
    // Mean revenue per unit is p × exp(3 + ½) for a purchase probability p.
    check_coverage("zero-inflated lognormal", |rng| {
        let (p_control, p_treatment) = (0.02, 0.024);
        let mean_purchase = (3.5_f64).exp();
        let table = table(
            MetricKind::Mean,
            revenue(rng, 20_000, p_control),
            revenue(rng, 20_000, p_treatment),
        );
        (table, (p_treatment - p_control) * mean_purchase)
    });
}

#[test]
fn normal_interval_width_agrees_with_welch() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let normal = |rng: &mut ChaCha8Rng, n: usize, mean: f64, sd: f64| -> Vec<Vec<f64>> {
        (0..n)
            .map(|_| {
                let z: f64 = StandardNormal.sample(rng);
                vec![mean + sd * z]
            })
            .collect()
    };
    let control = normal(&mut rng, 50_000, 10.0, 3.0);
    let treatment = normal(&mut rng, 50_000, 10.1, 4.0);
    let report = run(
        &table(MetricKind::Mean, control, treatment),
        &config(0.95, 4000, 5),
    );
    let comparison = only(&report);
    let (lower, upper) = ends(comparison, "poisson_bootstrap_percentile");
    let (welch_lower, welch_upper) = ends(comparison, "welch_t");
    let ratio = (upper - lower) / (welch_upper - welch_lower);
    assert!(
        (0.95..=1.05).contains(&ratio),
        "bootstrap ÷ Welch width {ratio}"
    );
}

#[test]
fn bernoulli_interval_width_agrees_with_newcombe() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let control = bernoulli(&mut rng, 30_000, 0.05);
    let treatment = bernoulli(&mut rng, 30_000, 0.055);
    let report = run(
        &table(MetricKind::Proportion, control, treatment),
        &config(0.95, 4000, 6),
    );
    let comparison = only(&report);
    let (lower, upper) = ends(comparison, "poisson_bootstrap_percentile");
    let (newcombe_lower, newcombe_upper) = ends(comparison, "newcombe_score");
    let ratio = (upper - lower) / (newcombe_upper - newcombe_lower);
    assert!(
        (0.95..=1.05).contains(&ratio),
        "bootstrap ÷ Newcombe width {ratio}"
    );
}

#[test]
fn cuped_shrinks_variance_by_rho_squared() {
    // y = x + e with Var(x) = 1 and Var(e) = 1 gives ρ² = ½.
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let rows = |rng: &mut ChaCha8Rng, n: usize, shift: f64| -> Vec<Vec<f64>> {
        (0..n)
            .map(|_| {
                let x: f64 = StandardNormal.sample(rng);
                let e: f64 = StandardNormal.sample(rng);
                vec![10.0 + shift + x + e, x]
            })
            .collect()
    };
    let control = rows(&mut rng, 20_000, 0.0);
    let treatment = rows(&mut rng, 20_000, 0.05);
    let report = run(
        &table(MetricKind::Mean, control, treatment),
        &config(0.95, 4000, 7),
    );
    let cuped = only(&report).cuped.as_ref().expect("CUPED result");
    assert!(
        (cuped.expected_variance_reduction - 0.5).abs() < 0.02,
        "{cuped:?}"
    );
    // The variance of a bootstrap variance estimate from 4,000 resamples has a relative
    // standard error of about √(2 ÷ 4000) ≈ 2.2%, so ±0.05 is over three standard errors.
    assert!(
        (cuped.variance_reduction - cuped.expected_variance_reduction).abs() < 0.05,
        "achieved {} vs expected {}",
        cuped.variance_reduction,
        cuped.expected_variance_reduction
    );
    let adjusted = cuped.absolute_lift.interval.as_ref().expect("interval");
    let plain = only(&report)
        .absolute_lift
        .interval
        .as_ref()
        .expect("interval");
    let width_ratio = (adjusted.upper - adjusted.lower) / (plain.upper - plain.lower);
    assert!(
        (width_ratio - 0.5_f64.sqrt()).abs() < 0.05,
        "width ratio {width_ratio}"
    );
}

fn small_table(seed: u64, shift: f64) -> UnitTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let control = revenue(&mut rng, 3000, 0.1);
    let treatment = revenue(&mut rng, 3000, 0.12);
    let shifted = |rows: Vec<Vec<f64>>| rows.into_iter().map(|row| vec![row[0] + shift]).collect();
    table(MetricKind::Mean, shifted(control), shifted(treatment))
}

#[test]
fn swapping_arms_flips_the_sign() {
    let forward = small_table(21, 0.0);
    let mut backward = forward.clone();
    backward.metrics[0].arms.swap(0, 1);
    backward.units.swap(0, 1);
    let a = run(&forward, &config(0.95, 1000, 3));
    let b = run(&backward, &config(0.95, 1000, 3));
    let lift_a = only(&a).absolute_lift.point.expect("lift");
    let lift_b = only(&b).absolute_lift.point.expect("lift");
    assert!((lift_a + lift_b).abs() < 1e-9, "{lift_a} vs {lift_b}");
}

#[test]
fn higher_level_gives_wider_interval() {
    let data = small_table(22, 0.0);
    let mut previous_width = 0.0;
    for level in [0.8, 0.9, 0.95, 0.99] {
        let report = run(&data, &config(level, 2000, 4));
        let interval = only(&report)
            .absolute_lift
            .interval
            .clone()
            .expect("interval");
        let width = interval.upper - interval.lower;
        assert!(
            width > previous_width,
            "level {level}: width {width} <= {previous_width}"
        );
        previous_width = width;
    }
}

#[test]
fn constant_shift_keeps_absolute_lift() {
    let plain = run(&small_table(23, 0.0), &config(0.95, 1000, 5));
    let shifted = run(&small_table(23, 100.0), &config(0.95, 1000, 5));
    let a = only(&plain).absolute_lift.point.expect("lift");
    let b = only(&shifted).absolute_lift.point.expect("lift");
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

#[test]
fn report_identical_across_thread_counts() {
    let data = small_table(24, 0.0);
    let with_threads = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        pool.install(|| run(&data, &config(0.95, 2000, 9)))
    };
    let one = serde_json::to_string(&with_threads(1)).expect("JSON");
    let two = serde_json::to_string(&with_threads(2)).expect("JSON");
    assert!(one == two, "reports differ between 1 and 2 threads");
}

#[test]
fn degenerate_arms_are_flagged_not_nan() {
    // All zeros: the relative lift is undefined and the absolute lift has a zero-width
    // interval with a note.
    let zeros = table(
        MetricKind::Proportion,
        vec![vec![0.0]; 50],
        vec![vec![0.0]; 50],
    );
    let report = run(&zeros, &config(0.95, 200, 1));
    let comparison = only(&report);
    assert!(comparison.relative_lift.point.is_none());
    assert!(comparison.relative_lift.undefined_reason.is_some());
    assert_eq!(comparison.absolute_lift.point, Some(0.0));
    assert!(comparison.absolute_lift.interval_note.is_some());
    for interval in &comparison.absolute_lift.intervals {
        assert!(interval.lower.is_finite(), "{interval:?}");
        assert!(interval.upper.is_finite(), "{interval:?}");
    }

    // A single unit per arm.
    let single = table(MetricKind::Mean, vec![vec![3.0]], vec![vec![5.0]]);
    let report = run(&single, &config(0.95, 200, 1));
    let comparison = only(&report);
    assert_eq!(comparison.absolute_lift.point, Some(2.0));
    assert!(comparison.absolute_lift.interval_note.is_some());
}
