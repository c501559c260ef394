"""Salud del stock: stockouts now and projected, overstock and its capital, days of cover,
slow movers and the supplier scorecard."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import charts, formatting, ui
from dashboards.queries import restock, stock

filters = ui.header(
    "Salud del stock",
    "Situación al último día del periodo. Cobertura: stock ÷ venta diaria promedio de los "
    f"últimos {stock.COVER_WINDOW_DAYS} días; sobrestock: lo que excede "
    f"{stock.OVERSTOCK_DAYS} días de cobertura, valorizado al costo promedio.",
)
as_of, now = stock.position(filters)
if now.empty:
    st.info(
        "No hay stock registrado para el periodo y los filtros elegidos.", icon=":material/info:"
    )
    st.stop()

out = now[now["is_stockout"].astype(bool)]
over = now[now["overstock_value_pen"] > 0]
slow_cut = pd.Timestamp(as_of - dt.timedelta(days=stock.SLOW_DAYS))
slow = now[
    (now["stock_on_hand_qty"] > 0)
    & (now["last_sale_date"].isna() | (now["last_sale_date"] < slow_cut))
]
cols = st.columns(4)
cols[0].metric("Stock valorizado", formatting.money(now["stock_value_pen"].sum()))
cols[1].metric("Quiebres hoy", formatting.integer(len(out)), help=f"Al {formatting.date(as_of)}.")
cols[2].metric("Capital en sobrestock", formatting.money(over["overstock_value_pen"].sum()))
cols[3].metric("Productos lentos", formatting.integer(len(slow)))

trend = stock.stockouts_over_time(filters)
if not trend.empty:
    st.altair_chart(
        alt.Chart(trend, title="Quiebres de stock por día (pares tienda-producto)")
        .mark_line(color=charts.NEGATIVE)
        .encode(
            x=alt.X("date_day:T", axis=alt.Axis(title="Fecha", format=charts.DATE_AXIS)),
            y=alt.Y("stockouts:Q", title="Pares en quiebre"),
            tooltip=[
                alt.Tooltip("date_day:T", title="Fecha", format=charts.DATE_AXIS),
                alt.Tooltip("stockouts:Q", title="Quiebres"),
            ],
        )
        .properties(height=220),
        width="stretch",
    )

COLUMNS = {
    "store_code": "Tienda",
    "sku": "SKU",
    "product_name": "Producto",
    "category_name": "Categoría",
    "abc_class": "ABC",
    "stock_on_hand_qty": ui.qty_column("Stock"),
    "stock_value_pen": ui.money_column("Valor"),
    "daily_demand_qty": ui.qty_column("Venta diaria"),
    "days_of_cover": ui.qty_column("Días de cobertura"),
    "overstock_value_pen": ui.money_column("Capital en sobrestock"),
    "last_sale_date": ui.date_column("Última venta"),
}


TABLE_ROWS = 500  # a medium chain has 40,000 pairs: the worst first, not all to the browser


def say_capped(shown: int, total: int) -> None:
    if total > shown:
        st.caption(
            f"Las primeras {formatting.integer(shown)} de {formatting.integer(total)} filas."
        )


def table(frame, order=None) -> None:
    """The first ``TABLE_ROWS`` rows, named (only those: naming 40,000 pairs cost more than
    the query), saying so when there are more."""
    say_capped(min(len(frame), TABLE_ROWS), len(frame))
    ui.table(
        stock.labelled(frame.head(TABLE_ROWS)),
        column_order=order or list(COLUMNS),
        column_config=COLUMNS,
    )


tabs = st.tabs(["Quiebres", "Sobrestock", "Cobertura", "Lentos", "Proveedores"])
with tabs[0]:
    st.markdown(f"**En quiebre al {formatting.date(as_of)}**")
    if out.empty:
        st.success("Ningún quiebre.", icon=":material/check:")
    else:
        table(out)
    st.markdown("**Quiebres proyectados** (plan de reposición)")
    if ui.model_table_ready(restock.recommendations_table(), "La proyección de quiebres"):
        projected = restock.projected_stockouts(filters, limit=TABLE_ROWS)
        if not projected.empty:
            say_capped(len(projected), int(projected["total"].iloc[0]))
        ui.table(
            projected,
            column_order=[
                c
                for c in (
                    "projected_stockout_date",
                    "urgency",
                    "store_code",
                    "sku",
                    "product_name",
                    "on_hand_qty",
                    "days_of_cover",
                    "order_qty",
                )
                if c in projected.columns
            ],
            column_config={
                "projected_stockout_date": ui.date_column("Quiebre proyectado"),
                "urgency": "Urgencia",
                "store_code": "Tienda",
                "sku": "SKU",
                "product_name": "Producto",
                "on_hand_qty": ui.qty_column("Stock"),
                "days_of_cover": ui.qty_column("Días de cobertura"),
                "order_qty": ui.qty_column("A pedir"),
            },
        )
with tabs[1]:
    table(over.sort_values("overstock_value_pen", ascending=False))
with tabs[2]:
    covered = now[now["days_of_cover"].notna()].sort_values("days_of_cover")
    table(covered)
with tabs[3]:
    st.caption(f"Con stock y sin ventas en los últimos {stock.SLOW_DAYS} días.")
    table(slow.sort_values("stock_value_pen", ascending=False))
with tabs[4]:
    if ui.model_table_ready(restock.scorecard_table(), "La ficha de proveedores"):
        card = restock.scorecard()
        ui.table(card)
