"""Peru's calendar as features: public holidays, the retail events that move demand and the
fortnightly paydays (quincena).

The events are the platform's one calendar of retail events (campaña escolar, Semana Santa,
Día de la Madre and del Padre, Fiestas Patrias, Cyber Wow, Black Friday, the pre-Christmas
weeks, Navidad, the December gratificación...): the windows ``erp_core.retail_calendar`` defines
for the warehouse's ``dim_date`` and the demo. ``ml`` imports nothing else of ours
(ARCHITECTURE.md), so they are restated here as dates per year, and
``tests/ml/forecasting/test_calendar.py`` keeps the two the same day by day. Weekly and monthly
periods count the days of each.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
import numpy as np
import pandas as pd

Window = tuple[dt.date, dt.date]  # first and last day, both included


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _days(first: dt.date, count: int) -> Window:
    return first, first + dt.timedelta(days=count - 1)


@cache
def event_windows(year: int) -> dict[str, list[Window]]:
    """Every retail event's windows in ``year``, by name."""
    names = holidays.country_holidays("PE", years=year, language="en_US")
    good_friday = next(d for d, name in names.items() if name == "Good Friday")
    week = dt.timedelta(days=6)

    def on(m1: int, d1: int, m2: int, d2: int) -> list[Window]:
        return [(dt.date(year, m1, d1), dt.date(year, m2, d2))]

    return {
        "verano": on(1, 1, 3, 31),
        "campana_escolar": on(2, 1, 3, 20),
        "semana_santa": [_days(good_friday - dt.timedelta(days=4), 6)],
        "dia_de_la_madre": [_days(_nth_weekday(year, 5, 6, 2) - week, 7)],
        "dia_del_padre": [_days(_nth_weekday(year, 6, 6, 3) - week, 7)],
        "invierno": on(6, 1, 8, 31),
        "fiestas_patrias": on(7, 15, 7, 29),
        "cyber_wow": [_days(_nth_weekday(year, m, 0, n), 4) for m, n in ((4, 2), (7, 2), (11, 1))],
        "black_friday": [_days(_nth_weekday(year, 11, 4, 4), 4)],
        "navidad_previa": on(11, 15, 11, 30),
        "navidad": on(12, 1, 12, 24),
        "gratificacion_diciembre": on(12, 15, 12, 24),
        "ano_nuevo": on(12, 26, 12, 31),
    }


EVENTS = tuple(event_windows(2000))


def daily_calendar(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One row a day from ``start`` to ``end``: ``holiday``, one 0/1 column per retail event and
    ``payday``."""
    days = pd.date_range(start.normalize(), end.normalize(), freq="D")
    years = list(range(days[0].year, days[-1].year + 1))
    peru = holidays.country_holidays("PE", years=years)
    frame = pd.DataFrame(index=days)
    frame["holiday"] = np.fromiter((d in peru for d in days.date), dtype=float, count=len(days))
    for name in EVENTS:
        inside = np.zeros(len(days), dtype=bool)
        for year in years:
            for first, last in event_windows(year)[name]:
                inside |= (days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))
        frame[name] = inside.astype(float)
    day = days.day
    frame["payday"] = ((day == 15) | (day == 16) | days.is_month_end | (day == 1)).astype(float)
    return frame


def calendar_features(dates: pd.DatetimeIndex, code: str) -> dict[str, np.ndarray]:
    """Calendar features of each period starting at ``dates`` (a week is its 7 days from ds)."""
    if code == "D":
        cal = daily_calendar(dates.min(), dates.max()).reindex(dates)
        features = {f"cal_{c}": cal[c].to_numpy() for c in cal.columns}
        features["cal_dow"] = dates.dayofweek.to_numpy(dtype=float)
        features["cal_dom"] = dates.day.to_numpy(dtype=float)
        features["cal_month"] = dates.month.to_numpy(dtype=float)
        return features
    if code == "W":
        cal = daily_calendar(dates.min(), dates.max() + pd.Timedelta(days=6))
        sums = cal.rolling(7, min_periods=1).sum().shift(-6)
        sums = sums.reindex(dates).fillna(0.0)
        features = {f"cal_{c}": sums[c].to_numpy() for c in sums.columns}
        features["cal_week"] = dates.isocalendar().week.to_numpy(dtype=float)
        features["cal_month"] = dates.month.to_numpy(dtype=float)
        return features
    starts = dates.to_period("M").to_timestamp()
    cal = daily_calendar(starts.min(), (starts.max() + pd.offsets.MonthEnd(0)))
    monthly = cal.groupby(cal.index.to_period("M")).sum()
    monthly = monthly.reindex(starts.to_period("M")).fillna(0.0)
    features = {f"cal_{c}": monthly[c].to_numpy() for c in monthly.columns}
    features["cal_month"] = dates.month.to_numpy(dtype=float)
    return features


def prophet_holidays(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Peru's holidays and the retail events as Prophet's ``holidays`` frame."""
    cal = daily_calendar(start, end)
    rows = [
        pd.DataFrame({"holiday": name, "ds": cal.index[cal[name] > 0]})
        for name in ("holiday", *EVENTS)
    ]
    frame = pd.concat(rows, ignore_index=True)
    frame["lower_window"] = 0
    frame["upper_window"] = 0
    return frame
