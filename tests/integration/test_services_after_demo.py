"""The services keep working on top of a demo chain: the bulk path left what they expect."""

import datetime as dt
from decimal import Decimal as D

from erp_core.demo.generate import generate
from erp_core.demo.scales import Scale
from erp_core.services.returns import ReturnLineInput, ReturnRequest, return_sale
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell

END = dt.date(2026, 10, 31)
TINY = Scale("tiny", stores=2, skus=60, days=14, sale_lines=3_000, suppliers=6,
             complementary_pairs=3)  # fmt: skip


def test_a_service_sale_and_return_continue_the_demo_kardex(conn, tmp_path):
    generate(conn, TINY, 7, END, truth_path=tmp_path / "truth.json")
    store, sku, qty, serie, last = conn.execute(
        "select s.code, p.sku, b.quantity, cs.serie, cs.last_number from stock_balances b "
        "join stores s using (store_id) join products p using (product_id) "
        "join comprobante_series cs on cs.store_id = s.store_id and cs.doc_type = '03' "
        "where b.quantity >= 2 and not s.is_warehouse and p.list_price < 300 "
        "order by b.quantity desc, s.code, p.sku, cs.serie limit 1"
    ).fetchone()
    price = conn.execute("select list_price from products where sku = %s", (sku,)).fetchone()[0]
    at = dt.datetime(2026, 11, 1, 15, tzinfo=dt.UTC)
    result = sell(
        conn,
        SaleRequest("after-demo", store, [SaleLineInput(sku, D(2), unit_price=price)],
                    [PaymentInput("cash", price * 2)], sold_at=at, serie=serie),
    )  # fmt: skip
    assert (result.serie, result.number) == (serie, last + 1)
    back = [ReturnLineInput(result.line_ids[0], D(1))]
    return_sale(conn, ReturnRequest("after-demo-return", result.sale_id, back, returned_at=at))
    balance = conn.execute(
        "select b.quantity, b.total_value from stock_balances b join stores s using (store_id) "
        "join products p using (product_id) where s.code = %s and p.sku = %s",
        (store, sku),
    ).fetchone()
    last_kardex = conn.execute(
        "select balance_quantity, balance_value from kardex k join stores s using (store_id) "
        "join products p using (product_id) where s.code = %s and p.sku = %s "
        "order by k.moved_at desc, k.kardex_id desc limit 1",
        (store, sku),
    ).fetchone()
    assert balance == last_kardex
    assert balance[0] == qty - 1
