"""The core ``innovalogix`` commands, through Typer, against real databases."""

from __future__ import annotations

from contextlib import nullcontext
from decimal import Decimal

from typer.testing import CliRunner

from erp_core import db, reports
from erp_core.cli import app


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
