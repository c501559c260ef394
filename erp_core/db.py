"""Connections to the transactional Postgres: a configured server or the embedded one.

With no ``DATABASE_URL`` an embedded Postgres from the ``pgserver`` wheel is started under
``$INNOVALOGIX_HOME/pg`` on first use and left running, so later commands reuse it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
import time
import uuid
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from erp_core.settings import get_settings

logging.getLogger("pgserver").setLevel(logging.WARNING)


class DatabaseUnavailableError(psycopg.OperationalError):
    """The server could not be reached or refused the connection.

    ``server`` names the server tried without its password, ``detail`` is libpq's reason; both
    are safe to show to a person.
    """

    def __init__(self, server: str, detail: str):
        super().__init__(f"cannot connect to the database at {server}: {detail}")
        self.server = server
        self.detail = detail


class DatabaseUrlInvalid(DatabaseUnavailableError):
    """``DATABASE_URL`` is not a connection string libpq can read (told without echoing it: it
    may hold a password)."""

    def __init__(self, detail: str):
        super().__init__("DATABASE_URL", detail)


def checked_url(url: str) -> str:
    """``url`` if libpq can parse it; else ``DatabaseUrlInvalid``."""
    try:
        conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        password = re.search(r"//[^:/@]*:([^@]*)@", url)
        detail = str(exc) if password is None else str(exc).replace(password[1], "****")
        raise DatabaseUrlInvalid(" ".join(detail.split())) from None
    return url


@cache
def _embedded_server_uri(pg_data_dir: Path) -> str:
    runtime_dir = pg_data_dir.parent / "run"  # pgserver's lock file; must be private (0700)
    runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        pg_data_dir.mkdir(parents=True, exist_ok=True)
        try:
            server = pgserver.get_server(pg_data_dir, cleanup_mode=None)
        except subprocess.CalledProcessError:
            # another process was starting the same server at this moment: use the one it started
            time.sleep(2)
            server = pgserver.get_server(pg_data_dir, cleanup_mode=None)
        return server.get_uri()


def database_url() -> str:
    """The URL of the transactional database: ``DATABASE_URL`` or the embedded server."""
    settings = get_settings()
    if settings.database_url:
        return checked_url(settings.database_url)
    return _embedded_server_uri(settings.pg_data_dir)


def server_url() -> str:
    """URL of the server that holds test databases (``TEST_DATABASE_URL`` or embedded)."""
    settings = get_settings()
    if settings.test_database_url:
        return settings.test_database_url
    return _embedded_server_uri(settings.pg_data_dir)


def libpq_dsn(url: str) -> str:
    """A key=value libpq connection string (what DuckDB's scanner and pgbench accept)."""
    return make_conninfo(**conninfo_to_dict(url))


def connect(url: str | None = None, **kwargs) -> psycopg.Connection:
    """A connection; a server that cannot be reached raises ``DatabaseUnavailableError``."""
    url = checked_url(url or database_url())
    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.OperationalError as exc:
        raise _unavailable(url, exc) from exc


def describe_server(url: str) -> str:
    """Where ``url`` points, for people: ``user@host:port/dbname``, never the password."""
    params = conninfo_to_dict(url)
    host = (
        params.get("host") or params.get("hostaddr") or os.environ.get("PGHOST") or "socket local"
    )
    port = params.get("port")
    user = params.get("user")
    dbname = params.get("dbname")
    return (
        (f"{user}@" if user else "")
        + host
        + (f":{port}" if port else "")
        + (f"/{dbname}" if dbname else "")
    )


def _unavailable(url: str, exc: psycopg.OperationalError) -> DatabaseUnavailableError:
    detail = " ".join(str(exc).split())
    password = conninfo_to_dict(url).get("password")
    if password:  # libpq does not echo passwords; make sure no message ever does
        detail = detail.replace(str(password), "****")
    return DatabaseUnavailableError(describe_server(url), detail)


def with_database(url: str, dbname: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo(**params)


def create_database(server: str, prefix: str = "innovalogix_test") -> str:
    """Create a fresh, empty database on ``server`` and return its connection string."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(server, name)


def drop_database(server: str, url: str) -> None:
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def transaction(conn: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """One business operation = one transaction: committed whole or rolled back whole."""
    with conn.transaction():
        yield conn
