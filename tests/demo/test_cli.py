"""``innovalogix demo-data`` end to end, through Typer, against a fresh database."""

from __future__ import annotations

import datetime as dt
import json

import typer
from typer.testing import CliRunner

from erp_core.demo.cli import demo_data
from erp_core.timeutil import lima_today


def test_demo_data_command_generates_prints_a_summary_and_refuses_to_repeat(
    db_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("INNOVALOGIX_HOME", str(tmp_path))
    app = typer.Typer()
    app.command()(demo_data)
    runner = CliRunner()
    args = ["--scale", "small", "--seed", "7", "--end-date", "2025-06-30"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Total vendido" in first.output and "S/ " in first.output
    assert "3 + 1 almacén central" in first.output
    truth = json.loads((tmp_path / "demo" / "planted_truth.json").read_text())
    assert truth["end_date"] == "2025-06-30" and truth["seed"] == 7
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "--replace" in again.output


def _demo_app() -> typer.Typer:
    app = typer.Typer()
    app.command()(demo_data)
    return app


def test_a_negative_seed_is_refused_naming_the_option(db_url, tmp_path, monkeypatch):
    # numpy refuses negative seeds: without the check this was a ValueError traceback
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("INNOVALOGIX_HOME", str(tmp_path))
    result = CliRunner().invoke(_demo_app(), ["--seed", "-1"])
    assert result.exit_code == 2, result.output
    assert "--seed" in result.output and "greater than or equal to 0" in result.output


def test_an_end_date_after_yesterday_in_lima_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    tomorrow = lima_today() + dt.timedelta(days=1)
    result = CliRunner().invoke(_demo_app(), ["--end-date", tomorrow.isoformat()])
    assert result.exit_code == 2, result.output
    assert "--end-date" in result.output and f"{tomorrow:%d/%m/%Y}" in result.output
