"""The pages over the model tables (``ml.*``), on the demo chain with every table of the
contract: they show what the tables hold, and a download holds what the screen shows."""

from __future__ import annotations

import io

import pandas as pd
import psycopg
import pytest

from dashboards import formatting, purchase_orders
from tests.dashboards.conftest import snapshot
from tests.dashboards.downloads import downloaded

ML_PAGES = (
    "views/pronostico.py",
    "views/reposicion.py",
    "views/salud_stock.py",
    "views/segmentos.py",
    "views/recomendaciones.py",
    "views/audiencias.py",
)


@pytest.mark.parametrize("page", ML_PAGES)
def test_model_pages_show_their_tables(open_page, ml_home, page):
    app = open_page(page, home=ml_home)
    assert not app.exception, [e.message for e in app.exception]
    waiting = [i.value for i in app.info if "todavía no está disponible" in i.value]
    assert not waiting, waiting
    assert not app.warning, [w.value for w in app.warning]
    assert len(app.dataframe) + len(app.metric) >= 1


def test_model_pages_say_when_their_tables_are_missing(open_page, demo_home):
    for page in ML_PAGES:
        app = open_page(page, home=demo_home)
        with snapshot(demo_home) as con:
            has_ml = con.execute(
                "select count(*) from duckdb_tables() where schema_name = 'ml'"
            ).fetchone()[0]
        if has_ml:
            continue  # the demo pipeline publishes them: nothing missing to say
        assert any("todavía no está disponible" in i.value for i in app.info), page


def test_forecast_figures_are_the_tables(open_page, ml_home):
    app = open_page("views/pronostico.py", home=ml_home)
    with snapshot(ml_home) as con:
        first = con.execute("select min(week_start_date) from ml.fct_forecast").fetchone()[0]
        total, p10, p90, margin = con.execute(
            "select sum(net_sales_p50_pen), sum(net_sales_p10_pen), sum(net_sales_p90_pen), "
            "sum(margin_p50_pen) from ml.fct_forecast where week_start_date < ?::date + 56",
            [first],
        ).fetchone()
    shown = {m.label: m.value for m in app.metric}
    assert shown["Pronóstico 8 semanas"] == formatting.money(total)
    assert (shown["P10"], shown["P90"]) == (formatting.money(p10), formatting.money(p90))
    assert shown["Margen proyectado"] == formatting.money(margin)
    accuracy = app.dataframe[-1].value
    assert set(accuracy["model"]) == {"lightgbm", "seasonal_naive"}


def test_purchase_order_download_is_the_nightly_export_and_the_screen(open_page, ml_home, tmp_path):
    app = open_page("views/reposicion.py", home=ml_home)
    supplier_id = app.selectbox(key="po_supplier").value
    on_screen = app.dataframe[-1].value.reset_index(drop=True)
    csv_bytes = downloaded(app, "Descargar pedido (CSV)")

    # What the nightly export writes for this supplier, from the same published plan.
    from pipelines.delivery.purchase_orders import write_purchase_orders

    with snapshot(ml_home) as con:
        plan = con.execute(
            """
            select r.* exclude (store_code, sku, product_name, category_name, supplier_name),
                s.store_code, s.store_name, p.sku, p.product_name, p.category_name,
                p.supplier_name
            from ml.fct_restock_recommendations r
            join marts.dim_store s using (store_id) join marts.dim_product p using (product_id)
            where r.supplier_id = ?
            """,
            [supplier_id],
        ).df()
        suppliers = con.execute(
            "select supplier_id, supplier_ruc, min_order_pen from marts.dim_supplier"
        ).df()
    (nightly,) = write_purchase_orders(plan, suppliers, plan["as_of_date"].max(), tmp_path)
    assert csv_bytes == nightly.csv_path.read_bytes()
    from_csv = purchase_orders.typed(
        pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig", dtype=str)
    )
    pd.testing.assert_frame_equal(from_csv, on_screen)
    assert len(from_csv) == int((plan["order_qty"] > 0).sum())


def test_profitability_download_holds_the_table_on_screen(open_page, demo_warehouse):
    app = open_page("views/rentabilidad.py")
    shown = {m.label: m.value for m in app.metric}
    from_csv = pd.read_csv(io.BytesIO(downloaded(app, "Descargar tabla (CSV)")))
    on_screen = app.dataframe[0].value
    assert from_csv["member_label"].tolist() == on_screen["member_label"].tolist()
    assert formatting.money(from_csv["margin_pen"].sum()) == shown["Margen"]
    assert formatting.money(from_csv["net_sales_pen"].sum()) == shown["Venta neta"]


def test_audience_counts_and_export_through_the_core(open_page, ml_home, demo_warehouse):
    app = open_page("views/audiencias.py", home=ml_home)
    app.multiselect(key="audience_segments").select("Campeones").run()
    with snapshot(ml_home) as con:
        members, consenting = con.execute(
            "select count(*), count(*) filter (where c.is_marketable) "
            "from ml.fct_customer_segments s join marts.dim_customer c using (customer_id) "
            "where s.segment_name = 'Campeones'"
        ).fetchone()
    shown = {m.label: m.value for m in app.metric}
    assert shown["Clientes en los segmentos"] == formatting.integer(members)
    assert shown["Con consentimiento de marketing"] == formatting.integer(consenting)

    app.text_input[0].input("Campaña de prueba")
    app.button[0].click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    rows = pd.read_csv(io.BytesIO(downloaded(app, "Descargar audiencia (CSV)")), dtype=str)
    assert set(rows["segmento"]) <= {"Campeones"}
    with psycopg.connect(demo_warehouse.core_url) as conn:
        export_id, row_count, exported_by = conn.execute(
            "select export_id, row_count, exported_by from audience_exports "
            "order by export_id desc limit 1"
        ).fetchone()
        logged = conn.execute(
            "select count(*) from personal_data_access_log where purpose like %s",
            [f"exportación de audiencia #{export_id}:%"],
        ).fetchone()[0]
    assert row_count == len(rows) == logged
    assert exported_by.startswith("tableros:")
    assert any(f"#{export_id}" in s.value for s in app.success)


def test_stock_health_figures_are_the_warehouse(open_page, demo_warehouse):
    end = demo_warehouse.end_date
    app = open_page("views/salud_stock.py", {"desde": end.isoformat(), "hasta": end.isoformat()})
    with snapshot(demo_warehouse.home) as con:
        value, stockouts = con.execute(
            """
            select sum(i.stock_value_pen), count(*) filter (where i.is_stockout)
            from marts.fct_inventory_daily i join marts.dim_product p using (product_id)
            where i.date_day = ? and p.is_active
            """,
            [end],
        ).fetchone()
    shown = {m.label: m.value for m in app.metric}
    assert shown["Stock valorizado"] == formatting.money(value)
    assert shown["Quiebres hoy"] == formatting.integer(stockouts)


def test_segment_figures_are_the_tables(open_page, ml_home):
    app = open_page("views/segmentos.py", home=ml_home)
    with snapshot(ml_home) as con:
        customers, segments, outliers = con.execute(
            "select count(*), count(distinct segment_id), count(*) filter (where is_outlier) "
            "from ml.fct_customer_segments"
        ).fetchone()
    shown = {m.label: m.value for m in app.metric}
    assert shown["Clientes segmentados"] == formatting.integer(customers)
    assert shown["Segmentos"] == formatting.integer(segments)
    side_by_side = next(d.value for d in app.dataframe if "outliers_count" in d.value.columns)
    assert side_by_side["outliers_count"].sum() == outliers
