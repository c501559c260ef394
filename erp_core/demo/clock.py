"""Lima timestamps as COPY text: Peru keeps UTC-5 all year, so the offset is fixed."""

from __future__ import annotations

import datetime as dt

HMS = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]


def hours(h: float) -> int:
    """Seconds after midnight of a time of day given in hours (9.5 = 09:30)."""
    return int(h * 3600)


def stamp(day: str, second: int) -> str:
    """``day`` (ISO date) at ``second`` after midnight in Lima, as timestamptz text."""
    return f"{day} {HMS[second]}-05"


def iso_days(start: dt.date, days: int) -> list[str]:
    return [(start + dt.timedelta(days=i)).isoformat() for i in range(days)]
