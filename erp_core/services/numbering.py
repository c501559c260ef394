"""Comprobante numbering: the next correlativo of a serie, without gaps.

The serie row is locked until the operation commits, so concurrent operations on one serie
take consecutive numbers, and a rolled-back one gives its number back. The CTEs are shared so
that a sale can take its number inside the statement that writes it.
"""

from __future__ import annotations

import datetime as dt

import psycopg

from erp_core.services.errors import InvalidInput

# Parameters: store, doc (comprobante type), serie (or null), letter (or null), day.
NEXT_NUMBER_CTES = (
    "numbered as (update comprobante_series set last_number = last_number + 1 "
    "  where series_id = (select series_id from comprobante_series "
    "    where store_id = %(store)s and doc_type = %(doc)s "
    "    and (%(serie)s::text is null or serie = %(serie)s) "
    "    and (%(letter)s::text is null or serie like %(letter)s || '%%') "
    "    order by serie limit 1) "
    "  returning serie, last_number), "
    "registered as (insert into issued_documents (serie, number, doc_type, issued_on) "
    "  select serie, last_number, %(doc)s, %(day)s from numbered)"
)


def next_number(
    conn: psycopg.Connection,
    store_id: int,
    doc_type: str,
    issued_on: dt.date,
    serie: str | None = None,
    letter: str | None = None,
) -> tuple[str, int]:
    """Take the next number of ``serie`` (or the store's first serie of ``doc_type``)."""
    params = {"store": store_id, "doc": doc_type, "serie": serie, "letter": letter,
              "day": issued_on}  # fmt: skip
    row = conn.execute(
        f"with {NEXT_NUMBER_CTES} select serie, last_number from numbered", params
    ).fetchone()
    if row is None:
        raise InvalidInput(
            "serie", serie or letter, f"no comprobante serie of type {doc_type} for this store"
        )
    return row[0], row[1]
