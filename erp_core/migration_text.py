"""Earlier migrations' SQL, for a later migration that replaces it and puts it back on downgrade.

A revision module is loaded from its file (revision files are not an importable package), so
that each function's text exists once, in the migration that introduced it.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

from erp_core.paths import MIGRATIONS_DIR


def revision_module(filename: str) -> ModuleType:
    """The module of the revision file ``filename`` in ``migrations/versions``."""
    path = MIGRATIONS_DIR / "versions" / filename
    spec = importlib.util.spec_from_file_location(f"revision_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def between(text: str, start: str, end: str) -> str:
    """The part of ``text`` from ``start`` up to (not including) ``end``."""
    begin = text.index(start)
    return text[begin : text.index(end, begin)]
