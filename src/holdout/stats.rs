//! Statistics of a user-level holdout test, computed from per-arm summary statistics.
//!
//! Every difference is treatment minus control. The methods are:
//!
//! - [`welch_interval`]: Welch's unequal-variances t interval and two-sided test for a
//!   difference of means, with Welch–Satterthwaite degrees of freedom.
//! - [`newcombe_interval`]: Newcombe's hybrid score interval for a difference of proportions
//!   (method 10 of Newcombe 1998, "Interval estimation for the difference between independent
//!   proportions: comparison of eleven methods", Statistics in Medicine 17:873–890), built
//!   from the [`wilson_interval`] of each arm.
//! - [`srm_test`]: Pearson's chi-square goodness-of-fit test of the arm sizes against the
//!   planned split, to detect a sample ratio mismatch.
//! - [`holm_adjust`]: Holm–Bonferroni step-down adjusted p-values for several metrics.
//! - CUPED (Deng, Xu, Kohavi & Walker 2013, "Improving the sensitivity of online controlled
//!   experiments by utilizing pre-experiment data", WSDM): [`cuped_theta`],
//!   [`cuped_adjusted_summary`] and [`cuped_variance_reduction`], on a
//!   [`CovarianceSummary`] of a pre-period covariate `x` and the metric `y`.
//! - [`relative_lift`]: the difference as a share of the control mean.
//!
//! The functions never panic and never return NaN, which property tests check on arbitrary
//! input including NaN and infinities. Input that leaves a quantity undefined (too few
//! users, a zero variance where one is divided by, a level outside (0, 1), values that are
//! not finite) gives `None` or a typed error, and each function's documentation lists those
//! cases.

use statrs::distribution::{ChiSquared, Continuous, ContinuousCDF, Normal, StudentsT};

/// Significance level of the sample ratio mismatch test. A p-value below it sets
/// [`SrmResult::mismatch`]. The level is strict because the check runs on every experiment,
/// where a level of 0.05 would flag one sound experiment in twenty.
pub const SRM_ALPHA: f64 = 0.001;

/// Relative size below which a centred sum of squares computed from raw sums is taken to be
/// rounding error and set to zero: `Σx² − (Σx)²/n ≤ 1e-12 × Σx²` counts as zero.
///
/// NOTE: this also zeroes a true variance smaller than about `1e-12 × mean(x²)`, that is a
/// standard deviation below about one millionth of the mean's magnitude. Raw sums cannot
/// resolve such a variance in double precision anyway.
const CANCELLATION_TOLERANCE: f64 = 1e-12;

/// Size, mean and sample variance of a metric in one arm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanSummary {
    /// Number of users.
    pub n: f64,
    /// Mean of the metric.
    pub mean: f64,
    /// Sample variance of the metric, with divisor `n − 1`.
    pub variance: f64,
}

/// Size and number of successes (for example conversions) in one arm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProportionSummary {
    /// Number of users.
    pub n: f64,
    /// Number of users with a success, in `[0, n]`.
    pub successes: f64,
}

/// Confidence interval for a difference treatment − control.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiffInterval {
    /// Point estimate of treatment − control.
    pub difference: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
    /// Confidence level, for example 0.95.
    pub level: f64,
    /// Standard error of the difference. Welch only.
    pub standard_error: Option<f64>,
    /// Welch–Satterthwaite degrees of freedom. Welch only, and `None` when both variances
    /// are zero.
    pub degrees_of_freedom: Option<f64>,
    /// Two-sided p-value of a zero difference. Welch only, and `None` when both variances
    /// are zero.
    pub p_value: Option<f64>,
    /// Degenerate input that the interval was still computed for.
    pub note: Option<IntervalNote>,
}

/// Degenerate input behind an interval that is still returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalNote {
    /// Both arms have zero variance, so the interval is the point estimate with zero width
    /// and there is no test.
    ZeroVariance,
}

impl std::fmt::Display for IntervalNote {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntervalNote::ZeroVariance => formatter.write_str(
                "both arms have zero variance, so the interval has zero width and no p-value",
            ),
        }
    }
}

/// Confidence interval for a single proportion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProportionInterval {
    /// Observed proportion `successes ÷ n`.
    pub proportion: f64,
    /// Lower end of the interval, at least 0.
    pub lower: f64,
    /// Upper end of the interval, at most 1.
    pub upper: f64,
    /// Confidence level, for example 0.95.
    pub level: f64,
}

/// Result of the sample ratio mismatch test.
#[derive(Debug, Clone, PartialEq)]
pub struct SrmResult {
    /// Pearson's statistic `Σ (Oᵢ − Eᵢ)² ÷ Eᵢ`.
    pub statistic: f64,
    /// Number of arms minus one.
    pub degrees_of_freedom: f64,
    /// Upper-tail probability of the statistic under the chi-square distribution.
    pub p_value: f64,
    /// Whether `p_value < SRM_ALPHA`, that is the arm sizes do not fit the planned split.
    pub mismatch: bool,
    /// Expected count of each arm: the total count times the arm's normalised share.
    pub expected: Vec<f64>,
}

/// Invalid input to [`srm_test`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SrmError {
    #[error(
        "the sample ratio test got {observed} observed counts but {shares} planned shares; \
         give one share per arm"
    )]
    LengthMismatch { observed: usize, shares: usize },
    #[error("the sample ratio test needs at least two arms, got {arms}")]
    TooFewArms { arms: usize },
    #[error("planned share {index} is {value}; shares must be positive and finite")]
    InvalidShare { index: usize, value: f64 },
    #[error("observed count {index} is {value}; counts must be non-negative and finite")]
    InvalidCount { index: usize, value: f64 },
    #[error("the observed counts sum to {total}; the total must be positive and finite")]
    InvalidTotal { total: f64 },
    #[error(
        "the chi-square statistic overflowed; counts near the largest double or a share \
         vanishingly small next to the others cause this"
    )]
    StatisticOverflow,
}

/// A p-value that [`holm_adjust`] rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("p-value {index} is {value}; p-values must lie in [0, 1]")]
pub struct InvalidPValue {
    pub index: usize,
    pub value: f64,
}

/// Reason that [`relative_lift`] has no value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UndefinedReason {
    #[error("relative lift is undefined because the control mean is zero")]
    ZeroControlMean,
    #[error(
        "relative lift is undefined because a mean is not finite \
         (control {control}, treatment {treatment})"
    )]
    NotFinite { control: f64, treatment: f64 },
    #[error(
        "relative lift of treatment mean {treatment} over control mean {control} is too large \
         to represent"
    )]
    Overflow { control: f64, treatment: f64 },
}

/// Computes the difference of means with Welch's t interval and two-sided test.
///
/// With `a_t = s_t² ÷ n_t`, `a_c = s_c² ÷ n_c` and `se = √(a_t + a_c)`, where `t` marks
/// treatment and `c` control:
///
/// ```text
/// d = ȳ_t − ȳ_c
/// ν = (a_t + a_c)² ÷ (a_t² ÷ (n_t − 1) + a_c² ÷ (n_c − 1))     (Welch–Satterthwaite)
/// interval  d ± t(ν, 1 − α/2) × se,   α = 1 − level
/// p = 2 × P(T_ν > |d| ÷ se)
/// ```
///
/// When one variance is zero, `ν` is the other arm's `n − 1`. When both are zero, the
/// result is the point `d` with a zero-width interval, no degrees of freedom and no p-value,
/// and [`DiffInterval::note`] is [`IntervalNote::ZeroVariance`].
///
/// Returns `None` when an arm has `n < 2`, a variance is negative, an input is not finite,
/// `level` is outside (0, 1), or the result overflows.
pub fn welch_interval(
    control: &MeanSummary,
    treatment: &MeanSummary,
    level: f64,
) -> Option<DiffInterval> {
    if !valid_level(level) || !valid_mean_summary(control) || !valid_mean_summary(treatment) {
        return None;
    }
    let difference = treatment.mean - control.mean;
    let treatment_term = treatment.variance / treatment.n;
    let control_term = control.variance / control.n;
    let total = treatment_term + control_term;
    if !difference.is_finite() || !total.is_finite() {
        return None;
    }

    if total == 0.0 {
        return Some(DiffInterval {
            difference,
            lower: difference,
            upper: difference,
            level,
            standard_error: Some(0.0),
            degrees_of_freedom: None,
            p_value: None,
            note: Some(IntervalNote::ZeroVariance),
        });
    }

    let standard_error = total.sqrt();
    // Dividing each term by the total first keeps tiny variances from underflowing.
    let treatment_share = treatment_term / total;
    let control_share = control_term / total;
    let degrees_of_freedom = 1.0
        / (treatment_share * treatment_share / (treatment.n - 1.0)
            + control_share * control_share / (control.n - 1.0));

    let critical = student_t_upper_quantile((1.0 - level) / 2.0, degrees_of_freedom)?;
    let margin = critical * standard_error;
    let statistic = difference / standard_error;
    let p_value = (2.0 * student_t_sf(statistic.abs(), degrees_of_freedom)?).min(1.0);

    let interval = DiffInterval {
        difference,
        lower: difference - margin,
        upper: difference + margin,
        level,
        standard_error: Some(standard_error),
        degrees_of_freedom: Some(degrees_of_freedom),
        p_value: Some(p_value),
        note: None,
    };
    (interval.lower.is_finite() && interval.upper.is_finite() && p_value.is_finite())
        .then_some(interval)
}

