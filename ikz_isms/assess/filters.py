"""Filters on the IT-Grundschutz-Check: which check points match (``assess list``).

"All ``nein`` owned by IT-Leitung, checked before 2026": a :class:`CheckFilter` over the
pairs that apply under the county's approach — by target object, status, responsible,
Baustein / Thema / Schicht / Praktik, modal verb, level and the date of the last check.
Pure functions; the rows carry the statement as it holds for the county (its parameter
values filled in).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Assessment


@dataclass(frozen=True)
class CheckFilter:
    """What to list; every criterion is optional, several values of one criterion are alternatives.

    ``responsible`` matches part of the field, ignoring case; ``groups`` matches any group the
    requirement sits in (Baustein or Schicht, Thema or Praktik, by id); ``checked_before``
    matches check points last checked before that day — and those never checked (no date).
    """

    targets: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    responsible: str | None = None
    groups: tuple[str, ...] = ()
    modal_verbs: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    checked_before: _dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"targets": list(self.targets), "statuses": list(self.statuses), "responsible": self.responsible,
                "groups": list(self.groups), "modal_verbs": list(self.modal_verbs), "levels": list(self.levels),
                "checked_before": self.checked_before.isoformat() if self.checked_before else None}


@dataclass(frozen=True)
class CheckRow:
    """One check point as ``assess list`` shows it."""

    target: str
    target_name: str
    requirement: str
    title: str
    module: str
    module_title: str
    level: str
    level_label: str
    modal_verbs: tuple[str, ...]
    status: str
    responsible: str
    checked: _dt.date | None
    statement: str
    record_statement: str
    reason: str
    evidence: tuple[str, ...]
    provenance: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target, "target_name": self.target_name, "requirement": self.requirement,
            "title": self.title, "module": self.module, "module_title": self.module_title, "level": self.level,
            "level_label": self.level_label, "modal_verbs": list(self.modal_verbs), "status": self.status,
            "responsible": self.responsible or None, "checked": self.checked.isoformat() if self.checked else None,
            "requirement_statement": self.statement, "statement": self.record_statement or None,
            "reason": self.reason or None, "evidence": list(self.evidence), "provenance": self.provenance,
        }


def _folded(values: Sequence[str]) -> set[str]:
    return {v.casefold() for v in values}


def select(assessment: "Assessment", wanted: CheckFilter) -> list[CheckRow]:
    """The check points under the county's approach that match ``wanted``, in structure then catalog order."""
    from ..catalog.search import group_chain, modal_verbs
    from .summary import module_of

    catalog = assessment.catalog
    records = assessment.data.records
    edition = assessment.edition
    targets = _folded(wanted.targets)
    statuses = set(wanted.statuses)
    groups = _folded(wanted.groups)
    verbs = {v.upper() for v in wanted.modal_verbs}
    levels = _folded(wanted.levels)
    responsible = (wanted.responsible or "").casefold().strip()
    chains: dict[str | None, set[str]] = {}
    order = {t.id: index for index, t in enumerate(assessment.data.targets)}
    rows: list[tuple[tuple[int, int], CheckRow]] = []
    catalog_order = {rid: index for index, rid in enumerate(catalog.requirements)}
    for pair in assessment.scoped_pairs:
        req = pair.requirement
        target = pair.target
        if targets and target.id.casefold() not in targets:
            continue
        status = records.status(req.id, target.id)
        if statuses and status not in statuses:
            continue
        if levels and (req.level or "").casefold() not in levels:
            continue
        verbs_of = modal_verbs(req)
        if verbs and not verbs.intersection(verbs_of):
            continue
        if groups:
            if req.group not in chains:
                chains[req.group] = {g.id.casefold() for g in group_chain(catalog, req.group)}
            if not groups.intersection(chains[req.group]):
                continue
        record = records.get(req.id, target.id)
        owner = record.responsible if record else ""
        if responsible and responsible not in owner.casefold():
            continue
        checked = record.checked_date if record else None
        if wanted.checked_before is not None and checked is not None and checked >= wanted.checked_before:
            continue
        module = module_of(catalog, req.group)
        rows.append(((order.get(target.id, 0), catalog_order.get(req.id, 0)), CheckRow(
            target.id, target.name, req.id, req.title, module.id if module else "", module.title if module else "",
            req.level or "", edition.level_label(req), verbs_of, status, owner, checked, req.statement,
            record.statement if record else "", record.reason if record else "",
            record.evidence if record else (), record.provenance if record else "",
        )))
    rows.sort(key=lambda item: item[0])
    return [row for _, row in rows]
