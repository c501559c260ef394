"""Any sequence of movements keeps balance = sum of movements and matches a reference valuation,
also with arbitrary past dates (the kardex read in date order)."""

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp_core import db
from erp_core.domain.money import round_unit_cost
from erp_core.services.adjustments import StockLineInput, record_shrinkage
from erp_core.services.errors import InsufficientStock, OutOfDateOrder
from erp_core.services.purchasing import PurchaseLineInput, receive_goods
from erp_core.services.returns import ReturnLineInput, ReturnRequest, return_sale
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell, sell_many
from erp_core.services.transfers import TransferLineInput, dispatch_transfer, receive_transfer
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
            stock_up(conn, chain, "0001", "SKU0001", n, cost, key=f"m{i}", at=at)
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


DAY_ZERO = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
dated = st.tuples(st.integers(0, 1), st.integers(0, 60), st.integers(0, 12))  # product, day, hour
dated_movement = st.one_of(
    st.tuples(
        st.just("receive"), dated, st.integers(1, 40), st.decimals("0.10", "99.99", places=2)
    ),
    st.tuples(st.just("sell"), dated, st.integers(1, 30), st.none()),
    st.tuples(st.just("batch"), dated, st.integers(1, 30), dated),
    st.tuples(st.just("shrink"), dated, st.integers(1, 5), st.none()),
    st.tuples(st.just("return"), dated, st.integers(1, 3), st.none()),
    st.tuples(st.just("transfer"), dated, st.integers(1, 10), st.integers(0, 60)),  # hours later
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(dated_movement, min_size=1, max_size=20))
def test_movements_with_any_past_dates_keep_the_kardex_right_in_date_order(
    pg_server, template_db, moves
):
    """Whatever dates movements carry, each product x store's kardex read in date order runs
    from zero to its balance by the sum of its movements, never below zero, valued as a
    reference that values the accepted movements in date order; a movement dated before the
    latest one of its product in its store is refused (OutOfDateOrder), through the services
    (transfers between two stores included) and through post_sale/post_sales."""
    url = clone_database(pg_server, template_db)
    try:
        with db.connect(url) as conn:
            check_dated_sequence(conn, moves)
    finally:
        db.drop_database(pg_server, url)


class Reference:
    """Exact weighted-average valuation per product x store, in the order movements are
    accepted (store 0 is 0001, store 1 is 0002, which only receives transfers)."""

    def __init__(self):
        self.qty = {(p, s): Fraction(0) for p in (0, 1) for s in (0, 1)}
        self.value = {(p, s): Fraction(0) for p in (0, 1) for s in (0, 1)}
        self.last = {(p, s): None for p in (0, 1) for s in (0, 1)}  # latest movement's day

    def refuses(self, product: int, at: dt.datetime, store: int = 0) -> bool:
        last = self.last[product, store]
        return last is not None and at.date() < last

    def take(self, product: int, n: int, at: dt.datetime, store: int = 0) -> Fraction:
        unit = self.value[product, store] / self.qty[product, store]
        self.qty[product, store] -= n
        self.value[product, store] -= n * unit
        self._moved(product, store, at)
        return unit

    def put(self, product: int, n: int, unit: Fraction, at: dt.datetime, store: int = 0) -> None:
        self.qty[product, store] += n
        self.value[product, store] += n * unit
        self._moved(product, store, at)

    def _moved(self, product: int, store: int, at: dt.datetime) -> None:
        last = self.last[product, store]
        self.last[product, store] = at.date() if last is None else max(last, at.date())


def moment(when) -> dt.datetime:
    _, day, hour = when
    return DAY_ZERO + dt.timedelta(days=day, hours=hour)


