"""Adjustments: opening costs and counted quantities that are not numbers are refused by name."""

from decimal import Decimal as D

import pytest

from erp_core.services.adjustments import (
    StockLineInput,
    record_opening_balance,
    record_physical_count,
)
from erp_core.services.errors import InvalidInput
from tests.factories import build_chain, stock_up


@pytest.mark.parametrize("cost", ["abc", "NaN"])
def test_an_opening_cost_that_is_not_a_number_is_refused_by_name(conn, cost):
    build_chain(conn, n_products=1)
    with pytest.raises(InvalidInput, match="row 1: unit_cost="):
        record_opening_balance(conn, "open", "0001", [StockLineInput("SKU0001", D(5), cost)])


@pytest.mark.parametrize("counted", ["abc", "NaN", "2.0004", "1e30"])
def test_a_counted_quantity_that_is_not_a_quantity_is_refused_by_name(conn, counted):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 2, "4.00")
    with pytest.raises(InvalidInput, match="row 1: counted_quantity="):
        record_physical_count(conn, "count", "0001", [StockLineInput("SKU0001", counted)])


def test_a_count_that_counts_one_sku_twice_is_refused_and_writes_nothing(conn):
    chain = build_chain(conn, n_products=1)
    stock_up(conn, chain, "0001", "SKU0001", 2, "4.00")
    conn.commit()
    counts = [StockLineInput("SKU0001", D(1)), StockLineInput("SKU0001", D(3))]
    with pytest.raises(InvalidInput, match="row 2: sku='SKU0001': is counted twice in one count"):
        record_physical_count(conn, "count", "0001", counts)
    conn.rollback()
    assert conn.execute("select count(*) from physical_counts").fetchone()[0] == 0
    assert conn.execute("select quantity from stock_balances").fetchone()[0] == 2
