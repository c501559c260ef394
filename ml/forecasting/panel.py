"""A checked history (and future) frame as a dense panel: one row per series, one column per
period, so every model is vectorised over thousands of series at once.

Censored periods (stockout days) and gaps hold NaN in ``y``: the demand there is unknown, so
no model fits it and no metric scores it. Exogenous columns are numeric; their values for the
periods to forecast come from the future frame, or, where it gives none, from the series'
typical (median) value over its last season.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ml.forecasting.errors import ForecastInputError
from ml.forecasting.frequency import Frequency, infer_frequency

ID, DS, Y, CENSORED = "unique_id", "ds", "y", "censored"
REQUIRED = (ID, DS, Y)
GAPS = ("missing", "zero")


@dataclass
class Panel:
    """Series × periods arrays. ``y`` is [n, T]; ``exog`` maps each name to [n, T + H];
    ``wanted`` [n, H] marks the future cells to forecast (the future frame's rows)."""

    ids: np.ndarray
    freq: Frequency
    start: int
    y: np.ndarray
    horizon: int
    exog: dict[str, np.ndarray] = field(default_factory=dict)
    wanted: np.ndarray | None = None
    censored_cells: int = 0

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def length(self) -> int:
        return self.y.shape[1]

    def dates(self, columns: np.ndarray) -> pd.DatetimeIndex:
        return self.freq.to_dates(self.start + np.asarray(columns))


def build_panel(
    history: pd.DataFrame,
    horizon: int,
    freq: str,
    future: pd.DataFrame | None = None,
    gaps: str = "missing",
) -> Panel:
    """Check ``history`` and ``future`` and lay them out; any fault raises ForecastInputError."""
    if not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ForecastInputError(f"el horizonte debe ser un entero positivo, no «{horizon}»")
    if gaps not in GAPS:
        raise ForecastInputError(f"gaps debe ser uno de {GAPS}, no «{gaps}»")
    hist = _checked_history(history)
    frequency = infer_frequency(freq, hist[DS])
    periods = frequency.to_periods(hist[DS])
    codes, ids = pd.factorize(hist[ID], sort=True)
    ids = np.asarray(ids, dtype=object)
    _refuse_duplicates(hist, codes, periods)
    start, end = int(periods.min()), int(periods.max())
    length = end - start + 1
    col = periods - start
    y = np.full((len(ids), length), np.nan)
    values = hist[Y].to_numpy(dtype=float)
    if gaps == "zero":
        first = np.full(len(ids), length, dtype=np.int64)
        np.minimum.at(first, codes, col)
        y[np.arange(length)[None, :] >= first[:, None]] = 0.0
    y[codes, col] = values
    censored = (
        hist[CENSORED].to_numpy(dtype=bool) if CENSORED in hist else np.zeros(len(hist), bool)
    )
    y[codes[censored], col[censored]] = np.nan
    exog_names = [c for c in hist.columns if c not in (ID, DS, Y, CENSORED)]
    panel = Panel(ids, frequency, start, y, int(horizon), censored_cells=int(censored.sum()))
    for name in exog_names:
        grid = np.full((len(ids), length + horizon), np.nan)
        grid[codes, col] = hist[name].to_numpy(dtype=float)
        panel.exog[name] = grid
    _fill_history_exog(panel)
    panel.wanted = np.ones((len(ids), horizon), dtype=bool)
    if future is not None:
        _place_future(panel, future, exog_names, end)
    _fill_future_exog(panel)
    return panel


def _checked_history(history: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(history, pd.DataFrame):
        raise ForecastInputError("la historia debe ser una tabla (DataFrame)")
    missing = [c for c in REQUIRED if c not in history.columns]
    if missing:
        raise ForecastInputError(
            f"falta la columna «{missing[0]}» en la historia (se necesitan unique_id, ds, y)"
        )
    if history.empty:
        raise ForecastInputError("la historia no tiene filas")
    hist = history.reset_index(drop=True).copy()
    hist[ID] = _checked_ids(hist[ID], "la historia")
    hist[DS] = parse_ds(hist[DS], "la historia")
    hist[Y] = _numeric(hist[Y], Y, "la historia")
    bad = np.flatnonzero(hist[Y].isna().to_numpy() | (hist[Y].to_numpy() < 0))
    if bad.size:
        raise ForecastInputError(
            f"y inválido en la fila {bad[0] + 1} de la historia: «{history[Y].iloc[bad[0]]}» "
            "(la demanda debe ser un número no negativo; marque los quiebres con censored)"
        )
    if CENSORED in hist:
        hist[CENSORED] = _flags(hist[CENSORED])
    for name in hist.columns:
        if name not in (ID, DS, Y, CENSORED):
            hist[name] = _exogenous(hist[name], name, "la historia")
    return hist


def _checked_ids(ids: pd.Series, where: str) -> pd.Series:
    empty = np.flatnonzero(ids.isna().to_numpy())
    if empty.size:
        raise ForecastInputError(f"unique_id vacío en la fila {empty[0] + 1} de {where}")
    return ids.astype(str)


def parse_ds(ds: pd.Series, where: str) -> pd.Series:
    """Dates from ISO text (or dd/mm/aaaa, as written in Peru); the first bad one is named."""
    if pd.api.types.is_datetime64_any_dtype(ds):
        parsed = ds.dt.tz_localize(None) if getattr(ds.dt, "tz", None) else ds
    else:
        parsed = pd.to_datetime(ds, errors="coerce", format="ISO8601")
        if parsed.isna().any():
            dayfirst = pd.to_datetime(ds, errors="coerce", format="%d/%m/%Y")
            if dayfirst.notna().sum() > parsed.notna().sum():
                parsed = dayfirst
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert(None)
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        raise ForecastInputError(
            f"ds inválido en la fila {bad[0] + 1} de {where}: «{ds.iloc[bad[0]]}» "
            "(use aaaa-mm-dd o dd/mm/aaaa)"
        )
    return parsed.dt.normalize().astype("datetime64[ns]")


def _numeric(values: pd.Series, name: str, where: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = np.flatnonzero(numbers.isna().to_numpy() & values.notna().to_numpy())
    if bad.size:
        raise ForecastInputError(
            f"valor no numérico en la columna «{name}», fila {bad[0] + 1} de {where}: "
            f"«{values.iloc[bad[0]]}»"
        )
    return numbers.astype(float)


def _exogenous(values: pd.Series, name: str, where: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    raise ForecastInputError(
        f"columna desconocida «{name}» en {where}: además de unique_id, ds, y y censored solo "
        "se admiten columnas numéricas (regresores)"
    )


def _flags(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).astype(bool)
    text = values.astype(str).str.strip().str.lower()
    known = {"true": True, "1": True, "1.0": True, "false": False, "0": False, "0.0": False}
    known |= {"nan": False, "none": False, "": False, "<na>": False}
    bad = np.flatnonzero(~text.isin(list(known)).to_numpy())
    if bad.size:
        raise ForecastInputError(
            f"censored inválido en la fila {bad[0] + 1}: «{values.iloc[bad[0]]}» "
            "(use true/false o 1/0)"
        )
    return text.map(known).astype(bool)


def _refuse_duplicates(hist: pd.DataFrame, codes: np.ndarray, periods: np.ndarray) -> None:
    keys = pd.Series(codes * (periods.max() - periods.min() + 1) + (periods - periods.min()))
    dup = np.flatnonzero(keys.duplicated().to_numpy())
    if dup.size:
        row = dup[0]
        first = np.flatnonzero(keys.to_numpy() == keys.iloc[row])[0]
        raise ForecastInputError(
            f"fila {row + 1} de la historia repite la serie «{hist[ID].iloc[row]}» en el periodo "
            f"de {hist[DS].iloc[row]:%d/%m/%Y} (ya en la fila {first + 1})"
        )


def _place_future(panel: Panel, future: pd.DataFrame, exog_names: list[str], end: int) -> None:
    if not isinstance(future, pd.DataFrame):
        raise ForecastInputError("el futuro debe ser una tabla (DataFrame)")
    missing = [c for c in (ID, DS, *exog_names) if c not in future.columns]
    if missing:
        raise ForecastInputError(
            f"falta la columna «{missing[0]}» en el futuro (debe traer unique_id, ds y los "
            "mismos regresores que la historia)"
        )
    unknown = [c for c in future.columns if c not in (ID, DS, *exog_names)]
    if unknown:
        raise ForecastInputError(
            f"columna desconocida «{unknown[0]}» en el futuro: no está en la historia"
        )
    fut = future.reset_index(drop=True).copy()
    fut[ID] = _checked_ids(fut[ID], "el futuro")
    fut[DS] = parse_ds(fut[DS], "el futuro")
    periods = panel.freq.to_periods(fut[DS], "ds del futuro")
    codes = np.searchsorted(panel.ids, fut[ID].to_numpy())
    codes = np.minimum(codes, panel.n - 1)
    stranger = np.flatnonzero(panel.ids[codes] != fut[ID].to_numpy())
    if stranger.size:
        raise ForecastInputError(
            f"la serie «{fut[ID].iloc[stranger[0]]}» (fila {stranger[0] + 1} del futuro) no "
            "está en la historia"
        )
    early = np.flatnonzero(periods <= end)
    if early.size:
        last = panel.freq.to_dates(np.array([end]))[0]
        raise ForecastInputError(
            f"ds {fut[DS].iloc[early[0]]:%d/%m/%Y} en la fila {early[0] + 1} del futuro no es "
            f"posterior al final de la historia ({last:%d/%m/%Y})"
        )
    inside = periods <= end + panel.horizon
    step = periods[inside] - end - 1
    rows = np.flatnonzero(inside)
    panel.wanted = np.zeros((panel.n, panel.horizon), dtype=bool)
    panel.wanted[codes[rows], step] = True
    for name in exog_names:
        values = _numeric(fut[name], name, "el futuro")
        bad = np.flatnonzero(values.isna().to_numpy())
        if bad.size:
            raise ForecastInputError(
                f"falta el valor de «{name}» en la fila {bad[0] + 1} del futuro"
            )
        panel.exog[name][codes[rows], panel.length + step] = values.to_numpy()[rows]


def _fill_history_exog(panel: Panel) -> None:
    """Gaps in a regressor's history take the series' previous value (else its next)."""
    for grid in panel.exog.values():
        past = pd.DataFrame(grid[:, : panel.length].T).ffill().bfill().to_numpy().T
        overall = np.nanmedian(past) if np.isfinite(past).any() else 0.0
        grid[:, : panel.length] = np.where(np.isnan(past), overall, past)


def _fill_future_exog(panel: Panel) -> None:
    """Future cells the future frame leaves empty take the series' median of its last season."""
    recent = max(panel.freq.season, 4)
    for grid in panel.exog.values():
        typical = np.median(grid[:, max(0, panel.length - recent) : panel.length], axis=1)
        future = grid[:, panel.length :]
        grid[:, panel.length :] = np.where(np.isnan(future), typical[:, None], future)
