"""Customers: features, segments (K-means beside DBSCAN), customer value, basket rules and the
next products to offer each customer. Identified, profilable customers only (Ley 29733)."""

import time

import dagster as dg
import pandas as pd

from erp_core.settings import get_settings
from pipelines.defs.resources import DuckDBWarehouse
from pipelines.ml_inputs import customer_frames, mart_keys
from pipelines.ml_tables import ml_asset_key, not_trained, write_ml_table

VALUE_HORIZON_DAYS = 90
VALIDATION_DAYS = 60  # the time split: the last 60 days hidden from a model fitted before them
RULE_MINIMUMS = {"min_support": 0.001, "min_confidence": 0.1, "min_lift": 1.5, "min_baskets": 5}
INPUT_MARTS = ("fct_sales_lines", "dim_customer", "dim_product", "fct_customer_transactions",
               "fct_inventory_daily")  # fmt: skip
TABLES = ("fct_customer_features", "fct_customer_segments", "dim_segment", "fct_customer_value",
          "fct_product_associations", "fct_customer_recommendations")  # fmt: skip
CHECKS = [
    ("fct_customer_segments", "check_fct_customer_segments_one_per_customer"),
    ("fct_product_associations", "check_fct_product_associations_minimums"),
    ("fct_customer_recommendations", "check_fct_customer_recommendations_in_stock"),
]
DESCRIPTIONS = {
    "fct_customer_features": "Variables de comportamiento por cliente identificado (RFM, "
    "ticket, antigüedad, mezcla de categorías, tienda, canal, pago, promociones, quincena).",
    "fct_customer_segments": "Segmento K-means de cada cliente (nombre estable entre corridas), "
    "grupo DBSCAN y si es atípico, con su valor esperado.",
    "dim_segment": "Segmentos: nombre, perfil, tamaño, valor, tendencia y campaña sugerida.",
    "fct_customer_value": "Probabilidad de seguir activo, compras y gasto esperados a 90 días "
    "(BG/NBD + Gamma-Gamma).",
    "fct_product_associations": "Reglas de canasta: soporte, confianza y lift por par de "
    "productos.",
    "fct_customer_recommendations": "Próximos productos a ofrecer a cada cliente, con stock en "
    "su tienda habitual.",
}


def _spec(table: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        ml_asset_key(table),
        description=DESCRIPTIONS[table],
        group_name="ml",
        kinds={"python", "duckdb"},
        owners=["team:data-platform"],
        deps=mart_keys(*INPUT_MARTS),
    )


