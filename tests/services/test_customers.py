"""Customer registration, lookup, consent and ARCO cancellation on a real Postgres."""

from __future__ import annotations

import datetime as dt
import threading

import psycopg
import pytest

from erp_core.pii import PiiVault
from erp_core.services.customers import (
    CANCELLED_NAME,
    CustomerInput,
    DuplicateCustomer,
    access_log,
    cancel_customer,
    find_customer_id,
    get_customer,
    record_consent,
    register_customer,
)
from erp_core.services.errors import InvalidInput, NotFound

READER = {"accessed_by": "ana.soporte", "purpose": "reclamo en libro de reclamaciones"}

T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=10)
T2 = T0 + dt.timedelta(days=20)
ROSA = CustomerInput("1", "45678912", "Rosa  Quispe", " Rosa@Example.PE ", "987 654 321")


@pytest.fixture
def vault() -> PiiVault:
    return PiiVault.generate()


def _count(conn, table: str) -> int:
    return conn.execute(f"select count(*) from {table}").fetchone()[0]


def _events(conn, customer_id: int) -> list[tuple]:
    return conn.execute(
        "select granted, recorded_at, source from customer_consent_events "
        "where customer_id = %s order by event_id",
        (customer_id,),
    ).fetchall()


def test_register_stores_normalized_data_readable_through_the_vault(conn, vault):
    customer_id = register_customer(conn, vault, ROSA, at=T0)
    customer = get_customer(conn, vault, customer_id, **READER)
    assert customer["doc_type"] == "1"
    assert customer["doc_number"] == "45678912"
    assert customer["name"] == "Rosa Quispe"
    assert customer["email"] == "rosa@example.pe"
    assert customer["phone"] == "+51987654321"
    assert customer["pseudonym"] == vault.pseudonym("1", "45678912")
    assert customer["is_business"] is False
    assert customer["marketing_consent"] is False
    assert customer["consent_given_at"] is None
    assert customer["created_at"] == T0
    assert _events(conn, customer_id) == []


def test_ruc_customer_is_a_business(conn, vault):
    customer_id = register_customer(
        conn, vault, CustomerInput("6", "20131312955", "Comercial Andina SAC")
    )
    customer = get_customer(conn, vault, customer_id, **READER)
    assert customer["is_business"] is True
    assert customer["email"] is None
    assert customer["phone"] is None


@pytest.mark.parametrize(
    ("field", "customer"),
    [
        ("doc_number", CustomerInput("1", "1234567", "Rosa Quispe")),
        ("doc_number", CustomerInput("6", "20131312954", "Comercial Andina SAC")),
        ("doc_type", CustomerInput("9", "45678912", "Rosa Quispe")),
        ("name", CustomerInput("1", "45678912", "   ")),
        ("email", CustomerInput("1", "45678912", "Rosa Quispe", email="rosa.example.pe")),
        ("phone", CustomerInput("1", "45678912", "Rosa Quispe", phone="12345678")),
        ("phone", CustomerInput("1", "45678912", "Rosa Quispe", phone="+1 987654321")),
    ],
)
def test_invalid_input_names_field_and_value_and_writes_nothing(conn, vault, field, customer):
    with pytest.raises(InvalidInput) as info:
        register_customer(conn, vault, customer, idempotency_key="bad-1")
    assert info.value.field == field
    assert repr(getattr(customer, field)) in str(info.value)
    assert _count(conn, "customers") == 0
    assert _count(conn, "idempotency_keys") == 0


def test_duplicate_document_is_refused(conn, vault):
    first = register_customer(conn, vault, ROSA)
    again = CustomerInput("1", " 45678912 ", "Otra Persona")
    with pytest.raises(DuplicateCustomer, match="already registered") as info:
        register_customer(conn, vault, again, idempotency_key="dup-1")
    assert info.value.customer_id == first
    assert info.value.field == "doc_number"
    assert "45678912" not in str(info.value) and "*****912" in str(info.value)  # logs are storage
    assert _count(conn, "customers") == 1
    assert _count(conn, "idempotency_keys") == 0
    # The same number under another document type is another person.
    assert register_customer(conn, vault, CustomerInput("4", "45678912", "Otra Persona"))


def test_idempotent_retry_returns_the_same_id_and_creates_one_row(conn, vault):
    consenting = CustomerInput("1", "45678912", "Rosa Quispe", marketing_consent=True)
    first = register_customer(conn, vault, consenting, idempotency_key="reg-rosa", at=T0)
    second = register_customer(conn, vault, consenting, idempotency_key="reg-rosa", at=T1)
    assert first == second
    assert _count(conn, "customers") == 1
    assert _events(conn, first) == [(True, T0, "pos")]
    stored = conn.execute("select operation, result from idempotency_keys").fetchall()
    assert stored == [("register_customer", {"customer_id": first})]


