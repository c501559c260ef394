"""The forecasting library's forecasts for the restock replay (``bench_restock_replay.py``).

Refitted every ``refit_days`` on the history up to that night, as the nightly asset fits it
(the pipeline's ``demand_frames``: 400 days, stockout days censored, 56-day horizon, category
event groups); between refits each night reads the rest of the last fit's horizon, so the replay
plans with a forecast up to ``refit_days`` old (the nightly refits every night: this is the
pessimistic side). Known-future prices and calendar flags are the price calendar as it
happened: promotions are planned weeks ahead, so the nightly run knows them too.
"""

from __future__ import annotations

import datetime as dt
import time

import duckdb
import numpy as np
import pandas as pd

HISTORY_DAYS = 400
HORIZON_DAYS = 56
STATIC = ["unique_id", "store_code", "category_name", "abc_class"]


class LibraryForecasts:
    """``at(as_of)`` gives the (forecast, accuracy) frames ``plan_restock`` reads."""

    def __init__(self, snapshot: str, first: dt.date, last: dt.date, refit_days: int, windows: int):
        from pipelines.ml_inputs import demand_frames

        span = HISTORY_DAYS + (last - first).days + 1
        with duckdb.connect(snapshot, read_only=True) as con:
            frames = demand_frames(con, span, HORIZON_DAYS)
        self.history = frames["history"]
        self.static = frames["static"]
        self.refit_days = refit_days
        self.windows = windows
        self.fitted_on: dt.date | None = None
        self.forecast = pd.DataFrame()
        self.accuracy = pd.DataFrame()
        self.fit_seconds: list[float] = []

    def at(self, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
        if self.fitted_on is None or (as_of - self.fitted_on).days >= self.refit_days:
            self._refit(as_of)
        rows = self.forecast[self.forecast["ds"] > pd.Timestamp(as_of)]
        return rows, self.accuracy

    def _refit(self, as_of: dt.date) -> None:
        from ml.forecasting import forecast
        from pipelines.defs.forecasting.assets import series_rmse

        day = pd.Timestamp(as_of)
        ds = self.history["ds"]
        past = self.history[(ds > day - pd.Timedelta(days=HISTORY_DAYS)) & (ds <= day)]
        ahead = self.history[(ds > day) & (ds <= day + pd.Timedelta(days=HORIZON_DAYS))]
        future = ahead.drop(columns=["y", "censored"])
        future = future[future["unique_id"].isin(past["unique_id"].unique())]
        started = time.perf_counter()
        result = forecast(past, HORIZON_DAYS, "D", future, static=self.static[STATIC],
                          event_group="category_name", windows=self.windows, n_jobs=2,
                          keep_backtest=("auto",))  # fmt: skip
        self.fit_seconds.append(time.perf_counter() - started)
        keys = self.static[["unique_id", "store_id", "product_id"]]
        self.forecast = result.forecasts.merge(keys, on="unique_id")[
            ["product_id", "store_id", "ds", "p10", "p50", "p90"]
        ]
        rmse = series_rmse(result.backtest.forecasts)
        self.accuracy = rmse.merge(keys, on="unique_id")[["product_id", "store_id", "rmse"]]
        self.fitted_on = as_of
        print(
            f"  forecast refitted on {as_of}: {result.card['series']:,} series in "
            f"{self.fit_seconds[-1]:.0f} s; models {result.card['models_chosen']}",
            flush=True,
        )

    @property
    def mean_fit_seconds(self) -> float:
        return float(np.mean(self.fit_seconds)) if self.fit_seconds else 0.0
