"""Turn one file row into a typed sale line, or into the reasons it cannot be one.

Pure: no database. Every field is checked so that one pass reports all of a row's problems.
Parsed lines are all an import keeps of its file, so they are slotted and share repeated
values (one string per store, SKU or ticket, one Decimal per price text, one datetime per date
text) instead of holding one copy per row.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from erp_core.domain.documents import BOLETA, DNI, FACTURA, RUC, is_valid_ruc
from erp_core.domain.money import format_pen
from erp_core.importer import service_reasons
from erp_core.importer.report import Rejection, shown
from erp_core.importer.source import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, SourceRow
from erp_core.services.errors import InvalidInput
from erp_core.services.lookups import positive_quantity
from erp_core.services.moments import FUTURE_TOLERANCE
from erp_core.services.sales import PAYMENT_METHODS
from erp_core.timeutil import LIMA, business_date

EARLIEST = dt.datetime(2000, 1, 1, tzinfo=LIMA)
# What docs/IMPORT.md documents, in ASCII digits, and nothing else: Python's own parsers also
# take 20261112, 2026-W46-4, 1_1.80 and Arabic-Indic digits.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # a date alone, without a time
ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?"
)
# dot as the decimal separator; an exponent as Excel writes a large number (7.75E+12)
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
STORE_CODE = re.compile(r"[0-9]{4}")
DATE_ONLY_TIME = dt.time(12, 0)  # a sale with only a date is placed at noon in Lima
MAX_TICKET_LENGTH = 150  # the idempotency key "import:<store>:<ticket>" must fit 200 characters
PAYMENT_ALIASES = {"efectivo": "cash", "tarjeta": "card", "transferencia": "transfer"}
MAX_AMOUNT = Decimal("1e12")  # prices and totals are numeric(14,2): 12 digits before the point
SHARED_PARSES = 4096  # distinct texts whose parsed value is kept for the next rows to share
MAX_FIELD_CHARS = 1000  # longer than any value the file's columns can hold
READ_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)


@dataclass(frozen=True, slots=True)
class ImportLine:
    line: int
    sold_at: dt.datetime  # time-zone aware
    store: str
    sku: str
    quantity: Decimal
    unit_price: Decimal  # with IGV, soles
    ticket: str
    customer_doc: str | None
    payment_method: str
    doc_type: str
    unit_cost: Decimal | None

    @property
    def customer_doc_type(self) -> str | None:
        """SUNAT catálogo 06 type of ``customer_doc``: 8 digits are a DNI, 11 a RUC."""
        if self.customer_doc is None:
            return None
        return RUC if len(self.customer_doc) == 11 else DNI


class _Row:
    """Collects a row's rejections while its fields are parsed."""

    def __init__(self, source: SourceRow):
        self.source, self.rejections = source, []

    def raw(self, name: str):
        value = self.source.values.get(name)
        return value.strip() if isinstance(value, str) else value

    def reject(self, name: str, reason: str, value=None) -> None:
        shown_value = shown(self.source.values.get(name) if value is None else value)
        self.rejections.append(Rejection(self.source.line, name, shown_value, reason))

    def required(self, name: str) -> str | None:
        value = self.raw(name)
        if _blank(value):
            self.reject(name, "es obligatorio")
            return None
        return str(value)


def _blank(value) -> bool:
    return value is None or value == ""


def _whole(value):
    """A number that is a code: pandas writes an int column with gaps as float64 (7.0 is 7)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def document_text(value) -> str:
    """``customer_doc`` as text; a number lost a DNI's leading zeros (1234567 is 01234567)."""
    value = _whole(value)
    return str(value).zfill(8) if isinstance(value, int) else str(value)


def store_code(value) -> str:
    """Store codes are 4 digits; spreadsheets drop leading zeros, so ``1`` means ``0001``."""
    value = _whole(value)
    code = "" if value is None else str(value).strip()
    return code.zfill(4) if code.isascii() and code.isdigit() else code


def ticket_key(row: SourceRow) -> tuple[str, str] | None:
    """(store, ticket) as written, even if other fields are bad: it ties a row to its sale."""
    store, ticket = row.values.get("store"), row.values.get("ticket")
    if store is None or ticket is None or not str(store).strip() or not str(ticket).strip():
        return None
    ticket = ticket.strip() if isinstance(ticket, str) else ticket
    return store_code(store), str(_whole(ticket))  # as _ticket reads it: 1001.0 is 1001


