"""The dbt project on the small demo chain: both targets build, agree, and find the planted truth.

The demo generator writes a simulated chain (stores, catalogue, customers, four months of
sales, returns, purchases, transfers, shrinkage, counts) into a fresh core database, with the
totals it planted in a JSON file. The warehouse built from it must report the same totals.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from erp_core import db
from erp_core.demo.generate import generate
from erp_core.demo.scales import SCALES
from tests.conftest import clone_database
from tests.dbt.warehouse import (
    CLOCK_MARTS,
    MARTS,
    Dbt,
    DbtRun,
    copy_core_to_duckdb,
    duck_rows,
    in_parallel,
    normalized,
    pg_rows,
    postgres_env,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

END_DATE = dt.date(2026, 10, 31)


@dataclass
class DemoWarehouses:
    core_url: str
    duckdb_path: Path
    truth: dict
    builds: dict[str, DbtRun]
    docs: Path  # the target folder with manifest.json and catalog.json

    def duck_rows(self, sql: str) -> list[tuple]:
        return duck_rows(self.duckdb_path, sql)

    def pg_rows(self, sql: str) -> list[tuple]:
        return pg_rows(self.core_url, sql)

    def both(self, sql: str) -> tuple[list[tuple], list[tuple]]:
        return self.duck_rows(sql), self.pg_rows(sql)


@pytest.fixture(scope="module")
def demo(pg_server, template_db, tmp_path_factory) -> DemoWarehouses:
    core_url = clone_database(pg_server, template_db)
    tmp = tmp_path_factory.mktemp("dbt_demo")
    duckdb_path = tmp / "duckdb" / "warehouse.duckdb"
    duckdb_path.parent.mkdir()
    try:
        with psycopg.connect(core_url) as conn:
            summary = generate(
                conn, SCALES["small"], seed=42, end_date=END_DATE, truth_path=tmp / "truth.json"
            )
        truth = json.loads(summary.truth_path.read_text())
        copy_core_to_duckdb(core_url, duckdb_path)
        duck = Dbt("duckdb", tmp / "duckdb", {"WAREHOUSE_PATH": str(duckdb_path)})
        pg = Dbt("postgres", tmp / "postgres", postgres_env(core_url))
        duck_build, pg_build = in_parallel(
            lambda: duck.ok("build"),
            lambda: (pg.ok("run-operation", "create_raw_views_from_core"), pg.ok("build"))[1],
        )
        duck.ok("docs", "generate", "--no-compile")  # the build wrote the manifest
        yield DemoWarehouses(
            core_url,
            duckdb_path,
            truth,
            {"duckdb": duck_build, "postgres": pg_build},
            tmp / "duckdb" / "target",
        )
    finally:
        db.drop_database(pg_server, core_url)


def test_every_model_and_test_passes_on_both_targets(demo):
    for name, run in demo.builds.items():
        models = {uid.split(".")[2] for uid in run.results if uid.startswith("model.")}
        assert {*MARTS, *CLOCK_MARTS} <= models, name
        assert len([uid for uid in run.results if uid.startswith("test.")]) >= 450, name
        assert run.statuses() == {"success", "pass"}, name


def test_marts_are_identical_on_duckdb_and_postgres(demo):
    for mart in MARTS:
        duck, pg = demo.both(f"select * from marts.{mart}")
        assert duck, mart
        assert normalized(duck) == normalized(pg), mart
    # The clock's marts differ by design (DuckDB: the latest operation; Postgres: now); what
    # does not read the clock must not.
    duck, pg = demo.both(
        "select promotion_id, promotion_name, product_id, store_id, is_all_stores, "
        "discount_pct, start_date, end_date, duration_days from marts.dim_promotion"
    )
    assert duck and normalized(duck) == normalized(pg)


def test_sales_and_refunds_equal_the_planted_truth(demo):
    outcome = demo.truth["outcome"]
    sql = (
        "select sum(case when not is_return then units_qty end), "
        "sum(case when not is_return then total_with_igv_pen end), "
        "-sum(case when is_return then total_with_igv_pen end) from marts.fct_sales_lines"
    )
    expected = [
        (
            Decimal(outcome["sold_units"]),
            Decimal(outcome["total_sales_pen"]),
            Decimal(outcome["total_refunds_pen"]),
        )
    ]
    for rows in demo.both(sql):
        assert rows == expected


def test_facts_hold_every_row_of_the_core(demo):
    core = dict(
        demo.pg_rows(
            "select 'lines', (select count(*) from sale_lines) "
            "+ (select count(*) from return_lines)"
            " union all select 'tickets', (select count(*) from sales) "
            "+ (select count(*) from returns)"
            " union all select 'kardex', count(*) from kardex"
            " union all select 'customers', count(*) from customers"
        )
    )
    sql = (
        "select (select count(*) from marts.fct_sales_lines), "
        "(select count(*) from marts.fct_customer_transactions), "
        "(select count(*) from marts.fct_inventory_movements), "
        "(select count(*) from marts.dim_customer)"
    )
    for rows in demo.both(sql):
        assert rows == [(core["lines"], core["tickets"], core["kardex"], core["customers"])]
    pseudonyms = {r[0] for r in demo.duck_rows("select customer_pseudonym from marts.dim_customer")}
    assert pseudonyms == set(demo.truth["customers"])


def test_the_demos_lost_sales_show_up_as_stockout_days(demo):
    assert demo.truth["outcome"]["lost_units"] > 0
    [(stockout_days, product_days)] = demo.duck_rows(
        "select count(*) filter (where is_stockout), count(*) from marts.fct_inventory_daily"
    )
    assert 0 < stockout_days < product_days


def test_abc_classes_follow_pareto(demo):
    counts = dict(demo.duck_rows("select abc_class, count(*) from marts.dim_product group by 1"))
    assert set(counts) == {"A", "B", "C"}
    assert counts["A"] < counts["B"] + counts["C"]


def test_docs_generate_documents_every_model(demo):
    catalog = json.loads((demo.docs / "catalog.json").read_text())
    manifest = json.loads((demo.docs / "manifest.json").read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) >= 45
    assert [m["name"] for m in models if not m["description"]] == []
    undocumented_columns = [
        (m["name"], column)
        for m in models
        for column in catalog["nodes"][m["unique_id"]]["columns"]
        if column.lower() not in {c.lower() for c in m["columns"]}
    ]
    assert undocumented_columns == []


def test_delisted_products_are_never_out_of_stock_after_their_delisting(demo):
    delisted = dict(
        demo.duck_rows(
            "select sku, delisted_date from marts.dim_product where delisted_date is not null"
        )
    )
    assert set(delisted) == set(demo.truth["products"]["delisted"])
    assert delisted  # the small chain delists some products
    [(after, empty_after, stockouts_after, stockouts_before)] = demo.duck_rows(
        "select count(*) filter (where not d.is_listed), "
        "count(*) filter (where not d.is_listed and d.stock_on_hand_qty = 0), "
        "count(*) filter (where d.is_stockout and d.date_day >= p.delisted_date), "
        "count(*) filter (where d.is_stockout and d.date_day < p.delisted_date) "
        "from marts.fct_inventory_daily d join marts.dim_product p using (product_id) "
        "where p.delisted_date is not null"
    )
    # Their shelves empty after the delisting (no more replenishment): not stockouts.
    assert after > 0 and empty_after > 0
    assert stockouts_after == 0
    assert stockouts_before >= 0
    [(not_listed_elsewhere,)] = demo.duck_rows(
        "select count(*) from marts.fct_inventory_daily d join marts.dim_product p "
        "using (product_id) where not d.is_listed and p.delisted_date is null "
        "and (p.listed_date is null or d.date_day >= p.listed_date)"
    )
    assert not_listed_elsewhere == 0


def test_price_calendar_matches_the_demos_sale_lines(demo):
    """Every sale line on a listed day is priced as its calendar row says; delisted products'
    clearance sales fall outside the calendar."""
    sql = (
        "select count(*), count(c.date_day), count(case when "
        "c.regular_price_pen = l.list_price_pen and c.effective_price_pen = l.unit_price_pen "
        "and coalesce(c.promotion_id, 0) = coalesce(l.promotion_id, 0) then 1 end) "
        "from staging.stg_erp__sale_lines l join marts.dim_product p using (product_id) "
        "left join marts.fct_price_calendar c on c.product_id = l.product_id "
        "and c.store_id = l.store_id and c.date_day = l.sale_date "
        "where (p.delisted_date is null or l.sale_date < p.delisted_date)"
    )
    for rows in demo.both(sql):
        [(lines, found, equal)] = rows
        assert lines > 1000
        assert found == equal == lines


def test_future_price_calendar_holds_the_demos_planned_promotions(demo):
    planned = demo.truth["promotion_uplift"]["planned_promotions"]
    [(start, end)] = demo.duck_rows(
        "select min(date_day), max(date_day) from marts.fct_price_calendar_future"
    )
    assert start == END_DATE + dt.timedelta(days=1)
    assert end == END_DATE - dt.timedelta(days=1) + dt.timedelta(days=56)
    rows = demo.duck_rows(
        "select c.promotion_id, p.sku, min(c.date_day), max(c.date_day), "
        "count(distinct c.store_id), min(c.discount_pct) from marts.fct_price_calendar_future c "
        "join marts.dim_product p using (product_id) where c.is_promotion group by 1, 2"
    )
    stores = demo.duck_rows("select count(*) from marts.dim_store where not is_warehouse")[0][0]
    expected = set()
    for promo in planned:
        first = dt.date.fromisoformat(promo["starts_on"])
        last = min(dt.date.fromisoformat(promo["ends_on"]), end)
        if first <= end:
            covered = 1 if promo["store"] else stores
            pct = Decimal(promo["discount_pct"])
            expected.add((promo["promotion_id"], promo["sku"], first, last, covered, pct))
    assert expected
    assert set(rows) == expected
