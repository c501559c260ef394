"""Excel sheets in the chain's formats: soles as ``S/ 1,234.50``, dates as dd/mm/aaaa."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

MONEY = '"S/ "#,##0.00'
QUANTITY = "#,##0.##"
DATE = "dd/mm/yyyy"
PERCENT = "0.0%"
INVALID_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, none of ``[]:*?/\\``)."""
    base = INVALID_SHEET_CHARACTERS.sub("-", str(text)).strip() or "Hoja"
    name, n = base[:31], 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def write_table(
    writer: pd.ExcelWriter,
    sheet: str,
    frame: pd.DataFrame,
    formats: dict[str, str],
    title_lines: list[str] = (),
    total_columns: tuple[str, ...] = (),
) -> None:
    """``frame`` under a few title lines, columns formatted by ``formats`` (header → format),
    with a total row for ``total_columns``."""
    book = writer.book
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    styles = {code: book.add_format({"num_format": code}) for code in set(formats.values())}
    bold_styles = {
        code: book.add_format({"num_format": code, "bold": True}) for code in set(formats.values())
    }
    first = len(title_lines) + (1 if title_lines else 0)
    frame = frame.reset_index(drop=True)
    for column in frame.columns:
        if formats.get(column) == DATE:
            frame[column] = [
                value if isinstance(value, dt.date) else None
                for value in pd.to_datetime(frame[column]).dt.date.where(frame[column].notna())
            ]
    frame.to_excel(writer, sheet_name=sheet, index=False, startrow=first)
    sheet_ = writer.sheets[sheet]
    for i, line in enumerate(title_lines):
        sheet_.write(i, 0, line, bold if i == 0 else None)
    for j, column in enumerate(frame.columns):
        sheet_.write(first, j, column, header)
        width = max(len(str(column)), *(len(str(v)) for v in frame[column].head(200)), 6)
        style = styles.get(formats.get(column))
        sheet_.set_column(j, j, min(width + 2, 60), style)
        if formats.get(column) == DATE:
            for i, value in enumerate(frame[column]):
                if value is not None:
                    sheet_.write_datetime(
                        first + 1 + i, j, dt.datetime.combine(value, dt.time()), style
                    )
    if total_columns and len(frame):
        row = first + 1 + len(frame)
        sheet_.write(row, 0, "Total", bold)
        for j, column in enumerate(frame.columns):
            if column in total_columns:
                total = float(pd.to_numeric(frame[column]).sum())
                sheet_.write_number(row, j, total, bold_styles.get(formats.get(column), bold))
    sheet_.freeze_panes(first + 1, 0)
