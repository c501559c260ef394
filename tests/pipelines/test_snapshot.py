"""The published snapshot: readers never touch the writer's file and never see a torn copy."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import duckdb
import pytest

from erp_core.paths import PROJECT_ROOT
from erp_core.settings import get_settings
from pipelines import warehouse
from pipelines.snapshot import open_snapshot, publish_snapshot
from tests.pipelines.read_snapshots import rows_of

pytestmark = pytest.mark.integration

MARTS = [("marts", "fct_versions")]


def write_version(con: duckdb.DuckDBPyConnection, version: int) -> None:
    con.execute("create schema if not exists marts")
    con.execute(
        "create or replace table marts.fct_versions as "
        f"select {version} as version, i as line_id, i * 1.5 as amount "
        f"from range({rows_of(version)}) t(i)"
    )


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )


def test_snapshot_is_readable_while_the_writer_holds_the_warehouse(pipeline_env):
    path = get_settings().warehouse_path
    writer = warehouse.connect(path)
    try:
        write_version(writer, 1)
        published = publish_snapshot(writer, MARTS)

        assert published.path == pipeline_env / "warehouse_snapshot.duckdb"
        assert published.rows == {"marts.fct_versions": rows_of(1)}
        # Another process cannot even read the writer's file while the pipeline holds it ...
        blocked = python(f"import duckdb; duckdb.connect({str(path)!r}, read_only=True)")
        assert blocked.returncode != 0
        assert "lock" in blocked.stderr.lower()
        # ... but reads the published snapshot, read-only.
        reader = python(
            "from pipelines.snapshot import open_snapshot\n"
            "con = open_snapshot()\n"
            "print(con.execute('select count(*) from marts.fct_versions').fetchone()[0])\n"
            "con.execute('create table marts.x (i int)')\n"
        )
        assert reader.stdout.strip() == str(rows_of(1))
        assert "read-only" in reader.stderr.lower()
    finally:
        writer.close()


def test_publishing_leaves_only_the_snapshot(pipeline_env):
    with warehouse.open_warehouse(get_settings().warehouse_path) as con:
        write_version(con, 1)
        publish_snapshot(con, MARTS, run_id="run-1")
        write_version(con, 2)
        publish_snapshot(con, MARTS, run_id="run-2")

    files = sorted(p.name for p in pipeline_env.iterdir() if p.name.startswith("warehouse_snap"))
    assert files == ["warehouse_snapshot.duckdb"]
    with open_snapshot() as con:
        assert con.execute("select distinct version from marts.fct_versions").fetchall() == [(2,)]
        assert con.execute("select run_id from main.snapshot_info").fetchall() == [("run-2",)]


def test_open_snapshot_explains_a_missing_snapshot(pipeline_env):
    with pytest.raises(FileNotFoundError, match="run the pipeline first"):
        open_snapshot()


def test_the_snapshot_swap_is_atomic_for_concurrent_readers(pipeline_env):
    with warehouse.open_warehouse(get_settings().warehouse_path) as con:
        write_version(con, 0)
        publish_snapshot(con, MARTS)
        reader = subprocess.Popen(
            [sys.executable, "-m", "tests.pipelines.read_snapshots", "8"],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)  # the reader is up and reading
        version = 0
        while reader.poll() is None and version < 200:
            version += 1
            write_version(con, version)
            publish_snapshot(con, MARTS)
        out, err = reader.communicate(timeout=60)

    assert reader.returncode == 0, err
    result = json.loads(out)
    assert result["problems"] == []
    assert result["reads"] > 10
    assert len(result["versions"]) >= 3, result


# -- the hourly refresh patches the previous snapshot ---------------------------------------

DAILY = [("marts", "fct_days"), ("marts", "dim_things")]
DAY_COLUMNS = {("marts", "fct_days"): "day"}


def write_days(con: duckdb.DuckDBPyConnection, last_day: int, amount: float = 1.0) -> None:
    """A fact rewritten by whole days (days 1..last_day, 3 rows each) and a small dimension."""
    con.execute("create schema if not exists marts")
    con.execute(
        "create or replace table marts.fct_days as select date '2026-11-01' + d::integer as day, "
        f"r as line, {amount} * d as amount from range(1, {last_day + 1}) a(d), range(3) b(r)"
    )
    con.execute(
        f"create or replace table marts.dim_things as select i as thing, {last_day} as version "
        "from range(4) t(i)"
    )


def snapshot_rows(table: str) -> list[tuple]:
    with open_snapshot() as con:
        return con.execute(f"select * from marts.{table} order by all").fetchall()


def warehouse_rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(f"select * from marts.{table} order by all").fetchall()


def test_patching_the_recent_days_equals_writing_the_snapshot_anew(pipeline_env):
    with warehouse.open_warehouse(get_settings().warehouse_path) as con:
        write_days(con, 10)
        publish_snapshot(con, DAILY, run_id="nightly", day_columns=DAY_COLUMNS)
        # The next build rewrites the last 3 days (one of them changed) and adds day 11.
        write_days(con, 11)
        con.execute("update marts.fct_days set amount = -1 where day >= date '2026-11-09'")

        published = publish_snapshot(
            con, DAILY, run_id="hourly", day_columns=DAY_COLUMNS, patch_days=3
        )

        assert published.rows == {"marts.fct_days": 33, "marts.dim_things": 4}
        for _, table in DAILY:
            assert snapshot_rows(table) == warehouse_rows(con, table), table
    with open_snapshot() as snap:
        assert snap.execute("select distinct run_id from main.snapshot_info").fetchall() == [
            ("hourly",)
        ]


def test_a_patched_table_that_does_not_add_up_is_copied_whole(pipeline_env):
    with warehouse.open_warehouse(get_settings().warehouse_path) as con:
        write_days(con, 10)
        publish_snapshot(con, DAILY, day_columns=DAY_COLUMNS)
        # A change older than the days the builds rewrote (dbt run by hand): a row is gone.
        con.execute("delete from marts.fct_days where day = date '2026-11-02' and line = 0")
        con.execute("update marts.fct_days set amount = 99 where day = date '2026-11-03'")

        publish_snapshot(con, DAILY, day_columns=DAY_COLUMNS, patch_days=3)

        assert snapshot_rows("fct_days") == warehouse_rows(con, "fct_days")


def test_a_table_with_new_columns_is_copied_whole(pipeline_env):
    with warehouse.open_warehouse(get_settings().warehouse_path) as con:
        write_days(con, 10)
        publish_snapshot(con, DAILY, day_columns=DAY_COLUMNS)
        con.execute("alter table marts.fct_days add column note varchar default 'new'")

        publish_snapshot(con, DAILY, day_columns=DAY_COLUMNS, patch_days=3)

        assert snapshot_rows("fct_days") == warehouse_rows(con, "fct_days")


def test_a_table_no_build_rewrote_keeps_its_previous_copy_unless_its_rows_changed(pipeline_env):
    with warehouse.open_warehouse(get_settings().warehouse_path) as con:
        write_days(con, 10)
        publish_snapshot(con, DAILY, day_columns=DAY_COLUMNS)
        before = snapshot_rows("dim_things")
        # dim_things is not rebuilt by this run; a change to it the builds do not record is not
        # published (the snapshot trusts the run), fct_days is patched as usual.
        write_days(con, 11)
        con.execute(
            "create or replace table marts.dim_things as select thing, -1 as version "
            "from marts.dim_things"
        )

        publish_snapshot(
            con, DAILY, day_columns=DAY_COLUMNS, patch_days=3, unchanged=[("marts", "dim_things")]
        )

        assert snapshot_rows("dim_things") == before
        assert snapshot_rows("fct_days") == warehouse_rows(con, "fct_days")
        # A row count that no longer matches the warehouse's is copied whole.
        con.execute("insert into marts.dim_things values (9, -1)")

        publish_snapshot(
            con, DAILY, day_columns=DAY_COLUMNS, patch_days=3, unchanged=[("marts", "dim_things")]
        )

        assert snapshot_rows("dim_things") == warehouse_rows(con, "dim_things")


def test_a_table_a_check_rejected_keeps_its_previous_copy_or_is_not_published(pipeline_env):
    """What a failed nightly left in the warehouse (a check rejected it) stays out of the
    hourly refresh's snapshot, even with a different row count; never published before, it is
    not published at all."""
    rejected = ("marts", "dim_things")
    with warehouse.open_warehouse(get_settings().warehouse_path) as con:
        write_days(con, 10)
        publish_snapshot(con, DAILY, day_columns=DAY_COLUMNS)
        before = snapshot_rows("dim_things")
        write_days(con, 11)
        con.execute("insert into marts.dim_things values (9, -1)")

        published = publish_snapshot(
            con, DAILY, day_columns=DAY_COLUMNS, patch_days=3, held_back=[rejected]
        )

        assert snapshot_rows("dim_things") == before
        assert published.rows["marts.dim_things"] == len(before)
        assert snapshot_rows("fct_days") == warehouse_rows(con, "fct_days")

        con.execute("create table marts.dim_new as select 1 as x")
        published = publish_snapshot(
            con,
            [*DAILY, ("marts", "dim_new")],
            day_columns=DAY_COLUMNS,
            patch_days=3,
            held_back=[("marts", "dim_new")],
        )

        assert "marts.dim_new" not in published.rows
        assert snapshot_rows("dim_things") == warehouse_rows(con, "dim_things")
