"""Moving stock between locations before buying more of it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

TRANSFER_COLUMNS = ["product_id", "from_store_id", "to_store_id", "transfer_qty", "kind"]


def match_transfers(
    needs: pd.DataFrame, offers: pd.DataFrame, min_qty: float = 1.0, kind: str = "rebalance"
) -> pd.DataFrame:
    """Pair each product's needs with the stock other locations can spare, in whole units.

    ``needs``: ``product_id, store_id, need_qty, priority`` (higher first); ``offers``:
    ``product_id, store_id, available_qty``. The most urgent need is served first, from the
    location with the most to spare, so a need is filled from as few places as possible.
    A location never sends more than it offers nor to itself; moves below ``min_qty`` are dropped.
    """
    rows = []
    needs = needs[needs["need_qty"] > 0]
    offers = offers[
        (offers["available_qty"] >= min_qty) & offers["product_id"].isin(needs["product_id"])
    ]
    spare_by_product = {
        product: dict(zip(group["store_id"], group["available_qty"].astype(float), strict=True))
        for product, group in offers.groupby("product_id")
    }
    ordered = needs.sort_values(["priority", "need_qty"], ascending=[False, False], kind="stable")
    for product, store, need in ordered[["product_id", "store_id", "need_qty"]].itertuples(
        index=False
    ):
        spare = spare_by_product.get(product)
        if not spare:
            continue
        remaining = math.ceil(need - 1e-9)
        for donor in sorted(spare, key=lambda s: -spare[s]):
            if remaining <= 0:
                break
            if donor == store:
                continue
            moved = min(remaining, math.floor(spare[donor] + 1e-9))
            if moved < min_qty:
                continue
            rows.append((product, donor, store, float(moved), kind))
            spare[donor] -= moved
            remaining -= moved
    return pd.DataFrame(rows, columns=TRANSFER_COLUMNS).astype(
        {"transfer_qty": np.float64}, errors="ignore"
    )
