//! `liftlab kpis`: KPIs per channel with lift-adjusted credit.

use std::path::PathBuf;

use clap::Args;

use super::{Context, Failure};

/// Flags of `liftlab kpis`.
#[derive(Debug, Clone, Args)]
pub struct KpisArgs {
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub(crate) fn run(_args: &KpisArgs, _context: Context) -> Result<(), Failure> {
    Err(Failure::other("`liftlab kpis` is not built yet"))
}
