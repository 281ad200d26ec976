//! The geo analysis from a validated panel to a complete report: fit, effects, bootstrap
//! intervals, placebo test, diagnostics, warnings and verdict.
//!
//! All effects are computed on the treated geos' mean series and scaled to totals at the end:
//! the incremental KPI is the number of treated geos times the summed daily gap over the test
//! window.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::bootstrap::{self, BootstrapDraws, Problem, centred};
use super::config::{
    BootstrapScheme, Estimator, GeoConfig, GeoError, IntervalMethod, Layout, validate,
};
use super::diagnostics;
use super::model::Fit;
use super::placebo;
use crate::data::{Panel, PanelSpec};
use crate::progress::Progress;
use crate::report::report_values;
use crate::report::{
    BootstrapSummary, DailyPoint, Estimate, GeoDataSummary, GeoDraws, GeoEstimates, GeoInference,
    GeoParameters, GeoReport, Interval, PlaceboRun, PlaceboSummary, SCHEMA_VERSION, ToolInfo,
    Warning,
};
use crate::resample::{bca, bca_adjustment, jackknife_acceleration, percentile};
use crate::verdict::{geo_verdict, methods_disagree};
use serde_json::json;

/// An interval of the cumulative effect on the treated mean, before scaling.
struct RawInterval {
    method: &'static str,
    lower: f64,
    upper: f64,
}

