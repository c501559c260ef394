"""The nightly restock delivery: drafts and summaries under ``exports/``, mailed to buyers."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ml.inventory.text import day
from pipelines.delivery.buyers import Buyers
from pipelines.delivery.mail import build_message, send, to_outbox
from pipelines.delivery.purchase_orders import (
    PurchaseOrderDraft,
    order_lines,
    slug,
    write_purchase_orders,
)
from pipelines.delivery.settings import MailSettings
from pipelines.delivery.summary import in_categories, summary_text, write_summary

PLACEHOLDER_BUYER = "compras@innovalogix.local"


@dataclass
class DeliveryReport:
    folder: Path
    drafts: list[PurchaseOrderDraft] = field(default_factory=list)
    summary: Path | None = None
    mailed: list[str] = field(default_factory=list)
    outbox: list[Path] = field(default_factory=list)
    unmailed_categories: list[str] = field(default_factory=list)


def restock_folder(exports: Path, as_of: dt.date) -> Path:
    return exports / "restock" / f"{as_of:%Y-%m-%d}"


def deliver_restock(
    recommendations: pd.DataFrame,
    transfers: pd.DataFrame,
    suppliers: pd.DataFrame,
    as_of: dt.date,
    exports: Path,
    buyers: Buyers,
    mail: MailSettings,
) -> DeliveryReport:
    """Write tonight's drafts and summaries, then mail each buyer their categories' share.

    Files are written in a scratch folder and moved into ``exports/restock/<aaaa-mm-dd>/`` whole,
    so a failure leaves no half-written night. With SMTP configured each buyer gets one mail;
    without it, the mails land in ``exports/outbox/`` (to a placeholder buyer if none is set).
    """
    final = restock_folder(exports, as_of)
    exports.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".restock-", dir=exports))
    try:
        drafts = write_purchase_orders(recommendations, suppliers, as_of, scratch)
        summary = write_summary(
            recommendations, transfers, drafts, as_of, scratch / f"resumen_compras_{as_of}.xlsx"
        )
        if final.exists():
            shutil.rmtree(final)
        final.parent.mkdir(parents=True, exist_ok=True)
        scratch.rename(final)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    drafts = [_moved(d, final) for d in drafts]
    report = DeliveryReport(final, drafts, final / summary.name)

    categories = sorted(
        set(recommendations["category_name"].dropna().astype(str))
        | set(transfers["category_name"].dropna().astype(str))
    )
    if not buyers.configured and not mail.configured:
        buyers = Buyers({}, (PLACEHOLDER_BUYER,))
    assignments = buyers.categories_by_buyer(categories)
    covered = {c for cats in assignments.values() for c in cats}
    report.unmailed_categories = [c for c in categories if c not in covered]
    for email, mine in assignments.items():
        message = _buyer_message(
            email, mine, recommendations, transfers, drafts, as_of, final, mail.sender
        )
        if message is None:
            continue
        if mail.configured:
            send(mail, message)
            report.mailed.append(email)
        else:
            stem = f"{as_of:%Y-%m-%d}_{email}"
            report.outbox.append(to_outbox(message, exports / "outbox", stem))
    return report


def _moved(draft: PurchaseOrderDraft, folder: Path) -> PurchaseOrderDraft:
    return PurchaseOrderDraft(
        draft.supplier_id,
        draft.supplier_name,
        draft.lines,
        draft.total_pen,
        draft.min_order_pen,
        draft.categories,
        folder / draft.excel_path.name,
        folder / draft.csv_path.name,
    )


def _buyer_message(email, categories, recommendations, transfers, drafts, as_of, folder, sender):
    recs = in_categories(recommendations, categories)
    moves = in_categories(transfers, categories)
    buying = set(order_lines(recs)["supplier_id"])
    mine = [d for d in drafts if d.supplier_id in buying]
    if not len(recs):
        return None
    summary = write_summary(
        recs, moves, mine, as_of, folder / "compradores" / slug(email) / f"resumen_{as_of}.xlsx"
    )
    attachments = [summary, *(p for d in mine for p in (d.excel_path, d.csv_path))]
    subject = f"Reposición {day(as_of)}: {len(mine)} órdenes de compra para revisar"
    body = summary_text(recs, moves, mine, as_of, categories)
    return build_message(sender, [email], subject, body, attachments)
