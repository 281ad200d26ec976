//! Integer weight samplers for the unit-level bootstrap ([`super::units`]): Poisson(1) by
//! table inversion, and the conditional binomials of a multinomial draw.
//!
//! A resample draws one weight per atom, so these samplers run in the innermost loop of the
//! bootstrap and avoid any set-up work per draw.

use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution};

/// Number of Poisson(1) values that the inversion table covers, `0..TABLE_LEN`. For `k ≥ 20`
/// the tail probability `P(X > k)` is below 2⁻⁶⁴, the resolution of a 64-bit uniform.
const TABLE_LEN: usize = 20;

/// Poisson(1) sampler by inversion of a 64-bit uniform `U` against the thresholds
/// `T_k = 2⁶⁴ − round(P(X > k) · 2⁶⁴)`, so that `X = #{k : U ≥ T_k}`.
///
/// The high 32 bits of `U` decide the value unless they equal the high word of a threshold
/// (probability below 20 · 2⁻³²), and only then are the low 32 bits drawn. So most draws cost
/// one 32-bit word of the random stream and no branch that depends on the value. Each
/// probability is exact up to rounding to a multiple of 2⁻⁶⁴.
#[derive(Debug, Clone)]
pub(crate) struct UnitPoisson {
    thresholds: [u64; TABLE_LEN],
    high_words: [u32; TABLE_LEN],
}

impl UnitPoisson {
    pub(crate) fn new() -> Self {
        // P(X = j) = e⁻¹ / j!. The tails are summed from the far end so that small tail
        // probabilities keep full relative precision.
        const TERMS: usize = 40;
        let mut pmf = [0.0; TERMS];
        pmf[0] = (-1.0_f64).exp();
        for j in 1..TERMS {
            pmf[j] = pmf[j - 1] / j as f64;
        }

        let scale = 2.0_f64.powi(64);
        let mut thresholds = [0_u64; TABLE_LEN];
        let mut tail = 0.0;
        for k in (0..TERMS - 1).rev() {
            tail += pmf[k + 1];
            if k < TABLE_LEN {
                // tail · 2⁶⁴ is between 1 and 2⁶⁴ for k < 20, so the cast is exact and the
                // threshold 2⁶⁴ − tail · 2⁶⁴ is its two's complement.
                thresholds[k] = ((tail * scale).round() as u64).wrapping_neg();
            }
        }

        let high_words = thresholds.map(|threshold| (threshold >> 32) as u32);
        Self {
            thresholds,
            high_words,
        }
    }

    #[inline]
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        let high = rng.next_u32();
        let mut value: u64 = self
            .high_words
            .iter()
            .map(|word| u64::from(high > *word))
            .sum();

        // The high words are sorted, so the only threshold whose high word can equal `high`
        // is the first one not below it. On a tie the low word decides.
        if self.high_words.get(value as usize) == Some(&high) {
            let uniform = (u64::from(high) << 32) | u64::from(rng.next_u32());
            value = self
                .thresholds
                .iter()
                .map(|threshold| u64::from(uniform >= *threshold))
                .sum();
        }

        if value == TABLE_LEN as u64 {
            value = sample_far_tail(rng);
        }
        value
    }
}

/// Draws Poisson(1) conditional on `X ≥ TABLE_LEN` by inversion, with `P(X = k | X ≥ 20)`
/// proportional to `1 / k!`. A draw lands here with probability of about 3 · 2⁻⁶⁴.
#[cold]
fn sample_far_tail<R: Rng + ?Sized>(rng: &mut R) -> u64 {
    const TERMS: usize = 20;
    let mut terms = [1.0; TERMS];
    for j in 1..TERMS {
        terms[j] = terms[j - 1] / (TABLE_LEN + j) as f64;
    }
    let total: f64 = terms.iter().sum();

    let mut uniform = rng.random::<f64>() * total;
    for (offset, term) in terms.iter().enumerate() {
        if uniform < *term {
            return (TABLE_LEN + offset) as u64;
        }
        uniform -= term;
    }
    (TABLE_LEN + TERMS - 1) as u64
}

/// Mean below which [`ConditionalBinomial`] samples by inversion (BINV); the same threshold
/// as rand_distr 0.6's `Binomial`.
const INVERSION_MAX_MEAN: f64 = 10.0;

/// Largest value that the inversion loop tries before it restarts, as in rand_distr 0.6: with
/// a mean below 10, a value past 110 is more than 31 standard deviations out.
const INVERSION_MAX_VALUE: u64 = 110;

/// Binomial sampler of one atom in the conditional binomial method for multinomial draws:
/// the atom's weight is Binomial(m, p) with `m` the units still to place and `p` the atom's
/// share of the units not yet visited.
///
/// `p` is fixed per atom but `m` changes with every resample, so a `rand_distr::Binomial`
/// would redo its set-up (a `powf`) on every draw. With a small mean this sampler runs the
/// same BINV inversion (Kachitvichyanukul & Schmeiser 1988) from the stored `ln(1 − p)`.
/// Otherwise it hands the draw to `rand_distr::Binomial` (BTPE).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConditionalBinomial {
    probability: f64,
    /// `ln(1 − p)`.
    log_complement: f64,
    /// `p / (1 − p)`.
    odds: f64,
}

impl ConditionalBinomial {
    /// Creates the sampler of an atom of `count` units when `remaining` units, this atom's
    /// included, are not yet visited. Requires `count ≤ remaining`.
    pub(crate) fn new(count: u64, remaining: u64) -> Self {
        let probability = if remaining == 0 {
            0.0
        } else {
            (count as f64 / remaining as f64).clamp(0.0, 1.0)
        };
        Self {
            probability,
            log_complement: (-probability).ln_1p(),
            odds: probability / (1.0 - probability),
        }
    }

