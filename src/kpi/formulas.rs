//! The ten KPIs on a funnel row or on the total, from platform-attributed or observed figures.
//!
//! Every KPI is a ratio of quantities that add up over rows, so the total of a ratio is the
//! sum of its numerators over the sum of its denominators, never an average of row ratios.
//! Per-customer and per-visitor averages in the input (LTV inputs, time on site, scroll depth)
//! enter the total weighted by customers or visitors, which is the same sum over a sum.
//! Formulas and units are listed in docs/kpis.md.

use super::funnel::{Column, Funnel, FunnelRow};
use super::schema::{KpiValue, LeftOut, Undefined};

/// A quantity that is either a number or undefined with the reason.
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    Value(f64),
    Undefined(Undefined),
}

impl Quantity {
    fn undefined(code: &str, column: &str) -> Quantity {
        Quantity::Undefined(Undefined {
            code: code.to_string(),
            column: column.to_string(),
            lines: Vec::new(),
            reason: String::new(),
        })
    }

    /// Returns the number, if defined.
    pub fn value(&self) -> Option<f64> {
        match self {
            Quantity::Value(value) => Some(*value),
            Quantity::Undefined(_) => None,
        }
    }

    /// `self ÷ denominator`; undefined with `zero_denominator` naming `denominator_name`
    /// when the denominator is zero.
    pub fn over(&self, denominator: &Quantity, denominator_name: &str) -> Quantity {
        match (self, denominator) {
            (Quantity::Undefined(reason), _) | (_, Quantity::Undefined(reason)) => {
                Quantity::Undefined(reason.clone())
            }
            (Quantity::Value(_), Quantity::Value(den)) if *den == 0.0 => {
                Quantity::undefined("zero_denominator", denominator_name)
            }
            (Quantity::Value(num), Quantity::Value(den)) => Quantity::Value(num / den),
        }
    }

    /// `self × other`.
    pub fn times(&self, other: &Quantity) -> Quantity {
        match (self, other) {
            (Quantity::Undefined(reason), _) | (_, Quantity::Undefined(reason)) => {
                Quantity::Undefined(reason.clone())
            }
            (Quantity::Value(a), Quantity::Value(b)) => Quantity::Value(a * b),
        }
    }

    fn scaled(&self, factor: f64) -> Quantity {
        self.times(&Quantity::Value(factor))
    }

    /// Converts the quantity into a KPI value with it as the point.
    pub fn into_kpi(self, kpi: &str, unit: &str) -> KpiValue {
        let (point, undefined) = match self {
            Quantity::Value(value) => (Some(value), None),
            Quantity::Undefined(reason) => (None, Some(reason)),
        };
        KpiValue {
            kpi: kpi.to_string(),
            unit: unit.to_string(),
            point,
            interval: None,
            undefined,
            draws_without_value: 0,
        }
    }
}

/// The additive figures of a row or of the total, and its per-customer and per-visitor
/// averages. `None` means the funnel has no column for the figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub spend: Quantity,
    pub visitors: Option<Quantity>,
    pub conversions: Option<Quantity>,
    pub leads: Option<Quantity>,
    pub qualified_leads: Option<Quantity>,
    pub opportunities: Option<Quantity>,
    pub customers: Option<Quantity>,
    pub revenue: Option<Quantity>,
    pub attributed_conversions: Option<Quantity>,
    pub attributed_revenue: Option<Quantity>,
    pub micro_conversions: Option<Quantity>,
    /// Gross margin as a fraction: the row's value, or gross profit ÷ revenue for the total.
    pub margin: Option<Quantity>,
    /// Revenue × margin.
    pub gross_profit: Option<Quantity>,
    /// Lifetime gross margin per customer.
    pub ltv: Option<Quantity>,
    /// Customers × LTV.
    pub customer_lifetime_margin: Option<Quantity>,
    /// Yearly gross margin per customer: order value × orders per year × margin.
    pub yearly_margin_per_customer: Option<Quantity>,
    /// Customers × yearly gross margin per customer.
    pub customer_yearly_margin: Option<Quantity>,
    pub avg_time_on_site_s: Option<Quantity>,
    pub avg_scroll_depth: Option<Quantity>,
}

fn cell(row: &FunnelRow, funnel: &Funnel, column: Column) -> Option<Quantity> {
    if !funnel.has(column) {
        return None;
    }
    Some(match row.value(column) {
        Some(value) => Quantity::Value(value),
        None => Quantity::Undefined(Undefined {
            code: "missing_value".to_string(),
            column: column.name().to_string(),
            lines: vec![row.line],
            reason: String::new(),
        }),
    })
}

