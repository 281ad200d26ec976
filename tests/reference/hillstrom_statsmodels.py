#!/usr/bin/env python3
"""Reference values for the Hillstrom example from statsmodels.

For the women's e-mail against no e-mail: arm means of visit and spend, the Welch 95% interval
of the spend difference (CompareMeans(DescrStatsW(treatment), DescrStatsW(control))
.tconfint_diff(alpha=0.05, usevar="unequal")) and the Newcombe 95% interval of the visit
difference (confint_proportions_2indep(..., method="newcomb", compare="diff")).

Run: python3 tests/reference/hillstrom_statsmodels.py   (statsmodels 0.15.0, pandas 3.1.1)
"""
from pathlib import Path

import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

path = Path(__file__).resolve().parents[2] / "experiments/hillstrom-email/hillstrom.csv"
data = pd.read_csv(path)
control = data[data["segment"] == "No E-Mail"]
treatment = data[data["segment"] == "Womens E-Mail"]
print(f"visit means {control.visit.mean():.12f} {treatment.visit.mean():.12f}")
print(f"spend means {control.spend.mean():.12f} {treatment.spend.mean():.12f}")
low, high = CompareMeans(DescrStatsW(treatment.spend.to_numpy()),
                         DescrStatsW(control.spend.to_numpy())).tconfint_diff(alpha=0.05, usevar="unequal")
print(f"welch spend {low:.12f} {high:.12f}")
low, high = confint_proportions_2indep(treatment.visit.sum(), len(treatment), control.visit.sum(), len(control),
                                       method="newcomb", compare="diff", alpha=0.05)
print(f"newcombe visit {low:.12f} {high:.12f}")
