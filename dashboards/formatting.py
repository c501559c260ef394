"""How numbers and dates read on screen (es-PE): ``S/ 1,234.50``, dd/mm/aaaa, America/Lima."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

LIMA = ZoneInfo("America/Lima")
DASH = "—"

# Column formats for st.column_config (sprintf-js and moment.js patterns).
MONEY_FORMAT = "S/ %,.2f"
QTY_FORMAT = "%,.0f"
PCT_FORMAT = "%.1f%%"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:mm"


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def money(value: float | Decimal | None) -> str:
    """``S/ 1,234.50``; a negative amount as ``-S/ 1,234.50``, rounded half-up to the céntimo."""
    if _missing(value):
        return DASH
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    sign = "-" if amount < 0 else ""
    return f"{sign}S/ {abs(amount):,.2f}"


def integer(value: float | int | None) -> str:
    if _missing(value):
        return DASH
    return f"{round(float(value)):,}"


def quantity(value: float | Decimal | None) -> str:
    """Units: whole numbers without decimals, fractions (kg) with up to 3."""
    if _missing(value):
        return DASH
    number = float(value)
    if number == round(number):
        return f"{round(number):,}"
    return f"{number:,.3f}".rstrip("0").rstrip(".")


def percent(ratio: float | Decimal | None, digits: int = 1) -> str:
    """A ratio (0.234) as ``23.4%``."""
    if _missing(ratio):
        return DASH
    return f"{float(ratio) * 100:,.{digits}f}%"


def date(value: dt.date | dt.datetime | None) -> str:
    """A day as ``dd/mm/aaaa``. A moment (a datetime with its zone) is first taken to Lima; a
    naive datetime is a warehouse date pandas handed back at midnight, read as that day."""
    if value is None or value != value:  # NaT is unequal to itself
        return DASH
    if isinstance(value, dt.datetime):
        value = to_lima(value).date() if value.tzinfo is not None else value.date()
    return value.strftime("%d/%m/%Y")


def to_lima(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LIMA)


def datetime(value: dt.datetime | None) -> str:
    """A moment in Lima's time, ``dd/mm/aaaa hh:mm``."""
    if value is None:
        return DASH
    return to_lima(value).strftime("%d/%m/%Y %H:%M")


def change(current: float | None, previous: float | None) -> str | None:
    """The relative change for an ``st.metric`` delta (None when there is no base)."""
    if _missing(current) or _missing(previous) or float(previous) == 0:
        return None
    return percent((float(current) - float(previous)) / abs(float(previous)))
