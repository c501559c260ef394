"""``innovalogix import-sales FILE``: load another system's sales history into the core."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from erp_core import cli_spanish, db
from erp_core.cli_support import configured_vault, require_schema
from erp_core.domain.documents import is_valid_ruc
from erp_core.importer.render import print_report
from erp_core.importer.run import ImportOptions, import_sales_file
from erp_core.importer.source import SourceError, read_source

SUPPLIER_OPTION = "--supplier-ruc"

cli_spanish.install()  # usage errors in Spanish, also where this command runs alone


def import_sales(
    file: Annotated[
        Path, typer.Argument(help="Archivo CSV o Parquet, una línea de venta por fila.")
    ],
    create_missing: Annotated[
        bool, typer.Option(help="Crea las tiendas y SKUs desconocidos como 'Importado'.")
    ] = False,
    supplier_ruc: Annotated[
        str | None, typer.Option(help="Proveedor de los SKUs creados (necesario para crearlos).")
    ] = None,
    opening_stock: Annotated[
        bool,
        typer.Option(help="Registra antes un saldo inicial de las unidades vendidas, a unit_cost."),
    ] = False,
    reject_file: Annotated[
        Path | None,
        typer.Option(help="Carga los tickets buenos; escribe las filas malas en este CSV."),
    ] = None,
) -> None:
    """Import historical sales (see docs/IMPORT.md); all or nothing unless --reject-file."""
    if supplier_ruc is not None and not create_missing:
        raise typer.BadParameter("solo se usa con --create-missing", param_hint=SUPPLIER_OPTION)
    if supplier_ruc is not None and not is_valid_ruc(supplier_ruc):
        raise typer.BadParameter(
            f"«{supplier_ruc}» no es un RUC válido", param_hint=SUPPLIER_OPTION
        )
    console = Console()
    options = ImportOptions(create_missing, supplier_ruc, opening_stock, reject_file)
    try:
        read_source(file)  # a file that cannot be read is told before any database is asked
        with db.connect(autocommit=True) as conn:
            require_schema(conn)
            with Progress(console=console) as progress:
                report = import_sales_file(
                    conn, file, options, make_vault=configured_vault,
                    track=lambda tickets: progress.track(tickets, description="Importando ventas"),
                )  # fmt: skip
    except SourceError as exc:
        console.print(f"[bold red]No se puede importar:[/bold red] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    print_report(console, report, reject_file)
    if not report.committed:
        raise typer.Exit(1)
