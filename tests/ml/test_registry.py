"""The model registry: versions in creation order, a card completed with what made the model."""

from __future__ import annotations

import pytest

from ml.registry import load_model, save_model, versions


def test_each_save_is_a_new_version_and_the_latest_loads_by_default(tmp_path):
    first = save_model(tmp_path, "demand", {"weights": [1, 2]}, {"training_window": ["a", "b"]})
    second = save_model(tmp_path, "demand", {"weights": [3]}, {"training_window": ["a", "c"]})

    assert versions(tmp_path, "demand") == [first.version, second.version]
    model, saved = load_model(tmp_path, "demand")
    assert model == {"weights": [3]}
    assert saved.card["version"] == second.version
    assert saved.card["training_window"] == ["a", "c"]
    assert "pandas" in saved.card["libraries"]
    old, _ = load_model(tmp_path, "demand", first.version)
    assert old == {"weights": [1, 2]}


def test_a_missing_model_or_version_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="segments"):
        load_model(tmp_path, "segments")
    save_model(tmp_path, "segments", 1, {})
    with pytest.raises(FileNotFoundError, match="nope"):
        load_model(tmp_path, "segments", "nope")
