//! Analytic holdout design against statsmodels 0.15.0.
//!
//! Every expected value below was printed by tests/reference/design_holdout_statsmodels.py,
//! which names the statsmodels call behind it. statsmodels' group 1 is liftlab's treated arm:
//! `nobs1` = treated users and `ratio` = held-out users ÷ treated users, so a treated share
//! `s` is `ratio = (1 − s) / s` and the total users are `nobs1 × (1 + ratio)`. Agreement to
//! three significant figures is the bar. Most tolerances are tighter, because both sides solve
//! the same equation.

use liftlab::design::holdout::analytic::{
    Alternative, AnalyticSetup, NullVariance, Outcome, cohens_h, normal_ind_power,
    normal_ind_solve_nobs1,
};

/// Relative tolerance of sample sizes and effects.
const RELATIVE: f64 = 1e-6;

fn assert_relative(actual: f64, expected: f64, tolerance: f64, label: &str) {
    let error = (actual - expected).abs() / expected.abs();
    assert!(
        error <= tolerance,
        "{label}: liftlab {actual}, statsmodels {expected}, relative error {error:e}"
    );
}

fn proportion(rate: f64, treated_share: f64, alpha: f64, null: NullVariance) -> AnalyticSetup {
    AnalyticSetup {
        outcome: Outcome::Proportion {
            baseline_rate: rate,
        },
        treated_share,
        alpha,
        alternative: Alternative::TwoSided,
        null_variance: null,
    }
}

fn mean(sd: f64, treated_share: f64, alpha: f64, alternative: Alternative) -> AnalyticSetup {
    AnalyticSetup {
        outcome: Outcome::Mean {
            baseline_mean: 1.0,
            sd,
        },
        treated_share,
        alpha,
        alternative,
        null_variance: NullVariance::Unpooled,
    }
}

#[test]
fn unpooled_sample_size_matches_normal_power_het() {
    // brentq root of normal_power_het(0.001, n, 0.10, std_null=s, std_alternative=s) = 0.8
    // with s = sqrt(p1 (1 − p1) + p2 (1 − p2) / ratio), p2 = 0.02, p1 = 0.021, ratio = 1/9:
    // nobs1 = 1217647.1827049572.
    let setup = proportion(0.02, 0.9, 0.10, NullVariance::Unpooled);
    let users = setup.users_for_power(0.001, 0.8).expect("valid design");
    assert_relative(0.9 * users, 1_217_647.182_704_957_2, RELATIVE, "nobs1");
}

#[test]
fn unpooled_power_matches_normal_power_het() {
    // normal_power_het(0.001, 180000, 0.10, std_null=s, std_alternative=s) = 0.2501009647179545.
    let setup = proportion(0.02, 0.9, 0.10, NullVariance::Unpooled);
    let power = setup.power(0.001, 200_000.0);
    assert!((power - 0.250_100_964_717_954_5).abs() < 1e-10, "{power}");
}

#[test]
fn pooled_sample_size_matches_statsmodels() {
    // The root of power_proportions_2indep(0.001, 0.02, nobs1, ratio=1/9, alpha=0.10,
    // alternative="two-sided", return_results=False) = 0.8, both tails, by brentq:
    // nobs1 = 1248941.708330215.
    let setup = proportion(0.02, 0.9, 0.10, NullVariance::Pooled);
    let users = setup.users_for_power(0.001, 0.8).expect("valid design");
    assert_relative(
        0.9 * users,
        1_248_941.708_330_215,
        RELATIVE,
        "nobs1, both tails",
    );

    // samplesize_proportions_2indep_onetail(0.001, 0.02, 0.8, ratio=1/9, alpha=0.10,
    // alternative="two-sided") = 1248990.1033531935 ignores the far tail, which adds about
    // 4e-5 of the size at α = 0.10, so it agrees to four significant figures.
    assert_relative(
        0.9 * users,
        1_248_990.103_353_193_5,
        1e-4,
        "nobs1, one tail",
    );
}

#[test]
fn pooled_power_matches_power_proportions_2indep() {
    // power_proportions_2indep(0.001, 0.02, 180000, ratio=1/9, alpha=0.10,
    // alternative="two-sided", return_results=False) = 0.23981258778320372.
    let setup = proportion(0.02, 0.9, 0.10, NullVariance::Pooled);
    let power = setup.power(0.001, 200_000.0);
    assert!((power - 0.239_812_587_783_203_72).abs() < 1e-10, "{power}");

    // power_proportions_2indep(0.01, 0.10, 5000, ratio=1, alpha=0.05, alternative="larger",
    // return_results=False) = 0.4944874414710109.
    let mut larger = proportion(0.10, 0.5, 0.05, NullVariance::Pooled);
    larger.alternative = Alternative::Larger;
    let power = larger.power(0.01, 10_000.0);
    assert!((power - 0.494_487_441_471_010_9).abs() < 1e-10, "{power}");
}

