"""The one line behind each recommendation, in Spanish, with the figures a buyer redoes by hand."""

from __future__ import annotations

from ml.inventory.text import units


def _sums(row) -> str:
    protection = row.lead_time_mean_days + row.review_period_days
    parts = [
        f"demanda {units(row.demand_protection_qty)} en {units(protection)} d "
        f"(plazo {units(row.lead_time_mean_days)} + revisión {units(row.review_period_days)})",
        f"+ seguridad {units(row.safety_stock_qty)}",
    ]
    if row.downstream_target_qty:
        parts.append(f"+ puntos de pedido de tiendas {units(row.downstream_target_qty)}")
    cap = _cap_days(row)
    if cap is not None:
        parts = [
            f"tope {units(row.order_up_to_qty)} ({units(cap)} d de demanda a "
            f"{row.daily_demand_qty:.2g}/d; sin tope: " + " ".join(parts) + ")"
        ]
    parts += [
        f"− en stock {units(row.on_hand_qty)}",
        f"− en camino {units(row.on_order_qty)}",
    ]
    if row.downstream_qty:
        parts.append(f"− en tiendas {units(row.downstream_qty)}")
    if row.transfer_in_qty:
        parts.append(f"− traslados entrantes {units(row.transfer_in_qty)}")
    if row.transfer_out_qty:
        parts.append(f"+ traslados salientes {units(row.transfer_out_qty)}")
    return " ".join(parts)


def why_line(row, transfer_note: str = "") -> str:
    """Why this quantity (``row`` carries the columns ``ml.inventory.policy.apply_policy`` adds)."""
    note = f"; {transfer_note}" if transfer_note else ""
    if row.order_qty > 0:
        rounding = f"cajas de {units(row.pack_size)}"
        if row.min_order_qty > 0:
            rounding += f", mínimo {units(row.min_order_qty)}"
        joined = " con el pedido de hoy al proveedor" if getattr(row, "joins_order", False) else ""
        return (
            f"Pedir {units(row.order_qty)}{joined}: {_sums(row)} = {units(row.order_need_qty)} "
            f"→ {rounding}{note}"
        )
    if row.unfilled_qty > 0:
        return (
            f"Faltan {units(row.unfilled_qty)} sin stock para enviar: {_sums(row)} "
            f"= {units(row.order_need_qty)}{note}"
        )
    if row.transfer_in_qty > 0:
        return f"Cubierto por traslado{note}: {_sums(row)} sin pedido pendiente"
    if row.overstock_qty > 0:
        return (
            f"Sin pedido, sobrestock {units(row.overstock_qty)}: posición "
            f"{units(row.inventory_position_qty)} sobre el nivel máximo "
            f"{units(row.order_up_to_qty)} ({_level(row)}){note}"
        )
    return (
        f"Sin pedido: posición {units(row.inventory_position_qty)} sobre el punto de pedido "
        f"{units(row.reorder_point_qty)} (demanda {units(row.demand_lead_qty)} en el plazo "
        f"+ seguridad {units(row.safety_stock_qty)}){note}"
    )


def _cap_days(row) -> float | None:
    """The cover the levels stopped at (``level_cap_days``), None where they were not capped."""
    cap = getattr(row, "level_cap_days", float("nan"))
    return None if cap != cap else cap  # NaN: not capped


def _level(row) -> str:
    cap = _cap_days(row)
    if cap is not None:
        return f"tope de {units(cap)} d de demanda a {row.daily_demand_qty:.2g}/d"
    return f"demanda {units(row.demand_protection_qty)} + seguridad {units(row.safety_stock_qty)}"
