import datetime as dt
from decimal import Decimal as D

import psycopg
import pytest
from psycopg.pq import TransactionStatus

from erp_core.domain.documents import make_ruc
from erp_core.pii import PiiVault
from erp_core.services import catalog
from erp_core.services.errors import InsufficientStock, InvalidInput, NotFound
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from tests.factories import LIMA_NOON, build_chain, insert_customer, stock_up, table_activity
from tests.test_pii import assert_no_plaintext


def table_counts(conn) -> dict[str, int]:
    tables = ["sales", "sale_lines", "sale_payments", "kardex", "issued_documents",
              "idempotency_keys", "returns", "stock_balances"]  # fmt: skip
    return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


def sale(key, lines, payments, **kw):
    return SaleRequest(
        key,
        kw.pop("store", "0001"),
        [SaleLineInput(sku, D(q)) for sku, q in lines],
        [PaymentInput(m, D(a)) for m, a in payments],
        sold_at=kw.pop("sold_at", LIMA_NOON),
        **kw,
    )


@pytest.fixture
def chain(conn):
    chain = build_chain(conn)
    for sku in chain.skus:
        stock_up(conn, chain, "0001", sku, 10, "5.00")
    return chain


def test_sale_writes_header_lines_payments_kardex_and_lowers_stock(conn, chain):
    result = sell(conn, sale("k1", [("SKU0001", "3"), ("SKU0002", "1")], [("yape", "47.20")]))
    assert (result.serie, result.number) == ("B001", 1)
    assert result.total_amount == D("47.20")
    assert (result.taxable_amount, result.igv_amount) == (D("40.00"), D("7.20"))
    lines = conn.execute(
        "select quantity, line_total, unit_cost, cost_amount from sale_lines order by line_no"
    ).fetchall()
    assert lines == [
        (D("3"), D("35.40"), D("5"), D("15.00")),
        (D("1"), D("11.80"), D("5"), D("5.00")),
    ]
    qty = conn.execute(
        "select quantity from stock_balances b join products p using (product_id) "
        "where sku = 'SKU0001'"
    ).fetchone()[0]
    assert qty == D("7")
    kardex = conn.execute(
        "select operation_type, doc_type, serie, number, quantity_out, balance_quantity "
        "from kardex where operation_type = '01' order by kardex_id"
    ).fetchall()
    assert kardex == [
        ("01", "03", "B001", 1, D("3"), D("7")),
        ("01", "03", "B001", 1, D("1"), D("9")),
    ]
    assert result.sale_date == dt.date(2026, 3, 10)
    stored = conn.execute(
        "select serie, number, total_amount from sales where sale_id = %s and sale_date = %s",
        (result.sale_id, result.sale_date),
    ).fetchone()
    assert stored == ("B001", 1, D("47.20"))
    assert result.line_ids == [
        r[0] for r in conn.execute("select sale_line_id from sale_lines order by line_no")
    ]


def test_a_repeated_product_leaves_line_after_line(conn, chain):
    """Lines of one product leave one after the other: the second at the average the first
    left, and the new balance is the one after the last line."""
    stock_up(conn, chain, "0001", "SKU0001", 2, "6.00")  # 10 at 5.00 + 2 at 6.00 = 62.00
    sell(conn, sale("k1", [("SKU0001", "5"), ("SKU0002", "1"), ("SKU0001", "7")],
                    [("cash", "153.40")]))  # fmt: skip
    lines = conn.execute(
        "select line_no, quantity, unit_cost, cost_amount from sale_lines order by line_no"
    ).fetchall()
    # 62.00 / 12 = 5.166667: 5 leave at 25.83, leaving 36.17 for 7 (5.167143); the last 7
    # empty the balance and take exactly what is left.
    assert lines == [
        (1, D("5"), D("5.166667"), D("25.83")),
        (2, D("1"), D("5"), D("5.00")),
        (3, D("7"), D("5.167143"), D("36.17")),
    ]
    balance = conn.execute(
        "select quantity, total_value from stock_balances b join products p using (product_id) "
        "where sku = 'SKU0001' and store_id = (select store_id from stores where code = '0001')"
    ).fetchone()
    assert balance == (D("0"), D("0.00"))


def test_sale_date_is_the_lima_business_date(conn, chain):
    late_night_lima = dt.datetime(2026, 3, 11, 3, 30, tzinfo=dt.UTC)  # 22:30 on the 10th in Lima
    result = sell(
        conn, sale("k1", [("SKU0001", "1")], [("cash", "11.80")], sold_at=late_night_lima)
    )
    assert result.sale_date == dt.date(2026, 3, 10)


