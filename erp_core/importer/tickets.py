"""Group lines into sales (store + ticket) and check what must hold for a sale as a whole.

Pure: no database. A sale has one date, customer, payment method and document type, so lines
of one ticket that disagree on them cannot be loaded as the source system meant them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from erp_core.domain.documents import FACTURA, RUC
from erp_core.domain.money import format_pen, line_amounts
from erp_core.importer.report import Rejection
from erp_core.importer.rows import MAX_AMOUNT, ImportLine
from erp_core.services.sales import IDENTIFIED_BOLETA_THRESHOLD
from erp_core.timeutil import LIMA

SHARED_FIELDS = {
    "date": lambda line: line.sold_at,
    "customer_doc": lambda line: line.customer_doc,
    "payment_method": lambda line: line.payment_method,
    "doc_type": lambda line: line.doc_type,
}


@dataclass(slots=True)
class Ticket:
    store: str
    ticket: str
    lines: list[ImportLine]

    @property
    def key(self) -> str:
        """Idempotency key: the same file line content maps to the same sale, run after run."""
        return f"import:{self.store}:{self.ticket}"

    @property
    def head(self) -> ImportLine:
        return self.lines[0]

    @property
    def total(self) -> Decimal:
        """What the sales service will charge: each line's price × quantity, to the cent."""
        return sum(
            (line_amounts(x.unit_price, x.quantity).line_total for x in self.lines),
            Decimal("0.00"),
        )


def group_tickets(lines: list[ImportLine]) -> dict[tuple[str, str], Ticket]:
    tickets: dict[tuple[str, str], Ticket] = {}
    for line in lines:
        key = (line.store, line.ticket)
        tickets.setdefault(key, Ticket(line.store, line.ticket, [])).lines.append(line)
    return tickets


def check_ticket(ticket: Ticket) -> list[Rejection]:
    """Lines that disagree with the ticket's first line, and the sale-level document rules."""
    head, rejections = ticket.head, []
    for line in ticket.lines[1:]:
        for name, get in SHARED_FIELDS.items():
            if get(line) != get(head):
                rejections.append(
                    Rejection(
                        line.line, name, _show(get(line)),
                        f"el ticket {ticket.ticket} tiene {_show(get(head))!r} en la línea "
                        f"{head.line}: las líneas de un ticket deben coincidir en date, "
                        "customer_doc, payment_method y doc_type",
                    )
                )  # fmt: skip
    if ticket.total >= MAX_AMOUNT:
        rejections.append(
            Rejection(head.line, "ticket", ticket.ticket,
                      f"un total de {format_pen(ticket.total)} es demasiado grande para "
                      "registrarse (límite 10^12)")
        )  # fmt: skip
    if head.doc_type == FACTURA and head.customer_doc_type != RUC:
        rejections.append(
            Rejection(
                head.line, "doc_type", FACTURA, "una factura (01) necesita un customer_doc con RUC"
            )
        )
    elif head.doc_type != FACTURA and head.customer_doc is None:
        total = ticket.total
        if total > IDENTIFIED_BOLETA_THRESHOLD:
            rejections.append(
                Rejection(
                    head.line, "customer_doc", "",
                    f"ticket {ticket.ticket}: una boleta de {format_pen(total)} (más de S/ 700) "
                    "debe identificar al comprador",
                )
            )  # fmt: skip
    return rejections


def _show(value) -> str:
    """A shared value as the report shows it: a date as dd/mm/aaaa hh:mm, Lima time."""
    if isinstance(value, dt.datetime):
        at = value.astimezone(LIMA)
        return at.strftime("%d/%m/%Y %H:%M:%S" if at.second or at.microsecond else "%d/%m/%Y %H:%M")
    return "" if value is None else str(value)
