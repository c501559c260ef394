"""Numbers as a Peruvian buyer reads them: ``S/ 1,234.50``, ``1,250`` units, ``07/12/2026``."""

from __future__ import annotations

import datetime as dt
import math


def soles(amount: float) -> str:
    return f"S/ {amount:,.2f}" if amount >= 0 else f"-S/ {-amount:,.2f}"


def units(quantity: float) -> str:
    """Whole units without decimals, fractions with one."""
    if quantity is None or (isinstance(quantity, float) and math.isnan(quantity)):
        return "-"
    if abs(quantity - round(quantity)) < 0.05:
        return f"{round(quantity):,}"
    return f"{quantity:,.1f}"


def day(value) -> str:
    if value is None or value != value:  # NaT / NaN compare unequal to themselves
        return "-"
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value:%d/%m/%Y}"
