//! liftlab: design, estimate and report incrementality (lift) experiments.
//!
//! The library does all computing and never prints or exits; the `liftlab` binary parses
//! flags, draws progress and maps errors to exit codes. Data flows one way:
//! [`data`] reads and validates input, [`geo`] estimates lift with [`resample`] for
//! inference, and [`report`] writes the JSON report and charts.

pub mod data;
pub mod design;
pub mod geo;
pub mod holdout;
pub mod i18n;
pub mod kpi;
pub mod progress;
pub mod report;
pub mod resample;
pub mod simplex;
pub mod verdict;
