"""Campaign audiences: who to reach in a segment, assembled by the core within Ley 29733.

The warehouse knows customers only by pseudonym, and says which segment each belongs to. Only the
core holds the keys, so only the core can turn that membership into contacts. It does so at the
moment of the export, against its own consent records: a customer who revoked consent or was
cancelled after the warehouse last refreshed never appears. Contacts leave as the SHA-256 hashes ad
platforms accept, or in clear for a caller on the allow-list who gives a reason. Every export is
recorded (``audience_exports``) and every customer whose data was decrypted for it gets a row in
the append-only ``personal_data_access_log``, in the same transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg

from erp_core.pii import PiiVault, normalized_email_sha256, phone_e164_sha256
from erp_core.services.errors import InvalidInput

SEGMENTS_TABLE = "ml.fct_customer_segments"
SEGMENT_TABLE = "ml.dim_segment"
RECOMMENDATIONS_TABLE = "ml.fct_customer_recommendations"
HASHED_COLUMNS = ("cliente", "segmento", "campana_sugerida", "productos_recomendados",
                  "email_sha256", "telefono_sha256")  # fmt: skip
CLEAR_COLUMNS = ("cliente", "segmento", "campana_sugerida", "productos_recomendados",
                 "nombre", "email", "telefono")  # fmt: skip


@dataclass(frozen=True)
class Member:
    """A customer of the chosen segments, as the warehouse knows them."""

    pseudonym: str
    segment: str
    campaign: str
    products: str


@dataclass(frozen=True)
class AudienceExport:
    export_id: int
    rows: list[dict[str, str]]
    columns: tuple[str, ...]
    members: int  # in the segments, according to the warehouse
    excluded: int  # without consent in force today, cancelled, or without any contact


def read_members(snapshot_path: Path | str, segments: Sequence[str]) -> list[Member]:
    """The customers the published snapshot places in ``segments`` (names or ids).

    Raises InvalidInput naming a segment the snapshot does not know.
    """
    wanted = [s.strip() for s in segments if s.strip()]
    if not wanted:
        raise InvalidInput("segmento", "", "indique al menos un segmento")
    with duckdb.connect(str(snapshot_path), read_only=True) as con:
        known = con.execute(
            f"select distinct cast(segment_id as varchar), segment_name from {SEGMENTS_TABLE}"
        ).fetchall()
        by_label = {label.casefold(): name for seg_id, name in known for label in (seg_id, name)}
        names = []
        for label in wanted:
            if label.casefold() not in by_label:
                choices = ", ".join(sorted({name for _, name in known}))
                raise InvalidInput("segmento", label, f"no existe; segmentos: {choices}")
            names.append(by_label[label.casefold()])
        rows = con.execute(
            f"""
            select s.customer_pseudonym, s.segment_name,
                   coalesce(d.suggested_campaign, ''),
                   coalesce((select string_agg(r.product_name, '; ' order by r.rank)
                             from {RECOMMENDATIONS_TABLE} r
                             where r.customer_pseudonym = s.customer_pseudonym), '')
            from {SEGMENTS_TABLE} s
            left join {SEGMENT_TABLE} d using (segment_id)
            where s.segment_name in (select unnest(?::varchar[]))
            order by s.segment_name, s.customer_pseudonym
            """,
            [names],
        ).fetchall()
    return [Member(*row) for row in rows]


def export_audience(
    conn: psycopg.Connection,
    vault: PiiVault,
    members: Sequence[Member],
    *,
    segments: Sequence[str],
    requested_by: str,
    reason: str,
    clear: bool = False,
    clear_allowed: Sequence[str] = (),
) -> AudienceExport:
    """The audience's rows, recorded; one transaction (nothing is recorded if anything fails).

    Args:
        members: from ``read_members``: the warehouse's view of the segments.
        requested_by: who exports (the operating-system user at the CLI).
        reason: why (the campaign); required, and recorded.
        clear: contacts in clear instead of SHA-256 hashes: only for ``clear_allowed`` users.
    """
    if not requested_by.strip():
        raise InvalidInput("usuario", requested_by, "quién exporta debe constar")
    if not reason.strip():
        raise InvalidInput("motivo", reason, "el motivo de la exportación debe constar")
    if clear and requested_by not in clear_allowed:
        raise InvalidInput(
            "--clear",
            requested_by,
            "este usuario no está autorizado a exportar contactos en claro "
            "(INNOVALOGIX_CLEAR_EXPORT_USERS); exporte con hashes",
        )
    by_pseudonym = {m.pseudonym: m for m in members}
    fields = ["name", "email", "phone"] if clear else ["email", "phone"]
    with conn.transaction():
        consenting = conn.execute(
            """
            select customer_id, pseudonym, name_enc, email_enc, phone_enc
            from customers
            where pseudonym = any(%s) and marketing_consent and not is_blocked
              and (email_enc is not null or phone_enc is not null)
            order by pseudonym
            for share
            """,
            (list(by_pseudonym),),
        ).fetchall()
        rows = [_row(vault, by_pseudonym[p], name, email, phone, clear)
                for _, p, name, email, phone in consenting]  # fmt: skip
        export_id = conn.execute(
            """
            insert into audience_exports
                (exported_by, reason, segments, contacts, row_count, members_count)
            values (%s, %s, %s, %s, %s, %s)
            returning export_id
            """,
            (requested_by, reason.strip(), list(segments), "clear" if clear else "hashed",
             len(rows), len(members)),
        ).fetchone()[0]  # fmt: skip
        purpose = f"exportación de audiencia #{export_id}: {reason.strip()}"
        with conn.cursor() as cur:
            cur.executemany(
                "insert into personal_data_access_log (accessed_by, purpose, customer_id, fields) "
                "values (%s, %s, %s, %s)",
                [(requested_by, purpose, customer_id, fields) for customer_id, *_ in consenting],
            )
    return AudienceExport(
        export_id,
        rows,
        CLEAR_COLUMNS if clear else HASHED_COLUMNS,
        len(members),
        len(members) - len(rows),
    )


def _row(vault: PiiVault, member: Member, name, email, phone, clear: bool) -> dict[str, str]:
    email_text = vault.decrypt_optional(email)
    phone_text = vault.decrypt_optional(phone)
    row = {
        "cliente": member.pseudonym,
        "segmento": member.segment,
        "campana_sugerida": member.campaign,
        "productos_recomendados": member.products,
    }
    if clear:
        return {**row, "nombre": vault.decrypt(name), "email": email_text or "",
                "telefono": phone_text or ""}  # fmt: skip
    return {
        **row,
        "email_sha256": normalized_email_sha256(email_text) if email_text else "",
        "telefono_sha256": phone_e164_sha256(phone_text) if phone_text else "",
    }


def write_audience(export: AudienceExport, out: Path) -> list[Path]:
    """The audience as CSV and Excel side by side (``out`` names either; both are written)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out.with_suffix(".csv"), out.with_suffix(".xlsx")
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=export.columns)
        writer.writeheader()
        writer.writerows(export.rows)
    import xlsxwriter

    book = xlsxwriter.Workbook(str(xlsx_path))
    sheet = book.add_worksheet("Audiencia")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, export.columns, bold)
    for i, row in enumerate(export.rows, 1):
        sheet.write_row(i, 0, [row[c] for c in export.columns])
    sheet.write(len(export.rows) + 2, 0, f"Exportación #{export.export_id}, {_today()}")
    book.close()
    return [csv_path, xlsx_path]


def _today() -> str:
    from erp_core.timeutil import LIMA

    return dt.datetime.now(LIMA).strftime("%d/%m/%Y %H:%M")
