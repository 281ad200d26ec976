//! Integer weight samplers for the unit-level bootstrap ([`super::units`]): Poisson(1) by
//! table inversion, uniform draws among many atoms of one unit, and the conditional binomials
//! of a multinomial draw.
//!
//! A resample draws one weight per atom, so these samplers run in the innermost loop of the
//! bootstrap. The samplers of the atoms of one unit fill whole slices and take their random
//! words from the stream in bulk. In bulk a word costs less than half as much as one by one
//! (ChaCha8 of rand_chacha 0.10, measured on a 2-core x86-64 virtual machine).

use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution};

/// Number of Poisson(1) values that the inversion table covers, `0..TABLE_LEN`. For `k ≥ 20`
/// the tail probability `P(X > k)` is below 2⁻⁶⁴, the resolution of a 64-bit uniform.
const TABLE_LEN: usize = 20;

/// Bits of a uniform that select its bucket in [`UnitPoisson`]'s lookup table.
const BUCKET_BITS: u32 = 12;

/// Table entry of a bucket that contains a threshold, so that the bucket alone does not
/// decide the value.
const AMBIGUOUS: u8 = u8::MAX;

/// Poisson(1) sampler by inversion of a 64-bit uniform `U` against the thresholds
/// `T_k = 2⁶⁴ − round(P(X > k) · 2⁶⁴)`, so that `X = #{k : U ≥ T_k}`.
///
/// The top 12 bits of `U` index a table of 4,096 buckets. A bucket that contains no threshold
/// has one value for all its uniforms, and 4,089 of the 4,096 do. In the other buckets, hit
/// with probability 7 ÷ 4,096, the low 48 bits are drawn and compared with the thresholds.
/// So nearly every draw costs 16 bits of the random stream and one table lookup. Each
/// probability is exact up to rounding to a multiple of 2⁻⁶⁴.
#[derive(Debug, Clone)]
pub(crate) struct UnitPoisson {
    thresholds: [u64; TABLE_LEN],
    /// Value of each bucket of uniforms, or [`AMBIGUOUS`].
    buckets: [u8; 1 << BUCKET_BITS],
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

        // Bucket b contains the uniforms from b · 2⁵² to (b + 1) · 2⁵² − 1. Its value is fixed
        // unless a threshold lies above its first uniform and not above its last.
        let buckets = core::array::from_fn(|bucket| {
            let shift = 64 - BUCKET_BITS;
            let first = (bucket as u64) << shift;
            let last = first | ((1 << shift) - 1);
            if thresholds
                .iter()
                .any(|threshold| first < *threshold && *threshold <= last)
            {
                AMBIGUOUS
            } else {
                thresholds
                    .iter()
                    .filter(|threshold| **threshold <= first)
                    .count() as u8
            }
        });

        Self {
            thresholds,
            buckets,
        }
    }

    /// Fills `weights` with independent Poisson(1) draws, taking the random words in bulk.
    /// Each 32-bit word gives the top 16 bits of two uniforms, the high half for one weight
    /// and the low half for the next. `words` is scratch space of at least half as many
    /// values as `weights`, rounded up.
    pub(crate) fn fill<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        words: &mut [u32],
        weights: &mut [f64],
    ) {
        let words = &mut words[..weights.len().div_ceil(2)];
        rng.fill(words);

        let mut pairs = weights.chunks_exact_mut(2);
        for (pair, word) in (&mut pairs).zip(words.iter()) {
            pair[0] = self.value_from_prefix((*word >> 16) as u16, rng);
            pair[1] = self.value_from_prefix(*word as u16, rng);
        }
        if let ([last], Some(word)) = (pairs.into_remainder(), words.last()) {
            *last = self.value_from_prefix((*word >> 16) as u16, rng);
        }
    }

    /// Draws one Poisson(1) value.
    #[cfg(test)]
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        let prefix = (rng.next_u32() >> 16) as u16;
        self.value_from_prefix(prefix, rng) as u64
    }

    /// Returns the Poisson(1) value of a uniform whose top 16 bits are `prefix`, drawing its
    /// low 48 bits from `rng` only when the bucket does not decide the value.
    #[inline]
    fn value_from_prefix<R: Rng + ?Sized>(&self, prefix: u16, rng: &mut R) -> f64 {
        let value = self.buckets[usize::from(prefix >> (16 - BUCKET_BITS))];
        if value == AMBIGUOUS {
            self.value_with_prefix(prefix, rng) as f64
        } else {
            f64::from(value)
        }
    }

    #[inline(never)]
    fn value_with_prefix<R: Rng + ?Sized>(&self, prefix: u16, rng: &mut R) -> u64 {
        let uniform = (u64::from(prefix) << 48) | (rng.next_u64() >> 16);
        let value = self
            .thresholds
            .iter()
            .map(|threshold| u64::from(uniform >= *threshold))
            .sum();
        if value == TABLE_LEN as u64 {
            sample_far_tail(rng)
        } else {
            value
        }
    }
}

