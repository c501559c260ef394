"""The purchase-order workbook a buyer downloads from Reposición holds what the page shows and
what the warehouse's restock plan says: a sheet per store, the same lines, quantities, costs
and totals, amounts as soles."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from dashboards import formatting
from tests.dashboards.conftest import snapshot
from tests.dashboards.downloads import downloaded

HEADER = (
    "Código tienda",
    "Entregar en",
    "SKU",
    "Producto",
    "Categoría",
    "Cajas",
    "Unidades por caja",
    "Cantidad",
    "Costo unitario",
    "Importe",
    "Se agota el",
    "Prioridad",
    "Motivo",
)
SOLES = '"S/ "#,##0.00'
TITLE_ROWS = 5  # four title lines and a blank row above the header


def _day(text: str) -> dt.date | None:
    return None if text in ("-", "") else dt.datetime.strptime(text, "%d/%m/%Y").date()


def _sheet_lines(sheet) -> tuple[list[tuple], tuple]:
    """The sheet's line rows (under the header) and its total row."""
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[TITLE_ROWS] == HEADER, sheet.title
    body = rows[TITLE_ROWS + 1 :]
    assert body[-1][0] == "Total", sheet.title
    return body[:-1], body[-1]


def test_purchase_order_workbook_holds_the_screen_and_the_plan(open_page, ml_home):
    app = open_page("views/reposicion.py", home=ml_home)
    supplier_id = app.selectbox(key="po_supplier").value
    supplier_name = app.selectbox(key="po_supplier").format_func(supplier_id)
    screen = app.dataframe[-1].value.reset_index(drop=True)
    shown = {m.label: m.value for m in app.metric}
    book = openpyxl.load_workbook(io.BytesIO(downloaded(app, "Descargar pedido (Excel)")))

    # One sheet per store the order delivers to, in store order.
    assert book.sheetnames == sorted(screen["codigo_tienda"].unique())
    assert shown["Tiendas del pedido"] == str(len(book.sheetnames))

    total = 0.0
    for store_code, store_lines in screen.groupby("codigo_tienda", sort=True):
        sheet = book[store_code]
        titles = [sheet.cell(row=r, column=1).value for r in range(1, TITLE_ROWS)]
        assert titles[0].startswith(f"Borrador de orden de compra — {supplier_name}")
        assert titles[1].endswith(f"; total {shown['Total del pedido']}")
        assert titles[3] == f"Entregar en: {store_lines['entregar_en'].iloc[0]}"

        lines, total_row = _sheet_lines(sheet)
        assert len(lines) == len(store_lines), store_code
        for row, (_, on_screen) in zip(lines, store_lines.iterrows(), strict=True):
            cell = dict(zip(HEADER, row, strict=True))
            assert (cell["Código tienda"], cell["SKU"]) == (store_code, on_screen["sku"])
            assert cell["Producto"] == on_screen["producto"]
            assert cell["Cantidad"] == on_screen["cantidad"]
            assert cell["Cajas"] == on_screen["cajas"]
            assert round(cell["Costo unitario"], 2) == round(on_screen["costo_unitario_pen"], 2)
            assert round(cell["Importe"], 2) == round(on_screen["importe_pen"], 2)
            assert cell["Prioridad"] == on_screen["prioridad"]
            assert cell["Motivo"] == on_screen["motivo"]
            stockout = cell["Se agota el"]
            assert (stockout.date() if stockout else None) == _day(on_screen["se_agota_el"])

        # Amounts in soles, dates dd/mm/aaaa, on the lines and on the total row.
        first_line, total_line = TITLE_ROWS + 2, TITLE_ROWS + 2 + len(lines)
        for column in ("Costo unitario", "Importe"):
            index = HEADER.index(column) + 1
            assert sheet.cell(row=first_line, column=index).number_format == SOLES
        importe = HEADER.index("Importe") + 1
        assert sheet.cell(row=total_line, column=importe).number_format == SOLES
        dated = [r for r in range(first_line, total_line) if sheet.cell(r, 11).value is not None]
        assert all(sheet.cell(r, 11).number_format == "dd/mm/yyyy" for r in dated)

        totals = dict(zip(HEADER, total_row, strict=True))
        assert totals["Cantidad"] == store_lines["cantidad"].sum()
        assert formatting.money(totals["Importe"]) == formatting.money(
            store_lines["importe_pen"].sum()
        )
        total += totals["Importe"]

    # The workbook's sheets add up to the order on screen and to the plan in the warehouse.
    assert formatting.money(total) == shown["Total del pedido"]
    with snapshot(ml_home) as con:
        plan = con.execute(
            """
            select s.store_code, p.sku, r.order_qty, r.order_value_pen
            from ml.fct_restock_recommendations r
            join marts.dim_store s using (store_id) join marts.dim_product p using (product_id)
            where r.supplier_id = ? and r.order_qty > 0
                and coalesce(r.replenished_from, 'proveedor') = 'proveedor'
            """,
            [supplier_id],
        ).df()
    assert formatting.money(plan["order_value_pen"].sum()) == shown["Total del pedido"]
    in_book = pd.DataFrame(
        [
            (name, row[HEADER.index("SKU")], row[HEADER.index("Cantidad")])
            for name in book.sheetnames
            for row in _sheet_lines(book[name])[0]
        ],
        columns=["store_code", "sku", "order_qty"],
    )
    merged = plan.merge(in_book, on=["store_code", "sku"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    assert (merged["order_qty_x"].astype(float) == merged["order_qty_y"].astype(float)).all()
