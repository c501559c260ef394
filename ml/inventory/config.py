"""The policy's parameters, with the defaults a buyer would start from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

SERVICE_MEASURES = ("cycle", "fill_rate")
DEFAULT_SERVICE_LEVELS: Mapping[str, float] = MappingProxyType({"A": 0.98, "B": 0.95, "C": 0.90})


@dataclass(frozen=True)
class PolicyConfig:
    """Parameters of the reorder policy.

    Attributes:
        service_levels: target service level by ABC class (see ``service_measure``).
        default_service_level: for products without an ABC class.
        review_period_days: days between two orders of the same item (the cycle an order covers).
        transfer_lead_time_days: days a transfer from the warehouse or a sister store takes.
        default_lead_time_days: supplier lead time when neither history nor a nominal one exist.
        absurd_cover_days: an order covering more days of demand than this (beyond one pack or
            the minimum order) is treated as absurd by the checks; the policy caps its reorder
            point and order-up-to level at this many days of demand.
        min_transfer_qty: smaller moves between stores are not worth a guía de remisión.
        joint_order_share: when one item of a supplier is ordered, the supplier's other items
            whose position has used up at least this share of their cycle (the demand over the
            review period between reorder point and order-up-to level, measured down from the
            order-up-to level) join the order; 0 turns joint orders off.
        service_measure: what a service level means. ``cycle``: the share of replenishment
            cycles without a stockout (the reorder point is that quantile of the demand over
            the lead time); ``fill_rate``: the share of demand served from the shelf (the
            reorder point keeps the expected units short per cycle under (1 − level) × the
            cycle's demand). ``ml.inventory.service`` works both.
    """

    service_levels: Mapping[str, float] = field(default_factory=lambda: DEFAULT_SERVICE_LEVELS)
    default_service_level: float = 0.90
    review_period_days: float = 7.0
    transfer_lead_time_days: float = 2.0
    default_lead_time_days: float = 7.0
    absurd_cover_days: float = 180.0
    min_transfer_qty: float = 1.0
    joint_order_share: float = 0.0
    service_measure: str = "cycle"

    def __post_init__(self) -> None:
        for name, level in {**self.service_levels, "default": self.default_service_level}.items():
            if not 0.5 <= level < 1:
                raise ValueError(f"service level {name}={level}: must be in [0.5, 1)")
        if not 0 <= self.joint_order_share <= 1:
            raise ValueError(f"joint_order_share={self.joint_order_share}: must be in [0, 1]")
        if self.service_measure not in SERVICE_MEASURES:
            raise ValueError(
                f"service_measure={self.service_measure!r}: must be one of {SERVICE_MEASURES}"
            )
        if self.review_period_days <= 0:
            raise ValueError(f"review_period_days={self.review_period_days}: must be > 0")

    def service_level(self, abc_class: object) -> float:
        return self.service_levels.get(str(abc_class), self.default_service_level)
