"""The PII vault, and the guarantee that no personal data sits in plain text in the database."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import re

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner

from erp_core.keys_cli import app as keys_app
from erp_core.pii import (
    KEYRING_FILE,
    MASTER_VERSION_FILE,
    PiiError,
    PiiVault,
    normalized_email_sha256,
    phone_e164_sha256,
)
from erp_core.services.customers import (
    CustomerInput,
    cancel_customer,
    find_customer_id,
    get_customer,
    record_consent,
    reencrypt_all,
    register_customer,
)
from erp_core.settings import get_settings

READER = {"accessed_by": "ana.soporte", "purpose": "reclamo en libro de reclamaciones"}

DNI = "45678912"


def assert_no_plaintext(conn: psycopg.Connection, secrets: list[str]) -> None:
    """Fail if a secret, or its unkeyed SHA-256, appears in any column of any table.

    Columns are searched as text, case-insensitively (bytea through its escape encoding), and
    bytea columns also for the raw UTF-8 bytes and the raw digest.
    """
    variants = {v for s in secrets for v in (s, s.lower(), s.upper())}
    texts = sorted(variants | {hashlib.sha256(s.encode()).hexdigest() for s in secrets})
    raw = sorted(
        {v.encode() for v in variants} | {hashlib.sha256(s.encode()).digest() for s in secrets}
    )
    columns = conn.execute(
        """
        select c.table_schema, c.table_name, c.column_name, c.data_type
        from information_schema.columns c
        join information_schema.tables t using (table_schema, table_name)
        where t.table_type = 'BASE TABLE'
          and c.table_schema not in ('pg_catalog', 'information_schema')
        order by 1, 2, 3
        """
    ).fetchall()
    scanned = {(schema, table, column) for schema, table, column, _ in columns}
    assert ("public", "customers", "name_enc") in scanned, "the scan does not see the schema"
    leaks = []
    for schema, table, column, data_type in columns:
        parts = {"table": sql.Identifier(schema, table), "col": sql.Identifier(column)}
        text = sql.SQL("{col}::text").format(**parts)
        if data_type == "bytea":
            query = sql.SQL(
                "select s from unnest(%s::bytea[]) as s "
                "where exists (select 1 from {table} where position(s in {col}) > 0)"
            ).format(**parts)
            leaks += [f"{schema}.{table}.{column}: {s!r}" for (s,) in conn.execute(query, (raw,))]
            text = sql.SQL("encode({col}, 'escape')").format(**parts)
        query = sql.SQL(
            "select s from unnest(%s::text[]) as s where exists (select 1 from {table} "
            "where strpos({text}, s) > 0 or strpos(lower({text}), lower(s)) > 0)"
        ).format(table=parts["table"], text=text)
        leaks += [f"{schema}.{table}.{column}: {s!r}" for (s,) in conn.execute(query, (texts,))]
    assert not leaks, "personal data in plain text: " + "; ".join(leaks)


def _settings(tmp_path, pii_key: str | None = None):
    return dataclasses.replace(get_settings(), home=tmp_path, pii_key=pii_key)


def _master_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_round_trip_with_random_nonce_and_version_header():
    vault = PiiVault.generate()
    first, second = vault.encrypt("Rosa Quispe"), vault.encrypt("Rosa Quispe")
    assert first != second
    assert vault.decrypt(first) == vault.decrypt(second) == "Rosa Quispe"
    assert first[:2] == b"\x00\x01"
    assert len(first) == 2 + 12 + len(b"Rosa Quispe") + 16
    assert vault.decrypt(vault.encrypt("Ñañez Güemes")) == "Ñañez Güemes"
    assert vault.encrypt_optional(None) is None
    assert vault.decrypt_optional(None) is None


def test_tampered_or_foreign_ciphertext_is_refused():
    vault = PiiVault.generate()
    blob = bytearray(vault.encrypt(DNI))
    for position in (5, len(blob) - 1):  # a nonce byte, a tag byte
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(PiiError, match="authentication"):
            vault.decrypt(bytes(tampered))
    with pytest.raises(PiiError, match="version 2"):
        vault.decrypt(b"\x00\x02" + bytes(blob[2:]))
    with pytest.raises(PiiError, match="too short"):
        vault.decrypt(bytes(blob[:20]))
    with pytest.raises(PiiError, match="authentication"):
        PiiVault.generate().decrypt(bytes(blob))


def test_rotation_keeps_old_values_readable():
    vault = PiiVault.generate()
    old = vault.encrypt("ana@example.pe")
    assert vault.rotate() == 2
    new = vault.encrypt("ana@example.pe")
    assert PiiVault.version_of(old) == 1
    assert PiiVault.version_of(new) == 2
    assert vault.decrypt(old) == vault.decrypt(new) == "ana@example.pe"


def test_dev_keyring_is_generated_once_private_and_reused(tmp_path):
    settings = _settings(tmp_path)
    first = PiiVault.from_settings(settings)
    path = settings.keys_dir / KEYRING_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    content = path.read_text()
    second = PiiVault.from_settings(settings)
    assert path.read_text() == content
    assert second.decrypt(first.encrypt(DNI)) == DNI
    assert second.blind_index("1", DNI) == first.blind_index("1", DNI)
    assert second.pseudonym("1", DNI) == first.pseudonym("1", DNI)
    other = PiiVault.from_settings(_settings(tmp_path / "other-home"))
    assert other.pseudonym("1", DNI) != first.pseudonym("1", DNI)


def test_dev_keyring_rotation_is_persisted_and_seen_by_other_processes(tmp_path):
    settings = _settings(tmp_path)
    stale = PiiVault.from_settings(settings)
    old = stale.encrypt(DNI)
    rotating = PiiVault.from_settings(settings)
    assert rotating.rotate() == 2
    assert (settings.keys_dir / KEYRING_FILE).stat().st_mode & 0o777 == 0o600
    reloaded = PiiVault.from_settings(settings)
    assert reloaded.current_version == 2
    assert reloaded.decrypt(old) == DNI
    assert reloaded.pseudonym("1", DNI) == stale.pseudonym("1", DNI)
    # A vault loaded before the rotation reads values written with the new key.
    assert stale.decrypt(rotating.encrypt(DNI)) == DNI
    assert stale.current_version == 2


def test_master_key_derivation_is_deterministic(tmp_path):
    key = _master_key()
    one = PiiVault.from_settings(_settings(tmp_path / "a", key))
    two = PiiVault.from_settings(_settings(tmp_path / "b", key))
    assert two.decrypt(one.encrypt(DNI)) == DNI
    assert one.blind_index("1", DNI) == two.blind_index("1", DNI)
    assert one.pseudonym("1", DNI) == two.pseudonym("1", DNI)
    assert not (tmp_path / "a" / "keys" / KEYRING_FILE).exists()
    other = PiiVault.from_settings(_settings(tmp_path / "c", _master_key()))
    assert other.pseudonym("1", DNI) != one.pseudonym("1", DNI)
    assert other.blind_index("1", DNI) != one.blind_index("1", DNI)


def test_master_key_rotation_records_version_and_derives_old_and_new_keys(tmp_path):
    key = _master_key()
    settings = _settings(tmp_path, key)
    vault = PiiVault.from_settings(settings)
    old = vault.encrypt(DNI)
    assert vault.rotate() == 2
    assert (settings.keys_dir / MASTER_VERSION_FILE).stat().st_mode & 0o777 == 0o600
    reloaded = PiiVault.from_settings(settings)
    assert reloaded.current_version == 2
    new = reloaded.encrypt(DNI)
    assert PiiVault.version_of(new) == 2
    assert reloaded.decrypt(old) == DNI
    # Without the recorded version, every version is still derived from the master key.
    elsewhere = PiiVault.from_settings(_settings(tmp_path / "elsewhere", key))
    assert elsewhere.current_version == 1
    assert elsewhere.decrypt(new) == DNI
    assert reloaded.pseudonym("1", DNI) == elsewhere.pseudonym("1", DNI)


def test_bad_master_key_is_refused_without_echoing_it(tmp_path):
    short = base64.b64encode(b"k" * 16).decode()
    for bad in (short, "not base64 !"):
        with pytest.raises(ValueError, match="32 bytes") as info:
            PiiVault.from_settings(_settings(tmp_path, bad))
        assert bad not in str(info.value)


def test_blind_index_is_keyed_and_normalized():
    vault = PiiVault.generate()
    index = vault.blind_index("1", DNI)
    assert len(index) == 32
    assert vault.blind_index("1", f"  {DNI} ") == index
    assert vault.blind_index("4", DNI) != index
    assert PiiVault.generate().blind_index("1", DNI) != index
    assert index != hashlib.sha256(f"1:{DNI}".encode()).digest()


def test_pseudonym_is_a_stable_token_that_differs_per_key():
    vault = PiiVault.generate()
    token = vault.pseudonym("1", DNI)
    assert re.fullmatch(r"c_[0-9a-f]{24}", token)
    assert vault.pseudonym("1", f" {DNI}") == token
    assert vault.pseudonym("1", "45678913") != token
    assert PiiVault.generate().pseudonym("1", DNI) != token
    assert token[2:] not in vault.blind_index("1", DNI).hex()


def test_audience_hashes_follow_ad_platform_normalization():
    expected_email = hashlib.sha256(b"ana.quispe@example.pe").hexdigest()
    assert normalized_email_sha256("  Ana.Quispe@Example.PE ") == expected_email
    expected_phone = hashlib.sha256(b"+51987654321").hexdigest()
    for phone in ("987654321", "+51987654321", "+51 987 654 321", "987-654-321"):
        assert phone_e164_sha256(phone) == expected_phone
    for bad in ("98765432", "887654321", "+1 987654321", "01 4567890"):
        with pytest.raises(ValueError, match=re.escape(repr(bad))):
            phone_e164_sha256(bad)
    with pytest.raises(ValueError, match="'not-an-email'"):
        normalized_email_sha256("not-an-email")


def _versions(conn) -> set[int]:
    rows = conn.execute(
        """
        select get_byte(v, 0) * 256 + get_byte(v, 1)
        from customers,
             unnest(array[doc_number_enc, name_enc, email_enc, phone_enc]) as v
        where v is not null
        """
    ).fetchall()
    return {version for (version,) in rows}


def test_reencrypt_all_moves_every_value_to_the_new_version(conn):
    vault = PiiVault.generate()
    ids = [
        register_customer(conn, vault, CustomerInput("1", "45678912", "Rosa Quispe", "r@q.pe")),
        register_customer(
            conn, vault, CustomerInput("1", "45678913", "Luis Mamani", None, "987654321")
        ),
        register_customer(conn, vault, CustomerInput("6", "20131312955", "Comercial Andina SAC")),
    ]
    before = [get_customer(conn, vault, i, **READER) for i in ids]
    assert _versions(conn) == {1}
    assert vault.rotate() == 2
    assert [get_customer(conn, vault, i, **READER) for i in ids] == before
    assert reencrypt_all(conn, vault, batch_size=2) == 3
    assert _versions(conn) == {2}
    assert [get_customer(conn, vault, i, **READER) for i in ids] == before
    assert reencrypt_all(conn, vault) == 0


def test_pii_never_in_plaintext_in_any_table(conn):
    vault = PiiVault.generate()
    people = [
        CustomerInput(
            "1", "45678912", "Rosa Quispe Mamani", "rosa.quispe@example.pe", "987654321", True
        ),
        CustomerInput("6", "20131312955", "Comercial Andina SAC", "ventas@andina.pe"),
        CustomerInput("4", "CE1234567", "José Ñañez Güemes", None, "+51 912 345 678", True),
        CustomerInput("7", "PA998877", "Hanna Schmidt", "hanna@example.de"),
    ]
    ids = [
        register_customer(conn, vault, person, idempotency_key=f"reg-{n}")
        for n, person in enumerate(people)
    ]
    record_consent(conn, ids[0], False, source="web")
    cancel_customer(conn, vault, ids[3])
    secrets = []
    for person in people:
        secrets += [person.doc_number, person.name, *person.name.split()]
        secrets += [v for v in (person.email, person.phone) if v]
    secrets += ["912345678", "+51912345678"]
    assert_no_plaintext(conn, secrets)


@pytest.mark.parametrize(
    "leak_sql",
    [
        "insert into stores (code, name, department, region) values ('0001', 'DNI 45678912', "
        "'Lima', 'Lima Metropolitana')",
        "update customers set email_enc = convert_to('Ana.Leak@example.pe', 'UTF8')",
        "update customers set pseudonym = encode(sha256('45678912'::bytea), 'hex')",
        "update customers set phone_enc = sha256('987654321'::bytea)",
    ],
)
def test_assert_no_plaintext_detects_leaks(conn, leak_sql):
    vault = PiiVault.generate()
    register_customer(conn, vault, CustomerInput("1", "45678912", "Rosa Quispe"))
    secrets = ["45678912", "ana.leak@example.pe", "987654321"]
    assert_no_plaintext(conn, secrets)
    conn.execute(leak_sql)
    with pytest.raises(AssertionError, match="plain text"):
        assert_no_plaintext(conn, secrets)


def test_keys_rotate_cli_rotates_and_reencrypts_the_configured_database(
    db_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("INNOVALOGIX_HOME", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("INNOVALOGIX_PII_KEY", raising=False)
    with psycopg.connect(db_url) as conn:
        vault = PiiVault.from_settings()
        for number in ("45678912", "45678913"):
            register_customer(conn, vault, CustomerInput("1", number, "Rosa Quispe"))
        assert _versions(conn) == {1}

    result = CliRunner().invoke(keys_app, ["rotate"])
    assert result.exit_code == 0, result.output
    assert "versión actual 2" in result.output
    assert "Clientes recifrados: 2" in result.output

    with psycopg.connect(db_url) as conn:
        assert _versions(conn) == {2}
        reloaded = PiiVault.from_settings()
        customer_id = find_customer_id(conn, reloaded, "1", "45678913")
        assert get_customer(conn, reloaded, customer_id, **READER)["doc_number"] == "45678913"
    again = CliRunner().invoke(keys_app, ["reencrypt"])
    assert "Clientes recifrados: 0" in again.output


def test_keys_cli_with_a_malformed_key_says_so_and_exits_non_zero(tmp_path, monkeypatch):
    monkeypatch.setenv("INNOVALOGIX_HOME", str(tmp_path))
    monkeypatch.setenv("INNOVALOGIX_PII_KEY", "not-base64-of-32-bytes")
    for command in ("rotate", "reencrypt"):
        result = CliRunner().invoke(keys_app, [command])
        assert result.exit_code == 1
        assert isinstance(result.exception, SystemExit), result.exception
        assert "INNOVALOGIX_PII_KEY" in result.output
        assert "not-base64" not in result.output
