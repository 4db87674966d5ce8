"""OSCAL catalogs in and out: Grundschutz++ (current, G0, beta 0.9.7), generic OSCAL, ikz dialect.

Reading selects parts and props by ``name``, never by position, because the BSI files do not
keep a fixed order (WLAN puts guidance before the statement). Writing produces the "ikz
dialect": plain OSCAL 1.1.3 with a few props in our namespace ``NS`` so that an Edition 2023
catalog (levels B/S/H, roles, withdrawn requirements, Baustein target-object types) survives
the trip through OSCAL unchanged.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError
from .model import (
    LEVELS_ED2023,
    LEVELS_GSPP,
    Catalog,
    CatalogNote,
    Group,
    Param,
    Party,
    Relation,
    Requirement,
    Resource,
    Threat,
)

NS = "urn:ikz-isms:oscal"
OSCAL_VERSION = "1.1.3"

# BSI namespaces of the Satzschablone props we write for Grundschutz++ catalogs
_BSI_NS = "https://github.com/BSI-Bund/Stand-der-Technik-Bibliothek/tree/main/documentation/namespaces/"
_BSI_PROP_NS = {
    "sec_level": _BSI_NS + "security_level.csv",
    "effort_level": _BSI_NS + "effort_level.csv",
    "tags": _BSI_NS + "tags.csv",
    "modal_verb": _BSI_NS + "modal_verbs.csv",
    "target_object_categories": _BSI_NS + "target_object_categories.csv",
    "action_word": _BSI_NS + "action_words.csv",
    "result": _BSI_NS + "result.csv",
    "result_specification": _BSI_NS + "result.csv",
    "documentation": _BSI_NS + "documentation_guidelines.csv",
}
# Satzschablone props of the statement: current name, then the beta 0.9.7 name
STATEMENT_FIELDS = {
    "action_word": ("action_word", "handlungsworte"),
    "result": ("result", "ergebnis"),
    "result_specification": ("result_specification", "präzisierung"),
    "documentation": ("documentation",),
}
_UUID_NAMESPACE = uuidlib.uuid5(uuidlib.NAMESPACE_URL, NS)
# metadata.last-modified is mandatory in OSCAL; a fixed stand-in keeps the output byte-stable
_UNKNOWN_TIMESTAMP = "1970-01-01T00:00:00Z"
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

GROUP_KINDS = ("layer", "baustein", "practice", "topic", "group")
MODAL_FROM_PRIORITY = {"must": "MUSS", "should": "SOLLTE", "may": "KANN"}
# prop names of the G++ beta 0.9.7 that the current BSI schema replaced
BETA_PROP_NAMES = frozenset({"modalverb", "target_objects", "handlungsworte", "ergebnis", "präzisierung"})

_PARAM = re.compile(r"\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}")
_JSON_HEAD = re.compile(rb'^\s*\{\s*(?:"\$schema"\s*:\s*"[^"]*"\s*,\s*)?"catalog"\s*:')
_YAML_HEAD = re.compile(rb"^catalog\s*:", re.MULTILINE)
_PROGRESS_STEP = 100

_TOP_KEYS = frozenset({"$schema", "catalog"})
_CATALOG_KEYS = frozenset({"uuid", "metadata", "params", "controls", "groups", "back-matter"})
_METADATA_KEYS = frozenset({
    "title", "published", "last-modified", "version", "oscal-version", "revisions",
    "document-ids", "props", "links", "roles", "locations", "parties", "responsible-parties",
    "actions", "remarks",
})
_GROUP_KEYS = frozenset({"id", "class", "title", "params", "props", "links", "parts", "groups", "controls"})
_CONTROL_KEYS = frozenset({"id", "class", "title", "params", "props", "links", "parts", "controls"})
_PART_KEYS = frozenset({"id", "name", "ns", "class", "title", "props", "prose", "parts", "links"})

Progress = Callable[[int, int], None]


def detect_json(path: Path, head: bytes) -> bool:
    """True for a JSON document whose top-level object starts with the ``catalog`` key."""
    return bool(_JSON_HEAD.match(head.removeprefix(b"\xef\xbb\xbf")))


def detect_yaml(path: Path, head: bytes) -> bool:
    """True for a ``.yaml``/``.yml`` file with ``catalog:`` at the top level."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    return bool(_YAML_HEAD.search(head.removeprefix(b"\xef\xbb\xbf")))


