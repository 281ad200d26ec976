//! Simulation checks of the geo estimators against a known injected lift.
//!
//! Each replication takes the first 90 days of the example panel, before any treatment. It
//! picks two treated geos and a 60-day pre-period plus 15-day test window at random,
//! multiplies the treated geos' KPI in the test window by a known factor, and analyses the
//! result. The truth is the KPI that was added.

use chrono::Duration;
use liftlab::data::{Panel, PanelSpec, read_panel};
use liftlab::geo::{BootstrapScheme, Estimator, GeoConfig, IntervalMethod, analyze};
use liftlab::progress::NoProgress;
use liftlab::report::GeoReport;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const UNTREATED_DAYS: usize = 90;
const PRE_DAYS: usize = 60;
const TEST_DAYS: usize = 15;

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

/// Returns the report and the true incremental KPI of one replication.
fn replicate(base: &Panel, estimator: Estimator, lift: f64, seed: u64) -> (GeoReport, f64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let geos = base.geos.len();
    let first = rng.random_range(0..geos as u32) as usize;
    let mut second = rng.random_range(0..(geos - 1) as u32) as usize;
    if second >= first {
        second += 1;
    }
    let offset = rng.random_range(0..=(UNTREATED_DAYS - PRE_DAYS - TEST_DAYS) as u32) as usize;

    let mut panel = base.clone();
    let mut truth = 0.0;
    let test_start = offset + PRE_DAYS;
    for geo in [first, second] {
        for day in test_start..test_start + TEST_DAYS {
            let added = panel.kpi[[geo, day]] * lift;
            panel.kpi[[geo, day]] += added;
            truth += added;
        }
    }
    let config = GeoConfig {
        title: None,
        treated: vec![panel.geos[first].clone(), panel.geos[second].clone()],
        test_start: panel.dates[test_start],
        test_end: panel.dates[test_start] + Duration::days(TEST_DAYS as i64 - 1),
        pre_start: Some(panel.dates[offset]),
        estimator,
        level: 0.90,
        resamples: 400,
        seed,
        block_length_days: 7,
        bootstrap: BootstrapScheme::PlaceboPath,
        interval: IntervalMethod::Percentile,
        max_placebo_sets: 5000,
    };
    let report = analyze(&panel, &example_spec(), &config, &NoProgress).expect("analysis runs");
    (report, truth)
}

fn untreated_panel() -> Panel {
    let mut panel = read_panel(&example_spec()).expect("example panel");
    panel.dates.truncate(UNTREATED_DAYS);
    panel.kpi = panel
        .kpi
        .slice(ndarray::s![.., ..UNTREATED_DAYS])
        .to_owned();
    panel
}

/// Replications per check. With a true coverage of 90% the binomial standard error of the
/// observed share is 1.5 points, so the 85–95% band is more than three standard errors wide.
const REPLICATIONS: u64 = 400;

/// Injected lift, as a fraction of the treated geos' KPI in the test window.
const INJECTED_LIFT: f64 = 0.05;

fn check_coverage(estimator: Estimator) {
    let base = untreated_panel();
    let mut covered = 0usize;
    let mut rejected = 0usize;
    for seed in 0..REPLICATIONS {
        let (report, truth) = replicate(&base, estimator, INJECTED_LIFT, seed);
        let interval = report
            .estimates
            .incremental
            .interval
            .as_ref()
            .expect("primary interval");
        assert_eq!(interval.method, "placebo_path_bootstrap_percentile");
        if interval.lower <= truth && truth <= interval.upper {
            covered += 1;
        }

        let (null_report, null_truth) = replicate(&base, estimator, 0.0, seed + 100_000);
        assert_eq!(null_truth, 0.0);
        if null_report
            .inference
            .placebo
            .p_value
            .expect("placebo p-value")
            < 0.10
        {
            rejected += 1;
        }
    }
    let coverage = covered as f64 / REPLICATIONS as f64;
    let false_positive_rate = rejected as f64 / REPLICATIONS as f64;
    eprintln!(
        "{estimator:?}: coverage {coverage:.3}, placebo false-positive rate {false_positive_rate:.3}"
    );
    assert!(
        (0.85..=0.95).contains(&coverage),
        "{estimator:?}: 90% interval covered the injected lift in {covered} of {REPLICATIONS}"
    );
    assert!(
        false_positive_rate <= 0.15,
        "{estimator:?}: placebo test rejected at 0.10 in {rejected} of {REPLICATIONS} tests without lift"
    );
}

#[test]
fn synth_interval_covers_injected_lift() {
    check_coverage(Estimator::Synth { intercept: true });
}

#[test]
fn tbr_interval_covers_injected_lift() {
    check_coverage(Estimator::Tbr);
}

#[test]
fn did_interval_covers_injected_lift() {
    check_coverage(Estimator::Did);
}
