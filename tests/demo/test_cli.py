"""``innovalogix demo-data`` end to end, through Typer, against a fresh database."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from erp_core.demo.cli import demo_data


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
