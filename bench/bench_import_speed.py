"""Does an import slow down as it goes? Server CPU a ticket at two file sizes, same run.

All of an import's sales share one transaction, so anything a sale leaves behind that the next
one must walk past (row versions no one can prune until the commit) makes each ticket dearer
than the last. The same synthetic file as ``bench_import.py`` (``--create-missing
--opening-stock``), at a small and a large size, each into a fresh database; the figure is the
ratio of the large import's Postgres backend CPU a ticket to the small one's (1.0: no growth).
The backend's CPU is read from /proc, so the server must be on this machine (the embedded one).

Usage: uv run python bench/bench_import_speed.py [--small 5000] [--large 80000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench_import import SUPPLIER_RUC, write_sales

from erp_core import db, migrate
from erp_core.importer.run import ImportOptions, import_sales_file
from erp_core.pii import PiiVault


def backend_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def import_once(server: str, rows: int) -> tuple[int, float, float, float]:
    """(tickets, wall seconds, client ms a ticket, backend ms a ticket) of one import."""
    url = db.create_database(server, "bench_import_speed")
    try:
        migrate.upgrade(url)
        with tempfile.TemporaryDirectory(prefix="bench_import_speed_") as tmp:
            path = Path(tmp) / "ventas.csv"
            tickets = write_sales(path, rows)
            options = ImportOptions(create_missing=True, supplier_ruc=SUPPLIER_RUC,
                                    opening_stock=True)  # fmt: skip
            with db.connect(url, autocommit=True) as conn:
                pid = conn.info.backend_pid
                backend, client, wall = backend_seconds(pid), time.process_time(), time.time()
                report = import_sales_file(conn, path, options, PiiVault.generate())
                backend = backend_seconds(pid) - backend
                client, wall = time.process_time() - client, time.time() - wall
            assert report.committed and report.imported_tickets == tickets
    finally:
        db.drop_database(server, url)
    return tickets, wall, 1000 * client / tickets, 1000 * backend / tickets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=5_000, help="rows of the small file")
    parser.add_argument("--large", type=int, default=80_000, help="rows of the large file")
    args = parser.parse_args()
    server = db.server_url()
    results = {}
    for rows in (args.small, args.large):
        tickets, wall, client, backend = results[rows] = import_once(server, rows)
        print(f"{rows:,} rows, {tickets:,} tickets: {wall:.1f} s, {tickets / wall:,.0f} "
              f"tickets/s; a ticket: client {client:.2f} ms, backend {backend:.2f} ms")  # fmt: skip
    growth = results[args.large][3] / results[args.small][3]
    print(f"backend CPU a ticket, large / small: {growth:.2f}x (1.0: no slowdown)")


if __name__ == "__main__":
    main()
