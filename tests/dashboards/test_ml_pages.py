"""The pages over the model tables (``ml.*``), on the demo chain with every table of the
contract: they show what the tables hold, and a download holds what the screen shows."""

from __future__ import annotations

import io

import pandas as pd
import psycopg
import pytest

from dashboards import formatting
from tests.dashboards.conftest import snapshot
from tests.dashboards.downloads import downloaded

ML_PAGES = (
    "pages/pronostico.py",
    "pages/reposicion.py",
    "pages/salud_stock.py",
    "pages/segmentos.py",
    "pages/recomendaciones.py",
    "pages/audiencias.py",
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
    app = open_page("pages/pronostico.py", home=ml_home)
    with snapshot(ml_home) as con:
        first = con.execute("select min(week_start_date) from ml.fct_forecast").fetchone()[0]
        total, p10, p90, margin = con.execute(
            "select sum(net_sales_p50_pen), sum(net_sales_p10_pen), sum(net_sales_p90_pen), "
            "sum(margin_p50_pen) from ml.fct_forecast where week_start_date < ?::date + 56",
            [first],
        ).fetchone()
    shown = {m.label: m.value for m in app.metric}
    assert shown["Venta pronosticada (8 semanas)"] == formatting.money(total)
    assert shown["Banda P10–P90"] == f"{formatting.money(p10)} – {formatting.money(p90)}"
    assert shown["Margen proyectado"] == formatting.money(margin)
    accuracy = app.dataframe[-1].value
    assert set(accuracy["model"]) == {"lightgbm", "seasonal_naive"}


def test_purchase_order_download_holds_the_draft_on_screen(open_page, ml_home):
    app = open_page("pages/reposicion.py", home=ml_home)
    supplier = app.selectbox(key="po_supplier").value
    on_screen = app.dataframe[-1].value.reset_index(drop=True)
    assert set(on_screen["proveedor"]) == {supplier}
    from_csv = pd.read_csv(io.BytesIO(downloaded(app, "Descargar pedido (CSV)")), dtype=str)
    from_excel = pd.read_excel(io.BytesIO(downloaded(app, "Descargar pedido (Excel)")), dtype=str)
    expected = on_screen.astype(str)
    assert list(from_csv.columns) == list(expected.columns)
    assert from_csv["sku"].tolist() == expected["sku"].tolist()
    assert from_excel["sku"].tolist() == expected["sku"].tolist()
    assert pd.to_numeric(from_csv["cantidad"]).tolist() == on_screen["cantidad"].tolist()
    with snapshot(ml_home) as con:
        expected_lines = con.execute(
            "select count(*) from ml.fct_restock_recommendations where supplier_name = ? "
            "and order_qty > 0",
            [supplier],
        ).fetchone()[0]
    assert len(from_csv) == expected_lines


def test_profitability_download_holds_the_table_on_screen(open_page, demo_warehouse):
    app = open_page("pages/rentabilidad.py")
    shown = {m.label: m.value for m in app.metric}
    from_csv = pd.read_csv(io.BytesIO(downloaded(app, "Descargar tabla (CSV)")))
    on_screen = app.dataframe[0].value
    assert from_csv["member_label"].tolist() == on_screen["member_label"].tolist()
    assert formatting.money(from_csv["margin_pen"].sum()) == shown["Margen"]
    assert formatting.money(from_csv["net_sales_pen"].sum()) == shown["Venta neta"]


def test_audience_counts_and_export_through_the_core(
    open_page, ml_home, demo_warehouse, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", demo_warehouse.core_url)
    app = open_page("pages/audiencias.py", home=ml_home)
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
    app = open_page("pages/salud_stock.py", {"desde": end.isoformat(), "hasta": end.isoformat()})
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
    app = open_page("pages/segmentos.py", home=ml_home)
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
