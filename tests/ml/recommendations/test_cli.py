"""``innovalogix basket-rules`` on files: the rules written and shown, malformed files refused
in Spanish naming row, field and value, with nothing written."""

from __future__ import annotations

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from ml.cli.basket_rules import basket_rules
from tests.ml.recommendations.synthetic import PAIRS, taste_baskets

runner = CliRunner()


def run(*args):
    app = typer.Typer()
    app.command()(basket_rules)
    return runner.invoke(app, [str(a) for a in args])


def test_a_baskets_file_gives_its_rules(tmp_path):
    baskets, _ = taste_baskets(customers=200)
    source = tmp_path / "canastas.parquet"
    baskets[["basket_id", "item"]].to_parquet(source)
    out = tmp_path / "reglas.csv"

    result = run(source, "--out", out, "--min-lift", 2)

    assert result.exit_code == 0, result.output
    rules = pd.read_csv(out)
    assert list(rules.columns[:5]) == ["antecedent", "consequent", "support", "confidence", "lift"]
    assert (rules["lift"] >= 2).all()
    assert "Reglas con más lift" in result.output and PAIRS[0][0] in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("basket_id,item\n1,pan\n1,\n", "fila 2, campo item: valor vacío"),
        ("ticket,item\n1,pan\n", "faltan las columnas basket_id"),
        ("basket_id;item\n", "no tiene filas"),
    ],
)
def test_a_malformed_baskets_file_is_refused_naming_row_and_field(tmp_path, content, expected):
    source = tmp_path / "canastas.csv"
    source.write_text(content)
    out = tmp_path / "reglas.csv"

    result = run(source, "--out", out)

    assert result.exit_code == 1
    assert "canastas.csv" in result.output and expected in result.output
    assert not out.exists()


def test_an_unknown_format_is_named(tmp_path):
    source = tmp_path / "canastas.xlsx"
    source.write_bytes(b"x")
    result = run(source, "--out", tmp_path / "reglas.csv")
    assert result.exit_code == 1 and "formato no reconocido" in result.output
