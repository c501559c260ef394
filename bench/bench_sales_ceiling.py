"""How many sales a second the server itself can write, with no client cost, vs tpcb-like.

pgbench's C client drives the sale's two database functions (``claim_sale``, then
``record_sale`` with fixed, already valued lines) with 8 clients, each on its own serie, 3-line
tickets from 300 SKUs, as ``bench_sales.py`` does through the service layer. Then pgbench's
built-in tpcb-like on another database of the same server; rounds alternate, the median ratio
is the result. It bounds what any client could reach with these tables:

- ``two-calls``: BEGIN, claim_sale, record_sale, END: the service layer's statements;
- ``one-call``: both functions inside one function, in autocommit: the least a sale valued
  inside the database could send (the valuation itself not included).

The gap between this ceiling and ``bench_sales.py`` is the client's share.

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
    f"\\set p{n} random({(n - 1) * SKUS // 3 + 1}, {n * SKUS // 3})" for n in (1, 2, 3)
)  # three distinct products: one from each third of the catalogue
KEY = "'ceiling-' || :client_id || '-' || random()::text"
SKU_ARRAY = "ARRAY[" + ", ".join(f"'B' || lpad((:p{n} - 1)::text, 5, '0')" for n in (1, 2, 3)) + "]"
LINES = "jsonb_build_array(" + ", ".join(
    f"jsonb_build_object('line_no', {n}, 'product_id', :p{n}, 'quantity', 1, "
    "'list_price', 5.90, 'unit_price', 5.90, 'discount_amount', 0, 'promotion_id', null, "
    "'igv_affectation', '10', 'taxable_amount', 5.00, 'igv_amount', 0.90, 'line_total', 5.90, "
    "'unit_cost', 3.10, 'cost_amount', 3.10, 'balance_quantity', 999999, "
    "'balance_unit_cost', 3.10, 'balance_value', 3099996.90)"
    for n in (1, 2, 3)
) + ")"  # fmt: skip
PAYMENTS = """'[{"method": "yape", "amount": 17.70}]'"""
SERIE = "'B' || lpad((:client_id + 1)::text, 3, '0')"

TWO_CALLS = f"""{PICK}
BEGIN;
SELECT count(*) FROM claim_sale({KEY}, current_date, '0001', {SKU_ARRAY});
SELECT count(*) FROM record_sale(currval('sales_sale_id_seq'), 1, '03', {SERIE}, 'B', current_date, now(), NULL, 'pos', 15.00, 0, 2.70, 0, 17.70, {LINES}, {PAYMENTS});
END;
"""  # noqa: E501

ONE_CALL_FUNCTION = """
create function bench_one_call_sale(p_key text, p_skus text[], p_serie text, p_lines jsonb,
    p_payments jsonb) returns bigint
language plpgsql as $$
declare
    v_sale_id bigint;
begin
    select sale_id into v_sale_id from claim_sale(p_key, current_date, '0001', p_skus) limit 1;
    perform from record_sale(v_sale_id, 1, '03', p_serie, 'B', current_date, now(), null,
        'pos', 15.00, 0, 2.70, 0, 17.70, p_lines, p_payments);
    return v_sale_id;
end;
$$;
"""

ONE_CALL = f"""{PICK}
SELECT bench_one_call_sale({KEY}, {SKU_ARRAY}, {SERIE}, {LINES}, {PAYMENTS});
"""


def run_script(url: str, script: str, seconds: float) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as file:
        file.write(script)
        file.flush()
        return pgbench_tps(url, ["-n", "-f", file.name], CLIENTS, seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10, help="per round and side")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = db.server_url()
    sales_db = db.create_database(server, "bench_ceiling")
    pgbench_db = db.create_database(server, "bench_pgbench")
    print_header(CLIENTS, args.rounds, args.seconds)
    ratios: dict[str, list[float]] = {"two-calls": [], "one-call": []}
    try:
        prepare(sales_db, CLIENTS)
        with db.connect(sales_db, autocommit=True) as conn:
            conn.execute(ONE_CALL_FUNCTION)
        init_pgbench(pgbench_db)
        for round_no in range(args.rounds):
            for name, script in (("two-calls", TWO_CALLS), ("one-call", ONE_CALL)):
                sales = run_script(sales_db, script, args.seconds)
                tpcb = run_pgbench(pgbench_db, CLIENTS, args.seconds)
                ratios[name].append(sales / tpcb)
                print(f"round {round_no + 1} {name}: sales/s {sales:,.1f}  "
                      f"tpcb-like tps {tpcb:,.1f}  ratio {ratios[name][-1]:.2f}x")  # fmt: skip
    finally:
        db.drop_database(server, sales_db)
        db.drop_database(server, pgbench_db)
    print(f"load after: {os.getloadavg()}")
    for name, values in ratios.items():
        print(f"{name}: median {statistics.median(values):.2f}x of tpcb-like")


if __name__ == "__main__":
    main()
