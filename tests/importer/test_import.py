import datetime as dt
import threading
import time
from decimal import Decimal as D

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from erp_core.domain.documents import make_ruc
from erp_core.domain.money import round_cents
from erp_core.importer import loader
from erp_core.importer.run import ImportOptions, import_sales_file
from erp_core.pii import PiiVault
from erp_core.services import catalog
from erp_core.services.customers import CustomerInput, register_customer
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from tests.factories import build_chain, stock_up
from tests.importer.files import line, read_csv, table_counts, write_csv, write_parquet

OPENING = ImportOptions(opening_stock=True)
# a till's sales around the history these tests import (the kardex is kept in date order)
EARLY = dt.datetime(2026, 3, 10, 13, 0, tzinfo=dt.UTC)  # 08:00 in Lima
LATE = dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.UTC)
NEW_SUPPLIER_RUC = make_ruc("20", 55500001)

# (date, store, sku, quantity, unit_price, ticket, unit_cost, payment): 3 tickets, 4 lines.
HAPPY = [
    ("2026-03-10 09:15", "0001", "SKU0001", "2", "10.00", "T1", "6.00", ""),
    ("2026-03-10 09:15", "0001", "SKU0002", "1", "5.90", "T1", "3.00", ""),
    ("2026-03-11", "0002", "SKU0001", "3", "11.80", "T2", "6.50", "yape"),
    ("2026-03-12T10:00:00-05:00", "0001", "SKU0003", "1.5", "7.33", "T3", "4", "card"),
]
HAPPY_TOTAL = D("20.00") + D("5.90") + D("35.40") + D("11.00")  # 1.5 × 7.33 = 10.995 → 11.00


@pytest.fixture
def chain(conn):
    return build_chain(conn)  # SKU0001..3 at a list price of S/ 11.80, no stock


def happy_csv(path):
    return write_csv(
        path,
        [line(d, s, k, q, p, t, unit_cost=c, payment_method=m) for d, s, k, q, p, t, c, m in HAPPY],
    )


def assert_happy_path_loaded(conn):
    sales = conn.execute(
        "select s.serie, s.number, s.sold_at, s.total_amount, s.taxable_amount, s.igv_amount, "
        "p.method, p.amount from sales s join sale_payments p using (sale_id) order by sold_at"
    ).fetchall()
    assert [(r[0], r[1]) for r in sales] == [("B001", 1), ("B002", 1), ("B001", 2)]
    assert sales[0][2] == dt.datetime(2026, 3, 10, 14, 15, tzinfo=dt.UTC)
    assert [r[6] for r in sales] == ["cash", "yape", "card"]
    assert all(r[7] == r[3] for r in sales)  # paid in full
    assert sum(r[3] for r in sales) == HAPPY_TOTAL
    lines = conn.execute(
        "select quantity, unit_price, list_price, line_total, taxable_amount, igv_amount "
        "from sale_lines order by sale_date, line_no"
    ).fetchall()
    assert [(q, p) for q, p, *_ in lines] == [(D(q), D(p)) for _, _, _, q, p, *_ in HAPPY]
    for quantity, price, list_price, total, taxable, igv in lines:
        assert list_price == price  # the file's price, not the catalogue's S/ 11.80
        assert total == round_cents(quantity * price)
        assert taxable == round_cents(total / D("1.18"))
        assert igv == total - taxable
    header_igv = conn.execute("select sum(igv_amount), sum(taxable_amount) from sales").fetchone()
    assert header_igv == (sum(r[5] for r in lines), sum(r[4] for r in lines))
    kardex = conn.execute(
        "select operation_type, count(*), sum(quantity_in), sum(quantity_out) from kardex "
        "group by operation_type order by operation_type"
    ).fetchall()
    assert kardex == [("01", 4, D(0), D("7.5")), ("16", 4, D("7.5"), D(0))]
    assert conn.execute("select sum(quantity) from stock_balances").fetchone()[0] == 0
    opening_cost = conn.execute(
        "select unit_cost_in from kardex k join products p using (product_id) "
        "join stores s using (store_id) where operation_type = '16' and s.code = '0002'"
    ).fetchone()[0]
    assert opening_cost == D("6.5")


