"""Customer value: who is still active, and what they will buy and spend next.

BG/NBD (purchases and dropout) with Gamma-Gamma (purchase value), both fitted by maximum
likelihood with our own likelihoods on scipy (``lifetimes`` is unmaintained since 2020).

Input ``transactions``: ``customer_id, ds, amount`` (one row per ticket or line; returns may be
negative; a customer's day with a positive net is one purchase). Times are days.

- ``fit_customer_value(transactions, calibration_end, horizon_days)`` → one row per customer
  seen by ``calibration_end``: ``customer_id, p_alive, expected_purchases, expected_spend``.
- ``fit_customer_value_model(transactions, calibration_end)`` → ``(CustomerValueModel,
  summary)``; ``model.score(summary, horizon_days)``; ``model.card`` for the registry.
- ``validate_customer_value(transactions, calibration_end, horizon_days)`` →
  ``ValueValidation``: per-customer predictions beside what they did in the holdout, and MAE /
  RMSE / spend MAE / bias of the model and of three rate baselines (``ingenuo`` n/T,
  ``repeticion`` x/T, ``periodo``); ``.improvement()`` is 1 - model MAE / naive MAE.
- ``valuable_slipping_away(value, past_spend)`` → the top spenders whose p_alive is low.
"""

from ml.customer_value.model import (
    VALUE_COLUMNS,
    CustomerValueModel,
    ValueValidation,
    fit_customer_value,
    fit_customer_value_model,
    validate_customer_value,
    valuable_slipping_away,
)

__all__ = [
    "VALUE_COLUMNS",
    "CustomerValueModel",
    "ValueValidation",
    "fit_customer_value",
    "fit_customer_value_model",
    "validate_customer_value",
    "valuable_slipping_away",
]
