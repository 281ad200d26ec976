//! Least squares on the probability simplex, the weight problem of a synthetic control.
//!
//! Solves
//!
//! ```text
//! minimise ½ wᵀQw − cᵀw   subject to  w ≥ 0,  Σ w = 1
//! ```
//!
//! where `Q = XᵀX` and `c = Xᵀy` for donor matrix `X` and target `y`, so the objective is
//! `½‖y − Xw‖²` up to a constant. The method is the primal active-set method for convex
//! quadratic programs (Nocedal & Wright, *Numerical Optimization*, 2nd ed., algorithm 16.3).
//! It starts at the best single donor, solves the equality-constrained problem on the current
//! set of free weights, and either steps back to the boundary when a weight would turn
//! negative or frees the bound weight whose Lagrange multiplier is most negative. It ends in a
//! finite number of steps at a point that meets the Karush–Kuhn–Tucker conditions:
//!
//! - every free weight has the same gradient `gᵢ = (Qw − c)ᵢ = ν`, and
//! - every weight held at zero has `gᵢ − ν ≥ −tol`, with `tol = 1e-9 × scale` and `scale`
//!   the largest absolute entry of `Q` and `c`.
//!
//! Because the problem is convex, such a point is a global minimum. `Q` may be singular
//! (collinear donors, or more donors than pre-period days); a ridge of `1e-12 × mean(diag Q)`
//! is added to its diagonal so every subproblem has one solution. The ridge changes the
//! objective by at most that amount times `‖w‖² ≤ 1`, far below the tolerance.

/// Relative tolerance on the Lagrange multipliers of the weights held at zero.
pub const KKT_TOLERANCE: f64 = 1e-9;

/// Relative ridge added to the diagonal of `Q`.
const RIDGE: f64 = 1e-12;

/// Solution of a simplex-constrained least-squares problem.
#[derive(Debug, Clone, PartialEq)]
pub struct SimplexSolution {
    /// Weights, non-negative and summing to one.
    pub weights: Vec<f64>,
    /// Active-set iterations used.
    pub iterations: usize,
    /// Largest violation of the optimality conditions, relative to the problem's scale;
    /// at most [`KKT_TOLERANCE`] on return.
    pub kkt_violation: f64,
}

/// Reason the solver returned no solution.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimplexError {
    #[error("the weight problem has no donors")]
    NoDonors,
    #[error(
        "the weight problem has non-finite entries (the data contain values too large to square)"
    )]
    NotFinite,
    #[error("the weight solver did not converge in {iterations} iterations")]
    NoConvergence { iterations: usize },
}

