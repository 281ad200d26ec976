//! Unit-level bootstrap of two independent arms, control and treatment, for lift statistics.
//!
//! Each arm is an [`AtomTable`]: the distinct rows of its moment columns (for example `[y]`
//! for a mean, `[numerator, denominator]` for a ratio metric, `[y, x]` for CUPED), each with
//! the number of units that share it. A distinct row is an atom. A resample gives every atom
//! an integer weight, the number of times its units are drawn, and the statistic receives
//! only each arm's weighted sums ([`Sums`]). So one resample costs O(atoms), however many units
//! the atoms stand for.
//!
//! Two schemes draw the weights ([`Scheme`]):
//!
//! - Poisson: every unit's weight is Poisson(1), independently, so an atom of `c` units gets
//!   Poisson(c) and the arm sizes vary between resamples. This is the Poisson bootstrap
//!   (Najmi 2015, "An introduction to the Poisson bootstrap", The Unofficial Google Data
//!   Science Blog). Its replicates match the classical bootstrap's to first order.
//! - Multinomial: each arm's n units are drawn n times with replacement, the classical
//!   bootstrap of Efron (1979), so the arm sizes are fixed. The weights come from the
//!   conditional binomial method (the one GSL's `gsl_ran_multinomial` uses) over cells: the
//!   atoms of one unit together are the first cell, and every other atom is a cell of its
//!   own. Cell i gets Binomial(units still to place, its units ÷ units of cells i and after).
//!   The first cell's draws are then spread uniformly over its atoms, which is their
//!   distribution given the cell's total. So a resample costs O(atoms), with one random word
//!   per unit drawn from the first cell.
//!
//! Resample b draws both arms from [`stream`]`(seed, b)`, control first, so the replicates do
//! not depend on the number of threads.
//!
//! [`influence_acceleration`] gives the BCa acceleration from the statistic's empirical
//! influence values, at one statistic evaluation per atom.

use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};
use rayon::prelude::*;

use super::stream;
use super::weights::{ConditionalBinomial, UnitPoisson, add_uniform_draws};
use crate::progress::Progress;

/// Unit-level data of one arm: distinct rows of `columns` moment columns (atoms), each with
/// the number of units that share it.
#[derive(Debug, Clone, PartialEq)]
pub struct AtomTable {
    columns: usize,
    /// Row-major values, `columns` per atom.
    values: Vec<f64>,
    /// Units per atom, each at least 1.
    counts: Vec<u64>,
}

impl AtomTable {
    /// Creates an empty table of `columns` moment columns.
    pub fn new(columns: usize) -> Self {
        Self {
            columns,
            values: Vec::new(),
            counts: Vec::new(),
        }
    }

    /// Builds a table from one row per unit, collapsing rows with identical bit patterns into
    /// one atom.
    ///
    /// Atoms are sorted by their rows' bit patterns (`f64::to_bits`, compared column by
    /// column), so the table does not depend on the order of `rows`. Because rows are compared
    /// by bits, `0.0` and `-0.0` are separate atoms, and so are NaNs with different payloads.
    ///
    /// # Panics
    ///
    /// Panics if a row does not have `columns` values.
    pub fn from_rows(columns: usize, rows: impl Iterator<Item = Vec<f64>>) -> Self {
        let mut bits: Vec<u64> = Vec::new();
        let mut units = 0;
        for row in rows {
            assert_eq!(
                row.len(),
                columns,
                "row {units} has {} values but the table has {columns} columns",
                row.len()
            );
            bits.extend(row.iter().map(|value| value.to_bits()));
            units += 1;
        }

        let key = |unit: &usize| &bits[unit * columns..(unit + 1) * columns];
        let mut order: Vec<usize> = (0..units).collect();
        order.sort_unstable_by(|a, b| key(a).cmp(key(b)));

        let mut table = Self::new(columns);
        for group in order.chunk_by(|a, b| key(a) == key(b)) {
            let row = key(&group[0]);
            table
                .values
                .extend(row.iter().map(|bits| f64::from_bits(*bits)));
            table.counts.push(group.len() as u64);
        }
        table
    }

    /// Appends an atom of `count` identical units without merging it with an equal row
    /// already present, for callers that aggregate rows themselves. A `count` of zero adds
    /// nothing.
    ///
    /// # Panics
    ///
    /// Panics if `row` does not have `columns` values.
    pub fn push(&mut self, row: &[f64], count: u64) {
        assert_eq!(
            row.len(),
            self.columns,
            "row has {} values but the table has {} columns",
            row.len(),
            self.columns
        );
        if count == 0 {
            return;
        }
        self.values.extend_from_slice(row);
        self.counts.push(count);
    }

    /// Returns the number of units, saturating at `u64::MAX`.
    pub fn units(&self) -> u64 {
        self.counts
            .iter()
            .fold(0_u64, |total, count| total.saturating_add(*count))
    }

    /// Returns the number of atoms (distinct rows).
    pub fn atoms(&self) -> usize {
        self.counts.len()
    }

    pub fn columns(&self) -> usize {
        self.columns
    }

    /// Returns the atoms as `(row, units)` pairs, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&[f64], u64)> {
        (0..self.atoms()).map(|atom| (self.row(atom), self.counts[atom]))
    }

    /// Returns the sums of the original sample, in which every unit has weight 1.
    pub fn sums(&self) -> Sums {
        let mut sums = Sums::zeros(self.columns);
        for (row, count) in self.iter() {
            sums.add_row(row, count as f64);
        }
        sums
    }

    fn row(&self, atom: usize) -> &[f64] {
        &self.values[atom * self.columns..(atom + 1) * self.columns]
    }
}

