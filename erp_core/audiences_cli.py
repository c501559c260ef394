"""``innovalogix export-audience``: a campaign audience from the warehouse's segments."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from erp_core.cli_support import console, core_connection
from erp_core.settings import get_settings


def export_audience_command(
    segments: Annotated[
        list[str], typer.Argument(help="Segmento(s): nombre o id, como en el panel.")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Archivo de salida: se escriben .csv y .xlsx.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Para qué campaña (queda registrado).")],
    clear: Annotated[
        bool,
        typer.Option(
            "--clear", help="Contactos en claro (solo usuarios autorizados); si no, SHA-256."
        ),
    ] = False,
    snapshot: Annotated[
        Path | None,
        typer.Option(help="Snapshot publicado del almacén (por defecto el de INNOVALOGIX_HOME)."),
    ] = None,
) -> None:
    """Exports the consenting customers of the segments, recorded in the core's access log."""
    from erp_core.audiences import export_audience, read_members, write_audience
    from erp_core.keys_cli import configured_vault
    from erp_core.services.errors import InvalidInput

    settings = get_settings()
    snapshot = snapshot or settings.snapshot_path
    if not snapshot.exists():
        console.print(
            f"[red]No hay snapshot del almacén en {escape(str(snapshot))}:[/red] "
            "ejecute `innovalogix pipeline run`"
        )
        raise typer.Exit(code=1)
    vault = configured_vault()
    try:
        members = read_members(snapshot, segments)
        with core_connection() as conn:
            export = export_audience(
                conn,
                vault,
                members,
                segments=segments,
                requested_by=getpass.getuser(),
                reason=reason,
                clear=clear,
                clear_allowed=settings.clear_export_users,
            )
    except InvalidInput as bad:
        console.print(f"[red]{escape(bad.field)} «{escape(str(bad.value))}»: {escape(bad.reason)}")
        raise typer.Exit(code=1) from None
    written = write_audience(export, out)
    kind = "en claro" if clear else "con hash SHA-256"
    console.print(
        f"Exportación #{export.export_id}: {len(export.rows):,} clientes con consentimiento "
        f"vigente ({kind}) de {export.members:,} en los segmentos; {export.excluded:,} excluidos."
    )
    for path in written:
        console.print(f"  {path}")
