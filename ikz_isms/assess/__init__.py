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

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from ..catalog.model import Catalog, Requirement
    from ..county import County
    from ..editions import Edition
    from ..workspace import CatalogPin
    from .modelling import Applicable, ModellingProblem
    from .records import RecordSet
    from .structure import Decisions
    from .targets import ResolvedNeed, TargetObject, TargetProblem

#: names this package offers from its modules, imported when first asked for: a command that
#: needs one module of the package (``plan set``: :mod:`.plan`) does not pay for the others
_LAZY = {
    "Applicable": "modelling", "ModellingProblem": "modelling", "RecordSet": "records", "Decisions": "structure",
    "ResolvedNeed": "targets", "TargetObject": "targets", "TargetProblem": "targets",
}


__getattr__ = lazy_exports(__name__, _LAZY, globals())


def _no_decisions() -> "Decisions":
    from .structure import Decisions

    return Decisions()


@dataclass
class CountyData:
    """What a county recorded: target objects, resolved protection needs, check records."""

    county: "County"
    targets: list[TargetObject]
    needs: dict[str, ResolvedNeed]
    records: RecordSet
    structure_problems: list[TargetProblem] = field(default_factory=list)
    #: the county's decisions for its Informationsverbund: approach, scale, exclusions, parameters
    decisions: Decisions = field(default_factory=_no_decisions)

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
    #: the approach the county follows (its choice, else the edition's default): what applies,
    #: the plan, the walk and the report's check follow it
    approach: str = ""
    #: requirements as the county's parameter values state them (tailoring), by id
    tailored: dict[str, "Requirement"] = field(default_factory=dict)
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

    @property
    def approach_chosen(self) -> bool:
        """Whether the county chose its approach (else the edition's default applies)."""
        return self.data.decisions.approach in self.edition.approach_ids

    def in_scope(self, pair: Applicable) -> bool:
        """Whether the pair applies under the county's approach."""
        return self.approach in pair.approaches

    @property
    def scoped_pairs(self) -> list[Applicable]:
        """The pairs that apply under the county's approach: the check it has to do."""
        return [p for p in self.pairs if self.approach in p.approaches]

    def requirement(self, requirement_id: str) -> "Requirement | None":
        """A requirement as it holds for this county (its parameter values filled in)."""
        return self.tailored.get(requirement_id) or self.catalog.requirements.get(requirement_id)


def assess_county(data: CountyData, catalog: "Catalog", pin: "CatalogPin | None" = None,
                  edition: "Edition | None" = None) -> Assessment:
    """The county's data modelled onto ``catalog``: the edition's rules, then the county's decisions
    (exclusions, Kronjuwelen, approach) and its parameter values."""
    from ..editions import edition_of
    from .modelling import Applicable
    from .tailoring import tailor

    edition = edition or edition_of(catalog)
    pairs, problems = edition.model_county(catalog, data.targets, data.needs, data.decisions)
    tailored = tailor(catalog, data.decisions.parameters)
    if tailored:
        pairs = [Applicable(tailored[p.requirement.id], p.target, p.approaches) if p.requirement.id in tailored else p
                 for p in pairs]
    approach = edition.chosen_approach(data.decisions.approach)
    return Assessment(data, catalog, pin, edition, pairs, problems, approach, tailored)
