"""Campaign audiences: consent checked in the core at export time, contacts hashed unless the
caller may see them in clear, every export recorded in the access log."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib

import duckdb
import pytest
from openpyxl import load_workbook

from erp_core.audiences import export_audience, read_members, write_audience
from erp_core.pii import PiiVault
from erp_core.services.customers import (
    CustomerInput,
    cancel_customer,
    record_consent,
    register_customer,
)
from erp_core.services.errors import InvalidInput

T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
PEOPLE = {
    "rosa": CustomerInput("1", "45678912", "Rosa Quispe", "Rosa@Example.pe", "987654321", True),
    "luis": CustomerInput("1", "41234567", "Luis Huamán", "luis@example.pe", None, True),
    "ana": CustomerInput("1", "40000001", "Ana Torres", "ana@example.pe", "912345678", False),
    "eva": CustomerInput("1", "40000002", "Eva Ramos", "eva@example.pe", "923456789", True),
    "max": CustomerInput("1", "40000003", "Max Soto", "max@example.pe", "934567890", True),
}


@pytest.fixture
def vault() -> PiiVault:
    return PiiVault.generate()


@pytest.fixture
def customers(conn, vault) -> dict[str, int]:
    ids = {name: register_customer(conn, vault, person, at=T0) for name, person in PEOPLE.items()}
    conn.commit()
    return ids


@pytest.fixture
def snapshot(tmp_path, vault):
    """A published snapshot whose segments predate today's consent changes."""
    path = tmp_path / "warehouse_snapshot.duckdb"
    pseudonym = {name: vault.pseudonym(p.doc_type, p.doc_number) for name, p in PEOPLE.items()}
    with duckdb.connect(str(path)) as con:
        con.execute("create schema ml")
        con.execute(
            "create table ml.dim_segment as select * from (values "
            "(1, 'Leales', 'Programa de puntos'), (2, 'En riesgo', 'Cupón de regreso')) "
            "t(segment_id, segment_name, suggested_campaign)"
        )
        con.execute(
            "create table ml.fct_customer_segments "
            "(customer_pseudonym varchar, segment_id int, segment_name varchar)"
        )
        for name in ("rosa", "luis", "ana", "eva"):
            con.execute(
                "insert into ml.fct_customer_segments values (?, 1, 'Leales')", [pseudonym[name]]
            )
        con.execute(
            "insert into ml.fct_customer_segments values (?, 2, 'En riesgo')", [pseudonym["max"]]
        )
        con.execute(
            "create table ml.fct_customer_recommendations as select * from (values "
            "(?, 1, 'Panetón 900 g'), (?, 2, 'Chocolate 200 g')) "
            "t(customer_pseudonym, rank, product_name)",
            [pseudonym["rosa"], pseudonym["rosa"]],
        )
    return path, pseudonym


def _export(conn, vault, snapshot_path, **kwargs):
    members = read_members(snapshot_path, ["leales"])
    options = {"segments": ["Leales"], "requested_by": "mkt.ana", "reason": "Campaña Navidad"}
    return export_audience(conn, vault, members, **{**options, **kwargs})


def test_only_consent_in_force_today_is_exported_with_hashed_contacts(
    conn, vault, customers, snapshot
):
    path, pseudonym = snapshot
    record_consent(conn, customers["eva"], False)  # revoked after the warehouse's last refresh
    conn.commit()

    export = _export(conn, vault, path)

    by_customer = {row["cliente"]: row for row in export.rows}
    assert set(by_customer) == {pseudonym["rosa"], pseudonym["luis"]}
    rosa = by_customer[pseudonym["rosa"]]
    assert rosa["email_sha256"] == hashlib.sha256(b"rosa@example.pe").hexdigest()
    assert rosa["telefono_sha256"] == hashlib.sha256(b"+51987654321").hexdigest()
    assert rosa["productos_recomendados"] == "Panetón 900 g; Chocolate 200 g"
    assert rosa["campana_sugerida"] == "Programa de puntos"
    assert by_customer[pseudonym["luis"]]["telefono_sha256"] == ""
    assert "email" not in rosa and "nombre" not in rosa
    assert (export.members, export.excluded) == (4, 2)


def test_a_cancelled_customer_never_appears(conn, vault, customers, snapshot):
    path, pseudonym = snapshot
    cancel_customer(conn, vault, customers["rosa"])
    conn.commit()
    export = _export(conn, vault, path)
    assert pseudonym["rosa"] not in {row["cliente"] for row in export.rows}


def test_clear_contacts_need_permission_and_nothing_is_recorded_when_refused(
    conn, vault, customers, snapshot
):
    path, _ = snapshot
    with pytest.raises(InvalidInput, match="no está autorizado"):
        _export(conn, vault, path, clear=True, clear_allowed=("jefe.mkt",))
    assert conn.execute("select count(*) from audience_exports").fetchone()[0] == 0
    assert conn.execute("select count(*) from personal_data_access_log").fetchone()[0] == 0

    export = _export(conn, vault, path, clear=True, clear_allowed=("mkt.ana",))
    emails = {row["email"] for row in export.rows}
    assert emails == {"rosa@example.pe", "luis@example.pe", "eva@example.pe"}


def test_every_export_is_recorded_with_who_why_how_many_and_each_customer_read(
    conn, vault, customers, snapshot
):
    path, _ = snapshot
    export = _export(conn, vault, path)
    conn.commit()

    recorded = conn.execute(
        "select exported_by, reason, segments, contacts, row_count, members_count "
        "from audience_exports where export_id = %s",
        (export.export_id,),
    ).fetchone()
    assert recorded == ("mkt.ana", "Campaña Navidad", ["Leales"], "hashed", 3, 4)
    logged = conn.execute(
        "select customer_id, accessed_by, purpose from personal_data_access_log order by 1"
    ).fetchall()
    assert [row[0] for row in logged] == sorted(customers[n] for n in ("rosa", "luis", "eva"))
    assert all(row[1] == "mkt.ana" and f"#{export.export_id}" in row[2] for row in logged)


def test_the_files_hold_the_rows(conn, vault, customers, snapshot, tmp_path):
    path, _ = snapshot
    export = _export(conn, vault, path)
    csv_path, xlsx_path = write_audience(export, tmp_path / "out" / "leales.xlsx")

    with csv_path.open(encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == export.rows
    sheet = load_workbook(xlsx_path).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(export.columns)
    assert {r[0] for r in values[1 : 1 + len(export.rows)]} == {r["cliente"] for r in export.rows}


def test_an_unknown_segment_or_a_missing_reason_is_named(conn, vault, customers, snapshot):
    path, _ = snapshot
    with pytest.raises(InvalidInput, match="Campeones"):
        read_members(path, ["Campeones"])
    with pytest.raises(InvalidInput, match="motivo"):
        _export(conn, vault, path, reason="  ")