/// Computes the Wilson score interval for one proportion.
///
/// With `p̂ = successes ÷ n` and `z` the standard normal quantile at `1 − α/2`:
///
/// ```text
/// centre     = (p̂ + z² ÷ 2n) ÷ (1 + z² ÷ n)
/// half-width = z √(p̂(1 − p̂) ÷ n + z² ÷ 4n²) ÷ (1 + z² ÷ n)
/// ```
///
/// The ends are clipped to [0, 1], and they are exactly 0 when there are no successes and
/// exactly 1 when every user succeeds.
///
/// Returns `None` when `n ≤ 0`, `successes` is outside `[0, n]`, an input is not finite,
/// `level` is outside (0, 1), or the arithmetic overflows (a tiny fractional `n`).
pub fn wilson_interval(arm: &ProportionSummary, level: f64) -> Option<ProportionInterval> {
    if !valid_level(level) || !valid_proportion_summary(arm) {
        return None;
    }
    let z = normal_critical_value(level);
    let n = arm.n;
    let proportion = arm.successes / n;
    let z_squared = z * z;
    let denominator = 1.0 + z_squared / n;
    let centre = (proportion + z_squared / (2.0 * n)) / denominator;
    let half_width =
        z * (proportion * (1.0 - proportion) / n + z_squared / (4.0 * n * n)).sqrt() / denominator;

    let lower = if arm.successes == 0.0 {
        0.0
    } else {
        (centre - half_width).clamp(0.0, 1.0)
    };
    let upper = if arm.successes == n {
        1.0
    } else {
        (centre + half_width).clamp(0.0, 1.0)
    };
    let interval = ProportionInterval {
        proportion,
        lower,
        upper,
        level,
    };
    (lower.is_finite() && upper.is_finite()).then_some(interval)
}

/// Computes Newcombe's hybrid score interval for the difference of proportions.
///
/// With `p̂_t`, `p̂_c` the observed proportions of treatment and control and `[l_t, u_t]`,
/// `[l_c, u_c]` their Wilson score intervals at the same level (method 10 of Newcombe 1998):
///
/// ```text
/// d     = p̂_t − p̂_c
/// lower = d − √((p̂_t − l_t)² + (u_c − p̂_c)²)
/// upper = d + √((u_t − p̂_t)² + (p̂_c − l_c)²)
/// ```
///
/// The interval lies within [−1, 1] and is defined when either proportion is 0 or 1. It
/// has no p-value, standard error or degrees of freedom.
///
/// Returns `None` under the same conditions as [`wilson_interval`] for either arm.
pub fn newcombe_interval(
    control: &ProportionSummary,
    treatment: &ProportionSummary,
    level: f64,
) -> Option<DiffInterval> {
    let control_interval = wilson_interval(control, level)?;
    let treatment_interval = wilson_interval(treatment, level)?;
    let control_proportion = control_interval.proportion;
    let treatment_proportion = treatment_interval.proportion;
    let difference = treatment_proportion - control_proportion;

    let below = (treatment_proportion - treatment_interval.lower)
        .hypot(control_interval.upper - control_proportion);
    let above = (treatment_interval.upper - treatment_proportion)
        .hypot(control_proportion - control_interval.lower);
    Some(DiffInterval {
        difference,
        lower: difference - below,
        upper: difference + above,
        level,
        standard_error: None,
        degrees_of_freedom: None,
        p_value: None,
        note: None,
    })
}

/// Tests the arm sizes against the planned split with Pearson's chi-square goodness-of-fit
/// test, to detect a sample ratio mismatch.
///
/// The shares are normalised to sum to 1, so `[1, 1]` and `[0.5, 0.5]` mean the same split.
/// With `N = Σ Oᵢ` and `Eᵢ = N × shareᵢ ÷ Σ share`, the statistic is `Σ (Oᵢ − Eᵢ)² ÷ Eᵢ` on
/// `k − 1` degrees of freedom for `k` arms, and the p-value is its chi-square survival
/// function. [`SrmResult::mismatch`] is set when the p-value is below [`SRM_ALPHA`].
///
/// Rejects a length mismatch, fewer than two arms, a share that is not positive and finite,
/// a count that is negative or not finite, a total that is zero or overflows, and a
/// statistic that overflows.
pub fn srm_test(observed: &[f64], expected_shares: &[f64]) -> Result<SrmResult, SrmError> {
    if observed.len() != expected_shares.len() {
        return Err(SrmError::LengthMismatch {
            observed: observed.len(),
            shares: expected_shares.len(),
        });
    }
    if observed.len() < 2 {
        return Err(SrmError::TooFewArms {
            arms: observed.len(),
        });
    }
    if let Some((index, value)) = expected_shares
        .iter()
        .enumerate()
        .find(|(_, share)| !(share.is_finite() && **share > 0.0))
    {
        return Err(SrmError::InvalidShare {
            index,
            value: *value,
        });
    }
    if let Some((index, value)) = observed
        .iter()
        .enumerate()
        .find(|(_, count)| !(count.is_finite() && **count >= 0.0))
    {
        return Err(SrmError::InvalidCount {
            index,
            value: *value,
        });
    }
    let total: f64 = observed.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        return Err(SrmError::InvalidTotal { total });
    }

    // Scaling by the largest share first keeps the sum of shares from overflowing.
    let largest_share = expected_shares
        .iter()
        .fold(0.0_f64, |max, share| max.max(*share));
    let share_total: f64 = expected_shares
        .iter()
        .map(|share| share / largest_share)
        .sum();
    let expected: Vec<f64> = expected_shares
        .iter()
        .map(|share| total * (share / largest_share / share_total))
        .collect();
    let statistic: f64 = observed
        .iter()
        .zip(&expected)
        .map(|(count, expected)| (count - expected).powi(2) / expected)
        .sum();
    if !statistic.is_finite() {
        return Err(SrmError::StatisticOverflow);
    }
    let degrees_of_freedom = (observed.len() - 1) as f64;
    let p_value = ChiSquared::new(degrees_of_freedom)
        .map(|distribution| distribution.sf(statistic))
        .map_err(|_| SrmError::TooFewArms {
            arms: observed.len(),
        })?;
    Ok(SrmResult {
        statistic,
        degrees_of_freedom,
        p_value,
        mismatch: p_value < SRM_ALPHA,
        expected,
    })
}

/// Adjusts p-values for multiple comparisons with Holm's step-down method and returns them
/// in the input order.
///
/// With the `m` p-values sorted ascending as `p₍₁₎ ≤ … ≤ p₍ₘ₎`, the adjusted value of
/// `p₍ᵢ₎` is `min(1, max over j ≤ i of (m − j + 1) p₍ⱼ₎)`. Tied p-values get the same adjusted
/// value, and an empty slice gives an empty vector.
///
/// Rejects a p-value outside [0, 1] or NaN.
pub fn holm_adjust(p_values: &[f64]) -> Result<Vec<f64>, InvalidPValue> {
    if let Some((index, value)) = p_values
        .iter()
        .enumerate()
        .find(|(_, p)| !(0.0..=1.0).contains(*p))
    {
        return Err(InvalidPValue {
            index,
            value: *value,
        });
    }
    let count = p_values.len();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|a, b| p_values[*a].total_cmp(&p_values[*b]));

    let mut adjusted = vec![0.0; count];
    let mut running_max = 0.0_f64;
    for (rank, index) in order.into_iter().enumerate() {
        let multiplier = (count - rank) as f64;
        running_max = running_max.max(multiplier * p_values[index]);
        adjusted[index] = running_max.min(1.0);
    }
    Ok(adjusted)
}

