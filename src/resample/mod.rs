//! Resampling engine: seeded random streams, the moving-block bootstrap, the unit-level
//! bootstrap of two arms and bootstrap confidence intervals.
//!
//! Every resample draws from its own ChaCha8 stream, selected by the run's seed and the
//! resample's index ([`stream`]), so the numbers do not depend on how many threads run the
//! resamples or in which order they finish.

mod interval;
pub mod units;
mod weights;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use interval::{
    BcaAdjustment, bca, bca_adjustment, jackknife_acceleration, percentile, quantile,
};
pub use units::{
    AtomTable, BootstrapSpec, Draws, Scheme, Sums, TwoArmStatistic, bootstrap_two_arms,
    bootstrap_two_arms_many, influence_acceleration,
};

/// Returns the random stream of resample `index` under `seed`: ChaCha8 seeded from `seed`,
/// on stream `index`. ChaCha8 is portable, so the same seed gives the same draws everywhere.
pub fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// Fills `out` with a moving-block bootstrap sample of `series` (Künsch 1989): blocks of
/// `block_length` consecutive values, each starting at a uniformly drawn position, joined and
/// cut to `out.len()`.
///
/// `block_length` is clamped to `1..=series.len()`. An empty `series` leaves `out` unchanged.
pub fn moving_block_sample(
    series: &[f64],
    block_length: usize,
    rng: &mut ChaCha8Rng,
    out: &mut [f64],
) {
    if series.is_empty() {
        return;
    }
    let block_length = block_length.clamp(1, series.len());
    let starts = (series.len() - block_length + 1) as u32;
    let mut filled = 0;
    while filled < out.len() {
        let start = rng.random_range(0..starts) as usize;
        let take = block_length.min(out.len() - filled);
        out[filled..filled + take].copy_from_slice(&series[start..start + take]);
        filled += take;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_index_and_repeat_by_seed() {
        let mut first = stream(1, 0);
        let mut again = stream(1, 0);
        let mut other = stream(1, 1);
        let a: u64 = first.random();
        assert_eq!(a, again.random::<u64>());
        assert_ne!(a, other.random::<u64>());
    }

    #[test]
    fn block_sample_copies_whole_blocks() {
        let series: Vec<f64> = (0..20).map(f64::from).collect();
        let mut out = vec![0.0; 12];
        moving_block_sample(&series, 4, &mut stream(3, 0), &mut out);
        for block in out.chunks(4) {
            for pair in block.windows(2) {
                assert_eq!(pair[1] - pair[0], 1.0, "{out:?}");
            }
        }
    }

    #[test]
    fn block_sample_cuts_last_block() {
        let series: Vec<f64> = (0..10).map(f64::from).collect();
        let mut out = vec![-1.0; 5];
        moving_block_sample(&series, 3, &mut stream(3, 0), &mut out);
        assert!(out.iter().all(|value| *value >= 0.0));
    }
}
