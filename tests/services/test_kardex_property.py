"""Any sequence of movements keeps balance = sum of movements and matches a reference valuation."""

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp_core import db
from erp_core.services.adjustments import StockLineInput, record_shrinkage
from erp_core.services.errors import InsufficientStock
from erp_core.services.returns import ReturnLineInput, ReturnRequest, return_sale
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from tests.conftest import clone_database
from tests.factories import LIMA_NOON, build_chain, stock_up

movement = st.one_of(
    st.tuples(st.just("receive"), st.integers(1, 50), st.decimals("0.10", "99.99", places=2)),
    st.tuples(st.just("sell"), st.integers(1, 30), st.none()),
    st.tuples(st.just("return"), st.integers(1, 3), st.none()),
    st.tuples(st.just("shrink"), st.integers(1, 5), st.none()),
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(movement, min_size=1, max_size=25))
def test_any_sequence_of_movements_keeps_the_ledger_consistent(pg_server, template_db, moves):
    url = clone_database(pg_server, template_db)
    try:
        with db.connect(url) as conn:
            check_sequence(conn, moves)
    finally:
        db.drop_database(pg_server, url)


def check_sequence(conn, moves):
    chain = build_chain(conn, n_products=1, price="10.00")
    qty, value = Fraction(0), Fraction(0)  # reference: exact average cost, no rounding
    sales = []
    for i, (kind, n, cost) in enumerate(moves):
        at = LIMA_NOON + dt.timedelta(minutes=i)
        if kind == "receive":
            stock_up(conn, chain, "0001", "SKU0001", n, cost, key=f"m{i}")
            qty, value = qty + n, value + n * Fraction(cost)
        elif kind == "sell":
            request = SaleRequest(f"m{i}", "0001", [SaleLineInput("SKU0001", D(n))],
                                  [PaymentInput("cash", D(10 * n))], sold_at=at)  # fmt: skip
            if n * 10 > 700:
                continue
            try:
                result = sell(conn, request)
            except InsufficientStock:
                assert n > qty
                continue
            unit = value / qty
            sales.append((result, n, unit))
            qty, value = qty - n, value - n * unit
        elif kind == "return" and sales:
            result, remaining, unit = sales[-1]
            back = min(n, remaining)
            return_sale(conn, ReturnRequest(f"m{i}", result.sale_id,
                                            [ReturnLineInput(result.line_ids[0], D(back))],
                                            returned_at=at))  # fmt: skip
            if back == remaining:
                sales.pop()
            else:
                sales[-1] = (result, remaining - back, unit)
            qty, value = qty + back, value + back * unit
        elif kind == "shrink":
            try:
                record_shrinkage(conn, f"m{i}", "0001", [StockLineInput("SKU0001", D(n))], at=at)
            except InsufficientStock:
                assert n > qty
                continue
            unit = value / qty
            qty, value = qty - n, value - n * unit

        rows = conn.execute(
            "select quantity_in, quantity_out, total_in, total_out, balance_quantity, "
            "balance_value from kardex order by kardex_id"
        ).fetchall()
        if not rows:
            continue
        assert sum(r[0] - r[1] for r in rows) == rows[-1][4]
        assert sum(r[2] - r[3] for r in rows) == rows[-1][5]
        balance = conn.execute("select quantity, total_value from stock_balances").fetchone()
        assert balance == (rows[-1][4], rows[-1][5])
        assert balance[0] == qty
        # rounding to the cent per movement keeps the value within a cent per movement
        assert abs(Fraction(balance[1]) - value) <= Fraction(len(rows), 100)
        if balance[0] == 0:
            assert balance[1] == 0
