//! Bootstraps of a geo counterfactual's error over the test window: the placebo-path
//! bootstrap (the default) and the moving-block residual bootstrap, with the delete-a-block
//! jackknife that feeds the latter and the BCa acceleration of both.
//!
//! ## Placebo-path bootstrap
//!
//! Each placebo set (control geos analysed as if treated, see `placebo`) has a test-window gap
//! path whose truth is zero. The path is therefore a real draw of the counterfactual's error
//! over the test window, with whatever drift and serial dependence the data have. Each resample draws
//! one placebo path at random, rescales it by the ratio of the treated set's counterfactual
//! total over the test window to the placebo set's, and subtracts it from the estimate, so the
//! treated set is given the relative error of a control set. Whole paths keep the time
//! dependence within the window. The assumption is that treated and control sets are
//! exchangeable in their relative error.
//!
//! ## Moving-block residual bootstrap
//!
//! The estimate's error is the counterfactual's prediction error over the test window. It has
//! two parts: the noise of the test days themselves, and the error of the weights fit on a
//! finite pre-period. Each resample reproduces both:
//!
//! 1. Residuals: each pre-period day's out-of-sample error, from a fit that left out the
//!    day's block (leave-one-block-out), centred. In-sample residuals would understate the
//!    noise because the weights were chosen to make them small.
//! 2. A pseudo pre-period `ŷₜ + e*ₜ`, with `e*` a moving-block sample of the residuals, is refit,
//!    giving new weights.
//! 3. Test-day noise `ε*` is a second, independent block sample.
//! 4. The resample's error on test day `t` is `ε*ₜ + ŷₜ − ŷ*ₜ`, and its estimate of the
//!    cumulative effect is the original estimate plus the summed errors.
//!
//! Blocks keep the residuals' serial correlation within a block (Künsch 1989; Lahiri,
//! *Resampling Methods for Dependent Data*, 2003). The leave-one-block-out fits double as the
//! jackknife that gives the BCa acceleration.

use rand::RngExt;
use rayon::prelude::*;

use super::config::{Estimator, GeoError};
use super::model::{Fit, PreparedModel};
use super::placebo::PlaceboResult;
use crate::progress::Progress;
use crate::resample::{moving_block_sample, stream};

/// Inputs shared by the jackknife and the bootstrap: one target and its donors.
pub struct Problem<'a> {
    pub estimator: Estimator,
    /// Target (treated mean) over the analysis days: pre-period, then test window.
    pub target: &'a [f64],
    /// Donors' series over the analysis days, donor-major.
    pub donors: &'a [Vec<f64>],
    pub pre_days: usize,
    pub test_days: usize,
    pub block_length: usize,
}

impl Problem<'_> {
    /// Prepares the model on the whole pre-period.
    pub fn prepare(&self) -> Result<PreparedModel, GeoError> {
        let pre: Vec<Vec<f64>> = self
            .donors
            .iter()
            .map(|series| series[..self.pre_days].to_vec())
            .collect();
        PreparedModel::new(self.estimator, pre)
    }

    /// Returns the cumulative effect over the test window under `fit`, in target units.
    pub fn cumulative_effect(&self, fit: &Fit) -> f64 {
        (self.pre_days..self.pre_days + self.test_days)
            .map(|day| self.target[day] - fit.predict(self.donors, day))
            .sum()
    }
}

/// Results of the delete-a-block jackknife.
pub struct Jackknife {
    /// Cumulative effect with each pre-period block left out.
    pub estimates: Vec<f64>,
    /// Out-of-sample residual of each pre-period day, from the fit that left its block out.
    pub residuals: Vec<f64>,
}

/// Refits the model once per pre-period block with that block left out.
pub fn jackknife(problem: &Problem) -> Result<Jackknife, GeoError> {
    let pre_days = problem.pre_days;
    let length = problem.block_length.max(1);
    let blocks: Vec<(usize, usize)> = (0..pre_days)
        .step_by(length)
        .map(|start| (start, (start + length).min(pre_days)))
        .collect();

    let fits: Vec<Result<(f64, Vec<f64>), GeoError>> = blocks
        .par_iter()
        .map(|(start, end)| {
            let retained_days: Vec<usize> = (0..pre_days)
                .filter(|day| day < start || day >= end)
                .collect();
            let donors: Vec<Vec<f64>> = problem
                .donors
                .iter()
                .map(|series| retained_days.iter().map(|day| series[*day]).collect())
                .collect();
            let target: Vec<f64> = retained_days
                .iter()
                .map(|day| problem.target[*day])
                .collect();
            let fit = PreparedModel::new(problem.estimator, donors)?.fit(&target)?;
            let residuals = (*start..*end)
                .map(|day| problem.target[day] - fit.predict(problem.donors, day))
                .collect();
            Ok((problem.cumulative_effect(&fit), residuals))
        })
        .collect();

    let mut estimates = Vec::with_capacity(blocks.len());
    let mut residuals = Vec::with_capacity(pre_days);
    for fit in fits {
        let (estimate, block_residuals) = fit?;
        estimates.push(estimate);
        residuals.extend(block_residuals);
    }
    Ok(Jackknife {
        estimates,
        residuals,
    })
}