def test_promotion_discounts_the_line(conn, chain):
    product_id = conn.execute("select product_id from products where sku='SKU0001'").fetchone()[0]
    catalog.create_promotion(conn, "Quincena", product_id, "10", dt.date(2026, 3, 1),
                             dt.date(2026, 3, 15))  # fmt: skip
    result = sell(conn, sale("k1", [("SKU0001", "2")], [("cash", "21.24")]))
    assert result.total_amount == D("21.24")  # 11.80 * 0.9 = 10.62 x 2
    line = conn.execute("select discount_amount, promotion_id from sale_lines").fetchone()
    assert line[0] == D("2.36") and line[1] is not None


def test_insufficient_stock_names_product_store_stock_and_request(conn, chain):
    before = table_counts(conn)
    with pytest.raises(InsufficientStock, match=r"SKU0002 in store 0001: stock 10, requested 11"):
        sell(conn, sale("k1", [("SKU0001", "1"), ("SKU0002", "11")], [("cash", "141.60")]))
    assert table_counts(conn) == before


@pytest.mark.parametrize(
    ("lines", "payments", "kwargs", "error", "match"),
    [
        ([("SKU0001", "1")], [("cash", "11.00")], {}, InvalidInput, "add up to the total 11.80"),
        ([("SKU0001", "1")], [("bitcoin", "11.80")], {}, InvalidInput, "bitcoin"),
        ([("SKU0001", "0")], [("cash", "0.01")], {}, InvalidInput, "quantity='0'"),
        ([("NOPE", "1")], [("cash", "11.80")], {}, NotFound, "NOPE"),
        ([(None, "1")], [("cash", "11.80")], {}, InvalidInput, "sku=None"),
        ([("SKU0001", "1"), ("", "1")], [("cash", "23.60")], {}, InvalidInput, "sku=''"),
        ([("SKU0001", "1"), (1, "1")], [("cash", "23.60")], {}, InvalidInput, "sku=1"),
        ([("SKU0001", "1")], [("cash", "11.80")], {"store": "0009"}, NotFound, "0009"),
        ([("SKU0001", "1")], [("cash", "11.80")], {"store": "00011"}, NotFound, "00011"),
        ([("SKU0001", "1")], [("cash", "11.80")], {"doc_type": "01"}, InvalidInput, "RUC"),
        ([("SKU0001", "1")], [("cash", "11.80")], {"serie": "B999"}, InvalidInput, "serie"),
        ([("SKU0001", "1")], [("cash", "11.80")], {"serie": "B0011"}, InvalidInput, "'B0011'"),
        ([("SKU0001", "1")], [("cash", "11.80")], {"serie": "F001"}, InvalidInput, "'F001'"),
        (
            [("SKU0001", "1")],
            [("cash", "11.80")],
            {"channel": "telepatía"},
            InvalidInput,
            "channel='telepatía': must be one of pos, web",
        ),
        (
            [("SKU0001", "1")],
            [("cash", "11.80")],
            {"customer_id": 10**20},
            InvalidInput,
            "customer_id=100000000000000000000: must be a customer's id",
        ),
        (
            [("SKU0001", "1")],
            [("cash", "11.80")],
            {"customer_id": "7"},
            InvalidInput,
            "customer_id='7'",
        ),
        (
            [("SKU0001", "1")],
            [("cash", "11.801")],
            {},
            InvalidInput,
            "payment.amount='11.801': has more than 2 decimals",
        ),
        (
            [("SKU0001", "1")],
            [("cash", "NaN")],
            {},
            InvalidInput,
            "payment.amount='NaN': is not a finite number",
        ),
        ([("SKU0001", "1")], [("cash", "1e20")], {}, InvalidInput, "too large for an amount"),
    ],
)
def test_bad_sales_are_refused_and_leave_nothing(
    conn, chain, lines, payments, kwargs, error, match
):
    before = table_counts(conn)
    with pytest.raises(error, match=match):
        sell(conn, sale("bad", lines, payments, **kwargs))
    assert table_counts(conn) == before


def test_boleta_over_700_requires_identified_customer(conn, chain):
    stock_up(conn, chain, "0001", "SKU0003", 100, "5")
    with pytest.raises(InvalidInput, match="over S/ 700"):
        sell(conn, sale("k1", [("SKU0003", "60")], [("card", "708.00")]))
    customer = insert_customer(conn, "1")
    result = sell(conn, sale("k2", [("SKU0003", "60")], [("card", "708.00")], customer_id=customer))
    assert result.total_amount == D("708.00")


