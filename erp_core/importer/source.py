"""Read a sales file (CSV or Parquet) as a stream of rows that remember their line in the file.

Line numbers are what a person opening the file sees: the header is line 1, so the first data
row is line 2. Parquet has no lines; its rows are numbered the same way, as if exported to CSV.

Nothing here keeps the file in memory: ``Source.rows()`` reads it again on every call (Parquet
in record batches), so the importer can keep only what it parsed and re-read the file to copy
rejected rows verbatim.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

REQUIRED_COLUMNS = ("date", "store", "sku", "quantity", "unit_price", "ticket")
OPTIONAL_COLUMNS = ("customer_doc", "payment_method", "doc_type", "unit_cost")
CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
BATCH_ROWS = 10_000  # Parquet rows turned into Python objects at a time
# The csv module refuses a field over 131,072 characters by raising in the middle of the file;
# the rows are read with a higher ceiling so that the importer rejects a long field by its line
# and column (rows.MAX_FIELD_CHARS), and only a field past this one is a problem of its row.
CSV_FIELD_CEILING = 16 * 1024 * 1024


class SourceError(ValueError):
    """The file as a whole cannot be read (missing, unknown format, missing columns)."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    line: int
    values: dict[str, Any]  # by normalized column name (trimmed, lower case)
    problem: str | None = None  # a CSV row whose field count differs from the header


@dataclass(frozen=True)
class Source:
    """A readable sales file whose header has been checked; its rows are read on demand."""

    path: Path
    columns: list[str]  # as written in the file, in file order
    batch_rows: int = BATCH_ROWS

    def rows(self) -> Iterator[SourceRow]:
        """Every data row, in file order; raises ``SourceError`` at a line that is not UTF-8."""
        if self.path.suffix.lower() in PARQUET_SUFFIXES:
            return _parquet_rows(self.path, self.batch_rows)
        return _csv_rows(self.path)

    def original(self, row: SourceRow) -> dict[str, Any]:
        """The row keyed by the file's own column names (for the reject file)."""
        return {name: row.values.get(_normalize(name)) for name in self.columns}


def read_source(path: Path, batch_rows: int = BATCH_ROWS) -> Source:
    """Check that ``path`` is a CSV or Parquet file with the required columns."""
    if path.is_dir():
        raise SourceError(f"{path} es una carpeta: indique un archivo CSV o Parquet")
    if not path.exists():
        raise SourceError(f"el archivo {path} no existe")
    if not path.is_file():
        raise SourceError(f"{path} no es un archivo regular: indique un archivo CSV o Parquet")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        columns = _csv_header(path)
    elif suffix in PARQUET_SUFFIXES:
        columns = _parquet_header(path)
    else:
        raise SourceError(f"{path.name}: formato desconocido (use .csv o .parquet)")
    _check_columns(path, columns)
    return Source(path, columns, batch_rows)


def _normalize(name: str) -> str:
    return name.strip().lower()


def _check_columns(path: Path, columns: list[str]) -> None:
    names = [_normalize(c) for c in columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SourceError(f"{path.name}: columnas repetidas {', '.join(duplicated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise SourceError(
            f"{path.name}: faltan las columnas {', '.join(missing)} "
            f"(obligatorias: {', '.join(REQUIRED_COLUMNS)})"
        )


def _csv_header(path: Path) -> list[str]:
    rows = _csv_rows_with_header(path)
    header = next(rows)
    rows.close()
    return header


def _csv_rows(path: Path) -> Iterator[SourceRow]:
    rows = _csv_rows_with_header(path)
    next(rows)
    return rows


def _csv_rows_with_header(path: Path) -> Iterator:
    """The header (a list of names), then the rows; a file not in UTF-8 is a ``SourceError``."""
    try:
        yield from _read_csv_text(path)
    except PermissionError:
        raise SourceError(f"no hay permiso para leer {path}") from None
    except UnicodeDecodeError:
        line = _first_undecodable_line(path)
        raise SourceError(
            f"{path.name}: la línea {line} no está en UTF-8 (¿Latin-1/ANSI?): "
            "guarde el archivo como 'CSV UTF-8' e impórtelo de nuevo"
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


def _read_csv_text(path: Path) -> Iterator:
    """Comma or semicolon separated (Excel in es-PE writes ';'), UTF-8 with or without BOM."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        first = f.readline()
        f.seek(0)
        delimiter = ";" if first.count(";") > first.count(",") else ","
        if csv.field_size_limit() < CSV_FIELD_CEILING:
            csv.field_size_limit(CSV_FIELD_CEILING)  # process-wide: the module has no other way
        reader = csv.reader(f, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error:
            header = None
        if not header:
            raise SourceError(f"{path.name} está vacío o su cabecera no se puede leer")
        yield header
        names = [_normalize(c) for c in header]
        last_line = reader.line_num
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:  # a field past the ceiling: the reader goes on at the next line
                line, last_line = last_line + 1, reader.line_num
                problem = f"tiene un campo de más de {CSV_FIELD_CEILING:,} caracteres"
                yield SourceRow(line, {}, problem)
                continue
            line, last_line = last_line + 1, reader.line_num
            if all(not field.strip() for field in fields):
                continue  # an empty line, or one of only separators (Excel's ';;;;;')
            problem = None
            if len(fields) != len(names):
                problem = f"tiene {len(fields)} campos y la cabecera tiene {len(names)}"
            yield SourceRow(line, dict(zip(names, fields, strict=False)), problem)


def _parquet_header(path: Path) -> list[str]:
    try:
        return list(pq.ParquetFile(path).schema_arrow.names)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise SourceError(f"{path.name} no es un archivo Parquet legible: {exc}") from None


def _parquet_rows(path: Path, batch_rows: int) -> Iterator[SourceRow]:
    """Rows a record batch at a time: only one batch is ever held as Python objects."""
    line = 1
    try:
        with pq.ParquetFile(path) as parquet:
            names = [_normalize(name) for name in parquet.schema_arrow.names]
            for batch in parquet.iter_batches(batch_size=batch_rows):
                columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for values in zip(*columns, strict=True):
                    line += 1
                    yield SourceRow(line, dict(zip(names, values, strict=True)))
    except (pa.ArrowException, OSError) as exc:  # a damaged page is found only when read
        raise SourceError(
            f"{path.name} no se puede leer después de la línea {line}: {exc}"
        ) from None
