"""The import as a whole: validate every row first, then load in one transaction.

All-or-nothing by default: any rejected row and nothing is written. With a reject file the
good tickets load and the bad ones (whole tickets) go to the file instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg

from erp_core import timeutil
from erp_core.importer import loader, masterdata
from erp_core.importer.references import Reference, References, resolve
from erp_core.importer.reject_file import write_rejects
from erp_core.importer.report import ImportReport, Rejection
from erp_core.importer.rows import ImportLine, parse_row, sound_keys, ticket_key
from erp_core.importer.source import Source, read_source
from erp_core.importer.tickets import Ticket, check_ticket, group_tickets
from erp_core.pii import PiiVault

Track = Callable[[list[Ticket]], Iterable[Ticket]]


@dataclass(frozen=True)
class ImportOptions:
    create_missing: bool = False
    supplier_ruc: str | None = None
    opening_stock: bool = False
    reject_file: Path | None = None

    @property
    def keep_going(self) -> bool:
        return self.reject_file is not None


def import_sales_file(
    conn: psycopg.Connection,
    path: Path,
    options: ImportOptions,
    vault: PiiVault | None = None,
    track: Track | None = None,
    make_vault: Callable[[], PiiVault] = PiiVault.from_settings,
) -> ImportReport:
    """Import ``path``; call it on an idle connection (each phase is its own transaction).

    Raises ``SourceError`` if the file as a whole cannot be read. The PII vault (``vault``, or
    ``make_vault()``) is made only if the file names customers.
    """
    source = read_source(path)
    report = ImportReport()
    checked = _parse(source, options.opening_stock, report)
    lines = [x for x in checked if isinstance(x, ImportLine)]
    with conn.transaction():
        refs, rejected = resolve(
            conn, checked, options.create_missing, options.supplier_ruc,
            lambda: vault or make_vault(),
        )  # fmt: skip
        report.rejections += rejected
        tickets = group_tickets(lines)
        for ticket in tickets.values():
            report.rejections += check_ticket(ticket)
        report.rejections += loader.date_order(conn, list(tickets.values()))
        refused = [x for x in checked if isinstance(x, Reference)]
        good = _unrejected(tickets, refused, report, options.keep_going)
        done = loader.already_imported(conn, good)
    report.already_imported_tickets = len(done)
    if not report.rejections or options.keep_going:
        todo = sorted(
            (t for t in good if t.key not in done), key=lambda t: (t.head.sold_at, t.head.line)
        )
        _load(conn, todo, refs, options, report, track or (lambda items: items))
    if options.reject_file is not None:
        write_rejects(options.reject_file, source, report.rejections)
    return report


def _parse(
    source: Source, opening_stock: bool, report: ImportReport
) -> list[ImportLine | Reference]:
    """Each row once, in file order: its parsed line, or what is left to check of a refused one.

    The source rows themselves are not kept; the reject file reads them again.
    """
    checked: list[ImportLine | Reference] = []
    now = timeutil.now()
    for row in source.rows():
        parsed = parse_row(row, now, opening_stock)
        if isinstance(parsed, list):
            report.rejections += parsed
            store, sku = sound_keys(row, parsed)
            checked.append(Reference(row.line, store, sku, ticket_key=ticket_key(row)))
        else:
            checked.append(parsed)
    return checked


def _unrejected(
    tickets: dict[tuple[str, str], Ticket], refused: list[Reference], report: ImportReport,
    keep_going: bool,
) -> list[Ticket]:  # fmt: skip
    """Tickets none of whose lines was rejected; with keep_going, reject the rest's lines too."""
    bad_lines = set(report.rejected_lines)
    culprits: dict[tuple[str, str] | None, list[int]] = {}
    for x in refused:
        culprits.setdefault(x.ticket_key, []).append(x.line)
    for key, ticket in tickets.items():
        for x in ticket.lines:
            if x.line in bad_lines:
                culprits.setdefault(key, []).append(x.line)
    good = [t for key, t in tickets.items() if key not in culprits]
    if keep_going:
        for key, ticket in tickets.items():
            if key in culprits:
                report.rejections += _whole_ticket(ticket, culprits[key])
    return good


def _whole_ticket(ticket: Ticket, culprits: list[int]) -> list[Rejection]:
    """A sale is loaded whole or not at all: its other lines are refused with it."""
    lines = sorted(culprits)
    see = f"la línea {lines[0]}" if len(lines) == 1 else f"las líneas {', '.join(map(str, lines))}"
    reason = f"se rechaza el ticket completo: vea {see}"
    return [
        Rejection(x.line, "ticket", ticket.ticket, reason)
        for x in ticket.lines
        if x.line not in culprits
    ]


def _load(
    conn: psycopg.Connection, tickets: list[Ticket], refs: References, options: ImportOptions,
    report: ImportReport, track: Track,
) -> None:  # fmt: skip
    lines = [x for t in tickets for x in t.lines]
    rejections, committed = [], False
    sold_tickets, sold_lines, sold_amount = 0, 0, Decimal("0.00")
    if tickets:
        loader.ensure_months(conn, tickets)
    with conn.transaction():
        stores = masterdata.create_stores(
            conn, refs.stores_to_create & {x.store for x in lines}, lines,
            refs.store_series_numbers,
        )  # fmt: skip
        skus = masterdata.create_products(
            conn, refs.skus_to_create & {x.sku for x in lines}, lines, options.supplier_ruc or ""
        )
        loader.lock_balances(conn, tickets)
        openings = loader.post_opening_stock(conn, tickets) if options.opening_stock else 0
        batch: list[tuple[Ticket, int | None]] = []
        for position, ticket in enumerate(track(tickets), 1):
            batch.append((ticket, refs.customer_ids.get(ticket.head.customer_doc)))
            if len(batch) < loader.BATCH and position < len(tickets):
                continue
            for (sold, _), result in zip(batch, loader.sell_tickets(conn, batch), strict=True):
                if isinstance(result, list):
                    rejections += result
                    if options.keep_going:
                        rejections += _whole_ticket(sold, [r.line for r in result])
                else:
                    sold_tickets, sold_lines = sold_tickets + 1, sold_lines + len(sold.lines)
                    sold_amount += result.total_amount
            batch = []
        if rejections and not options.keep_going:
            raise psycopg.Rollback()  # leaves the block, undoing everything it wrote
        committed = True
    report.rejections += rejections
    if not committed:
        return
    report.committed = True
    report.created_stores, report.created_skus, report.opening_balances = stores, skus, openings
    report.imported_tickets, report.imported_lines = sold_tickets, sold_lines
    report.total_amount += sold_amount
