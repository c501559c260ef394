import typer
from typer.testing import CliRunner

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