@dg.multi_asset(
    specs=[_spec(t) for t in TABLES],
    check_specs=[
        dg.AssetCheckSpec(check, asset=ml_asset_key(table), blocking=True)
        for table, check in CHECKS
    ],
)
def customer_models(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    from ml.customer_value import fit_customer_value
    from ml.recommendations import (
        association_rules,
        chosen_blend,
        evaluate_recommendations,
        fit_blend,
        recommend,
    )
    from ml.registry import save_model
    from ml.segmentation import customer_features, fit_segments, save_segmentation

    started = time.monotonic()
    with warehouse.connect() as con:
        frames = customer_frames(con)
        departments = con.execute("select product_id, department_name from marts.dim_product").df()
    lines = frames["lines"]
    as_of = lines["sale_date"].max()
    context.log.info(f"{lines['customer_id'].nunique():,} clientes, {len(lines):,} líneas")
    models_dir = get_settings().models_dir

    transactions = customer_transactions(lines)
    try:
        value = fit_customer_value(transactions, as_of.date(), VALUE_HORIZON_DAYS)
        features = customer_features(lines, as_of, payments=frames["payments"])
        segmentation = fit_segments(features, previous=previous_model(), customer_value=value)
    except ValueError as reason:  # the library's words for data that cannot train it yet
        context.log.warning(str(reason))
        yield from not_trained(TABLES, CHECKS, str(reason))
        return
    segmentation = save_segmentation(segmentation, models_dir)
    version = segmentation.model_version
    improvement = value_improvement(transactions, as_of)
    value_saved = save_model(
        models_dir,
        "customer_value",
        None,
        {"mae_improvement_over_naive_rate": improvement, "as_of": str(as_of.date())},
    )

    baskets = lines.loc[~lines["is_return"], ["sale_id", "product_id"]].drop_duplicates()
    rules = association_rules(
        baskets.rename(columns={"sale_id": "basket_id", "product_id": "item"}), **RULE_MINIMUMS
    )
    history = recommendation_history(lines, departments)
    margins = frames["margins"].set_index("item")["margin_per_unit_pen"]
    evaluation = evaluate_recommendations(history, k=10)
    # the offers use the blend the evaluation chose (on this history minus the last baskets)
    card = evaluation.attrs["card"]
    recommender = fit_blend(history, chosen_blend(card), card)
    recommended = recommend(
        history, k=10, stock=frames["stock"], margins=margins, model=recommender
    )

    pseudonyms = lines.drop_duplicates("customer_id").set_index("customer_id")["customer_pseudonym"]
    products = lines.drop_duplicates("product_id").set_index("product_id")[["sku", "product_name"]]
    tables = {
        "fct_customer_features": with_pseudonym(features.reset_index(), pseudonyms, version, as_of),
        "fct_customer_segments": with_pseudonym(
            segmentation.assignments, pseudonyms, version, as_of
        ),
        "dim_segment": segmentation.segments.assign(as_of_date=as_of.date()),
        "fct_customer_value": with_pseudonym(value, pseudonyms, value_saved.version, as_of),
        "fct_product_associations": named_rules(rules, products),
        "fct_customer_recommendations": with_pseudonym(
            named_items(recommended, products), pseudonyms, version, as_of
        ),
    }
    with warehouse.connect() as con:
        counts = {name: write_ml_table(con, name, frame) for name, frame in tables.items()}
        active = con.execute(
            "select count(*) from marts.dim_customer where is_profilable and purchases_count > 0"
        ).fetchone()[0]
    elapsed = round(time.monotonic() - started, 1)
    scores = evaluation.to_dict(orient="index")
    common = {
        "model_version": dg.MetadataValue.text(version),
        "elapsed_s": dg.MetadataValue.float(elapsed),
        "segments": dg.MetadataValue.int(int(segmentation.segments.shape[0])),
        "recommendations_vs_popularity": dg.MetadataValue.json(_plain(scores)),
        "recommendations_blend": dg.MetadataValue.json(recommender.card.get("chosen", {})),
        "customer_value_mae_improvement": dg.MetadataValue.float(improvement),
    }
    for name in TABLES:
        yield dg.MaterializeResult(
            asset_key=ml_asset_key(name),
            metadata={**common, "dagster/row_count": dg.MetadataValue.int(counts[name])},
        )
    yield segment_check(tables["fct_customer_segments"], active)
    yield rules_check(tables["fct_product_associations"])
    yield stock_check(tables["fct_customer_recommendations"], lines, frames["stock"])


def previous_model():
    """Last run's segment model, so segments keep their ids and names (None the first time)."""
    from ml.registry import load_model
    from ml.segmentation import MODEL_NAME

    try:
        return load_model(get_settings().models_dir, MODEL_NAME)[0]
    except FileNotFoundError:
        return None


def value_improvement(transactions: pd.DataFrame, as_of: pd.Timestamp) -> float:
    """1 - MAE of BG/NBD / MAE of the naive rate, on the last 60 days hidden (NaN if too short)."""
    from ml.customer_value import validate_customer_value

    try:
        end = (as_of - pd.Timedelta(days=VALIDATION_DAYS)).date()
        return round(float(validate_customer_value(transactions, end, VALIDATION_DAYS)
                           .improvement()), 4)  # fmt: skip
    except ValueError:
        return float("nan")


def recommendation_history(lines: pd.DataFrame, departments: pd.DataFrame) -> pd.DataFrame:
    """``customer_id, basket_id, ds, item, store_id, group``: each ticket's products (returns
    left out), with the product's department as the group the recommender's taste reads."""
    history = (
        lines.loc[
            ~lines["is_return"], ["customer_id", "sale_id", "sale_date", "product_id", "store_id"]
        ]
        .rename(columns={"sale_id": "basket_id", "sale_date": "ds", "product_id": "item"})
        .drop_duplicates()
    )
    group = departments.set_index("product_id")["department_name"]
    return history.assign(group=history["item"].map(group))


def customer_transactions(lines: pd.DataFrame) -> pd.DataFrame:
    """``customer_id, ds, amount``: each ticket's net, returns netted on their own day."""
    return (
        lines.groupby(["customer_id", "sale_id"], as_index=False)
        .agg(ds=("sale_date", "min"), amount=("net_sales_pen", "sum"))
        .drop(columns="sale_id")
    )


def with_pseudonym(frame, pseudonyms: pd.Series, version: str, as_of) -> pd.DataFrame:
    out = frame.copy()
    out.insert(1, "customer_pseudonym", out["customer_id"].map(pseudonyms))
    out["model_version"] = version
    out["as_of_date"] = as_of.date()
    return out


def named_items(recommended: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    out = recommended.rename(columns={"item": "product_id"})
    return out.join(products, on="product_id")


def named_rules(rules: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    out = rules.rename(columns={"antecedent": "product_id", "consequent": "complement_id"})
    out = out.join(products, on="product_id")
    complement = products.rename(
        columns={"sku": "complement_sku", "product_name": "complement_name"}
    )
    return out.join(complement, on="complement_id")


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return float(value) if hasattr(value, "__float__") else value


def segment_check(segments: pd.DataFrame, active: int) -> dg.AssetCheckResult:
    """Every active identified customer in exactly one segment."""
    per_customer = segments.groupby("customer_id").size()
    doubled = int((per_customer > 1).sum())
    return dg.AssetCheckResult(
        check_name="check_fct_customer_segments_one_per_customer",
        asset_key=ml_asset_key("fct_customer_segments"),
        passed=doubled == 0 and len(per_customer) == active,
        metadata={
            "customers_segmented": dg.MetadataValue.int(len(per_customer)),
            "active_profilable_customers": dg.MetadataValue.int(int(active)),
            "in_more_than_one": dg.MetadataValue.int(doubled),
        },
    )


def rules_check(rules: pd.DataFrame) -> dg.AssetCheckResult:
    """No rule below the minimums; every lift above 1."""
    bad = rules[
        (rules["support"] < RULE_MINIMUMS["min_support"])
        | (rules["confidence"] < RULE_MINIMUMS["min_confidence"])
        | (rules["lift"] <= 1)
        | (rules["baskets"] < RULE_MINIMUMS["min_baskets"])
    ]
    return dg.AssetCheckResult(
        check_name="check_fct_product_associations_minimums",
        asset_key=ml_asset_key("fct_product_associations"),
        passed=bad.empty,
        metadata={
            "rules": dg.MetadataValue.int(len(rules)),
            "below_minimums": dg.MetadataValue.int(len(bad)),
        },
    )


def stock_check(
    recommended: pd.DataFrame, lines: pd.DataFrame, stock: pd.DataFrame
) -> dg.AssetCheckResult:
    """No recommendation of a product out of stock at the customer's usual store."""
    usual = (
        lines.groupby(["customer_id", "store_id"])["sale_id"]
        .nunique()
        .reset_index()
        .sort_values(["customer_id", "sale_id", "store_id"], ascending=[True, False, True])
        .drop_duplicates("customer_id")
        .set_index("customer_id")["store_id"]
    )
    rows = recommended.assign(store_id=recommended["customer_id"].map(usual)).merge(
        stock.rename(columns={"item": "product_id"}), on=["store_id", "product_id"], how="left"
    )
    out_of_stock = rows[rows["stock_on_hand_qty"].fillna(0) <= 0]
    return dg.AssetCheckResult(
        check_name="check_fct_customer_recommendations_in_stock",
        asset_key=ml_asset_key("fct_customer_recommendations"),
        passed=out_of_stock.empty,
        metadata={
            "recommendations": dg.MetadataValue.int(len(recommended)),
            "out_of_stock": dg.MetadataValue.int(len(out_of_stock)),
        },
    )
