"""Write the Peruvian retail calendar seed (``seeds/peru_calendar.csv``), one row per day.

Public holidays come from the ``holidays`` package (``country_holidays("PE")``); paydays and
gratificaciones follow the domain notes; every retail event window (seasons, campaigns, Cyber
Wow, Black Friday ...) comes from ``erp_core.retail_calendar``, the module the demo generator
plants its demand in, so the seed flags exactly the days the demo plants. Re-run after
upgrading ``holidays`` or to extend the range, and commit the script together with the CSV:

    python dbt_project/scripts/make_calendar_seed.py --first-year 2020 --last-year 2030
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
from pathlib import Path

import holidays

from erp_core.retail_calendar import EVENT_FLAGS, event_days, nth_weekday

SEED_PATH = Path(__file__).resolve().parents[1] / "seeds" / "peru_calendar.csv"
MONTHS_ES = (
    "enero febrero marzo abril mayo junio julio agosto setiembre octubre noviembre diciembre"
).split()
DAYS_ES = "lunes martes miércoles jueves viernes sábado domingo".split()
COLUMNS = [
    "date_day",
    "date_id",
    "year",
    "quarter",
    "month",
    "month_name",
    "day_of_month",
    "day_of_week",
    "day_name",
    "day_of_year",
    "iso_year",
    "iso_week",
    "week_start_date",
    "month_start_date",
    "month_end_date",
    "ple_period",
    "is_weekend",
    "is_holiday",
    "holiday_name",
    "is_long_weekend",
    "is_quincena_payday",
    "is_end_of_month_payday",
    "is_payday",
    "days_since_payday",
    "is_gratificacion_month",
    "is_gratificacion_payday",
    "season",
    "is_summer",
    "is_winter",
    "is_campana_escolar",
    "is_semana_santa",
    "is_dia_de_la_madre",
    "is_dia_de_la_madre_week",
    "is_dia_del_padre",
    "is_dia_del_padre_week",
    "is_fiestas_patrias",
    "is_fiestas_patrias_campaign",
    "is_cyber_wow",
    "is_black_friday",
    "is_navidad_previa",
    "is_navidad_campaign",
    "is_gratificacion_diciembre",
    "is_navidad",
    "is_ano_nuevo",
    "is_ano_nuevo_campaign",
    "retail_event",
]


def season(month: int) -> str:
    """Retail season in Lima: summer January-March, winter June-August."""
    if month <= 3:
        return "verano"
    if month <= 5:
        return "otoño"
    if month <= 8:
        return "invierno"
    return "primavera"


def calendar_rows(first_year: int, last_year: int) -> list[dict[str, object]]:
    years = range(first_year, last_year + 1)
    public_holidays = holidays.country_holidays("PE", years=years, language="es")
    days = [
        dt.date(first_year, 1, 1) + dt.timedelta(days=i)
        for i in range((dt.date(last_year, 12, 31) - dt.date(first_year, 1, 1)).days + 1)
    ]
    off = {d for d in days if d.weekday() >= 5 or d in public_holidays}
    long_weekend: set[dt.date] = set()
    run: list[dt.date] = []
    for day in [*days, None]:
        if day is not None and day in off:
            run.append(day)
            continue
        if len(run) >= 3:
            long_weekend.update(run)
        run = []

    rows = []
    for day in days:
        last_dom = calendar.monthrange(day.year, day.month)[1]
        is_quincena = day.day == 15
        is_eom = day.day == last_dom
        days_since_payday = day.day if day.day < 15 else day.day - 15
        if is_eom:
            days_since_payday = 0
        iso = day.isocalendar()
        mothers_day = nth_weekday(day.year, 5, 6, 2)
        fathers_day = nth_weekday(day.year, 6, 6, 3)
        windows = {flag: day in event_days(name, day.year) for name, flag in EVENT_FLAGS.items()}
        flags = {
            **windows,
            "is_dia_de_la_madre": day == mothers_day,
            "is_dia_del_padre": day == fathers_day,
            "is_fiestas_patrias": (day.month, day.day) in ((7, 28), (7, 29)),
            "is_navidad": (day.month, day.day) in ((12, 24), (12, 25)),
            "is_ano_nuevo": (day.month, day.day) in ((12, 31), (1, 1)),
        }
        events = [
            ("Navidad", flags["is_navidad"]),
            ("Año Nuevo", flags["is_ano_nuevo"]),
            ("Fiestas Patrias", flags["is_fiestas_patrias"]),
            ("Día de la Madre", flags["is_dia_de_la_madre"]),
            ("Día del Padre", flags["is_dia_del_padre"]),
            ("Black Friday", flags["is_black_friday"]),
            ("Semana Santa", flags["is_semana_santa"]),
            ("Cyber Wow", flags["is_cyber_wow"]),
            ("Semana de la Madre", flags["is_dia_de_la_madre_week"]),
            ("Semana del Padre", flags["is_dia_del_padre_week"]),
            ("Campaña navideña", flags["is_navidad_campaign"]),
            ("Previa navideña", flags["is_navidad_previa"]),
            ("Campaña de Fiestas Patrias", flags["is_fiestas_patrias_campaign"]),
            ("Campaña de Año Nuevo", flags["is_ano_nuevo_campaign"]),
        ]
        row: dict[str, object] = {
            "date_day": day.isoformat(),
            "date_id": int(day.strftime("%Y%m%d")),
            "year": day.year,
            "quarter": (day.month - 1) // 3 + 1,
            "month": day.month,
            "month_name": MONTHS_ES[day.month - 1],
            "day_of_month": day.day,
            "day_of_week": day.isoweekday(),
            "day_name": DAYS_ES[day.weekday()],
            "day_of_year": day.timetuple().tm_yday,
            "iso_year": iso.year,
            "iso_week": iso.week,
            "week_start_date": (day - dt.timedelta(days=day.weekday())).isoformat(),
            "month_start_date": day.replace(day=1).isoformat(),
            "month_end_date": day.replace(day=last_dom).isoformat(),
            "ple_period": day.strftime("%Y%m00"),
            "is_weekend": day.weekday() >= 5,
            "is_holiday": day in public_holidays,
            "holiday_name": public_holidays.get(day, ""),
            "is_long_weekend": day in long_weekend,
            "is_quincena_payday": is_quincena,
            "is_end_of_month_payday": is_eom,
            "is_payday": is_quincena or is_eom,
            "days_since_payday": days_since_payday,
            "is_gratificacion_month": day.month in (7, 12),
            "is_gratificacion_payday": is_quincena and day.month in (7, 12),
            "season": season(day.month),
            **flags,
            "retail_event": next((name for name, on in events if on), ""),
        }
        rows.append(row)
    return rows


def write_seed(rows: list[dict[str, object]], path: Path = SEED_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in row.items()}
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-year", type=int, default=2020)
    parser.add_argument("--last-year", type=int, default=2030)
    parser.add_argument("--output", type=Path, default=SEED_PATH)
    args = parser.parse_args()
    write_seed(calendar_rows(args.first_year, args.last_year), args.output)


if __name__ == "__main__":
    main()