def test_factura_with_ruc_customer_uses_factura_serie(conn, chain):
    dni_customer = insert_customer(conn, "1")
    with pytest.raises(InvalidInput, match="RUC"):
        sell(conn, sale("k0", [("SKU0001", "1")], [("cash", "11.80")], doc_type="01",
                        customer_id=dni_customer))  # fmt: skip
    ruc_customer = insert_customer(conn, "6")
    result = sell(conn, sale("k1", [("SKU0001", "1")], [("transfer", "11.80")], doc_type="01",
                             customer_id=ruc_customer))  # fmt: skip
    assert (result.serie, result.number) == ("F001", 1)


def test_retried_sale_is_applied_once(conn, chain):
    request = sale("same-key", [("SKU0001", "2")], [("plin", "23.60")])
    first = sell(conn, request)
    second = sell(conn, request)
    assert first == second
    assert conn.execute("select count(*) from sales").fetchone()[0] == 1
    assert conn.execute("select quantity from stock_balances where quantity = 8").fetchone()


@pytest.mark.parametrize("serie", ["B0011", "B00", "B001 x"])
def test_the_numbering_never_takes_a_serie_for_a_longer_or_shorter_one(conn, chain, serie):
    # sell() refuses such a serie before the database sees it; any other caller of the
    # numbering must not get serie B001's next number either (migration 0006)
    store_id = conn.execute("select store_id from stores where code = '0001'").fetchone()[0]
    numbered = conn.execute(
        "select * from next_comprobante_number(%s, '03', current_date, %s)", (store_id, serie)
    ).fetchall()
    assert numbered == []
    assert conn.execute("select last_number from comprobante_series where serie = 'B001'")\
        .fetchone() == (0,)  # fmt: skip


def test_numbering_is_consecutive_and_a_failed_sale_leaves_no_gap(conn, chain):
    sell(conn, sale("a", [("SKU0001", "1")], [("cash", "11.80")]))
    with pytest.raises(InsufficientStock):
        sell(conn, sale("b", [("SKU0001", "50")], [("cash", "590.00")]))
    third = sell(conn, sale("c", [("SKU0001", "1")], [("cash", "11.80")]))
    assert third.number == 2


def test_identified_sales_leave_no_personal_data_in_plaintext(conn, chain):
    vault = PiiVault.generate()
    ruc_customer = insert_customer(conn, "6", vault, n=7)
    dni_customer = insert_customer(conn, "1", vault, n=8)
    sell(conn, sale("k1", [("SKU0001", "1")], [("card", "11.80")], doc_type="01",
                    customer_id=ruc_customer))  # fmt: skip
    sell(conn, sale("k2", [("SKU0002", "1")], [("yape", "11.80")], customer_id=dni_customer))
    secrets = [make_ruc("20", 30000007), "40000008", "Cliente 7", "Cliente 8",
               "cliente7@correo.pe", "cliente8@correo.pe", "987650007", "987650008"]  # fmt: skip
    assert_no_plaintext(conn, secrets)


def test_same_product_on_two_lines_leaves_one_running_balance(conn, chain):
    sell(conn, sale("k1", [("SKU0001", "1"), ("SKU0002", "1"), ("SKU0001", "2")],
                    [("cash", "47.20")]))  # fmt: skip
    kardex = conn.execute(
        "select quantity_out, balance_quantity from kardex k join products p using (product_id) "
        "where sku = 'SKU0001' and operation_type = '01' order by kardex_id"
    ).fetchall()
    assert kardex == [(D("1"), D("9")), (D("2"), D("7"))]
    stock = conn.execute(
        "select b.quantity from stock_balances b join products p using (product_id) "
        "where sku = 'SKU0001'"
    ).fetchone()[0]
    assert stock == D("7")


@pytest.mark.parametrize("inside_callers_transaction", [False, True])
def test_sale_commits_on_its_own_or_inside_the_callers_transaction(
    conn, chain, inside_callers_transaction
):
    """On its own a sale commits; inside the caller's transaction it is a savepoint."""
    conn.commit()
    if inside_callers_transaction:
        conn.execute("select 1")  # the caller's transaction is open
    with pytest.raises(InsufficientStock):
        sell(conn, sale("bad", [("SKU0001", "11")], [("cash", "129.80")]))
    result = sell(conn, sale("good", [("SKU0001", "1")], [("cash", "11.80")]))
    assert result.number == 1 and len(result.line_ids) == 1
    committed = conn.info.transaction_status == 0  # IDLE: nothing left open
    assert committed is not inside_callers_transaction
    conn.rollback()
    expected = 0 if inside_callers_transaction else 1
    assert conn.execute("select count(*) from sales").fetchone()[0] == expected


