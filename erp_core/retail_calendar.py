"""The Peruvian retail events as date windows, defined once.

The demo generator plants its seasonal demand in these windows (``erp_core.demo.calendar``) and
the warehouse's calendar seed flags the same days (``dbt_project/scripts/make_calendar_seed.py``
writes ``is_<flag>`` columns from ``EVENT_FLAGS``), so what the demo plants and what ``dim_date``
says are the same days by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

import holidays

Window = tuple[dt.date, dt.date]  # first and last day, both included
Windows = Callable[[int], list[Window]]


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th ``weekday`` (0 = Monday) of a month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def fixed(m1: int, d1: int, m2: int, d2: int) -> Windows:
    """The same days every year, from m1/d1 to m2/d2."""
    return lambda y: [(dt.date(y, m1, d1), dt.date(y, m2, d2))]


def week_before(month: int, weekday: int, n: int) -> Windows:
    """The seven days ending on the n-th ``weekday`` of ``month`` (Mother's, Father's Day)."""

    def windows(year: int) -> list[Window]:
        day = nth_weekday(year, month, weekday, n)
        return [(day - dt.timedelta(days=6), day)]

    return windows


def semana_santa(year: int) -> list[Window]:
    """Holy Week's shopping: Monday to Saturday around Good Friday."""
    names = holidays.country_holidays("PE", years=year, language="en_US")
    friday = next(d for d, name in names.items() if name == "Good Friday")
    return [(friday - dt.timedelta(days=4), friday + dt.timedelta(days=1))]


def cyber_wow(year: int) -> list[Window]:
    """Cyber Wow (IAB Perú sets the dates each year): Monday to Thursday from the second Monday
    of April and of July and the first Monday of November."""
    starts = [nth_weekday(year, 4, 0, 2), nth_weekday(year, 7, 0, 2), nth_weekday(year, 11, 0, 1)]
    return [(s, s + dt.timedelta(days=3)) for s in starts]


def black_friday(year: int) -> list[Window]:
    """Black Friday weekend to Cyber Monday, from the fourth Friday of November (four days)."""
    friday = nth_weekday(year, 11, 4, 4)
    return [(friday, friday + dt.timedelta(days=3))]


# Every retail event's windows, by the name the demo's planted truth uses.
EVENT_WINDOWS: dict[str, Windows] = {
    "verano": fixed(1, 1, 3, 31),
    "campana_escolar": fixed(2, 1, 3, 20),
    "semana_santa": semana_santa,
    "dia_de_la_madre": week_before(5, 6, 2),
    "dia_del_padre": week_before(6, 6, 3),
    "invierno": fixed(6, 1, 8, 31),
    "fiestas_patrias": fixed(7, 15, 7, 29),  # the July gratificación is paid by the 15th
    "cyber_wow": cyber_wow,
    "black_friday": black_friday,
    "navidad_previa": fixed(11, 15, 11, 30),
    "navidad": fixed(12, 1, 12, 24),
    "gratificacion_diciembre": fixed(12, 15, 12, 24),
    "ano_nuevo": fixed(12, 26, 12, 31),
}

# The calendar seed's (and dim_date's) flag of each event window.
EVENT_FLAGS: dict[str, str] = {
    "verano": "is_summer",
    "campana_escolar": "is_campana_escolar",
    "semana_santa": "is_semana_santa",
    "dia_de_la_madre": "is_dia_de_la_madre_week",
    "dia_del_padre": "is_dia_del_padre_week",
    "invierno": "is_winter",
    "fiestas_patrias": "is_fiestas_patrias_campaign",
    "cyber_wow": "is_cyber_wow",
    "black_friday": "is_black_friday",
    "navidad_previa": "is_navidad_previa",
    "navidad": "is_navidad_campaign",
    "gratificacion_diciembre": "is_gratificacion_diciembre",
    "ano_nuevo": "is_ano_nuevo_campaign",
}


@cache
def event_days(name: str, year: int) -> frozenset[dt.date]:
    """Every day of the event's windows that year."""
    return frozenset(
        first + dt.timedelta(days=i)
        for first, last in EVENT_WINDOWS[name](year)
        for i in range((last - first).days + 1)
    )


def events_on(day: dt.date) -> set[str]:
    """The names of the events whose window holds ``day``."""
    return {name for name in EVENT_WINDOWS if day in event_days(name, day.year)}
