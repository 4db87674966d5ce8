"""The IT-Grundschutz-Check of a county: structure, protection needs, modelling, records, figures.

Public API (used by ``assess``, ``check``, the plan, the Verbund view and shared reviews):

* :func:`load_county_data` — a county's target objects (with resolved protection needs)
  and check records, validated; problems raise ``InputError`` with file and line.
* :func:`county_catalog` — the catalog a county assesses against (its pin or the default).
* :func:`assess_county` — modelling over that catalog: an :class:`Assessment`.
* :mod:`.summary` — fulfilment figures; :mod:`.records` — changing a record (journaled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..county import County
from .modelling import Applicable, ModellingProblem, model
from .records import RecordSet, load_records
from .targets import DependencyCycleError, ResolvedNeed, TargetObject, parse_targets, resolve_needs


@dataclass
class CountyData:
    """What a county recorded: target objects, resolved protection needs, check records."""

    county: County
    targets: list[TargetObject]
    needs: dict[str, ResolvedNeed]
    records: RecordSet

    def target(self, target_id: str) -> TargetObject | None:
        return next((t for t in self.targets if t.id == target_id), None)


@dataclass
class Assessment:
    """A county's data modelled onto a catalog."""

    data: CountyData
    catalog: Any
    pin: Any
    pairs: list[Applicable]
    problems: list[ModellingProblem]

    def pair(self, requirement: str, target: str) -> Applicable | None:
        return next((p for p in self.pairs if p.requirement.id == requirement and p.target.id == target), None)


def load_targets(county: County, *, roundtrip: bool = True) -> list[TargetObject]:
    from ..schemas import load_validated

    return parse_targets(load_validated(county.targets_path, "zielobjekte", roundtrip=roundtrip))


def load_county_data(county: County, *, roundtrip: bool = False) -> CountyData:
    """Read and validate the county's target objects and records; resolve protection needs.

    The default fast read keeps no line numbers; ``roundtrip=True`` keeps them (for findings).
    """
    targets = load_targets(county, roundtrip=roundtrip)
    try:
        needs = resolve_needs(targets, path=str(county.targets_path))
    except DependencyCycleError:
        if not roundtrip:
            # read again with line numbers so the error names the line
            resolve_needs(load_targets(county, roundtrip=True), path=str(county.targets_path))
        raise
    return CountyData(county, targets, needs, load_records(county.records_path, roundtrip=roundtrip))


def county_catalog(workspace: Any, pm: Any, county: County, cache: dict[str, Any] | None = None) -> tuple[Any, Any]:
    """(pin, catalog) the county assesses against; ``cache`` shares loaded catalogs by pin name."""
    from ..catalog import load_pinned

    return load_pinned(workspace, pm, county.profile.catalog, cache)


def assess_county(data: CountyData, catalog: Any, pin: Any = None) -> Assessment:
    pairs, problems = model(catalog, data.targets, data.needs)
    return Assessment(data, catalog, pin, pairs, problems)
