"""Spanish names for codes the warehouse stores (channels, payment methods, filters)."""

from __future__ import annotations

FILTER_NAMES = {
    "regions": "Región",
    "stores": "Tienda",
    "departments": "Departamento",
    "categories": "Categoría",
    "channels": "Canal",
    "payments": "Medio de pago",
}

CHANNELS = {"pos": "Tienda (POS)", "ecommerce": "Comercio electrónico", "web": "Web"}
PAYMENTS = {
    "cash": "Efectivo",
    "card": "Tarjeta",
    "yape": "Yape",
    "plin": "Plin",
    "transfer": "Transferencia",
    "credit": "Crédito",
}

# Store code -> "0001 · San Juan de Lurigancho", filled by the entry point from dim_store.
STORE_NAMES: dict[str, str] = {}


def value(filter_name: str, code: str) -> str:
    """How a filter value reads on screen."""
    if filter_name == "channels":
        return CHANNELS.get(code, code)
    if filter_name == "payments":
        return PAYMENTS.get(code, code)
    if filter_name == "stores":
        return STORE_NAMES.get(code, code)
    return code
