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
    assert table.columns[0] == "Date"
    assert [row.line for row in table.rows] == [2, 5]
    assert table.rows[0].values["unit_price"] == "11.80"
    assert table.rows[0].problem is None
    assert table.rows[1].problem == "has 8 fields, the header has 7"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ventas.xlsx", "x", "unknown format"),
        ("ventas.csv", "date,store,date,sku\n", "duplicated columns date"),
        ("ventas.parquet", "not parquet", "not a readable Parquet file"),
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
    with pytest.raises(SourceError, match=r"line 3 is not UTF-8.*CSV UTF-8"):
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
    assert [row.line for row in table.rows] == [2, 5]
