//! Power of the two-sample t-test from the noncentral t distribution, the family of
//! statsmodels' `TTestIndPower`, for comparisons with that library. liftlab's own designs use
//! the normal approximation of [`super::analytic`]; at the sample sizes of a holdout test the
//! two agree to a few parts in 10⁴.
//!
//! The noncentral t CDF is the usual Poisson mixture of regularised incomplete beta functions,
//! checked against scipy's `nct.cdf` in the tests below. For `t ≥ 0`, with
//! `x = t² / (t² + ν)` and `λ = δ² / 2`,
//!
//! ```text
//! F(t; ν, δ) = Φ(−δ) + ½ Σⱼ [Pⱼ I_x(j + ½, ν/2) + Qⱼ I_x(j + 1, ν/2)],
//! Pⱼ = e^{−λ} λʲ / j!,   Qⱼ = e^{−λ} λʲ δ / (√2 Γ(j + 3/2)),
//! ```
//!
//! and `F(t; ν, δ) = 1 − F(−t; ν, −δ)` for `t < 0`. The sum starts at the Poisson mode and runs
//! both ways, with the incomplete beta functions updated by their recurrence in `a`, so one
//! evaluation costs two incomplete beta functions and a few dozen multiplications.

use statrs::distribution::{Continuous, ContinuousCDF, Normal, StudentsT};
use statrs::function::beta::beta_reg;
use statrs::function::gamma::ln_gamma;

use super::analytic::{Alternative, normal_ind_solve_nobs1};

/// Size below which a Poisson weight past the mode ends the forward sweep. The weights after it
/// fall at least geometrically, so the terms left out add up to about this much.
const NEGLIGIBLE_WEIGHT: f64 = 1e-17;

/// Relative width of the bracket at which [`ttest_ind_solve_nobs1`] stops.
const SOLVE_TOLERANCE: f64 = 1e-10;

/// Largest number of terms on either side of the mode.
const MAX_TERMS: usize = 100_000;

/// Returns the CDF of the noncentral t distribution with `df` degrees of freedom and
/// noncentrality `nc` at `t`, or NaN for `df ≤ 0` or a non-finite argument.
pub fn noncentral_t_cdf(t: f64, df: f64, nc: f64) -> f64 {
    if df.is_nan() || df <= 0.0 || !t.is_finite() || !nc.is_finite() {
        return f64::NAN;
    }
    if t < 0.0 {
        return 1.0 - cdf_nonnegative(-t, df, -nc);
    }
    cdf_nonnegative(t, df, nc)
}

/// Returns `1 − F(t; df, nc)` as `F(−t; df, −nc)`.
pub fn noncentral_t_sf(t: f64, df: f64, nc: f64) -> f64 {
    noncentral_t_cdf(-t, df, -nc)
}

