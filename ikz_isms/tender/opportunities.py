"""Gap-driven joint tenders: requirements open (nein/teilweise) in several counties that a template addresses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .estimate import Estimate
from .templates import Template

if TYPE_CHECKING:
    from ..procure.model import FrameworkContract
    from ..procure.opportunities import Opportunity

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


# -- one list of opportunities ----------------------------------------------------------------


@dataclass
class Covered:
    """A need a running framework agreement already covers: call off instead of tendering again."""

    category: str
    framework: "FrameworkContract"
    counties: list[str]
    source: str

    @property
    def not_named(self) -> list[str]:
        """Counties with the need that the framework did not name: they cannot call off (§21 Abs. 2 VgV)."""
        return [c for c in self.counties if c not in self.framework.participants]

    def as_dict(self, on: dt.date) -> dict[str, Any]:
        return {"category": self.category, "framework": self.framework.id, "title": self.framework.title,
                "until": self.framework.certain_end(on).isoformat(), "participants": list(self.framework.participants),
                "counties": self.counties, "not_named": self.not_named, "source": self.source}


@dataclass
class Started:
    """A need a tender project already started addresses (``vergaben/<name>``)."""

    category: str
    project: str
    template: str
    notice_date: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"category": self.category, "project": self.project, "template": self.template,
                "notice_date": self.notice_date, "source": self.source}


@dataclass
class JointOpportunity:
    """One proposed joint tender: from separate contracts (Ein-Produkt), from shared gaps, or both."""

    category: str
    contracts: "Opportunity | None" = None
    proposal: Proposal | None = None

    @property
    def template(self) -> Template | None:
        return self.proposal.template if self.proposal else None

    @property
    def title(self) -> str:
        return self.proposal.template.title if self.proposal else f"Produktkategorie {self.category}"

    @property
    def counties_to_name(self) -> list[str]:
        if self.proposal:
            return self.proposal.counties_to_name
        assert self.contracts is not None
        return self.contracts.counties

    @property
    def sources(self) -> list[str]:
        return [name for name, part in (("vertraege", self.contracts), ("luecken", self.proposal)) if part]

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "title": self.title,
            "sources": self.sources,
            "template": self.template.id if self.template else None,
            "counties_to_name": self.counties_to_name,
            "contracts": self.contracts.as_dict() if self.contracts else None,
            "gaps": self.proposal.as_dict() if self.proposal else None,
        }


@dataclass
class OpportunityList:
    """The one list both ``contracts opportunities`` and ``tender opportunities`` show."""

    on: dt.date
    lead_months: int
    min_counties: int
    items: list[JointOpportunity]
    covered: list[Covered]
    started: list[Started]
    withheld: list[str]

    def as_dict(self) -> dict[str, Any]:
        notes = ([f"Nicht ausgewertet, weil ihre Offenlegung keine Einzelbefunde erlaubt ('aggregate' oder "
                  f"'none'): {', '.join(self.withheld)}."] if self.withheld else [])
        return {"date": self.on.isoformat(), "lead_months": self.lead_months, "min_counties": self.min_counties,
                "opportunities": [item.as_dict() for item in self.items],
                "covered": [c.as_dict(self.on) for c in self.covered],
                "started": [s.as_dict() for s in self.started], "notes": notes}


def template_category(template: Template) -> str:
    """The product category a template serves (its ``category``, else its id)."""
    return str(template.data.get("category") or template.id)


def combine(contract_items: Sequence["Opportunity"], proposals: Sequence[Proposal],
            contracts: Sequence["FrameworkContract"], projects: Sequence[tuple[str, str, str]],
            templates: Sequence[Template], on: dt.date) -> tuple[list[JointOpportunity], list[Covered], list[Started]]:
    """One list from both sources, by product category, without what is already covered or started.

    ``projects`` are (project name, template id, notice date) of the tender projects in the
    workspace. A category a running framework agreement covers is reported as covered (with
    the counties it did not name); a category a tender project already addresses as started.
    """
    from ..procure.opportunities import running_frameworks

    frameworks = running_frameworks(contracts, on)
    by_template = {t.id: template_category(t) for t in templates}
    started_by_category: dict[str, tuple[str, str, str]] = {}
    for name, template_id, notice in projects:
        started_by_category.setdefault(by_template.get(template_id, template_id), (name, template_id, notice))
    items: dict[str, JointOpportunity] = {}
    covered: list[Covered] = []
    started: list[Started] = []

    def place(category: str, counties: list[str], source: str) -> bool:
        """Whether the category is free to propose; else it is recorded as covered or started."""
        if category in frameworks:
            covered.append(Covered(category, frameworks[category], counties, source))
            return False
        if category in started_by_category:
            name, template_id, notice = started_by_category[category]
            started.append(Started(category, name, template_id, notice, source))
            return False
        return True

    for item in contract_items:
        owners = sorted({c.owner for c in item.contracts})
        if place(item.category, owners, "vertraege"):
            items.setdefault(item.category, JointOpportunity(item.category)).contracts = item
    for proposal in proposals:
        category = template_category(proposal.template)
        if place(category, proposal.counties_with_gaps, "luecken"):
            joint = items.setdefault(category, JointOpportunity(category))
            if joint.proposal is None:
                joint.proposal = proposal
    order = sorted(items.values(), key=lambda j: (-len(j.sources), j.category))
    return order, covered, started
