"""Demand ahead of each product × store, read off the daily forecast.

The forecast's P50 summed over a span is the demand expected in it; its backtest error (the daily
RMSE) is how far the real demand strays from it. Spans may be fractional (a mean lead time of
6.4 days) and may run past the forecast's horizon, where the last week's daily mean carries on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KEY = ["product_id", "store_id"]
# The P10-P90 band of a normal distribution is 2 × 1.2816 standard deviations wide.
P10_P90_WIDTH_IN_SIGMAS = 2 * 1.2815515655446004
TAIL_DAYS = 7


@dataclass(frozen=True)
class DemandPaths:
    """Cumulative expected demand per row of ``keys`` (day 0 = nothing yet, day d = next d days).

    Attributes:
        keys: ``product_id, store_id`` in row order.
        cumulative: shape (rows, horizon + 1).
        tail_daily: daily demand assumed past the horizon.
        daily_error_std: one day's forecast error (units), from the backtest or the P10-P90 band.
        error_source: 'backtest', 'band' or 'poisson' per row.
        has_forecast: whether the forecast had the row at all.
    """

    keys: pd.DataFrame
    cumulative: np.ndarray
    tail_daily: np.ndarray
    daily_error_std: np.ndarray
    error_source: np.ndarray
    has_forecast: np.ndarray

    @property
    def horizon(self) -> int:
        return self.cumulative.shape[1] - 1

    def over(self, days) -> np.ndarray:
        """Expected demand over the next ``days`` (one value or one per row, fractional)."""
        days = np.broadcast_to(np.asarray(days, dtype=float), (len(self.keys),))
        if (days < 0).any() or not np.isfinite(days).all():
            raise ValueError("a demand span must be a finite number of days >= 0")
        inside = np.minimum(days, self.horizon)
        whole = np.floor(inside).astype(int)
        rows = np.arange(len(self.keys))
        after = np.minimum(whole + 1, self.horizon)
        step = self.cumulative[rows, after] - self.cumulative[rows, whole]
        value = self.cumulative[rows, whole] + (inside - whole) * step
        return value + np.maximum(days - self.horizon, 0) * self.tail_daily

    def run_out_day(self, stock, arrivals: np.ndarray | None = None) -> np.ndarray:
        """Days until ``stock`` (plus ``arrivals``, shape rows × horizon, by day) is used up.

        NaN where it lasts past the horizon and the tail demand is zero; past the horizon the tail
        rate extends the count.
        """
        stock = np.broadcast_to(np.asarray(stock, dtype=float), (len(self.keys),))
        supply = np.repeat(stock[:, None], self.horizon + 1, axis=1)
        if arrivals is not None:
            supply[:, 1:] += np.cumsum(arrivals, axis=1)
        short = self.cumulative[:, 1:] > supply[:, 1:] + 1e-9
        first = np.full(len(self.keys), -1.0)  # no forecast day at all: only the tail rate
        if short.shape[1]:
            first = np.where(short.any(axis=1), short.argmax(axis=1) + 1, -1).astype(float)
        left = supply[:, -1] - self.cumulative[:, -1]
        with np.errstate(divide="ignore", invalid="ignore"):
            later = self.horizon + np.floor(left / self.tail_daily) + 1
        later = np.where(self.tail_daily > 0, later, np.nan)
        return np.where(first > 0, first, later)


def demand_paths(
    keys: pd.DataFrame, forecast: pd.DataFrame, accuracy: pd.DataFrame | None, start
) -> DemandPaths:
    """Align the daily forecast (``product_id, store_id, ds, p50`` and optionally ``p10, p90``)
    from ``start`` on, and its accuracy (``product_id, store_id, rmse``), to ``keys``."""
    keys = keys[KEY].reset_index(drop=True)
    for column in (*KEY, "ds", "p50"):
        if column not in forecast.columns:
            raise ValueError(f"forecast: missing column {column!r}")
    frame = forecast[pd.to_datetime(forecast["ds"]) >= pd.Timestamp(start)].copy()
    if (frame["p50"] < 0).any() or frame["p50"].isna().any():
        row = frame[(frame["p50"] < 0) | frame["p50"].isna()].iloc[0]
        raise ValueError(
            f"forecast: p50={row['p50']} for product {row['product_id']} store "
            f"{row['store_id']} on {row['ds']}: must be a number >= 0"
        )
    offsets = (pd.to_datetime(frame["ds"]) - pd.Timestamp(start)).dt.days.to_numpy()
    horizon = int(offsets.max()) + 1 if len(frame) else 0
    rows = keys.reset_index().merge(frame.assign(offset=offsets), on=KEY, how="inner")
    daily = np.zeros((len(keys), horizon))
    np.add.at(daily, (rows["index"].to_numpy(), rows["offset"].to_numpy()), rows["p50"])
    has_forecast = np.zeros(len(keys), dtype=bool)
    has_forecast[rows["index"].unique()] = True
    cumulative = np.concatenate([np.zeros((len(keys), 1)), np.cumsum(daily, axis=1)], axis=1)
    tail = daily[:, -TAIL_DAYS:].mean(axis=1) if horizon else np.zeros(len(keys))

    sigma = np.full(len(keys), np.nan)
    source = np.full(len(keys), "poisson", dtype=object)
    if accuracy is not None and len(accuracy) and "rmse" in accuracy.columns:
        rmse = keys.merge(accuracy[[*KEY, "rmse"]].drop_duplicates(KEY), on=KEY, how="left")
        known = rmse["rmse"].notna().to_numpy() & np.isfinite(rmse["rmse"].to_numpy(dtype=float))
        sigma[known] = rmse["rmse"].to_numpy(dtype=float)[known]
        source[known] = "backtest"
    if {"p10", "p90"} <= set(frame.columns):
        band = (frame["p90"] - frame["p10"]).clip(lower=0) / P10_P90_WIDTH_IN_SIGMAS
        widths = frame.assign(width=band).groupby(KEY)["width"].mean().rename("width")
        width = keys.merge(widths.reset_index(), on=KEY, how="left")["width"].to_numpy()
        use = np.isnan(sigma) & ~np.isnan(width)
        sigma[use] = width[use]
        source[use] = "band"
    rest = np.isnan(sigma)
    mean_daily = cumulative[:, -1] / max(horizon, 1)
    sigma[rest] = np.sqrt(mean_daily[rest])
    return DemandPaths(keys, cumulative, tail, sigma, source, has_forecast)
