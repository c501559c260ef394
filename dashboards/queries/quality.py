"""Freshness of each published table: rows and latest business day, from the snapshot itself."""

from __future__ import annotations

import datetime as dt

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
    floor = _recent_floor()
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
        value = _latest(f'select ({last})::date as latest from {schema}."{table}"', day, floor)
        latest.append(None if pd.isna(value) else pd.Timestamp(value).date())
    return tables.assign(latest_day=latest)


RECENT_DAYS = 31  # a table's latest day is looked for among the chain's last month first


def _recent_floor():
    """A month before the chain's latest day (None: unknown): the tables stored in day order
    skip every older row group when filtered on a constant, where a plain ``max`` over a
    medium chain's 30M daily stock rows took 100-270 ms."""
    from dashboards.warehouse import columns

    if "latest_data_date" not in columns("marts", "mart_data_completeness"):
        return None
    day = query("select max(latest_data_date) as day from marts.mart_data_completeness").iloc[0][
        "day"
    ]
    return None if pd.isna(day) else pd.Timestamp(day).date() - dt.timedelta(days=RECENT_DAYS)


def _latest(sql: str, day: str, floor):
    """The latest day of ``sql``'s table, from its last month when it has rows there."""
    if floor is not None:
        value = query(f'{sql} where "{day}" >= ?', [floor]).iloc[0]["latest"]
        if not pd.isna(value):
            return value
    return query(sql).iloc[0]["latest"]