/// Weighted sums of one arm's `k` moment columns, with unit weights `w` drawn in a resample
/// (or all 1 in the original sample): the total weight, `Σ w·xᵢ` per column and `Σ w·xᵢ·xⱼ`
/// for `i ≤ j`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sums {
    /// Total weight `Σ w`, the number of units drawn.
    pub weight: f64,
    /// `Σ w·xᵢ` for each column `i`.
    pub first: Vec<f64>,
    /// `Σ w·xᵢ·xⱼ` for `i ≤ j`, the upper triangle in row-major order:
    /// `(0, 0), (0, 1), …, (0, k−1), (1, 1), …, (k−1, k−1)`. See [`Sums::product`].
    pub second: Vec<f64>,
}

impl Sums {
    /// Creates all-zero sums for `columns` columns.
    pub fn zeros(columns: usize) -> Self {
        Self {
            weight: 0.0,
            first: vec![0.0; columns],
            second: vec![0.0; columns * (columns + 1) / 2],
        }
    }

    /// Returns `Σ w·xᵢ·xⱼ`, in either order of `i` and `j`.
    ///
    /// # Panics
    ///
    /// Panics if `i` or `j` is not a column.
    pub fn product(&self, i: usize, j: usize) -> f64 {
        let columns = self.first.len();
        assert!(
            i < columns && j < columns,
            "column ({i}, {j}) out of range for {columns} columns"
        );
        self.second[product_index(columns, i.min(j), i.max(j))]
    }

    /// Returns the weighted mean of `column`, or `None` when the total weight is not positive.
    ///
    /// # Panics
    ///
    /// Panics if `column` is not a column.
    pub fn mean(&self, column: usize) -> Option<f64> {
        (self.weight > 0.0).then(|| self.first[column] / self.weight)
    }

    /// Adds one row with weight `weight`.
    fn add_row(&mut self, row: &[f64], weight: f64) {
        self.weight += weight;
        let mut index = 0;
        for (i, x) in row.iter().enumerate() {
            self.first[i] += weight * x;
            for y in &row[i..] {
                self.second[index] += weight * x * y;
                index += 1;
            }
        }
    }
}

/// Index of `(i, j)`, `i ≤ j`, in the row-major upper triangle of a `columns`-square matrix.
fn product_index(columns: usize, i: usize, j: usize) -> usize {
    i * (2 * columns - i + 1) / 2 + (j - i)
}

/// Resampling scheme of each arm's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Every unit's weight is Poisson(1), independently, so arm sizes vary.
    Poisson,
    /// Each arm's n units are drawn n times with replacement, so arm sizes are fixed.
    Multinomial,
}

/// Settings of [`bootstrap_two_arms`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootstrapSpec {
    pub resamples: usize,
    pub seed: u64,
    pub scheme: Scheme,
}

/// A lift statistic computed from the control arm's sums and the treatment arm's sums.
/// `None` means undefined for those sums, for example a mean of an arm with no units drawn.
pub type TwoArmStatistic = dyn Fn(&Sums, &Sums) -> Option<f64> + Sync;

/// Replicates of a bootstrap.
#[derive(Debug, Clone, PartialEq)]
pub struct Draws {
    /// Finite replicates, in resample order.
    pub values: Vec<f64>,
    /// Resamples whose statistic was undefined or not finite. All resamples count here when
    /// an arm cannot be resampled: it has no units, more than 2⁵³ units or more than 2³² atoms.
    pub non_finite: usize,
}

impl Draws {
    /// Returns the finite replicates sorted ascending, as [`super::percentile`] and
    /// [`super::bca`] take them.
    pub fn sorted(&self) -> Vec<f64> {
        let mut sorted = self.values.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        sorted
    }
}

/// Largest number of units in an arm that the bootstrap accepts: weights and sums are `f64`,
/// which hold every integer up to 2⁵³.
const MAX_UNITS: u64 = 1 << 53;

/// Upper bound on the number of chunks that the resamples are split into for the thread pool.
/// Progress advances once per chunk.
const MAX_CHUNKS: usize = 256;

/// Bootstraps `statistic` over two independent arms: in every resample, draws each arm's units
/// with replacement under `spec.scheme` and evaluates the statistic on the arms' weighted sums.
///
/// The sums of a resample carry `weight` and `first` only: `second` stays zero, because lift
/// statistics of means, ratios and CUPED need first moments alone, and skipping the products
/// saves a third of the work per atom. [`AtomTable::sums`] has the second moments.
///
/// Resample b draws from [`stream`]`(spec.seed, b)`, so the draws are identical whatever the
/// number of threads. Resamples run in parallel, in chunks, and `progress` advances once per
/// chunk.
///
/// An arm with no units, more than 2⁵³ units or more than 2³² atoms makes every resample
/// non-finite, and so does a statistic that returns `None` or a value that is not finite.
pub fn bootstrap_two_arms(
    control: &AtomTable,
    treatment: &AtomTable,
    spec: &BootstrapSpec,
    statistic: &TwoArmStatistic,
    progress: &dyn Progress,
) -> Draws {
    let mut draws = bootstrap_two_arms_many(control, treatment, spec, &[statistic], progress);
    draws.pop().unwrap_or(Draws {
        values: Vec::new(),
        non_finite: spec.resamples,
    })
}

