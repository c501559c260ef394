"""Draw the chain's catalogue: the product hierarchy, suppliers and SKUs with prices and costs.

Arrays are indexed by product position; the database id of product ``i`` is ``i + 1`` (and the
same for suppliers, departments, categories and subcategories).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from erp_core.demo.catalog_data import DEPARTMENTS, Sub
from erp_core.domain.documents import make_ruc

VARIANTS = ("", "Premium", "Económico", "Pack ahorro", "Edición especial", "Nueva fórmula")
VARIANT_PRICE = (1.0, 1.25, 0.85, 1.6, 1.15, 1.05)
SUPPLIER_FORMS = (
    "Distribuidora",
    "Corporación",
    "Comercializadora",
    "Importaciones",
    "Industrias",
    "Grupo",
)
SUPPLIER_STEMS = (
    "Andina",
    "del Pacífico",
    "Inca",
    "Los Andes",
    "Rímac",
    "Misti",
    "Chavín",
    "Sipán",
    "Amazonas",
    "Huascarán",
    "Titicaca",
    "Mochica",
    "Paracas",
    "Nazca",
    "Kuélap",
    "Chan Chan",
    "Vilcanota",
    "Marañón",
    "Apurímac",
    "Mantaro",
    "Caral",
    "Wari",
    "Paititi",
    "Qhapaq Ñan",
    "Sol de Oro",
)
SUPPLIER_SUFFIXES = ("S.A.C.", "S.A.", "E.I.R.L.", "S.R.L.")
LEAD_TIMES = {
    "Electro": (20, 35),
    "Juguetes": (15, 30),
    "Ropa": (10, 20),
    "Útiles escolares": (7, 14),
    "Hogar": (7, 15),
}
DEFAULT_LEAD = (2, 7)
SLOW_MOVER_SHARE = 0.25
NEW_PRODUCT_SHARE = 0.04
DELISTED_SHARE = 0.03
# (subcategory of the first product, subcategory of its complement): planted basket pairs.
COMPLEMENT_SUBS = (
    ("Arroz", "Aceites"),
    ("Fideos", "Harinas y salsas"),
    ("Leche", "Café y cocoa"),
    ("Panetones", "Café y cocoa"),
    ("Gaseosas", "Papas y chifles"),
    ("Cervezas", "Papas y chifles"),
    ("Shampoo y acondicionador", "Shampoo y acondicionador"),
    ("Cuadernos", "Lapiceros y colores"),
    ("Pañales y toallitas", "Pañales y toallitas"),
    ("Detergentes", "Detergentes"),
    ("Galletas", "Leche"),
    ("Avena y cereales", "Leche"),
    ("Celulares", "Celulares"),
    ("Mochilas", "Lapiceros y colores"),
    ("Lavavajillas", "Lavavajillas"),
    ("Menestras", "Arroz"),
    ("Polos", "Ropa interior"),
    ("Higiene bucal", "Higiene bucal"),
)


@dataclass(frozen=True)
class Supplier:
    ruc: str
    name: str
    lead_time_days: int
    min_order_pen: int
    review_weekday: int


@dataclass(frozen=True)
class ComplementPair:
    first: int  # product index
    second: int
    attach_probability: float


@dataclass
class Catalog:
    departments: list[str]
    categories: list[tuple[int, str]]  # (department index, name)
    subcategories: list[tuple[int, str]]  # (category index, name)
    suppliers: list[Supplier]
    sku: list[str]
    name: list[str]
    brand: list[str]
    igv: list[str]
    sub: np.ndarray
    category: np.ndarray
    department: np.ndarray
    supplier: np.ndarray
    price_cents: np.ndarray  # shelf price with IGV at the start of the history
    base_cost: np.ndarray  # unit cost net of IGV at the start (before drift)
    pack: np.ndarray
    popularity: np.ndarray
    growth: np.ndarray  # yearly demand trend, log scale
    launch_day: np.ndarray  # first day it is listed (0 = before the history)
    delist_day: np.ndarray  # day replenishment stops (a large number = never)
    pairs: list[ComplementPair]

    @property
    def size(self) -> int:
        return len(self.sku)

    @property
    def category_names(self) -> list[str]:
        return [name for _, name in self.categories]


def build_catalog(
    rng: np.random.Generator, skus: int, suppliers: int, days: int, pairs: int
) -> Catalog:
    """Departments → categories → subcategories from the static data, then ``skus`` products."""
    departments, categories, subs = [], [], []  # subs: (cat index, Sub, dept index)
    for d, dept in enumerate(DEPARTMENTS):
        departments.append(dept.name)
        for cat_name, cat_subs in dept.categories.items():
            categories.append((d, cat_name))
            subs.extend((len(categories) - 1, sub, d) for sub in cat_subs)
    supplier_list, brand_supplier = _suppliers(rng, suppliers)
    weights = np.array([np.sqrt(len(s.items) * len(s.brands) * len(s.sizes)) for _, s, _ in subs])
    counts = _allocate(skus, weights)
    rows = []
    for sub_index, ((cat, sub, dept), n) in enumerate(zip(subs, counts, strict=True)):
        rows.extend(_products(rng, sub_index, cat, dept, sub, n))
    n = len(rows)
    dept_of = np.array([r["dept"] for r in rows])
    margin = np.array([DEPARTMENTS[d].margin for d in dept_of]) * rng.uniform(0.8, 1.2, n)
    price = np.array([r["price"] for r in rows])
    vat = np.where(np.array([r["igv"] for r in rows]) == "10", 1.18, 1.0)
    popularity = np.array([r["popularity"] for r in rows]) * rng.lognormal(0.0, 0.9, n)
    popularity[rng.random(n) < SLOW_MOVER_SHARE] *= 0.08
    launch = np.where(
        rng.random(n) < NEW_PRODUCT_SHARE, rng.integers(days // 5, days * 4 // 5 + 1, n), 0
    )
    slow = popularity < np.median(popularity)  # chains delist what sells least
    delist = np.where(
        (rng.random(n) < 2 * DELISTED_SHARE) & slow & (launch == 0),
        rng.integers(days // 4, days, n),
        10**6,
    )
    catalog = Catalog(
        departments=departments,
        categories=categories,
        subcategories=[(cat, sub.name) for cat, sub, _ in subs],
        suppliers=supplier_list,
        sku=[f"{DEPARTMENTS[r['dept']].code}{i + 1:05d}" for i, r in enumerate(rows)],
        name=[r["name"] for r in rows],
        brand=[r["brand"] for r in rows],
        igv=[r["igv"] for r in rows],
        sub=np.array([r["sub"] for r in rows]),
        category=np.array([r["cat"] for r in rows]),
        department=dept_of,
        supplier=np.array([brand_supplier[(r["dept"], r["brand"])] for r in rows]),
        price_cents=price,
        base_cost=price / 100 / vat / (1 + margin),
        pack=np.array([r["pack"] for r in rows]),
        popularity=popularity,
        growth=rng.normal(0.0, 0.15, n),
        launch_day=launch,
        delist_day=delist,
        pairs=[],
    )
    catalog.pairs = _complement_pairs(rng, catalog, [s for _, s, _ in subs], pairs)
    return catalog


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` proportionally to ``weights`` (largest remainder), at least one each."""
    raw = weights / weights.sum() * max(total - len(weights), 0)
    counts = np.floor(raw).astype(int) + 1
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _products(rng, sub_index: int, cat: int, dept: int, sub: Sub, n: int) -> list[dict]:
    combos = [
        (v, i, b, s)
        for v in range(len(VARIANTS))
        for i in range(len(sub.items))
        for b in range(len(sub.brands))
        for s in range(len(sub.sizes))
    ]
    per_variant = len(combos) // len(VARIANTS)
    chosen = []
    for level in range(len(VARIANTS)):
        block = combos[level * per_variant : (level + 1) * per_variant]
        chosen.extend(block[k] for k in rng.permutation(len(block)))
    lo, hi = sub.price
    rows = []
    for v, i, b, s in chosen[:n]:
        position = (s + rng.random()) / len(sub.sizes)
        price = (lo + (hi - lo) * position * rng.uniform(0.6, 1.0)) * VARIANT_PRICE[v]
        brand = sub.brands[b]
        parts = [sub.items[i], "" if brand == "Granel" else brand, sub.sizes[s], VARIANTS[v]]
        rows.append(
            {
                "sub": sub_index,
                "cat": cat,
                "dept": dept,
                "brand": brand,
                "igv": sub.igv,
                "name": " ".join(p for p in parts if p),
                "price": shelf_price_cents(price),
                "pack": sub.pack,
                "popularity": sub.popularity * (1.6 - position),
            }
        )
    return rows