/// Sums of a pre-period covariate `x` and a metric `y` over a set of users.
///
/// Raw sums let warehouse-aggregated buckets be combined with [`CovarianceSummary::merge`].
/// The means, variances and covariance follow from them:
///
/// ```text
/// x̄ = Σx ÷ n
/// var(x) = (Σx² − (Σx)² ÷ n) ÷ (n − 1)
/// cov(x, y) = (Σxy − Σx Σy ÷ n) ÷ (n − 1)
/// ```
///
/// NOTE: raw sums lose precision when the mean is large relative to the standard deviation,
/// because the centred sums are differences of nearly equal numbers. About
/// `2 log₁₀(|mean| ÷ sd)` of the 16 significant digits are lost. A centred sum of squares
/// below `1e-12` of the raw sum of squares is taken as zero, and the covariance is clipped so
/// that the correlation stays within [−1, 1]. Sums with `Σx² < (Σx)² ÷ n` beyond that
/// tolerance cannot come from real data, and the statistics that need them return `None`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CovarianceSummary {
    /// Number of users.
    pub n: f64,
    /// Σx.
    pub sum_x: f64,
    /// Σy.
    pub sum_y: f64,
    /// Σx².
    pub sum_xx: f64,
    /// Σy².
    pub sum_yy: f64,
    /// Σxy.
    pub sum_xy: f64,
}

impl CovarianceSummary {
    /// Builds the sums from paired values, or returns `None` when the lengths differ.
    pub fn from_values(x: &[f64], y: &[f64]) -> Option<Self> {
        if x.len() != y.len() {
            return None;
        }
        let mut summary = Self {
            n: x.len() as f64,
            ..Self::default()
        };
        for (x, y) in x.iter().zip(y) {
            summary.sum_x += x;
            summary.sum_y += y;
            summary.sum_xx += x * x;
            summary.sum_yy += y * y;
            summary.sum_xy += x * y;
        }
        Some(summary)
    }

    /// Combines the sums of two disjoint sets of users.
    pub fn merge(&self, other: &Self) -> Self {
        Self {
            n: self.n + other.n,
            sum_x: self.sum_x + other.sum_x,
            sum_y: self.sum_y + other.sum_y,
            sum_xx: self.sum_xx + other.sum_xx,
            sum_yy: self.sum_yy + other.sum_yy,
            sum_xy: self.sum_xy + other.sum_xy,
        }
    }

    /// Mean of `x`, or `None` when there are no users or a sum is not finite.
    pub fn mean_x(&self) -> Option<f64> {
        (self.is_valid() && self.n > 0.0).then(|| self.sum_x / self.n)
    }

    /// Mean of `y`, or `None` when there are no users or a sum is not finite.
    pub fn mean_y(&self) -> Option<f64> {
        (self.is_valid() && self.n > 0.0).then(|| self.sum_y / self.n)
    }

    /// Sample variance of `x` (divisor `n − 1`), or `None` when `n < 2` or a sum is not
    /// finite.
    pub fn variance_x(&self) -> Option<f64> {
        Some(self.centred_squares_x()? / (self.n - 1.0))
    }

    /// Sample variance of `y` (divisor `n − 1`), or `None` when `n < 2` or a sum is not
    /// finite.
    pub fn variance_y(&self) -> Option<f64> {
        Some(self.centred_squares_y()? / (self.n - 1.0))
    }

    /// Sample covariance of `x` and `y` (divisor `n − 1`), or `None` when `n < 2` or a sum is
    /// not finite. It is zero when either variance is zero.
    pub fn covariance(&self) -> Option<f64> {
        Some(self.centred_cross_products()? / (self.n - 1.0))
    }

    /// Pearson correlation of `x` and `y`, or `None` when `n < 2`, a sum is not finite or
    /// either variance is zero.
    pub fn correlation(&self) -> Option<f64> {
        let squares_x = self.centred_squares_x()?;
        let squares_y = self.centred_squares_y()?;
        if squares_x == 0.0 || squares_y == 0.0 {
            return None;
        }
        let correlation = self.centred_cross_products()? / (squares_x.sqrt() * squares_y.sqrt());
        Some(correlation.clamp(-1.0, 1.0))
    }

    /// Size, mean and variance of `y` without adjustment, or `None` when `n < 2` or a sum is
    /// not finite.
    pub fn summary_y(&self) -> Option<MeanSummary> {
        Some(MeanSummary {
            n: self.n,
            mean: self.mean_y()?,
            variance: self.variance_y()?,
        })
    }

    fn is_valid(&self) -> bool {
        self.n >= 0.0
            && [
                self.n,
                self.sum_x,
                self.sum_y,
                self.sum_xx,
                self.sum_yy,
                self.sum_xy,
            ]
            .iter()
            .all(|value| value.is_finite())
    }

    fn centred_squares_x(&self) -> Option<f64> {
        self.centred_squares(self.sum_xx, self.sum_x)
    }

    fn centred_squares_y(&self) -> Option<f64> {
        self.centred_squares(self.sum_yy, self.sum_y)
    }

    /// Returns `Σ(v − v̄)² = Σv² − (Σv)² ÷ n`, zero when it is within rounding error of zero
    /// and `None` when it is negative beyond rounding.
    fn centred_squares(&self, sum_of_squares: f64, sum: f64) -> Option<f64> {
        if !self.is_valid() || self.n < 2.0 {
            return None;
        }
        let centred = sum_of_squares - sum * (sum / self.n);
        let rounding = CANCELLATION_TOLERANCE * sum_of_squares.abs();
        if !centred.is_finite() || centred < -rounding {
            // Σv² below (Σv)² ÷ n by more than rounding is impossible for real data.
            return None;
        }
        if centred <= rounding {
            return Some(0.0);
        }
        Some(centred)
    }

    /// Returns `Σ(x − x̄)(y − ȳ)`, zero when either centred sum of squares is zero and
    /// clipped to `±√(Σ(x − x̄)² Σ(y − ȳ)²)` (the Cauchy–Schwarz bound) otherwise.
    fn centred_cross_products(&self) -> Option<f64> {
        let squares_x = self.centred_squares_x()?;
        let squares_y = self.centred_squares_y()?;
        if squares_x == 0.0 || squares_y == 0.0 {
            return Some(0.0);
        }
        let centred = self.sum_xy - self.sum_x * (self.sum_y / self.n);
        if !centred.is_finite() {
            return None;
        }
        let bound = squares_x.sqrt() * squares_y.sqrt();
        Some(centred.clamp(-bound, bound))
    }
}

/// Computes the CUPED coefficient `θ = cov(y, x) ÷ var(x)` from the pooled arms.
///
/// `θ` must come from both arms pooled, never from each arm separately, so that both arms
/// get the same adjustment and the difference of adjusted means still estimates the
/// treatment effect. It is the slope of the least-squares regression of `y` on `x`.
///
/// Returns `None` when `var(x)` is zero (every user has the same covariate, so it carries no
/// information), `n < 2`, or a sum is not finite.
pub fn cuped_theta(pooled: &CovarianceSummary) -> Option<f64> {
    let variance_x = pooled.variance_x()?;
    if variance_x == 0.0 {
        return None;
    }
    let theta = pooled.covariance()? / variance_x;
    theta.is_finite().then_some(theta)
}

/// Returns the share of the variance of `y` that CUPED removes at the optimal `θ`: `ρ²`,
/// where `ρ` is the correlation of `y` and `x`.
///
/// With `θ = cov(y, x) ÷ var(x)`, `var(y − θx) = var(y) − cov(y, x)² ÷ var(x) =
/// var(y)(1 − ρ²)`, so the adjusted metric needs a share `1 − ρ²` of the users for the same
/// precision. With `θ` estimated from the data the reduction is this value up to sampling
/// error.
///
/// Returns `None` when `correlation` is not finite or outside [−1, 1].
pub fn cuped_variance_reduction(correlation: f64) -> Option<f64> {
    (-1.0..=1.0)
        .contains(&correlation)
        .then_some(correlation * correlation)
}

