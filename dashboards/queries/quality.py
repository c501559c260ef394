"""Freshness of each published table: rows and latest business day, from the snapshot itself."""

from __future__ import annotations

import pandas as pd

from dashboards.warehouse import columns, query

DAY_COLUMNS = (
    "transaction_date",
    "date_day",
    "movement_date",
    "month_start_date",
    "forecast_date",
    "week_start_date",
    "last_purchase_date",
)


def published_tables() -> pd.DataFrame:
    """What the snapshot says it holds (table, rows, when, by which run)."""
    return query(
        "select table_name, row_count, published_at, run_id from main.snapshot_info "
        "order by table_name"
    )


def freshness() -> pd.DataFrame:
    """Per published table: its rows and the latest day it holds (for tables with a day)."""
    tables = published_tables()
    latest = []
    for name in tables["table_name"]:
        schema, table = name.split(".", 1)
        day = next((c for c in DAY_COLUMNS if c in columns(schema, table)), None)
        if day is None or name == "marts.dim_date":
            latest.append(None)
            continue
        # A monthly table covers its latest month up to that month's end.
        last = (
            f'max("{day}")'
            if day != "month_start_date"
            else (f'max("{day}") + interval 1 month - interval 1 day')
        )
        value = query(f'select ({last})::date as latest from {schema}."{table}"').iloc[0]["latest"]
        latest.append(None if pd.isna(value) else pd.Timestamp(value).date())
    return tables.assign(latest_day=latest)
