"""Print an import report for a person: every rejected line, then what was loaded."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from erp_core.domain.money import format_pen
from erp_core.importer.report import ImportReport


def print_report(console: Console, report: ImportReport, reject_file: Path | None) -> None:
    rejections = report.sorted_rejections()
    if rejections:
        console.print(f"[bold red]Filas rechazadas ({len(report.rejected_lines)}):[/bold red]")
    for r in rejections:
        console.print(f"  línea {r.line}  {escape(r.message())}", soft_wrap=True)
    table = Table(title="Importación de ventas", show_header=False)
    table.add_column("", justify="left")
    table.add_column("", justify="right")
    table.add_row("Tickets importados", f"{report.imported_tickets:,}")
    table.add_row("Líneas importadas", f"{report.imported_lines:,}")
    table.add_row("Tickets ya importados (omitidos)", f"{report.already_imported_tickets:,}")
    table.add_row("Filas rechazadas", f"{len(report.rejected_lines):,}")
    table.add_row("Total", format_pen(report.total_amount))
    if report.created_stores:
        table.add_row("Tiendas creadas", ", ".join(report.created_stores))
    if report.created_skus:
        table.add_row("SKUs creados", f"{len(report.created_skus):,}")
    if report.opening_balances:
        table.add_row("Tiendas con saldo inicial (kardex 16)", f"{report.opening_balances:,}")
    console.print(table)
    if not report.committed:
        console.print(
            "[bold red]Nada se importó[/bold red]: corrija las filas rechazadas "
            "o use --reject-file para cargar las buenas y apartar las malas."
        )
    elif reject_file is not None and rejections:
        console.print(f"Filas rechazadas escritas en {escape(str(reject_file))}", soft_wrap=True)
