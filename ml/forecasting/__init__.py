"""Demand forecasting on long frames (``unique_id, ds, y`` + regressors): ``forecast`` chooses
models per series by backtest and returns P10/P50/P90; ``backtest`` scores every candidate;
``reconcile_weekly`` sums daily detail into weekly store, category and chain totals.
See docs/FORECASTING.md."""

from ml.forecasting.api import (
    BacktestResult,
    FittedForecaster,
    ForecastResult,
    backtest,
    forecast,
)
from ml.forecasting.errors import ForecastInputError
from ml.forecasting.reconcile import reconcile_weekly

__all__ = [
    "BacktestResult",
    "FittedForecaster",
    "ForecastInputError",
    "ForecastResult",
    "backtest",
    "forecast",
    "reconcile_weekly",
]
