"""The published, read-only copy of the marts: what dashboards and notebooks read.

The pipeline is the only process that opens the warehouse file (DuckDB allows one writing
process, and a reader would block the writer). After a successful run it copies the marts into
``warehouse_snapshot.duckdb.tmp`` next to the snapshot and renames it over
``warehouse_snapshot.duckdb`` with ``os.replace``, which is atomic: a reader opens either the old
complete file or the new complete one, never a half-written one, and a reader that already has
the old file open keeps reading it undisturbed.

The nightly run writes the snapshot anew. The hourly refresh starts from a copy of the previous
snapshot instead and replaces only what the builds since then may have changed: the tables of
the marts rebuilt whole, and the trailing days of the marts that dbt rebuilds by day
(``patch_days``); a table whose columns or row count do not match the warehouse's afterwards is
copied whole. A table whose latest blocking check failed (a nightly that stopped before
publishing) keeps its previous copy: the hourly refresh never publishes what a check rejected.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from erp_core.settings import get_settings
from pipelines.warehouse import sql_literal

INFO_TABLE = "snapshot_info"
_ALIAS = "snapshot_out"


def default_snapshot_path() -> Path:
    return get_settings().snapshot_path


@dataclass(frozen=True)
class PublishedSnapshot:
    path: Path
    tables: list[str]
    rows: dict[str, int]
    bytes: int
    published_at: dt.datetime


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def published_at(path: Path | str | None = None) -> dt.datetime | None:
    """When the snapshot at ``path`` was published (None: no snapshot, or one without its info)."""
    path = Path(path) if path else default_snapshot_path()
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(f"select max(published_at) from main.{INFO_TABLE}").fetchone()[0]
    except duckdb.Error:
        return None


def publish_snapshot(
    con: duckdb.DuckDBPyConnection,
    relations: Iterable[tuple[str, str]],
    path: Path | str | None = None,
    *,
    run_id: str = "",
    day_columns: Mapping[tuple[str, str], str] | None = None,
    patch_days: int | None = None,
    unchanged: Iterable[tuple[str, str]] = (),
    held_back: Iterable[tuple[str, str]] = (),
) -> PublishedSnapshot:
    """Copy ``relations`` (schema, table or view) of the open warehouse into a new snapshot file.

    Schema and table names are kept, so a query written against the warehouse runs unchanged on
    the snapshot. The snapshot also holds ``main.snapshot_info`` (when, by which run, what).

    Args:
        day_columns: the relations whose rows are rewritten by whole days, and their day column.
        patch_days: start from the previous snapshot and replace, in each relation of
            ``day_columns``, only its trailing ``patch_days`` days (counted back from its latest
            day in the previous snapshot); other relations are copied whole. None, or no
            previous snapshot: write every relation anew.
        unchanged: relations no build rewrote since the previous snapshot (what the hourly
            refresh does not build): when patching, the previous snapshot's copy is kept if it
            has the warehouse's columns and row count, instead of copying the table again.
        held_back: relations whose warehouse copy failed a blocking check: the previous
            snapshot's copy is kept as it is, or, without one, the relation is not published.
    """
    path = Path(path) if path else default_snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    held = set(held_back)
    patching = patch_days is not None and path.exists()
    kept = _relations_in(path, held) if patching else set()
    relations = [r for r in relations if r not in held or r in kept]
    if patching:
        shutil.copyfile(path, tmp)

    published_at = dt.datetime.now(dt.UTC)
    rows: dict[str, int] = {}
    con.execute(f"attach {sql_literal(str(tmp))} as {_ALIAS}")
    try:
        if patching:
            _patch(con, relations, day_columns or {}, int(patch_days or 0), set(unchanged), kept)
        else:
            for schema, table in relations:
                _copy_whole(con, schema, table)
        for schema, table in relations:
            rows[f"{schema}.{table}"] = con.execute(
                f"select count(*) from {_ALIAS}.{_ident(schema)}.{_ident(table)}"
            ).fetchone()[0]
        con.execute(f"drop table if exists {_ALIAS}.main.{INFO_TABLE}")
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


def _relations_in(path: Path, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of ``wanted`` the snapshot at ``path`` holds."""
    if not wanted:
        return set()
    with duckdb.connect(str(path), read_only=True) as con:
        found = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
    return wanted & {tuple(row) for row in found}


def _copy_whole(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    con.execute(f"create schema if not exists {_ALIAS}.{_ident(schema)}")
    target = f"{_ALIAS}.{_ident(schema)}.{_ident(table)}"
    con.execute(f"drop table if exists {target}")
    con.execute(f"create table {target} as select * from {_ident(schema)}.{_ident(table)}")


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> list:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? "
        "and schema_name = ? and table_name = ? order by column_index",
        [database, schema, table],
    ).fetchall()


def _patch(
    con: duckdb.DuckDBPyConnection,
    relations: list[tuple[str, str]],
    day_columns: Mapping[tuple[str, str], str],
    days: int,
    unchanged: set[tuple[str, str]],
    kept: set[tuple[str, str]] = frozenset(),
) -> None:
    """Bring the copy of the previous snapshot attached as ``_ALIAS`` up to the warehouse,
    except the relations ``kept`` as they are."""
    wanted = set(relations)
    database = con.execute("select current_database()").fetchone()[0]
    for schema, table in con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? "
        "and schema_name <> 'main'",
        [_ALIAS],
    ).fetchall():
        if (schema, table) not in wanted:
            con.execute(f"drop table {_ALIAS}.{_ident(schema)}.{_ident(table)}")
    for schema, table in relations:
        if (schema, table) in kept:
            continue
        source = f"{_ident(schema)}.{_ident(table)}"
        target = f"{_ALIAS}.{_ident(schema)}.{_ident(table)}"
        column = day_columns.get((schema, table))
        columns = _columns(con, database, schema, table)
        if (schema, table) in unchanged and _columns(con, _ALIAS, schema, table) == columns:
            if _row_count(con, source) == _row_count(con, target):
                continue
        latest = None
        if column and columns and _columns(con, _ALIAS, schema, table) == columns:
            latest = con.execute(f"select max({_ident(column)}) from {target}").fetchone()[0]
        if latest is None:
            _copy_whole(con, schema, table)
            continue
        since = latest - dt.timedelta(days=max(days, 1) - 1) if days else None
        if since is not None:
            day = _ident(column)
            con.execute(f"delete from {target} where {day} >= ?", [since])
            con.execute(f"insert into {target} select * from {source} where {day} >= ?", [since])
        # A guard against changes the build records do not explain (dbt run by hand): the
        # snapshot must hold as many rows as the warehouse, or the table is copied whole.
        if _row_count(con, source) != _row_count(con, target):
            _copy_whole(con, schema, table)


def _row_count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    return con.execute(f"select count(*) from {relation}").fetchone()[0]


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
