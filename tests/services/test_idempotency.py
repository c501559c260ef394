from decimal import Decimal as D

import psycopg
import pytest

from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput
from erp_core.services.purchasing import PurchaseLineInput, receive_goods
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell, sell_many
from erp_core.services.transfers import TransferLineInput, dispatch_transfer
from tests.factories import LIMA_NOON, build_chain, stock_up, table_activity


def test_a_result_is_recorded_by_index_however_much_the_keys_grew(conn, db_url):
    """A connection keeps its prepared plans until the next ANALYZE: one made while the key
    table was small must not become a scan of every key once the table has grown."""

    def operation(key: str) -> None:
        with conn.transaction():
            assert idempotency.claim(conn, key, "receipt") is None
            idempotency.record(conn, key, {"receipt_id": 1})

    operation("first")
    conn.execute("analyze idempotency_keys")  # statistics of a new, small table
    conn.commit()  # (then plans are made again, from those statistics)
    for i in range(15):  # past the executions after which a session settles on a plan
        operation(f"early-{i}")
    with psycopg.connect(db_url, autocommit=True) as other:  # a busy day, no ANALYZE yet
        other.execute(
            "insert into idempotency_keys (key, operation) "
            "select 'other-terminal-' || n, 'sale' from generate_series(1, 20000) n"
        )
    scans_before, _ = table_activity(conn, "idempotency_keys")
    for i in range(10):
        operation(f"late-{i}")
    scans_after, _ = table_activity(conn, "idempotency_keys")
    assert scans_after == scans_before
    assert idempotency.claim(conn, "late-9", "receipt") == {"receipt_id": 1}


def test_a_key_reused_for_another_operation_is_refused_by_name_and_applies_nothing(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 5, "4.00", key="k1")
    with pytest.raises(InvalidInput, match="idempotency_key='k1': was already used for goods_rec"):
        dispatch_transfer(conn, "k1", "0001", "0002", [TransferLineInput("SKU0001", D(1))])
    assert conn.execute("select count(*) from transfers").fetchone()[0] == 0


def a_sale(key: str, quantity: int, at=LIMA_NOON) -> SaleRequest:
    return SaleRequest(key, "0001", [SaleLineInput("SKU0001", D(quantity))],
                       [PaymentInput("cash", D("11.80") * quantity)], sold_at=at)  # fmt: skip


def test_a_key_reused_for_another_sale_is_refused_by_name_and_a_retry_still_answers(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 10, "4.00")
    first = sell(conn, a_sale("till-1", 2))
    again = a_sale("till-1", 2)  # the same sale, written differently: still a retry
    again.lines = [SaleLineInput("SKU0001", D("2.000"))]
    assert sell(conn, again).sale_id == first.sale_id
    with pytest.raises(InvalidInput, match="idempotency_key='till-1': was already used for "
                       "another sale request"):  # fmt: skip
        sell(conn, a_sale("till-1", 3))
    assert conn.execute("select count(*), sum(quantity) from sale_lines").fetchone() == (1, D(2))


def test_a_batch_refuses_a_key_reused_for_another_sale_and_answers_a_retry(conn):
    """post_sales (a batch, as the writer and the import send them) holds the same rule."""
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 10, "4.00")
    conn.commit()
    conn.autocommit = True
    first = sell(conn, a_sale("till-1", 2))
    retry, changed, new = sell_many(
        conn, [a_sale("till-1", 2), a_sale("till-1", 3), a_sale("till-2", 1)]
    )
    assert retry.sale_id == first.sale_id
    assert isinstance(changed, InvalidInput)
    assert "idempotency_key='till-1': was already used for another sale request" in str(changed)
    assert not isinstance(new, Exception)
    assert conn.execute("select sum(quantity) from sale_lines").fetchone() == (D(3),)


def test_a_key_reused_for_another_receipt_is_refused_and_a_retry_answers(conn):
    chain = build_chain(conn, n_products=1)
    lines = [PurchaseLineInput("SKU0001", D(5), D("4.00"))]
    first = receive_goods(conn, "g1", chain.supplier_ruc, "0001", lines, "G001", 1, LIMA_NOON)
    assert receive_goods(conn, "g1", chain.supplier_ruc, "0001", lines, "G001", 1, LIMA_NOON) == (
        first
    )
    more = [PurchaseLineInput("SKU0001", D(50), D("4.00"))]
    with pytest.raises(InvalidInput, match="idempotency_key='g1': was already used for another "
                       "goods_receipt request"):  # fmt: skip
        receive_goods(conn, "g1", chain.supplier_ruc, "0001", more, "G001", 2, LIMA_NOON)
    assert conn.execute("select quantity from stock_balances").fetchone() == (D(5),)