/// Runs one bootstrap and evaluates every statistic in `statistics` on each resample's sums,
/// so statistics of the same data (an absolute and a relative lift, say) share the resampled
/// weights and cost one pass. Returns one [`Draws`] per statistic, in order; each equals what
/// [`bootstrap_two_arms`] returns for that statistic alone.
pub fn bootstrap_two_arms_many(
    control: &AtomTable,
    treatment: &AtomTable,
    spec: &BootstrapSpec,
    statistics: &[&TwoArmStatistic],
    progress: &dyn Progress,
) -> Vec<Draws> {
    let resamples = spec.resamples;
    let empty = || -> Vec<Draws> {
        statistics
            .iter()
            .map(|_| Draws {
                values: Vec::with_capacity(resamples),
                non_finite: 0,
            })
            .collect()
    };
    progress.start("bootstrap", resamples as u64);

    let (Some(control_arm), Some(treatment_arm)) = (
        PreparedArm::new(control, spec.scheme),
        PreparedArm::new(treatment, spec.scheme),
    ) else {
        progress.advance(resamples as u64);
        progress.finish();
        let mut all = empty();
        for draws in all.iter_mut() {
            draws.non_finite = resamples;
        }
        return all;
    };

    let chunk_len = resamples.div_ceil(MAX_CHUNKS).max(1);
    let chunks: Vec<Vec<Draws>> = (0..resamples.div_ceil(chunk_len))
        .into_par_iter()
        .map(|chunk| {
            let start = chunk * chunk_len;
            let end = (start + chunk_len).min(resamples);
            let mut buffers = ResampleBuffers::new(&control_arm, &treatment_arm);
            let mut draws = empty();

            for index in start..end {
                let mut rng = stream(spec.seed, index as u64);
                control_arm.resample(&mut rng, &mut buffers.scratch, &mut buffers.control);
                treatment_arm.resample(&mut rng, &mut buffers.scratch, &mut buffers.treatment);
                for (statistic, draws) in statistics.iter().zip(draws.iter_mut()) {
                    match statistic(&buffers.control, &buffers.treatment) {
                        Some(value) if value.is_finite() => draws.values.push(value),
                        _ => draws.non_finite += 1,
                    }
                }
            }

            progress.advance((end - start) as u64);
            draws
        })
        .collect();

    let mut all = empty();
    for chunk in chunks {
        for (draws, part) in all.iter_mut().zip(chunk) {
            draws.values.extend(part.values);
            draws.non_finite += part.non_finite;
        }
    }
    progress.finish();
    all
}

/// Per-chunk buffers, so that the resample loop does not allocate.
struct ResampleBuffers {
    scratch: Scratch,
    control: Sums,
    treatment: Sums,
}

/// Scratch space of one arm's resample, sized for the larger arm.
struct Scratch {
    /// Random words of the atoms of one unit.
    words: Vec<u32>,
    /// Weight of each atom.
    weights: Vec<f64>,
    /// Poisson(1) draws that small multi-unit atoms sum into their weights.
    unit_draws: Vec<f64>,
}

impl ResampleBuffers {
    fn new(control: &PreparedArm, treatment: &PreparedArm) -> Self {
        let unit_draws = control.small_atom_units.max(treatment.small_atom_units);
        let words = control
            .single_unit_atoms
            .max(treatment.single_unit_atoms)
            .max(unit_draws);
        let atoms = control.atoms.max(treatment.atoms);
        Self {
            scratch: Scratch {
                words: vec![0; words],
                weights: vec![0.0; atoms],
                unit_draws: vec![0.0; unit_draws],
            },
            control: Sums::zeros(control.columns),
            treatment: Sums::zeros(treatment.columns),
        }
    }
}

/// One arm laid out for the resample loop.
struct PreparedArm {
    columns: usize,
    atoms: usize,
    /// Atoms of one unit, which come first.
    single_unit_atoms: usize,
    /// Units in the multi-unit atoms whose Poisson weight is a sum of Poisson(1) draws.
    small_atom_units: usize,
    units: u64,
    /// Each atom's columns `x₀, …, x_{k−1}`, stored column-major: column d of atom i is at
    /// `d · atoms + i`.
    moments: Vec<f64>,
    sampler: WeightSampler,
}

/// Atoms of more than [`SMALL_COUNT`] units draw their Poisson weight from
/// `rand_distr::Poisson`. Smaller ones sum that many Poisson(1) table draws, which is exact
/// because a sum of `c` independent Poisson(1) variables is Poisson(c), and faster.
const SMALL_COUNT: u64 = 24;

/// Poisson weight of one atom of several units.
enum AtomPoisson {
    Small(u64),
    Large(Poisson<f64>),
}

enum WeightSampler {
    /// Independent Poisson(c) weights: by table for the atoms of one unit, as a sum of `c`
    /// table draws for small `c`, and by `rand_distr::Poisson` for the others.
    Poisson {
        /// Boxed because its lookup table takes 4 KiB.
        unit: Box<UnitPoisson>,
        others: Vec<AtomPoisson>,
    },
    /// Multinomial weights by the conditional binomial method over cells: first the atoms of
    /// one unit taken together, then each other atom. The draws that land among the atoms of
    /// one unit are spread over them uniformly, which is their conditional distribution.
    Multinomial {
        single_unit_cell: ConditionalBinomial,
        others: Vec<ConditionalBinomial>,
    },
}

