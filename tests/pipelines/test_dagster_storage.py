"""Dagster's own storage on Postgres: a database of its own beside the core's; a home that
still holds SQLite history keeps working on it and moves to Postgres with one command."""

from __future__ import annotations

import dagster as dg
import psycopg
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage
from typer.testing import CliRunner

from pipelines import dagster_storage
from pipelines.cli import app


@dg.asset
def tiny() -> int:
    return 1


def dagster_databases(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [
            name
            for (name,) in conn.execute(
                "select datname from pg_database where datname like %s",
                (f"{conn.info.dbname}_dagster",),
            ).fetchall()
        ]


def test_a_new_home_records_its_runs_in_a_postgres_database_of_its_own(pipeline_env, db_url):
    instance = dagster_storage.local_instance()

    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert dg.materialize([tiny], instance=instance).success
    assert dagster_databases(db_url) == [
        f"{psycopg.conninfo.conninfo_to_dict(db_url)['dbname']}_dagster"
    ]
    # Another process (the UI, the dashboards) finds the run through the same home.
    again = dagster_storage.local_instance()
    assert again.get_latest_materialization_event(dg.AssetKey("tiny")) is not None
    assert not (pipeline_env / "dagster" / "history").exists()  # no SQLite files


def test_a_sqlite_home_keeps_working_and_moves_to_postgres_with_one_command(pipeline_env):
    home = pipeline_env / "dagster"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(dagster_storage.SQLITE_YAML)  # what earlier versions wrote
    with dg.DagsterInstance.from_config(str(home)) as old:
        first = dg.materialize([tiny], instance=old)
    before = dagster_storage.local_instance()  # still SQLite: its history is there
    assert not isinstance(before.run_storage, PostgresRunStorage)
    second = dg.materialize([tiny], instance=before)
    events = {r.run_id: len(before.all_logs(r.run_id)) for r in before.get_runs()}
    assert set(events) == {first.run_id, second.run_id}

    cli = CliRunner().invoke(app, ["migrate-storage"])

    assert cli.exit_code == 0, cli.output
    assert f"2 ejecuciones, {sum(events.values()):,} eventos" in cli.output
    after = dagster_storage.local_instance()
    assert isinstance(after.run_storage, PostgresRunStorage)
    assert {r.run_id: len(after.all_logs(r.run_id)) for r in after.get_runs()} == events
    latest = after.get_latest_materialization_event(dg.AssetKey("tiny"))
    assert latest.run_id == second.run_id
    assert dg.materialize([tiny], instance=after).success
    assert (home / dagster_storage.SQLITE_BACKUP_NAME).exists()
    again = CliRunner().invoke(app, ["migrate-storage"])
    assert again.exit_code == 1