def load_json(path: Path, progress: Progress | None = None) -> Catalog:
    from ..store import read_json

    path = Path(path)
    refuse_empty(path)
    return _Reader(path, read_json(path, kind="catalog-json"), progress, "oscal-json").run()


def load_document(path: Path, document: Any, source_format: str = "oscal-json") -> Catalog:
    """Build the model from an already parsed OSCAL document (lets ``check`` parse once)."""
    catalog = _Reader(Path(path), document, None, source_format).run()
    catalog.path = str(path)
    return catalog


def load_yaml(path: Path, progress: Progress | None = None) -> Catalog:
    from ..store import Store

    path = Path(path)
    refuse_empty(path)
    document = Store(None).parse(path, "catalog-yaml", validate=False).data
    return _Reader(path, document, progress, "oscal-yaml").run()


def refuse_empty(path: Path) -> None:
    import stat

    try:
        status = path.stat()
    except OSError:
        return  # the store's reader names the problem
    # (a device such as /dev/null has size 0 too: the store's reader says what it is)
    if stat.S_ISREG(status.st_mode) and status.st_size == 0:
        raise InputError("Datei ist leer.", path=str(path))


#: values the reader met of another type where OSCAL has a text, a list or an object (a number,
#: a list or an object for a title ...): when this grows during a reading, the reader notes
#: ``catalog.wrong-type`` and ``catalog import`` runs the exact structural check of ``check``
#: (:func:`ikz_isms.checks.catalog_rules.wrong_type`) to name the first one. A counter, not a
#: flag per call: the common case (every value as OSCAL types it) costs nothing.
_RETYPED = [0]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    _RETYPED[0] += 1
    if hasattr(value, "isoformat"):  # YAML turns unquoted timestamps into datetimes
        iso: str = value.isoformat()
        return iso
    return str(value)


def _props(items: Any) -> dict[str, dict[str, Any]]:
    """Props by name; the first prop of a name wins."""
    found: dict[str, dict[str, Any]] = {}
    if isinstance(items, list):
        for prop in items:
            if isinstance(prop, dict) and "name" in prop:
                name = prop["name"]
                found.setdefault(name if type(name) is str else _text(name), prop)
            elif not isinstance(prop, dict):
                _RETYPED[0] += 1
    elif items is not None:
        _RETYPED[0] += 1
    return found


def _value(props: dict[str, dict[str, Any]], name: str, *, ns: str | None = None) -> str:
    prop = props.get(name)
    if prop is None or (ns is not None and prop.get("ns") != ns):
        return ""
    value = prop.get("value")
    return (value if type(value) is str else _text(value)).strip()


def _split(value: str, sep: str = ",") -> tuple[str, ...]:
    if not value:
        return ()  # most props are absent: no list to split
    return tuple(item.strip() for item in value.split(sep) if item.strip())


def _prose(part: dict[str, Any] | None) -> str:
    """The prose of a part; sub-parts (lists in generic OSCAL) follow on their own lines."""
    if not part:
        return ""
    lines = [_text(part.get("prose"))] if part.get("prose") else []
    subs = part.get("parts")
    if not subs:
        return lines[0] if lines else ""
    if not isinstance(subs, list):
        _RETYPED[0] += 1
        return "\n".join(lines)
    for sub in subs:
        if isinstance(sub, dict):
            text = _prose(sub)
            if text:
                lines.append(text)
        else:
            _RETYPED[0] += 1
    return "\n".join(lines)


def _param_text(param: dict[str, Any]) -> str:
    values = [_text(v) for v in param.get("values") or () if _text(v)]
    if values:
        return ", ".join(values)
    if param.get("label"):
        return _text(param["label"])
    select = param.get("select")
    if isinstance(select, dict) and select.get("choice"):
        return "[Auswahl: " + "; ".join(_text(c) for c in select["choice"]) + "]"
    return f"[{_text(param.get('id'))}]"


def _count_controls(items: Any) -> int:
    if not isinstance(items, list):
        return 0
    return sum(1 + _count_controls(c.get("controls")) for c in items if isinstance(c, dict))


def _count_all(node: dict[str, Any]) -> int:
    total = _count_controls(node.get("controls"))
    for group in node.get("groups") or ():
        if isinstance(group, dict):
            total += _count_all(group)
    return total


