"""The model registry on disk: every trained model with its card and a version.

A version is a folder ``<root>/<name>/<version>/`` holding ``model.pkl`` and ``card.json``; the
version string sorts in creation order, so the latest is the greatest. Rows a model produces carry
its version, so a forecast or a segment can always be traced to the model and the data behind it.
``ml`` never reads the environment: the caller hands the registry's root (``models/``).
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

CARD = "card.json"
MODEL = "model.pkl"
_LIBRARIES = (
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "statsforecast",
    "lightgbm",
    "prophet",
)


@dataclass(frozen=True)
class SavedModel:
    name: str
    version: str
    path: Path
    card: dict[str, Any]


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model may depend on (those installed), for its card."""
    versions = {"python": platform.python_version()}
    for library in _LIBRARIES:
        try:
            versions[library] = metadata.version(library)
        except metadata.PackageNotFoundError:
            continue
    return versions


def save_model(root: Path | str, name: str, model: Any, card: dict[str, Any]) -> SavedModel:
    """Save ``model`` and its ``card`` as a new version of ``name``; returns where and which.

    The card is completed with the name, version, creation time (UTC) and library versions.
    """
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    created = dt.datetime.now(dt.UTC)
    stamp = created.strftime("%Y%m%dT%H%M%S%fZ")
    version, n = stamp, 1
    while (folder / version).exists():
        n += 1
        version = f"{stamp}-{n}"
    target = folder / version
    tmp = folder / f".{version}.tmp"
    tmp.mkdir()
    full_card = {
        **card,
        "name": name,
        "version": version,
        "created_at": created.isoformat(),
        "libraries": library_versions(),
    }
    with (tmp / MODEL).open("wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    (tmp / CARD).write_text(json.dumps(full_card, indent=2, default=str, ensure_ascii=False))
    tmp.rename(target)  # a version appears whole or not at all
    return SavedModel(name, version, target, full_card)


def versions(root: Path | str, name: str) -> list[str]:
    """The saved versions of ``name``, oldest first."""
    folder = Path(root) / name
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def load_model(root: Path | str, name: str, version: str | None = None) -> tuple[Any, SavedModel]:
    """The model and its card; the latest version unless ``version`` is given."""
    available = versions(root, name)
    if not available:
        raise FileNotFoundError(f"no saved model named {name!r} under {root}")
    version = version or available[-1]
    if version not in available:
        raise FileNotFoundError(f"model {name!r} has no version {version!r} under {root}")
    path = Path(root) / name / version
    with (path / MODEL).open("rb") as fh:
        model = pickle.load(fh)  # our own files, written by save_model
    card = json.loads((path / CARD).read_text())
    return model, SavedModel(name, version, path, card)