fn both(
    a: Option<Quantity>,
    b: Option<Quantity>,
    f: impl Fn(Quantity, Quantity) -> Quantity,
) -> Option<Quantity> {
    Some(f(a?, b?))
}

/// Lifetime in years: `lifetime_years` when given, else 1 ÷ `churn_rate`.
fn lifetime(row: &FunnelRow, funnel: &Funnel) -> Option<Quantity> {
    match (
        cell(row, funnel, Column::LifetimeYears),
        cell(row, funnel, Column::ChurnRate),
    ) {
        (Some(Quantity::Value(years)), _) => Some(Quantity::Value(years)),
        (Some(missing), None) => Some(missing),
        (_, Some(churn)) => Some(Quantity::Value(1.0).over(&churn, Column::ChurnRate.name())),
        (None, None) => None,
    }
}

/// Collects the figures of one row.
pub fn row_figures(row: &FunnelRow, funnel: &Funnel) -> Figures {
    let get = |column| cell(row, funnel, column);
    let margin = get(Column::GrossMargin);
    let revenue = get(Column::Revenue);
    let customers = get(Column::Customers);
    let yearly_margin = match (
        get(Column::AvgOrderValue),
        get(Column::OrdersPerYear),
        &margin,
    ) {
        (Some(order), Some(orders), Some(margin)) => Some(order.times(&orders).times(margin)),
        _ => None,
    };
    let ltv = both(yearly_margin.clone(), lifetime(row, funnel), |a, b| {
        a.times(&b)
    });
    Figures {
        spend: get(Column::Spend).unwrap_or(Quantity::Value(0.0)),
        visitors: get(Column::Visitors),
        conversions: get(Column::Conversions),
        leads: get(Column::Leads),
        qualified_leads: get(Column::QualifiedLeads),
        opportunities: get(Column::Opportunities),
        customers: customers.clone(),
        revenue: revenue.clone(),
        attributed_conversions: get(Column::AttributedConversions),
        attributed_revenue: get(Column::AttributedRevenue),
        micro_conversions: get(Column::MicroConversions),
        gross_profit: both(revenue, margin.clone(), |a, b| a.times(&b)),
        margin,
        customer_lifetime_margin: both(customers.clone(), ltv.clone(), |a, b| a.times(&b)),
        customer_yearly_margin: both(customers, yearly_margin.clone(), |a, b| a.times(&b)),
        yearly_margin_per_customer: yearly_margin,
        ltv,
        avg_time_on_site_s: get(Column::AvgTimeOnSite),
        avg_scroll_depth: get(Column::AvgScrollDepth),
    }
}

/// Sums an additive figure over rows; undefined when a row lacks it, listing those lines.
fn sum(figures: &[Figures], pick: impl Fn(&Figures) -> Option<&Quantity>) -> Option<Quantity> {
    add_up(figures.iter().map(pick))
}

/// Adds quantities. Returns `None` when one is `None` (a column is absent), and undefined when
/// one is undefined, with the lines of every missing cell of the first reason's column.
fn add_up<'a>(items: impl Iterator<Item = Option<&'a Quantity>>) -> Option<Quantity> {
    let mut total = 0.0;
    let mut missing: Option<Undefined> = None;
    for item in items {
        match item? {
            Quantity::Value(value) => total += value,
            Quantity::Undefined(reason) => match &mut missing {
                Some(first) if first.code == reason.code && first.column == reason.column => {
                    first.lines.extend(&reason.lines)
                }
                Some(_) => {}
                None => missing = Some(reason.clone()),
            },
        }
    }
    Some(match missing {
        Some(reason) => Quantity::Undefined(reason),
        None => Quantity::Value(total),
    })
}

