from decimal import Decimal as D

import psycopg
import pytest

from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput
from erp_core.services.transfers import TransferLineInput, dispatch_transfer
from tests.factories import build_chain, stock_up, table_activity


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
