import datetime as dt
from decimal import Decimal as D

import pytest

from erp_core.domain.documents import make_ruc
from erp_core.importer.rows import ImportLine, parse_row
from erp_core.importer.source import SourceRow
from erp_core.importer.tickets import check_ticket, group_tickets
from erp_core.timeutil import LIMA

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
GOOD = {"date": "2026-03-10 09:15", "store": "0001", "sku": "SKU0001", "quantity": "2",
        "unit_price": "10.00", "ticket": "T1"}  # fmt: skip


def parse(line: int = 2, opening_stock: bool = False, **values):
    return parse_row(SourceRow(line, {**GOOD, **values}), NOW, opening_stock)


def test_datetime_without_zone_is_lima_time_and_date_only_is_noon():
    assert parse().sold_at == dt.datetime(2026, 3, 10, 14, 15, tzinfo=dt.UTC)
    assert parse(date="2026-03-10").sold_at == dt.datetime(2026, 3, 10, 12, 0, tzinfo=LIMA)
    assert parse(date="2026-03-10T04:00:00Z").sold_at.astimezone(LIMA).day == 9
    parquet_timestamp = dt.datetime(2010, 12, 1, 8, 26)
    assert parse(date=parquet_timestamp).sold_at == parquet_timestamp.replace(tzinfo=LIMA)


def test_a_sale_of_today_is_not_in_the_future_even_before_noon():
    early = dt.datetime(2026, 11, 28, 13, 0, tzinfo=dt.UTC)  # 08:00 in Lima
    assert parse_row(SourceRow(2, {**GOOD, "date": "2026-11-28"}), early, False).sold_at == early


def test_a_time_later_today_is_in_the_future():
    early = dt.datetime(2026, 11, 28, 13, 0, tzinfo=dt.UTC)  # 08:00 in Lima
    (rejection,) = parse_row(SourceRow(2, {**GOOD, "date": "2026-11-28 09:00"}), early, False)
    assert (rejection.field, rejection.reason) == ("date", "es una fecha futura")
    assert parse_row(SourceRow(2, {**GOOD, "date": "2026-11-28 08:04"}), early, False).sold_at


def test_defaults_and_normalizations():
    row = parse(store="7", payment_method="Efectivo", doc_type="3", unit_cost="")
    assert isinstance(row, ImportLine)
    assert (row.store, row.payment_method, row.doc_type, row.unit_cost) == ("0007", "cash", "03",
                                                                            None)  # fmt: skip
    assert parse(customer_doc=1234567).customer_doc == "01234567"  # a DNI read as an integer


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("date", "10/03/2026", "no es una fecha ISO"),
        ("date", "2026-11-29", "es una fecha futura"),
        ("date", "0206-03-10", "anterior al 01/01/2000"),
        ("quantity", "0", "debe ser mayor que cero"),
        ("quantity", "-2", "debe ser mayor que cero"),
        ("quantity", "1.2345", "más de 3 decimales"),
        ("quantity", "abc", "no es un número"),
        ("unit_price", "abc", "no es un número"),
        ("unit_price", "10,50", "use punto"),
        ("unit_price", "1.005", "más de 2 decimales"),
        ("unit_price", "0", "debe ser mayor que cero"),
        ("store", "Lima", "código de tienda de 4 dígitos"),
        ("sku", "", "es obligatorio"),
        ("customer_doc", "1234", "DNI (8 dígitos) o un RUC (11 dígitos)"),
        ("customer_doc", "٤٥٦٧٨٩١٢", "DNI (8 dígitos) o un RUC (11 dígitos)"),
        ("customer_doc", "20100000000", "no es un RUC válido"),
        ("payment_method", "bitcoin", "debe ser uno de cash, card, yape, plin, transfer"),
        ("doc_type", "07", "debe ser 03 (boleta) o 01 (factura)"),
        ("unit_cost", "-1", "no debe ser negativo"),
        ("quantity", "1e30", "demasiado grande"),
        ("quantity", "7750885000123", "demasiado grande"),  # a barcode in the wrong column
        ("unit_price", "1e30", "demasiado grande"),
        ("unit_price", "7750885000123", "demasiado grande"),
        ("unit_cost", "1e30", "demasiado grande"),
    ],
)
def test_bad_value_is_rejected_with_line_field_value_and_reason(field, value, reason):
    rejections = parse(line=7, **{field: value})
    assert len(rejections) == 1
    assert (rejections[0].line, rejections[0].field, rejections[0].value) == (7, field, value)
    assert reason in rejections[0].reason


def test_a_line_total_too_large_to_record_is_rejected():
    (rejection,) = parse(quantity="99999999999", unit_price="99.90")
    assert (rejection.field, rejection.value) == ("unit_price", "99.90")
    assert "total de línea" in rejection.reason


def test_a_ticket_total_too_large_to_record_is_rejected():
    lines = [parse(line=n, quantity="9999999999", unit_price="99.99") for n in (2, 3)]
    (big,) = group_tickets(lines).values()
    rejections = [r for r in check_ticket(big) if r.field == "ticket"]
    assert [(r.line, r.value) for r in rejections] == [(2, "T1")]
    assert "demasiado grande para registrarse" in rejections[0].reason


