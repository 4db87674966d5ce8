"""Use cases of the structure analysis and the modelling: every change to ``zielobjekte.yaml``.

Each change is one write-ahead transaction of the county (:mod:`ikz_isms.store.county`):
under the county lock the file is read, changed round-trip (comments, order and layout
stay), checked — schema, unique ids, known dependencies, no cycle, effects that do what
they say — and only then written, together with one journal entry per object or decision
that changed (``target:ID``, ``approach``, ``scale``, ``exclusion:REF``, ``param:ID``,
old and new value). Bad input raises before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError, RefusedError, UsageError

if TYPE_CHECKING:
    from ..assess.modelling import Suggestion
    from ..county import County
    from ..editions import Edition
    from .session import Session

LEVELS = ("normal", "hoch", "sehr hoch")
DIMENSIONS = ("C", "I", "A")
#: the order keys get in a target object written by ikz-isms
TARGET_KEYS = ("id", "name", "type", "kind", "description", "count", "kronjuwel", "starter", "depends_on",
               "protection_need", "need_reasons", "override", "bausteine", "kategorien")
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}"
EMPTY_FILE = (
    "# Informationsverbund: Strukturanalyse, Schutzbedarf und Modellierung (ikz-isms target / model).\n"
    "zielobjekte: []\n"
)


@dataclass(frozen=True)
class Change:
    """One journaled change: what (``target:ID``, ``approach`` …), old and new value."""

    record: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"record": self.record, "old": self.old, "new": self.new}


# -- the one road of every change --------------------------------------------------------------------------------


def change_structure(session: "Session", county: "County", mutate: Callable[[Any, dict[str, Any]], Any], *,
                     actor: str) -> tuple[list[Change], Any]:
    """Apply ``mutate(document, plain_data)`` to ``zielobjekte.yaml`` in one journaled transaction.

    ``mutate`` edits the round-trip document in place (it may raise to refuse); the result is
    validated before anything is written. Returns the journaled changes and mutate's result.
    """
    from ..store import parse_yaml, plain, schema
    from ..store.edit import dump_rt, load_rt
    from .counties import county_files

    path = county.layout.targets
    with county_files(session, county).transaction() as tx:
        if path.exists():
            text = session.store.text(path, "zielobjekte")
        else:
            text = EMPTY_FILE
        parsed = parse_yaml(text, str(path))
        if parsed.data is None and path.exists():
            from ..errors import InputError

            raise InputError("Datei ist leer.", path=str(path))  # as every read of it says
        before = plain(parsed.data) if parsed.data is not None else {"zielobjekte": []}
        schema.raise_first(schema.problems(before, "zielobjekte", parsed), str(path))
        document = load_rt(text, str(path))
        if document.get("zielobjekte") is None:
            from ruamel.yaml.comments import CommentedSeq

            document["zielobjekte"] = CommentedSeq()
        result = mutate(document, before)
        new_text = dump_rt(document)
        check = parse_yaml(new_text, str(path))
        after = plain(check.data)
        schema.raise_first(schema.problems(after, "zielobjekte", check), str(path), hint="")
        _validate(check, str(path))
        changes = diff(before, after)
        if changes:
            tx.put(path, new_text)
            for change in changes:
                tx.journal(change.record, change.old, change.new, actor)
    session.store.forget(path)
    session.county_changed(county)
    return changes, result


def _validate(parsed: Any, path: str) -> None:
    """Refuse a structure that cannot be used: duplicate ids, unknown dependencies, cycles, wrong effects."""
    from ..assess.targets import need_problems, parse_targets, resolve_needs, structure_problems

    targets = parse_targets(parsed)
    for problem in structure_problems(targets):
        if problem.rule == "targets.no-information-domain":
            continue
        raise InputError(problem.message, path=path, location=f"Zeile {problem.line}" if problem.line else None)
    needs = resolve_needs(targets, path=path)
    for problem in need_problems(targets, needs):
        if problem.rule == "targets.effect-direction":
            raise RefusedError(problem.message, path=path, location=f"Zeile {problem.line}" if problem.line else None)


def _by_key(items: Iterable[Mapping[str, Any]] | None, key: str) -> dict[str, Any]:
    return {str(item.get(key)): dict(item) for item in items or ()}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """The journal entries of a change: one per object or decision whose value differs."""
    changes: list[Change] = []
    old_targets = _by_key(before.get("zielobjekte"), "id")
    new_targets = _by_key(after.get("zielobjekte"), "id")
    for target_id in [*old_targets, *(t for t in new_targets if t not in old_targets)]:
        if old_targets.get(target_id) != new_targets.get(target_id):
            changes.append(Change(f"target:{target_id}", old_targets.get(target_id), new_targets.get(target_id)))

    def approach(data: Mapping[str, Any]) -> dict[str, Any] | None:
        if not data.get("approach") and not data.get("approach_reason"):
            return None
        return {"approach": data.get("approach"), "reason": data.get("approach_reason")}

    if approach(before) != approach(after):
        changes.append(Change("approach", approach(before), approach(after)))
    if before.get("scale") != after.get("scale"):
        changes.append(Change("scale", before.get("scale"), after.get("scale")))
    for key, prefix, field in (("exclusions", "exclusion", "ref"), ("parameters", "param", "param")):
        old_items = _by_key(before.get(key), field)
        new_items = _by_key(after.get(key), field)
        for ref in [*old_items, *(r for r in new_items if r not in old_items)]:
            if old_items.get(ref) != new_items.get(ref):
                changes.append(Change(f"{prefix}:{ref}", old_items.get(ref), new_items.get(ref)))
    return changes


# -- helpers on the round-trip document ---------------------------------------------------------------------------


def _items(document: Any) -> Any:
    return document["zielobjekte"]


def _node(document: Any, target_id: str, county: "County") -> Any:
    for item in _items(document):
        if str(item.get("id")) == target_id:
            return item
    known = ", ".join(str(i.get("id")) for i in _items(document)) or "keine"
    raise NotFoundError(f"Zielobjekt '{target_id}' gibt es im Landkreis {county.profile.name} nicht (bekannt: {known}).",
                        path=str(county.layout.targets))


def _ordered(values: Mapping[str, Any]) -> Any:
    from ..store.edit import to_rt

    ordered = {key: values[key] for key in TARGET_KEYS if key in values}
    ordered.update({k: v for k, v in values.items() if k not in ordered})
    return to_rt(ordered)


def _set(node: Any, key: str, value: Any) -> None:
    """Set ``key`` of a target node, keeping the house order for a key it does not have yet."""
    from ..store.edit import to_rt

    if value in (None, "", [], {}, False) and key != "count":
        if key in node:
            del node[key]
        return
    if key in node:
        node[key] = to_rt(value)
        return
    wanted = TARGET_KEYS.index(key) if key in TARGET_KEYS else len(TARGET_KEYS)
    position = len(node)
    for index, existing in enumerate(node):
        if existing in TARGET_KEYS and TARGET_KEYS.index(existing) > wanted:
            position = index
            break
    node.insert(position, key, to_rt(value))


def _ensure_list(node: Any, key: str) -> Any:
    """The block list at ``key`` of a target node, created (in house order) when missing."""
    from ruamel.yaml.comments import CommentedSeq

    if node.get(key) is None:
        _set(node, key, ["placeholder"])
        node[key] = CommentedSeq()
    return node[key]


def _touched(node: Any) -> None:
    """An object edited by hand or command is no longer as the starter model left it."""
    if "starter" in node:
        del node["starter"]


def _check_id(target_id: str) -> None:
    import re

    if not re.fullmatch(ID_PATTERN, target_id):
        raise UsageError(f"ungültige Zielobjekt-ID '{target_id}' (Buchstaben, Ziffern, Punkt, Bindestrich, "
                         "Unterstrich; höchstens 100 Zeichen; am Anfang Buchstabe oder Ziffer).")


def _check_text(value: str, option: str) -> str:
    text = " ".join(value.split()) if option in ("--name",) else value.strip()
    if not text:
        raise UsageError(f"{option} darf nicht leer sein.")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise UsageError(f"{option} enthält Steuerzeichen.")
    return text


def check_type(object_type: str) -> str:
    from ..assess.structure import known_type, type_names

    if not known_type(object_type):
        raise UsageError(f"Typ '{object_type}' unbekannt (möglich: {', '.join(type_names())}).")
    return object_type


def check_kind(kind: str, object_type: str | None) -> str:
    from ..assess.structure import KIND_BY_NAME, KINDS, base_type

    found = KIND_BY_NAME.get(kind)
    if found is None:
        folded = {k.name.casefold(): k for k in KINDS}
        found = folded.get(kind.casefold())
    if found is None:
        raise UsageError(f"Art '{kind}' unbekannt (ikz-isms target kinds listet alle; möglich z. B. "
                         f"{', '.join(k.name for k in KINDS[:6])} …).")
    if object_type is not None and base_type(object_type) != found.type:
        raise UsageError(f"Art '{found.name}' gehört zum Typ {found.type}, nicht zu {object_type}.")
    return found.name


def _has_records(county: "County", target_id: str) -> bool:
    return county.layout.records_file(target_id).exists()


# -- target objects -----------------------------------------------------------------------------------------------


def add_target(session: "Session", county: "County", values: Mapping[str, Any], *, actor: str) -> list[Change]:
    """Add a target object (id, name, type; optionally kind, description, count, depends_on, kronjuwel)."""
    target_id = str(values["id"])
    _check_id(target_id)
    object_type = check_type(str(values["type"]))
    wanted: dict[str, Any] = {"id": target_id, "name": _check_text(str(values["name"]), "--name"), "type": object_type}
    if values.get("kind"):
        wanted["kind"] = check_kind(str(values["kind"]), object_type)
    if values.get("description"):
        wanted["description"] = _check_text(str(values["description"]), "--description")
    if values.get("count") and int(values["count"]) != 1:
        wanted["count"] = int(values["count"])
    if values.get("kronjuwel"):
        wanted["kronjuwel"] = True
    if values.get("depends_on"):
        wanted["depends_on"] = list(dict.fromkeys(values["depends_on"]))

    def mutate(document: Any, data: dict[str, Any]) -> None:
        ids = {str(t.get("id")) for t in data.get("zielobjekte") or ()}
        if target_id in ids or target_id.casefold() in {i.casefold() for i in ids}:
            raise RefusedError(f"Zielobjekt '{target_id}' gibt es bereits (ikz-isms target edit {target_id} …).",
                               path=str(county.layout.targets))
        for dep in wanted.get("depends_on", ()):
            if dep not in ids:
                raise NotFoundError(f"--depends-on '{dep}': kein Zielobjekt dieses Landkreises.",
                                    path=str(county.layout.targets))
        _items(document).append(_ordered(wanted))

    changes, _ = change_structure(session, county, mutate, actor=actor)
    return changes


def edit_target(session: "Session", county: "County", target_id: str, changes: Mapping[str, Any], *,
                actor: str) -> list[Change]:
    """Change name, type, kind, description, count or the Kronjuwel mark of one object."""
    if not changes:
        raise UsageError("Nichts zu ändern (z. B. --name, --kind, --count, --kronjuwel).")
    values = dict(changes)
    if "name" in values:
        values["name"] = _check_text(str(values["name"]), "--name")
    if "type" in values:
        check_type(str(values["type"]))
    if "description" in values and values["description"] is not None:
        values["description"] = values["description"].strip()

    def mutate(document: Any, data: dict[str, Any]) -> None:
        node = _node(document, target_id, county)
        object_type = str(values.get("type") or node.get("type"))
        if values.get("kind"):
            values["kind"] = check_kind(str(values["kind"]), object_type)
        elif "type" in values and node.get("kind"):
            check_kind(str(node["kind"]), object_type)
        for key, value in values.items():
            if key == "count":
                if int(value) == 1:
                    if "count" in node:
                        del node["count"]
                    continue
                _set(node, "count", int(value))
                continue
            _set(node, key, value)
        _touched(node)

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


def remove_target(session: "Session", county: "County", target_id: str, *, actor: str) -> list[Change]:
    """Remove an object; refused while others depend on it or it has check records."""

    def mutate(document: Any, data: dict[str, Any]) -> None:
        node = _node(document, target_id, county)
        dependents = [str(t.get("id")) for t in data.get("zielobjekte") or () if target_id in (t.get("depends_on") or ())]
        if dependents:
            raise RefusedError(
                f"Von Zielobjekt '{target_id}' hängen noch {', '.join(dependents)} ab: erst die Verbindung lösen "
                f"(ikz-isms target link {dependents[0]} {target_id} --remove).", path=str(county.layout.targets))
        if _has_records(county, target_id):
            raise RefusedError(
                f"Zielobjekt '{target_id}' hat Prüfeinträge ({county.layout.records_file(target_id).name}); "
                "sie würden verwaisen. Nichts geändert.", path=str(county.layout.targets))
        _items(document).remove(node)

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


def link_targets(session: "Session", county: "County", source: str, target: str, *, remove: bool = False,
                 actor: str) -> list[Change]:
    """``source`` depends on ``target`` (runs on it, needs it); ``remove`` unlinks them."""

    def mutate(document: Any, data: dict[str, Any]) -> None:
        from ruamel.yaml.comments import CommentedSeq

        node = _node(document, source, county)
        _node(document, target, county)
        if source == target:
            raise UsageError(f"Zielobjekt '{source}' kann nicht von sich selbst abhängen.")
        deps = node.get("depends_on")
        if remove:
            if deps is None or target not in deps:
                raise NotFoundError(f"Zielobjekt '{source}' hängt nicht von '{target}' ab.",
                                    path=str(county.layout.targets))
            deps.remove(target)
            if not deps:
                del node["depends_on"]
        else:
            if deps is None:
                _set(node, "depends_on", [target])
            elif target not in deps:
                deps.append(target)
            if isinstance(node.get("depends_on"), list) and not isinstance(node["depends_on"], CommentedSeq):
                node["depends_on"] = CommentedSeq(node["depends_on"])
        _touched(node)

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


def group_targets(session: "Session", county: "County", group_id: str, members: Sequence[str], *, name: str,
                  actor: str) -> list[Change]:
    """Gruppierung: replace ``members`` (objects of one type) by one object counting all of them.

    The group keeps the union of their dependencies and modelling, the highest own need per
    dimension (with its reason) and the Kronjuwel mark if any had it; objects that depended
    on a member depend on the group. Refused for members with check records.
    """
    _check_id(group_id)
    if len(set(members)) < 2:
        raise UsageError("Gruppierung braucht mindestens zwei verschiedene Zielobjekte.")

    def mutate(document: Any, data: dict[str, Any]) -> None:
        from ..assess.structure import base_type

        nodes = [_node(document, member, county) for member in members]
        plains = {str(t["id"]): t for t in data.get("zielobjekte") or ()}
        types = {str(n["type"]) for n in nodes}
        if len({base_type(t) for t in types}) > 1:
            raise RefusedError(f"Gruppieren lassen sich nur Zielobjekte eines Typs (hier: {', '.join(sorted(types))}).",
                               path=str(county.layout.targets))
        if group_id not in members and group_id in plains:
            raise RefusedError(f"Zielobjekt '{group_id}' gibt es bereits.", path=str(county.layout.targets))
        with_records = [m for m in members if _has_records(county, m)]
        if with_records:
            raise RefusedError(f"{', '.join(with_records)} haben Prüfeinträge; gruppiert würden sie verwaisen. "
                               "Nichts geändert.", path=str(county.layout.targets))
        member_set = set(members)
        values: dict[str, Any] = {"id": group_id, "name": _check_text(name, "--name"), "type": sorted(types)[0]}
        kinds = {str(plains[m].get("kind")) for m in members if plains[m].get("kind")}
        if len(kinds) == 1:
            values["kind"] = kinds.pop()
        values["description"] = "Gruppe aus " + ", ".join(f"{m} ({plains[m]['name']})" for m in members)
        values["count"] = sum(int(plains[m].get("count") or 1) for m in members)
        if any(plains[m].get("kronjuwel") for m in members):
            values["kronjuwel"] = True
        deps = [d for m in members for d in plains[m].get("depends_on") or () if d not in member_set]
        if deps:
            values["depends_on"] = list(dict.fromkeys(deps))
        need: dict[str, str] = {}
        reasons: dict[str, str] = {}
        for dim in DIMENSIONS:
            best = max(members, key=lambda m: LEVELS.index((plains[m].get("protection_need") or {}).get(dim, "normal")))
            need[dim] = (plains[best].get("protection_need") or {}).get(dim, "normal")
            reason = (plains[best].get("need_reasons") or {}).get(dim)
            if reason:
                reasons[dim] = reason
        values["protection_need"] = need
        if reasons:
            values["need_reasons"] = reasons
        for key, field in (("bausteine", "baustein"), ("kategorien", "kategorie")):
            merged: dict[str, Any] = {}
            present = False
            for member in members:
                if key in plains[member]:
                    present = True
                for item in plains[member].get(key) or ():
                    module = item.get(field) if isinstance(item, dict) else item
                    merged.setdefault(str(module), item)
            if present:
                values[key] = list(merged.values())
        position = min(_items(document).index(n) for n in nodes)
        for node in nodes:
            _items(document).remove(node)
        _items(document).insert(position, _ordered(values))
        for item in _items(document):
            deps_of = item.get("depends_on")
            if deps_of is None or str(item.get("id")) == group_id:
                continue
            if member_set.intersection(deps_of):
                kept = [d for d in deps_of if d not in member_set]
                deps_of.clear()
                deps_of.extend([*kept, group_id] if group_id not in kept else kept)

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


# -- protection needs ---------------------------------------------------------------------------------------------


def set_need(session: "Session", county: "County", target_id: str, levels: Mapping[str, str], reason: str, *,
             actor: str) -> list[Change]:
    """Set the own protection need of an object in one or more dimensions, each with the written reason."""
    if not levels:
        raise UsageError("Mindestens einen Grundwert angeben: --c, --i oder --a (normal, hoch, sehr hoch).")
    reason = reason.strip()
    if not reason:
        raise UsageError("--reason darf nicht leer sein: die Schutzbedarfsfeststellung braucht eine Begründung.")

    def mutate(document: Any, data: dict[str, Any]) -> None:
        node = _node(document, target_id, county)
        need = dict(node.get("protection_need") or {})
        reasons = dict(node.get("need_reasons") or {})
        for dim, level in levels.items():
            need[dim] = level
            reasons[dim] = reason
        _set(node, "protection_need", {d: need[d] for d in DIMENSIONS if d in need})
        _set(node, "need_reasons", {d: reasons[d] for d in DIMENSIONS if d in reasons})
        _touched(node)

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


def set_effect(session: "Session", county: "County", target_id: str, effect: str | None, levels: Mapping[str, str],
               reason: str | None, *, actor: str) -> list[Change]:
    """Set (or with ``effect`` and ``levels`` empty: remove) the override of an object's resulting need.

    ``effect`` is ``kumulation`` (must raise the computed value), ``verteilung`` (must lower it)
    or ``None`` (another written reason).
    """

    def mutate(document: Any, data: dict[str, Any]) -> None:
        node = _node(document, target_id, county)
        if not levels:
            if "override" not in node:
                raise NotFoundError(f"Zielobjekt '{target_id}' hat keine Übersteuerung des Schutzbedarfs.",
                                    path=str(county.layout.targets))
            del node["override"]
        else:
            text = (reason or "").strip()
            if not text:
                raise UsageError("--reason darf nicht leer sein: eine Übersteuerung braucht eine Begründung.")
            current = dict(node.get("override") or {})
            merged = {d: current[d] for d in DIMENSIONS if d in current} if current else {}
            if current and current.get("effect") != effect and set(merged) - set(levels):
                from ..assess.targets import EFFECTS

                named = EFFECTS.get(str(current.get("effect")), "eine andere Übersteuerung")
                raise RefusedError(
                    f"Zielobjekt '{target_id}' hat für {', '.join(sorted(set(merged) - set(levels)))} schon "
                    f"{named}; ein Zielobjekt hat eine Übersteuerung mit einer Begründung. Erst entfernen "
                    f"(ikz-isms target effect {target_id} --remove).", path=str(county.layout.targets))
            merged.update(levels)
            value: dict[str, Any] = {d: merged[d] for d in DIMENSIONS if d in merged}
            if effect:
                value["effect"] = effect
            value["reason"] = text
            _set(node, "override", value)
        _touched(node)

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


def set_scale(session: "Session", county: "County", level: str, text: str, *, scenario: str | None = None,
              actor: str) -> list[Change]:
    """Define what a level of protection need means for the county (optionally in one damage scenario)."""
    from ..store.edit import to_rt

    definition = text.strip()
    if not definition:
        raise UsageError("--text darf nicht leer sein.")

    def mutate(document: Any, data: dict[str, Any]) -> None:
        scale = document.get("scale")
        if scale is None:
            document.insert(_top_position(document, "scale"), "scale", to_rt({}))
            scale = document["scale"]
        if scenario is None:
            scale[level] = definition
            return
        name = " ".join(scenario.split())
        if not name:
            raise UsageError("--scenario darf nicht leer sein.")
        scenarios = scale.get("scenarios")
        if scenarios is None:
            scale["scenarios"] = to_rt([])
            scenarios = scale["scenarios"]
        for item in scenarios:
            if str(item.get("name")) == name:
                item[level] = definition
                return
        scenarios.append(to_rt({"name": name, level: definition}))

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


def _top_position(document: Any, key: str) -> int:
    """Where a top-level key goes: decisions first, ``zielobjekte`` last."""
    order = ("approach", "approach_reason", "scale", "exclusions", "parameters", "zielobjekte")
    wanted = order.index(key)
    for index, existing in enumerate(document):
        if existing in order and order.index(existing) > wanted:
            return index
    return len(document)


# -- approach, modelling, exclusions, parameters ------------------------------------------------------------------


def _edition(session: "Session", county: "County") -> tuple[Any, "Edition"]:
    _, catalog = session.county_catalog(county)
    return catalog, session.edition(catalog)


def set_approach(session: "Session", county: "County", approach: str, reason: str, *, actor: str) -> list[Change]:
    """Choose the county's approach (Vorgehensweise) with the reason; journaled."""
    _, edition = _edition(session, county)
    if approach not in edition.approach_ids:
        raise UsageError(f"Vorgehensweise '{approach}' gibt es in {edition.title} nicht "
                         f"(möglich: {', '.join(edition.approach_ids)}).")
    text = reason.strip()
    if not text:
        raise UsageError("--reason darf nicht leer sein: warum diese Vorgehensweise?")

    def mutate(document: Any, data: dict[str, Any]) -> None:
        for key, value in (("approach", approach), ("approach_reason", text)):
            if key in document:
                document[key] = value
            else:
                document.insert(_top_position(document, key), key, value)

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


