"""Fulfilment figures of a county's IT-Grundschutz-Check: pure functions over an assessment.

Counting unit is the (requirement, target object) pair. A pair without a valid record
counts as ``unbearbeitet`` (an invalid record is reported, never counted). Fulfilment =
(ja + entbehrlich) / applicable; ``teilweise`` does not count as fulfilled (BSI's ``ja``
means fully, effectively and adequately met), it is shown in its own column so partial
progress stays visible. ``assess``, the reports, the plan and the Verbund view all take
their figures from :func:`summarize`, so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .records import DONE_STATUSES, STATUSES

if TYPE_CHECKING:
    from ..catalog.model import Catalog, Group
    from . import Assessment
    from .modelling import Applicable
    from .records import RecordSet

FULFILMENT_RULE = (
    "Erfüllungsgrad = (ja + entbehrlich) / anwendbare Anforderungen je Zielobjekt; "
    "teilweise zählt nicht als erfüllt; fehlende oder ungültige Einträge zählen als unbearbeitet"
)


@dataclass(frozen=True)
class Tally:
    """Counts per status over a set of applicable pairs."""

    counts: dict[str, int]

    @property
    def applicable(self) -> int:
        return sum(self.counts.values())

    @property
    def fulfilled(self) -> int:
        return sum(self.counts[s] for s in DONE_STATUSES)

    @property
    def fulfilment(self) -> float | None:
        return self.fulfilled / self.applicable if self.applicable else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "applicable": self.applicable,
            "fulfilled": self.fulfilled,
            "fulfilment": None if self.fulfilment is None else round(self.fulfilment, 4),
            "status": dict(self.counts),
        }


def status_of(pair: "Applicable", records: "RecordSet") -> str:
    return records.status(pair.requirement.id, pair.target.id)


def tally(pairs: Iterable["Applicable"], records: "RecordSet") -> Tally:
    counts = {status: 0 for status in STATUSES}
    for pair in pairs:
        counts[status_of(pair, records)] += 1
    return Tally(counts)


#: pairs counted by (requirement group, approaches, status): a few hundred keys for thousands of pairs
Counts = dict[tuple["str | None", frozenset[str], str], int]


def _counted(pairs: list["Applicable"], records: "RecordSet") -> Counts:
    """How many pairs count with each status (:func:`status_of`), by requirement group and the
    approaches they apply under: every figure of :func:`summarize` is a sum over these."""
    get = records.records.get
    counts: Counts = {}
    for pair in pairs:
        record = get((pair.requirement.id, pair.target.id))
        key = (pair.requirement.group, pair.approaches, record.status if record is not None else "unbearbeitet")
        counts[key] = counts.get(key, 0) + 1
    return counts


def _tally_counted(counted: Iterable[tuple[tuple["str | None", frozenset[str], str], int]], approach: str) -> Tally:
    """:func:`tally` of the counted pairs that apply under ``approach``."""
    counts = {status: 0 for status in STATUSES}
    for (_group, approaches, status), count in counted:
        if approach in approaches:
            counts[status] += count
    return Tally(counts)


def module_of(catalog: "Catalog", group_id: str | None) -> "Group | None":
    """The Baustein (Ed. 2023) or Thema (G++) a requirement's group belongs to."""
    group = catalog.groups.get(group_id) if group_id else None
    while group is not None and group.kind not in ("baustein", "topic"):
        group = catalog.groups.get(group.parent) if group.parent else None
    return group or (catalog.groups.get(group_id) if group_id else None)


