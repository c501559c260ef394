"""Project paths, defined once."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS_DIR = PROJECT_ROOT / "erp_core" / "migrations"
DBT_DIR = PROJECT_ROOT / "dbt_project"
MODELS_DIR = PROJECT_ROOT / "models"
# Real public retail data (provenance and licences in its README), for tests and benchmarks.
REAL_DATA_DIR = PROJECT_ROOT / "data" / "real"
