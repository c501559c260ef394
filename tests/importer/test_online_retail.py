"""A slice of a real retailer's invoice lines (UCI Online Retail), mapped to the import columns."""

from decimal import Decimal as D

import pandas as pd

from erp_core.domain.documents import make_ruc
from erp_core.importer.run import ImportOptions, import_sales_file
from erp_core.paths import REAL_DATA_DIR
from tests.importer.files import read_csv

ONLINE_RETAIL = REAL_DATA_DIR / "online_retail.parquet"
INVOICES = 30


def online_retail_slice(path):
    """The first invoices (no cancellations), UK → store 0001, other countries → 0002."""
    raw = pd.read_parquet(ONLINE_RETAIL)
    raw = raw[~raw["InvoiceNo"].str.startswith("C") & (raw["Quantity"] > 0)]
    raw = raw[raw["InvoiceNo"].isin(raw["InvoiceNo"].drop_duplicates().head(INVOICES))]
    mapped = pd.DataFrame({
        "date": raw["InvoiceDate"],  # no zone: read as Lima time
        "store": raw["Country"].map(lambda c: "0001" if c == "United Kingdom" else "0002"),
        "sku": raw["StockCode"],
        "quantity": raw["Quantity"],
        "unit_price": raw["UnitPrice"],
        "ticket": raw["InvoiceNo"],
        "payment_method": "card",
        "unit_cost": (raw["UnitPrice"] * 0.6).round(2),
    })  # fmt: skip
    mapped.to_parquet(path, index=False)
    return mapped


def test_real_invoices_load_into_an_empty_core(conn, tmp_path):
    source = online_retail_slice(tmp_path / "online_retail.parquet")
    prices = zip(source.quantity, source.unit_price, strict=True)
    source["total"] = [D(str(q)) * D(str(p)) for q, p in prices]
    totals = source.groupby("ticket")["total"].sum()
    anonymous_over_700 = set(totals[totals > 700].index)
    assert len(anonymous_over_700) >= 3  # the slice really exercises the boleta rule
    loadable = source[~source.ticket.isin(anonymous_over_700)]

    rejects = tmp_path / "rechazos.csv"
    options = ImportOptions(
        create_missing=True, supplier_ruc=make_ruc("20", 31400001), opening_stock=True,
        reject_file=rejects,
    )  # fmt: skip
    report = import_sales_file(conn, tmp_path / "online_retail.parquet", options)

    assert report.imported_tickets == INVOICES - len(anonymous_over_700)
    assert report.imported_lines == len(loadable)
    assert report.total_amount == sum(loadable.total)
    assert sorted(report.created_stores) == ["0001", "0002"]
    assert len(report.created_skus) == loadable.sku.nunique()
    rejected = read_csv(rejects)
    assert {r["ticket"] for r in rejected} == anonymous_over_700
    assert len(rejected) == len(source) - len(loadable)
    assert any("(más de S/ 700) debe identificar al comprador" in r["reason"] for r in rejected)
    db_total, db_lines, kardex_out = conn.execute(
        "select (select sum(total_amount) from sales), (select count(*) from sale_lines), "
        "(select sum(quantity_out) from kardex where operation_type = '01')"
    ).fetchone()
    assert (db_total, db_lines) == (report.total_amount, len(loadable))
    assert kardex_out == int(loadable.quantity.sum())
    assert conn.execute("select sum(quantity) from stock_balances").fetchone()[0] == 0
    first_day = conn.execute("select min(sale_date) from sales").fetchone()[0]
    assert first_day.isoformat() == "2010-12-01"  # a month the migration had no partition for
