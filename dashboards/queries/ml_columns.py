"""Finding the columns of a model's output table by role (the ML tables contract names the
tables; the columns below are the names the dashboards accept for each role)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dashboards.warehouse import columns as table_columns
from dashboards.warehouse import query

SCHEMA = "ml"


@dataclass(frozen=True)
class Resolved:
    table: str
    present: bool
    rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.present and self.rows > 0 and not self.missing


def resolve(
    table: str,
    roles: Mapping[str, tuple[str, ...]],
    optional: Mapping[str, tuple[str, ...]] | None = None,
) -> Resolved:
    """Which column of ``ml.table`` plays each role; ``missing`` names roles it lacks."""
    have = table_columns(SCHEMA, table)
    if not have:
        return Resolved(table, present=False)
    rows = int(query(f'select count(*) as n from {SCHEMA}."{table}"').iloc[0]["n"])
    chosen, missing = {}, []
    for role, names in {**roles, **(optional or {})}.items():
        found = next((name for name in names if name in have), None)
        if found:
            chosen[role] = found
        elif role in roles:
            missing.append(f"{role} ({' / '.join(names)})")
    return Resolved(table, True, rows, chosen, tuple(missing))


def star_except(table: str, alias: str, names: tuple[str, ...]) -> str:
    """``alias.*`` without those of ``names`` the table has (they come from the dimensions)."""
    present = [name for name in names if name in table_columns(SCHEMA, table)]
    return f"{alias}.* exclude ({', '.join(present)})" if present else f"{alias}.*"
