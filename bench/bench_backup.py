"""Backup and restore of the configured core beside a plain pg_dump/pg_restore, same run.

On the configured database (``INNOVALOGIX_HOME`` / ``DATABASE_URL``; read only: the restores go
into new databases on the same server, dropped at the end), alternating ``--rounds`` times:

* ``innovalogix backup`` (``erp_core.backup.backup``: pg_dump -Fd on an exported snapshot,
  rows and checksum of every table in that snapshot, file digests, manifest) and
  ``innovalogix restore`` (``erp_core.backup.restore``: digests checked, pg_restore in one
  transaction, every table checked against the manifest, the PII keys tried);
* baseline: ``pg_dump -Fc`` of the same database and ``pg_restore --single-transaction`` of it
  into another new database (the same binaries).

Prints time and size of each, and the ratios; results go to ``docs/BENCHMARKS.md``.

    INNOVALOGIX_HOME=var/medium uv run python bench/bench_backup.py [--rounds 2] [--dir /tmp/bk]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import psycopg

from erp_core import backup, db


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def new_database(server: str) -> str:
    name = f"bench_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return db.with_database(server, name)


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def plain_dump(url: str, out: Path) -> None:
    with psycopg.connect(url) as conn:
        tool = backup.pg_tool("pg_dump", conn.info.server_version // 10000)
    dsn, env = backup._tool_environment(url)
    subprocess.run([str(tool), "-Fc", f"--file={out}", f"--dbname={dsn}"], env=env, check=True)


def plain_restore(url: str, dump: Path) -> None:
    with psycopg.connect(url) as conn:
        tool = backup.pg_tool("pg_restore", conn.info.server_version // 10000)
    dsn, env = backup._tool_environment(url)
    subprocess.run(
        [str(tool), "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
         f"--dbname={dsn}", str(dump)],
        env=env, check=True,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-backup"))
    args = parser.parse_args()
    url = db.database_url()
    with psycopg.connect(url) as conn:
        rows = conn.execute("select count(*) from sale_lines").fetchone()[0]
        db_size = conn.execute("select pg_database_size(current_database())").fetchone()[0]
    print(f"{platform.machine()} {os.cpu_count()} cores; load {os.getloadavg()}")
    print(f"database {db.describe_server(url)}: {db_size / 2**20:,.0f} MiB, {rows:,} sale lines")
    results: dict[str, list[float]] = {k: [] for k in ("backup", "restore", "dump", "pg_restore")}
    sizes: dict[str, int] = {}
    for round_ in range(args.rounds):
        shutil.rmtree(args.dir, ignore_errors=True)
        args.dir.mkdir(parents=True)
        ours, plain = args.dir / "innovalogix", args.dir / "plain.dump"
        seconds, _ = timed(backup.backup, ours, url)
        results["backup"].append(seconds)
        sizes["backup"] = size_of(ours)
        target = new_database(url)
        try:
            seconds, report = timed(backup.restore, ours, target)
            assert report.verified, report.mismatches
            results["restore"].append(seconds)
        finally:
            db.drop_database(url, target)
        seconds, _ = timed(plain_dump, url, plain)
        results["dump"].append(seconds)
        sizes["dump"] = size_of(plain)
        target = new_database(url)
        try:
            seconds, _ = timed(plain_restore, target, plain)
            results["pg_restore"].append(seconds)
        finally:
            db.drop_database(url, target)
        print(
            f"round {round_ + 1}: backup {results['backup'][-1]:.1f} s, restore "
            f"{results['restore'][-1]:.1f} s; pg_dump -Fc {results['dump'][-1]:.1f} s, "
            f"pg_restore {results['pg_restore'][-1]:.1f} s; load {os.getloadavg()}"
        )
    best = {k: min(v) for k, v in results.items()}
    mib = {k: v / 2**20 for k, v in sizes.items()}
    print(
        f"best: backup {best['backup']:.1f} s ({mib['backup']:,.0f} MiB) vs pg_dump -Fc "
        f"{best['dump']:.1f} s ({mib['dump']:,.0f} MiB): {best['backup'] / best['dump']:.2f}x; "
        f"restore {best['restore']:.1f} s vs pg_restore {best['pg_restore']:.1f} s: "
        f"{best['restore'] / best['pg_restore']:.2f}x"
    )
    shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
