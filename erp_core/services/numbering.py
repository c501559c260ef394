"""Comprobante numbering: the next correlativo of a serie, without gaps.

The serie row is locked until the sale commits, so concurrent sales of one serie take
consecutive numbers, and a rolled-back sale gives its number back.
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
        "update comprobante_series set last_number = last_number + 1 "
        "where series_id = (select series_id from comprobante_series "
        "  where store_id = %s and doc_type = %s and (%s::text is null or serie = %s) "
        "  and (%s::text is null or serie like %s || '%%') order by serie limit 1) "
        "returning serie, last_number",
        (store_id, doc_type, serie, serie, letter, letter),
    ).fetchone()
    if row is None:
        raise InvalidInput(
            "serie", serie or letter, f"no comprobante serie of type {doc_type} for this store"
        )
    conn.execute(
        "insert into issued_documents (serie, number, doc_type, issued_on) values (%s,%s,%s,%s)",
        (row[0], row[1], doc_type, issued_on),
    )
    return row[0], row[1]
