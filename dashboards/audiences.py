"""The audience export, asked of the core: it alone can turn pseudonyms into contacts, checks
consent at that moment and records the export and every customer read in its access log."""

from __future__ import annotations

import csv
import getpass
import io
from collections.abc import Sequence
from dataclasses import dataclass

from erp_core import db
from erp_core.audiences import export_audience, read_members
from erp_core.pii import PiiVault
from pipelines.snapshot import default_snapshot_path


@dataclass(frozen=True)
class Exported:
    export_id: int
    members: int
    excluded: int
    rows: int
    csv_bytes: bytes


def requested_by() -> str:
    """Who exports: nobody signs in yet, so the account the dashboards run as, marked as such."""
    return f"tableros:{getpass.getuser()}"


def export(segments: Sequence[str], reason: str) -> Exported:
    """Export the consenting customers of ``segments`` (hashed contacts only from the
    dashboards); raises the core's InvalidInput with a Spanish message on bad input."""
    members = read_members(default_snapshot_path(), segments)
    with db.connect() as conn:
        result = export_audience(
            conn,
            PiiVault.from_settings(),
            members,
            segments=list(segments),
            requested_by=requested_by(),
            reason=reason,
        )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=result.columns)
    writer.writeheader()
    writer.writerows(result.rows)
    return Exported(
        result.export_id,
        result.members,
        result.excluded,
        len(result.rows),
        buffer.getvalue().encode("utf-8"),
    )
