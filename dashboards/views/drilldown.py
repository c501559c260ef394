"""Drill-down: chain → region → store → department → category → product → ticket → lines.

A click on a bar or a row goes one level down, the breadcrumb goes back up; the path lives in
the URL (``d_<level>``) beside the shared filters, so a drilled view can be shared as a link.
"""

from __future__ import annotations

import streamlit as st

from dashboards import charts, formatting, ui
from dashboards.queries import drill

PARAM_PREFIX = "d_"


def read_path() -> dict[str, str]:
    """The drill path from the URL, cut at the first missing level."""
    path: dict[str, str] = {}
    for level in drill.LEVELS:
        value = st.query_params.get(PARAM_PREFIX + level)
        if not value:
            break
        path[level] = value
    return path


def write_path(path: dict[str, str]) -> None:
    for level in drill.LEVELS:
        key = PARAM_PREFIX + level
        if level in path:
            st.query_params[key] = path[level]
        elif key in st.query_params:
            del st.query_params[key]


def go(path: dict[str, str]) -> None:
    write_path(path)
    st.rerun()


def breadcrumb(path: dict[str, str], labels: dict[str, str]) -> None:
    """One button per ancestor; the current level shown as plain text. ``labels`` come from
    the warehouse, so a drill opened from a link reads as a clicked one."""
    crumbs = [("chain", drill.LEVEL_NAMES["chain"])] + [
        (level, f"{drill.LEVEL_NAMES[level]}: {labels.get(level, member)}")
        for level, member in path.items()
    ]
    cols = st.columns(len(crumbs))
    for index, (level, text) in enumerate(crumbs):
        with cols[index]:
            if index == len(crumbs) - 1:
                st.markdown(f"**{text}**")
            elif st.button(text, key=f"crumb_{level}", icon=":material/arrow_upward:"):
                keep = list(path)[:index]
                go({name: path[name] for name in keep})


def show_totals(totals: dict[str, float]) -> None:
    cols = st.columns(5)
    cols[0].metric("Venta neta", formatting.money(totals["net_sales_pen"]))
    cols[1].metric("Margen", formatting.money(totals["margin_pen"]))
    cols[2].metric("Margen %", formatting.percent(totals["margin_pct"]))
    cols[3].metric("Tickets", formatting.integer(totals["tickets_count"]))
    cols[4].metric("Unidades", formatting.quantity(totals["units_qty"]))


MEMBER_COLUMNS = {
    "member_label": None,
    "net_sales_pen": ui.money_column("Venta neta"),
    "cost_pen": ui.money_column("Costo"),
    "margin_pen": ui.money_column("Margen"),
    "margin_pct": ui.pct_column("Margen %"),
    "tickets_count": ui.int_column("Tickets"),
    "units_qty": ui.qty_column("Unidades"),
}


filters = ui.header(
    "Drill-down",
    "Haga clic en una barra o en una fila para bajar un nivel; use la ruta para volver.",
)
path = read_path()
level = drill.next_level(path)
breadcrumb(path, drill.path_labels(path))
totals = drill.totals(filters, path)
show_totals(totals)

if level is None:
    st.subheader("Líneas del ticket (en el alcance de la ruta y los filtros)")
    lines = drill.ticket_lines(filters, path, whole=False)
    line_config = {
        "transacted_at": ui.datetime_column("Fecha y hora"),
        "store_code": "Tienda",
        "line_number": "Línea",
        "sku": "SKU",
        "product_name": "Producto",
        "line_type": "Tipo",
        "units_qty": ui.qty_column("Unidades"),
        "unit_price_pen": ui.money_column("Precio unitario"),
        "discount_pen": ui.money_column("Descuento"),
        "net_sales_pen": ui.money_column("Venta neta"),
        "igv_pen": ui.money_column("IGV"),
        "total_with_igv_pen": ui.money_column("Total con IGV"),
        "cost_pen": ui.money_column("Costo"),
        "margin_pen": ui.money_column("Margen"),
    }
    ui.table(lines, column_config=line_config)
    with st.expander("El ticket completo (todas sus líneas)"):
        ui.table(
            drill.ticket_lines(filters, path, whole=True),
            column_config=line_config,
        )
else:
    members = drill.members(filters, path, level)
    name = drill.LEVEL_NAMES[level]
    if members.empty:
        st.info(ui.NO_SALES, icon=":material/info:")
    else:
        token = "_".join(f"{k}-{v}" for k, v in path.items()) or "chain"
        chart_event = st.altair_chart(
            charts.bar_by_member(
                members,
                title=f"Venta neta por {name.lower()} (S/)",
                value="net_sales_pen",
                value_title="Venta neta (S/)",
            ),
            width="stretch",
            on_select="rerun",
            key=f"drill_chart_{token}",
        )
        table = members.assign(margin_pct=members["margin_pct"] * 100)
        config = dict(MEMBER_COLUMNS, member_label=name)
        shown = ["member_label", *[c for c in MEMBER_COLUMNS if c != "member_label"]]
        if level == "ticket":
            config["transacted_at"] = ui.datetime_column("Fecha y hora")
            shown.insert(1, "transacted_at")
        table_event = ui.table(
            table,
            column_order=shown,
            column_config=config,
            on_select="rerun",
            selection_mode="single-row",
            key=f"drill_table_{token}",
        )
        st.caption(
            f"{len(members):,} {name.lower()}(s) · la suma de las filas es el total de arriba."
        )
        picked = None
        chosen_points = (chart_event.selection or {}).get("pick") or []
        if chosen_points:
            picked = str(chosen_points[0].get("member_key"))
        elif table_event.selection.rows:
            picked = str(members.iloc[table_event.selection.rows[0]]["member_key"])
        if picked is not None:
            go({**path, level: picked})

    if "product" in path:
        st.subheader("Kardex del producto")
        st.caption(
            "Movimientos valorizados del periodo en las tiendas que dejan los filtros "
            "(canal y medio de pago no aplican al stock); hasta 500 filas."
        )
        moves = drill.kardex(filters, path)
        if moves.empty:
            st.info("Sin movimientos de kardex en el periodo.", icon=":material/info:")
        else:
            ui.table(
                moves,
                column_config={
                    "moved_at": ui.datetime_column("Fecha y hora"),
                    "movement_date": ui.date_column("Fecha"),
                    "store_code": "Tienda",
                    "operation_type": "Tipo op.",
                    "operation_name": "Operación",
                    "document_type": "Doc.",
                    "document_serie": "Serie",
                    "document_number": st.column_config.NumberColumn("Número", format="%d"),
                    "in_qty": ui.qty_column("Entrada (cant.)"),
                    "in_unit_cost_pen": ui.money_column("Entrada (costo unit.)"),
                    "in_value_pen": ui.money_column("Entrada (valor)"),
                    "out_qty": ui.qty_column("Salida (cant.)"),
                    "out_unit_cost_pen": ui.money_column("Salida (costo unit.)"),
                    "out_value_pen": ui.money_column("Salida (valor)"),
                    "balance_qty": ui.qty_column("Saldo (cant.)"),
                    "balance_unit_cost_pen": ui.money_column("Saldo (costo unit.)"),
                    "balance_value_pen": ui.money_column("Saldo (valor)"),
                },
            )
