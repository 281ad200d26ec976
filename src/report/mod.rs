//! Report writing: the JSON report, charts and the terminal summary.

pub mod charts;
pub mod schema;

pub use schema::*;
