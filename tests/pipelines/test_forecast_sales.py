"""The forecast valued in soles per store × category × day: each product's units at its own
net price and margin per unit in that store over the 13 weeks before the sales' last day."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipelines.defs.forecasting.sales_value import forecast_sales
from pipelines.defs.resources import DuckDBWarehouse
from pipelines.forecast_sales import PRICE_WINDOW_DAYS, valued_forecast

LAST = dt.date(2026, 3, 31)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create schema ml")
    con.execute(
        "create table marts.dim_store as select * from (values (1, 'T1'), (2, 'T2')) "
        "t(store_id, store_code)"
    )
    con.execute(
        "create table marts.dim_product as select * from (values "
        "(10, 100, 'Lácteos'), (11, 100, 'Lácteos'), (12, 200, 'Bebidas'), (13, 200, 'Bebidas')"
        ") t(product_id, category_id, category_name)"
    )
    # Sales: product 10 in store 1 sold inside the window at two prices and once long before
    # (outside the window, at another price); product 12 sold only long before (no price now).
    sales = [
        (LAST, 1, 10, 2.0, 20.0, 6.0),
        (LAST - dt.timedelta(days=30), 1, 10, 3.0, 36.0, 9.0),
        (LAST - dt.timedelta(days=PRICE_WINDOW_DAYS), 1, 10, 5.0, 500.0, 100.0),
        (LAST - dt.timedelta(days=200), 1, 12, 4.0, 40.0, 8.0),
        (LAST - dt.timedelta(days=5), 2, 11, 1.0, 7.5, 2.5),
        (LAST - dt.timedelta(days=6), 2, 13, 2.0, 0.0, 0.0),
        (LAST - dt.timedelta(days=7), 2, 13, -2.0, 0.0, 0.0),  # returned: no net units
    ]
    con.execute(
        "create table marts.fct_daily_sales (date_day date, store_id int, product_id int, "
        "net_qty decimal(14, 3), net_sales_pen decimal(14, 2), margin_pen decimal(14, 2))"
    )
    con.executemany("insert into marts.fct_daily_sales values (?, ?, ?, ?, ?, ?)", sales)
    forecast = []
    for step in (1, 2):
        ds = LAST + dt.timedelta(days=step)
        for store, product, units in ((1, 10, 1.0), (1, 12, 2.0), (2, 11, 4.0), (2, 13, 3.0)):
            p50 = units * step
            forecast.append(("product_store_day", store, product, ds, p50 / 2, p50, p50 * 2))
    forecast.append(("product_store_week", 1, 10, LAST + dt.timedelta(days=1), 9.0, 9.0, 9.0))
    con.execute(
        "create table ml.fct_forecast (level varchar, store_id int, product_id int, ds date, "
        "p10 double, p50 double, p90 double, model_version varchar)"
    )
    con.executemany("insert into ml.fct_forecast values (?, ?, ?, ?, ?, ?, ?, 'v1')", forecast)
    yield con
    con.close()


def test_units_are_valued_at_each_products_recent_price_in_its_store(con):
    frame = valued_forecast(con)
    sales = con.execute("select * from marts.fct_daily_sales").df()
    window = sales[pd.to_datetime(sales["date_day"]).dt.date > LAST - dt.timedelta(days=91)]
    price = window.groupby(["store_id", "product_id"])[["net_qty", "net_sales_pen", "margin_pen"]]
    price = price.sum().astype(float)
    price = price[price["net_qty"] != 0]
    unit_net = price["net_sales_pen"] / price["net_qty"]
    unit_margin = price["margin_pen"] / price["net_qty"]
    forecast = con.execute(
        "select f.*, p.category_id from ml.fct_forecast f join marts.dim_product p "
        "using (product_id) where level = 'product_store_day'"
    ).df()
    key = list(zip(forecast["store_id"], forecast["product_id"], strict=True))
    net = pd.Series([unit_net.get(k, float("nan")) for k in key], dtype=float)
    margin = pd.Series([unit_margin.get(k, float("nan")) for k in key], dtype=float)
    forecast["net"] = forecast["p50"] * net
    forecast["p90_net"] = forecast["p90"] * net
    forecast["margin"] = forecast["p50"] * margin
    columns = ["p50", "net", "p90_net", "margin"]
    expected = forecast.groupby(["store_id", "category_id", "ds"])[columns].sum(min_count=1)
    got = frame.set_index(["store_id", "category_id", "forecast_date"]).sort_index()
    assert len(got) == len(expected) == 8  # 2 stores × 2 categories × 2 days
    pairs = {"p50_qty": "p50", "net_sales_p50_pen": "net", "net_sales_p90_pen": "p90_net",
             "margin_p50_pen": "margin"}  # fmt: skip
    for ours, theirs in pairs.items():
        assert got[ours].tolist() == pytest.approx(expected[theirs].tolist(), nan_ok=True)
    # Product 10 at (20 + 36) / 5 per unit: the sale 91 days back is outside the window.
    first = got.loc[(1, 100, pd.Timestamp(LAST + dt.timedelta(days=1)))]
    assert first["net_sales_p50_pen"] == pytest.approx(1.0 * 56 / 5)
    assert set(frame["model_version"]) == {"v1"}
    assert set(frame["priced_through_date"]) == {pd.Timestamp(LAST)}


def test_units_without_a_recent_price_count_as_units_not_soles(con):
    frame = valued_forecast(con).set_index(["store_id", "category_id"]).sort_index()
    # Store 1's Bebidas: product 12 last sold 200 days ago; store 2's: returns cancel its sales.
    assert frame.loc[(1, 200), "p50_qty"].tolist() == [2.0, 4.0]
    assert frame.loc[(1, 200), "net_sales_p50_pen"].isna().all()
    assert frame.loc[(2, 200), "p50_qty"].tolist() == [3.0, 6.0]
    assert frame.loc[(2, 200), "net_sales_p50_pen"].isna().all()


def test_no_sales_no_valued_rows(con):
    con.execute("delete from marts.fct_daily_sales")
    frame = valued_forecast(con)
    assert frame.empty
    assert "net_sales_p50_pen" in frame.columns


def test_the_asset_writes_the_table_the_snapshot_publishes_after_the_forecast(con, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con.execute(f"attach '{path}' as file")
    for schema, table in (("marts", "dim_store"), ("marts", "dim_product"),
                          ("marts", "fct_daily_sales"), ("ml", "fct_forecast")):  # fmt: skip
        con.execute(f"create schema if not exists file.{schema}")
        con.execute(f"create table file.{schema}.{table} as select * from {schema}.{table}")
    con.execute("detach file")
    result = dg.materialize(
        [forecast_sales], resources={"warehouse": DuckDBWarehouse(path=str(path))}
    )
    assert result.success
    with duckdb.connect(str(path), read_only=True) as written:
        rows = written.execute("select count(*) from ml.fct_forecast_sales").fetchone()[0]
    assert rows == len(valued_forecast(con)) == 8

    from pipelines.definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    node = graph.get(dg.AssetKey(["ml", "fct_forecast_sales"]))
    assert node.group_name == "ml"  # nightly only
    assert dg.AssetKey(["ml", "fct_forecast"]) in node.parent_keys
    assert node.key in graph.get(dg.AssetKey("warehouse_snapshot")).parent_keys


def test_without_a_forecast_the_asset_writes_nothing(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    result = dg.materialize(
        [forecast_sales], resources={"warehouse": DuckDBWarehouse(path=str(path))}
    )
    assert result.success
    with duckdb.connect(str(path), read_only=True) as written:
        assert not written.execute(
            "select count(*) from duckdb_tables() where table_name = 'fct_forecast_sales'"
        ).fetchone()[0]
