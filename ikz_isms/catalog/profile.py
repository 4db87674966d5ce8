"""OSCAL profiles resolved into a catalog a county can pin (e.g. ``Grundschutz++-profile.json``).

Resolution as OSCAL defines it for what BSI's profile uses: each ``imports[]`` entry names
a catalog (``href`` to a back-matter resource, whose ``rlinks`` give the file); its controls
are selected by ``include-all`` or ``include-controls``/``exclude-controls`` (``with-ids``,
``with-child-controls``); ``merge.as-is`` keeps each catalog's group structure (groups of the
same id are merged); ``modify.set-parameters`` sets a parameter's label and values. The
result keeps the profile's metadata and the back-matter resources that are not imports.
``modify.alters`` and other merge modes are refused with a clear message.

Import files are looked up relative to the profile, then by their file name beside it; a
file BSI has elsewhere (the G0 Kernel, not part of every download) can be named with
``sources`` (file name → path), i.e. ``catalog import --profile-import NAME=DATEI``.
"""

from __future__ import annotations

import copy
import uuid as uuidlib
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError

MAX_DEPTH = 5


def detect(path: Path, head: bytes) -> bool:
    import re

    return bool(re.match(rb'^\s*\{\s*(?:"\$schema"\s*:\s*"[^"]*"\s*,\s*)?"profile"\s*:', head.removeprefix(b"\xef\xbb\xbf")))


def _fail(message: str, where: str, pointer: str | None = None) -> InputError:
    return InputError(message, path=where, location=pointer)


def _import_path(profile_path: Path, href: str, body: dict[str, Any], sources: Mapping[str, Path],
                 where: str, pointer: str) -> Path:
    target = href
    if href.startswith("#"):
        resources = (body.get("back-matter") or {}).get("resources") or []
        resource = next((r for r in resources if isinstance(r, dict) and r.get("uuid") == href[1:]), None)
        links = (resource or {}).get("rlinks") or []
        if not links or not isinstance(links[0], dict) or not links[0].get("href"):
            raise _fail(f"Import {href}: keine Ressource mit Dateiverweis (back-matter.resources[].rlinks).", where,
                        pointer)
        target = str(links[0]["href"])
    name = PurePosixPath(target).name
    if name in sources:
        return Path(sources[name])
    for candidate in (profile_path.parent / target, profile_path.parent / name):
        if candidate.is_file():
            return candidate
    raise _fail(
        f"Profil-Import '{name}' nicht gefunden (gesucht: {target} und {name} neben dem Profil). "
        f"Liegt die Datei woanders: catalog import … --profile-import {name}=DATEI.", where, pointer)


def _shape(body: dict[str, Any], where: str) -> None:
    """Refuse a value of the wrong JSON type in the parts of a profile resolution reads, with its pointer."""
    from ..store.shape import JsonShape

    shape = JsonShape()
    base = "/profile"
    for key in ("merge", "modify", "back-matter", "metadata"):
        shape.want(body, key, dict, base)
    shape.objects(body.get("metadata"), "props", f"{base}/metadata")
    for here, entry in shape.objects(body, "imports", base):
        shape.want(entry, "href", str, here)
        for kind in ("include-controls", "exclude-controls"):
            for there, rule in shape.objects(entry, kind, here):
                shape.text_items(rule, "with-ids", there)
                shape.want(rule, "with-child-controls", str, there)
    shape.objects(body.get("modify"), "set-parameters", f"{base}/modify")
    for here, resource in shape.objects(body.get("back-matter"), "resources", f"{base}/back-matter"):
        for there, link in shape.objects(resource, "rlinks", here):
            shape.want(link, "href", str, there)
    shape.raise_first("OSCAL-Profil", where)


