"""Rows of the master tables: stores, suppliers, the product hierarchy, products, customers,
consent events and promotions.

Customers' personal data goes through the PII vault (encrypted fields, blind index, keyed
pseudonym), exactly as ``services.customers.register_customer`` stores it.
"""

from __future__ import annotations

import datetime as dt

from erp_core.demo.chain import Chain
from erp_core.demo.clock import stamp
from erp_core.demo.pricing import Pricing, cents_to_decimal
from erp_core.demo.replenishment import BUY_BEFORE_LAUNCH_DAYS
from erp_core.demo.tables import Tables
from erp_core.domain.documents import RUC
from erp_core.pii import PiiVault

CATALOGUE_LOADED_DAYS_BEFORE = 400


def write_master_data(chain: Chain, tables: Tables, vault: PiiVault, pricing: Pricing) -> list[str]:
    """Add every master row to ``tables``; return the customers' pseudonyms, in index order."""
    _stores(chain, tables)
    cat = chain.catalog
    for k, s in enumerate(cat.suppliers, 1):
        tables.add("suppliers", (k, s.ruc, s.name, s.lead_time_days, s.min_order_pen))
    for d, name in enumerate(cat.departments, 1):
        tables.add("product_departments", (d, name))
    for c, (dept, name) in enumerate(cat.categories, 1):
        tables.add("product_categories", (c, dept + 1, name))
    for s, (category, name) in enumerate(cat.subcategories, 1):
        tables.add("product_subcategories", (s, category + 1, name))
    _products(chain, tables, pricing)
    pseudonyms = _customers(chain, tables, vault)
    # The history's promotions, then those already planned after its last day.
    for i, promo in enumerate([*chain.promotions, *chain.planned_promotions], 1):
        first = chain.start + dt.timedelta(days=promo.first_day)
        last = chain.start + dt.timedelta(days=promo.last_day)
        where = "todas las tiendas" if promo.store is None else chain.stores[promo.store].name
        tables.add(
            "promotions",
            (
                i,
                f"{promo.discount_pct}% dscto. {cat.name[promo.product]} ({where})",
                promo.product + 1,
                None if promo.store is None else promo.store + 1,
                promo.discount_pct,
                first,
                last,
            ),
        )
    return pseudonyms


def _stores(chain: Chain, tables: Tables) -> None:
    for i, spec in enumerate(chain.locations):
        opened = chain.start - dt.timedelta(days=365 * (2 + 3 * i % 10) + 17 * i)
        code = f"{i + 1:04d}"
        tables.add(
            "stores",
            (
                i + 1,
                code,
                spec.name,
                spec.department,
                spec.region,
                spec.district,
                i == chain.warehouse,
                opened,
            ),
        )


def _products(chain: Chain, tables: Tables, pricing: Pricing) -> None:
    cat = chain.catalog
    final_prices = pricing.cents[int(chain.month_of_day[chain.days - 1])]
    loaded = chain.start - dt.timedelta(days=CATALOGUE_LOADED_DAYS_BEFORE)
    for p in range(cat.size):
        # Created when buyers may first order it, ahead of its launch by the supplier's lead.
        lead = cat.suppliers[int(cat.supplier[p])].lead_time_days
        first_order = int(cat.launch_day[p]) - lead - BUY_BEFORE_LAUNCH_DAYS
        created = chain.start + dt.timedelta(days=first_order) if first_order > 0 else loaded
        # Launched within the history: listed from its launch; else since it was loaded.
        listed = loaded
        if cat.launch_day[p] > 0:
            listed = chain.start + dt.timedelta(days=int(cat.launch_day[p]))
        delisted = None
        if cat.delist_day[p] < chain.days:  # replenishment stopped: no longer listed
            delisted = chain.start + dt.timedelta(days=int(cat.delist_day[p]))
        tables.add(
            "products",
            (
                p + 1,
                cat.sku[p],
                cat.name[p],
                cat.brand[p],
                int(cat.sub[p]) + 1,
                int(cat.supplier[p]) + 1,
                "NIU",
                cents_to_decimal(final_prices[p]),
                cat.igv[p],
                int(cat.pack[p]),
                bool(cat.delist_day[p] >= chain.days),
                stamp(created.isoformat(), 8 * 3600),
                listed,
                delisted,
                int(cat.pack[p]),  # the buyers order whole packs: one is the least a line asks
            ),
        )


def _customers(chain: Chain, tables: Tables, vault: PiiVault) -> list[str]:
    c = chain.customers
    pseudonyms = []
    for i in range(c.size):
        doc_type, number = c.doc_type[i], c.doc_number[i]
        joined = stamp(_day(chain, int(c.join_day[i])), int(c.join_second[i]))
        revoked = None
        if c.revoke_day[i] >= 0:
            revoked = stamp(_day(chain, int(c.revoke_day[i])), int(c.join_second[i]))
        pseudonym = vault.pseudonym(doc_type, number)
        pseudonyms.append(pseudonym)
        consent = bool(c.consent[i])
        tables.add(
            "customers",
            (
                i + 1,
                doc_type,
                vault.encrypt(number),
                vault.blind_index(doc_type, number),
                pseudonym,
                vault.encrypt(c.name[i]),
                vault.encrypt_optional(c.email[i]),
                vault.encrypt_optional(c.phone[i]),
                doc_type == RUC,
                consent and revoked is None,
                joined if consent else None,
                revoked,
                joined,
                revoked or joined,
            ),
        )
        if consent:
            _consent_event(tables, i, True, joined)
        if revoked:
            _consent_event(tables, i, False, revoked)
    return pseudonyms


def _consent_event(tables: Tables, customer: int, granted: bool, at: str) -> None:
    event_id = tables.new_id("customer_consent_events")
    tables.add("customer_consent_events", (event_id, customer + 1, "marketing", granted, at, "pos"))


def _day(chain: Chain, day: int) -> str:
    return (chain.start + dt.timedelta(days=day)).isoformat()