def _entry(edition: "Edition", module: str, *, rule: str = "", reason: str = "") -> Any:
    field = "baustein" if edition.modelling_key == "bausteine" else "kategorie"
    value: dict[str, str] = {field: module}
    if reason:
        value["reason"] = reason
    elif rule:
        value["rule"] = rule
    return value


def _module_of(item: Any, edition: "Edition") -> str:
    field = "baustein" if edition.modelling_key == "bausteine" else "kategorie"
    return str(item.get(field) if isinstance(item, Mapping) else item)


def set_modelling(session: "Session", county: "County", target_id: str, modules: Sequence[str], *, reason: str = "",
                  rule: str = "", remove: bool = False, actor: str) -> list[Change]:
    """Model Bausteine (Ed. 2023) or categories (G++) on an object with a reason or the rule; or remove them."""
    from ..assess.targets import parse_targets
    from ..store import Parsed

    if not modules:
        raise UsageError("Mindestens einen Baustein bzw. eine Zielobjektkategorie angeben.")
    catalog, edition = _edition(session, county)
    if not remove and not reason.strip() and not rule:
        raise UsageError("--reason darf nicht leer sein: warum wird das modelliert? (Vorschläge nach den "
                         "Modellierungsregeln übernimmt ikz-isms model suggest --apply.)")

    def mutate(document: Any, data: dict[str, Any]) -> None:
        from ..store.edit import to_rt

        node = _node(document, target_id, county)
        key = edition.modelling_key
        items = node.get(key)
        if remove:
            present = [i for i in items or () if _module_of(i, edition) in modules]
            missing = [m for m in modules if m not in {_module_of(i, edition) for i in present}]
            if missing:
                raise NotFoundError(f"{', '.join(missing)} ist auf Zielobjekt '{target_id}' nicht modelliert.",
                                    path=str(county.layout.targets))
            for item in present:
                items.remove(item)
            _touched(node)
            return
        target = next(t for t in parse_targets(Parsed(data, str(county.layout.targets))) if t.id == target_id)
        for module in modules:
            problem = edition.module_problem(catalog, target, module)
            if problem:
                raise InputError(problem)
        if items is None:
            items = _ensure_list(node, key)
            # what the object had by default (G++: categories by its type) stays until removed
            for module in edition.current_modules(target):
                if module not in modules:
                    items.append(to_rt(_entry(edition, module, rule=f"Standard für Zielobjekttyp {target.type}")))
        existing = {_module_of(i, edition): i for i in items}
        for module in modules:
            entry = to_rt(_entry(edition, module, rule=rule, reason=reason.strip()))
            if module in existing:
                items[items.index(existing[module])] = entry
            else:
                items.append(entry)
        _touched(node)

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


