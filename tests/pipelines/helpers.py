"""Helpers of the pipeline tests: the warehouse of the current settings, opened and queried."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb
import psycopg

from erp_core import db
from erp_core.settings import get_settings
from pipelines import extract, warehouse


@contextlib.contextmanager
def open_writer() -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse of the current settings, with the core attached."""
    with warehouse.open_warehouse(
        get_settings().warehouse_path, core_dsn=db.libpq_dsn(db.database_url())
    ) as con:
        yield con


def run_extract(**kwargs) -> dict[str, extract.TableLoad]:
    with open_writer() as con:
        return {load.table: load for load in extract.extract(con, **kwargs)}


def warehouse_query(sql: str, params=None) -> list[tuple]:
    with warehouse.open_warehouse(get_settings().warehouse_path) as con:
        return con.execute(sql, params or []).fetchall()


def core_query(sql: str, params=None) -> list[tuple]:
    with psycopg.connect(db.database_url()) as conn:
        return conn.execute(sql, params or ()).fetchall()
