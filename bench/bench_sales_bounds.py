"""What 8 terminals through a ``SalesWriter`` reach with the schema's integrity taken away.

An upper bound, never a proposal: one database as the migrations make it, and a copy of it
stripped of every foreign key, check constraint and secondary index of the tables a sale writes
(sales, sale lines, payments, kardex, balances, keys, numbers, series; primary keys and unique
constraints kept, so numbering and idempotency still hold). Each round sells through a
``SalesWriter`` for the same seconds on both, then runs pgbench's tpcb-like with 8 clients; the
medians of the ratios are the result. If even the stripped schema stays under the goal (0.5x),
no foreign key, check or index choice reaches it on this machine: what is left is the clients'
CPU and the latency of 8 sales in flight. ``bench_sales_ceiling.py`` bounds the other side (no
Python at all: pgbench's C client calls the sale functions).

Usage: uv run python bench/bench_sales_bounds.py [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import os
import statistics

from bench_sales import (
    init_pgbench,
    prepare,
    print_header,
    round_arguments,
    run_pgbench,
    run_writer,
)
from psycopg import sql

from erp_core import db

CLIENTS = 8
SALE_TABLES = (
    "sales", "sale_lines", "sale_payments", "kardex", "stock_balances", "idempotency_keys",
    "issued_documents", "comprobante_series",
)  # fmt: skip


def strip_integrity(url: str) -> tuple[int, int]:
    """Drop the sale tables' foreign keys, checks (as declared on the tables: their partitions
    inherit them) and non-unique indexes; returns how many were dropped of each."""
    tables = list(SALE_TABLES)
    with db.connect(url) as conn:
        constraints = conn.execute(
            "select conrelid::regclass::text, conname from pg_constraint"
            " where contype in ('f', 'c') and coninhcount = 0"
            " and conrelid::regclass::text = any(%s)",
            (tables,),
        ).fetchall()
        for table, name in constraints:
            conn.execute(sql.SQL("alter table {} drop constraint {}").format(
                sql.Identifier(table), sql.Identifier(name)))  # fmt: skip
        indexes = conn.execute(
            "select indexrelid::regclass::text from pg_index"
            " where not indisprimary and not indisunique and indrelid::regclass::text = any(%s)",
            (tables,),
        ).fetchall()
        for (index,) in indexes:
            conn.execute(sql.SQL("drop index {}").format(sql.Identifier(index)))
    return len(constraints), len(indexes)


def main() -> None:
    args = round_arguments().parse_args()
    server = db.server_url()
    full_db = db.create_database(server, "bench_bounds_full")
    bare_db = db.create_database(server, "bench_bounds_bare")
    pgbench_db = db.create_database(server, "bench_bounds_pgbench")
    print_header(CLIENTS, args.rounds, args.seconds)
    full_ratios, bare_ratios = [], []
    try:
        for url in (full_db, bare_db):
            prepare(url, CLIENTS)
        constraints, indexes = strip_integrity(bare_db)
        print(f"stripped copy: {constraints} foreign keys and checks, {indexes} indexes dropped")
        init_pgbench(pgbench_db)
        for round_no in range(args.rounds):  # alternating: the machine's load drifts
            full_tps, full_cpu = run_writer(full_db, CLIENTS, args.seconds, round_no)
            bare_tps, bare_cpu = run_writer(bare_db, CLIENTS, args.seconds, round_no)
            tpcb = run_pgbench(pgbench_db, CLIENTS, args.seconds)
            full_ratios.append(full_tps / tpcb)
            bare_ratios.append(bare_tps / tpcb)
            print(f"round {round_no + 1}: through a SalesWriter {full_tps:,.1f} sales/s "
                  f"({full_ratios[-1]:.2f}x: {full_cpu}), stripped {bare_tps:,.1f} "
                  f"({bare_ratios[-1]:.2f}x: {bare_cpu});  tpcb-like tps {tpcb:,.1f}")  # fmt: skip
    finally:
        for url in (full_db, bare_db, pgbench_db):
            db.drop_database(server, url)
    print(f"load after: {os.getloadavg()}")
    print(f"8 terminals through a SalesWriter: median {statistics.median(full_ratios):.2f}x; "
          f"without foreign keys, checks and secondary indexes: median "
          f"{statistics.median(bare_ratios):.2f}x (goal >= 0.5x)")  # fmt: skip


if __name__ == "__main__":
    main()
