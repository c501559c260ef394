"""Business time: timestamps are stored in UTC, the business date is the date in Lima."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LIMA = ZoneInfo("America/Lima")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def business_date(at: dt.datetime) -> dt.date:
    if at.tzinfo is None:
        raise ValueError(f"timestamp {at.isoformat()} has no time zone")
    return at.astimezone(LIMA).date()


def lima_today() -> dt.date:
    return now().astimezone(LIMA).date()


def format_moment(at: dt.datetime) -> str:
    """A timestamp as es-PE reads it, in Lima: ``31/12/2026 21:05``."""
    return at.astimezone(LIMA).strftime("%d/%m/%Y %H:%M")
