"""Extract throughput against the floor Postgres itself sets.

Runs, on the current database (``DATABASE_URL`` or the embedded server), in the same process:

1. the pipeline's full extract (``pipelines.extract.extract`` with ``full_refresh``) into a
   throw-away DuckDB file, and
2. a bare ``COPY (select ...) TO STDOUT (FORMAT BINARY)`` of the same tables and columns through
   psycopg, discarding the bytes: the fastest Postgres can hand the rows out on one connection.

It prints rows per second for both and their ratio. Results go to ``docs/BENCHMARKS.md``.

    uv run python bench/bench_extract.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import psycopg

from erp_core import db
from pipelines import extract, warehouse


def core_rows(conn: psycopg.Connection) -> dict[str, int]:
    return {
        t.name: conn.execute(f"select count(*) from {t.name}").fetchone()[0]
        for t in extract.SOURCE_TABLES
    }


def bench_extract(dsn: str, folder: Path) -> tuple[float, int]:
    path = folder / "bench_warehouse.duckdb"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    with warehouse.open_warehouse(path, core_dsn=dsn) as con:
        loads = extract.extract(con, full_refresh=True)
    elapsed = time.perf_counter() - started
    return elapsed, sum(load.rows for load in loads)


def bench_copy(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    total_bytes = 0
    with psycopg.connect(url) as conn, conn.transaction():
        conn.execute("set transaction isolation level repeatable read, read only")
        for table in extract.SOURCE_TABLES:
            query = (
                f"copy (select {table.select_list()} from {table.name}) to stdout (format binary)"
            )
            with conn.cursor().copy(query) as copy:
                for chunk in copy:
                    total_bytes += len(chunk)
    return time.perf_counter() - started, total_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    args = parser.parse_args()

    url = db.database_url()
    dsn = db.libpq_dsn(url)
    with psycopg.connect(url) as conn:
        counts = core_rows(conn)
    total = sum(counts.values())
    print(f"core: {len(counts)} tables, {total:,} rows")
    largest = sorted(counts.items(), key=lambda kv: -kv[1])[:5]
    print("largest: " + ", ".join(f"{name} {n:,}" for name, n in largest))

    extract_times, copy_times = [], []
    copied_bytes = 0
    with tempfile.TemporaryDirectory(prefix="bench_extract_") as tmp:
        for _ in range(args.repeat):
            elapsed, rows = bench_extract(dsn, Path(tmp))
            assert rows == total, f"extract loaded {rows} rows, the core has {total}"
            extract_times.append(elapsed)
            elapsed, copied_bytes = bench_copy(url)
            copy_times.append(elapsed)

    best_extract, best_copy = min(extract_times), min(copy_times)
    for run, (extract_s, copy_s) in enumerate(zip(extract_times, copy_times, strict=True), 1):
        print(
            f"run {run}: extract {extract_s:6.2f} s, COPY {copy_s:6.2f} s, "
            f"ratio {copy_s / extract_s:.2f}"
        )
    print(
        f"extract (scanner -> DuckDB, committed): {best_extract:8.2f} s  "
        f"{total / best_extract:12,.0f} rows/s"
    )
    print(
        f"COPY BINARY to /dev/null (psycopg):     {best_copy:8.2f} s  "
        f"{total / best_copy:12,.0f} rows/s  {copied_bytes / best_copy / 1e6:8.1f} MB/s"
    )
    print(f"ratio extract / COPY throughput: {best_copy / best_extract:.2f}")


if __name__ == "__main__":
    main()
