//! `liftlab design holdout`: holdout sample size, power and MDE.

use std::path::PathBuf;

use clap::Args;

use super::{Context, Failure};

/// Flags of `liftlab design holdout`.
#[derive(Debug, Clone, Args)]
pub struct DesignHoldoutArgs {
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub(crate) fn run(_args: &DesignHoldoutArgs, _context: Context) -> Result<(), Failure> {
    Err(Failure::other("`liftlab design holdout` is not built yet"))
}
