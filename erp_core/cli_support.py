"""What every ``innovalogix`` command shares: the root group's error handling, Spanish usage
errors and the date format people type (dd/mm/aaaa)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from erp_core import db

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DATE_METAVAR = "DD/MM/AAAA"

err_console = Console(stderr=True)


class RootGroup(TyperGroup):
    """The ``innovalogix`` group: an error any command can meet is told here, once."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except db.DatabaseUnavailableError as exc:
            err_console.print(
                f"[red]No se pudo conectar a la base de datos[/red] en {escape(exc.server)}: "
                "revise DATABASE_URL y que el servidor PostgreSQL esté en marcha.\n"
                f"Detalle: {escape(exc.detail)}",
                soft_wrap=True,
            )
            raise typer.Exit(code=1) from None


class BadValue(typer.BadParameter):
    """A usage error about one option's value, framed in Spanish (Typer frames it in English)."""

    def format_message(self) -> str:
        hint = self.param_hint or (self.param.get_error_hint() if self.param else None)
        if hint is None:
            return f"Valor inválido: {self.message}"
        if not isinstance(hint, str):
            hint = " / ".join(repr(h) for h in hint)
        return f"Valor inválido para {hint}: {self.message}"


def parse_date(text: str) -> dt.date:
    """A date as shown in Peru, ``dd/mm/aaaa``, or ISO ``aaaa-mm-dd``; a Typer ``parser``."""
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise BadValue(f"«{text}» no es una fecha válida: use dd/mm/aaaa (o aaaa-mm-dd)")
