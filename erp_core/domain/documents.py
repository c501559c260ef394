"""Peruvian identity documents (SUNAT catálogo 06) and comprobante series."""

from __future__ import annotations

import re
import unicodedata

DNI, CARNE_EXTRANJERIA, RUC, PASAPORTE = "1", "4", "6", "7"
DOC_TYPE_NAMES = {DNI: "DNI", CARNE_EXTRANJERIA: "CE", RUC: "RUC", PASAPORTE: "Pasaporte"}
FACTURA, BOLETA, NOTA_CREDITO, NOTA_DEBITO, GUIA_REMISION = "01", "03", "07", "08", "09"
RUC_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


class InvalidDocument(ValueError):
    """An identity document or comprobante serie that is not well formed."""


def ruc_check_digit(first_ten: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_ten, RUC_WEIGHTS, strict=True))
    digit = 11 - total % 11
    return {10: 0, 11: 1}.get(digit, digit)


def is_valid_ruc(ruc: str) -> bool:
    return bool(re.fullmatch(r"(10|15|17|20)[0-9]{9}", ruc or "")) and ruc_check_digit(
        ruc[:10]
    ) == int(ruc[10])


def make_ruc(prefix: str, body: int) -> str:
    """A valid RUC from a 2-digit prefix (10 person, 20 company) and an 8-digit body."""
    first_ten = f"{prefix}{body:08d}"
    return first_ten + str(ruc_check_digit(first_ten))


def normalize_document(doc_type: str, number: str) -> str:
    """Validate a document number for its type and return it normalized (trimmed, upper).

    NFKC folds full-width characters ('４５６７８９１２') to ASCII, and only ASCII digits count
    (a regex \\d also takes '٤٥٦'): one document must have one blind index.
    """
    number = unicodedata.normalize("NFKC", number or "").strip().upper()
    if doc_type == DNI and not re.fullmatch(r"[0-9]{8}", number):
        raise InvalidDocument(f"DNI must have 8 digits, got {number!r}")
    if doc_type == RUC and not is_valid_ruc(number):
        raise InvalidDocument(f"RUC {number!r} is not valid (11 digits with mod-11 check digit)")
    if doc_type == CARNE_EXTRANJERIA and not re.fullmatch(r"[A-Z0-9]{8,12}", number):
        raise InvalidDocument(f"carné de extranjería must have 8 to 12 characters, got {number!r}")
    if doc_type == PASAPORTE and not re.fullmatch(r"[A-Z0-9]{6,12}", number):
        raise InvalidDocument(f"pasaporte must have 6 to 12 characters, got {number!r}")
    if doc_type not in DOC_TYPE_NAMES:
        raise InvalidDocument(f"document type {doc_type!r} is not one of 1, 4, 6, 7")
    return number


SERIE_LETTERS = {FACTURA: "F", BOLETA: "B"}  # a comprobante's serie starts with its letter
MAX_CORRELATIVO = 99_999_999  # a document's correlativo has at most 8 digits (SUNAT)


def check_serie(doc_type: str, serie: str) -> None:
    """4 capital letters or digits; a factura's or boleta's starts with its letter."""
    first = SERIE_LETTERS.get(doc_type, "[A-Z0-9]")
    if not isinstance(serie, str) or not re.fullmatch(first + r"[A-Z0-9]{3}", serie):
        raise InvalidDocument(f"serie {serie!r} does not fit comprobante {doc_type}")
