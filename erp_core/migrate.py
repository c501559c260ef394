"""Schema migrations (Alembic), then the monthly partitions around today."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.config import Config
from psycopg.conninfo import conninfo_to_dict

from erp_core import db
from erp_core.partitions import MONTHS_AHEAD, MONTHS_BEHIND, add_months, ensure_partitions
from erp_core.paths import MIGRATIONS_DIR
from erp_core.timeutil import lima_today


def sqlalchemy_url(url: str) -> str:
    """Turn a libpq URL or key=value string into a SQLAlchemy URL for psycopg 3."""
    params = conninfo_to_dict(url)
    host = params.pop("host", "")
    port = params.pop("port", "")
    user = params.pop("user", "")
    password = params.pop("password", "")
    dbname = params.pop("dbname", "postgres")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    netloc = "" if host.startswith("/") else host + (f":{port}" if port else "")
    query = [f"host={host}"] if host.startswith("/") else []
    if host.startswith("/") and port:
        query.append(f"port={port}")
    query += [f"{k}={v}" for k, v in params.items()]
    suffix = ("?" + "&".join(query)) if query else ""
    return f"postgresql+psycopg://{auth}{netloc}/{dbname}{suffix}"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, today: dt.date | None = None) -> None:
    """Migrate to the newest revision and make sure the monthly partitions exist.

    The connection is opened first so that a server that cannot be reached fails as
    ``db.DatabaseUnavailableError`` (a clear message in the CLI), not deep inside Alembic.
    """
    today = today or lima_today()  # the business date, as every partition's month
    with db.connect(url, autocommit=True) as conn:
        command.upgrade(alembic_config(url), "head")
        ensure_partitions(conn, add_months(today, -MONTHS_BEHIND), add_months(today, MONTHS_AHEAD))