def resolve(profile_path: Path, document: Any, sources: Mapping[str, Path] | None = None,
            depth: int = 0, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The resolved OSCAL catalog document of a profile document."""
    from ..store import read_json

    where = str(profile_path)
    sources = sources or {}
    here = profile_path.resolve()
    if here in chain:
        circle = " → ".join(p.name for p in (*chain[chain.index(here):], here))
        raise _fail(f"Profile importieren einander im Kreis ({circle}); nicht auflösbar.", where)
    chain = (*chain, here)
    if depth > MAX_DEPTH:
        raise _fail("Profile importieren einander zu tief (mehr als 5 Ebenen).", where)
    if not isinstance(document, dict) or not isinstance(document.get("profile"), dict):
        raise _fail("kein OSCAL-Profil: das oberste JSON-Objekt hat keinen Eintrag 'profile'.", where)
    body = document["profile"]
    _shape(body, where)
    imports = body.get("imports")
    if not isinstance(imports, list) or not imports:
        raise _fail("Profil ohne 'imports'.", where, "/profile/imports")
    merge = body.get("merge") or {}
    if merge and not merge.get("as-is") and set(merge) - {"as-is"}:
        raise _fail("nur 'merge.as-is' wird unterstützt (Profil verlangt eine andere Zusammenführung).", where,
                    "/profile/merge")
    modify = body.get("modify") or {}
    if modify.get("alters"):
        raise _fail("'modify.alters' wird nicht unterstützt; das Profil kann nicht aufgelöst werden.", where,
                    "/profile/modify/alters")
    groups: list[dict[str, Any]] = []
    loose: list[dict[str, Any]] = []
    used_resources: set[str] = set()
    for index, entry in enumerate(imports):
        pointer = f"/profile/imports/{index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("href"), str):
            raise _fail("Import ohne 'href'.", where, pointer)
        href = entry["href"]
        if href.startswith("#"):
            used_resources.add(href[1:])
        path = _import_path(profile_path, href, body, sources, where, pointer)
        imported = read_json(path, kind="catalog-json")
        if isinstance(imported, dict) and "profile" in imported:
            imported = resolve(path, imported, sources, depth + 1, chain)
        if not isinstance(imported, dict) or not isinstance(imported.get("catalog"), dict):
            raise _fail(f"Import '{path.name}' ist weder OSCAL-Katalog noch -Profil.", where, pointer)
        _refuse_wrong_types(imported, path)
        chosen = _selection(entry, where, pointer)
        catalog = imported["catalog"]
        for group in catalog.get("groups") or []:
            kept = _filter_group(group, chosen)
            if kept is not None:
                _merge_group(groups, kept)
        loose.extend(c for c in (_filter_controls(catalog.get("controls") or [], chosen)))
    result: dict[str, Any] = {
        "uuid": str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, "urn:ikz-isms:resolved:" + str(body.get("uuid")))),
        "metadata": _metadata(body.get("metadata") or {}, profile_path),
    }
    if loose:
        result["controls"] = loose
    result["groups"] = groups
    _set_parameters(result, modify.get("set-parameters") or [], where)
    resources = [r for r in (body.get("back-matter") or {}).get("resources") or []
                 if isinstance(r, dict) and r.get("uuid") not in used_resources]
    if resources:
        result["back-matter"] = {"resources": resources}
    return {"catalog": result}


def _refuse_wrong_types(catalog: dict[str, Any], path: Path) -> None:
    """An imported catalog with a value of the wrong JSON type: refused as ``catalog import`` refuses
    the catalog itself (the same structural check as ``check``), naming the imported file."""
    from ..checks.catalog_rules import wrong_type

    problem = wrong_type(catalog)
    if problem is not None:
        message, pointer = problem
        raise _fail(f"kein gültiger OSCAL-Katalog: {message}", str(path), pointer)


def _metadata(metadata: dict[str, Any], profile_path: Path) -> dict[str, Any]:
    out = copy.deepcopy(metadata)
    props = [p for p in out.get("props") or [] if p.get("name") != "resolution-tool"]
    out["props"] = [{"name": "resolution-tool", "value": "ikz-isms"}, *props]
    out.setdefault("title", profile_path.stem)
    return out


def _selection(entry: dict[str, Any], where: str, pointer: str) -> Callable[[str, bool], bool]:
    """A predicate (control id, is a child) → selected, from include/exclude rules."""
    include_all = "include-all" in entry
    includes: dict[str, bool] = {}
    for rule in entry.get("include-controls") or []:
        with_children = (rule.get("with-child-controls") or "no") == "yes"
        for control_id in rule.get("with-ids") or []:
            includes[str(control_id)] = with_children
        if rule.get("matching"):
            raise _fail("'include-controls.matching' wird nicht unterstützt.", where, pointer)
    excludes = {str(c) for rule in entry.get("exclude-controls") or [] for c in rule.get("with-ids") or []}
    if not include_all and not includes:
        raise _fail("Import ohne 'include-all' oder 'include-controls'.", where, pointer)

    def chosen(control_id: str, parent_chosen_with_children: bool) -> bool:
        if control_id in excludes:
            return False
        return include_all or control_id in includes or parent_chosen_with_children

    chosen.includes = includes  # type: ignore[attr-defined]
    return chosen


def _filter_controls(controls: list[Any], chosen: Callable[[str, bool], bool],
                     with_children: bool = False) -> list[dict[str, Any]]:
    kept = []
    includes = getattr(chosen, "includes", {})
    for control in controls:
        if not isinstance(control, dict):
            continue
        control_id = str(control.get("id"))
        children_too = with_children or includes.get(control_id, False)
        children = _filter_controls(control.get("controls") or [], chosen, children_too)
        if chosen(control_id, with_children):
            node = {k: copy.deepcopy(v) for k, v in control.items() if k != "controls"}
            if children:
                node["controls"] = children
            kept.append(node)
        else:
            kept.extend(children)
    return kept


def _filter_group(group: dict[str, Any], chosen: Callable[[str, bool], bool]) -> dict[str, Any] | None:
    controls = _filter_controls(group.get("controls") or [], chosen)
    subgroups = [g for g in (_filter_group(sub, chosen) for sub in group.get("groups") or []) if g is not None]
    if not controls and not subgroups:
        return None
    node = {k: copy.deepcopy(v) for k, v in group.items() if k not in ("controls", "groups")}
    if controls:
        node["controls"] = controls
    if subgroups:
        node["groups"] = subgroups
    return node


def _merge_group(groups: list[dict[str, Any]], group: dict[str, Any]) -> None:
    existing = next((g for g in groups if g.get("id") == group.get("id") and group.get("id")), None)
    if existing is None:
        groups.append(group)
        return
    existing.setdefault("controls", []).extend(group.get("controls") or [])
    for sub in group.get("groups") or []:
        _merge_group(existing.setdefault("groups", []), sub)


def _set_parameters(catalog: dict[str, Any], settings: list[Any], where: str) -> None:
    params: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any]) -> None:
        for param in node.get("params") or []:
            if isinstance(param, dict) and param.get("id"):
                params.setdefault(str(param["id"]), param)
        for child in (node.get("controls") or []) + (node.get("groups") or []):
            if isinstance(child, dict):
                walk(child)

    walk(catalog)
    for index, setting in enumerate(settings):
        if not isinstance(setting, dict) or not setting.get("param-id"):
            raise _fail("set-parameters-Eintrag ohne 'param-id'.", where, f"/profile/modify/set-parameters/{index}")
        param = params.get(str(setting["param-id"]))
        if param is None:
            raise _fail(f"Parameter '{setting['param-id']}' gibt es in den importierten Katalogen nicht.", where,
                        f"/profile/modify/set-parameters/{index}")
        for key, value in setting.items():
            if key != "param-id":
                param[key] = copy.deepcopy(value)


def load(path: Path, progress: Callable[[int, int], None] | None = None, *,
         sources: Mapping[str, Path] | None = None) -> Any:
    """The profile resolved and read as a catalog (kept whole: the resolved document is stored)."""
    from ..store import read_json
    from .oscal import _Reader

    path = Path(path)
    document = resolve(path, read_json(path, kind="catalog-json"), sources)
    return _Reader(path, document, progress, "oscal-profile").run()
