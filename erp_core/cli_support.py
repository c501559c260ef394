"""What every ``innovalogix`` command shares: the root group's error handling, a connection to a
migrated core, and the date format people type (dd/mm/aaaa). Typer's own words are made Spanish
by ``cli_spanish``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from erp_core import cli_spanish, db, reports
from erp_core.pii import KEY_BYTES, PiiVault
from erp_core.services.errors import NotFound
from erp_core.settings import get_settings

cli_spanish.install()  # every command module imports this one: Typer speaks Spanish in all

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DATE_METAVAR = "DD/MM/AAAA"

NO_SCHEMA = (
    "[red]La base de datos no tiene el esquema de InnovaLogix al día:[/red] "
    "ejecute `innovalogix db upgrade`"
)
# what Postgres says to a command run on a database the migrations have not (all) run on
SCHEMA_MISSING = (
    psycopg.errors.UndefinedTable, psycopg.errors.UndefinedFunction, psycopg.errors.UndefinedColumn,
)  # fmt: skip

console = Console(width=120)
err_console = Console(stderr=True)
T = TypeVar("T")


class RootGroup(TyperGroup):
    """The ``innovalogix`` group: an error any command can meet is told here, once."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except db.DatabaseUrlInvalid as exc:
            err_console.print(
                "[red]DATABASE_URL no es una dirección de PostgreSQL válida[/red] (p. ej. "
                "postgresql://usuario@servidor:5432/base).\n"
                f"Detalle: {escape(exc.detail)}",
                soft_wrap=True,
            )
            raise typer.Exit(code=1) from None
        except SCHEMA_MISSING:
            err_console.print(NO_SCHEMA, soft_wrap=True)
            raise typer.Exit(code=1) from None
        except db.DatabaseUnavailableError as exc:
            err_console.print(
                f"[red]No se pudo conectar a la base de datos[/red] en {escape(exc.server)}: "
                "revise DATABASE_URL y que el servidor PostgreSQL esté en marcha.\n"
                f"Detalle: {escape(exc.detail)}",
                soft_wrap=True,
            )
            raise typer.Exit(code=1) from None


def parse_date(text: str) -> dt.date:
    """A date as shown in Peru, ``dd/mm/aaaa``, or ISO ``aaaa-mm-dd``; a Typer ``parser``."""
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise typer.BadParameter(f"«{text}» no es una fecha válida: use dd/mm/aaaa (o aaaa-mm-dd)")


@contextmanager
def core_connection() -> Iterator[psycopg.Connection]:
    """A connection to a core that has its schema; else the fix, and exit 1."""
    with db.connect() as conn:
        if not reports.has_schema(conn):
            console.print(NO_SCHEMA)
            raise typer.Exit(code=1)
        yield conn


def found(read: Callable[[], T]) -> T:
    """``read()``, or the unknown store or SKU named, and exit 1."""
    try:
        return read()
    except NotFound as missing:
        what = {"store": "No existe la tienda", "product": "No existe el SKU"}[missing.entity]
        console.print(f"[red]{what} {escape(str(missing.key))}[/red]")
        raise typer.Exit(code=1) from None


def configured_vault() -> PiiVault:
    """The configured PII vault; a malformed key is one Spanish line and exit 1 (never the key
    itself: it is a secret)."""
    try:
        return PiiVault.from_settings()
    except ValueError:
        settings = get_settings()
        if settings.pii_key:
            problem = f"INNOVALOGIX_PII_KEY debe ser base64 de exactamente {KEY_BYTES} bytes"
        else:
            problem = f"el llavero de desarrollo en {settings.keys_dir} está dañado"
        said = f"[red]Clave de cifrado inválida:[/red] {escape(problem)}"
        err_console.print(said, soft_wrap=True)
        raise typer.Exit(code=1) from None


def require_schema(conn: psycopg.Connection) -> None:
    """Exit 1 with the fix unless the migrations ran on ``conn``'s database."""
    if not reports.has_schema(conn):
        err_console.print(NO_SCHEMA, soft_wrap=True)
        raise typer.Exit(code=1)
