"""Find requirements in a catalog: by id, or by text and filters (level, modal verb, target object, group)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import NotFoundError
from .model import Catalog, Group, Requirement, Threat
from .textfold import fold

__all__ = ["SearchQuery", "facets", "find", "fold", "group_chain", "modal_verbs", "search_requirements"]


@dataclass(frozen=True)
class SearchQuery:
    """What ``ikz-isms catalog search`` asks for; every filter is optional."""

    text: str = ""
    level: str | None = None
    modal_verb: str | None = None
    target_object: str | None = None
    group: str | None = None
    include_withdrawn: bool = False
    #: G++ Satzschablone filters, as the Grundschutz-Navigator offers them
    action_word: str | None = None
    documentation: str | None = None


def group_chain(catalog: Catalog, group_id: str | None) -> list[Group]:
    """The groups around a requirement, outermost first (layer › Baustein, practice › topic)."""
    chain: list[Group] = []
    seen: set[str] = set()
    group = catalog.groups.get(group_id) if group_id else None
    while group is not None and group.id not in seen:
        seen.add(group.id)
        chain.append(group)
        group = catalog.groups.get(group.parent) if group.parent else None
    return list(reversed(chain))


def modal_verbs(req: Requirement) -> tuple[str, ...]:
    """The modal verb field, or for Edition 2023 (no such field) the verbs in the text."""
    return (req.modal_verb,) if req.modal_verb else req.modal_verbs_in_text


def facets(catalog: Catalog) -> dict[str, dict[str, int]]:
    """How often each action word and documentation type occurs (for the search's hints)."""
    counts: dict[str, dict[str, int]] = {"action_word": {}, "documentation": {}}
    for req in catalog.requirements.values():
        for name in counts:
            value = getattr(req, name)
            if value:
                counts[name][value] = counts[name].get(value, 0) + 1
    return {name: dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
            for name, values in counts.items()}


def find(catalog: Catalog, ident: str) -> Requirement | Group | Threat:
    """The requirement, group or elementary threat with id ``ident`` (case-insensitive), else
    NotFoundError with close ids."""
    import difflib

    if ident in catalog.requirements:
        return catalog.requirements[ident]
    if ident in catalog.groups:
        return catalog.groups[ident]
    threats = {" ".join(t.id.split()).upper(): t for t in catalog.threats if t.id}
    if " ".join(ident.split()).upper() in threats:
        return threats[" ".join(ident.split()).upper()]
    by_id: dict[str, Requirement | Group] = {**catalog.groups, **catalog.requirements}
    by_upper = {key.upper(): value for key, value in by_id.items()}
    if ident.upper() in by_upper:
        return by_upper[ident.upper()]
    ids = [*catalog.groups, *catalog.requirements]
    close = difflib.get_close_matches(ident, ids, n=5, cutoff=0.6)
    hint = f" Meinten Sie: {', '.join(close)}?" if close else ""
    raise NotFoundError(f"'{ident}' gibt es im Katalog '{catalog.title}' nicht.{hint}", path=catalog.path)


def _in_group(catalog: Catalog, req: Requirement, prefix: str) -> bool:
    prefix = prefix.strip().upper().rstrip(".")
    ids = [g.id.upper() for g in group_chain(catalog, req.group)]
    return any(gid == prefix or gid.startswith(prefix + ".") for gid in ids)


def _target_objects(catalog: Catalog, req: Requirement) -> list[str]:
    """G++ names target-object classes per control, Edition 2023 one type per Baustein."""
    names = list(req.target_objects)
    names.extend(g.target_object_type for g in group_chain(catalog, req.group) if g.target_object_type)
    return names


def search_requirements(catalog: Catalog, query: SearchQuery) -> list[Requirement]:
    """Requirements matching all terms of ``query.text`` (in id, title or statement) and all
    filters; exact id hits first, then title hits, then the rest, each in catalog order."""
    terms = fold(query.text).split()
    wanted_object = fold(query.target_object) if query.target_object else None
    wanted_action = fold(query.action_word).strip() if query.action_word else None
    wanted_doc = fold(query.documentation).strip() if query.documentation else None
    ranked: list[tuple[int, int, Requirement]] = []
    for index, req in enumerate(catalog.requirements.values()):
        if req.withdrawn and not query.include_withdrawn:
            continue
        if query.level and req.level != query.level:
            continue
        if query.modal_verb and query.modal_verb not in modal_verbs(req):
            continue
        if query.group and not _in_group(catalog, req, query.group):
            continue
        if wanted_action and fold(req.action_word or "") != wanted_action:
            continue
        if wanted_doc and wanted_doc not in fold(req.documentation or ""):
            continue
        if wanted_object and not any(
            wanted_object in fold(name) for name in _target_objects(catalog, req)
        ):
            continue
        if terms:
            req_id = fold(req.id)
            title = fold(req.title)
            haystack = " ".join((req_id, title, fold(req.statement)))
            if not all(term in haystack for term in terms):
                continue
            if " ".join(terms) == req_id:
                rank = 0
            elif all(term in req_id or term in title for term in terms):
                rank = 1
            else:
                rank = 2
        else:
            rank = 0
        ranked.append((rank, index, req))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [req for _, _, req in ranked]
