from decimal import Decimal as D

import pytest

from erp_core.domain.kardex import Balance, InsufficientStock, issue, receive


def test_weighted_average_worked_by_hand():
    b = Balance()
    m = receive(b, D("10"), D("5.00"))  # 10 @ 5.00 = 50.00
    assert m.balance == Balance(D("10"), D("5.000000"), D("50.00"))
    m = receive(m.balance, D("20"), D("6.50"))  # +130.00 -> 30 units, 180.00, avg 6.00
    assert m.balance == Balance(D("30"), D("6.000000"), D("180.00"))
    m = issue(m.balance, D("7"))  # 7 x 6.00 = 42.00 -> 23 units, 138.00
    assert (m.unit_cost_out, m.total_out) == (D("6.000000"), D("42.00"))
    assert m.balance == Balance(D("23"), D("6.000000"), D("138.00"))
    m = receive(m.balance, D("3"), D("7.3333"))  # 21.9999 -> 22.00; 26 units 160.00
    assert m.balance.value == D("160.00")
    assert m.balance.unit_cost == D("6.153846")


def test_last_unit_takes_the_remaining_value():
    b = receive(Balance(), D("3"), D("3.333333")).balance  # 10.00 for 3 units
    m1 = issue(b, D("1"))
    m2 = issue(m1.balance, D("1"))
    m3 = issue(m2.balance, D("1"))
    assert m1.total_out + m2.total_out + m3.total_out == D("10.00")
    assert m3.balance.quantity == 0 and m3.balance.value == 0


def test_issue_beyond_stock_names_product_store_stock_and_request():
    b = receive(Balance(), D("2"), D("1")).balance
    with pytest.raises(InsufficientStock, match=r"SKU1.*0001.*stock 2.*requested 3"):
        issue(b, D("3"), "SKU1", "0001")
