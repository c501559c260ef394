"""``innovalogix forecast HISTORY --horizon N --freq D|W|M --out FILE``: forecast any
retailer's history file (CSV or Parquet, long format) with ``ml.forecasting``.

Heavy libraries are imported inside the command: every plugin module is imported when the
CLI starts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

MODEL_NAME = "demand_forecast"
SUFFIXES = (".csv", ".parquet")
MODEL_LABELS = {
    "auto": "elegido por serie",
    "global": "global (boosting)",
    "seasonal_naive": "naive estacional",
    "moving_average": "media móvil",
    "croston": "Croston",
    "tsb": "TSB",
    "adida": "ADIDA",
    "ets": "ETS",
    "theta": "Theta",
    "prophet": "Prophet",
}


class FileProblem(Exception):
    """A file the command cannot read or write; the message is for the user."""


def _read(path: Path, what: str):
    import pandas as pd

    if path.suffix.lower() not in SUFFIXES:
        raise FileProblem(f"{what} {path}: use un archivo .csv o .parquet")
    if not path.exists():
        raise FileProblem(f"no existe {what} {path}")
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, dtype={"unique_id": str})
        return pd.read_parquet(path)
    except Exception as exc:  # a malformed file: pandas and pyarrow raise many kinds
        raise FileProblem(f"no se pudo leer {what} {path}: {exc}") from None


def _write(frame, path: Path) -> None:
    """Write whole or not at all: to a hidden file beside the target, then rename."""
    if path.suffix.lower() not in SUFFIXES:
        raise FileProblem(f"salida {path}: use un archivo .csv o .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    out = frame.assign(ds=frame["ds"].dt.strftime("%Y-%m-%d"))
    if path.suffix.lower() == ".csv":
        out.to_csv(partial, index=False)
    else:
        frame.to_parquet(partial, index=False)
    os.replace(partial, path)


def _percent(value: float) -> str:
    return "—" if value != value else f"{100 * value:.1f} %"


def _backtest_table(metrics) -> Table:
    overall = metrics[metrics["level"] == "all"].set_index("model")
    base = overall.loc["seasonal_naive", "wape"]
    table = Table(title="Backtest: todas las series (mismas ventanas para cada modelo)")
    for name in ("Modelo", "WAPE", "vs naive estacional", "MASE", "Sesgo", "Cob. P10", "Cob. P90"):
        table.add_column(name, justify="left" if name == "Modelo" else "right")
    for model, row in overall.sort_values("wape").iterrows():
        table.add_row(
            MODEL_LABELS.get(model, model),
            _percent(row["wape"]),
            _percent(row["wape"] / base - 1) if base else "—",
            f"{row['mase']:.3f}",
            _percent(row["bias"]),
            _percent(row["coverage_p10"]),
            _percent(row["coverage_p90"]),
        )
    return table


def forecast(
    history: Annotated[
        Path,
        typer.Argument(help="Historia CSV o Parquet: unique_id, ds, y [, censored, regresores]."),
    ],
    horizon: Annotated[int, typer.Option(help="Periodos a pronosticar.", min=1)],
    out: Annotated[Path, typer.Option(help="Archivo de salida .csv o .parquet.")],
    freq: Annotated[
        str, typer.Option(help="Frecuencia: D (diaria), W (semanal) o M (mensual).")
    ] = "D",
    future: Annotated[
        Path | None,
        typer.Option(help="Regresores conocidos de las fechas a pronosticar (unique_id, ds, ...)."),
    ] = None,
    backtest: Annotated[
        int | None,
        typer.Option(help="Ventanas de backtest (K); muestra la tabla contra el naive estacional."),
    ] = None,
    static: Annotated[
        Path | None, typer.Option(help="Atributos de cada serie: unique_id, tienda, categoría...")
    ] = None,
    event_group: Annotated[
        str | None,
        typer.Option(
            help="Columna de los atributos cuyas series comparten el efecto de las campañas "
            "(p. ej. categoría); sin ella, todas las series lo comparten."
        ),
    ] = None,
    gaps_as_zero: Annotated[
        bool, typer.Option(help="Las fechas que faltan en una serie son demanda 0 (no faltantes).")
    ] = False,
    registry: Annotated[Path, typer.Option(help="Carpeta del registro de modelos.")] = Path(
        "models"
    ),
    models: Annotated[
        str,
        typer.Option(help="Modelos candidatos separados por comas, o auto (según el tamaño)."),
    ] = "auto",
    seed: Annotated[int, typer.Option(help="Semilla (mismo resultado con la misma semilla).")] = 0,
) -> None:
    """Pronostica P10/P50/P90 por serie (docs/FORECASTING.md); modelos elegidos por backtest."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ml.forecasting import ForecastInputError
    from ml.forecasting import forecast as run_forecast
    from ml.registry import save_model

    console = Console(width=120)
    candidates = "auto" if models == "auto" else tuple(m.strip() for m in models.split(","))
    unknown = [m for m in candidates if m not in MODEL_LABELS or m == "auto"]
    if candidates != "auto" and unknown:
        known = ", ".join(m for m in MODEL_LABELS if m != "auto")
        raise typer.BadParameter(f"modelo «{unknown[0]}» desconocido: use {known}",
                                 param_hint="--models")  # fmt: skip
    if freq.upper() not in ("D", "W", "M"):
        raise typer.BadParameter(f"«{freq}» no es D, W ni M", param_hint="--freq")
    try:
        frame = _read(history, "la historia")
        future_frame = _read(future, "el futuro") if future else None
        static_frame = _read(static, "los atributos") if static else None
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("Pronosticando", total=None)
            result = run_forecast(
                frame, horizon, freq.upper(), future_frame,
                static=static_frame,
                event_group=event_group,
                windows=backtest or 2,
                models=candidates,
                gaps="zero" if gaps_as_zero else "missing",
                seed=seed,
                progress=lambda step: progress.update(task, description=f"Pronosticando: {step}"),
            )  # fmt: skip
        saved = save_model(registry, MODEL_NAME, result.model, result.card)
        _write(result.forecasts.assign(model_version=saved.version), out)
    except (ForecastInputError, FileProblem) as exc:
        console.print(f"[bold red]No se puede pronosticar:[/bold red] {escape(str(exc))}",
                      soft_wrap=True)  # fmt: skip
        raise typer.Exit(1) from None
    if backtest:
        console.print(_backtest_table(result.backtest.metrics))
    chosen = ", ".join(
        f"{MODEL_LABELS.get(k, k)}: {v:,}" for k, v in result.card["models_chosen"].items()
    )
    console.print(
        f"[green]{len(result.forecasts):,} pronósticos[/green] de {result.card['series']:,} "
        f"series escritos en {escape(str(out))} (modelo {MODEL_NAME} versión {saved.version}).\n"
        f"Modelos elegidos: {chosen}",
        soft_wrap=True,
    )
