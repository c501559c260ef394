"""From dated purchases to the per-customer summary the buy-till-you-die models need.

A purchase is a customer's day with a positive net amount: several tickets on one day are one
purchase (the models count purchase occasions), and a day whose returns outweigh its sales is
none. Times are in days.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

TRANSACTION_COLUMNS = ("customer_id", "ds", "amount")


def purchase_days(transactions: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and purchase day: ``customer_id, ds, amount`` (amount > 0)."""
    missing = [c for c in TRANSACTION_COLUMNS if c not in transactions.columns]
    if missing:
        raise ValueError(f"faltan columnas en las transacciones: {', '.join(missing)}")
    frame = pd.DataFrame(
        {
            "customer_id": transactions["customer_id"],
            "ds": pd.to_datetime(transactions["ds"]).dt.normalize(),
            "amount": pd.to_numeric(transactions["amount"]).astype(float),
        }
    )
    days = frame.groupby(["customer_id", "ds"], as_index=False, sort=True)["amount"].sum()
    return days[days["amount"] > 0].reset_index(drop=True)


def rfm_summary(days: pd.DataFrame, calibration_end: dt.date | str) -> pd.DataFrame:
    """Per customer seen up to ``calibration_end`` (inclusive).

    Columns: ``frequency`` (repeat purchases x), ``recency`` (days from first to last purchase,
    t_x), ``T`` (days from first purchase to the end of calibration, plus one: a customer whose
    first purchase is the last day has been observed for one day), ``purchases`` (x + 1) and
    ``monetary`` (mean amount per purchase).
    """
    end = pd.Timestamp(calibration_end)
    seen = days[days["ds"] <= end]
    grouped = seen.groupby("customer_id", sort=True)
    first = grouped["ds"].min()
    last = grouped["ds"].max()
    purchases = grouped["ds"].size()
    return pd.DataFrame(
        {
            "frequency": (purchases - 1).astype(float),
            "recency": (last - first).dt.days.astype(float),
            "T": ((end - first).dt.days + 1).astype(float),
            "purchases": purchases.astype(float),
            "monetary": grouped["amount"].mean(),
        }
    )


def holdout_actuals(
    days: pd.DataFrame, calibration_end: dt.date | str, horizon_days: int
) -> pd.DataFrame:
    """What each customer did in the ``horizon_days`` after ``calibration_end``."""
    end = pd.Timestamp(calibration_end)
    window = days[(days["ds"] > end) & (days["ds"] <= end + pd.Timedelta(days=horizon_days))]
    grouped = window.groupby("customer_id", sort=True)
    return pd.DataFrame(
        {"actual_purchases": grouped.size().astype(float), "actual_spend": grouped["amount"].sum()}
    )


def naive_rate_forecasts(
    summary: pd.DataFrame, horizon_days: int, calibration_days: float
) -> dict[str, pd.DataFrame]:
    """Rate baselines, each customer's past rate carried forward over ``horizon_days``.

    - ``ingenuo``: the customer's purchases per day since their first purchase (n / T), the
      issue's naive baseline.
    - ``repeticion``: repeat purchases per day since the first (x / T), the rate a Poisson buyer
      who never leaves would be estimated to have; no new customer is extrapolated from one day.
    - ``periodo``: purchases per day of the whole calibration window (n / ``calibration_days``).

    Spend is each count times the customer's mean purchase.
    """
    rates = {
        "ingenuo": summary["purchases"] / summary["T"],
        "repeticion": summary["frequency"] / summary["T"],
        "periodo": summary["purchases"] / calibration_days,
    }
    return {
        name: pd.DataFrame(
            {
                "expected_purchases": rate * horizon_days,
                "expected_spend": rate * horizon_days * summary["monetary"],
            },
            index=summary.index,
        )
        for name, rate in rates.items()
    }
