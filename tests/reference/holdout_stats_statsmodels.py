#!/usr/bin/env python3
"""Reference values for src/holdout/stats.rs, from statsmodels and scipy.

Each block prints the call and its result as Python's repr, which round-trips the double
exactly, so the Rust tests can compare at 1e-9 relative. Two-sample calls take the treatment
arm first, so every difference is treatment minus control.

Run: python3 tests/reference/holdout_stats_statsmodels.py
     (statsmodels 0.15.0, scipy 1.17.1, numpy 2.4.6)
"""
import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW


def show(label, values):
    values = np.atleast_1d(np.asarray(values, dtype=float))
    print(f"{label}: " + ", ".join(repr(float(v)) for v in values))


# Welch: small samples, interval and test from CompareMeans.
control = np.array([12.1, 9.8, 11.4, 10.2, 13.5, 8.9, 10.7, 11.9])
treatment = np.array([13.2, 12.8, 9.9, 14.1, 15.3, 11.7, 12.2, 16.0, 13.4, 10.8, 14.6])
compare = CompareMeans(DescrStatsW(treatment), DescrStatsW(control))
for alpha in (0.05, 0.10):
    show(f"CompareMeans.tconfint_diff(alpha={alpha}, usevar='unequal')",
         compare.tconfint_diff(alpha=alpha, usevar="unequal"))
show("CompareMeans.ttest_ind(usevar='unequal') -> t, p, df",
     compare.ttest_ind(usevar="unequal"))

# Welch: large holdout summaries, test from scipy's summary-statistics form.
show("ttest_ind_from_stats(3.241, sqrt(44.6), 48022, 3.127, sqrt(41.9), 48213, equal_var=False)",
     stats.ttest_ind_from_stats(3.241, 44.6**0.5, 48022, 3.127, 41.9**0.5, 48213, equal_var=False))
show("ttest_ind_from_stats(5.0, sqrt(4.0), 2000, 4.0, sqrt(9.0), 1500, equal_var=False)",
     stats.ttest_ind_from_stats(5.0, 4.0**0.5, 2000, 4.0, 9.0**0.5, 1500, equal_var=False))
show("ttest_ind_from_stats(3.241, sqrt(44.6), 50000000, 3.236, sqrt(41.9), 50000000, equal_var=False)",
     stats.ttest_ind_from_stats(3.241, 44.6**0.5, 50_000_000, 3.236, 41.9**0.5, 50_000_000,
                                equal_var=False))

# Wilson and Newcombe.
for count, nobs, alpha in ((7, 25, 0.05), (0, 20, 0.05), (20, 20, 0.10), (150, 2380, 0.05)):
    show(f"proportion_confint({count}, {nobs}, alpha={alpha}, method='wilson')",
         proportion_confint(count, nobs, alpha=alpha, method="wilson"))
for count1, nobs1, count2, nobs2, alpha in (
    (150, 2380, 120, 2400, 0.05),
    (3, 12, 0, 10, 0.05),
    (7, 9, 10, 10, 0.10),
    (56, 70, 48, 80, 0.05),
):
    show(f"confint_proportions_2indep({count1}, {nobs1}, {count2}, {nobs2}, method='newcomb', "
         f"compare='diff', alpha={alpha})",
         confint_proportions_2indep(count1, nobs1, count2, nobs2, method="newcomb",
                                    compare="diff", alpha=alpha))

# Sample ratio mismatch: expected counts are the total times the normalised shares.
for observed, shares in (
    ([50210, 49790], [0.5, 0.5]),
    ([50900, 49100], [1, 1]),
    ([33012, 33455, 33533], [1, 1, 1]),
    ([9012, 90988], [0.1, 0.9]),
):
    observed = np.array(observed, dtype=float)
    shares = np.array(shares, dtype=float)
    expected = observed.sum() * shares / shares.sum()
    show(f"chisquare({observed.tolist()}, f_exp={expected.tolist()}) -> statistic, p",
         stats.chisquare(observed, f_exp=expected))

# Holm.
for p_values in ([0.01, 0.04, 0.03, 0.005, 0.20], [0.01, 0.01, 0.9], [0.6, 0.7]):
    show(f"multipletests({p_values}, method='holm')[1]",
         multipletests(p_values, method="holm")[1])

# CUPED: theta from the pooled arms, then the adjusted metric y - theta (x - pooled mean of x).
control_x = np.array([3.0, 5.0, 2.0, 8.0, 6.0, 4.0, 7.0])
control_y = np.array([4.1, 6.3, 2.2, 9.4, 6.1, 5.0, 8.8])
treatment_x = np.array([2.0, 9.0, 5.0, 4.0, 6.0, 3.0, 7.0, 8.0])
treatment_y = np.array([3.5, 10.9, 6.6, 5.2, 7.9, 4.4, 8.1, 10.2])
x = np.concatenate([control_x, treatment_x])
y = np.concatenate([control_y, treatment_y])
theta = np.cov(x, y, ddof=1)[0, 1] / np.var(x, ddof=1)
show("np.cov(x, y, ddof=1)[0, 1] / np.var(x, ddof=1)", theta)
show("np.corrcoef(x, y)[0, 1]", np.corrcoef(x, y)[0, 1])
for name, arm_x, arm_y in (("control", control_x, control_y), ("treatment", treatment_x, treatment_y)):
    adjusted = arm_y - theta * (arm_x - x.mean())
    show(f"{name} adjusted: mean, np.var(ddof=1)", [adjusted.mean(), np.var(adjusted, ddof=1)])

# Student's t on both sides of each switch to a large-df expansion (quantile above 1e3,
# survival function above 5e5).
for df in (1e3, 1.5e3, 1e5, 5e5, 6e5, 1e8, 1e12):
    x = [0.5, 1.96, 3.8, 6.0]
    show(f"stats.t.sf({x}, df={df:g})", stats.t.sf(x, df))
    tails = [0.25, 0.025, 0.0005, 1e-6]
    show(f"stats.t.isf({tails}, df={df:g})", stats.t.isf(tails, df))