def test_concurrent_registration_of_one_document_creates_one_customer(db_url, vault):
    with psycopg.connect(db_url) as first, psycopg.connect(db_url) as second:
        outcome: list = []
        with first.transaction():
            first_id = register_customer(first, vault, ROSA)

            def register_second():
                try:
                    outcome.append(register_customer(second, vault, ROSA))
                except DuplicateCustomer as exc:
                    outcome.append(exc)

            racer = threading.Thread(target=register_second)
            racer.start()
            racer.join(timeout=0.5)
            assert racer.is_alive(), "the second registration must wait for the first"
        racer.join(timeout=10)
        assert len(outcome) == 1
        assert isinstance(outcome[0], DuplicateCustomer)
        assert outcome[0].customer_id == first_id
        assert _count(second, "customers") == 1


def test_find_customer_by_document(conn, vault):
    customer_id = register_customer(conn, vault, ROSA)
    assert find_customer_id(conn, vault, "1", " 45678912") == customer_id
    assert find_customer_id(conn, vault, "1", "45678913") is None
    assert find_customer_id(conn, PiiVault.generate(), "1", "45678912") is None
    with pytest.raises(InvalidInput, match="'4567'"):
        find_customer_id(conn, vault, "1", "4567")


def test_a_document_typed_in_full_width_digits_is_the_same_document(conn, vault):
    """An IME or a pasted PDF gives '４５６７８９１２': one person, one blind index."""
    customer_id = register_customer(conn, vault, ROSA)
    assert find_customer_id(conn, vault, "1", "４５６７８９１２") == customer_id
    with pytest.raises(DuplicateCustomer):
        register_customer(conn, vault, CustomerInput("1", "４５６７８９１２", "Rosa Quispe"))
    with pytest.raises(InvalidInput, match="DNI must have 8 digits"):
        register_customer(conn, vault, CustomerInput("1", "٤٥٦٧٨٩١٢", "Rosa Quispe"))


def test_consent_grant_and_revocation_are_dated_and_kept_as_history(conn, vault):
    consenting = CustomerInput("1", "45678912", "Rosa Quispe", marketing_consent=True)
    customer_id = register_customer(conn, vault, consenting, at=T0)
    customer = get_customer(conn, vault, customer_id, **READER)
    assert (customer["marketing_consent"], customer["consent_given_at"]) == (True, T0)

    record_consent(conn, customer_id, False, at=T1, source="web")
    customer = get_customer(conn, vault, customer_id, **READER)
    assert customer["marketing_consent"] is False
    assert customer["consent_given_at"] == T0
    assert customer["consent_revoked_at"] == T1

    record_consent(conn, customer_id, True, at=T2)
    customer = get_customer(conn, vault, customer_id, **READER)
    assert customer["marketing_consent"] is True
    assert customer["consent_given_at"] == T2
    assert customer["consent_revoked_at"] is None
    assert _events(conn, customer_id) == [(True, T0, "pos"), (False, T1, "web"), (True, T2, "pos")]


def test_a_decision_synced_late_does_not_undo_a_later_one(conn, vault):
    consenting = CustomerInput("1", "45678912", "Rosa Quispe", marketing_consent=True)
    customer_id = register_customer(conn, vault, consenting, at=T0)
    record_consent(conn, customer_id, False, at=T2, source="web")
    record_consent(conn, customer_id, True, at=T1, source="pos-offline")  # made before T2
    customer = get_customer(conn, vault, customer_id, **READER)
    assert (customer["marketing_consent"], customer["consent_revoked_at"]) == (False, T2)
    assert customer["consent_given_at"] == T0
    assert _events(conn, customer_id) == [
        (True, T0, "pos"), (False, T2, "web"), (True, T1, "pos-offline")
    ]  # fmt: skip


def test_a_consent_or_cancellation_dated_ahead_of_now_is_refused_and_writes_nothing(conn, vault):
    customer_id = register_customer(conn, vault, ROSA, at=T0)
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    calls = [
        lambda: register_customer(conn, vault, CustomerInput("1", "45678913", "Luis"), at=tomorrow),
        lambda: record_consent(conn, customer_id, True, at=tomorrow),
        lambda: cancel_customer(conn, vault, customer_id, at=tomorrow),
    ]
    for call in calls:
        with pytest.raises(InvalidInput) as refusal:
            call()
        assert (refusal.value.field, refusal.value.value) == ("at", tomorrow.isoformat())
        assert "is in the future" in refusal.value.reason
    assert _count(conn, "customers") == 1
    assert _events(conn, customer_id) == []
    assert get_customer(conn, vault, customer_id, **READER)["name"] == "Rosa Quispe"


def test_an_arco_cancellation_revokes_even_a_consent_dated_after_it(conn, vault):
    customer_id = register_customer(conn, vault, ROSA, at=T0)
    record_consent(conn, customer_id, True, at=T2)
    cancel_customer(conn, vault, customer_id, at=T1)
    customer = conn.execute(
        "select is_blocked, marketing_consent from customers where customer_id = %s",
        (customer_id,),
    ).fetchone()
    assert customer == (True, False)


