"""The ``innovalogix`` command line.

Other packages add command groups through the ``innovalogix.cli`` entry-point group (the
pipeline registers ``innovalogix pipeline``), so the core never imports them.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import typer
from rich.console import Console
from rich.table import Table

from erp_core import db, reports
from erp_core.cli_support import RootGroup
from erp_core.domain.money import format_pen, format_qty

app = typer.Typer(
    cls=RootGroup,
    add_completion=False,  # its options' help is English, in Typer's code
    help="InnovaLogix Analytics: núcleo del ERP, cadena de demostración y pipeline.",
    no_args_is_help=True,
)
db_app = typer.Typer(help="La base de datos transaccional.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console(width=120)
SUMMARY_LABELS = {
    "stores": "Tiendas",
    "products": "SKUs",
    "customers": "Clientes",
    "sales": "Ventas",
    "sale_lines": "Líneas de venta",
    "returns": "Devoluciones",
    "goods_receipts": "Ingresos de mercadería",
    "transfers": "Transferencias",
    "kardex": "Filas de kardex",
}


@db_app.command("upgrade", help="Aplica las migraciones y crea las particiones mensuales.")
def db_upgrade() -> None:
    """Apply the migrations and create the monthly partitions ahead."""
    from erp_core import migrate  # alembic and SQLAlchemy are slow to import: only here

    migrate.upgrade(db.database_url())
    console.print("[green]Base de datos actualizada[/green] (migraciones y particiones)")


@app.command("stock", help="Stock actual y su valor (costo promedio ponderado) por tienda.")
def stock(
    summary: bool = typer.Option(False, help="Muestra también cuántas filas tiene el núcleo."),
) -> None:
    """Current stock and its value (weighted-average cost) by store."""
    with db.connect() as conn:
        if not reports.has_schema(conn):
            console.print(
                "[red]La base de datos no tiene el esquema de InnovaLogix:[/red] "
                "ejecute `innovalogix db upgrade`"
            )
            raise typer.Exit(code=1)
        rows = reports.stock_by_store(conn)
        counts = reports.core_summary(conn) if summary else None
    table = Table(title="Stock por tienda (valorizado a costo promedio)")
    table.add_column("Tienda")
    table.add_column("Nombre", max_width=28)
    table.add_column("Departamento", max_width=14)
    for column in ("SKUs con stock", "Unidades", "Valor", "SKUs agotados"):
        table.add_column(column, justify="right", no_wrap=True)
    for code, name, dep, skus, units, value, out in rows:
        table.add_row(
            code, name, dep, f"{skus:,}", format_qty(units), format_pen(value), f"{out:,}"
        )
    console.print(table)
    if counts:
        console.print(
            ", ".join(f"{SUMMARY_LABELS.get(name, name)}: {n:,}" for name, n in counts.items())
        )


def _register_plugins() -> None:
    for entry in entry_points(group="innovalogix.cli"):
        app.add_typer(entry.load(), name=entry.name)


def _register_core_commands() -> None:
    """Commands of the core's own subpackages, each in the module that owns it."""
    from erp_core.demo.cli import demo_data
    from erp_core.importer.cli import import_sales
    from erp_core.keys_cli import app as keys_app

    app.command("demo-data", help="Genera una cadena peruana de demostración con su historia.")(
        demo_data
    )
    app.command(
        "import-sales",
        help="Importa ventas históricas (CSV o Parquet, ver docs/IMPORT.md): todo o nada, "
        "salvo con --reject-file.",
    )(import_sales)
    app.add_typer(keys_app, name="keys", help="Claves de cifrado de datos personales.")


def main() -> None:
    _register_core_commands()
    _register_plugins()
    app()
