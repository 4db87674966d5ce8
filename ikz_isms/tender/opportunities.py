"""Gap-driven joint tenders: requirements open (nein/teilweise) in several counties that a template addresses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .estimate import Estimate
from .templates import Template

if TYPE_CHECKING:
    from ..assess import Assessment

GAP_STATUSES = ("nein", "teilweise")


@dataclass
class Proposal:
    """A proposed joint tender: the template, the gaps it addresses, the counties to name, the estimate."""

    template: Template
    gaps: dict[str, list[str]]
    counties_with_gaps: list[str]
    counties_to_name: list[str]
    estimate: Estimate
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "template": self.template.id,
            "title": self.template.title,
            "gaps": self.gaps,
            "counties_with_gaps": self.counties_with_gaps,
            "counties_to_name": self.counties_to_name,
            "estimate": self.estimate.as_dict(),
            "notes": self.notes,
        }


def county_gaps(assessments: Mapping[str, "Assessment"]) -> dict[str, set[str]]:
    """Requirement id → counties where some applicable pair is nein or teilweise."""
    gaps: dict[str, set[str]] = {}
    for county, assessment in assessments.items():
        records = assessment.data.records
        for pair in assessment.pairs:
            if not pair.approaches:
                continue
            record = records.get(pair.requirement.id, pair.target.id)
            if record is not None and record.status in GAP_STATUSES:
                gaps.setdefault(pair.requirement.id, set()).add(county)
    return gaps


def addressed(requirement_id: str, template: Template) -> bool:
    """Whether the template covers a requirement: listed in its annex or under one of its ``addresses`` prefixes."""
    ids = {item["id"] for item in template.data.get("security_requirements", []) if "id" in item}
    groups = [item["group"] for item in template.data.get("security_requirements", []) if "group" in item]
    prefixes = list(template.data.get("addresses", [])) + groups
    return requirement_id in ids or any(
        requirement_id == p or requirement_id.startswith(p + ".") for p in prefixes)


def propose(
    templates: Sequence[Template],
    gaps: Mapping[str, set[str]],
    members: Sequence[str],
    min_counties: int,
    make_estimate: Callable[[Template, list[str]], Estimate],
) -> list[Proposal]:
    """One proposal per template that addresses a requirement open in at least ``min_counties`` counties.

    ``make_estimate(template, counties)`` returns the §3 VgV estimate for a joint tender of
    ``counties`` with the template's defaults. All Verbund members are proposed for naming:
    a county not named in the tender cannot call off later (§21 Abs. 2 VgV).
    """
    proposals = []
    for template in templates:
        matched = {rid: sorted(c, key=_order(members)) for rid, c in sorted(gaps.items())
                   if len(c) >= min_counties and addressed(rid, template)}
        if not matched:
            continue
        with_gaps = sorted({c for cs in matched.values() for c in cs}, key=_order(members))
        estimate = make_estimate(template, list(members))
        notes = ["Alle Verbundmitglieder benennen: wer bei der Ausschreibung nicht benannt ist, kann später nicht "
                 "abrufen (§21 Abs. 2 VgV, §15 Abs. 3 UVgO)."]
        proposals.append(Proposal(template, matched, with_gaps, list(members), estimate, notes))
    proposals.sort(key=lambda p: (-len(p.counties_with_gaps), -len(p.gaps), p.template.id))
    return proposals


def _order(members: Sequence[str]) -> Callable[[str], tuple[int, str]]:
    position = {m: i for i, m in enumerate(members)}
    return lambda key: (position.get(key, len(position)), key)


def default_project(template: Template, counties: Sequence[str], lead: str, on: dt.date,
                    profiles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """An in-memory project with the template's default term and options, for an estimate only."""
    from .project import new_tender_document

    return new_tender_document(
        template, name=template.id, counties=counties, lead=lead if lead in counties else counties[0],
        term_months=int(template.data["term"]["months"]), options=template.default_options,
        notice_date=on, created=on, profiles=profiles, explicit={},
    )
