//! Attribution adjustment: the incrementality factor of a channel and the KPIs that follow
//! from it, each computed on the point estimate and on every bootstrap draw of the lift.
//!
//! The incrementality factor is incremental outcome ÷ attributed outcome over the same
//! period. Each adjusted KPI is either linear in the factor (incremental revenue, iROAS,
//! incremental POAS, adjusted LTV:CAC) or a cost that divides by it (incremental CPA and CAC,
//! adjusted CPL-Q). A cost has no finite value on a draw whose factor is zero or negative,
//! because the channel then added no customers. Such draws sort above every finite cost, so
//! the interval's upper end is unbounded once they reach its quantile. The interval of
//! a KPI is the percentile interval of its draws at the lift report's level.

use super::formulas::{Figures, Quantity, cac};
use super::schema::{KpiInterval, KpiValue, Undefined};

/// Method name of intervals taken from the KPI's own draws.
pub const DRAWS_PERCENTILE: &str = "draws_percentile";

/// An incrementality factor: its point and its bootstrap draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub point: f64,
    pub draws: Vec<f64>,
}

impl Factor {
    /// Builds the factor `incremental × scale ÷ attributed`; undefined when the attributed
    /// total is zero or undefined.
    pub fn new(
        incremental_point: f64,
        incremental_draws: &[f64],
        scale: f64,
        attributed: &Quantity,
        attributed_name: &str,
    ) -> Result<Factor, Undefined> {
        let divisor = match attributed {
            Quantity::Undefined(reason) => return Err(reason.clone()),
            Quantity::Value(value) if *value == 0.0 => {
                return Err(Undefined {
                    code: "zero_denominator".to_string(),
                    column: attributed_name.to_string(),
                    lines: Vec::new(),
                    reason: String::new(),
                });
            }
            Quantity::Value(value) => *value,
        };
        Ok(Factor {
            point: incremental_point * scale / divisor,
            draws: incremental_draws
                .iter()
                .map(|draw| draw * scale / divisor)
                .collect(),
        })
    }
}

/// The two incrementality factors of a channel, on conversions and on revenue, at the lift
/// report's level. Either may be undefined with its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelFactors {
    pub level: f64,
    pub conversions: Result<Factor, Undefined>,
    pub revenue: Result<Factor, Undefined>,
}

/// How an adjusted KPI depends on the factor `f`.
enum Shape {
    /// `coefficient × f`.
    Linear(Quantity),
    /// `numerator ÷ (per_factor × f)`, with no finite value where `per_factor × f ≤ 0`.
    Cost {
        numerator: Quantity,
        per_factor: Quantity,
        per_factor_name: &'static str,
    },
}

/// Returns the percentile interval at `level` of `finite` values together with
/// `without_value` values that sort above all of them. An end that falls among those is
/// `None` (unbounded). Quantiles interpolate linearly between order statistics (type 7).
pub fn draws_interval(
    mut finite: Vec<f64>,
    without_value: usize,
    level: f64,
) -> Option<KpiInterval> {
    let count = finite.len() + without_value;
    if count == 0 {
        return None;
    }
    finite.sort_by(f64::total_cmp);
    let at = |index: usize| finite.get(index).copied();
    let quantile = |p: f64| -> Option<f64> {
        let position = p * (count - 1) as f64;
        let below = position.floor() as usize;
        let above = position.ceil() as usize;
        let fraction = position - below as f64;
        if fraction == 0.0 {
            return at(below);
        }
        let (low, high) = (at(below)?, at(above)?);
        Some(low + fraction * (high - low))
    };
    let alpha = 1.0 - level;
    Some(KpiInterval {
        lower: quantile(alpha / 2.0),
        upper: quantile(1.0 - alpha / 2.0),
        level,
        method: DRAWS_PERCENTILE.to_string(),
    })
}

