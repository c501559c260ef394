"""Small hand-made chains for the policy tests: every figure can be worked out on paper."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ml.inventory.plan import RestockInputs

AS_OF = dt.date(2026, 12, 6)
PRODUCT, SUPPLIER = 101, 7


def daily_forecast(stores, p50=10.0, rmse=3.0, days=28, product=PRODUCT):
    """A flat forecast of ``p50`` units a day from the day after ``AS_OF``, and its accuracy."""
    start = pd.Timestamp(AS_OF) + pd.Timedelta(days=1)
    forecast = pd.DataFrame(
        [
            {
                "product_id": product,
                "store_id": store,
                "ds": start + pd.Timedelta(days=d),
                "p10": p50 * 0.5,
                "p50": p50,
                "p90": p50 * 1.5,
            }
            for store in stores
            for d in range(days)
        ]
    )
    accuracy = pd.DataFrame(
        {"product_id": product, "store_id": list(stores), "rmse": rmse, "model": "flat"}
    )
    return forecast, accuracy


def supplier_history(store_id: int) -> pd.DataFrame:
    """Three received orders of 5, 7 and 9 days (mean 7, spread 2), the first with two lines."""
    rows = [
        (1, "2026-11-01", "2026-11-06"),
        (1, "2026-11-01", "2026-11-06"),
        (2, "2026-11-10", "2026-11-17"),
        (3, "2026-11-20", "2026-11-29"),
    ]
    return pd.DataFrame(
        [
            {
                "purchase_order_id": po,
                "supplier_id": SUPPLIER,
                "store_id": store_id,
                "product_id": PRODUCT,
                "ordered_date": pd.Timestamp(ordered).date(),
                "expected_date": pd.Timestamp(ordered).date() + dt.timedelta(days=7),
                "received_date": pd.Timestamp(received).date(),
                "ordered_qty": 24.0,
                "received_qty": 24.0,
                "open_qty": 0.0,
            }
            for po, ordered, received in rows
        ]
    )


def chain_inputs(holdings: dict[int, float], warehouse: int | None = None, **overrides):
    """Stores 1, 2, ... holding ``holdings`` of one class-A product (pack 12, unit cost S/ 5)."""
    stores = [s for s in holdings if s != warehouse]
    forecast, accuracy = daily_forecast(stores)
    fields = {
        "as_of": AS_OF,
        "stock": pd.DataFrame(
            {
                "product_id": PRODUCT,
                "store_id": list(holdings),
                "on_hand_qty": list(holdings.values()),
                "unit_cost_pen": 5.0,
            }
        ),
        "locations": pd.DataFrame(
            {
                "store_id": list(holdings),
                "store_code": [f"T{s:03d}" for s in holdings],
                "store_name": [f"Tienda {s}" for s in holdings],
                "is_warehouse": [s == warehouse for s in holdings],
            }
        ),
        "products": pd.DataFrame(
            [
                {
                    "product_id": PRODUCT,
                    "sku": "SKU101",
                    "product_name": "Arroz 5 kg",
                    "category_name": "Abarrotes",
                    "abc_class": "A",
                    "supplier_id": SUPPLIER,
                    "pack_size": 12,
                    "min_order_qty": 0.0,
                    "unit_margin_pen": 2.0,
                }
            ]
        ),
        "suppliers": pd.DataFrame(
            [
                {
                    "supplier_id": SUPPLIER,
                    "supplier_name": "Molinos SAC",
                    "lead_time_days": 10,
                    "min_order_pen": 0.0,
                }
            ]
        ),
        "order_lines": supplier_history(warehouse or stores[0]),
        "forecast": forecast,
        "accuracy": accuracy,
    }
    fields.update(overrides)
    return RestockInputs(**fields)
