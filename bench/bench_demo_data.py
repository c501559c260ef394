"""Demo-data generation time: the medium chain (~5M sale lines) into a fresh database.

Goal: medium in at most 10 minutes on a 2-core machine. Prints elapsed time, row counts and
rows per second (all tables together, and sale lines alone). The database is dropped at the
end unless --keep is given.

Usage: uv run python bench/bench_demo_data.py [--scale medium] [--seed 42] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import tempfile
from pathlib import Path

from erp_core import db, migrate
from erp_core.demo.generate import generate
from erp_core.demo.scales import SCALES
from erp_core.domain.money import format_pen

END_DATE = dt.date(2025, 12, 31)  # fixed, so that runs on different days compare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="medium", choices=sorted(SCALES))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    server = db.server_url()
    url = db.create_database(server, prefix="innovalogix_bench_demo")
    try:
        migrate.upgrade(url, today=END_DATE)
        with tempfile.TemporaryDirectory() as tmp, db.connect(url) as conn:
            summary = generate(
                conn, scale, args.seed, END_DATE, truth_path=Path(tmp) / "planted_truth.json"
            )
    finally:
        if not args.keep:
            db.drop_database(server, url)
    rows = sum(summary.rows.values())
    seconds = summary.elapsed_seconds
    machine = platform.processor() or platform.machine()
    print(f"demo-data --scale {scale.name} --seed {args.seed} on {platform.node()} ({machine})")
    print(f"  history {summary.start_date} .. {summary.end_date}")
    print(f"  total sold       {format_pen(summary.total_sales):>16}")
    for table in ("sales", "sale_lines", "sale_payments", "kardex", "transfer_lines", "returns"):
        print(f"  {table:<16} {summary.rows.get(table, 0):>12,}")
    print(f"  all tables       {rows:>12,} rows")
    print(f"  elapsed          {seconds:>12,.1f} s")
    for phase, phase_seconds in summary.phase_seconds.items():
        print(f"    {phase:<18} {phase_seconds:>10,.1f} s")
    print(f"  rows/s           {rows / seconds:>12,.0f}")
    print(f"  sale lines/s     {summary.rows['sale_lines'] / seconds:>12,.0f}")
    if args.keep:
        print(f"  database kept: {url}")


if __name__ == "__main__":
    main()
