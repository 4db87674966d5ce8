"""German formats for everything a person reads: dates, numbers, money, percentages, plurals.

One rounding rule for all of it: **kaufmännisch** (``ROUND_HALF_UP``) — a half rounds away
from zero, so 0,005 € becomes 0,01 € and −0,005 € becomes −0,01 €. Numbers are rounded as
decimals, never as binary floats: a float is read through its shortest text form first
(``0.125`` is 0,125 and rounds to 0,13, where Python's own formatting would give 0,12).
Money is always shown to the cent (``1.234,50 €``). What has no value is shown as ``–``.

Pure functions: no click, no reportlab, no clock, no locale — the output depends only on
the arguments.
"""

from __future__ import annotations

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal

#: what is shown where there is no value (an en dash, as in German tables)
NONE_TEXT = "–"
CENT = Decimal("0.01")

Number = int | float | Decimal


def _decimal(value: Number) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def rounded(value: Number, decimals: int = 0) -> Decimal:
    """``value`` rounded to ``decimals`` places, half up (the module's one rounding rule)."""
    number = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    # no "-0,00": a value that rounds to zero is zero
    return number.copy_abs() if number.is_zero() else number


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to the cent, half up (kaufmännisch)."""
    return rounded(amount, 2)


def number_de(value: Number | None, decimals: int = 0) -> str:
    """German number text with thousands dots and a decimal comma: ``1.234,5``; ``–`` for none."""
    if value is None or not _decimal(value).is_finite():  # NaN or infinity: no number to show
        return NONE_TEXT
    number = rounded(value, decimals)
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def quantity_de(value: Number | str | None) -> str:
    """A count or measured amount: whole numbers without decimals (``113.000``), others to two (``40,61``)."""
    if value is None or value == "":
        return NONE_TEXT
    number = Decimal(value) if isinstance(value, str) else _decimal(value)
    return number_de(number, 0 if number == number.to_integral_value() else 2)


def money_de(amount: Number | str | None) -> str:
    """An amount in euro to the cent: ``1.234,50 €``, ``-5,00 €``; ``–`` for none."""
    if amount is None or amount == "":
        return NONE_TEXT
    number = Decimal(amount) if isinstance(amount, str) else amount
    text = number_de(number, 2)
    return text if text == NONE_TEXT else f"{text} €"


def percent_de(ratio: Number | None, decimals: int = 1) -> str:
    """A ratio (0.125) as a German percentage: ``12,5 %``; ``–`` for none."""
    if ratio is None:
        return NONE_TEXT
    text = number_de(_decimal(ratio) * 100, decimals)
    return text if text == NONE_TEXT else f"{text} %"


def plural_de(count: int, singular: str, plural: str) -> str:
    """A count with the German noun in the right number: ``1 Zielobjekt``, ``2 Zielobjekte``."""
    return f"{count} {singular if count == 1 else plural}"


def _parse_date(value: str) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def date_de(value: _dt.date | str | None) -> str:
    """``24.11.2026``. ISO text is accepted (a time part is ignored); unparsable text is shown as given."""
    if value is None or value == "":
        return NONE_TEXT
    if isinstance(value, str):
        day = _parse_date(value)
        return value if day is None else day.strftime("%d.%m.%Y")
    return value.strftime("%d.%m.%Y")


def datetime_de(value: _dt.datetime | str | None) -> str:
    """``24.11.2026, 14:05 Uhr``. A time with a zone is shown in UTC and says so (never the machine's zone)."""
    if value is None or value == "":
        return NONE_TEXT
    if isinstance(value, str):
        try:
            moment = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    else:
        moment = value
    if moment.tzinfo is None:
        return moment.strftime("%d.%m.%Y, %H:%M Uhr")
    return moment.astimezone(_dt.UTC).strftime("%d.%m.%Y, %H:%M Uhr UTC")


def county_title(name: str) -> str:
    """``Landkreis Vulkaneifel``, but ``Eifelkreis Bitburg-Prüm`` as it is: that name already says what it is."""
    return name if "kreis" in name.lower() else f"Landkreis {name}"


def shown_text(value: object, limit: int = 60) -> str:
    """A value someone typed, for a message: control characters escaped (``\\x1b``), at most ``limit`` characters."""
    text = str(value)
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
        text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[:limit - 1] + "…"
