"""Peru's calendar as features: public holidays and the retail events that move demand.

Events (Lima retail): Mother's Day (second Sunday of May) and Father's Day (third Sunday of
June) with the week before; Fiestas Patrias and Christmas with the July and December
"gratificación" bonus fortnights; Black Friday to Cyber Monday; the back-to-school season; and
the fortnightly paydays (quincena). Weekly and monthly periods count the days of each.
"""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np
import pandas as pd

EVENTS = (
    "mothers_day",
    "fathers_day",
    "gratificacion",
    "christmas",
    "black_friday",
    "back_to_school",
    "payday",
)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (nth - 1))


def daily_calendar(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One row a day from ``start`` to ``end``: ``holiday`` and one 0/1 column per event."""
    days = pd.date_range(start.normalize(), end.normalize(), freq="D")
    years = range(days[0].year, days[-1].year + 1)
    peru = holidays.country_holidays("PE", years=list(years))
    frame = pd.DataFrame(index=days)
    frame["holiday"] = np.fromiter((d in peru for d in days.date), dtype=float, count=len(days))
    for name in EVENTS:
        frame[name] = 0.0
    month, day = days.month, days.day
    for year in years:
        mothers = pd.Timestamp(_nth_weekday(year, 5, 6, 2))
        fathers = pd.Timestamp(_nth_weekday(year, 6, 6, 3))
        black = pd.Timestamp(_nth_weekday(year, 11, 3, 4)) + pd.Timedelta(days=1)
        frame.loc[mothers - pd.Timedelta(days=6) : mothers, "mothers_day"] = 1.0
        frame.loc[fathers - pd.Timedelta(days=6) : fathers, "fathers_day"] = 1.0
        frame.loc[black : black + pd.Timedelta(days=3), "black_friday"] = 1.0
    frame.loc[((month == 7) | (month == 12)) & (day >= 15), "gratificacion"] = 1.0
    frame.loc[(month == 12) & (day >= 15) & (day <= 24), "christmas"] = 1.0
    school = ((month == 2) & (day >= 15)) | ((month == 3) & (day <= 15))
    frame.loc[school, "back_to_school"] = 1.0
    payday = (day == 15) | (day == 16) | days.is_month_end | (day == 1)
    frame.loc[payday, "payday"] = 1.0
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
        if name != "payday"
    ]
    frame = pd.concat(rows, ignore_index=True)
    frame["lower_window"] = 0
    frame["upper_window"] = 0
    return frame
