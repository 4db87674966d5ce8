"""Exact money: YAML numbers and strings to Decimal without passing through float rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ..errors import InputError

CENT = Decimal("0.01")


def to_decimal(value: Any, path: str = "", location: str | None = None) -> Decimal:
    """``value`` as Decimal. A YAML float (ruamel ScalarFloat) goes through its text form."""
    if isinstance(value, bool) or value is None:
        raise InputError(f"'{value}' ist kein Betrag.", path=path or None, location=location)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(int(value))
    try:
        number = Decimal(str(value).strip().replace("_", ""))
    except InvalidOperation:
        raise InputError(f"'{value}' ist kein Betrag.", path=path or None, location=location) from None
    if not number.is_finite():
        raise InputError(f"'{value}' ist kein Betrag.", path=path or None, location=location)
    return number


def cents(value: Decimal) -> Decimal:
    """Rounded to the cent, half up (kaufmännisch)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def euro(value: Decimal | None) -> str:
    """German money text: 10.506,22 €."""
    if value is None:
        return "–"
    text = f"{cents(value):,.2f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") + " €"