impl PreparedArm {
    /// Lays out `table`, or returns `None` when it has no units, more than [`MAX_UNITS`] units
    /// or more than 2³² atoms.
    fn new(table: &AtomTable, scheme: Scheme) -> Option<Self> {
        let units = table.units();
        let atoms = table.atoms();
        if units == 0 || units > MAX_UNITS || atoms as u64 > 1 << 32 {
            return None;
        }
        let columns = table.columns();

        // Atoms of one unit first, so that their weights come from one bulk pass.
        let mut order: Vec<usize> = (0..atoms).collect();
        order.sort_by_key(|atom| table.counts[*atom] != 1);
        let single_unit_atoms = order
            .iter()
            .take_while(|atom| table.counts[**atom] == 1)
            .count();

        // Resamples fill first moments only (see `bootstrap_two_arms`), so only the columns
        // themselves are laid out.
        let mut moments = vec![0.0; columns * atoms];
        for (position, atom) in order.iter().enumerate() {
            for (moment, value) in table.row(*atom).iter().enumerate() {
                moments[moment * atoms + position] = *value;
            }
        }

        let other_counts = order[single_unit_atoms..]
            .iter()
            .map(|atom| table.counts[*atom]);
        let sampler = match scheme {
            Scheme::Poisson => WeightSampler::Poisson {
                unit: Box::new(UnitPoisson::new()),
                others: other_counts
                    .map(|count| {
                        if count <= SMALL_COUNT {
                            Ok(AtomPoisson::Small(count))
                        } else {
                            Poisson::new(count as f64).map(AtomPoisson::Large)
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .ok()?,
            },
            Scheme::Multinomial => {
                let single_unit_cell = ConditionalBinomial::new(single_unit_atoms as u64, units);
                let mut remaining = units - single_unit_atoms as u64;
                let mut others = Vec::with_capacity(atoms - single_unit_atoms);
                for count in other_counts {
                    others.push(ConditionalBinomial::new(count, remaining));
                    remaining -= count;
                }
                WeightSampler::Multinomial {
                    single_unit_cell,
                    others,
                }
            }
        };

        let small_atom_units = match &sampler {
            WeightSampler::Poisson { others, .. } => others
                .iter()
                .map(|poisson| match poisson {
                    AtomPoisson::Small(count) => *count as usize,
                    AtomPoisson::Large(_) => 0,
                })
                .sum(),
            WeightSampler::Multinomial { .. } => 0,
        };
        Some(Self {
            columns,
            atoms,
            single_unit_atoms,
            small_atom_units,
            units,
            moments,
            sampler,
        })
    }

    /// Draws this arm's atom weights from `rng` and writes the weighted sums to `sums`.
    fn resample(&self, rng: &mut ChaCha8Rng, scratch: &mut Scratch, sums: &mut Sums) {
        let weights = &mut scratch.weights[..self.atoms];
        let (single, multiple) = weights.split_at_mut(self.single_unit_atoms);

        match &self.sampler {
            WeightSampler::Poisson { unit, others } => {
                unit.fill(rng, &mut scratch.words, single);
                let unit_draws = &mut scratch.unit_draws[..self.small_atom_units];
                unit.fill(rng, &mut scratch.words, unit_draws);
                let mut next = 0;
                for (weight, poisson) in multiple.iter_mut().zip(others) {
                    *weight = match poisson {
                        AtomPoisson::Small(count) => {
                            let end = next + *count as usize;
                            let total = unit_draws[next..end].iter().sum();
                            next = end;
                            total
                        }
                        AtomPoisson::Large(poisson) => poisson.sample(rng),
                    };
                }
            }
            WeightSampler::Multinomial {
                single_unit_cell,
                others,
            } => {
                let mut remaining = self.units;
                let in_single = single_unit_cell.sample(remaining, rng);
                remaining -= in_single;
                single.fill(0.0);
                add_uniform_draws(rng, in_single, &mut scratch.words, single);
                for (weight, binomial) in multiple.iter_mut().zip(others) {
                    let drawn = binomial.sample(remaining, rng);
                    remaining -= drawn;
                    *weight = drawn as f64;
                }
            }
        }

        let weights = &scratch.weights[..self.atoms];
        sums.weight = sum(weights);
        for (total, moment) in sums
            .first
            .iter_mut()
            .zip(self.moments.chunks_exact(self.atoms.max(1)))
        {
            *total = dot(weights, moment);
        }
    }
}

/// Lanes of the partial sums in [`sum`] and [`dot`]. Separate lanes let the compiler use SIMD,
/// which it may not do for one running sum because that would reorder floating-point additions.
const LANES: usize = 8;

fn sum(values: &[f64]) -> f64 {
    let mut lanes = [0.0; LANES];
    let chunks = values.chunks_exact(LANES);
    let tail: f64 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (lane, value) in lanes.iter_mut().zip(chunk) {
            *lane += value;
        }
    }
    lanes.iter().sum::<f64>() + tail
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0; LANES];
    let a_chunks = a.chunks_exact(LANES);
    let b_chunks = b.chunks_exact(LANES);
    let tail: f64 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (a_chunk, b_chunk) in a_chunks.zip(b_chunks) {
        for ((lane, x), y) in lanes.iter_mut().zip(a_chunk).zip(b_chunk) {
            *lane += x * y;
        }
    }
    lanes.iter().sum::<f64>() + tail
}

/// Step of the forward difference in [`influence_acceleration`], as a share of the arm's units.
const INFLUENCE_STEP: f64 = 1e-6;

/// Returns the BCa acceleration of a two-arm statistic from its empirical influence values
/// (the infinitesimal jackknife), at one statistic evaluation per atom.
///
/// Unit i of an arm of n units has the influence value `Uᵢ = Dᵢ − Σⱼ Dⱼ / n`, with `j` over
/// the units of the same arm. `Dᵢ` is the derivative of the statistic with respect to the
/// unit's weight at the original weights (all 1), and the units of one atom share it. Then
///
/// ```text
/// a = Σᵢ Uᵢ³ ÷ (6 (Σᵢ Uᵢ²)^{3/2})
/// ```
///
/// with both sums over the units of both arms: Efron & Tibshirani (1993), *An Introduction to
/// the Bootstrap*, eq. 14.15, with influence values in place of jackknife differences.
///
/// Scale and sign: `Uᵢ` is the unit's influence function divided by its arm's size, so that
/// `T* − T ≈ Σᵢ (w*ᵢ − 1) Uᵢ` over both arms, and it is positive when the unit pulls the
/// statistic up, as `θ̄ − θ₍ᵢ₎` is in [`super::jackknife_acceleration`]. For the difference
/// of means `ȳ_t − ȳ_c`, a treated unit has `Uᵢ = (yᵢ − ȳ_t) ÷ n_t` and a control unit
/// `Uᵢ = −(yᵢ − ȳ_c) ÷ n_c`.
///
/// `Dᵢ` is a forward difference with step `10⁻⁶ · n` on the atom's weight. For a difference of
/// means its error is the common factor `1 ÷ (1 + 10⁻⁶)`, to which `a` is invariant. For other
/// smooth statistics of the arms' means, such as a ratio of means, the relative error is of
/// the order of the step's relative change to the means, `10⁻⁶ · |xᵢ − x̄| ÷ |x̄|`.
///
/// Returns `None` when an arm has no units or the statistic is undefined or not finite at the
/// original sums or at a perturbed one. Returns `Some(0.0)` when every influence value is 0.
pub fn influence_acceleration(
    control: &AtomTable,
    treatment: &AtomTable,
    statistic: &TwoArmStatistic,
) -> Option<f64> {
    if control.units() == 0 || treatment.units() == 0 {
        return None;
    }
    let control_sums = control.sums();
    let treatment_sums = treatment.sums();
    let estimate = finite(statistic(&control_sums, &treatment_sums))?;

    let control_derivatives = atom_derivatives(control, &control_sums, estimate, |sums| {
        statistic(sums, &treatment_sums)
    })?;
    let treatment_derivatives = atom_derivatives(treatment, &treatment_sums, estimate, |sums| {
        statistic(&control_sums, sums)
    })?;

    let mut squares = 0.0;
    let mut cubes = 0.0;
    for (table, derivatives) in [
        (control, &control_derivatives),
        (treatment, &treatment_derivatives),
    ] {
        let units = table.units() as f64;
        let mean = table
            .counts
            .iter()
            .zip(derivatives)
            .map(|(count, derivative)| *count as f64 * derivative)
            .sum::<f64>()
            / units;
        for (count, derivative) in table.counts.iter().zip(derivatives) {
            let influence = derivative - mean;
            squares += *count as f64 * influence * influence;
            cubes += *count as f64 * influence * influence * influence;
        }
    }

    if squares <= 0.0 {
        return Some(0.0);
    }
    finite(Some(cubes / (6.0 * squares.powf(1.5))))
}

/// Returns the forward-difference derivative of `evaluate` with respect to each atom's weight
/// in `table`, or `None` when an evaluation is undefined or not finite.
fn atom_derivatives(
    table: &AtomTable,
    sums: &Sums,
    estimate: f64,
    evaluate: impl Fn(&Sums) -> Option<f64>,
) -> Option<Vec<f64>> {
    let step = INFLUENCE_STEP * table.units() as f64;
    let mut perturbed = sums.clone();
    let mut derivatives = Vec::with_capacity(table.atoms());
    for atom in 0..table.atoms() {
        perturbed.clone_from(sums);
        perturbed.add_row(table.row(atom), step);
        let value = finite(evaluate(&perturbed))?;
        derivatives.push((value - estimate) / step);
    }
    Some(derivatives)
}

fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|value| value.is_finite())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use rand_distr::Normal;

    use super::*;
    use crate::progress::NoProgress;

    fn difference_of_means(control: &Sums, treatment: &Sums) -> Option<f64> {
        Some(treatment.mean(0)? - control.mean(0)?)
    }

    fn normal_sample(seed: u64, n: usize, mean: f64, sd: f64) -> Vec<f64> {
        let normal = Normal::new(mean, sd).expect("valid normal");
        let mut rng = stream(seed, 0);
        (0..n).map(|_| normal.sample(&mut rng)).collect()
    }

    fn table_of(values: &[f64]) -> AtomTable {
        AtomTable::from_rows(1, values.iter().map(|value| vec![*value]))
    }

    fn binary_table(units: u64, ones: u64) -> AtomTable {
        let mut table = AtomTable::new(1);
        table.push(&[0.0], units - ones);
        table.push(&[1.0], ones);
        table
    }

    fn spec(resamples: usize, seed: u64, scheme: Scheme) -> BootstrapSpec {
        BootstrapSpec {
            resamples,
            seed,
            scheme,
        }
    }

    fn mean_and_variance(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
        (mean, variance)
    }

    fn standard_deviation(values: &[f64]) -> f64 {
        mean_and_variance(values).1.sqrt()
    }

    #[test]
    fn atoms_collapse_identical_rows() {
        let rows = vec![
            vec![2.0, 1.0],
            vec![1.0, 5.0],
            vec![2.0, 1.0],
            vec![1.0, 5.0],
            vec![2.0, 1.0],
            vec![3.0, 0.0],
        ];
        let table = AtomTable::from_rows(2, rows.clone().into_iter());
        assert_eq!(table.atoms(), 3);
        assert_eq!(table.units(), 6);
        assert_eq!(table.columns(), 2);
        let atoms: Vec<(Vec<f64>, u64)> = table.iter().map(|(row, n)| (row.to_vec(), n)).collect();
        assert_eq!(
            atoms,
            vec![
                (vec![1.0, 5.0], 2),
                (vec![2.0, 1.0], 3),
                (vec![3.0, 0.0], 1)
            ]
        );

        // Row order does not change the table.
        let reversed = AtomTable::from_rows(2, rows.into_iter().rev());
        assert_eq!(reversed, table);
    }

    #[test]
    fn atoms_keep_signed_zero_apart() {
        let table = table_of(&[0.0, -0.0, 0.0]);
        assert_eq!(table.atoms(), 2);
        assert_eq!(table.units(), 3);
    }

    #[test]
    fn push_appends_and_skips_zero_count() {
        let mut table = AtomTable::new(1);
        table.push(&[1.0], 4);
        table.push(&[1.0], 2);
        table.push(&[7.0], 0);
        assert_eq!(table.atoms(), 2);
        assert_eq!(table.units(), 6);
    }

    #[test]
    fn sums_match_direct_sums() {
        let table = AtomTable::from_rows(
            2,
            [vec![1.0, 2.0], vec![3.0, -1.0], vec![1.0, 2.0]].into_iter(),
        );
        let sums = table.sums();
        assert_eq!(sums.weight, 3.0);
        assert_eq!(sums.first, vec![5.0, 3.0]);
        // Σx², Σxy, Σy² over (1, 2), (3, −1), (1, 2).
        assert_eq!(sums.second, vec![11.0, 1.0, 9.0]);
        assert_eq!(sums.product(1, 0), 1.0);
        assert_eq!(sums.mean(0), Some(5.0 / 3.0));
        assert_eq!(Sums::zeros(1).mean(0), None);
    }

    #[test]
    fn poisson_weights_have_unit_mean_and_variance() {
        // Column 0 marks the atoms of one unit and column 1 the atoms of several units, so the
        // statistic's two sums are the total weights drawn by each sampler.
        let mut table = AtomTable::new(2);
        for _ in 0..500 {
            table.push(&[1.0, 0.0], 1);
        }
        for count in [2, 5, 40, 1000] {
            table.push(&[0.0, 1.0], count);
        }
        let resamples = 20_000;

        for (column, units) in [(0, 500.0), (1, 1047.0)] {
            let statistic = move |control: &Sums, _: &Sums| Some(control.first[column]);
            let draws = bootstrap_two_arms(
                &table,
                &table,
                &spec(resamples, 21, Scheme::Poisson),
                &statistic,
                &NoProgress,
            );
            let (mean, variance) = mean_and_variance(&draws.values);

            // A total of Poisson(units): mean and variance both `units`. The sample variance
            // of R draws of Poisson(λ) has variance about (2λ² + λ) ÷ R, from the fourth
            // cumulant λ.
            let r = resamples as f64;
            let mean_error = (units / r).sqrt();
            let variance_error = ((2.0 * units * units + units) / r).sqrt();
            assert!(
                (mean - units).abs() < 4.0 * mean_error,
                "column {column}: mean {mean}, expected {units}"
            );
            assert!(
                (variance - units).abs() < 4.0 * variance_error,
                "column {column}: variance {variance}, expected {units}"
            );
        }
    }

    #[test]
    fn multinomial_keeps_arm_size() {
        let control = table_of(&normal_sample(1, 3000, 0.0, 1.0));
        let mut treatment = binary_table(10_000, 700);
        treatment.push(&[2.5], 3);
        let resamples = 2000;
        let scheme = spec(resamples, 22, Scheme::Multinomial);

        let control_size = |control: &Sums, _: &Sums| Some(control.weight);
        let draws = bootstrap_two_arms(&control, &treatment, &scheme, &control_size, &NoProgress);
        assert_eq!(draws.values.len(), resamples);
        assert!(draws.values.iter().all(|weight| *weight == 3000.0));

        let treatment_size = |_: &Sums, treatment: &Sums| Some(treatment.weight);
        let draws = bootstrap_two_arms(&control, &treatment, &scheme, &treatment_size, &NoProgress);
        assert!(draws.values.iter().all(|weight| *weight == 10_003.0));

        // An arm with atoms of one unit and atoms of several units keeps its size too.
        let mut mixed = AtomTable::new(1);
        for atom in 0..1000 {
            mixed.push(&[if atom < 300 { 1.0 } else { 0.0 }], 1);
        }
        mixed.push(&[0.0], 2000);
        mixed.push(&[0.0], 7);
        let mixed_size = |control: &Sums, _: &Sums| Some(control.weight);
        let draws = bootstrap_two_arms(&mixed, &treatment, &scheme, &mixed_size, &NoProgress);
        assert!(draws.values.iter().all(|weight| *weight == 3007.0));

        // The units drawn from the 300 marked atoms of one unit are Binomial(3007, 300 ÷ 3007).
        let marked = |control: &Sums, _: &Sums| Some(control.first[0]);
        let draws = bootstrap_two_arms(&mixed, &treatment, &scheme, &marked, &NoProgress);
        let (mean, variance) = mean_and_variance(&draws.values);
        let expected_variance = 300.0 * (1.0 - 300.0 / 3007.0);
        let r = resamples as f64;
        assert!(
            (mean - 300.0).abs() < 4.0 * (expected_variance / r).sqrt(),
            "mean {mean}"
        );
        assert!(
            (variance - expected_variance).abs() < 4.0 * expected_variance * (2.0 / r).sqrt(),
            "variance {variance}, expected {expected_variance}"
        );

        // With fixed size, the units drawn from the 700 ones of 10,000 are Binomial(10,000, 0.07).
        let binary = binary_table(10_000, 700);
        let ones = |_: &Sums, treatment: &Sums| Some(treatment.first[0]);
        let draws = bootstrap_two_arms(&control, &binary, &scheme, &ones, &NoProgress);
        let (mean, variance) = mean_and_variance(&draws.values);
        let expected_variance = 10_000.0 * 0.07 * 0.93;
        assert!(
            (mean - 700.0).abs() < 4.0 * (expected_variance / r).sqrt(),
            "mean {mean}"
        );
        assert!(
            (variance - expected_variance).abs() < 4.0 * expected_variance * (2.0 / r).sqrt(),
            "variance {variance}, expected {expected_variance}"
        );
    }

    #[test]
    fn same_seed_same_draws_across_threads() {
        let control = table_of(&normal_sample(2, 5000, 1.0, 2.0));
        let mut treatment = table_of(&normal_sample(3, 4000, 1.2, 2.0));
        treatment.push(&[1.0], 300);
        let statistic = difference_of_means;

        for scheme in [Scheme::Poisson, Scheme::Multinomial] {
            let run = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("thread pool");
                pool.install(|| {
                    bootstrap_two_arms(
                        &control,
                        &treatment,
                        &spec(1000, 23, scheme),
                        &statistic,
                        &NoProgress,
                    )
                })
            };
            let one = run(1);
            let two = run(2);
            assert_eq!(one.values.len(), 1000, "{scheme:?}");
            assert_eq!(one, two, "{scheme:?}");
        }
    }

    #[test]
    fn seeds_change_draws() {
        let control = table_of(&normal_sample(2, 500, 0.0, 1.0));
        let treatment = table_of(&normal_sample(3, 500, 0.0, 1.0));
        let first = bootstrap_two_arms(
            &control,
            &treatment,
            &spec(50, 1, Scheme::Poisson),
            &difference_of_means,
            &NoProgress,
        );
        let second = bootstrap_two_arms(
            &control,
            &treatment,
            &spec(50, 2, Scheme::Poisson),
            &difference_of_means,
            &NoProgress,
        );
        assert_ne!(first.values, second.values);
    }

    #[test]
    fn difference_sd_matches_analytic() {
        let control_values = normal_sample(4, 20_000, 10.0, 3.0);
        let treatment_values = normal_sample(5, 15_000, 10.5, 4.0);
        let analytic = (mean_and_variance(&control_values).1 / 20_000.0
            + mean_and_variance(&treatment_values).1 / 15_000.0)
            .sqrt();
        let control = table_of(&control_values);
        let treatment = table_of(&treatment_values);

        // 4,000 resamples estimate a standard deviation to about 1.1% (1 ÷ √(2R)).
        for scheme in [Scheme::Poisson, Scheme::Multinomial] {
            let draws = bootstrap_two_arms(
                &control,
                &treatment,
                &spec(4000, 24, scheme),
                &difference_of_means,
                &NoProgress,
            );
            assert_eq!(draws.non_finite, 0);
            let ratio = standard_deviation(&draws.values) / analytic;
            assert!((ratio - 1.0).abs() < 0.05, "{scheme:?}: ratio {ratio}");
        }
    }

    #[test]
    fn proportion_interval_matches_wald_width() {
        let n = 20_000.0;
        let control = binary_table(20_000, 1000);
        let treatment = binary_table(20_000, 1200);
        let (p1, p2): (f64, f64) = (0.05, 0.06);
        let wald_width = 2.0 * 1.959_964 * (p1 * (1.0 - p1) / n + p2 * (1.0 - p2) / n).sqrt();

        for scheme in [Scheme::Poisson, Scheme::Multinomial] {
            let draws = bootstrap_two_arms(
                &control,
                &treatment,
                &spec(10_000, 25, scheme),
                &difference_of_means,
                &NoProgress,
            );
            let (lower, upper) = super::super::percentile(&draws.sorted(), 0.95).expect("interval");
            let ratio = (upper - lower) / wald_width;
            assert!((ratio - 1.0).abs() < 0.05, "{scheme:?}: ratio {ratio}");
            assert!(
                lower < 0.01 && upper > 0.01,
                "{scheme:?}: ({lower}, {upper})"
            );
        }
    }

    #[test]
    fn empty_arm_gives_all_non_finite() {
        let empty = AtomTable::new(1);
        let full = table_of(&[1.0, 2.0, 3.0]);
        for scheme in [Scheme::Poisson, Scheme::Multinomial] {
            let draws = bootstrap_two_arms(
                &empty,
                &full,
                &spec(100, 26, scheme),
                &difference_of_means,
                &NoProgress,
            );
            assert!(draws.values.is_empty());
            assert_eq!(draws.non_finite, 100);

            let draws = bootstrap_two_arms(
                &full,
                &empty,
                &spec(100, 26, scheme),
                &difference_of_means,
                &NoProgress,
            );
            assert_eq!(draws.non_finite, 100);
        }
        assert_eq!(
            influence_acceleration(&empty, &full, &difference_of_means),
            None
        );
    }

    #[test]
    fn undefined_statistic_counts_non_finite() {
        // One unit per arm: under Poisson weights an arm draws no unit with probability e⁻¹,
        // and then the mean is undefined.
        let one = table_of(&[1.0]);
        let draws = bootstrap_two_arms(
            &one,
            &one,
            &spec(2000, 27, Scheme::Poisson),
            &difference_of_means,
            &NoProgress,
        );
        assert_eq!(draws.values.len() + draws.non_finite, 2000);
        // Both arms draw at least one unit with probability (1 − e⁻¹)² ≈ 0.40.
        let share = draws.values.len() as f64 / 2000.0;
        assert!((share - 0.3996).abs() < 0.05, "{share}");

        let not_a_number = |_: &Sums, _: &Sums| Some(f64::NAN);
        let draws = bootstrap_two_arms(
            &one,
            &one,
            &spec(10, 27, Scheme::Multinomial),
            &not_a_number,
            &NoProgress,
        );
        assert_eq!(draws.non_finite, 10);
        assert!(draws.values.is_empty());
    }

    /// Records the calls that a bootstrap makes to its progress.
    #[derive(Default)]
    struct CountingProgress {
        total: AtomicU64,
        advanced: AtomicU64,
        calls: AtomicU64,
        finished: AtomicU64,
    }

    impl Progress for CountingProgress {
        fn start(&self, _stage: &str, total: u64) {
            self.total.store(total, Ordering::Relaxed);
        }

        fn advance(&self, steps: u64) {
            self.advanced.fetch_add(steps, Ordering::Relaxed);
            self.calls.fetch_add(1, Ordering::Relaxed);
        }

        fn finish(&self) {
            self.finished.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn progress_advances_once_per_chunk() {
        let table = table_of(&[1.0, 2.0, 3.0]);
        let progress = CountingProgress::default();
        bootstrap_two_arms(
            &table,
            &table,
            &spec(1000, 29, Scheme::Poisson),
            &difference_of_means,
            &progress,
        );
        assert_eq!(progress.total.load(Ordering::Relaxed), 1000);
        assert_eq!(progress.advanced.load(Ordering::Relaxed), 1000);
        // 1,000 resamples in chunks of ⌈1000 ÷ 256⌉ = 4.
        assert_eq!(progress.calls.load(Ordering::Relaxed), 250);
        assert_eq!(progress.finished.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn zero_resamples_give_empty_draws() {
        let table = table_of(&[1.0, 2.0]);
        let draws = bootstrap_two_arms(
            &table,
            &table,
            &spec(0, 28, Scheme::Poisson),
            &difference_of_means,
            &NoProgress,
        );
        assert!(draws.values.is_empty());
        assert_eq!(draws.non_finite, 0);
    }

    /// Closed form of the acceleration of `ȳ_t − ȳ_c`: `Uᵢ = (yᵢ − ȳ_t) ÷ n_t` for treated units
    /// and `−(yᵢ − ȳ_c) ÷ n_c` for control units.
    fn difference_acceleration(control: &[f64], treatment: &[f64]) -> f64 {
        let mut squares = 0.0;
        let mut cubes = 0.0;
        for (values, sign) in [(control, -1.0), (treatment, 1.0)] {
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            for value in values {
                let influence = sign * (value - mean) / n;
                squares += influence * influence;
                cubes += influence * influence * influence;
            }
        }
        cubes / (6.0 * squares.powf(1.5))
    }

    #[test]
    fn influence_acceleration_matches_closed_form() {
        // Skewed arms, with repeated values so that atoms have several units.
        let exponential = |seed: u64, n: usize, scale: f64| -> Vec<f64> {
            let mut rng = stream(seed, 0);
            (0..n)
                .map(|_| {
                    let draw: f64 = rand_distr::Exp1.sample(&mut rng);
                    (draw * scale).round()
                })
                .collect()
        };
        let control_values = exponential(6, 3000, 5.0);
        let treatment_values = exponential(7, 2000, 8.0);
        let control = table_of(&control_values);
        let treatment = table_of(&treatment_values);
        assert!(control.atoms() < 100, "{}", control.atoms());

        let expected = difference_acceleration(&control_values, &treatment_values);
        let actual = influence_acceleration(&control, &treatment, &difference_of_means)
            .expect("acceleration");
        assert!(expected.abs() > 1e-4, "{expected}");
        assert!(
            (actual - expected).abs() < 1e-6 * expected.abs(),
            "actual {actual}, expected {expected}"
        );

        // Swapping the arms flips the sign.
        let swapped = influence_acceleration(&treatment, &control, &difference_of_means)
            .expect("acceleration");
        assert!(
            (swapped + actual).abs() < 1e-6 * expected.abs(),
            "{swapped}"
        );
    }

    #[test]
    fn influence_acceleration_of_symmetric_arms_is_zero() {
        let values = [-2.0, -1.0, 0.0, 1.0, 2.0];
        let table = table_of(&values);
        let acceleration =
            influence_acceleration(&table, &table, &difference_of_means).expect("acceleration");
        assert!(acceleration.abs() < 1e-9, "{acceleration}");

        let constant = table_of(&[3.0, 3.0]);
        assert_eq!(
            influence_acceleration(&constant, &constant, &difference_of_means),
            Some(0.0)
        );
    }

    #[test]
    fn influence_acceleration_rejects_undefined_statistic() {
        let table = table_of(&[1.0, 2.0]);
        let undefined = |_: &Sums, _: &Sums| None;
        assert_eq!(influence_acceleration(&table, &table, &undefined), None);
    }
}
