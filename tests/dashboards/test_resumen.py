"""Resumen: the figures on screen are the warehouse's and the core's, to the céntimo."""

from __future__ import annotations

import datetime as dt

import psycopg

from dashboards import formatting
from tests.dashboards.conftest import snapshot


def _param(app, key: str) -> list[str]:
    """A query parameter's values as the URL carries them (AppTest gives one as a string)."""
    value = app.query_params.get(key, [])
    return value if isinstance(value, list) else [value]


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _warehouse_figures(home, start, end, store_codes=()):
    store_filter = ""
    params = [start, end]
    if store_codes:
        store_filter = f"and s.store_code in ({', '.join('?' for _ in store_codes)})"
        params += list(store_codes)
    with snapshot(home) as con:
        return con.execute(
            f"""
            select sum(l.net_sales_pen), sum(l.margin_pen),
                count(distinct l.sale_id) filter (where not l.is_return), sum(l.units_qty)
            from marts.fct_sales_lines l join marts.dim_store s using (store_id)
            where l.transaction_date between ? and ? {store_filter}
            """,
            params,
        ).fetchone()


def _core_figures(core_url, start, end):
    with psycopg.connect(core_url) as conn:
        sold = conn.execute(
            "select coalesce(sum(l.taxable_amount + 0), 0), count(distinct l.sale_id), "
            "coalesce(sum(l.quantity), 0), coalesce(sum(l.taxable_amount - l.cost_amount), 0) "
            "from sale_lines l where l.sale_date between %s and %s",
            [start, end],
        ).fetchone()
        returned = conn.execute(
            "select coalesce(sum(rl.taxable_amount), 0), coalesce(sum(rl.quantity), 0), "
            "coalesce(sum(rl.taxable_amount - rl.cost_amount), 0) "
            "from return_lines rl join returns r using (return_id) "
            "where r.return_date between %s and %s",
            [start, end],
        ).fetchone()
    return (sold[0] - returned[0], sold[3] - returned[2], sold[1], sold[2] - returned[1])


def test_the_headline_figures_are_the_warehouse_and_the_core(open_page, demo_warehouse):
    end = demo_warehouse.end_date
    start = end - dt.timedelta(days=27)
    app = open_page("views/resumen.py", {"desde": start.isoformat(), "hasta": end.isoformat()})
    shown = _metrics(app)
    net, margin, tickets, units = _warehouse_figures(demo_warehouse.home, start, end)
    assert shown["Venta neta"] == formatting.money(net)
    assert shown["Margen bruto"] == formatting.money(margin)
    assert shown["Tickets"] == formatting.integer(tickets)
    assert shown["Unidades"] == formatting.quantity(units)
    assert shown["Ticket promedio"] == formatting.money(float(net) / tickets)
    assert shown["Margen %"] == formatting.percent(float(margin) / float(net))

    core_net, core_margin, core_tickets, core_units = _core_figures(
        demo_warehouse.core_url, start, end
    )
    assert shown["Venta neta"] == formatting.money(core_net)
    assert shown["Margen bruto"] == formatting.money(core_margin)
    assert shown["Tickets"] == formatting.integer(core_tickets)
    assert shown["Unidades"] == formatting.quantity(core_units)


def test_a_link_with_filters_opens_the_view_it_names(open_page, demo_warehouse):
    end = demo_warehouse.end_date
    start = end - dt.timedelta(days=6)
    with snapshot(demo_warehouse.home) as con:
        store = con.execute(
            "select store_code from marts.dim_store where not is_warehouse order by 1 limit 1"
        ).fetchone()[0]
    params = {"desde": start.isoformat(), "hasta": end.isoformat(), "tienda": store}
    app = open_page("views/resumen.py", params)
    net, *_ = _warehouse_figures(demo_warehouse.home, start, end, (store,))
    assert _metrics(app)["Venta neta"] == formatting.money(net)
    assert app.sidebar.multiselect[1].value == [store]
    assert _param(app, "tienda") == [store]
    assert _param(app, "desde") == [start.isoformat()]
    # The filters survive a page switch and stay in the URL.
    app.switch_page("views/rentabilidad.py")
    app.run()
    assert _param(app, "tienda") == [store]
    assert _metrics(app)["Venta neta"] == formatting.money(net)


def test_the_comparisons_are_the_previous_period_and_52_weeks_before(open_page, demo_warehouse):
    end = demo_warehouse.end_date
    start = end - dt.timedelta(days=13)
    app = open_page("views/resumen.py", {"desde": start.isoformat(), "hasta": end.isoformat()})
    table = app.dataframe[0].value.set_index("Indicador")
    before, *_ = _warehouse_figures(
        demo_warehouse.home, start - dt.timedelta(days=14), end - dt.timedelta(days=14)
    )
    last_year, *_ = _warehouse_figures(
        demo_warehouse.home, start - dt.timedelta(days=364), end - dt.timedelta(days=364)
    )
    assert table.loc["Venta neta", "Periodo anterior"] == formatting.money(before or 0)
    assert table.loc["Venta neta", "Año anterior"] == formatting.money(last_year or 0)
