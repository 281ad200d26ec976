//! Property tests of the holdout analysis on random unit tables.

use liftlab::data::{InputFile, MetricData, MetricKind, UnitTable};
use liftlab::holdout::{HoldoutConfig, HoldoutInterval, analyze};
use liftlab::progress::NoProgress;
use liftlab::report::{HoldoutParameters, HoldoutReport};
use liftlab::resample::{AtomTable, Scheme};
use proptest::prelude::*;

fn table(control: &[f64], treatment: &[f64]) -> UnitTable {
    let atoms = |values: &[f64]| AtomTable::from_rows(1, values.iter().map(|value| vec![*value]));
    UnitTable {
        file: InputFile {
            path: "random".to_string(),
            sha256: String::new(),
            rows: control.len() + treatment.len(),
        },
        arms: vec!["control".to_string(), "treatment".to_string()],
        units: vec![control.len() as u64, treatment.len() as u64],
        other_labels: Vec::new(),
        segments: Vec::new(),
        segment_units: Vec::new(),
        metrics: vec![MetricData {
            name: "y".to_string(),
            kind: MetricKind::Mean,
            arms: vec![atoms(control), atoms(treatment)],
            segments: Vec::new(),
        }],
        has_covariate: false,
    }
}

fn run(table: &UnitTable, level: f64) -> HoldoutReport {
    let parameters = HoldoutParameters {
        group_col: "group".to_string(),
        control: "control".to_string(),
        treatments: vec!["treatment".to_string()],
        metrics: vec!["y".to_string()],
        ratios: Vec::new(),
        covariate: None,
        segment_col: None,
        unit_id_col: None,
        delimiter: ",".to_string(),
        level,
        resamples: 0,
        seed: 0,
        scheme: String::new(),
        interval: String::new(),
        expected_split: Vec::new(),
    };
    let config = HoldoutConfig {
        title: None,
        level,
        resamples: 400,
        seed: 5,
        scheme: Scheme::Poisson,
        interval: HoldoutInterval::Percentile,
        expected_split: None,
    };
    analyze(table, &table.file, parameters, &config, &NoProgress).expect("analysis")
}

fn lift(report: &HoldoutReport) -> f64 {
    report.comparisons[0].absolute_lift.point.expect("lift")
}

/// Revenue-like values: mostly zeros, some amounts in cents.
fn values() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![3 => Just(0.0), 1 => (1u32..50_000).prop_map(|cents| f64::from(cents) / 100.0)],
        20..200,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn swapping_arms_flips_sign(control in values(), treatment in values()) {
        let forward = lift(&run(&table(&control, &treatment), 0.95));
        let backward = lift(&run(&table(&treatment, &control), 0.95));
        prop_assert!((forward + backward).abs() <= 1e-9 * (1.0 + forward.abs()));
    }

    #[test]
    fn constant_shift_keeps_lift(control in values(), treatment in values(), shift in -50.0..50.0f64) {
        let plain = lift(&run(&table(&control, &treatment), 0.95));
        let shifted_control: Vec<f64> = control.iter().map(|value| value + shift).collect();
        let shifted_treatment: Vec<f64> = treatment.iter().map(|value| value + shift).collect();
        let shifted = lift(&run(&table(&shifted_control, &shifted_treatment), 0.95));
        prop_assert!((plain - shifted).abs() <= 1e-9 * (1.0 + plain.abs() + shift.abs()));
    }

    #[test]
    fn higher_level_is_not_narrower(control in values(), treatment in values()) {
        let data = table(&control, &treatment);
        let narrow = run(&data, 0.8);
        let wide = run(&data, 0.95);
        let width = |report: &HoldoutReport| {
            let interval = report.comparisons[0].absolute_lift.interval.clone().expect("interval");
            interval.upper - interval.lower
        };
        prop_assert!(width(&wide) >= width(&narrow));
    }
}
