"""Identified customers: documents, names and contact data, profile, home store, join date.

Documents are well formed (8-digit DNIs, 9-digit carnés de extranjería, RUCs with their check
digit) and unique. Plain values stay in memory: ``masterdata`` encrypts them on the way out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from erp_core.demo.profiles import PROFILES
from erp_core.domain.documents import CARNE_EXTRANJERIA, DNI, RUC, make_ruc

FEMALE = (
    "María",
    "Rosa",
    "Carmen",
    "Ana",
    "Luz",
    "Juana",
    "Elizabeth",
    "Milagros",
    "Lucía",
    "Sofía",
    "Valeria",
    "Camila",
    "Ximena",
    "Fiorella",
    "Katherine",
    "Jessica",
    "Yesenia",
    "Gladys",
    "Norma",
    "Patricia",
    "Flor",
    "Karina",
    "Diana",
    "Mariela",
)
MALE = (
    "José",
    "Luis",
    "Juan",
    "Carlos",
    "Jorge",
    "Miguel",
    "César",
    "Víctor",
    "Pedro",
    "Manuel",
    "Jhon",
    "Diego",
    "Renzo",
    "Piero",
    "Alonso",
    "Sebastián",
    "Mateo",
    "Christian",
    "Wilmer",
    "Edwin",
    "Raúl",
    "Julio",
    "Percy",
    "Walter",
)
SURNAMES = (
    "Quispe",
    "Flores",
    "Sánchez",
    "Rodríguez",
    "García",
    "Rojas",
    "Huamán",
    "Mamani",
    "Díaz",
    "Chávez",
    "Torres",
    "Ramírez",
    "Vásquez",
    "Mendoza",
    "Castillo",
    "Espinoza",
    "López",
    "Gonzales",
    "Pérez",
    "Ramos",
    "Vargas",
    "Gutiérrez",
    "Cruz",
    "Fernández",
    "Condori",
    "Salazar",
    "Castro",
    "Herrera",
    "Paredes",
    "Romero",
    "Silva",
    "Ruiz",
    "Medina",
    "Aguilar",
    "Córdova",
    "Ríos",
    "Reyes",
    "Cáceres",
    "Alvarado",
    "Ccahuana",
    "Tello",
    "Palomino",
    "Huanca",
    "Inga",
    "Zapata",
    "Arias",
)
BUSINESS_FORMS = ("Bodega", "Minimarket", "Comercial", "Distribuidora", "Market")
BUSINESS_SUFFIXES = ("E.I.R.L.", "S.A.C.", "S.R.L.")
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.es")
FOREIGN_SHARE = 0.03  # carné de extranjería (many Venezuelan residents)
PERSON_RUC_SHARE = 0.6  # bodegas of a person (RUC 10 = 10 + DNI + check digit)
EMAIL_SHARE, PHONE_SHARE, CONSENT_SHARE, REVOKE_SHARE = 0.7, 0.8, 0.55, 0.05
HISTORY_BEFORE_START = 365  # some customers joined before the simulated history


@dataclass
class Customers:
    doc_type: list[str]
    doc_number: list[str]
    name: list[str]
    email: list[str | None]
    phone: list[str | None]
    profile: np.ndarray
    home_store: np.ndarray
    join_day: np.ndarray  # relative to the first day of history (negative = before it)
    join_second: np.ndarray  # time of day they registered, seconds after midnight in Lima
    consent: np.ndarray  # gave marketing consent when registering
    revoke_day: np.ndarray  # day consent was revoked, or -10**6 if never

    @property
    def size(self) -> int:
        return len(self.doc_number)


def draw_customers(rng, count: int, store_sizes: np.ndarray, days: int) -> Customers:
    shares = np.array([p.share for p in PROFILES])
    profile = rng.choice(len(PROFILES), size=count, p=shares / shares.sum())
    dnis = 10_000_000 + rng.choice(80_000_000, size=count, replace=False)
    female = rng.random(count) < 0.5
    doc_type, doc_number, names, emails, phones = [], [], [], [], []
    for i in range(count):
        first = (FEMALE if female[i] else MALE)[rng.integers(len(FEMALE))]
        s1, s2 = (SURNAMES[k] for k in rng.integers(len(SURNAMES), size=2))
        person = f"{first} {s1} {s2}"
        if PROFILES[profile[i]].doc_type == RUC:
            kind, number, name = RUC, *_business(rng, int(dnis[i]), person, s1)
        elif rng.random() < FOREIGN_SHARE:
            kind, number, name = CARNE_EXTRANJERIA, f"{int(dnis[i]) % 10**9:09d}", person
        else:
            kind, number, name = DNI, f"{int(dnis[i]):08d}", person
        doc_type.append(kind)
        doc_number.append(number)
        names.append(name)
        handle = _ascii(f"{first}.{s1}").lower()
        email = f"{handle}{rng.integers(1, 999)}@{EMAIL_DOMAINS[rng.integers(4)]}"
        emails.append(email if rng.random() < EMAIL_SHARE else None)
        phones.append(f"9{rng.integers(10**7, 10**8)}" if rng.random() < PHONE_SHARE else None)
    join_day = rng.integers(-HISTORY_BEFORE_START, max(days * 4 // 5, 1), size=count)
    consent = rng.random(count) < CONSENT_SHARE
    revoke = consent & (rng.random(count) < REVOKE_SHARE)
    revoke_day = np.where(
        revoke, np.maximum(join_day, 0) + rng.integers(1, max(days, 2), size=count), -(10**6)
    )
    revoke_day = np.where(revoke_day >= days, -(10**6), revoke_day)
    return Customers(
        doc_type=doc_type,
        doc_number=doc_number,
        name=names,
        email=emails,
        phone=phones,
        profile=profile,
        home_store=rng.choice(len(store_sizes), size=count, p=store_sizes / store_sizes.sum()),
        join_day=join_day,
        join_second=rng.integers(10 * 3600, 20 * 3600, size=count),
        consent=consent,
        revoke_day=revoke_day,
    )


def _business(rng, dni: int, person: str, surname: str) -> tuple[str, str]:
    if rng.random() < PERSON_RUC_SHARE:
        return make_ruc("10", dni), person
    form = BUSINESS_FORMS[rng.integers(len(BUSINESS_FORMS))]
    suffix = BUSINESS_SUFFIXES[rng.integers(len(BUSINESS_SUFFIXES))]
    return make_ruc("20", dni), f"{form} {surname} {suffix}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
