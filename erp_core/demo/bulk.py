"""Bulk-load mode: foreign keys and secondary indexes off while loading, rebuilt after.

Checking a foreign key row by row costs up to ~100 µs per row when it points into a partitioned
table (sale_lines -> sales), which would dominate a load of millions of rows. Dropping the
constraints and plain indexes inside the load's transaction and recreating them at the end
(as pg_restore does) checks every key in one pass per constraint instead. The DDL is part of the
transaction: if anything fails, the schema comes back untouched with the rollback.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

FOREIGN_KEYS = """
select c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
from pg_constraint c
where c.contype = 'f' and c.conparentid = 0 and c.conrelid = any(%s::regclass[])
order by 1, 2
"""
PLAIN_INDEXES = """
select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
from pg_index i
where i.indrelid = any(%s::regclass[]) and not i.indisunique and not i.indisprimary
order by 1
"""


@dataclass(frozen=True)
class Suspended:
    foreign_keys: list[tuple[str, str, str]]  # table, constraint name, definition
    indexes: list[tuple[str, str]]  # index name, definition


def suspend_constraints(conn: psycopg.Connection, tables: list[str]) -> Suspended:
    """Within an open transaction: drop the foreign keys and plain indexes of ``tables``."""
    suspended = Suspended(
        conn.execute(FOREIGN_KEYS, (tables,)).fetchall(),
        conn.execute(PLAIN_INDEXES, (tables,)).fetchall(),
    )
    for table, name, _ in suspended.foreign_keys:
        conn.execute(f'alter table {table} drop constraint "{name}"')
    for name, _ in suspended.indexes:
        conn.execute(f"drop index {name}")
    return suspended


def restore_constraints(conn: psycopg.Connection, suspended: Suspended) -> None:
    """Recreate what ``suspend_constraints`` dropped; every foreign key is validated again.

    A partitioned table's index reads ``ON ONLY`` in ``pg_get_indexdef``: recreated as it
    reads, it would cover no partition and stay invalid (migration 0012), so it is built over
    every partition instead.
    """
    for _, definition in suspended.indexes:
        conn.execute(definition.replace(" ON ONLY ", " ON ", 1))
    for table, name, definition in suspended.foreign_keys:
        conn.execute(f'alter table {table} add constraint "{name}" {definition}')
