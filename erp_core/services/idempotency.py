"""Client idempotency keys: a retried operation is applied once and answers the same.

The key is claimed inside the operation's own transaction. A concurrent retry blocks on the
key's unique index until the first attempt commits (then it reads the stored result) or rolls
back (then it proceeds as the first).
"""

from __future__ import annotations

import json
from typing import Any

import psycopg

from erp_core.services.errors import InvalidInput


def check_key(key: str) -> None:
    if not key or len(key) > 200:
        raise InvalidInput("idempotency_key", key, "must be 1 to 200 characters")


def claim(conn: psycopg.Connection, key: str, operation: str) -> dict[str, Any] | None:
    """Claim ``key`` for ``operation``; return the stored result if it was already applied.

    Must be called inside the operation's transaction, before it writes anything.
    """
    check_key(key)
    inserted = conn.execute(
        "insert into idempotency_keys (key, operation) values (%s, %s) "
        "on conflict (key) do nothing returning key",
        (key, operation),
    ).fetchone()
    if inserted:
        return None
    row = conn.execute(
        "select operation, result from idempotency_keys where key = %s", (key,), prepare=False
    ).fetchone()  # not prepared, as in record()
    if row[0] != operation:
        raise InvalidInput(
            "idempotency_key", key, f"was already used for {row[0]}, not {operation}"
        )
    return row[1]


def record(conn: psycopg.Connection, key: str, result: dict[str, Any]) -> None:
    """Store the operation's result with its key.

    Planned anew each time (not prepared): a plan kept by a long-lived connection from when
    the key table was small is a sequential scan, which reads every key once the table has grown
    (until the next ANALYZE). Planning a key lookup costs far less than that.
    """
    conn.execute(
        "update idempotency_keys set result = %s::jsonb where key = %s",
        (json.dumps(result, default=str), key),
        prepare=False,
    )