#[test]
fn mean_sample_size_matches_normal_ind_power() {
    // NormalIndPower().solve_power(effect_size=0.007, nobs1=None, alpha=0.05, power=0.8,
    // ratio=1.0) = 320361.6534424015. Effect 0.105 with sd 15 is d = 0.007.
    let setup = mean(15.0, 0.5, 0.05, Alternative::TwoSided);
    let users = setup.users_for_power(0.105, 0.8).expect("valid design");
    assert_relative(0.5 * users, 320_361.653_442_401_5, RELATIVE, "nobs1, 50:50");

    // NormalIndPower().solve_power(effect_size=0.05, nobs1=None, alpha=0.05, power=0.9,
    // ratio=0.25) = 21014.83881928466: an 80:20 split.
    let setup = mean(2.0, 0.8, 0.05, Alternative::TwoSided);
    let users = setup.users_for_power(0.1, 0.9).expect("valid design");
    assert_relative(0.8 * users, 21_014.838_819_284_66, RELATIVE, "nobs1, 80:20");

    // NormalIndPower().solve_power(effect_size=0.05, nobs1=None, alpha=0.05, power=0.8,
    // ratio=1.0, alternative="larger") = 4946.045785628647.
    let setup = mean(1.0, 0.5, 0.05, Alternative::Larger);
    let users = setup.users_for_power(0.05, 0.8).expect("valid design");
    assert_relative(
        0.5 * users,
        4_946.045_785_628_647,
        RELATIVE,
        "nobs1, one-sided",
    );
}

#[test]
fn mean_mde_matches_normal_ind_power() {
    // The root of NormalIndPower().power(es, 32000, 0.05, ratio=1.0) = 0.8 by brentq is
    // es = 0.022148448745519123 standard deviations.
    let setup = mean(3.0, 0.5, 0.05, Alternative::TwoSided);
    let effect = setup
        .minimum_detectable_effect(64_000.0, 0.8)
        .expect("valid design");
    assert_relative(
        effect / 3.0,
        0.022_148_448_745_519_123,
        RELATIVE,
        "effect size",
    );

    // NormalIndPower().solve_power(effect_size=None, nobs1=32000, alpha=0.05, power=0.8,
    // ratio=1.0) = 0.022146630986940894 stops early (its power there is 0.79994) but still
    // agrees to three significant figures.
    assert_relative(effect / 3.0, 0.022_146_630_986_940_894, 5e-4, "solve_power");
}

#[test]
fn standardised_forms_match_normal_ind_power() {
    // NormalIndPower().power(effect_size=0.02, nobs1=20000, alpha=0.05, ratio=0.5)
    // = 0.3720084499244258.
    let power = normal_ind_power(0.02, 20_000.0, 0.5, 0.05, Alternative::TwoSided);
    assert!((power - 0.372_008_449_924_425_8).abs() < 1e-12, "{power}");

    // NormalIndPower().solve_power(effect_size=0.05, ..., power=0.9, ratio=0.25)
    // = 21014.83881928466.
    let nobs1 = normal_ind_solve_nobs1(0.05, 0.9, 0.25, 0.05, Alternative::TwoSided)
        .expect("valid request");
    assert_relative(nobs1, 21_014.838_819_284_66, RELATIVE, "nobs1");

    // proportion_effectsize(0.055, 0.05) = 0.022424345475803797.
    let h = cohens_h(0.055, 0.05);
    assert!((h - 0.022_424_345_475_803_797).abs() < 1e-14, "{h}");
}

#[test]
fn t_test_forms_match_ttest_ind_power() {
    use liftlab::design::holdout::noncentral_t::{ttest_ind_power, ttest_ind_solve_nobs1};

    // TTestIndPower().power(0.02, 20000, 0.05, ratio=0.5) = 0.37198871216752327.
    let power = ttest_ind_power(0.02, 20_000.0, 0.5, 0.05, Alternative::TwoSided);
    assert!((power - 0.371_988_712_167_523_27).abs() < 1e-9, "{power}");

    // TTestIndPower().power(0.3, 50, 0.05, ratio=1.0, alternative="larger")
    // = 0.43832544490474734.
    let power = ttest_ind_power(0.3, 50.0, 1.0, 0.05, Alternative::Larger);
    assert!((power - 0.438_325_444_904_747_34).abs() < 1e-9, "{power}");

    // TTestIndPower().solve_power(effect_size=0.05, nobs1=None, alpha=0.05, power=0.9,
    // ratio=0.25) = 21016.375521463622.
    let nobs1 =
        ttest_ind_solve_nobs1(0.05, 0.9, 0.25, 0.05, Alternative::TwoSided).expect("valid request");
    assert_relative(nobs1, 21_016.375_521_463_622, 1e-6, "nobs1");
}
