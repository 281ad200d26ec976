//! Test design: what a planned test can detect, what it costs, and which units to treat.
//!
//! Built on the estimators and inference of [`crate::geo`] and [`crate::holdout`], so that a
//! design predicts what the analysis of the finished test will find.

pub mod geo;
pub mod holdout;
