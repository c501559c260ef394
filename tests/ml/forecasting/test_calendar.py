"""The forecasting library's retail events are the platform's one calendar: the same windows, day
by day, as ``erp_core.retail_calendar`` (which the demo plants and ``dim_date`` flags)."""

from __future__ import annotations

import pandas as pd

from erp_core.retail_calendar import EVENT_WINDOWS, events_on
from ml.forecasting.calendar import EVENTS, daily_calendar


def test_the_same_events_on_every_day_as_the_platforms_calendar():
    assert set(EVENTS) == set(EVENT_WINDOWS)
    calendar = daily_calendar(pd.Timestamp("2023-01-01"), pd.Timestamp("2028-12-31"))
    for day, row in calendar[list(EVENTS)].iterrows():
        assert {name for name in EVENTS if row[name] > 0} == events_on(day.date()), day