/// Computes the size, mean and sample variance of the CUPED-adjusted metric
/// `y − θ(x − x̄_pooled)` in one arm.
///
/// ```text
/// mean     = ȳ − θ(x̄ − x̄_pooled)
/// variance = var(y) − 2θ cov(y, x) + θ² var(x)
/// ```
///
/// Subtracting the pooled mean of `x` keeps the adjusted means on the scale of `y`, so the
/// relative lift of adjusted means stays meaningful. The variance is clipped at zero against
/// rounding. Pass the results to [`welch_interval`].
///
/// Returns `None` when the arm has `n < 2`, a sum is not finite, or `theta` or
/// `pooled_mean_x` is not finite.
pub fn cuped_adjusted_summary(
    arm: &CovarianceSummary,
    theta: f64,
    pooled_mean_x: f64,
) -> Option<MeanSummary> {
    if !theta.is_finite() || !pooled_mean_x.is_finite() {
        return None;
    }
    let mean_x = arm.mean_x()?;
    let mean_y = arm.mean_y()?;
    let variance_x = arm.variance_x()?;
    let variance_y = arm.variance_y()?;
    let covariance = arm.covariance()?;

    let mean = mean_y - theta * (mean_x - pooled_mean_x);
    let variance = (variance_y - 2.0 * theta * covariance + theta * theta * variance_x).max(0.0);
    (mean.is_finite() && variance.is_finite()).then_some(MeanSummary {
        n: arm.n,
        mean,
        variance,
    })
}

/// Computes the relative lift `(t − c) ÷ |c|` of the treatment mean `t` over the control
/// mean `c`.
///
/// The divisor is the absolute value of the control mean, so a positive lift always means
/// that the treatment mean is higher. For a negative baseline such as a net loss of −50, a
/// treatment mean of −40 gives +0.2, and the value is then a change relative to the size of
/// the baseline rather than a percentage growth of it.
///
/// Fails when the control mean is zero (the ratio has no finite value), when a mean is not
/// finite, or when the ratio overflows.
pub fn relative_lift(control_mean: f64, treatment_mean: f64) -> Result<f64, UndefinedReason> {
    if !control_mean.is_finite() || !treatment_mean.is_finite() {
        return Err(UndefinedReason::NotFinite {
            control: control_mean,
            treatment: treatment_mean,
        });
    }
    if control_mean == 0.0 {
        return Err(UndefinedReason::ZeroControlMean);
    }
    let lift = (treatment_mean - control_mean) / control_mean.abs();
    if !lift.is_finite() {
        return Err(UndefinedReason::Overflow {
            control: control_mean,
            treatment: treatment_mean,
        });
    }
    Ok(lift)
}

fn valid_level(level: f64) -> bool {
    level > 0.0 && level < 1.0
}

fn valid_mean_summary(summary: &MeanSummary) -> bool {
    summary.n.is_finite()
        && summary.n >= 2.0
        && summary.mean.is_finite()
        && summary.variance.is_finite()
        && summary.variance >= 0.0
}

fn valid_proportion_summary(summary: &ProportionSummary) -> bool {
    summary.n.is_finite()
        && summary.n > 0.0
        && summary.successes.is_finite()
        && (0.0..=summary.n).contains(&summary.successes)
}

/// Degrees of freedom above which the Student's t survival function comes from its
/// expansion around the normal distribution rather than from statrs.
///
/// statrs 0.19.1 computes it through the regularised incomplete beta function, whose
/// log-gamma prefactor loses about `log₁₀ ν` digits. Against scipy.stats.t.sf (scipy 1.17.1)
/// its relative error is up to about 3e-10 at ν = 1e5, 1e-9 at 1e6 and 7e-3 at 1e12, nearly
/// the same at every `x`. The expansion's error falls as `ν⁻³` but grows with `x`. At ν = 5e5 it is about
/// 3e-11 at `x = 6` (p ≈ 1e-9), 1e-9 at `x = 8` (p ≈ 6e-16) and 6e-8 at `x = 11`
/// (p ≈ 2e-28), on top of the error of about 1e-10 in statrs' normal survival function.
const SF_EXPANSION_MIN_DF: f64 = 5e5;

/// Degrees of freedom above which the Student's t quantile comes from the Cornish–Fisher
/// expansion rather than from statrs.
///
/// The inverse in statrs 0.19.1 (algorithm AS 64 on the incomplete beta function) is
/// accurate to about 5e-13 relative up to ν = 1e3, but against scipy.stats.t.isf (scipy
/// 1.17.1) it was off by up to 3e-8 at ν = 3e3 and 3e-6 at ν = 1e5, and it did not return
/// within a minute at ν ≈ 1e8. The expansion is off by less than 3e-11 at ν = 1e3 for upper-tail
/// probabilities down to 0.0005, and by about 3e-10 at 1e-6.
const QUANTILE_EXPANSION_MIN_DF: f64 = 1e3;

/// Returns the upper-tail probability `P(T > x)` of Student's t with `df` degrees of freedom,
/// or `None` when it is not finite.
///
/// Above [`SF_EXPANSION_MIN_DF`] this is the expansion in `1/ν` around the normal
/// distribution, with `Q` and `φ` the standard normal survival and density functions:
///
/// ```text
/// P(T > x) = Q(x) + φ(x) [(x³ + x) ÷ 4ν + (3x⁷ − 7x⁵ − 5x³ − 3x) ÷ 96ν²] + O(ν⁻³)
/// ```
///
/// The coefficients were checked against scipy.stats.t.sf (scipy 1.17.1) at ν = 200 to
/// 5000, where the scaled remainder converges to them as `1/ν`.
fn student_t_sf(x: f64, df: f64) -> Option<f64> {
    let probability = if df > SF_EXPANSION_MIN_DF {
        let normal = Normal::standard();
        let x2 = x * x;
        let first = (x2 * x + x) / (4.0 * df);
        let second = x * (((3.0 * x2 - 7.0) * x2 - 5.0) * x2 - 3.0) / (96.0 * df * df);
        normal.sf(x) + normal.pdf(x) * (first + second)
    } else {
        StudentsT::new(0.0, 1.0, df).ok()?.sf(x)
    };
    probability
        .is_finite()
        .then_some(probability.clamp(0.0, 1.0))
}

/// Returns the quantile `t(ν, 1 − tail)` of Student's t with `df` degrees of freedom for an
/// upper-tail probability `tail` in (0, ½), or `None` when it is not finite.
///
/// Up to [`QUANTILE_EXPANSION_MIN_DF`], statrs inverts the lower tail at `tail`, where the
/// probability is exact, and the result is negated. Above it this is the Cornish–Fisher
/// expansion around the normal quantile `z = Φ⁻¹(1 − tail)`:
///
/// ```text
/// t = z + (z³ + z) ÷ 4ν + (5z⁵ + 16z³ + 3z) ÷ 96ν² + (3z⁷ + 19z⁵ + 17z³ − 15z) ÷ 384ν³
///       + O(ν⁻⁴)
/// ```
///
/// The coefficients were checked against scipy.stats.t.isf (scipy 1.17.1) at ν = 10 to
/// 1e5, where the remainder of each truncation falls by the next power of `1/ν`.
fn student_t_upper_quantile(tail: f64, df: f64) -> Option<f64> {
    let quantile = if df > QUANTILE_EXPANSION_MIN_DF {
        let z = -Normal::standard().inverse_cdf(tail);
        let z2 = z * z;
        let first = (z2 * z + z) / (4.0 * df);
        let second = z * ((5.0 * z2 + 16.0) * z2 + 3.0) / (96.0 * df * df);
        let third = z * (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) / (384.0 * df * df * df);
        z + first + second + third
    } else {
        -StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(tail)
    };
    quantile.is_finite().then_some(quantile)
}

/// Returns the standard normal quantile at `1 − α/2` for `α = 1 − level`, taken in the lower
/// tail where `α/2` is exact and negated.
fn normal_critical_value(level: f64) -> f64 {
    -Normal::standard().inverse_cdf((1.0 - level) / 2.0)
}

#[cfg(test)]
mod tests {
    //! Reference values come from tests/reference/holdout_stats_statsmodels.py (statsmodels
    //! 0.15.0, scipy 1.17.1, numpy 2.4.6). Each test names the call that printed its values.

    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::StandardNormal;

    /// Relative tolerance for values computed by the same formula in the reference.
    const REFERENCE_TOLERANCE: f64 = 1e-9;

