"""``innovalogix demo-data``: generate the demo chain with progress bars and a summary.

The lead registers ``demo_data`` in ``erp_core/cli.py`` as the ``demo-data`` command.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from erp_core import db
from erp_core.cli_support import DATE_METAVAR, parse_date
from erp_core.demo.generate import DemoDataError, Summary, default_end_date, generate
from erp_core.demo.scales import SCALES
from erp_core.domain.money import format_pen

PHASE_LABELS = {
    "master data": "Catálogo, tiendas y clientes (datos personales cifrados)",
    "simulation": "Simulando días y cargando con COPY",
    "indexes and keys": "Reconstruyendo índices y validando claves foráneas",
    "statistics": "Actualizando estadísticas",
}


class ScaleName(StrEnum):
    small = "small"
    medium = "medium"
    large = "large"


def _seed(text: str) -> int:
    """A seed numpy takes: a whole number, zero or more (numpy refuses a negative one)."""
    try:
        value = int(text)
    except ValueError:
        raise typer.BadParameter(f"«{text}» no es un número entero") from None
    if value < 0:
        raise typer.BadParameter(f"{value} es negativo: la semilla debe ser 0 o mayor")
    return value


def demo_data(
    scale: Annotated[
        ScaleName, typer.Option(help="small (pruebas), medium (~5M líneas de venta), large (~20M)")
    ] = ScaleName.small,
    seed: Annotated[
        int, typer.Option(parser=_seed, metavar="N", help="misma semilla, misma cadena")
    ] = 42,
    end_date: Annotated[
        dt.date | None,
        typer.Option(
            parser=parse_date,
            metavar=DATE_METAVAR,
            help="último día de la historia, dd/mm/aaaa o aaaa-mm-dd [por defecto: ayer, Lima]",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="vacía las tablas del núcleo de una base de datos con datos"
        ),
    ] = False,
) -> None:
    """Generate a demo Peruvian retail chain and its history into the configured database."""
    chosen = SCALES[scale.value]
    latest = default_end_date()
    if end_date and end_date > latest:
        raise typer.BadParameter(
            f"{end_date:%d/%m/%Y} es posterior a ayer en Lima ({latest:%d/%m/%Y}): "
            "la historia no puede tener ventas futuras",
            param_hint="--end-date",
        )
    console = Console()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} días"),
        TimeElapsedColumn(),
    )
    try:  # connect first: no progress bar for a database that cannot be reached
        with db.connect() as conn, Progress(*columns, console=console) as progress:
            task = progress.add_task(PHASE_LABELS["master data"], total=chosen.days)
            summary = generate(
                conn, chosen, seed, end_date, replace,
                on_day=lambda _day: progress.advance(task),
                on_phase=lambda name: progress.update(task, description=PHASE_LABELS[name]),
            )  # fmt: skip
    except DemoDataError as exc:
        console.print(f"[red]No se generaron datos:[/red] {exc}")
        raise typer.Exit(code=1) from None
    console.print(summary_table(summary))


def summary_table(summary: Summary) -> Table:
    rows = summary.rows
    table = Table(title="Datos demo generados", show_header=False)
    stores = rows["stores"]
    table.add_row("Periodo", f"{summary.start_date:%d/%m/%Y} — {summary.end_date:%d/%m/%Y}")
    table.add_row("Tiendas", f"{stores - 1} + 1 almacén central")
    for label, key in (
        ("SKUs", "products"),
        ("Clientes identificados", "customers"),
        ("Ventas (comprobantes)", "sales"),
        ("Líneas de venta", "sale_lines"),
        ("Devoluciones", "returns"),
        ("Filas de kardex", "kardex"),
    ):
        table.add_row(label, f"{rows.get(key, 0):,}")
    table.add_row("Total vendido", format_pen(summary.total_sales))
    table.add_row("Unidades no vendidas por quiebre", f"{summary.lost_units:,}")
    table.add_row("Tiempo", f"{summary.elapsed_seconds:,.1f} s")
    table.add_row("Verdad plantada", str(summary.truth_path))
    return table
