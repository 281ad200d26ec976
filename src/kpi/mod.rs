//! Business KPIs per channel, with platform-attributed credit replaced by measured lift.
//!
//! [`funnel`] reads the channel funnel and [`formulas`] computes the ten KPIs per row and in
//! total. [`lift`] links lift reports to channels, and [`adjust`] carries each report's
//! bootstrap draws through the attribution-adjusted KPIs. [`verdict`] words the conclusions,
//! and [`analysis`] puts everything together into [`KpisReport`]. [`calibration`], [`charts`]
//! and [`summary`] write the result out for marketing-mix models, as pictures and as a
//! terminal table.

pub mod adjust;
pub mod analysis;
pub mod calibration;
pub mod charts;
pub mod formulas;
pub mod funnel;
pub mod lift;
pub mod schema;
pub mod summary;
pub mod verdict;

pub use analysis::analyze;
pub use funnel::{Column, Funnel, FunnelError, FunnelRow, read_funnel};
pub use lift::{LiftError, LinkSpec, load_lift};
pub use schema::*;
