"""The ``innovalogix`` command line.

Other packages add command groups through the ``innovalogix.cli`` entry-point group (the
pipeline registers ``innovalogix pipeline``), so the core never imports them.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import typer
from rich.table import Table

from erp_core import db, reports
from erp_core.cli_support import RootGroup, console, core_connection, found
from erp_core.domain.money import format_pen, format_qty, format_unit_cost
from erp_core.kardex_cli import kardex
from erp_core.timeutil import format_moment

app = typer.Typer(
    cls=RootGroup,
    add_completion=False,  # its options' help is English, in Typer's code
    help="InnovaLogix Analytics: núcleo del ERP, cadena de demostración y pipeline.",
    no_args_is_help=True,
)
db_app = typer.Typer(help="La base de datos transaccional.", no_args_is_help=True)
app.add_typer(db_app, name="db")
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


@app.command(
    "stock",
    help="Stock actual y su valor (costo promedio ponderado) por tienda; con --store, por "
    "producto de esa tienda; con --sku, de ese producto en cada tienda.",
)
def stock(
    summary: bool = typer.Option(False, help="Muestra también cuántas filas tiene el núcleo."),
    store: str | None = typer.Option(
        None, help="Código de tienda: su stock por producto, el de más valor primero."
    ),
    sku: str | None = typer.Option(None, help="SKU: su stock en cada tienda."),
    limit: int = typer.Option(50, min=1, help="Con --store, cuántos productos se muestran."),
) -> None:
    """Current stock and its value (weighted-average cost) by store, or by product."""
    if store is not None and sku is not None:
        raise typer.BadParameter("use --store o --sku, no ambos", param_hint="--sku")
    with core_connection() as conn:
        if store is not None:
            rows, total = found(lambda: reports.store_stock(conn, store, limit))
            table = _balances_table(f"Stock de la tienda {store} por producto", "SKU", rows)
            console.print(table)
            console.print(f"{len(rows):,} de {total:,} productos con saldo en la tienda")
            return
        if sku is not None:
            rows = found(lambda: reports.product_stock(conn, sku))
            console.print(_balances_table(f"Stock de {sku} por tienda", "Tienda", rows))
            return
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


app.command(
    "kardex",
    help="Kardex valorizado (formato 13.1) de un producto en una tienda: sus últimos "
    "movimientos, o los de un mes con su saldo anterior.",
)(kardex)


def _balances_table(title: str, first: str, rows: list[tuple]) -> Table:
    """Balances as a table: who (SKU or store), name, units, average cost, value, last move."""
    table = Table(title=title)
    table.add_column(first, no_wrap=True)
    table.add_column("Nombre", max_width=36)
    for column in ("Unidades", "Costo promedio", "Valor", "Último movimiento"):
        table.add_column(column, justify="right", no_wrap=True)
    for code, name, quantity, unit_cost, value, last_at in rows:
        table.add_row(
            code, name, format_qty(quantity), f"S/ {format_unit_cost(unit_cost)}",
            format_pen(value),
            format_moment(last_at) if last_at else "",
        )  # fmt: skip
    return table


def _register_plugins() -> None:
    """A plugin is a command group (a ``typer.Typer``) or a single command (a function).

    Plugins import their heavy libraries inside their commands: every one is loaded at start-up.
    """
    for entry in entry_points(group="innovalogix.cli"):
        plugin = entry.load()
        if isinstance(plugin, typer.Typer):
            app.add_typer(plugin, name=entry.name)
        else:
            app.command(entry.name, help=plugin.__doc__)(plugin)


def _register_core_commands() -> None:
    """Commands of the core's own subpackages, each in the module that owns it."""
    from erp_core.audiences_cli import export_audience_command
    from erp_core.backup_cli import backup_command, restore_command
    from erp_core.demo.cli import demo_data
    from erp_core.importer.cli import import_sales
    from erp_core.keys_cli import app as keys_app
    from erp_core.period_cli import app as period_app

    app.command("demo-data", help="Genera una cadena peruana de demostración con su historia.")(
        demo_data
    )
    app.command(
        "import-sales",
        help="Importa ventas históricas (CSV o Parquet, ver docs/IMPORT.md): todo o nada, "
        "salvo con --reject-file.",
    )(import_sales)
    app.add_typer(keys_app, name="keys", help="Claves de cifrado de datos personales.")
    app.add_typer(period_app, name="period", help="Periodos mensuales: cierre y reapertura.")
    app.command(
        "backup", help="Copia consistente del núcleo (pg_dump) con su manifiesto verificable."
    )(backup_command)
    app.command("restore", help="Restaura una copia en una base de datos vacía y la verifica.")(
        restore_command
    )
    app.command(
        "export-audience",
        help="Exporta la audiencia de campaña de uno o más segmentos (CSV y Excel): solo clientes "
        "con consentimiento vigente, contactos con hash SHA-256 o, si está autorizado, en claro.",
    )(export_audience_command)


def main() -> None:
    _register_core_commands()
    _register_plugins()
    app()