/// Runs the geo analysis of `panel` read with `spec` under `config`.
pub fn analyze(
    panel: &Panel,
    spec: &PanelSpec,
    config: &GeoConfig,
    progress: &dyn Progress,
) -> Result<GeoReport, GeoError> {
    let layout = validate(panel, config)?;
    let pre_days = layout.pre_days();
    let test_days = layout.test_days();
    let treated_count = layout.treated.len() as f64;
    // Rounded so that a level of 0.90 gives an alpha of 0.1, not 0.09999999999999998.
    let alpha = ((1.0 - config.level) * 1e12).round() / 1e12;
    let mut warnings = Vec::new();

    // Series over the analysis days: the treated mean and each control geo.
    let target = treated_mean(panel, &layout);
    let controls: Vec<Vec<f64>> = layout
        .controls
        .iter()
        .map(|geo| row_over_window(panel, *geo, &layout))
        .collect();

    // Fit on the pre-period and read off the gaps.
    let problem = Problem {
        estimator: config.estimator,
        target: &target,
        donors: &controls,
        pre_days,
        test_days,
        block_length: config.block_length_days,
    };
    let model = problem.prepare()?;
    let fit = model.fit(&target[..pre_days])?;
    let predictions: Vec<f64> = (0..layout.days())
        .map(|day| fit.predict(&controls, day))
        .collect();
    let gaps: Vec<f64> = target
        .iter()
        .zip(&predictions)
        .map(|(y, p)| y - p)
        .collect();
    let effect: f64 = gaps[pre_days..].iter().sum();
    let observed_test_total: f64 = target[pre_days..].iter().sum();

    // Placebo test in space over control sets of the treated set's size.
    let counterfactual_test_total: f64 = predictions[pre_days..].iter().sum();
    if counterfactual_test_total <= 0.0 {
        return Err(GeoError::CounterfactualNotPositive {
            total: counterfactual_test_total * treated_count,
        });
    }
    let observed = placebo::set_statistic(&gaps, counterfactual_test_total, pre_days);
    let outcome = placebo::run(
        config.estimator,
        &controls,
        layout.treated.len(),
        pre_days,
        test_days,
        config.max_placebo_sets,
        config.seed,
        progress,
    )?;
    let placebo_statistics: Vec<f64> = outcome
        .runs
        .iter()
        .map(|run| run.result.statistic)
        .collect();
    let p_value = (!placebo_statistics.is_empty())
        .then(|| placebo::p_value(observed.statistic, &placebo_statistics));

    // Both bootstraps: placebo paths, and blocks of out-of-sample pre-period residuals.
    let jackknife = bootstrap::jackknife(&problem)?;
    let acceleration = jackknife_acceleration(&jackknife.estimates);
    let path_draws = bootstrap::placebo_path_bootstrap(
        &outcome.runs,
        counterfactual_test_total,
        test_days,
        config.resamples,
        config.seed,
    );
    let residuals = centred(&jackknife.residuals);
    let block_draws = bootstrap::bootstrap(
        &problem,
        &model,
        &fit,
        &residuals,
        config.resamples,
        config.seed,
        progress,
    );
    let min_paths = minimum_placebo_paths(alpha);
    let scheme =
        if config.bootstrap == BootstrapScheme::PlaceboPath && outcome.runs.len() < min_paths {
            warnings.push(Warning {
                code: "few_placebo_paths".to_string(),
                message: format!(
                    "only {} placebo sets were run, fewer than the {min_paths} the placebo-path \
                 bootstrap needs at this level; the intervals come from the moving-block \
                 bootstrap of pre-period residuals, which can be too narrow when geos drift",
                    outcome.runs.len()
                ),
                values: report_values([
                    ("sets_run", json!(outcome.runs.len())),
                    ("minimum", json!(min_paths)),
                ]),
            });
            BootstrapScheme::Block
        } else {
            config.bootstrap
        };
    let (primary_draws, secondary_draws) = match scheme {
        BootstrapScheme::PlaceboPath => (&path_draws, &block_draws),
        BootstrapScheme::Block => (&block_draws, &path_draws),
    };
    for (draws, name) in [
        (&path_draws, "placebo-path"),
        (&block_draws, "moving-block"),
    ] {
        if draws.non_finite > 0 && !(name == "placebo-path" && outcome.runs.is_empty()) {
            warnings.push(Warning {
                code: "non_finite_resamples".to_string(),
                message: format!(
                    "{} of {} {name} bootstrap resamples gave no finite estimate and were left \
                     out of the intervals",
                    draws.non_finite, config.resamples
                ),
                values: report_values([
                    ("count", json!(draws.non_finite)),
                    ("resamples", json!(config.resamples)),
                    ("bootstrap", json!(name)),
                ]),
            });
        }
    }

    // Intervals of the cumulative effect on the treated mean, the primary one first.
    let mut raw_intervals: Vec<RawInterval> = Vec::new();
    let mut bias_correction = None;
    for (draws, draw_scheme) in [(primary_draws, scheme), (secondary_draws, other(scheme))] {
        let mut replicates: Vec<f64> = draws.total_errors.iter().map(|e| effect + e).collect();
        replicates.sort_by(f64::total_cmp);
        let adjustment = bca_adjustment(&replicates, effect, acceleration);
        if draw_scheme == scheme {
            bias_correction = adjustment.map(|a| a.bias_correction);
        }
        let percentile_interval =
            percentile(&replicates, config.level).map(|(lower, upper)| RawInterval {
                method: interval_name(draw_scheme, IntervalMethod::Percentile),
                lower,
                upper,
            });
        let bca_interval = adjustment
            .and_then(|adjustment| bca(&replicates, config.level, adjustment))
            .map(|(lower, upper)| RawInterval {
                method: interval_name(draw_scheme, IntervalMethod::Bca),
                lower,
                upper,
            });
        if draw_scheme == scheme && config.interval == IntervalMethod::Bca && bca_interval.is_none()
        {
            warnings.push(Warning {
                code: "bca_undefined".to_string(),
                message: "the BCa interval is undefined (every bootstrap estimate lies on one \
                          side of the point estimate, or its adjusted levels fall outside 0 to \
                          1); the percentile interval is reported first instead"
                    .to_string(),
                values: Default::default(),
            });
        }
        match config.interval {
            IntervalMethod::Bca => {
                raw_intervals.extend(bca_interval);
                raw_intervals.extend(percentile_interval);
            }
            IntervalMethod::Percentile => {
                raw_intervals.extend(percentile_interval);
                raw_intervals.extend(bca_interval);
            }
        }
    }
    if config.estimator == Estimator::Tbr {
        raw_intervals.extend(tbr_analytic_interval(&model, &fit, &problem, config.level));
    }

    // Estimates, scaled from the treated mean to totals where they are totals.
    let incremental = scaled_estimate(effect, &raw_intervals, config.level, "kpi", |value| {
        Some(value * treated_count)
    });
    let relative_lift =
        scaled_estimate(effect, &raw_intervals, config.level, "fraction", |value| {
            let counterfactual = observed_test_total - value;
            (counterfactual > 0.0).then(|| value / counterfactual)
        });
    let relative_lift = if observed_test_total - effect > 0.0 {
        relative_lift
    } else {
        undefined(
            "fraction",
            "the counterfactual KPI total over the test window is not positive",
        )
    };
    let att = scaled_estimate(
        effect,
        &raw_intervals,
        config.level,
        "kpi per geo per day",
        |value| Some(value / test_days as f64),
    );
    let (incremental_spend, iroas, cost_per_incremental) = spend_estimates(
        panel,
        &layout,
        &incremental,
        &raw_intervals,
        config.level,
        treated_count,
        effect,
    );

    // Verdict from the primary interval and the placebo p-value.
    let verdict = geo_verdict(incremental.interval.as_ref(), p_value, alpha);
    if let Some(interval) = &incremental.interval
        && let Some(p_value) = p_value
        && methods_disagree(interval, p_value, alpha)
    {
        warnings.push(Warning {
            code: "methods_disagree".to_string(),
            message: format!(
                "the bootstrap interval and the placebo p-value ({p_value:.3}) point to \
                 different conclusions, so the verdict is inconclusive"
            ),
            values: report_values([("p_value", json!(p_value))]),
        });
    }

    // Diagnostics and the warnings they raise.
    let diagnostics = diagnostics::diagnose(panel, &layout, config.estimator, &fit, &target, &gaps);
    warnings.extend(diagnostics::warnings(
        &diagnostics,
        &layout,
        config,
        controls.len(),
    ));
    if panel.filled_cells > 0 {
        warnings.push(Warning {
            code: "filled_cells".to_string(),
            message: format!(
                "{} missing geo × day cells were counted as zero (--missing zero)",
                panel.filled_cells
            ),
            values: report_values([("count", json!(panel.filled_cells))]),
        });
    }
    let rows_outside_window: usize = panel
        .rows_per_day
        .iter()
        .enumerate()
        .filter(|(day, _)| *day < layout.pre_start || *day >= layout.test_end)
        .map(|(_, rows)| rows)
        .sum();
    if rows_outside_window > 0 {
        warnings.push(Warning {
            code: "rows_outside_window".to_string(),
            message: format!(
                "{rows_outside_window} rows lie outside the pre-period and test window and were \
                 not used"
            ),
            values: report_values([("count", json!(rows_outside_window))]),
        });
    }
    let smallest_p = 1.0 / (1.0 + outcome.runs.len() as f64);
    if outcome.runs.is_empty() {
        warnings.push(Warning {
            code: "placebo_underpowered".to_string(),
            message: "no placebo set could be run, because no control geo would be left as a \
                      donor; there is no p-value, and the verdict stays inconclusive"
                .to_string(),
            values: report_values([("sets_run", json!(0))]),
        });
    } else if smallest_p >= alpha {
        warnings.push(Warning {
            code: "placebo_underpowered".to_string(),
            message: format!(
                "only {} placebo sets were run, so the smallest possible p-value is \
                 {smallest_p:.3}, not below {alpha:.2}; the placebo test cannot reject no effect",
                outcome.runs.len()
            ),
            values: report_values([
                ("sets_run", json!(outcome.runs.len())),
                ("smallest_p_value", json!(smallest_p)),
                ("alpha", json!(alpha)),
            ]),
        });
    }
    if (outcome.runs.len() as u64) + (outcome.not_finite as u64) < outcome.sets_possible {
        warnings.push(Warning {
            code: "placebo_sampled".to_string(),
            message: format!(
                "{} of {} possible placebo sets were run, drawn at random with the seed",
                outcome.runs.len() + outcome.not_finite,
                outcome.sets_possible
            ),
            values: report_values([
                ("sets_run", json!(outcome.runs.len() + outcome.not_finite)),
                ("sets_possible", json!(outcome.sets_possible)),
            ]),
        });
    }
    if outcome.not_finite > 0 {
        warnings.push(Warning {
            code: "placebo_not_finite".to_string(),
            message: format!(
                "{} placebo sets have a counterfactual total of zero over the test window, so \
                 their relative lift is undefined; they were left out",
                outcome.not_finite
            ),
            values: report_values([("count", json!(outcome.not_finite))]),
        });
    }

    // The report, with the primary draws scaled from the treated mean to treated totals.
    let draws = GeoDraws {
        scheme: scheme.name().to_string(),
        incremental: primary_draws
            .total_errors
            .iter()
            .map(|error| (effect + error) * treated_count)
            .collect(),
        observed_test_total: observed_test_total * treated_count,
    };
    let series = daily_series(
        panel,
        &layout,
        &target,
        &predictions,
        primary_draws,
        config.level,
        treated_count,
    );
    let treated_names: Vec<String> = layout
        .treated
        .iter()
        .map(|i| panel.geos[*i].clone())
        .collect();
    let control_names: Vec<String> = layout
        .controls
        .iter()
        .map(|i| panel.geos[*i].clone())
        .collect();
    let runs = outcome
        .runs
        .iter()
        .map(|run| PlaceboRun {
            geos: run
                .members
                .iter()
                .map(|m| control_names[*m].clone())
                .collect(),
            statistic: run.result.statistic,
            relative_lift: run.result.relative_lift,
        })
        .collect();
    let title = config.title.clone().unwrap_or_else(|| {
        format!(
            "Geo test on {}, {} to {}",
            treated_names.join(", "),
            config.test_start,
            config.test_end
        )
    });

    Ok(GeoReport {
        schema_version: SCHEMA_VERSION.to_string(),
        tool: ToolInfo::current(),
        kind: "geo".to_string(),
        title,
        inputs: vec![panel.file.clone()],
        parameters: GeoParameters {
            geo_col: spec.geo_col.clone(),
            date_col: spec.date_col.clone(),
            kpi_col: spec.kpi_col.clone(),
            spend_col: spec.spend_col.clone(),
            date_format: spec.date_format.clone(),
            delimiter: char::from(spec.delimiter).to_string(),
            missing: spec.missing.name().to_string(),
            treated: config.treated.clone(),
            test_start: config.test_start.to_string(),
            test_end: config.test_end.to_string(),
            pre_start: config.pre_start.map(|date| date.to_string()),
            estimator: config.estimator.name().to_string(),
            intercept: config.estimator.has_intercept(),
            level: config.level,
            resamples: config.resamples,
            seed: config.seed,
            block_length_days: config.block_length_days,
            bootstrap: config.bootstrap.name().to_string(),
            interval: config.interval.name().to_string(),
            max_placebo_sets: config.max_placebo_sets,
        },
        data: GeoDataSummary {
            geos: panel.geos.len(),
            first_date: panel.dates[0].to_string(),
            last_date: panel.dates[panel.dates.len() - 1].to_string(),
            pre_period_days: pre_days,
            test_days,
            treated_geos: treated_names,
            control_geos: control_names,
            filled_cells: panel.filled_cells,
            rows_outside_window,
        },
        estimates: GeoEstimates {
            incremental,
            relative_lift,
            att,
            incremental_spend,
            iroas,
            cost_per_incremental,
        },
        inference: GeoInference {
            bootstrap: BootstrapSummary {
                scheme: scheme.name().to_string(),
                resamples: config.resamples,
                block_length_days: config.block_length_days,
                placebo_paths: outcome.runs.len(),
                non_finite_resamples: primary_draws.non_finite,
                bca_acceleration: acceleration,
                bca_bias_correction: bias_correction,
            },
            placebo: PlaceboSummary {
                statistic: "abs_relative_lift".to_string(),
                observed_statistic: observed.statistic,
                p_value,
                sets_possible: outcome.sets_possible,
                sets_run: outcome.runs.len() + outcome.not_finite,
                sets_not_finite: outcome.not_finite,
                runs,
            },
            alpha,
        },
        verdict,
        diagnostics,
        warnings,
        series,
        draws: Some(draws),
    })
}