def suggestions(session: "Session", county: "County") -> list["Suggestion"]:
    """What BSI's modelling rules give the county's objects, on its pinned catalog."""
    catalog, edition = _edition(session, county)
    data = session.county_data(county)
    return edition.suggest(catalog, data.targets)


def apply_suggestions(session: "Session", county: "County", *, target_id: str | None = None,
                      actor: str) -> tuple[list[Change], list["Suggestion"]]:
    """Model what the rules give and is not modelled yet, each with its rule; returns (changes, open questions).

    Suggestions that depend on what only the county knows (``decide``) are not applied: model
    them with a reason or leave them out with a reason.
    """
    catalog, edition = _edition(session, county)
    data = session.county_data(county)
    targets = [t for t in data.targets if target_id in (None, t.id)]
    if target_id is not None and not targets:
        _raise_unknown(county, target_id, data.targets)
    proposed = [s for s in edition.suggest(catalog, data.targets) if target_id in (None, s.target)]
    apply = [s for s in proposed if not s.decide]
    questions = [s for s in proposed if s.decide and not data.decisions.excluded(s.module)
                 and s.module not in _modules(data.targets, s.target)]

    def mutate(document: Any, plain_data: dict[str, Any]) -> None:
        from ..store.edit import to_rt

        by_target: dict[str, list[Suggestion]] = {}
        for suggestion in apply:
            by_target.setdefault(suggestion.target, []).append(suggestion)
        for tid, items in by_target.items():
            node = _node(document, tid, county)
            key = edition.modelling_key
            current = node.get(key)
            present = {_module_of(i, edition) for i in current or ()}
            fresh = [s for s in items if s.module not in present and not data.decisions.excluded(s.module)]
            if not fresh:
                continue
            if current is None:
                # explicit categories replace the defaults by type (the rules give at least as much)
                current = _ensure_list(node, key)
            for suggestion in fresh:
                if suggestion.module in present:
                    continue
                current.append(to_rt(_entry(edition, suggestion.module, rule=suggestion.rule)))
                present.add(suggestion.module)
            _touched(node)

    changes, _ = change_structure(session, county, mutate, actor=actor)
    return changes, questions


