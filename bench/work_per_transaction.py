"""What one transaction writes: rows, index entries and WAL bytes, a sale beside tpcb-like.

Wall-clock ratios on a shared 2-core machine drift; what a transaction writes does not. A sale
(3 lines with kardex) and a tpcb-like transaction are measured alone, one after another, from
the server's statistics: rows inserted, updated or deleted (``pg_stat_user_tables``, partitions
counted as their own tables), index entries those rows added (each non-HOT row version adds one
entry to every index of its table), and WAL written (``pg_current_wal_lsn``).

Usage: uv run python bench/work_per_transaction.py [--transactions 2000]
"""

from __future__ import annotations

import argparse
import random
import subprocess
from dataclasses import dataclass

import psycopg
from bench_sales import init_pgbench, pgbench_binary, pgbench_env, prepare, ticket
from psycopg.conninfo import conninfo_to_dict

from erp_core import db
from erp_core.services.sales import sell

# Per table: rows written, and the index entries their row versions added.
TABLE_WRITES = """
select coalesce(sum(t.n_tup_ins + t.n_tup_upd + t.n_tup_del), 0)::bigint,
    coalesce(sum((t.n_tup_ins + t.n_tup_upd - t.n_tup_hot_upd)
        * (select count(*) from pg_index i where i.indrelid = t.relid)), 0)::bigint,
    pg_current_wal_lsn()
from pg_stat_user_tables t
"""


@dataclass(frozen=True)
class Work:
    rows: float
    index_entries: float
    wal_bytes: float

    def describe(self) -> str:
        return (f"{self.rows:.1f} rows, {self.index_entries:.1f} index entries, "
                f"{self.wal_bytes:,.0f} WAL bytes")  # fmt: skip


def snapshot(url: str) -> tuple[int, int, str]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select pg_stat_force_next_flush()")
        rows, entries, lsn = conn.execute(TABLE_WRITES).fetchone()
        return rows, entries, str(lsn)


def measure(url: str, run, transactions: int) -> Work:
    """Work a transaction of ``run()``, which commits ``transactions`` of them on ``url``."""
    rows0, entries0, lsn0 = snapshot(url)
    run()
    rows1, entries1, lsn1 = snapshot(url)
    with psycopg.connect(url) as conn:
        wal = conn.execute("select pg_wal_lsn_diff(%s, %s)", (lsn1, lsn0)).fetchone()[0]
    return Work((rows1 - rows0) / transactions, (entries1 - entries0) / transactions,
                float(wal) / transactions)  # fmt: skip


def sale_work(url: str, transactions: int) -> Work:
    rng = random.Random(7)

    def run() -> None:  # its own connection: a backend flushes its statistics as it ends
        with db.connect(url, autocommit=True) as conn:
            for n in range(transactions):
                sell(conn, ticket(rng, f"work-{n}", 0))

    return measure(url, run, transactions)


def tpcb_work(url: str, transactions: int) -> Work:
    name = conninfo_to_dict(url)["dbname"]

    def run() -> None:
        subprocess.run([pgbench_binary(), "-n", "-b", "tpcb-like", "-t", str(transactions), name],
                       env=pgbench_env(url), check=True, capture_output=True)  # fmt: skip

    return measure(url, run, transactions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transactions", type=int, default=2000)
    args = parser.parse_args()
    server = db.server_url()
    sales_db = db.create_database(server, "bench_work_sales")
    pgbench_db = db.create_database(server, "bench_work_pgbench")
    try:
        prepare(sales_db, 1)
        init_pgbench(pgbench_db)
        sale = sale_work(sales_db, args.transactions)
        tpcb = tpcb_work(pgbench_db, args.transactions)
    finally:
        db.drop_database(server, sales_db)
        db.drop_database(server, pgbench_db)
    print(f"a sale (3 lines + kardex): {sale.describe()}")
    print(f"a tpcb-like transaction:   {tpcb.describe()}")
    rows, wal = sale.rows / tpcb.rows, sale.wal_bytes / tpcb.wal_bytes
    print(f"a sale writes {rows:.2f}x the rows and {wal:.2f}x the WAL of a tpcb-like transaction")


if __name__ == "__main__":
    main()