def test_csv_import_sells_at_the_files_prices_with_kardex_and_igv(conn, chain, tmp_path):
    report = import_sales_file(conn, happy_csv(tmp_path / "ventas.csv"), OPENING)
    assert report.rejections == []
    assert report.committed
    assert (report.imported_tickets, report.imported_lines) == (3, 4)
    assert report.total_amount == HAPPY_TOTAL
    assert report.opening_balances == 2
    assert_happy_path_loaded(conn)


def test_parquet_import_with_typed_columns(conn, chain, tmp_path):
    columns = {
        "date": [dt.datetime(2026, 3, 10, 9, 15), dt.datetime(2026, 3, 10, 9, 15),
                 dt.datetime(2026, 3, 11, 12, 0), dt.datetime(2026, 3, 12, 10, 0)],
        "store": [1, 1, 2, 1],  # integer codes, as a spreadsheet leaves them
        "sku": ["SKU0001", "SKU0002", "SKU0001", "SKU0003"],
        "quantity": [2.0, 1.0, 3.0, 1.5],
        "unit_price": [10.0, 5.9, 11.8, 7.33],
        "ticket": ["T1", "T1", "T2", "T3"],
        "payment_method": [None, None, "yape", "card"],
        "unit_cost": [6.0, 3.0, 6.5, 4.0],
    }  # fmt: skip
    path = write_parquet(tmp_path / "ventas.parquet", columns)
    assert pa.types.is_timestamp(pq.read_schema(path).field("date").type)
    report = import_sales_file(conn, path, OPENING)
    assert report.rejections == []
    assert report.total_amount == HAPPY_TOTAL
    assert_happy_path_loaded(conn)


def test_reimporting_the_same_file_adds_nothing(conn, chain, tmp_path):
    path = happy_csv(tmp_path / "ventas.csv")
    import_sales_file(conn, path, OPENING)
    before = table_counts(conn)
    again = import_sales_file(conn, path, OPENING)
    assert again.committed
    assert (again.imported_tickets, again.already_imported_tickets) == (0, 3)
    assert again.opening_balances == 0
    assert table_counts(conn) == before


def test_sale_beyond_stock_rejects_the_whole_file_with_the_services_reason(conn, chain, tmp_path):
    stock_up(conn, chain, "0001", "SKU0001", 3, "5.00")
    before = table_counts(conn)
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "2", "11.80", "A"),
        line("2026-03-10 10:00", "0001", "SKU0001", "5", "11.80", "B"),
    ])  # fmt: skip
    report = import_sales_file(conn, path, ImportOptions())
    assert not report.committed
    [(rejection)] = report.rejections
    assert (rejection.line, rejection.field, rejection.value) == (3, "quantity", "5")
    assert rejection.reason == "stock insuficiente de SKU0001 en la tienda 0001: stock 1, se pide 5"
    assert table_counts(conn) == before  # ticket A, sold before B failed, was rolled back too


def test_unknown_store_and_sku_are_rejected_by_default(conn, chain, tmp_path):
    before = table_counts(conn)
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0009", "SKU0001", "1", "9.90", "A", unit_cost="5"),
        line("2026-03-10 09:00", "0001", "NUEVO-1", "1", "4.50", "B", unit_cost="2"),
    ])  # fmt: skip
    report = import_sales_file(conn, path, OPENING)
    assert [(r.line, r.field, r.value) for r in report.sorted_rejections()] == [
        (2, "store", "0009"),
        (3, "sku", "NUEVO-1"),
    ]
    assert "use --create-missing para crearla" in report.rejections[0].reason
    assert table_counts(conn) == before
    without_supplier = import_sales_file(conn, path, ImportOptions(True, None, True))
    [(rejection)] = without_supplier.rejections
    assert "--create-missing necesita --supplier-ruc" in rejection.reason
    refused_anyway = write_csv(tmp_path / "cero.csv", [
        line("2026-03-10 09:00", "0009", "NUEVO-1", "0", "4.50", "A"),
    ])  # fmt: skip
    rejections = import_sales_file(conn, refused_anyway, ImportOptions()).rejections
    assert [(r.line, r.field) for r in rejections] == [(2, "quantity"), (2, "store"), (2, "sku")]