    fn assert_close(actual: f64, expected: f64, label: &str) {
        let error = (actual - expected).abs();
        assert!(
            error <= REFERENCE_TOLERANCE * expected.abs(),
            "{label}: {actual} vs reference {expected} (relative error {:e})",
            error / expected.abs()
        );
    }

    /// Builds a summary by the two-pass definition of numpy's `mean` and `var(ddof=1)`.
    fn summarise(values: &[f64]) -> MeanSummary {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        MeanSummary { n, mean, variance }
    }

    const WELCH_CONTROL: [f64; 8] = [12.1, 9.8, 11.4, 10.2, 13.5, 8.9, 10.7, 11.9];
    const WELCH_TREATMENT: [f64; 11] = [
        13.2, 12.8, 9.9, 14.1, 15.3, 11.7, 12.2, 16.0, 13.4, 10.8, 14.6,
    ];

    #[test]
    fn welch_matches_statsmodels_interval() {
        // CompareMeans(DescrStatsW(treatment), DescrStatsW(control))
        //     .tconfint_diff(alpha, usevar="unequal")
        let control = summarise(&WELCH_CONTROL);
        let treatment = summarise(&WELCH_TREATMENT);
        let cases = [
            (0.95, 0.41290791147991857, 3.643910270338261),
            (0.90, 0.6965874557541829, 3.360230726063997),
        ];
        for (level, lower, upper) in cases {
            let interval = welch_interval(&control, &treatment, level).expect("defined");
            assert_close(interval.lower, lower, &format!("lower at {level}"));
            assert_close(interval.upper, upper, &format!("upper at {level}"));
            assert_eq!(interval.level, level);
            assert_eq!(interval.note, None);
        }
    }

    #[test]
    fn welch_matches_statsmodels_test() {
        // CompareMeans(...).ttest_ind(usevar="unequal") returns t, p and df.
        let control = summarise(&WELCH_CONTROL);
        let treatment = summarise(&WELCH_TREATMENT);
        let interval = welch_interval(&control, &treatment, 0.95).expect("defined");
        let statistic = interval.difference / interval.standard_error.expect("positive");
        assert_close(statistic, 2.6507558430083398, "t");
        assert_close(interval.p_value.expect("p"), 0.016897830124750105, "p");
        assert_close(
            interval.degrees_of_freedom.expect("df"),
            16.858899595522423,
            "df",
        );
    }

    #[test]
    fn welch_matches_scipy_on_large_arms() {
        // scipy.stats.ttest_ind_from_stats(mean1, sqrt(var1), n1, mean2, sqrt(var2), n2,
        //     equal_var=False), treatment first. The second case has p near 1e-28, which a
        // p-value computed as 1 − cdf would lose. The third has about 1e8 degrees of freedom,
        // where the large-df expansion applies.
        // Columns: control n, mean, variance, then treatment n, mean, variance, then t and p.
        let cases = [
            (
                48213.0,
                3.127,
                41.9,
                48022.0,
                3.241,
                44.6,
                2.688648432779802,
                0.00717542992753284,
            ),
            (
                1500.0,
                4.0,
                9.0,
                2000.0,
                5.0,
                4.0,
                11.180339887498949,
                2.4239639775478645e-28,
            ),
            (
                5e7,
                3.236,
                41.9,
                5e7,
                3.241,
                44.6,
                3.8014296063484467,
                0.0001438636983924961,
            ),
        ];
        for (n_c, mean_c, variance_c, n_t, mean_t, variance_t, statistic, p_value) in cases {
            let control = MeanSummary {
                n: n_c,
                mean: mean_c,
                variance: variance_c,
            };
            let treatment = MeanSummary {
                n: n_t,
                mean: mean_t,
                variance: variance_t,
            };
            let interval = welch_interval(&control, &treatment, 0.95).expect("defined");
            let found = interval.difference / interval.standard_error.expect("positive");
            assert_close(found, statistic, &format!("t with n {n_t}"));
            assert_close(
                interval.p_value.expect("p"),
                p_value,
                &format!("p with n {n_t}"),
            );
        }
    }

    /// `stats.t.sf([0.5, 1.96, 3.8, 6.0], df)` and `stats.t.isf([0.25, 0.025, 0.0005, 1e-6], df)`
    /// at degrees of freedom on both sides of each switch to an expansion.
    const STUDENT_T_REFERENCE: [(f64, [f64; 4], [f64; 4]); 7] = [
        (
            1e3,
            [
                0.30859254041693734,
                0.025136592477874368,
                7.671752591871041e-05,
                1.3776845866887376e-09,
            ],
            [
                0.6747351646070093,
                1.9623390808264085,
                3.3002826484239134,
                4.781608620458351,
            ],
        ),
        (
            1.5e3,
            [
                0.3085742084135091,
                0.025090348294889136,
                7.524157098312925e-05,
                1.2346950448093492e-09,
            ],
            [
                0.6746533421408784,
                1.961546753895019,
                3.2970248490459517,
                4.772181545529812,
            ],
        ),
        (
            1e5,
            [
                0.30853808882720896,
                0.02499928159715084,
                7.239087536563168e-05,
                9.899647278008859e-10,
            ],
            [
                0.674492203553292,
                1.95998770753461,
                3.290624031411883,
                4.753704716391288,
            ],
        ),
        (
            5e5,
            [
                0.3085376487463676,
                0.024998172437155703,
                7.23566088267347e-05,
                9.872622666156484e-10,
            ],
            [
                0.6744902408662523,
                1.9599687290938048,
                3.290546191057754,
                4.7534803880253556,
            ],
        ),
        (
            6e5,
            [
                0.30853763040964205,
                0.024998126222303626,
                7.23551812949927e-05,
                9.871498021014534e-10,
            ],
            [
                0.6744901590878462,
                1.9599679383332786,
                3.290542947782259,
                4.753471041411364,
            ],
        ),
        (
            1e8,
            [
                0.3085375392760892,
                0.02499789653466404,
                7.234808674790363e-05,
                9.865910171576395e-10,
            ],
            [
                0.6744897526494311,
                1.9599640082627667,
                3.2905268287892038,
                4.753424589216037,
            ],
        ),
        (
            1e12,
            [
                0.308537538726042,
                0.02499789514835908,
                7.234804392940221e-05,
                9.865876453749109e-10,
            ],
            [
                0.6744897501963267,
                1.9599639845424264,
                3.2905267315016244,
                4.7534243088509385,
            ],
        ),
    ];

    #[test]
    fn student_t_sf_matches_scipy() {
        for (df, probabilities, _) in STUDENT_T_REFERENCE {
            for (x, expected) in [0.5, 1.96, 3.8, 6.0].into_iter().zip(probabilities) {
                let found = student_t_sf(x, df).expect("finite");
                assert_close(found, expected, &format!("sf({x}) at df {df:e}"));
            }
        }
    }

    #[test]
    fn student_t_quantile_matches_scipy() {
        for (df, _, quantiles) in STUDENT_T_REFERENCE {
            for (tail, expected) in [0.25, 0.025, 0.0005, 1e-6].into_iter().zip(quantiles) {
                let found = student_t_upper_quantile(tail, df).expect("finite");
                assert_close(
                    found,
                    expected,
                    &format!("quantile of tail {tail} at df {df:e}"),
                );
            }
        }
    }

    #[test]
    fn student_t_quantile_finite_at_extremes() {
        let tails = [0.5 - 1e-12, 0.25, 1e-6, 1e-12, 5.5e-17];
        let dfs = [1.0, 1.5, 10.0, 1e3, 1e5, 2e5, 2.0000001e5, 1e8, 1e15];
        for df in dfs {
            for tail in tails {
                let quantile = student_t_upper_quantile(tail, df);
                assert!(
                    quantile.is_some_and(|value| value >= 0.0),
                    "tail {tail} at df {df:e}: {quantile:?}"
                );
            }
        }
    }

    #[test]
    fn welch_rejects_single_user_arm() {
        let single = MeanSummary {
            n: 1.0,
            mean: 4.0,
            variance: 0.0,
        };
        let other = summarise(&WELCH_CONTROL);
        assert_eq!(welch_interval(&single, &other, 0.95), None);
        assert_eq!(welch_interval(&other, &single, 0.95), None);
    }

