"""Sales written in batches (``post_sales``, ``sell_many``, ``SalesWriter``) as one at a time."""

import datetime as dt
import random
import threading
import time
from collections import Counter
from decimal import Decimal as D

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp_core import db
from erp_core.domain.money import line_amounts
from erp_core.services import catalog, sales
from erp_core.services.errors import InsufficientStock, InvalidInput, NotFound
from erp_core.services.lookups import store_by_code
from erp_core.services.sales import SaleLineInput, SaleResult, sell, sell_many
from erp_core.services.sales_writer import SalesWriter
from tests.conftest import clone_database
from tests.factories import LIMA_NOON, build_chain, insert_customer, stock_up
from tests.services.test_sales import sale, table_counts

STORES = ("0001", "0002")


@pytest.fixture
def chain(conn):
    return stocked_chain(conn)


def stocked_chain(conn):
    """Both stores stocked alike: 10 units at 5.00 and 7 at 6.35 of each product; SKU0002
    15 % off in March 2026 (LIMA_NOON's month)."""
    chain = build_chain(conn)
    for store in STORES:
        for sku in chain.skus:
            stock_up(conn, chain, store, sku, 10, "5.00")
            stock_up(conn, chain, store, sku, 7, "6.35")
    product_2 = conn.execute("select product_id from products where sku = 'SKU0002'").fetchone()[0]
    catalog.create_promotion(conn, "Campaña escolar", product_2, "15", dt.date(2026, 3, 1),
                             dt.date(2026, 3, 31))  # fmt: skip
    conn.commit()
    return chain


@pytest.fixture
def autocommit(db_url):
    with psycopg.connect(db_url, autocommit=True) as connection:
        yield connection


def day_of_sales(store: str, customer: int) -> list:
    """Sales that exercise every rule: a promotion, a product twice, decimals, a factura, an
    import's price, a refusal in the middle, the sale that empties a balance."""
    at = LIMA_NOON
    return [
        sale(f"{store}-1", [("SKU0001", "3"), ("SKU0002", "1")], [("yape", "45.43")],
             store=store, sold_at=at),
        sale(f"{store}-2", [("SKU0001", "2.5"), ("SKU0001", "1")], [("cash", "20"),
             ("card", "21.30")], store=store, sold_at=at),
        sale(f"{store}-3", [("SKU0003", "10")], [("cash", "118.00")], store=store, sold_at=at),
        sale(f"{store}-4", [("SKU0003", "4")], [("plin", "47.20")], store=store, sold_at=at,
             doc_type="01", customer_id=customer),
        sale(f"{store}-5", [("SKU0002", "1")], [("cash", "9.99")], store=store, sold_at=at),
        sale(f"{store}-6", [("SKU0003", "13")], [("cash", "153.40")], store=store, sold_at=at),
        sale(f"{store}-7", [("SKU0003", "3")], [("transfer", "35.40")], store=store,
             sold_at=at),
    ]  # fmt: skip


def kardex_matches_balances(conn) -> bool:
    """Each balance is its kardex's last running balance (quantity and value)."""
    return not conn.execute(
        "select count(*) from stock_balances b where row(b.quantity, b.total_value) is distinct "
        "from (select row(k.balance_quantity, k.balance_value) from kardex k "
        "where k.store_id = b.store_id and k.product_id = b.product_id "
        "order by k.kardex_id desc limit 1)"
    ).fetchone()[0]


def stock_of(conn, sku: str) -> D:
    """``sku``'s stock in store 0001."""
    return conn.execute(
        "select quantity from stock_balances join products using (product_id) "
        "join stores using (store_id) where sku = %s and code = '0001'",
        (sku,),
    ).fetchone()[0]


def with_import_price(request, sku: str, price: str):
    request.lines = [SaleLineInput(x.sku, x.quantity, D(price) if x.sku == sku else None)
                     for x in request.lines]  # fmt: skip
    return request


