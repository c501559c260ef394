"""``innovalogix keys``: rotate the PII encryption key and re-encrypt customers with it."""

from __future__ import annotations

import typer
from rich.console import Console

from erp_core import db
from erp_core.pii import PiiVault
from erp_core.services.customers import reencrypt_all

app = typer.Typer(help="Personal data keys (Ley 29733).", no_args_is_help=True)
console = Console()


@app.command()
def rotate() -> None:
    """Add a new encryption key version, make it current and re-encrypt every customer."""
    vault = PiiVault.from_settings()
    version = vault.rotate()
    console.print(f"PII encryption key rotated: current version [bold]{version}[/bold]")
    _reencrypt(vault)


@app.command()
def reencrypt() -> None:
    """Re-encrypt customers still on an older key version (e.g. after an interrupted rotate)."""
    _reencrypt(PiiVault.from_settings())


def _reencrypt(vault: PiiVault) -> None:
    with db.connect() as conn:
        count = reencrypt_all(conn, vault)
    console.print(
        f"Re-encrypted [bold]{count}[/bold] customers to key version {vault.current_version}"
    )
