from decimal import Decimal as D

import pytest

from erp_core.domain.money import format_pen, format_qty, line_amounts, round_cents, split_igv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("2.675", "2.68"),
        ("-0.005", "-0.01"),
        ("1.004", "1.00"),
    ],
)
def test_round_cents_is_half_up_not_bankers(value, expected):
    assert round_cents(D(value)) == D(expected)


def test_gravado_line_splits_igv_out_of_the_price():
    amounts = line_amounts(D("11.80"), D("1"))
    assert (amounts.taxable_amount, amounts.igv_amount) == (D("10.00"), D("1.80"))


def test_igv_rounding_case_where_base_rounds_up():
    # 3 x 9.90 = 29.70; 29.70 / 1.18 = 25.1694... -> 25.17 and IGV 4.53
    amounts = line_amounts(D("9.90"), D("3"))
    assert amounts.line_total == D("29.70")
    assert amounts.taxable_amount == D("25.17")
    assert amounts.igv_amount == D("4.53")
    assert abs(amounts.taxable_amount * D("0.18") - amounts.igv_amount) <= D("0.01")


def test_discount_applies_to_the_unit_price_before_totalling():
    amounts = line_amounts(D("19.90"), D("2"), discount_pct=D("15"))
    assert amounts.unit_price == D("16.92")  # 19.90 * 0.85 = 16.915 -> 16.92 half-up
    assert amounts.line_total == D("33.84")
    assert amounts.discount_amount == D("5.96")


def test_exonerated_line_has_no_igv():
    amounts = line_amounts(D("5.00"), D("2"), igv_affectation="20")
    assert (amounts.taxable_amount, amounts.igv_amount) == (D("10.00"), D("0.00"))


def test_unknown_affectation_is_refused_with_its_value():
    with pytest.raises(ValueError, match="'99'"):
        line_amounts(D("1"), D("1"), igv_affectation="99")


@pytest.mark.parametrize("total", ["0.01", "0.99", "1.00", "700.00", "1234.57", "99999.99"])
def test_igv_is_18_percent_of_base_within_a_cent(total):
    taxable, igv = split_igv(D(total))
    assert taxable + igv == D(total)
    assert abs(taxable * D("0.18") - igv) <= D("0.01")


def test_format_pen_uses_soles_and_thousands_separator():
    assert format_pen(D("1234.5")) == "S/ 1,234.50"
    assert format_pen(D("-3")) == "-S/ 3.00"


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [("1234.000", "1,234"), ("2.500", "2.5"), ("0.125", "0.125"), ("1000", "1,000"), ("0", "0")],
)
def test_format_qty_keeps_the_fractions_of_weighed_goods(quantity, expected):
    assert format_qty(D(quantity)) == expected
