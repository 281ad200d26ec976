//! Report writing: the JSON report, charts and the terminal summary.

pub mod schema;

pub use schema::*;