def test_create_missing_adds_placeholder_store_with_series_and_product(conn, chain, tmp_path):
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0009", "SKU0001", "1", "9.90", "A", unit_cost="5"),
        line("2026-03-10 09:00", "0009", "NUEVO-1", "2", "4.50", "A", unit_cost="2"),
        line("2026-03-11 09:00", "0001", "NUEVO-1", "1", "4.00", "B", unit_cost="2"),
    ])  # fmt: skip
    options = ImportOptions(create_missing=True, supplier_ruc=NEW_SUPPLIER_RUC, opening_stock=True)
    report = import_sales_file(conn, path, options)
    assert report.rejections == []
    assert (report.created_stores, report.created_skus) == (["0009"], ["NUEVO-1"])
    store = conn.execute(
        "select name, department, opened_on from stores where code = '0009'"
    ).fetchone()
    assert store == ("Importado 0009", "Importado", dt.date(2026, 3, 10))
    series = conn.execute(
        "select doc_type, serie from comprobante_series join stores using (store_id) "
        "where code = '0009' order by serie"
    ).fetchall()
    assert series == [("03", "B009"), ("07", "BC09"), ("01", "F009"), ("07", "FC09")]
    product = conn.execute(
        "select p.list_price, d.name, s.ruc from products p "
        "join product_subcategories using (subcategory_id) "
        "join product_categories c using (category_id) "
        "join product_departments d on d.department_id = c.department_id "
        "join suppliers s using (supplier_id) where sku = 'NUEVO-1'"
    ).fetchone()
    assert product == (D("4.50"), "Importado", NEW_SUPPLIER_RUC)
    sales = conn.execute("select serie, total_amount from sales order by sold_at").fetchall()
    assert sales == [("B009", D("18.90")), ("B001", D("4.00"))]


def test_reject_file_loads_good_tickets_and_rejects_bad_tickets_whole(conn, chain, tmp_path):
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "1", "11.80", "A", unit_cost="5"),
        line("2026-03-10 10:00", "0001", "SKU0002", "1", "11.80", "B", unit_cost="5"),
        line("2026-03-10 10:00", "0001", "SKU0003", "1", "abc", "B", unit_cost="5"),
        line("2026-03-10 11:00", "0009", "SKU0001", "1", "11.80", "C", unit_cost="5"),
    ])  # fmt: skip
    rejects = tmp_path / "rechazos.csv"
    report = import_sales_file(conn, path, ImportOptions(opening_stock=True, reject_file=rejects))
    assert report.committed
    assert (report.imported_tickets, report.rejected_lines) == (1, [3, 4, 5])
    assert conn.execute("select count(*), sum(total_amount) from sales").fetchone() == (
        1, D("11.80")
    )  # fmt: skip
    assert conn.execute("select sum(quantity) from stock_balances").fetchone()[0] == 0
    rows = read_csv(rejects)
    assert [r["line_number"] for r in rows] == ["3", "4", "5"]
    assert list(rows[0]) == ["line_number", "date", "store", "sku", "quantity", "unit_price",
                             "ticket", "customer_doc", "payment_method", "doc_type", "unit_cost",
                             "reason"]  # fmt: skip
    assert (rows[1]["unit_price"], rows[1]["sku"]) == ("abc", "SKU0003")
    assert rows[0]["reason"] == "ticket='B': se rechaza el ticket completo: vea la línea 4"
    assert rows[1]["reason"].startswith("unit_price='abc': no es un número")
    assert rows[2]["reason"].startswith("store='0009': tienda desconocida")


