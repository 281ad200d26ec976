//! Statistical properties of the simulated holdout power: α at zero effect, power that does
//! not fall as the effect grows, agreement with the analytic power where the normal
//! approximation holds, and results that do not depend on the thread count.

use assert_cmd::Command;
use liftlab::data::InputFile;
use liftlab::design::holdout::History;
use liftlab::design::holdout::analytic::{Alternative, AnalyticSetup, NullVariance, Outcome};
use liftlab::design::holdout::simulation::{SimulatedEffect, SimulationSpec, simulated_power};
use liftlab::progress::NoProgress;
use liftlab::resample::{AtomTable, Scheme};

/// Builds a skewed revenue-like history: most units 0, a few small amounts and a long tail.
fn skewed_history(units: u64) -> History {
    let values: Vec<f64> = (0..units)
        .map(|unit| match unit % 20 {
            0 => 5.0,
            1 => 12.0,
            2 => 40.0,
            3 if unit % 60 == 3 => 250.0,
            _ => 0.0,
        })
        .collect();
    history_of(&values)
}

fn history_of(values: &[f64]) -> History {
    let units = values.len() as u64;
    let mean = values.iter().sum::<f64>() / units as f64;
    let squares: f64 = values.iter().map(|value| (value - mean).powi(2)).sum();
    History {
        file: InputFile {
            path: "generated".to_string(),
            sha256: String::new(),
            rows: values.len(),
        },
        metric: "revenue".to_string(),
        atoms: AtomTable::from_rows(1, values.iter().map(|value| vec![*value])),
        units,
        mean,
        sd: (squares / (units as f64 - 1.0)).sqrt(),
        binary: values.iter().all(|value| *value == 0.0 || *value == 1.0),
    }
}

fn spec(replications: usize, seed: u64) -> SimulationSpec {
    SimulationSpec {
        replications,
        resamples: 400,
        seed,
        alpha: 0.05,
        alternative: Alternative::TwoSided,
        treated_share: 0.5,
        scheme: Scheme::Poisson,
    }
}

#[test]
fn zero_effect_rejects_at_alpha() {
    // 2,000 replications give a Monte-Carlo standard error of √(0.05 · 0.95 / 2000) ≈ 0.0049.
    // The bound is four of them, which also leaves room for the small coverage error of the
    // percentile interval on skewed data (this seed gives 0.0595).
    let history = skewed_history(6_000);
    let result = simulated_power(
        &history,
        &spec(2_000, 11),
        SimulatedEffect::Relative(0.0),
        &NoProgress,
    )
    .expect("valid simulation");
    let error = (0.05_f64 * 0.95 / 2_000.0).sqrt();
    assert!(
        (result.power - 0.05).abs() <= 4.0 * error,
        "rejection rate {} at zero effect, expected 0.05 ± {}",
        result.power,
        4.0 * error
    );
    assert_eq!(result.undefined, 0);
}

#[test]
fn power_grows_with_effect() {
    let history = skewed_history(4_000);
    let mut previous: Option<(f64, f64)> = None;
    for effect in [0.0, 0.1, 0.2, 0.3, 0.45] {
        let result = simulated_power(
            &history,
            &spec(300, 5),
            SimulatedEffect::Relative(effect),
            &NoProgress,
        )
        .expect("valid simulation");
        if let Some((power, error)) = previous {
            let allowed = 2.0 * (error * error + result.standard_error.powi(2)).sqrt();
            assert!(
                result.power >= power - allowed,
                "power {} at effect {effect} fell below {power} at the smaller effect",
                result.power
            );
        }
        previous = Some((result.power, result.standard_error));
    }
    let (last_power, _) = previous.expect("evaluated");
    assert!(last_power > 0.5, "power at +45% is only {last_power}");
}

#[test]
fn simulated_power_matches_analytic_for_rates() {
    // A conversion history of 8,000 users at a 30% rate: the normal approximation is good
    // here, so the simulated and analytic powers agree within Monte-Carlo error.
    let values: Vec<f64> = (0..8_000).map(|unit| f64::from(unit % 10 < 3)).collect();
    let history = history_of(&values);
    let result = simulated_power(
        &history,
        &spec(600, 3),
        SimulatedEffect::Absolute(0.025),
        &NoProgress,
    )
    .expect("valid simulation");
    let analytic = AnalyticSetup {
        outcome: Outcome::Proportion { baseline_rate: 0.3 },
        treated_share: 0.5,
        alpha: 0.05,
        alternative: Alternative::TwoSided,
        null_variance: NullVariance::Unpooled,
    }
    .power(0.025, 8_000.0);
    assert!(
        (result.power - analytic).abs() <= 3.5 * result.standard_error,
        "simulated {} ± {}, analytic {analytic}",
        result.power,
        result.standard_error
    );
}

#[test]
fn one_sided_zero_effect_rejects_at_alpha() {
    let history = skewed_history(6_000);
    let mut larger = spec(2_000, 17);
    larger.alternative = Alternative::Larger;
    let result = simulated_power(
        &history,
        &larger,
        SimulatedEffect::Absolute(0.0),
        &NoProgress,
    )
    .expect("valid simulation");
    let error = (0.05_f64 * 0.95 / 2_000.0).sqrt();
    assert!(
        (result.power - 0.05).abs() <= 4.0 * error,
        "one-sided rejection rate {} at zero effect",
        result.power
    );
}

#[test]
fn design_json_same_across_thread_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let history = dir.path().join("history.csv");
    let mut csv = String::from("user,revenue\n");
    for unit in 0..3_000 {
        let value = match unit % 20 {
            0 => 5.5,
            1 => 12.25,
            2 => 40.0 + f64::from(unit % 7),
            _ => 0.0,
        };
        csv.push_str(&format!("u{unit},{value}\n"));
    }
    std::fs::write(&history, csv).expect("write history");

    let run = |threads: &str| -> Vec<u8> {
        let out = dir.path().join(format!("out-{threads}"));
        Command::cargo_bin("liftlab")
            .expect("binary")
            .args([
                "--quiet",
                "--threads",
                threads,
                "design",
                "holdout",
                "--history",
            ])
            .arg(&history)
            .args([
                "--metric",
                "revenue",
                "--mde",
                "0.2",
                "--relative",
                "--replications",
                "60",
                "--resamples",
                "200",
                "--simulate-mde",
                "--seed",
                "7",
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("design.json")).expect("design.json")
    };
    let one = run("1");
    let two = run("2");
    assert!(one == two, "design.json differs between 1 and 2 threads");

    let json: serde_json::Value = serde_json::from_slice(&one).expect("valid JSON");
    let simulation = &json["simulation"];
    assert_eq!(simulation["units"], 3_000);
    assert_eq!(simulation["treated_units"], 1_500);
    assert_eq!(simulation["injection"], "multiply");
    assert_eq!(simulation["power"]["effect"], 0.2);
    let evaluations = simulation["mde"]["evaluations"]
        .as_array()
        .expect("MDE evaluations");
    assert!(evaluations.len() >= 9, "{} evaluations", evaluations.len());
}
