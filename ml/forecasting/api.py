"""The two entry points: ``forecast`` (choose models by backtest, refit, forecast with
conformal bands) and ``backtest`` (rolling origin, K windows, every candidate scored).

Both take long frames (``unique_id, ds, y`` [+ ``censored``] + numeric regressors) and return
long frames; neither reads a file, a database or the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ml.forecasting import conformal, engine
from ml.forecasting.baselines import band_scale, demand_class, mase_scale
from ml.forecasting.errors import ForecastInputError
from ml.forecasting.features import static_codes
from ml.forecasting.global_model import GlobalModel
from ml.forecasting.metrics import metrics_table, series_sums
from ml.forecasting.panel import ID, Panel, build_panel

FORECAST_COLUMNS = ["unique_id", "ds", "p10", "p50", "p90", "model"]
BACKTEST_COLUMNS = ["unique_id", "ds", "cutoff", "model", "p10", "p50", "p90", "y"]


@dataclass
class BacktestResult:
    """Every candidate's backtest forecasts beside the actuals, and their metrics."""

    forecasts: pd.DataFrame
    metrics: pd.DataFrame
    card: dict[str, Any]


@dataclass
class FittedForecaster:
    """What a forecast was made with, for the registry: the global model fitted on the whole
    history, each series' chosen model and the conformal offsets of every model."""

    freq: str
    horizon: int
    exogenous: list[str]
    choices: dict[str, str]
    offsets: dict[str, dict[str, tuple[float, float]]]
    global_model: GlobalModel | None


@dataclass
class ForecastResult:
    forecasts: pd.DataFrame
    card: dict[str, Any]
    model: FittedForecaster
    backtest: BacktestResult


@dataclass
class _Runs:
    """Backtest arrays: forecasts [W, n, H] per model, actuals, scales [W, n]."""

    models: tuple[str, ...]
    cutoffs: list[int]
    preds: dict[str, np.ndarray]
    actual: np.ndarray
    scale: np.ndarray
    classes: np.ndarray
    permitted: np.ndarray


def _settings(models, engine_name, seed, n_jobs, max_rows, progress, **limits) -> engine.Settings:
    if isinstance(models, str) and models != engine.AUTO:
        models = (models,)
    settings = engine.Settings(
        models=models if models == engine.AUTO else tuple(models),
        engine=engine_name,
        seed=seed,
        n_jobs=n_jobs,
        max_rows=max_rows,
        **limits,
    )
    if progress is not None:
        settings.progress = progress
    return settings


def _run(
    panel: Panel, windows: int, static: dict, settings: engine.Settings, shrink: bool = False
) -> _Runs:
    """Backtest every candidate; with ``shrink``, fewer windows where the history is short."""
    while True:
        try:
            cuts = engine.cutoffs(panel.length, panel.horizon, windows, panel.freq.season)
            break
        except ValueError as exc:
            if not shrink or windows <= 1:
                raise ForecastInputError(str(exc)) from None
            windows -= 1
    classes = demand_class(panel.y[:, : cuts[0]])
    models = engine.candidates(settings, panel.n)
    permitted = engine.allowed(models, classes)
    only = np.flatnonzero(~np.isin(classes, engine.SPARSE_CLASSES))
    h = panel.horizon
    preds = {name: np.full((windows, panel.n, h), np.nan) for name in models}
    actual = np.empty((windows, panel.n, h))
    scale = np.empty((windows, panel.n))
    for w, cut in enumerate(cuts):
        settings.progress(f"ventana {w + 1} de {windows}")
        out, _ = engine.point_forecasts(panel, cut, models, static, settings, only)
        for name, values in out.items():
            preds[name][w] = values
        actual[w] = panel.y[:, cut : cut + h]
        scale[w] = mase_scale(panel.y[:, :cut], panel.freq.season)
    return _Runs(models, cuts, preds, actual, scale, classes, permitted)


def _errors(runs: _Runs, windows: np.ndarray) -> np.ndarray:
    """Summed squared errors [models, n] over ``windows`` (NaN where nothing was scored).

    Squared, not absolute: absolute error is least for the median, which for a slow mover is
    zero, so choosing by it picks forecasts of nothing that restock, summing demand over a lead
    time, cannot use; squared error is least for the mean."""
    out = []
    for name in runs.models:
        diff = (runs.preds[name][windows] - runs.actual[windows]) ** 2
        scored = np.isfinite(diff).any(axis=(0, 2))
        out.append(np.where(scored, np.nansum(diff, axis=(0, 2)), np.nan))
    return np.array(out)


def _residuals(runs: _Runs, name: str, windows: np.ndarray) -> np.ndarray:
    unit = band_scale(runs.scale[windows])
    return (runs.actual[windows] - runs.preds[name][windows]) / unit[:, :, None]


