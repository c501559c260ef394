"""``innovalogix restock``: a buyer's worklist from the published snapshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ml.inventory.plan import plan_restock
from tests.pipelines.restock.plans import two_supplier_inputs

INNOVALOGIX = Path(sys.executable).parent / "innovalogix"


def innovalogix(*args: str) -> subprocess.CompletedProcess:
    """The installed command, with its plugins registered as users get them."""
    return subprocess.run(
        [str(INNOVALOGIX), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    plan = plan_restock(two_supplier_inputs())
    path = tmp_path_factory.mktemp("snapshot") / "warehouse_snapshot.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema ml")
        for name, frame in (
            ("fct_restock_recommendations", plan.recommendations),
            ("fct_transfer_suggestions", plan.transfers),
        ):
            con.register("frame", frame)
            con.execute(f"create table ml.{name} as select * from frame")
            con.unregister("frame")
    return path


def order_rows(path):
    sheet = openpyxl.load_workbook(path)["Líneas de pedido"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Proveedor")
    return [dict(zip(rows[header], r, strict=True)) for r in rows[header + 1 :] if r[0] != "Total"]


def test_restock_for_one_supplier_writes_its_lines_with_their_reasons(snapshot, tmp_path):
    out = tmp_path / "aguas.xlsx"
    result = innovalogix(
        "restock", "--supplier", "aguas", "--out", str(out), "--snapshot", str(snapshot)
    )
    assert result.returncode == 0, result.stderr
    assert "Plan de reposición al 06/12/2026" in result.stdout
    assert "Pedir: 2 líneas a 1 proveedores" in result.stdout
    rows = order_rows(out)
    assert {(r["Código tienda"], r["SKU"]) for r in rows} == {
        ("T001", "SKU202"),
        ("T002", "SKU202"),
    }
    assert all(r["Proveedor"] == "Aguas del Sur EIRL" for r in rows)
    assert all(r["Cantidad"] % 15 == 0 and r["Motivo"].startswith("Pedir ") for r in rows)


def test_restock_narrowed_to_a_store_and_a_category(snapshot, tmp_path):
    out = tmp_path / "t001.xlsx"
    result = innovalogix(
        "restock",
        "--store",
        "t001",
        "--category",
        "Bebidas",
        "--out",
        str(out),
        "--snapshot",
        str(snapshot),
    )
    assert result.returncode == 0, result.stderr
    assert [(r["Código tienda"], r["SKU"]) for r in order_rows(out)] == [("T001", "SKU202")]


def test_restock_names_a_store_that_is_not_in_the_plan(snapshot, tmp_path):
    out = tmp_path / "x.xlsx"
    result = innovalogix(
        "restock", "--store", "T009", "--out", str(out), "--snapshot", str(snapshot)
    )
    assert result.returncode == 1
    assert "La tienda «T009» no está en el plan; hay: T001, T002" in result.stdout
    assert not out.exists()
