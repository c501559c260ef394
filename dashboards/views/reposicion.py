"""Reposición: what to order and move, ranked by priority, with why each quantity."""

from __future__ import annotations

import streamlit as st

from dashboards import formatting, purchase_orders, ui
from dashboards.queries import restock
from dashboards.warehouse import current

filters = ui.header(
    "Reposición",
    "Recomendaciones del plan nocturno, de mayor a menor prioridad. Los filtros de región, "
    "tienda, departamento y categoría se aplican; canal y medio de pago no.",
)
if not ui.model_table_ready(restock.recommendations_table(), "El plan de reposición"):
    st.stop()

if not restock.plan_totals(filters)["lines"]:
    st.info("No hay recomendaciones para los filtros elegidos.", icon=":material/info:")
    st.stop()
as_of = restock.plan_as_of()
st.caption(f"Plan calculado al {formatting.date(as_of)}." if as_of is not None else "")

cols = st.columns(3)
suppliers = cols[0].multiselect("Proveedor", restock.plan_suppliers(filters), placeholder="Todos")
urgencies = cols[1].multiselect(
    "Urgencia", [restock.URGENT, restock.SOON, restock.NORMAL], placeholder="Todas"
)
only_orders = cols[2].toggle("Solo con pedido", value=True)
choice = restock.PlanChoice(tuple(suppliers), tuple(urgencies), only_orders)
totals = restock.plan_totals(filters, choice)

metrics = st.columns(4)
metrics[0].metric("Líneas", formatting.integer(totals["lines"]))
metrics[1].metric("Urgentes", formatting.integer(totals["urgent"]))
if totals["order_value_pen"] is not None:
    metrics[2].metric("Valor a pedir", formatting.money(totals["order_value_pen"]))
if totals["margin_at_risk_pen"] is not None:
    metrics[3].metric("Margen en riesgo", formatting.money(totals["margin_at_risk_pen"]))

config = {
    "priority_rank": ui.int_column("Prioridad"),
    "urgency": "Urgencia",
    "store_code": "Tienda",
    "sku": "SKU",
    "product_name": "Producto",
    "supplier_name": "Proveedor",
    "on_hand_qty": ui.qty_column("Stock"),
    "inventory_position_qty": ui.qty_column("Posición"),
    "reorder_point_qty": ui.qty_column("Punto de pedido"),
    "order_qty": ui.qty_column("A pedir"),
    "order_value_pen": ui.money_column("Valor"),
    "days_of_cover": ui.qty_column("Días de cobertura"),
    "projected_stockout_date": ui.date_column("Quiebre proyectado"),
    "why": st.column_config.TextColumn("Por qué esta cantidad", width="large"),
}
TABLE_ROWS = 500  # a medium chain's plan has 41,000 lines: the first by priority, not all
shown = restock.recommendations(filters, choice, limit=TABLE_ROWS, shown=tuple(config))
if totals["lines"] > len(shown):
    st.caption(
        f"Las primeras {formatting.integer(len(shown))} de {formatting.integer(totals['lines'])} "
        "líneas, por prioridad."
    )
ui.table(
    shown,
    column_order=[c for c in config if c in shown.columns],
    column_config=config,
)

st.subheader("Transferencias propuestas")
if ui.model_table_ready(restock.transfers_table(), "Las transferencias propuestas"):
    moves = restock.transfers(filters)
    if moves.empty:
        st.info("No hay transferencias propuestas para los filtros.", icon=":material/info:")
    else:
        ui.table(
            moves,
            column_order=[
                c
                for c in (
                    "from_store",
                    "to_store",
                    "sku",
                    "product_name",
                    "transfer_qty",
                    "transfer_value_pen",
                    "margin_at_risk_pen",
                    "why",
                )
                if c in moves.columns
            ],
            column_config={
                "from_store": "Desde",
                "to_store": "Hacia",
                "sku": "SKU",
                "product_name": "Producto",
                "transfer_qty": ui.qty_column("Cantidad"),
                "transfer_value_pen": ui.money_column("Valor"),
                "margin_at_risk_pen": ui.money_column("Margen protegido"),
                "why": st.column_config.TextColumn("Por qué", width="large"),
            },
        )

st.subheader("Borradores de pedido por proveedor")
st.caption(
    "El pedido de cada proveedor para toda la cadena, tal como lo escribe la exportación "
    "nocturna (Excel con una hoja por tienda, y CSV)."
)
ordering = restock.ordering_suppliers(purchase_orders.FROM_SUPPLIER)
if ordering.empty:
    st.info("Ningún proveedor tiene pedidos sugeridos.", icon=":material/info:")
else:
    supplier_id = st.selectbox(
        "Proveedor del pedido", list(ordering.index), format_func=ordering.get, key="po_supplier"
    )
    order = purchase_orders.supplier_draft(supplier_id, current())
    if order.below_minimum:
        st.warning(
            f"El pedido suma {formatting.money(order.total_pen)}, por debajo del mínimo del "
            f"proveedor ({formatting.money(order.min_order_pen)}).",
            icon=":material/warning:",
        )
    figures = st.columns(3)
    figures[0].metric("Total del pedido", formatting.money(order.total_pen))
    figures[1].metric("Líneas del pedido", formatting.integer(len(order.lines)))
    figures[2].metric(
        "Tiendas del pedido", formatting.integer(order.lines["codigo_tienda"].nunique())
    )
    ui.table(
        purchase_orders.typed(order.lines),
        column_config={
            "codigo_tienda": "Código tienda",
            "entregar_en": "Entregar en",
            "sku": "SKU",
            "producto": "Producto",
            "categoria": "Categoría",
            "cajas": ui.qty_column("Cajas"),
            "unidades_por_caja": ui.qty_column("Unidades por caja"),
            "cantidad": ui.qty_column("Cantidad"),
            "costo_unitario_pen": ui.money_column("Costo unitario"),
            "importe_pen": ui.money_column("Importe"),
            "se_agota_el": "Se agota el",
            "prioridad": ui.int_column("Prioridad"),
            "motivo": st.column_config.TextColumn("Motivo", width="large"),
        },
    )
    left, right = st.columns(2)
    left.download_button(
        "Descargar pedido (Excel)",
        data=order.excel_bytes,
        file_name=order.excel_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )
    right.download_button(
        "Descargar pedido (CSV)",
        data=order.csv_bytes,
        file_name=order.csv_name,
        mime="text/csv",
        icon=":material/download:",
    )