def test_whole_floats_of_a_pandas_parquet_are_codes():
    """pandas writes an integer column with missing values as float64: 45678912.0, 7.0."""
    row = parse(store=7.0, customer_doc=1234567.0, doc_type=1.0, ticket=1001.0)
    assert isinstance(row, ImportLine)
    assert (row.store, row.customer_doc, row.doc_type) == ("0007", "01234567", "01")
    assert row.ticket == "1001"  # the same idempotency key as a CSV's ticket 1001
    (rejection,) = parse(customer_doc=1234567.5)
    assert rejection.field == "customer_doc"


def test_every_bad_field_of_a_row_is_reported_at_once():
    rejections = parse(quantity="x", unit_price="y", store="")
    assert {r.field for r in rejections} == {"quantity", "unit_price", "store"}


def test_opening_stock_requires_unit_cost():
    (rejection,) = parse(opening_stock=True)
    assert (rejection.field, rejection.reason) == (
        "unit_cost", "unit_cost es obligatorio con --opening-stock"
    )  # fmt: skip
    assert parse(opening_stock=True, unit_cost="0").unit_cost == D("0")


def test_ticket_lines_must_share_date_customer_payment_and_doc_type():
    first = parse(line=2)
    other_date = parse(line=3, date="2026-03-10 09:16", sku="SKU0002")
    other_payment = parse(line=4, payment_method="yape")
    (ticket,) = group_tickets([first, other_date, other_payment]).values()
    rejections = check_ticket(ticket)
    assert [(r.line, r.field, r.value) for r in rejections] == [
        (3, "date", "10/03/2026 09:16"),
        (4, "payment_method", "yape"),
    ]
    assert "el ticket T1 tiene '10/03/2026 09:15' en la línea 2" in rejections[0].reason


def test_factura_needs_a_ruc_and_a_big_boleta_needs_a_buyer():
    (factura,) = group_tickets([parse(doc_type="01", customer_doc="12345678")]).values()
    assert [r.reason for r in check_ticket(factura)] == [
        "una factura (01) necesita un customer_doc con RUC"
    ]
    ruc = make_ruc("20", 12345678)
    (ok,) = group_tickets([parse(doc_type="01", customer_doc=ruc)]).values()
    assert check_ticket(ok) == []
    (big,) = group_tickets([parse(quantity="71", unit_price="10.00")]).values()
    (rejection,) = check_ticket(big)
    assert rejection.field == "customer_doc"
    assert (
        "una boleta de S/ 710.00 (más de S/ 700) debe identificar al comprador" in rejection.reason
    )
    (limit,) = group_tickets([parse(quantity="70", unit_price="10.00")]).values()
    assert check_ticket(limit) == []


def test_values_parsed_once_per_text_keep_what_each_row_wrote():
    """Rows share parsed values by their text, never an equal value written differently."""
    assert str(parse(quantity="1.5", unit_price="10.0").quantity) == "1.5"
    again = parse(line=3, quantity="1.500", unit_price="10.00")
    assert (str(again.quantity), str(again.unit_price)) == ("1.500", "10.00")
    zoned = parse(date="2026-03-10 09:15-03:00")
    assert zoned.sold_at.utcoffset() == dt.timedelta(hours=-3)
    assert parse().sold_at.tzinfo is LIMA
    for line in (4, 5):  # a refused text is refused every time it comes back
        (rejection,) = parse(line=line, date="10/03/2026")
        assert (rejection.line, rejection.field) == (line, "date")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("unit_price", "1_1.80", "no es un número"),  # Decimal() reads it as 11.80
        ("quantity", "1_000", "no es un número"),
        ("quantity", "١٢", "no es un número"),  # Arabic-Indic digits, which Decimal() takes
        ("unit_price", "١١.٨٠", "no es un número"),
        ("unit_cost", "5,2e2", "no es un número"),
        ("unit_price", " 11.80 ", None),  # spaces around a value are trimmed, as documented
        ("date", "20261112", "no es una fecha ISO"),  # fromisoformat() takes these two
        ("date", "2026-W46-4", "no es una fecha ISO"),
        ("date", "٢٠٢٦-٠٣-١٠", "no es una fecha ISO"),
        ("store", "١٢٣٤", "4 dígitos"),
    ],
)
def test_only_what_the_documentation_describes_is_parsed(field, value, reason):
    parsed = parse(**{field: value})
    if reason is None:
        assert isinstance(parsed, ImportLine)
        return
    (rejection,) = parsed
    assert (rejection.field, rejection.value) == (field, value)
    assert reason in rejection.reason


def test_a_date_alone_is_placed_at_noon_in_lima():
    assert parse(date="2026-11-12").sold_at == dt.datetime(2026, 11, 12, 12, 0, tzinfo=LIMA)


@pytest.mark.parametrize("field", ["sku", "ticket", "store", "customer_doc", "payment_method"])
def test_a_nul_character_is_rejected_by_field_before_it_reaches_a_query(field):
    (rejection,) = parse(**{field: "SKU\x000001"})
    assert rejection.field == field
    assert "carácter nulo" in rejection.reason
    assert "\\x00" in rejection.message()


def test_a_value_too_long_is_rejected_and_shown_cut_short():
    (rejection,) = parse(sku="X" * 5000)
    assert (rejection.field, len(rejection.value)) == ("sku", 5000)
    assert rejection.reason == "es demasiado largo: 5,000 caracteres (máximo 1,000)"
    message = rejection.message()
    assert len(message) < 200
    assert message.startswith("sku='" + "X" * 40 + "…' (5,000 caracteres): ")
