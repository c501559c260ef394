"""Terminals served by one service process through a few shared connections."""

import threading

import pytest

from erp_core.pos_pool import open_pos_pool
from erp_core.services.errors import InsufficientStock
from erp_core.services.sales import sell
from erp_core.settings import get_settings
from tests.factories import build_chain, stock_up
from tests.services.test_concurrency import one_unit

TERMINALS = 8


def serve(pool, requests):
    """Each request from its own terminal thread, all at once, through the shared pool."""
    barrier = threading.Barrier(len(requests))
    outcomes = [None] * len(requests)

    def terminal(i, request):
        barrier.wait()
        try:
            with pool.connection() as conn:
                outcomes[i] = sell(conn, request)
        except InsufficientStock as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=terminal, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_terminals_sharing_two_connections_sell_exactly_what_exists(conn, db_url):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 5, "5.00")
    with open_pos_pool(db_url, size=2) as pool:
        outcomes = serve(pool, [one_unit(f"t{i}") for i in range(TERMINALS)])
        assert pool.get_stats()["pool_size"] == 2
    sold = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert (len(sold), len(refused)) == (5, TERMINALS - 5)
    assert sorted(o.number for o in sold) == [1, 2, 3, 4, 5]
    assert conn.execute("select quantity, total_value from stock_balances").fetchone() == (0, 0)


def test_a_pooled_connection_is_autocommit_and_a_refusal_leaves_it_usable(conn, db_url):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 1, "5.00")
    with open_pos_pool(db_url, size=1) as pool:
        with pool.connection() as pooled:
            assert pooled.autocommit
            sell(pooled, one_unit("first"))
            with pytest.raises(InsufficientStock):
                sell(pooled, one_unit("second"))
        with pool.connection() as pooled:  # the same, only connection, idle again
            assert pooled.execute("select count(*) from sales").fetchone() == (1,)
    refused = conn.execute("select count(*) from idempotency_keys where key = 'second'")
    assert refused.fetchone() == (0,)  # the refused sale left nothing, not even its key


def test_the_pool_size_comes_from_the_environment_and_a_bad_one_is_named(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    assert get_settings().database_pool_size == 3
    monkeypatch.delenv("DATABASE_POOL_SIZE")
    assert get_settings().database_pool_size == 4
    monkeypatch.setenv("DATABASE_POOL_SIZE", "cero")
    with pytest.raises(ValueError, match="DATABASE_POOL_SIZE='cero'"):
        get_settings()
