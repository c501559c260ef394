"""The chain's stores across Peru's regions and its central warehouse in Lurín.

The first stores of the list are spread over regions, so that even a three-store chain has
Lima and provinces. Each store has a size (traffic), a transit time from the warehouse, the
weekdays it is replenished and a climate that shifts what it sells.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class StoreSpec:
    name: str
    department: str
    region: str
    district: str
    size: float
    transit_days: int
    review_weekdays: tuple[int, ...]
    climate: str  # costa, costa_norte, sierra, selva


LIMA = "Lima Metropolitana"
MON_THU, TUE_FRI, WED_SAT, TUE, WED = (0, 3), (1, 4), (2, 5), (1,), (2,)

STORE_SPECS: tuple[StoreSpec, ...] = (
    StoreSpec("San Juan de Lurigancho", "Lima", LIMA, "San Juan de Lurigancho", 1.4, 1, MON_THU,
              "costa"),
    StoreSpec("Arequipa Cayma", "Arequipa", "Sur", "Cayma", 1.1, 2, TUE_FRI, "sierra"),
    StoreSpec("Trujillo Centro", "La Libertad", "Norte", "Trujillo", 1.0, 1, WED_SAT,
              "costa_norte"),
    StoreSpec("Miraflores", "Lima", LIMA, "Miraflores", 1.2, 1, TUE_FRI, "costa"),
    StoreSpec("Chiclayo", "Lambayeque", "Norte", "Chiclayo", 1.0, 2, MON_THU, "costa_norte"),
    StoreSpec("Piura", "Piura", "Norte", "Piura", 0.9, 2, WED_SAT, "costa_norte"),
    StoreSpec("Cusco Wanchaq", "Cusco", "Sur", "Wanchaq", 0.8, 3, TUE, "sierra"),
    StoreSpec("Huancayo", "Junín", "Centro", "Huancayo", 0.8, 2, WED, "sierra"),
    StoreSpec("Iquitos", "Loreto", "Oriente", "Iquitos", 0.7, 5, TUE, "selva"),
    StoreSpec("Los Olivos", "Lima", LIMA, "Los Olivos", 1.3, 1, WED_SAT, "costa"),
    StoreSpec("Ate Vitarte", "Lima", LIMA, "Ate", 1.2, 1, MON_THU, "costa"),
    StoreSpec("Villa El Salvador", "Lima", LIMA, "Villa El Salvador", 1.1, 1, TUE_FRI, "costa"),
    StoreSpec("Callao", "Callao", LIMA, "Callao", 1.0, 1, WED_SAT, "costa"),
    StoreSpec("Santiago de Surco", "Lima", LIMA, "Santiago de Surco", 1.1, 1, MON_THU, "costa"),
    StoreSpec("Comas", "Lima", LIMA, "Comas", 1.0, 1, TUE_FRI, "costa"),
    StoreSpec("Ica", "Ica", "Sur", "Ica", 0.8, 1, WED, "costa"),
    StoreSpec("Chimbote", "Áncash", "Norte", "Chimbote", 0.8, 2, TUE, "costa_norte"),
    StoreSpec("Juliaca", "Puno", "Sur", "Juliaca", 0.7, 3, WED, "sierra"),
    StoreSpec("Tarapoto", "San Martín", "Oriente", "Tarapoto", 0.6, 4, TUE, "selva"),
    StoreSpec("Cajamarca", "Cajamarca", "Norte", "Cajamarca", 0.6, 3, WED, "sierra"),
    StoreSpec("Pucallpa", "Ucayali", "Oriente", "Callería", 0.6, 4, TUE, "selva"),
    StoreSpec("Tacna", "Tacna", "Sur", "Tacna", 0.7, 3, WED, "costa"),
    StoreSpec("San Miguel", "Lima", LIMA, "San Miguel", 1.1, 1, WED_SAT, "costa"),
    StoreSpec("Chorrillos", "Lima", LIMA, "Chorrillos", 1.0, 1, MON_THU, "costa"),
    StoreSpec("La Molina", "Lima", LIMA, "La Molina", 0.9, 1, TUE_FRI, "costa"),
    StoreSpec("Independencia", "Lima", LIMA, "Independencia", 1.1, 1, WED_SAT, "costa"),
    StoreSpec("Huánuco", "Huánuco", "Centro", "Huánuco", 0.6, 3, WED, "sierra"),
    StoreSpec("Ayacucho", "Ayacucho", "Centro", "Huamanga", 0.6, 3, TUE, "sierra"),
    StoreSpec("Tumbes", "Tumbes", "Norte", "Tumbes", 0.5, 3, WED, "costa_norte"),
    StoreSpec("Sullana", "Piura", "Norte", "Sullana", 0.6, 2, TUE, "costa_norte"),
)  # fmt: skip

WAREHOUSE = StoreSpec("Centro de Distribución Lurín", "Lima", LIMA, "Lurín", 0.0, 0, (), "costa")

# Multipliers of what a climate buys, by category (planted truth, with the calendar's).
CLIMATE_EFFECTS: dict[str, dict[str, float]] = {
    "costa": {},
    "costa_norte": {"Ventiladores": 1.8, "Aguas": 1.2, "Gaseosas": 1.1, "Ropa de invierno": 0.5},
    "sierra": {"Ropa de invierno": 1.8, "Textil hogar": 1.4, "Ventiladores": 0.2, "Aguas": 0.8},
    "selva": {"Gaseosas": 1.3, "Aguas": 1.4, "Cervezas": 1.3, "Ventiladores": 2.5,
              "Ropa de invierno": 0.1, "Textil hogar": 0.6},
}  # fmt: skip


def chain_stores(count: int) -> list[StoreSpec]:
    """The first ``count`` selling stores, repeating the list with a number if it runs out."""
    n = len(STORE_SPECS)
    return [
        STORE_SPECS[i]
        if i < n
        else replace(STORE_SPECS[i % n], name=f"{STORE_SPECS[i % n].name} {i // n + 1}")
        for i in range(count)
    ]
