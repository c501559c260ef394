"""The core ``innovalogix`` commands, through Typer, against real databases."""

from __future__ import annotations

from typer.testing import CliRunner

from erp_core import db
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
