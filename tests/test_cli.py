"""The core ``innovalogix`` commands, through Typer, against real databases."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import nullcontext
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from erp_core import db, reports
from erp_core.cli import app
from erp_core.cli_spanish import spanish_error
from erp_core.period_cli import app as period_app
from erp_core.pii import PiiVault
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from erp_core.settings import get_settings
from tests.factories import LIMA_NOON, build_chain, guide_number, stock_up
from tests.importer.files import line, write_csv

INNOVALOGIX = Path(sys.executable).with_name("innovalogix")  # the installed entry point
FIRST_RECEIPT = "receipt-0001-SKU0001"
CLOSED_PORT_URL = "postgresql://postgres:s3cr3t-clave@127.0.0.1:1/innovalogix?connect_timeout=2"
DATABASE_COMMANDS = [
    ["stock"],
    ["stock", "--summary"],
    ["stock", "--store", "0001"],
    ["kardex", "0001", "SKU0001"],
    ["db", "upgrade"],
    ["demo-data", "--end-date", "30/06/2025"],
    ["import-sales", "ventas.csv"],
    ["keys", "rotate"],
    ["keys", "reencrypt"],
]


def test_stock_on_a_database_without_the_schema_says_to_upgrade(pg_server, monkeypatch):
    url = db.create_database(pg_server, prefix="innovalogix_test_empty")
    try:
        monkeypatch.setenv("DATABASE_URL", url)
        result = CliRunner().invoke(app, ["stock"])
        assert result.exit_code == 1
        assert isinstance(result.exception, SystemExit), result.exception
        assert "innovalogix db upgrade" in result.output
    finally:
        db.drop_database(pg_server, url)


def test_stock_shows_fractional_units_and_soles(monkeypatch):
    row = ("0001", "Tienda", "Lima", 1, Decimal("2.500"), Decimal("12.345"), 0)
    monkeypatch.setattr(db, "connect", lambda: nullcontext(None))
    monkeypatch.setattr(reports, "has_schema", lambda conn: True)
    monkeypatch.setattr(reports, "stock_by_store", lambda conn: [row])
    result = CliRunner().invoke(app, ["stock"])
    assert result.exit_code == 0, result.output
    assert " 2.5 " in result.output and "S/ 12.35" in result.output


def test_stock_summary_names_the_core_tables_in_spanish(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = CliRunner().invoke(app, ["stock", "--summary"])
    assert result.exit_code == 0, result.output
    assert "Ventas: 0" in result.output and "Líneas de venta: 0" in result.output
    assert "sale_lines" not in result.output


@pytest.fixture
def stocked(conn, db_url, monkeypatch):
    """Store 0001: 10 SKU0001 at 5.00 and 4 SKU0002 at 20.00, then 3 SKU0001 sold; 0002:
    2 SKU0001 at 6.00. The CLI reads that database."""
    chain = build_chain(conn)
    stock_up(conn, chain, "0001", "SKU0001", 10, "5.00", key=FIRST_RECEIPT)
    stock_up(conn, chain, "0001", "SKU0002", 4, "20.00")
    stock_up(conn, chain, "0002", "SKU0001", 2, "6.00")
    lines, paid = [SaleLineInput("SKU0001", Decimal(3))], [PaymentInput("cash", Decimal("35.40"))]
    sell(conn, SaleRequest("cli-1", "0001", lines, paid, sold_at=LIMA_NOON))
    conn.commit()
    monkeypatch.setenv("DATABASE_URL", db_url)


def rows_of(output: str) -> list[list[str]]:
    """The table rows of a rich table's text: cells split on its rules."""
    return [[c.strip() for c in row.strip("│ ").split("│")] for row in output.splitlines()
            if row.startswith("│")]  # fmt: skip


