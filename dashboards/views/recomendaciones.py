"""Recomendaciones: products frequently bought together, and a customer's recommended products."""

from __future__ import annotations

import streamlit as st

from dashboards import ui
from dashboards.queries import customers

filters = ui.header("Recomendaciones")

st.subheader("Se compran juntos")
pairs_table = customers.associations_table()
if ui.model_table_ready(pairs_table, "Las asociaciones entre productos"):
    pairs = customers.associations(pairs_table)
    ui.table(
        pairs,
        column_config={
            "antecedent_sku": "SKU",
            "antecedent_name": "Quien compra…",
            "consequent_sku": "SKU",
            "consequent_name": "…también compra",
            "support": st.column_config.NumberColumn("Soporte", format="%.4f"),
            "confidence": st.column_config.NumberColumn("Confianza", format="%.2f"),
            "lift": st.column_config.NumberColumn("Lift", format="%.2f"),
        },
    )

st.subheader("Productos recomendados a un cliente")
recs_table = customers.recommendations_table()
if ui.model_table_ready(recs_table, "Las recomendaciones por cliente"):
    people = customers.recommended_customers(recs_table)
    person = st.selectbox("Cliente (seudónimo)", people, key="rec_customer")
    if person:
        ui.table(
            customers.recommendations_for(recs_table, person),
            column_config={
                "rank": ui.int_column("Orden"),
                "sku": "SKU",
                "product_name": "Producto",
                "score": st.column_config.NumberColumn("Puntaje", format="%.3f"),
            },
        )