/// Returns the treated geos' mean KPI on each analysis day.
fn treated_mean(panel: &Panel, layout: &Layout) -> Vec<f64> {
    (layout.pre_start..layout.test_end)
        .map(|day| {
            layout
                .treated
                .iter()
                .map(|geo| panel.kpi[[*geo, day]])
                .sum::<f64>()
                / layout.treated.len() as f64
        })
        .collect()
}

fn row_over_window(panel: &Panel, geo: usize, layout: &Layout) -> Vec<f64> {
    (layout.pre_start..layout.test_end)
        .map(|day| panel.kpi[[geo, day]])
        .collect()
}

/// Builds an estimate whose point and interval ends are `transform` of the cumulative effect
/// on the treated mean. `transform` must be increasing where it is defined.
fn scaled_estimate(
    effect: f64,
    intervals: &[RawInterval],
    level: f64,
    unit: &str,
    transform: impl Fn(f64) -> Option<f64>,
) -> Estimate {
    let scaled: Vec<Interval> = intervals
        .iter()
        .filter_map(|raw| {
            Some(Interval {
                lower: transform(raw.lower)?,
                upper: transform(raw.upper)?,
                level,
                method: raw.method.to_string(),
            })
        })
        .collect();
    let interval_note = (scaled.len() < intervals.len()).then(|| {
        "an interval end falls where this quantity is undefined, so that interval is left out"
            .to_string()
    });
    Estimate {
        point: transform(effect),
        interval: scaled.first().cloned(),
        intervals: scaled,
        unit: unit.to_string(),
        undefined_reason: None,
        interval_note,
    }
}