fn cdf_nonnegative(t: f64, df: f64, nc: f64) -> f64 {
    let base = Normal::standard().cdf(-nc);
    if t == 0.0 {
        return base;
    }
    let x = t * t / (t * t + df);
    let b = 0.5 * df;
    let lambda = 0.5 * nc * nc;
    let mode = lambda.floor();

    // Weights and incomplete beta functions at the mode.
    let log_weight = |j: f64, shift: f64| {
        let power = if lambda > 0.0 { j * lambda.ln() } else { 0.0 };
        -lambda + power - ln_gamma(j + shift)
    };
    let p_mode = log_weight(mode, 1.0).exp();
    let q_mode = nc / std::f64::consts::SQRT_2 * log_weight(mode, 1.5).exp();
    let a_p = mode + 0.5;
    let a_q = mode + 1.0;
    let beta_p = beta_reg(a_p, b, x);
    let beta_q = beta_reg(a_q, b, x);
    // g(a) = x^a (1 − x)^b Γ(a + b) / (Γ(a + 1) Γ(b)), the step of I_x(a, b) → I_x(a + 1, b).
    let log_x = x.ln();
    let log_1mx = (-x).ln_1p();
    let step = |a: f64| {
        (a * log_x + b * log_1mx + ln_gamma(a + b) - ln_gamma(a + 1.0) - ln_gamma(b)).exp()
    };

    // Forward from the mode.
    let mut sum = 0.0;
    let (mut p, mut q) = (p_mode, q_mode);
    let (mut ip, mut iq) = (beta_p, beta_q);
    let (mut gp, mut gq) = (step(a_p), step(a_q));
    let mut j = mode;
    for _ in 0..MAX_TERMS {
        sum += p * ip + q * iq;
        if j > lambda && p < NEGLIGIBLE_WEIGHT && q.abs() < NEGLIGIBLE_WEIGHT {
            break;
        }
        let (ap, aq) = (j + 0.5, j + 1.0);
        ip -= gp;
        iq -= gq;
        gp *= x * (ap + b) / (ap + 1.0);
        gq *= x * (aq + b) / (aq + 1.0);
        p *= lambda / (j + 1.0);
        q *= lambda / (j + 1.5);
        j += 1.0;
        if ip.max(iq) <= 0.0 {
            break;
        }
    }

    // Backward from the mode.
    let (mut p, mut q) = (p_mode, q_mode);
    let (mut ip, mut iq) = (beta_p, beta_q);
    let (mut gp, mut gq) = (step(a_p - 1.0), step(a_q - 1.0));
    let mut j = mode;
    for _ in 0..MAX_TERMS {
        if j < 1.0 {
            break;
        }
        let (ap, aq) = (j - 0.5, j);
        ip += gp;
        iq += gq;
        p *= j / lambda;
        q *= (j + 0.5) / lambda;
        j -= 1.0;
        sum += p * ip + q * iq;
        if p * ip + q.abs() * iq < 1e-18 * sum.abs().max(1e-300) {
            break;
        }
        gp *= ap / (x * (ap - 1.0 + b));
        gq *= aq / (x * (aq - 1.0 + b));
    }
    (base + 0.5 * sum).clamp(0.0, 1.0)
}

/// Returns the power of statsmodels' `TTestIndPower().power(effect_size, nobs1, alpha, ratio,
/// alternative)`: a two-sample t-test with `df = nobs1 + nobs2 − 2` and noncentrality
/// `effect_size · √(nobs1 nobs2 / (nobs1 + nobs2))`.
pub fn ttest_ind_power(
    effect_size: f64,
    nobs1: f64,
    ratio: f64,
    alpha: f64,
    alternative: Alternative,
) -> f64 {
    let nobs2 = nobs1 * ratio;
    let df = nobs1 + nobs2 - 2.0;
    let nc = effect_size * (nobs1 * nobs2 / (nobs1 + nobs2)).sqrt();
    let Ok(student) = StudentsT::new(0.0, 1.0, df) else {
        return f64::NAN;
    };
    let tail = match alternative {
        Alternative::TwoSided => alpha / 2.0,
        _ => alpha,
    };
    let critical = t_critical(&student, tail);
    let upper = || noncentral_t_sf(critical, df, nc);
    let lower = || noncentral_t_cdf(-critical, df, nc);
    match alternative {
        Alternative::TwoSided => upper() + lower(),
        Alternative::Larger => upper(),
        Alternative::Smaller => lower(),
    }
}

/// Returns the `c` with upper-tail probability `tail`. The start is the Cornish–Fisher
/// expansion of the t quantile around the normal one, to the `df⁻³` term. Checked against
/// scipy 1.17.1's `t.isf` for α = 0.05 and 0.025 it is off by less than 2e-12 from `df = 1000`
/// on, so it is used as it is there; below that, Newton steps on the survival function polish
/// it (statrs' own quantile is accurate to about 1e-7 for large `df`, and slow).
fn t_critical(student: &StudentsT, tail: f64) -> f64 {
    let df = student.freedom();
    let z = Normal::standard().inverse_cdf(1.0 - tail);
    let z2 = z * z;
    let expansion = z
        + z * (z2 + 1.0) / (4.0 * df)
        + z * (5.0 * z2 * z2 + 16.0 * z2 + 3.0) / (96.0 * df * df)
        + z * (3.0 * z2 * z2 * z2 + 19.0 * z2 * z2 + 17.0 * z2 - 15.0) / (384.0 * df.powi(3));
    if df >= 1_000.0 && tail >= 1e-4 {
        return expansion;
    }
    let mut critical = if df >= 10.0 {
        expansion
    } else {
        student.inverse_cdf(1.0 - tail)
    };
    for _ in 0..3 {
        let density = student.pdf(critical);
        if density.is_nan() || density <= 0.0 {
            break;
        }
        let step = (student.sf(critical) - tail) / density;
        critical += step;
        if step.abs() <= 1e-14 * critical.abs() {
            break;
        }
    }
    critical
}