/// Builds the figures of the total: sums of the additive figures, and averages weighted by the
/// customers or visitors they describe.
pub fn total_figures(rows: &[Figures]) -> Figures {
    let revenue = sum(rows, |f| f.revenue.as_ref());
    let gross_profit = sum(rows, |f| f.gross_profit.as_ref());
    let customers = sum(rows, |f| f.customers.as_ref());
    let visitors = sum(rows, |f| f.visitors.as_ref());
    let customer_lifetime_margin = sum(rows, |f| f.customer_lifetime_margin.as_ref());
    // A per-visitor average enters the total as Σ (average × visitors) ÷ Σ visitors.
    let weighted = |pick: fn(&Figures) -> Option<&Quantity>| -> Option<Quantity> {
        let mut products = Vec::with_capacity(rows.len());
        for figure in rows {
            products.push(pick(figure)?.times(figure.visitors.as_ref()?));
        }
        let total = add_up(products.iter().map(Some))?;
        Some(total.over(visitors.as_ref()?, Column::Visitors.name()))
    };
    Figures {
        spend: sum(rows, |f| Some(&f.spend)).unwrap_or(Quantity::Value(0.0)),
        conversions: sum(rows, |f| f.conversions.as_ref()),
        leads: sum(rows, |f| f.leads.as_ref()),
        qualified_leads: sum(rows, |f| f.qualified_leads.as_ref()),
        opportunities: sum(rows, |f| f.opportunities.as_ref()),
        attributed_conversions: sum(rows, |f| f.attributed_conversions.as_ref()),
        attributed_revenue: sum(rows, |f| f.attributed_revenue.as_ref()),
        micro_conversions: sum(rows, |f| f.micro_conversions.as_ref()),
        margin: both(gross_profit.clone(), revenue.clone(), |a, b| {
            a.over(&b, Column::Revenue.name())
        }),
        ltv: both(
            customer_lifetime_margin.clone(),
            customers.clone(),
            |a, b| a.over(&b, Column::Customers.name()),
        ),
        yearly_margin_per_customer: both(
            sum(rows, |f| f.customer_yearly_margin.as_ref()),
            customers.clone(),
            |a, b| a.over(&b, Column::Customers.name()),
        ),
        customer_yearly_margin: sum(rows, |f| f.customer_yearly_margin.as_ref()),
        avg_time_on_site_s: weighted(|f| f.avg_time_on_site_s.as_ref()),
        avg_scroll_depth: weighted(|f| f.avg_scroll_depth.as_ref()),
        revenue,
        gross_profit,
        customers,
        visitors,
        customer_lifetime_margin,
    }
}

/// One KPI: its id, unit, the funnel columns it needs and its formula.
struct Definition {
    kpi: &'static str,
    unit: &'static str,
    needs: &'static [Column],
    formula: fn(&Figures) -> Option<Quantity>,
}

