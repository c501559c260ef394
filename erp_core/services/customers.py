"""Customers and their personal data (Ley 29733): encrypted at rest, consent dated.

Personal data is encrypted by the ``PiiVault`` before it reaches SQL, and customers are found by
blind index, so the database never holds a DNI, name, email or phone in plain text. Every public
function is one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import psycopg
from psycopg.rows import dict_row

from erp_core.domain.documents import DOC_TYPE_NAMES, RUC, InvalidDocument, normalize_document
from erp_core.pii import VERSION_BYTES, PiiVault, normalize_email, phone_e164
from erp_core.services import idempotency
from erp_core.services.errors import InvalidInput, NotFound
from erp_core.services.moments import moment

CANCELLED_NAME = "[cancelado]"
MAX_NAME_LENGTH = 200
REENCRYPT_BATCH = 500
ENCRYPTED_FIELDS = ("doc_number", "name", "email", "phone")


@dataclass(frozen=True)
class CustomerInput:
    doc_type: str
    doc_number: str
    name: str
    email: str | None = None
    phone: str | None = None
    marketing_consent: bool = False


class DuplicateCustomer(InvalidInput):
    """A customer with the same document is already registered."""

    def __init__(self, doc_number: str, customer_id: int | None):
        self.customer_id = customer_id
        # masked: errors end up in logs, and a document number is personal data
        masked = "*" * (len(doc_number) - 3) + doc_number[-3:]
        super().__init__("doc_number", masked, f"already registered as customer {customer_id}")


def validate_customer(customer: CustomerInput) -> CustomerInput:
    """The input normalized (document, trimmed name, lower-case email, E.164 phone)."""
    doc_type = (customer.doc_type or "").strip()
    if doc_type not in DOC_TYPE_NAMES:
        raise InvalidInput("doc_type", customer.doc_type, "must be one of 1, 4, 6, 7")
    try:
        doc_number = normalize_document(doc_type, customer.doc_number)
    except InvalidDocument as exc:
        raise InvalidInput("doc_number", customer.doc_number, str(exc)) from None
    name = " ".join((customer.name or "").split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidInput("name", customer.name, f"must have 1 to {MAX_NAME_LENGTH} characters")
    email = _optional(customer.email, normalize_email, "email")
    phone = _optional(customer.phone, phone_e164, "phone")
    return replace(
        customer, doc_type=doc_type, doc_number=doc_number, name=name, email=email, phone=phone
    )


def register_customer(
    conn: psycopg.Connection,
    vault: PiiVault,
    customer: CustomerInput,
    idempotency_key: str | None = None,
    at: dt.datetime | None = None,
    source: str = "pos",
) -> int:
    """Register a customer with encrypted personal data; return its id.

    A retry with the same ``idempotency_key`` returns the first id. A second registration of
    the same document raises ``DuplicateCustomer``, unless that customer was cancelled (ARCO):
    a person who comes back gives their data again, and the same customer row (the one the
    fiscal records point to) is unblocked with the new data, without the old consent.
    """
    clean = validate_customer(customer)
    at = moment(at, "at")
    blind_index = vault.blind_index(clean.doc_type, clean.doc_number)
    with conn.transaction():
        if idempotency_key:
            request = blind_index.hex()  # keyed: a document's plain hash would be reversible
            stored = idempotency.claim(conn, idempotency_key, "register_customer", request)
            if stored is not None:
                return int(stored["customer_id"])
        row = conn.execute(
            """
            insert into customers (
                doc_type, doc_number_enc, doc_blind_index, pseudonym, name_enc, email_enc,
                phone_enc, is_business, marketing_consent, consent_given_at, created_at,
                updated_at)
            values (
                %(doc_type)s, %(doc_number)s, %(blind_index)s, %(pseudonym)s, %(name)s,
                %(email)s, %(phone)s, %(is_business)s, %(consent)s,
                case when %(consent)s then coalesce(%(at)s::timestamptz, now()) end,
                coalesce(%(at)s::timestamptz, now()), coalesce(%(at)s::timestamptz, now()))
            on conflict do nothing
            returning customer_id
            """,
            {
                "doc_type": clean.doc_type,
                "doc_number": vault.encrypt(clean.doc_number),
                "blind_index": blind_index,
                "pseudonym": vault.pseudonym(clean.doc_type, clean.doc_number),
                "name": vault.encrypt(clean.name),
                "email": vault.encrypt_optional(clean.email),
                "phone": vault.encrypt_optional(clean.phone),
                "is_business": clean.doc_type == RUC,
                "consent": clean.marketing_consent,
                "at": at,
            },
        ).fetchone()
        if row is None:
            customer_id = _id_by_blind_index(conn, blind_index)
            is_blocked, _ = _lock_customer(conn, customer_id)
            if not is_blocked:
                raise DuplicateCustomer(clean.doc_number, customer_id)
            _reactivate(conn, vault, customer_id, clean, at)
            if clean.marketing_consent:
                _set_consent(conn, customer_id, True, at, source)
        else:
            customer_id = row[0]
            if clean.marketing_consent:
                _insert_consent_event(conn, customer_id, True, at, source)
        if idempotency_key:
            idempotency.record(conn, idempotency_key, {"customer_id": customer_id})
    return customer_id


def find_customer_id(
    conn: psycopg.Connection, vault: PiiVault, doc_type: str, doc_number: str
) -> int | None:
    """The customer with this document, found by blind index, or None."""
    try:
        blind_index = vault.blind_index(doc_type, doc_number)
    except InvalidDocument as exc:
        raise InvalidInput("doc_number", doc_number, str(exc)) from None
    with conn.transaction():
        return _id_by_blind_index(conn, blind_index)


def get_customer(
    conn: psycopg.Connection,
    vault: PiiVault,
    customer_id: int,
    *,
    accessed_by: str,
    purpose: str,
) -> dict[str, Any]:
    """The decrypted customer, for the core's own use only (never for the warehouse).

    Every read is logged in the same transaction (who, why, which fields): Ley 29733 expects an
    access log of personal data, and a read that is not logged does not happen.
    """
    for name, value in (("accessed_by", accessed_by), ("purpose", purpose)):
        if not value or not value.strip():
            raise InvalidInput(name, value, "who reads personal data, and why, must be stated")
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            """
            select customer_id, doc_type, doc_number_enc, name_enc, email_enc, phone_enc,
                   pseudonym, is_business, marketing_consent, consent_given_at,
                   consent_revoked_at, is_blocked, created_at, updated_at
            from customers where customer_id = %s
            """,
            (customer_id,),
        ).fetchone()
        if row is None:
            raise NotFound("customer", customer_id)
        cur.execute(
            "insert into personal_data_access_log (accessed_by, purpose, customer_id, fields) "
            "values (%s, %s, %s, %s)",
            (accessed_by.strip(), purpose.strip(), customer_id, list(ENCRYPTED_FIELDS)),
        )
    for field in ENCRYPTED_FIELDS:
        row[field] = vault.decrypt_optional(row.pop(f"{field}_enc"))
    return row


def access_log(conn: psycopg.Connection, customer_id: int) -> list[dict[str, Any]]:
    """Who read this customer's personal data, oldest first (for an ARCO access request)."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select accessed_at, accessed_by, purpose, fields from personal_data_access_log "
            "where customer_id = %s order by access_id",
            (customer_id,),
        ).fetchall()


