//! Holdout (user-level) tests: units randomised into treatment arms and a held-out control.
//!
//! [`analyze`] compares each treatment arm with control on each metric, with bootstrap
//! intervals from the unit-level engine in [`crate::resample`], analytic references, CUPED,
//! a sample-ratio-mismatch check and per-segment lift.

mod analysis;
pub mod stats;

pub use analysis::{HoldoutConfig, HoldoutError, HoldoutInterval, absolute_lift_interval, analyze};
