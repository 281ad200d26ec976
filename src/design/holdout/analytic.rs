//! Analytic power, sample size and minimum detectable effect of a two-arm holdout test, from
//! the normal approximation to the difference of the arms' means (treated − held out).
//!
//! With `N` users in total, a share `s_t` treated and `s_c = 1 − s_t` held out, per-unit
//! variances `v_t` and `v_c` and a true difference `δ`, the estimated difference has standard
//! deviation `σ₁ / √N` with `σ₁² = v_t / s_t + v_c / s_c`. The test rejects when the difference
//! is further from zero than `z · σ₀ / √N`, where `σ₀` is the null standard deviation. A test
//! with the unpooled (Wald) standard error has `σ₀ = σ₁`, and the bootstrap interval of
//! `analyze holdout` behaves like it. The classic pooled z-test of two proportions takes `σ₀`
//! from the pooled proportion. Then
//!
//! ```text
//! power = Φ̄(z_a σ₀/σ₁ − δ √N / σ₁)  +  Φ(−z_a σ₀/σ₁ − δ √N / σ₁)
//! ```
//!
//! with `z_a = Φ⁻¹(1 − α/2)` and both terms for a two-sided test, and `z_a = Φ⁻¹(1 − α)` and
//! the first term (larger) or the second (smaller) for a one-sided test. This is statsmodels'
//! `normal_power_het` (statsmodels 0.15, `statsmodels.stats.power`) with `nobs1 = N s_t` and
//! `ratio = s_c / s_t`; for two proportions with the pooled null it is
//! `statsmodels.stats.proportion.power_proportions_2indep`. Sample size and MDE invert it
//! numerically, on a continuous scale, so the two-sided far tail is included.
//!
//! [`normal_ind_power`] and [`cohens_h`] are the standardised forms of statsmodels'
//! `NormalIndPower` and `proportion_effectsize`, for comparisons with that library.

use statrs::distribution::{ContinuousCDF, Normal};

use super::DesignError;

/// Relative width at which the bisections of [`users_for_power`] and [`minimum_detectable_effect`]
/// stop.
const RELATIVE_TOLERANCE: f64 = 1e-12;

/// Largest number of bisection steps; 200 halvings shrink any bracket below `f64` resolution.
const MAX_BISECTIONS: usize = 200;

/// Direction of the alternative hypothesis, as statsmodels names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alternative {
    /// The treated mean differs from the held-out mean in either direction.
    TwoSided,
    /// The treated mean is larger.
    Larger,
    /// The treated mean is smaller.
    Smaller,
}

impl Alternative {
    /// Returns the name used on the command line and in design.json.
    pub fn name(self) -> &'static str {
        match self {
            Alternative::TwoSided => "two-sided",
            Alternative::Larger => "larger",
            Alternative::Smaller => "smaller",
        }
    }
}

/// Null variance of a test of two proportions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullVariance {
    /// Each arm's own variance, as a Wald test and the bootstrap interval use.
    Unpooled,
    /// The pooled proportion's variance in both arms, as the classic two-proportion z-test.
    Pooled,
}

impl NullVariance {
    pub fn name(self) -> &'static str {
        match self {
            NullVariance::Unpooled => "unpooled",
            NullVariance::Pooled => "pooled",
        }
    }
}

/// The metric under test and its value without treatment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// A 0/1 outcome such as a conversion, with the held-out arm's rate in (0, 1).
    Proportion { baseline_rate: f64 },
    /// A numeric outcome such as revenue per user, with the same standard deviation in both
    /// arms.
    Mean { baseline_mean: f64, sd: f64 },
}

impl Outcome {
    /// Returns the held-out arm's mean: the rate or the mean.
    pub fn baseline(self) -> f64 {
        match self {
            Outcome::Proportion { baseline_rate } => baseline_rate,
            Outcome::Mean { baseline_mean, .. } => baseline_mean,
        }
    }
}

/// Everything the analytic power depends on apart from users and effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalyticSetup {
    pub outcome: Outcome,
    /// Share of users treated, in (0, 1); the rest are held out.
    pub treated_share: f64,
    /// Significance level α in (0, 1).
    pub alpha: f64,
    pub alternative: Alternative,
    /// Null variance of a proportion test; means always use the common variance.
    pub null_variance: NullVariance,
}

/// Standard deviations of the estimated difference times `√N`, under the null and the
/// alternative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitDeviations {
    pub null: f64,
    pub alternative: f64,
}

impl AnalyticSetup {
    fn holdout_share(&self) -> f64 {
        1.0 - self.treated_share
    }

    /// Returns the treated arm's mean at absolute effect `effect`.
    pub fn treated_value(&self, effect: f64) -> f64 {
        self.outcome.baseline() + effect
    }