def _modules(targets: Sequence[Any], target_id: str) -> set[str]:
    for target in targets:
        if target.id == target_id:
            return set(target.bausteine) | set(target.categories or ())
    return set()


def _raise_unknown(county: "County", target_id: str, targets: Sequence[Any]) -> None:
    known = ", ".join(t.id for t in targets) or "keine"
    raise NotFoundError(f"Zielobjekt '{target_id}' gibt es im Landkreis {county.profile.name} nicht (bekannt: {known}).",
                        path=str(county.layout.targets))


def set_exclusion(session: "Session", county: "County", ref: str, reason: str, *, remove: bool = False,
                  actor: str) -> list[Change]:
    """Leave a Baustein/layer (Ed. 2023) or practice/topic/category/control (G++) out of the modelling,
    with the written reason; ``remove`` takes it back in."""
    from ..store.edit import to_rt

    catalog, edition = _edition(session, county)
    ref = ref.strip()
    kind = edition.exclusion_kind(catalog, ref)
    if not remove and kind is None:
        raise NotFoundError(f"'{ref}' gibt es im Katalog {catalog.title} nicht "
                            f"(auslassen lassen sich in {edition.title}: {_excludable(edition)}).")
    text = reason.strip()
    if not remove and not text:
        raise UsageError(f"--reason darf nicht leer sein: warum wird {ref} nicht modelliert?")

    def mutate(document: Any, data: dict[str, Any]) -> None:
        items = document.get("exclusions")
        current = next((i for i in items or () if str(i.get("ref")) == ref), None)
        if remove:
            if current is None:
                raise NotFoundError(f"'{ref}' ist nicht als ausgelassen eingetragen.", path=str(county.layout.targets))
            items.remove(current)
            if not items:
                del document["exclusions"]
            return
        if items is None:
            document.insert(_top_position(document, "exclusions"), "exclusions", to_rt([]))
            items = document["exclusions"]
        if current is not None:
            current["reason"] = text
        else:
            items.append(to_rt({"ref": ref, "reason": text}))

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result


