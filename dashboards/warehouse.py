"""The dashboards' only door to data: the published, read-only snapshot of the marts.

The pipeline replaces the snapshot file atomically after each run. Every query first looks at
the file (a ``stat``, no I/O on the data); when it changed, the snapshot's ``published_at`` is
read, a fresh read-only connection opened and every cached query dropped. A connection already
open keeps reading the file it opened, so a page never mixes two snapshots nor sees a run
half-way.

The file is ATTACHed read-only to an in-memory database rather than opened with
``duckdb.connect(path)``: DuckDB hands a process the database it already has open for a path, so
after the rename ``connect(path)`` would keep returning the old file while any connection to it
lives.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines.snapshot import default_snapshot_path, published_at

CATALOG = "snapshot"


class NoSnapshotError(RuntimeError):
    """No snapshot has been published yet (or it lacks its ``snapshot_info``)."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    published_at: dt.datetime


@dataclass
class _Open:
    stamp: tuple | None = None
    snapshot: Snapshot | None = None
    connection: duckdb.DuckDBPyConnection | None = None


_lock = threading.Lock()
_open = _Open()


def _stamp(path: Path) -> tuple:
    stat = os.stat(path)
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def current() -> Snapshot:
    """The snapshot now published; re-opened (and caches dropped) when a newer one appears."""
    path = default_snapshot_path()
    try:
        stamp = _stamp(path)
    except FileNotFoundError as missing:
        raise NoSnapshotError(str(path)) from missing
    with _lock:
        if _open.stamp != stamp:
            published = published_at(path)
            if published is None:
                raise NoSnapshotError(str(path))
            if _open.snapshot is None or _open.snapshot != Snapshot(path, published):
                _open.connection = _attach(path)
                _open.snapshot = Snapshot(path, published)
                run_query.clear()
                table_columns.clear()
            _open.stamp = stamp
        return _open.snapshot


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only view of the file at ``path`` as it is now (see the module's docstring)."""
    connection = duckdb.connect(":memory:")
    escaped = str(path).replace("'", "''")
    connection.execute(f"attach '{escaped}' as {CATALOG} (read_only)")
    return connection


def _cursor() -> duckdb.DuckDBPyConnection:
    with _lock:
        if _open.connection is None:
            raise NoSnapshotError(str(default_snapshot_path()))
        cursor = _open.connection.cursor()
    cursor.execute(f"use {CATALOG}")
    return cursor


@st.cache_data(max_entries=1024, show_spinner=False)
def run_query(sql: str, params: tuple, snapshot: Snapshot) -> pd.DataFrame:
    """One query's rows, cached per snapshot (``snapshot`` is part of the cache key)."""
    cursor = _cursor()
    try:
        return cursor.execute(sql, list(params)).df()
    finally:
        cursor.close()


def query(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """Rows of ``sql`` from the current snapshot (parameters bound, never formatted in)."""
    return run_query(sql, tuple(params), current())


@st.cache_data(max_entries=256, show_spinner=False)
def table_columns(schema: str, table: str, snapshot: Snapshot) -> tuple[str, ...]:
    cursor = _cursor()
    try:
        rows = cursor.execute(
            "select column_name from duckdb_columns() where database_name = ? and schema_name = ? "
            "and table_name = ? order by column_index",
            [CATALOG, schema, table],
        ).fetchall()
    finally:
        cursor.close()
    return tuple(name for (name,) in rows)


def columns(schema: str, table: str) -> tuple[str, ...]:
    """The columns of ``schema.table`` in the snapshot (empty: the table is not there)."""
    return table_columns(schema, table, current())


def has_table(schema: str, table: str) -> bool:
    return bool(columns(schema, table))
