"""One purchase-order draft per supplier: an Excel workbook with a sheet per store, and a CSV."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ml.inventory.text import day, soles
from pipelines.delivery.workbook import DATE, MONEY, QUANTITY, sheet_name, write_table

FROM_SUPPLIER = "proveedor"  # ml.inventory.plan.FROM_SUPPLIER

LINE_COLUMNS = {
    "store_code": "Código tienda",
    "store_name": "Entregar en",
    "sku": "SKU",
    "product_name": "Producto",
    "category_name": "Categoría",
    "order_packs": "Cajas",
    "pack_size": "Unidades por caja",
    "order_qty": "Cantidad",
    "unit_cost_pen": "Costo unitario",
    "order_value_pen": "Importe",
    "projected_stockout_date": "Se agota el",
    "priority_rank": "Prioridad",
    "why": "Motivo",
}
LINE_FORMATS = {
    "Cajas": QUANTITY,
    "Unidades por caja": QUANTITY,
    "Cantidad": QUANTITY,
    "Costo unitario": MONEY,
    "Importe": MONEY,
    "Se agota el": DATE,
}
CSV_COLUMNS = {
    "store_code": "codigo_tienda",
    "store_name": "entregar_en",
    "sku": "sku",
    "product_name": "producto",
    "category_name": "categoria",
    "order_packs": "cajas",
    "pack_size": "unidades_por_caja",
    "order_qty": "cantidad",
    "unit_cost_pen": "costo_unitario_pen",
    "order_value_pen": "importe_pen",
    "projected_stockout_date": "se_agota_el",
    "priority_rank": "prioridad",
    "why": "motivo",
}


@dataclass(frozen=True)
class PurchaseOrderDraft:
    supplier_id: int
    supplier_name: str
    lines: int
    total_pen: float
    min_order_pen: float
    categories: tuple[str, ...]
    excel_path: Path
    csv_path: Path

    @property
    def below_minimum(self) -> bool:
        return self.total_pen + 1e-9 < self.min_order_pen


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").lower() or "proveedor"


def order_lines(recommendations: pd.DataFrame) -> pd.DataFrame:
    """The lines tonight's plan buys from suppliers (not what a warehouse sends), by priority."""
    lines = recommendations[
        (recommendations["order_qty"] > 0)
        & (recommendations["replenished_from"].fillna(FROM_SUPPLIER) == FROM_SUPPLIER)
    ]
    return lines.sort_values(["supplier_id", "store_code", "priority_rank"], kind="stable")


def write_purchase_orders(
    recommendations: pd.DataFrame, suppliers: pd.DataFrame, as_of: dt.date, folder: Path
) -> list[PurchaseOrderDraft]:
    """Write ``OC_<proveedor>_<aaaa-mm-dd>.xlsx`` and ``.csv`` per supplier with something to
    order into ``folder``; returns what was written."""
    folder.mkdir(parents=True, exist_ok=True)
    info = suppliers.set_index("supplier_id")
    drafts = []
    for supplier_id, lines in order_lines(recommendations).groupby("supplier_id", sort=True):
        name = str(lines["supplier_name"].iloc[0])
        ruc = info["supplier_ruc"].get(supplier_id, "") if "supplier_ruc" in info else ""
        minimum = float(info["min_order_pen"].get(supplier_id, 0) or 0)
        total = float(lines["order_value_pen"].sum())
        stem = f"OC_{slug(name)}_{as_of:%Y-%m-%d}"
        excel_path, csv_path = folder / f"{stem}.xlsx", folder / f"{stem}.csv"
        title = [
            f"Borrador de orden de compra — {name}" + (f" (RUC {ruc})" if ruc else ""),
            f"Plan de reposición al {day(as_of)}; total {soles(total)}",
            (
                f"Por debajo del pedido mínimo del proveedor ({soles(minimum)}): "
                f"faltan {soles(minimum - total)}"
                if total + 1e-9 < minimum
                else f"Pedido mínimo del proveedor: {soles(minimum)} (cumplido)"
            ),
        ]
        with pd.ExcelWriter(excel_path, engine="xlsxwriter") as writer:
            taken: set[str] = set()
            for store_code, store_lines in lines.groupby("store_code", sort=True):
                sheet = sheet_name(str(store_code), taken)
                store_title = [*title, f"Entregar en: {store_lines['store_name'].iloc[0]}"]
                write_table(
                    writer,
                    sheet,
                    store_lines[list(LINE_COLUMNS)].rename(columns=LINE_COLUMNS),
                    LINE_FORMATS,
                    store_title,
                    total_columns=("Cajas", "Cantidad", "Importe"),
                )
        csv = lines[list(CSV_COLUMNS)].rename(columns=CSV_COLUMNS)
        csv["se_agota_el"] = [day(d) for d in csv["se_agota_el"]]
        csv.to_csv(csv_path, index=False, encoding="utf-8-sig", float_format="%.2f")
        drafts.append(
            PurchaseOrderDraft(
                int(supplier_id),
                name,
                len(lines),
                round(total, 2),
                minimum,
                tuple(sorted(lines["category_name"].dropna().astype(str).unique())),
                excel_path,
                csv_path,
            )
        )
    return drafts