/// Minimises `½ wᵀQw − cᵀw` over the probability simplex.
///
/// `q` is the `n × n` matrix in row-major order and must be symmetric positive semi-definite;
/// `c` has length `n`.
pub fn solve(q: &[f64], c: &[f64]) -> Result<SimplexSolution, SimplexError> {
    let n = c.len();
    if n == 0 {
        return Err(SimplexError::NoDonors);
    }
    assert_eq!(q.len(), n * n, "Q must be n × n for c of length n");
    if q.iter().chain(c.iter()).any(|value| !value.is_finite()) {
        return Err(SimplexError::NotFinite);
    }

    // Work on a scaled copy with a small ridge, so tolerances are relative.
    let scale = q
        .iter()
        .chain(c.iter())
        .fold(0.0_f64, |largest, value| largest.max(value.abs()))
        .max(f64::MIN_POSITIVE);
    let mean_diagonal = (0..n).map(|i| q[i * n + i]).sum::<f64>() / n as f64 / scale;
    let ridge = RIDGE * mean_diagonal.max(1e-300);
    let mut q_scaled: Vec<f64> = q.iter().map(|value| value / scale).collect();
    for i in 0..n {
        q_scaled[i * n + i] += ridge;
    }
    let c_scaled: Vec<f64> = c.iter().map(|value| value / scale).collect();
    let q = q_scaled.as_slice();
    let c = c_scaled.as_slice();

    // Start at the vertex with the smallest objective: ½Qⱼⱼ − cⱼ.
    let start = (0..n)
        .min_by(|a, b| {
            let value_a = 0.5 * q[a * n + a] - c[*a];
            let value_b = 0.5 * q[b * n + b] - c[*b];
            value_a.total_cmp(&value_b)
        })
        .unwrap_or(0);
    let mut weights = vec![0.0; n];
    weights[start] = 1.0;
    let mut free = vec![false; n];
    free[start] = true;

    let max_iterations = 20 * n + 100;
    for iteration in 1..=max_iterations {
        let free_indices: Vec<usize> = (0..n).filter(|i| free[*i]).collect();
        let (candidate, nu) = solve_on_free_set(q, c, n, &free_indices);

        // A free weight would turn negative: step to the boundary and bind it.
        let blocking = free_indices
            .iter()
            .zip(&candidate)
            .filter(|(_, value)| **value < 0.0)
            .map(|(i, value)| (*i, weights[*i] / (weights[*i] - value)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((blocking_index, step)) = blocking {
            let step = step.clamp(0.0, 1.0);
            for (i, value) in free_indices.iter().zip(&candidate) {
                weights[*i] += step * (value - weights[*i]);
            }
            weights[blocking_index] = 0.0;
            free[blocking_index] = false;
            for i in &free_indices {
                if weights[*i] <= 0.0 {
                    weights[*i] = 0.0;
                    free[*i] = false;
                }
            }
            renormalise(&mut weights);
            continue;
        }

        // The subproblem optimum is feasible: take it and check the bound weights.
        for (i, value) in free_indices.iter().zip(&candidate) {
            weights[*i] = *value;
        }
        for i in (0..n).filter(|i| !free[*i]) {
            weights[i] = 0.0;
        }
        renormalise(&mut weights);
        let gradient = gradient(q, c, n, &weights);
        let min_multiplier = (0..n)
            .filter(|i| !free[*i])
            .map(|i| (i, gradient[i] - nu))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match min_multiplier {
            Some((index, multiplier)) if multiplier < -KKT_TOLERANCE => {
                free[index] = true;
            }
            _ => {
                let violation = kkt_violation(q, c, n, &weights);
                return Ok(SimplexSolution {
                    weights,
                    iterations: iteration,
                    kkt_violation: violation,
                });
            }
        }
    }
    Err(SimplexError::NoConvergence {
        iterations: max_iterations,
    })
}

/// Returns the largest violation of the KKT conditions at `weights`, for the problem as given
/// (scaled by its largest absolute entry). Used by the solver and by tests.
pub fn kkt_violation(q: &[f64], c: &[f64], n: usize, weights: &[f64]) -> f64 {
    let gradient = gradient(q, c, n, weights);
    // ν is the gradient shared by the free weights; take the smallest gradient over the
    // support, which is the multiplier the optimality conditions require.
    let support: Vec<usize> = (0..n).filter(|i| weights[*i] > 0.0).collect();
    let Some(nu) = support
        .iter()
        .map(|i| gradient[*i])
        .min_by(|a, b| a.total_cmp(b))
    else {
        return f64::INFINITY;
    };
    let spread_on_support = support
        .iter()
        .map(|i| (gradient[*i] - nu).abs())
        .fold(0.0, f64::max);
    let below_on_bound = (0..n)
        .filter(|i| weights[*i] <= 0.0)
        .map(|i| (nu - gradient[i]).max(0.0))
        .fold(0.0, f64::max);
    spread_on_support.max(below_on_bound)
}

fn gradient(q: &[f64], c: &[f64], n: usize, weights: &[f64]) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let row = &q[i * n..(i + 1) * n];
            row.iter().zip(weights).map(|(a, b)| a * b).sum::<f64>() - c[i]
        })
        .collect()
}

/// Solves `min ½ vᵀQ_FF v − c_Fᵀv` subject to `Σ v = 1` on the free set `F`.
///
/// With `u = Q_FF⁻¹ c_F` and `s = Q_FF⁻¹ 1`, the solution is `v = u + ν s` with
/// `ν = (1 − Σu) ÷ Σs`, and `ν` is the multiplier of the sum constraint (`Q_FF v − c_F = ν 1`).
fn solve_on_free_set(q: &[f64], c: &[f64], n: usize, free: &[usize]) -> (Vec<f64>, f64) {
    let size = free.len();
    let mut sub = vec![0.0; size * size];
    for (row, i) in free.iter().enumerate() {
        for (column, j) in free.iter().enumerate() {
            sub[row * size + column] = q[i * n + j];
        }
    }
    let factor = cholesky(&sub, size);
    let c_free: Vec<f64> = free.iter().map(|i| c[*i]).collect();
    let u = cholesky_solve(&factor, size, &c_free);
    let s = cholesky_solve(&factor, size, &vec![1.0; size]);
    let sum_s: f64 = s.iter().sum();
    let nu = (1.0 - u.iter().sum::<f64>()) / sum_s;
    let v = u.iter().zip(&s).map(|(a, b)| a + nu * b).collect();
    (v, nu)
}

