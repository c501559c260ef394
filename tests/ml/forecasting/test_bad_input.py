"""A bad history or future is refused before any fit, with the column, row and value named."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.forecasting import ForecastInputError, backtest, forecast


def history(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "unique_id": ["A"] * 30,
            "ds": pd.date_range("2025-01-01", periods=30, freq="D").strftime("%Y-%m-%d"),
            "y": [float(i % 7) for i in range(30)],
            "price": 10.0,
        }
    )
    for column, value in changes.items():
        frame[column] = value
    return frame


def refused(frame, match, *, freq="D", future=None):
    with pytest.raises(ForecastInputError, match=match):
        forecast(frame, 7, freq, future, windows=1, models=("seasonal_naive",))


def test_a_missing_column_is_named():
    refused(history().drop(columns="y"), "falta la columna «y»")


def test_a_bad_ds_is_named_with_its_row_and_value():
    frame = history()
    frame.loc[12, "ds"] = "2025-13-45"
    refused(frame, r"ds inválido en la fila 13 de la historia: «2025-13-45»")


def test_a_text_column_is_an_unknown_column():
    refused(history(store="Lima"), "columna desconocida «store»")


def test_a_non_numeric_or_negative_demand_is_named():
    frame = history()
    frame["y"] = frame["y"].astype(object)
    frame.loc[4, "y"] = "diez"
    refused(frame, r"valor no numérico en la columna «y», fila 5 de la historia: «diez»")
    frame = history()
    frame.loc[8, "y"] = -3.0
    refused(frame, r"y inválido en la fila 9 de la historia: «-3.0»")


def test_a_repeated_period_is_named():
    frame = pd.concat([history(), history().iloc[[3]]], ignore_index=True)
    refused(frame, r"fila 31 de la historia repite la serie «A».*ya en la fila 4")


def test_a_weekly_date_on_another_weekday_is_named():
    frame = history().iloc[:1].copy()
    dates = pd.date_range("2025-01-01", periods=30, freq="W-WED")
    frame = pd.DataFrame({"unique_id": "A", "ds": dates, "y": 5.0})
    frame.loc[17, "ds"] = pd.Timestamp("2025-05-02")
    refused(frame, r"02/05/2025 \(fila 18\) cae en viernes.*de miércoles a miércoles", freq="W")


def test_the_future_must_bring_the_same_regressors_and_later_dates():
    frame = history()
    future = pd.DataFrame({"unique_id": "A", "ds": pd.date_range("2025-01-31", periods=7),
                           "price": 9.0})  # fmt: skip
    refused(frame, "columna desconocida «promo» en el futuro", future=future.assign(promo=1))
    refused(frame, "falta la columna «price» en el futuro", future=future.drop(columns="price"))
    refused(frame, "la serie «B» .*no está en la historia", future=future.assign(unique_id="B"))
    early = future.assign(ds=pd.date_range("2025-01-25", periods=7))
    refused(frame, r"ds 25/01/2025 en la fila 1 del futuro no es posterior", future=early)


def test_too_short_a_history_for_the_windows_is_explained():
    with pytest.raises(ForecastInputError, match="demasiado corta para 5 ventanas"):
        backtest(history(), 7, "D", windows=5, models=("seasonal_naive",))
    with pytest.raises(ForecastInputError, match="demasiado corta para 1 ventana de 7"):
        forecast(history().iloc[:10], 7, "D", windows=2, models=("seasonal_naive",))
    shrunk = forecast(history(), 7, "D", windows=5, models=("seasonal_naive",))
    assert shrunk.card["backtest_windows"] == 3 and len(shrunk.forecasts) == 7
