"""Customer value: fit BG/NBD and Gamma-Gamma on a calibration period, score, validate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ml.customer_value.bgnbd import BGNBDParams, expected_purchases, fit_bgnbd, p_alive
from ml.customer_value.gamma_gamma import (
    GammaGammaParams,
    expected_mean_amount,
    fit_gamma_gamma,
)
from ml.customer_value.summary import (
    holdout_actuals,
    naive_rate_forecasts,
    purchase_days,
    rfm_summary,
)

VALUE_COLUMNS = ["customer_id", "p_alive", "expected_purchases", "expected_spend"]


@dataclass
class CustomerValueModel:
    """Fitted parameters with the calibration they came from; ``score`` applies them."""

    purchases: BGNBDParams
    spend: GammaGammaParams
    calibration_end: pd.Timestamp
    customers: int
    card: dict = field(default_factory=dict)

    def score(self, summary: pd.DataFrame, horizon_days: int) -> pd.DataFrame:
        """``VALUE_COLUMNS`` for the customers of an ``rfm_summary`` frame."""
        x, t_x, T = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
        purchases = expected_purchases(self.purchases, horizon_days, x, t_x, T)
        mean_amount = expected_mean_amount(
            self.spend, summary["purchases"].to_numpy(float), summary["monetary"].to_numpy(float)
        )
        return pd.DataFrame(
            {
                "customer_id": summary.index.to_numpy(),
                "p_alive": p_alive(self.purchases, x, t_x, T),
                "expected_purchases": purchases,
                "expected_spend": purchases * mean_amount,
            }
        )


def fit_customer_value_model(
    transactions: pd.DataFrame, calibration_end: dt.date | str
) -> tuple[CustomerValueModel, pd.DataFrame]:
    """Fit both models on the purchases up to ``calibration_end``; returns the model and the
    calibration summary (one row per customer, indexed by ``customer_id``)."""
    days = purchase_days(transactions)
    summary = rfm_summary(days, calibration_end)
    if summary.empty:
        raise ValueError(f"no hay compras hasta el {pd.Timestamp(calibration_end):%d/%m/%Y}")
    purchases = fit_bgnbd(summary)
    spend = fit_gamma_gamma(summary["purchases"], summary["monetary"])
    card = {
        "model": "BG/NBD + Gamma-Gamma (máxima verosimilitud)",
        "calibration_end": str(pd.Timestamp(calibration_end).date()),
        "customers": len(summary),
        "bgnbd": vars(purchases),
        "gamma_gamma": vars(spend),
    }
    model = CustomerValueModel(purchases, spend, pd.Timestamp(calibration_end), len(summary), card)
    return model, summary


def fit_customer_value(
    transactions: pd.DataFrame, calibration_end: dt.date | str, horizon_days: int
) -> pd.DataFrame:
    """Per customer seen by ``calibration_end``: ``p_alive, expected_purchases, expected_spend``
    over the next ``horizon_days``.

    ``transactions``: ``customer_id, ds, amount`` (one row per ticket or line; returns may be
    negative amounts); later rows are ignored.
    """
    model, summary = fit_customer_value_model(transactions, calibration_end)
    return model.score(summary, horizon_days)


@dataclass(frozen=True)
class ValueValidation:
    """The time-split check: per-customer predictions beside what customers then did."""

    per_customer: pd.DataFrame
    metrics: pd.DataFrame  # rows: modelo and each baseline; columns: the errors
    calibration_end: pd.Timestamp
    horizon_days: int

    def improvement(self, column: str = "mae_purchases", baseline: str = "ingenuo") -> float:
        """How much lower the model's error is than a baseline's (0.25 = 25 % lower)."""
        return 1.0 - self.metrics.loc["modelo", column] / self.metrics.loc[baseline, column]


def validate_customer_value(
    transactions: pd.DataFrame, calibration_end: dt.date | str, horizon_days: int
) -> ValueValidation:
    """Fit on purchases up to ``calibration_end``, predict the next ``horizon_days`` and compare
    with what each calibration customer actually did, beside the rate baselines
    (``naive_rate_forecasts``: ``ingenuo``, ``repeticion``, ``periodo``).

    Raises ``ValueError`` when the data do not reach past ``calibration_end``.
    """
    days = purchase_days(transactions)
    end = pd.Timestamp(calibration_end)
    if days.empty or days["ds"].max() <= end:
        raise ValueError(
            f"no hay compras después del {end:%d/%m/%Y}: no se puede validar (holdout vacío)"
        )
    model, summary = fit_customer_value_model(transactions, calibration_end)
    predicted = model.score(summary, horizon_days).set_index("customer_id")
    calibration_days = float((end - days["ds"].min()).days + 1)
    baselines = naive_rate_forecasts(summary, horizon_days, calibration_days)
    actual = holdout_actuals(days, end, horizon_days).reindex(summary.index, fill_value=0.0)
    per_customer = pd.DataFrame(
        {
            "p_alive": predicted["p_alive"],
            "expected_purchases": predicted["expected_purchases"],
            "expected_spend": predicted["expected_spend"],
            "naive_purchases": baselines["ingenuo"]["expected_purchases"],
            "naive_spend": baselines["ingenuo"]["expected_spend"],
            "actual_purchases": actual["actual_purchases"],
            "actual_spend": actual["actual_spend"],
        }
    )
    forecasts = {"modelo": predicted, **baselines}
    rows = {}
    for name, forecast in forecasts.items():
        error = forecast["expected_purchases"] - actual["actual_purchases"]
        spend_error = forecast["expected_spend"] - actual["actual_spend"]
        rows[name] = {
            "mae_purchases": float(np.abs(error).mean()),
            "rmse_purchases": float(np.sqrt((error**2).mean())),
            "mae_spend": float(np.abs(spend_error).mean()),
            "total_purchases_bias": float(error.sum() / actual["actual_purchases"].sum()),
        }
    metrics = pd.DataFrame.from_dict(rows, orient="index")
    return ValueValidation(per_customer.reset_index(), metrics, end, horizon_days)


def valuable_slipping_away(
    value: pd.DataFrame,
    past_spend: pd.Series,
    top_share: float = 0.3,
    max_p_alive: float = 0.5,
) -> pd.Series:
    """Customers worth a call: among the top ``top_share`` by past spend, yet probably leaving
    (``p_alive`` below ``max_p_alive``). ``past_spend`` is indexed by ``customer_id``; the
    result is a boolean Series indexed likewise (for the customers in ``value``)."""
    indexed = value.set_index("customer_id")
    spend = past_spend.reindex(indexed.index).fillna(0.0)
    valuable = spend >= spend.quantile(1 - top_share)
    return (valuable & (indexed["p_alive"] < max_p_alive)).rename("is_valuable_slipping_away")
