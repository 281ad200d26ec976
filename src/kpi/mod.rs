//! Business KPIs per channel, with platform-attributed credit replaced by measured lift.
