"""Backup and restore of the core: the system of record (sales, fiscal numbering, the kardex)
cannot be rebuilt from anywhere else, so a backup must be consistent and a restore proven.

``backup`` holds one repeatable-read transaction open, exports its snapshot, and runs
``pg_dump`` (directory format, one job by default) on that snapshot while it counts and
checksums every table in the same snapshot: the manifest describes exactly what the dump holds,
even with tills selling meanwhile. The manifest names the migration revision and the PII key
versions the encrypted columns need; the keys themselves never leave the keys dir (or
``INNOVALOGIX_PII_KEY``).

``restore`` checks the dump's files against the manifest, refuses a database that is not empty,
restores in one transaction (all or nothing) and checks every table's rows and checksum against
the manifest; then it decrypts one customer per key version (a logged read, Ley 29733) to say
whether the keys at hand open the restored data.

The embedded server ships ``pg_dump``/``pg_restore`` (the ``pgserver`` wheel); with
``DATABASE_URL`` the ones on ``PATH`` (the server's client tools) are used if they are as new as
the server, else the embedded ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from erp_core import db
from erp_core.settings import get_settings

MANIFEST = "manifest.json"
DUMP = "dump"
FORMAT = 1
ENCRYPTED_SUFFIX = "_enc"

# Every value's text the same on the server that dumped and the one that restores.
SESSION_SETTINGS = (
    "set bytea_output = 'hex'",
    "set datestyle = 'ISO, YMD'",
    "set intervalstyle = 'postgres'",
    "set timezone = 'UTC'",
    "set extra_float_digits = 1",
)
# Order-independent digest of a table: the sum of a 64-bit hash of every row's text.
# hashtextextended is the hash Postgres' hash partitioning uses, stable across versions.
CHECKSUM_SQL = (
    "select count(*), coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text "
    "from {table} as t"
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for people (es-PE)."""


@dataclass(frozen=True)
class TableState:
    rows: int
    checksum: str


@dataclass
class RestoreReport:
    target: str
    tables: int
    rows: int
    revision: str | None
    mismatches: list[str] = field(default_factory=list)
    key_versions: list[int] = field(default_factory=list)
    missing_key_versions: list[int] = field(default_factory=list)
    key_problem: str | None = None

    @property
    def verified(self) -> bool:
        return not self.mismatches


# --- The client tools ------------------------------------------------------------------------


def embedded_bin_dir() -> Path:
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def _major(version_text: str) -> int:
    """16 of ``pg_dump (PostgreSQL) 16.2`` (or of ``15.18 (Debian ...)``)."""
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", version_text)
    if not match:
        raise BackupError(f"No se entiende la versión de Postgres: {version_text!r}")
    return int(match.group(1))


def pg_tool(name: str, server_major: int) -> Path:
    """``pg_dump`` or ``pg_restore`` as new as the server: with ``DATABASE_URL`` the one on
    ``PATH`` first, then the embedded server's."""
    candidates: list[Path] = []
    if get_settings().database_url and shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    candidates.append(embedded_bin_dir() / name)
    found = []
    for tool in candidates:
        if not tool.exists():
            continue
        version = subprocess.run(
            [str(tool), "--version"], capture_output=True, text=True, check=False
        ).stdout
        found.append(f"{tool} ({version.strip()})")
        if _major(version) >= server_major:
            return tool
    raise BackupError(
        f"No hay un {name} de Postgres {server_major} o más nuevo (encontrados: "
        f"{', '.join(found) or 'ninguno'}); instale las herramientas cliente del servidor."
    )


def _tool_environment(url: str) -> tuple[str, dict[str, str]]:
    """A key=value connection string without the password (it goes in PGPASSWORD, never in
    the command line that ``ps`` shows), and the environment to run the tool in."""
    params = conninfo_to_dict(url)
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


# --- What the database holds -----------------------------------------------------------------


def user_tables(conn: psycopg.Connection) -> list[str]:
    """Every table of the database outside the system schemas (a partitioned table once, with
    its partitions' rows), as ``schema.table``."""
    rows = conn.execute(
        "select format('%I.%I', n.nspname, c.relname) from pg_class c "
        "join pg_namespace n on n.oid = c.relnamespace "
        "where c.relkind in ('r', 'p') and not c.relispartition "
        "and n.nspname not in ('pg_catalog', 'information_schema') "
        "and n.nspname not like 'pg\\_%' order by 1"
    ).fetchall()
    return [name for (name,) in rows]


def table_states(conn: psycopg.Connection, tables: list[str]) -> dict[str, TableState]:
    for statement in SESSION_SETTINGS:
        conn.execute(statement)
    states = {}
    for table in tables:
        rows, checksum = conn.execute(CHECKSUM_SQL.format(table=table)).fetchone()
        states[table] = TableState(int(rows), str(checksum))
    return states


