"""The buyer's morning summary: what to order, what runs out before its next delivery, what to
move, where capital sits idle; as an Excel workbook and as the mail's text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ml.inventory.text import day, soles, units
from pipelines.delivery.purchase_orders import (
    LINE_COLUMNS,
    LINE_FORMATS,
    PurchaseOrderDraft,
    order_lines,
)
from pipelines.delivery.workbook import DATE, MONEY, QUANTITY, write_table

TOP = 15

RUNNING_OUT = {
    "store_code": "Tienda",
    "sku": "SKU",
    "product_name": "Producto",
    "category_name": "Categoría",
    "supplier_name": "Proveedor",
    "on_hand_qty": "Stock",
    "on_order_qty": "En camino",
    "daily_demand_qty": "Venta diaria esperada",
    "projected_stockout_date": "Se agota el",
    "lead_time_mean_days": "Plazo (días)",
    "order_qty": "Pedir",
    "transfer_in_qty": "Recibe por traslado",
    "margin_at_risk_pen": "Margen en riesgo",
    "why": "Motivo",
}
TRANSFERS = {
    "from_store_code": "Desde",
    "to_store_code": "Hacia",
    "sku": "SKU",
    "product_name": "Producto",
    "category_name": "Categoría",
    "transfer_qty": "Cantidad",
    "transfer_value_pen": "Valor",
    "why": "Motivo",
}
OVERSTOCK = {
    "store_code": "Tienda",
    "sku": "SKU",
    "product_name": "Producto",
    "category_name": "Categoría",
    "on_hand_qty": "Stock",
    "order_up_to_qty": "Nivel máximo",
    "overstock_qty": "Sobrestock",
    "overstock_value_pen": "Capital inmovilizado",
    "days_of_cover": "Días de cobertura",
}
FORMATS = {
    "Stock": QUANTITY,
    "En camino": QUANTITY,
    "Venta diaria esperada": QUANTITY,
    "Se agota el": DATE,
    "Plazo (días)": QUANTITY,
    "Pedir": QUANTITY,
    "Recibe por traslado": QUANTITY,
    "Margen en riesgo": MONEY,
    "Cantidad": QUANTITY,
    "Valor": MONEY,
    "Nivel máximo": QUANTITY,
    "Sobrestock": QUANTITY,
    "Capital inmovilizado": MONEY,
    "Días de cobertura": QUANTITY,
    "Líneas": QUANTITY,
    "Importe": MONEY,
    "Pedido mínimo": MONEY,
}


def in_categories(frame: pd.DataFrame, categories) -> pd.DataFrame:
    if categories is None:
        return frame
    return frame[frame["category_name"].astype(str).isin(set(categories))]


def running_out(recommendations: pd.DataFrame) -> pd.DataFrame:
    rows = recommendations[recommendations["runs_out_before_delivery"].astype(bool)]
    return rows.sort_values(["projected_stockout_date", "priority_rank"], kind="stable")


def overstock(recommendations: pd.DataFrame) -> pd.DataFrame:
    rows = recommendations[recommendations["overstock_value_pen"] > 0]
    return rows.sort_values("overstock_value_pen", ascending=False, kind="stable")


def _orders_by_supplier(recommendations, drafts: list[PurchaseOrderDraft]) -> pd.DataFrame:
    lines = order_lines(recommendations)
    minimum = {d.supplier_id: d.min_order_pen for d in drafts}
    table = (
        lines.groupby(["supplier_id", "supplier_name"], as_index=False)
        .agg(lines=("order_qty", "size"), value=("order_value_pen", "sum"))
        .sort_values("value", ascending=False)
    )
    return pd.DataFrame(
        {
            "Proveedor": table["supplier_name"],
            "Líneas": table["lines"],
            "Importe": table["value"].round(2),
            "Pedido mínimo": [minimum.get(s, 0.0) for s in table["supplier_id"]],
            "Cumple mínimo": [
                "sí" if v + 1e-9 >= minimum.get(s, 0.0) else "no"
                for s, v in zip(table["supplier_id"], table["value"], strict=True)
            ],
        }
    )


def write_summary(
    recommendations: pd.DataFrame,
    transfers: pd.DataFrame,
    drafts: list[PurchaseOrderDraft],
    as_of: dt.date,
    path: Path,
    with_lines: bool = False,
) -> Path:
    """The summary workbook (the caller filters the frames to a buyer's categories); with
    ``with_lines``, a sheet with every order line and its reason as well."""
    path.parent.mkdir(parents=True, exist_ok=True)
    title = [f"Plan de reposición al {day(as_of)}"]
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        write_table(
            writer,
            "Pedidos",
            _orders_by_supplier(recommendations, drafts),
            FORMATS,
            [*title, "Qué pedir, por proveedor (borradores de orden de compra adjuntos)"],
            total_columns=("Líneas", "Importe"),
        )
        if with_lines:
            lines = order_lines(recommendations).sort_values("priority_rank")
            columns = {"supplier_name": "Proveedor", **LINE_COLUMNS}
            write_table(
                writer,
                "Líneas de pedido",
                lines[list(columns)].rename(columns=columns),
                LINE_FORMATS,
                [*title, "Cada línea con su motivo, por prioridad (margen en riesgo)"],
                total_columns=("Cajas", "Cantidad", "Importe"),
            )
        write_table(
            writer,
            "Se agotan",
            running_out(recommendations)[list(RUNNING_OUT)].rename(columns=RUNNING_OUT),
            FORMATS,
            [*title, "Se agotan antes de su próxima entrega"],
        )
        write_table(
            writer,
            "Traslados",
            transfers[list(TRANSFERS)].rename(columns=TRANSFERS),
            FORMATS,
            [*title, "Mover entre locales antes de comprar"],
            total_columns=("Cantidad", "Valor"),
        )
        write_table(
            writer,
            "Sobrestock",
            overstock(recommendations)[list(OVERSTOCK)].rename(columns=OVERSTOCK),
            FORMATS,
            [*title, "Capital inmovilizado sobre el nivel máximo"],
            total_columns=("Capital inmovilizado",),
        )
    return path


def summary_text(
    recommendations: pd.DataFrame,
    transfers: pd.DataFrame,
    drafts: list[PurchaseOrderDraft],
    as_of: dt.date,
    categories=None,
) -> str:
    """The mail's body: the counts and the most urgent lines, each with its figures."""
    lines = order_lines(recommendations)
    out = running_out(recommendations)
    idle = overstock(recommendations)
    scope = f" (categorías: {', '.join(categories)})" if categories else ""
    text = [
        "Buenos días:",
        "",
        f"Plan de reposición al {day(as_of)}{scope}.",
        "",
        f"QUÉ PEDIR: {len(lines)} líneas a {lines['supplier_id'].nunique()} proveedores por "
        f"{soles(float(lines['order_value_pen'].sum()))} (borradores adjuntos, Excel y CSV).",
    ]
    for draft in sorted(drafts, key=lambda d: -d.total_pen):
        warning = (
            f" — bajo el mínimo de {soles(draft.min_order_pen)}" if draft.below_minimum else ""
        )
        text.append(
            f"  · {draft.supplier_name}: {draft.lines} líneas, {soles(draft.total_pen)}{warning}"
        )
    text += ["", f"SE AGOTAN ANTES DE SU PRÓXIMA ENTREGA: {len(out)}"]
    for row in out.head(TOP).itertuples(index=False):
        action = (
            f"pedir {units(row.order_qty)}"
            if row.order_qty > 0
            else f"traslado de {units(row.transfer_in_qty)}"
            if row.transfer_in_qty > 0
            else "sin stock para reponer"
        )
        text.append(
            f"  · {row.store_code} {row.sku} {row.product_name}: stock {units(row.on_hand_qty)}, "
            f"se agota el {day(row.projected_stockout_date)}; {action}"
        )
    if len(out) > TOP:
        text.append(f"  · … y {len(out) - TOP} más en el resumen adjunto")
    value = float(transfers["transfer_value_pen"].sum()) if len(transfers) else 0.0
    text += [
        "",
        f"TRASLADOS ANTES DE COMPRAR: {len(transfers)} ({soles(value)})",
        f"CAPITAL INMOVILIZADO EN SOBRESTOCK: {soles(float(idle['overstock_value_pen'].sum()))} "
        f"en {len(idle)} productos-tienda",
        "",
        "Cada cantidad trae su motivo (columna «Motivo»): demanda en plazo + revisión, stock de "
        "seguridad, stock y pedidos en camino.",
    ]
    return "\n".join(text) + "\n"
