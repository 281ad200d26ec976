//! Bootstrap confidence intervals: percentile and bias-corrected and accelerated (BCa).
//!
//! BCa follows Efron (1987), "Better bootstrap confidence intervals", JASA 82(397), and
//! Efron & Tibshirani, *An Introduction to the Bootstrap* (1993), section 14.3. With bias
//! correction `z₀ = Φ⁻¹(share of replicates below the estimate, ties counted half)` and
//! acceleration `a` from jackknife values, the interval's ends are the replicate quantiles at
//! `Φ(z₀ + (z₀ + z_q) ÷ (1 − a(z₀ + z_q)))` for `q = α/2` and `1 − α/2`.

use statrs::distribution::{ContinuousCDF, Normal};

/// Returns the `p` quantile of sorted values by linear interpolation between order statistics
/// (Hyndman & Fan type 7, the default of R's `quantile` and numpy's `quantile`).
///
/// Returns `None` for an empty slice or `p` outside `[0, 1]`.
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let position = p * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let fraction = position - below as f64;
    Some(sorted[below] + fraction * (sorted[above] - sorted[below]))
}

/// Returns the percentile interval `(lower, upper)` at `level` from sorted replicates.
pub fn percentile(sorted: &[f64], level: f64) -> Option<(f64, f64)> {
    let alpha = 1.0 - level;
    Some((
        quantile(sorted, alpha / 2.0)?,
        quantile(sorted, 1.0 - alpha / 2.0)?,
    ))
}

/// Bias correction and acceleration of a BCa interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BcaAdjustment {
    pub bias_correction: f64,
    pub acceleration: f64,
}

/// Returns the jackknife acceleration `a = Σ dᵢ³ ÷ (6 (Σ dᵢ²)^{3/2})` with `dᵢ = θ̄ − θ₍ᵢ₎`
/// (Efron & Tibshirani 1993, eq. 14.15). Returns 0 when the jackknife values are all equal.
pub fn jackknife_acceleration(jackknife: &[f64]) -> f64 {
    if jackknife.is_empty() {
        return 0.0;
    }
    let mean = jackknife.iter().sum::<f64>() / jackknife.len() as f64;
    let (mut squares, mut cubes) = (0.0, 0.0);
    for value in jackknife {
        let deviation = mean - value;
        squares += deviation * deviation;
        cubes += deviation * deviation * deviation;
    }
    if squares <= 0.0 {
        return 0.0;
    }
    cubes / (6.0 * squares.powf(1.5))
}

/// Returns the BCa bias correction and acceleration, or `None` when every replicate lies on
/// one side of the estimate (the bias correction is then infinite).
pub fn bca_adjustment(sorted: &[f64], estimate: f64, acceleration: f64) -> Option<BcaAdjustment> {
    if sorted.is_empty() || !acceleration.is_finite() {
        return None;
    }
    let below = sorted.iter().filter(|value| **value < estimate).count() as f64;
    let equal = sorted.iter().filter(|value| **value == estimate).count() as f64;
    let share = (below + 0.5 * equal) / sorted.len() as f64;
    if share <= 0.0 || share >= 1.0 {
        return None;
    }
    let normal = standard_normal();
    Some(BcaAdjustment {
        bias_correction: normal.inverse_cdf(share),
        acceleration,
    })
}

/// Returns the BCa interval `(lower, upper)` at `level`, or `None` when the adjustment is not
/// defined or the adjusted probabilities fall outside (0, 1).
pub fn bca(sorted: &[f64], level: f64, adjustment: BcaAdjustment) -> Option<(f64, f64)> {
    let normal = standard_normal();
    let alpha = 1.0 - level;
    let adjusted = |q: f64| -> Option<f64> {
        let z = normal.inverse_cdf(q);
        let shifted = adjustment.bias_correction + z;
        let denominator = 1.0 - adjustment.acceleration * shifted;
        if denominator <= 0.0 {
            return None;
        }
        let p = normal.cdf(adjustment.bias_correction + shifted / denominator);
        (p > 0.0 && p < 1.0).then_some(p)
    };
    let lower = quantile(sorted, adjusted(alpha / 2.0)?)?;
    let upper = quantile(sorted, adjusted(1.0 - alpha / 2.0)?)?;
    Some((lower, upper))
}

fn standard_normal() -> Normal {
    Normal::standard()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_matches_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.1, 0.5, 0.9]) = [1.4, 3.0, 7.6]
        let sorted = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile(&sorted, 0.1).unwrap() - 1.4).abs() < 1e-12);
        assert_eq!(quantile(&sorted, 0.5), Some(3.0));
        assert!((quantile(&sorted, 0.9).unwrap() - 7.6).abs() < 1e-12);
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn bca_without_bias_or_acceleration_is_percentile() {
        let sorted: Vec<f64> = (0..1001).map(|i| f64::from(i) / 1000.0).collect();
        let adjustment = bca_adjustment(&sorted, 0.5, 0.0).expect("defined");
        assert!(adjustment.bias_correction.abs() < 1e-12);
        let (lower, upper) = bca(&sorted, 0.9, adjustment).expect("defined");
        let (p_lower, p_upper) = percentile(&sorted, 0.9).expect("defined");
        assert!((lower - p_lower).abs() < 1e-9);
        assert!((upper - p_upper).abs() < 1e-9);
    }

    #[test]
    fn bca_shifts_toward_the_bias() {
        // An estimate above the median of the replicates moves both ends up.
        let sorted: Vec<f64> = (0..1001).map(|i| f64::from(i) / 1000.0).collect();
        let adjustment = bca_adjustment(&sorted, 0.6, 0.0).expect("defined");
        assert!(adjustment.bias_correction > 0.0);
        let (lower, upper) = bca(&sorted, 0.9, adjustment).expect("defined");
        assert!(lower > 0.05, "{lower}");
        assert!(upper > 0.95, "{upper}");
    }

    #[test]
    fn bca_undefined_when_all_replicates_on_one_side() {
        assert_eq!(bca_adjustment(&[1.0, 2.0, 3.0], 0.5, 0.0), None);
    }

    #[test]
    fn acceleration_of_symmetric_values_is_zero() {
        assert_eq!(jackknife_acceleration(&[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(jackknife_acceleration(&[2.0, 2.0]), 0.0);
        // Skewed jackknife values: d = θ̄ − θᵢ for [0, 0, 3] is [1, 1, −2],
        // so a = (1 + 1 − 8) ÷ (6 × 6^{3/2}).
        let expected = -6.0 / (6.0 * 6.0_f64.powf(1.5));
        assert!((jackknife_acceleration(&[0.0, 0.0, 3.0]) - expected).abs() < 1e-12);
    }
}
