"""The ML tables: replaced whole, only known names, found by the snapshot."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from pipelines.ml_tables import existing_ml_relations, write_ml_table


def test_a_table_is_replaced_whole_and_listed_for_the_snapshot():
    con = duckdb.connect()
    write_ml_table(con, "fct_forecast", pd.DataFrame({"p50": [1.0, 2.0, 3.0]}))
    write_ml_table(con, "fct_forecast", pd.DataFrame({"p50": [4.0]}))
    con.execute("create schema if not exists ml; create table ml.scratch as select 1 as x")

    assert con.execute("select p50 from ml.fct_forecast").fetchall() == [(4.0,)]
    assert existing_ml_relations(con) == [("ml", "fct_forecast")]


def test_an_unknown_table_name_is_refused():
    with pytest.raises(ValueError, match="fct_nope"):
        write_ml_table(duckdb.connect(), "fct_nope", pd.DataFrame({"x": [1]}))
