"""Synthetic retail histories with planted truth: weekly seasonality, promotions with a known
uplift, stockout-censored days, intermittent products."""

from __future__ import annotations

import numpy as np
import pandas as pd

WEEKLY = np.array([0.8, 0.85, 0.9, 1.0, 1.2, 1.5, 0.75])  # Monday .. Sunday
UPLIFT = 2.5  # demand multiplier on promotion days
DISCOUNT = 0.25


def promo_chain(
    series: int = 12, days: int = 420, seed: int = 1, start: str = "2024-01-01"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily demand of ``series`` products with promotions (blocks of 3-7 days, ~15 % of
    days) raising demand UPLIFT times; returns (history with the true demand, static)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    rows = []
    for i in range(series):
        base = rng.uniform(4, 30)
        price = rng.uniform(5, 40)
        promo = np.zeros(days, dtype=bool)
        t = int(rng.integers(5, 20))
        while t < days:
            length = int(rng.integers(3, 8))
            promo[t : t + length] = True
            t += length + int(rng.integers(15, 35))
        mean = base * WEEKLY[dates.dayofweek] * np.where(promo, UPLIFT, 1.0)
        rows.append(
            pd.DataFrame(
                {
                    "unique_id": f"P{i:02d}",
                    "ds": dates,
                    "y": rng.poisson(mean).astype(float),
                    "effective_price": price * np.where(promo, 1 - DISCOUNT, 1.0),
                    "is_promotion": promo.astype(float),
                }
            )
        )
    history = pd.concat(rows, ignore_index=True)
    static = pd.DataFrame(
        {"unique_id": [f"P{i:02d}" for i in range(series)],
         "category": [f"C{i % 3}" for i in range(series)]}
    )  # fmt: skip
    return history, static


def intermittent(series: int = 6, days: int = 300, seed: int = 2) -> pd.DataFrame:
    """Slow movers: a sale on about one day in five, of 1-4 units."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=days, freq="D")
    rows = [
        pd.DataFrame({"unique_id": f"S{i}", "ds": dates,
                      "y": (rng.random(days) < 0.2) * rng.integers(1, 5, days).astype(float)})
        for i in range(series)
    ]  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def plain_future(history: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """The regressors of the next ``horizon`` days with no promotion: every product at its
    regular (highest) price."""
    last = history["ds"].max()
    dates = pd.date_range(last + pd.Timedelta(days=1), periods=horizon, freq="D")
    regular = history.groupby("unique_id")["effective_price"].max()
    return pd.DataFrame(
        {
            "unique_id": np.repeat(regular.index.to_numpy(), horizon),
            "ds": np.tile(dates, len(regular)),
            "effective_price": np.repeat(regular.to_numpy(), horizon),
            "is_promotion": 0.0,
        }
    )


def weekly(series: int = 5, weeks: int = 120, seed: int = 3, first: str = "2022-01-05"):
    """Weekly demand anchored on ``first``'s weekday with a yearly swing."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(first, periods=weeks, freq=f"W-{pd.Timestamp(first):%a}".upper())
    swing = 1 + 0.3 * np.sin(2 * np.pi * np.arange(weeks) / 52)
    rows = [
        pd.DataFrame({"unique_id": f"W{i}", "ds": dates,
                      "y": rng.poisson(rng.uniform(50, 200) * swing).astype(float)})
        for i in range(series)
    ]  # fmt: skip
    return pd.concat(rows, ignore_index=True)
