"""Fulfilment figures of a county's IT-Grundschutz-Check: pure functions over modelled pairs and records.

Counting unit is the (requirement, target object) pair. A pair without a record counts as
``unbearbeitet``. Fulfilment = (ja + entbehrlich) / applicable; ``teilweise`` does not
count as fulfilled (BSI's ``ja`` means fully, effectively and adequately met), it is shown
in its own column so partial progress stays visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from .modelling import APPROACH_LABELS, BASIS_APPROACH, Applicable, approaches_for, is_basis
from .records import DONE_STATUSES, STATUSES, RecordSet

FULFILMENT_RULE = (
    "Erfüllungsgrad = (ja + entbehrlich) / anwendbare Anforderungen je Zielobjekt; "
    "teilweise zählt nicht als erfüllt; fehlende Einträge zählen als unbearbeitet"
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


def status_of(pair: Applicable, records: RecordSet) -> str:
    record = records.get(pair.requirement.id, pair.target.id)
    return record.status if record is not None and record.status in STATUSES else "unbearbeitet"


def tally(pairs: Iterable[Applicable], records: RecordSet) -> Tally:
    counts = {status: 0 for status in STATUSES}
    for pair in pairs:
        counts[status_of(pair, records)] += 1
    return Tally(counts)


def _group_of(catalog: Any, req: Any, kinds: tuple[str, ...]) -> Any:
    group = catalog.groups.get(req.group) if req.group else None
    while group is not None and group.kind not in kinds:
        group = catalog.groups.get(group.parent) if group.parent else None
    return group


def by_group(catalog: Any, pairs: list[Applicable], records: RecordSet, approaches: tuple[str, ...],
             *, top: bool) -> list[dict[str, Any]]:
    """Fulfilment per layer/practice (``top``) or per Baustein/topic, in catalog order."""
    buckets: dict[str, list[Applicable]] = {}
    for pair in pairs:
        if top:
            group = catalog.top_group(pair.requirement.group)
        else:
            group = _group_of(catalog, pair.requirement, ("baustein", "topic")) or catalog.groups.get(pair.requirement.group or "")
        buckets.setdefault(group.id if group is not None else "", []).append(pair)
    order = {gid: index for index, gid in enumerate(catalog.groups)}
    rows = []
    for gid in sorted(buckets, key=lambda g: order.get(g, len(order))):
        group = catalog.groups.get(gid)
        rows.append({
            "id": gid or "–",
            "title": group.title if group else "ohne Gruppe",
            "approaches": {
                a: tally((p for p in buckets[gid] if a in p.approaches), records).as_dict() for a in approaches
            },
        })
    return rows


def summarize(catalog: Any, pairs: list[Applicable], records: RecordSet) -> dict[str, Any]:
    """The figures ``assess`` shows: per approach, per layer and Baustein, the open Basis gaps."""
    world = catalog.world
    approaches = approaches_for(catalog)
    result: dict[str, Any] = {
        "rule": FULFILMENT_RULE,
        "world": world,
        "approaches": [
            {"id": a, "label": APPROACH_LABELS[a], **tally((p for p in pairs if a in p.approaches), records).as_dict()}
            for a in approaches
        ],
        "layers": by_group(catalog, pairs, records, approaches, top=True),
        "groups": by_group(catalog, pairs, records, approaches, top=False),
        "basis_gaps": basis_gaps(catalog, pairs, records),
    }
    modelled = {p.key for p in pairs}
    result["unmodelled_records"] = [
        {"requirement": r.requirement, "target": r.target, "line": r.line}
        for r in records if r.key not in modelled
    ]
    return result


def basis_gaps(catalog: Any, pairs: list[Applicable], records: RecordSet) -> list[dict[str, Any]]:
    """Open Basis requirements (risk cannot be accepted): every status but ja/entbehrlich."""
    world = catalog.world
    basis = BASIS_APPROACH[world]
    gaps = []
    for pair in pairs:
        if basis not in pair.approaches or not is_basis(pair.requirement, world):
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
