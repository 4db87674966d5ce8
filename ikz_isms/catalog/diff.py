"""Compare two catalog releases: added, removed, changed and renumbered requirements.

Requirement ids are not stable between Grundschutz++ releases (``TEST.4.1.1.1`` became
``TEST.4.1.2``), their ``alt-identifier`` UUIDs are. Requirements are therefore paired by
UUID first and only then, for those without a UUID (Edition 2023), by id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .model import Catalog, Requirement

#: compared fields and the German name a user sees for each
FIELD_LABELS = {
    "title": "Titel",
    "statement": "Anforderungstext",
    "level": "Stufe",
    "modal_verb": "Modalverb",
    "target_objects": "Zielobjekte",
    "relations": "Beziehungen",
    "effort": "Aufwand",
    "tags": "Tags",
    "roles": "Rollen",
    "withdrawn": "entfallen",
    "group": "Gruppe",
    "parent": "übergeordnete Anforderung",
    "guidance": "Umsetzungshinweise",
}

KIND_LABELS = {
    "added": "neu",
    "removed": "entfernt",
    "changed": "geändert",
    "renumbered": "umnummeriert",
    "renumbered_changed": "umnummeriert und geändert",
}

_WHITESPACE = re.compile(r"\s+")


@dataclass
class FieldChange:
    """One field whose value differs between the two releases."""

    field: str
    old: Any
    new: Any


@dataclass
class RequirementDiff:
    """How one requirement differs; ``old_id``/``new_id`` are None for added/removed."""

    kind: str
    old_id: str | None
    new_id: str | None
    title: str
    uuid: str | None = None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        return [change.field for change in self.changes]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "old_id": self.old_id,
            "new_id": self.new_id,
            "title": self.title,
            "uuid": self.uuid,
            "fields": self.fields,
            "changes": {c.field: {"old": c.old, "new": c.new} for c in self.changes},
        }


@dataclass
class CatalogDiff:
    """The result of :func:`diff_catalogs`, one list per kind of difference."""

    old_title: str
    old_version: str
    new_title: str
    new_version: str
    added: list[RequirementDiff] = field(default_factory=list)
    removed: list[RequirementDiff] = field(default_factory=list)
    changed: list[RequirementDiff] = field(default_factory=list)
    renumbered: list[RequirementDiff] = field(default_factory=list)
    renumbered_changed: list[RequirementDiff] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        counts = {kind: len(getattr(self, kind)) for kind in KIND_LABELS}
        counts["unchanged"] = self.unchanged
        return counts

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, kind) for kind in KIND_LABELS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"title": self.old_title, "version": self.old_version},
            "new": {"title": self.new_title, "version": self.new_version},
            "summary": self.counts(),
            **{kind: [d.to_dict() for d in getattr(self, kind)] for kind in KIND_LABELS},
        }


def _unique_uuids(catalog: Catalog) -> dict[str, Requirement]:
    """UUID -> requirement, leaving out UUIDs that more than one requirement carries."""
    seen: dict[str, Requirement] = {}
    duplicates: set[str] = set()
    for req in catalog.requirements.values():
        if not req.uuid:
            continue
        if req.uuid in seen:
            duplicates.add(req.uuid)
        seen[req.uuid] = req
    return {uuid: req for uuid, req in seen.items() if uuid not in duplicates}


def pair_requirements(old: Catalog, new: Catalog) -> list[tuple[Requirement, Requirement]]:
    """Pairs (old, new) of the same requirement: by UUID, then by id where a UUID is missing."""
    old_by_uuid = _unique_uuids(old)
    new_by_uuid = _unique_uuids(new)
    pairs: list[tuple[Requirement, Requirement]] = []
    paired_old: set[str] = set()
    paired_new: set[str] = set()
    for uuid, old_req in old_by_uuid.items():
        new_req = new_by_uuid.get(uuid)
        if new_req is not None:
            pairs.append((old_req, new_req))
            paired_old.add(old_req.id)
            paired_new.add(new_req.id)
    for old_req in old.requirements.values():
        if old_req.id in paired_old:
            continue
        new_req = new.requirements.get(old_req.id)
        if new_req is None or new_req.id in paired_new:
            continue
        # two different UUIDs under one id are two different requirements
        if old_req.uuid in old_by_uuid and new_req.uuid in new_by_uuid:
            continue
        pairs.append((old_req, new_req))
        paired_old.add(old_req.id)
        paired_new.add(new_req.id)
    return pairs


def _group_path(catalog: Catalog, group_id: str | None) -> tuple[str, ...]:
    """Titles from the outermost group down: ids renumber, titles say what moved."""
    titles: list[str] = []
    seen: set[str] = set()
    group = catalog.groups.get(group_id) if group_id else None
    while group is not None and group.id not in seen:
        seen.add(group.id)
        titles.append(group.title)
        group = catalog.groups.get(group.parent) if group.parent else None
    return tuple(reversed(titles))


def _text(value: str, own_id: str) -> str:
    # parameter ids embed the control id ("asst.3.11-prm1"), so renumbering alone would
    # otherwise count as a changed statement
    text = _WHITESPACE.sub(" ", value or "").strip()
    return text.replace(f"{own_id.lower()}-prm", "-prm")


def _comparable(
    catalog: Catalog, req: Requirement, stable_id: dict[str, str]
) -> dict[str, Any]:
    """The fields of ``req`` in a form where renumbering alone changes nothing."""
    relations = sorted(
        (rel.rel, stable_id.get(rel.target.lstrip("#"), rel.target.lstrip("#")))
        for rel in req.relations
    )
    return {
        "title": _text(req.title, req.id),
        "statement": _text(req.statement, req.id),
        "level": req.level,
        "modal_verb": req.modal_verb,
        "target_objects": tuple(sorted(req.target_objects)),
        "relations": tuple(relations),
        "effort": req.effort,
        "tags": tuple(sorted(req.tags)),
        "roles": tuple(sorted(req.roles)),
        "withdrawn": req.withdrawn,
        "group": _group_path(catalog, req.group),
        "parent": stable_id.get(req.parent, req.parent) if req.parent else None,
        "guidance": _text(req.guidance, req.id),
    }


def _shown(req: Requirement, name: str, catalog: Catalog) -> Any:
    """The value a user reads for ``name`` (ids, not stable keys)."""
    if name == "relations":
        return [f"{rel.rel}: {rel.target.lstrip('#')}" for rel in req.relations]
    if name == "group":
        return " › ".join(_group_path(catalog, req.group))
    value = getattr(req, name)
    return list(value) if isinstance(value, tuple) else value


def paired_changes(old: Catalog, new: Catalog) -> dict[str, tuple[Requirement, list[str]]]:
    """Old id → (the same requirement in ``new``, the fields that differ), for every pair.

    The same pairing and comparison as :func:`diff_catalogs` (UUID first, renumbering alone
    is no change); a release upgrade moves records along it.
    """
    pairs = pair_requirements(old, new)
    old_stable = {old_req.id: new_req.id for old_req, new_req in pairs}
    new_stable = {new_req.id: new_req.id for _, new_req in pairs}
    result: dict[str, tuple[Requirement, list[str]]] = {}
    for old_req, new_req in pairs:
        before = _comparable(old, old_req, old_stable)
        after = _comparable(new, new_req, new_stable)
        result[old_req.id] = (new_req, [name for name in FIELD_LABELS if before[name] != after[name]])
    return result


def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    """Classify every requirement of two catalog releases; a pure function of the two."""
    result = CatalogDiff(old.title, old.version, new.title, new.version)
    pairs = pair_requirements(old, new)
    # relations and parents are compared through the new release's ids
    old_stable = {old_req.id: new_req.id for old_req, new_req in pairs}
    new_stable = {new_req.id: new_req.id for _, new_req in pairs}
    paired_old = {o.id for o, _ in pairs}
    paired_new = {n.id for _, n in pairs}
    by_new_order = {req_id: index for index, req_id in enumerate(new.requirements)}
    pairs.sort(key=lambda pair: by_new_order[pair[1].id])

    for old_req, new_req in pairs:
        before = _comparable(old, old_req, old_stable)
        after = _comparable(new, new_req, new_stable)
        changes = [
            FieldChange(name, _shown(old_req, name, old), _shown(new_req, name, new))
            for name in FIELD_LABELS
            if before[name] != after[name]
        ]
        renumbered = old_req.id != new_req.id
        if renumbered and changes:
            kind = "renumbered_changed"
        elif renumbered:
            kind = "renumbered"
        elif changes:
            kind = "changed"
        else:
            result.unchanged += 1
            continue
        getattr(result, kind).append(
            RequirementDiff(kind, old_req.id, new_req.id, new_req.title, new_req.uuid, changes)
        )
    for req in new.requirements.values():
        if req.id not in paired_new:
            result.added.append(RequirementDiff("added", None, req.id, req.title, req.uuid))
    for req in old.requirements.values():
        if req.id not in paired_old:
            result.removed.append(RequirementDiff("removed", req.id, None, req.title, req.uuid))
    return result
