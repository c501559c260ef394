"""Rolling-origin windows, every candidate model at each cutoff, and the per-series choice.

Candidates: seasonal naive and a moving average for every series; Croston, TSB and ADIDA for
intermittent and lumpy series; AutoETS, AutoTheta and Prophet for smooth and erratic series
where affordable; the global gradient-boosting model for all. Each series gets the candidate
with the least squared error over the backtest windows (its demand class's best model when it
has no scored period). Seasonal naive stays the baseline of every report but serves no
intermittent series: last week's few sales repeated forecast nothing on most days, and its band
collapses to zero there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ml.forecasting import baselines, statistical
from ml.forecasting.calendar import calendar_features
from ml.forecasting.errors import ForecastInputError
from ml.forecasting.events import EventIndex, event_index, signatures
from ml.forecasting.global_model import GlobalModel
from ml.forecasting.panel import Panel

BASELINES = ("seasonal_naive", "moving_average")
INTERMITTENT = ("croston", "tsb", "adida")
COSTLY = ("ets", "theta", "prophet")
GLOBAL = "global"
ALL_MODELS = (GLOBAL, *COSTLY, *INTERMITTENT, *BASELINES)
MA_WINDOW = {"D": 28, "W": 8, "M": 12}
SPARSE_CLASSES = ("intermittent", "lumpy", "zero")
AUTO = "auto"
SWITCH_MARGIN = 0.3


@dataclass
class Settings:
    """What the caller chose: candidates, engine and limits of the affordable."""

    models: tuple[str, ...] | str = "auto"
    engine: str = "lightgbm"
    seed: int = 0
    n_jobs: int = 1
    max_rows: int = 600_000
    n_estimators: int = 300
    stat_max_series: int = 300
    prophet_max_series: int = 12
    event_group: str | None = None  # the static column whose series share event effects
    progress: Callable[[str], None] = field(default=lambda _message: None)


def candidates(settings: Settings, n_series: int) -> tuple[str, ...]:
    """The models to try: those asked for, or by default the cheap ones, the global model and
    the costly ones the input is small enough to afford."""
    if settings.models != AUTO:
        unknown = [m for m in settings.models if m not in ALL_MODELS]
        if unknown:
            raise ValueError(f"unknown model {unknown[0]!r}; known: {ALL_MODELS}")
        chosen = tuple(m for m in ALL_MODELS if m in settings.models)
        return chosen if "seasonal_naive" in chosen else (*chosen, "seasonal_naive")
    out = [GLOBAL]
    if n_series <= settings.stat_max_series:
        out += ["ets", "theta"]
    if n_series <= settings.prophet_max_series:
        out.append("prophet")
    return (*out, *INTERMITTENT, *BASELINES)


def allowed(models: tuple[str, ...], classes: np.ndarray) -> np.ndarray:
    """[models, n] whether each model may serve each series' demand class."""
    sparse = np.isin(classes, SPARSE_CLASSES)
    rows = []
    for name in models:
        if name in INTERMITTENT:
            rows.append(sparse)
        elif name in COSTLY or name == "seasonal_naive":
            rows.append(~sparse)
        else:
            rows.append(np.ones_like(sparse))
    return np.array(rows)


def point_forecasts(
    panel: Panel,
    cutoff: int,
    models: tuple[str, ...],
    static: dict[str, np.ndarray],
    settings: Settings,
    only: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], GlobalModel | None]:
    """Every model's [n, H] forecasts after ``cutoff``; costly ones only for ``only`` rows."""
    y = panel.y[:, :cutoff]
    h, m = panel.horizon, panel.freq.season
    events = events_at(panel, cutoff, static, settings)
    out: dict[str, np.ndarray] = {}
    fitted = None
    for name in models:
        settings.progress(f"{name} @ {cutoff}")
        if name == "seasonal_naive":
            out[name] = baselines.seasonal_naive(y, h, m)
        elif name == "moving_average":
            out[name] = baselines.moving_average(y, h, MA_WINDOW[panel.freq.code])
        elif name in INTERMITTENT:
            model = getattr(baselines, name)
            out[name] = events.adjusted(model, y, h) if events else model(y, h)
        elif name == GLOBAL:
            fitted = GlobalModel(
                settings.engine,
                max_rows=settings.max_rows,
                n_estimators=settings.n_estimators,
                seed=settings.seed,
                n_jobs=settings.n_jobs,
            ).fit(panel, cutoff, static, events)
            out[name] = fitted.predict(panel, cutoff, static, events)
        elif name == "prophet":
            out[name] = statistical.prophet_model(panel, cutoff, only)
        else:
            rows = np.arange(panel.n) if only is None else only
            forecast = np.full((panel.n, h), np.nan)
            net = y[rows] / events.series[rows, :cutoff] if events else y[rows]
            forecast[rows] = statistical.statsforecast_model(name, net, h, m)
            if events:
                forecast[rows] *= events.series[rows, cutoff : cutoff + h]
            out[name] = forecast
    return out, fitted


def events_at(
    panel: Panel, cutoff: int, static: dict[str, np.ndarray], settings: Settings
) -> EventIndex | None:
    """The event indices learned before ``cutoff`` (daily data only: weekly and monthly models
    see a whole year's season, events included)."""
    if panel.freq.code != "D":
        return None
    groups = None
    if settings.event_group is not None:
        key = f"cat_{settings.event_group}"
        if key not in static:
            raise ForecastInputError(
                f"la columna de grupo de eventos «{settings.event_group}» no está entre los "
                "atributos de texto de las series"
            )
        groups = static[key]
    calendar = calendar_features(panel.dates(np.arange(panel.length + panel.horizon)), "D")
    return event_index(panel.y[:, :cutoff], signatures(calendar), groups)


def choose(
    errors: np.ndarray,
    permitted: np.ndarray,
    models: tuple[str, ...],
    classes: np.ndarray,
    margin: float = SWITCH_MARGIN,
) -> np.ndarray:
    """Index of the chosen model per series from summed errors [models, n] (NaN where
    never scored). Each demand class first gets the model with the least error over all its
    series; a series leaves it only for a model at least ``margin`` better on that series, as
    a few windows of one series are a noisy judge (the per-series winner of a backtest is
    often just lucky)."""
    best = np.full(errors.shape[1], models.index("seasonal_naive"))
    for name in np.unique(classes):
        members = classes == name
        ok = permitted[:, members] & np.isfinite(errors[:, members])
        scored = ok.any(axis=0)
        totals = np.where(ok, errors[:, members], 0.0)[:, scored].sum(axis=1)
        usable = permitted[:, members].all(axis=1) & np.isfinite(totals) & scored.any()
        if not usable.any():
            continue
        default = int(np.argmin(np.where(usable, totals, np.inf)))
        best[members] = default
        own = np.where(ok, errors[:, members], np.inf)
        winner = np.argmin(own, axis=0)
        base = errors[default, members]
        switch = scored & np.isfinite(base) & (own.min(axis=0) < (1 - margin) * base)
        best[np.flatnonzero(members)[switch]] = winner[switch]
    return best


def cutoffs(length: int, horizon: int, windows: int, season: int) -> list[int]:
    """Cutoffs of ``windows`` back-to-back windows of ``horizon`` at the end of the history."""
    first = length - windows * horizon
    if windows < 1 or first < max(2, min(season, 8)):
        raise ValueError(
            f"la historia ({length} periodos) es demasiado corta para {windows} "
            f"{'ventana' if windows == 1 else 'ventanas'} de {horizon} periodos"
        )
    return [first + w * horizon for w in range(windows)]