    /// Returns the range of absolute effects that leave the treated rate inside (0, 1), or
    /// the whole line for a mean.
    pub fn effect_bounds(&self) -> (f64, f64) {
        match self.outcome {
            Outcome::Proportion { baseline_rate } => (-baseline_rate, 1.0 - baseline_rate),
            Outcome::Mean { .. } => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }

    /// Returns `σ₀` and `σ₁` at absolute effect `effect` (see the module documentation).
    pub fn unit_deviations(&self, effect: f64) -> UnitDeviations {
        let (s_t, s_c) = (self.treated_share, self.holdout_share());
        match self.outcome {
            Outcome::Proportion { baseline_rate } => {
                let p_c = baseline_rate;
                let p_t = baseline_rate + effect;
                let alternative = (p_t * (1.0 - p_t) / s_t + p_c * (1.0 - p_c) / s_c)
                    .max(0.0)
                    .sqrt();
                let null = match self.null_variance {
                    NullVariance::Unpooled => alternative,
                    NullVariance::Pooled => {
                        let pooled = s_t * p_t + s_c * p_c;
                        (pooled * (1.0 - pooled) * (1.0 / s_t + 1.0 / s_c))
                            .max(0.0)
                            .sqrt()
                    }
                };
                UnitDeviations { null, alternative }
            }
            Outcome::Mean { sd, .. } => {
                let deviation = sd * (1.0 / s_t + 1.0 / s_c).sqrt();
                UnitDeviations {
                    null: deviation,
                    alternative: deviation,
                }
            }
        }
    }

    /// Returns the power at absolute effect `effect` with `users` users in total.
    ///
    /// Returns α at zero effect for the unpooled and mean tests. The caller checks the
    /// inputs ([`AnalyticSetup::check`], [`AnalyticSetup::check_effect`]).
    pub fn power(&self, effect: f64, users: f64) -> f64 {
        let deviations = self.unit_deviations(effect);
        if deviations.alternative <= 0.0 {
            return if effect == 0.0 { self.alpha } else { 1.0 };
        }
        z_test_power(
            effect * users.sqrt() / deviations.alternative,
            deviations.null / deviations.alternative,
            self.alpha,
            self.alternative,
        )
    }

    /// Checks α, the split and the outcome.
    pub fn check(&self) -> Result<(), DesignError> {
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(DesignError::InvalidAlpha { alpha: self.alpha });
        }
        if !(self.treated_share > 0.0 && self.treated_share < 1.0) {
            return Err(DesignError::InvalidShare {
                treated_share: self.treated_share,
            });
        }
        match self.outcome {
            Outcome::Proportion { baseline_rate } => {
                if !(baseline_rate > 0.0 && baseline_rate < 1.0) {
                    return Err(DesignError::InvalidRate {
                        rate: baseline_rate,
                    });
                }
            }
            Outcome::Mean { baseline_mean, sd } => {
                if !baseline_mean.is_finite() {
                    return Err(DesignError::InvalidMean {
                        mean: baseline_mean,
                    });
                }
                if !(sd > 0.0 && sd.is_finite()) {
                    return Err(DesignError::InvalidSd { sd });
                }
            }
        }
        Ok(())
    }

    /// Checks that absolute effect `effect` is non-zero, in the direction of a one-sided test,
    /// and leaves a treated rate inside (0, 1).
    pub fn check_effect(&self, effect: f64) -> Result<(), DesignError> {
        if !effect.is_finite() || effect == 0.0 {
            return Err(DesignError::ZeroEffect { effect });
        }
        let wrong_direction = match self.alternative {
            Alternative::TwoSided => false,
            Alternative::Larger => effect < 0.0,
            Alternative::Smaller => effect > 0.0,
        };
        if wrong_direction {
            return Err(DesignError::WrongDirection {
                effect,
                alternative: self.alternative,
            });
        }
        if let Outcome::Proportion { baseline_rate } = self.outcome {
            let treated = baseline_rate + effect;
            if !(treated > 0.0 && treated < 1.0) {
                return Err(DesignError::TreatedRateOutside {
                    baseline_rate,
                    effect,
                    treated_rate: treated,
                });
            }
        }
        Ok(())
    }

