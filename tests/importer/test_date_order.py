"""Importing history keeps the kardex in date order and stays out of closed months."""

import datetime as dt
from decimal import Decimal as D

import pytest

from erp_core.importer.run import ImportOptions, import_sales_file
from erp_core.pii import PiiVault
from erp_core.services import periods
from erp_core.services.purchasing import PurchaseLineInput, receive_goods
from erp_core.timeutil import LIMA
from tests.factories import build_chain, guide_number
from tests.importer.files import line, read_csv, table_counts, write_csv

RECEIVED = dt.datetime(2026, 11, 20, 10, 0, tzinfo=LIMA)


@pytest.fixture
def stocked(conn):
    """SKU0001 received in store 0001 on 20/11/2026; SKU0002 never moved there."""
    chain = build_chain(conn)
    receive_goods(conn, "g1", chain.supplier_ruc, "0001",
                  [PurchaseLineInput("SKU0001", D(100_000), D("4.00"))], "G001",
                  guide_number("g1"), RECEIVED)  # fmt: skip
    conn.commit()
    return chain


def october(path):
    return write_csv(path, [
        line("2026-10-05 10:00", "0001", "SKU0001", "1", "11.80", "A", unit_cost="4"),
        line("2026-10-06 10:00", "0001", "SKU0002", "2", "11.80", "B", unit_cost="4"),
        line("2026-11-25 10:00", "0001", "SKU0001", "1", "11.80", "C", unit_cost="4"),
    ])  # fmt: skip


def run(conn, path, **options):
    return import_sales_file(conn, path, ImportOptions(**options), vault=PiiVault.generate())


def test_history_dated_before_the_stock_in_the_core_is_rejected_naming_its_movement(
    conn, stocked, tmp_path
):
    """The issue: October imported into a core holding stock received on 20/11 gave "Saldo
    anterior 0", then 99,999."""
    before = table_counts(conn)
    report = run(conn, october(tmp_path / "ventas.csv"))
    assert not report.committed
    assert table_counts(conn) == before
    (rejection,) = report.rejections
    assert (rejection.line, rejection.field) == (2, "date")
    assert rejection.reason == (
        "es anterior al último movimiento de SKU0001 en la tienda 0001: 02 compra nacional, "
        f"documento 09 G001-{guide_number('g1')} del 20/11/2026 (el kardex se lleva en orden "
        "de fecha)"
    )


def test_with_a_reject_file_the_rest_loads_and_each_openings_date_follows_the_core(
    conn, stocked, tmp_path
):
    rejects = tmp_path / "rechazos.csv"
    report = run(conn, october(tmp_path / "ventas.csv"), opening_stock=True, reject_file=rejects)
    assert report.committed and report.imported_tickets == 2
    assert [r["line_number"] for r in read_csv(rejects)] == ["2"]
    kardex = conn.execute(
        "select p.sku, k.movement_date, k.operation_type, k.balance_quantity from kardex k "
        "join products p using (product_id) order by p.sku, k.movement_date, k.kardex_id"
    ).fetchall()
    assert kardex == [  # SKU0002's opening on its first sale day, SKU0001's after the receipt
        ("SKU0001", dt.date(2026, 11, 20), "02", D(100_000)),
        ("SKU0001", dt.date(2026, 11, 25), "16", D(100_001)),
        ("SKU0001", dt.date(2026, 11, 25), "01", D(100_000)),
        ("SKU0002", dt.date(2026, 10, 6), "16", D(2)),
        ("SKU0002", dt.date(2026, 10, 6), "01", D(0)),
    ]


def test_nothing_is_imported_into_a_closed_month(conn, stocked, tmp_path):
    periods.close_period(conn, dt.date(2026, 10, 1), "octubre cerrado", "contadora")
    rejects = tmp_path / "rechazos.csv"
    report = run(conn, october(tmp_path / "ventas.csv"), opening_stock=True, reject_file=rejects)
    assert report.imported_tickets == 1  # C, in November
    reasons = {r["line_number"]: r["reason"] for r in read_csv(rejects)}
    assert "cae en el periodo cerrado 10/2026" in reasons["3"]
    assert "periodo cerrado" in reasons["2"] or "anterior al último movimiento" in reasons["2"]
    months = conn.execute("select distinct date_trunc('month', movement_date) from kardex")
    assert sorted(row[0].month for row in months) == [11]
