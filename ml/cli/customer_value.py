"""``innovalogix customer-value``: customer value from any retailer's transactions file.

Registered as an ``innovalogix.cli`` plugin; pandas, scipy and the models load inside the
command, not when the CLI starts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def _date(text: str) -> dt.date:
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise typer.BadParameter(f"«{text}» no es una fecha válida: use aaaa-mm-dd o dd/mm/aaaa")


def customer_value(
    transactions: Annotated[
        Path, typer.Argument(help="CSV o Parquet con las columnas customer_id, ds, amount.")
    ],
    calibration_end: Annotated[
        str,
        typer.Option(
            "--calibration-end", help="Último día de la calibración (aaaa-mm-dd o dd/mm/aaaa)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Archivo de salida (.csv o .parquet).")],
    horizon_days: Annotated[
        int, typer.Option("--horizon-days", min=1, help="Días a proyectar.")
    ] = 90,
    holdout: Annotated[
        bool,
        typer.Option(
            "--holdout",
            help="Valida también contra lo que los clientes compraron después de la "
            "calibración, frente a la tasa ingenua.",
        ),
    ] = False,
) -> None:
    """Valor de cada cliente (BG/NBD + Gamma-Gamma): probabilidad de seguir activo, compras y
    gasto esperados en los próximos días; con --holdout, la validación temporal frente a la
    tasa ingenua."""
    from rich.console import Console

    from ml.customer_value.model import fit_customer_value_model, validate_customer_value
    from ml.table_files import InputFileError, parse_dates, parse_numbers, read_table, write_table

    console, errors = Console(), Console(stderr=True)
    end = _date(calibration_end)
    try:
        raw = read_table(transactions, ("customer_id", "ds", "amount"))
        frame = raw.assign(
            ds=parse_dates(raw, "ds", transactions.name),
            amount=parse_numbers(raw, "amount", transactions.name),
        )
        model, summary = fit_customer_value_model(frame, end)
        value = model.score(summary, horizon_days)
        validation = validate_customer_value(frame, end, horizon_days) if holdout else None
        write_table(value, out)
    except (InputFileError, ValueError) as exc:
        errors.print(f"[red]Error:[/red] {exc}", soft_wrap=True, markup=True, highlight=False)
        raise typer.Exit(1) from None
    console.print(
        f"{len(value):,} clientes calibrados hasta el {end:%d/%m/%Y}; en {horizon_days} días: "
        f"{value['expected_purchases'].sum():,.1f} compras y "
        f"{value['expected_spend'].sum():,.2f} de gasto esperados (moneda del archivo); "
        f"{(value['p_alive'] < 0.5).sum():,} clientes probablemente inactivos (p_alive < 0.5).",
        highlight=False,
    )
    console.print(f"Escrito: {out}", highlight=False)
    if validation is not None:
        _print_validation(console, validation, frame)


def _print_validation(console, validation, frame) -> None:
    from rich.table import Table

    labels = {
        "modelo": "BG/NBD + Gamma-Gamma",
        "ingenuo": "Tasa ingenua (compras / días desde la primera)",
        "repeticion": "Tasa de recompra (recompras / días desde la primera)",
        "periodo": "Tasa del periodo (compras / días de calibración)",
    }
    last = frame["ds"].max()
    covered = min(validation.horizon_days, (last - validation.calibration_end).days)
    table = Table(
        title=f"Validación temporal: {validation.per_customer.shape[0]:,} clientes, "
        f"{covered} días de holdout desde el {validation.calibration_end:%d/%m/%Y}"
    )
    table.add_column("Pronóstico")
    for column in ("MAE compras", "RMSE compras", "MAE gasto", "Sesgo total compras"):
        table.add_column(column, justify="right")
    for name, row in validation.metrics.iterrows():
        table.add_row(
            labels.get(name, name),
            f"{row['mae_purchases']:.3f}",
            f"{row['rmse_purchases']:.3f}",
            f"{row['mae_spend']:,.2f}",
            f"{100 * row['total_purchases_bias']:+.1f} %",
        )
    console.print(table)
    improvement = validation.improvement()
    verdict = "menor" if improvement > 0 else "mayor"
    console.print(
        f"MAE de compras del modelo: {100 * abs(improvement):.1f} % {verdict} que el de la "
        "tasa ingenua.",
        highlight=False,
    )
    if covered < validation.horizon_days:
        console.print(
            f"[yellow]Aviso:[/yellow] los datos terminan el {last:%d/%m/%Y}: el holdout cubre "
            f"{covered} de {validation.horizon_days} días.",
            highlight=False,
        )