def _banded(runs: _Runs) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each model's (and ``auto``'s) P10/P50/P90 [W, n, H], each window banded and chosen by
    the others (by itself when there is only one)."""
    count = len(runs.cutoffs)
    everything = np.arange(count)
    others = [everything[everything != w] if count > 1 else everything for w in range(count)]
    out = {}
    for name in runs.models:
        bands = [np.empty_like(runs.actual) for _ in range(3)]
        for w in range(count):
            table = conformal.offsets(_residuals(runs, name, others[w]), runs.classes)
            unit = band_scale(runs.scale[w])
            low, mid, high = conformal.band(runs.preds[name][w], unit, runs.classes, table)
            bands[0][w], bands[1][w], bands[2][w] = low, mid, high
        out[name] = tuple(bands)
    auto = [np.empty_like(runs.actual) for _ in range(3)]
    for w in range(count):  # one window: the choice is judged in sample (bands_in_sample)
        pick = engine.choose(_errors(runs, others[w]), runs.permitted, runs.models, runs.classes)
        for i, name in enumerate(runs.models):
            rows = pick == i
            for b in range(3):
                auto[b][w][rows] = out[name][b][w][rows]
    out[engine.AUTO] = tuple(auto)
    return out


def _long_backtest(panel: Panel, runs: _Runs, bands: dict, keep) -> pd.DataFrame:
    h = panel.horizon
    first_seen = np.argmax(~np.isnan(panel.y), axis=1)
    frames = []
    for w, cut in enumerate(runs.cutoffs):
        columns = cut + np.arange(h)
        inside = columns[None, :] >= first_seen[:, None]
        series, step = np.nonzero(inside)
        dates = panel.dates(columns)
        cutoff_date = panel.dates(np.array([cut - 1]))[0]
        for name, (p10, p50, p90) in bands.items():
            if keep is not None and name not in keep:
                continue
            frames.append(
                pd.DataFrame(
                    {
                        "unique_id": panel.ids[series],
                        "ds": dates[step],
                        "cutoff": cutoff_date,
                        "model": name,
                        "p10": p10[w][series, step],
                        "p50": p50[w][series, step],
                        "p90": p90[w][series, step],
                        "y": runs.actual[w][series, step],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)[BACKTEST_COLUMNS]


def _metrics(panel: Panel, runs: _Runs, bands: dict, static: pd.DataFrame | None, groups):
    frames = []
    for name, (p10, p50, p90) in bands.items():
        sums = series_sums(p10, p50, p90, runs.actual, runs.scale)
        frames.append(pd.DataFrame({"model": name, "unique_id": panel.ids, **sums}))
    per_series = pd.concat(frames, ignore_index=True)
    group_frame = None
    if static is not None and not static.empty:
        table = static.assign(unique_id=static[ID].astype(str)).drop_duplicates(ID)
        table = table.set_index(ID)
        if groups is None:
            groups = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
        group_frame = table[list(groups)] if groups else None
    return metrics_table(per_series, group_frame)


def _summary(metrics: pd.DataFrame) -> dict[str, dict[str, float]]:
    rows = metrics[metrics["level"] == "all"].set_index("model")
    columns = ["wape", "mase", "bias", "coverage_p10", "coverage_p90"]
    return {
        model: {c: (None if pd.isna(v) else round(float(v), 4)) for c, v in row[columns].items()}
        for model, row in rows.iterrows()
    }


def _prepare(history, horizon, freq, future, static, gaps):
    panel = build_panel(history, horizon, freq, future, gaps)
    if static is not None and ID not in static.columns:
        raise ForecastInputError("falta la columna «unique_id» en los atributos de las series")
    return panel, static_codes(panel, static)


def _base_card(panel: Panel, settings: engine.Settings, runs: _Runs, metrics) -> dict[str, Any]:
    last = panel.dates(np.array([0, panel.length - 1]))
    classes, counts = np.unique(runs.classes, return_counts=True)
    return {
        "freq": panel.freq.code,
        "horizon": panel.horizon,
        "series": int(panel.n),
        "training_window": {"start": last[0].date().isoformat(), "end": last[1].date().isoformat()},
        "exogenous": list(panel.exog),
        "censored_periods": panel.censored_cells,
        "demand_classes": {str(c): int(k) for c, k in zip(classes, counts, strict=True)},
        "candidates": list(runs.models),
        "backtest_windows": len(runs.cutoffs),
        "backtest_cutoffs": [d.date().isoformat() for d in panel.dates(np.array(runs.cutoffs) - 1)],
        "bands_in_sample": len(runs.cutoffs) == 1,
        "engine": settings.engine,
        "seed": settings.seed,
        "backtest_metrics": _summary(metrics),
    }


def backtest(
    history: pd.DataFrame,
    horizon: int,
    freq: str = "D",
    windows: int = 3,
    *,
    static: pd.DataFrame | None = None,
    groups: list[str] | None = None,
    models: tuple[str, ...] | str = "auto",
    keep: tuple[str, ...] | None = None,
    engine_name: str = "lightgbm",
    gaps: str = "missing",
    seed: int = 0,
    n_jobs: int = 1,
    max_rows: int = 600_000,
    progress=None,
    **limits,
) -> BacktestResult:
    """Rolling-origin backtest: ``windows`` back-to-back windows of ``horizon`` periods at the
    end of ``history``, each model fitted on what came before its cutoff (regressors at the
    forecast dates taken from the history, as a future frame would give them).

    ``.forecasts``: unique_id, ds, cutoff, model, p10, p50, p90, y for every candidate (incl.
    seasonal_naive) and ``auto`` (each window's per-series choice made on the other windows;
    with one window, on itself),
    restricted to ``keep`` models if given. ``.metrics``: level, key, unique_id, model, wape,
    mase, bias, coverage_p10, coverage_p90, n, per series, per ``groups`` column of ``static``
    (default: its non-numeric columns) and for ``all``.
    """
    settings = _settings(models, engine_name, seed, n_jobs, max_rows, progress, **limits)
    panel, codes = _prepare(history, horizon, freq, None, static, gaps)
    runs = _run(panel, windows, codes, settings)
    bands = _banded(runs)
    metrics = _metrics(panel, runs, bands, static, groups)
    card = _base_card(panel, settings, runs, metrics)
    return BacktestResult(_long_backtest(panel, runs, bands, keep), metrics, card)


def forecast(
    history: pd.DataFrame,
    horizon: int,
    freq: str = "D",
    future: pd.DataFrame | None = None,
    *,
    static: pd.DataFrame | None = None,
    windows: int = 2,
    models: tuple[str, ...] | str = "auto",
    engine_name: str = "lightgbm",
    gaps: str = "missing",
    seed: int = 0,
    n_jobs: int = 1,
    max_rows: int = 600_000,
    keep_backtest: tuple[str, ...] | None = ("auto", "seasonal_naive"),
    progress=None,
    **limits,
) -> ForecastResult:
    """Forecast ``horizon`` periods after the end of ``history``.

    Models are chosen per series by a ``windows``-window backtest (see ``backtest``; fewer
    windows when the history is too short for them, down to one), refitted
    on the whole history and banded with conformal offsets from the backtest residuals.
    ``future`` gives the regressors for the dates to forecast (it may skip dates; only its rows
    are forecast). Returns ``.forecasts`` (unique_id, ds, p10, p50, p90, model), ``.card``
    (JSON-serialisable), ``.model`` (picklable) and ``.backtest``.
    """
    settings = _settings(models, engine_name, seed, n_jobs, max_rows, progress, **limits)
    panel, codes = _prepare(history, horizon, freq, future, static, gaps)
    runs = _run(panel, windows, codes, settings, shrink=True)
    bands = _banded(runs)
    metrics = _metrics(panel, runs, bands, static, None)
    everything = np.arange(len(runs.cutoffs))
    pick = engine.choose(_errors(runs, everything), runs.permitted, runs.models, runs.classes)
    chosen = tuple(name for i, name in enumerate(runs.models) if (pick == i).any())
    settings.progress("modelo final")
    rows = np.flatnonzero(np.isin(np.array(runs.models)[pick], engine.COSTLY))
    final, fitted = engine.point_forecasts(panel, panel.length, chosen, codes, settings, rows)
    scale = band_scale(mase_scale(panel.y, panel.freq.season))
    offsets = {
        name: conformal.offsets(_residuals(runs, name, everything), runs.classes)
        for name in runs.models
    }
    p10, p50, p90 = (np.zeros((panel.n, panel.horizon)) for _ in range(3))
    for i, name in enumerate(runs.models):
        members = pick == i
        if members.any():
            low, mid, high = conformal.band(
                final[name][members], scale[members], runs.classes[members], offsets[name]
            )
            p10[members], p50[members], p90[members] = low, mid, high
    series, step = np.nonzero(panel.wanted)
    names = np.array(runs.models)[pick]
    forecasts = pd.DataFrame(
        {
            "unique_id": panel.ids[series],
            "ds": panel.dates(panel.length + step),
            "p10": p10[series, step],
            "p50": p50[series, step],
            "p90": p90[series, step],
            "model": names[series],
        }
    )
    card = _base_card(panel, settings, runs, metrics)
    models_chosen = pd.Series(names).value_counts()
    card |= {
        "models_chosen": {str(k): int(v) for k, v in models_chosen.items()},
        "features": fitted.features_ if fitted is not None else [],
        "global_training_rows": fitted.training_rows_ if fitted is not None else 0,
        "conformal_offsets": offsets,
        "forecast_rows": len(forecasts),
    }
    model = FittedForecaster(
        panel.freq.code,
        panel.horizon,
        list(panel.exog),
        dict(zip(panel.ids.tolist(), names.tolist(), strict=True)),
        offsets,
        fitted,
    )
    backtest_result = BacktestResult(_long_backtest(panel, runs, bands, keep_backtest), metrics,
                                     card)  # fmt: skip
    return ForecastResult(forecasts[FORECAST_COLUMNS], card, model, backtest_result)
