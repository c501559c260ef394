"""``innovalogix restock``: tonight's plan for a buyer at the terminal, as an Excel worklist."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from erp_core.settings import get_settings


def restock(
    out: Annotated[Path, typer.Option("--out", help="Libro Excel a escribir (.xlsx).")],
    store: Annotated[
        str | None, typer.Option("--store", help="Solo esta tienda (código o nombre).")
    ] = None,
    supplier: Annotated[
        str | None, typer.Option("--supplier", help="Solo este proveedor (nombre, parte o id).")
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="Solo esta categoría.")] = None,
    snapshot: Annotated[
        Path | None,
        typer.Option(help="Snapshot publicado del almacén (por defecto el de INNOVALOGIX_HOME)."),
    ] = None,
) -> None:
    """Qué pedir, qué se agota antes de su entrega, qué trasladar y dónde sobra, en un Excel."""
    from rich.markup import escape
    from rich.table import Table

    from erp_core.cli_support import console
    from ml.inventory.text import day, soles, units
    from pipelines.delivery.purchase_orders import order_lines
    from pipelines.delivery.summary import overstock, running_out, write_summary
    from pipelines.delivery.worklist import NotInPlan, narrow, read_published_plan

    snapshot = snapshot or get_settings().snapshot_path
    if out.suffix.lower() != ".xlsx":
        console.print(f"[red]--out «{escape(str(out))}»: debe ser un archivo .xlsx[/red]")
        raise typer.Exit(code=1)
    if not snapshot.exists():
        console.print(
            f"[red]No hay snapshot del almacén en {escape(str(snapshot))}:[/red] "
            "ejecute `innovalogix pipeline run`"
        )
        raise typer.Exit(code=1)
    try:
        plan = narrow(read_published_plan(snapshot), store, supplier, category)
    except NotInPlan as problem:
        console.print(f"[red]{escape(str(problem))}[/red]")
        raise typer.Exit(code=1) from None
    recs, moves = plan.recommendations, plan.transfers
    write_summary(recs, moves, [], plan.as_of, out, with_lines=True)

    lines = order_lines(recs)
    out_soon = running_out(recs)
    idle = overstock(recs)
    console.print(f"Plan de reposición al {day(plan.as_of)}")
    console.print(
        f"  Pedir: {len(lines):,} líneas a {lines['supplier_id'].nunique():,} proveedores, "
        f"{soles(float(lines['order_value_pen'].sum()))}"
    )
    console.print(f"  Se agotan antes de su próxima entrega: {len(out_soon):,}")
    console.print(f"  Traslados: {len(moves):,}")
    console.print(f"  Capital en sobrestock: {soles(float(idle['overstock_value_pen'].sum()))}")
    if len(lines):
        table = Table("Prioridad", "Tienda", "SKU", "Producto", "Proveedor", "Pedir", "Importe")
        for row in lines.sort_values("priority_rank").head(10).itertuples(index=False):
            table.add_row(
                str(row.priority_rank),
                escape(str(row.store_code)),
                escape(str(row.sku)),
                escape(str(row.product_name)),
                escape(str(row.supplier_name)),
                units(row.order_qty),
                soles(row.order_value_pen),
            )
        console.print(table)
    console.print(f"Escrito: {escape(str(out))}")
