"""The pages read what the nightly run publishes for them (``ml.fct_forecast_sales``,
``marts.mart_stock_position``) and show exactly what they showed computing it themselves, and
Reposición filters its plan in SQL as the page's choices say."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from pipelines.forecast_sales import valued_forecast
from pipelines.ml_tables import write_ml_table
from tests.dashboards.conftest import snapshot, snapshot_file


def _copy(demo_warehouse, home, *statements: str):
    home.mkdir()
    shutil.copyfile(demo_warehouse.snapshot_path, snapshot_file(home))
    with duckdb.connect(str(snapshot_file(home))) as con:
        for statement in statements:
            con.execute(statement)
        con.execute("checkpoint")
    return home


def _shown(app) -> tuple[dict, list[pd.DataFrame]]:
    assert not app.exception, [e.message for e in app.exception]
    return {m.label: m.value for m in app.metric}, [d.value for d in app.dataframe]


def _same_page(left, right) -> None:
    left_metrics, left_tables = _shown(left)
    right_metrics, right_tables = _shown(right)
    assert left_metrics == right_metrics
    assert len(left_tables) == len(right_tables)
    for a, b in zip(left_tables, right_tables, strict=True):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@pytest.fixture(scope="module")
def forecast_homes(demo_warehouse, tmp_path_factory):
    """The demo snapshot without the valued forecast, and with it as the pipeline writes it."""
    units = _copy(
        demo_warehouse,
        tmp_path_factory.mktemp("units") / "home",
        "drop table if exists ml.fct_forecast_sales",
    )
    valued = _copy(demo_warehouse, tmp_path_factory.mktemp("valued") / "home")
    with duckdb.connect(str(snapshot_file(valued))) as con:
        write_ml_table(con, "fct_forecast_sales", valued_forecast(con))
        con.execute("checkpoint")
    return units, valued


@pytest.mark.parametrize("page", ["views/pronostico.py", "views/resumen.py"])
def test_the_valued_forecast_shows_what_valuing_the_units_showed(open_page, forecast_homes, page):
    units, valued = forecast_homes
    with snapshot(valued) as con:
        assert con.execute("select count(*) from ml.fct_forecast_sales").fetchone()[0] > 0
    from dashboards.queries import forecast

    before = open_page(page, home=units)
    assert forecast.valued_table() is None
    after = open_page(page, home=valued)
    assert forecast.valued_table() is not None
    _same_page(before, after)
    if page.endswith("pronostico.py"):
        assert _shown(after)[0]["Pronóstico 8 semanas"] != "S/ 0.00"


def test_a_valued_forecast_of_another_model_version_is_not_read(
    demo_warehouse, open_page, forecast_homes, tmp_path
):
    units, valued = forecast_homes
    stale = tmp_path / "stale"
    stale.mkdir()
    shutil.copyfile(snapshot_file(valued), snapshot_file(stale))
    with duckdb.connect(str(snapshot_file(stale))) as con:
        con.execute(
            "update ml.fct_forecast_sales set model_version = 'anterior', "
            "net_sales_p50_pen = 2 * net_sales_p50_pen"
        )
        con.execute("checkpoint")
    _same_page(
        open_page("views/pronostico.py", home=units), open_page("views/pronostico.py", home=stale)
    )


def test_the_as_of_stock_position_comes_from_its_mart_as_the_facts_give_it(
    demo_warehouse, open_page, tmp_path
):
    end = demo_warehouse.end_date
    with snapshot(demo_warehouse.home) as con:
        mart_day, pairs = con.execute(
            "select max(date_day), count(*) from marts.mart_stock_position"
        ).fetchone()
        stock_pairs = con.execute(
            "select count(*) from marts.fct_inventory_daily where date_day = ?", [end]
        ).fetchone()[0]
    assert (mart_day, pairs) == (end, stock_pairs)
    without = _copy(demo_warehouse, tmp_path / "home", "drop table marts.mart_stock_position")
    params = {"desde": (end - dt.timedelta(days=13)).isoformat(), "hasta": end.isoformat()}
    from dashboards.queries import stock

    from_mart = open_page("views/salud_stock.py", params)
    assert stock._mart_day() == end
    from_facts = open_page("views/salud_stock.py", params, without)
    assert stock._mart_day() is None
    _same_page(from_mart, from_facts)
    assert _shown(from_mart)[0]["Stock valorizado"] != "S/ 0.00"


def _plan(home) -> pd.DataFrame:
    """The whole plan with the page's urgency rule restated: runs out before a delivery,
    urgent; a projected stockout within 14 days, soon; else normal."""
    with snapshot(home) as con:
        plan = con.execute(
            "select r.priority_rank, r.order_qty, r.order_value_pen, r.margin_at_risk_pen, "
            "r.runs_out_before_delivery, r.projected_stockout_date - r.as_of_date as days, "
            "p.supplier_name from ml.fct_restock_recommendations r "
            "join marts.dim_product p using (product_id) order by r.priority_rank"
        ).df()
    plan["urgency"] = "Normal"
    plan.loc[plan["days"].notna() & (plan["days"] <= 14), "urgency"] = "Pronto"
    plan.loc[plan["runs_out_before_delivery"].fillna(False).astype(bool), "urgency"] = "Urgente"
    return plan


def test_the_plan_is_filtered_in_sql_as_the_page_chooses(open_page, ml_home):
    plan = _plan(ml_home)
    assert set(plan["urgency"]) == {"Normal", "Pronto", "Urgente"}
    supplier = plan.loc[plan["order_qty"] > 0, "supplier_name"].mode().iloc[0]
    app = open_page("views/reposicion.py", home=ml_home)
    choose = {m.label: m for m in app.multiselect}
    choose["Proveedor"].select(supplier).run()
    choose = {m.label: m for m in app.multiselect}
    choose["Urgencia"].select("Urgente").select("Pronto").run()
    metrics, tables = _shown(app)

    kept = plan[
        (plan["supplier_name"] == supplier)
        & plan["urgency"].isin(["Urgente", "Pronto"])
        & (plan["order_qty"] > 0)
    ]
    assert not kept.empty
    from dashboards import formatting

    assert metrics["Líneas"] == formatting.integer(len(kept))
    assert metrics["Urgentes"] == formatting.integer((kept["urgency"] == "Urgente").sum())
    assert metrics["Valor a pedir"] == formatting.money(kept["order_value_pen"].sum())
    assert tables[0]["priority_rank"].tolist() == kept["priority_rank"].head(500).tolist()
    assert tables[0]["urgency"].tolist() == kept["urgency"].head(500).tolist()
