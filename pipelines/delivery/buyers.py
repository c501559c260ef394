"""Who buys what: each category's buyers, from a small YAML file the chain keeps.

    # $INNOVALOGIX_HOME/buyers.yaml
    default: [compras@cadena.pe]        # categories not listed below (optional)
    categories:
      Abarrotes: [ana.rios@cadena.pe]
      Bebidas: [ana.rios@cadena.pe, luis.quispe@cadena.pe]

The core keeps no buyers, so this file (or ``RESTOCK_BUYER_EMAILS`` for one list that buys
everything) is the only place they are named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True)
class Buyers:
    by_category: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default: tuple[str, ...] = ()

    def for_category(self, category: str) -> tuple[str, ...]:
        return self.by_category.get(category, self.default)

    @property
    def configured(self) -> bool:
        return bool(self.by_category or self.default)

    def categories_by_buyer(self, categories) -> dict[str, list[str]]:
        """Each buyer's categories among ``categories`` (sorted, for stable mails)."""
        out: dict[str, list[str]] = {}
        for category in sorted({str(c) for c in categories}):
            for email in self.for_category(category):
                out.setdefault(email, []).append(category)
        return out


def _emails(value, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueError(f"{where}: se esperaba una lista de correos, no {value!r}")
    for email in items:
        if not isinstance(email, str) or not EMAIL.match(email.strip()):
            raise ValueError(f"{where}: correo inválido {email!r}")
    return tuple(e.strip() for e in items)


def load_buyers(path: Path | None, everyone: list[str] | None = None) -> Buyers:
    """Read ``path`` if it exists; ``everyone`` (``RESTOCK_BUYER_EMAILS``) is the default."""
    default = tuple(everyone or ())
    if path is None or not path.exists():
        return Buyers({}, default)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: se esperaba 'default' y 'categories'")
    unknown = set(data) - {"default", "categories"}
    if unknown:
        raise ValueError(f"{path}: claves desconocidas {sorted(unknown)}")
    categories = data.get("categories") or {}
    if not isinstance(categories, dict):
        raise ValueError(f"{path}: 'categories' debe ser categoría: [correos]")
    by_category = {
        str(name): _emails(emails, f"{path}: categoría {name!r}")
        for name, emails in categories.items()
    }
    if data.get("default"):
        default = _emails(data["default"], f"{path}: default")
    return Buyers(by_category, default)