def test_unknown_customer_is_not_found(conn, vault):
    with pytest.raises(NotFound):
        record_consent(conn, 999, True)
    with pytest.raises(NotFound):
        get_customer(conn, vault, 999, **READER)
    with pytest.raises(NotFound):
        cancel_customer(conn, vault, 999)


def test_cancel_blocks_revokes_consent_and_erases_contact_data(conn, vault):
    consenting = CustomerInput(
        "1", "45678912", "Rosa Quispe", "rosa@example.pe", "987654321", marketing_consent=True
    )
    customer_id = register_customer(conn, vault, consenting, at=T0)
    pseudonym = get_customer(conn, vault, customer_id, **READER)["pseudonym"]

    cancel_customer(conn, vault, customer_id, at=T1)
    customer = get_customer(conn, vault, customer_id, **READER)
    assert customer["is_blocked"] is True
    assert customer["name"] == CANCELLED_NAME
    assert (customer["email"], customer["phone"]) == (None, None)
    assert customer["marketing_consent"] is False
    assert customer["consent_revoked_at"] == T1
    # Fiscal records still reference the customer: the row and its document stay.
    assert customer["doc_number"] == "45678912"
    assert customer["pseudonym"] == pseudonym
    assert find_customer_id(conn, vault, "1", "45678912") == customer_id
    assert _events(conn, customer_id) == [(True, T0, "pos"), (False, T1, "arco")]

    with pytest.raises(InvalidInput, match="cancelled"):
        record_consent(conn, customer_id, True)
    cancel_customer(conn, vault, customer_id, at=T2)
    assert get_customer(conn, vault, customer_id, **READER)["updated_at"] == T1
    assert len(_events(conn, customer_id)) == 2


def test_every_read_of_personal_data_is_logged_and_the_log_is_append_only(conn, vault):
    customer_id = register_customer(conn, vault, CustomerInput("1", "45678913", "Rosa Quispe"))
    assert access_log(conn, customer_id) == []
    get_customer(conn, vault, customer_id, accessed_by="ana.soporte", purpose="reclamo 123")
    get_customer(conn, vault, customer_id, accessed_by="luis.caja", purpose="emitir factura")
    log = access_log(conn, customer_id)
    assert [(e["accessed_by"], e["purpose"]) for e in log] == [
        ("ana.soporte", "reclamo 123"), ("luis.caja", "emitir factura")]  # fmt: skip
    assert log[0]["fields"] == ["doc_number", "name", "email", "phone"]
    for statement in ("update personal_data_access_log set purpose = 'x'",
                      "delete from personal_data_access_log"):  # fmt: skip
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            with conn.transaction():
                conn.execute(statement)
    assert len(access_log(conn, customer_id)) == 2


@pytest.mark.parametrize(("accessed_by", "purpose"), [("", "reclamo"), ("ana", "  ")])
def test_reading_personal_data_without_saying_who_and_why_is_refused(
    conn, vault, accessed_by, purpose
):
    customer_id = register_customer(conn, vault, CustomerInput("1", "45678913", "Rosa Quispe"))
    with pytest.raises(InvalidInput, match="who reads personal data"):
        get_customer(conn, vault, customer_id, accessed_by=accessed_by, purpose=purpose)
    assert access_log(conn, customer_id) == []


def test_a_read_of_a_missing_customer_logs_nothing(conn, vault):
    with pytest.raises(NotFound):
        get_customer(conn, vault, 999, **READER)
    assert conn.execute("select count(*) from personal_data_access_log").fetchone()[0] == 0


def test_a_cancelled_customer_who_comes_back_is_the_same_customer_unblocked(conn, vault):
    customer_id = register_customer(conn, vault, ROSA, at=T0)
    record_consent(conn, customer_id, True, at=T0)
    cancel_customer(conn, vault, customer_id, at=T1)
    again = CustomerInput("1", "45678912", "Rosa Quispe Mamani", "rosa.q@correo.pe")
    assert register_customer(conn, vault, again, at=T2) == customer_id
    customer = get_customer(conn, vault, customer_id, **READER)
    assert (customer["name"], customer["email"], customer["phone"]) == (
        "Rosa Quispe Mamani", "rosa.q@correo.pe", None)  # fmt: skip
    assert not customer["is_blocked"]
    assert not customer["marketing_consent"]  # the old consent does not come back
    with pytest.raises(DuplicateCustomer):
        register_customer(conn, vault, again)
    with_consent = CustomerInput("1", "45678912", "Rosa Quispe", marketing_consent=True)
    cancel_customer(conn, vault, customer_id, at=T2)
    register_customer(conn, vault, with_consent, at=T2)
    assert get_customer(conn, vault, customer_id, **READER)["marketing_consent"]
    events = conn.execute(
        "select granted from customer_consent_events where customer_id = %s order by 1",
        (customer_id,),
    ).fetchall()
    assert sorted(g for (g,) in events) == [False, True, True]
