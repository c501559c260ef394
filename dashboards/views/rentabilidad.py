"""Rentabilidad: where money is made and lost, by product, category, supplier, segment, store."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, formatting, ui
from dashboards.queries import profitability

filters = ui.header(
    "Rentabilidad",
    "Venta neta, costo y margen del periodo; la contribución es la parte del margen total. "
    "Clase ABC por margen acumulado: A hasta 80 %, B hasta 95 %, C el resto y todo lo que "
    "pierde dinero.",
)

names = {key: spec.title for key, spec in profitability.DIMENSIONS.items()}
dimension = st.segmented_control(
    "Ver por",
    options=list(names),
    format_func=names.get,
    default="product",
    key="profit_dimension",
)
dimension = dimension or "product"
frame, note = profitability.by_dimension(filters, dimension)
if note:
    st.caption(f"Segmentos: {note}.")

if frame.empty:
    st.info(ui.NO_SALES, icon=":material/info:")
    st.stop()

total_margin = float(frame["margin_pen"].sum())
losing = frame[frame["margin_pen"] < 0]
cols = st.columns(4)
cols[0].metric("Venta neta", formatting.money(frame["net_sales_pen"].sum()))
cols[1].metric("Costo", formatting.money(frame["cost_pen"].sum()))
cols[2].metric("Margen", formatting.money(total_margin))
cols[3].metric(
    "Pierden dinero",
    formatting.integer(len(losing)),
    help=f"Miembros con margen negativo: {formatting.money(losing['margin_pen'].sum())} en total.",
)

label = names[dimension]
chart_data = frame.head(60).assign(member_label=frame["member_label"].head(60))
st.altair_chart(
    charts.pareto(
        chart_data,
        label="member_label",
        title=f"Pareto del margen por {label.lower()} (S/ y % acumulado), primeros 60",
    ),
    width="stretch",
)
classes = frame.groupby("abc_class", as_index=False).agg(
    members=("member_label", "count"), margin_pen=("margin_pen", "sum")
)
st.caption(
    "ABC: "
    + " · ".join(
        f"{row.abc_class}: {row.members:,} con {formatting.money(row.margin_pen)}"
        for row in classes.itertuples(index=False)
    )
)

table = frame.assign(
    margin_pct=frame["margin_pct"] * 100,
    contribution=frame["contribution"] * 100,
    cumulative_share=frame["cumulative_share"] * 100,
)
config = {
    "member_label": label,
    "net_sales_pen": ui.money_column("Venta neta"),
    "cost_pen": ui.money_column("Costo"),
    "margin_pen": ui.money_column("Margen"),
    "margin_pct": ui.pct_column("Margen %"),
    "contribution": ui.pct_column("Contribución", "Parte del margen total."),
    "cumulative_share": ui.pct_column("% acumulado"),
    "abc_class": "Clase ABC",
    "tickets_count": ui.int_column("Tickets"),
    "units_qty": ui.qty_column("Unidades"),
}
ui.table(table, column_order=list(config), column_config=config)
if not losing.empty:
    st.subheader("Dónde se pierde dinero")
    ui.table(
        table[table["margin_pen"] < 0].sort_values("margin_pen"),
        column_order=list(config),
        column_config=config,
    )
st.download_button(
    "Descargar tabla (CSV)",
    data=frame.to_csv(index=False).encode("utf-8"),
    file_name=f"rentabilidad_{dimension}_{filters.start:%Y%m%d}_{filters.end:%Y%m%d}.csv",
    mime="text/csv",
    icon=":material/download:",
)
