"""Cheap per-series models, vectorised over all series of a panel: seasonal naive, moving
average, and for intermittent demand Croston, TSB and ADIDA (own numpy, no compilation).

Each takes ``y`` [n, e] (NaN = not observed: a gap or a stockout) and returns point forecasts
[n, H] for the H periods after column e - 1. NaN periods update no state: a stockout day is
neither a zero nor a demand.
"""

from __future__ import annotations

import numpy as np

ALPHA = 0.1  # smoothing of Croston, TSB and ADIDA (statsforecast's classic default)
BETA = 0.1  # TSB's smoothing of the demand probability


def last_observed(y: np.ndarray) -> np.ndarray:
    """The last observed value of each series (0 where none)."""
    observed = ~np.isnan(y)
    last = np.where(observed.any(axis=1), y.shape[1] - 1 - np.argmax(observed[:, ::-1], axis=1), 0)
    values = y[np.arange(y.shape[0]), last]
    return np.nan_to_num(values, nan=0.0)


def phase_ffill(y: np.ndarray, m: int) -> np.ndarray:
    """Column t holds the latest observed value at t, t - m, t - 2m, ... (NaN if none)."""
    out = y.copy()
    for t in range(m, y.shape[1]):
        gap = np.isnan(out[:, t])
        if gap.any():
            out[gap, t] = out[gap, t - m]
    return out


def seasonal_naive(y: np.ndarray, horizon: int, m: int) -> np.ndarray:
    """The last observed value of the same season phase; without one, the last observed value."""
    e = y.shape[1]
    filled = phase_ffill(y, m)
    steps = np.arange(1, horizon + 1)
    source = e - 1 + steps - m * np.ceil(steps / m).astype(int)
    valid = source >= 0
    out = np.full((y.shape[0], horizon), np.nan)
    out[:, valid] = filled[:, source[valid]]
    return np.where(np.isnan(out), last_observed(y)[:, None], out)


def moving_average(y: np.ndarray, horizon: int, window: int) -> np.ndarray:
    """Mean of the observed values of the last ``window`` periods, flat over the horizon."""
    recent = y[:, -window:]
    seen = (~np.isnan(recent)).sum(axis=1)
    mean = np.where(seen > 0, np.nansum(recent, axis=1) / np.maximum(seen, 1), np.nan)
    mean = np.where(np.isnan(mean), last_observed(y), mean)
    return np.repeat(mean[:, None], horizon, axis=1)


def _first_demand(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    positive = np.nan_to_num(y, nan=0.0) > 0
    count = positive.sum(axis=1)
    size = np.where(
        count > 0, np.nansum(np.where(positive, y, 0.0), axis=1) / np.maximum(count, 1), 0.0
    )
    seen = (~np.isnan(y)).sum(axis=1)
    interval = np.where(count > 0, seen / np.maximum(count, 1), 1.0)
    return size, interval


def croston(y: np.ndarray, horizon: int) -> np.ndarray:
    """Croston's method: smoothed demand size over smoothed interval between demands."""
    size, interval = _first_demand(y)
    since = np.zeros(y.shape[0])
    for t in range(y.shape[1]):
        col = y[:, t]
        seen = ~np.isnan(col)
        since = since + seen
        demand = seen & (col > 0)
        size = np.where(demand, size + ALPHA * (col - size), size)
        interval = np.where(demand, interval + ALPHA * (since - interval), interval)
        since = np.where(demand, 0.0, since)
    rate = np.where(interval > 0, size / np.maximum(interval, 1e-9), 0.0)
    return np.repeat(rate[:, None], horizon, axis=1)


def tsb(y: np.ndarray, horizon: int) -> np.ndarray:
    """Teunter-Syntetos-Babai: smoothed demand probability (updated every observed period)
    times smoothed demand size, so a product that stopped selling fades to zero."""
    size, interval = _first_demand(y)
    prob = np.where(interval > 0, 1.0 / interval, 0.0)
    for t in range(y.shape[1]):
        col = y[:, t]
        seen = ~np.isnan(col)
        demand = seen & (col > 0)
        prob = np.where(seen, prob + BETA * (demand - prob), prob)
        size = np.where(demand, size + ALPHA * (col - size), size)
    return np.repeat((prob * size)[:, None], horizon, axis=1)


def _ses(values: np.ndarray) -> np.ndarray:
    level = np.nan_to_num(values[:, 0], nan=0.0)
    for t in range(values.shape[1]):
        col = values[:, t]
        level = np.where(np.isnan(col), level, level + ALPHA * (col - level))
    return level


def adida(y: np.ndarray, horizon: int) -> np.ndarray:
    """ADIDA: sum demand into buckets as long as the mean interval, smooth the buckets, share
    the smoothed bucket evenly over its periods."""
    _, interval = _first_demand(y)
    bucket = np.clip(np.rint(interval), 1, max(1, y.shape[1] // 2)).astype(int)
    rate = np.zeros(y.shape[0])
    for size in np.unique(bucket):
        rows = np.flatnonzero(bucket == size)
        usable = (y.shape[1] // size) * size
        tail = y[rows, y.shape[1] - usable :].reshape(len(rows), -1, size)
        seen = (~np.isnan(tail)).sum(axis=2)
        sums = np.where(seen > 0, np.nansum(tail, axis=2) * size / np.maximum(seen, 1), np.nan)
        rate[rows] = _ses(sums) / size
    return np.repeat(rate[:, None], horizon, axis=1)


def mase_scale(y: np.ndarray, m: int) -> np.ndarray:
    """Mean absolute seasonal difference in the history (lag 1 where the season is too long,
    else the mean level): the unit of MASE. NaN for a series that never sold (no unit)."""
    scale = np.full(y.shape[0], np.nan)
    for lag in (m, 1):
        if y.shape[1] <= lag:
            continue
        diffs = np.abs(y[:, lag:] - y[:, :-lag])
        count = (~np.isnan(diffs)).sum(axis=1)
        value = np.nansum(diffs, axis=1) / np.maximum(count, 1)
        take = np.isnan(scale) & (count >= 2) & (value > 0)
        scale[take] = value[take]
    seen = (~np.isnan(y)).sum(axis=1)
    level = np.nansum(np.abs(y), axis=1) / np.maximum(seen, 1)
    scale = np.where(np.isnan(scale) & (level > 0), level, scale)
    return scale


def band_scale(scale: np.ndarray) -> np.ndarray:
    """The MASE scale as the unit of conformal residuals: one unit where it is undefined."""
    return np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)


def demand_class(y: np.ndarray) -> np.ndarray:
    """Syntetos-Boylan classes from ADI (1.32) and CV² of the demand sizes (0.49)."""
    positive = np.nan_to_num(y, nan=0.0) > 0
    count = positive.sum(axis=1)
    seen = (~np.isnan(y)).sum(axis=1)
    adi = np.where(count > 0, seen / np.maximum(count, 1), np.inf)
    sizes = np.where(positive, y, 0.0)
    with np.errstate(all="ignore"):
        mean = sizes.sum(axis=1) / np.maximum(count, 1)
        spread = (np.where(positive, y - mean[:, None], 0.0) ** 2).sum(axis=1)
        cv2 = np.nan_to_num(spread / np.maximum(count, 1) / mean**2, nan=0.0)
    out = np.where(adi < 1.32, np.where(cv2 < 0.49, "smooth", "erratic"),
                   np.where(cv2 < 0.49, "intermittent", "lumpy"))  # fmt: skip
    return np.where(count == 0, "zero", out)