def written(conn, store: str) -> dict:
    """What the sales of ``store`` wrote, without ids and series (each store has its own)."""
    store_id = store_by_code(conn, store).store_id
    return {
        "sales": conn.execute(
            "select number, doc_type, customer_id, taxable_amount, exempt_amount, igv_amount, "
            "discount_amount, total_amount from sales where store_id = %s order by number",
            (store_id,),
        ).fetchall(),
        "lines": conn.execute(
            "select s.number, l.line_no, l.product_id, l.quantity, l.list_price, l.unit_price, "
            "l.discount_amount, l.promotion_id, l.igv_affectation, l.taxable_amount, "
            "l.igv_amount, l.line_total, l.unit_cost, l.cost_amount from sale_lines l "
            "join sales s using (sale_id, sale_date) where l.store_id = %s order by 1, 2",
            (store_id,),
        ).fetchall(),
        "payments": conn.execute(
            "select s.number, p.method, p.amount from sale_payments p "
            "join sales s using (sale_id, sale_date) where s.store_id = %s "
            "order by 1, p.sale_payment_id",
            (store_id,),
        ).fetchall(),
        "kardex": conn.execute(
            "select product_id, operation_type, doc_type, number, quantity_out, unit_cost_out, "
            "total_out, balance_quantity, balance_unit_cost, balance_value from kardex "
            "where store_id = %s and source_table = 'sales' order by kardex_id",
            (store_id,),
        ).fetchall(),
        "balances": conn.execute(
            "select product_id, quantity, unit_cost, total_value from stock_balances "
            "where store_id = %s order by product_id",
            (store_id,),
        ).fetchall(),
    }


def test_a_batch_writes_what_the_same_sales_one_at_a_time_write(conn, chain, autocommit):
    customer = insert_customer(conn, "6")
    conn.commit()
    one_at_a_time, batch = (day_of_sales(store, customer) for store in STORES)
    for requests in (one_at_a_time, batch):
        with_import_price(requests[4], "SKU0002", "9.99")
    outcomes = []
    for request in one_at_a_time:
        try:
            outcomes.append(sell(conn, request))
        except InsufficientStock as error:
            outcomes.append(error)
    conn.commit()

    batch_outcomes = sell_many(autocommit, batch)

    assert [type(x) for x in batch_outcomes] == [type(x) for x in outcomes]
    assert isinstance(outcomes[5], InsufficientStock)  # 13 asked, 3 left after 10 and 4
    assert str(batch_outcomes[5]) == str(outcomes[5]).replace("store 0001", "store 0002")
    written_ones = [0, 1, 2, 3, 4, 6]  # the last one empties SKU0003's balance
    assert [(batch_outcomes[i].number, batch_outcomes[i].total_amount) for i in written_ones] == [
        (outcomes[i].number, outcomes[i].total_amount) for i in written_ones
    ]
    assert written(conn, "0002") == written(conn, "0001")
    assert written(conn, "0001")["sales"][0][-2:] == (D("1.77"), D("45.43"))  # the promotion


def test_each_refused_sale_names_what_sell_names_and_the_rest_are_written(conn, chain, autocommit):
    dni_customer = insert_customer(conn, "1")
    conn.commit()
    good = [("SKU0001", "1")], [("cash", "11.80")]
    refused = [
        sale("r-store", *good, store="9999"),
        sale("r-product", [("NOPE", "1")], [("cash", "11.80")]),
        sale("r-customer", *good, customer_id=987654),
        sale("r-factura", *good, doc_type="01", customer_id=dni_customer),
        sale("r-700", [("SKU0001", "60")], [("cash", "708.00")]),
        sale("r-paid", *good[:1], [("cash", "11.00")]),
        sale("r-serie", *good, serie="B777"),
        sale("r-stock", [("SKU0002", "18")], [("cash", "180.54")]),
        sale("r-quantity", [("SKU0001", "-1")], [("cash", "11.80")]),
    ]
    expected = []
    for request in refused:
        with pytest.raises((InvalidInput, NotFound, InsufficientStock)) as error:
            sell(conn, request)
        expected.append(str(error.value))
    before = table_counts(conn)
    goods = [sale(f"g{n}", *good) for n in range(len(refused) + 1)]
    mixed = [x for pair in zip(goods, refused, strict=False) for x in pair] + goods[-1:]

    outcomes = sell_many(autocommit, mixed)

    assert [str(x) for x in outcomes[1::2]] == expected
    assert [x.number for x in outcomes[0::2]] == list(range(1, len(goods) + 1))  # no gaps
    after = table_counts(conn)
    assert after["sales"] - before["sales"] == len(goods)
    assert after["kardex"] - before["kardex"] == len(goods)
    assert after["idempotency_keys"] - before["idempotency_keys"] == len(goods)
    retried = sell_many(autocommit, [sale("r-paid", *good)])[0]  # the refused key is free
    assert isinstance(retried, SaleResult) and retried.number == len(goods) + 1
    assert stock_of(conn, "SKU0001") == 17 - len(goods) - 1  # the retry's; not r-serie's
    assert kardex_matches_balances(conn)


