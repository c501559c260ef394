"""How many sales a second the server itself can write, with no client cost, vs tpcb-like.

pgbench's C client calls the sale's database function ``post_sale`` (one statement, in
autocommit, prepared) with 8 clients, each on its own serie, 3-line tickets from 300 SKUs, as
``bench_sales.py`` does through the service layer. Then pgbench's built-in tpcb-like on another
database of the same server; rounds alternate, the median ratio is the result. It bounds what
any client could reach with this schema; the gap to ``bench_sales.py`` is the client's share.

Usage: uv run python bench/bench_sales_ceiling.py [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile

from bench_sales import SKUS, init_pgbench, pgbench_tps, prepare, print_header, run_pgbench

from erp_core import db

CLIENTS = 8

PICK = "\n".join(
    f"\\set p{n} random({(n - 1) * SKUS // 3}, {n * SKUS // 3 - 1})" for n in (1, 2, 3)
)  # three distinct products: one from each third of the catalogue
SKU_ARRAY = "ARRAY[" + ", ".join(f"'B' || lpad(:p{n}::text, 5, '0')" for n in (1, 2, 3)) + "]"
SALE = f"""{PICK}
SELECT count(*) FROM post_sale('ceiling-' || :client_id || '-' || random()::text, '0001', '03',
    'B' || lpad((:client_id + 1)::text, 3, '0'), current_date, now(), NULL, 'pos', {SKU_ARRAY},
    ARRAY[1, 1, 1]::numeric[], ARRAY[NULL, NULL, NULL]::numeric[], ARRAY['yape'],
    ARRAY[17.70]::numeric[]);
"""


def run_sales(url: str, seconds: float, clients: int = CLIENTS) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as file:
        file.write(SALE)
        file.flush()
        return pgbench_tps(url, ["-n", "-M", "prepared", "-f", file.name], clients, seconds)


def one_client(sales_db: str, pgbench_db: str, seconds: float) -> str:
    """Each side's time a transaction with one client: what the machine favours.

    tpcb-like costs mostly its commit (a flush), a sale mostly CPU; machines differ in how the
    two compare, and the 8-client ratio moves with them.
    """
    sale = 1000 / run_sales(sales_db, seconds, clients=1)
    tpcb = 1000 / pgbench_tps(pgbench_db, ["-b", "tpcb-like"], 1, seconds)
    return f"one client: post_sale {sale:.2f} ms, tpcb-like {tpcb:.2f} ms a transaction"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10, help="per round and side")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = db.server_url()
    sales_db = db.create_database(server, "bench_ceiling")
    pgbench_db = db.create_database(server, "bench_pgbench")
    print_header(CLIENTS, args.rounds, args.seconds)
    ratios: list[float] = []
    try:
        prepare(sales_db, CLIENTS)
        init_pgbench(pgbench_db)
        for round_no in range(args.rounds):
            sales = run_sales(sales_db, args.seconds)
            tpcb = run_pgbench(pgbench_db, CLIENTS, args.seconds)
            ratios.append(sales / tpcb)
            print(f"round {round_no + 1}: post_sale/s {sales:,.1f}  "
                  f"tpcb-like tps {tpcb:,.1f}  ratio {ratios[-1]:.2f}x")  # fmt: skip
        print(one_client(sales_db, pgbench_db, args.seconds))
    finally:
        db.drop_database(server, sales_db)
        db.drop_database(server, pgbench_db)
    print(f"load after: {os.getloadavg()}")
    print(f"post_sale from a C client: median {statistics.median(ratios):.2f}x of tpcb-like")


if __name__ == "__main__":
    main()
