"""Every stock operation at once on the same few products: no deadlock, no raw database error,
and the kardex, the balances and the numbering come out consistent.

Six workers, each on its own connection and with its own seed, run a random mix of sales (one
at a time, and through a shared ``SalesWriter``), returns of earlier sales, goods receipts (with
and without a purchase order), transfers 0001 → 0002 dispatched and received, shrinkage and
physical counts, all in store 0001 (and 0002 for transfers) on four products. Business refusals
(not enough stock, over-returning, a transfer already received) are expected; anything else
fails the test with what happened.
"""

from __future__ import annotations

import random
import threading
import time
import traceback
from decimal import Decimal as D

import psycopg

from erp_core.services.adjustments import StockLineInput, record_physical_count, record_shrinkage
from erp_core.services.errors import InsufficientStock, InvalidInput
from erp_core.services.purchasing import (
    PurchaseLineInput,
    create_purchase_order,
    receive_goods,
)
from erp_core.services.returns import ReturnLineInput, ReturnRequest, return_sale
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from erp_core.services.sales_writer import SalesWriter
from erp_core.services.transfers import TransferLineInput, dispatch_transfer, receive_transfer
from erp_core.timeutil import business_date, now
from tests.factories import SUPPLIER_RUC, build_chain, guide_number, stock_up
from tests.services.test_post_sales import kardex_matches_balances

WORKERS = 6
OPERATIONS = 100  # per worker
SKUS = ["SKU0001", "SKU0002", "SKU0003", "SKU0004"]
PRICE = D("11.80")
WEIGHTS = {
    "sell": 25, "writer_sell": 15, "return": 15, "receipt": 8, "order_receipt": 4,
    "dispatch": 10, "receive_transfer": 8, "shrinkage": 8, "count": 7,
}  # fmt: skip


