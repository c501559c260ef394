"""Monthly partitions of sales, sale lines, payments and kardex, kept ahead of time.

Kept apart from the migrations so that the nightly maintenance can call it without importing
Alembic and SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt

import psycopg

PARTITIONED_TABLES = ("sales", "sale_lines", "sale_payments", "kardex")
MONTHS_AHEAD = 3
MONTHS_BEHIND = 36


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def ensure_partitions(conn: psycopg.Connection, first: dt.date, last: dt.date) -> int:
    """Create the monthly partitions covering ``first``..``last`` that do not exist yet."""
    row = conn.execute("select ensure_monthly_partitions(%s, %s)", (first, last)).fetchone()
    return int(row[0]) if row else 0


def ensure_ahead(conn: psycopg.Connection, today: dt.date) -> int:
    """The current month's partitions and the next ``MONTHS_AHEAD`` months'."""
    return ensure_partitions(conn, add_months(today, 0), add_months(today, MONTHS_AHEAD))
