"""The backup drill: a demo chain selling, a backup taken while tills sell, more sales, a
restore elsewhere checked table by table against the manifest, and the warehouse rebuilt from
the restored core reconciling; a restore over a database with tables refused."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
from decimal import Decimal

import dagster as dg
import psycopg
import pytest
from typer.testing import CliRunner

from erp_core import backup, db
from erp_core.cli import _register_core_commands, app
from erp_core.demo.generate import generate
from erp_core.demo.scales import Scale
from erp_core.domain.money import line_amounts
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from erp_core.settings import get_settings
from pipelines import runner
from pipelines.extract import SOURCE_TABLES

pytestmark = [pytest.mark.integration]

TINY = Scale("tiny", stores=2, skus=60, days=14, sale_lines=3_000, suppliers=6,
             complementary_pairs=3)  # fmt: skip
RAW_KEYS = [dg.AssetKey(["raw", t.name]) for t in SOURCE_TABLES]

if not any(command.name == "backup" for command in app.registered_commands):
    _register_core_commands()  # as `innovalogix` does at start-up


@pytest.fixture
def demo_core(db_url, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("INNOVALOGIX_HOME", str(home))
    monkeypatch.delenv("WAREHOUSE_PATH", raising=False)
    monkeypatch.delenv("INNOVALOGIX_PII_KEY", raising=False)
    with psycopg.connect(db_url) as conn:
        generate(conn, TINY, seed=5)
    return db_url


class Till(threading.Thread):
    """A till selling one unit of in-stock products, about a sale every 10 ms, until told to
    stop."""

    def __init__(self, url: str, name: str):
        super().__init__(daemon=True)
        self.url, self.name, self.sold, self.stop = url, name, 0, threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with db.connect(self.url, autocommit=True) as conn:
                today = dt.datetime.now(dt.UTC).date()
                on_hand = conn.execute(
                    "select s.code, p.sku, p.list_price, p.igv_affectation from stock_balances b "
                    "join stores s using (store_id) join products p using (product_id) "
                    "where not s.is_warehouse and p.is_active and b.quantity >= 20 and not "
                    "exists (select 1 from promotions pr where pr.product_id = p.product_id "
                    "and %s between pr.starts_on - 1 and pr.ends_on + 1) "
                    "order by b.quantity desc, s.code, p.sku limit 50",
                    (today,),
                ).fetchall()
                assert on_hand
                while not self.stop.wait(0.01):  # a busy till, not a bulk load
                    store, sku, price, igv = on_hand[self.sold % len(on_hand)]
                    total = line_amounts(price, Decimal(1), igv, Decimal(0)).line_total
                    sell(
                        conn,
                        SaleRequest(
                            idempotency_key=f"{self.name}-{self.sold}",
                            store_code=store,
                            lines=[SaleLineInput(sku, Decimal(1))],
                            payments=[PaymentInput("cash", total)],
                        ),
                    )
                    self.sold += 1
        except BaseException as exc:  # reported by the test
            self.error = exc


def sales_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("select count(*) from sales").fetchone()[0]


def unchanged_since_restore(url: str, manifest: dict) -> bool:
    """Every table as the manifest says, but for the one logged read of a customer by which
    the restore checked the PII keys (Ley 29733: every decrypted read is logged)."""
    log = "public.personal_data_access_log"
    with psycopg.connect(url) as conn:
        states = backup.table_states(conn, backup.user_tables(conn))
        readers = conn.execute("select accessed_by from personal_data_access_log").fetchall()
    expected = {
        name: backup.TableState(entry["rows"], entry["checksum"])
        for name, entry in manifest["tables"].items()
    }
    assert readers[manifest["tables"][log]["rows"] :] == [("innovalogix restore",)]
    return {k: v for k, v in states.items() if k != log} == {
        k: v for k, v in expected.items() if k != log
    }


def test_backup_while_selling_restores_elsewhere_equal_to_its_manifest(
    demo_core, pg_server, tmp_path, monkeypatch
):
    out = tmp_path / "copia"
    till = Till(demo_core, "till-1")
    till.start()
    while till.sold < 5 and till.error is None:
        threading.Event().wait(0.05)

    cli = CliRunner().invoke(app, ["backup", "--out", str(out)])

    sold_during_backup = till.sold
    while till.sold < sold_during_backup + 10 and till.error is None:  # more sales after it
        threading.Event().wait(0.05)
    till.stop.set()
    till.join()
    assert till.error is None, (till.sold, till.error)
    assert cli.exit_code == 0, cli.output
    manifest = json.loads((out / backup.MANIFEST).read_text())
    tables = manifest["tables"]
    assert manifest["migration_revision"]
    assert len(tables) >= 30 and tables["public.sales"]["rows"] > 0
    # Sales went on during and after the backup: the manifest holds one moment between.
    live = sales_count(demo_core)
    assert tables["public.sales"]["rows"] < live
    # The PII keys are named by version, never written into the backup.
    assert manifest["pii"]["encryption_key_versions"] == [1]
    keyring = json.loads((get_settings().keys_dir / "pii_keyring.json").read_text())
    secrets = [*keyring["encryption_keys"].values(), keyring["blind_index_key"]]
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            data = gzip.decompress(data) if path.suffix == ".gz" else data
            assert not any(secret.encode() in data for secret in secrets), path

    # Restore elsewhere: a new database on the same server, through the CLI.
    name = f"innovalogix_restored_{tmp_path.name[-8:]}".lower().replace("-", "_")
    restored = db.with_database(pg_server, name)
    try:
        cli = CliRunner().invoke(app, ["restore", str(out), "--create", name])

        assert cli.exit_code == 0, cli.output
        assert "todas iguales al manifiesto" in cli.output
        assert "las de aquí abren la copia restaurada" in cli.output
        assert unchanged_since_restore(restored, manifest)
        assert sales_count(restored) == tables["public.sales"]["rows"]

        # Restoring over a database that has tables is refused, naming it; nothing changes.
        again = CliRunner().invoke(app, ["restore", str(out), "--create", name])
        assert again.exit_code == 1 and "ya existe" in again.output
        monkeypatch.setenv("DATABASE_URL", restored)
        over = CliRunner().invoke(app, ["restore", str(out)])
        assert over.exit_code == 1
        assert "no está vacía" in over.output and "public." in over.output
        assert unchanged_since_restore(restored, manifest)

        # The warehouse rebuilt from the restored core reconciles with it.
        rebuilt = runner.run_graph(
            asset_selection=RAW_KEYS, prepare_dbt=False, instance=dg.DagsterInstance.ephemeral()
        )
        assert rebuilt.success
        checks = {e.asset_check_key.name: e for e in rebuilt.get_asset_check_evaluations()}
        assert checks["check_raw_sales_reconciles_with_core"].passed
        assert all(e.passed for e in checks.values()), [
            k for k, e in checks.items() if not e.passed
        ]
        [sales] = [
            e for e in rebuilt.get_asset_materialization_events() if e.asset_key.path[-1] == "sales"
        ]
        assert (
            sales.materialization.metadata["dagster/row_count"].value
            == tables["public.sales"]["rows"]
        )
    finally:
        db.drop_database(pg_server, restored)


def test_a_damaged_backup_is_refused_before_anything_is_restored(demo_core, pg_server, tmp_path):
    out = tmp_path / "copia"
    backup.backup(out)
    damaged = next(p for p in sorted((out / backup.DUMP).iterdir()) if p.suffix == ".gz")
    damaged.write_bytes(damaged.read_bytes()[:-10])
    target = db.create_database(pg_server, prefix="innovalogix_restore")
    try:
        with pytest.raises(backup.BackupError, match="dañado"):
            backup.restore(out, target)
        with psycopg.connect(target) as conn:
            assert backup.user_tables(conn) == []
    finally:
        db.drop_database(pg_server, target)