fn undefined(unit: &str, reason: &str) -> Estimate {
    Estimate {
        point: None,
        interval: None,
        intervals: Vec::new(),
        unit: unit.to_string(),
        undefined_reason: Some(reason.to_string()),
        interval_note: None,
    }
}

/// Returns incremental spend, iROAS and cost per incremental unit, when a spend column was read.
///
/// Incremental spend is the treated geos' spend in the test window minus what they would have
/// spent at their own pre-period daily rate.
fn spend_estimates(
    panel: &Panel,
    layout: &Layout,
    incremental: &Estimate,
    intervals: &[RawInterval],
    level: f64,
    treated_count: f64,
    effect: f64,
) -> (Option<f64>, Option<Estimate>, Option<Estimate>) {
    let Some(spend) = &panel.spend else {
        return (None, None, None);
    };
    let pre_days = layout.pre_days() as f64;
    let test_days = layout.test_days() as f64;
    let incremental_spend: f64 = layout
        .treated
        .iter()
        .map(|geo| {
            let pre_rate = (layout.pre_start..layout.test_start)
                .map(|day| spend[[*geo, day]])
                .sum::<f64>()
                / pre_days;
            let test_total: f64 = (layout.test_start..layout.test_end)
                .map(|day| spend[[*geo, day]])
                .sum();
            test_total - pre_rate * test_days
        })
        .sum();

    if incremental_spend == 0.0 {
        let reason = "incremental spend is zero: the treated geos spent at their pre-period rate";
        return (
            Some(incremental_spend),
            Some(undefined("kpi per currency unit", reason)),
            Some(undefined("currency per kpi unit", reason)),
        );
    }

    // iROAS = incremental KPI ÷ incremental spend, monotone in the effect, so its interval ends
    // are the effect's interval ends divided by the spend (swapped when the spend is negative).
    let mut iroas = scaled_estimate(effect, intervals, level, "kpi per currency unit", |value| {
        Some(value * treated_count / incremental_spend)
    });
    if incremental_spend < 0.0 {
        for interval in iroas.intervals.iter_mut() {
            std::mem::swap(&mut interval.lower, &mut interval.upper);
        }
        iroas.interval = iroas.intervals.first().cloned();
    }

    // Cost per incremental unit = incremental spend ÷ incremental KPI, defined when the
    // incremental KPI has the spend's sign, and bounded only when the interval does too.
    let same_sign = |value: f64| value != 0.0 && (value > 0.0) == (incremental_spend > 0.0);
    let cost = match incremental.point {
        Some(point) if same_sign(point) => {
            let mut estimate = Estimate {
                point: Some(incremental_spend / point),
                interval: None,
                intervals: Vec::new(),
                unit: "currency per kpi unit".to_string(),
                undefined_reason: None,
                interval_note: None,
            };
            for interval in &incremental.intervals {
                if same_sign(interval.lower) && same_sign(interval.upper) {
                    let ends = [
                        incremental_spend / interval.lower,
                        incremental_spend / interval.upper,
                    ];
                    estimate.intervals.push(Interval {
                        lower: ends[0].min(ends[1]),
                        upper: ends[0].max(ends[1]),
                        level: interval.level,
                        method: interval.method.clone(),
                    });
                }
            }
            estimate.interval = estimate.intervals.first().cloned();
            if estimate.interval.is_none() {
                estimate.interval_note = Some(
                    "the interval of the incremental KPI includes zero, so the cost per \
                     incremental unit has no upper bound"
                        .to_string(),
                );
            }
            estimate
        }
        _ => undefined(
            "currency per kpi unit",
            "the incremental KPI is zero or has the opposite sign of the incremental spend",
        ),
    };
    (Some(incremental_spend), Some(iroas), Some(cost))
}