def test_a_key_claimed_before_or_twice_in_a_batch_answers_with_its_first_sale(
    conn, chain, autocommit
):
    first = sell(conn, sale("same", [("SKU0001", "1")], [("cash", "11.80")]))
    conn.commit()
    twice = sale("twice", [("SKU0002", "1")], [("cash", "10.03")])
    outcomes = sell_many(autocommit, [
        sale("same", [("SKU0001", "1")], [("cash", "11.80")]), twice, twice,
    ])  # fmt: skip
    assert outcomes[0] == first
    assert outcomes[1] == outcomes[2] and outcomes[1].number == 2
    assert conn.execute("select count(*) from sales").fetchone()[0] == 2
    assert stock_of(conn, "SKU0002") == D("16")


def test_post_sales_refuses_a_key_given_twice_in_one_call(conn, chain):
    """``sell_many`` never sends one (it waits for the next round); a direct call is refused."""
    request = sale("twice", [("SKU0001", "1")], [("cash", "11.80")])
    batch = [(n, request, sales._arguments(request)) for n in range(2)]
    before = table_counts(conn)
    conn.commit()
    with pytest.raises(psycopg.errors.RaiseException, match="key is given twice"):
        sales._post_batch(conn, batch)
    conn.rollback()
    assert table_counts(conn) == before


def test_a_batch_that_fails_whole_is_written_sale_by_sale(conn, chain, autocommit):
    """Two sales given the same number (as an import's): the batch breaks the unique key; alone,
    the first is written and only the second fails."""
    number = 1  # B001 has numbered nothing yet
    requests = [sale(f"n{n}", [("SKU0001", "1")], [("cash", "11.80")], serie="B001",
                     number=number) for n in range(2)]  # fmt: skip

    outcomes = sell_many(autocommit, requests)

    assert isinstance(outcomes[0], SaleResult) and outcomes[0].number == number
    assert isinstance(outcomes[1], psycopg.errors.UniqueViolation)
    assert autocommit.execute("select count(*) from sales").fetchone()[0] == 1


