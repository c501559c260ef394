"""Features of the global model, built from the panel as it was known at a cutoff.

A training row is a target cell (series i, period t) seen from an origin o = t - k, k being
1..H steps ahead, so one direct model serves every step of the horizon without feeding its
own forecasts back. Everything about demand is taken at the origin (levels over three
windows, zero share, the same season phase's last values); everything known in advance is
taken at the target (calendar, events and their index, price, discount, promotion flags).
Demand features are divided by the series' scale at the origin so one model fits series of
any size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.forecasting.baselines import phase_ffill
from ml.forecasting.calendar import calendar_features
from ml.forecasting.events import EventIndex
from ml.forecasting.panel import Panel

WINDOWS = {"D": (7, 28, 91), "W": (4, 13, 52), "M": (3, 12, 24)}


def _rolling_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of the observed values in the ``window`` periods ending at each column."""
    seen = ~np.isnan(values)
    total = np.cumsum(np.where(seen, values, 0.0), axis=1)
    count = np.cumsum(seen, axis=1, dtype=np.int64)
    total[:, window:] -= total[:, :-window].copy()
    count[:, window:] -= count[:, :-window].copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan).astype(np.float32)


def static_codes(panel: Panel, static: pd.DataFrame | None) -> dict[str, np.ndarray]:
    """Series attributes aligned with the panel: categories as integer codes (NaN unknown)."""
    if static is None or static.empty:
        return {}
    frame = static.drop_duplicates("unique_id").set_index(static["unique_id"].astype(str))
    frame = frame.drop(columns="unique_id").reindex(panel.ids)
    out = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            out[f"static_{name}"] = column.to_numpy(dtype=float)
        else:
            codes = pd.Categorical(column.astype("string")).codes.astype(float)
            out[f"cat_{name}"] = np.where(codes < 0, np.nan, codes)
    return out


class FeatureBuilder:
    """Origin arrays of a panel cut at column ``cutoff`` (exclusive); rows gathered from them."""

    def __init__(
        self,
        panel: Panel,
        cutoff: int,
        static: dict[str, np.ndarray],
        events: EventIndex | None = None,
    ):
        self.panel, self.cutoff, self.static, self.events = panel, cutoff, static, events
        self.m = panel.freq.season
        y = panel.y[:, :cutoff]
        self.y = y.astype(np.float32)
        self.windows = WINDOWS[panel.freq.code]
        self.levels = [_rolling_mean(y, w) for w in self.windows]
        long = self.levels[-1]
        running = _rolling_mean(y, cutoff)
        scale = np.where(np.isnan(long) | (long <= 0), running, long)
        self.scale = np.maximum(np.nan_to_num(scale, nan=0.0), 0.05).astype(np.float32)
        positive = np.where(np.isnan(y), np.nan, (y > 0).astype(float))
        self.share = _rolling_mean(positive, self.windows[1])
        self.filled = phase_ffill(y, self.m).astype(np.float32)
        shifted = [self.filled]
        for lag in (self.m, 2 * self.m, 3 * self.m):
            lagged = np.full_like(self.filled, np.nan)
            if lag < cutoff:
                lagged[:, lag:] = self.filled[:, :-lag]
            shifted.append(lagged)
        stacked = np.stack(shifted)
        seen = (~np.isnan(stacked)).sum(axis=0)
        total = np.nansum(stacked, axis=0)
        self.phase4 = np.where(seen > 0, total / np.maximum(seen, 1), np.nan).astype(np.float32)
        self.exog_mean = {
            name: _rolling_mean(grid[:, :cutoff], self.windows[-1])
            for name, grid in panel.exog.items()
        }
        axis = np.arange(panel.length + panel.horizon)
        self.calendar = calendar_features(panel.dates(axis), panel.freq.code)

    def rows(self, series: np.ndarray, target: np.ndarray, step: np.ndarray) -> pd.DataFrame:
        """Features of cells (series, target) seen ``step`` periods ahead of their origin."""
        origin = target - step
        scale = self.scale[series, origin]
        cols: dict[str, np.ndarray] = {"step": step.astype(np.float32)}
        for w, level in zip(self.windows, self.levels, strict=True):
            cols[f"level_{w}"] = level[series, origin] / scale
        cols["log_scale"] = np.log1p(scale)
        cols["demand_share"] = self.share[series, origin]
        source = target - self.m * np.ceil(step / self.m).astype(np.int64)
        ok = source >= 0
        safe = np.where(ok, source, 0)
        cols["same_phase"] = np.where(ok, self.filled[series, safe], np.nan) / scale
        cols["same_phase_4"] = np.where(ok, self.phase4[series, safe], np.nan) / scale
        cols["last"] = self.y[series, origin] / scale
        for name, values in self.calendar.items():
            cols[name] = values[target]
        for name, grid in self.panel.exog.items():
            value = grid[series, target]
            usual = self.exog_mean[name][series, origin]
            cols[f"x_{name}"] = value
            with np.errstate(all="ignore"):
                cols[f"xrel_{name}"] = np.where(np.abs(usual) > 1e-9, value / usual, np.nan)
        if self.events is not None:
            index = self.events.group
            cols["event_index"] = index[series, target]
            cols["event_shift"] = index[series, target] / index[series, origin]
        for name, values in self.static.items():
            cols[name] = values[series]
        return pd.DataFrame(cols)
