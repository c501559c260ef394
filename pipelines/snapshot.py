"""The published, read-only copy of the marts: what dashboards and notebooks read.

The pipeline is the only process that opens the warehouse file (DuckDB allows one writing
process, and a reader would block the writer). After a successful run it copies the marts into
``warehouse_snapshot.duckdb.tmp`` next to the snapshot and renames it over
``warehouse_snapshot.duckdb`` with ``os.replace``, which is atomic: a reader opens either the old
complete file or the new complete one, never a half-written one, and a reader that already has
the old file open keeps reading it undisturbed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from erp_core.settings import get_settings
from pipelines.warehouse import sql_literal

SNAPSHOT_NAME = "warehouse_snapshot.duckdb"
INFO_TABLE = "snapshot_info"
_ALIAS = "snapshot_out"


def default_snapshot_path() -> Path:
    return get_settings().home / SNAPSHOT_NAME


@dataclass(frozen=True)
class PublishedSnapshot:
    path: Path
    tables: list[str]
    rows: dict[str, int]
    bytes: int
    published_at: dt.datetime


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish_snapshot(
    con: duckdb.DuckDBPyConnection,
    relations: Iterable[tuple[str, str]],
    path: Path | str | None = None,
    *,
    run_id: str = "",
) -> PublishedSnapshot:
    """Copy ``relations`` (schema, table or view) of the open warehouse into a new snapshot file.

    Schema and table names are kept, so a query written against the warehouse runs unchanged on
    the snapshot. The snapshot also holds ``main.snapshot_info`` (when, by which run, what).
    """
    path = Path(path) if path else default_snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)

    published_at = dt.datetime.now(dt.UTC)
    rows: dict[str, int] = {}
    con.execute(f"attach {sql_literal(str(tmp))} as {_ALIAS}")
    try:
        for schema, table in relations:
            con.execute(f"create schema if not exists {_ALIAS}.{_ident(schema)}")
            target = f"{_ALIAS}.{_ident(schema)}.{_ident(table)}"
            con.execute(f"create table {target} as select * from {_ident(schema)}.{_ident(table)}")
            rows[f"{schema}.{table}"] = con.execute(f"select count(*) from {target}").fetchone()[0]
        con.execute(
            f"create table {_ALIAS}.main.{INFO_TABLE} "
            "(published_at timestamptz, run_id varchar, table_name varchar, row_count bigint)"
        )
        con.executemany(
            f"insert into {_ALIAS}.main.{INFO_TABLE} values (?, ?, ?, ?)",
            [(published_at, run_id, name, count) for name, count in rows.items()],
        )
        con.execute(f"checkpoint {_ALIAS}")
    finally:
        con.execute(f"detach {_ALIAS}")
    _fsync(tmp)
    os.replace(tmp, path)
    _fsync(path.parent)
    return PublishedSnapshot(path, list(rows), rows, path.stat().st_size, published_at)


def open_snapshot(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the latest published snapshot (never the writer's file)."""
    path = Path(path) if path else default_snapshot_path()
    if not path.exists():
        raise FileNotFoundError(
            f"no warehouse snapshot at {path}: run the pipeline first (`innovalogix pipeline run`)"
        )
    return duckdb.connect(str(path), read_only=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