def shelf_price_cents(price: float) -> int:
    """Prices as shelves show them: S/ x.90 from ten soles up, ten-cent steps below."""
    if price >= 10:
        return int(np.floor(price)) * 100 + 90
    return max(round(float(price) * 10) * 10, 50)


def _suppliers(rng, count: int) -> tuple[list[Supplier], dict[tuple[int, str], int]]:
    """Suppliers per department (at least one each), every brand sourced from one of them."""
    weights = np.array([sum(len(s) for s in d.categories.values()) for d in DEPARTMENTS], float)
    per_dept = _allocate(max(count, len(DEPARTMENTS)), weights)
    suppliers, brand_supplier = [], {}
    for d, dept in enumerate(DEPARTMENTS):
        first = len(suppliers)
        lo, hi = LEAD_TIMES.get(dept.name, DEFAULT_LEAD)
        for _ in range(per_dept[d]):
            k = len(suppliers)
            name = (
                f"{SUPPLIER_FORMS[k % len(SUPPLIER_FORMS)]} "
                f"{SUPPLIER_STEMS[k % len(SUPPLIER_STEMS)]} "
                f"{SUPPLIER_SUFFIXES[k % len(SUPPLIER_SUFFIXES)]}"
            )
            suppliers.append(
                Supplier(
                    ruc=make_ruc("20", 10_000_000 + k * 7_919_113 % 89_999_999),
                    name=name if k < 150 else f"{name} {k}",
                    lead_time_days=int(rng.integers(lo, hi + 1)),
                    min_order_pen=int(rng.choice([300, 500, 800, 1200, 2000, 3000])),
                    review_weekday=int(rng.integers(0, 6)),
                )
            )
        brands = sorted({b for subs in dept.categories.values() for s in subs for b in s.brands})
        for brand in brands:
            brand_supplier[(d, brand)] = first + int(rng.integers(0, per_dept[d]))
    return suppliers, brand_supplier


