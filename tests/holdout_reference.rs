//! The Hillstrom example against reference values from statsmodels.
//!
//! Reference: tests/reference/hillstrom_statsmodels.py (statsmodels 0.15.0, pandas 3.1.1),
//! which prints the arm means, the Welch 95% interval of the spend difference and the
//! Newcombe 95% interval of the visit difference for the women's e-mail against no e-mail.

use liftlab::data::{UnitSpec, read_units};
use liftlab::holdout::{HoldoutConfig, HoldoutInterval, analyze};
use liftlab::progress::NoProgress;
use liftlab::report::{Comparison, HoldoutParameters};
use liftlab::resample::Scheme;

const VISIT_MEANS: (f64, f64) = (0.106167276823, 0.151400383410);
const SPEND_MEANS: (f64, f64) = (0.652789355111, 1.077201571048);
const WELCH_SPEND: (f64, f64) = (0.168956789884, 0.679867641989);
const NEWCOMBE_VISIT: (f64, f64) = (0.038894095360, 0.051574342962);

fn interval(comparison: &Comparison, method: &str) -> (f64, f64) {
    let interval = comparison
        .absolute_lift
        .intervals
        .iter()
        .find(|interval| interval.method == method)
        .unwrap_or_else(|| panic!("no {method} interval"));
    (interval.lower, interval.upper)
}

fn close(found: (f64, f64), expected: (f64, f64), tolerance: f64) -> bool {
    (found.0 - expected.0).abs() < tolerance && (found.1 - expected.1).abs() < tolerance
}

#[test]
fn hillstrom_matches_statsmodels() {
    let spec = UnitSpec {
        path: concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/experiments/hillstrom-email/hillstrom.csv"
        )
        .into(),
        group_col: "segment".to_string(),
        control: "No E-Mail".to_string(),
        treatments: vec!["Womens E-Mail".to_string()],
        metrics: vec!["visit".to_string(), "spend".to_string()],
        ratios: Vec::new(),
        covariate: None,
        segment_col: None,
        unit_id_col: None,
        delimiter: b',',
    };
    let table = read_units(&spec).expect("example data");
    assert_eq!(table.units, vec![21_306, 21_387]);
    assert_eq!(
        table.other_labels,
        vec![("Mens E-Mail".to_string(), 21_307)]
    );

    let parameters = HoldoutParameters {
        group_col: spec.group_col.clone(),
        control: spec.control.clone(),
        treatments: spec.treatments.clone(),
        metrics: spec.metrics.clone(),
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
    };
    let config = HoldoutConfig {
        title: None,
        level: 0.95,
        resamples: 2000,
        seed: 1,
        scheme: Scheme::Poisson,
        interval: HoldoutInterval::Percentile,
        expected_split: None,
    };
    let report = analyze(&table, &table.file, parameters, &config, &NoProgress).expect("analysis");

    let visit = &report.comparisons[0];
    assert_eq!(visit.kind, "proportion");
    assert!(close(
        (
            visit.control_mean.expect("control mean"),
            visit.treatment_mean.expect("treatment mean"),
        ),
        VISIT_MEANS,
        1e-11
    ));
    assert!(close(
        interval(visit, "newcombe_score"),
        NEWCOMBE_VISIT,
        1e-9
    ));

    let spend = &report.comparisons[1];
    assert_eq!(spend.kind, "mean");
    assert!(close(
        (
            spend.control_mean.expect("control mean"),
            spend.treatment_mean.expect("treatment mean"),
        ),
        SPEND_MEANS,
        1e-11
    ));
    assert!(close(interval(spend, "welch_t"), WELCH_SPEND, 1e-9));

    // The bootstrap interval of the spend lift agrees with Welch's within a few percent of
    // its width on 21,000 units per arm.
    let bootstrap = interval(spend, "poisson_bootstrap_percentile");
    let width = WELCH_SPEND.1 - WELCH_SPEND.0;
    assert!(
        (bootstrap.0 - WELCH_SPEND.0).abs() < 0.1 * width,
        "{bootstrap:?}"
    );
    assert!(
        (bootstrap.1 - WELCH_SPEND.1).abs() < 0.1 * width,
        "{bootstrap:?}"
    );
}
