#!/usr/bin/env python3
"""Reference time-based regression for the example panel, from statsmodels.

Model: mean of chicago and portland regressed on the mean of the other 38 cities, ordinary
least squares over 2021-01-01 to 2021-03-31 (statsmodels.api.OLS). The cumulative effect over
2021-04-01 to 2021-04-15 and its 90% interval use the covariance of the predictions from
results.cov_params() plus one residual variance per test day, with Student's t on the
residual degrees of freedom. Values are for the treated total (two geos).

Run: python3 tests/reference/tbr_statsmodels.py   (statsmodels 0.15.0, numpy 2.4.6)
"""
import csv
from pathlib import Path

import numpy as np
import statsmodels.api as sm
from scipy import stats

path = Path(__file__).resolve().parents[2] / "experiments/geolift-walkthrough/GeoLift_Test.csv"
rows = list(csv.DictReader(path.open()))
geos = sorted({r["location"] for r in rows})
dates = sorted({r["date"] for r in rows})
value = {(r["location"], r["date"]): float(r["Y"]) for r in rows}
treated = ["chicago", "portland"]
controls = [g for g in geos if g not in treated]
y = np.array([np.mean([value[(g, d)] for g in treated]) for d in dates])
m = np.array([np.mean([value[(g, d)] for g in controls]) for d in dates])

pre, test = slice(0, 90), slice(90, 105)
results = sm.OLS(y[pre], sm.add_constant(m[pre])).fit()
x_test = sm.add_constant(m[test])
prediction = x_test @ results.params
ones = np.ones(len(prediction))
variance = results.scale * len(prediction) + ones @ x_test @ results.cov_params() @ x_test.T @ ones
t = stats.t.ppf(0.95, results.df_resid)
effect = (y[test] - prediction).sum()
print(f"// statsmodels: slope {results.params[1]:.6f}, intercept {results.params[0]:.6f}")
print(f"// incremental {2 * effect:.4f}, 90% interval {2 * (effect - t * variance**0.5):.4f} to {2 * (effect + t * variance**0.5):.4f}")
