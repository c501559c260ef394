import typer
from typer.testing import CliRunner

from erp_core import db
from erp_core.importer.cli import import_sales
from tests.factories import build_chain
from tests.importer.files import line, read_csv, table_counts, write_csv

runner = CliRunner()


def run(db_url, monkeypatch, *args: str):
    monkeypatch.setenv("DATABASE_URL", db_url)
    app = typer.Typer()
    app.command()(import_sales)
    return runner.invoke(app, [str(a) for a in args])


def three_tickets(path, bad_quantity: str = "1"):
    return write_csv(path, [
        line("2026-03-10 09:00", "0001", "SKU0001", "2", "11.80", "A", unit_cost="5"),
        line("2026-03-10 10:00", "0001", "SKU0002", "1", "11.80", "B", unit_cost="5"),
        line("2026-03-10 10:00", "0001", "SKU0003", bad_quantity, "11.80", "B", unit_cost="5"),
        line("2026-03-10 11:00", "0002", "SKU0001", "1", "11.80", "C", unit_cost="5"),
    ])  # fmt: skip


def test_one_bad_row_writes_nothing_exits_1_and_names_line_field_value(
    conn, db_url, monkeypatch, tmp_path
):
    build_chain(conn)
    before = table_counts(conn)
    path = three_tickets(tmp_path / "ventas.csv", bad_quantity="-2")
    result = run(db_url, monkeypatch, path, "--opening-stock")
    assert result.exit_code == 1, result.output
    assert "línea 4  quantity='-2': debe ser mayor que cero" in result.output
    assert "Nada se importó" in result.output
    assert table_counts(conn) == before


def test_reject_file_run_loads_the_good_tickets_and_exits_0(conn, db_url, monkeypatch, tmp_path):
    build_chain(conn)
    path = three_tickets(tmp_path / "ventas.csv", bad_quantity="-2")
    rejects = tmp_path / "rechazos.csv"
    result = run(db_url, monkeypatch, path, "--opening-stock", "--reject-file", rejects)
    assert result.exit_code == 0, result.output
    assert "S/ 35.40" in result.output  # tickets A (2 × 11.80) and C (11.80)
    assert [r["line_number"] for r in read_csv(rejects)] == ["3", "4"]
    assert conn.execute("select count(*) from sales").fetchone()[0] == 2


def test_file_without_required_columns_is_refused(pg_server, monkeypatch, tmp_path):
    path = write_csv(tmp_path / "ventas.csv", [{"date": "2026-03-10"}], ["date", "store"])
    result = run(pg_server, monkeypatch, path)  # refused before any query: no database needed
    assert result.exit_code == 1
    assert "faltan las columnas sku, quantity, unit_price, ticket" in result.output


def test_supplier_ruc_needs_create_missing_and_a_valid_ruc(monkeypatch, tmp_path):
    path = three_tickets(tmp_path / "ventas.csv")
    nowhere = "host=/nonexistent dbname=none"  # usage errors are refused before connecting
    alone = run(nowhere, monkeypatch, path, "--supplier-ruc", "20100000017")
    assert alone.exit_code == 2
    assert "Valor inválido para --supplier-ruc: solo se usa con --create-missing" in alone.output
    invalid = run(nowhere, monkeypatch, path, "--create-missing", "--supplier-ruc", "20100000018")
    assert invalid.exit_code == 2
    assert "«20100000018» no es un RUC válido" in invalid.output


def test_a_nul_byte_and_a_huge_field_are_rejected_rows_and_the_rest_loads(
    conn, db_url, monkeypatch, tmp_path
):
    """Both ended in a traceback (Postgres refuses NUL; the csv module a field over 131,072
    characters), and with --reject-file nothing loaded and no reject file was written."""
    build_chain(conn)
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "2", "11.80", "A", unit_cost="5"),
        line("2026-03-10 10:00", "0001", "SKU\x000002", "1", "11.80", "B", unit_cost="5"),
        line("2026-03-10 11:00", "0001", "SKU0003", "1", "11.80", "X" * 200_000, unit_cost="5"),
        line("2026-03-10 12:00", "0002", "SKU0001", "1", "11.80", "C", unit_cost="5"),
    ])  # fmt: skip
    all_or_nothing = run(db_url, monkeypatch, path, "--opening-stock")
    assert all_or_nothing.exit_code == 1, all_or_nothing.output
    assert "línea 3  sku='SKU\\x000002': contiene un carácter nulo" in all_or_nothing.output
    assert "línea 4  ticket='" + "X" * 40 + "…' (200,000 caracteres): es demasiado largo" in (
        all_or_nothing.output
    )
    assert "X" * 100 not in all_or_nothing.output
    rejects = tmp_path / "rechazos.csv"
    result = run(db_url, monkeypatch, path, "--opening-stock", "--reject-file", rejects)
    assert result.exit_code == 0, result.output
    assert conn.execute("select count(*) from sales").fetchone()[0] == 2  # tickets A and C
    rows = read_csv(rejects)
    assert [r["line_number"] for r in rows] == ["3", "4"]
    assert "carácter nulo" in rows[0]["reason"] and "200,000 caracteres" in rows[1]["reason"]


def test_a_folder_given_as_the_file_is_named_a_folder(pg_server, monkeypatch, tmp_path):
    (tmp_path / "ventas.csv").mkdir()
    result = run(pg_server, monkeypatch, tmp_path / "ventas.csv")
    assert result.exit_code == 1
    assert "es una carpeta: indique un archivo CSV o Parquet" in result.output
    assert "no existe" not in result.output


def test_an_unmigrated_database_is_one_spanish_line(pg_server, monkeypatch, tmp_path):
    url = db.create_database(pg_server, prefix="innovalogix_test_empty")
    try:
        result = run(url, monkeypatch, three_tickets(tmp_path / "ventas.csv"))
        assert result.exit_code == 1
        assert isinstance(result.exception, SystemExit), result.exception
        assert "no tiene el esquema de InnovaLogix" in result.output
        assert "innovalogix db upgrade" in result.output
    finally:
        db.drop_database(pg_server, url)


def test_an_invalid_pii_key_during_an_import_is_one_spanish_line(
    conn, db_url, monkeypatch, tmp_path
):
    build_chain(conn)
    path = write_csv(tmp_path / "ventas.csv", [
        line("2026-03-10 09:00", "0001", "SKU0001", "2", "11.80", "A", unit_cost="5",
             customer_doc="40000001"),
    ])  # fmt: skip
    monkeypatch.setenv("INNOVALOGIX_PII_KEY", "not-base64-and-a-secret")
    result = run(db_url, monkeypatch, path, "--opening-stock")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Clave de cifrado inválida: INNOVALOGIX_PII_KEY debe ser base64 de exactamente 32" in (
        " ".join(result.output.split())
    )
    assert "not-base64-and-a-secret" not in result.output
    assert conn.execute("select count(*) from sales").fetchone()[0] == 0
