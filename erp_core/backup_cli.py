"""``innovalogix backup`` and ``innovalogix restore``: the core's copy and its proven return."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from erp_core import backup as backups
from erp_core import db
from erp_core.cli_support import console, err_console


def backup_command(
    out: Annotated[
        Path, typer.Option("--out", help="Carpeta nueva (o vacía) donde dejar la copia.")
    ],
) -> None:
    """Write a consistent backup of the core (pg_dump on one snapshot) and its manifest."""
    try:
        manifest = backups.backup(out)
    except backups.BackupError as exc:
        err_console.print(f"[red]No se hizo la copia:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(code=1) from None
    rows = sum(t["rows"] for t in manifest["tables"].values())
    versions = ", ".join(str(v) for v in manifest["pii"]["encryption_key_versions"]) or "ninguna"
    console.print(
        f"Copia en [bold]{escape(str(out))}[/bold]: {len(manifest['tables'])} tablas, "
        f"{rows:,} filas, revisión {manifest['migration_revision']}.\n"
        f"Claves PII que necesita (no van en la copia): versiones {versions}, más las claves "
        "de índice ciego y de seudónimos. Guárdelas aparte.",
        soft_wrap=True,
    )


def restore_command(
    backup_dir: Annotated[Path, typer.Argument(help="La carpeta que escribió innovalogix backup.")],
    create: Annotated[
        str | None,
        typer.Option(
            "--create", help="Crea esta base de datos vacía en el servidor y restaura en ella."
        ),
    ] = None,
) -> None:
    """Restore a backup into an empty database and check every table against its manifest."""
    url = db.database_url()
    try:
        if create:
            url = _create_database(url, create)
        report = backups.restore(backup_dir, url)
    except backups.BackupError as exc:
        err_console.print(f"[red]No se restauró:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(code=1) from None
    if not report.verified:
        err_console.print(
            f"[red]Restaurada en {escape(report.target)}, pero no coincide con el manifiesto:"
            "[/red]\n" + "\n".join(f"  - {escape(m)}" for m in report.mismatches),
            soft_wrap=True,
        )
        raise typer.Exit(code=1)
    console.print(
        f"Restaurada en [bold]{escape(report.target)}[/bold]: {report.tables} tablas, "
        f"{report.rows:,} filas, todas iguales al manifiesto (revisión {report.revision}).",
        soft_wrap=True,
    )
    if report.missing_key_versions:
        versions = ", ".join(str(v) for v in report.missing_key_versions)
        console.print(
            f"[yellow]Atención:[/yellow] las claves PII de aquí no abren las versiones "
            f"{versions} ({escape(report.key_problem or '')}): los datos personales de la copia "
            "no se podrán leer hasta traer las claves que los cifraron.",
            soft_wrap=True,
        )
    elif report.key_versions:
        console.print("Claves PII: las de aquí abren la copia restaurada.")


def _create_database(server: str, name: str) -> str:
    import psycopg

    with db.connect(server, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if exists:
            raise backups.BackupError(f"La base de datos {name} ya existe: elija otro nombre.")
        conn.execute(psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(name)))
    return db.with_database(server, name)
