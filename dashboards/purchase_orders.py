"""A supplier's purchase-order draft from the restock plan, as CSV and Excel."""

from __future__ import annotations

import io

import pandas as pd

FROM_SUPPLIER = "proveedor"  # ml.inventory.plan.FROM_SUPPLIER

DRAFT_COLUMNS = {
    "supplier_name": "proveedor",
    "store_code": "entregar_en",
    "sku": "sku",
    "product_name": "producto",
    "order_qty": "cantidad",
    "order_packs": "paquetes",
    "pack_size": "unidades_por_paquete",
    "unit_cost_pen": "costo_unitario_pen",
    "order_value_pen": "valor_pen",
    "projected_stockout_date": "quiebre_proyectado",
    "priority_rank": "prioridad",
}


def draft(recommendations: pd.DataFrame, supplier: str) -> pd.DataFrame:
    """The lines a supplier must deliver: what the plan orders from suppliers, by priority."""
    rows = recommendations[
        (recommendations["supplier_name"] == supplier) & (recommendations["order_qty"] > 0)
    ]
    if "replenished_from" in rows:
        rows = rows[rows["replenished_from"].fillna(FROM_SUPPLIER) == FROM_SUPPLIER]
    present = [c for c in DRAFT_COLUMNS if c in rows.columns]
    return rows.sort_values("priority_rank")[present].rename(columns=DRAFT_COLUMNS)


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def to_excel(frame: pd.DataFrame, sheet: str = "Pedido") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet)
    return buffer.getvalue()