    #[inline]
    pub(crate) fn sample<R: Rng + ?Sized>(&self, trials: u64, rng: &mut R) -> u64 {
        let p = self.probability;
        if trials == 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return trials;
        }

        let mean = trials as f64 * p;
        if p <= 0.5 && mean < INVERSION_MAX_MEAN {
            return self.sample_by_inversion(trials, rng);
        }

        // p is in (0, 1) here, so `new` cannot fail.
        match Binomial::new(trials, p) {
            Ok(binomial) => binomial.sample(rng),
            Err(_) => 0,
        }
    }

    /// BINV: walks the probability mass function from 0, with
    /// `P(x) = P(x − 1) · (m − x + 1) / x · p / (1 − p)` and `P(0) = (1 − p)^m`.
    fn sample_by_inversion<R: Rng + ?Sized>(&self, trials: u64, rng: &mut R) -> u64 {
        let first = (trials as f64 * self.log_complement).exp();
        let scaled_odds = (trials as f64 + 1.0) * self.odds;
        'restart: loop {
            let mut mass = first;
            let mut uniform: f64 = rng.random();
            let mut value = 0;
            while uniform > mass {
                uniform -= mass;
                value += 1;
                if value > INVERSION_MAX_VALUE {
                    continue 'restart;
                }
                mass *= scaled_odds / value as f64 - self.odds;
            }
            return value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resample::stream;

    /// Asserts that the observed frequencies of 0..pmf.len() match `pmf` within 4 standard errors.
    fn assert_frequencies(counts: &[u64], pmf: &[f64], draws: u64) {
        for (value, (observed, expected)) in counts.iter().zip(pmf).enumerate() {
            let standard_error = (expected * (1.0 - expected) / draws as f64).sqrt();
            let share = *observed as f64 / draws as f64;
            assert!(
                (share - expected).abs() < 4.0 * standard_error + 1e-12,
                "value {value}: share {share}, expected {expected}"
            );
        }
    }

    #[test]
    fn poisson_thresholds_increase() {
        let sampler = UnitPoisson::new();
        for pair in sampler.thresholds.windows(2) {
            assert!(pair[0] < pair[1], "{:?}", sampler.thresholds);
        }
        // P(X = 0) = e⁻¹.
        let first = sampler.thresholds[0] as f64 / 2.0_f64.powi(64);
        assert!((first - (-1.0_f64).exp()).abs() < 1e-15);
    }

    #[test]
    fn poisson_frequencies_match_pmf() {
        let sampler = UnitPoisson::new();
        let draws = 1_000_000_u64;
        let mut counts = [0_u64; 8];
        let mut rng = stream(11, 0);
        for _ in 0..draws {
            let value = sampler.sample(&mut rng) as usize;
            counts[value.min(7)] += 1;
        }
        let mut pmf = [0.0; 7];
        pmf[0] = (-1.0_f64).exp();
        for j in 1..7 {
            pmf[j] = pmf[j - 1] / j as f64;
        }
        assert_frequencies(&counts[..7], &pmf, draws);
    }

    #[test]
    fn poisson_far_tail_starts_at_table_end() {
        let mut rng = stream(12, 0);
        for _ in 0..1000 {
            let value = sample_far_tail(&mut rng);
            assert!(value >= TABLE_LEN as u64, "{value}");
        }
    }

    #[test]
    fn binomial_inversion_matches_pmf() {
        // Binomial(20, 0.1): mean 2, so the inversion path runs.
        let sampler = ConditionalBinomial::new(1, 10);
        let (trials, p) = (20_u64, 0.1_f64);
        let draws = 500_000_u64;
        let mut counts = [0_u64; 6];
        let mut rng = stream(13, 0);
        for _ in 0..draws {
            let value = sampler.sample(trials, &mut rng) as usize;
            counts[value.min(5)] += 1;
        }
        let mut pmf = [0.0; 5];
        pmf[0] = (1.0 - p).powi(trials as i32);
        for x in 1..5 {
            pmf[x] = pmf[x - 1] * (trials as f64 - x as f64 + 1.0) / x as f64 * p / (1.0 - p);
        }
        assert_frequencies(&counts[..5], &pmf, draws);
    }

    #[test]
    fn binomial_edges() {
        let mut rng = stream(14, 0);
        assert_eq!(ConditionalBinomial::new(3, 3).sample(7, &mut rng), 7);
        assert_eq!(ConditionalBinomial::new(0, 3).sample(7, &mut rng), 0);
        assert_eq!(ConditionalBinomial::new(1, 3).sample(0, &mut rng), 0);
        assert_eq!(ConditionalBinomial::new(0, 0).sample(5, &mut rng), 0);
    }

    #[test]
    fn binomial_large_mean_keeps_moments() {
        // Binomial(10,000, 0.3) goes to BTPE: mean 3,000, variance 2,100.
        let sampler = ConditionalBinomial::new(3, 10);
        let draws = 20_000;
        let mut rng = stream(15, 0);
        let values: Vec<f64> = (0..draws)
            .map(|_| sampler.sample(10_000, &mut rng) as f64)
            .collect();
        let mean = values.iter().sum::<f64>() / draws as f64;
        assert!(
            (mean - 3000.0).abs() < 4.0 * (2100.0 / draws as f64).sqrt(),
            "{mean}"
        );
    }
}
