"""Segmentos: size, value, trend and profile of each segment; DBSCAN's outliers beside K-means;
from a segment to its (pseudonymized) customers and their history."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import charts, formatting, ui
from dashboards.queries import customers

filters = ui.header(
    "Segmentos de clientes",
    "Segmentos del modelo de clientes (K-means) y los atípicos que marca DBSCAN. Los clientes "
    "se muestran solo por seudónimo.",
)
if not ui.model_table_ready(customers.segments_table(), "La segmentación de clientes"):
    st.stop()

summary = customers.segment_summary()
total = int(summary["customers_count"].sum())
cols = st.columns(3)
cols[0].metric("Segmentos", formatting.integer(len(summary)))
cols[1].metric("Clientes segmentados", formatting.integer(total))
cols[2].metric(
    "Con consentimiento de marketing", formatting.integer(summary["marketable_count"].sum())
)

value_column = "monetary_pen" if "monetary_pen" in summary else "customers_count"
st.altair_chart(
    alt.Chart(summary, title="Clientes y valor por segmento")
    .mark_bar(color=charts.PRIMARY)
    .encode(
        y=alt.Y("segment_name:N", sort="-x", title=None),
        x=alt.X("customers_count:Q", title="Clientes"),
        tooltip=[
            alt.Tooltip("segment_name:N", title="Segmento"),
            alt.Tooltip("customers_count:Q", title="Clientes", format=","),
            alt.Tooltip(f"{value_column}:Q", title="Valor", format=",.2f"),
        ],
    )
    .properties(height=alt.Step(32)),
    width="stretch",
)
table = summary.copy()
for pct in ("share_of_customers", "share_of_value", "trend_pct", "mean_p_alive"):
    if pct in table:
        table[pct] = table[pct] * 100
ui.table(
    table,
    column_config={
        "segment_id": st.column_config.NumberColumn("Id", format="%d"),
        "segment_name": "Segmento",
        "customers_count": ui.int_column("Clientes"),
        "marketable_count": ui.int_column("Con consentimiento"),
        "profile": st.column_config.TextColumn("Perfil", width="large"),
        "share_of_customers": ui.pct_column("% de clientes"),
        "monetary_pen": ui.money_column("Compras históricas"),
        "share_of_value": ui.pct_column("% del valor"),
        "spend_last_90d": ui.money_column("Gasto últimos 90 días"),
        "spend_previous_90d": ui.money_column("Gasto 90 días previos"),
        "trend_pct": ui.pct_column("Tendencia"),
        "size_change": ui.int_column("Cambio de tamaño"),
        "mean_p_alive": ui.pct_column("Prob. de seguir activo"),
        "expected_spend": ui.money_column("Gasto esperado"),
        "suggested_campaign": "Campaña sugerida",
    },
)

st.subheader("K-means y DBSCAN")
outliers = customers.outliers_by_segment()
if outliers.empty:
    st.info("La tabla de segmentos no marca atípicos (DBSCAN).", icon=":material/info:")
else:
    ui.table(
        outliers.assign(share=outliers["outliers_count"] / outliers["customers_count"] * 100),
        column_config={
            "segment_name": "Segmento (K-means)",
            "customers_count": ui.int_column("Clientes"),
            "outliers_count": ui.int_column("Atípicos según DBSCAN"),
            "share": ui.pct_column("% atípicos"),
        },
    )

st.subheader("Clientes de un segmento")
names = dict(zip(summary["segment_id"], summary["segment_name"], strict=True))
segment = st.selectbox("Segmento", list(names), format_func=names.get, key="segment_pick")
people = customers.segment_customers(segment)
if people.empty:
    st.info("El segmento no tiene clientes en la copia publicada.", icon=":material/info:")
    st.stop()
event = ui.table(
    people,
    on_select="rerun",
    selection_mode="single-row",
    key=f"segment_people_{segment}",
    column_config={
        "customer_pseudonym": "Cliente (seudónimo)",
        "is_business": st.column_config.CheckboxColumn("Empresa"),
        "is_marketable": st.column_config.CheckboxColumn("Contactable"),
        "first_purchase_date": ui.date_column("Primera compra"),
        "last_purchase_date": ui.date_column("Última compra"),
        "purchases_count": ui.int_column("Compras"),
        "net_sales_pen": ui.money_column("Venta neta histórica"),
        "margin_pen": ui.money_column("Margen histórico"),
        "p_alive": st.column_config.NumberColumn("Prob. activo", format="%.2f"),
        "expected_purchases": st.column_config.NumberColumn("Compras esperadas", format="%.1f"),
        "expected_spend": ui.money_column("Gasto esperado"),
    },
)
st.caption("Seleccione un cliente para ver su historial (hasta 500 clientes, por venta).")
rows = event.selection.rows
chosen = (
    people.iloc[rows[0]]["customer_pseudonym"] if rows else people.iloc[0]["customer_pseudonym"]
)
st.markdown(f"**Historial de {chosen}**")
ui.table(
    customers.customer_history(chosen),
    column_config={
        "transacted_at": ui.datetime_column("Fecha y hora"),
        "transaction_type": "Tipo",
        "store_code": "Tienda",
        "lines_count": ui.int_column("Líneas"),
        "units_qty": ui.qty_column("Unidades"),
        "net_sales_pen": ui.money_column("Venta neta"),
        "margin_pen": ui.money_column("Margen"),
        "main_payment_method_code": "Medio de pago",
    },
)
