"""Presentation in one place: German formats, the domain's words, the CSV dialect.

:mod:`.de` formats dates, numbers, money and percentages; :mod:`.vocab` holds the words for
the domain's codes (statuses, states, disclosure, provenance); :mod:`.csv_de` writes CSV.

Every text a person reads — terminal tables, PDFs, CSV for spreadsheets — formats dates,
numbers and money through here, so they look the same everywhere and round by one rule.
Pure Python with no third-party imports; the PDF engine lives in :mod:`ikz_isms.report.pdf`.
"""

from __future__ import annotations

from .csv_de import csv_cell, neutralise, write_csv
from .de import (
    NONE_TEXT,
    cents,
    county_title,
    date_de,
    datetime_de,
    money_de,
    number_de,
    percent_de,
    plural_de,
    quantity_de,
    rounded,
    shown_text,
)
from .vocab import (
    DIMENSION_NAMES,
    DIMENSIONS,
    DISCLOSURE_LABELS,
    MEASURE_STATE_LABELS,
    MEASURE_STATES,
    NEED_LEVELS,
    STATUS_LABELS,
    STATUS_ORDER,
    disclosure_label,
    provenance_de,
    status_label,
)

__all__ = [
    "DIMENSIONS", "DIMENSION_NAMES", "DISCLOSURE_LABELS", "MEASURE_STATE_LABELS", "MEASURE_STATES", "NEED_LEVELS",
    "NONE_TEXT", "STATUS_LABELS", "STATUS_ORDER", "cents", "county_title", "csv_cell", "date_de", "datetime_de",
    "disclosure_label", "money_de", "neutralise", "number_de", "percent_de", "plural_de", "provenance_de",
    "quantity_de", "rounded", "shown_text", "status_label", "write_csv",
]
