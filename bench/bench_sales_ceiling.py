"""How many sales a second the server itself can write, with no client cost, vs tpcb-like.

pgbench's C client calls the sale's database function ``post_sale`` (one statement, in
autocommit, prepared) with 8 clients, each on its own serie, 3-line tickets from 300 SKUs, as
``bench_sales.py`` does through the service layer. Then pgbench's built-in tpcb-like on another
database of the same server; rounds alternate, the median ratio is the result. It bounds what
any client could reach with this schema; the gap to ``bench_sales.py`` is the client's share.
Each round also has the C clients call ``post_sales`` with 4 sales a call (what 8 terminals
through a ``SalesWriter`` gather, about): the server's ceiling for sales written in batches.

Usage: uv run python bench/bench_sales_ceiling.py [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import os
import statistics
import tempfile

from bench_sales import (
    SKUS,
    init_pgbench,
    pgbench_tps,
    prepare,
    print_header,
    round_arguments,
    run_pgbench,
)

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


BATCH = 4  # sales a post_sales call: what 8 terminals through a SalesWriter gather, about


def batch_script() -> str:
    """pgbench: ``post_sales`` with BATCH 3-line boletas of the client's serie, paid by Yape."""
    picks = "\n".join(
        f"\\set p{s}{n} random({(n - 1) * SKUS // 3}, {n * SKUS // 3 - 1})"
        for s in range(BATCH) for n in (1, 2, 3)
    )  # fmt: skip
    skus = ", ".join(
        f"'B' || lpad(:p{s}{n}::text, 5, '0')" for s in range(BATCH) for n in (1, 2, 3)
    )
    key = "'ceiling-' || :client_id || '-' || random()::text"

    def many(value: str) -> str:  # the same value for each sale of the batch
        return "ARRAY[" + ", ".join([value] * BATCH) + "]"

    return f"""{picks}
SELECT count(*) FROM post_sales(
    ARRAY[{", ".join(f"{key} || '-{s}'" for s in range(BATCH))}], {many("'0001'")},
    {many("'03'")}, {many("'B' || lpad((:client_id + 1)::text, 3, '0')")},
    {many("current_date")}, {many("now()")}, {many("NULL")}::bigint[], {many("'pos'")},
    {many("NULL")}::integer[],
    ARRAY[{", ".join(str(s + 1) for s in range(BATCH) for _ in range(3))}], ARRAY[{skus}],
    {many("1, 1, 1")}::numeric[], {many("NULL, NULL, NULL")}::numeric[],
    ARRAY[{", ".join(str(s + 1) for s in range(BATCH))}], {many("'yape'")},
    {many("17.70")}::numeric[]);
"""


def run_batches(url: str, seconds: float) -> float:
    """Sales a second written by 8 pgbench clients calling ``post_sales`` with BATCH sales."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as file:
        file.write(batch_script())
        file.flush()
        calls = pgbench_tps(url, ["-n", "-M", "prepared", "-f", file.name], CLIENTS, seconds)
    return calls * BATCH


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
    args = round_arguments().parse_args()
    server = db.server_url()
    sales_db = db.create_database(server, "bench_ceiling")
    pgbench_db = db.create_database(server, "bench_pgbench")
    print_header(CLIENTS, args.rounds, args.seconds)
    ratios: list[float] = []
    batch_ratios: list[float] = []
    try:
        prepare(sales_db, CLIENTS)
        init_pgbench(pgbench_db)
        for round_no in range(args.rounds):
            sales = run_sales(sales_db, args.seconds)
            batched = run_batches(sales_db, args.seconds)
            tpcb = run_pgbench(pgbench_db, CLIENTS, args.seconds)
            ratios.append(sales / tpcb)
            batch_ratios.append(batched / tpcb)
            print(f"round {round_no + 1}: post_sale/s {sales:,.1f} ({ratios[-1]:.2f}x), "
                  f"in post_sales of {BATCH} {batched:,.1f} ({batch_ratios[-1]:.2f}x);  "
                  f"tpcb-like tps {tpcb:,.1f}")  # fmt: skip
        print(one_client(sales_db, pgbench_db, args.seconds))
    finally:
        db.drop_database(server, sales_db)
        db.drop_database(server, pgbench_db)
    print(f"load after: {os.getloadavg()}")
    print(f"post_sale from a C client: median {statistics.median(ratios):.2f}x of tpcb-like; "
          f"post_sales of {BATCH}: median {statistics.median(batch_ratios):.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