def sound_keys(source: SourceRow, rejections: list[Rejection]) -> tuple[str | None, str | None]:
    """Store and SKU of a refused row, where they were fine, so that they get checked too."""
    refused = {r.field for r in rejections}
    if source.problem:
        return None, None
    store, sku = source.values.get("store"), source.values.get("sku")
    store = None if "store" in refused or _blank(store) else store_code(store)
    sku = None if "sku" in refused or _blank(sku) else str(sku).strip()
    return store, sku


def parse_row(
    source: SourceRow, now: dt.datetime, opening_stock: bool
) -> ImportLine | list[Rejection]:
    row = _Row(source)
    if source.problem:
        row.reject("*", source.problem, value="")
        return row.rejections
    _unstorable_texts(row)
    if row.rejections:  # such a value must not reach a query (Postgres refuses NUL)
        return row.rejections
    sold_at = _sold_at(row, now)
    store = _store(row)
    sku = row.required("sku")
    quantity = _quantity(row)
    unit_price = _money(row, "unit_price", required=True, decimals=2, allow_zero=False)
    ticket = _ticket(row)
    customer_doc = _customer_doc(row)
    payment = _payment_method(row)
    doc_type = _doc_type(row)
    unit_cost = _money(row, "unit_cost", required=False, decimals=6, allow_zero=True)
    if opening_stock and _blank(row.raw("unit_cost")):
        row.reject("unit_cost", "unit_cost es obligatorio con --opening-stock")
    if quantity is not None:
        _check_total(row, "unit_price", quantity, unit_price)
        _check_total(row, "unit_cost", quantity, unit_cost)
    if row.rejections:
        return row.rejections
    shared = sys.intern  # one copy of each store, SKU, etc.; freed with the last line using it
    return ImportLine(
        source.line, sold_at, shared(store), shared(sku), quantity, unit_price, shared(ticket),
        customer_doc and shared(customer_doc), shared(payment), shared(doc_type), unit_cost,
    )  # fmt: skip


def _unstorable_texts(row: _Row) -> None:
    """Text no column can hold: a NUL character (Postgres text refuses it), or a value longer
    than ``MAX_FIELD_CHARS`` (a whole document pasted into a cell)."""
    for name in READ_COLUMNS:
        value = row.source.values.get(name)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            row.reject(name, "contiene un carácter nulo (\\x00), que no se puede registrar")
        elif len(value) > MAX_FIELD_CHARS:
            row.reject(name, f"es demasiado largo: {len(value):,} caracteres (máximo "
                             f"{MAX_FIELD_CHARS:,})")  # fmt: skip


def _sold_at(row: _Row, now: dt.datetime) -> dt.datetime | None:
    value = row.raw("date")
    if _blank(value):
        row.reject("date", "es obligatorio")
        return None
    at = _as_datetime(value)
    if at is None:
        row.reject(
            "date", "no es una fecha ISO (2026-03-10) ni una fecha y hora (2026-03-10 14:30)"
        )
    elif at > now + FUTURE_TOLERANCE:
        if business_date(at) == business_date(now) and _date_only(value):
            return now  # today's ticket with no time: placed now, not at a noon yet to come
        row.reject("date", "es una fecha futura")
    elif at < EARLIEST:
        row.reject("date", "es anterior al 01/01/2000: revise el año")
    return at


def _date_only(value) -> bool:
    if isinstance(value, dt.date):
        return not isinstance(value, dt.datetime)
    return ISO_DATE.fullmatch(str(value)) is not None


def _as_datetime(value) -> dt.datetime | None:
    """ISO text or a Parquet date/timestamp; without a zone it is Lima time."""
    if isinstance(value, dt.datetime):
        at = value
    elif isinstance(value, dt.date):
        at = dt.datetime.combine(value, DATE_ONLY_TIME)
    else:
        return _datetime_text(str(value))
    return at.replace(tzinfo=LIMA) if at.tzinfo is None else at


@lru_cache(maxsize=SHARED_PARSES)
def _datetime_text(text: str) -> dt.datetime | None:
    """Parsed once per distinct text, so that the lines of a ticket share one datetime."""
    try:
        if ISO_DATE.fullmatch(text):
            at = dt.datetime.combine(dt.date.fromisoformat(text), DATE_ONLY_TIME)
        elif ISO_DATETIME.fullmatch(text):
            at = dt.datetime.fromisoformat(text)
        else:
            return None
    except ValueError:
        return None
    return at.replace(tzinfo=LIMA) if at.tzinfo is None else at


@lru_cache(maxsize=SHARED_PARSES)
def _decimal(text: str) -> Decimal:
    """Parsed once per distinct text: prices and costs repeat, and lines share the Decimal."""
    return Decimal(text)