/// Evaluates `shape` at the factor's point and draws.
fn evaluate(
    kpi: &str,
    unit: &str,
    shape: &Shape,
    factor: &Result<Factor, Undefined>,
    level: f64,
) -> KpiValue {
    let undefined = |reason: Undefined| Quantity::Undefined(reason).into_kpi(kpi, unit);
    let factor = match factor {
        Ok(factor) => factor,
        Err(reason) => return undefined(reason.clone()),
    };
    let at: Box<dyn Fn(f64) -> Option<f64>> = match shape {
        Shape::Linear(coefficient) => match coefficient {
            Quantity::Undefined(reason) => return undefined(reason.clone()),
            Quantity::Value(coefficient) => {
                let coefficient = *coefficient;
                Box::new(move |f| Some(coefficient * f))
            }
        },
        Shape::Cost {
            numerator,
            per_factor,
            per_factor_name,
        } => match (numerator, per_factor) {
            (Quantity::Undefined(reason), _) | (_, Quantity::Undefined(reason)) => {
                return undefined(reason.clone());
            }
            (_, Quantity::Value(per_factor)) if *per_factor == 0.0 => {
                return undefined(Undefined {
                    code: "zero_denominator".to_string(),
                    column: per_factor_name.to_string(),
                    lines: Vec::new(),
                    reason: String::new(),
                });
            }
            (Quantity::Value(numerator), Quantity::Value(per_factor)) => {
                let (numerator, per_factor) = (*numerator, *per_factor);
                Box::new(move |f| {
                    let denominator = per_factor * f;
                    (denominator > 0.0).then(|| numerator / denominator)
                })
            }
        },
    };

    let mut finite = Vec::with_capacity(factor.draws.len());
    let mut without_value = 0;
    for draw in &factor.draws {
        match at(*draw) {
            Some(value) if value.is_finite() => finite.push(value),
            _ => without_value += 1,
        }
    }
    let interval = draws_interval(finite, without_value, level);
    let mut value = match at(factor.point) {
        Some(point) if point.is_finite() => Quantity::Value(point).into_kpi(kpi, unit),
        _ => undefined(Undefined {
            code: "not_positive".to_string(),
            column: "incremental outcome".to_string(),
            lines: Vec::new(),
            reason: String::new(),
        }),
    };
    value.interval = interval;
    value.draws_without_value = without_value;
    value
}

fn or_needs_column(quantity: &Option<Quantity>, name: &str) -> Quantity {
    quantity.clone().unwrap_or_else(|| {
        Quantity::Undefined(Undefined {
            code: "needs_column".to_string(),
            column: name.to_string(),
            lines: Vec::new(),
            reason: String::new(),
        })
    })
}