def by_group(assessment: "Assessment", approaches: tuple[str, ...], *, top: bool,
             counted: Counts | None = None) -> list[dict[str, Any]]:
    """Fulfilment per layer/practice (``top``) or per Baustein/topic, in catalog order.

    ``counted``: the pairs' counts (:func:`_counted`), when the caller has them.
    """
    catalog = assessment.catalog
    if counted is None:
        counted = _counted(assessment.pairs, assessment.data.records)
    # each requirement group's layer or module is found once
    bucket_of: dict[str | None, str] = {}
    buckets: dict[str, list[tuple[tuple[str | None, frozenset[str], str], int]]] = {}
    for item in counted.items():
        group_id = item[0][0]
        gid = bucket_of.get(group_id)
        if gid is None:
            group = catalog.top_group(group_id) if top else module_of(catalog, group_id)
            gid = bucket_of[group_id] = group.id if group is not None else ""
        bucket = buckets.get(gid)
        if bucket is None:
            bucket = buckets[gid] = []
        bucket.append(item)
    order = {gid: index for index, gid in enumerate(catalog.groups)}
    rows = []
    for gid in sorted(buckets, key=lambda g: order.get(g, len(order))):
        group = catalog.groups.get(gid)
        rows.append({
            "id": gid or "–",
            "title": group.title if group else "ohne Gruppe",
            "approaches": {a: _tally_counted(buckets[gid], a).as_dict() for a in approaches},
        })
    return rows


def summarize(assessment: "Assessment") -> dict[str, Any]:
    """The figures of one county: per approach, per layer and Baustein, open Basis gaps, invalid records."""
    edition = assessment.edition
    records = assessment.data.records
    pairs = assessment.pairs
    counted = _counted(pairs, records)
    result: dict[str, Any] = {
        "rule": FULFILMENT_RULE,
        "edition": edition.id,
        "labels": {"layer": edition.layer_label, "module": edition.module_label, "basis": edition.basis_label},
        "approaches": [
            {"id": a.id, "label": a.label, **_tally_counted(counted.items(), a.id).as_dict()}
            for a in edition.approaches
        ],
        "layers": by_group(assessment, edition.approach_ids, top=True, counted=counted),
        "groups": by_group(assessment, edition.approach_ids, top=False, counted=counted),
        "basis_gaps": basis_gaps(assessment),
        "approach": chosen_approach(assessment),
    }
    modelled = {p.key for p in pairs}
    result["unmodelled_records"] = [
        {"requirement": r.requirement, "target": r.target, "file": r.file, "line": records.line_of(r)}
        for r in records if r.key not in modelled
    ]
    result["invalid_records"] = [
        {"requirement": i.record.requirement, "target": i.record.target, "file": i.record.file, "line": i.record.line,
         "problems": [p.message for p in i.problems]}
        for i in records.invalid
    ]
    return result


def chosen_approach(assessment: "Assessment") -> dict[str, Any]:
    """The approach the county follows, whether it chose it, why, and (Kern) which objects it covers."""
    from .structure import kern_scope

    edition = assessment.edition
    decisions = assessment.data.decisions
    result: dict[str, Any] = {
        "id": assessment.approach,
        "label": edition.approach(assessment.approach).label,
        "chosen": assessment.approach_chosen,
        "reason": decisions.approach_reason or None,
        "kronjuwelen": [t.id for t in assessment.data.targets if t.kronjuwel],
    }
    if edition.core_approach:
        result["core"] = {"id": edition.core_approach, "label": edition.approach(edition.core_approach).label,
                          "scope": sorted(kern_scope(assessment.data.targets))}
    return result


def basis_gaps(assessment: "Assessment") -> list[dict[str, Any]]:
    """Open Basis requirements (risk cannot be accepted) under the county's approach: every status but
    ja/entbehrlich."""
    edition = assessment.edition
    catalog = assessment.catalog
    records = assessment.data.records
    basis = edition.basis_approach
    gaps: list[dict[str, Any]] = []
    for pair in assessment.pairs:
        if basis not in pair.approaches or not assessment.in_scope(pair) or not edition.is_basis(pair.requirement):
            continue
        status = status_of(pair, records)
        if status in DONE_STATUSES:
            continue
        layer = catalog.top_group(pair.requirement.group)
        gaps.append({
            "requirement": pair.requirement.id,
            "title": pair.requirement.title,
            "target": pair.target.id,
            "target_name": pair.target.name,
            "status": status,
            "layer": layer.id if layer else None,
        })
    order = {rid: index for index, rid in enumerate(catalog.requirements)}
    gaps.sort(key=lambda g: (order.get(g["requirement"], 0), g["target"]))
    return gaps
