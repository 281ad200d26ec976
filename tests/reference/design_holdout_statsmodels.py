#!/usr/bin/env python3
"""Reference values for tests/design_holdout_reference.rs, from statsmodels.

Run with a Python that has statsmodels 0.15 and scipy; the printed values are pasted into the
Rust test, which names the call behind each one. liftlab's group 1 is the treated arm, so
nobs1 = treated users and ratio = held-out users / treated users.
"""
import numpy as np
import scipy
import statsmodels
from scipy.optimize import brentq
from statsmodels.stats.power import NormalIndPower, normal_power_het
from statsmodels.stats.proportion import (
    power_proportions_2indep,
    proportion_effectsize,
    samplesize_proportions_2indep_onetail,
)

print(f"statsmodels {statsmodels.__version__}, scipy {scipy.__version__}, numpy {np.__version__}")


def std_unpooled(p1, p2, ratio):
    """Per-unit standard deviation of p1_hat - p2_hat times sqrt(nobs1)."""
    return np.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / ratio)


# 1. Two proportions, unpooled (Wald) variance, 90:10, baseline 0.02, +5% relative.
p2, diff, ratio, alpha = 0.02, 0.001, 1 / 9, 0.10
s = std_unpooled(p2 + diff, p2, ratio)
nobs1 = brentq(lambda n: normal_power_het(diff, n, alpha, std_null=s, std_alternative=s,
                                          alternative="two-sided") - 0.8, 1, 1e9, xtol=1e-6)
print("unpooled nobs1 (normal_power_het root, power 0.8):", repr(nobs1))
print("unpooled power at nobs1=180000:",
      repr(normal_power_het(diff, 180000, alpha, std_null=s, std_alternative=s,
                            alternative="two-sided")))

# 2. Two proportions, pooled null variance (statsmodels' default for proportions).
print("pooled nobs1 samplesize_proportions_2indep_onetail(0.001, 0.02, 0.8, ratio=1/9, alpha=0.10):",
      repr(samplesize_proportions_2indep_onetail(diff, p2, 0.8, ratio=ratio, alpha=alpha,
                                                 alternative="two-sided")))
print("pooled nobs1 (power_proportions_2indep root, power 0.8, both tails):",
      repr(brentq(lambda n: power_proportions_2indep(diff, p2, n, ratio=ratio, alpha=alpha,
                                                     alternative="two-sided",
                                                     return_results=False) - 0.8,
                  1e3, 1e8, xtol=1e-6)))
print("pooled power power_proportions_2indep(0.001, 0.02, 180000, ratio=1/9, alpha=0.10):",
      repr(power_proportions_2indep(diff, p2, 180000, ratio=ratio, alpha=alpha,
                                    alternative="two-sided", return_results=False)))
print("pooled power power_proportions_2indep(0.01, 0.10, 5000, ratio=1, alpha=0.05, larger):",
      repr(power_proportions_2indep(0.01, 0.10, 5000, ratio=1.0, alpha=0.05,
                                    alternative="larger", return_results=False)))

# 3. Two means, equal variance: NormalIndPower with d = effect / sd.
print("means nobs1 NormalIndPower().solve_power(effect_size=0.007, alpha=0.05, power=0.8, ratio=1):",
      repr(NormalIndPower().solve_power(effect_size=0.007, nobs1=None, alpha=0.05, power=0.8,
                                        ratio=1.0)))
print("means nobs1 NormalIndPower().solve_power(effect_size=0.05, alpha=0.05, power=0.9, ratio=0.25):",
      repr(NormalIndPower().solve_power(effect_size=0.05, nobs1=None, alpha=0.05, power=0.9,
                                        ratio=0.25)))
print("means nobs1 NormalIndPower().solve_power(effect_size=0.05, alpha=0.05, power=0.8, ratio=1, alternative='larger'):",
      repr(NormalIndPower().solve_power(effect_size=0.05, nobs1=None, alpha=0.05, power=0.8,
                                        ratio=1.0, alternative="larger")))
print("means es NormalIndPower().solve_power(nobs1=32000, alpha=0.05, power=0.8, ratio=1):",
      repr(NormalIndPower().solve_power(effect_size=None, nobs1=32000, alpha=0.05, power=0.8,
                                        ratio=1.0)))
# solve_power stops early for the effect size (its power there is 0.79994), so the exact root
# of NormalIndPower().power is printed too.
print("means es (brentq root of NormalIndPower().power(es, 32000, 0.05, ratio=1) = 0.8):",
      repr(brentq(lambda es: NormalIndPower().power(es, 32000, 0.05, ratio=1.0) - 0.8,
                  1e-4, 1.0, xtol=1e-15)))
print("means power NormalIndPower().power(effect_size=0.02, nobs1=20000, alpha=0.05, ratio=0.5):",
      repr(NormalIndPower().power(effect_size=0.02, nobs1=20000, alpha=0.05, ratio=0.5)))

# 4. Two means, noncentral t: TTestIndPower.
from statsmodels.stats.power import TTestIndPower  # noqa: E402
print("TTestIndPower().power(0.02, 20000, 0.05, ratio=0.5):",
      repr(TTestIndPower().power(0.02, 20000, 0.05, ratio=0.5)))
print("TTestIndPower().power(0.3, 50, 0.05, ratio=1.0, alternative='larger'):",
      repr(TTestIndPower().power(0.3, 50, 0.05, ratio=1.0, alternative="larger")))
print("TTestIndPower().solve_power(effect_size=0.05, nobs1=None, alpha=0.05, power=0.9, ratio=0.25):",
      repr(TTestIndPower().solve_power(effect_size=0.05, nobs1=None, alpha=0.05, power=0.9,
                                       ratio=0.25)))

# 5. Noncentral t CDF, for the unit test of liftlab's implementation.
from scipy.stats import nct  # noqa: E402
for t, df, nc in [(1.5, 10.0, 1.0), (-0.5, 4.0, 0.7), (2.0, 200000.0, 2.8), (25.0, 50.0, 22.0),
                  (0.3, 3.0, -1.2)]:
    print(f"scipy.stats.nct.cdf({t}, {df}, {nc}):", repr(nct.cdf(t, df, nc)))

# 6. Cohen's h.
print("proportion_effectsize(0.055, 0.05):", repr(proportion_effectsize(0.055, 0.05)))