def record_consent(
    conn: psycopg.Connection,
    customer_id: int,
    granted: bool,
    at: dt.datetime | None = None,
    source: str = "pos",
) -> None:
    """Record marketing consent given or revoked, with its date (Ley 29733 requires both)."""
    at = moment(at, "at")
    with conn.transaction():
        is_blocked, _ = _lock_customer(conn, customer_id)
        if granted and is_blocked:
            raise InvalidInput("customer_id", customer_id, "is cancelled (ARCO), cannot consent")
        _set_consent(conn, customer_id, granted, at, source)


def cancel_customer(
    conn: psycopg.Connection,
    vault: PiiVault,
    customer_id: int,
    at: dt.datetime | None = None,
    source: str = "arco",
) -> None:
    """ARCO cancellation: block, revoke consent and erase name, email and phone.

    The row and the encrypted document stay, because fiscal records (comprobantes) reference
    the customer and must be kept for years. Cancelling twice changes nothing.
    """
    at = moment(at, "at")
    with conn.transaction():
        is_blocked, has_consent = _lock_customer(conn, customer_id)
        if is_blocked:
            return
        if has_consent:
            _set_consent(conn, customer_id, False, at, source, cancelling=True)
        conn.execute(
            """
            update customers
            set is_blocked = true, name_enc = %s, email_enc = null, phone_enc = null,
                updated_at = coalesce(%s::timestamptz, now())
            where customer_id = %s
            """,
            (vault.encrypt(CANCELLED_NAME), at, customer_id),
        )