const DEFINITIONS: &[Definition] = &[
    Definition {
        kpi: "cpl",
        unit: "currency per lead",
        needs: &[Column::Leads],
        formula: |f| Some(f.spend.over(f.leads.as_ref()?, "leads")),
    },
    Definition {
        kpi: "cpl_q",
        unit: "currency per qualified lead",
        needs: &[Column::QualifiedLeads],
        formula: |f| Some(f.spend.over(f.qualified_leads.as_ref()?, "qualified_leads")),
    },
    Definition {
        kpi: "conversion_rate",
        unit: "fraction",
        needs: &[Column::Conversions, Column::Visitors],
        formula: |f| {
            Some(
                f.conversions
                    .as_ref()?
                    .over(f.visitors.as_ref()?, "visitors"),
            )
        },
    },
    Definition {
        kpi: "cac",
        unit: "currency per customer",
        needs: &[Column::Customers],
        formula: |f| Some(f.spend.over(f.customers.as_ref()?, "customers")),
    },
    Definition {
        kpi: "lead_to_customer_rate",
        unit: "fraction",
        needs: &[Column::Customers, Column::Leads],
        formula: |f| Some(f.customers.as_ref()?.over(f.leads.as_ref()?, "leads")),
    },
    Definition {
        kpi: "ltv",
        unit: "currency per customer",
        needs: &[
            Column::AvgOrderValue,
            Column::OrdersPerYear,
            Column::GrossMargin,
            Column::LifetimeYears,
        ],
        formula: |f| f.ltv.clone(),
    },
    Definition {
        kpi: "ltv_to_cac",
        unit: "ratio",
        needs: &[
            Column::AvgOrderValue,
            Column::OrdersPerYear,
            Column::GrossMargin,
            Column::LifetimeYears,
            Column::Customers,
        ],
        formula: |f| Some(f.ltv.as_ref()?.over(&cac(f)?, "cac")),
    },
    Definition {
        kpi: "payback_months",
        unit: "months",
        needs: &[
            Column::AvgOrderValue,
            Column::OrdersPerYear,
            Column::GrossMargin,
            Column::Customers,
        ],
        formula: |f| {
            let monthly = f.yearly_margin_per_customer.as_ref()?.scaled(1.0 / 12.0);
            Some(cac(f)?.over(&monthly, "gross margin per customer"))
        },
    },
    Definition {
        kpi: "roas",
        unit: "revenue per currency unit of spend",
        needs: &[Column::Revenue],
        formula: |f| Some(f.revenue.as_ref()?.over(&f.spend, "spend")),
    },
    Definition {
        kpi: "poas",
        unit: "gross profit per currency unit of spend",
        needs: &[Column::Revenue, Column::GrossMargin],
        formula: |f| Some(f.gross_profit.as_ref()?.over(&f.spend, "spend")),
    },
    Definition {
        kpi: "break_even_roas",
        unit: "revenue per currency unit of spend",
        needs: &[Column::GrossMargin],
        formula: |f| Some(Quantity::Value(1.0).over(f.margin.as_ref()?, "gross_margin")),
    },
    Definition {
        kpi: "reported_roas",
        unit: "revenue per currency unit of spend",
        needs: &[Column::AttributedRevenue],
        formula: |f| Some(f.attributed_revenue.as_ref()?.over(&f.spend, "spend")),
    },
    Definition {
        kpi: "reported_cpa",
        unit: "currency per conversion",
        needs: &[Column::AttributedConversions],
        formula: |f| {
            Some(
                f.spend
                    .over(f.attributed_conversions.as_ref()?, "attributed_conversions"),
            )
        },
    },
    Definition {
        kpi: "cost_per_opportunity",
        unit: "currency per opportunity",
        needs: &[Column::Opportunities],
        formula: |f| Some(f.spend.over(f.opportunities.as_ref()?, "opportunities")),
    },
    Definition {
        kpi: "avg_time_on_site_s",
        unit: "seconds per visitor",
        needs: &[Column::AvgTimeOnSite],
        formula: |f| f.avg_time_on_site_s.clone(),
    },
    Definition {
        kpi: "avg_scroll_depth",
        unit: "fraction",
        needs: &[Column::AvgScrollDepth],
        formula: |f| f.avg_scroll_depth.clone(),
    },
    Definition {
        kpi: "micro_conversions_per_visitor",
        unit: "micro-conversions per visitor",
        needs: &[Column::MicroConversions, Column::Visitors],
        formula: |f| {
            Some(
                f.micro_conversions
                    .as_ref()?
                    .over(f.visitors.as_ref()?, "visitors"),
            )
        },
    },
    Definition {
        kpi: "value_per_visitor",
        unit: "revenue per visitor",
        needs: &[Column::Revenue, Column::Visitors],
        formula: |f| Some(f.revenue.as_ref()?.over(f.visitors.as_ref()?, "visitors")),
    },
];

/// CAC = spend ÷ customers, shared by the KPIs that divide by it.
pub fn cac(figures: &Figures) -> Option<Quantity> {
    Some(figures.spend.over(figures.customers.as_ref()?, "customers"))
}

/// Computes the KPIs of `figures` that the funnel's columns allow, in the documented order.
pub fn kpis(figures: &Figures) -> Vec<KpiValue> {
    DEFINITIONS
        .iter()
        .filter_map(|definition| {
            (definition.formula)(figures)
                .map(|value| value.into_kpi(definition.kpi, definition.unit))
        })
        .collect()
}

