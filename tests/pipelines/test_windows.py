"""The hourly refresh works on the days it rebuilt: which days, and the checks restricted to them.

Plain DuckDB warehouses written by hand (the extract's log, the dbt builds' records, raw and mart
tables), no core and no dbt: the window arithmetic and the windowed reads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from pipelines import dbt_project, extract, quality
from pipelines.defs.ops.jobs import (
    RECENT_DAYS,
    RUN_SCOPE_TAG,
    materialize_all_job,
    refresh_warehouse_job,
)

D = dt.date(2026, 11, 20)
LOOKBACK = dbt_project.default_lookback_days()


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


@pytest.fixture
def con(tmp_path):
    """A warehouse with raw sales and kardex over days 0..5 (as-of day 5)."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema raw")
    con.execute(
        "create table raw.sales as select i as sale_id, ?::date + i::integer as sale_date, "
        "10.0 as total_amount from range(6) t(i)",
        [D],
    )
    con.execute(
        "create table raw.kardex as select i as kardex_id, "
        "?::date + (i % 6)::integer as movement_date from range(12) t(i)",
        [D],
    )
    extract._ensure_log_table(con)
    yield con
    con.close()


def log_load(con, run_id: str, days: list[dt.date], *, mode: str = "incremental") -> None:
    con.execute(
        "insert into pipeline_meta.extract_loads (run_id, table_name, strategy, mode, reason, "
        "days, rows_loaded, rows_deleted, rows, elapsed_s) "
        "values (?, 'sales', 'daily', ?, 'test', ?, 5, 0, 5, 0.1)",
        [run_id, mode, days],
    )


def test_the_window_covers_the_days_the_incremental_marts_rebuild(con):
    log_load(con, "run-1", [day(5)])
    # The new day 5 moves the marts' latest day from 4 to 5: they rebuild from day 4 - (L - 1).
    assert dbt_project.check_window_start(con) == day(5) - dt.timedelta(days=LOOKBACK)
    dbt_project.record_build(con, "run-1")
    # Nothing extracted since the build: the trailing days up to the as-of date.
    assert dbt_project.check_window_start(con) == day(5) - dt.timedelta(days=LOOKBACK)


def test_a_late_day_widens_the_window_to_reach_it(con):
    dbt_project.record_build(con, "run-1")
    log_load(con, "run-2", [day(1), day(5)])
    assert dbt_project.check_window_start(con) == day(1) - dt.timedelta(days=LOOKBACK)


def test_checks_after_the_build_keep_the_window_the_build_had(con):
    dbt_project.record_build(con, "run-1")
    log_load(con, "run-2", [day(1)])
    before = dbt_project.check_window_start(con, exclude_run_id="run-2")
    dbt_project.record_build(con, "run-2")  # this run's own build
    assert dbt_project.check_window_start(con, exclude_run_id="run-2") == before
    assert dbt_project.check_window_start(con) == day(5) - dt.timedelta(days=LOOKBACK)


def test_a_whole_reload_of_a_daily_table_checks_everything(con):
    log_load(con, "run-1", [], mode="full")
    assert dbt_project.check_window_start(con) is None


def test_no_window_before_anything_is_loaded(tmp_path):
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as con:
        assert dbt_project.check_window_start(con) is None


def test_the_snapshot_patches_what_the_builds_since_it_may_have_rewritten(con):
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert dbt_project.rebuilt_days_since(con, since) is None  # no build on record
    dbt_project.record_build_window(con, "run-1", lookback_days=LOOKBACK, full_refresh=False)
    assert dbt_project.rebuilt_days_since(con, dt.datetime.now(dt.UTC)) == 0
    dbt_project.record_build_window(con, "run-2", lookback_days=40, full_refresh=False)
    assert dbt_project.rebuilt_days_since(con, since) == 40
    dbt_project.record_build_window(con, "run-3", lookback_days=LOOKBACK, full_refresh=True)
    assert dbt_project.rebuilt_days_since(con, since) is None


def test_a_whole_project_build_since_the_snapshot_is_told_from_hourly_builds(con):
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert not dbt_project.whole_project_built_since(con, since)  # no build on record
    dbt_project.record_build_window(
        con, "hourly", lookback_days=LOOKBACK, full_refresh=False, whole_project=False
    )
    assert not dbt_project.whole_project_built_since(con, since)
    dbt_project.record_build_window(con, "nightly", lookback_days=LOOKBACK, full_refresh=False)
    assert dbt_project.whole_project_built_since(con, since)
    assert not dbt_project.whole_project_built_since(con, dt.datetime.now(dt.UTC))


def test_builds_recorded_before_the_scope_column_count_as_whole(con):
    con.execute("create schema if not exists pipeline_meta")
    con.execute(
        "create table pipeline_meta.dbt_build_windows (run_id varchar, started_at timestamptz "
        "default current_timestamp, lookback_days integer, full_refresh boolean)"
    )
    con.execute("insert into pipeline_meta.dbt_build_windows values ('old', now(), 3, false)")
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)

    assert dbt_project.whole_project_built_since(con, since)
    dbt_project.record_build_window(
        con, "hourly", lookback_days=LOOKBACK, full_refresh=False, whole_project=False
    )
    assert dbt_project.rebuilt_days_since(con, since) == 3


def test_fact_suites_validate_the_window_hourly_every_row_nightly(con):
    sales = next(s for s in quality.RAW_SUITES if s.relation == "raw.sales")
    con.execute("create table raw.stores as select 1 as store_id, '0001' as code, 'A' as name")
    stores = next(s for s in quality.RAW_SUITES if s.relation == "raw.stores")
    con.execute("alter table raw.sales add column taxable_amount decimal(14, 2) default 10.0")
    con.execute("alter table raw.sales add column exempt_amount decimal(14, 2) default 0")
    con.execute("alter table raw.sales add column igv_amount decimal(14, 2) default 0")

    recent = quality.read_batch(con, sales, since=day(4), columns="sale_id, sale_date")
    assert sorted(recent["sale_date"].dt.date) == [day(4), day(5)]
    every_row = quality.read_batch(con, sales, columns="sale_id")  # nightly: every day
    assert len(every_row) == 6
    assert len(quality.read_batch(con, stores, since=day(4))) == 1


def test_the_reconciliation_compares_only_the_window(con):
    con.execute("create table raw.sale_lines as select sale_date, 2.0 as quantity from raw.sales")
    every_day = quality.warehouse_daily_sales(con, *quality.RAW_SALES_BY_DAY)
    recent = quality.warehouse_daily_sales(con, *quality.RAW_SALES_BY_DAY, since=day(4))
    assert sorted(every_day) == [day(n) for n in range(6)]
    assert recent == {d: every_day[d] for d in (day(4), day(5))}
    assert recent[day(5)] == quality.DayTotals(1, Decimal("10.0"), Decimal("2.0"))


def test_only_the_hourly_refresh_works_on_recent_days():
    assert refresh_warehouse_job.tags[RUN_SCOPE_TAG] == RECENT_DAYS
    assert RUN_SCOPE_TAG not in materialize_all_job.tags
