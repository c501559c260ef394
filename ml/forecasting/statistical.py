"""Per-series statistical models that cost real time: AutoETS and AutoTheta (statsforecast)
and Prophet with Peru's holidays, retail events and the same regressors as the global model.
Run only where affordable (small inputs, aggregates, samples): see ``engine.affordable``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ml.forecasting.baselines import last_observed, phase_ffill
from ml.forecasting.calendar import prophet_holidays
from ml.forecasting.panel import Panel


def _dense(y: np.ndarray, m: int) -> list[np.ndarray]:
    """Each series from its first observation, gaps filled by the same phase (else the last)."""
    filled = phase_ffill(y, m)
    out = []
    for row, raw in zip(filled, y, strict=True):
        seen = np.flatnonzero(~np.isnan(raw))
        if seen.size == 0:
            out.append(np.zeros(0))
            continue
        values = pd.Series(row[seen[0] :]).ffill().fillna(0.0).to_numpy()
        out.append(values)
    return out


def statsforecast_model(name: str, y: np.ndarray, horizon: int, m: int) -> np.ndarray:
    """AutoETS (``ets``) or AutoTheta (``theta``) per series; a series it cannot fit (too
    short for its season) is refitted without season, else gets its last value."""
    from statsforecast.models import AutoETS, AutoTheta

    kind = {"ets": AutoETS, "theta": AutoTheta}[name]
    fallback = last_observed(y)
    out = np.repeat(fallback[:, None], horizon, axis=1)
    for i, series in enumerate(_dense(y, m)):
        if series.size < 4:
            continue
        for season in (m, 1):
            if season > 1 and series.size < 2 * season + 2:
                continue
            try:
                mean = kind(season_length=season).forecast(y=series, h=horizon)["mean"]
            except Exception:  # statsforecast raises bare errors on degenerate series
                continue
            if np.all(np.isfinite(mean)):
                out[i] = np.maximum(mean, 0.0)
                break
    return out


def prophet_model(panel: Panel, cutoff: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Prophet per series with Peru's holidays and events and every exogenous column as an
    extra regressor; [n, H] with NaN for series not in ``rows``."""
    from prophet import Prophet

    for noisy in ("prophet", "cmdstanpy"):
        logging.getLogger(noisy).disabled = True  # a line per fit otherwise
    horizon = panel.horizon
    axis = np.arange(cutoff + horizon)
    dates = panel.dates(axis)
    holidays = prophet_holidays(dates[0], dates[-1] + pd.Timedelta(days=31))
    out = np.full((panel.n, horizon), np.nan)
    for i in range(panel.n) if rows is None else rows:
        frame = pd.DataFrame({"ds": dates, "y": np.r_[panel.y[i, :cutoff], [np.nan] * horizon]})
        for name, grid in panel.exog.items():
            frame[name] = grid[i, : cutoff + horizon]
        train = frame.iloc[:cutoff].dropna(subset=["y"])
        if len(train) < 4:
            out[i] = last_observed(panel.y[i : i + 1, :cutoff])[0]
            continue
        model = Prophet(
            holidays=holidays,
            weekly_seasonality=panel.freq.code == "D",
            yearly_seasonality=len(train) >= 2 * {"D": 365, "W": 52, "M": 12}[panel.freq.code],
            daily_seasonality=False,
            uncertainty_samples=0,
        )
        for name in panel.exog:
            if train[name].nunique() > 1:
                model.add_regressor(name)
        model.fit(train)
        out[i] = np.maximum(model.predict(frame.iloc[cutoff:])["yhat"].to_numpy(), 0.0)
    return out
