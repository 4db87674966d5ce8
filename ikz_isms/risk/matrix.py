"""The risk matrix of BSI-Standard 200-3: frequency × impact → risk category.

200-3 rates each threat on two four-step scales — how often it would cause damage
(*Eintrittshäufigkeit*) and how bad that damage would be (*Schadensauswirkung*) — and reads
the risk category off a matrix. The default is the standard's 4×4 matrix; a Verbund may set
its own in ``ikz-isms.yaml``::

    risk:
      matrix:                 # one row per frequency, one category per impact (left to right)
        selten:      [gering, gering, mittel, hoch]
        mittel:      [gering, mittel, hoch, sehr hoch]
        häufig:      [gering, mittel, hoch, sehr hoch]
        sehr häufig: [gering, hoch, sehr hoch, sehr hoch]

A matrix must not rate a more frequent or a worse threat lower than a rarer or milder one
(each row and each column is non-decreasing); otherwise it is refused with the cell named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError

FREQUENCIES = ("selten", "mittel", "häufig", "sehr häufig")
IMPACTS = ("vernachlässigbar", "begrenzt", "beträchtlich", "existenzbedrohend")
CATEGORIES = ("gering", "mittel", "hoch", "sehr hoch")

#: the matrix of BSI-Standard 200-3 (rows: frequency from selten; columns: impact from vernachlässigbar)
DEFAULT_ROWS: dict[str, tuple[str, ...]] = {
    "selten": ("gering", "gering", "mittel", "hoch"),
    "mittel": ("gering", "mittel", "hoch", "sehr hoch"),
    "häufig": ("gering", "mittel", "hoch", "sehr hoch"),
    "sehr häufig": ("gering", "hoch", "sehr hoch", "sehr hoch"),
}
DEFAULT_SOURCE = "BSI-Standard 200-3 (4×4-Matrix)"


@dataclass(frozen=True)
class RiskMatrix:
    """Frequency × impact → category; ``source`` says where the matrix comes from (for reports)."""

    rows: Mapping[str, tuple[str, ...]]
    source: str = DEFAULT_SOURCE

    def category(self, frequency: str, impact: str) -> str:
        return self.rows[frequency][IMPACTS.index(impact)]

    def rank(self, category: str) -> int:
        return CATEGORIES.index(category)

    @property
    def is_default(self) -> bool:
        return dict(self.rows) == DEFAULT_ROWS

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "frequencies": list(FREQUENCIES), "impacts": list(IMPACTS),
                "categories": list(CATEGORIES), "rows": {f: list(self.rows[f]) for f in FREQUENCIES}}


DEFAULT_MATRIX = RiskMatrix(DEFAULT_ROWS)


def matrix_from_config(config: Mapping[str, Any] | None, *, path: str | None = None) -> RiskMatrix:
    """The Verbund's matrix (``risk.matrix``, schema-valid) or the default; a non-monotone one raises."""
    rows_in = (config or {}).get("matrix") if config else None
    if not rows_in:
        return DEFAULT_MATRIX
    rows = {f: tuple(str(c) for c in rows_in[f]) for f in FREQUENCIES}
    for i, frequency in enumerate(FREQUENCIES):
        for j, impact in enumerate(IMPACTS):
            here = CATEGORIES.index(rows[frequency][j])
            if j and here < CATEGORIES.index(rows[frequency][j - 1]):
                raise InputError(
                    f"Risikomatrix: Häufigkeit „{frequency}“ mit Auswirkung „{impact}“ ist niedriger eingestuft "
                    f"als mit „{IMPACTS[j - 1]}“ – eine schwerere Auswirkung darf kein geringeres Risiko ergeben.",
                    path=path, location=f"/risk/matrix/{frequency}/{j}")
            if i and here < CATEGORIES.index(rows[FREQUENCIES[i - 1]][j]):
                raise InputError(
                    f"Risikomatrix: Häufigkeit „{frequency}“ mit Auswirkung „{impact}“ ist niedriger eingestuft "
                    f"als „{FREQUENCIES[i - 1]}“ – eine häufigere Gefährdung darf kein geringeres Risiko ergeben.",
                    path=path, location=f"/risk/matrix/{frequency}/{j}")
    return RiskMatrix(rows, "Risikomatrix des Verbunds (ikz-isms.yaml, risk.matrix)")
