"""Segmentation: planted profiles recovered (beside an RFM-only baseline), names that keep
their meaning and customers that keep their segment one week later, DBSCAN's outliers, the
registry version on every row, and a real-data run on Online Retail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from erp_core.paths import REAL_DATA_DIR
from ml.registry import load_model, versions
from ml.segmentation import MODEL_NAME, customer_features, fit_segments, save_segmentation
from ml.segmentation.scaling import RobustScaling
from tests.ml.segmentation.synthetic import START, planted_chain

AS_OF = START + pd.Timedelta(days=179)
ONE_WEEK_LATER = AS_OF + pd.Timedelta(days=7)


@pytest.fixture(scope="module")
def chain():
    return planted_chain()


@pytest.fixture(scope="module")
def first_run(chain):
    lines, payments, _ = chain
    return fit_segments(customer_features(lines, AS_OF, payments))


def planted(result, truth) -> pd.Series:
    return result.assignments["customer_id"].map(truth)


def test_kmeans_recovers_the_planted_profiles_better_than_rfm_alone(chain, first_run):
    lines, payments, truth = chain
    profiles = planted(first_run, truth)
    ours = adjusted_rand_score(profiles, first_run.assignments["segment_id"])
    # the classic baseline: the same number of clusters on recency, frequency and money only
    features = customer_features(lines, AS_OF, payments)
    rfm = ["recency_days", "frequency", "monetary_pen"]
    X = RobustScaling.fit(features, rfm).transform(features)
    baseline = KMeans(first_run.card["k"], n_init=6, random_state=0).fit_predict(X)

    assert ours >= 0.6
    assert ours > adjusted_rand_score(profiles, baseline) + 0.2
    assert first_run.card["k"] in range(3, 9)


def test_segments_get_distinct_spanish_names_read_from_their_centroids(chain, first_run):
    _, _, truth = chain
    names = first_run.segments["segment_name"]
    assert names.is_unique
    by_profile = (
        first_run.assignments.assign(profile=planted(first_run, truth))
        .groupby("profile")["segment_name"]
        .agg(lambda s: s.mode().iloc[0])
    )
    assert by_profile["cazador"] == "Cazadores de ofertas"
    assert by_profile["negocio"] == "Negocios y revendedores"
    assert by_profile["familia"] == "Compradores de quincena"
    promo_hunters = first_run.segments.set_index("segment_name").loc["Cazadores de ofertas"]
    assert "en promoción" in promo_hunters["profile"]
    assert promo_hunters["suggested_campaign"]
    segments = first_run.segments
    assert segments["size"].sum() == len(first_run.assignments)
    assert segments["share_of_value"].sum() == pytest.approx(1.0)
    assert segments["trend_pct"].notna().all()  # 180 days of history: both windows seen


def test_labels_stay_stable_when_retrained_on_one_more_week(chain, first_run):
    lines, payments, _ = chain
    later = fit_segments(
        customer_features(lines, ONE_WEEK_LATER, payments), previous=first_run.model
    )
    both = first_run.assignments.merge(later.assignments, on="customer_id")

    assert set(later.segments["segment_name"]) == set(first_run.segments["segment_name"])
    same_id = later.segments.set_index("segment_id")["segment_name"]
    assert same_id.to_dict() == first_run.segments.set_index("segment_id")["segment_name"].to_dict()
    assert (both["segment_name_x"] == both["segment_name_y"]).mean() >= 0.95
    assert later.card["carried_over_from_previous"] == sorted(first_run.model.segment_ids_)
    assert later.segments["size_change"].notna().all()


def test_dbscan_marks_the_anomalies_as_outliers(chain, first_run):
    _, _, truth = chain
    assignments = first_run.assignments.assign(profile=planted(first_run, truth))
    anomalies = assignments[assignments["profile"] == "anomalia"]

    assert anomalies["is_outlier"].mean() >= 0.8
    assert assignments["is_outlier"].mean() < 0.15
    resellers = assignments[assignments["profile"] == "negocio"]["dbscan_label"]
    assert resellers.value_counts(normalize=True).iloc[0] >= 0.8  # one dense group
    dbscan = first_run.card["dbscan"]
    assert dbscan["groups"] >= 2 and dbscan["eps"] > 0
    assert dbscan["ari_with_kmeans_on_grouped"] > 0.5


def test_every_row_names_the_registry_version_that_made_it(tmp_path, chain, first_run):
    saved = save_segmentation(first_run, tmp_path)

    assert versions(tmp_path, MODEL_NAME) == [saved.model_version]
    assert (saved.assignments["model_version"] == saved.model_version).all()
    assert (saved.segments["model_version"] == saved.model_version).all()
    model, card = load_model(tmp_path, MODEL_NAME)
    assert card.card["k"] == first_run.card["k"] and "dbscan" in card.card
    lines, payments, _ = chain
    again = fit_segments(customer_features(lines, ONE_WEEK_LATER, payments), previous=model)
    assert set(again.segments["segment_name"]) == set(first_run.segments["segment_name"])


def test_features_are_computed_as_a_person_would():
    lines = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2],
            "sale_id": [10, 10, 11, 11, 20],
            "sale_date": pd.to_datetime(
                ["2026-03-15", "2026-03-15", "2026-03-25", "2026-03-25", "2026-03-20"]
            ),
            "store_id": [1, 1, 2, 2, 1],
            "net_sales_pen": [30.0, 10.0, 20.0, -5.0, 50.0],
            "units_qty": [3.0, 1.0, 2.0, -1.0, 5.0],
            "is_return": [False, False, False, True, False],
            "is_promotion": [True, False, False, False, False],
            "category": ["A", "B", "A", "A", "B"],
        }
    )
    features = customer_features(lines, "2026-03-31")
    one = features.loc[1]

    assert one["recency_days"] == 6 and one["tenure_days"] == 16
    assert one["frequency"] == 2 and one["monetary_pen"] == 55.0
    assert one["avg_ticket_pen"] == 30.0 and one["interpurchase_days"] == 10
    assert one["units_per_line"] == 2.0 and one["lines_per_ticket"] == 1.5
    assert one["preferred_store_share"] == 0.5
    # shares are shrunk towards the base's as if 3 more average tickets were seen
    raw_payday, base_payday = 0.5, (0.5 + 0.0) / 2
    assert one["payday_share"] == pytest.approx(0.4 * raw_payday + 0.6 * base_payday)
    assert set(features.columns) >= {"category_a", "category_b"}
    # 16 days of history: the last 90 days are known, the 90 before are not (no false growth)
    assert one["spend_last_90d"] == 55.0 and np.isnan(one["spend_previous_90d"])


def test_segmentation_runs_on_online_retail_customers():
    raw = pd.read_parquet(REAL_DATA_DIR / "online_retail.parquet")
    raw = raw[raw["CustomerID"].notna()]
    customers = raw["CustomerID"].drop_duplicates().sample(1200, random_state=0)
    raw = raw[raw["CustomerID"].isin(customers)]
    lines = pd.DataFrame(
        {
            "customer_id": raw["CustomerID"],
            "sale_id": raw["InvoiceNo"].str.lstrip("C"),
            "sale_date": raw["InvoiceDate"].dt.normalize(),
            "store_id": raw["Country"],
            "net_sales_pen": raw["Quantity"] * raw["UnitPrice"],
            "units_qty": raw["Quantity"].astype(float),
            "is_return": raw["InvoiceNo"].str.startswith("C"),
        }
    )
    features = customer_features(lines, "2011-12-09")
    first = fit_segments(features, random_state=0)
    k = first.card["k"]
    other_seed = fit_segments(features, k_range=range(k, k + 1), random_state=1)

    assignments = first.assignments
    assert len(assignments) == len(features) and assignments["segment_id"].notna().all()
    assert first.segments["segment_name"].is_unique
    assert assignments["is_outlier"].mean() < 0.2
    assert np.isfinite(assignments["kmeans_distance"]).all()
    # another seed finds the same segments
    agreement = adjusted_rand_score(assignments["segment_id"], other_seed.assignments["segment_id"])
    assert agreement >= 0.7
