"""Migrations go down and up again: a release can be rolled back and re-applied."""

import datetime as dt

from alembic import command

from erp_core import db, migrate

SALE_FUNCTIONS = ("claim_sale", "record_sale", "post_sale", "sale_line_amounts",
                  "issue_at_average", "next_comprobante_number",
                  "register_comprobante_number", "post_sales", "sale_refusal")  # fmt: skip


def sale_functions(url: str) -> list[str]:
    with db.connect(url) as conn:
        rows = conn.execute(
            "select proname from pg_proc where proname = any(%s) order by 1",
            (list(SALE_FUNCTIONS),),
        ).fetchall()
    return [row[0] for row in rows]


def codes_checked_for_length(url: str) -> int:
    """How many of the sale's functions check a given code's length before casting it."""
    with db.connect(url) as conn:
        return conn.execute(
            "select count(*) from pg_proc where proname = any(%s) and prosrc ~ 'length\\(p_'",
            (list(SALE_FUNCTIONS),),
        ).fetchone()[0]


def post_sale_arguments(url: str) -> int:
    with db.connect(url) as conn:
        return conn.execute("select pronargs from pg_proc where proname = 'post_sale'").fetchone()[
            0
        ]


def has_table(url: str, table: str) -> bool:
    with db.connect(url) as conn:
        return conn.execute("select to_regclass(%s) is not null", (table,)).fetchone()[0]


def functions_asking_sale_refusal(url: str) -> list[str]:
    with db.connect(url) as conn:
        rows = conn.execute(
            "select proname from pg_proc where prosrc like '%%sale_refusal(%%' order by 1"
        ).fetchall()
    return [row[0] for row in rows]


def test_the_schema_goes_down_to_each_release_and_up_again(db_url):
    config = migrate.alembic_config(db_url)
    head = ["issue_at_average", "next_comprobante_number", "post_sale", "post_sales",
            "register_comprobante_number", "sale_line_amounts", "sale_refusal"]  # fmt: skip
    assert sale_functions(db_url) == head
    assert codes_checked_for_length(db_url) == 4
    assert post_sale_arguments(db_url) == 15  # the request's fingerprint (0014)
    assert functions_asking_sale_refusal(db_url) == ["post_sale", "post_sales"]
    assert has_table(db_url, "period_closures")  # closed periods (0016)
    command.downgrade(config, "0015")
    assert not has_table(db_url, "period_closures")
    assert post_sale_arguments(db_url) == 15
    command.downgrade(config, "0013")
    assert post_sale_arguments(db_url) == 14  # a number taken by the caller (0009)
    assert functions_asking_sale_refusal(db_url) == ["post_sale", "post_sales"]
    command.downgrade(config, "0010")  # the refusal rules in one text (0011)
    assert sale_functions(db_url) == [f for f in head if f != "sale_refusal"]
    assert functions_asking_sale_refusal(db_url) == []
    assert codes_checked_for_length(db_url) == 4
    command.downgrade(config, "0009")  # sales in batches (0010)
    before_batches = [f for f in head if f not in ("post_sales", "sale_refusal")]
    assert sale_functions(db_url) == before_batches
    command.downgrade(config, "0008")
    assert sale_functions(db_url) == [f for f in before_batches
                                      if f != "register_comprobante_number"]  # fmt: skip
    assert codes_checked_for_length(db_url) == 2
    assert post_sale_arguments(db_url) == 13
    command.downgrade(config, "0005")  # the lookups that truncated a longer serie or store code
    assert sale_functions(db_url) == [f for f in before_batches
                                      if f != "register_comprobante_number"]  # fmt: skip
    assert codes_checked_for_length(db_url) == 0
    command.downgrade(config, "0004")
    assert sale_functions(db_url) == ["claim_sale", "next_comprobante_number", "record_sale"]
    command.downgrade(config, "base")
    with db.connect(db_url) as conn:
        assert conn.execute("select to_regclass('public.sales')").fetchone()[0] is None
    migrate.upgrade(db_url)
    assert sale_functions(db_url) == head
    assert post_sale_arguments(db_url) == 15
    assert has_table(db_url, "period_closures")


def test_upgrade_keeps_partitions_ahead_of_the_date_in_lima(db_url, monkeypatch):
    """At 21:00 on 31 May in Lima it is already 1 June in UTC: the months ahead count from
    Lima's May, so August is created and September (3 months after June) not yet."""
    from erp_core import timeutil

    evening_of_may_31 = dt.datetime(2027, 6, 1, 2, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timeutil, "now", lambda: evening_of_may_31)
    migrate.upgrade(db_url)
    with db.connect(db_url) as conn:
        months = {row[0] for row in conn.execute(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
            "where i.inhparent = 'sales'::regclass"
        )}  # fmt: skip
    assert "sales_202708" in months
    assert "sales_202709" not in months


def test_0012_builds_again_a_partitioned_index_left_on_the_parent_only(db_url):
    """As a demo load before 0012 left them: the index on the parent only, invalid, on no
    partition. 0012 builds it over every partition."""
    config = migrate.alembic_config(db_url)
    with db.connect(db_url, autocommit=True) as conn:
        conn.execute("drop index kardex_store_product_idx")
        conn.execute(
            "create index kardex_store_product_idx on only kardex (store_id, product_id, kardex_id)"
        )
        assert partitions_indexed(conn, "kardex_store_product_idx") == (False, 0)
    command.downgrade(config, "0011")
    command.upgrade(config, "head")
    with db.connect(db_url) as conn:
        valid, partitions = partitions_indexed(conn, "kardex_store_product_idx")
        count = conn.execute(
            "select count(*) from pg_inherits where inhparent = 'kardex'::regclass"
        ).fetchone()[0]
    assert valid and partitions == count > 0


def partitions_indexed(conn, index: str) -> tuple[bool, int]:
    """Whether ``index`` is valid, and on how many partitions it has its own index."""
    return conn.execute(
        "select i.indisvalid, (select count(*) from pg_inherits h where h.inhparent = %s::regclass)"
        " from pg_index i where i.indexrelid = %s::regclass",
        (index, index),
    ).fetchone()