/// Returns the analytic interval of the time-based regression for the cumulative effect,
/// `Δ ± t(1 − α/2; n − 2) × σ̂ × √(m + m²/n + (Σ_test (xₜ − x̄))² ÷ Sxx)` for `n` pre-period and
/// `m` test days. The root is the prediction variance of a sum of `m` new observations under
/// ordinary least squares (Kerman, Wang & Vaver 2017, section 3).
fn tbr_analytic_interval(
    model: &super::model::PreparedModel,
    fit: &Fit,
    problem: &Problem,
    level: f64,
) -> Option<RawInterval> {
    let pre_days = problem.pre_days;
    let test_days = problem.test_days as f64;
    let (_, control_mean_mean, sxx) = model.control_mean_summary();
    let residual_sum_of_squares: f64 = (0..pre_days)
        .map(|day| (problem.target[day] - fit.predict(problem.donors, day)).powi(2))
        .sum();
    let degrees = pre_days as f64 - 2.0;
    let sigma_squared = residual_sum_of_squares / degrees;
    let donor_count = problem.donors.len() as f64;
    let test_deviation: f64 = (pre_days..pre_days + problem.test_days)
        .map(|day| {
            problem.donors.iter().map(|series| series[day]).sum::<f64>() / donor_count
                - control_mean_mean
        })
        .sum();
    let variance = sigma_squared
        * (test_days + test_days * test_days / pre_days as f64 + test_deviation.powi(2) / sxx);
    let t = StudentsT::new(0.0, 1.0, degrees).ok()?;
    let half_width = t.inverse_cdf(1.0 - (1.0 - level) / 2.0) * variance.sqrt();
    let effect = problem.cumulative_effect(fit);
    Some(RawInterval {
        method: "tbr_analytic_t",
        lower: effect - half_width,
        upper: effect + half_width,
    })
}

