"""The dbt project, built for real on both targets from a small hand-made chain.

One fresh Postgres database per module holds the core; DuckDB gets its `raw` schema copied with
the postgres scanner (as the Dagster extract does), Postgres gets views from
`create_raw_views_from_core`. `dbt build` runs on both, then again after a second batch of
operations (the incremental path), and the tests check the numbers against hand computations,
against each other and against a full refresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
import pytest

from erp_core import db, partitions
from tests.conftest import clone_database
from tests.dbt.handmade_chain import (
    HandmadeChain,
    day,
    load_first_batch,
    load_master_data,
    load_second_batch,
)
from tests.dbt.warehouse import (
    CLOCK_MARTS,
    MARTS,
    Dbt,
    DbtRun,
    copy_core_to_duckdb,
    copy_warehouse,
    duck_rows,
    in_parallel,
    normalized,
    pg_rows,
    postgres_env,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

INCREMENTAL_MODELS = (
    "int_inventory__daily_movements",
    "fct_sales_lines",
    "fct_daily_sales",
    "fct_inventory_movements",
    "fct_inventory_daily",
    "fct_customer_transactions",
    "fct_price_calendar",
)
AS_OF = day(7)


@dataclass
class Warehouses:
    core_url: str
    duckdb_path: Path
    chain: HandmadeChain
    builds: dict[str, DbtRun]
    incremental_snapshot: dict[str, list[tuple]]
    full_refresh_snapshot: dict[str, list[tuple]]
    planted: DbtRun
    planted_path: Path

    def duck_rows(self, sql: str) -> list[tuple]:
        return duck_rows(self.duckdb_path, sql)

    def pg_rows(self, sql: str) -> list[tuple]:
        return pg_rows(self.core_url, sql)

    def both(self, sql: str) -> tuple[list[tuple], list[tuple]]:
        return self.duck_rows(sql), self.pg_rows(sql)


def plant_bad_rows(warehouse: Path, sale_id: int) -> None:
    """A sale header whose total no longer equals its lines; a kardex balance off by one."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            f"update raw.sales set total_amount = total_amount + 1 where sale_id = {sale_id}"
        )
        con.execute(
            "update raw.kardex set balance_quantity = balance_quantity + 1 "
            "where kardex_id = (select max(kardex_id) from raw.kardex)"
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouses(pg_server, template_db, tmp_path_factory) -> Warehouses:
    """Build both targets twice (first load, then an incremental run after a second batch), then
    on copies of the DuckDB file: a full refresh and a build over planted bad rows."""
    core_url = clone_database(pg_server, template_db)
    tmp = tmp_path_factory.mktemp("dbt_project")
    duckdb_path = tmp / "duckdb" / "warehouse.duckdb"
    duckdb_path.parent.mkdir()
    duck = Dbt("duckdb", tmp / "duckdb", {"WAREHOUSE_PATH": str(duckdb_path)})
    pg = Dbt("postgres", tmp / "postgres", postgres_env(core_url))
    conn = psycopg.connect(core_url, autocommit=True)
    try:
        partitions.ensure_partitions(conn, dt.date(2026, 9, 1), dt.date(2026, 11, 30))
        chain = load_first_batch(conn)
        copy_core_to_duckdb(core_url, duckdb_path)
        first_duck, first_pg = in_parallel(
            lambda: duck.ok("build"),
            lambda: (pg.ok("run-operation", "create_raw_views_from_core"), pg.ok("build"))[1],
        )

        # The second build skips the staging views (unchanged) and the tests on them alone.
        load_second_batch(chain)
        copy_core_to_duckdb(core_url, duckdb_path)
        second_build = ("build", "--exclude", "path:models/staging")
        incremental_duck, incremental_pg = in_parallel(
            lambda: duck.ok(*second_build), lambda: pg.ok(*second_build)
        )
        builds = {
            "duckdb_first": first_duck,
            "postgres_first": first_pg,
            "duckdb_incremental": incremental_duck,
            "postgres_incremental": incremental_pg,
        }

        # On copies of the DuckDB file, at the same time: a full refresh of the incremental
        # models, and a build over planted bad rows.
        refreshed = copy_warehouse(duckdb_path, tmp / "refresh")
        planted = copy_warehouse(duckdb_path, tmp / "planted")
        plant_bad_rows(planted, chain.sales["s3"].sale_id)
        refresh = Dbt("duckdb", tmp / "refresh", {"WAREHOUSE_PATH": str(refreshed)})
        planting = Dbt("duckdb", tmp / "planted", {"WAREHOUSE_PATH": str(planted)})
        _, planted_run = in_parallel(
            lambda: refresh.ok("run", "--full-refresh", "-s", "config.materialized:incremental"),
            lambda: planting("build", "--select", "stg_erp__sales", "fct_inventory_movements"),
        )

        snapshot_sql = {m: f"select * from marts.{m}" for m in INCREMENTAL_MODELS}
        snapshot_sql["int_inventory__daily_movements"] = (
            "select * from intermediate.int_inventory__daily_movements"
        )
        incremental = {m: normalized(duck_rows(duckdb_path, q)) for m, q in snapshot_sql.items()}
        full = {m: normalized(duck_rows(refreshed, q)) for m, q in snapshot_sql.items()}

        yield Warehouses(
            core_url, duckdb_path, chain, builds, incremental, full, planted_run, planted
        )
    finally:
        conn.close()
        db.drop_database(pg_server, core_url)


# -- the builds ---------------------------------------------------------------------------


def test_build_runs_every_model_and_test_on_both_targets(warehouses):
    for name, run in warehouses.builds.items():
        models = {uid.split(".")[2] for uid in run.results if uid.startswith("model.")}
        staging = {m for m in models if m.startswith("stg_erp__")}
        tests = [uid for uid in run.results if uid.startswith("test.")]
        assert {*MARTS, *CLOCK_MARTS} <= models, name
        if name.endswith("_first"):  # one staging model per core table but idempotency_keys
            assert len(staging) == 29 and len(tests) >= 450, name
        else:  # the second build skips the staging views and the tests on them alone
            assert not staging and len(tests) >= 150, name
        assert run.statuses() == {"success", "pass"}, name


def test_marts_are_identical_on_duckdb_and_postgres(warehouses):
    for mart in MARTS:
        duck, pg = warehouses.both(f"select * from marts.{mart}")
        assert normalized(duck) == normalized(pg), mart


def test_incremental_runs_equal_a_full_refresh(warehouses):
    for model, rows in warehouses.incremental_snapshot.items():
        assert rows, model
        assert rows == warehouses.full_refresh_snapshot[model], model


def test_incremental_models_built_before_the_first_sale_fill_in_later(
    pg_server, template_db, tmp_path
):
    """A chain whose warehouse is first built with master data only (a new deployment, the
    hourly refresh running before the first sale): the incremental facts are created empty,
    and the next run must load everything that arrived since, not filter on an empty max."""
    core_url = clone_database(pg_server, template_db)
    warehouse = tmp_path / "duckdb" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    duck = Dbt("duckdb", tmp_path / "duckdb", {"WAREHOUSE_PATH": str(warehouse)})
    try:
        with psycopg.connect(core_url, autocommit=True) as conn:
            partitions.ensure_partitions(conn, dt.date(2026, 9, 1), dt.date(2026, 11, 30))
            chain = load_master_data(conn)
            copy_core_to_duckdb(core_url, warehouse)
            duck.ok("seed")
            duck.ok("run")
            assert duck_rows(warehouse, "select count(*) from marts.fct_sales_lines") == [(0,)]

            load_first_batch(conn, chain)
            copy_core_to_duckdb(core_url, warehouse)
            duck.ok("run")
    finally:
        db.drop_database(pg_server, core_url)

    # The first batch: 6 tickets with 7 lines selling 5 + 2 + 10 + 5 + 17 + 5 = 44 units and a
    # return of one soda (day 4), 43 net; 7 transactions; kardex movements every day, 1st-6th.
    sql = {
        "fct_sales_lines": "select count(*), sum(units_qty) from marts.fct_sales_lines",
        "fct_daily_sales": "select sum(sale_lines_count), sum(net_qty) from marts.fct_daily_sales",
        "fct_customer_transactions": (
            "select count(*), sum(units_qty) from marts.fct_customer_transactions"
        ),
        "fct_inventory_movements": (
            "select count(distinct movement_date), max(movement_date) "
            "from marts.fct_inventory_movements"
        ),
        "int_inventory__daily_movements": (
            "select count(distinct movement_date), max(movement_date) "
            "from intermediate.int_inventory__daily_movements"
        ),
        "fct_inventory_daily": "select count(*) from marts.fct_inventory_daily",
    }
    expected = {
        "fct_sales_lines": [(8, Decimal("43"))],
        "fct_daily_sales": [(7, Decimal("43"))],
        "fct_customer_transactions": [(7, Decimal("43"))],
        "fct_inventory_movements": [(6, day(6))],
        "int_inventory__daily_movements": [(6, day(6))],
        # every pair is stocked on the 1st (the warehouse's four, Arequipa's soda, Lima's soda,
        # milk and apple): 8 pairs x 6 days
        "fct_inventory_daily": [(48,)],
    }
    got = {model: duck_rows(warehouse, query) for model, query in sql.items()}
    assert got == expected


# -- the numbers, by hand -----------------------------------------------------------------


def test_sales_lines_hold_every_sale_line_and_return_line(warehouses):
    # 8 tickets with 9 lines (s1 has two) selling 5 + 2 + 10 + 5 + 17 + 5 + 1 + 3 = 48 units,
    # and 2 returns of one unit each.
    for rows in warehouses.both(
        "select line_type, count(*), sum(units_qty) from marts.fct_sales_lines "
        "group by line_type order by line_type"
    ):
        assert rows == [("return", 2, Decimal("-2")), ("sale", 9, Decimal("48"))]


def test_soda_margin_in_october_matches_the_hand_computation(warehouses):
    # Soda sells at S/ 3.54 with IGV = 3.00 net. Net sales: s1 3 (9.00) + s3 10 (30.00)
    # + s4 5 (15.00) + s6 5 (15.00) + s7 1 (3.00) - returns of s1 and s4 (2 x 3.00) = 66.00.
    # Cost: s1 3 x 2.00 = 6.00 (Lima's stock came from the warehouse at 2.00); s3 10 x 2.10
    # = 21.00 and s6 5 x 2.10 = 10.50, s7 1 x 2.10 = 2.10 (Arequipa bought at 2.10); s4 5 at
    # Lima's new average (37 x 2.00 + 20 x 2.30) / 57 = 2.105263 -> 10.53; returns come back
    # at the cost they left with: -2.00 (s1) and -2.11 (s4). Cost 46.02, margin 19.98.
    sql = (
        "select net_sales_pen, cost_pen, margin_pen, sold_qty, returned_qty "
        "from marts.mart_profitability_product_monthly "
        "where sku = 'GAS-500' and month_start_date = date '2026-10-01'"
    )
    expected = [(Decimal("66.00"), Decimal("46.02"), Decimal("19.98"), Decimal(24), Decimal(2))]
    for rows in warehouses.both(sql):
        assert rows == expected


def test_promotion_discount_and_igv_split_of_a_line(warehouses):
    # s2: 2 milks at 4.72 with 10 % off: unit 4.25, paid 8.50, discount 0.94, base 8.50 / 1.18
    # = 7.20, IGV 1.30; cost 2 x 3.00 = 6.00; margin 1.20.
    sql = (
        "select l.gross_sales_pen, l.discount_pen, l.total_with_igv_pen, l.net_sales_pen, "
        "l.igv_pen, l.cost_pen, l.margin_pen, l.is_promotion from marts.fct_sales_lines l "
        "join marts.dim_product p using (product_id) "
        "where p.sku = 'LEC-1L' and l.transaction_date = date '2026-10-02'"
    )
    money = ("9.44", "0.94", "8.50", "7.20", "1.30", "6.00", "1.20")
    expected = [(*(Decimal(v) for v in money), True)]
    for rows in warehouses.both(sql):
        assert rows == expected


def test_a_return_is_a_negative_line_on_the_return_date(warehouses):
    sql = (
        "select transaction_date, sale_date, document_type, units_qty, net_sales_pen, "
        "cost_pen, customer_id is null from marts.fct_sales_lines "
        "where line_type = 'return' order by transaction_date"
    )
    expected = [
        (day(4), day(2), "07", Decimal("-1.000"), Decimal("-3.00"), Decimal("-2.00"), True),
        (day(7), day(3), "07", Decimal("-1.000"), Decimal("-3.00"), Decimal("-2.11"), False),
    ]
    for rows in warehouses.both(sql):
        assert rows == expected


def test_inventory_daily_is_dense_from_each_first_movement_to_the_as_of_date(warehouses):
    kardex = warehouses.pg_rows(
        "select product_id, store_id, min(movement_date) from kardex group by 1, 2"
    )
    expected_rows = sum((AS_OF - first).days + 1 for _, _, first in kardex)
    for rows in warehouses.both("select count(*) from marts.fct_inventory_daily"):
        assert rows == [(expected_rows,)]


def test_milk_in_lima_is_a_stockout_until_restocked(warehouses):
    # Lima got 20 milks on the 1st, sold 2 on the 2nd, lost 1 and sold 17 on the 4th: out of
    # stock on the 4th and 5th, 10 back on the 6th, 3 sold on the 7th.
    sql = (
        "select d.date_day, d.stock_on_hand_qty, d.stock_value_pen, d.is_stockout, "
        "d.has_movement from marts.fct_inventory_daily d "
        "join marts.dim_product p using (product_id) join marts.dim_store s using (store_id) "
        "where p.sku = 'LEC-1L' and s.store_code = '0001' order by d.date_day"
    )
    expected = [
        (day(1), Decimal(20), Decimal("60.00"), False, True),
        (day(2), Decimal(18), Decimal("54.00"), False, True),
        (day(3), Decimal(18), Decimal("54.00"), False, False),
        (day(4), Decimal(0), Decimal("0.00"), True, True),
        (day(5), Decimal(0), Decimal("0.00"), True, False),
        (day(6), Decimal(10), Decimal("30.00"), False, True),
        (day(7), Decimal(7), Decimal("21.00"), False, True),
    ]
    for rows in warehouses.both(sql):
        assert rows == expected


def test_inventory_daily_closes_at_the_cores_stock_balances(warehouses):
    duck = warehouses.duck_rows(
        "select product_id, store_id, stock_on_hand_qty, stock_value_pen "
        f"from marts.fct_inventory_daily where date_day = date '{AS_OF}'"
    )
    core = warehouses.pg_rows(
        "select product_id, store_id, quantity, total_value from stock_balances"
    )
    assert normalized(duck) == normalized(core)


def test_abc_class_ranks_products_by_margin_contribution(warehouses):
    # Margins: milk 21.20 (s2 1.20, s5 68.00 - 51.00 = 17.00, s8 12.00 - 9.00 = 3.00), soda
    # 19.98, apple 1.60 (s1 4.00 - 2.40), water none; total 42.78. Milk and soda start below
    # 80 % of it (34.22): A; apple starts at 41.18, beyond 95 % (40.64): C; water: C.
    sql = (
        "select sku, abc_class, abc_margin_pen from marts.dim_product order by abc_margin_pen desc"
    )
    expected = [
        ("LEC-1L", "A", Decimal("21.20")),
        ("GAS-500", "A", Decimal("19.98")),
        ("MAN-KG", "C", Decimal("1.60")),
        ("AGU-625", "C", Decimal("0.00")),
    ]
    for rows in warehouses.both(sql):
        assert rows == expected


def test_profitability_marts_add_up_to_the_sales_lines(warehouses):
    totals = warehouses.duck_rows(
        "select sum(net_sales_pen), sum(margin_pen) from marts.fct_sales_lines"
    )
    for mart in ("product", "category", "supplier", "store"):
        rows = warehouses.duck_rows(
            f"select sum(net_sales_pen), sum(margin_pen) "
            f"from marts.mart_profitability_{mart}_monthly"
        )
        assert rows == totals, mart


def test_store_mart_counts_tickets_and_losses(warehouses):
    sql = (
        "select s.store_code, m.tickets_count, m.returns_count, m.shrinkage_pen, m.count_loss_pen "
        "from marts.mart_profitability_store_monthly m join marts.dim_store s using (store_id) "
        "order by s.store_code"
    )
    expected = [
        ("0001", 5, 2, Decimal("3.00"), Decimal("0.00")),  # a spoiled milk at 3.00
        ("0002", 3, 0, Decimal("0.00"), Decimal("0.00")),
        ("0003", 0, 0, Decimal("0.00"), Decimal("1.00")),  # 2 waters missing at 0.50
    ]
    for rows in warehouses.both(sql):
        assert rows == expected


# -- customers and personal data ----------------------------------------------------------


def test_customer_transactions_are_pseudonymous_tickets(warehouses):
    sql = (
        "select transaction_type, customer_pseudonym, main_payment_method_code, lines_count, "
        "product_ids is not null, total_with_igv_pen from marts.fct_customer_transactions "
        "order by transaction_date, transacted_at"
    )
    for rows in warehouses.both(sql):
        assert len(rows) == 10  # 8 tickets and 2 returns
        assert rows[0] == ("sale", None, "cash", 2, True, Decimal("14.62"))
        assert ("sale", "psd_ana", "yape", 1, True, Decimal("8.50")) in rows


def test_blocked_customers_are_not_profiled(warehouses):
    for rows in warehouses.both(
        "select customer_pseudonym, is_profilable, is_marketable from marts.dim_customer "
        "order by customer_pseudonym"
    ):
        assert rows == [
            ("psd_ana", True, True),
            ("psd_beto", False, False),
            ("psd_bodega", True, False),
        ]
    for rows in warehouses.both(
        "select distinct customer_pseudonym from marts.mart_profitability_customer_monthly "
        "order by 1"
    ):
        assert rows == [("psd_ana",), ("psd_bodega",)]


def test_no_personal_data_reaches_the_warehouse(warehouses):
    sql = (
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('raw', 'staging', 'intermediate', 'marts') and ("
        "column_name like '%enc' or column_name like '%blind%' or column_name like '%email%' "
        "or column_name like '%phone%' or column_name like '%doc_number%' "
        "or (table_name like '%customer%' and column_name = 'name'))"
    )
    for rows in warehouses.both(sql):
        assert rows == []
    columns = warehouses.duck_rows(
        "select column_name from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'dim_customer'"
    )
    assert ("customer_pseudonym",) in columns


# -- the calendar -------------------------------------------------------------------------


def test_dim_date_knows_the_peruvian_retail_calendar(warehouses):
    sql = (
        "select date_day, is_holiday, holiday_name, retail_event, is_payday, "
        "is_gratificacion_payday from marts.dim_date where date_day in ("
        "date '2026-05-10', date '2026-07-15', date '2026-07-28', date '2026-12-25') "
        "order by date_day"
    )
    expected = [
        (dt.date(2026, 5, 10), False, None, "Día de la Madre", False, False),
        (dt.date(2026, 7, 15), False, None, "Cyber Wow", True, True),
        (dt.date(2026, 7, 28), True, "Día de la Independencia", "Fiestas Patrias", False, False),
        (dt.date(2026, 12, 25), True, "Navidad del Señor", "Navidad", False, False),
    ]
    for rows in warehouses.both(sql):
        assert rows == expected
    span = "select min(date_day), max(date_day), count(*) from marts.dim_date"
    for rows in warehouses.both(span):
        assert rows == [(dt.date(2020, 1, 1), dt.date(2030, 12, 31), 4018)]


# -- the domain tests catch bad data ------------------------------------------------------


def test_planted_bad_rows_fail_the_domain_tests(warehouses):
    run = warehouses.planted
    assert run.returncode != 0
    failed = {uid.split(".")[2] for uid, status in run.results.items() if status == "fail"}
    assert failed == {
        "assert_sale_header_totals_equal_sum_of_lines",
        "assert_kardex_running_balance_equals_cumulative_movements",
    }, run.output[-4000:]
    header = next(u for u in run.results if "assert_sale_header_totals" in u)
    assert run.failures[header] == 1
    assert "pass" in run.statuses()


def test_windowed_tests_check_only_the_days_from_the_window_start(warehouses, tmp_path):
    """The hourly refresh tests recent rows only (DBT_TEST_WINDOW_START): the header planted on
    day 2 is outside a window from day 3, the kardex balance planted on the latest movement is
    inside; a window from day 2 sees both."""
    tests = (
        "assert_sale_header_totals_equal_sum_of_lines",
        "assert_kardex_running_balance_equals_cumulative_movements",
        "unique_stg_erp__sales_sale_id",
        "not_null_fct_inventory_movements_movement_date",
    )

    def failing(window_start: dt.date) -> set[str]:
        env = {
            "WAREHOUSE_PATH": str(warehouses.planted_path),
            "DBT_TEST_WINDOW_START": window_start.isoformat(),
        }
        run = Dbt("duckdb", tmp_path / window_start.isoformat(), env)("test", "--select", *tests)
        assert len(run.results) == len(tests), run.output[-4000:]
        return {uid.split(".")[2] for uid, status in run.results.items() if status == "fail"}

    assert warehouses.chain.sales["s3"].sale_date == day(2)
    assert failing(day(3)) == {"assert_kardex_running_balance_equals_cumulative_movements"}
    assert failing(day(2)) == {
        "assert_sale_header_totals_equal_sum_of_lines",
        "assert_kardex_running_balance_equals_cumulative_movements",
    }


# -- prices and promotions ----------------------------------------------------------------


def test_price_calendar_holds_the_price_of_every_sale_line(warehouses):
    """Every sale line's list price, unit price and promotion are its day's calendar row."""
    sql = (
        "select count(*), count(c.date_day), "
        "count(case when c.regular_price_pen = l.list_price_pen "
        "and c.effective_price_pen = l.unit_price_pen "
        "and coalesce(c.promotion_id, 0) = coalesce(l.promotion_id, 0) then 1 end) "
        "from staging.stg_erp__sale_lines l left join marts.fct_price_calendar c "
        "on c.product_id = l.product_id and c.store_id = l.store_id and c.date_day = l.sale_date"
    )
    for rows in warehouses.both(sql):
        assert rows == [(9, 9, 9)]


def test_price_calendar_by_hand(warehouses):
    # Milk in Lima: 10 % off on the 1st and 2nd (4.72 -> 4.25), sold on the 2nd, 4th and 7th
    # at 4.72. Soda first sells on the 2nd: the 1st carries its price back. Water never sells:
    # today's list price. Arequipa's milk has no promotion.
    sql = (
        "select p.sku, s.store_code, c.date_day, c.regular_price_pen, c.effective_price_pen, "
        "c.discount_pct, c.is_promotion, c.regular_price_source from marts.fct_price_calendar c "
        "join marts.dim_product p using (product_id) join marts.dim_store s using (store_id) "
        "where (p.sku = 'LEC-1L' and c.date_day <= date '2026-10-03') "
        "or (p.sku in ('GAS-500', 'AGU-625') and c.date_day = date '2026-10-01' "
        "and s.store_code = '0001') order by 1, 2, 3"
    )
    p = Decimal
    expected = [
        ("AGU-625", "0001", day(1), p("1.18"), p("1.18"), p("0.00"), False, "list_price"),
        ("GAS-500", "0001", day(1), p("3.54"), p("3.54"), p("0.00"), False, "carried_back"),
        ("LEC-1L", "0001", day(1), p("4.72"), p("4.25"), p("10.00"), True, "carried_back"),
        ("LEC-1L", "0001", day(2), p("4.72"), p("4.25"), p("10.00"), True, "sale_lines"),
        ("LEC-1L", "0001", day(3), p("4.72"), p("4.72"), p("0.00"), False, "carried_forward"),
        ("LEC-1L", "0002", day(1), p("4.72"), p("4.72"), p("0.00"), False, "carried_back"),
        ("LEC-1L", "0002", day(2), p("4.72"), p("4.72"), p("0.00"), False, "sale_lines"),
        ("LEC-1L", "0002", day(3), p("4.72"), p("4.72"), p("0.00"), False, "carried_forward"),
    ]
    for rows in warehouses.both(sql):
        assert rows == expected
    # 4 products x 2 selling stores (never the warehouse) x 7 days of history
    for rows in warehouses.both(
        "select count(*), min(date_day), max(date_day), bool_or(is_future) "
        "from marts.fct_price_calendar"
    ):
        assert rows == [(56, day(1), day(7), False)]


def test_future_price_calendar_holds_the_planned_promotion(warehouses):
    # Soda is planned 20 % off in every store from the 9th to the 12th: 3.54 -> 2.83. On DuckDB
    # the core was read (as far as the warehouse knows) at the last operation, on the 7th: the
    # horizon runs 56 days from the last complete day, the 6th.
    soda_promo = warehouses.chain.ids["soda_promo"]
    sql = (
        "select c.date_day, count(*), min(c.effective_price_pen), max(c.effective_price_pen), "
        "min(c.promotion_id), bool_and(c.is_future) from marts.fct_price_calendar_future c "
        "join marts.dim_product p using (product_id) where p.sku = 'GAS-500' "
        "and c.date_day between date '2026-10-08' and date '2026-10-13' group by 1 order by 1"
    )
    p = Decimal
    plain = (2, p("3.54"), p("3.54"), None, True)
    promoted = (2, p("2.83"), p("2.83"), soda_promo, True)
    expected = [(day(8), *plain)] + [(day(n), *promoted) for n in range(9, 13)]
    expected += [(day(13), *plain)]
    for rows in warehouses.both(sql):
        assert rows == expected
    span = "select min(date_day), max(date_day), count(*) from marts.fct_price_calendar_future"
    last_complete = day(6)
    assert warehouses.duck_rows(span) == [
        (day(8), last_complete + dt.timedelta(days=56), 4 * 2 * (56 - 1))
    ]
    status = "select promotion_id, promotion_status from marts.dim_promotion order by 1"
    for rows in warehouses.both(status):
        assert rows == [(warehouses.chain.ids["milk_promo"], "finished"), (soda_promo, "planned")]


# -- which days are complete --------------------------------------------------------------


def test_the_latest_day_is_flagged_partial(warehouses):
    """On DuckDB without an extract log the last operation (10:1x in Lima on the 7th) is the
    watermark: the 7th is still under way, the 6th is the last complete day."""
    sql = (
        "select s.store_code, c.last_sale_date, c.latest_data_date, c.watermark_source, "
        "c.watermark_date, c.last_complete_date, c.is_latest_day_partial, "
        "c.forecast_start_date, c.forecast_end_date from marts.mart_data_completeness c "
        "join marts.dim_store s using (store_id) order by 1"
    )
    horizon = (day(7), day(6) + dt.timedelta(days=56))
    assert warehouses.duck_rows(sql) == [
        ("0001", day(7), day(7), "latest_operation", day(7), day(6), True, *horizon),
        ("0002", day(5), day(7), "latest_operation", day(7), day(6), True, *horizon),
        ("0003", None, day(7), "latest_operation", day(7), day(6), True, *horizon),
    ]
    # Postgres reads the core live: October ended long before the build, so the 7th is whole.
    assert warehouses.pg_rows(
        "select distinct watermark_source, last_complete_date, is_latest_day_partial "
        "from marts.mart_data_completeness"
    ) == [("live", day(7), False)]


# -- purchasing ---------------------------------------------------------------------------


def test_purchase_order_lines_reconcile_with_their_receipts(warehouses):
    # Worked by hand from the orders of handmade_chain.load_first_batch: open = ordered -
    # received while the order is open; lead time = first receipt - order date.
    sql = (
        "select p.sku, s.store_code, l.purchase_order_status, l.ordered_date, "
        "l.first_receipt_date, l.ordered_qty, l.received_qty, l.unreceived_qty, l.open_qty, "
        "l.lead_time_days, l.delay_days, l.is_late, l.fill_rate "
        "from marts.fct_purchase_order_lines l join marts.dim_product p using (product_id) "
        "join marts.dim_store s using (store_id) order by l.purchase_order_line_id"
    )
    q = Decimal
    expected = [
        ("LEC-1L", "0003", "received", day(-3), day(1), q(60), q(50), q(10), q(0), 4, 1, True,
         q("0.8333")),
        ("MAN-KG", "0003", "received", day(-3), day(1), q(40), q(40), q(0), q(0), 4, 1, True,
         q("1.0000")),
        ("GAS-500", "0002", "open", day(-2), day(1), q(40), q(30), q(10), q(10), 3, 0, False,
         q("0.7500")),
        ("GAS-500", "0001", "received", day(1), day(3), q(20), q(20), q(0), q(0), 2, 0, False,
         q("1.0000")),
        ("AGU-625", "0003", "open", day(5), None, q(24), q(0), q(24), q(24), None, None, None,
         None),
        ("GAS-500", "0003", "open", day(5), None, q(50), q(0), q(50), q(50), None, None, None,
         None),
    ]  # fmt: skip
    for rows in warehouses.both(sql):
        assert rows == expected


def test_product_supplier_figures(warehouses):
    # Soda: three lines, two received (lead 3 and 2 days), 50 of the 60 units of the lines
    # received or closed came, 10 + 50 still open; pack and per-line minimum: the defaults.
    sql = (
        "select sku, pack_size, min_order_qty, supplier_lead_time_days, order_lines_count, "
        "received_lines_count, mean_lead_time_days, max_lead_time_days, fill_rate, open_qty "
        "from marts.dim_product_supplier order by sku"
    )
    q = Decimal
    expected = [
        ("AGU-625", 1, 1, 7, 1, 0, None, None, None, q(24)),
        ("GAS-500", 1, 1, 7, 3, 2, q("2.50"), 3, q("0.8333"), q(60)),
        ("LEC-1L", 1, 1, 7, 1, 1, q("4.00"), 4, q("0.8333"), q(0)),
        ("MAN-KG", 1, 1, 7, 1, 1, q("4.00"), 4, q("1.0000"), q(0)),
    ]
    for rows in warehouses.both(sql):
        assert rows == expected


# -- the retail calendar is the generator's ------------------------------------------------


def test_dim_date_event_flags_are_the_generators_windows(warehouses):
    """Every event window the demo generator plants is its dim_date flag, day by day, over
    every year of the calendar (2020-2030), and no other day carries the flag."""
    from erp_core.demo.calendar import EVENTS
    from erp_core.retail_calendar import EVENT_FLAGS, event_days

    assert {event.name for event in EVENTS} == set(EVENT_FLAGS)
    for event in EVENTS:
        flag = EVENT_FLAGS[event.name]
        planted = {
            first + dt.timedelta(days=i)
            for year in range(2020, 2031)
            for first, last in event.windows(year)
            for i in range((last - first).days + 1)
        }
        assert planted == {d for year in range(2020, 2031) for d in event_days(event.name, year)}
        sql = f"select date_day from marts.dim_date where {flag}"
        flagged = {row[0] for row in warehouses.duck_rows(sql)}
        assert flagged == planted, event.name
    black_friday = warehouses.duck_rows(
        "select date_day from marts.dim_date where is_black_friday and year = 2026"
    )
    assert black_friday == [(dt.date(2026, 11, d),) for d in (27, 28, 29, 30)]
    navidad_previa = warehouses.duck_rows(
        "select min(date_day), max(date_day), count(*) from marts.dim_date "
        "where is_navidad_previa and year = 2026"
    )
    assert navidad_previa == [(dt.date(2026, 11, 15), dt.date(2026, 11, 30), 16)]
