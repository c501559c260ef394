"""Customer segmentation: behaviour features, K-means segments with Spanish names, DBSCAN.

DataFrames in and out; no database, no environment. The caller hands the registry's root.

- ``customer_features(lines, as_of, payments=None)`` → one row per customer (index
  ``customer_id``): recency, frequency, monetary, average ticket, tenure, inter-purchase days,
  units per line, lines per ticket, promotion / payday / weekend shares, category, payment and
  channel mixes, preferred store, spend in the last and previous 90 days. Input columns are
  listed in ``ml.segmentation.features`` (``customer_id, sale_id, sale_date, store_id,
  net_sales_pen, units_qty`` and optional ``category, is_promotion, channel, is_return``;
  ``payments``: ``sale_id, payment_method``).
- ``fit_segments(features, previous=None, k_range=range(3, 9), customer_value=None)`` →
  ``SegmentationResult``: ``.assignments`` (``customer_id, segment_id, segment_name,
  kmeans_distance, dbscan_label, is_outlier, model_version``, plus ``p_alive,
  expected_purchases, expected_spend`` when ``customer_value`` is given), ``.segments`` (one
  row per segment: name, profile, size, value, trend, typical values), ``.dense_groups``
  (DBSCAN's groups and noise beside the segment they mostly fall in), ``.model``
  (``SegmentModel``, pass it back as ``previous`` next run) and ``.card``.
- ``save_segmentation(result, root)`` → the result with ``model_version`` filled, saved as a
  new version of ``customer_segments`` in the registry (``ml.registry``).
"""

from ml.segmentation.features import customer_features
from ml.segmentation.model import (
    MODEL_NAME,
    SegmentationResult,
    SegmentModel,
    fit_segments,
    save_segmentation,
)

__all__ = [
    "MODEL_NAME",
    "SegmentModel",
    "SegmentationResult",
    "customer_features",
    "fit_segments",
    "save_segmentation",
]
