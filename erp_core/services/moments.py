"""When a movement (or a customer's consent) happened: its timestamp checked before anything
is written.

The timestamp decides the business date (Lima), the monthly partition the rows go to and the
movement's place in the kardex. Without a time zone it is ambiguous; in the future it is a
till's clock or a client's bug (a sale cannot have happened yet, and the kardex would carry it
ahead of movements made before it); and a month with no partition yet is refused by Postgres
with a message that names neither the field nor the fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from erp_core.partitions import MONTHS_AHEAD
from erp_core.services.errors import InvalidInput
from erp_core.timeutil import business_date, format_moment, now

FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # tills' clocks drift a little


def moment(value: dt.datetime | None, field: str) -> dt.datetime:
    """``value`` checked (a date and time with its zone, not ahead of now), or now if None."""
    if value is None:
        return now()
    if not isinstance(value, dt.datetime):
        raise InvalidInput(field, value, "must be a date and time")
    if value.utcoffset() is None:
        raise InvalidInput(field, value.isoformat(), "needs a time zone (Lima is -05:00)")
    current = now()
    if value > current + FUTURE_TOLERANCE:
        lima_now = format_moment(current)
        raise InvalidInput(field, value.isoformat(), f"is in the future (now {lima_now} in Lima)")
    return value


def missing_partition(error: psycopg.Error, field: str, at: dt.datetime) -> InvalidInput | None:
    """The service's error for a write Postgres refused for want of ``at``'s month partition."""
    message = error.diag.message_primary or ""
    if error.sqlstate != "23514" or not message.startswith("no partition of relation"):
        return None
    month = business_date(at).strftime("%m/%Y")
    return InvalidInput(
        field, at.isoformat(),
        f"no monthly partition holds {month} yet: `innovalogix db upgrade` (or the pipeline's "
        f"nightly core_partitions) creates them up to {MONTHS_AHEAD} months ahead",
    )  # fmt: skip


@contextmanager
def transaction_at(
    conn: psycopg.Connection, value: dt.datetime | None, field: str
) -> Iterator[dt.datetime]:
    """An operation's transaction at its checked moment (``value``, or now), given to the body;
    a write refused for want of that month's partition comes out as ``field``'s error."""
    at = moment(value, field)
    try:
        with conn.transaction():
            yield at
    except psycopg.Error as error:
        refusal = missing_partition(error, field, at)
        if refusal is None:
            raise
        raise refusal from None
