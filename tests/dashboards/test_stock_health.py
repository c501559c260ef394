"""Salud del stock reads stock at the period's last day, or at the stock's last day before it
when the snapshot's stock stops earlier than its sales; the stockout trend counts every day."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb

from dashboards import formatting
from tests.dashboards.conftest import snapshot, snapshot_file


def _stock_figures(home, day) -> tuple:
    with snapshot(home) as con:
        return con.execute(
            """
            select sum(i.stock_value_pen), count(*) filter (where i.is_stockout)
            from marts.fct_inventory_daily i join marts.dim_product p using (product_id)
            where i.date_day = ? and p.is_active
            """,
            [day],
        ).fetchone()


def test_stock_is_read_at_its_last_day_when_it_stops_before_the_sales(
    demo_warehouse, open_page, tmp_path
):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(demo_warehouse.snapshot_path, snapshot_file(home))
    end = demo_warehouse.end_date
    with duckdb.connect(str(snapshot_file(home))) as con:
        con.execute("delete from marts.fct_inventory_daily where date_day >= ?", [end])
        # The as-of position mart is built from the same stock (at its last day): without it,
        # the page reads the position from the facts.
        con.execute("drop table if exists marts.mart_stock_position")
        con.execute("checkpoint")
    stock_end = end - dt.timedelta(days=1)

    start = end - dt.timedelta(days=6)
    app = open_page(
        "views/salud_stock.py", {"desde": start.isoformat(), "hasta": end.isoformat()}, home
    )
    assert not app.exception, [e.message for e in app.exception]
    value, stockouts = _stock_figures(home, stock_end)
    shown = {m.label: m for m in app.metric}
    assert shown["Stock valorizado"].value == formatting.money(value)
    assert shown["Quiebres hoy"].value == formatting.integer(stockouts)
    assert formatting.date(stock_end) in shown["Quiebres hoy"].proto.help

    # The trend: one point per day up to the stock's last day, stockouts as the warehouse has.
    from dashboards.filters import Filters
    from dashboards.queries import stock

    trend = stock.stockouts_over_time(Filters(start=start, end=end))
    assert [d.date() for d in trend["date_day"]] == [
        start + dt.timedelta(days=n) for n in range((stock_end - start).days + 1)
    ]
    with snapshot(home) as con:
        expected = con.execute(
            "select count(*) filter (where is_stockout) from marts.fct_inventory_daily "
            "where date_day between ? and ? group by date_day order by date_day",
            [start, stock_end],
        ).fetchall()
    assert trend["stockouts"].tolist() == [n for (n,) in expected]
