"""Incremental revenue and iROAS of the Hillstrom men's e-mail, for tests/cli_kpis.rs.

Run from the repository root: python3 tests/reference/kpis_hillstrom_pandas.py   (pandas 3.1.1)
"""

import pandas as pd

data = pd.read_csv("experiments/hillstrom-email/hillstrom.csv")
arms = data.groupby("segment")["spend"].agg(["mean", "count"])
lift_per_customer = arms.loc["Mens E-Mail", "mean"] - arms.loc["No E-Mail", "mean"]
incremental_revenue = lift_per_customer * arms.loc["Mens E-Mail", "count"]
spend = 2130.70  # e-mail cost of the row in experiments/hillstrom-email/funnel.csv
print(f"incremental_revenue = {float(incremental_revenue)!r}")
print(f"iroas = {float(incremental_revenue / spend)!r}")
