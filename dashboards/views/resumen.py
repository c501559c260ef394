"""Resumen: the chain's vital signs against the previous period, last year and the forecast."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, formatting, ui
from dashboards.queries import forecast, sales

filters = ui.header("Resumen")
now = sales.totals(filters)
before = sales.totals(filters.previous_period())
last_year = sales.totals(filters.last_year())

predicted_total = None
predicted_band = None
model = forecast.forecast_table()
if model.usable:
    weekly = forecast.forecast_by(filters, ("day",))
    in_period = weekly[
        (weekly["date_day"] >= pd.Timestamp(filters.start))
        & (weekly["date_day"] <= pd.Timestamp(filters.end))
    ]
    if not in_period.empty:
        predicted_total = float(in_period["forecast_pen"].sum())
    last_day = pd.Timestamp(filters.end)
    predicted_band = weekly[weekly["date_day"] > last_day].copy()
    # Shown beside daily sales as a daily average, whatever the forecast's grain.
    steps = weekly["date_day"].drop_duplicates().sort_values().diff().dt.days.dropna()
    grain = float(steps.median()) if not steps.empty else 7.0
    for column in ("forecast_pen", "p10_pen", "p90_pen"):
        predicted_band[column] = predicted_band[column] / grain

KPIS = (
    ("net_sales_pen", "Venta neta", formatting.money),
    ("margin_pen", "Margen bruto", formatting.money),
    ("margin_pct", "Margen %", formatting.percent),
    ("tickets_count", "Tickets", formatting.integer),
    ("avg_ticket_pen", "Ticket promedio", formatting.money),
    ("units_qty", "Unidades", formatting.quantity),
)

if now["tickets_count"] == 0 and now["net_sales_pen"] == 0:
    st.info(ui.NO_SALES, icon=":material/info:")

columns = st.columns(3)
for index, (name, title, show) in enumerate(KPIS):
    with columns[index % 3]:
        st.metric(
            title,
            show(now[name]),
            delta=formatting.change(now[name], before[name]),
            help=(
                f"Periodo anterior ({formatting.date(filters.previous_period().start)} – "
                f"{formatting.date(filters.previous_period().end)}): {show(before[name])}. "
                f"Mismo periodo del año anterior (52 semanas antes): {show(last_year[name])}."
            ),
            border=True,
        )

st.subheader("Comparación")
comparison = pd.DataFrame(
    {
        "Indicador": [title for _, title, _ in KPIS],
        "Periodo": [show(now[name]) for name, _, show in KPIS],
        "Periodo anterior": [show(before[name]) for name, _, show in KPIS],
        "Vs. anterior": [
            formatting.change(now[n], before[n]) or formatting.DASH for n, _, _ in KPIS
        ],
        "Año anterior": [show(last_year[name]) for name, _, show in KPIS],
        "Vs. año anterior": [
            formatting.change(now[n], last_year[n]) or formatting.DASH for n, _, _ in KPIS
        ],
    }
)
forecast_cell = (
    formatting.money(predicted_total) if predicted_total is not None else "sin pronóstico"
)
comparison["Pronóstico"] = [forecast_cell] + [formatting.DASH] * (len(KPIS) - 1)
ui.table(comparison)
if predicted_total is None:
    st.caption(
        "Pronóstico: aún no hay un pronóstico publicado para este periodo (tabla "
        "`ml.fct_forecast`)."
    )

daily = sales.daily(filters)
events = sales.calendar_events(
    filters.start,
    predicted_band["date_day"].max().date()
    if predicted_band is not None and not predicted_band.empty
    else filters.end,
)
if daily["net_sales_pen"].abs().sum() == 0:
    st.info("Sin ventas para graficar en el periodo.", icon=":material/info:")
else:
    st.altair_chart(
        charts.trend_with_band(
            daily,
            predicted_band,
            events,
            title="Venta neta diaria (S/), pronóstico P10–P90 (promedio diario) y eventos",
        ),
        width="stretch",
    )
if not events.empty:
    st.caption(
        "Eventos: "
        + "; ".join(
            f"{row.event_name} ({formatting.date(row.first_day)} – {formatting.date(row.last_day)})"
            for row in events.itertuples(index=False)
        )
    )
