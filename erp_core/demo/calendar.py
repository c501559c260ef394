"""The Peruvian retail calendar the demo demand follows, as day-by-day factors.

Two kinds of effect: traffic (how many tickets a store sees: weekday, paydays, gratificaciones,
public holidays) and seasonality per category (what those tickets buy: summer, campaña escolar,
Semana Santa, Día de la Madre, Fiestas Patrias, Cyber Wow, Navidad ...). Both are planted truth:
analytics should find them again in the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
import numpy as np

from erp_core.retail_calendar import EVENT_WINDOWS, Windows

WEEKDAY_FACTOR = (0.88, 0.86, 0.90, 0.95, 1.08, 1.25, 1.08)  # Monday .. Sunday
PAYDAY_FACTOR = 1.18  # quincena (15-16) and end of month (last day, 1-2)
HOLIDAY_FACTOR = 1.10
CLOSED_ISH = {(1, 1): 0.45, (12, 25): 0.60}  # Año Nuevo, Navidad: short opening hours
YEARLY_GROWTH = 0.06


@dataclass(frozen=True)
class Event:
    name: str
    windows: Windows
    categories: dict[str, float]
    traffic: float = 1.0


EVENTS: tuple[Event, ...] = (
    Event("verano", EVENT_WINDOWS["verano"], {
        "Gaseosas": 1.4, "Aguas": 1.6, "Cervezas": 1.3, "Energizantes e isotónicas": 1.4,
        "Cuidado de la piel": 1.6, "Playa y verano": 12.0, "Ventiladores": 6.0,
        "Ropa de invierno": 0.3, "Textil hogar": 0.7}),
    Event("campana_escolar", EVENT_WINDOWS["campana_escolar"], {
        "Cuadernos": 6.0, "Escritura": 5.0, "Mochilas y loncheras": 6.0, "Libros": 7.0,
        "Arte y manualidades": 4.0, "Uniformes escolares": 8.0, "Calzado": 1.8}),
    Event("semana_santa", EVENT_WINDOWS["semana_santa"], {
        "Conservas": 2.5, "Arroz y menestras": 1.3}),
    Event("dia_de_la_madre", EVENT_WINDOWS["dia_de_la_madre"], {
        "Perfumería": 3.5, "Pequeños electrodomésticos": 3.0, "Menaje de cocina": 2.5,
        "Textil hogar": 1.8, "Celulares y accesorios": 1.6, "Polos y camisas": 1.5}),
    Event("dia_del_padre", EVENT_WINDOWS["dia_del_padre"], {
        "Perfumería": 2.0, "Televisores": 2.0, "Cervezas": 1.5, "Polos y camisas": 1.6,
        "Calzado": 1.4}),
    Event("invierno", EVENT_WINDOWS["invierno"], {
        "Ropa de invierno": 3.0, "Textil hogar": 1.7, "Ventiladores": 0.2, "Aguas": 0.8}),
    Event("fiestas_patrias", EVENT_WINDOWS["fiestas_patrias"], {
        "Cervezas": 2.0, "Gaseosas": 1.4, "Televisores": 1.8, "Polos y camisas": 1.3},
        traffic=1.20),  # July gratificación, paid by the 15th
    Event("cyber_wow", EVENT_WINDOWS["cyber_wow"], {
        "Televisores": 2.5, "Celulares y accesorios": 2.5, "Pequeños electrodomésticos": 1.8,
        "Calzado": 1.5}),
    Event("black_friday", EVENT_WINDOWS["black_friday"], {
        "Televisores": 3.0, "Celulares y accesorios": 2.5, "Pequeños electrodomésticos": 2.0,
        "Polos y camisas": 1.5, "Calzado": 1.5}),
    Event("navidad_previa", EVENT_WINDOWS["navidad_previa"], {
        "Panetones": 6.0, "Decoración y Navidad": 15.0, "Muñecas y figuras": 1.5}),
    Event("navidad", EVENT_WINDOWS["navidad"], {
        "Panetones": 18.0, "Decoración y Navidad": 25.0, "Muñecas y figuras": 5.0,
        "Juegos de mesa": 4.0, "Peluches": 4.5, "Perfumería": 2.5, "Televisores": 2.2,
        "Celulares y accesorios": 2.0, "Desayuno": 1.6, "Gaseosas": 1.3, "Cervezas": 1.3,
        "Polos y camisas": 1.6, "Calzado": 1.5}),
    Event("gratificacion_diciembre", EVENT_WINDOWS["gratificacion_diciembre"], {},
          traffic=1.35),
    Event("ano_nuevo", EVENT_WINDOWS["ano_nuevo"], {
        "Cervezas": 2.0, "Gaseosas": 1.5, "Ropa interior": 3.0}),
)  # fmt: skip


@dataclass(frozen=True)
class Calendar:
    """Factors for each day of the history (and a horizon after it, for replenishment)."""

    dates: list[dt.date]
    traffic: np.ndarray  # (days,) ticket-count factor
    season: np.ndarray  # (days, categories) what the tickets buy
    is_payday: np.ndarray  # (days,) bool
    windows: dict[str, list[tuple[dt.date, dt.date]]]


def is_payday(day: dt.date) -> bool:
    tomorrow = day + dt.timedelta(days=1)
    return day.day in (15, 16, 1, 2) or tomorrow.month != day.month


def build_calendar(start: dt.date, days: int, categories: list[str]) -> Calendar:
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    years = sorted({d.year for d in dates})
    public = holidays.country_holidays("PE", years=years)
    cat_index = {name: i for i, name in enumerate(categories)}
    traffic = np.empty(days)
    payday = np.zeros(days, dtype=bool)
    for i, day in enumerate(dates):
        factor = WEEKDAY_FACTOR[day.weekday()] * np.exp(YEARLY_GROWTH * i / 365)
        payday[i] = is_payday(day)
        factor *= PAYDAY_FACTOR if payday[i] else 1.0
        if day in public:
            factor *= CLOSED_ISH.get((day.month, day.day), HOLIDAY_FACTOR)
        traffic[i] = factor
    season = np.ones((days, len(categories)))
    windows: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for event in EVENTS:
        windows[event.name] = [w for y in years for w in event.windows(y)]
        for first, last in windows[event.name]:
            lo, hi = max((first - start).days, 0), min((last - start).days + 1, days)
            if lo >= hi:
                continue
            traffic[lo:hi] *= event.traffic
            for name, mult in event.categories.items():
                season[lo:hi, cat_index[name]] *= mult
    return Calendar(dates, traffic, season, payday, windows)
