"""The extract against a real Postgres and a real DuckDB: complete, incremental, idempotent."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from erp_core.paths import PROJECT_ROOT
from pipelines import dbt_project, extract
from pipelines.extract import CUSTOMER_COLUMNS, SOURCE_TABLES, Strategy, day_runs
from tests.pipelines.dataset import add_receipt, add_sales_day
from tests.pipelines.helpers import core_query, open_writer, run_extract, warehouse_query

pytestmark = pytest.mark.integration

DAILY = [t for t in SOURCE_TABLES if t.strategy is Strategy.DAILY]


def core_tables() -> set[str]:
    rows = core_query(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition"
    )
    # The core's own audit trails and controls never leave it: who read personal data, which
    # audiences were exported, which months were closed and reopened (and by whom).
    own = {"alembic_version", "personal_data_access_log", "audience_exports",
           "period_closures", "period_events"}  # fmt: skip
    return {name for (name,) in rows} - own


def core_counts() -> dict[str, int]:
    return {t.name: core_query(f"select count(*) from {t.name}")[0][0] for t in SOURCE_TABLES}


def warehouse_counts() -> dict[str, int]:
    return {
        t.name: warehouse_query(f"select count(*) from raw.{t.name}")[0][0] for t in SOURCE_TABLES
    }


def assert_no_duplicates() -> None:
    for table in SOURCE_TABLES:
        key = table.id_column or (
            "serie || '-' || number" if table.name == "issued_documents" else None
        )
        if key:
            total, distinct = warehouse_query(
                f"select count(*), count(distinct {key}) from raw.{table.name}"
            )[0]
            assert total == distinct, f"duplicates in raw.{table.name}"


def duckdb_type(data_type: str, precision, scale) -> str:
    """The DuckDB type the contract expects for a Postgres column type."""
    return {
        "bigint": "BIGINT",
        "integer": "INTEGER",
        "smallint": "SMALLINT",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "numeric": f"DECIMAL({precision},{scale})",
        "text": "VARCHAR",
        "character": "VARCHAR",
        "character varying": "VARCHAR",
        "timestamp with time zone": "TIMESTAMP WITH TIME ZONE",
        "bytea": "BLOB",
        "jsonb": "VARCHAR",
    }[data_type]


def fail_extract_at(monkeypatch, table_name: str):
    """From now on the extract loses its connection at ``table_name``; returns the real loader."""
    load_table = extract._extract_table

    def failing(con, table, *args):
        if table.name == table_name:
            raise RuntimeError("connection lost")
        return load_table(con, table, *args)

    monkeypatch.setattr(extract, "_extract_table", failing)
    return load_table


def test_every_core_table_has_exactly_one_extract(pipeline_env):
    names = [t.name for t in SOURCE_TABLES]
    assert len(names) == len(set(names))
    assert set(names) == core_tables()


def test_day_runs_group_contiguous_days():
    d = dt.date(2026, 3, 1)
    days = [d, d + dt.timedelta(1), d + dt.timedelta(2), d + dt.timedelta(5)]
    assert day_runs(days) == [(d, d + dt.timedelta(2)), (d + dt.timedelta(5),) * 2]
    assert day_runs([]) == []


def test_full_extract_copies_every_table_with_the_core_columns_and_types(pipeline_env, chain):
    loads = run_extract()

    assert {load.mode for load in loads.values()} == {"full"}
    assert warehouse_counts() == core_counts()
    core_columns = core_query(
        "select table_name, column_name, data_type, numeric_precision, numeric_scale "
        "from information_schema.columns where table_schema = 'public' "
        "order by table_name, ordinal_position"
    )
    expected: dict[str, list[tuple[str, str]]] = {}
    extracted = {t.name for t in SOURCE_TABLES}
    for table, column, data_type, precision, scale in core_columns:
        if table not in extracted or (table == "customers" and column not in CUSTOMER_COLUMNS):
            continue
        expected.setdefault(table, []).append((column, duckdb_type(data_type, precision, scale)))
    for table in SOURCE_TABLES:
        got = warehouse_query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = ? order by ordinal_position",
            [table.name],
        )
        assert got == expected[table.name], table.name


def test_customers_reach_the_warehouse_without_personal_data(pipeline_env, chain):
    run_extract()

    columns = warehouse_query(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = 'customers' order by ordinal_position"
    )
    assert tuple(c for (c,) in columns) == CUSTOMER_COLUMNS
    assert not any(c.endswith("_enc") or "blind" in c for (c,) in columns)


def test_full_extract_sums_equal_the_core(pipeline_env, chain):
    run_extract()

    sums = {
        "sales": "count(*), sum(total_amount), sum(igv_amount), sum(taxable_amount)",
        "sale_lines": "sum(quantity), sum(line_total), sum(cost_amount)",
        "kardex": "sum(quantity_in), sum(quantity_out), sum(total_in), sum(total_out)",
        "stock_balances": "sum(quantity), sum(total_value)",
    }
    for table, aggregates in sums.items():
        assert warehouse_query(f"select {aggregates} from raw.{table}") == core_query(
            f"select {aggregates} from {table}"
        ), table


def test_incremental_extract_reprocesses_only_the_new_day(pipeline_env, conn, chain, days):
    run_extract()
    before = warehouse_query("select rowid, sale_id from raw.sales order by sale_id")
    new_day = days[-1] + dt.timedelta(days=1)
    add_sales_day(conn, chain, new_day)

    loads = run_extract()

    for table in ("sales", "sale_lines", "sale_payments", "issued_documents", "kardex"):
        assert loads[table].mode == "incremental"
        assert loads[table].days == [new_day], table
        assert loads[table].rows_deleted == 0
    assert loads["goods_receipts"].days == []
    assert loads["goods_receipt_lines"].rows_loaded == 0
    assert loads["sales"].rows_loaded == 8
    assert warehouse_counts() == core_counts()
    # The rows of the other days were not rewritten: same physical rows as before.
    after = warehouse_query(
        "select rowid, sale_id from raw.sales where sale_date < ? order by sale_id", [new_day]
    )
    assert after == before
    logged = warehouse_query(
        "select distinct unnest(days) from pipeline_meta.extract_loads where mode = 'incremental'"
    )
    assert logged == [(new_day,)]


def test_a_late_sale_in_an_old_day_reprocesses_that_day_only(pipeline_env, conn, chain, days):
    run_extract()
    add_sales_day(conn, chain, days[1], sales_per_store=1)

    loads = run_extract()

    assert loads["sales"].days == [days[1]]
    assert loads["sales"].rows_deleted == 8
    assert loads["sales"].rows_loaded == 10
    assert warehouse_counts() == core_counts()
    assert_no_duplicates()


def test_rerunning_a_day_replaces_it_without_duplicates(pipeline_env, chain, days):
    run_extract()
    counts = warehouse_counts()

    for _ in range(2):
        loads = run_extract(days=[days[2]])
        assert loads["sales"].days == [days[2]]
        assert loads["sales"].rows_deleted == loads["sales"].rows_loaded == 8
        assert loads["kardex"].rows_deleted == loads["kardex"].rows_loaded == 16

    assert warehouse_counts() == counts == core_counts()
    assert_no_duplicates()


def test_an_unchanged_core_loads_nothing_incremental(pipeline_env, chain):
    run_extract()

    loads = run_extract()

    for table in SOURCE_TABLES:
        if table.strategy is not Strategy.FULL:
            assert loads[table.name].rows_loaded == 0, table.name
            assert loads[table.name].days == []
    assert warehouse_counts() == core_counts()


def test_a_failure_midway_leaves_the_warehouse_as_it_was(
    pipeline_env, conn, chain, days, monkeypatch
):
    run_extract()
    counts = warehouse_counts()
    add_sales_day(conn, chain, days[-1] + dt.timedelta(days=1))
    load_table = fail_extract_at(monkeypatch, "kardex")
    with pytest.raises(RuntimeError, match="connection lost"):
        run_extract()
    # Sales were loaded before kardex failed, inside the same transaction: rolled back too.
    assert warehouse_counts() == counts

    monkeypatch.setattr(extract, "_extract_table", load_table)  # the connection is back
    run_extract()
    assert warehouse_counts() == core_counts()
    assert_no_duplicates()


def test_a_killed_extract_is_rolled_back_and_the_rerun_has_no_duplicates(
    pipeline_env, conn, chain, days
):
    run_extract()
    counts = warehouse_counts()
    add_sales_day(conn, chain, days[-1] + dt.timedelta(days=1))
    conn.commit()

    died = subprocess.run(
        [sys.executable, "-m", "tests.pipelines.kill_extract", "20"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert died.returncode == -9, died.stderr

    assert warehouse_counts() == counts
    loads = run_extract()
    assert loads["sales"].days == [days[-1] + dt.timedelta(days=1)]
    assert warehouse_counts() == core_counts()
    assert_no_duplicates()


def test_rows_missing_below_the_high_water_mark_reload_the_table(pipeline_env, conn, chain, days):
    run_extract()
    # As if a transaction with lower ids committed after the last extract had read past them.
    warehouse_query(
        "delete from raw.goods_receipt_lines where goods_receipt_line_id = "
        "(select min(goods_receipt_line_id) from raw.goods_receipt_lines)"
    )
    add_receipt(conn, chain, days[-1])

    loads = run_extract()

    assert loads["goods_receipt_lines"].mode == "full"
    assert "below the high-water mark" in loads["goods_receipt_lines"].reason
    assert warehouse_counts() == core_counts()


def test_a_column_change_in_the_core_reloads_the_table(pipeline_env, conn, chain):
    run_extract()
    conn.execute("alter table sales add column cashier text")
    conn.commit()

    loads = run_extract()

    assert loads["sales"].mode == "full"
    assert loads["sales"].reason == "columns changed in the core"
    assert ("cashier",) in warehouse_query(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = 'sales'"
    )


def test_full_refresh_reloads_every_table(pipeline_env, chain):
    run_extract()

    loads = run_extract(full_refresh=True)

    assert {load.mode for load in loads.values()} == {"full"}
    assert warehouse_counts() == core_counts()
    assert_no_duplicates()


def test_the_core_is_read_in_one_snapshot(pipeline_env, chain, days):
    """Sales committed while the extract runs land whole in the next run, never half."""
    with open_writer() as con:
        loads = extract.extract(con, [t for t in SOURCE_TABLES if t in DAILY])
    assert {load.table for load in loads} == {t.name for t in DAILY}
    headers = warehouse_query("select count(*) from raw.sales")[0][0]
    lines = warehouse_query("select count(distinct sale_id) from raw.sale_lines")[0][0]
    assert headers == lines


def test_late_days_widen_the_next_dbt_build_to_reach_them(pipeline_env, conn, chain, days):
    today = days[-1] + dt.timedelta(days=7)
    run_extract()
    with open_writer() as con:
        # A first load reloads whole tables: the next build must reach back to everything.
        assert dbt_project.lookback_days_needed(con, today) == dbt_project.FULL_LOOKBACK_DAYS
        dbt_project.record_build(con, "run-1")
        assert dbt_project.lookback_days_needed(con, today) is None
    add_sales_day(conn, chain, days[1], sales_per_store=1)

    run_extract()

    with open_writer() as con:
        assert dbt_project.lookback_days_needed(con, today) == (today - days[1]).days + 1
        dbt_project.record_build(con, "run-2")
        assert dbt_project.lookback_days_needed(con, today) is None


def test_the_load_settings_are_restored_after_the_extract_even_when_it_fails(
    pipeline_env, chain, monkeypatch
):
    """``disabled_compression_methods`` is global to the DuckDB instance: dbt shares it."""

    def settings(con) -> tuple:
        return con.execute(
            "select current_setting('disabled_compression_methods'), "
            "current_setting('pg_pages_per_task')"
        ).fetchone()

    with open_writer() as con:
        before = settings(con)
        seen = []
        extract.extract(con, on_table_loaded=lambda load: seen.append(settings(con)))
        assert set(seen) == {("FSST", 500)}
        assert settings(con) == before

        fail_extract_at(monkeypatch, "kardex")
        with pytest.raises(RuntimeError, match="connection lost"):
            extract.extract(con, full_refresh=True)
        assert settings(con) == before
