"""Legal figures of procurement (thresholds, state limits, maximum terms) as dated, sourced data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from ..store import Parsed, Store

PACKAGE_FILE = "legal-figures.yaml"
KIND = "legal-figures"
#: ids of the EU thresholds: ``eu-threshold.<category>``; every category in the data is selectable
THRESHOLD_PREFIX = "eu-threshold."
#: the category a contract type uses unless a template, project or contract names another
DEFAULT_CATEGORY = {"works": "works", "services": "supplies-services-subcentral",
                    "supplies": "supplies-services-subcentral"}


@dataclass(frozen=True)
class LegalFigure:
    """One legal figure with its validity and source; ``unconfirmed`` marks a doubtful source."""

    id: str
    label: str
    source: str
    valid_from: dt.date | None
    valid_to: dt.date | None = None
    amount: Decimal | None = None
    months: int | None = None
    rate: Decimal | None = None
    unconfirmed: bool = False
    path: str = ""
    location: str = ""

    def required_amount(self) -> Decimal:
        """The figure's amount; a figure used as an amount without one is bad data (InputError)."""
        if self.amount is None:
            raise InputError(f"Kennzahl {self.id} hat keinen Betrag ('amount').", path=self.path or None,
                             location=self.location or None)
        return self.amount

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from is None:
            return False
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "amount": str(self.amount) if self.amount is not None else None,
            "months": self.months,
            "rate": str(self.rate) if self.rate is not None else None,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source,
            "unconfirmed": self.unconfirmed,
        }


class LegalFigures:
    """All figures; ``get(id, on)`` answers the one in force on a day."""

    def __init__(self, figures: list[LegalFigure], path: str):
        self.figures = figures
        self.path = path

    def get(self, figure_id: str, on: dt.date) -> LegalFigure:
        for figure in self.figures:
            if figure.id == figure_id and not figure.unconfirmed and figure.valid_on(on):
                return figure
        raise InputError(
            f"Kein gültiger Wert für '{figure_id}' am {on.isoformat()} hinterlegt "
            "(rechtliche Kennzahlen ergänzen).",
            path=self.path,
        )

    def threshold_categories(self) -> dict[str, str]:
        """Every EU threshold category of the data (``eu-threshold.<category>``) with its label."""
        found: dict[str, str] = {}
        for figure in self.figures:
            if figure.id.startswith(THRESHOLD_PREFIX) and not figure.unconfirmed:
                found.setdefault(figure.id[len(THRESHOLD_PREFIX):], figure.label)
        return found

    def threshold(self, category: str, on: dt.date, *, path: str | None = None,
                  location: str | None = None) -> LegalFigure:
        """The EU threshold of ``category`` in force on ``on``; an unknown category is an
        InputError at ``path``/``location`` (the file that chose it) naming the known ones."""
        known = self.threshold_categories()
        if category not in known:
            listed = ", ".join(f"{key} ({label})" for key, label in known.items()) or "keine"
            raise InputError(f"Unbekannte Schwellenwert-Kategorie '{category}' (bekannt: {listed}).",
                             path=path, location=location)
        return self.get(THRESHOLD_PREFIX + category, on)

    def pending(self, figure_id: str) -> list[LegalFigure]:
        """Unconfirmed figures with this id (e.g. a raised limit whose circular is not verified)."""
        return [f for f in self.figures if f.id == figure_id and f.unconfirmed]


def parse_legal_figures(parsed: "Parsed") -> LegalFigures:
    """The figures of a parsed ``rechtliche-kennzahlen.yaml``; every problem names file and line."""
    from .store import Numbers

    path = parsed.path
    document = parsed.data
    items = document.get("figures") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise InputError("Abschnitt 'figures' fehlt oder ist keine Liste.", path=path,
                         location=parsed.location("figures") if isinstance(document, dict) else None)
    numbers = Numbers(parsed)
    figures = []
    for index, item in enumerate(items):
        where = parsed.location("figures", index)
        if not isinstance(item, dict) or not item.get("id") or not item.get("source"):
            raise InputError("Kennzahl ohne 'id' oder 'source'.", path=path, location=where)
        months = item.get("months")
        if months is not None and (isinstance(months, bool) or not isinstance(months, int) or not 0 < months <= 1200):
            raise InputError(f"'months' muss eine ganze Zahl von Monaten sein (1 bis 1200), nicht '{months}'.",
                             path=path, location=parsed.location("figures", index, "months"))
        figures.append(
            LegalFigure(
                id=str(item["id"]),
                label=str(item.get("label", item["id"])),
                source=str(item["source"]),
                valid_from=numbers.date_or_none("figures", index, "valid_from"),
                valid_to=numbers.date_or_none("figures", index, "valid_to"),
                amount=numbers.money("figures", index, "amount"),
                months=months,
                rate=numbers.share("figures", index, "rate", most=Decimal(100), label="Steuersatz (%)"),
                unconfirmed=bool(item.get("unconfirmed", False)),
                path=path,
                location=where,
            )
        )
    return LegalFigures(figures, path)


def load_legal_figures(store: "Store | None" = None, override: Path | None = None) -> LegalFigures:
    """The workspace's figures (``override``, i.e. ``catalogs/vertraege/rechtliche-kennzahlen.yaml``,
    where it exists), else the built-in data shipped with ikz-isms; read through ``store``."""
    if store is not None and override is not None and store.exists(override):
        return parse_legal_figures(store.parse(override, KIND))
    return builtin_figures()


@lru_cache(maxsize=1)
def builtin_figures() -> LegalFigures:
    """The figures shipped in ``ikz_isms/data/legal-figures.yaml`` (read once per run)."""
    from importlib.resources import files

    from ..store import Store

    path = Path(str(files("ikz_isms").joinpath("data", PACKAGE_FILE)))
    return parse_legal_figures(Store(None).parse(path, KIND))
