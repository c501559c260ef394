"""Shared fits: the planted promotion chain is backtested and forecast once per session."""

from __future__ import annotations

import pytest

from ml.forecasting import backtest, forecast
from tests.ml.forecasting.synthetic import plain_future, promo_chain

FAST = {"n_estimators": 80, "seed": 0}
CHEAP = ("global", "seasonal_naive", "moving_average")
HORIZON = 28


@pytest.fixture(scope="session")
def chain():
    return promo_chain()


@pytest.fixture(scope="session")
def chain_backtest(chain):
    history, static = chain
    return backtest(history, HORIZON, "D", windows=3, static=static, models=CHEAP, **FAST)


@pytest.fixture(scope="session")
def chain_forecast(chain):
    history, static = chain
    future = plain_future(history, HORIZON)
    return forecast(history, HORIZON, "D", future, static=static, models=CHEAP, **FAST)
