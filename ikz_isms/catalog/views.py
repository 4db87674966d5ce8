"""Presentation-independent views of a catalog: JSON-ready records of its parts and its counts per level."""

from __future__ import annotations

from typing import Any

from .model import KNOWN_LEVELS, LEVEL_NAMES, Catalog, Group, Param, Requirement, Threat


def _group_chain(catalog: Catalog, group_id: str | None) -> list[Group]:
    # (imported when used: ``catalog import`` shows only level counts, without the search module)
    from .search import group_chain

    return group_chain(catalog, group_id)


def catalog_dict(catalog: Catalog) -> dict[str, Any]:
    return {"title": catalog.title, "version": catalog.version, "path": catalog.path}


def catalog_detail(catalog: Catalog) -> dict[str, Any]:
    """The catalog as a whole: metadata, publisher, referenced documents, elementary threats, groups."""
    tops = [g for g in catalog.groups.values() if g.parent is None]
    return {
        **catalog_dict(catalog),
        "uuid": catalog.uuid,
        "last_modified": catalog.last_modified,
        "oscal_version": catalog.oscal_version,
        "remarks": catalog.remarks,
        "parties": [{"name": p.name, "type": p.type, "emails": list(p.emails), "uuid": p.uuid}
                    for p in catalog.parties],
        "resources": [{"uuid": r.uuid, "title": r.title, "description": r.description, "hrefs": list(r.hrefs)}
                      for r in catalog.resources],
        "threats": [threat_dict(t) for t in catalog.threats],
        "groups": [group_dict(g) for g in tops],
        "requirements": len(catalog.requirements),
        "active": len(catalog.active_requirements()),
        "params": sum(len(r.params) for r in catalog.requirements.values()),
    }


def threat_dict(threat: Threat) -> dict[str, Any]:
    return {"id": threat.id, "title": threat.title, "text": threat.text}


def param_dict(param: Param) -> dict[str, Any]:
    return {"id": param.id, "label": param.label, "values": list(param.values), "uuid": param.uuid}


def group_dict(group: Group) -> dict[str, Any]:
    return {"id": group.id, "title": group.title, "kind": group.kind}


def child_ids(catalog: Catalog) -> dict[str, list[str]]:
    """Parent id -> ids of its child controls (G++ Verbesserungen)."""
    children: dict[str, list[str]] = {}
    for req in catalog.requirements.values():
        if req.parent:
            children.setdefault(req.parent, []).append(req.id)
    return children


def requirement_dict(catalog: Catalog, req: Requirement, children: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Every field of a requirement, for ``--format json``; pass ``children`` when listing many."""
    return {
        "id": req.id,
        "title": req.title,
        "level": req.level,
        "level_name": LEVEL_NAMES.get(req.level or ""),
        "modal_verb": req.modal_verb,
        "modal_verbs_in_text": list(req.modal_verbs_in_text),
        "statement": req.statement,
        "groups": [group_dict(g) for g in _group_chain(catalog, req.group)],
        "parent": req.parent,
        "children": (children if children is not None else child_ids(catalog)).get(req.id, []),
        "target_objects": list(req.target_objects),
        "roles": list(req.roles),
        "tags": list(req.tags),
        "relations": [{"rel": rel.rel, "target": rel.target} for rel in req.relations],
        "uuid": req.uuid,
        "effort": req.effort,
        "withdrawn": req.withdrawn,
        "guidance": req.guidance,
        "action_word": req.action_word,
        "result": req.result,
        "result_specification": req.result_specification,
        "documentation": req.documentation,
        "params": [param_dict(p) for p in req.params],
        "statement_template": req.statement_template or None,
    }


def group_members(catalog: Catalog, group: Group) -> list[Requirement]:
    """The requirements in ``group`` or any group below it."""
    return [r for r in catalog.requirements.values() if group in _group_chain(catalog, r.group)]


def group_detail(catalog: Catalog, group: Group, members: list[Requirement]) -> dict[str, Any]:
    """A group with its place in the catalog, its subgroups and its requirements, for ``--format json``."""
    return {
        **group_dict(group),
        "parents": [group_dict(g) for g in _group_chain(catalog, group.parent)],
        "uuid": group.uuid,
        "target_object_type": group.target_object_type,
        "description": group.description,
        "threat_intro": group.threat_intro,
        "threats": [threat_dict(t) for t in group.threats],
        "responsible": list(group.responsible),
        "other_roles": list(group.other_roles),
        "further_information": group.further_information,
        "subgroups": [g.id for g in catalog.groups.values() if g.parent == group.id],
        "requirements": [
            {"id": r.id, "title": r.title, "level": r.level,
             "modal_verb": r.modal_verb, "withdrawn": r.withdrawn}
            for r in members
        ],
    }


def level_counts(catalog: Catalog) -> list[tuple[str, int, int]]:
    """(level, active, total) in the order of the catalog's world."""
    totals: dict[str, list[int]] = {}
    for req in catalog.requirements.values():
        counts = totals.setdefault(req.level or "–", [0, 0])
        counts[1] += 1
        if not req.withdrawn:
            counts[0] += 1
    order = {level: index for index, level in enumerate(KNOWN_LEVELS)}
    ordered = sorted(totals.items(), key=lambda item: order.get(item[0], len(order)))
    return [(level, counts[0], counts[1]) for level, counts in ordered]
