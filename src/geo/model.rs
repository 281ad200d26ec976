//! Counterfactual models of the treated mean: synthetic control, time-based regression and
//! difference in differences.
//!
//! Every model predicts the treated geos' mean KPI on day `t` as `a + Σⱼ wⱼ xⱼₜ`, a linear
//! combination of the control geos' KPI `xⱼₜ`, fit on the pre-period only:
//!
//! - `synth` with intercept: `w` minimises `Σₜ (ỹₜ − Σⱼ wⱼ x̃ⱼₜ)²` over the simplex, where the
//!   tilde marks series demeaned over the pre-period; `a = ȳ − Σⱼ wⱼ x̄ⱼ`. This is the
//!   demeaned synthetic control of Doudchenko & Imbens (2016) and Ferman & Pinto (2021).
//! - `synth` without intercept: the same on the raw series, `a = 0` (Abadie, Diamond &
//!   Hainmueller 2010, with the KPI's pre-period days as the predictors).
//! - `tbr`: ordinary least squares `yₜ = α + β mₜ` on the control mean `mₜ`, so `wⱼ = β ÷ J`
//!   (Kerman, Wang & Vaver 2017). They regress the treatment group's total on the control
//!   group's total, which gives the same prediction up to the scale of the two groups.
//! - `did`: `wⱼ = 1 ÷ J` and `a = ȳ − m̄`.

use super::config::{Estimator, GeoError};
use crate::simplex;

/// A fitted counterfactual: `intercept + Σⱼ weights[j] × donor_j(t)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub intercept: f64,
    pub weights: Vec<f64>,
}

impl Fit {
    /// Returns the counterfactual on day `day` from the donors' series (donor-major).
    pub fn predict(&self, donors: &[Vec<f64>], day: usize) -> f64 {
        self.intercept
            + self
                .weights
                .iter()
                .zip(donors)
                .map(|(weight, series)| weight * series[day])
                .sum::<f64>()
    }
}

/// A model prepared for repeated fits on the same donors' pre-period, as in the bootstrap,
/// where only the target series changes.
#[derive(Debug, Clone)]
pub struct PreparedModel {
    estimator: Estimator,
    /// Donors' pre-period series, donor-major.
    donors: Vec<Vec<f64>>,
    /// Pre-period mean of each donor.
    donor_means: Vec<f64>,
    /// Gram matrix of the (demeaned, for a model with intercept) donor series, row-major.
    gram: Vec<f64>,
    /// Control mean per pre-period day, and its mean and centred sum of squares.
    control_mean: Vec<f64>,
    control_mean_mean: f64,
    control_mean_sxx: f64,
}

impl PreparedModel {
    /// Prepares `estimator` for the donors' pre-period series (donor-major, equal lengths).
    pub fn new(estimator: Estimator, donors: Vec<Vec<f64>>) -> Result<Self, GeoError> {
        let donor_count = donors.len();
        let days = donors.first().map_or(0, Vec::len);
        if donor_count == 0 || days == 0 {
            return Err(GeoError::FitFailed {
                estimator: estimator.name().to_string(),
                message: "no donor data in the pre-period".to_string(),
            });
        }
        let donor_means: Vec<f64> = donors
            .iter()
            .map(|series| series.iter().sum::<f64>() / days as f64)
            .collect();

        let mut gram = Vec::new();
        if let Estimator::Synth { intercept } = estimator {
            let centred: Vec<Vec<f64>> = donors
                .iter()
                .zip(&donor_means)
                .map(|(series, mean)| {
                    let shift = if intercept { *mean } else { 0.0 };
                    series.iter().map(|value| value - shift).collect()
                })
                .collect();
            gram = vec![0.0; donor_count * donor_count];
            for i in 0..donor_count {
                for j in i..donor_count {
                    let product: f64 = centred[i].iter().zip(&centred[j]).map(|(a, b)| a * b).sum();
                    gram[i * donor_count + j] = product;
                    gram[j * donor_count + i] = product;
                }
            }
        }

        let control_mean: Vec<f64> = (0..days)
            .map(|day| donors.iter().map(|series| series[day]).sum::<f64>() / donor_count as f64)
            .collect();
        let control_mean_mean = control_mean.iter().sum::<f64>() / days as f64;
        let control_mean_sxx = control_mean
            .iter()
            .map(|value| (value - control_mean_mean).powi(2))
            .sum();

        Ok(PreparedModel {
            estimator,
            donors,
            donor_means,
            gram,
            control_mean,
            control_mean_mean,
            control_mean_sxx,
        })
    }

    pub fn days(&self) -> usize {
        self.control_mean.len()
    }

