"""``innovalogix period``: close a month's books (nothing more is posted into it), reopen it."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from erp_core.cli_support import console, core_connection, err_console
from erp_core.kardex_cli import parse_month
from erp_core.services import periods
from erp_core.services.errors import InvalidInput

app = typer.Typer(help="Periodos mensuales: cierre y reapertura.", no_args_is_help=True)

Month = Annotated[
    dt.date, typer.Argument(parser=parse_month, metavar="MM/AAAA", help="El mes, p. ej. 09/2026.")
]
Reason = Annotated[str, typer.Option("--reason", "-r", help="Por qué (queda registrado).")]
By = Annotated[
    str | None, typer.Option(help="Quién lo hace (por defecto, el usuario del sistema).")
]
REFUSALS = {  # services/periods.py's reasons, said in Spanish
    "has not ended yet: only a past month closes": "aún no termina: solo se cierra un mes pasado",
    "is already closed": "ya está cerrado",
    "is not closed": "no está cerrado",
}


@app.command(help="Cierra un mes: ningún servicio ni importación registra movimientos en él.")
def close(month: Month, reason: Reason, by: By = None) -> None:
    """Close MM/AAAA: nothing is posted into it any more."""
    _run(periods.close_period, month, reason, by)
    console.print(f"[green]Periodo {month:%m/%Y} cerrado[/green]: no se registran más movimientos")


@app.command(help="Reabre un mes cerrado; la reapertura y su motivo quedan registrados.")
def reopen(month: Month, reason: Reason, by: By = None) -> None:
    """Reopen a closed MM/AAAA (recorded with its reason)."""
    _run(periods.reopen_period, month, reason, by)
    console.print(f"[yellow]Periodo {month:%m/%Y} reabierto[/yellow] (queda registrado)")


@app.command("list", help="Los meses cerrados.")
def list_closed() -> None:
    """The closed months, oldest first."""
    with core_connection() as conn:
        rows = periods.closed_months(conn)
    table = Table(title="Periodos cerrados")
    for column in ("Mes", "Cerrado el", "Por", "Motivo"):
        table.add_column(column)
    for month, closed_at, closed_by, reason in rows:
        table.add_row(f"{month:%m/%Y}", f"{closed_at:%d/%m/%Y %H:%M}", closed_by, reason)
    console.print(table if rows else "No hay periodos cerrados")


def _run(action, month: dt.date, reason: str, by: str | None) -> None:
    with core_connection() as conn:
        try:
            action(conn, month, reason, by or getpass.getuser())
        except InvalidInput as refused:
            if refused.field == "month":
                said = f"el periodo {month:%m/%Y} {REFUSALS.get(refused.reason, refused.reason)}"
            elif refused.field == "reason":
                said = f"el motivo es obligatorio (1 a {periods.MAX_REASON} caracteres)"
            else:
                said = "indique quién lo hace (--by)"
            err_console.print(f"[red]No se puede:[/red] {escape(said)}", soft_wrap=True)
            raise typer.Exit(code=1) from None