_positive_quantity = lru_cache(maxsize=SHARED_PARSES)(positive_quantity)  # the same, quantities


def _store(row: _Row) -> str | None:
    if row.required("store") is None:
        return None
    code = store_code(row.raw("store"))  # the typed value: a Parquet float 7.0 is store 0007
    if not STORE_CODE.fullmatch(code):
        row.reject("store", "debe ser un código de tienda de 4 dígitos")
        return None
    return code


def _number_text(row: _Row, name: str) -> bool:
    """Whether a text value is written as docs/IMPORT.md says numbers are (ASCII digits, a dot
    before the decimals); a typed Parquet number is one already."""
    value = row.raw(name)
    if not isinstance(value, str) or NUMBER.fullmatch(value):
        return True
    row.reject(
        name, "no es un número (use punto como separador decimal y dígitos 0-9, p. ej. 11.80)"
    )
    return False


def _quantity(row: _Row) -> Decimal | None:
    value = row.required("quantity")
    if value is None or not _number_text(row, "quantity"):
        return None
    try:
        return _positive_quantity(value, "quantity")
    except InvalidInput as exc:
        row.reject("quantity", service_reasons.invalid_input(exc))
        return None


def _money(row: _Row, name: str, required: bool, decimals: int, allow_zero: bool):
    value = row.required(name) if required else row.raw(name)
    if _blank(value) or not _number_text(row, name):
        return None
    try:
        amount = _decimal(str(value))
    except InvalidOperation:
        row.reject(name, "no es un número (use punto como separador decimal)")
        return None
    if not amount.is_finite():
        row.reject(name, "no es un número")
    elif amount < 0 or (amount == 0 and not allow_zero):
        row.reject(name, "no debe ser negativo" if allow_zero else "debe ser mayor que cero")
    elif amount >= MAX_AMOUNT:  # checked first: quantize would overflow on 1e30
        row.reject(name, "es demasiado grande para un importe (menos de 10^12)")
    elif amount != amount.quantize(Decimal(1).scaleb(-decimals)):
        row.reject(name, f"tiene más de {decimals} decimales")
    else:
        return amount
    return None


def _check_total(row: _Row, name: str, quantity: Decimal, amount: Decimal | None) -> None:
    """quantity × price (the line total) or × cost (the opening value) must fit the ledger."""
    if amount is not None and quantity * amount >= MAX_AMOUNT:
        total = format_pen(quantity * amount)
        reason = (
            f"da un total de línea de {total}, demasiado grande para registrarse (límite 10^12)"
        )
        row.reject(name, reason)


def _ticket(row: _Row) -> str | None:
    """The ticket id as text; a Parquet float 1001.0 is ticket 1001, as in a CSV (its
    idempotency key must not depend on the file's format)."""
    if row.required("ticket") is None:
        return None
    ticket = str(_whole(row.raw("ticket")))
    if len(ticket) > MAX_TICKET_LENGTH:
        row.reject("ticket", f"tiene más de {MAX_TICKET_LENGTH} caracteres")
        return None
    return ticket


def _customer_doc(row: _Row) -> str | None:
    value = row.raw("customer_doc")
    if _blank(value):
        return None
    doc = document_text(value)
    if not re.fullmatch(r"[0-9]{8}|[0-9]{11}", doc):  # ASCII digits only, as the blind index
        row.reject("customer_doc", "debe ser un DNI (8 dígitos) o un RUC (11 dígitos)")
        return None
    if len(doc) == 11 and not is_valid_ruc(doc):
        row.reject(
            "customer_doc",
            "no es un RUC válido (prefijo 10/15/17/20, dígito verificador módulo 11)",
        )
        return None
    return doc


def _payment_method(row: _Row) -> str:
    value = str(row.raw("payment_method") or "").lower()
    method = PAYMENT_ALIASES.get(value, value) or "cash"
    if method not in PAYMENT_METHODS:
        row.reject(
            "payment_method",
            f"debe ser uno de {', '.join(PAYMENT_METHODS)} (o {', '.join(PAYMENT_ALIASES)})",
        )
    return method


def _doc_type(row: _Row) -> str:
    value = str(_whole(row.raw("doc_type")) or "")
    doc_type = value.zfill(2) if value.isdigit() else (value or BOLETA)
    if doc_type not in (BOLETA, FACTURA):
        row.reject("doc_type", "debe ser 03 (boleta) o 01 (factura)")
    return doc_type
