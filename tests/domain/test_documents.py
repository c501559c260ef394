import pytest

from erp_core.domain.documents import (
    InvalidDocument,
    is_valid_ruc,
    make_ruc,
    normalize_document,
    ruc_check_digit,
)


def test_known_ruc_check_digit():
    # SUNAT's own RUC: 20131312955
    assert ruc_check_digit("2013131295") == 5
    assert is_valid_ruc("20131312955")
    assert not is_valid_ruc("20131312954")


def test_make_ruc_is_valid_for_people_and_companies():
    for prefix in ("10", "20"):
        for body in (0, 1, 12345678, 99999999):
            assert is_valid_ruc(make_ruc(prefix, body))


def test_bad_documents_name_the_value():
    with pytest.raises(InvalidDocument, match="1234567"):
        normalize_document("1", "1234567")
    with pytest.raises(InvalidDocument, match="20131312954"):
        normalize_document("6", "20131312954")


def test_documents_are_normalized():
    assert normalize_document("1", " 45678912 ") == "45678912"
    assert normalize_document("4", "ab123456") == "AB123456"
