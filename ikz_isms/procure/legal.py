"""Legal figures of procurement (thresholds, state limits, maximum terms) as dated, sourced data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..errors import InputError

PACKAGE_FILE = "legal-figures.yaml"


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

    def pending(self, figure_id: str) -> list[LegalFigure]:
        """Unconfirmed figures with this id (e.g. a raised limit whose circular is not verified)."""
        return [f for f in self.figures if f.id == figure_id and f.unconfirmed]


def _date(value, path: str, line: int | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"ungültiges Datum '{value}'.", path=path, location=f"Zeile {line}") from None


def parse_legal_figures(document, path: str) -> LegalFigures:
    from ..store import yaml_line
    from .money import to_decimal

    figures = []
    items = (document or {}).get("figures") if hasattr(document, "get") else None
    if not isinstance(items, list):
        raise InputError("Abschnitt 'figures' fehlt oder ist keine Liste.", path=path)
    for index, item in enumerate(items):
        line = yaml_line(items, index)
        if not hasattr(item, "get") or not item.get("id") or not item.get("source"):
            raise InputError("Kennzahl ohne 'id' oder 'source'.", path=path, location=f"Zeile {line}")
        where = f"Zeile {line}"
        figures.append(
            LegalFigure(
                id=str(item["id"]),
                label=str(item.get("label", item["id"])),
                source=str(item["source"]),
                valid_from=_date(item.get("valid_from"), path, line),
                valid_to=_date(item.get("valid_to"), path, line),
                amount=to_decimal(item["amount"], path, where) if item.get("amount") is not None else None,
                months=int(item["months"]) if item.get("months") is not None else None,
                rate=to_decimal(item["rate"], path, where) if item.get("rate") is not None else None,
                unconfirmed=bool(item.get("unconfirmed", False)),
            )
        )
    return LegalFigures(figures, path)


@lru_cache(maxsize=8)
def _load(path: str) -> LegalFigures:
    from ..store import read_yaml

    return parse_legal_figures(read_yaml(Path(path)), path)


def load_legal_figures(workspace=None) -> LegalFigures:
    """The workspace's ``catalogs/vertraege/rechtliche-kennzahlen.yaml`` if present, else the built-in data."""
    if workspace is not None:
        override = Path(workspace.root) / "catalogs" / "vertraege" / "rechtliche-kennzahlen.yaml"
        if override.is_file():
            return parse_legal_figures(_read(override), str(override))
    from importlib.resources import files

    return _load(str(files("ikz_isms").joinpath("data", PACKAGE_FILE)))


def _read(path: Path):
    from ..store import read_yaml

    return read_yaml(path)