def _complement_pairs(rng, catalog: Catalog, subs: list[Sub], count: int) -> list[ComplementPair]:
    """Planted pairs: a popular product and a complement, the same brand when there is one."""
    sub_names = [s.name for s in subs]
    pairs, used = [], set()
    for round_ in range(3 * count):
        if len(pairs) == count:
            break
        first_sub, second_sub = COMPLEMENT_SUBS[round_ % len(COMPLEMENT_SUBS)]
        a_pool = np.flatnonzero(catalog.sub == sub_names.index(first_sub))
        a_pool = a_pool[np.argsort(-catalog.popularity[a_pool], kind="stable")]
        a_pool = [int(a) for a in a_pool if a not in used and catalog.launch_day[a] == 0]
        b_pool = [
            int(b)
            for b in np.flatnonzero(catalog.sub == sub_names.index(second_sub))
            if b not in used and catalog.launch_day[b] == 0
        ]
        if not a_pool:
            continue
        a = a_pool[0]
        item = catalog.name[a].split()[0]
        other_items = [b for b in b_pool if b != a and catalog.name[b].split()[0] != item]
        same_brand = [b for b in other_items if catalog.brand[b] == catalog.brand[a]]
        candidates = same_brand or other_items
        if not candidates:
            continue
        b = candidates[int(rng.integers(0, len(candidates)))]
        used.update((a, b))
        pairs.append(ComplementPair(a, b, round(float(rng.uniform(0.35, 0.6)), 2)))
    return pairs