def check_dated_sequence(conn, moves):
    chain = build_chain(conn, n_products=2, price="10.00")
    ref, sales, keys = Reference(), [], iter(range(10**6))

    def sale(product, n, at):
        return SaleRequest(f"k{next(keys)}", "0001", [SaleLineInput(chain.skus[product], D(n))],
                           [PaymentInput("cash", D(10 * n))], sold_at=at)  # fmt: skip

    def expect_sale(product, n, at, outcome):
        if ref.refuses(product, at):
            assert isinstance(outcome, OutOfDateOrder), outcome
        elif n > ref.qty[product, 0]:
            assert isinstance(outcome, InsufficientStock), outcome
        else:
            assert not isinstance(outcome, Exception), outcome
            sales.append((outcome, product, n, ref.take(product, n, at), at))

    for kind, when, n, extra in moves:
        product, at = when[0], moment(when)
        sku = chain.skus[product]
        if kind == "receive":
            try:
                receive_goods(
                    conn,
                    f"k{next(keys)}",
                    chain.supplier_ruc,
                    "0001",
                    [PurchaseLineInput(sku, D(n), extra)],
                    "G001",
                    next(keys) + 1,
                    at,
                )
                assert not ref.refuses(product, at)  # fmt: skip
                ref.put(product, n, Fraction(round_unit_cost(extra)), at)
            except OutOfDateOrder:
                assert ref.refuses(product, at)
        elif kind == "sell":
            try:
                outcome = sell(conn, sale(product, n, at))
            except (OutOfDateOrder, InsufficientStock) as refused:
                outcome = refused
            expect_sale(product, n, at, outcome)
        elif kind == "batch":  # two sales in one post_sales, valued in the order given
            other, other_at = extra[0], moment(extra)
            first, second = sell_many(conn, [sale(product, n, at), sale(other, 1, other_at)])
            expect_sale(product, n, at, first)
            expect_sale(other, 1, other_at, second)
        elif kind == "shrink":
            try:
                record_shrinkage(conn, f"k{next(keys)}", "0001", [StockLineInput(sku, D(n))], at=at)
                assert not ref.refuses(product, at) and n <= ref.qty[product, 0]
                ref.take(product, n, at)
            except OutOfDateOrder:
                assert ref.refuses(product, at)
            except InsufficientStock:
                assert not ref.refuses(product, at) and n > ref.qty[product, 0]
        elif kind == "transfer":  # 0001 -> 0002, received some hours after its dispatch
            lines = [TransferLineInput(sku, D(n))]
            try:
                transfer = dispatch_transfer(conn, f"k{next(keys)}", "0001", "0002", lines, at)
                assert not ref.refuses(product, at) and n <= ref.qty[product, 0]
            except OutOfDateOrder:
                assert ref.refuses(product, at)
                continue
            except InsufficientStock:
                assert not ref.refuses(product, at) and n > ref.qty[product, 0]
                continue
            unit = ref.take(product, n, at)
            arrival = at + dt.timedelta(hours=extra)
            try:
                receive_transfer(conn, f"k{next(keys)}", transfer, arrival)
                assert not ref.refuses(product, arrival, store=1)
                ref.put(product, n, unit, arrival, store=1)
            except OutOfDateOrder:  # stays in transit
                assert ref.refuses(product, arrival, store=1)
        elif kind == "transfer":  # 0001 -> 0002, received some hours after its dispatch
            lines = [TransferLineInput(sku, D(n))]
            try:
                transfer = dispatch_transfer(conn, f"k{next(keys)}", "0001", "0002", lines, at)
                assert not ref.refuses(product, at) and n <= ref.qty[product, 0]
            except OutOfDateOrder:
                assert ref.refuses(product, at)
                continue
            except InsufficientStock:
                assert not ref.refuses(product, at) and n > ref.qty[product, 0]
                continue
            unit = ref.take(product, n, at)
            arrival = at + dt.timedelta(hours=extra)
            try:
                receive_transfer(conn, f"k{next(keys)}", transfer, arrival)
                assert not ref.refuses(product, arrival, store=1)
                ref.put(product, n, unit, arrival, store=1)
            except OutOfDateOrder:  # stays in transit
                assert ref.refuses(product, arrival, store=1)
        elif kind == "return" and sales:
            result, sold_product, left, unit, sold_at = sales[-1]
            back, at = min(n, left), max(at, sold_at)  # a credit note follows its sale
            request = ReturnRequest(
                f"k{next(keys)}",
                result.sale_id,
                [ReturnLineInput(result.line_ids[0], D(back))],
                returned_at=at,
            )
            try:
                return_sale(conn, request)  # fmt: skip
                assert not ref.refuses(sold_product, at)
            except OutOfDateOrder:
                assert ref.refuses(sold_product, at)
                continue
            sales[-1] = (result, sold_product, left - back, unit, sold_at)
            if back == left:
                sales.pop()
            ref.put(sold_product, back, unit, at)
    conn.commit()
    for (product, store), store_code in [(key, ("0001", "0002")[key[1]]) for key in ref.qty]:
        pair = "from kardex k join products p using (product_id) join stores s using (store_id) "
        pair += "where p.sku = %s and s.code = %s"
        rows = conn.execute(
            "select k.movement_date, k.quantity_in - k.quantity_out, k.total_in - k.total_out, "
            f"k.balance_quantity, k.balance_value {pair} order by k.movement_date, k.kardex_id",
            (chain.skus[product], store_code),
        ).fetchall()
        ledger_order = conn.execute(
            f"select k.movement_date {pair} order by k.kardex_id", (chain.skus[product], store_code)
        ).fetchall()
        assert [r[0] for r in rows] == [r[0] for r in ledger_order]  # date order = ledger order
        qty, value = D(0), D(0)
        for _, moved, valued, balance_qty, balance_value in rows:
            qty, value = qty + moved, value + valued
            assert balance_qty == qty >= 0  # the running balance, never below zero
            assert balance_value == value >= 0
        assert qty == ref.qty[product, store]
        # rounding to the cent per movement keeps the value within a cent per movement
        assert abs(Fraction(value) - ref.value[product, store]) <= Fraction(len(rows), 100)
        if qty == 0:
            assert value == 0