/// Adds `draws` independent uniform draws among `counts.len()` cells to `counts`, one per
/// draw. `words` is scratch space of at least one value, and `counts` has at most 2³² cells.
///
/// Each draw maps a 32-bit word to a cell by Lemire's multiply-and-shift with rejection
/// ("Fast random integer generation in an interval", ACM Transactions on Modeling and
/// Computer Simulation, 2019), so every cell has probability exactly `1 / counts.len()`.
pub(crate) fn add_uniform_draws<R: Rng + ?Sized>(
    rng: &mut R,
    draws: u64,
    words: &mut [u32],
    counts: &mut [f64],
) {
    let cells = counts.len() as u64;
    if draws == 0 || cells == 0 || words.is_empty() {
        return;
    }
    // A draw is rejected when the low half of its product is below 2³² mod cells.
    let rejection_bound = ((1_u64 << 32) % cells) as u32;

    let mut remaining = draws;
    while remaining > 0 {
        let block = remaining.min(words.len() as u64) as usize;
        let block_words = &mut words[..block];
        rng.fill(block_words);
        for word in block_words.iter() {
            let mut product = u64::from(*word) * cells;
            while (product as u32) < rejection_bound {
                product = u64::from(rng.next_u32()) * cells;
            }
            counts[(product >> 32) as usize] += 1.0;
        }
        remaining -= block as u64;
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

/// Binomial sampler of one cell in the conditional binomial method for multinomial draws:
/// the cell's weight is Binomial(m, p), with `m` the units still to place and `p` the cell's
/// share of the units in the cells not yet visited.
///
/// `p` is fixed per cell but `m` changes with every resample, so a `rand_distr::Binomial`
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
    /// Creates the sampler of a cell of `count` units when `remaining` units, this cell's
    /// included, are in cells not yet visited. Requires `count ≤ remaining`.
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

        // The early returns leave p in (0, 1), so `new` cannot fail.
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
    fn poisson_buckets_match_exact_values() {
        let sampler = UnitPoisson::new();
        let mut rng = stream(16, 0);
        let mut ambiguous = 0;
        for (bucket, value) in sampler.buckets.iter().enumerate() {
            if *value == AMBIGUOUS {
                ambiguous += 1;
                continue;
            }
            // The first and last 16-bit prefixes of the bucket.
            let first = (bucket as u16) << (16 - BUCKET_BITS);
            let last = first | ((1 << (16 - BUCKET_BITS)) - 1);
            for prefix in [first, last] {
                let exact = sampler.value_with_prefix(prefix, &mut rng);
                assert_eq!(
                    exact,
                    u64::from(*value),
                    "bucket {bucket}, prefix {prefix:#x}"
                );
            }
        }
        assert_eq!(ambiguous, 7);
    }

    fn poisson_pmf<const N: usize>() -> [f64; N] {
        let mut pmf = [0.0; N];
        pmf[0] = (-1.0_f64).exp();
        for j in 1..N {
            pmf[j] = pmf[j - 1] / j as f64;
        }
        pmf
    }

    #[test]
    fn poisson_fill_matches_pmf() {
        let sampler = UnitPoisson::new();
        let mut words = vec![0; 10_000];
        let mut weights = vec![0.0; 10_000];
        let mut counts = [0_u64; 8];
        let mut rng = stream(11, 0);
        for _ in 0..100 {
            sampler.fill(&mut rng, &mut words, &mut weights);
            for weight in &weights {
                counts[(*weight as usize).min(7)] += 1;
            }
        }
        assert_frequencies(&counts[..7], &poisson_pmf::<7>(), 1_000_000);
    }

    #[test]
    fn poisson_fill_handles_odd_and_empty_lengths() {
        let sampler = UnitPoisson::new();
        let mut words = vec![0; 2];
        let mut rng = stream(18, 0);
        for len in [0, 1, 3] {
            let mut weights = vec![-1.0; len];
            sampler.fill(&mut rng, &mut words, &mut weights);
            assert!(weights.iter().all(|weight| *weight >= 0.0), "{weights:?}");
        }
    }

    #[test]
    fn poisson_sample_matches_pmf() {
        let sampler = UnitPoisson::new();
        let draws = 1_000_000_u64;
        let mut counts = [0_u64; 8];
        let mut rng = stream(11, 0);
        for _ in 0..draws {
            let value = sampler.sample(&mut rng) as usize;
            counts[value.min(7)] += 1;
        }
        assert_frequencies(&counts[..7], &poisson_pmf::<7>(), draws);
    }

    #[test]
    fn uniform_draws_cover_cells_evenly() {
        // Three cells: 2³² mod 3 = 1, so the rejection bound is not zero.
        let mut rng = stream(17, 0);
        let mut words = vec![0; 1000];
        let mut counts = vec![0.0; 3];
        let draws = 300_000;
        add_uniform_draws(&mut rng, draws, &mut words, &mut counts);
        assert_eq!(counts.iter().sum::<f64>(), draws as f64);
        let share = [1.0 / 3.0; 3];
        let observed: Vec<u64> = counts.iter().map(|count| *count as u64).collect();
        assert_frequencies(&observed, &share, draws);
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