/// Lower-triangular Cholesky factor of a symmetric positive-definite matrix (row-major).
/// A pivot that rounding makes non-positive is replaced by a tiny positive value.
fn cholesky(matrix: &[f64], size: usize) -> Vec<f64> {
    let mut factor = vec![0.0; size * size];
    for i in 0..size {
        for j in 0..=i {
            let mut sum = matrix[i * size + j];
            for k in 0..j {
                sum -= factor[i * size + k] * factor[j * size + k];
            }
            if i == j {
                factor[i * size + i] = sum.max(1e-300).sqrt();
            } else {
                factor[i * size + j] = sum / factor[j * size + j];
            }
        }
    }
    factor
}

fn cholesky_solve(factor: &[f64], size: usize, rhs: &[f64]) -> Vec<f64> {
    let mut forward = vec![0.0; size];
    for i in 0..size {
        let mut sum = rhs[i];
        for k in 0..i {
            sum -= factor[i * size + k] * forward[k];
        }
        forward[i] = sum / factor[i * size + i];
    }
    let mut solution = vec![0.0; size];
    for i in (0..size).rev() {
        let mut sum = forward[i];
        for k in i + 1..size {
            sum -= factor[k * size + i] * solution[k];
        }
        solution[i] = sum / factor[i * size + i];
    }
    solution
}

