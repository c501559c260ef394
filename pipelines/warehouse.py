"""The DuckDB warehouse: opening it, and reading the core through DuckDB's postgres scanner.

The postgres extension is loaded offline from the ``duckdb-ext-postgres`` wheel (no download at
run time), and the core is attached read-only.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import duckdb

RAW_SCHEMA = "raw"
META_SCHEMA = "pipeline_meta"
CORE_ALIAS = "core"


@cache
def postgres_extension_dir() -> Path:
    """The ``duckdb_ext/extensions`` folder inside the installed ``duckdb-ext-postgres`` wheel."""
    spec = importlib.util.find_spec("duckdb_ext")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / "extensions"
        if candidate.is_dir():
            return candidate
    raise RuntimeError(
        "the duckdb-ext-postgres wheel is not installed: no duckdb_ext/extensions folder found"
    )


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (creating its folder); only the pipeline opens it read-write.

    Capped like dbt's connection (``DUCKDB_MEMORY_LIMIT``, default 8GB, see
    dbt_project/profiles.yml): beyond it DuckDB spills to ``<file>.tmp`` instead of taking the
    host's memory (the large chain's extract and checks reached 12.4 GiB without it).
    """
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute(f"SET memory_limit = {sql_literal(memory_limit())}")
    return con


def memory_limit() -> str:
    return os.environ.get("DUCKDB_MEMORY_LIMIT") or "8GB"


def attach_core(con: duckdb.DuckDBPyConnection, dsn: str, alias: str = CORE_ALIAS) -> None:
    """Load the postgres scanner offline and attach the core database read-only as ``alias``."""
    con.execute(f"SET extension_directory = {sql_literal(str(postgres_extension_dir()))}")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("LOAD postgres")
    attached = {
        row[0] for row in con.execute("select database_name from duckdb_databases()").fetchall()
    }
    if alias not in attached:
        con.execute(f"ATTACH {sql_literal(dsn)} AS {alias} (TYPE postgres, READ_ONLY)")


@contextlib.contextmanager
def open_warehouse(
    path: Path | str, *, core_dsn: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer's connection: closed (and its file lock released) when the block ends."""
    con = connect(path)
    try:
        if core_dsn:
            attach_core(con, core_dsn)
        yield con
    finally:
        con.close()


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        f"and schema_name = {sql_literal(schema)} and table_name = {sql_literal(table)}"
    ).fetchone()
    return bool(row and row[0])
