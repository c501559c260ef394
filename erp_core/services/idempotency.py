"""Client idempotency keys: a retried operation is applied once and answers the same.

The key is claimed inside the operation's own transaction. A concurrent retry blocks on the
key's unique index until the first attempt commits (then it reads the stored result) or rolls
back (then it proceeds as the first).

A key remembers a fingerprint of the request it was claimed for (``request_hash``, migration
0014): a true retry (the same request) gets the stored result; the same key with a different
request is refused naming the key, as payment APIs do, instead of silently answering with the
first operation's result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import psycopg

from erp_core.services.errors import InvalidInput


def check_key(key: str) -> None:
    if not isinstance(key, str) or not key or len(key) > 200:
        raise InvalidInput("idempotency_key", key, "must be 1 to 200 characters")


def fingerprint(*parts: Any) -> str:
    """A stable hash of a request as its client gave it (dataclasses, Decimals, datetimes ...).

    Equal values hash equal however they are written: 2 and 2.000 units, a moment in any time
    zone. Only what the client sent goes in: a default filled in later (``now``) would make a
    retry look like another request.
    """
    text = json.dumps(_canonical(parts), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal | int | float):
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        return f"{number.normalize():f}" if number.is_finite() else str(number)
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            return value.isoformat()
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def claim(
    conn: psycopg.Connection, key: str, operation: str, request: str | None = None
) -> dict[str, Any] | None:
    """Claim ``key`` for ``operation`` with the ``request``'s fingerprint; return the stored
    result if this very request was already applied.

    Must be called inside the operation's transaction, before it writes anything. The same key
    with another operation or another request is ``InvalidInput`` naming the key.
    """
    check_key(key)
    inserted = conn.execute(
        "insert into idempotency_keys (key, operation, request_hash) values (%s, %s, %s) "
        "on conflict (key) do nothing returning key",
        (key, operation, request),
    ).fetchone()
    if inserted:
        return None
    row = conn.execute(
        "select operation, result, request_hash from idempotency_keys where key = %s",
        (key,),
        prepare=False,
    ).fetchone()  # not prepared, as in record()
    stored_operation, result, stored_request = row
    if stored_operation != operation:
        raise InvalidInput(
            "idempotency_key", key, f"was already used for {stored_operation}, not {operation}"
        )
    if stored_request is not None and request is not None and stored_request != request:
        raise InvalidInput(
            "idempotency_key", key,
            f"was already used for another {operation} request: a retry must repeat the same "
            "request, a new operation needs a new key",
        )  # fmt: skip
    return result


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