def test_customers_are_found_by_blind_index_and_get_their_factura(conn, chain, tmp_path):
    vault = PiiVault.generate()
    ruc = make_ruc("20", 60000001)
    company = register_customer(conn, vault, CustomerInput("6", ruc, "Bodega Los Andes SAC"))
    person = register_customer(conn, vault, CustomerInput("1", "45678912", "Rosa Quispe"))
    stock_up(conn, chain, "0001", "SKU0001", 200, "5.00")
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "100", "11.80", "F1", doc_type="01",
             customer_doc=ruc),
        line("2026-03-10 09:30", "0001", "SKU0001", "70", "11.80", "B1", customer_doc="45678912"),
        line("2026-03-10 10:00", "0001", "SKU0001", "1", "11.80", "B2", customer_doc="11111111"),
    ])  # fmt: skip
    report = import_sales_file(conn, path, ImportOptions(reject_file=tmp_path / "r.csv"), vault)
    [(rejection)] = report.rejections
    assert (rejection.line, rejection.field, rejection.value) == (4, "customer_doc", "11111111")
    assert rejection.reason == "no hay ningún cliente registrado con este documento"
    sales = conn.execute(
        "select doc_type, serie, customer_id, total_amount from sales order by sold_at"
    ).fetchall()
    assert sales == [("01", "F001", company, D("1180.00")), ("03", "B001", person, D("826.00"))]


def test_a_quantity_too_large_for_the_database_is_rejected_not_a_crash(conn, chain, tmp_path):
    vault = PiiVault.generate()
    register_customer(conn, vault, CustomerInput("1", "45678912", "Rosa Quispe"))
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "1", "11.80", "A", unit_cost="5"),
        line("2026-03-10 09:30", "0001", "SKU0002", "7750885000123", "11.80", "B", unit_cost="5",
             customer_doc="45678912"),  # a barcode pasted into the quantity column
    ])  # fmt: skip
    options = ImportOptions(opening_stock=True, reject_file=tmp_path / "rechazos.csv")
    report = import_sales_file(conn, path, options, vault)
    assert report.committed
    assert [(r.line, r.field) for r in report.rejections] == [(3, "quantity")]
    assert report.imported_tickets == 1


def test_reject_file_of_a_parquet_import_loads_once_the_cause_is_fixed(conn, chain, tmp_path):
    """Integer DNIs lose their leading zero in Parquet; the reject file must still name them."""
    vault = PiiVault.generate()
    person = register_customer(conn, vault, CustomerInput("1", "01234567", "Rosa Quispe"))
    columns = {
        "date": [dt.datetime(2026, 3, 10, 9, 15)] * 2,
        "store": [1, 1],
        "sku": ["SKU0001", "SKU0002"],
        "quantity": [1, 1],
        "unit_price": [10.0, 5.9],
        "ticket": ["T1", "T1"],
        "customer_doc": [1234567, 1234567],
    }
    path = write_parquet(tmp_path / "ventas.parquet", columns)
    rejects = tmp_path / "rechazos.csv"
    first = import_sales_file(conn, path, ImportOptions(reject_file=rejects), vault)
    assert first.rejected_lines == [2, 3]  # no stock yet
    stock_up(conn, chain, "0001", "SKU0001", 1, "5.00")
    stock_up(conn, chain, "0001", "SKU0002", 1, "3.00")
    again = import_sales_file(conn, rejects, ImportOptions(), vault)
    assert again.rejections == []
    assert again.imported_tickets == 1
    assert conn.execute("select customer_id from sales").fetchone()[0] == person