    #[test]
    fn welch_rejects_invalid_input() {
        let arm = summarise(&WELCH_CONTROL);
        let negative = MeanSummary {
            variance: -1.0,
            ..arm
        };
        let not_finite = MeanSummary {
            mean: f64::NAN,
            ..arm
        };
        assert_eq!(welch_interval(&negative, &arm, 0.95), None);
        assert_eq!(welch_interval(&arm, &not_finite, 0.95), None);
        for level in [0.0, 1.0, -0.5, f64::NAN] {
            assert_eq!(welch_interval(&arm, &arm, level), None, "level {level}");
        }
    }

    #[test]
    fn welch_zero_variance_gives_point() {
        // Every user in each arm has the same value.
        let control = summarise(&[5.0; 6]);
        let treatment = summarise(&[7.0; 9]);
        let interval = welch_interval(&control, &treatment, 0.95).expect("defined");
        assert_eq!(interval.difference, 2.0);
        assert_eq!(interval.lower, 2.0);
        assert_eq!(interval.upper, 2.0);
        assert_eq!(interval.standard_error, Some(0.0));
        assert_eq!(interval.p_value, None);
        assert_eq!(interval.degrees_of_freedom, None);
        assert_eq!(interval.note, Some(IntervalNote::ZeroVariance));
        assert!(interval.note.unwrap().to_string().contains("zero width"));
    }

    #[test]
    fn welch_one_constant_arm_uses_other_df() {
        // With s_c² = 0 the Welch–Satterthwaite formula reduces to n_t − 1.
        let control = summarise(&[5.0; 6]);
        let treatment = summarise(&WELCH_TREATMENT);
        let interval = welch_interval(&control, &treatment, 0.95).expect("defined");
        let df = interval.degrees_of_freedom.expect("df");
        assert!((df - 10.0).abs() < 1e-12, "df {df}");
        assert_eq!(interval.note, None);
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // proportion_confint(count, nobs, alpha, method="wilson")
        let cases = [
            (7.0, 25.0, 0.95, 0.14283853850956557, 0.4757660519036158),
            (0.0, 20.0, 0.95, 0.0, 0.1611251580528194),
            (20.0, 20.0, 0.90, 0.8808421626390355, 1.0),
            (
                150.0,
                2380.0,
                0.95,
                0.05394892164312099,
                0.07350983099179922,
            ),
        ];
        for (successes, n, level, lower, upper) in cases {
            let arm = ProportionSummary { n, successes };
            let interval = wilson_interval(&arm, level).expect("defined");
            let label = format!("{successes}/{n} at {level}");
            if lower == 0.0 {
                assert_eq!(interval.lower, 0.0, "{label}");
            } else {
                assert_close(interval.lower, lower, &format!("lower of {label}"));
            }
            if upper == 1.0 {
                assert_eq!(interval.upper, 1.0, "{label}");
            } else {
                assert_close(interval.upper, upper, &format!("upper of {label}"));
            }
            assert_eq!(interval.proportion, successes / n);
        }
    }

    #[test]
    fn wilson_rejects_invalid_counts() {
        let cases = [
            ProportionSummary {
                n: 0.0,
                successes: 0.0,
            },
            ProportionSummary {
                n: 10.0,
                successes: 11.0,
            },
            ProportionSummary {
                n: 10.0,
                successes: -1.0,
            },
            ProportionSummary {
                n: f64::INFINITY,
                successes: 1.0,
            },
        ];
        for arm in cases {
            assert_eq!(wilson_interval(&arm, 0.95), None, "{arm:?}");
        }
    }

    #[test]
    fn newcombe_matches_statsmodels() {
        // confint_proportions_2indep(count1, nobs1, count2, nobs2, method="newcomb",
        //     compare="diff", alpha), with the treatment arm as count1 and nobs1.
        let cases = [
            (
                150.0,
                2380.0,
                120.0,
                2400.0,
                0.95,
                -8.562355384154376e-05,
                0.026227316981257895,
            ),
            (
                3.0,
                12.0,
                0.0,
                10.0,
                0.95,
                -0.0708804156994084,
                0.5323053349335658,
            ),
            (
                7.0,
                9.0,
                10.0,
                10.0,
                0.90,
                -0.49635721762324625,
                0.03581029977958694,
            ),
            (
                56.0,
                70.0,
                48.0,
                80.0,
                0.95,
                0.05243147240236498,
                0.33387265403690614,
            ),
        ];
        for (t_successes, t_n, c_successes, c_n, level, lower, upper) in cases {
            let treatment = ProportionSummary {
                n: t_n,
                successes: t_successes,
            };
            let control = ProportionSummary {
                n: c_n,
                successes: c_successes,
            };
            let interval = newcombe_interval(&control, &treatment, level).expect("defined");
            let label = format!("{t_successes}/{t_n} vs {c_successes}/{c_n}");
            assert_close(interval.lower, lower, &format!("lower of {label}"));
            assert_close(interval.upper, upper, &format!("upper of {label}"));
            assert_eq!(interval.difference, t_successes / t_n - c_successes / c_n);
            assert_eq!(interval.p_value, None);
        }
    }

    #[test]
    fn newcombe_rejects_empty_arm() {
        let empty = ProportionSummary {
            n: 0.0,
            successes: 0.0,
        };
        let arm = ProportionSummary {
            n: 100.0,
            successes: 10.0,
        };
        assert_eq!(newcombe_interval(&empty, &arm, 0.95), None);
        assert_eq!(newcombe_interval(&arm, &empty, 0.95), None);
        assert_eq!(newcombe_interval(&arm, &arm, 1.5), None);
    }

    #[test]
    fn srm_matches_scipy() {
        // scipy.stats.chisquare(observed, f_exp=total × normalised shares) returns the
        // statistic and p-value.
        let cases: [(&[f64], &[f64], f64, f64); 4] = [
            (&[50210.0, 49790.0], &[0.5, 0.5], 1.764, 0.1841263727849757),
            (
                &[50900.0, 49100.0],
                &[1.0, 1.0],
                32.4,
                1.2548647497615138e-08,
            ),
            (
                &[33012.0, 33455.0, 33533.0],
                &[1.0, 1.0, 1.0],
                4.73774,
                0.09358641920400926,
            ),
            (
                &[9012.0, 90988.0],
                &[0.1, 0.9],
                108.46044444444445,
                2.1306017891564363e-25,
            ),
        ];
        for (observed, shares, statistic, p_value) in cases {
            let result = srm_test(observed, shares).expect("valid input");
            let label = format!("{observed:?}");
            assert_close(
                result.statistic,
                statistic,
                &format!("statistic of {label}"),
            );
            assert_close(result.p_value, p_value, &format!("p of {label}"));
            assert_eq!(result.degrees_of_freedom, (observed.len() - 1) as f64);
            assert_eq!(result.mismatch, p_value < SRM_ALPHA, "{label}");
        }
    }

    #[test]
    fn srm_normalises_shares() {
        let halves = srm_test(&[5100.0, 4900.0], &[0.5, 0.5]).expect("valid input");
        let ones = srm_test(&[5100.0, 4900.0], &[3.0, 3.0]).expect("valid input");
        assert_eq!(halves, ones);
        assert_eq!(halves.expected, vec![5000.0, 5000.0]);
    }

    #[test]
    fn srm_rejects_invalid_shares() {
        assert_eq!(
            srm_test(&[10.0, 10.0], &[0.5, 0.0]),
            Err(SrmError::InvalidShare {
                index: 1,
                value: 0.0
            })
        );
        assert_eq!(
            srm_test(&[10.0, 10.0], &[-0.5, 1.5]),
            Err(SrmError::InvalidShare {
                index: 0,
                value: -0.5
            })
        );
        assert!(matches!(
            srm_test(&[10.0, 10.0], &[f64::NAN, 1.0]),
            Err(SrmError::InvalidShare { index: 0, .. })
        ));
        assert_eq!(
            srm_test(&[10.0, 10.0, 10.0], &[0.5, 0.5]),
            Err(SrmError::LengthMismatch {
                observed: 3,
                shares: 2
            })
        );
    }

    #[test]
    fn srm_rejects_invalid_counts() {
        assert_eq!(
            srm_test(&[10.0], &[1.0]),
            Err(SrmError::TooFewArms { arms: 1 })
        );
        assert_eq!(
            srm_test(&[10.0, -1.0], &[0.5, 0.5]),
            Err(SrmError::InvalidCount {
                index: 1,
                value: -1.0
            })
        );
        assert_eq!(
            srm_test(&[0.0, 0.0], &[0.5, 0.5]),
            Err(SrmError::InvalidTotal { total: 0.0 })
        );
    }