    /// Fits the model to the target's pre-period series.
    pub fn fit(&self, target: &[f64]) -> Result<Fit, GeoError> {
        let days = self.days() as f64;
        let target_mean = target.iter().sum::<f64>() / days;
        let donor_count = self.donors.len();
        match self.estimator {
            Estimator::Synth { intercept } => {
                // For the demeaned form, Σₜ x̃ⱼₜ ỹₜ = Σₜ x̃ⱼₜ yₜ because Σₜ x̃ⱼₜ = 0.
                let c: Vec<f64> = self
                    .donors
                    .iter()
                    .zip(&self.donor_means)
                    .map(|(series, mean)| {
                        let shift = if intercept { *mean } else { 0.0 };
                        series
                            .iter()
                            .zip(target)
                            .map(|(x, y)| (x - shift) * y)
                            .sum()
                    })
                    .collect();
                let solution =
                    simplex::solve(&self.gram, &c).map_err(|error| GeoError::FitFailed {
                        estimator: "synth".to_string(),
                        message: error.to_string(),
                    })?;
                let intercept_value = if intercept {
                    target_mean
                        - solution
                            .weights
                            .iter()
                            .zip(&self.donor_means)
                            .map(|(w, m)| w * m)
                            .sum::<f64>()
                } else {
                    0.0
                };
                Ok(Fit {
                    intercept: intercept_value,
                    weights: solution.weights,
                })
            }
            Estimator::Tbr => {
                if self.control_mean_sxx <= 0.0 {
                    return Err(GeoError::ConstantControls);
                }
                let sxy: f64 = self
                    .control_mean
                    .iter()
                    .zip(target)
                    .map(|(m, y)| (m - self.control_mean_mean) * (y - target_mean))
                    .sum();
                let slope = sxy / self.control_mean_sxx;
                Ok(Fit {
                    intercept: target_mean - slope * self.control_mean_mean,
                    weights: vec![slope / donor_count as f64; donor_count],
                })
            }
            Estimator::Did => Ok(Fit {
                intercept: target_mean - self.control_mean_mean,
                weights: vec![1.0 / donor_count as f64; donor_count],
            }),
        }
    }

    /// Returns the pre-period control mean, its mean and its centred sum of squares, which
    /// the analytic interval of the time-based regression needs.
    pub fn control_mean_summary(&self) -> (&[f64], f64, f64) {
        (
            &self.control_mean,
            self.control_mean_mean,
            self.control_mean_sxx,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn donors() -> Vec<Vec<f64>> {
        vec![
            vec![10.0, 12.0, 11.0, 13.0, 12.0, 14.0],
            vec![20.0, 21.0, 23.0, 22.0, 24.0, 23.0],
            vec![5.0, 7.0, 6.0, 6.0, 8.0, 7.0],
        ]
    }

    #[test]
    fn synth_with_intercept_recovers_shifted_combination() {
        let donors = donors();
        let target: Vec<f64> = (0..6)
            .map(|t| 100.0 + 0.25 * donors[0][t] + 0.75 * donors[1][t])
            .collect();
        let model = PreparedModel::new(Estimator::Synth { intercept: true }, donors.clone())
            .expect("prepared");
        let fit = model.fit(&target).expect("fit");
        assert!((fit.weights[0] - 0.25).abs() < 1e-6, "{fit:?}");
        assert!((fit.weights[1] - 0.75).abs() < 1e-6, "{fit:?}");
        assert!(fit.weights[2].abs() < 1e-6, "{fit:?}");
        assert!((fit.intercept - 100.0).abs() < 1e-4, "{fit:?}");
        for (day, expected) in target.iter().enumerate() {
            assert!((fit.predict(&donors, day) - expected).abs() < 1e-4);
        }
    }

    #[test]
    fn tbr_matches_hand_computed_ols() {
        // Control mean m = [10, 12, 14, 16]; target y = 3 + 2m + [1, −1, −1, 1].
        let donors = vec![vec![8.0, 10.0, 12.0, 14.0], vec![12.0, 14.0, 16.0, 18.0]];
        let target = vec![24.0, 26.0, 30.0, 36.0];
        let model = PreparedModel::new(Estimator::Tbr, donors).expect("prepared");
        let fit = model.fit(&target).expect("fit");
        // Slope = Σ(m−13)(y−29) ÷ Σ(m−13)² = (15 + 3 + 1 + 21) ÷ 20 = 2; intercept 29 − 26 = 3.
        assert!((fit.weights[0] * 2.0 - 2.0).abs() < 1e-12);
        assert!((fit.intercept - 3.0).abs() < 1e-12);
    }

    #[test]
    fn did_shifts_control_mean_to_treated_level() {
        let donors = vec![vec![1.0, 2.0, 3.0], vec![3.0, 4.0, 5.0]];
        let model = PreparedModel::new(Estimator::Did, donors.clone()).expect("prepared");
        let fit = model.fit(&[10.0, 11.0, 12.0]).expect("fit");
        assert_eq!(fit.weights, vec![0.5, 0.5]);
        assert!((fit.intercept - 8.0).abs() < 1e-12);
        assert!((fit.predict(&donors, 1) - 11.0).abs() < 1e-12);
    }

    #[test]
    fn tbr_rejects_constant_controls() {
        let model =
            PreparedModel::new(Estimator::Tbr, vec![vec![1.0, 1.0, 1.0]]).expect("prepared");
        assert!(matches!(
            model.fit(&[1.0, 2.0, 3.0]),
            Err(GeoError::ConstantControls)
        ));
    }
}