def test_a_stores_stock_by_product_most_valuable_first(stocked):
    result = CliRunner().invoke(app, ["stock", "--store", "0001"])
    assert result.exit_code == 0, result.output
    assert [r[:5] for r in rows_of(result.output)] == [
        ["SKU0002", "Producto SKU0002", "4", "S/ 20.0000", "S/ 80.00"],
        ["SKU0001", "Producto SKU0001", "7", "S/ 5.0000", "S/ 35.00"],
    ]
    assert "2 de 2 productos con saldo" in result.output
    one = CliRunner().invoke(app, ["stock", "--store", "0001", "--limit", "1"])
    assert [r[0] for r in rows_of(one.output)] == ["SKU0002"]
    assert "1 de 2 productos" in one.output


def test_a_products_stock_in_every_store(stocked):
    result = CliRunner().invoke(app, ["stock", "--sku", "SKU0001"])
    assert result.exit_code == 0, result.output
    assert [r[:5] for r in rows_of(result.output)] == [
        ["0001", "Tienda Miraflores", "7", "S/ 5.0000", "S/ 35.00"],
        ["0002", "Tienda Cayma", "2", "S/ 6.0000", "S/ 12.00"],
    ]
    # the last movement, in Lima: 0001's the sale, 0002's the receipt the day before
    assert [r[5] for r in rows_of(result.output)] == ["10/03/2026 12:00", "09/03/2026 12:00"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stock", "--store", "0009"], "No existe la tienda 0009"),
        (["stock", "--sku", "NOPE"], "No existe el SKU NOPE"),
        (["kardex", "0009", "SKU0001"], "No existe la tienda 0009"),
        (["kardex", "0001", "NOPE"], "No existe el SKU NOPE"),
    ],
)
def test_an_unknown_store_or_sku_is_named_and_exit_1(stocked, args, message):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output


def test_store_and_sku_together_is_a_usage_error(stocked):
    result = CliRunner().invoke(app, ["stock", "--store", "0001", "--sku", "SKU0001"])
    assert result.exit_code == 2
    assert "use --store o --sku, no ambos" in result.output