    /// Returns the total users (continuous) at which the power at absolute effect `effect`
    /// reaches `power`: the closed-form one-tail size of statsmodels'
    /// `normal_sample_size_one_tail`, then refined by bisection on the exact power, so that a
    /// two-sided test counts its far tail too.
    pub fn users_for_power(&self, effect: f64, power: f64) -> Result<f64, DesignError> {
        self.check()?;
        self.check_effect(effect)?;
        check_power(power, self.alpha)?;

        let deviations = self.unit_deviations(effect);
        let z_alpha = normal().inverse_cdf(1.0 - tail_alpha(self.alpha, self.alternative));
        let z_power = normal().inverse_cdf(power);
        let one_tail = ((z_alpha * deviations.null + z_power * deviations.alternative).max(0.0)
            / effect.abs())
        .powi(2);
        if one_tail <= 0.0 {
            return Ok(0.0);
        }

        // The exact power at the one-tail size is at least the target; halve until below it.
        let mut high = one_tail;
        while self.power(effect, high) < power {
            high *= 2.0;
        }
        let mut low = high / 2.0;
        while self.power(effect, low) >= power {
            low /= 2.0;
            if low < f64::MIN_POSITIVE {
                return Ok(0.0);
            }
        }
        Ok(bisect(low, high, |users| {
            self.power(effect, users) >= power
        }))
    }

    /// Returns the smallest absolute effect, in the direction of the test, at which `users`
    /// users in total give power `power`. Two-sided tests look for an increase.
    pub fn minimum_detectable_effect(&self, users: f64, power: f64) -> Result<f64, DesignError> {
        self.check()?;
        check_power(power, self.alpha)?;
        if !(users > 0.0 && users.is_finite()) {
            return Err(DesignError::InvalidUsers { users });
        }
        let sign = match self.alternative {
            Alternative::Smaller => -1.0,
            _ => 1.0,
        };
        let (lowest, highest) = self.effect_bounds();
        let limit = if sign > 0.0 { highest } else { -lowest };

        // Closed-form start with the baseline variance, then widen until the power is reached.
        let deviation = self.unit_deviations(0.0).alternative;
        let z_alpha = normal().inverse_cdf(1.0 - tail_alpha(self.alpha, self.alternative));
        let z_power = normal().inverse_cdf(power);
        let mut high = ((z_alpha + z_power) * deviation / users.sqrt()).max(f64::EPSILON);
        let reaches = |size: f64| self.power(sign * size, users) >= power;
        loop {
            if high >= limit {
                // Just inside the boundary, where the treated rate is still valid.
                let edge = limit * (1.0 - 1e-12);
                if !reaches(edge) {
                    return Err(DesignError::NoEffectReachesPower {
                        users,
                        power,
                        max_power: self.power(sign * edge, users),
                    });
                }
                high = edge;
                break;
            }
            if reaches(high) {
                break;
            }
            high *= 2.0;
        }
        let mut low = high / 2.0;
        while reaches(low) {
            low /= 2.0;
        }
        Ok(sign * bisect(low, high, reaches))
    }
}

/// Returns the power of a z-test whose statistic, in units of its standard deviation under the
/// alternative, has mean `shift`, with critical value scaled by `null_ratio = σ₀ / σ₁`.
pub fn z_test_power(shift: f64, null_ratio: f64, alpha: f64, alternative: Alternative) -> f64 {
    let z = normal().inverse_cdf(1.0 - tail_alpha(alpha, alternative));
    let upper = || normal().sf(z * null_ratio - shift);
    let lower = || normal().cdf(-z * null_ratio - shift);
    match alternative {
        Alternative::TwoSided => upper() + lower(),
        Alternative::Larger => upper(),
        Alternative::Smaller => lower(),
    }
}

/// Returns the power of statsmodels' `NormalIndPower().power(effect_size, nobs1, alpha, ratio,
/// alternative)`: a z-test of a standardised difference `effect_size` with `nobs1` and
/// `ratio · nobs1` units.
pub fn normal_ind_power(
    effect_size: f64,
    nobs1: f64,
    ratio: f64,
    alpha: f64,
    alternative: Alternative,
) -> f64 {
    let effective = nobs1 * ratio / (1.0 + ratio);
    z_test_power(effect_size * effective.sqrt(), 1.0, alpha, alternative)
}

/// Returns the `nobs1` at which [`normal_ind_power`] reaches `power`, as
/// `NormalIndPower().solve_power(effect_size=..., nobs1=None, ...)` does, or `None` for an
/// effect size of zero or a power outside (α, 1).
pub fn normal_ind_solve_nobs1(
    effect_size: f64,
    power: f64,
    ratio: f64,
    alpha: f64,
    alternative: Alternative,
) -> Option<f64> {
    let setup = AnalyticSetup {
        outcome: Outcome::Mean {
            baseline_mean: 0.0,
            sd: 1.0,
        },
        treated_share: 1.0 / (1.0 + ratio),
        alpha,
        alternative,
        null_variance: NullVariance::Unpooled,
    };
    // With unit variance per arm, total users N give nobs1 = N / (1 + ratio).
    let users = setup.users_for_power(effect_size, power).ok()?;
    Some(users / (1.0 + ratio))
}

/// Returns Cohen's h of two proportions, `2 asin √p₁ − 2 asin √p₂`, statsmodels'
/// `proportion_effectsize(prop1, prop2)`.
pub fn cohens_h(prop1: f64, prop2: f64) -> f64 {
    2.0 * prop1.sqrt().asin() - 2.0 * prop2.sqrt().asin()
}

