//! `liftlab design geo`: geo market selection, power and budget.

use std::path::PathBuf;

use clap::Args;

use super::{Context, Failure};

/// Flags of `liftlab design geo`.
#[derive(Debug, Clone, Args)]
pub struct DesignGeoArgs {
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub(crate) fn run(_args: &DesignGeoArgs, _context: Context) -> Result<(), Failure> {
    Err(Failure::other("`liftlab design geo` is not built yet"))
}
