"""``innovalogix customer-value`` on files: the value table, the holdout against the naive rate,
and malformed files refused in Spanish naming row, field and value, with nothing written."""

from __future__ import annotations

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from ml.cli.customer_value import customer_value
from tests.ml.customer_value.synthetic import bgnbd_customers

runner = CliRunner()


def run(*args):
    app = typer.Typer()
    app.command()(customer_value)
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def transactions_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("value") / "transacciones.csv"
    frame = bgnbd_customers(n=800, seed=3)
    frame.assign(ds=frame["ds"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    return path


def test_a_transactions_file_gives_each_customer_value_and_the_holdout(tmp_path, transactions_csv):
    out = tmp_path / "valor.parquet"

    result = run(transactions_csv, "--calibration-end", "2026-08-29", "--horizon-days", 90,
                 "--out", out, "--holdout")  # fmt: skip

    assert result.exit_code == 0, result.output
    value = pd.read_parquet(out)
    assert list(value.columns) == ["customer_id", "p_alive", "expected_purchases", "expected_spend"]
    assert value["p_alive"].between(0, 1).all() and (value["expected_spend"] >= 0).all()
    assert "Validación temporal" in result.output and "Tasa ingenua" in result.output
    assert "MAE de compras del modelo" in result.output and "menor que" in result.output


def test_a_peruvian_date_is_understood(tmp_path, transactions_csv):
    out = tmp_path / "valor.csv"
    result = run(transactions_csv, "--calibration-end", "29/08/2026", "--out", out)
    assert result.exit_code == 0, result.output
    assert "29/08/2026" in result.output
    assert len(pd.read_csv(out)) > 500


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("customer_id,ds,amount\n1,2026-01-01,10\n1,ayer,5\n", "fila 2, campo ds: «ayer»"),
        ("customer_id,ds,amount\n1,2026-01-01,10\n2,2026-01-02,S/ 5\n",
         "fila 2, campo amount: «S/ 5» no es un número"),
        ("customer_id,ds,amount\n1,2026-01-01,10\n,2026-01-02,5\n",
         "fila 2, campo customer_id: valor vacío"),
        ("cliente,ds,amount\n1,2026-01-01,10\n", "faltan las columnas customer_id"),
        ("customer_id,ds,amount\n", "no tiene filas"),
    ],
)  # fmt: skip
def test_a_malformed_file_is_refused_naming_row_field_and_value(tmp_path, content, expected):
    source = tmp_path / "transacciones.csv"
    source.write_text(content)
    out = tmp_path / "valor.csv"

    result = run(source, "--calibration-end", "2026-01-31", "--out", out)

    assert result.exit_code == 1
    assert "transacciones.csv" in result.output and expected in result.output
    assert not out.exists()


def test_a_missing_file_and_a_holdout_past_the_data_are_told(tmp_path, transactions_csv):
    out = tmp_path / "o.csv"
    result = run(tmp_path / "no.csv", "--calibration-end", "2026-01-31", "--out", out)
    assert result.exit_code == 1 and "no existe el archivo" in result.output

    result = run(transactions_csv, "--calibration-end", "2030-01-31", "--out", out, "--holdout")
    assert result.exit_code == 1 and "holdout vacío" in result.output
    assert not out.exists()