/// Rejects a target power outside (α, 1).
pub fn check_power(power: f64, alpha: f64) -> Result<(), DesignError> {
    if !(power > alpha && power < 1.0) {
        return Err(DesignError::InvalidPower { power, alpha });
    }
    Ok(())
}

/// α of the tail that the test rejects in: α/2 for a two-sided test.
fn tail_alpha(alpha: f64, alternative: Alternative) -> f64 {
    match alternative {
        Alternative::TwoSided => alpha / 2.0,
        _ => alpha,
    }
}

fn normal() -> Normal {
    Normal::standard()
}

/// Returns the smallest `x` in `(low, high]` with `reached(x)`, for a `reached` that is false
/// at `low`, true at `high` and switches once.
fn bisect(mut low: f64, mut high: f64, reached: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..MAX_BISECTIONS {
        if high - low <= RELATIVE_TOLERANCE * high {
            break;
        }
        let middle = 0.5 * (low + high);
        if reached(middle) {
            high = middle;
        } else {
            low = middle;
        }
    }
    high
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proportion(rate: f64, treated_share: f64) -> AnalyticSetup {
        AnalyticSetup {
            outcome: Outcome::Proportion {
                baseline_rate: rate,
            },
            treated_share,
            alpha: 0.05,
            alternative: Alternative::TwoSided,
            null_variance: NullVariance::Unpooled,
        }
    }

    #[test]
    fn power_at_zero_effect_is_alpha() {
        // statrs' normal quantile is accurate to about 1e-9, which bounds the tolerance.
        let setup = proportion(0.1, 0.5);
        let power = setup.power(0.0, 10_000.0);
        assert!((power - 0.05).abs() < 1e-8, "{power}");
    }

    #[test]
    fn users_and_power_invert_each_other() {
        let setup = proportion(0.02, 0.9);
        let users = setup.users_for_power(0.001, 0.8).expect("valid");
        assert!((setup.power(0.001, users) - 0.8).abs() < 1e-9);
        let effect = setup.minimum_detectable_effect(users, 0.8).expect("valid");
        assert!((effect - 0.001).abs() < 1e-9, "{effect}");
    }

    #[test]
    fn smaller_alternative_gives_negative_mde() {
        let mut setup = proportion(0.3, 0.5);
        setup.alternative = Alternative::Smaller;
        let effect = setup
            .minimum_detectable_effect(2_000.0, 0.8)
            .expect("valid");
        assert!(effect < 0.0);
        assert!((setup.power(effect, 2_000.0) - 0.8).abs() < 1e-9);
    }

    #[test]
    fn tiny_test_cannot_reach_power() {
        let setup = proportion(0.5, 0.5);
        let error = setup.minimum_detectable_effect(4.0, 0.99).unwrap_err();
        assert!(matches!(error, DesignError::NoEffectReachesPower { .. }));
    }

    #[test]
    fn power_grows_with_effect_and_users() {
        for null_variance in [NullVariance::Unpooled, NullVariance::Pooled] {
            let mut setup = proportion(0.05, 0.8);
            setup.null_variance = null_variance;
            let mut previous = 0.0;
            for step in 1..=40 {
                let power = setup.power(0.0005 * f64::from(step), 50_000.0);
                assert!(
                    power >= previous,
                    "{null_variance:?} effect step {step}: {power}"
                );
                previous = power;
            }
            let mut previous = 0.0;
            for step in 1..=40 {
                let power = setup.power(0.004, 2_000.0 * f64::from(step));
                assert!(
                    power >= previous,
                    "{null_variance:?} users step {step}: {power}"
                );
                previous = power;
            }
        }
    }

    #[test]
    fn mean_design_round_trips() {
        let setup = AnalyticSetup {
            outcome: Outcome::Mean {
                baseline_mean: 2.0,
                sd: 9.0,
            },
            treated_share: 0.7,
            alpha: 0.1,
            alternative: Alternative::Larger,
            null_variance: NullVariance::Unpooled,
        };
        let users = setup.users_for_power(0.2, 0.9).expect("valid");
        let power = setup.power(0.2, users);
        assert!((power - 0.9).abs() < 1e-9, "{power}");
        let effect = setup.minimum_detectable_effect(users, 0.9).expect("valid");
        assert!((effect - 0.2).abs() < 1e-9, "{effect}");
    }

    #[test]
    fn cohens_h_matches_statsmodels() {
        // statsmodels 0.15.0: proportion_effectsize(0.055, 0.05) = 0.022424345475803797
        let h = cohens_h(0.055, 0.05);
        assert!((h - 0.022_424_345_475_803_797).abs() < 1e-14, "{h}");
    }
}
