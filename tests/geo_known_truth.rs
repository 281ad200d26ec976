//! Geo estimates on a panel built so that the truth is known exactly.
//!
//! The treated geo is `100 + ½ control_a + ½ control_b` on every day, plus 50 per day in the
//! test window. A synthetic control with intercept reproduces the pre-period exactly, so the
//! incremental KPI is 50 × test days. Spend is 10 per day before the test and 30 per day
//! during it, so the incremental spend is 20 × test days and the iROAS is 2.5.

use chrono::NaiveDate;
use liftlab::data::{InputFile, MissingPolicy, Panel, PanelSpec};
use liftlab::geo::{BootstrapScheme, Estimator, GeoConfig, IntervalMethod, analyze};
use liftlab::progress::NoProgress;
use ndarray::Array2;

const PRE_DAYS: usize = 42;
const TEST_DAYS: usize = 14;
const DAILY_LIFT: f64 = 50.0;

/// Deterministic control series: a weekly pattern, a geo-specific level and a slow wave.
fn control_value(geo: usize, day: usize) -> f64 {
    let weekly = [1.0, 0.9, 0.95, 1.05, 1.2, 1.4, 1.1][day % 7];
    let level = 400.0 + 150.0 * geo as f64;
    let wave = ((day as f64) * (0.3 + 0.07 * geo as f64)).sin() * 40.0;
    level * weekly + wave
}

fn known_panel() -> Panel {
    let controls = 8;
    let days = PRE_DAYS + TEST_DAYS;
    let mut geos: Vec<String> = (0..controls).map(|i| format!("control_{i:02}")).collect();
    geos.push("treated".to_string());
    let mut kpi = Array2::<f64>::zeros((geos.len(), days));
    let mut spend = Array2::<f64>::zeros((geos.len(), days));
    for day in 0..days {
        for geo in 0..controls {
            kpi[[geo, day]] = control_value(geo, day);
        }
        let lift = if day >= PRE_DAYS { DAILY_LIFT } else { 0.0 };
        kpi[[controls, day]] =
            100.0 + 0.5 * control_value(0, day) + 0.5 * control_value(1, day) + lift;
        spend[[controls, day]] = if day >= PRE_DAYS { 30.0 } else { 10.0 };
    }
    let first = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    Panel {
        file: InputFile {
            path: "known.csv".to_string(),
            sha256: String::new(),
            rows: geos.len() * days,
        },
        geos,
        dates: (0..days as u64)
            .map(|d| first + chrono::Days::new(d))
            .collect(),
        kpi,
        spend: Some(spend),
        filled_cells: 0,
        rows_per_day: vec![9; days],
    }
}

fn config(panel: &Panel, estimator: Estimator) -> GeoConfig {
    GeoConfig {
        title: None,
        treated: vec!["treated".to_string()],
        test_start: panel.dates[PRE_DAYS],
        test_end: panel.dates[PRE_DAYS + TEST_DAYS - 1],
        pre_start: None,
        estimator,
        level: 0.9,
        resamples: 200,
        seed: 3,
        block_length_days: 7,
        bootstrap: BootstrapScheme::PlaceboPath,
        interval: IntervalMethod::Percentile,
        max_placebo_sets: 100,
    }
}

fn spec() -> PanelSpec {
    PanelSpec {
        path: "known.csv".into(),
        geo_col: "geo".to_string(),
        date_col: "date".to_string(),
        kpi_col: "kpi".to_string(),
        spend_col: Some("spend".to_string()),
        date_format: "%Y-%m-%d".to_string(),
        missing: MissingPolicy::Error,
        delimiter: b',',
    }
}