def reencrypt_all(
    conn: psycopg.Connection, vault: PiiVault, batch_size: int = REENCRYPT_BATCH
) -> int:
    """Re-encrypt, in one transaction, every customer not on the vault's current key version.

    Returns how many customers were re-encrypted. ``updated_at`` is left alone: the personal
    data did not change, only its envelope.
    """
    vault.refresh()
    version = vault.current_version.to_bytes(VERSION_BYTES, "big")
    count, last_id = 0, 0
    with conn.transaction():
        while rows := conn.execute(
            """
            select customer_id, doc_number_enc, name_enc, email_enc, phone_enc
            from customers
            where customer_id > %(last_id)s
              and (substring(doc_number_enc from 1 for 2) <> %(v)s
                   or substring(name_enc from 1 for 2) <> %(v)s
                   or coalesce(substring(email_enc from 1 for 2) <> %(v)s, false)
                   or coalesce(substring(phone_enc from 1 for 2) <> %(v)s, false))
            order by customer_id
            limit %(batch)s
            for update
            """,
            {"last_id": last_id, "v": version, "batch": batch_size},
        ).fetchall():
            updates = [
                (
                    vault.encrypt(vault.decrypt(doc_number)),
                    vault.encrypt(vault.decrypt(name)),
                    vault.encrypt_optional(vault.decrypt_optional(email)),
                    vault.encrypt_optional(vault.decrypt_optional(phone)),
                    customer_id,
                )
                for customer_id, doc_number, name, email, phone in rows
            ]
            with conn.cursor() as cur:
                cur.executemany(
                    "update customers set doc_number_enc = %s, name_enc = %s, email_enc = %s, "
                    "phone_enc = %s where customer_id = %s",
                    updates,
                )
            count += len(rows)
            last_id = rows[-1][0]
    return count


def _reactivate(
    conn: psycopg.Connection,
    vault: PiiVault,
    customer_id: int,
    clean: CustomerInput,
    at: dt.datetime | None,
) -> None:
    conn.execute(
        "update customers set is_blocked = false, name_enc = %s, email_enc = %s, phone_enc = %s, "
        "updated_at = coalesce(%s::timestamptz, now()) where customer_id = %s",
        (vault.encrypt(clean.name), vault.encrypt_optional(clean.email),
         vault.encrypt_optional(clean.phone), at, customer_id),
    )  # fmt: skip


def _optional(value: str | None, normalize, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return normalize(value)
    except ValueError as exc:
        raise InvalidInput(field, value, str(exc)) from None


def _id_by_blind_index(conn: psycopg.Connection, blind_index: bytes) -> int | None:
    row = conn.execute(
        "select customer_id from customers where doc_blind_index = %s", (blind_index,)
    ).fetchone()
    return row[0] if row else None


def _lock_customer(conn: psycopg.Connection, customer_id: int) -> tuple[bool, bool]:
    """Lock the customer row; return (is_blocked, marketing_consent)."""
    row = conn.execute(
        "select is_blocked, marketing_consent from customers where customer_id = %s for update",
        (customer_id,),
    ).fetchone()
    if row is None:
        raise NotFound("customer", customer_id)
    return row[0], row[1]


def _set_consent(
    conn: psycopg.Connection,
    customer_id: int,
    granted: bool,
    at: dt.datetime | None,
    source: str,
    cancelling: bool = False,
) -> None:
    """A grant dates consent_given_at and clears the revocation; a revocation dates it.

    The customer's consent is the latest decision by its date, not the last one to arrive: a
    grant made offline and synced after a later revocation goes to the history only. An ARCO
    cancellation revokes whatever was decided after its date.
    """
    conn.execute(
        """
        update customers
        set marketing_consent = %(granted)s,
            consent_given_at = case when %(granted)s then coalesce(%(at)s::timestamptz, now())
                                    else consent_given_at end,
            consent_revoked_at = case when %(granted)s then null
                                      else coalesce(%(at)s::timestamptz, now()) end,
            updated_at = coalesce(%(at)s::timestamptz, now())
        where customer_id = %(customer_id)s
          and (%(cancelling)s or not exists (
              select 1 from customer_consent_events e
              where e.customer_id = %(customer_id)s
                and e.recorded_at > coalesce(%(at)s::timestamptz, now())))
        """,
        {"granted": granted, "at": at, "customer_id": customer_id, "cancelling": cancelling},
    )
    _insert_consent_event(conn, customer_id, granted, at, source)


def _insert_consent_event(
    conn: psycopg.Connection, customer_id: int, granted: bool, at: dt.datetime | None, source: str
) -> None:
    conn.execute(
        "insert into customer_consent_events (customer_id, granted, recorded_at, source) "
        "values (%s, %s, coalesce(%s::timestamptz, now()), %s)",
        (customer_id, granted, at, source),
    )
