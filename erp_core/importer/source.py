"""Read a sales file (CSV or Parquet) into rows that remember their line in the file.

Line numbers are what a person opening the file sees: the header is line 1, so the first data
row is line 2. Parquet has no lines; its rows are numbered the same way, as if exported to CSV.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

REQUIRED_COLUMNS = ("date", "store", "sku", "quantity", "unit_price", "ticket")
OPTIONAL_COLUMNS = ("customer_doc", "payment_method", "doc_type", "unit_cost")
CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")


class SourceError(ValueError):
    """The file as a whole cannot be read (missing, unknown format, missing columns)."""


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, Any]  # by normalized column name (trimmed, lower case)
    problem: str | None = None  # a CSV row whose field count differs from the header


@dataclass(frozen=True)
class SourceTable:
    columns: list[str]  # as written in the file, in file order
    rows: list[SourceRow]

    def original(self, row: SourceRow) -> dict[str, Any]:
        """The row keyed by the file's own column names (for the reject file)."""
        return {name: row.values.get(_normalize(name)) for name in self.columns}


def read_source(path: Path) -> SourceTable:
    if not path.is_file():
        raise SourceError(f"file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        table = _read_csv(path)
    elif suffix in PARQUET_SUFFIXES:
        table = _read_parquet(path)
    else:
        raise SourceError(f"{path.name}: unknown format (use .csv or .parquet)")
    return table


def _normalize(name: str) -> str:
    return name.strip().lower()


def _check_columns(path: Path, columns: list[str]) -> None:
    names = [_normalize(c) for c in columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SourceError(f"{path.name}: duplicated columns {', '.join(duplicated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise SourceError(
            f"{path.name}: missing columns {', '.join(missing)} "
            f"(required: {', '.join(REQUIRED_COLUMNS)})"
        )


def _read_csv(path: Path) -> SourceTable:
    """Comma or semicolon separated (Excel in es-PE writes ';'), UTF-8 with or without BOM."""
    try:
        return _read_csv_text(path)
    except UnicodeDecodeError:
        line = _first_undecodable_line(path)
        raise SourceError(
            f"{path.name}: line {line} is not UTF-8 (Latin-1/ANSI?): "
            "save it as 'CSV UTF-8' and import it again"
        ) from None


def _first_undecodable_line(path: Path) -> int:
    """The line a person would look at: decoding runs ahead in chunks, so rescan line by line."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _read_csv_text(path: Path) -> SourceTable:
    with path.open(newline="", encoding="utf-8-sig") as f:
        first = f.readline()
        f.seek(0)
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader, None)
        if not header:
            raise SourceError(f"{path.name} is empty")
        _check_columns(path, header)
        names = [_normalize(c) for c in header]
        rows, last_line = [], reader.line_num
        for fields in reader:
            line, last_line = last_line + 1, reader.line_num
            if all(not field.strip() for field in fields):
                continue  # an empty line, or one of only separators (Excel's ';;;;;')
            problem = None
            if len(fields) != len(names):
                problem = f"has {len(fields)} fields, the header has {len(names)}"
            rows.append(SourceRow(line, dict(zip(names, fields, strict=False)), problem))
    return SourceTable(header, rows)


def _read_parquet(path: Path) -> SourceTable:
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise SourceError(f"{path.name} is not a readable Parquet file: {exc}") from None
    columns = list(table.column_names)
    _check_columns(path, columns)
    rows = [
        SourceRow(index + 2, {_normalize(name): value for name, value in record.items()})
        for index, record in enumerate(table.to_pylist())
    ]
    return SourceTable(columns, rows)
