"""Terminals racing: the last units, the comprobante numbering, and retries of one request."""

import threading
from decimal import Decimal as D

import psycopg

from erp_core.services.errors import InsufficientStock
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from tests.factories import LIMA_NOON, build_chain, stock_up

TERMINALS = 8


def race(db_url, requests):
    """Run each request on its own connection, all released at once; collect outcomes."""
    barrier = threading.Barrier(len(requests))
    outcomes = [None] * len(requests)

    def terminal(i, request):
        with psycopg.connect(db_url) as conn:
            barrier.wait()
            try:
                outcomes[i] = sell(conn, request)
            except InsufficientStock as exc:
                outcomes[i] = exc

    threads = [threading.Thread(target=terminal, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def one_unit(key, sku="SKU0001"):
    return SaleRequest(key, "0001", [SaleLineInput(sku, D(1))], [PaymentInput("yape", D("11.80"))],
                       sold_at=LIMA_NOON)  # fmt: skip


def test_terminals_racing_for_the_last_units_sell_exactly_what_exists(conn, db_url):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 3, "5.00")
    outcomes = race(db_url, [one_unit(f"t{i}") for i in range(TERMINALS)])
    sold = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert (len(sold), len(refused)) == (3, TERMINALS - 3)
    assert conn.execute("select quantity, total_value from stock_balances").fetchone() == (0, 0)
    assert conn.execute("select count(*) from sale_lines").fetchone()[0] == 3


def test_concurrent_sales_take_consecutive_numbers_without_gaps(conn, db_url):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 100, "5.00")
    outcomes = race(db_url, [one_unit(f"t{i}") for i in range(TERMINALS)])
    numbers = sorted(o.number for o in outcomes)
    assert numbers == list(range(1, TERMINALS + 1))
    assert conn.execute(
        "select last_number from comprobante_series where serie='B001'"
    ).fetchone() == (TERMINALS,)


def test_concurrent_retries_of_one_request_apply_it_once(conn, db_url):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 100, "5.00")
    outcomes = race(db_url, [one_unit("same-key") for _ in range(TERMINALS)])
    assert len({o.sale_id for o in outcomes}) == 1
    assert conn.execute("select count(*) from sales").fetchone()[0] == 1
    assert conn.execute("select quantity from stock_balances").fetchone()[0] == 99
