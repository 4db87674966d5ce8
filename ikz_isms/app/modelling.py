"""Read-only use cases of the modelling: the model as A.3 shows it, the kinds and their rules, the parameters."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..county import County
    from .session import Session


def model_view(session: "Session", county: "County", target_id: str | None = None) -> dict[str, Any]:
    """The county's modelling: per object its Bausteine / categories with the reason and the number of
    requirements per approach; the approach, the Kronjuwelen, what is left out and why, open gaps."""
    from ..errors import NotFoundError

    assessment = session.assessment(county)
    if target_id is not None and assessment.data.target(target_id) is None:
        known = ", ".join(t.id for t in assessment.data.targets)
        raise NotFoundError(f"Zielobjekt '{target_id}' gibt es nicht (bekannt: {known}).",
                            path=str(county.layout.targets))
    return modelling_document(assessment, target_id)


def modelling_document(assessment: "Assessment", target_id: str | None = None) -> dict[str, Any]:
    """The modelling as plain data (``model show``, the report's A.3)."""
    from ..assess.summary import chosen_approach

    edition = assessment.edition
    catalog = assessment.catalog
    decisions = assessment.data.decisions
    counts: dict[str, dict[str, int]] = {t.id: dict.fromkeys(edition.approach_ids, 0) for t in assessment.data.targets}
    for pair in assessment.pairs:
        for approach in pair.approaches:
            counts[pair.target.id][approach] += 1
    targets = []
    for target in assessment.data.targets:
        if target_id not in (None, target.id):
            continue
        entries = {e.module: e for e in target.modelling}
        modules = []
        for module in edition.current_modules(target):
            entry = entries.get(module)
            why = entry.why if entry is not None else f"Standard für Zielobjekttyp {target.type}"
            modules.append({"id": module, "title": edition.module_title(catalog, module) or "(unbekannt)",
                            "rule": entry.rule if entry else f"Standard für Zielobjekttyp {target.type}",
                            "reason": entry.reason if entry else "", "why": why, "default": entry is None})
        targets.append({"id": target.id, "name": target.name, "type": target.type, "kind": target.kind or None,
                        "kronjuwel": target.kronjuwel, "starter": target.starter, "modules": modules,
                        "applicable": counts[target.id],
                        "in_scope": counts[target.id].get(assessment.approach, 0)})
    left_out = edition.left_out(catalog, assessment.data.targets, decisions, assessment.pairs)
    return {
        "county": assessment.county.key if assessment.county is not None else None,
        "edition": edition.id,
        "modelling_label": edition.modelling_label,
        "catalog": {"title": catalog.title, "version": assessment.pin.version if assessment.pin else catalog.version},
        "approach": chosen_approach(assessment),
        "approaches": [{"id": a.id, "label": a.label} for a in edition.approaches],
        "targets": targets,
        "exclusions": [{"ref": e.ref, "kind": edition.exclusion_kind(catalog, e.ref) or "unbekannt",
                        "title": _title(assessment, e.ref), "reason": e.reason} for e in decisions.exclusions],
        "parameters": [{"param": p.param, "value": p.value, "reason": p.reason} for p in decisions.parameters],
        "left_out": [item.as_dict() for item in left_out],
        "problems": [{"rule": p.rule, "target": p.target, "message": p.message, "severity": p.severity}
                     for p in assessment.problems],
    }


def _title(assessment: "Assessment", ref: str) -> str:
    catalog = assessment.catalog
    if ref in catalog.groups:
        return catalog.groups[ref].title
    if ref in catalog.requirements:
        return catalog.requirements[ref].title
    return assessment.edition.module_title(catalog, ref)


def kinds_view(session: "Session") -> dict[str, Any]:
    """The kinds of target objects the modelling rules know, with what they give on the default catalog."""
    from ..assess.structure import KINDS
    from ..assess.targets import TargetObject

    catalog = edition = None
    if session.has_workspace and session.workspace.pins:
        _, catalog = session.catalog(None)
        edition = session.edition(catalog)
    rows = []
    for kind in KINDS:
        modules: list[str] = []
        if catalog is not None and edition is not None:
            probe = TargetObject(id="X", name=kind.name, type=kind.type, kind=kind.name)
            modules = [s.module for s in edition.suggest(catalog, [probe])]
        rows.append({"name": kind.name, "type": kind.type, "label": kind.label, "modules": modules})
    return {"catalog": catalog.title if catalog is not None else None,
            "modelling_label": edition.modelling_label if edition is not None else None, "kinds": rows}


def params_view(session: "Session", county: "County") -> dict[str, Any]:
    """The parameters of the requirements that apply to the county, with the catalog's and the county's value."""
    assessment = session.assessment(county)
    decisions = assessment.data.decisions
    seen: dict[str, dict[str, Any]] = {}
    for pair in assessment.scoped_pairs:
        req = pair.requirement
        original = assessment.catalog.requirements.get(req.id, req)
        for param in original.params:
            entry = seen.setdefault(param.id, {
                "param": param.id, "requirement": req.id, "title": req.title, "label": param.label,
                "catalog_value": ", ".join(param.values) or None, "value": None, "reason": None,
                "statement": req.statement, "targets": [],
            })
            if pair.target.id not in entry["targets"]:
                entry["targets"].append(pair.target.id)
    for parameter in decisions.parameters:
        found = seen.get(parameter.param)
        if found is not None:
            found["value"] = parameter.value
            found["reason"] = parameter.reason
    return {"county": county.key, "name": county.profile.name, "parameters": list(seen.values()),
            "unused": [p.param for p in decisions.parameters if p.param not in seen]}


def categories_view(session: "Session", namespace: Path | None = None, name: str | None = None) -> dict[str, Any]:
    """The G++ target-object categories with their hierarchy, BSI's definitions (from the namespace file
    ``namespace`` or the workspace's ``catalogs/namensraum/``) and how many controls of the default
    catalog name each."""
    from ..editions.vocabulary import NAMESPACE_FILE, categories, descendants, read_categories
    from ..errors import NotFoundError
    from ..store import fs

    path = namespace
    if path is None and session.has_workspace:
        candidate = session.workspace.layout.namespace_file(NAMESPACE_FILE)
        path = candidate if candidate.is_file() else None
    read = read_categories(fs.read_bytes(path, limit=4 * fs.MIB), str(path)) if path is not None else None
    listing = categories(read)
    counts: dict[str, int] = {}
    catalog_title = None
    if session.has_workspace and session.workspace.pins:
        _, catalog = session.catalog(None)
        if session.edition(catalog).modelling_key == "kategorien":
            catalog_title = catalog.title
            for req in catalog.active_requirements():
                for named in req.target_objects:
                    counts[named] = counts.get(named, 0) + 1
    rows = []
    for category in listing:
        depth = 0
        parent = category.parent
        by_name = {c.name: c for c in listing}
        while parent:
            depth += 1
            parent = by_name[parent].parent if parent in by_name else None
        rows.append({**category.as_dict(), "depth": depth, "controls": counts.get(category.name) if catalog_title else None})
    if name is not None:
        match = next((str(r["name"]) for r in rows if str(r["name"]).casefold() == name.casefold()), None)
        if match is None:
            raise NotFoundError(f"Zielobjektkategorie '{name}' gibt es nicht (ikz-isms catalog categories listet alle).")
        wanted = {match, *descendants(match)}
        rows = [r for r in rows if r["name"] in wanted]
    return {"namespace": str(path) if path is not None else None, "catalog": catalog_title, "categories": rows}