def test_the_writer_and_the_tills_sell_exactly_the_stock_to_concurrent_callers(db_url, conn, chain):
    """Eight callers race for SKU0003's 17 units, one in every sale: four through a writer,
    four tills selling alone on their own connections. 17 sales are written, numbered without
    gaps, every other caller hears why it was refused, none deadlocks, the kardex ends at 0."""
    outcomes: list = []
    lock = threading.Lock()

    def terminal(n: int, writer: SalesWriter) -> None:
        rng = random.Random(n)
        with psycopg.connect(db_url, autocommit=True) as own:
            for k in range(6):
                other = rng.choice(["SKU0001", "SKU0002"])
                request = sale(f"t{n}-{k}", [(other, "0.5"), ("SKU0003", "1")],
                               [("cash", "17.70" if other == "SKU0001" else "16.82")])  # fmt: skip
                try:
                    result = writer.sell(request) if n % 2 else sell(own, request)
                except InsufficientStock as error:
                    result = error
                with lock:
                    outcomes.append(result)

    with SalesWriter(db_url, connections=2, max_batch=4) as writer:
        threads = [threading.Thread(target=terminal, args=(n, writer)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with pytest.raises(RuntimeError, match="closed"):
        writer.sell(sale("late", [("SKU0001", "1")], [("cash", "11.80")]))

    sold = sorted(x.number for x in outcomes if isinstance(x, SaleResult))
    refused = [x for x in outcomes if isinstance(x, InsufficientStock)]
    assert sold == list(range(1, 18))
    assert len(refused) == 48 - 17 and all(x.product == "SKU0003" for x in refused)
    assert kardex_matches_balances(conn)
    assert stock_of(conn, "SKU0003") == 0


def sale_transactions(conn, numbers) -> list[int]:
    """The transaction that wrote each sale (a batch is one transaction), by comprobante number."""
    conn.commit()
    return [conn.execute("select xmin::text::bigint from sales where number = %s", (n,))
            .fetchone()[0] for n in numbers]  # fmt: skip


@pytest.mark.parametrize(("fill", "linger", "batches"), [(3, 30.0, 1), (3, 0.0, 3), (2, 1.0, 2)])
def test_a_free_writer_lingers_for_company_until_its_batch_is_filled(
    db_url, conn, chain, fill, linger, batches
):
    """Sales given 0.2 s apart to an idle writer: lingering, it waits for ``fill`` of them and
    writes them together, or for ``linger`` at most (the third with a fill of 2); without, each
    is written alone."""
    results = {}

    def caller(k: int) -> None:
        results[k] = writer.sell(sale(f"l{k}", [("SKU0001", "1")], [("cash", "11.80")]))

    with SalesWriter(db_url, connections=1, fill=fill, linger=linger) as writer:
        threads = [threading.Thread(target=caller, args=(k,)) for k in range(3)]
        for thread in threads:
            thread.start()
            thread.join(timeout=0.2)
        for thread in threads:
            thread.join(timeout=20)  # a linger of 30 s would outlast this
        assert len(results) == 3
    transactions = sale_transactions(conn, [results[k].number for k in range(3)])
    assert len(set(transactions)) == batches


def test_a_lone_caller_is_not_kept_waiting_for_company(db_url, conn, chain):
    """With the fill following the callers, a writer with one caller writes each of its sales at
    once, alone, however long it could linger (a fixed fill of 2 would hold each for 30 s)."""
    results = []

    def caller() -> None:
        for k in range(3):
            result = writer.sell(sale(f"lone{k}", [("SKU0001", "1")], [("cash", "11.80")]))
            results.append(result)

    with SalesWriter(db_url, connections=1, linger=30.0) as writer:
        thread = threading.Thread(target=caller)
        thread.start()
        thread.join(timeout=20)
        assert len(results) == 3
    assert len(set(sale_transactions(conn, [r.number for r in results]))) == 3


def test_the_fill_grows_with_the_callers(db_url, conn, chain):
    """8 callers selling one sale after another through one connection: once the writer has seen
    them all in flight it waits for all 8, so most of the 96 sales are written 8 to a transaction
    (the first batches, while the callers start, are smaller; with a fixed fill of 4, 0 to 8 of
    the 96 were)."""
    numbers, lock = [], threading.Lock()

    def caller(n: int) -> None:
        for k in range(12):
            result = writer.sell(sale(f"g{n}-{k}", [("SKU0001", "0.1")], [("cash", "1.18")]))
            with lock:
                numbers.append(result.number)

    with SalesWriter(db_url, connections=1, linger=0.5) as writer:
        threads = [threading.Thread(target=caller, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(numbers) == list(range(1, 97))
    batch_sizes = Counter(sale_transactions(conn, numbers)).values()
    assert sum(size for size in batch_sizes if size == 8) >= 96 / 2, sorted(batch_sizes)


a_line = st.tuples(
    st.sampled_from(["SKU0001", "SKU0002", "SKU0003"]),
    st.decimals("0.5", "9", places=1),
    st.booleans(),  # at an import's price (no promotion)
)
a_sale = st.tuples(
    st.lists(a_line, min_size=1, max_size=4),
    st.sampled_from(["03", "01"]),
    st.booleans(),  # paid in full (else a cent short)
    st.sampled_from([False, False, False, True]),  # on a serie the store does not have
)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(a_sale, min_size=1, max_size=12), st.integers(1, 6))
def test_any_sales_in_any_batches_write_what_one_at_a_time_writes(
    pg_server, template_db, drawn_sales, batch_size
):
    """Stock runs out, products repeat across and within sales, some are refused: in batches of
    any size, ``sell_many`` writes in store 0002 what ``sell`` writes in store 0001."""
    url = clone_database(pg_server, template_db)
    try:
        with db.connect(url) as conn, db.connect(url, autocommit=True) as autocommit:
            stocked_chain(conn)
            ruc = insert_customer(conn, "6")
            conn.commit()
            alone = [priced_sale(f"a{n}", "0001", x, ruc) for n, x in enumerate(drawn_sales)]
            batched = [priced_sale(f"b{n}", "0002", x, ruc) for n, x in enumerate(drawn_sales)]
            outcomes = []
            for request in alone:
                try:
                    outcomes.append(sell(conn, request))
                except (InvalidInput, InsufficientStock) as error:
                    outcomes.append(error)
            conn.commit()
            batch_outcomes = []
            for start in range(0, len(batched), batch_size):
                batch_outcomes += sell_many(autocommit, batched[start : start + batch_size])
            refusals = [str(x) for x in outcomes if not isinstance(x, SaleResult)]
            batch_refusals = [str(x).replace("store 0002", "store 0001")
                              for x in batch_outcomes if not isinstance(x, SaleResult)]  # fmt: skip
            assert batch_refusals == refusals
            assert [type(x) for x in batch_outcomes] == [type(x) for x in outcomes]
            assert written(conn, "0002") == written(conn, "0001")
            assert kardex_matches_balances(conn)
    finally:
        db.drop_database(pg_server, url)


def priced_sale(key: str, store: str, drawn, ruc_customer: int):
    """The drawn sale, paid its total (computed as the service prices it) or a cent short."""
    lines, doc_type, paid_in_full, unknown_serie = drawn
    total = D("0.00")
    inputs = []
    for sku, quantity, import_price in lines:
        price = D("7.77") if import_price else None
        discount = 15 if sku == "SKU0002" and not import_price else 0
        total += line_amounts(price or D("11.80"), quantity, "10", discount).line_total
        inputs.append(SaleLineInput(sku, quantity, price))
    unknown = "F999" if doc_type == "01" else "B999"
    request = sale(key, [], [("cash", total if paid_in_full else total - D("0.01"))],
                   store=store, doc_type=doc_type,
                   customer_id=ruc_customer if doc_type == "01" else None,
                   serie=unknown if unknown_serie else None)  # fmt: skip
    request.lines = inputs
    return request


def test_no_sale_waits_past_the_linger_when_two_writers_race_for_it(db_url, conn, chain):
    """Bursts of 3 callers, each burst answered before the next starts, through 2 writer
    connections lingering for a fill they never reach: every burst is answered. A writer
    lingering on Python 3.11's ``SimpleQueue.get(timeout=)`` whose wake-up sale the other writer
    took waited, past its linger, for the next sale to arrive: with nothing more sold, its caller
    waited for ever (found by ``bench_sales_bounds.py``; 1 burst in a few hundred)."""
    stock_up(conn, chain, "0001", "SKU0001", 1000, "4.00")
    conn.commit()

    def caller(burst: int, k: int) -> None:
        time.sleep(random.random() * 0.002)  # arrivals around the 0.5 ms linger
        writer.sell(sale(f"race{burst}-{k}", [("SKU0001", "0.1")], [("cash", "1.18")]))

    with SalesWriter(db_url, connections=2, fill=8) as writer:
        for burst in range(400):
            threads = [threading.Thread(target=caller, args=(burst, k)) for k in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=10)
            assert not any(t.is_alive() for t in threads), f"burst {burst} was not answered in 10 s"
