//! Benchmark of the example geo analysis: read the panel, fit the synthetic control, run the
//! placebo test over all 703 control pairs and 2,000 resamples of each bootstrap.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use liftlab::data::{PanelSpec, read_panel};
use liftlab::geo::{BootstrapScheme, Estimator, GeoConfig, IntervalMethod, analyze};
use liftlab::progress::NoProgress;

fn example_spec() -> PanelSpec {
    PanelSpec::new(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/experiments/geolift-walkthrough/GeoLift_Test.csv"
        ),
        "location",
        "date",
        "Y",
    )
}

fn example_config(estimator: Estimator) -> GeoConfig {
    let date = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
    GeoConfig {
        title: None,
        treated: vec!["chicago".to_string(), "portland".to_string()],
        test_start: date("2021-04-01"),
        test_end: date("2021-04-15"),
        pre_start: None,
        estimator,
        level: GeoConfig::DEFAULT_LEVEL,
        resamples: GeoConfig::DEFAULT_RESAMPLES,
        seed: 1,
        block_length_days: GeoConfig::DEFAULT_BLOCK_LENGTH_DAYS,
        bootstrap: BootstrapScheme::PlaceboPath,
        interval: IntervalMethod::Percentile,
        max_placebo_sets: GeoConfig::DEFAULT_MAX_PLACEBO_SETS,
    }
}

fn bench_example(c: &mut Criterion) {
    let spec = example_spec();
    let mut group = c.benchmark_group("geo_example");
    // Elements: panel rows × resamples, the work unit of the bootstrap.
    group.throughput(Throughput::Elements(
        4200 * GeoConfig::DEFAULT_RESAMPLES as u64,
    ));
    group.sample_size(20);
    group.bench_function("read_panel", |b| {
        b.iter(|| read_panel(black_box(&spec)).expect("panel"))
    });
    let panel = read_panel(&spec).expect("panel");
    for (name, estimator) in [
        ("synth_analysis", Estimator::Synth { intercept: true }),
        ("tbr_analysis", Estimator::Tbr),
        ("did_analysis", Estimator::Did),
    ] {
        let config = example_config(estimator);
        group.bench_function(name, |b| {
            b.iter(|| analyze(black_box(&panel), &spec, &config, &NoProgress).expect("analysis"))
        });
    }
    group.finish();
}

// Criterion's own plots are off: its plotters backend finds no system font when plotters is
// built with the embedded-font feature that liftlab's charts use.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench_example
}
criterion_main!(benches);
