"""``innovalogix demo-data`` end to end, through Typer, against a fresh database."""

from __future__ import annotations

import datetime as dt
import json

import pytest
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
    args = ["--scale", "small", "--seed", "7", "--end-date", "30/06/2025"]  # as the CLI shows
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Total vendido" in first.output and "S/ " in first.output
    assert "3 + 1 almacén central" in first.output
    truth = json.loads((tmp_path / "demo" / "planted_truth.json").read_text())
    assert truth["end_date"] == "2025-06-30" and truth["seed"] == 7
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "la base de datos ya tiene datos" in again.output and "--replace" in again.output


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
    assert "--seed" in result.output and "la semilla debe ser 0 o mayor" in result.output
    result = CliRunner().invoke(_demo_app(), ["--seed", "siete"])
    assert result.exit_code == 2, result.output
    assert "--seed" in result.output and "«siete» no es un número entero" in result.output


def _said(result) -> str:
    """The output as one line of words: Typer wraps usage errors in a boxed panel."""
    return " ".join(result.output.replace("│", " ").split())


@pytest.mark.parametrize("pattern", ["%Y-%m-%d", "%d/%m/%Y"])
def test_an_end_date_after_yesterday_in_lima_is_refused(pattern, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    tomorrow = lima_today() + dt.timedelta(days=1)
    result = CliRunner().invoke(_demo_app(), ["--end-date", f"{tomorrow:{pattern}}"])
    assert result.exit_code == 2, result.output
    said = _said(result)
    assert "--end-date" in said and f"{tomorrow:%d/%m/%Y} es posterior a ayer en Lima" in said


@pytest.mark.parametrize("value", ["31-12-2024", "2024/12/31", "31/02/2024", "12/31/2024", "ayer"])
def test_an_end_date_in_another_format_is_refused_in_spanish_naming_option_and_value(
    value, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    result = CliRunner().invoke(_demo_app(), ["--end-date", value])
    assert result.exit_code == 2, result.output
    said = _said(result)
    assert f"Valor inválido para '--end-date': «{value}» no es una fecha válida" in said
    assert "dd/mm/aaaa" in said
