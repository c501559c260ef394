"""Dates to integer periods and back, for daily, weekly (any weekday) and monthly series.

Every model works on a regular integer time axis; this module is the only place that knows
how a period maps to a calendar date, so a weekly history anchored on Wednesday comes back
anchored on Wednesday and a month-end history comes back on month ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.forecasting.errors import ForecastInputError

SEASON = {"D": 7, "W": 52, "M": 12}
WEEKDAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday


@dataclass(frozen=True)
class Frequency:
    """How the integer period index maps to dates: ``code`` D, W or M; ``anchor`` the weekday
    (0 = Monday) of weekly dates; ``month_end`` whether monthly dates are month ends."""

    code: str
    anchor: int = 0
    month_end: bool = False

    @property
    def season(self) -> int:
        return SEASON[self.code]

    def to_periods(self, ds: pd.Series, what: str = "ds") -> np.ndarray:
        """Integer periods of ``ds``; a weekly date on another weekday is named."""
        days = ds.to_numpy(dtype="datetime64[D]").astype(np.int64)
        if self.code == "D":
            return days
        if self.code == "W":
            weekday = (days + _EPOCH_WEEKDAY) % 7
            wrong = np.flatnonzero(weekday != self.anchor)
            if wrong.size:
                row = wrong[0]
                raise ForecastInputError(
                    f"{what} {_fmt(ds.iloc[row])} (fila {ds.index[row] + 1}) cae en "
                    f"{WEEKDAYS_ES[weekday[row]]}, pero las semanas de la historia van de "
                    f"{WEEKDAYS_ES[self.anchor]} a {WEEKDAYS_ES[self.anchor]}"
                )
            return (days - (self.anchor - _EPOCH_WEEKDAY) % 7) // 7
        stamps = pd.DatetimeIndex(ds)
        return (stamps.year.to_numpy() * 12 + stamps.month.to_numpy() - 1).astype(np.int64)

    def to_dates(self, periods: np.ndarray) -> pd.DatetimeIndex:
        periods = np.asarray(periods, dtype=np.int64)
        if self.code == "D":
            return pd.DatetimeIndex(periods.astype("datetime64[D]")).as_unit("ns")
        if self.code == "W":
            days = periods * 7 + (self.anchor - _EPOCH_WEEKDAY) % 7
            return pd.DatetimeIndex(days.astype("datetime64[D]")).as_unit("ns")
        months = (periods - 1970 * 12).astype("datetime64[M]")
        starts = pd.DatetimeIndex(months.astype("datetime64[D]")).as_unit("ns")
        return starts + pd.offsets.MonthEnd(0) if self.month_end else starts


def infer_frequency(code: str, ds: pd.Series) -> Frequency:
    """The frequency ``code`` with the anchor the history's own dates use."""
    code = code.upper()
    if code not in SEASON:
        raise ForecastInputError(f"frecuencia «{code}» desconocida: use D, W o M")
    if code == "W":
        return Frequency("W", anchor=int(pd.Timestamp(ds.iloc[0]).weekday()))
    if code == "M":
        return Frequency("M", month_end=bool(pd.DatetimeIndex(ds).is_month_end.all()))
    return Frequency("D")


def _fmt(value: object) -> str:
    return pd.Timestamp(value).strftime("%d/%m/%Y")
