"""Which pages exist, where they live and which role sees them.

Nobody signs in yet, so everyone sees every section. When sign-in arrives, ``pages_for`` gets
the user's role and each role keeps only its own sections; nothing else changes.

The page modules live in ``views/``, not ``pages/``: beside a ``pages/`` folder Streamlit runs a
new server's first session the old multipage way, so a shared link opened first ran its page
without the entry point (no filters: a traceback).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

EXECUTIVE, BUYER, MARKETING, DATA = "ejecutivo", "comprador", "marketing", "datos"
ROLES = (EXECUTIVE, BUYER, MARKETING, DATA)


@dataclass(frozen=True)
class PageSpec:
    script: str
    title: str
    icon: str
    url_path: str
    section: str
    roles: tuple[str, ...]


PAGES = (
    PageSpec(
        "views/resumen.py", "Resumen", ":material/dashboard:", "resumen", "Ejecutivo", (EXECUTIVE,)
    ),
    PageSpec(
        "views/drilldown.py",
        "Drill-down",
        ":material/account_tree:",
        "drilldown",
        "Ejecutivo",
        (EXECUTIVE, BUYER),
    ),
    PageSpec(
        "views/rentabilidad.py",
        "Rentabilidad",
        ":material/paid:",
        "rentabilidad",
        "Ejecutivo",
        (EXECUTIVE,),
    ),
    PageSpec(
        "views/pronostico.py",
        "Pronóstico",
        ":material/trending_up:",
        "pronostico",
        "Ejecutivo",
        (EXECUTIVE, BUYER),
    ),
    PageSpec(
        "views/reposicion.py",
        "Reposición",
        ":material/local_shipping:",
        "reposicion",
        "Compras",
        (BUYER,),
    ),
    PageSpec(
        "views/salud_stock.py",
        "Salud del stock",
        ":material/inventory_2:",
        "salud-del-stock",
        "Compras",
        (BUYER,),
    ),
    PageSpec(
        "views/segmentos.py",
        "Segmentos",
        ":material/groups:",
        "segmentos",
        "Marketing",
        (MARKETING,),
    ),
    PageSpec(
        "views/recomendaciones.py",
        "Recomendaciones",
        ":material/recommend:",
        "recomendaciones",
        "Marketing",
        (MARKETING,),
    ),
    PageSpec(
        "views/audiencias.py",
        "Audiencias",
        ":material/campaign:",
        "audiencias",
        "Marketing",
        (MARKETING,),
    ),
    PageSpec(
        "views/calidad.py", "Calidad de datos", ":material/fact_check:", "calidad", "Datos", (DATA,)
    ),
)


def current_role() -> str | None:
    """The signed-in user's role; None (everything) until the platform has sign-in."""
    return None


def pages_for(role: str | None) -> dict[str, list[st.Page]]:
    """Sections and their pages for ``role`` (None: all), in the order of ``PAGES``."""
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if role is not None and role not in spec.roles:
            continue
        page = st.Page(
            spec.script,
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url_path,
            default=not sections,
        )
        sections.setdefault(spec.section, []).append(page)
    return sections
