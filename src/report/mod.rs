//! Report writing: the JSON report, charts and the terminal summary.

pub mod charts;
pub mod holdout_charts;
pub mod holdout_schema;
pub mod holdout_summary;
pub mod html;
pub mod localize;
pub mod schema;
pub mod summary;
pub mod write;

pub use holdout_schema::*;
pub use holdout_summary::holdout_summary;
pub use schema::*;
pub use summary::geo_summary;
pub use write::{REPORT_FILE, WriteError, write_json_dir, write_json_text_dir, write_report_dir};
