//! Budget of a design: what producing the MDE would cost.
//!
//! The incremental KPI at the MDE is `MDE × expected KPI of the treated geos over the test
//! window`, where the expected KPI is the mean of their observed total over the simulated
//! windows of that duration. The budget is that incremental KPI times the cost per
//! incremental conversion (CPIC); a CPIC range gives a budget range.

use serde::{Deserialize, Serialize};

/// Cost per incremental conversion (or per incremental KPI unit), as a range; `low == high`
/// for one value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CpicRange {
    pub low: f64,
    pub high: f64,
}

/// Budget range of a design, in the currency of the CPIC.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BudgetRange {
    pub low: f64,
    pub high: f64,
}

/// Returns the budget that produces `incremental_kpi` at every CPIC of `cpic`.
pub fn budget(incremental_kpi: f64, cpic: CpicRange) -> BudgetRange {
    BudgetRange {
        low: incremental_kpi * cpic.low,
        high: incremental_kpi * cpic.high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_scales_cpic_range() {
        // A 4% MDE on 50,000 expected conversions is 2,000 incremental conversions.
        let range = budget(
            0.04 * 50_000.0,
            CpicRange {
                low: 5.0,
                high: 10.0,
            },
        );
        assert!((range.low - 10_000.0).abs() < 1e-9);
        assert!((range.high - 20_000.0).abs() < 1e-9);
    }
}
