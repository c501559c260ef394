"""A buyer's worklist from the published plan, narrowed to a store, a supplier or a category."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

RECOMMENDATIONS = "ml.fct_restock_recommendations"
TRANSFERS = "ml.fct_transfer_suggestions"


class NotInPlan(ValueError):
    """A filter that names nothing in tonight's plan."""


@dataclass(frozen=True)
class Worklist:
    as_of: dt.date
    recommendations: pd.DataFrame
    transfers: pd.DataFrame


def _fold(text) -> str:
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return plain.strip().lower()


def read_published_plan(snapshot: Path) -> Worklist:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        tables = {
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        if RECOMMENDATIONS not in tables:
            raise NotInPlan(
                f"el snapshot {snapshot} no tiene {RECOMMENDATIONS}: falta la corrida nocturna"
            )
        recs = con.execute(f"select * from {RECOMMENDATIONS}").df()
        transfers = (
            con.execute(f"select * from {TRANSFERS}").df()
            if TRANSFERS in tables
            else pd.DataFrame()
        )
    if recs.empty:
        raise NotInPlan("el plan de reposición publicado está vacío")
    as_of = pd.Timestamp(recs["as_of_date"].iloc[0]).date()
    return Worklist(as_of, recs, transfers)


def _match(values: pd.Series, wanted: str, what: str, partial: bool = False) -> set:
    folded = {v: _fold(v) for v in values.dropna().unique()}
    key = _fold(wanted)
    exact = {v for v, f in folded.items() if f == key}
    found = exact or ({v for v, f in folded.items() if key in f} if partial else set())
    if not found:
        known = ", ".join(sorted(str(v) for v in folded)[:12])
        raise NotInPlan(f"{what} «{wanted}» no está en el plan; hay: {known}")
    return found


def narrow(
    plan: Worklist,
    store: str | None = None,
    supplier: str | None = None,
    category: str | None = None,
) -> Worklist:
    """Keep the rows of a store (code or name), a supplier (name, part of it, or id) and a
    category (name); transfers touching the store or of the category's products."""
    recs, moves = plan.recommendations, plan.transfers
    if store:
        codes = _match(pd.concat([recs["store_code"], recs["store_name"]]), store, "La tienda")
        keep = recs["store_code"].isin(codes) | recs["store_name"].isin(codes)
        ids = set(recs.loc[keep, "store_id"])
        recs = recs[keep]
        if len(moves):
            moves = moves[moves["from_store_id"].isin(ids) | moves["to_store_id"].isin(ids)]
    if supplier:
        by_id = recs["supplier_id"].astype(str) == supplier.strip()
        if by_id.any():
            recs = recs[by_id]
        else:
            names = _match(recs["supplier_name"], supplier, "El proveedor", partial=True)
            recs = recs[recs["supplier_name"].isin(names)]
        if len(moves):
            moves = moves[moves["product_id"].isin(set(recs["product_id"]))]
    if category:
        names = _match(recs["category_name"], category, "La categoría")
        recs = recs[recs["category_name"].isin(names)]
        if len(moves):
            moves = moves[moves["category_name"].isin(names)]
    return Worklist(plan.as_of, recs, moves)
