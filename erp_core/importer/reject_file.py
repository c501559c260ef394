"""The reject file: each refused line as it was in the source, with its line number and reasons.

Fixing the rejected lines and importing the reject file again is the intended repair loop: the
extra columns are ignored on import, and lines already loaded are recognized by their ticket.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from erp_core.importer.report import Rejection, shown
from erp_core.importer.rows import document_text
from erp_core.importer.source import Source

LINE_COLUMN, REASON_COLUMN = "line_number", "reason"


def write_rejects(path: Path, source: Source, rejections: list[Rejection]) -> int:
    """Write one CSV row per rejected line; return how many lines were written.

    The rows are read again from the source, so the import need not keep them in memory.
    """
    reasons: dict[int, list[str]] = defaultdict(list)
    for rejection in sorted(rejections, key=lambda r: r.line):
        reasons[rejection.line].append(rejection.message())
    columns = [c for c in source.columns if c.strip().lower() not in (LINE_COLUMN, REASON_COLUMN)]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")  # the source may be this very file
    with partial.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([LINE_COLUMN, *columns, REASON_COLUMN])
        for row in source.rows():
            if row.line in reasons:
                original = source.original(row)
                values = [_text(c, original[c]) for c in columns]
                writer.writerow([row.line, *values, " | ".join(reasons[row.line])])
    partial.replace(path)
    return len(reasons)


def _text(column: str, value) -> str:
    """The value as the importer reads it back (a Parquet integer DNI keeps its zeros)."""
    if column.strip().lower() == "customer_doc" and value is not None and value != "":
        return document_text(value)
    return shown(value)