    #[test]
    fn srm_error_names_value_and_fix() {
        let message = srm_test(&[10.0, 10.0], &[0.5, -2.0])
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "planned share 1 is -2; shares must be positive and finite"
        );
    }

    #[test]
    fn holm_matches_statsmodels() {
        // statsmodels.stats.multitest.multipletests(p_values, method="holm")[1]
        let cases: [(&[f64], &[f64]); 3] = [
            (
                &[0.01, 0.04, 0.03, 0.005, 0.20],
                &[0.04, 0.09, 0.09, 0.025, 0.2],
            ),
            (&[0.01, 0.01, 0.9], &[0.03, 0.03, 0.9]),
            (&[0.6, 0.7], &[1.0, 1.0]),
        ];
        for (p_values, expected) in cases {
            let adjusted = holm_adjust(p_values).expect("valid p-values");
            assert_eq!(adjusted.len(), expected.len());
            for (index, (found, reference)) in adjusted.iter().zip(expected).enumerate() {
                assert_close(*found, *reference, &format!("{p_values:?} at {index}"));
            }
        }
    }

    #[test]
    fn holm_rejects_invalid_p_values() {
        assert_eq!(holm_adjust(&[]), Ok(vec![]));
        assert_eq!(
            holm_adjust(&[0.1, 1.2]),
            Err(InvalidPValue {
                index: 1,
                value: 1.2
            })
        );
        assert!(matches!(
            holm_adjust(&[f64::NAN]),
            Err(InvalidPValue { index: 0, .. })
        ));
    }

    const CUPED_CONTROL_X: [f64; 7] = [3.0, 5.0, 2.0, 8.0, 6.0, 4.0, 7.0];
    const CUPED_CONTROL_Y: [f64; 7] = [4.1, 6.3, 2.2, 9.4, 6.1, 5.0, 8.8];
    const CUPED_TREATMENT_X: [f64; 8] = [2.0, 9.0, 5.0, 4.0, 6.0, 3.0, 7.0, 8.0];
    const CUPED_TREATMENT_Y: [f64; 8] = [3.5, 10.9, 6.6, 5.2, 7.9, 4.4, 8.1, 10.2];

    fn cuped_arms() -> (CovarianceSummary, CovarianceSummary) {
        let control = CovarianceSummary::from_values(&CUPED_CONTROL_X, &CUPED_CONTROL_Y);
        let treatment = CovarianceSummary::from_values(&CUPED_TREATMENT_X, &CUPED_TREATMENT_Y);
        (
            control.expect("same length"),
            treatment.expect("same length"),
        )
    }

    #[test]
    fn cuped_theta_matches_numpy() {
        // np.cov(x, y, ddof=1)[0, 1] / np.var(x, ddof=1) and np.corrcoef(x, y)[0, 1] on the
        // pooled arms.
        let (control, treatment) = cuped_arms();
        let pooled = control.merge(&treatment);
        assert_close(
            cuped_theta(&pooled).expect("defined"),
            1.1218984962406013,
            "theta",
        );
        assert_close(
            pooled.correlation().expect("defined"),
            0.9798839359144274,
            "correlation",
        );
    }

    #[test]
    fn cuped_summary_matches_numpy() {
        // adjusted = y - theta * (x - x_pooled.mean()); adjusted.mean(), np.var(adjusted, ddof=1)
        let (control, treatment) = cuped_arms();
        let pooled = control.merge(&treatment);
        let theta = cuped_theta(&pooled).expect("defined");
        let pooled_mean_x = pooled.mean_x().expect("defined");
        let cases = [
            ("control", control, 6.284887218045113, 0.29417709569977596),
            (
                "treatment",
                treatment,
                6.838223684210527,
                0.11359692110916379,
            ),
        ];
        for (name, arm, mean, variance) in cases {
            let adjusted = cuped_adjusted_summary(&arm, theta, pooled_mean_x).expect("defined");
            assert_close(adjusted.mean, mean, &format!("{name} mean"));
            assert_close(adjusted.variance, variance, &format!("{name} variance"));
            assert_eq!(adjusted.n, arm.n);
        }
    }

    #[test]
    fn merge_equals_summary_of_all() {
        let (control, treatment) = cuped_arms();
        let merged = control.merge(&treatment);
        let x: Vec<f64> = CUPED_CONTROL_X
            .iter()
            .chain(&CUPED_TREATMENT_X)
            .copied()
            .collect();
        let y: Vec<f64> = CUPED_CONTROL_Y
            .iter()
            .chain(&CUPED_TREATMENT_Y)
            .copied()
            .collect();
        let whole = CovarianceSummary::from_values(&x, &y).expect("same length");
        assert_eq!(merged.n, whole.n);
        for (found, expected) in [
            (merged.mean_y(), whole.mean_y()),
            (merged.variance_x(), whole.variance_x()),
            (merged.variance_y(), whole.variance_y()),
            (merged.covariance(), whole.covariance()),
        ] {
            let (found, expected) = (found.expect("defined"), expected.expect("defined"));
            assert!(
                (found - expected).abs() <= 1e-12 * expected.abs(),
                "{found} vs {expected}"
            );
        }
    }

    #[test]
    fn summary_y_matches_two_pass() {
        let (control, _) = cuped_arms();
        let summary = control.summary_y().expect("defined");
        let reference = summarise(&CUPED_CONTROL_Y);
        assert_eq!(summary.n, reference.n);
        assert!((summary.mean - reference.mean).abs() < 1e-12);
        assert!((summary.variance - reference.variance).abs() < 1e-12 * reference.variance);
    }

    #[test]
    fn cuped_theta_undefined_for_constant_x() {
        // 0.1 has no exact binary form, so the raw sums leave a rounding residue that the
        // cancellation tolerance must treat as zero.
        let x = [0.1; 7];
        let summary = CovarianceSummary::from_values(&x, &CUPED_CONTROL_Y).expect("same length");
        assert_eq!(summary.variance_x(), Some(0.0));
        assert_eq!(summary.covariance(), Some(0.0));
        assert_eq!(summary.correlation(), None);
        assert_eq!(cuped_theta(&summary), None);
    }

    #[test]
    fn covariance_summary_degenerate_sizes() {
        let empty = CovarianceSummary::default();
        assert_eq!(empty.mean_x(), None);
        assert_eq!(empty.variance_y(), None);
        let single = CovarianceSummary::from_values(&[2.0], &[3.0]).expect("same length");
        assert_eq!(single.mean_y(), Some(3.0));
        assert_eq!(single.variance_y(), None);
        assert_eq!(cuped_theta(&single), None);
        assert_eq!(cuped_adjusted_summary(&single, 1.0, 2.0), None);
        assert_eq!(CovarianceSummary::from_values(&[1.0, 2.0], &[1.0]), None);
    }

    #[test]
    fn cuped_adjusted_rejects_non_finite() {
        let (control, _) = cuped_arms();
        assert_eq!(cuped_adjusted_summary(&control, f64::NAN, 5.0), None);
        assert_eq!(cuped_adjusted_summary(&control, 1.0, f64::INFINITY), None);
    }

    #[test]
    fn cuped_variance_reduction_is_rho_squared() {
        assert_eq!(cuped_variance_reduction(0.5), Some(0.25));
        assert_eq!(cuped_variance_reduction(-1.0), Some(1.0));
        assert_eq!(cuped_variance_reduction(0.0), Some(0.0));
        assert_eq!(cuped_variance_reduction(1.5), None);
        assert_eq!(cuped_variance_reduction(f64::NAN), None);
    }

    /// Draws `n` pairs with `x ~ N(10, 2²)`, `y ~ N(50 + shift, 5²)` and correlation `rho`.
    fn correlated_pairs(rng: &mut ChaCha8Rng, n: usize, rho: f64, shift: f64) -> CovarianceSummary {
        let mut x = Vec::with_capacity(n);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let first: f64 = rng.sample(StandardNormal);
            let second: f64 = rng.sample(StandardNormal);
            x.push(10.0 + 2.0 * first);
            y.push(50.0 + shift + 5.0 * (rho * first + (1.0 - rho * rho).sqrt() * second));
        }
        CovarianceSummary::from_values(&x, &y).expect("same length")
    }

    #[test]
    fn cuped_reduces_variance_by_rho_squared() {
        // The ratio adjusted ÷ plain variance is 1 − r² for the sample correlation r. With
        // n = 20 000 its standard deviation is about 2ρ(1 − ρ²) ÷ √n ≈ 0.0054, so 0.03 is
        // more than five standard deviations.
        let rho = 0.6;
        let mut rng = ChaCha8Rng::seed_from_u64(20130204);
        let control = correlated_pairs(&mut rng, 20_000, rho, 0.0);
        let treatment = correlated_pairs(&mut rng, 20_000, rho, 0.5);
        let pooled = control.merge(&treatment);
        let theta = cuped_theta(&pooled).expect("defined");
        let pooled_mean_x = pooled.mean_x().expect("defined");
        let expected_ratio = 1.0 - cuped_variance_reduction(rho).expect("valid");

        for (name, arm) in [("control", control), ("treatment", treatment)] {
            let plain = arm.summary_y().expect("defined");
            let adjusted = cuped_adjusted_summary(&arm, theta, pooled_mean_x).expect("defined");
            let ratio = adjusted.variance / plain.variance;
            assert!(
                (ratio - expected_ratio).abs() < 0.03,
                "{name}: ratio {ratio}, expected {expected_ratio}"
            );
        }

        // θ estimates cov(y, x) ÷ var(x) = 5ρ × 2 ÷ 4 = 2.5ρ, within a few percent here.
        assert!((theta - 2.5 * rho).abs() < 0.05, "theta {theta}");
    }

    #[test]
    fn cuped_keeps_difference_unbiased() {
        // Adjusting with the pooled θ moves both arms by θ times their covariate imbalance,
        // so the adjusted difference stays close to the true shift of 0.5 and its interval is
        // narrower than the plain one.
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let control = correlated_pairs(&mut rng, 20_000, 0.8, 0.0);
        let treatment = correlated_pairs(&mut rng, 20_000, 0.8, 0.5);
        let pooled = control.merge(&treatment);
        let theta = cuped_theta(&pooled).expect("defined");
        let pooled_mean_x = pooled.mean_x().expect("defined");

        let adjust = |arm| cuped_adjusted_summary(arm, theta, pooled_mean_x).expect("defined");
        let plain = welch_interval(
            &control.summary_y().expect("defined"),
            &treatment.summary_y().expect("defined"),
            0.95,
        )
        .expect("defined");
        let adjusted =
            welch_interval(&adjust(&control), &adjust(&treatment), 0.95).expect("defined");
        assert!(adjusted.lower < 0.5, "{adjusted:?}");
        assert!(adjusted.upper > 0.5, "{adjusted:?}");
        assert!(adjusted.upper - adjusted.lower < plain.upper - plain.lower);
    }

    #[test]
    fn relative_lift_of_positive_baseline() {
        let lift = relative_lift(100.0, 110.0).expect("defined");
        assert!((lift - 0.1).abs() < 1e-15, "{lift}");
        assert_eq!(relative_lift(100.0, 100.0), Ok(0.0));
    }

    #[test]
    fn relative_lift_of_negative_baseline() {
        // A loss shrinking from 50 to 40 is an improvement of a fifth of the baseline's size.
        assert_eq!(relative_lift(-50.0, -40.0), Ok(0.2));
        assert_eq!(relative_lift(-50.0, -60.0), Ok(-0.2));
    }

    #[test]
    fn relative_lift_undefined_for_zero_control() {
        let error = relative_lift(0.0, 3.0).unwrap_err();
        assert_eq!(error, UndefinedReason::ZeroControlMean);
        assert_eq!(
            error.to_string(),
            "relative lift is undefined because the control mean is zero"
        );
        assert_eq!(
            relative_lift(-0.0, 0.0),
            Err(UndefinedReason::ZeroControlMean)
        );
    }

    #[test]
    fn relative_lift_rejects_non_finite() {
        assert!(matches!(
            relative_lift(f64::NAN, 1.0),
            Err(UndefinedReason::NotFinite { .. })
        ));
        assert!(matches!(
            relative_lift(1.0, f64::INFINITY),
            Err(UndefinedReason::NotFinite { .. })
        ));
        assert!(matches!(
            relative_lift(1e-310, 1e10),
            Err(UndefinedReason::Overflow { .. })
        ));
    }
    mod properties {
        //! Arbitrary input, including NaN, infinities and subnormals, gives `None`, an error
        //! or finite output, and never a panic.

        use super::super::*;
        use proptest::prelude::*;

        /// Any double, or one in a range that real summaries use.
        fn value() -> impl Strategy<Value = f64> {
            prop_oneof![proptest::num::f64::ANY, -1e6..1e6_f64, 0.0..1e9_f64]
        }

        fn level() -> impl Strategy<Value = f64> {
            prop_oneof![proptest::num::f64::ANY, 0.0..=1.0_f64]
        }

        proptest! {
            #[test]
            fn welch_output_is_finite(
                control in (value(), value(), value()),
                treatment in (value(), value(), value()),
                level in level(),
            ) {
                let control = MeanSummary { n: control.0, mean: control.1, variance: control.2 };
                let treatment =
                    MeanSummary { n: treatment.0, mean: treatment.1, variance: treatment.2 };
                if let Some(interval) = welch_interval(&control, &treatment, level) {
                    prop_assert!(interval.lower.is_finite());
                    prop_assert!(interval.upper.is_finite());
                    prop_assert!(interval.lower <= interval.upper);
                    if let Some(p_value) = interval.p_value {
                        prop_assert!((0.0..=1.0).contains(&p_value));
                    }
                }
            }

            #[test]
            fn newcombe_output_is_finite(
                control in (value(), value()),
                treatment in (value(), value()),
                level in level(),
            ) {
                let control = ProportionSummary { n: control.0, successes: control.1 };
                let treatment = ProportionSummary { n: treatment.0, successes: treatment.1 };
                if let Some(interval) = newcombe_interval(&control, &treatment, level) {
                    prop_assert!(interval.lower >= -1.0);
                    prop_assert!(interval.upper <= 1.0);
                    prop_assert!(interval.lower <= interval.difference);
                    prop_assert!(interval.difference <= interval.upper);
                }
            }

            #[test]
            fn srm_output_is_finite(
                arms in proptest::collection::vec((value(), value()), 0..5),
            ) {
                let (observed, shares): (Vec<f64>, Vec<f64>) = arms.into_iter().unzip();
                if let Ok(result) = srm_test(&observed, &shares) {
                    prop_assert!(result.statistic.is_finite());
                    prop_assert!((0.0..=1.0).contains(&result.p_value));
                    prop_assert!(result.expected.iter().all(|value| value.is_finite()));
                }
            }

            #[test]
            fn holm_output_in_unit_interval(
                p_values in proptest::collection::vec(level(), 0..8),
            ) {
                if let Ok(adjusted) = holm_adjust(&p_values) {
                    for (raw, adjusted) in p_values.iter().zip(&adjusted) {
                        prop_assert!(adjusted >= raw);
                        prop_assert!(*adjusted <= 1.0);
                    }
                }
            }

            #[test]
            fn cuped_output_is_finite(
                sums in proptest::collection::vec(value(), 6),
                theta in value(),
                pooled_mean_x in value(),
            ) {
                let summary = CovarianceSummary {
                    n: sums[0],
                    sum_x: sums[1],
                    sum_y: sums[2],
                    sum_xx: sums[3],
                    sum_yy: sums[4],
                    sum_xy: sums[5],
                };
                if let Some(correlation) = summary.correlation() {
                    prop_assert!((-1.0..=1.0).contains(&correlation));
                }
                if let Some(theta) = cuped_theta(&summary) {
                    prop_assert!(theta.is_finite());
                }
                if let Some(adjusted) = cuped_adjusted_summary(&summary, theta, pooled_mean_x) {
                    prop_assert!(adjusted.mean.is_finite());
                    prop_assert!(adjusted.variance.is_finite());
                    prop_assert!(adjusted.variance >= 0.0);
                }
            }

            #[test]
            fn relative_lift_is_finite(control in value(), treatment in value()) {
                if let Ok(lift) = relative_lift(control, treatment) {
                    prop_assert!(lift.is_finite());
                }
            }
        }
    }
}
