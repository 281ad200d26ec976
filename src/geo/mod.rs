//! Geo experiments: a panel of geos by day, some of them treated in a test window.
//!
//! [`analyze`] estimates the incremental KPI of the treated geos with a synthetic control,
//! time-based regression or difference in differences, and its uncertainty with a
//! moving-block residual bootstrap and a placebo test over control geos.

mod analysis;
pub mod bootstrap;
pub mod config;
mod diagnostics;
pub mod model;
pub mod placebo;

pub use analysis::analyze;
pub use config::{BootstrapScheme, Estimator, GeoConfig, GeoError, IntervalMethod};
