"""How big a demo chain is: stores, SKUs, days of history and the sale lines to aim for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    stores: int  # selling stores; a central warehouse comes on top
    skus: int
    days: int
    sale_lines: int  # aimed for over the whole history; stockouts make it a little less
    suppliers: int
    complementary_pairs: int


SCALES: dict[str, Scale] = {
    "small": Scale("small", 3, 300, 120, 100_000, 12, 12),
    "medium": Scale("medium", 20, 2_000, 730, 5_000_000, 40, 40),
    "large": Scale("large", 40, 4_000, 1_095, 20_000_000, 60, 60),
}