def test_the_kardex_of_a_product_in_a_store_runs_to_its_stock(stocked):
    result = CliRunner().invoke(app, ["kardex", "0001", "SKU0001"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines() if line[2:4].isdigit()]
    assert lines == [
        [
            "09/03/2026",
            "02",
            "09",
            f"G001-{guide_number(FIRST_RECEIPT)}",
            "10",
            "5.0000",
            "50.00",
            "10",
            "5.0000",
            "50.00",
        ],
        ["10/03/2026", "01", "03", "B001-1", "3", "5.0000", "15.00", "7", "5.0000", "35.00"],
    ]
    assert "01 venta nacional; 02 compra nacional" in result.output
    last = CliRunner().invoke(app, ["kardex", "0001", "SKU0001", "--limit", "1"])
    assert [line.split()[0] for line in last.output.splitlines() if line[2:4].isdigit()] == [
        "10/03/2026"
    ]
    empty = CliRunner().invoke(app, ["kardex", "0002", "SKU0002"])
    assert empty.exit_code == 0
    assert "SKU0002 no tiene movimientos en la tienda 0002" in empty.output


def opening_of(output: str) -> list[str]:
    """The opening balance row's quantity, average cost and value."""
    return next(line for line in output.splitlines() if "Saldo anterior" in line).split()[-3:]


def test_a_months_kardex_opens_with_the_balance_it_inherits(stocked):
    march = CliRunner().invoke(app, ["kardex", "0001", "SKU0001", "--month", "03/2026"])
    assert march.exit_code == 0, march.output
    assert "Kardex de SKU0001 en la tienda 0001 en 03/2026" in march.output
    assert opening_of(march.output) == ["0", "0.0000", "0.00"]  # nothing before March
    assert [line.split()[:2] for line in march.output.splitlines() if line[2:4].isdigit()] == [
        ["09/03/2026", "02"], ["10/03/2026", "01"],
    ]  # fmt: skip
    assert ("2 movimientos. Entradas: 10 (S/ 50.00); salidas: 3 (S/ 15.00); saldo final: 7 "
            "(S/ 35.00)") in march.output  # fmt: skip
    april = CliRunner().invoke(app, ["kardex", "0001", "SKU0001", "--month", "4/2026"])
    assert opening_of(april.output) == ["7", "5.0000", "35.00"]
    assert "0 movimientos. Entradas: 0 (S/ 0.00); salidas: 0 (S/ 0.00); saldo final: 7" in (
        april.output
    )
    bad = CliRunner().invoke(app, ["kardex", "0001", "SKU0001", "--month", "2026-03"])
    assert bad.exit_code == 2
    assert "«2026-03» no es un mes: use MM/AAAA" in bad.output


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_a_database_that_cannot_be_reached_is_one_clear_message_and_exit_1(command, tmp_path):
    write_csv(tmp_path / "ventas.csv", [line("2026-03-10 09:00", "0001", "SKU0001", "1", "5", "A")])
    env = {k: v for k, v in os.environ.items() if k != "INNOVALOGIX_PII_KEY"}
    env |= {"DATABASE_URL": CLOSED_PORT_URL, "INNOVALOGIX_HOME": str(tmp_path)}
    result = subprocess.run(
        [INNOVALOGIX, *command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "Traceback" not in said
    assert "No se pudo conectar a la base de datos en postgres@127.0.0.1:1/innovalogix" in said
    assert "s3cr3t-clave" not in said
    if command[0] == "keys":  # no new key version that no customer could be moved to
        settings = replace(get_settings(), home=tmp_path, pii_key=None)
        assert PiiVault.from_settings(settings).current_version == 1


@pytest.mark.parametrize(
    ("command", "spanish"),
    [
        ([], "Importa ventas históricas"),
        (["demo-data"], "misma semilla, misma cadena"),
        (["keys"], "Recifra los clientes"),
        (["pipeline", "run"], "Recarga todas las tablas"),
        (["stock"], "de ese producto en cada tienda"),
        (["kardex"], "Kardex valorizado (formato 13.1) de un producto en una tienda"),
    ],
)
def test_the_help_is_in_spanish(command, spanish):
    """The installed command, with every subcommand registered as users get it."""
    out = subprocess.run(
        [str(INNOVALOGIX), *command, "--help"], capture_output=True, text=True, check=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout  # fmt: skip
    assert spanish in out


def _innovalogix(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(INNOVALOGIX), *args], capture_output=True, text=True, timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip


def test_typers_own_words_are_spanish_too():
    out = _innovalogix("--help").stdout
    for spanish in ("Uso: innovalogix", "Opciones", "Comandos", "Muestra esta ayuda y termina."):
        assert spanish in out
    for english in ("Usage", "Options", "Commands", "Show this message", "completion"):
        assert english not in out
    out = _innovalogix("demo-data", "--help").stdout
    assert "[por defecto: 42]" in out and "default" not in out


@pytest.mark.parametrize(
    ("args", "spanish"),
    [
        (["stock", "--sumary"], "No existe la opción: --sumary (opciones posibles: --no-summary"),
        (["import-sales"], "Falta el argumento 'file'."),
        (["import-sales", "a.csv", "b.csv"], "Sobran argumentos: (b.csv)"),
        (["demo-data", "--seed"], "La opción '--seed' requiere un valor."),
        (["stock", "--summary=sí"], "La opción '--summary' no lleva valor."),
        (["demo-data", "--scale", "xl"], "Valor inválido para '--scale': 'xl' no es uno de"),
        (["nada"], "No existe el comando 'nada'."),
        (["kardex", "0001"], "Falta el argumento 'sku'."),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_a_usage_error_is_told_in_spanish(args, spanish):
    result = _innovalogix(*args)
    said = " ".join(result.stderr.replace("│", " ").split())  # Typer boxes it in a panel
    assert result.returncode == 2, said
    assert spanish in said
    assert "Try " not in said and "Usage" not in said and "Error" in said
    if "Uso: innovalogix" in said:  # Typer adds the way to the help when it knows the command
        assert "Pruebe 'innovalogix" in said and "para ver la ayuda." in said


def test_a_usage_error_of_an_unknown_shape_stays_as_it_was():
    assert spanish_error("Something new went wrong.") == "Something new went wrong."


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_a_database_url_that_is_not_a_url_is_one_spanish_line_and_exit_1(command, tmp_path):
    write_csv(tmp_path / "ventas.csv", [line("2026-03-10 09:00", "0001", "SKU0001", "1", "5", "A")])
    env = {k: v for k, v in os.environ.items() if k != "INNOVALOGIX_PII_KEY"}
    env |= {"DATABASE_URL": "notaurl", "INNOVALOGIX_HOME": str(tmp_path)}
    result = subprocess.run(
        [INNOVALOGIX, *command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "Traceback" not in said and "ProgrammingError" not in said
    assert "DATABASE_URL no es una dirección de PostgreSQL válida" in said


def test_keys_rotate_on_an_unmigrated_database_changes_nothing(pg_server, tmp_path):
    url = db.create_database(pg_server, prefix="innovalogix_test_empty")
    try:
        env = {k: v for k, v in os.environ.items() if k != "INNOVALOGIX_PII_KEY"}
        env |= {"DATABASE_URL": url, "INNOVALOGIX_HOME": str(tmp_path)}
        result = subprocess.run([INNOVALOGIX, "keys", "rotate"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=60)  # fmt: skip
        said = result.stdout + result.stderr
        assert result.returncode == 1, said
        assert "Traceback" not in said and "innovalogix db upgrade" in said
        settings = replace(get_settings(), home=tmp_path, pii_key=None)
        assert PiiVault.from_settings(settings).current_version == 1  # no new key version
    finally:
        db.drop_database(pg_server, url)


@pytest.mark.parametrize(
    ("args", "spanish", "english"),
    [
        (["stock", "--limit", "0"], "'--limit': debe ser mayor o igual que 1", "Input should"),
        (["stock", "--limit", "x"], "'--limit': debe ser un número entero", "Input should"),
        (
            ["kardex", "0001", "SKU0001", "--month", "01/0000"],
            "«01/0000» no es un mes",
            "out of range",
        ),
        (["stok"], "No existe el comando 'stok'. ¿Quiso decir 'stock'", "Did you mean"),
    ],
)
def test_no_english_fragment_inside_a_spanish_message(args, spanish, english):
    result = _innovalogix(*args)
    said = " ".join(result.stderr.replace("│", " ").split())
    assert result.returncode == 2, said
    assert spanish in said
    assert english not in said


def test_a_period_closes_and_reopens_with_a_recorded_reason(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    closed = runner.invoke(period_app, ["close", "09/2026", "-r", "libros presentados",
                                 "--by", "contadora"])  # fmt: skip
    assert closed.exit_code == 0, closed.output
    assert "Periodo 09/2026 cerrado" in closed.output
    listed = runner.invoke(period_app, ["list"])
    assert [r[0] for r in rows_of(listed.output)] == ["09/2026"]
    again = runner.invoke(period_app, ["close", "9/2026", "-r", "otra vez"])
    assert again.exit_code == 1
    assert "No se puede: el periodo 09/2026 ya está cerrado" in again.output
    ahead = runner.invoke(period_app, ["close", "01/2099", "-r", "adelantado"])
    assert "el periodo 01/2099 aún no termina" in ahead.output
    without = runner.invoke(period_app, ["reopen", "09/2026"])
    assert without.exit_code == 2  # the reason is required
    reopened = runner.invoke(period_app, ["reopen", "09/2026", "-r", "nota omitida"])
    assert reopened.exit_code == 0, reopened.output
    with db.connect(db_url) as conn:
        events = conn.execute("select action, reason from period_events order by 1").fetchall()
    assert events == [("close", "libros presentados"), ("reopen", "nota omitida")]
