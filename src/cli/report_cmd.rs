//! `liftlab report DIR`: renders report.html and the charts again from report.json.

use std::path::PathBuf;

use clap::Args;

use super::{Context, Failure};

/// Flags of `liftlab report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Folder holding a report.json written by liftlab.
    pub dir: PathBuf,
}

pub(crate) fn run(_args: &ReportArgs, _context: Context) -> Result<(), Failure> {
    Err(Failure::other("`liftlab report` is not built yet"))
}