/// Computes the attribution-adjusted KPIs of a row of a channel with measured lift.
///
/// The columns a KPI needs are named in `needs_column` reasons when the funnel lacks them.
pub fn adjusted_kpis(figures: &Figures, factors: &ChannelFactors) -> Vec<KpiValue> {
    let level = factors.level;
    let conversions = &factors.conversions;
    let revenue = &factors.revenue;
    let spend = figures.spend.clone();
    let per_spend = |quantity: Quantity| quantity.over(&spend, "spend");
    let attributed_conversions =
        or_needs_column(&figures.attributed_conversions, "attributed_conversions");
    let attributed_revenue = or_needs_column(&figures.attributed_revenue, "attributed_revenue");
    let customers = or_needs_column(&figures.customers, "customers");
    let margin = or_needs_column(&figures.margin, "gross_margin");
    let ltv = or_needs_column(&figures.ltv, "ltv inputs");
    let cac = cac(figures).unwrap_or_else(|| or_needs_column(&None, "customers"));
    let qualified_leads = or_needs_column(&figures.qualified_leads, "qualified_leads");

    let mut values = vec![
        evaluate(
            "incrementality_factor",
            "fraction of attributed conversions",
            &Shape::Linear(Quantity::Value(1.0)),
            conversions,
            level,
        ),
        evaluate(
            "incrementality_factor_revenue",
            "fraction of attributed revenue",
            &Shape::Linear(Quantity::Value(1.0)),
            revenue,
            level,
        ),
        evaluate(
            "incremental_conversions",
            "conversions",
            &Shape::Linear(attributed_conversions.clone()),
            conversions,
            level,
        ),
        evaluate(
            "incremental_revenue",
            "revenue",
            &Shape::Linear(attributed_revenue.clone()),
            revenue,
            level,
        ),
        evaluate(
            "incremental_cpa",
            "currency per incremental conversion",
            &Shape::Cost {
                numerator: spend.clone(),
                per_factor: attributed_conversions,
                per_factor_name: "attributed_conversions",
            },
            conversions,
            level,
        ),
        evaluate(
            "incremental_cac",
            "currency per incremental customer",
            &Shape::Cost {
                numerator: spend.clone(),
                per_factor: customers.clone(),
                per_factor_name: "customers",
            },
            conversions,
            level,
        ),
        evaluate(
            "iroas",
            "incremental revenue per currency unit of spend",
            &Shape::Linear(per_spend(attributed_revenue.clone())),
            revenue,
            level,
        ),
        evaluate(
            "incremental_poas",
            "incremental gross profit per currency unit of spend",
            &Shape::Linear(per_spend(attributed_revenue.times(&margin))),
            revenue,
            level,
        ),
        evaluate(
            "adjusted_ltv_to_cac",
            "ratio",
            &Shape::Linear(ltv.over(&cac, "cac")),
            conversions,
            level,
        ),
        evaluate(
            "adjusted_cpl_q",
            "currency per incremental qualified lead",
            &Shape::Cost {
                numerator: spend,
                per_factor: qualified_leads,
                per_factor_name: "qualified_leads",
            },
            conversions,
            level,
        ),
    ];
    // A KPI whose every reason is a missing column is left out rather than listed as undefined.
    values.retain(|value| {
        value
            .undefined
            .as_ref()
            .is_none_or(|reason| reason.code != "needs_column")
    });
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resample::percentile;

    fn figures(
        spend: f64,
        customers: f64,
        attributed_conversions: f64,
        attributed_revenue: f64,
    ) -> Figures {
        Figures {
            spend: Quantity::Value(spend),
            visitors: None,
            conversions: None,
            leads: None,
            qualified_leads: None,
            opportunities: None,
            customers: Some(Quantity::Value(customers)),
            revenue: None,
            attributed_conversions: Some(Quantity::Value(attributed_conversions)),
            attributed_revenue: Some(Quantity::Value(attributed_revenue)),
            micro_conversions: None,
            margin: Some(Quantity::Value(0.4)),
            gross_profit: None,
            ltv: None,
            customer_lifetime_margin: None,
            yearly_margin_per_customer: None,
            customer_yearly_margin: None,
            avg_time_on_site_s: None,
            avg_scroll_depth: None,
        }
    }

    fn find<'a>(values: &'a [KpiValue], kpi: &str) -> &'a KpiValue {
        values
            .iter()
            .find(|value| value.kpi == kpi)
            .unwrap_or_else(|| panic!("no {kpi}"))
    }

    /// Draws of an incremental outcome spread evenly over [low, high], 2,001 of them so that
    /// the 90% quantile positions (100 and 1,900) are order statistics.
    fn even_draws(low: f64, high: f64) -> Vec<f64> {
        // Shuffled order, as bootstrap draws come, by a fixed stride through the indices.
        (0..2001)
            .map(|i| (i * 7919) % 2001)
            .map(|k| low + (high - low) * k as f64 / 2000.0)
            .collect()
    }

    #[test]
    fn hand_computed_adjustment() {
        // 600 incremental conversions against 1,000 attributed: factor 0.6.
        let factor =
            Factor::new(600.0, &[600.0], 1.0, &Quantity::Value(1_000.0), "a").expect("defined");
        assert_eq!(factor.point, 0.6);
        let factors = ChannelFactors {
            level: 0.9,
            conversions: Ok(factor.clone()),
            revenue: Ok(factor),
        };
        let values = adjusted_kpis(&figures(12_000.0, 200.0, 1_000.0, 80_000.0), &factors);
        // 12,000 ÷ (200 × 0.6) = 100
        assert!((find(&values, "incremental_cac").point.expect("cac") - 100.0).abs() < 1e-9);
        // 80,000 × 0.6 ÷ 12,000 = 4
        assert!((find(&values, "iroas").point.expect("iroas") - 4.0).abs() < 1e-12);
        // 4 × 0.4 = 1.6
        assert!((find(&values, "incremental_poas").point.expect("poas") - 1.6).abs() < 1e-12);
        // 12,000 ÷ 600 = 20
        assert!((find(&values, "incremental_cpa").point.expect("cpa") - 20.0).abs() < 1e-9);
    }

    #[test]
    fn draws_interval_matches_formula_on_lift_interval() {
        let draws = even_draws(200.0, 1_400.0);
        let mut sorted = draws.clone();
        sorted.sort_by(f64::total_cmp);
        let (low, high) = percentile(&sorted, 0.9).expect("interval");
        let attributed = 2_000.0;
        let factor =
            Factor::new(800.0, &draws, 1.0, &Quantity::Value(attributed), "a").expect("defined");
        let factors = ChannelFactors {
            level: 0.9,
            conversions: Ok(factor.clone()),
            revenue: Ok(factor),
        };
        let (spend, customers, attributed_revenue) = (30_000.0, 500.0, 150_000.0);
        let values = adjusted_kpis(
            &figures(spend, customers, attributed, attributed_revenue),
            &factors,
        );

        // iROAS increases with the lift: its ends are the formula at the lift's ends.
        let iroas = find(&values, "iroas").interval.clone().expect("interval");
        let formula = |lift: f64| attributed_revenue * (lift / attributed) / spend;
        assert!((iroas.lower.expect("lower") - formula(low)).abs() < 1e-12);
        assert!((iroas.upper.expect("upper") - formula(high)).abs() < 1e-12);

        // Incremental CAC decreases with the lift: the lift's upper end gives its lower end.
        let cac = find(&values, "incremental_cac")
            .interval
            .clone()
            .expect("interval");
        let cac_of = |lift: f64| spend / (customers * lift / attributed);
        assert!((cac.lower.expect("lower") - cac_of(high)).abs() < 1e-9);
        assert!((cac.upper.expect("upper") - cac_of(low)).abs() < 1e-9);
    }

    #[test]
    fn cost_interval_unbounded_when_lift_reaches_zero() {
        let draws = even_draws(-500.0, 1_500.0);
        let factor =
            Factor::new(500.0, &draws, 1.0, &Quantity::Value(1_000.0), "a").expect("defined");
        let factors = ChannelFactors {
            level: 0.9,
            conversions: Ok(factor.clone()),
            revenue: Ok(factor),
        };
        let values = adjusted_kpis(&figures(10_000.0, 100.0, 1_000.0, 50_000.0), &factors);
        let cac = find(&values, "incremental_cac");
        assert!(cac.point.is_some());
        let interval = cac.interval.clone().expect("interval");
        assert!(interval.lower.is_some());
        assert_eq!(interval.upper, None);
        // Draws at or below zero: k ≤ 500 of 0..=2000.
        assert_eq!(cac.draws_without_value, 501);
        for value in &values {
            if let Some(point) = value.point {
                assert!(point.is_finite(), "{}", value.kpi);
            }
        }
    }

    #[test]
    fn negative_point_lift_leaves_cost_undefined() {
        let factor =
            Factor::new(-50.0, &[-50.0, 10.0], 1.0, &Quantity::Value(100.0), "a").expect("defined");
        let factors = ChannelFactors {
            level: 0.9,
            conversions: Ok(factor.clone()),
            revenue: Ok(factor),
        };
        let values = adjusted_kpis(&figures(1_000.0, 10.0, 100.0, 5_000.0), &factors);
        let cac = find(&values, "incremental_cac");
        assert_eq!(cac.point, None);
        assert_eq!(
            cac.undefined.as_ref().map(|r| r.code.as_str()),
            Some("not_positive")
        );
        // iROAS stays defined and negative: the channel lost revenue.
        assert!(find(&values, "iroas").point.expect("iroas") < 0.0);
    }

    #[test]
    fn zero_attributed_conversions_undefined() {
        let result = Factor::new(
            10.0,
            &[10.0],
            1.0,
            &Quantity::Value(0.0),
            "attributed_conversions",
        );
        let reason = result.expect_err("undefined");
        assert_eq!(reason.code, "zero_denominator");
        assert_eq!(reason.column, "attributed_conversions");
    }
}
