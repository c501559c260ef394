"""A two-supplier, two-category, two-store plan for the delivery tests."""

from __future__ import annotations

import pandas as pd

from ml.inventory.plan import RestockPlan, plan_restock
from tests.ml.inventory.chain import AS_OF, chain_inputs, daily_forecast

DRINK, DRINK_SUPPLIER = 202, 8


def two_supplier_inputs():
    """Rice (Abarrotes, Molinos SAC) and water (Bebidas, Aguas del Sur, minimum S/ 5,000)."""
    base = chain_inputs({1: 5.0, 2: 5.0})
    forecast, accuracy = daily_forecast([1, 2], p50=4.0, rmse=1.0, product=DRINK)
    products = pd.concat(
        [
            base.products,
            pd.DataFrame(
                [
                    {
                        "product_id": DRINK,
                        "sku": "SKU202",
                        "product_name": "Agua 625 ml",
                        "category_name": "Bebidas",
                        "abc_class": "B",
                        "supplier_id": DRINK_SUPPLIER,
                        "pack_size": 15,
                        "min_order_qty": 30.0,
                        "unit_margin_pen": 0.8,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    suppliers = pd.concat(
        [
            base.suppliers,
            pd.DataFrame(
                [
                    {
                        "supplier_id": DRINK_SUPPLIER,
                        "supplier_name": "Aguas del Sur EIRL",
                        "lead_time_days": 3,
                        "min_order_pen": 5000.0,
                    }
                ]
            ),
        ],
        ignore_index=True,
    ).assign(supplier_ruc=["20100000001", "20600000002"])
    stock = pd.concat(
        [
            base.stock,
            pd.DataFrame(
                {"product_id": DRINK, "store_id": [1, 2], "on_hand_qty": [2.0, 0.0]}
            ).assign(unit_cost_pen=1.2),
        ],
        ignore_index=True,
    )
    return chain_inputs(
        {1: 5.0, 2: 5.0},
        products=products,
        suppliers=suppliers,
        stock=stock,
        forecast=pd.concat([base.forecast, forecast], ignore_index=True),
        accuracy=pd.concat([base.accuracy, accuracy], ignore_index=True),
    )


def two_supplier_plan() -> tuple[RestockPlan, pd.DataFrame]:
    inputs = two_supplier_inputs()
    return plan_restock(inputs), inputs.suppliers


__all__ = ["AS_OF", "two_supplier_plan"]
