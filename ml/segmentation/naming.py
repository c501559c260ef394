"""Spanish names and one-line profiles for segments, read from their centroids.

A centroid's coordinates are in robust spreads from the median customer (0 = typical), so
"high frequency" means the same whatever the chain. Every candidate name scores each segment
from those coordinates; names are then given one per segment maximising the total score
(Hungarian), so two segments never share a name. Category names come from the data
("Afines a Electro").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

# name -> weights on centroid coordinates (missing columns count as 0)
NAME_RULES: dict[str, dict[str, float]] = {
    "Campeones": {"frequency": 1.0, "monetary_pen": 1.0, "recency_days": -1.0},
    "Leales": {"frequency": 1.0, "tenure_days": 0.5, "recency_days": -0.7, "monetary_pen": 0.2},
    "Nuevos": {"tenure_days": -1.5, "frequency": -0.5, "recency_days": -0.5},
    "En riesgo": {"recency_days": 1.0, "monetary_pen": 0.7, "frequency": 0.5},
    "Hibernando": {"recency_days": 1.0, "frequency": -0.7, "monetary_pen": -0.7},
    "Cazadores de ofertas": {"promo_share": 2.0},
    "Compradores de quincena": {"payday_share": 2.0, "lines_per_ticket": 0.5},
    "Negocios y revendedores": {"units_per_line": 2.0, "avg_ticket_pen": 0.5},
    "Ticket alto": {"avg_ticket_pen": 1.5, "frequency": -0.3},
    "Frecuentes de ticket chico": {"frequency": 1.0, "avg_ticket_pen": -1.0},
    "Ocasionales": {"frequency": -1.0, "monetary_pen": -0.5, "interpurchase_days": 0.5},
}
CATEGORY_WEIGHT = 1.2

# What marketing could do with each segment (a starting point, shown beside its profile).
CAMPAIGNS = {
    "Campeones": "Trato VIP y acceso anticipado a novedades; no necesitan descuento.",
    "Leales": "Beneficios por fidelidad y complementos de lo que ya compran.",
    "Nuevos": "Bienvenida con un incentivo para la segunda compra.",
    "En riesgo": "Reactivación personalizada antes de que se vayan: valen la llamada.",
    "Hibernando": "Una oferta de regreso de bajo costo; no insistir si no responden.",
    "Cazadores de ofertas": "Aviso de las promociones de la semana.",
    "Compradores de quincena": "Ofertas de canasta familiar en quincena y fin de mes.",
    "Negocios y revendedores": "Precios por volumen y cajas cerradas, atención con factura.",
    "Ticket alto": "Lanzamientos y productos de mayor valor, cuotas con tarjeta.",
    "Frecuentes de ticket chico": "Combos y paquetes que suban el ticket.",
    "Ocasionales": "Recordatorios en las fechas clave (Día de la Madre, Fiestas, Navidad).",
}


def suggested_campaign(name: str) -> str:
    if name.startswith("Afines a "):
        return f"Novedades y complementos de {name.removeprefix('Afines a ')}."
    return CAMPAIGNS.get(name, "Revisar el perfil antes de elegir una campaña.")


# How a feature reads in a profile: label and format of its value.
DESCRIPTIONS = {
    "recency_days": ("última compra hace {:.0f} días", 1),
    "frequency": ("número de compras: {:.0f}", 1),
    "monetary_pen": ("gasto total S/ {:,.2f}", 1),
    "avg_ticket_pen": ("ticket medio S/ {:,.2f}", 1),
    "tenure_days": ("cliente desde hace {:.0f} días", 1),
    "interpurchase_days": ("compra cada {:.0f} días", 1),
    "units_per_line": ("{:.1f} unidades por línea", 1),
    "lines_per_ticket": ("{:.1f} líneas por ticket", 1),
    "promo_share": ("{:.0f} % en promoción", 100),
    "payday_share": ("{:.0f} % de sus compras en quincena o fin de mes", 100),
    "weekend_share": ("{:.0f} % en fin de semana", 100),
}


def name_scores(centroids: pd.DataFrame) -> pd.DataFrame:
    """Score of each candidate name (columns) for each segment (rows)."""
    scores = {}
    for name, weights in NAME_RULES.items():
        score = pd.Series(0.0, index=centroids.index)
        for column, weight in weights.items():
            if column in centroids.columns:
                score += weight * centroids[column]
        scores[name] = score
    for column in centroids.columns:
        if column.startswith("category_") and column != "category_otros":
            label = column.removeprefix("category_").replace("_", " ").capitalize()
            scores[f"Afines a {label}"] = CATEGORY_WEIGHT * centroids[column]
    return pd.DataFrame(scores, index=centroids.index)


def assign_names(centroids: pd.DataFrame, taken: dict[int, str] | None = None) -> dict[int, str]:
    """One distinct name per segment (index of ``centroids``); ``taken`` names stay as given."""
    taken = dict(taken or {})
    free = [s for s in centroids.index if s not in taken]
    names = dict(taken)
    if not free:
        return names
    scores = name_scores(centroids.loc[free])
    scores = scores.drop(columns=[c for c in scores.columns if c in taken.values()])
    rows, cols = linear_sum_assignment(-scores.to_numpy())
    for r, c in zip(rows, cols, strict=True):
        names[free[r]] = scores.columns[c]
    for n, segment in enumerate(s for s in free if s not in names):
        names[segment] = f"Segmento {segment} ({n + 1})"
    return names


def profile_text(centroid_z: pd.Series, medians: pd.Series, top: int = 3) -> str:
    """The segment's most distinctive traits, in the members' median values."""
    readable = [c for c in centroid_z.index if c in DESCRIPTIONS or c.startswith("category_")]
    distinctive = centroid_z[readable].abs().sort_values(ascending=False).index[:top]
    parts = []
    for column in distinctive:
        value = medians.get(column, np.nan)
        if column.startswith("category_"):
            label = column.removeprefix("category_").replace("_", " ").capitalize()
            parts.append(f"{100 * value:.0f} % de su gasto en {label}")
        else:
            template, factor = DESCRIPTIONS[column]
            parts.append(template.format(value * factor))
    return "; ".join(parts)
