#!/usr/bin/env python3
"""Reference weights of the demeaned synthetic control for the example panel, from scipy.

Target: mean of chicago and portland; donors: the other 38 cities; fit on 2021-01-01 to
2021-03-31 (90 days), each series demeaned over those days. Minimises the sum of squared
errors over non-negative weights that sum to one with scipy.optimize.minimize(method="SLSQP").
Prints the weights above 1e-4 and the intercept as Rust constants for tests/geo_reference.rs.

Run: python3 tests/reference/synth_weights_scipy.py   (numpy 2.4.6, scipy 1.17.1)
"""
import csv
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

path = Path(__file__).resolve().parents[2] / "experiments/geolift-walkthrough/GeoLift_Test.csv"
rows = list(csv.DictReader(path.open()))
geos = sorted({r["location"] for r in rows})
dates = sorted({r["date"] for r in rows})[:90]
value = {(r["location"], r["date"]): float(r["Y"]) for r in rows}
series = {g: np.array([value[(g, d)] for d in dates]) for g in geos}
treated = ["chicago", "portland"]
donors = [g for g in geos if g not in treated]
y = (series["chicago"] + series["portland"]) / 2
X = np.column_stack([series[g] for g in donors])
yc = y - y.mean()
Xc = X - X.mean(axis=0)
scale = np.abs(Xc).max()


def objective(w):
    r = (yc - Xc @ w) / scale
    return r @ r


def gradient(w):
    return -2 * Xc.T @ ((yc - Xc @ w) / scale) / scale


n = len(donors)
result = minimize(objective, np.full(n, 1 / n), jac=gradient, method="SLSQP",
                  bounds=[(0, 1)] * n,
                  constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}],
                  options={"ftol": 1e-15, "maxiter": 10_000})
w = result.x
print(f"// scipy {__import__('scipy').__version__}: success={result.success}, objective={objective(w) * scale**2:.6f}")
for g, weight in zip(donors, w):
    if weight > 1e-4:
        print(f'("{g}", {weight:.6f}),')
print(f"// intercept {y.mean() - X.mean(axis=0) @ w:.6f}")

# Incremental KPI over the test window 2021-04-01 to 2021-04-15 (days 91 to 105).
test_dates = sorted({r["date"] for r in rows})[90:105]
y_test = np.array([(value[("chicago", d)] + value[("portland", d)]) / 2 for d in test_dates])
X_test = np.column_stack([[value[(g, d)] for d in test_dates] for g in donors])
counterfactual = y.mean() + (X_test - X.mean(axis=0)) @ w
incremental = 2 * (y_test - counterfactual).sum()
print(f"// incremental {incremental:.3f}, relative lift {(y_test - counterfactual).sum() / counterfactual.sum():.6f}")
