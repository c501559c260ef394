import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from erp_core.importer.source import SourceError, read_source


def test_semicolon_csv_with_bom_keeps_the_line_each_row_starts_on(tmp_path):
    path = tmp_path / "ventas.csv"
    path.write_text(
        "\ufeffDate;Store;SKU;Quantity;Unit_Price;Ticket;Nota\n"
        '2026-03-10;0001;SKU0001;1;11.80;A;"dos\nlíneas"\n'
        "\n"
        "2026-03-10;0001;SKU0002;1;5.90;A;x;sobra\n",
        encoding="utf-8",
    )
    table = read_source(path)
    rows = list(table.rows())
    assert table.columns[0] == "Date"
    assert [row.line for row in rows] == [2, 5]
    assert rows[0].values["unit_price"] == "11.80"
    assert rows[0].problem is None
    assert rows[1].problem == "tiene 8 campos y la cabecera tiene 7"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ventas.xlsx", "x", "formato desconocido"),
        ("ventas.csv", "date,store,date,sku\n", "columnas repetidas date"),
        ("ventas.parquet", "not parquet", "no es un archivo Parquet legible"),
    ],
)
def test_unreadable_files_are_refused_whole(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SourceError, match=message):
        read_source(path)


def test_a_file_not_in_utf8_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "ventas.csv"
    path.write_bytes(
        "date;store;sku;quantity;unit_price;ticket;cliente\n"
        "2026-03-10;0001;SKU0001;1;11.80;A;Rosa\n"
        "2026-03-10;0001;SKU0002;1;5.90;B;José Peña\n".encode("latin-1")
    )
    with pytest.raises(SourceError, match=r"la línea 3 no está en UTF-8.*CSV UTF-8"):
        read_source(path)


def test_rows_of_only_separators_or_blanks_are_empty_lines(tmp_path):
    path = tmp_path / "ventas.csv"
    path.write_text(
        "date;store;sku;quantity;unit_price;ticket\n"
        "2026-03-10;0001;SKU0001;1;11.80;A\n"
        ";;;;;\n"
        "   \n"
        "2026-03-10;0001;SKU0002;1;5.90;A\n"
        ";;;;;\n",
        encoding="utf-8",
    )
    table = read_source(path)
    assert [row.line for row in table.rows()] == [2, 5]


def test_parquet_read_in_batches_keeps_line_numbers_and_values(tmp_path):
    path = tmp_path / "ventas.parquet"
    skus = [f"SKU{i:04d}" for i in range(7)]
    table = pa.table({"Date": ["2026-03-10"] * 7, "store": list(range(1, 8)), "sku": skus,
                      "quantity": [1.5] * 7, "unit_price": [9.9] * 7,
                      "ticket": ["A"] * 7})  # fmt: skip
    pq.write_table(table, path, row_group_size=3)  # batches of 2 across row groups of 3
    rows = list(read_source(path, batch_rows=2).rows())
    assert [row.line for row in rows] == [2, 3, 4, 5, 6, 7, 8]
    assert [row.values["sku"] for row in rows] == skus
    assert rows[6].values == {"date": "2026-03-10", "store": 7, "sku": "SKU0006",
                              "quantity": 1.5, "unit_price": 9.9, "ticket": "A"}  # fmt: skip


def test_rows_can_be_read_again(tmp_path):
    path = tmp_path / "ventas.csv"
    path.write_text("date,store,sku,quantity,unit_price,ticket\n2026-03-10,1,S,1,2.00,A\n")
    source = read_source(path)
    assert [r.values for r in source.rows()] == [r.values for r in source.rows()]


def test_a_line_not_in_utf8_deep_in_the_file_is_refused_when_the_rows_are_read(tmp_path):
    path = tmp_path / "ventas.csv"
    good = "2026-03-10;0001;SKU0001;1;11.80;A;Rosa\n" * 5000  # far past the first read-ahead
    path.write_bytes(
        b"date;store;sku;quantity;unit_price;ticket;cliente\n"
        + good.encode()
        + "2026-03-10;0001;SKU0002;1;5.90;B;José\n".encode("latin-1")
    )
    source = read_source(path)
    with pytest.raises(SourceError, match=r"la línea 5002 no está en UTF-8"):
        list(source.rows())
