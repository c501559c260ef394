"""The app reads only the published snapshot; when the pipeline publishes a newer one (an atomic
rename over the file), the next page load shows it, with no stale cached figure."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import duckdb
from streamlit.testing.v1 import AppTest

from dashboards import formatting
from tests.dashboards.conftest import APP, snapshot, snapshot_file


def _net_sales(home, start, end):
    with snapshot(home) as con:
        return con.execute(
            "select coalesce(sum(net_sales_pen), 0) from marts.fct_sales_lines "
            "where transaction_date between ? and ?",
            [start, end],
        ).fetchone()[0]


def test_a_newer_snapshot_replaces_figures_and_date(demo_warehouse, use_home, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    published = snapshot_file(home)
    shutil.copyfile(demo_warehouse.snapshot_path, published)
    use_home(home)
    end = demo_warehouse.end_date
    start = end - dt.timedelta(days=6)
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["desde"] = start.isoformat()
    app.query_params["hasta"] = end.isoformat()
    app.run()
    before = {m.label: m.value for m in app.metric}["Venta neta"]
    assert before == formatting.money(_net_sales(home, start, end))

    # The pipeline's way: write a complete new file beside it, then rename it over the old one.
    staged = published.with_name(published.name + ".tmp")
    shutil.copyfile(published, staged)
    later = dt.datetime(2030, 1, 2, 8, 30, tzinfo=dt.UTC)
    with duckdb.connect(str(staged)) as con:
        con.execute("delete from marts.fct_sales_lines where transaction_date = ?", [end])
        con.execute("update main.snapshot_info set published_at = ?", [later])
        con.execute("checkpoint")
    os.replace(staged, published)

    app.run()
    assert not app.exception
    after = {m.label: m.value for m in app.metric}["Venta neta"]
    assert after == formatting.money(_net_sales(home, start, end))
    assert after != before
    assert any("Datos al 02/01/2030 03:30" in c.value for c in app.caption)
