"""The sale's pricing and valuation in SQL (migration 0005) equal their Python twins.

``post_sale`` prices lines with ``sale_line_amounts`` and values them out of the balance with
``issue_at_average``, restatements of ``domain.money.line_amounts`` and ``domain.kardex.issue``.
Any input both accept must give the same cents and the same six-decimal unit cost.
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from erp_core.domain.kardex import Balance, issue
from erp_core.domain.money import line_amounts

quantities = st.decimals("0.001", "500", places=3)
prices = st.decimals("0.01", "9999.99", places=2)
discounts = st.one_of(st.just(Decimal(0)), st.decimals("0.01", "99.99", places=2))
affectations = st.sampled_from(["10", "20", "30"])
unit_costs = st.decimals("0.000001", "999.999999", places=6)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(prices, quantities, affectations, discounts)
@example(Decimal("5.90"), Decimal(1), "10", Decimal(0))
@example(Decimal("0.05"), Decimal("0.1"), "10", Decimal("50"))  # a half cent in each step
@example(Decimal("1.18"), Decimal("0.125"), "10", Decimal(0))
def test_sql_line_amounts_equal_the_python_ones(conn, price, quantity, affectation, pct):
    expected = line_amounts(price, quantity, affectation, pct)
    row = conn.execute(
        "select (a).list_price, (a).unit_price, (a).discount_amount, (a).line_total, "
        "(a).taxable_amount, (a).igv_amount from sale_line_amounts(%s, %s, %s, %s) a",
        (price, quantity, affectation, pct),
    ).fetchone()
    assert row == (
        expected.list_price, expected.unit_price, expected.discount_amount,
        expected.line_total, expected.taxable_amount, expected.igv_amount,
    )  # fmt: skip


def test_sql_line_amounts_refuse_an_unknown_affectation(conn):
    with pytest.raises(Exception, match="igv_affectation 40 is not one of 10, 20, 30"):
        conn.execute("select sale_line_amounts(1, 1, '40', 0)")


@st.composite
def balances_and_outflows(draw):
    """A balance whose value is its quantity at its unit cost, give or take a few cents, and
    a quantity out of it: part of it or all of it."""
    quantity = draw(quantities)
    unit_cost = draw(unit_costs)
    value = max(
        Decimal("0.00"),
        (quantity * unit_cost).quantize(Decimal("0.01")) + draw(st.integers(-3, 3)) / Decimal(100),
    )
    balance = Balance(quantity, unit_cost, value)
    out = draw(st.one_of(st.just(quantity), st.decimals("0.001", quantity, places=3)))
    return balance, out


@SETTINGS
@given(balances_and_outflows())
@example((Balance(Decimal(3), Decimal("3.333333"), Decimal("10.00")), Decimal(1)))
@example((Balance(Decimal(3), Decimal("3.333333"), Decimal("10.00")), Decimal(3)))
def test_sql_issue_equals_the_python_one(conn, case):
    balance, quantity = case
    moved = issue(balance, quantity)
    row = conn.execute(
        "select (m).unit_cost_out, (m).total_out, (m).balance_quantity, "
        "(m).balance_unit_cost, (m).balance_value from issue_at_average(%s, %s, %s, %s) m",
        (quantity, balance.quantity, balance.unit_cost, balance.value),
    ).fetchone()
    assert row == (
        moved.unit_cost_out, moved.total_out, moved.balance.quantity,
        moved.balance.unit_cost, moved.balance.value,
    )  # fmt: skip