class _Reader:
    """One pass over an OSCAL catalog document, collecting the model and its oddities."""

    def __init__(self, path: Path, data: Any, progress: Progress | None, source_format: str):
        self.path = path
        self.data = data
        self.progress = progress or (lambda done, total: None)
        self.source_format = source_format
        self.groups: dict[str, Group] = {}
        self.requirements: dict[str, Requirement] = {}
        self.notes: list[CatalogNote] = []
        self.params: dict[str, str] = {}
        self.to_render: list[Requirement] = []
        self.unknown_params: Counter[str] = Counter()
        self.foreign_keys: Counter[str] = Counter()
        self.first_foreign = ""
        self.beta_props: Counter[str] = Counter()
        self.inferred_kind: dict[str, tuple[int, bool]] = {}
        self.done = 0
        self.total = 0

    def fail(self, message: str, location: str | None = None) -> InputError:
        return InputError(message, path=str(self.path), location=location)

    def run(self) -> Catalog:
        data = self.data
        if not isinstance(data, dict) or not isinstance(data.get("catalog"), dict):
            if isinstance(data, dict) and "profile" in data:
                raise self.fail("ist ein OSCAL-Profil, kein Katalog; bitte zuerst zu einem Katalog auflösen.")
            raise self.fail("kein OSCAL-Katalog: das oberste JSON-Objekt hat keinen Eintrag 'catalog'.")
        body = data["catalog"]
        metadata = body.get("metadata")
        if metadata is None:
            metadata = {}
        elif not isinstance(metadata, dict):
            raise self.fail("'metadata' ist kein Objekt.", "/catalog/metadata")
        retyped = _RETYPED[0]
        self.check_keys(data, _TOP_KEYS, "")
        self.check_keys(body, _CATALOG_KEYS, "/catalog")
        self.check_keys(metadata, _METADATA_KEYS, "/catalog/metadata")
        self.total = _count_all(body)
        self.controls(body.get("controls"), "/catalog/controls", None, None)
        self.walk_groups(body.get("groups"), "/catalog/groups", None, 0)
        self.render_params()
        self.infer_kinds()
        self.summarise()
        self.progress(self.total, self.total)
        threats, resources = self.back_matter(body.get("back-matter"))
        catalog = Catalog(
            title=_text(metadata.get("title")).strip() or self.path.stem,
            version=_text(metadata.get("version")).strip(),
            source_format=self.source_format,
            groups=self.groups,
            requirements=self.requirements,
            uuid=_text(body.get("uuid")) or None,
            last_modified=_known_timestamp(_text(metadata.get("last-modified"))),
            oscal_version=_text(metadata.get("oscal-version")) or None,
            notes=self.notes,
            remarks=_text(metadata.get("remarks")),
            parties=self.parties(metadata.get("parties")),
            resources=resources,
            threats=threats,
            document=data,
        )
        if _RETYPED[0] != retyped:
            self.notes.append(CatalogNote(
                rule="catalog.wrong-type",
                severity="error",
                message="Werte vom falschen Typ (etwa eine Zahl, Liste oder ein Objekt, wo OSCAL einen Text "
                        "verlangt); Einzelheiten: ikz-isms check.",
            ))
        return catalog

    def parties(self, items: Any) -> tuple[Party, ...]:
        found = []
        for party in items if isinstance(items, list) else ():
            if isinstance(party, dict):
                emails = tuple(_text(e) for e in party.get("email-addresses") or () if _text(e))
                found.append(Party(_text(party.get("name")), _text(party.get("type")), emails,
                                   _text(party.get("uuid")) or None))
        return tuple(found)

    def back_matter(self, node: Any) -> tuple[tuple[Threat, ...], tuple[Resource, ...]]:
        """Elementary threats (ikz dialect of Ed. 2023) and the other back-matter resources."""
        threats: list[Threat] = []
        resources: list[Resource] = []
        items = node.get("resources") if isinstance(node, dict) else None
        for resource in items if isinstance(items, list) else ():
            if not isinstance(resource, dict):
                continue
            threat_id = _value(_props(resource.get("props")), "threat_id", ns=NS)
            title, description = _text(resource.get("title")), _text(resource.get("description"))
            if threat_id:
                threats.append(Threat(title, description, threat_id))
                continue
            hrefs = tuple(_text(link.get("href")) for link in resource.get("rlinks") or ()
                          if isinstance(link, dict) and link.get("href"))
            resources.append(Resource(_text(resource.get("uuid")), title, description, hrefs))
        return tuple(threats), tuple(resources)

    def check_keys(self, node: dict[str, Any], allowed: frozenset[str], pointer: str) -> None:
        if allowed.issuperset(node):
            return
        for key in node:
            if key not in allowed:
                self.foreign_keys[key] += 1
                if not self.first_foreign:
                    self.first_foreign = f"{pointer}/{key}"

    def items(self, value: Any, pointer: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail("erwartet wird eine Liste.", pointer)
        return value

    def node(self, value: Any, pointer: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail("erwartet wird ein Objekt.", pointer)
        return value

    def collect_params(self, owner: dict[str, Any], pointer: str) -> None:
        params = owner.get("params")
        if params is None:
            return
        for param in self.items(params, pointer + "/params"):
            if isinstance(param, dict) and param.get("id"):
                self.params.setdefault(_text(param["id"]), _param_text(param))

    def walk_groups(self, items: Any, pointer: str, parent: str | None, depth: int) -> None:
        for index, raw in enumerate(self.items(items, pointer)):
            here = f"{pointer}/{index}"
            node = self.node(raw, here)
            self.check_keys(node, _GROUP_KEYS, here)
            group_id = _text(node.get("id")).strip()
            if not group_id:
                raise self.fail("Gruppe ohne 'id'.", here)
            self.collect_params(node, here)
            props = _props(node.get("props"))
            parts: dict[str, dict[str, Any]] = {}
            for part in self.items(node.get("parts"), here + "/parts"):
                if isinstance(part, dict):
                    parts.setdefault(_text(part.get("name")), part)
                else:
                    _RETYPED[0] += 1
            label = props.get("label") or {}
            klass = _text(node.get("class"))
            situation = parts.get("threat_situation")
            group = Group(
                id=group_id,
                title=_text(node.get("title")),
                kind=klass if klass in GROUP_KINDS else "group",
                parent=parent,
                uuid=_value(props, "alt-identifier") or None,
                target_object_type=_value(props, "target_object_type", ns=NS) or None,
                description=_prose(parts.get("overview")) or _text(label.get("remarks")),
                location=here,
                threat_intro=_text((situation or {}).get("prose")),
                threats=tuple(
                    Threat(_text(sub.get("title")), _text(sub.get("prose")))
                    for sub in (situation or {}).get("parts") or () if isinstance(sub, dict)
                ),
                responsible=_split(_value(props, "responsible", ns=NS), ";"),
                other_roles=_split(_value(props, "other_roles", ns=NS), ";"),
                further_information=_prose(parts.get("further_information")),
            )
            if group_id in self.groups:
                self.duplicate("Gruppen-ID", group_id, self.groups[group_id].location, here)
            else:
                self.groups[group_id] = group
                if klass not in GROUP_KINDS:
                    self.inferred_kind[group_id] = (depth, bool(node.get("groups")))
            self.controls(node.get("controls"), here + "/controls", group_id, None)
            self.walk_groups(node.get("groups"), here + "/groups", group_id, depth + 1)

    def duplicate(self, what: str, ident: str, first: str, here: str) -> None:
        self.notes.append(CatalogNote(
            rule="catalog.duplicate-id",
            severity="error",
            message=f"{what} {ident} kommt mehrfach vor; verwendet wird das erste Vorkommen ({first}).",
            location=here,
        ))

    def controls(self, items: Any, pointer: str, group: str | None, parent: str | None) -> None:
        for index, raw in enumerate(self.items(items, pointer)):
            here = f"{pointer}/{index}"
            node = self.node(raw, here)
            self.check_keys(node, _CONTROL_KEYS, here)
            requirement = self.requirement(node, here, group, parent)
            if requirement.id in self.requirements:
                first = self.requirements[requirement.id].location
                self.duplicate("Anforderungs-ID", requirement.id, first, here)
            else:
                self.requirements[requirement.id] = requirement
                # (a statement with a placeholder has it kept as its template)
                if requirement.statement_template or "{{" in requirement.guidance:
                    self.to_render.append(requirement)
            self.done += 1
            if self.done % _PROGRESS_STEP == 0:
                self.progress(self.done, self.total)
            self.controls(node.get("controls"), here + "/controls", group, requirement.id)

    def requirement(self, node: dict[str, Any], here: str, group: str | None, parent: str | None) -> Requirement:
        control_id = _text(node.get("id")).strip()
        if not control_id:
            raise self.fail("Anforderung (control) ohne 'id'.", here)
        self.collect_params(node, here)
        props = _props(node.get("props"))
        statement_part = guidance_part = None
        for index, part in enumerate(self.items(node.get("parts"), here + "/parts")):
            if not isinstance(part, dict):
                _RETYPED[0] += 1
                continue
            if not _PART_KEYS.issuperset(part):  # (the pointer is written only for a part with other keys)
                self.check_keys(part, _PART_KEYS, f"{here}/parts/{index}")
            name = part.get("name")
            if type(name) is not str:
                _RETYPED[0] += 1
            if name == "statement" and statement_part is None:
                statement_part = part
            elif name == "guidance" and guidance_part is None:
                guidance_part = part
        statement_props = _props(statement_part.get("props")) if statement_part else {}
        if statement_part:
            for name in BETA_PROP_NAMES.intersection(statement_props):
                self.beta_props[name] += 1

        klass = _text(node.get("class")) or None
        level = _value(props, "level", ns=NS) or _value(props, "sec_level")
        if not level and klass in LEVELS_GSPP + LEVELS_ED2023:
            # beta 0.9.7 keeps the level in `class`; it is then no source catalog name
            level, klass = klass, None
        modal = (
            _value(statement_props, "modal_verb")
            or _value(statement_props, "modalverb")
            or _value(props, "modal_verb")
            or MODAL_FROM_PRIORITY.get(_value(props, "priority").lower(), "")
        )
        targets = _value(statement_props, "target_object_categories") or _value(
            statement_props, "target_objects"
        )
        effort_text = _value(props, "effort_level")
        fields: dict[str, str | None] = {}
        for name, names in STATEMENT_FIELDS.items():
            found = None
            for alias in names:  # the current name, then the beta 0.9.7 name
                found = _value(statement_props, alias) or None
                if found:
                    break
            fields[name] = found
        statement = _prose(statement_part)
        return Requirement(
            id=control_id,
            title=_text(node.get("title")),
            statement=statement,
            level=level or None,
            modal_verb=modal.upper() or None,
            group=group,
            parent=parent,
            uuid=_value(props, "alt-identifier") or None,
            effort=int(effort_text) if effort_text.isdigit() else None,
            target_objects=_split(targets),
            tags=_split(_value(props, "tags")),
            roles=_split(_value(props, "roles", ns=NS), ";"),
            relations=self.relations(node, here),
            withdrawn=_value(props, "status").lower() == "withdrawn",
            guidance=_prose(guidance_part),
            source_class=klass,
            location=here,
            modal_verbs_in_text=_split(_value(statement_props, "modal_verbs_in_text", ns=NS)),
            params=self.control_params(node, here),
            statement_template=statement if "{{" in statement else "",
            **fields,
        )

    def control_params(self, node: dict[str, Any], here: str) -> tuple[Param, ...]:
        params = node.get("params")
        if params is None:
            return ()  # most controls: no pointer to write, no list to walk
        found = []
        for param in self.items(params, here + "/params"):
            if not isinstance(param, dict) or not param.get("id"):
                continue
            values = tuple(_text(v) for v in param.get("values") or () if _text(v))
            uuid = _value(_props(param.get("props")), "alt-identifier") or None
            found.append(Param(_text(param["id"]), _text(param.get("label")), values, uuid))
        return tuple(found)

    def relations(self, node: dict[str, Any], here: str) -> tuple[Relation, ...]:
        links = node.get("links")
        if links is None:
            return ()
        found = []
        for link in self.items(links, here + "/links"):
            if isinstance(link, dict):
                href = _text(link.get("href"))
                if href.startswith("#") and len(href) > 1:
                    found.append(Relation(_text(link.get("rel")) or "related", href[1:]))
            else:
                _RETYPED[0] += 1
        return tuple(found)

    def render_params(self) -> None:
        def substitute(match: re.Match[str]) -> str:
            param_id = match.group(1)
            if param_id in self.params:
                return self.params[param_id]
            self.unknown_params[param_id] += 1
            return f"[{param_id}]"

        for requirement in self.to_render:
            requirement.statement = _PARAM.sub(substitute, requirement.statement)
            requirement.guidance = _PARAM.sub(substitute, requirement.guidance)

    def infer_kinds(self) -> None:
        """Name the grouping levels after the world when the file does not say (BSI files)."""
        levels = {r.level for r in self.requirements.values()}
        if levels & set(LEVELS_GSPP):
            outer, inner = "practice", "topic"
        elif levels & set(LEVELS_ED2023):
            outer, inner = "layer", "baustein"
        else:
            return
        for group_id, (depth, has_subgroups) in self.inferred_kind.items():
            self.groups[group_id].kind = outer if depth == 0 and has_subgroups else inner

    def summarise(self) -> None:
        if self.beta_props:
            listed = ", ".join(f"{name} ({n}×)" for name, n in sorted(self.beta_props.items()))
            self.notes.append(CatalogNote(
                rule="catalog.nonstandard-props",
                severity="warning",
                message=(
                    f"{sum(self.beta_props.values())} Eigenschaften mit Namen des Beta-Formats "
                    f"(Grundschutz++ 0.9.7), die das aktuelle BSI-Schema nicht kennt, wurden "
                    f"übernommen: {listed}."
                ),
            ))
        if self.foreign_keys:
            from ..present import plural_de

            listed = ", ".join(f"{key} ({n}×)" for key, n in sorted(self.foreign_keys.items()))
            self.notes.append(CatalogNote(
                rule="catalog.non-oscal-keys",
                severity="warning",
                message=plural_de(sum(self.foreign_keys.values()), "Eintrag, den OSCAL nicht kennt, wurde",
                                  "Einträge, die OSCAL nicht kennt, wurden") + f" übergangen: {listed}.",
                location=self.first_foreign,
            ))
        if self.unknown_params:
            listed = ", ".join(sorted(self.unknown_params))
            self.notes.append(CatalogNote(
                rule="catalog.unknown-param",
                severity="warning",
                message=f"Platzhalter ohne Parameter-Definition: {listed}.",
            ))
        self.duplicate_group_uuids()

    def duplicate_group_uuids(self) -> None:
        by_uuid: dict[str, list[Group]] = {}
        for group in self.groups.values():
            if group.uuid:
                by_uuid.setdefault(group.uuid, []).append(group)
        repeated = [groups for groups in by_uuid.values() if len(groups) > 1]
        if not repeated:
            return
        example = repeated[0]
        self.notes.append(CatalogNote(
            rule="catalog.duplicate-group-uuid",
            severity="warning",
            message=(
                f"{len(repeated)} Gruppen-UUIDs (alt-identifier) kommen mehrfach vor, in zusammen "
                f"{sum(len(g) for g in repeated)} Gruppen; z. B. {example[0].uuid} bei "
                f"{', '.join(g.id for g in example)}."
            ),
            location=example[1].location,
        ))


def to_oscal(catalog: Catalog) -> dict[str, Any]:
    """The catalog as OSCAL 1.1.3 catalog JSON in the ikz dialect; same model, same dict."""
    # a catalog with Edition 2023 levels keeps its levels in our namespace (BSI's sec_level is G++'s)
    b_s_h = any(r.level in LEVELS_ED2023 for r in catalog.requirements.values())
    children: dict[str, list[Requirement]] = {}
    by_group: dict[str | None, list[Requirement]] = {}
    for requirement in catalog.requirements.values():
        if requirement.parent and requirement.parent in catalog.requirements:
            children.setdefault(requirement.parent, []).append(requirement)
        else:
            group_id = requirement.group if requirement.group in catalog.groups else None
            by_group.setdefault(group_id, []).append(requirement)
    subgroups: dict[str | None, list[Group]] = {}
    for group in catalog.groups.values():
        parent = group.parent if group.parent in catalog.groups else None
        subgroups.setdefault(parent, []).append(group)
    # (methods, not closures calling themselves: such a closure is a reference cycle
    # that would keep the whole model alive until the next garbage collection)
    tree = _Tree(children, by_group, subgroups, b_s_h)
    control, group_node = tree.control, tree.group_node

    metadata = {
        "title": catalog.title,
        "last-modified": _timestamp(catalog.last_modified),
        "version": _clean(catalog.version) or "0",
        "oscal-version": OSCAL_VERSION,
        "props": [{"name": "world", "ns": NS, "value": "ed2023" if b_s_h else "gspp"}],
    }
    if catalog.parties:
        metadata["parties"] = [_party(party) for party in catalog.parties]
    if catalog.remarks:
        metadata["remarks"] = catalog.remarks
    body: dict[str, Any] = {
        "uuid": catalog.uuid or str(uuidlib.uuid5(_UUID_NAMESPACE, catalog.title)),
        "metadata": metadata,
    }
    if None in by_group:
        body["controls"] = [control(r) for r in by_group[None]]
    if None in subgroups:
        body["groups"] = [group_node(g) for g in subgroups[None]]
    resources = [_threat_resource(t) for t in catalog.threats] + [_resource(r) for r in catalog.resources]
    if resources:
        body["back-matter"] = {"resources": resources}
    return {"catalog": body}


class _Tree:
    """The OSCAL nesting of a model: controls under their group or parent, groups under theirs."""

    def __init__(self, children: dict[str, list[Requirement]], by_group: dict[str | None, list[Requirement]],
                 subgroups: dict[str | None, list[Group]], b_s_h: bool) -> None:
        self.children = children
        self.by_group = by_group
        self.subgroups = subgroups
        self.b_s_h = b_s_h

    def control(self, requirement: Requirement) -> dict[str, Any]:
        out = _control(requirement, self.b_s_h)
        if requirement.id in self.children:
            out["controls"] = [self.control(child) for child in self.children[requirement.id]]
        return out

    def group_node(self, group: Group) -> dict[str, Any]:
        out = _group(group)
        if group.id in self.by_group:
            out["controls"] = [self.control(r) for r in self.by_group[group.id]]
        if group.id in self.subgroups:
            out["groups"] = [self.group_node(g) for g in self.subgroups[group.id]]
        return out


def threat_uuid(threat_id: str) -> str:
    """A stable UUID for an elementary threat (``G 0.18``), so links to it survive a new import."""
    return str(uuidlib.uuid5(_UUID_NAMESPACE, "threat:" + threat_id))


def _threat_resource(threat: Threat) -> dict[str, Any]:
    out: dict[str, Any] = {"uuid": threat_uuid(threat.id or threat.title), "title": threat.title}
    if threat.text:
        out["description"] = threat.text
    out["props"] = [{"name": "threat_id", "ns": NS, "value": threat.id or threat.title}]
    return out


def _resource(resource: Resource) -> dict[str, Any]:
    out: dict[str, Any] = {"uuid": resource.uuid}
    if resource.title:
        out["title"] = resource.title
    if resource.description:
        out["description"] = resource.description
    if resource.hrefs:
        out["rlinks"] = [{"href": href} for href in resource.hrefs]
    return out


def _party(party: Party) -> dict[str, Any]:
    out: dict[str, Any] = {"uuid": party.uuid or str(uuidlib.uuid5(_UUID_NAMESPACE, "party:" + party.name)),
                           "type": party.type or "organization", "name": party.name}
    if party.emails:
        out["email-addresses"] = list(party.emails)
    return out


def stored_document(catalog: Catalog) -> dict[str, Any]:
    """What a workspace stores for a catalog: the OSCAL document as published where the catalog
    came as OSCAL (kept whole), else the model in the ikz dialect (:func:`to_oscal`)."""
    return catalog.document if catalog.document is not None else to_oscal(catalog)


def _clean(value: str | None) -> str:
    """A prop value as OSCAL wants it: one line, no outer whitespace."""
    return " ".join(value.split()) if value else ""


def _prop(name: str, value: str | None, ns: str | None = None, *, keep_spaces: bool = False) -> dict[str, Any] | None:
    # OSCAL wants one line without outer whitespace; published inner spacing is kept where asked
    if not value:
        return None
    value = value.strip() if keep_spaces and "\n" not in value else " ".join(value.split())
    if not value:
        return None
    prop = {"name": name, "value": value}
    if ns:
        prop["ns"] = ns
    return prop


def _known_timestamp(value: str) -> str | None:
    return None if value in ("", _UNKNOWN_TIMESTAMP) else value


def _timestamp(value: str | None) -> str:
    if value and _TIMESTAMP.match(value):
        return value
    if value and _DATE.match(value):
        return value + "T00:00:00Z"
    return _UNKNOWN_TIMESTAMP


def _group(group: Group) -> dict[str, Any]:
    props = [
        _prop("label", group.id),
        _prop("alt-identifier", group.uuid),
        _prop("target_object_type", group.target_object_type, NS),
    ]
    props += [
        _prop("responsible", "; ".join(group.responsible), NS),
        _prop("other_roles", "; ".join(group.other_roles), NS),
    ]
    out: dict[str, Any] = {"id": group.id, "class": group.kind, "title": group.title}
    out["props"] = [p for p in props if p]
    parts: list[dict[str, Any]] = []
    if group.description:
        parts.append({"id": f"{group.id}_ovw", "name": "overview", "prose": group.description})
    if group.threat_intro or group.threats:
        situation: dict[str, Any] = {"id": f"{group.id}_thr", "name": "threat_situation", "ns": NS}
        if group.threat_intro:
            situation["prose"] = group.threat_intro
        if group.threats:
            situation["parts"] = [
                {"id": f"{group.id}_thr{n}", "name": "threat", "ns": NS, "title": threat.title,
                 **({"prose": threat.text} if threat.text else {})}
                for n, threat in enumerate(group.threats, start=1)
            ]
        parts.append(situation)
    if group.further_information:
        parts.append({"id": f"{group.id}_inf", "name": "further_information", "ns": NS,
                      "prose": group.further_information})
    if parts:
        out["parts"] = parts
    return out


def _param(param: Param) -> dict[str, Any]:
    out: dict[str, Any] = {"id": param.id}
    if param.uuid:
        out["props"] = [{"name": "alt-identifier", "value": param.uuid}]
    if param.label:
        out["label"] = param.label
    if param.values:
        out["values"] = list(param.values)
    return out


def _control(requirement: Requirement, b_s_h: bool) -> dict[str, Any]:
    r = requirement
    ed2023_level = r.level in LEVELS_ED2023 or (r.level not in LEVELS_GSPP and b_s_h)
    # (an empty value makes no prop: _prop is asked only about the values a control has)
    props = [
        _prop("alt-identifier", r.uuid) if r.uuid else None,
        (_prop("level", r.level, NS) if ed2023_level else _prop("sec_level", r.level, _BSI_PROP_NS["sec_level"]))
        if r.level else None,
        _prop("effort_level", str(r.effort), _BSI_PROP_NS["effort_level"]) if r.effort is not None else None,
        _prop("tags", ", ".join(r.tags), _BSI_PROP_NS["tags"]) if r.tags else None,
        _prop("roles", "; ".join(r.roles), NS) if r.roles else None,
        _prop("status", "withdrawn") if r.withdrawn else None,
    ]
    statement_props = [
        _prop("modal_verb", r.modal_verb, _BSI_PROP_NS["modal_verb"]) if r.modal_verb else None,
        _prop("target_object_categories", ", ".join(r.target_objects), _BSI_PROP_NS["target_object_categories"])
        if r.target_objects else None,
        _prop("modal_verbs_in_text", ", ".join(r.modal_verbs_in_text), NS) if r.modal_verbs_in_text else None,
        *(_prop(name, value, _BSI_PROP_NS[name], keep_spaces=True)
          for name in STATEMENT_FIELDS if (value := getattr(r, name))),
    ]
    out: dict[str, Any] = {"id": r.id}
    if r.source_class:
        out["class"] = r.source_class
    out["title"] = r.title
    if r.params:
        out["params"] = [_param(param) for param in r.params]
    props = [p for p in props if p]
    if props:
        out["props"] = props
    if r.relations:
        out["links"] = [{"href": f"#{rel.target}", "rel": rel.rel} for rel in r.relations]
    parts = []
    statement: dict[str, Any] = {"id": f"{r.id}_stm", "name": "statement"}
    statement_props = [p for p in statement_props if p]
    if statement_props:
        statement["props"] = statement_props
    if r.statement_template or r.statement:
        statement["prose"] = r.statement_template or r.statement
    if len(statement) > 2:
        parts.append(statement)
    if r.guidance:
        parts.append({"id": f"{r.id}_gdn", "name": "guidance", "prose": r.guidance})
    if parts:
        out["parts"] = parts
    return out
