//! Benchmark of the analytic power grid that benches/peers/power_statsmodels.py runs in
//! statsmodels: 1,000 effect sizes in each of two families, the power of each at a fixed
//! 100,000 users per group, and the users per group that reach 80% power, solved per point.
//!
//! - Two proportions: baseline 0.05, relative lifts 0.005 … 0.30, as Cohen's h with the
//!   normal test (statsmodels' `NormalIndPower`), and as liftlab's own unpooled design of two
//!   rates (`AnalyticSetup`), which works on the rates themselves.
//! - Two means: standardised differences 0.002 … 0.10, with the noncentral t test
//!   (statsmodels' `TTestIndPower`) and with liftlab's normal approximation.
//!
//! α = 0.05 two-sided, equal groups. Throughput elements are grid points.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use liftlab::design::holdout::analytic::{
    Alternative, AnalyticSetup, NullVariance, Outcome, cohens_h, normal_ind_power,
    normal_ind_solve_nobs1,
};
use liftlab::design::holdout::noncentral_t::{ttest_ind_power, ttest_ind_solve_nobs1};

const GRID: usize = 1_000;
const NOBS1: f64 = 100_000.0;
const ALPHA: f64 = 0.05;
const POWER: f64 = 0.8;
const BASELINE: f64 = 0.05;

/// `numpy.linspace(start, end, GRID)`.
fn linspace(start: f64, end: f64) -> Vec<f64> {
    (0..GRID)
        .map(|index| start + (end - start) * index as f64 / (GRID - 1) as f64)
        .collect()
}

fn rates_setup() -> AnalyticSetup {
    AnalyticSetup {
        outcome: Outcome::Proportion {
            baseline_rate: BASELINE,
        },
        treated_share: 0.5,
        alpha: ALPHA,
        alternative: Alternative::TwoSided,
        null_variance: NullVariance::Unpooled,
    }
}

fn proportion_grid(lifts: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let h: Vec<f64> = lifts
        .iter()
        .map(|lift| cohens_h(BASELINE * (1.0 + lift), BASELINE))
        .collect();
    let power = h
        .iter()
        .map(|h| normal_ind_power(*h, NOBS1, 1.0, ALPHA, Alternative::TwoSided))
        .collect();
    let nobs1 = h
        .iter()
        .map(|h| {
            normal_ind_solve_nobs1(*h, POWER, 1.0, ALPHA, Alternative::TwoSided).unwrap_or(f64::NAN)
        })
        .collect();
    (power, nobs1)
}

fn mean_grid_t(d: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let power = d
        .iter()
        .map(|d| ttest_ind_power(*d, NOBS1, 1.0, ALPHA, Alternative::TwoSided))
        .collect();
    let nobs1 = d
        .iter()
        .map(|d| {
            ttest_ind_solve_nobs1(*d, POWER, 1.0, ALPHA, Alternative::TwoSided).unwrap_or(f64::NAN)
        })
        .collect();
    (power, nobs1)
}

fn bench_grid(c: &mut Criterion) {
    let lifts = linspace(0.005, 0.30);
    let d = linspace(0.002, 0.10);

    // The grid ends agree with what the statsmodels script prints (statsmodels 0.15.0):
    // n = 11958501.96 at the smallest lift and 1570.733 at d = 0.1.
    let (_, nobs1) = proportion_grid(&lifts);
    assert!(
        (nobs1[0] / 11_958_501.957_738_77 - 1.0).abs() < 1e-6,
        "{}",
        nobs1[0]
    );
    let (_, nobs1) = mean_grid_t(&d);
    assert!(
        (nobs1[GRID - 1] / 1_570.733_043_052 - 1.0).abs() < 1e-5,
        "{}",
        nobs1[GRID - 1]
    );

    let mut group = c.benchmark_group("design_power");
    group.throughput(Throughput::Elements(GRID as u64));
    group.bench_function("prop_power_grid_cohens_h", |b| {
        b.iter(|| {
            let power: Vec<f64> = lifts
                .iter()
                .map(|lift| {
                    let h = cohens_h(BASELINE * (1.0 + lift), BASELINE);
                    normal_ind_power(h, NOBS1, 1.0, ALPHA, Alternative::TwoSided)
                })
                .collect();
            black_box(power)
        })
    });
    group.bench_function("prop_solve_n_cohens_h", |b| {
        b.iter(|| {
            let nobs1: Vec<Option<f64>> = lifts
                .iter()
                .map(|lift| {
                    let h = cohens_h(BASELINE * (1.0 + lift), BASELINE);
                    normal_ind_solve_nobs1(h, POWER, 1.0, ALPHA, Alternative::TwoSided)
                })
                .collect();
            black_box(nobs1)
        })
    });
    group.bench_function("mean_power_grid_t", |b| {
        b.iter(|| {
            let power: Vec<f64> = d
                .iter()
                .map(|d| ttest_ind_power(*d, NOBS1, 1.0, ALPHA, Alternative::TwoSided))
                .collect();
            black_box(power)
        })
    });
    group.bench_function("mean_solve_n_t", |b| {
        b.iter(|| {
            let nobs1: Vec<Option<f64>> = d
                .iter()
                .map(|d| ttest_ind_solve_nobs1(*d, POWER, 1.0, ALPHA, Alternative::TwoSided))
                .collect();
            black_box(nobs1)
        })
    });

    // liftlab's own families: unpooled rates and the normal approximation for means.
    let rates = rates_setup();
    group.bench_function("prop_power_grid_rates", |b| {
        b.iter(|| {
            let power: Vec<f64> = lifts
                .iter()
                .map(|lift| rates.power(BASELINE * lift, 2.0 * NOBS1))
                .collect();
            black_box(power)
        })
    });
    group.bench_function("prop_solve_n_rates", |b| {
        b.iter(|| {
            let users: Vec<Option<f64>> = lifts
                .iter()
                .map(|lift| rates.users_for_power(BASELINE * lift, POWER).ok())
                .collect();
            black_box(users)
        })
    });
    group.bench_function("mean_solve_n_normal", |b| {
        b.iter(|| {
            let nobs1: Vec<Option<f64>> = d
                .iter()
                .map(|d| normal_ind_solve_nobs1(*d, POWER, 1.0, ALPHA, Alternative::TwoSided))
                .collect();
            black_box(nobs1)
        })
    });
    group.finish();

    // The whole statsmodels script's work in one run: both families, both tasks.
    let mut whole = c.benchmark_group("design_power_whole_grid");
    whole.throughput(Throughput::Elements(2 * GRID as u64));
    whole.bench_function("statsmodels_families", |b| {
        b.iter(|| black_box((proportion_grid(&lifts), mean_grid_t(&d))))
    });
    whole.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench_grid
}
criterion_main!(benches);