def test_reject_file_copies_exactly_the_rejected_rows_as_written(conn, chain, tmp_path):
    path = tmp_path / "ventas.csv"
    path.write_text(
        "date;store;sku;quantity;unit_price;ticket;unit_cost;Nota\n"
        "2026-03-10 09:00;0001;SKU0001;1;11.80;A;5;ok\n"
        '2026-03-10 10:00;1;SKU0002;1;11.80;B;5;"dos\nlíneas"\n'
        "2026-03-10 10:00;0001;SKU0003; 2 ;10,50;B;5;señal\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rechazos.csv"
    report = import_sales_file(conn, path, ImportOptions(opening_stock=True, reject_file=rejects))
    assert (report.imported_tickets, report.rejected_lines) == (1, [3, 5])
    rows = read_csv(rejects)
    assert [(r["line_number"], r["store"], r["quantity"], r["unit_price"], r["Nota"])
            for r in rows] == [("3", "1", "1", "11.80", "dos\nlíneas"),
                               ("5", "0001", " 2 ", "10,50", "señal")]  # fmt: skip
    assert rows[0]["reason"] == "ticket='B': se rechaza el ticket completo: vea la línea 5"

    again = import_sales_file(conn, rejects, ImportOptions(opening_stock=True, reject_file=rejects))
    assert again.rejected_lines == [2, 4]  # the reject file's own lines; it is overwritten
    assert [(r["sku"], r["unit_price"], r["Nota"]) for r in read_csv(rejects)] == [
        ("SKU0002", "11.80", "dos\nlíneas"), ("SKU0003", "10,50", "señal")
    ]  # fmt: skip


def test_a_parquet_ticket_read_as_a_float_is_rejected_whole(conn, chain, tmp_path):
    """pandas writes ticket numbers with gaps as float64; a bad line still takes its ticket."""
    path = tmp_path / "ventas.parquet"
    columns = {
        "date": [dt.datetime(2026, 3, 10, 9, 15)] * 3,
        "store": [1, 1, 1],
        "sku": ["SKU0001", "SKU0002", "SKU0003"],
        "quantity": [1, 1, 1],
        "unit_price": [-1.0, 5.9, 5.9],
        "ticket": [1001.0, 1001.0, 1002.0],
        "unit_cost": [3.0, 3.0, 3.0],
    }
    pq.write_table(pa.table(columns), path, row_group_size=1)  # also read across row groups
    rejects = tmp_path / "rechazos.csv"
    report = import_sales_file(conn, path, ImportOptions(opening_stock=True, reject_file=rejects))
    assert (report.imported_tickets, report.rejected_lines) == (1, [2, 3])
    assert [(r["line_number"], r["ticket"]) for r in read_csv(rejects)] == [
        ("2", "1001.0"), ("3", "1001.0")
    ]  # fmt: skip
    assert conn.execute("select count(*) from sale_lines").fetchone()[0] == 1


def test_an_import_numbers_its_sales_gaplessly_and_the_tills_continue_after(conn, chain, tmp_path):
    """The import numbers through ``post_sales``: a refused ticket takes no number."""
    stock_up(conn, chain, "0001", "SKU0001", 10, "5.00")
    sell(conn, SaleRequest("till-1", "0001", [SaleLineInput("SKU0001", D(1))],
                           [PaymentInput("cash", D("11.80"))], sold_at=EARLY))  # fmt: skip
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "2", "11.80", "A"),
        line("2026-03-10 10:00", "0001", "SKU0001", "50", "11.80", "B"),  # beyond stock
        line("2026-03-10 11:00", "0001", "SKU0001", "3", "11.80", "C"),
        line("2026-03-10 12:00", "0002", "SKU0001", "1", "11.80", "D"),  # no stock in 0002
    ])  # fmt: skip
    report = import_sales_file(conn, path, ImportOptions(reject_file=tmp_path / "r.csv"))
    assert report.committed
    assert (report.imported_tickets, report.rejected_lines) == (2, [3, 5])
    after = sell(conn, SaleRequest("till-2", "0001", [SaleLineInput("SKU0001", D(1))],
                                   [PaymentInput("cash", D("11.80"))], sold_at=LATE))  # fmt: skip
    assert (after.serie, after.number) == ("B001", 4)
    numbers = conn.execute(
        "select s.channel, s.serie, s.number from sales s order by s.number"
    ).fetchall()
    assert numbers == [("pos", "B001", 1), ("import", "B001", 2), ("import", "B001", 3),
                       ("pos", "B001", 4)]  # fmt: skip
    series = conn.execute(
        "select serie, last_number from comprobante_series where serie in ('B001', 'B002') "
        "order by serie"
    ).fetchall()
    assert series == [("B001", 4), ("B002", 0)]  # the refused ticket D took no number
    issued = conn.execute("select serie, number from issued_documents order by 1, 2").fetchall()
    assert issued == [("B001", n) for n in (1, 2, 3, 4)]


