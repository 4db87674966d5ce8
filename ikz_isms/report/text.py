"""Text for the PDF: literal user text for reportlab's mini-markup, German dates and numbers."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from ..output import format_de

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: object) -> str:
    """User text as reportlab Paragraph markup that prints exactly what was typed.

    ``&``, ``<`` and ``>`` are escaped (``<b>``, ``<font>``, ``&amp;`` would otherwise be
    markup); line breaks are kept as line breaks.
    """
    if text is None:
        return ""
    return str(text).translate(_ESCAPES).replace("\r\n", "\n").replace("\n", "<br/>")


def date_de(value: _dt.date | str | None) -> str:
    """24.11.2026; ISO strings are accepted, anything unparsable is shown as given."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            value = _dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d.%m.%Y")


def euro_de(amount: Decimal | int | float | None) -> str:
    """1.234,50 €"""
    if amount is None:
        return "–"
    return f"{format_de(Decimal(str(amount)), 2)} €"


def number_de(value: int | float | Decimal) -> str:
    return format_de(value, 0)