def migration_revision(conn: psycopg.Connection) -> str | None:
    exists = conn.execute("select to_regclass('public.alembic_version') is not null").fetchone()
    if not exists[0]:
        return None
    row = conn.execute("select version_num from public.alembic_version").fetchone()
    return row[0] if row else None


def pii_key_versions(conn: psycopg.Connection) -> list[int]:
    """The encryption key versions the encrypted columns (``*_enc`` bytea) need: the first
    two bytes of every value (``erp_core.pii``'s envelope)."""
    columns = conn.execute(
        "select format('%%I.%%I', table_schema, table_name), quote_ident(column_name) "
        "from information_schema.columns where data_type = 'bytea' and column_name like %s "
        "and table_schema not in ('pg_catalog', 'information_schema')",
        (f"%\\{ENCRYPTED_SUFFIX}",),
    ).fetchall()
    versions: set[int] = set()
    for table, column in columns:
        rows = conn.execute(
            f"select distinct get_byte({column}, 0) * 256 + get_byte({column}, 1) "
            f"from {table} where octet_length({column}) >= 2"
        ).fetchall()
        versions.update(v for (v,) in rows)
    return sorted(versions)


def _database_is_empty(conn: psycopg.Connection) -> tuple[bool, list[str]]:
    rows = conn.execute(
        "select format('%I.%I', n.nspname, c.relname) from pg_class c "
        "join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname not in ('pg_catalog', 'information_schema') "
        "and n.nspname not like 'pg\\_%' order by 1 limit 3"
    ).fetchall()
    return not rows, [name for (name,) in rows]


def _server_major(conn: psycopg.Connection) -> int:
    return conn.info.server_version // 10000


def _file_digests(root: Path) -> dict[str, str]:
    digests = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            digests[path.relative_to(root).as_posix()] = digest.hexdigest()
    return digests


# --- Backup ----------------------------------------------------------------------------------


