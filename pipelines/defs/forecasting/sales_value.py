"""The forecast valued in soles per store × category × day, written right after the forecast."""

import dagster as dg

from pipelines.defs.resources import DuckDBWarehouse
from pipelines.forecast_sales import valued_forecast
from pipelines.ml_inputs import mart_keys
from pipelines.ml_tables import ML_SCHEMA, ml_asset_key, write_ml_table
from pipelines.warehouse import table_exists

FORECAST_SALES = "fct_forecast_sales"


@dg.asset(
    key=ml_asset_key(FORECAST_SALES),
    description="Pronóstico valorizado en soles por tienda × categoría × día (P10/P50/P90 en "
    "unidades y en venta neta, margen P50), al precio neto y margen por unidad de cada producto "
    "en su tienda en las últimas 13 semanas: lo que leen los tableros.",
    deps=[ml_asset_key("fct_forecast"), *mart_keys("fct_daily_sales", "dim_product", "dim_store")],
    group_name="ml",
    kinds={"duckdb"},
    owners=["team:data-platform"],
)
def forecast_sales(warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        if not table_exists(con, ML_SCHEMA, "fct_forecast"):
            return dg.MaterializeResult(
                metadata={"no_entrenado": dg.MetadataValue.text("no hay pronóstico publicado")}
            )
        frame = valued_forecast(con)
        write_ml_table(con, FORECAST_SALES, frame)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(len(frame)),
            "net_sales_p50_pen": dg.MetadataValue.float(
                round(float(frame["net_sales_p50_pen"].sum()), 2)
            ),
        }
    )
