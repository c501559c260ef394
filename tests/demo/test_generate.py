"""The generator as a whole: deterministic, all-or-nothing, careful with existing data, and
leaving a database the transactional services can carry on with."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest

from erp_core.demo.generate import DemoDataError, generate
from erp_core.demo.tables import COLUMNS
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from tests.demo.conftest import SEED, TINY, generate_into

TINY_END = dt.date(2025, 8, 31)


def checksums(url: str) -> dict[str, str]:
    """md5 of every generated table's rows, leaving out ciphertext (random nonces)."""
    sums = {}
    with psycopg.connect(url) as conn:
        for table, columns in COLUMNS.items():
            kept = ", ".join(c for c in columns if not c.endswith("_enc"))
            sums[table] = conn.execute(
                f"select count(*) || ':' || md5(coalesce(string_agg(row({kept})::text, "
                f"E'\\n' order by {kept}), '')) from {table}"
            ).fetchone()[0]
    return sums


def constraint_counts(conn) -> tuple[int, int]:
    return conn.execute(
        "select (select count(*) from pg_constraint where contype = 'f'), "
        "(select count(*) from pg_indexes where schemaname = 'public')"
    ).fetchone()


def test_same_seed_gives_identical_business_tables(fresh_db, tmp_path):
    first = generate_into(fresh_db(), TINY, TINY_END, tmp_path / "a.json")
    second = generate_into(fresh_db(), TINY, TINY_END, tmp_path / "b.json")
    assert first.summary.rows["sale_lines"] > 3000
    assert checksums(first.url) == checksums(second.url)
    assert first.truth == second.truth


def test_another_seed_gives_another_chain(fresh_db, tmp_path):
    first = generate_into(fresh_db(), TINY, TINY_END, tmp_path / "a.json")
    other = generate_into(fresh_db(), TINY, TINY_END, tmp_path / "b.json", seed=SEED + 1)
    assert checksums(first.url)["sale_lines"] != checksums(other.url)["sale_lines"]


def test_refuses_a_database_with_data_unless_replace(fresh_db, tmp_path):
    run = generate_into(fresh_db(), TINY, TINY_END, tmp_path / "a.json")
    before = checksums(run.url)
    with psycopg.connect(run.url) as conn:
        with pytest.raises(DemoDataError, match=r"ya tiene datos \(sales.*--replace"):
            generate(conn, TINY, SEED, TINY_END, truth_path=tmp_path / "b.json")
        assert checksums(run.url) == before
        generate(conn, TINY, SEED, TINY_END, replace=True, truth_path=tmp_path / "c.json")
    assert checksums(run.url) == before


def test_refuses_a_database_without_the_schema(pg_server, tmp_path):
    from erp_core import db

    url = db.create_database(pg_server, prefix="innovalogix_test_empty")
    try:
        schema = "no tiene el esquema.*db upgrade"
        with psycopg.connect(url) as conn, pytest.raises(DemoDataError, match=schema):
            generate(conn, TINY, SEED, TINY_END, truth_path=tmp_path / "t.json")
    finally:
        db.drop_database(pg_server, url)


def test_a_failure_midway_leaves_nothing_behind(fresh_db, tmp_path):
    url = fresh_db()

    def fail_on_day_ten(day: int) -> None:
        if day == 10:
            raise RuntimeError("power cut")

    with psycopg.connect(url) as conn:
        schema = constraint_counts(conn)
        with pytest.raises(RuntimeError, match="power cut"):
            generate(
                conn, TINY, SEED, TINY_END, truth_path=tmp_path / "t.json", on_day=fail_on_day_ten
            )
        assert constraint_counts(conn) == schema
        assert conn.execute(
            "select (select count(*) from stores) + (select count(*) from kardex)"
        ).fetchone() == (0,)
    assert not (tmp_path / "t.json").exists()


def test_services_carry_on_where_the_bulk_load_stopped(fresh_db, tmp_path):
    run = generate_into(fresh_db(), TINY, TINY_END, tmp_path / "a.json")
    with psycopg.connect(run.url) as conn:
        sku, qty, value, store_code, last_sale, last_number = conn.execute(
            """
            select p.sku, b.quantity, b.total_value, s.code,
                   (select max(sale_id) from sales),
                   (select last_number from comprobante_series where serie = 'B001')
            from stock_balances b join products p using (product_id)
            join stores s using (store_id)
            where s.code = '0001' and b.quantity >= 2 and p.igv_affectation = '10'
            order by p.sku limit 1
            """
        ).fetchone()
        price = conn.execute("select list_price from products where sku = %s", (sku,)).fetchone()[0]
        result = sell(
            conn,
            SaleRequest(
                idempotency_key="after-demo-1",
                store_code=store_code,
                lines=[SaleLineInput(sku, Decimal(1))],
                payments=[PaymentInput("cash", price)],
                sold_at=dt.datetime(2025, 9, 1, 15, 0, tzinfo=dt.UTC),
            ),
        )
        assert (result.serie, result.number) == ("B001", last_number + 1)
        assert result.sale_id == last_sale + 1
        after = conn.execute(
            "select k.balance_quantity, k.total_out, b.total_value from kardex k "
            "join stock_balances b using (store_id, product_id) "
            "where k.source_table = 'sales' and k.source_id = %s",
            (result.sale_id,),
        ).fetchone()
    assert after[0] == qty - 1
    assert after[2] == value - after[1]


PARTITIONED_INDEXES = """
select p.relname,
    (select count(*) from pg_index i where i.indrelid = p.oid),
    (select min((select count(*) from pg_index ci where ci.indrelid = h.inhrelid))
     from pg_inherits h where h.inhparent = p.oid),
    (select bool_and(i.indisvalid) from pg_index i where i.indrelid = p.oid)
from pg_class p where p.relkind = 'p' order by 1
"""


def test_the_partitions_keep_every_index_after_the_bulk_load(fresh_db, tmp_path):
    """The load drops the plain indexes and builds them again over every partition: each
    partitioned table's indexes are valid and each of its partitions has all of them."""
    run = generate_into(fresh_db(), TINY, TINY_END, tmp_path / "a.json")
    with psycopg.connect(run.url) as conn:
        tables = conn.execute(PARTITIONED_INDEXES).fetchall()
        invalid = conn.execute("select count(*) from pg_index where not indisvalid").fetchone()[0]
    assert [t[0] for t in tables] == ["kardex", "sale_lines", "sale_payments", "sales"]
    for name, indexes, fewest_on_a_partition, valid in tables:
        assert valid, name
        assert fewest_on_a_partition == indexes, name
    assert invalid == 0