/// Builds the daily series of the report in treated totals, with pointwise percentile bands
/// on test days.
fn daily_series(
    panel: &Panel,
    layout: &Layout,
    target: &[f64],
    predictions: &[f64],
    draws: &BootstrapDraws,
    level: f64,
    treated_count: f64,
) -> Vec<DailyPoint> {
    let pre_days = layout.pre_days();
    let test_days = layout.test_days();
    let resamples = draws.total_errors.len();
    let mut cumulative_errors = vec![0.0; resamples];
    let mut cumulative_effect = 0.0;
    let mut series = Vec::with_capacity(layout.days());
    for day in 0..layout.days() {
        let date = panel.dates[layout.pre_start + day].to_string();
        let observed = target[day] * treated_count;
        let counterfactual = predictions[day] * treated_count;
        let effect = observed - counterfactual;
        if day < pre_days {
            series.push(DailyPoint {
                date,
                period: "pre".to_string(),
                observed,
                counterfactual,
                counterfactual_lower: None,
                counterfactual_upper: None,
                effect,
                cumulative_effect: None,
                cumulative_lower: None,
                cumulative_upper: None,
            });
            continue;
        }
        let offset = day - pre_days;
        let mut day_errors: Vec<f64> = (0..resamples)
            .map(|b| draws.day_errors[b * test_days + offset])
            .collect();
        for (total, error) in cumulative_errors.iter_mut().zip(&day_errors) {
            *total += error;
        }
        day_errors.sort_by(f64::total_cmp);
        let mut sorted_cumulative = cumulative_errors.clone();
        sorted_cumulative.sort_by(f64::total_cmp);
        cumulative_effect += effect;
        let band = percentile(&day_errors, level);
        let cumulative_band = percentile(&sorted_cumulative, level);
        series.push(DailyPoint {
            date,
            period: "test".to_string(),
            observed,
            counterfactual,
            // The counterfactual is observed − effect, so its band mirrors the error quantiles.
            counterfactual_lower: band.map(|(_, upper)| counterfactual - upper * treated_count),
            counterfactual_upper: band.map(|(lower, _)| counterfactual - lower * treated_count),
            effect,
            cumulative_effect: Some(cumulative_effect),
            cumulative_lower: cumulative_band
                .map(|(lower, _)| cumulative_effect + lower * treated_count),
            cumulative_upper: cumulative_band
                .map(|(_, upper)| cumulative_effect + upper * treated_count),
        });
    }
    series
}

