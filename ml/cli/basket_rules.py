"""``innovalogix basket-rules``: frequently-bought-together rules from any baskets file.

Registered as an ``innovalogix.cli`` plugin; pandas and scipy load inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def basket_rules(
    baskets: Annotated[
        Path, typer.Argument(help="CSV o Parquet con las columnas basket_id, item.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Archivo de reglas (.csv o .parquet).")],
    min_support: Annotated[
        float, typer.Option("--min-support", min=0.0, max=1.0, help="Soporte mínimo del par.")
    ] = 0.001,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Confianza mínima.")
    ] = 0.1,
    min_lift: Annotated[float, typer.Option("--min-lift", min=0.0, help="Lift mínimo.")] = 1.5,
    min_baskets: Annotated[
        int, typer.Option("--min-baskets", min=1, help="Canastas mínimas con el par.")
    ] = 5,
) -> None:
    """Reglas de asociación entre productos (soporte, confianza, lift): qué se compra junto;
    muestra los complementos principales de cada producto."""
    from rich.console import Console
    from rich.table import Table

    from ml.recommendations.rules import association_rules
    from ml.table_files import InputFileError, read_table, write_table

    console, errors = Console(), Console(stderr=True)
    try:
        frame = read_table(baskets, ("basket_id", "item"))
        frame = frame.assign(item=frame["item"].astype(str).str.strip())
        rules = association_rules(
            frame,
            min_support=min_support,
            min_confidence=min_confidence,
            min_lift=min_lift,
            min_baskets=min_baskets,
        )
        write_table(rules, out)
    except (InputFileError, ValueError) as exc:
        errors.print(f"[red]Error:[/red] {exc}", soft_wrap=True, highlight=False)
        raise typer.Exit(1) from None
    n_baskets = frame["basket_id"].nunique()
    console.print(
        f"{n_baskets:,} canastas, {frame['item'].nunique():,} productos: {len(rules):,} reglas "
        f"(soporte ≥ {min_support:g}, confianza ≥ {min_confidence:g}, lift ≥ {min_lift:g}).",
        highlight=False,
    )
    console.print(f"Escrito: {out}", highlight=False)
    if rules.empty:
        return
    table = Table(title="Reglas con más lift")
    table.add_column("Si compra")
    table.add_column("también compra")
    for column in ("Soporte", "Confianza", "Lift"):
        table.add_column(column, justify="right")
    for row in rules.head(15).itertuples():
        table.add_row(
            str(row.antecedent),
            str(row.consequent),
            f"{100 * row.support:.2f} %",
            f"{100 * row.confidence:.1f} %",
            f"{row.lift:.2f}",
        )
    console.print(table)
