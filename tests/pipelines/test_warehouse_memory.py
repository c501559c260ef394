"""The pipeline's own DuckDB connections are capped like dbt's, so a big chain spills to disk
instead of taking the host's memory."""

import duckdb

from pipelines import warehouse


def limit_of(con) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_the_warehouse_connection_is_capped_at_8gb_unless_told(tmp_path, monkeypatch):
    monkeypatch.delenv("DUCKDB_MEMORY_LIMIT", raising=False)
    with duckdb.connect() as reference, warehouse.connect(tmp_path / "a.duckdb") as con:
        reference.execute("set memory_limit = '8GB'")
        assert limit_of(con) == limit_of(reference)
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "1GB")
    with duckdb.connect() as other, warehouse.connect(tmp_path / "b.duckdb") as con:
        other.execute("set memory_limit = '1GB'")
        assert limit_of(con) == limit_of(other)
