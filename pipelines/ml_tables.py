"""The warehouse tables the ML assets write, beside dbt's marts.

dbt owns the ``marts`` schema; what the models produce lives in ``ml`` and is published with the
marts in the same snapshot, so dashboards read both from one consistent file.
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import duckdb
import pandas as pd

from pipelines.warehouse import sql_literal

ML_SCHEMA = "ml"
ML_TABLES = (
    "fct_forecast",
    "fct_forecast_accuracy",
    "fct_forecast_sales",
    "fct_customer_features",
    "fct_customer_segments",
    "dim_segment",
    "fct_customer_value",
    "fct_product_associations",
    "fct_customer_recommendations",
    "fct_restock_recommendations",
    "fct_transfer_suggestions",
    "fct_supplier_scorecard",
)


def ml_asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([ML_SCHEMA, table])


def write_ml_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> int:
    """Replace ``ml.<name>`` with ``frame`` in one transaction; returns its row count.

    Readers of the warehouse never see the table half-written (and the snapshot, which readers
    actually use, is copied after the run anyway).
    """
    if name not in ML_TABLES:
        raise ValueError(f"unknown ML table {name!r}: add it to pipelines.ml_tables.ML_TABLES")
    con.execute(f"create schema if not exists {ML_SCHEMA}")
    con.register("_ml_frame", frame)
    try:
        con.execute("begin")
        con.execute(f'create or replace table {ML_SCHEMA}."{name}" as select * from _ml_frame')
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_ml_frame")
    return len(frame)


def existing_ml_relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The ``ml`` tables the warehouse holds now, for the snapshot to publish."""
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        f"and schema_name = {sql_literal(ML_SCHEMA)} order by table_name"
    ).fetchall()
    return [(ML_SCHEMA, name) for (name,) in rows if name in ML_TABLES]


def not_trained(
    tables: tuple[str, ...], checks: list[tuple[str, str]], reason: str
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """What a model asset reports when its data cannot train it yet (a new chain's first weeks).

    The tables keep what they held (none on a new chain, and the dashboards say so), the run goes
    on to publish the marts, and every check warns with the reason instead of failing the run.
    """
    for table in tables:
        yield dg.MaterializeResult(
            asset_key=ml_asset_key(table),
            metadata={"no_entrenado": dg.MetadataValue.text(reason)},
        )
    for table, check in checks:
        yield dg.AssetCheckResult(
            check_name=check,
            asset_key=ml_asset_key(table),
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"Modelo no entrenado: {reason}",
        )