def test_a_new_store_without_a_free_series_number_is_rejected_in_the_report(conn, chain, tmp_path):
    """--create-missing needs B0nn/F0nn/BC nn/FC nn free for some nn in 01-99; none is here."""
    catalog.create_store(conn, "0003", "Tienda Surco", "Lima", "Lima Metropolitana")
    for n in range(3, 100):
        catalog.create_series(conn, "0003", "03", f"B{n:03d}")
    stock_up(conn, chain, "0001", "SKU0001", 5, "5.00")
    before = table_counts(conn)
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "1", "11.80", "A"),
        line("2026-03-10 10:00", "0042", "SKU0001", "1", "11.80", "B", unit_cost="5"),
    ])  # fmt: skip
    report = import_sales_file(conn, path, ImportOptions(create_missing=True))
    assert not report.committed
    [rejection] = report.rejections
    assert (rejection.line, rejection.field, rejection.value) == (3, "store", "0042")
    assert rejection.reason == "no quedan números de serie libres (01-99) para crear esta tienda"
    assert table_counts(conn) == before
    kept = import_sales_file(
        conn, path, ImportOptions(create_missing=True, reject_file=tmp_path / "r.csv")
    )
    assert (kept.committed, kept.imported_tickets, kept.rejected_lines) == (True, 1, [3])
    assert kept.created_stores == []


def test_a_ticket_with_two_bad_lines_names_both_on_its_good_line(conn, chain, tmp_path):
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "1", "11.80", "A", unit_cost="5"),
        line("2026-03-10 09:00", "0001", "SKU0002", "-1", "11.80", "A", unit_cost="5"),
        line("2026-03-10 09:00", "0001", "SKU0003", "1", "abc", "A", unit_cost="5"),
    ])  # fmt: skip
    rejects = tmp_path / "rechazos.csv"
    report = import_sales_file(conn, path, ImportOptions(opening_stock=True, reject_file=rejects))
    assert report.committed and report.imported_tickets == 0
    assert report.rejected_lines == [2, 3, 4]
    reasons = {r["line_number"]: r["reason"] for r in read_csv(rejects)}
    assert reasons["2"] == "ticket='A': se rechaza el ticket completo: vea las líneas 3, 4"
    assert reasons["3"].startswith("quantity='-1': debe ser mayor que cero")


def test_a_till_selling_during_an_import_waits_and_neither_is_aborted(
    db_url, conn, chain, tmp_path, monkeypatch
):
    """A till holds SKU0002's balance (mid-sale) when an import starts, then numbers on the
    serie the import numbers on. The import locked its balances before its first sale, so it
    waits for the till instead of holding the serie while it waits: no deadlock (Postgres would
    abort one of the two, maybe the import after all its work)."""
    for sku in ("SKU0001", "SKU0002"):
        stock_up(conn, chain, "0001", sku, 10, "5.00")
    conn.commit()
    monkeypatch.setattr(loader, "BATCH", 1)  # ticket A numbers on B001 before B needs SKU0002
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "1", "11.80", "A"),
        line("2026-03-10 10:00", "0001", "SKU0002", "1", "11.80", "B"),
    ])  # fmt: skip
    outcome = {}

    def run_import():
        try:
            with psycopg.connect(db_url) as importer:
                outcome["report"] = import_sales_file(importer, path, ImportOptions())
        except psycopg.Error as error:
            outcome["error"] = error

    with psycopg.connect(db_url) as till, psycopg.connect(db_url, autocommit=True) as watch:
        till.execute("select 1 from stock_balances join products using (product_id) "
                     "where sku = 'SKU0002' for update")  # fmt: skip
        thread = threading.Thread(target=run_import)
        thread.start()
        deadline = time.monotonic() + 30
        while not watch.execute(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
            "and datname = current_database()"
        ).fetchone()[0]:
            assert time.monotonic() < deadline, "the import never waited for the till"
            time.sleep(0.05)
        sold = sell(till, SaleRequest("till", "0001", [SaleLineInput("SKU0002", D(1))],
                                      [PaymentInput("cash", D("11.80"))],
                                      sold_at=EARLY))  # fmt: skip
        till.commit()
        thread.join(30)
    assert "error" not in outcome
    assert outcome["report"].committed and outcome["report"].imported_tickets == 2
    assert (sold.serie, sold.number) == ("B001", 1)  # the till numbered while the import waited
    numbers = conn.execute("select channel, number from sales order by number").fetchall()
    assert numbers == [("pos", 1), ("import", 2), ("import", 3)]
