"""Pronóstico: the next 8 weeks' sales and projected margin by store and category, with the
P10–P90 band, and the accuracy the model showed in backtesting."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import charts, formatting, ui
from dashboards.queries import forecast

HORIZON_WEEKS = 8

filters = ui.header(
    "Pronóstico",
    "Venta neta pronosticada para las próximas 8 semanas con su banda P10–P90 (8 de cada 10 "
    "semanas deberían caer dentro). Se aplican los filtros de región, tienda, departamento y "
    "categoría. Un pronóstico en unidades se valoriza al precio neto y al margen por unidad de "
    "cada producto en su tienda durante las últimas 13 semanas.",
)
if not ui.model_table_ready(forecast.forecast_table(), "El pronóstico de ventas"):
    st.stop()

ahead = forecast.forecast_by(filters, ("day",))
if ahead.empty:
    st.info("El pronóstico no cubre las tiendas y categorías elegidas.", icon=":material/info:")
    st.stop()
start = ahead["date_day"].min()
horizon_end = start + pd.Timedelta(weeks=HORIZON_WEEKS)
ahead = ahead[ahead["date_day"] < horizon_end]

cols = st.columns(4)
cols[0].metric("Pronóstico 8 semanas", formatting.money(ahead["forecast_pen"].sum()))
band_help = "Suma de las bandas por periodo: un rango amplio, no un intervalo del total."
cols[1].metric("P10", formatting.money(ahead["p10_pen"].sum()), help=band_help)
cols[2].metric("P90", formatting.money(ahead["p90_pen"].sum()), help=band_help)
margin = ahead["margin_pen"].dropna()
cols[3].metric(
    "Margen proyectado",
    formatting.money(margin.sum()) if not margin.empty else "sin dato",
)

base = alt.Chart(ahead, title="Venta neta pronosticada por periodo (S/), banda P10–P90")
x_axis = alt.Axis(title="Periodo desde", format=charts.DATE_AXIS, labelAngle=-30)
st.altair_chart(
    alt.layer(
        base.mark_area(color=charts.SECONDARY, opacity=0.3).encode(
            x=alt.X("date_day:T", axis=x_axis),
            y=alt.Y("p10_pen:Q", axis=charts.money_axis("Venta neta (S/)")),
            y2="p90_pen:Q",
        ),
        base.mark_line(color=charts.PRIMARY, point=True).encode(
            x="date_day:T",
            y="forecast_pen:Q",
            tooltip=[
                alt.Tooltip("date_day:T", title="Desde", format=charts.DATE_AXIS),
                alt.Tooltip("forecast_pen:Q", title="Pronóstico (S/)", format=",.2f"),
                alt.Tooltip("p10_pen:Q", title="P10 (S/)", format=",.2f"),
                alt.Tooltip("p90_pen:Q", title="P90 (S/)", format=",.2f"),
            ],
        ),
    ).properties(height=300),
    width="stretch",
)

MONEY = {
    "forecast_pen": ui.money_column("Pronóstico"),
    "p10_pen": ui.money_column("P10"),
    "p90_pen": ui.money_column("P90"),
    "margin_pen": ui.money_column("Margen proyectado"),
}
left, right = st.columns(2)
for column, group, title in ((left, "store", "Tienda"), (right, "category", "Categoría")):
    frame = forecast.forecast_by(filters, (group,), after=start - pd.Timedelta(days=1))
    with column:
        st.markdown(f"**Por {title.lower()}**")
        ui.table(frame, column_config={group: title, **MONEY})

st.subheader("Precisión en el backtest")
accuracy = forecast.accuracy_table()
if ui.model_table_ready(accuracy, "La precisión del backtest"):
    frame = forecast.accuracy()
    st.caption(
        "WAPE: error absoluto sobre la venta real (menor es mejor); MASE: error frente al "
        "pronóstico ingenuo estacional (menos de 1 le gana); cobertura: parte de las semanas "
        "reales dentro de la banda."
    )
    ui.table(
        frame,
        column_config={
            "model": "Modelo",
            "wape": st.column_config.NumberColumn("WAPE", format="%.3f"),
            "mase": st.column_config.NumberColumn("MASE", format="%.3f"),
            "bias": st.column_config.NumberColumn("Sesgo", format="%.3f"),
            "coverage_p10": st.column_config.NumberColumn("Cobertura P10", format="%.2f"),
            "coverage_p90": st.column_config.NumberColumn("Cobertura P90", format="%.2f"),
        },
    )
