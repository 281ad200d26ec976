//! Simulation checks of the geo estimators against a known injected lift.
//!
//! Each replication takes the first 90 days of the example panel (before any treatment), picks
//! two treated geos and a 60-day pre-period plus 15-day test window at random, multiplies the
//! treated geos' KPI in the test window by a known factor, and analyses the result. The truth
//! is the KPI that was added.

use chrono::Duration;
use liftlab::data::{MissingPolicy, Panel, PanelSpec, read_panel};
use liftlab::geo::{BootstrapScheme, Estimator, GeoConfig, IntervalMethod, analyze};
use liftlab::progress::NoProgress;
use liftlab::report::GeoReport;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const UNTREATED_DAYS: usize = 90;
const PRE_DAYS: usize = 60;
const TEST_DAYS: usize = 15;

fn example_spec() -> PanelSpec {
    PanelSpec {
        path: concat!(env!("CARGO_MANIFEST_DIR"), "/experiments/geolift-walkthrough/GeoLift_Test.csv").into(),
        geo_col: "location".to_string(),
        date_col: "date".to_string(),
        kpi_col: "Y".to_string(),
        spend_col: None,
        date_format: "%Y-%m-%d".to_string(),
        missing: MissingPolicy::Error,
    }
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
    panel.kpi = panel.kpi.slice(ndarray::s![.., ..UNTREATED_DAYS]).to_owned();
    panel
}

#[test]
fn coverage_report() {
    let base = untreated_panel();
    for estimator in [Estimator::Synth { intercept: true }, Estimator::Tbr, Estimator::Did] {
        let mut covered = [0usize; 5];
        let mut rejected = 0usize;
        let replications = 200;
        for seed in 0..replications {
            let (report, truth) = replicate(&base, estimator, 0.05, seed);
            for (i, interval) in report.estimates.incremental.intervals.iter().enumerate() {
                if interval.lower <= truth && truth <= interval.upper {
                    covered[i] += 1;
                }
            }
            let (null_report, _) = replicate(&base, estimator, 0.0, seed + 10_000);
            if null_report.inference.placebo.p_value < 0.10 {
                rejected += 1;
            }
        }
        eprintln!("{estimator:?}: covered {covered:?} of {replications}, placebo rejections {rejected}");
    }
}

#[test]
fn error_scale_probe() {
    let base = untreated_panel();
    let estimator = Estimator::Synth { intercept: true };
    let mut ratios = Vec::new();
    for seed in 0..200 {
        let (report, truth) = replicate(&base, estimator, 0.0, seed);
        let est = report.estimates.incremental.point.unwrap();
        let iv = &report.estimates.incremental.intervals[1];
        let half = (iv.upper - iv.lower) / 2.0 / 1.645;
        let pre_rmse = report.diagnostics.pre_rmse;
        ratios.push(((est - truth) / half, report.data.treated_geos.clone(), pre_rmse, est));
    }
    let z: Vec<f64> = ratios.iter().map(|r| r.0).collect();
    let var = z.iter().map(|v| v * v).sum::<f64>() / z.len() as f64;
    eprintln!("mean z {:.3} var z {:.3}", z.iter().sum::<f64>() / z.len() as f64, var);
    let mut sorted = ratios.clone();
    sorted.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    for r in sorted.iter().take(12) { eprintln!("{:.2} {:?} pre_rmse {:.0} est {:.0}", r.0, r.1, r.2, r.3); }
}

#[test]
fn placebo_interval_probe() {
    let base = untreated_panel();
    for estimator in [Estimator::Synth { intercept: true }, Estimator::Tbr, Estimator::Did] {
    let mut covered = 0;
    let mut widths = 0.0;
    for seed in 1000..1600 {
        let (report, truth) = replicate(&base, estimator, 0.05, seed);
        let m = report.data.test_days as f64;
        let k = report.data.treated_geos.len() as f64;
        let mut z: Vec<f64> = report.inference.placebo.runs.iter().map(|r| r.relative_lift).collect();
        let _ = m;
        z.sort_by(f64::total_cmp);
        let q = |p: f64| z[((z.len() - 1) as f64 * p).round() as usize];
        let rmse: f64 = report.series.iter().filter(|d| d.period == "test").map(|d| d.counterfactual).sum(); // counterfactual total
        let est = report.estimates.incremental.point.unwrap();
        let lo = est - rmse * q(0.95);
        let hi = est - rmse * q(0.05);
        let _ = k;
        widths += (hi - lo) / (report.estimates.incremental.intervals[1].upper - report.estimates.incremental.intervals[1].lower);
        if lo <= truth && truth <= hi { covered += 1; }
    }
    eprintln!("{estimator:?} placebo-calibrated covered {covered}/200, width ratio vs bootstrap {:.2}", widths / 200.0);
    }
}

#[test]
fn coverage_probe_many() {
    let base = untreated_panel();
    let estimator = Estimator::Synth { intercept: true };
    let mut covered = [0usize; 5];
    let n = 600;
    for seed in 1000..1000 + n {
        let (report, truth) = replicate(&base, estimator, 0.05, seed);
        for (i, interval) in report.estimates.incremental.intervals.iter().enumerate() {
            if interval.lower <= truth && truth <= interval.upper {
                covered[i] += 1;
            }
        }
    }
    eprintln!("many: {covered:?} of {n}");
}
