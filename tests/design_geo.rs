//! Geo design: the shift shortcut against full re-analysis, power at zero effect, power
//! against effect size, the MDE, and determinism across thread counts.

use liftlab::data::{Panel, PanelSpec, read_panel};
use liftlab::design::geo::assignment::AssignmentMethod;
use liftlab::design::geo::power::{minimum_detectable_effect, power_at};
use liftlab::design::geo::simulation::{InferenceSettings, WindowOutcome, simulate_set};
use liftlab::design::geo::{GeoDesignConfig, design};
use liftlab::geo::{self, BootstrapScheme, Estimator, GeoConfig, IntervalMethod};
use liftlab::progress::NoProgress;
use liftlab::report::VerdictKind;

const PRE_TEST: &str = "experiments/geolift-walkthrough/GeoLift_PreTest.csv";

fn pre_test() -> (Panel, PanelSpec) {
    let spec = PanelSpec::new(PRE_TEST, "location", "date", "Y");
    let panel = read_panel(&spec).expect("example panel");
    (panel, spec)
}

fn settings(estimator: Estimator) -> InferenceSettings {
    InferenceSettings {
        estimator,
        level: 0.9,
        resamples: 400,
        placebo_sets: 40,
        seed: 11,
    }
}

fn geo_indices(panel: &Panel, names: &[&str]) -> Vec<usize> {
    let mut indices: Vec<usize> = names
        .iter()
        .map(|name| panel.geo_index(name).expect("geo in example"))
        .collect();
    indices.sort_unstable();
    indices
}

#[test]
fn shift_matches_full_reanalysis() {
    let (panel, spec) = pre_test();
    let treated = geo_indices(&panel, &["chicago", "portland", "miami"]);
    for estimator in [Estimator::Synth { intercept: true }, Estimator::Tbr] {
        let settings = settings(estimator);
        let windows = vec![(10, vec![30, 52]), (15, vec![40, 52])];
        let outcomes = simulate_set(&panel.kpi, &treated, &windows, &settings).expect("simulated");

        let mut positive = 0;
        for duration_outcomes in &outcomes {
            for outcome in &duration_outcomes.outcomes {
                for effect in [0.0, 0.05, 0.2] {
                    let report =
                        analyze_injected(&panel, &spec, &treated, outcome, effect, &settings);
                    let count = treated.len() as f64;
                    let incremental = &report.estimates.incremental;
                    let point = incremental.point.expect("point") / count;
                    let interval = incremental.interval.as_ref().expect("interval");
                    let (lower, upper) = outcome.interval(effect);
                    let scale = outcome.observed_total;
                    assert!(
                        (point - outcome.estimate(effect)).abs() < 1e-9 * scale,
                        "{point}"
                    );
                    assert!(
                        (interval.lower / count - lower).abs() < 1e-9 * scale,
                        "{lower}"
                    );
                    assert!(
                        (interval.upper / count - upper).abs() < 1e-9 * scale,
                        "{upper}"
                    );
                    let p_value = report.inference.placebo.p_value.expect("p-value");
                    assert!(
                        (p_value - outcome.p_value(effect)).abs() < 1e-12,
                        "{p_value}"
                    );
                    assert_eq!(
                        report.verdict.kind,
                        outcome.verdict(effect, settings.level, settings.alpha()),
                        "{estimator:?} start {} effect {effect}",
                        outcome.window.start
                    );
                    if report.verdict.kind == VerdictKind::Positive {
                        positive += 1;
                    }
                }
            }
        }
        // The comparison covers both verdicts, not only inconclusive ones.
        assert!(
            positive > 0,
            "{estimator:?}: no positive verdict among the checks"
        );
        assert!(positive < 12, "{estimator:?}: every check was positive");
    }
}

/// Injects `effect` into the treated geos over the window of `outcome` and runs the full
/// analysis as `analyze geo` would.
fn analyze_injected(
    panel: &Panel,
    spec: &PanelSpec,
    treated: &[usize],
    outcome: &WindowOutcome,
    effect: f64,
    settings: &InferenceSettings,
) -> liftlab::report::GeoReport {
    let window = outcome.window;
    let mut injected = panel.clone();
    for geo in treated {
        for day in window.start..window.start + window.duration_days {
            injected.kpi[[*geo, day]] *= 1.0 + effect;
        }
    }
    let config = GeoConfig {
        title: None,
        treated: treated.iter().map(|geo| panel.geos[*geo].clone()).collect(),
        test_start: panel.dates[window.start],
        test_end: panel.dates[window.start + window.duration_days - 1],
        pre_start: None,
        estimator: settings.estimator,
        level: settings.level,
        resamples: settings.resamples,
        seed: settings.seed,
        block_length_days: GeoConfig::DEFAULT_BLOCK_LENGTH_DAYS,
        bootstrap: BootstrapScheme::PlaceboPath,
        interval: IntervalMethod::Percentile,
        max_placebo_sets: settings.placebo_sets,
    };
    geo::analyze(&injected, spec, &config, &NoProgress).expect("analysis")
}