/// Lists the KPIs that the funnel's columns do not allow, with the columns that would enable them.
/// `lifetime_years` also counts as present when `churn_rate` is.
pub fn left_out(funnel: &Funnel) -> Vec<LeftOut> {
    let present = |column: &Column| {
        funnel.has(*column) || (*column == Column::LifetimeYears && funnel.has(Column::ChurnRate))
    };
    DEFINITIONS
        .iter()
        .filter_map(|definition| {
            let missing: Vec<String> = definition
                .needs
                .iter()
                .filter(|column| !present(column))
                .map(|column| {
                    if *column == Column::LifetimeYears {
                        "lifetime_years or churn_rate".to_string()
                    } else {
                        column.name().to_string()
                    }
                })
                .collect();
            (!missing.is_empty()).then(|| LeftOut {
                kpi: definition.kpi.to_string(),
                missing_columns: missing,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(kpis: &[KpiValue], kpi: &str) -> Option<f64> {
        kpis.iter()
            .find(|value| value.kpi == kpi)
            .unwrap_or_else(|| panic!("no {kpi}"))
            .point
    }

    fn funnel(columns: &[Column], rows: Vec<FunnelRow>) -> Funnel {
        let mut all = vec![Column::Channel, Column::Spend];
        all.extend_from_slice(columns);
        Funnel::from_rows(&all, rows)
    }

    #[test]
    fn each_kpi_on_a_hand_computed_row() {
        use Column::*;
        let columns = [
            Visitors,
            Conversions,
            Leads,
            QualifiedLeads,
            Opportunities,
            Customers,
            Revenue,
            GrossMargin,
            AttributedConversions,
            AttributedRevenue,
            AvgTimeOnSite,
            AvgScrollDepth,
            MicroConversions,
            AvgOrderValue,
            OrdersPerYear,
            LifetimeYears,
        ];
        let row = FunnelRow::from_values(
            2,
            "meta",
            &[
                (Spend, 10_000.0),
                (Visitors, 20_000.0),
                (Conversions, 400.0),
                (Leads, 500.0),
                (QualifiedLeads, 200.0),
                (Opportunities, 80.0),
                (Customers, 40.0),
                (Revenue, 50_000.0),
                (GrossMargin, 0.25),
                (AttributedConversions, 300.0),
                (AttributedRevenue, 60_000.0),
                (AvgTimeOnSite, 45.0),
                (AvgScrollDepth, 0.6),
                (MicroConversions, 1_000.0),
                (AvgOrderValue, 100.0),
                (OrdersPerYear, 4.0),
                (LifetimeYears, 3.0),
            ],
        );
        let funnel = funnel(&columns, vec![row.clone()]);
        let kpis = kpis(&row_figures(&row, &funnel));
        let close = |kpi: &str, expected: f64| {
            let found = value(&kpis, kpi).unwrap_or_else(|| panic!("{kpi} undefined"));
            assert!(
                (found - expected).abs() < 1e-9 * expected.abs().max(1.0),
                "{kpi}: {found} vs {expected}"
            );
        };
        close("cpl", 20.0); // 10,000 ÷ 500
        close("cpl_q", 50.0); // 10,000 ÷ 200
        close("conversion_rate", 0.02); // 400 ÷ 20,000
        close("cac", 250.0); // 10,000 ÷ 40
        close("lead_to_customer_rate", 0.08); // 40 ÷ 500
        close("ltv", 300.0); // 100 × 4 × 0.25 × 3
        close("ltv_to_cac", 1.2); // 300 ÷ 250
        close("payback_months", 30.0); // 250 ÷ (100 × 4 × 0.25 ÷ 12)
        close("roas", 5.0); // 50,000 ÷ 10,000
        close("poas", 1.25); // 50,000 × 0.25 ÷ 10,000
        close("break_even_roas", 4.0); // 1 ÷ 0.25
        close("reported_roas", 6.0); // 60,000 ÷ 10,000
        close("reported_cpa", 10_000.0 / 300.0);
        close("cost_per_opportunity", 125.0); // 10,000 ÷ 80
        close("avg_time_on_site_s", 45.0);
        close("avg_scroll_depth", 0.6);
        close("micro_conversions_per_visitor", 0.05); // 1,000 ÷ 20,000
        close("value_per_visitor", 2.5); // 50,000 ÷ 20,000
    }

    #[test]
    fn churn_rate_gives_lifetime() {
        use Column::*;
        let row = FunnelRow::from_values(
            2,
            "a",
            &[
                (Spend, 1.0),
                (AvgOrderValue, 50.0),
                (OrdersPerYear, 2.0),
                (GrossMargin, 0.5),
                (ChurnRate, 0.25),
            ],
        );
        let funnel = funnel(
            &[AvgOrderValue, OrdersPerYear, GrossMargin, ChurnRate],
            vec![row.clone()],
        );
        let kpis = kpis(&row_figures(&row, &funnel));
        // 50 × 2 × 0.5 × (1 ÷ 0.25) = 200
        assert_eq!(value(&kpis, "ltv"), Some(200.0));
    }

    #[test]
    fn totals_are_sums_over_sums() {
        use Column::*;
        // CAC per row: 100 ÷ 1 = 100 and 900 ÷ 9 = 100... made unequal below.
        let rows = vec![
            FunnelRow::from_values(
                2,
                "a",
                &[
                    (Spend, 100.0),
                    (Customers, 1.0),
                    (Revenue, 1_000.0),
                    (GrossMargin, 0.5),
                    (Visitors, 100.0),
                    (AvgTimeOnSite, 10.0),
                ],
            ),
            FunnelRow::from_values(
                3,
                "b",
                &[
                    (Spend, 900.0),
                    (Customers, 30.0),
                    (Revenue, 1_000.0),
                    (GrossMargin, 0.1),
                    (Visitors, 300.0),
                    (AvgTimeOnSite, 50.0),
                ],
            ),
        ];
        let funnel = funnel(
            &[Customers, Revenue, GrossMargin, Visitors, AvgTimeOnSite],
            rows.clone(),
        );
        let figures: Vec<Figures> = rows.iter().map(|row| row_figures(row, &funnel)).collect();
        let total = kpis(&total_figures(&figures));
        // CAC: (100 + 900) ÷ (1 + 30) = 32.26, not the mean of 100 and 30 (65).
        assert!((value(&total, "cac").expect("cac") - 1_000.0 / 31.0).abs() < 1e-12);
        // ROAS: 2,000 ÷ 1,000 = 2, not the mean of 10 and 1.11.
        assert_eq!(value(&total, "roas"), Some(2.0));
        // Break-even: 2,000 ÷ (500 + 100) = 3.33, not the mean of 2 and 10.
        assert!(
            (value(&total, "break_even_roas").expect("break-even") - 2_000.0 / 600.0).abs() < 1e-12
        );
        // Time on site weighted by visitors: (10 × 100 + 50 × 300) ÷ 400 = 40, not 30.
        assert_eq!(value(&total, "avg_time_on_site_s"), Some(40.0));
    }

    #[test]
    fn zero_leads_is_undefined_with_reason() {
        use Column::*;
        let row = FunnelRow::from_values(2, "a", &[(Spend, 100.0), (Leads, 0.0), (Customers, 0.0)]);
        let funnel = funnel(&[Leads, Customers], vec![row.clone()]);
        let kpis = kpis(&row_figures(&row, &funnel));
        let cpl = kpis.iter().find(|kpi| kpi.kpi == "cpl").expect("cpl");
        assert_eq!(cpl.point, None);
        let reason = cpl.undefined.as_ref().expect("reason");
        assert_eq!(reason.code, "zero_denominator");
        assert_eq!(reason.column, "leads");
        let rate = kpis
            .iter()
            .find(|kpi| kpi.kpi == "lead_to_customer_rate")
            .expect("rate");
        assert_eq!(
            rate.undefined.as_ref().map(|r| r.column.as_str()),
            Some("leads")
        );
    }

    #[test]
    fn zero_margin_break_even_undefined() {
        use Column::*;
        let row = FunnelRow::from_values(2, "a", &[(Spend, 100.0), (GrossMargin, 0.0)]);
        let funnel = funnel(&[GrossMargin], vec![row.clone()]);
        let kpis = kpis(&row_figures(&row, &funnel));
        let break_even = kpis
            .iter()
            .find(|kpi| kpi.kpi == "break_even_roas")
            .expect("kpi");
        assert_eq!(break_even.point, None);
        assert_eq!(
            break_even.undefined.as_ref().map(|r| r.column.as_str()),
            Some("gross_margin")
        );
    }

    #[test]
    fn missing_cell_makes_total_undefined() {
        use Column::*;
        let rows = vec![
            FunnelRow::from_values(2, "a", &[(Spend, 100.0), (Leads, 10.0)]),
            FunnelRow::from_values(3, "b", &[(Spend, 100.0)]),
        ];
        let funnel = funnel(&[Leads], rows.clone());
        let figures: Vec<Figures> = rows.iter().map(|row| row_figures(row, &funnel)).collect();
        let total = kpis(&total_figures(&figures));
        let cpl = total.iter().find(|kpi| kpi.kpi == "cpl").expect("cpl");
        let reason = cpl.undefined.as_ref().expect("undefined");
        assert_eq!(reason.code, "missing_value");
        assert_eq!(reason.lines, vec![3]);
    }

    #[test]
    fn absent_columns_are_left_out() {
        let funnel = funnel(&[Column::Leads], Vec::new());
        let left = left_out(&funnel);
        let cac = left
            .iter()
            .find(|item| item.kpi == "cac")
            .expect("cac left out");
        assert_eq!(cac.missing_columns, vec!["customers".to_string()]);
        assert!(left.iter().all(|item| item.kpi != "cpl"));
    }
}
