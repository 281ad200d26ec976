//! The bootstrap draws kept in report.json reproduce the report's percentile intervals.

use std::path::Path;

use assert_cmd::Command;
use liftlab::report::{GeoReport, HoldoutReport};
use liftlab::resample::percentile;

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

fn assert_close(found: f64, expected: f64, quantity: &str) {
    assert!(
        (found - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{quantity}: {found} vs {expected}"
    );
}

#[test]
fn geo_draws_reproduce_percentile_interval() {
    let dir = tempfile::tempdir().expect("temp dir");
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--quiet", "run"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/geolift-walkthrough"))
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("report.json")).expect("report");
    let report: GeoReport = serde_json::from_str(&text).expect("geo report");
    assert_eq!(report.schema_version, "1.1.0");
    let draws = report.draws.expect("draws");
    assert_eq!(draws.scheme, report.inference.bootstrap.scheme);
    assert_eq!(
        draws.incremental.len(),
        report.parameters.resamples - report.inference.bootstrap.non_finite_resamples
    );

    let method = format!("{}_bootstrap_percentile", draws.scheme);
    let interval = report
        .estimates
        .incremental
        .intervals
        .iter()
        .find(|interval| interval.method == method)
        .expect("percentile interval of the primary scheme");
    let (lower, upper) =
        percentile(&sorted(&draws.incremental), report.parameters.level).expect("interval");
    assert_close(lower, interval.lower, "lower");
    assert_close(upper, interval.upper, "upper");

    // Relative lift of each draw from the stored observed total.
    let relative: Vec<f64> = draws
        .incremental
        .iter()
        .map(|draw| draw / (draws.observed_test_total - draw))
        .collect();
    let relative_interval = report
        .estimates
        .relative_lift
        .intervals
        .iter()
        .find(|interval| interval.method == method)
        .expect("relative percentile interval");
    let (lower, upper) = percentile(&sorted(&relative), report.parameters.level).expect("interval");
    assert_close(lower, relative_interval.lower, "relative lower");
    assert_close(upper, relative_interval.upper, "relative upper");
}

#[test]
fn holdout_draws_reproduce_percentile_interval() {
    let dir = tempfile::tempdir().expect("temp dir");
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--quiet", "analyze", "holdout", "--data"])
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/hillstrom-email/hillstrom.csv"),
        )
        .args([
            "--group-col",
            "segment",
            "--control",
            "No E-Mail",
            "--treatment",
            "Womens E-Mail",
            "--metric",
            "conversion,spend",
            "--resamples",
            "500",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("report.json")).expect("report");
    let report: HoldoutReport = serde_json::from_str(&text).expect("holdout report");
    assert_eq!(report.schema_version, "1.1.0");
    for comparison in &report.comparisons {
        let draws = &comparison.absolute_lift_draws;
        assert_eq!(draws.len(), 500 - comparison.bootstrap.non_finite_resamples);
        let interval = comparison
            .absolute_lift
            .intervals
            .iter()
            .find(|interval| interval.method == "poisson_bootstrap_percentile")
            .expect("percentile interval");
        let (lower, upper) = percentile(&sorted(draws), report.parameters.level).expect("interval");
        assert_eq!(lower, interval.lower, "{}", comparison.metric);
        assert_eq!(upper, interval.upper, "{}", comparison.metric);
    }
}
