"""Comprobante numbering: the next correlativo of a serie, without gaps.

The serie row is locked until the operation commits, so concurrent operations on one serie
take consecutive numbers, and a rolled-back one gives its number back. The numbering itself is
the database function ``next_comprobante_number`` (migrations 0002, 0004, 0006), which the sale's
function ``post_sale`` calls too. The one exception is a transaction that writes many
comprobantes (an import): ``SerieBlock`` locks the serie once and numbers them itself, and
``post_sale`` records the number it is given (migration 0009).
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


class SerieBlock:
    """A serie numbered by its caller for the rest of a transaction: one lock, one final write.

    For writing many comprobantes in one transaction (an import): numbering each one updates
    the serie's row, and every update leaves a version that the next comprobante has to walk
    past until the transaction ends. A block locks the row once (``open``), hands out the numbers
    that follow its last one (``peek``, then ``taken`` once the comprobante is written), and
    writes the last number back once (``close``), before the transaction commits. Other writers
    on the serie wait for the lock, as they would for any comprobante's numbering.
    """

    def __init__(self, series_id: int, serie: str, last_number: int):
        self.series_id, self.serie, self.last_number = series_id, serie, last_number
        self._written = last_number

    @classmethod
    def open(
        cls, conn: psycopg.Connection, store_id: int, doc_type: str, letter: str
    ) -> SerieBlock | None:
        """The store's first serie of ``doc_type`` starting with ``letter``, locked; or None."""
        row = conn.execute(
            "select series_id, serie, last_number from comprobante_series "
            "where store_id = %s and doc_type = %s and serie like %s "
            "order by serie limit 1 for update",
            (store_id, doc_type, f"{letter}%"),
        ).fetchone()
        return None if row is None else cls(*row)

    def peek(self) -> int:
        """The number the next comprobante takes."""
        return self.last_number + 1

    def taken(self, number: int) -> None:
        """``number`` was written (a refused comprobante gives its number to the next one)."""
        assert number == self.last_number + 1, "numbers are taken in order"
        self.last_number = number

    def close(self, conn: psycopg.Connection) -> None:
        """Write the serie's last number, so that the next writer continues after it."""
        if self.last_number != self._written:
            conn.execute(
                "update comprobante_series set last_number = %s where series_id = %s",
                (self.last_number, self.series_id),
            )
            self._written = self.last_number
