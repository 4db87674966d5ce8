"""Text for the PDF: literal user text for reportlab's mini-markup (German formats: :mod:`ikz_isms.present`)."""

from __future__ import annotations

# the date format moved to ikz_isms.present; the name stays importable from here
from ..present.de import date_de as date_de

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: object) -> str:
    """User text as reportlab Paragraph markup that prints exactly what was typed.

    ``&``, ``<`` and ``>`` are escaped (``<b>``, ``<font>``, ``&amp;`` would otherwise be
    markup); line breaks are kept as line breaks.
    """
    if text is None:
        return ""
    return str(text).translate(_ESCAPES).replace("\r\n", "\n").replace("\n", "<br/>")