/// Errors of the cumulative effect drawn by the bootstrap.
pub struct BootstrapDraws {
    /// Error on each test day, resample-major (`resamples × test_days`); finite resamples only.
    pub day_errors: Vec<f64>,
    /// Summed error over the test window of each finite resample.
    pub total_errors: Vec<f64>,
    /// Resamples whose refit failed or gave a non-finite error; left out above.
    pub non_finite: usize,
}

/// Runs the moving-block residual bootstrap with `resamples` resamples under `seed`.
///
/// `residuals` are resampled as they are; the caller centres them. Resample `b` draws from
/// stream `b` of `seed`, so the result does not depend on the number of threads.
pub fn bootstrap(
    problem: &Problem,
    model: &PreparedModel,
    fit: &Fit,
    residuals: &[f64],
    resamples: usize,
    seed: u64,
    progress: &dyn Progress,
) -> BootstrapDraws {
    let pre_days = problem.pre_days;
    let test_days = problem.test_days;
    let fitted: Vec<f64> = (0..pre_days + test_days)
        .map(|day| fit.predict(problem.donors, day))
        .collect();

    progress.start("bootstrap", resamples as u64);
    let draws: Vec<Option<Vec<f64>>> = (0..resamples)
        .into_par_iter()
        .map(|index| {
            let mut rng = stream(seed, index as u64);

            // Pseudo pre-period and its refit.
            let mut noise = vec![0.0; pre_days];
            moving_block_sample(residuals, problem.block_length, &mut rng, &mut noise);
            let pseudo: Vec<f64> = fitted[..pre_days]
                .iter()
                .zip(&noise)
                .map(|(value, e)| value + e)
                .collect();
            let refit = model.fit(&pseudo).ok();

            // Test-day noise, then the error on each test day.
            let mut test_noise = vec![0.0; test_days];
            moving_block_sample(residuals, problem.block_length, &mut rng, &mut test_noise);
            progress.advance(1);
            let refit = refit?;
            let errors: Vec<f64> = (0..test_days)
                .map(|offset| {
                    let day = pre_days + offset;
                    test_noise[offset] + fitted[day] - refit.predict(problem.donors, day)
                })
                .collect();
            errors
                .iter()
                .all(|value| value.is_finite())
                .then_some(errors)
        })
        .collect();
    progress.finish();

    let mut day_errors = Vec::with_capacity(resamples * test_days);
    let mut total_errors = Vec::with_capacity(resamples);
    let mut non_finite = 0;
    for draw in draws {
        match draw {
            Some(errors) => {
                total_errors.push(errors.iter().sum());
                day_errors.extend(errors);
            }
            None => non_finite += 1,
        }
    }
    BootstrapDraws {
        day_errors,
        total_errors,
        non_finite,
    }
}

/// Offset of the placebo-path bootstrap's stream indices, so its streams differ from the
/// block bootstrap's under the same seed.
const PLACEBO_PATH_STREAMS: u64 = 1 << 32;

/// Runs the placebo-path bootstrap: resample `b` draws placebo path `p` uniformly from
/// stream `b` of `seed` and records the errors `−gapₚₜ × treated_total ÷ totalₚ`, where the
/// totals are the counterfactuals summed over the test window.
///
/// Paths from a set whose counterfactual total is not positive count as non-finite.
/// With no paths, every resample is non-finite.
pub fn placebo_path_bootstrap(
    paths: &[PlaceboResult],
    treated_counterfactual_total: f64,
    test_days: usize,
    resamples: usize,
    seed: u64,
) -> BootstrapDraws {
    let mut day_errors = Vec::with_capacity(resamples * test_days);
    let mut total_errors = Vec::with_capacity(resamples);
    let mut non_finite = 0;
    for index in 0..resamples {
        if paths.is_empty() {
            non_finite += 1;
            continue;
        }
        let mut rng = stream(seed, PLACEBO_PATH_STREAMS + index as u64);
        let path = &paths[rng.random_range(0..paths.len() as u32) as usize];
        if path.counterfactual_test_total <= 0.0 {
            non_finite += 1;
            continue;
        }
        let scale = treated_counterfactual_total / path.counterfactual_test_total;
        let errors: Vec<f64> = path.test_gaps.iter().map(|gap| -gap * scale).collect();
        if errors.len() != test_days || errors.iter().any(|error| !error.is_finite()) {
            non_finite += 1;
            continue;
        }
        total_errors.push(errors.iter().sum());
        day_errors.extend(errors);
    }
    BootstrapDraws {
        day_errors,
        total_errors,
        non_finite,
    }
}

/// Returns `values` minus their mean.
pub fn centred(values: &[f64]) -> Vec<f64> {
    if values.is_empty() {
        return Vec::new();
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|value| value - mean).collect()
}