def backup(out_dir: Path, url: str | None = None, *, jobs: int = 1) -> dict[str, Any]:
    """Write a consistent backup of the core into ``out_dir`` (new or empty) and return its
    manifest: time, migration revision, rows and checksum per table, the PII key versions.

    ``jobs`` > 1 dumps tables in parallel, but pg_dump's workers then take their locks without
    waiting and the whole dump fails if any DDL (a migration, the nightly partitions) queued
    meanwhile; one job holds its locks from the start, and DDL waits for the dump instead."""
    url = url or db.database_url()
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise BackupError(f"La carpeta {out_dir} no está vacía: indique una carpeta nueva.")
    out_dir.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    with db.connect(url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("select pg_export_snapshot()").fetchone()[0]
        pg_dump = pg_tool("pg_dump", _server_major(conn))
        dsn, env = _tool_environment(url)
        dump = subprocess.Popen(
            [
                str(pg_dump),
                "--format=directory",
                f"--jobs={jobs}",
                f"--snapshot={snapshot}",
                "--no-password",
                f"--file={out_dir / DUMP}",
                f"--dbname={dsn}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:  # counted and checksummed while pg_dump reads the same snapshot
            tables = user_tables(conn)
            states = table_states(conn, tables)
            revision = migration_revision(conn)
            key_versions = pii_key_versions(conn)
            server_version = conn.execute("show server_version").fetchone()[0]
        finally:
            _, errors = dump.communicate()
        conn.rollback()
    if dump.returncode != 0:
        raise BackupError(f"pg_dump falló (código {dump.returncode}): {errors.strip()}")
    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "source": db.describe_server(url),
        "server_version": server_version,
        "pg_dump": str(pg_dump),
        "migration_revision": revision,
        "tables": {
            name: {"rows": state.rows, "checksum": state.checksum} for name, state in states.items()
        },
        "pii": {
            "encryption_key_versions": key_versions,
            "also_needed": ["blind-index key", "pseudonym key"],
            "note": "The keys are not in this backup: restore with the same keys dir or "
            "INNOVALOGIX_PII_KEY that wrote the data.",
        },
        "dump": {"format": "directory", "files": _file_digests(out_dir / DUMP)},
    }
    partial = out_dir / f"{MANIFEST}.tmp"
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    os.replace(partial, out_dir / MANIFEST)
    return manifest


# --- Restore ---------------------------------------------------------------------------------


def read_manifest(backup_dir: Path) -> dict[str, Any]:
    path = Path(backup_dir) / MANIFEST
    if not path.exists():
        raise BackupError(f"{backup_dir} no es una copia de innovalogix: falta {MANIFEST}.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Formato de copia desconocido: {manifest.get('format')!r}.")
    return manifest


def verify_files(backup_dir: Path, manifest: dict[str, Any]) -> None:
    """The dump's files are the ones the manifest lists, byte for byte."""
    expected = manifest["dump"]["files"]
    found = _file_digests(Path(backup_dir) / DUMP)
    for name, digest in expected.items():
        if name not in found:
            raise BackupError(f"Falta el archivo {DUMP}/{name} de la copia.")
        if found[name] != digest:
            raise BackupError(f"El archivo {DUMP}/{name} de la copia está dañado (no coincide).")
    extra = sorted(set(found) - set(expected))
    if extra:
        raise BackupError(f"La copia tiene archivos que el manifiesto no nombra: {extra[0]}.")


def restore(backup_dir: Path, url: str | None = None) -> RestoreReport:
    """Restore a backup into an empty database (all or nothing) and check every table against
    the manifest; refuses a database that holds any table."""
    url = url or db.database_url()
    backup_dir = Path(backup_dir)
    manifest = read_manifest(backup_dir)
    verify_files(backup_dir, manifest)
    target = db.describe_server(url)
    with db.connect(url, autocommit=True) as conn:
        empty, found = _database_is_empty(conn)
        if not empty:
            raise BackupError(
                f"La base de datos {target} no está vacía (tiene {', '.join(found)}…): "
                "restore solo restaura en una base de datos vacía, para no mezclar dos "
                "historias. Cree una nueva (innovalogix restore --create NOMBRE) o apunte "
                "DATABASE_URL a una vacía."
            )
        pg_restore = pg_tool("pg_restore", _server_major(conn))
    dsn, env = _tool_environment(url)
    done = subprocess.run(
        [
            str(pg_restore),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--dbname={dsn}",
            str(backup_dir / DUMP),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(
            f"pg_restore falló y no restauró nada (una sola transacción): {done.stderr.strip()}"
        )
    return verify_restored(url, manifest)


def verify_restored(url: str, manifest: dict[str, Any]) -> RestoreReport:
    """Rows and checksum of every table, and the migration revision, against the manifest;
    then whether the keys at hand open the encrypted columns."""
    expected = {
        name: TableState(entry["rows"], entry["checksum"])
        for name, entry in manifest["tables"].items()
    }
    with db.connect(url) as conn:
        tables = user_tables(conn)
        states = table_states(conn, tables)
        revision = migration_revision(conn)
        conn.rollback()
    mismatches = []
    for name in sorted(expected.keys() | states.keys()):
        want, have = expected.get(name), states.get(name)
        if want is None:
            mismatches.append(f"{name}: no está en el manifiesto")
        elif have is None:
            mismatches.append(f"{name}: falta en la base restaurada")
        elif have != want:
            mismatches.append(
                f"{name}: {have.rows:,} filas (suma {have.checksum}) en vez de "
                f"{want.rows:,} (suma {want.checksum})"
            )
    if revision != manifest["migration_revision"]:
        mismatches.append(
            f"revisión de migraciones {revision} en vez de {manifest['migration_revision']}"
        )
    report = RestoreReport(
        target=db.describe_server(url),
        tables=len(states),
        rows=sum(s.rows for s in states.values()),
        revision=revision,
        mismatches=mismatches,
        key_versions=list(manifest["pii"]["encryption_key_versions"]),
    )
    report.missing_key_versions, report.key_problem = check_keys(url, report.key_versions)
    return report


def check_keys(url: str, versions: list[int]) -> tuple[list[int], str | None]:
    """The key versions the configured PII keys cannot open: one customer per version is read
    through the service (decrypted, logged) and its pseudonym recomputed. Never creates keys:
    without ``INNOVALOGIX_PII_KEY`` or a keyring, every version is missing."""
    from erp_core import pii
    from erp_core.services.customers import get_customer

    if not versions:
        return [], None
    settings = get_settings()
    if not settings.pii_key and not (settings.keys_dir / pii.KEYRING_FILE).exists():
        return list(versions), (
            f"no hay claves PII aquí (ni INNOVALOGIX_PII_KEY ni {settings.keys_dir}/"
            f"{pii.KEYRING_FILE}): copie las claves que escribieron los datos"
        )
    vault = pii.PiiVault.from_settings(settings)
    missing, problem = [], None
    with db.connect(url) as conn:
        for version in versions:
            row = conn.execute(
                "select customer_id from customers where get_byte(doc_number_enc, 0) * 256 "
                "+ get_byte(doc_number_enc, 1) = %s order by customer_id limit 1",
                (version,),
            ).fetchone()
            if row is None:
                continue  # only other columns use it; their values are read the same way
            try:
                customer = get_customer(
                    conn,
                    vault,
                    row[0],
                    accessed_by="innovalogix restore",
                    purpose="verificar que las claves PII abren la copia restaurada",
                )
            except pii.PiiError as exc:
                missing.append(version)
                problem = str(exc)
                continue
            if (
                vault.pseudonym(customer["doc_type"], customer["doc_number"])
                != customer["pseudonym"]
            ):
                missing.append(version)
                problem = "la clave de seudónimos no es la que escribió los datos"
    return missing, problem
