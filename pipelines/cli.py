"""``innovalogix pipeline``: run the asset graph without the UI, or start the UI."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from erp_core.paths import PROJECT_ROOT
from erp_core.settings import get_settings

# Dagster and dbt are imported inside the commands: every `innovalogix` command loads this
# module (entry-point plugin), and they take seconds to import.

DEFAULT_JOB = "materialize_all_job"
# The metadata entry of a failed check that says which rows, which check and what to do
# (pipelines.defs.quality.checks and pipelines.defs.dbt.assets write it).
EXPLANATION = "explanation"
WORKSPACE_FILE = PROJECT_ROOT / "workspace.yaml"

app = typer.Typer(
    help="El pipeline de Dagster: extrae el núcleo, construye los marts, los verifica y publica.",
    no_args_is_help=True,
)


@app.command(help="Materializa todo el grafo de assets en este proceso, con su progreso.")
def run(
    full_refresh: bool = typer.Option(
        False,
        "--full-refresh",
        help="Recarga todas las tablas completas y reconstruye los modelos incrementales.",
    ),
    job: str = typer.Option(DEFAULT_JOB, help="El job a ejecutar."),
) -> None:
    """Materialize the whole asset graph in this process, with a progress display.

    dbt's own output goes to a log file under ``$INNOVALOGIX_HOME/logs`` (named at the end).
    """
    from pipelines import dbt_project, runner

    logs = get_settings().home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"pipeline-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
    with (
        _stdout_to(log_path) as terminal,
        Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=Console(file=terminal),
            transient=False,
        ) as bar,
    ):
        task = bar.add_task("preparing dbt", total=None, status="")
        dbt_project.prepare()

        def show(p) -> None:
            checks = f"checks {p.checks_passed} ok" + (
                f", [red]{len(p.checks_failed)} failed[/red]" if p.checks_failed else ""
            )
            running = ", ".join(sorted(p.running))
            bar.update(
                task,
                description=job,
                total=p.total_assets,
                completed=len(p.materialized),
                status=f"{checks}  {running}",
            )

        result = runner.run_graph(
            job, full_refresh=full_refresh, prepare_dbt=False, on_progress=show
        )

    console = Console()
    _summary(console, result)
    console.print(f"dbt and step output: {log_path}")
    raise typer.Exit(0 if result.success else 1)


@contextlib.contextmanager
def _stdout_to(path: Path) -> Iterator[TextIO]:
    """Send file descriptor 1 (dbt's output, echoed by Dagster's log capture) to ``path``;
    yield a stream on the terminal for the progress display."""
    sys.stdout.flush()
    saved = os.dup(1)
    with path.open("w") as log:
        os.dup2(log.fileno(), 1)
    terminal = os.fdopen(os.dup(saved), "w")
    try:
        yield terminal
    finally:
        sys.stdout.flush()
        terminal.flush()
        os.dup2(saved, 1)
        os.close(saved)
        terminal.close()


def _summary(console: Console, result) -> None:
    materialized = result.get_asset_materialization_events()
    failed_checks = [e for e in result.get_asset_check_evaluations() if not e.passed]
    table = Table(title="raw extracts", show_lines=False)
    for column in ("table", "mode", "rows", "loaded", "days", "elapsed s"):
        table.add_column(column, justify="left" if column in ("table", "mode") else "right")
    for event in materialized:
        key = event.asset_key.to_user_string()
        meta = event.materialization.metadata
        if not key.startswith("raw/"):
            continue
        table.add_row(
            key,
            str(meta["mode"].value),
            str(meta["dagster/row_count"].value),
            str(meta["rows_loaded"].value),
            str(meta["days_reprocessed"].value),
            f"{meta['elapsed_s'].value:.2f}",
        )
    if table.row_count:
        console.print(table)
    status = "[green]succeeded[/green]" if result.success else "[red]FAILED[/red]"
    console.print(
        f"run {result.run_id} {status}: {len(materialized)} assets materialized"
        + (f", {len(failed_checks)} checks failed" if failed_checks else "")
    )
    for check in failed_checks:
        console.print(f"  [red]✗[/red] {check.asset_check_key.to_user_string()}")
        explanation = check.metadata.get(EXPLANATION)
        if explanation is not None:
            console.print(textwrap.indent(str(explanation.value), "    "), markup=False)
    for event in result.all_events:
        if event.is_step_failure:
            message = event.event_specific_data.error.message.strip().splitlines()[0]
            console.print(f"  [red]✗ step {event.step_key}[/red]: {message}")


@app.command(help="Prepara el manifiesto de dbt que carga la ubicación de código.")
def prepare() -> None:
    """Parse the dbt project into the manifest the code location loads (a build step)."""
    from pipelines import dbt_project

    path = dbt_project.prepare(force=True)
    typer.echo(f"dbt manifest: {path}" if path else "no dbt project in dbt_project/")


@app.command(help="Inicia la interfaz y el daemon de Dagster (dagster dev).")
def ui(
    port: int = typer.Option(3000, help="Puerto de la interfaz web."),
    host: str = typer.Option("127.0.0.1", help="Interfaz en la que escucha."),
) -> None:
    """Start the Dagster UI and daemon (``dagster dev``) on this code location."""
    from pipelines import dagster_storage

    home = dagster_storage.dagster_home()
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]),
    }
    if dagster_storage.uses_postgres(home):
        env[dagster_storage.PG_URL_ENV] = dagster_storage.default_pg_url()
    command = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-w",
        str(WORKSPACE_FILE),
        "--host",
        host,
        "--port",
        str(port),
    ]
    typer.echo(f"Dagster UI on http://{host}:{port} (DAGSTER_HOME={home})")
    raise typer.Exit(subprocess.call(command, cwd=PROJECT_ROOT, env=env))


@app.command(
    "migrate-storage",
    help="Pasa la historia de Dagster (ejecuciones, eventos, estados de schedules y sensores) "
    "de SQLite a Postgres.",
)
def migrate_storage() -> None:
    """Copy a SQLite Dagster home's runs, events and schedule states into Postgres and switch
    the home to Postgres (the SQLite files stay, unused)."""
    from pipelines import dagster_storage

    try:
        counts = dagster_storage.migrate_sqlite_home()
    except RuntimeError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"Dagster en Postgres: {counts['runs']} ejecuciones, {counts['events']:,} eventos y "
        f"{counts['states']} estados de schedules y sensores copiados desde SQLite."
    )
