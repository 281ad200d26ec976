//! Report writing: the JSON report, charts and the terminal summary.

pub mod charts;
pub mod holdout_charts;
pub mod holdout_schema;
pub mod schema;
pub mod summary;
pub mod write;

pub use holdout_schema::*;
pub use schema::*;
pub use summary::geo_summary;
pub use write::{REPORT_FILE, WriteError, write_report_dir};
