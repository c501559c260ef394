"""Comprobante numbering: the next correlativo of a serie, without gaps.

The serie row is locked until the operation commits, so concurrent operations on one serie
take consecutive numbers, and a rolled-back one gives its number back. The numbering itself is
the database function ``next_comprobante_number`` (migrations 0002, 0004, 0006), which the sale's
functions ``post_sale`` and ``post_sales`` number as it does (a batch updates the serie's row
once for all its sales). A caller that took a number itself, under the serie's lock, gives it
as ``SaleRequest.number`` (migration 0009).
"""

from __future__ import annotations

import datetime as dt

import psycopg

from erp_core.services.errors import InvalidInput


def next_number(
    conn: psycopg.Connection,
    store_id: int,
    doc_type: str,
    issued_on: dt.date,
    serie: str | None = None,
    letter: str | None = None,
) -> tuple[str, int]:
    """Take the next number of ``serie`` (or the store's first serie of ``doc_type``)."""
    row = conn.execute(
        "select serie, number from next_comprobante_number(%s, %s, %s, %s, %s)",
        (store_id, doc_type, issued_on, serie, letter),
    ).fetchone()
    if row is None:
        raise InvalidInput(
            "serie", serie or letter, f"no comprobante serie of type {doc_type} for this store"
        )
    return row[0], row[1]