def test_on_a_pos_connection_in_autocommit_a_sale_is_its_own_transaction(db_url, conn, chain):
    """A terminal's connection is in autocommit: the one call is the whole transaction, a
    refused sale leaves nothing (not even its key) and the connection goes on."""
    conn.commit()
    with psycopg.connect(db_url, autocommit=True) as pos:
        with pytest.raises(InsufficientStock):
            sell(pos, sale("bad", [("SKU0001", "11")], [("cash", "129.80")]))
        result = sell(pos, sale("good", [("SKU0001", "1")], [("cash", "11.80")]))
        assert pos.info.transaction_status == TransactionStatus.IDLE
    assert conn.execute("select count(*), min(sale_id) from sales").fetchone() == (
        1, result.sale_id,
    )  # fmt: skip
    keys = conn.execute("select key from idempotency_keys where key in ('bad', 'good')")
    assert [row[0] for row in keys] == ["good"]


def test_a_terminal_never_scans_or_rewrites_the_idempotency_keys(conn, chain):
    """A POS connection lives for days and keeps its plans: a statement that scanned the key
    table would read every key ever claimed, once per sale (migration 0004)."""
    price = conn.execute("select list_price from products where sku = 'SKU0001'").fetchone()[0]
    stock_up(conn, chain, "0001", "SKU0001", 100, "5.00")
    for i in range(8):  # past the five custom plans after which a session settles on one
        sell(conn, sale(f"warm-{i}", [("SKU0001", "1")], [("cash", price)]))
    scans_before, updates_before = table_activity(conn, "idempotency_keys")
    results = [sell(conn, sale(f"k{i}", [("SKU0001", "1")], [("cash", price)])) for i in range(30)]
    scans_after, updates_after = table_activity(conn, "idempotency_keys")
    assert (scans_after, updates_after) == (scans_before, updates_before)
    stored = conn.execute("select result from idempotency_keys where key = 'k29'").fetchone()[
        0
    ]  # written with the claim, before the sale existed
    last = results[-1]
    assert (stored["sale_id"], stored["sale_date"]) == (last.sale_id, last.sale_date.isoformat())


def test_a_number_taken_under_the_series_lock_is_used_as_given(conn, chain):
    """A caller that locks the serie and numbers many sales itself (migration 0009)."""
    sell(conn, sale("first", [("SKU0001", "1")], [("cash", "11.80")]))
    with conn.transaction():
        last = conn.execute(
            "select last_number from comprobante_series where serie = 'B001' for update"
        ).fetchone()[0]
        for n in range(2):
            result = sell(conn, sale(f"blk{n}", [("SKU0001", "1")], [("cash", "11.80")],
                                     serie="B001", number=last + 1 + n))  # fmt: skip
            assert (result.serie, result.number) == ("B001", 2 + n)
        conn.execute("update comprobante_series set last_number = %s where serie = 'B001'",
                     (last + 2,))  # fmt: skip
    assert sell(conn, sale("next", [("SKU0001", "1")], [("cash", "11.80")])).number == 4


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"serie": "B001", "number": 1}, InvalidInput, "number=1: serie B001 has numbered up to 1"),
        ({"number": 5}, InvalidInput, "number=5: a number is given only with its serie"),
        ({"serie": "B001", "number": 0}, InvalidInput, "number=0: must be from 1 to 99999999"),
        ({"serie": "B001", "number": "7"}, InvalidInput, "number='7': must be a whole number"),
        ({"serie": "B002", "number": 9}, InvalidInput, "serie='B002'"),  # store 0002's serie
    ],
)
def test_a_given_number_that_is_taken_or_wrong_is_refused_and_leaves_nothing(
    conn, chain, kwargs, error, match
):
    sell(conn, sale("first", [("SKU0001", "1")], [("cash", "11.80")]))
    before = table_counts(conn)
    with pytest.raises(error, match=match):
        sell(conn, sale("bad", [("SKU0001", "1")], [("cash", "11.80")], **kwargs))
    assert table_counts(conn) == before
