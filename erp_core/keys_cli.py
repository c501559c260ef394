"""``innovalogix keys``: rotate the PII encryption key and re-encrypt customers with it."""

from __future__ import annotations

import psycopg
import typer
from rich.console import Console

from erp_core import db
from erp_core.cli_support import configured_vault, require_schema
from erp_core.pii import PiiVault
from erp_core.services.customers import reencrypt_all

app = typer.Typer(help="Claves de los datos personales (Ley 29733).", no_args_is_help=True)
console = Console()


@app.command(help="Crea una nueva versión de clave, la hace actual y recifra a todos los clientes.")
def rotate() -> None:
    """Add a new encryption key version, make it current and re-encrypt every customer."""
    vault = configured_vault()
    with db.connect() as conn:  # an unreachable database must not leave a new key behind
        require_schema(conn)  # nor one without customers to move to it
        version = vault.rotate()
        console.print(
            f"Clave de cifrado de datos personales rotada: versión actual [bold]{version}[/bold]"
        )
        _reencrypt(conn, vault)


@app.command(help="Recifra los clientes que siguen con una versión anterior de la clave.")
def reencrypt() -> None:
    """Re-encrypt customers still on an older key version (e.g. after an interrupted rotate)."""
    vault = configured_vault()
    with db.connect() as conn:
        require_schema(conn)
        _reencrypt(conn, vault)


def _reencrypt(conn: psycopg.Connection, vault: PiiVault) -> None:
    count = reencrypt_all(conn, vault)
    console.print(
        f"Clientes recifrados: [bold]{count}[/bold] (versión de clave {vault.current_version})"
    )
