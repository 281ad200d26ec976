//! The example analysis against reference values from another implementation.
//!
//! References:
//! - tests/reference/synth_weights_scipy.py fits the same demeaned synthetic control with
//!   `scipy.optimize.minimize(method="SLSQP", ftol=1e-15)` (scipy 1.17.1, numpy 2.4.6).
//! - tests/reference/tbr_statsmodels.py fits the time-based regression with
//!   `statsmodels.api.OLS` (statsmodels 0.15.0) and builds the interval of the cumulative
//!   effect from `results.cov_params()`.

use liftlab::data::{PanelSpec, read_panel};
use liftlab::geo::{BootstrapScheme, Estimator, GeoConfig, IntervalMethod, analyze};
use liftlab::progress::NoProgress;

/// Donor weights above 1e-4 printed by the scipy script.
const SCIPY_WEIGHTS: [(&str, f64); 13] = [
    ("austin", 0.046525),
    ("baton rouge", 0.133537),
    ("cincinnati", 0.227178),
    ("dallas", 0.073923),
    ("honolulu", 0.067260),
    ("houston", 0.004571),
    ("miami", 0.202770),
    ("minneapolis", 0.089980),
    ("nashville", 0.068532),
    ("new york", 0.004638),
    ("reno", 0.030627),
    ("san antonio", 0.005386),
    ("san diego", 0.045073),
];
const SCIPY_INTERCEPT: f64 = -84.756429;
const SCIPY_INCREMENTAL: f64 = 4666.671;
const SCIPY_RELATIVE_LIFT: f64 = 0.054232;

/// Values printed by the statsmodels script, for the treated total.
const STATSMODELS_TBR_INCREMENTAL: f64 = 5345.0480;
const STATSMODELS_TBR_LOWER: f64 = 2560.0441;
const STATSMODELS_TBR_UPPER: f64 = 8130.0519;

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
        level: 0.90,
        resamples: 200,
        seed: 1,
        block_length_days: 7,
        bootstrap: BootstrapScheme::PlaceboPath,
        interval: IntervalMethod::Percentile,
        max_placebo_sets: 5000,
    }
}

#[test]
fn synth_matches_scipy_on_example() {
    let spec = example_spec();
    let panel = read_panel(&spec).expect("example panel");
    let config = example_config(Estimator::Synth { intercept: true });
    let report = analyze(&panel, &spec, &config, &NoProgress).expect("analysis");

    for (geo, expected) in SCIPY_WEIGHTS {
        let found = report
            .diagnostics
            .donor_weights
            .iter()
            .find(|donor| donor.geo == geo)
            .expect("donor listed")
            .weight;
        assert!(
            (found - expected).abs() < 2e-6,
            "{geo}: {found} vs scipy {expected}"
        );
    }
    let other_weight: f64 = report
        .diagnostics
        .donor_weights
        .iter()
        .filter(|donor| !SCIPY_WEIGHTS.iter().any(|(geo, _)| *geo == donor.geo))
        .map(|donor| donor.weight)
        .sum();
    assert!(
        other_weight < 1e-4,
        "weight outside scipy's support: {other_weight}"
    );
    assert!((report.diagnostics.intercept - SCIPY_INTERCEPT).abs() < 1e-3);

    let incremental = report.estimates.incremental.point.expect("incremental");
    assert!(
        (incremental - SCIPY_INCREMENTAL).abs() < 0.01,
        "{incremental}"
    );
    let relative = report.estimates.relative_lift.point.expect("relative lift");
    assert!((relative - SCIPY_RELATIVE_LIFT).abs() < 1e-6, "{relative}");
    let att = report.estimates.att.point.expect("att");
    assert!((att - SCIPY_INCREMENTAL / 2.0 / 15.0).abs() < 1e-3, "{att}");
    assert_eq!(report.inference.placebo.sets_possible, 703);
}

#[test]
fn tbr_matches_statsmodels_on_example() {
    let spec = example_spec();
    let panel = read_panel(&spec).expect("example panel");
    let report =
        analyze(&panel, &spec, &example_config(Estimator::Tbr), &NoProgress).expect("analysis");
    let incremental = &report.estimates.incremental;
    let point = incremental.point.expect("incremental");
    assert!(
        (point - STATSMODELS_TBR_INCREMENTAL).abs() < 1e-3,
        "{point}"
    );
    let analytic = incremental
        .intervals
        .iter()
        .find(|interval| interval.method == "tbr_analytic_t")
        .expect("analytic interval");
    assert!(
        (analytic.lower - STATSMODELS_TBR_LOWER).abs() < 1e-3,
        "{analytic:?}"
    );
    assert!(
        (analytic.upper - STATSMODELS_TBR_UPPER).abs() < 1e-3,
        "{analytic:?}"
    );
    assert_eq!(analytic.level, 0.90);
}
