"""The one CSV dialect of ikz-isms: files that German Excel (and LibreOffice) open as they should.

* ``;`` between cells (Excel in a German locale expects it, the comma is the decimal mark),
  a UTF-8 byte-order mark first (without it Excel reads umlauts as cp1252), CRLF line ends,
  cells quoted only where needed (``"`` doubled inside).
* ``int`` cells as plain integers; ``Decimal`` and ``float`` cells with a decimal comma, no
  thousands separator, all their places but at least two (``Decimal("-5")`` is ``-5,00``).
* dates as ``TT.MM.JJJJ``, times as ``TT.MM.JJJJ HH:MM:SS`` (a time with a zone in UTC);
  ``True``/``False`` as ``ja``/``nein``; ``None`` as an empty cell.
* **Formula injection** (CSV injection): a *text* cell that starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return would be run as a formula by a spreadsheet — free text
  such as ``=HYPERLINK(…)`` or ``@SUMME(…)`` typed into a record. Such a cell gets an
  apostrophe in front (``'=1+1``), so the spreadsheet shows it as text. Numbers are never
  touched: a negative ``Decimal`` stays a number (``-5,00``), while the *text* ``-5`` becomes
  ``'-5``. Pass numbers as numbers, not as their text.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

DELIMITER = ";"
LINE_END = "\r\n"
BOM = "\ufeff"
#: first characters that make a spreadsheet read a cell as a formula (OWASP: CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"


def neutralise(text: str) -> str:
    """``text`` made safe as a spreadsheet cell: an apostrophe before a formula's first character."""
    return TEXT_PREFIX + text if text.startswith(FORMULA_STARTS) else text


def _decimal_cell(number: Decimal) -> str:
    if not number.is_finite():
        return ""
    exponent = number.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    fixed = number.quantize(Decimal(1).scaleb(-places))
    if fixed.is_zero():
        fixed = fixed.copy_abs()
    return f"{fixed:f}".replace(".", ",")


def csv_cell(value: object) -> str:
    """One cell's text in the dialect (see the module docstring for each kind of value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _decimal_cell(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return _decimal_cell(value)
    if isinstance(value, _dt.datetime):
        moment = value.astimezone(_dt.UTC) if value.tzinfo is not None else value
        return moment.strftime("%d.%m.%Y %H:%M:%S")
    if isinstance(value, _dt.date):
        return value.strftime("%d.%m.%Y")
    return neutralise(str(value))


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The whole file as text, byte-order mark first; encode it as UTF-8 to write it."""
    import csv  # here, not at import: the presentation package is loaded by every command

    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()
