"""Planted customer behaviour profiles: segmentation should find these again.

Profile 0 is the anonymous walk-in (most tickets); the others are identified customers.
``preferences`` multiply how likely a department or category is in their baskets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from erp_core.domain.documents import DNI, RUC


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    share: float  # of identified customers
    visits_per_month: float
    payday_boost: float  # visit-rate multiplier on quincena and end of month
    weekend_factor: float  # visit-rate multiplier on Saturday and Sunday
    basket_lines: float  # mean lines per ticket
    payments: dict[str, float]
    preferences: dict[str, float] = field(default_factory=dict)
    bulk: bool = False  # buys whole supplier cases
    doc_type: str = DNI
    # habits (see ``habits``): staples each customer re-buys, the share of basket lines taken
    # from them, and the mean time a customer stays before leaving for good
    staples: float = 0.0  # mean number of staple products per customer
    staple_share: float = 0.0  # share of a basket's lines drawn from the staples
    lifetime_years: float = 0.0  # mean of the exponential lifetime


WALK_IN_PAYMENTS = {"cash": 0.50, "yape": 0.28, "card": 0.15, "plin": 0.07}

PROFILES: tuple[Profile, ...] = (
    Profile("anonimo", "walk-in customer, not identified", 0.0, 0.0, 1.0, 1.0, 2.4,
            WALK_IN_PAYMENTS),
    Profile("familia_quincena", "family shopping big baskets on paydays (15th, end of month)",
            0.33, 3.0, 4.0, 1.2, 6.5, {"cash": 0.40, "yape": 0.30, "card": 0.25, "plin": 0.05},
            {"Abarrotes": 2.2, "Limpieza": 2.2, "Cuidado personal": 1.5, "Pañales": 2.0,
             "Electro": 0.3, "Juguetes": 0.6, "Ropa": 0.6},
            staples=12, staple_share=0.4, lifetime_years=4.0),
    Profile("estudiante", "student: frequent small tickets, school supplies and snacks",
            0.20, 8.0, 1.0, 0.5, 1.8, {"yape": 0.50, "plin": 0.25, "cash": 0.20, "card": 0.05},
            {"Útiles escolares": 6.0, "Snacks y golosinas": 3.0, "Energizantes e isotónicas": 3.0,
             "Abarrotes": 0.3, "Limpieza": 0.1, "Hogar": 0.1, "Electro": 0.5},
            staples=4, staple_share=0.3, lifetime_years=1.5),
    Profile("negocio_bodega", "neighbourhood shop (RUC) restocking whole cases, with facturas",
            0.05, 4.0, 1.0, 0.7, 6.0, {"transfer": 0.45, "cash": 0.35, "yape": 0.15,
                                       "card": 0.05},
            {"Abarrotes": 3.0, "Bebidas": 3.0, "Limpieza": 2.0, "Snacks y golosinas": 2.5,
             "Cuidado personal": 0.8, "Útiles escolares": 0.3, "Hogar": 0.1, "Ropa": 0.02,
             "Electro": 0.02, "Juguetes": 0.02, "Frutas y verduras": 0.2},
            bulk=True, doc_type=RUC, staples=15, staple_share=0.5, lifetime_years=5.0),
    Profile("premium", "high spender on electro, home, clothing and perfume, pays by card",
            0.12, 2.5, 1.2, 1.4, 4.0, {"card": 0.75, "yape": 0.15, "cash": 0.10},
            {"Electro": 5.0, "Hogar": 3.0, "Ropa": 3.0, "Perfumería": 4.0, "Juguetes": 2.0,
             "Cuidado personal": 1.5, "Abarrotes": 0.5, "Limpieza": 0.5},
            staples=6, staple_share=0.15, lifetime_years=3.0),
    Profile("ocasional", "rare visits, identified mostly for large boletas", 0.30, 0.4, 1.0,
            1.3, 3.0, WALK_IN_PAYMENTS, staples=4, staple_share=0.1, lifetime_years=1.5),
)  # fmt: skip

WALK_IN = 0
OCASIONAL = len(PROFILES) - 1
