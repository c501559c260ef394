"""Reading a user's table (CSV or Parquet) for the ML commands, with errors that name the row,
the field and the value, in Spanish, before anything is computed or written.

Rows are numbered as a person counts them in the file: the first data row is row 1 (in a CSV,
the line after the header).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

SHOWN_VALUE_CHARS = 40


class InputFileError(ValueError):
    """A file that cannot be read as the table the command expects; the message says why."""


def read_table(path: Path | str, columns: Iterable[str]) -> pd.DataFrame:
    """The file's ``columns`` as text-or-native values; CSV (comma or semicolon) or Parquet."""
    path = Path(path)
    columns = list(columns)
    if not path.is_file():
        raise InputFileError(f"no existe el archivo {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix in (".csv", ".txt"):
            frame = pd.read_csv(path, sep=None, engine="python", dtype=str, keep_default_na=False)
        else:
            raise InputFileError(f"{path.name}: formato no reconocido (use .csv o .parquet)")
    except InputFileError:
        raise
    except Exception as exc:  # the parsers' own errors, told with the file's name
        raise InputFileError(f"{path.name}: no se pudo leer ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputFileError(
            f"{path.name}: faltan las columnas {', '.join(missing)} "
            f"(se esperan {', '.join(columns)}; el archivo tiene {', '.join(frame.columns)})"
        )
    if frame.empty:
        raise InputFileError(f"{path.name}: el archivo no tiene filas")
    frame = frame[columns].reset_index(drop=True)
    for column in columns:
        require_values(frame, column, path.name)
    return frame


def require_values(frame: pd.DataFrame, column: str, name: str) -> None:
    values = frame[column]
    empty = values.isna() | (values.astype(str).str.strip() == "")
    if empty.any():
        row = int(empty.to_numpy().nonzero()[0][0])
        raise InputFileError(f"{name}: fila {row + 1}, campo {column}: valor vacío")


def parse_dates(frame: pd.DataFrame, column: str, name: str) -> pd.Series:
    """ISO dates (aaaa-mm-dd, with or without time) or dd/mm/aaaa."""
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize(None) if values.dt.tz is not None else values
    text = values.astype(str).str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    peruvian = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    parsed = parsed.fillna(peruvian)
    if parsed.isna().any():
        _bad(text, parsed.isna(), column, name, "no es una fecha (use aaaa-mm-dd o dd/mm/aaaa)")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def parse_numbers(frame: pd.DataFrame, column: str, name: str) -> pd.Series:
    """Decimal numbers with a point (1234.50)."""
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    text = values.astype(str).str.strip()
    parsed = pd.to_numeric(text, errors="coerce")
    if parsed.isna().any():
        _bad(text, parsed.isna(), column, name, "no es un número (use punto decimal: 1234.50)")
    return parsed.astype(float)


def _bad(text: pd.Series, bad: pd.Series, column: str, name: str, why: str) -> None:
    row = int(bad.to_numpy().nonzero()[0][0])
    value = text.iloc[row][:SHOWN_VALUE_CHARS]
    others = int(bad.sum()) - 1
    more = f" (y {others:,} filas más)" if others else ""
    raise InputFileError(f"{name}: fila {row + 1}, campo {column}: «{value}» {why}{more}")


def write_table(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write CSV or Parquet by extension, whole or not at all (temporary file, then rename)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputFileError(f"{path.name}: formato de salida no reconocido (use .csv o .parquet)")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(handle)
    try:
        if suffix == ".csv":
            frame.to_csv(temporary, index=False)
        else:
            frame.to_parquet(temporary, index=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