#[test]
fn synth_recovers_exact_lift_and_iroas() {
    let panel = known_panel();
    let report = analyze(
        &panel,
        &spec(),
        &config(&panel, Estimator::Synth { intercept: true }),
        &NoProgress,
    )
    .expect("analysis");
    let estimates = &report.estimates;

    let incremental = estimates.incremental.point.expect("incremental");
    assert!(
        (incremental - DAILY_LIFT * TEST_DAYS as f64).abs() < 1e-6,
        "{incremental}"
    );
    let att = estimates.att.point.expect("att");
    assert!((att - DAILY_LIFT).abs() < 1e-8, "{att}");

    let counterfactual: f64 = report
        .series
        .iter()
        .filter(|day| day.period == "test")
        .map(|day| day.counterfactual)
        .sum();
    let relative = estimates.relative_lift.point.expect("relative lift");
    assert!((relative - DAILY_LIFT * TEST_DAYS as f64 / counterfactual).abs() < 1e-10);

    let incremental_spend = estimates.incremental_spend.expect("spend");
    assert!((incremental_spend - 20.0 * TEST_DAYS as f64).abs() < 1e-9);
    let iroas = estimates
        .iroas
        .as_ref()
        .and_then(|e| e.point)
        .expect("iroas");
    assert!((iroas - 2.5).abs() < 1e-8, "{iroas}");
    let cost = estimates
        .cost_per_incremental
        .as_ref()
        .and_then(|e| e.point)
        .expect("cost per incremental");
    assert!((cost - 0.4).abs() < 1e-9, "{cost}");

    // The weights are the ones the treated geo was built from.
    let weight = |geo: &str| {
        report
            .diagnostics
            .donor_weights
            .iter()
            .find(|donor| donor.geo == geo)
            .map(|donor| donor.weight)
            .expect("donor")
    };
    assert!((weight("control_00") - 0.5).abs() < 1e-6);
    assert!((weight("control_01") - 0.5).abs() < 1e-6);
    assert!((report.diagnostics.intercept - 100.0).abs() < 1e-4);
    assert!(report.diagnostics.pre_r_squared > 0.999_999);
}

#[test]
fn cumulative_series_ends_at_incremental() {
    let panel = known_panel();
    for estimator in [
        Estimator::Synth { intercept: true },
        Estimator::Tbr,
        Estimator::Did,
    ] {
        let report =
            analyze(&panel, &spec(), &config(&panel, estimator), &NoProgress).expect("analysis");
        let last = report.series.last().expect("series");
        let incremental = report.estimates.incremental.point.expect("incremental");
        let cumulative = last.cumulative_effect.expect("cumulative");
        assert!((cumulative - incremental).abs() < 1e-6, "{estimator:?}");
        let interval = report
            .estimates
            .incremental
            .interval
            .as_ref()
            .expect("interval");
        assert!(interval.lower <= incremental, "{estimator:?}");
        assert!(incremental <= interval.upper, "{estimator:?}");
        assert_eq!(report.series.len(), PRE_DAYS + TEST_DAYS);
    }
}

#[test]
fn go_dark_gives_positive_iroas() {
    // Switching the channel off: spend falls and the KPI falls, so both increments are
    // negative and the iROAS is positive.
    let mut panel = known_panel();
    let treated = panel.geos.len() - 1;
    for day in PRE_DAYS..PRE_DAYS + TEST_DAYS {
        panel.kpi[[treated, day]] -= 2.0 * DAILY_LIFT;
        if let Some(spend) = panel.spend.as_mut() {
            spend[[treated, day]] = 0.0;
        }
    }
    let report = analyze(
        &panel,
        &spec(),
        &config(&panel, Estimator::Synth { intercept: true }),
        &NoProgress,
    )
    .expect("analysis");
    let incremental = report.estimates.incremental.point.expect("incremental");
    assert!(
        (incremental + DAILY_LIFT * TEST_DAYS as f64).abs() < 1e-6,
        "{incremental}"
    );
    let spend = report.estimates.incremental_spend.expect("spend");
    assert!((spend + 10.0 * TEST_DAYS as f64).abs() < 1e-9);
    let iroas = report.estimates.iroas.as_ref().expect("iroas");
    assert!((iroas.point.expect("point") - 5.0).abs() < 1e-8);
    if let Some(interval) = &iroas.interval {
        assert!(interval.lower <= interval.upper);
    }
}
