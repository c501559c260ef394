"""Typer's own words around our help (Options, Commands, Usage, "Show this message and exit",
defaults, "Try ... for help") in Spanish, so that the CLI's frame speaks es-PE like its help.

Typer (0.29, with its own copy of Click) takes some of these texts through gettext, binding ``_``
in ``typer.core`` and copying others into ``typer.rich_utils`` constants at import, and writes the
usage prefix, the help option's text and the usage errors ("No such option: --x") as literals;
it ships no Spanish. ``install()`` puts Spanish in those places; a usage error is translated
where Typer prints it, from the shapes below (one it does not know stays English).
"""

from __future__ import annotations

import re

from typer import core, rich_utils
from typer._click import decorators, formatting

SPANISH = {
    "Options": "Opciones",
    "Arguments": "Argumentos",
    "Commands": "Comandos",
    "default: {default}": "por defecto: {default}",
    "[default: {}]": "[por defecto: {}]",
    "env var: {var}": "variable de entorno: {var}",
    "[env var: {}]": "[variable de entorno: {}]",
    "required": "obligatorio",
    "[required]": "[obligatorio]",
    "(deprecated) ": "(obsoleto) ",
    "(dynamic)": "(dinámico)",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Pruebe [blue]'{command_path} {help_option}'[/] para ver la ayuda."
    ),
    "Missing command.": "Falta el comando.",
    "No such command {name!r}.": "No existe el comando {name!r}.",
    "Aborted!": "¡Cancelado!",
    "Aborted.": "Cancelado.",
}
USAGE = "Uso: "
HELP_OPTION = "Muestra esta ayuda y termina."

# Usage errors as Typer's Click words them, in the order they are tried.
ERRORS = (
    (r"^No such option: ", "No existe la opción: "),
    (r"\(Possible options: ", "(opciones posibles: "),
    (r"^Missing argument ", "Falta el argumento "),
    (r"^Missing option ", "Falta la opción "),
    (r"^Missing parameter", "Falta el parámetro"),
    (r"^Got unexpected extra argument\(s\) ", "Sobran argumentos: "),
    (r"^Option (\S+) requires an argument\.$", r"La opción \1 requiere un valor."),
    (r"^Option (\S+) requires (\d+) arguments\.$", r"La opción \1 requiere \2 valores."),
    (r"^Option (\S+) does not take a value\.$", r"La opción \1 no lleva valor."),
    (r"^Invalid value for (.+?): ", r"Valor inválido para \1: "),
    (r"^Invalid value: ", "Valor inválido: "),
    (r"Value error, ", ""),
    (r"(\S+) is not one of (.+)\.$", r"\1 no es uno de \2."),
    (r"Value (.+) is not a valid (\S+)\.$", r"\1 no es un valor válido (\2)."),
    (r"\.? ?Did you mean (.+)\?$", r". ¿Quiso decir \1?"),
    # Typer 0.29 checks option values with pydantic, whose words these are
    (r"Input should be greater than or equal to ", "debe ser mayor o igual que "),
    (r"Input should be less than or equal to ", "debe ser menor o igual que "),
    (r"Input should be greater than ", "debe ser mayor que "),
    (r"Input should be less than ", "debe ser menor que "),
    (r"Input should be a valid integer.*$", "debe ser un número entero"),
    (r"Input should be a valid number.*$", "debe ser un número"),
    (r"Input should be a valid boolean.*$", "debe ser verdadero o falso"),
    (r"year (-?\d+) is out of range", r"el año \1 está fuera de rango"),
    (r"day is out of range for month", "ese día no existe en ese mes"),
    (r"month must be in 1\.\.12", "el mes debe ser de 1 a 12"),
)

# Typer evaluates these at import: set again from the English they were made of.
RICH_UTILS_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}

_installed = False


def spanish(message: str) -> str:
    """gettext's ``_`` for Typer: our Spanish, or the English it was given."""
    return SPANISH.get(message, message)


def spanish_error(message: str) -> str:
    """A usage error's message in Spanish, as far as ``ERRORS`` knows its shape."""
    for pattern, replacement in ERRORS:
        message = re.sub(pattern, replacement, message)
    return message


def install() -> None:
    """Make Typer's frame Spanish in this process (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    core._ = spanish
    rich_utils._ = spanish
    for constant, english in RICH_UTILS_CONSTANTS.items():
        setattr(rich_utils, constant, spanish(english))

    english_usage = formatting.HelpFormatter.write_usage

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        english_usage(self, prog, args, USAGE if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage
    english_help_option = decorators.help_option

    def help_option(param_decls: list[str]):
        add_option = english_help_option(param_decls)

        def add_spanish_option(command):
            command = add_option(command)
            command.params[-1].help = HELP_OPTION  # the option just added
            return command

        return add_spanish_option

    decorators.help_option = help_option
    english_error = rich_utils.rich_format_error

    def rich_format_error(error) -> None:
        message = spanish_error(error.format_message())
        error.format_message = lambda: message
        english_error(error)

    rich_utils.rich_format_error = rich_format_error
