from decimal import Decimal as D

from erp_core.importer import service_reasons
from erp_core.services.errors import InsufficientStock, InvalidInput, NotFound


def test_insufficient_stock_is_told_in_spanish_from_its_fields():
    exc = InsufficientStock("SKU0001", "0001", D("2.500"), D("1250"))
    assert service_reasons.insufficient_stock(exc) == (
        "stock insuficiente de SKU0001 en la tienda 0001: stock 2.5, se pide 1,250"
    )


def test_a_known_service_reason_is_translated_and_an_unknown_one_is_kept_in_a_spanish_frame():
    known = InvalidInput("quantity", "0", "must be greater than zero")
    assert service_reasons.invalid_input(known) == "debe ser mayor que cero"
    unknown = InvalidInput("payments", "5", "payments must add up to the total 10.00")
    assert service_reasons.invalid_input(unknown) == (
        "el servicio de ventas rechaza la venta: payments must add up to the total 10.00"
    )


def test_not_found_names_the_missing_record_in_spanish():
    assert service_reasons.not_found(NotFound("store", "0002")) == "no existe la tienda 0002"
    assert service_reasons.not_found(NotFound("sale", 7)) == (
        "el servicio de ventas rechaza la venta: sale 7 not found"
    )