class Shared:
    """What the workers learn from each other: sales to return, transfers to receive."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sales: list = []  # (sale_id, [(sale_line_id, quantity)])
        self.transfers: list[int] = []
        self.done: dict[str, int] = {}
        self.refused: dict[str, int] = {}
        self.failures: list[str] = []

    def count(self, table: dict, op: str) -> None:
        with self.lock:
            table[op] = table.get(op, 0) + 1


def a_sale(rng: random.Random, key: str) -> SaleRequest:
    """1–3 lines over the four SKUs, sometimes one SKU twice, paid exactly."""
    skus = [rng.choice(SKUS) for _ in range(rng.randint(1, 3))]
    if len(skus) == 1 and rng.random() < 0.3:
        skus.append(skus[0])
    lines = [SaleLineInput(sku, D(rng.randint(1, 3))) for sku in skus]
    total = sum(line.quantity for line in lines) * PRICE
    return SaleRequest(key, "0001", lines, [PaymentInput(rng.choice(["cash", "yape"]), total)])


def some_lines(rng: random.Random, n_max: int = 2) -> list[str]:
    return rng.sample(SKUS, rng.randint(1, n_max))


def operate(op: str, rng: random.Random, key: str, conn, writer, shared: Shared) -> bool:
    """One operation (False: nothing to do yet); raises whatever the service raises."""
    if op in ("sell", "writer_sell"):
        request = a_sale(rng, key)
        result = sell(conn, request) if op == "sell" else writer.sell(request)
        lines = list(zip(result.line_ids, [x.quantity for x in request.lines], strict=True))
        with shared.lock:
            shared.sales.append((result.sale_id, lines))
    elif op == "return":
        with shared.lock:
            if not shared.sales:
                return False
            sale_id, lines = rng.choice(shared.sales[-4:])  # recent: returns race
        chosen = rng.sample(lines, rng.randint(1, len(lines)))
        lines = [ReturnLineInput(line_id, D(rng.randint(1, int(q)))) for line_id, q in chosen]
        return_sale(conn, ReturnRequest(key, sale_id, lines))
    elif op == "receipt":
        lines = [PurchaseLineInput(sku, D(rng.randint(1, 10)), D(rng.randint(400, 700)) / 100)
                 for sku in some_lines(rng)]  # fmt: skip
        receive_goods(conn, key, SUPPLIER_RUC, "0001", lines, "G001", guide_number(key))
    elif op == "order_receipt":
        lines = [PurchaseLineInput(sku, D(rng.randint(2, 10)), D(rng.randint(400, 700)) / 100)
                 for sku in some_lines(rng)]  # fmt: skip
        order = create_purchase_order(
            conn, key + "-po", SUPPLIER_RUC, "0001", lines, business_date(now())
        )
        first = [PurchaseLineInput(x.sku, x.quantity / 2, x.unit_cost) for x in lines]
        receive_goods(conn, key + "-a", SUPPLIER_RUC, "0001", first, "G002",
                      guide_number(key + "-a"), purchase_order_id=order)  # fmt: skip
        receive_goods(conn, key + "-b", SUPPLIER_RUC, "0001", first, "G002",
                      guide_number(key + "-b"), purchase_order_id=order)  # fmt: skip
    elif op == "dispatch":
        lines = [TransferLineInput(sku, D(rng.randint(1, 3))) for sku in some_lines(rng)]
        transfer_id = dispatch_transfer(conn, key, "0001", "0002", lines)
        with shared.lock:
            shared.transfers.append(transfer_id)
    elif op == "receive_transfer":
        with shared.lock:
            if not shared.transfers:
                return False
            transfer_id = rng.choice(shared.transfers[-3:])  # others may race for it: refused
        receive_transfer(conn, key, transfer_id)
    elif op == "shrinkage":
        lines = [StockLineInput(sku, D(1)) for sku in some_lines(rng)]
        record_shrinkage(conn, key, "0001", lines, reason=rng.choice(["merma", "desmedro"]))
    elif op == "count":
        counts = [StockLineInput(sku, D(rng.randint(10, 40))) for sku in some_lines(rng, 3)]
        record_physical_count(conn, key, "0001", counts)
    else:
        raise AssertionError(op)
    return True


def expected_refusal(op: str, error: Exception) -> bool:
    """The refusals a business rule makes under contention."""
    if isinstance(error, InsufficientStock):
        return op in ("sell", "writer_sell", "dispatch", "shrinkage")
    if isinstance(error, InvalidInput):
        return (op == "return" and error.field == "quantity") or (
            op == "receive_transfer" and error.field == "transfer_id"
        )
    return False


def worker(n: int, db_url: str, writer: SalesWriter, shared: Shared, start) -> None:
    rng = random.Random(1000 + n)
    ops, weights = list(WEIGHTS), list(WEIGHTS.values())
    with psycopg.connect(db_url, autocommit=True) as conn:
        start.wait()
        for i in range(OPERATIONS):
            op = rng.choices(ops, weights)[0]
            key = f"w{n}-{i}-{op}"
            try:
                if operate(op, rng, key, conn, writer, shared):
                    shared.count(shared.done, op)
            except Exception as error:  # every outcome is sorted: refusal or failure
                if expected_refusal(op, error):
                    shared.count(shared.refused, op)
                    continue
                detail = "".join(traceback.format_exception(error))
                with shared.lock:
                    shared.failures.append(f"worker {n} op {i} {op} ({key}):\n{detail}")
                if conn.broken:
                    return


def deadlocks(conn) -> int:
    conn.execute("select pg_stat_clear_snapshot()")
    return conn.execute(
        "select deadlocks from pg_stat_database where datname = current_database()"
    ).fetchone()[0]


def gaps(conn, query: str) -> list:
    """Per serie, its numbers when they are not 1..n."""
    return [(serie, numbers) for serie, numbers in conn.execute(query).fetchall()
            if numbers != list(range(1, len(numbers) + 1))]  # fmt: skip


def test_every_stock_operation_at_once_keeps_the_kardex_balances_and_numbering(conn, db_url):
    chain = build_chain(conn, n_products=len(SKUS))
    for sku in SKUS:
        stock_up(conn, chain, "0001", sku, 40, "5.00")
    stock_up(conn, chain, "0002", SKUS[0], 5, "5.50")  # one balance in 0002 exists already
    conn.commit()
    deadlocks_before = deadlocks(conn)
    conn.commit()

    shared = Shared()
    start = threading.Barrier(WORKERS)
    began = time.monotonic()
    with SalesWriter(db_url, connections=2) as writer:
        threads = [
            threading.Thread(target=worker, args=(n, db_url, writer, shared, start), daemon=True)
            for n in range(WORKERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        hung = [t.name for t in threads if t.is_alive()]
    elapsed = time.monotonic() - began
    assert not hung, f"workers still running after 120 s (a lock wait that never ends?): {hung}"
    assert not shared.failures, f"{len(shared.failures)} failures:\n" + "\n".join(
        shared.failures[:5]
    )
    total = sum(shared.done.values()) + sum(shared.refused.values())
    tally = f"{total} operations in {elapsed:.1f} s; done {shared.done}; refused {shared.refused}"
    assert total >= WORKERS * OPERATIONS * 0.8, tally
    assert all(shared.done.get(op) for op in WEIGHTS), tally

    assert kardex_matches_balances(conn), conn.execute(
        "select b.store_id, b.product_id, b.quantity, b.total_value, k.balance_quantity, "
        "k.balance_value from stock_balances b left join lateral (select * from kardex k "
        "where k.store_id = b.store_id and k.product_id = b.product_id "
        "order by kardex_id desc limit 1) k on true"
    ).fetchall()
    drift = conn.execute(
        "select count(*) from (select balance_quantity, balance_value, "
        "sum(quantity_in - quantity_out) over w as q, sum(total_in - total_out) over w as v "
        "from kardex window w as (partition by store_id, product_id order by kardex_id)) k "
        "where balance_quantity <> q or balance_value <> v"
    ).fetchone()[0]
    assert drift == 0, "kardex running balances differ from the sum of their movements"
    low = conn.execute(
        "select min(quantity), min(total_value), (select min(balance_quantity) from kardex), "
        "(select min(balance_value) from kardex) from stock_balances"
    ).fetchone()
    assert min(low) >= 0, low

    assert not gaps(conn, "select serie, array_agg(number order by number) from sales group by 1")
    assert not gaps(conn, "select serie, array_agg(number order by number) from returns group by 1")
    assert not gaps(
        conn, "select serie, array_agg(number order by number) from transfers group by 1"
    )
    assert not conn.execute(
        "select cs.serie, cs.last_number, count(x.number) from comprobante_series cs "
        "left join (select store_id, serie, number from sales union all "
        "           select store_id, serie, number from returns) x "
        "  on x.store_id = cs.store_id and x.serie = cs.serie "
        "group by cs.series_id having cs.last_number <> count(x.number)"
    ).fetchall()
    written = conn.execute("select count(*) from sales").fetchone()[0]
    assert written == shared.done.get("sell", 0) + shared.done.get("writer_sell", 0)
    assert conn.execute("select count(*) from returns").fetchone()[0] == shared.done.get(
        "return", 0
    )
    over_returned = conn.execute(
        "select l.sale_line_id, l.quantity, sum(r.quantity), l.line_total, sum(r.line_total), "
        "l.cost_amount, sum(r.cost_amount) from sale_lines l "
        "join return_lines r using (sale_line_id) group by l.sale_line_id, l.quantity, "
        "l.line_total, l.cost_amount having sum(r.quantity) > l.quantity "
        "or sum(r.line_total) > l.line_total or sum(r.cost_amount) > l.cost_amount"
    ).fetchall()
    assert not over_returned
    received_twice = conn.execute(
        "select t.transfer_id, t.status, count(k.*), (select count(*) from transfer_lines l "
        "where l.transfer_id = t.transfer_id) from transfers t left join kardex k "
        "on k.source_table = 'transfers' and k.source_id = t.transfer_id "
        "and k.operation_type = '21' group by t.transfer_id having count(k.*) <> case "
        "when t.status = 'received' then (select count(*) from transfer_lines l "
        "where l.transfer_id = t.transfer_id) else 0 end"
    ).fetchall()
    assert not received_twice
    conn.commit()

    for _ in range(20):  # the workers' backends report their statistics as they exit
        found = deadlocks(conn) - deadlocks_before
        conn.commit()
        if found:
            break
        time.sleep(0.05)
    assert found == 0, f"{found} deadlocks detected by Postgres (retried away or not)"