/// Outcomes of 100 random two-geo sets (unscreened, so exchangeable with the placebo sets) in
/// non-overlapping 10-day windows of the example.
fn random_set_outcomes() -> Vec<WindowOutcome> {
    use rand::RngExt;
    let (panel, _) = pre_test();
    let settings = settings(Estimator::Synth { intercept: true });
    let mut rng = liftlab::resample::stream(5, 0);
    let mut outcomes = Vec::new();
    for _ in 0..100 {
        let mut treated: Vec<usize> = Vec::new();
        while treated.len() < 2 {
            let geo = rng.random_range(0..40u32) as usize;
            if !treated.contains(&geo) {
                treated.push(geo);
            }
        }
        treated.sort_unstable();
        let windows = vec![(10, (21..=80).step_by(10).collect::<Vec<_>>())];
        let simulated = simulate_set(&panel.kpi, &treated, &windows, &settings).expect("simulated");
        outcomes.extend(simulated.into_iter().flat_map(|d| d.outcomes));
    }
    outcomes
}

#[test]
fn power_at_zero_is_alpha_and_rises() {
    let outcomes = random_set_outcomes();
    assert_eq!(outcomes.len(), 600);

    // Measured: 0.093 (56 of 600). The binomial standard error is 0.012; three of them are
    // the tolerance.
    let zero = power_at(&outcomes, 0.0, 0.9);
    let tolerance = 3.0 * (0.1f64 * 0.9 / 600.0).sqrt();
    assert!((zero.power - 0.1).abs() < tolerance, "{zero:?}");

    // Power does not fall as the effect grows, beyond Monte-Carlo error.
    let curve: Vec<_> = (0..=40)
        .map(|step| power_at(&outcomes, step as f64 * 0.005, 0.9))
        .collect();
    for (i, low) in curve.iter().enumerate() {
        for high in &curve[i + 1..] {
            let error = (low.standard_error.powi(2) + high.standard_error.powi(2)).sqrt();
            assert!(
                high.power >= low.power - 2.5 * error.max(0.01),
                "power {} at {} below {} at {}",
                high.power,
                high.effect,
                low.power,
                low.effect
            );
        }
    }
    assert!(curve[40].power > 0.95, "{:?}", curve[40]);
}

#[test]
fn mde_is_continuous_at_target() {
    let outcomes = random_set_outcomes();
    let mde = minimum_detectable_effect(&outcomes, 0.8, 0.3, 0.9).expect("reached");
    assert!(mde.power >= 0.8, "{mde:?}");
    // One more window out of 600 is the smallest step of power.
    assert!(mde.power < 0.8 + 2.0 / 600.0, "{mde:?}");
    let below = power_at(&outcomes, mde.effect - 1e-6, 0.9);
    assert!(below.power < 0.8, "{below:?} just below {mde:?}");
    // Not a point of a 0.5% or 0.1% grid.
    for grid in [0.005, 0.001] {
        let steps = mde.effect / grid;
        assert!(
            (steps - steps.round()).abs() > 1e-3,
            "{mde:?} on a {grid} grid"
        );
    }
}

fn small_config(assignment: AssignmentMethod) -> GeoDesignConfig {
    GeoDesignConfig {
        treated_counts: vec![2, 3],
        durations_days: vec![10],
        include: vec!["chicago".to_string()],
        exclude: vec!["honolulu".to_string()],
        cpic: None,
        budget_cap: None,
        treated_share: None,
        power: 0.8,
        inference: InferenceSettings {
            estimator: Estimator::Synth { intercept: true },
            level: 0.9,
            resamples: 200,
            placebo_sets: 20,
            seed: 3,
        },
        max_effect: 0.25,
        candidates_per_count: 3,
        screened_per_count: 60,
        held_out_days: None,
        assignment,
        top: 3,
    }
}

