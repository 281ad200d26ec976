//! Benchmarks of the geo design on the example history (40 geos, 90 days): the power
//! simulation of one candidate set, and a whole small design.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use liftlab::data::{PanelSpec, read_panel};
use liftlab::design::geo::assignment::AssignmentMethod;
use liftlab::design::geo::power::minimum_detectable_effect;
use liftlab::design::geo::simulation::{InferenceSettings, simulate_set};
use liftlab::design::geo::{GeoDesignConfig, design};
use liftlab::geo::{Estimator, GeoConfig};
use liftlab::progress::NoProgress;

fn example_spec() -> PanelSpec {
    PanelSpec::new(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/experiments/geolift-walkthrough/GeoLift_PreTest.csv"
        ),
        "location",
        "date",
        "Y",
    )
}

fn settings() -> InferenceSettings {
    InferenceSettings {
        estimator: Estimator::Synth { intercept: true },
        level: GeoConfig::DEFAULT_LEVEL,
        resamples: GeoConfig::DEFAULT_RESAMPLES,
        placebo_sets: GeoDesignConfig::DEFAULT_PLACEBO_SETS,
        seed: 1,
    }
}

/// Benchmarks one candidate of five geos with durations 10 and 15 over the example design's
/// selection history (75 days): 45 + 40 windows, then the MDE of each duration.
fn bench_candidate(c: &mut Criterion) {
    let spec = example_spec();
    let panel = read_panel(&spec).expect("example panel");
    let treated: Vec<usize> = ["baltimore", "chicago", "cleveland", "detroit", "milwaukee"]
        .iter()
        .map(|geo| panel.geo_index(geo).expect("geo"))
        .collect();
    let windows = vec![(10, (21..=65).collect()), (15, (21..=60).collect())];
    let settings = settings();
    let mut group = c.benchmark_group("design_geo");
    group.sample_size(10);
    group.throughput(Throughput::Elements(85));
    group.bench_function("candidate_85_windows", |b| {
        b.iter(|| {
            let outcomes =
                simulate_set(&panel.kpi, black_box(&treated), &windows, &settings).expect("sim");
            for duration in &outcomes {
                black_box(minimum_detectable_effect(
                    &duration.outcomes,
                    0.8,
                    0.25,
                    0.9,
                ));
            }
        })
    });
    group.finish();
}

/// Benchmarks a whole design: treated counts 2 and 3 with chicago included, 10-day tests, 5 candidates
/// per count.
fn bench_small_design(c: &mut Criterion) {
    let spec = example_spec();
    let panel = read_panel(&spec).expect("example panel");
    let config = GeoDesignConfig {
        treated_counts: vec![2, 3],
        durations_days: vec![10],
        include: vec!["chicago".to_string()],
        exclude: vec!["honolulu".to_string()],
        cpic: None,
        budget_cap: None,
        treated_share: None,
        power: GeoDesignConfig::DEFAULT_POWER,
        inference: settings(),
        max_effect: GeoDesignConfig::DEFAULT_MAX_EFFECT,
        candidates_per_count: 5,
        screened_per_count: GeoDesignConfig::DEFAULT_SCREENED,
        held_out_days: None,
        assignment: AssignmentMethod::Search,
        top: GeoDesignConfig::DEFAULT_TOP,
    };
    let mut group = c.benchmark_group("design_geo");
    group.sample_size(10);
    group.bench_function("design_2_counts_5_candidates", |b| {
        b.iter(|| black_box(design(&panel, &spec, &config, &NoProgress).expect("design")))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench_candidate, bench_small_design
}
criterion_main!(benches);
