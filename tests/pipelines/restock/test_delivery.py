"""Purchase-order drafts, buyer summaries and their mail: through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import io
import socket

import openpyxl
import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from pipelines.delivery.buyers import load_buyers
from pipelines.delivery.restock import deliver_restock
from pipelines.delivery.settings import mail_settings
from tests.pipelines.restock.plans import AS_OF, two_supplier_plan

RICE_PO = "OC_molinos_sac_2026-12-06"
WATER_PO = "OC_aguas_del_sur_eirl_2026-12-06"


class Inbox:
    """An aiosmtpd handler keeping what the server received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def plan():
    return two_supplier_plan()


def buyers_file(tmp_path):
    path = tmp_path / "buyers.yaml"
    path.write_text(
        "categories:\n"
        "  Abarrotes: [ana.rios@cadena.pe]\n"
        "  Bebidas: [luis.quispe@cadena.pe, ana.rios@cadena.pe]\n",
        encoding="utf-8",
    )
    return path


def attachments(message) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()
    }


def test_mail_reaches_the_smtp_server_with_the_right_attachments(smtp_server, plan, tmp_path):
    (controller, inbox), (restock, suppliers) = smtp_server, plan
    settings = mail_settings(
        {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port), "SMTP_FROM": "plan@cadena.pe"}
    )
    report = deliver_restock(
        restock.recommendations,
        restock.transfers,
        suppliers,
        AS_OF,
        tmp_path / "exports",
        load_buyers(buyers_file(tmp_path)),
        settings,
    )
    assert sorted(report.mailed) == ["ana.rios@cadena.pe", "luis.quispe@cadena.pe"]
    assert report.outbox == [] and report.unmailed_categories == []
    received = {tuple(e.rcpt_tos): e for e in inbox.envelopes}
    assert set(received) == {("ana.rios@cadena.pe",), ("luis.quispe@cadena.pe",)}

    ana = email.message_from_bytes(
        received[("ana.rios@cadena.pe",)].content, policy=email.policy.default
    )
    assert ana["From"] == "plan@cadena.pe"
    assert ana["Subject"] == "Reposición 06/12/2026: 2 órdenes de compra para revisar"
    files = attachments(ana)
    assert set(files) == {
        "resumen_2026-12-06.xlsx",
        f"{RICE_PO}.xlsx",
        f"{RICE_PO}.csv",
        f"{WATER_PO}.xlsx",
        f"{WATER_PO}.csv",
    }
    body = ana.get_body(preferencelist=("plain",)).get_content()
    # Two stores × 180 units of rice at S/ 5 = S/ 1,800.00
    assert "Molinos SAC: 2 líneas, S/ 1,800.00" in body
    assert "bajo el mínimo de S/ 5,000.00" in body  # the water supplier's minimum is not reached
    assert "se agota el 07/12/2026" in body

    luis = email.message_from_bytes(
        received[("luis.quispe@cadena.pe",)].content, policy=email.policy.default
    )
    # Luis buys drinks only: the water supplier's draft, not the rice supplier's
    assert set(attachments(luis)) == {
        "resumen_2026-12-06.xlsx",
        f"{WATER_PO}.xlsx",
        f"{WATER_PO}.csv",
    }

    # The attached workbook is the draft: a sheet per store, quantities in whole packs
    book = openpyxl.load_workbook(io.BytesIO(files[f"{RICE_PO}.xlsx"]))
    assert book.sheetnames == ["T001", "T002"]
    sheet = book["T001"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "Código tienda"))
    line = dict(zip(rows[header], rows[header + 1], strict=True))
    assert (line["SKU"], line["Cantidad"], line["Cajas"], line["Importe"]) == (
        "SKU101",
        180,
        15,
        900,
    )
    assert line["Motivo"].startswith("Pedir 180: demanda 140 en 14 d")
    importe = sheet.cell(row=header + 2, column=rows[header].index("Importe") + 1)
    assert importe.number_format == '"S/ "#,##0.00'
    agota = sheet.cell(row=header + 2, column=rows[header].index("Se agota el") + 1)
    assert agota.number_format == "dd/mm/yyyy" and agota.value.day == 7
    assert rows[0][0] == "Borrador de orden de compra — Molinos SAC (RUC 20100000001)"

    csv = pd.read_csv(io.BytesIO(files[f"{RICE_PO}.csv"]), encoding="utf-8-sig", dtype=str)
    assert csv["codigo_tienda"].tolist() == ["T001", "T002"]
    assert csv["cantidad"].tolist() == ["180.00", "180.00"]
    assert csv["se_agota_el"].tolist() == ["07/12/2026", "07/12/2026"]

    # The same files stay under exports/restock/<date>/
    assert sorted(p.name for p in report.folder.glob("*.xlsx")) == sorted(
        [f"{RICE_PO}.xlsx", f"{WATER_PO}.xlsx", "resumen_compras_2026-12-06.xlsx"]
    )


def test_without_smtp_the_mails_land_as_eml_files_in_the_outbox(plan, tmp_path):
    restock, suppliers = plan
    report = deliver_restock(
        restock.recommendations,
        restock.transfers,
        suppliers,
        AS_OF,
        tmp_path / "exports",
        load_buyers(buyers_file(tmp_path)),
        mail_settings({}),
    )
    assert report.mailed == []
    assert sorted(p.name for p in report.outbox) == [
        "2026-12-06_ana.rios_cadena.pe.eml",
        "2026-12-06_luis.quispe_cadena.pe.eml",
    ]
    assert all(p.parent == tmp_path / "exports" / "outbox" for p in report.outbox)
    message = email.message_from_bytes(report.outbox[1].read_bytes(), policy=email.policy.default)
    assert message["To"] == "luis.quispe@cadena.pe"
    assert f"{WATER_PO}.csv" in attachments(message)


def test_summary_workbook_lists_what_runs_out_before_its_delivery(plan, tmp_path):
    restock, suppliers = plan
    report = deliver_restock(
        restock.recommendations,
        restock.transfers,
        suppliers,
        AS_OF,
        tmp_path / "exports",
        load_buyers(None, ["compras@cadena.pe"]),
        mail_settings({}),
    )
    book = openpyxl.load_workbook(report.summary)
    assert book.sheetnames == ["Pedidos", "Se agotan", "Traslados", "Sobrestock"]
    rows = [r for r in book["Se agotan"].iter_rows(values_only=True) if r[0] in ("T001", "T002")]
    assert {(r[0], r[1]) for r in rows} == {
        ("T001", "SKU101"),
        ("T002", "SKU101"),
        ("T001", "SKU202"),
        ("T002", "SKU202"),
    }
    orders = list(book["Pedidos"].iter_rows(values_only=True))
    assert ("Molinos SAC", 2, 1800, 0, "sí") in orders


def test_a_bad_buyers_file_is_refused_naming_the_category(tmp_path):
    path = tmp_path / "buyers.yaml"
    path.write_text("categories:\n  Bebidas: [luis-at-cadena]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"categoría 'Bebidas': correo inválido 'luis-at-cadena'"):
        load_buyers(path)
