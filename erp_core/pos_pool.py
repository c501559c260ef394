"""The database connections a service process shares among the POS terminals it serves.

A Postgres connection is a server process. With more busy connections than the server has
cores, backends and their clients take turns on the same cores, and the extra connections add
context switches and lock contention rather than sales: on 2 cores, 8 terminals sold about a
fifth more through 4 shared connections than through 8 of their own (docs/BENCHMARKS.md). A
service that serves many terminals runs their sales on a few connections, as an application
server does (``DATABASE_POOL_SIZE``, default 4: about twice a small server's cores).

The connections are autocommit, as a terminal's own would be: ``sell`` on one is a single
statement and a single round trip. A connection left inside a transaction is rolled back when it
returns to the pool; a broken one is replaced.
"""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from erp_core import db
from erp_core.settings import get_settings


def open_pos_pool(url: str | None = None, size: int | None = None) -> ConnectionPool:
    """An open pool of ``size`` autocommit connections; close it (or use ``with``) when done.

    Use: ``with pool.connection() as conn: sell(conn, request)``.
    """
    size = size or get_settings().database_pool_size
    return ConnectionPool(
        url or db.database_url(), min_size=size, max_size=size, kwargs={"autocommit": True},
        name="pos", open=True,
    )  # fmt: skip