/// Rescales non-negative weights to sum to one, removing rounding drift.
fn renormalise(weights: &mut [f64]) {
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        for weight in weights.iter_mut() {
            *weight /= total;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Builds Q = XᵀX and c = Xᵀy from a days × donors matrix in row-major order.
    fn normal_equations(x: &[f64], y: &[f64], days: usize, donors: usize) -> (Vec<f64>, Vec<f64>) {
        let mut q = vec![0.0; donors * donors];
        let mut c = vec![0.0; donors];
        for t in 0..days {
            for i in 0..donors {
                c[i] += x[t * donors + i] * y[t];
                for j in 0..donors {
                    q[i * donors + j] += x[t * donors + i] * x[t * donors + j];
                }
            }
        }
        (q, c)
    }

    fn objective(q: &[f64], c: &[f64], w: &[f64]) -> f64 {
        let n = c.len();
        let mut value = 0.0;
        for i in 0..n {
            for j in 0..n {
                value += 0.5 * w[i] * q[i * n + j] * w[j];
            }
            value -= c[i] * w[i];
        }
        value
    }

    /// Exact optimum by enumerating every support and solving its equality-constrained
    /// problem without a ridge: an independent method for small problems.
    fn brute_force(q: &[f64], c: &[f64]) -> Vec<f64> {
        let n = c.len();
        let mut best = vec![0.0; n];
        let mut best_value = f64::INFINITY;
        for mask in 1u32..(1 << n) {
            let free: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
            let (v, _) = solve_on_free_set(q, c, n, &free);
            if v.iter().any(|value| *value < -1e-12) {
                continue;
            }
            let mut w = vec![0.0; n];
            for (i, value) in free.iter().zip(&v) {
                w[*i] = value.max(0.0);
            }
            let value = objective(q, c, &w);
            if value < best_value {
                best_value = value;
                best = w;
            }
        }
        best
    }

    /// Projected gradient descent with a Euclidean projection onto the simplex
    /// (Duchi et al. 2008): a second independent method, for larger problems.
    fn projected_gradient(q: &[f64], c: &[f64], steps: usize) -> Vec<f64> {
        let n = c.len();
        let lipschitz = (0..n)
            .map(|i| (0..n).map(|j| q[i * n + j].abs()).sum::<f64>())
            .fold(0.0, f64::max);
        let mut w = vec![1.0 / n as f64; n];
        for _ in 0..steps {
            let g = gradient(q, c, n, &w);
            let moved: Vec<f64> = w.iter().zip(&g).map(|(a, b)| a - b / lipschitz).collect();
            w = project_to_simplex(&moved);
        }
        w
    }

    fn project_to_simplex(v: &[f64]) -> Vec<f64> {
        let mut sorted = v.to_vec();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let mut cumulative = 0.0;
        let mut theta = 0.0;
        for (k, value) in sorted.iter().enumerate() {
            cumulative += value;
            let candidate = (cumulative - 1.0) / (k + 1) as f64;
            if value - candidate > 0.0 {
                theta = candidate;
            }
        }
        v.iter().map(|value| (value - theta).max(0.0)).collect()
    }

    fn random_problem(seed: u64, days: usize, donors: usize) -> (Vec<f64>, Vec<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x: Vec<f64> = (0..days * donors)
            .map(|_| 100.0 + rng.random_range(-20.0..20.0))
            .collect();
        let y: Vec<f64> = (0..days)
            .map(|_| 100.0 + rng.random_range(-25.0..25.0))
            .collect();
        normal_equations(&x, &y, days, donors)
    }

    #[test]
    fn recovers_exact_convex_combination() {
        let days = 30;
        let donors = 6;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let x: Vec<f64> = (0..days * donors)
            .map(|_| rng.random_range(50.0..150.0))
            .collect();
        let truth = [0.5, 0.0, 0.3, 0.0, 0.2, 0.0];
        let y: Vec<f64> = (0..days)
            .map(|t| (0..donors).map(|i| x[t * donors + i] * truth[i]).sum())
            .collect();
        let (q, c) = normal_equations(&x, &y, days, donors);
        let solution = solve(&q, &c).expect("solves");
        for (found, expected) in solution.weights.iter().zip(truth) {
            assert!((found - expected).abs() < 1e-6, "{:?}", solution.weights);
        }
    }

    #[test]
    fn target_outside_hull_takes_nearest_vertex() {
        // Donors 1 and 2 on a line; a target beyond donor 2 gives all weight to donor 2.
        let x = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0];
        let y = [3.0, 3.0, 3.0];
        let (q, c) = normal_equations(&x, &y, 3, 2);
        let solution = solve(&q, &c).expect("solves");
        assert_eq!(solution.weights, vec![0.0, 1.0]);
    }

    #[test]
    fn matches_brute_force_on_small_problems() {
        for seed in 0..40 {
            let (q, c) = random_problem(seed, 12, 7);
            let solution = solve(&q, &c).expect("solves");
            let exact = brute_force(&q, &c);
            let gap = objective(&q, &c, &solution.weights) - objective(&q, &c, &exact);
            let scale = q.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            assert!(gap.abs() <= 1e-9 * scale, "seed {seed}: gap {gap}");
            for (a, b) in solution.weights.iter().zip(&exact) {
                assert!((a - b).abs() < 1e-6, "seed {seed}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn matches_projected_gradient_with_more_donors_than_days() {
        // 40 donors and 25 days: Q is singular, as with a short pre-period.
        for seed in 0..5 {
            let (q, c) = random_problem(100 + seed, 25, 40);
            let solution = solve(&q, &c).expect("solves");
            let reference = projected_gradient(&q, &c, 200_000);
            let ours = objective(&q, &c, &solution.weights);
            let theirs = objective(&q, &c, &reference);
            let scale = q.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            assert!(
                ours <= theirs + 1e-9 * scale,
                "seed {seed}: {ours} > {theirs}"
            );
        }
    }

    #[test]
    fn solution_meets_kkt_conditions() {
        for seed in 0..20 {
            let (q, c) = random_problem(200 + seed, 60, 30);
            let solution = solve(&q, &c).expect("solves");
            let total: f64 = solution.weights.iter().sum();
            assert!((total - 1.0).abs() < 1e-12);
            assert!(solution.weights.iter().all(|w| *w >= 0.0));
            let scale = q.iter().chain(&c).fold(0.0_f64, |m, v| m.max(v.abs()));
            let violation = kkt_violation(&q, &c, 30, &solution.weights) / scale;
            assert!(violation <= 1e-8, "seed {seed}: violation {violation}");
        }
    }

    #[test]
    fn rejects_empty_and_non_finite() {
        assert_eq!(solve(&[], &[]), Err(SimplexError::NoDonors));
        assert_eq!(solve(&[f64::NAN], &[1.0]), Err(SimplexError::NotFinite));
    }
}