/// Returns the `nobs1` at which [`ttest_ind_power`] reaches `power`, as
/// `TTestIndPower().solve_power(effect_size=..., nobs1=None, ...)` does. The search brackets
/// the root just above the normal-approximation size, which the t-test needs only slightly
/// more than, and narrows the bracket by regula falsi to a relative width of
/// [`SOLVE_TOLERANCE`].
pub fn ttest_ind_solve_nobs1(
    effect_size: f64,
    power: f64,
    ratio: f64,
    alpha: f64,
    alternative: Alternative,
) -> Option<f64> {
    let normal = normal_ind_solve_nobs1(effect_size, power, ratio, alpha, alternative)?;
    let gap = |nobs1: f64| ttest_ind_power(effect_size, nobs1, ratio, alpha, alternative) - power;
    // The smallest size with a positive df, since df = nobs1 (1 + ratio) − 2.
    let smallest = 2.0 / (1.0 + ratio) + 1e-9;

    // Bracket [low, high] with gap(low) < 0 ≤ gap(high). The t-test needs only a few more
    // units per group than the normal test, so the first step is one unit.
    let mut low = normal.max(smallest);
    let mut gap_low = gap(low);
    while gap_low >= 0.0 {
        if low <= smallest {
            return Some(smallest);
        }
        low = (low * 0.95).max(smallest);
        gap_low = gap(low);
    }
    let mut step = 1.0;
    let mut high = low + step;
    let mut gap_high = gap(high);
    while gap_high < 0.0 {
        (low, gap_low) = (high, gap_high);
        step *= 4.0;
        high = low + step;
        gap_high = gap(high);
        if !high.is_finite() {
            return None;
        }
    }

    // Regula falsi with the Illinois modification: an end that stays put twice has its gap
    // halved, so both ends converge.
    let mut kept_side = 0_i8;
    for _ in 0..100 {
        if high - low <= SOLVE_TOLERANCE * high {
            break;
        }
        let next = low - gap_low * (high - low) / (gap_high - gap_low);
        let next = if next > low && next < high {
            next
        } else {
            0.5 * (low + high)
        };
        let gap_next = gap(next);
        if gap_next == 0.0 {
            return Some(next);
        }
        if gap_next < 0.0 {
            (low, gap_low) = (next, gap_next);
            if kept_side == 1 {
                gap_high *= 0.5;
            }
            kept_side = 1;
        } else {
            (high, gap_high) = (next, gap_next);
            if kept_side == -1 {
                gap_low *= 0.5;
            }
            kept_side = -1;
        }
    }
    Some(high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_matches_scipy() {
        // scipy 1.17.1: scipy.stats.nct.cdf(t, df, nc) for these (t, df, nc).
        let cases = [
            (1.5, 10.0, 1.0, 0.669_516_848_215_354_8),
            (-0.5, 4.0, 0.7, 0.124_365_177_426_040_03),
            (2.0, 200_000.0, 2.8, 0.211_855_833_114_052_46),
            (25.0, 50.0, 22.0, 0.858_070_568_955_968_7),
            (0.3, 3.0, -1.2, 0.928_757_426_702_100_7),
        ];
        for (t, df, nc, expected) in cases {
            let cdf = noncentral_t_cdf(t, df, nc);
            assert!(
                (cdf - expected).abs() < 1e-9,
                "F({t}; {df}, {nc}) = {cdf}, scipy {expected}"
            );
        }
    }

    #[test]
    fn zero_noncentrality_is_student_t() {
        let student = StudentsT::new(0.0, 1.0, 7.0).expect("valid");
        for t in [-2.0, -0.3, 0.0, 0.8, 3.0] {
            assert!((noncentral_t_cdf(t, 7.0, 0.0) - student.cdf(t)).abs() < 1e-12);
        }
    }
}
