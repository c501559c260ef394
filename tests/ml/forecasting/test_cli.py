"""``innovalogix forecast`` on files: forecasts with model_version, the backtest table, and a
bad file refused in Spanish with exit code 1 and nothing written."""

from __future__ import annotations

import pandas as pd
import typer
from typer.testing import CliRunner

from ml.cli.forecast import forecast
from ml.registry import versions
from tests.ml.forecasting.synthetic import weekly

runner = CliRunner()


def run(*args):
    app = typer.Typer()
    app.command()(forecast)
    return runner.invoke(app, [str(a) for a in args])


def test_a_weekly_csv_with_gaps_is_forecast_with_its_model_version(tmp_path):
    history = weekly(series=3, weeks=90)
    history = history.drop(index=[5, 6, 7, 100])
    source = tmp_path / "ventas.csv"
    history.assign(ds=history["ds"].dt.strftime("%Y-%m-%d")).to_csv(source, index=False)
    out = tmp_path / "pronostico.parquet"
    registry = tmp_path / "models"

    cheap = "global,seasonal_naive,moving_average"
    result = run(source, "--horizon", 6, "--freq", "W", "--backtest", 2, "--out", out,
                 "--registry", registry, "--models", cheap)  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "naive estacional" in result.output and "WAPE" in result.output
    frame = pd.read_parquet(out)
    assert list(frame.columns) == ["unique_id", "ds", "p10", "p50", "p90", "model",
                                   "model_version"]  # fmt: skip
    assert len(frame) == 18 and (frame["ds"].dt.dayofweek == 2).all()
    assert frame["model_version"].unique().tolist() == versions(registry, "demand_forecast")


def test_a_bad_history_file_is_refused_naming_row_and_value(tmp_path):
    source = tmp_path / "ventas.csv"
    source.write_text("unique_id,ds,y\nA,2025-01-01,3\nA,ayer,4\n")
    out = tmp_path / "pronostico.csv"

    result = run(source, "--horizon", 3, "--out", out, "--registry", tmp_path / "models")

    assert result.exit_code == 1
    assert "No se puede pronosticar" in result.output
    assert "ds inválido en la fila 2" in result.output and "«ayer»" in result.output
    assert not out.exists() and not (tmp_path / "models").exists()


def test_an_unknown_column_and_a_missing_file_are_named(tmp_path):
    source = tmp_path / "ventas.csv"
    source.write_text("unique_id,ds,y,tienda\nA,2025-01-01,3,Lima\n")
    result = run(source, "--horizon", 3, "--out", tmp_path / "o.csv")
    assert result.exit_code == 1 and "columna desconocida «tienda»" in result.output
    result = run(tmp_path / "nada.csv", "--horizon", 3, "--out", tmp_path / "o.csv")
    assert result.exit_code == 1 and "no existe la historia" in result.output