#[test]
fn design_is_identical_across_threads() {
    let (panel, spec) = pre_test();
    for assignment in [
        AssignmentMethod::Search,
        AssignmentMethod::Stratified,
        AssignmentMethod::MatchedPairs,
    ] {
        let config = small_config(assignment);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            let report = pool
                .install(|| design(&panel, &spec, &config, &NoProgress))
                .expect("design");
            serde_json::to_string(&report).expect("json")
        };
        assert_eq!(run(1), run(2), "{assignment:?}");
    }
}

#[test]
fn randomised_assignments_keep_their_structure() {
    let (panel, spec) = pre_test();
    let stratified = design(
        &panel,
        &spec,
        &small_config(AssignmentMethod::Stratified),
        &NoProgress,
    )
    .expect("stratified");
    let rows = &stratified.assignment.rows;
    let treated: Vec<_> = rows.iter().filter(|r| r.group == "treatment").collect();
    assert_eq!(treated.len(), stratified.recommended.treated_geos.len());
    let mut strata: Vec<usize> = treated
        .iter()
        .map(|r| r.stratum.expect("stratum"))
        .collect();
    strata.sort_unstable();
    strata.dedup();
    assert_eq!(strata.len(), treated.len(), "one treated geo per stratum");
    let honolulu = rows.iter().find(|r| r.geo == "honolulu").expect("row");
    assert_eq!(honolulu.group, "control");
    assert_eq!(honolulu.stratum, None, "excluded geos are not stratified");

    let pairs = design(
        &panel,
        &spec,
        &small_config(AssignmentMethod::MatchedPairs),
        &NoProgress,
    )
    .expect("matched pairs");
    let rows = &pairs.assignment.rows;
    for treated in rows.iter().filter(|r| r.group == "treatment") {
        let pair = treated.pair.expect("pair");
        let members: Vec<_> = rows.iter().filter(|r| r.pair == Some(pair)).collect();
        assert_eq!(members.len(), 2);
        assert_eq!(members.iter().filter(|r| r.group == "control").count(), 1);
    }
    assert!(
        pairs
            .recommended
            .treated_geos
            .contains(&"chicago".to_string())
    );
}

#[test]
fn budget_follows_mde_and_cap() {
    let (panel, spec) = pre_test();
    let mut config = small_config(AssignmentMethod::Search);
    config.cpic = Some(liftlab::design::geo::budget::CpicRange {
        low: 5.0,
        high: 10.0,
    });
    let uncapped = design(&panel, &spec, &config, &NoProgress).expect("design");
    let mut highs: Vec<f64> = uncapped
        .designs
        .iter()
        .filter_map(|r| r.budget.map(|b| b.high))
        .collect();
    highs.sort_by(f64::total_cmp);
    let cap = highs[highs.len() / 2];

    config.budget_cap = Some(cap);
    let report = design(&panel, &spec, &config, &NoProgress).expect("design");
    assert!(report.designs_over_budget > 0);
    for result in report.designs.iter().filter(|r| r.mde.is_some()) {
        let mde = result.mde.expect("mde");
        let incremental = result.incremental_kpi_at_mde.expect("incremental");
        let budget = result.budget.expect("budget");
        assert!((incremental - mde * result.expected_kpi).abs() < 1e-9 * incremental);
        assert!((budget.low - 5.0 * incremental).abs() < 1e-9 * budget.low);
        assert!((budget.high - 10.0 * incremental).abs() < 1e-9 * budget.high);
        assert!(budget.high <= cap, "{result:?}");
    }
}

#[test]
fn aa_check_runs_on_held_out_windows() {
    let (panel, spec) = pre_test();
    let report = design(
        &panel,
        &spec,
        &small_config(AssignmentMethod::Search),
        &NoProgress,
    )
    .expect("design");
    // 90 days, the last 10 held out: test windows starting on days 71 to 80 reach into them.
    assert_eq!(report.data.selection_days, 80);
    assert_eq!(
        report.aa_check.windows + report.aa_check.unusable_windows,
        10
    );
    assert_eq!(
        report.aa_check.first_test_start.as_deref(),
        Some("2021-03-13")
    );
    let coverage = report.aa_check.coverage.expect("coverage");
    assert!((0.0..=1.0).contains(&coverage));
    let power = report.aa_check.power_at_mde.expect("power at the MDE");
    assert!((0.0..=1.0).contains(&power));
    // Every simulated window of the designs ends before the held-out days.
    for result in &report.designs {
        assert_eq!(result.last_test_start.as_deref(), Some("2021-03-12"));
    }
}
