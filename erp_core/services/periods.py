"""Monthly periods: a closed month takes no movement, by any service or import.

An accountant closes a month once its books are done (PLE 13.1 is kept by month); reopening it
is an explicit, recorded act with its reason. Every movement holds its month open while it
posts: a shared advisory lock on the month, which the close takes exclusively, so a close waits
for the movements already posting into the month and the movements after it see it closed.
"""

from __future__ import annotations

import datetime as dt

import psycopg

from erp_core.services.errors import InvalidInput, PeriodClosed
from erp_core.timeutil import business_date, lima_today

PERIOD_LOCK = 1_300_131  # advisory lock class of the months (with the month as YYYYMM)
MAX_REASON = 500


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _lock_key(month: dt.date) -> tuple[int, int]:
    return PERIOD_LOCK, month.year * 100 + month.month


def hold_open(conn: psycopg.Connection, at: dt.datetime, field: str) -> None:
    """Hold ``at``'s month open until the transaction ends; ``PeriodClosed`` if it is closed.

    Two statements: the second's snapshot is taken after the lock is granted, so it sees a close
    that committed while this one waited.
    """
    month = month_of(business_date(at))
    conn.execute("select pg_advisory_xact_lock_shared(%s, %s)", _lock_key(month))
    closed = conn.execute("select 1 from period_closures where month = %s", (month,)).fetchone()
    if closed:
        raise PeriodClosed(field, at.isoformat(), month)


def _checked(month: dt.date, reason: str, by: str) -> None:
    if month.day != 1:
        raise InvalidInput("month", month.isoformat(), "must be a month's first day")
    if not isinstance(reason, str) or not 0 < len(reason.strip()) <= MAX_REASON:
        raise InvalidInput("reason", reason, f"must have 1 to {MAX_REASON} characters")
    if not isinstance(by, str) or not by.strip():
        raise InvalidInput("by", by, "must name who does it")


def close_period(conn: psycopg.Connection, month: dt.date, reason: str, by: str) -> None:
    """Close ``month`` (its first day): no movement dated in it is posted any more."""
    _checked(month, reason, by)
    if month >= month_of(lima_today()):
        raise InvalidInput("month", f"{month:%m/%Y}", "has not ended yet: only a past month closes")
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s, %s)", _lock_key(month))
        inserted = conn.execute(
            "insert into period_closures (month, closed_at, closed_by, reason) "
            "values (%s, now(), %s, %s) on conflict (month) do nothing returning month",
            (month, by, reason.strip()),
        ).fetchone()
        if inserted is None:
            raise InvalidInput("month", f"{month:%m/%Y}", "is already closed")
        _record(conn, month, "close", reason, by)


def reopen_period(conn: psycopg.Connection, month: dt.date, reason: str, by: str) -> None:
    """Reopen a closed ``month``; the reopening and its reason are recorded."""
    _checked(month, reason, by)
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s, %s)", _lock_key(month))
        deleted = conn.execute(
            "delete from period_closures where month = %s returning month", (month,)
        ).fetchone()
        if deleted is None:
            raise InvalidInput("month", f"{month:%m/%Y}", "is not closed")
        _record(conn, month, "reopen", reason, by)


def _record(conn: psycopg.Connection, month: dt.date, action: str, reason: str, by: str) -> None:
    conn.execute(
        "insert into period_events (month, action, reason, done_by) values (%s, %s, %s, %s)",
        (month, action, reason.strip(), by),
    )


def closed_months(conn: psycopg.Connection) -> list[tuple]:
    """The closed months, oldest first: (month, closed_at, closed_by, reason)."""
    return conn.execute(
        "select month, closed_at, closed_by, reason from period_closures order by month"
    ).fetchall()
