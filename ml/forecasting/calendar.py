"""Peru's calendar as features: public holidays, the retail events that move demand and the
fortnightly paydays (quincena).

The events are the platform's one calendar (``erp_core.retail_calendar``: campaña escolar,
Semana Santa, Día de la Madre and del Padre, Fiestas Patrias, Cyber Wow, Black Friday, the
pre-Christmas weeks, Navidad, the December gratificación...), the same windows the warehouse's
``dim_date`` flags and the demo plants. Weekly and monthly periods count the days of each.
"""

from __future__ import annotations

import holidays
import numpy as np
import pandas as pd

from erp_core.retail_calendar import EVENT_WINDOWS, event_days

EVENTS = tuple(EVENT_WINDOWS)
NOT_EVENTS = ("payday",)  # a monthly rhythm, not an occasion: no event of its own


def daily_calendar(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One row a day from ``start`` to ``end``: ``holiday``, one 0/1 column per retail event and
    ``payday``."""
    days = pd.date_range(start.normalize(), end.normalize(), freq="D")
    years = list(range(days[0].year, days[-1].year + 1))
    peru = holidays.country_holidays("PE", years=years)
    dates = days.date
    frame = pd.DataFrame(index=days)
    frame["holiday"] = np.fromiter((d in peru for d in dates), dtype=float, count=len(days))
    for name in EVENTS:
        inside = set().union(*(event_days(name, year) for year in years))
        frame[name] = np.fromiter((d in inside for d in dates), dtype=float, count=len(days))
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
