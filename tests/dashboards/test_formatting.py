import datetime as dt
from decimal import Decimal

import pandas as pd

from dashboards import formatting


def test_money_reads_as_soles_rounded_half_up_to_the_centimo():
    assert formatting.money(1234.5) == "S/ 1,234.50"
    assert formatting.money(Decimal("0.005")) == "S/ 0.01"
    assert formatting.money(-1234567.891) == "-S/ 1,234,567.89"
    assert formatting.money(None) == formatting.DASH
    assert formatting.money(float("nan")) == formatting.DASH


def test_dates_read_dd_mm_yyyy_and_moments_in_lima():
    assert formatting.date(dt.date(2026, 1, 5)) == "05/01/2026"
    # 03:30 UTC on the 6th is still the 5th in Lima (UTC-5).
    moment = dt.datetime(2026, 1, 6, 3, 30, tzinfo=dt.UTC)
    assert formatting.datetime(moment) == "05/01/2026 22:30"
    assert formatting.date(moment) == "05/01/2026"
    # A DATE column comes back from DuckDB through pandas as a naive midnight: the same day.
    assert formatting.date(pd.Timestamp("2026-01-19")) == "19/01/2026"
    assert formatting.date(dt.datetime(2026, 1, 19)) == "19/01/2026"
    assert formatting.date(pd.NaT) == formatting.DASH


def test_percent_quantity_and_change():
    assert formatting.percent(0.2346) == "23.5%"
    assert formatting.quantity(1500) == "1,500"
    assert formatting.quantity(2.5) == "2.5"
    assert formatting.change(110, 100) == "10.0%"
    assert formatting.change(110, 0) is None