/// Minimum number of placebo paths for the placebo-path bootstrap at significance `alpha`: enough that
/// each tail of the interval contains at least one path, `⌈2 ÷ α⌉`.
fn minimum_placebo_paths(alpha: f64) -> usize {
    // The tolerance keeps 2 ÷ 0.1 at 20 although 1 − 0.9 is slightly below 0.1 in binary.
    (2.0 / alpha - 1e-9).ceil() as usize
}

fn other(scheme: BootstrapScheme) -> BootstrapScheme {
    match scheme {
        BootstrapScheme::PlaceboPath => BootstrapScheme::Block,
        BootstrapScheme::Block => BootstrapScheme::PlaceboPath,
    }
}

/// Returns the report name of an interval, e.g. `placebo_path_bootstrap_bca`.
fn interval_name(scheme: BootstrapScheme, method: IntervalMethod) -> &'static str {
    match (scheme, method) {
        (BootstrapScheme::PlaceboPath, IntervalMethod::Bca) => "placebo_path_bootstrap_bca",
        (BootstrapScheme::PlaceboPath, IntervalMethod::Percentile) => {
            "placebo_path_bootstrap_percentile"
        }
        (BootstrapScheme::Block, IntervalMethod::Bca) => "block_bootstrap_bca",
        (BootstrapScheme::Block, IntervalMethod::Percentile) => "block_bootstrap_percentile",
    }
}
