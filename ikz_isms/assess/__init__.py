"""The IT-Grundschutz-Check of a county: structure, protection needs, modelling, records, figures.

Pure domain code. The types here are what the application layer
(:class:`ikz_isms.app.Session`) builds from the store and every command reads:

* :class:`CountyData` — a county's target objects (with resolved protection needs) and
  check records (valid ones, and the invalid ones kept aside with why);
* :class:`Assessment` — that data modelled onto the county's pinned catalog by its edition;
* :mod:`.summary` — the figures; :mod:`.plan` — the Realisierungsplan; :mod:`.records` —
  the records and their rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .modelling import Applicable, ModellingProblem
from .records import RecordSet
from .targets import ResolvedNeed, TargetObject, TargetProblem

if TYPE_CHECKING:
    from ..catalog.model import Catalog
    from ..county import County
    from ..editions import Edition
    from ..workspace import CatalogPin


@dataclass
class CountyData:
    """What a county recorded: target objects, resolved protection needs, check records."""

    county: "County"
    targets: list[TargetObject]
    needs: dict[str, ResolvedNeed]
    records: RecordSet
    structure_problems: list[TargetProblem] = field(default_factory=list)

    def target(self, target_id: str) -> TargetObject | None:
        return next((t for t in self.targets if t.id == target_id), None)


@dataclass
class Assessment:
    """A county's data modelled onto a catalog (its pin, verified) by the catalog's edition."""

    data: CountyData
    catalog: "Catalog"
    pin: "CatalogPin | None"
    edition: "Edition"
    pairs: list[Applicable]
    problems: list[ModellingProblem]
    _index: dict[tuple[str, str], Applicable] = field(default_factory=dict, repr=False)

    def pair(self, requirement: str, target: str) -> Applicable | None:
        if not self._index:
            self._index = {p.key: p for p in self.pairs}
        return self._index.get((requirement, target))

    @property
    def county(self) -> "County":
        return self.data.county

    @property
    def counted_pairs(self) -> list[Applicable]:
        """The pairs that count under at least one approach."""
        return [p for p in self.pairs if p.approaches]


def assess_county(data: CountyData, catalog: "Catalog", pin: "CatalogPin | None" = None,
                  edition: "Edition | None" = None) -> Assessment:
    from ..editions import edition_of

    edition = edition or edition_of(catalog)
    pairs, problems = edition.model(catalog, data.targets, data.needs)
    return Assessment(data, catalog, pin, edition, pairs, problems)
