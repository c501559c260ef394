"""Peak memory of ``import-sales`` per row, against a child that only reads the same CSV.

Writes a synthetic CSV of ``--rows`` sale lines (tickets of 1-5 lines, 10 stores, 2,000 SKUs,
one year of dates) and imports it into a fresh, migrated database of the embedded server with
``--create-missing --opening-stock`` (the stores and SKUs are created, every ticket is sold
through the sales service). Each side runs in its own child process, which reports its own
peak RSS (``ru_maxrss``):

- baseline: imports the importer's modules, connects, and reads the CSV with the ``csv``
  module without keeping the rows;
- import: ``import_sales_file`` on the same file.

It prints both peaks, their ratio and the import's extra MB per 100k rows. Machines are
shared, so run it under ``flock /tmp/bench.lock``. Results go to ``docs/BENCHMARKS.md``.

    uv run python bench/bench_import.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from erp_core import db, migrate
from erp_core.domain.documents import make_ruc

STORES = 10
SKUS = 2_000
SUPPLIER_RUC = make_ruc("20", 55500077)
COLUMNS = ["date", "store", "sku", "quantity", "unit_price", "ticket", "payment_method",
           "unit_cost"]  # fmt: skip
PAYMENTS = ["cash", "card", "yape", "plin"]


def write_sales(path: Path, rows: int, seed: int = 7) -> int:
    """``rows`` lines in tickets of 1-5 distinct SKUs; boletas stay under S/ 700 (no buyer)."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, 8, 0)
    written, ticket = 0, 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        while written < rows:
            ticket += 1
            store = f"{rng.randrange(1, STORES + 1):04d}"
            sold_at = start + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
            payment = rng.choice(PAYMENTS)
            size = min(rng.randint(1, 5), rows - written)
            for sku in rng.sample(range(SKUS), size):
                price = 1 + sku % 39  # at most 5 lines x 3 units x S/ 39.90 = S/ 598.50
                writer.writerow([
                    sold_at.isoformat(sep=" ", timespec="minutes"), store, f"BK{sku:05d}",
                    rng.randint(1, 3), f"{price}.90", f"T{ticket:08d}", payment,
                    f"{price * 0.6:.2f}",
                ])  # fmt: skip
            written += size
    return ticket


def child(kind: str, path: Path, url: str) -> None:
    """Run one side and print its peak RSS (and what it did) as JSON on the last line."""
    from erp_core.importer.run import ImportOptions, import_sales_file
    from erp_core.pii import PiiVault

    started = time.perf_counter()
    result: dict = {"kind": kind}
    with db.connect(url, autocommit=True) as conn:
        if kind == "baseline":
            with path.open(newline="", encoding="utf-8") as f:
                result["rows"] = sum(1 for _ in csv.reader(f)) - 1
        else:
            options = ImportOptions(create_missing=True, supplier_ruc=SUPPLIER_RUC,
                                    opening_stock=True)  # fmt: skip
            report = import_sales_file(conn, path, options, PiiVault.generate())
            assert report.committed, report.sorted_rejections()[:5]
            result["rows"] = report.imported_lines
            result["tickets"] = report.imported_tickets
    result["seconds"] = time.perf_counter() - started
    result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


def run_child(kind: str, path: Path, url: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), url],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "FILE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, url = args.child
        child(kind, Path(path), url)
        return

    server = db.server_url()
    url = db.create_database(server, "bench_import")
    try:
        migrate.upgrade(url)
        with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
            path = Path(tmp) / "ventas.csv"
            tickets = write_sales(path, args.rows)
            size_mb = path.stat().st_size / 1e6
            print(f"file: {args.rows:,} rows, {tickets:,} tickets, {size_mb:.1f} MB")
            base = run_child("baseline", path, url)
            done = run_child("import", path, url)
    finally:
        db.drop_database(server, url)
    assert done["rows"] == args.rows, done
    base_mb, import_mb = base["maxrss_kb"] / 1024, done["maxrss_kb"] / 1024
    per_100k = (import_mb - base_mb) / args.rows * 100_000
    print(f"baseline (modules + csv read):  {base_mb:8.1f} MB peak RSS  {base['seconds']:7.1f} s")
    print(f"import ({done['tickets']:,} tickets):  {import_mb:8.1f} MB peak RSS  "
          f"{done['seconds']:7.1f} s")  # fmt: skip
    print(f"ratio import / baseline: {import_mb / base_mb:.2f}x; "
          f"extra {per_100k:.1f} MB per 100k rows")  # fmt: skip


if __name__ == "__main__":
    main()
