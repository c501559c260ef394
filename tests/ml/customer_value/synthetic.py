"""Customers drawn from BG/NBD and Gamma-Gamma with known parameters (days as the unit)."""

from __future__ import annotations

import numpy as np
import pandas as pd

PLANTED = {"r": 0.6, "alpha": 12.0, "a": 0.8, "b": 2.5}
SPEND = {"p": 4.0, "q": 3.0, "gamma": 60.0}
START = pd.Timestamp("2026-01-01")


def bgnbd_customers(n: int = 3000, days: int = 365, seed: int = 7) -> pd.DataFrame:
    """``customer_id, ds, amount``: each customer joins in the first third, buys as a Poisson
    process and may leave after each repeat purchase (the model's time 0 is the first)."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(PLANTED["r"], 1 / PLANTED["alpha"], n)
    dropout = rng.beta(PLANTED["a"], PLANTED["b"], n)
    spend_scale = rng.gamma(SPEND["q"], 1 / SPEND["gamma"], n)
    rows = []
    for customer in range(n):
        day = float(rng.integers(0, days // 3))
        first = True
        while day < days:
            amount = rng.gamma(SPEND["p"], 1 / spend_scale[customer])
            rows.append((customer, START + pd.Timedelta(days=int(day)), round(amount, 2)))
            if not first and rng.random() < dropout[customer]:
                break
            first = False
            day += rng.exponential(1 / rates[customer])
    return pd.DataFrame(rows, columns=["customer_id", "ds", "amount"])