def _excludable(edition: "Edition") -> str:
    return "Baustein oder Schicht" if edition.modelling_key == "bausteine" else \
        "Praktik, Thema, Zielobjektkategorie oder Anforderung"


def set_parameter(session: "Session", county: "County", param: str, value: str | None, reason: str, *,
                  remove: bool = False, actor: str) -> list[Change]:
    """Set a catalog parameter to the county's value with the reason (tailoring); ``remove`` resets it."""
    from ..assess.tailoring import catalog_params
    from ..store.edit import to_rt

    catalog, _edition_ = _edition(session, county)
    params = catalog_params(catalog)
    if not remove and param not in params:
        raise NotFoundError(f"Parameter '{param}' gibt es im Katalog {catalog.title} nicht "
                            "(ikz-isms model param listet die Parameter der modellierten Anforderungen).")
    text = (value or "").strip()
    why = reason.strip()
    if not remove and (not text or not why):
        raise UsageError("Wert und --reason dürfen nicht leer sein.")

    def mutate(document: Any, data: dict[str, Any]) -> None:
        items = document.get("parameters")
        current = next((i for i in items or () if str(i.get("param")) == param), None)
        if remove:
            if current is None:
                raise NotFoundError(f"Parameter '{param}' hat keinen eigenen Wert.", path=str(county.layout.targets))
            items.remove(current)
            if not items:
                del document["parameters"]
            return
        if items is None:
            document.insert(_top_position(document, "parameters"), "parameters", to_rt([]))
            items = document["parameters"]
        if current is not None:
            current["value"] = text
            current["reason"] = why
        else:
            items.append(to_rt({"param": param, "value": text, "reason": why}))

    result, _ = change_structure(session, county, mutate, actor=actor)
    return result
