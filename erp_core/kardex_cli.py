"""``innovalogix kardex``: a product's valued kardex in one store, as an accountant reads it.

Its latest movements, or a month's (PLE 13.1 is kept by month) opening with the balance the
month inherits and closing with its entries, exits and final balance.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from erp_core import reports
from erp_core.cli_support import console, core_connection, found
from erp_core.domain.kardex import OPERATION_NAMES
from erp_core.domain.money import format_amount, format_pen, format_qty, format_unit_cost

MONTH = re.compile(r"(\d{1,2})/(\d{4})")


def parse_month(text: str) -> dt.date:
    """``MM/AAAA`` (as people write a month in Peru) → the month's first day."""
    match = MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match[1]) <= 12 or int(match[2]) < 1:
        raise typer.BadParameter(f"«{text}» no es un mes: use MM/AAAA, p. ej. 11/2026")
    return dt.date(int(match[2]), int(match[1]), 1)


def kardex(
    store: str = typer.Argument(..., help="Código de tienda, p. ej. 0001."),
    sku: str = typer.Argument(..., help="SKU del producto."),
    month: Annotated[
        dt.date | None,
        typer.Option(
            parser=parse_month,
            metavar="MM/AAAA",
            help="Un mes entero, con su saldo anterior (p. ej. 11/2026).",
        ),
    ] = None,
    limit: int = typer.Option(30, min=1, help="Sin --month: cuántos movimientos, los últimos."),
) -> None:
    """The valued kardex of one product in one store: its latest movements, or a month's."""
    with core_connection() as conn:
        if month is None:
            opening, rows = None, found(lambda: reports.kardex_rows(conn, store, sku, limit))
        else:
            opening, rows = found(lambda: reports.kardex_month(conn, store, sku, month))
    period = f" en {month:%m/%Y}" if month else ""
    console.print(kardex_table(f"Kardex de {sku} en la tienda {store}{period}", opening, rows))
    if rows:
        operations = sorted({row.operation_type for row in rows})
        console.print("Op. (tabla 12 SUNAT): " + "; ".join(
            f"{op} {OPERATION_NAMES.get(op, 'otra')}" for op in operations
        ))  # fmt: skip
    if month is not None:
        console.print(month_totals(opening, rows))
    elif not rows:
        console.print(f"{sku} no tiene movimientos en la tienda {store}")


def kardex_table(title: str, opening: tuple | None, rows: list[tuple]) -> Table:
    """PLE 13.1's columns, ten of them: no room for vertical rules in 120 columns."""
    table = Table(title=f"{title} (costo promedio ponderado)", box=box.SIMPLE_HEAD)
    table.add_column("Fecha", no_wrap=True)
    table.add_column("Op.", no_wrap=True)
    table.add_column("Documento", no_wrap=True)
    for column in ("Entrada", "Salida", "Costo\nunit. S/", "Costo\ntotal S/", "Saldo",
                   "Costo\nprom. S/", "Valor\nsaldo S/"):  # fmt: skip
        table.add_column(column, justify="right", no_wrap=True)
    if opening is not None:
        quantity, average, value = opening
        table.add_row("", "", "Saldo anterior", "", "", "", "", format_qty(quantity),
                      format_unit_cost(average), format_amount(value))  # fmt: skip
    for row in rows:
        entry = bool(row.quantity_in)
        table.add_row(
            f"{row.movement_date:%d/%m/%Y}", row.operation_type,
            f"{row.doc_type} {row.serie}-{row.number}",
            format_qty(row.quantity_in) if entry else "",
            "" if entry else format_qty(row.quantity_out),
            format_unit_cost(row.unit_cost_in if entry else row.unit_cost_out),
            format_amount(row.total_in if entry else row.total_out),
            format_qty(row.balance_quantity), format_unit_cost(row.balance_unit_cost),
            format_amount(row.balance_value),
        )  # fmt: skip
    return table


def month_totals(opening: tuple, rows: list[tuple]) -> str:
    """The month in one line: what came in, what went out, what is left."""
    q_in, t_in = sum(r.quantity_in for r in rows), sum(r.total_in for r in rows)
    q_out, t_out = sum(r.quantity_out for r in rows), sum(r.total_out for r in rows)
    if rows:
        final_quantity, final_value = rows[-1].balance_quantity, rows[-1].balance_value
    else:
        final_quantity, _, final_value = opening
    return (
        f"{len(rows):,} movimientos. Entradas: {format_qty(q_in)} ({format_pen(t_in)}); "
        f"salidas: {format_qty(q_out)} ({format_pen(t_out)}); saldo final: "
        f"{format_qty(final_quantity)} ({format_pen(final_value)})"
    )
