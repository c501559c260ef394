"""The nightly checks see every row of the warehouse; the hourly refresh keeps its window; a
failure names the row, the check and what to do, in the Dagster UI and the CLI alike.

A bad sale line planted four months back (quantity −5, total off by S/ 7), as the issue found it
passing the nightly run when the suites looked at the trailing 92 days only.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import pytest
from rich.console import Console

from erp_core.settings import get_settings
from pipelines import dbt_project, quality, runner
from pipelines.cli import _summary
from pipelines.defs.quality.checks import EXPLANATION
from pipelines.extract import SOURCE_TABLES
from tests.pipelines.dataset import build_chain, recent_days
from tests.pipelines.helpers import open_writer, warehouse_query

pytestmark = [pytest.mark.integration]

LINES = next(s for s in quality.RAW_SUITES if s.relation == "raw.sale_lines")
CHECK = "raw/sale_lines:check_raw_sale_lines_expectations"
RAW_KEYS = [dg.AssetKey(["raw", t.name]) for t in SOURCE_TABLES]


@pytest.fixture
def old_bad_line(pipeline_env, conn) -> tuple[int, dt.date]:
    """A small chain selling on five recent days and on one four months back, where one line
    says −5 units and a total S/ 7 above its base plus IGV (the core's check on quantities is
    dropped in this test's database to let it in)."""
    old_day = dt.date.today() - dt.timedelta(days=122)
    build_chain(conn, [old_day, *recent_days(5)])
    with conn.transaction():
        conn.execute("alter table sale_lines drop constraint if exists sale_lines_quantity_check")
        line_id = conn.execute(
            "update sale_lines set quantity = -5, line_total = line_total + 7 where "
            "sale_line_id = (select min(sale_line_id) from sale_lines where sale_date = %s) "
            "returning sale_line_id",
            (old_day,),
        ).fetchone()[0]
    return line_id, old_day


def test_the_nightly_run_finds_an_old_bad_line_and_says_which_and_what_to_do(old_bad_line):
    line_id, old_day = old_bad_line
    instance = runner.local_instance()  # where the UI finds the run

    nightly = runner.run_graph(prepare_dbt=False, instance=instance, asset_selection=RAW_KEYS)
    console = Console(record=True, width=2000)
    _summary(console, nightly)  # what `innovalogix pipeline run` prints after the run
    output = console.export_text()

    assert not nightly.success
    assert CHECK in output
    # The row, the rule it breaks and what to do, in the CLI ...
    assert f"sale_line_id = {line_id}" in output
    assert f"sale_date = {old_day:%d/%m/%Y}" in output
    assert "quantity debe ser > 0" in output
    assert "line_imbalance_pen debe ser 0" in output
    assert "S/ -7.00" in output
    assert "Qué hacer:" in output
    # ... and the same text on the check in the instance the UI reads.
    [run] = instance.get_runs(limit=1)
    assert run.run_id == nightly.run_id
    failed = [
        record.dagster_event.event_specific_data
        for record in instance.all_logs(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        )
        if not record.dagster_event.event_specific_data.passed
    ]
    assert [e.asset_check_key.to_user_string() for e in failed] == [CHECK]
    explanation = failed[0].metadata[EXPLANATION].value
    assert f"sale_line_id = {line_id}" in explanation
    assert all(line.strip() in output for line in explanation.splitlines())
    assert failed[0].metadata["since"].value == ""  # every row, not a window
    # The bad line stays in raw as evidence; nothing was published on top of it.
    assert warehouse_query(
        "select quantity from raw.sale_lines where sale_line_id = ?", [line_id]
    ) == [(-5,)]
    assert not (get_settings().home / "warehouse_snapshot.duckdb").exists()

    # The hourly refresh after the nightly's build checks the days it rebuilt, not day −122.
    with open_writer() as con:
        dbt_project.record_build(con, "the-nightly-dbt-build")
    hourly = runner.run_graph(
        "refresh_warehouse_job",
        prepare_dbt=False,
        instance=dg.DagsterInstance.ephemeral(),
        asset_selection=RAW_KEYS,
    )

    assert hourly.success
    lines = next(
        e
        for e in hourly.get_asset_check_evaluations()
        if e.asset_check_key.name == LINES.check_name
    )
    assert lines.passed
    assert dt.date.fromisoformat(lines.metadata["since"].value) > old_day


def test_large_fact_tables_are_validated_in_whole_days_with_the_same_findings(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema raw")
    con.execute(
        "create table raw.sale_lines as select i as sale_line_id, i // 3 as sale_id, "
        "date '2026-01-01' + (i // 7)::integer as sale_date, 1 as product_id, 1 as store_id, "
        "1.0 as quantity, 2.0 as unit_price, 1.0 as unit_cost, '10' as igv_affectation, "
        "10.0 as taxable_amount, 1.8 as igv_amount, 11.8 as line_total from range(700) t(i)"
    )
    con.execute("update raw.sale_lines set quantity = -5, line_total = 18.8 where sale_line_id = 3")
    con.execute("update raw.sale_lines set sale_line_id = 650 where sale_line_id = 699")
    con.execute("update raw.sale_lines set sale_date = null where sale_line_id = 400")

    reads = quality.chunks(con, LINES, chunk_rows=100)
    whole = quality.validate_suite(con, LINES, chunk_rows=10_000)
    chunked = quality.validate_suite(con, LINES, chunk_rows=100)

    assert len(reads) == 8  # 100 days of 7 lines: 14 whole days a read
    first, last = reads[1][1]
    assert (last - first).days == 13
    assert chunked.rows == whole.rows == 700
    assert not chunked.success

    def findings(result):
        return {
            (f["column"], f["unexpected_count"], tuple(r["sale_line_id"] for r in f["rows"]))
            for f in result.failures
        }

    assert (
        findings(chunked)
        == findings(whole)
        == {
            ("quantity", 1, (3,)),
            ("line_imbalance_pen", 1, (3,)),
            ("sale_line_id", 2, (650, 650)),
            ("sale_date", 1, (400,)),
        }
    )
