"""A supplier's purchase-order draft, written by the nightly export's own code
(``pipelines.delivery.purchase_orders``) so the download is byte for byte what buyers receive."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.queries import restock
from dashboards.warehouse import Snapshot
from pipelines.delivery.purchase_orders import FROM_SUPPLIER, write_purchase_orders

__all__ = ["FROM_SUPPLIER", "NUMBER_COLUMNS", "Draft", "draft", "supplier_draft", "typed"]


@dataclass(frozen=True)
class Draft:
    supplier_name: str
    excel_name: str
    excel_bytes: bytes
    csv_name: str
    csv_bytes: bytes
    lines: pd.DataFrame  # the CSV as read back: what the screen shows
    total_pen: float
    min_order_pen: float

    @property
    def below_minimum(self) -> bool:
        return self.total_pen + 1e-9 < self.min_order_pen


# The draft's CSV columns that hold numbers (the rest is text, dates already dd/mm/aaaa).
NUMBER_COLUMNS = (
    "cajas",
    "unidades_por_caja",
    "cantidad",
    "costo_unitario_pen",
    "importe_pen",
    "prioridad",
)


def typed(lines: pd.DataFrame) -> pd.DataFrame:
    """The CSV's lines with its numbers as numbers, so the screen formats them (soles, units)."""
    return lines.assign(
        **{c: pd.to_numeric(lines[c]) for c in NUMBER_COLUMNS if c in lines.columns}
    )


def draft(
    recommendations: pd.DataFrame, suppliers: pd.DataFrame, supplier_id: int, as_of: dt.date
) -> Draft | None:
    """The supplier's draft from the whole plan (None: nothing to order from it)."""
    rows = recommendations[recommendations["supplier_id"] == supplier_id]
    with tempfile.TemporaryDirectory(prefix="oc_") as folder:
        written = write_purchase_orders(rows, suppliers, as_of, Path(folder))
        if not written:
            return None
        (order,) = written
        csv_bytes = order.csv_path.read_bytes()
        return Draft(
            order.supplier_name,
            order.excel_path.name,
            order.excel_path.read_bytes(),
            order.csv_path.name,
            csv_bytes,
            pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig", dtype=str),
            order.total_pen,
            order.min_order_pen,
        )


@st.cache_data(max_entries=64, show_spinner=False)
def supplier_draft(supplier_id: int, snapshot: Snapshot) -> Draft | None:
    """The supplier's draft from the snapshot's plan, written once per snapshot (not on every
    rerun of the page: the workbook takes tens of milliseconds per supplier)."""
    plan = restock.supplier_plan(supplier_id)
    return draft(plan, restock.suppliers(), supplier_id, restock.plan_as_of())
