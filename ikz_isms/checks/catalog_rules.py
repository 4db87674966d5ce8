"""Built-in plugin: the catalog rules of ``ikz-isms check`` (pins, OSCAL structure, content)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..hookspecs import hookimpl
from . import ERROR, WARNING, CatalogTarget, CheckContext, Finding

if TYPE_CHECKING:
    from ..catalog.model import Group, Requirement

# OSCAL 1.1.3 TokenDatatype ^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$, spelt with Python's re classes.
TOKEN_RE = re.compile(r"^(?:[^\W\d_]|_)[\w.\-]*$")
# OSCAL 1.1.3 UUIDDatatype: version 4 or 5
UUID_RE = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$"
)

# Allowed and required keys per object, from the official OSCAL 1.1.3 catalog JSON schema.
_OSCAL: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "top": (frozenset({"$schema", "catalog"}), ("catalog",)),
    "catalog": (
        frozenset({"uuid", "metadata", "params", "controls", "groups", "back-matter"}),
        ("uuid", "metadata"),
    ),
    "metadata": (
        frozenset({
            "title", "published", "last-modified", "version", "oscal-version", "revisions",
            "document-ids", "props", "links", "roles", "locations", "parties",
            "responsible-parties", "actions", "remarks",
        }),
        ("title", "last-modified", "version", "oscal-version"),
    ),
    "document-id": (frozenset({"scheme", "identifier"}), ("identifier",)),
    "back-matter": (frozenset({"resources"}), ()),
    "group": (
        frozenset({"id", "class", "title", "params", "props", "links", "parts", "groups", "controls"}),
        ("title",),
    ),
    "control": (
        frozenset({"id", "class", "title", "params", "props", "links", "parts", "controls"}),
        ("id", "title"),
    ),
    "param": (
        frozenset({
            "id", "class", "depends-on", "props", "links", "label", "usage", "constraints",
            "guidelines", "values", "select", "remarks",
        }),
        ("id",),
    ),
    "part": (
        frozenset({"id", "name", "ns", "class", "title", "props", "prose", "parts", "links"}),
        ("name",),
    ),
    "prop": (frozenset({"name", "uuid", "ns", "value", "class", "group", "remarks"}), ("name", "value")),
    "link": (frozenset({"href", "rel", "media-type", "resource-fragment", "text"}), ("href",)),
}

KIND_NAMES = {
    "top": "oberste Ebene",
    "catalog": "catalog",
    "metadata": "metadata",
    "document-id": "document-ids",
    "back-matter": "back-matter",
    "group": "Gruppe",
    "control": "Control",
    "param": "Parameter",
    "part": "Teil (part)",
    "prop": "Eigenschaft (prop)",
    "link": "Verweis (link)",
}

# Property names the BSI catalog dialect allows: the enum of ``Property.name`` in BSI's
# documentation/datamodel/oscal_satzschablone_schema.json (Stand-der-Technik-Bibliothek @47de2824).
BSI_PROP_NAMES = frozenset({
    "label", "alt-identifier", "sec_level", "effort_level", "tags", "confidentiality",
    "integrity", "availability", "authenticity", "threats", "target_object_categories",
    "documentation", "result", "result_specification", "action_word", "modal_verb",
    "resolution-tool", "scope_implements_norm", "keywords", "scope_target_audience",
    "scope_security_level", "scope_product", "status",
})
# A prop namespace of one of these marks a catalog as BSI dialect (beta included); props in
# other namespaces are someone else's extension and not BSI's to rule on.
BSI_NAMESPACE_MARKERS = ("github.com/BSI-Bund/", "bsi.bund.de/")
# The beta 0.9.7 names and what the current dialect calls them.
BETA_PROP_NAMES = {
    "modalverb": "modal_verb",
    "target_objects": "target_object_categories",
    "handlungsworte": "action_word",
    "ergebnis": "result",
    "präzisierung": "result_specification",
}

# Importer notes a dedicated rule here already covers, so they are not reported twice.
# The first set only when the raw OSCAL document could be walked.
_NOTES_COVERED_BY_RAW = frozenset({
    "catalog.non-oscal-keys", "catalog.nonstandard-props", "catalog.duplicate-id", "catalog.wrong-type",
})
_NOTES_COVERED = frozenset({"catalog.modal-verb-missing", "catalog.duplicate-group-uuid"})

_EXAMPLES = 3


def _finding(rule: str, severity: str, message: str, target: CatalogTarget, location: str = "") -> Finding:
    return Finding(rule, severity, message, target.display, location)


def pin_mismatch(ctx: CheckContext) -> Iterator[Finding]:
    """Pinned catalogs whose content hash no longer matches the pin."""
    from ..store import sha256_file

    for target in ctx.targets:
        if target.pin is None or not target.path.is_file():
            continue
        actual = sha256_file(target.path)
        if actual != target.pin.sha256:
            yield _finding(
                "catalog.pin-mismatch",
                ERROR,
                f"SHA-256 stimmt nicht mit der Fixierung „{target.pin.name}“ in ikz-isms.yaml "
                f"überein (fixiert {target.pin.sha256[:12]}…, Datei {actual[:12]}…): die Datei "
                "wurde verändert oder die Fixierung nicht nachgezogen.",
                target,
            )


#: a JSON pointer, built only when a problem needs it: ``()`` is the document,
#: ``(parent, key)`` a member, ``(parent, key, index)`` an item of the list ``key``
Pointer = tuple[Any, ...]
_TOP: Pointer = ()
_PROP_KEYS = _OSCAL["prop"][0]
_PART_KEYS = _OSCAL["part"][0]
_CATALOG: Pointer = (_TOP, "catalog")


def _pointer(pointer: Pointer) -> str:
    """The JSON pointer text of ``pointer`` (``""`` for the document itself)."""
    parts: list[str] = []
    while pointer:
        parts.append(f"/{pointer[1]}/{pointer[2]}" if len(pointer) == 3 else f"/{pointer[1]}")
        pointer = pointer[0]
    return "".join(reversed(parts))


class _Problems:
    """Schema problems, summarised per kind so a systematic deviation is one finding."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self.first: dict[tuple[str, str], list[str]] = {}
        self.messages: dict[tuple[str, str], str] = {}
        #: the first value of the wrong JSON type (message, pointer): what no reader can take as it is
        self.wrong_type: tuple[str, str] | None = None

    def add(self, severity: str, message: str, pointer: Pointer, *, wrong_type: bool = False) -> None:
        if wrong_type and self.wrong_type is None:
            self.wrong_type = (message, _pointer(pointer) or "/")
        key = (severity, message)
        self.counts[key] += 1
        examples = self.first.setdefault(key, [])
        if len(examples) < _EXAMPLES:
            examples.append(_pointer(pointer) or "/")

    def findings(self, target: CatalogTarget) -> Iterator[Finding]:
        for (severity, message), count in self.counts.items():
            examples = self.first[(severity, message)]
            text = message if count == 1 else f"{message.rstrip('.')} ({count}×, z. B. {', '.join(examples)})."
            yield _finding("catalog.schema", severity, text, target, examples[0])


_PART_TEXTS = ("title", "prose")


def wrong_type(document: Any) -> tuple[str, str] | None:
    """The first value of the wrong JSON type in an OSCAL catalog document — an object, a list
    or a text where OSCAL wants another — as (German message, JSON pointer); ``None`` if none.

    What ``catalog import`` refuses: ``check`` reports the same values as ``catalog.schema``
    errors. Keys OSCAL does not know are left to ``check`` (community catalogs carry some)."""
    walker = _OscalWalker()
    walker.document(document)
    return walker.problems.wrong_type


class _OscalWalker:
    """A compact structural check of an OSCAL 1.1.3 catalog document.

    Pointers travel as small tuples and become text only for a problem (a catalog has tens
    of thousands of objects and, as a rule, no problem at all).
    """

    def __init__(self) -> None:
        self.problems = _Problems()
        self.prop_names: Counter[str] = Counter()
        self.prop_first: dict[str, Pointer] = {}
        self.bsi_namespace = False
        # a catalog uses a handful of namespaces thousands of times: classify each once
        self.ns_is_bsi: dict[str, bool] = {}
        self.valid_names: set[str] = set()

    def obj(self, node: Any, kind: str, pointer: Pointer) -> dict[str, Any] | None:
        if not isinstance(node, dict):
            self.problems.add(ERROR, f"{KIND_NAMES[kind]} muss ein JSON-Objekt sein.", pointer, wrong_type=True)
            return None
        allowed, required = _OSCAL[kind]
        if not allowed.issuperset(node):
            where = KIND_NAMES[kind]
            for key in node:
                if key not in allowed:
                    self.problems.add(ERROR, f"Schlüssel „{key}“ ist in OSCAL 1.1.3 bei {where} nicht erlaubt.",
                                      (pointer, key))
        for key in required:
            if key not in node:
                self.problems.add(ERROR, f"Pflichtfeld „{key}“ fehlt bei {KIND_NAMES[kind]}.", pointer)
        return node

    def token(self, node: dict[str, Any], key: str, kind: str, pointer: Pointer) -> None:
        value = node.get(key)
        if value is not None and not isinstance(value, str):
            self.problems.add(ERROR, f"„{key}“ bei {KIND_NAMES[kind]} muss ein Text sein.", (pointer, key),
                              wrong_type=True)
        elif value is not None and not TOKEN_RE.match(value):
            self.problems.add(
                ERROR,
                f"„{key}“ bei {KIND_NAMES[kind]} ist kein gültiges OSCAL-Token (Buchstabe oder _, "
                "dann Buchstaben, Ziffern, Punkt, Bindestrich, Unterstrich).",
                (pointer, key),
            )

    def uuid(self, node: dict[str, Any], key: str, kind: str, pointer: Pointer) -> None:
        value = node.get(key)
        if value is not None and not (isinstance(value, str) and UUID_RE.match(value)):
            self.problems.add(ERROR, f"„{key}“ bei {KIND_NAMES[kind]} ist keine gültige UUID (Version 4 oder 5).",
                              (pointer, key))

    def items(self, node: dict[str, Any], key: str, pointer: Pointer) -> list[Any] | tuple[()]:
        value = node.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problems.add(ERROR, f"„{key}“ muss eine Liste sein.", (pointer, key), wrong_type=True)
            return ()
        return value

    def strings(self, node: dict[str, Any], keys: tuple[str, ...], kind: str, pointer: Pointer) -> None:
        for key in keys:
            if key in node and not isinstance(node[key], str):
                self.problems.add(ERROR, f"„{key}“ bei {KIND_NAMES[kind]} muss ein Text sein.", (pointer, key),
                                  wrong_type=True)

    def document(self, data: Any) -> None:
        top = self.obj(data, "top", _TOP)
        if top is None or "catalog" not in top:
            return
        catalog = self.obj(top["catalog"], "catalog", _CATALOG)
        if catalog is None:
            return
        self.uuid(catalog, "uuid", "catalog", _CATALOG)
        if "metadata" in catalog:
            self.metadata(catalog["metadata"], (_CATALOG, "metadata"))
        self.params(catalog, _CATALOG)
        for index, item in enumerate(self.items(catalog, "controls", _CATALOG)):
            self.control(item, (_CATALOG, "controls", index))
        for index, item in enumerate(self.items(catalog, "groups", _CATALOG)):
            self.group(item, (_CATALOG, "groups", index))
        if "back-matter" in catalog:
            self.obj(catalog["back-matter"], "back-matter", (_CATALOG, "back-matter"))

    def metadata(self, node: Any, pointer: Pointer) -> None:
        metadata = self.obj(node, "metadata", pointer)
        if metadata is None:
            return
        self.strings(metadata, ("title", "last-modified", "version", "oscal-version"), "metadata", pointer)
        self.props_links(metadata, pointer)
        for index, item in enumerate(self.items(metadata, "document-ids", pointer)):
            self.obj(item, "document-id", (pointer, "document-ids", index))

    def group(self, node: Any, pointer: Pointer) -> None:
        group = self.obj(node, "group", pointer)
        if group is None:
            return
        self.token(group, "id", "group", pointer)
        self.token(group, "class", "group", pointer)
        self.strings(group, ("title",), "group", pointer)
        self.params(group, pointer)
        self.props_links(group, pointer)
        self.parts(group, pointer)
        for index, item in enumerate(self.items(group, "controls", pointer)):
            self.control(item, (pointer, "controls", index))
        for index, item in enumerate(self.items(group, "groups", pointer)):
            self.group(item, (pointer, "groups", index))

    def control(self, node: Any, pointer: Pointer) -> None:
        control = self.obj(node, "control", pointer)
        if control is None:
            return
        self.token(control, "id", "control", pointer)
        self.token(control, "class", "control", pointer)
        self.strings(control, ("title",), "control", pointer)
        self.params(control, pointer)
        self.props_links(control, pointer)
        self.parts(control, pointer)
        for index, item in enumerate(self.items(control, "controls", pointer)):
            self.control(item, (pointer, "controls", index))

    def params(self, node: dict[str, Any], pointer: Pointer) -> None:
        for index, item in enumerate(self.items(node, "params", pointer)):
            here = (pointer, "params", index)
            param = self.obj(item, "param", here)
            if param is not None:
                self.token(param, "id", "param", here)
                self.props_links(param, here)

    def parts(self, node: dict[str, Any], pointer: Pointer) -> None:
        if node.get("parts") is None:
            return  # (most parts have no parts)
        allowed = _PART_KEYS
        for index, item in enumerate(self.items(node, "parts", pointer)):
            here = (pointer, "parts", index)
            if type(item) is dict and "name" in item and allowed.issuperset(item):
                part: dict[str, Any] | None = item  # what obj() would pass without a word
            else:
                part = self.obj(item, "part", here)
            if part is not None:
                self.token(part, "id", "part", here)
                self.token(part, "name", "part", here)
                self.strings(part, _PART_TEXTS, "part", here)
                self.props_links(part, here)
                self.parts(part, here)

    def props_links(self, node: dict[str, Any], pointer: Pointer) -> None:
        props = node.get("props")
        if type(props) is list:
            # the common prop (allowed keys only, a known valid name, a text value, no uuid)
            # takes the short way; any other goes through every check one by one
            # (count_prop, written out: a catalog has ten thousand props)
            allowed, valid_names = _PROP_KEYS, self.valid_names
            ns_is_bsi, prop_names, prop_first = self.ns_is_bsi, self.prop_names, self.prop_first
            for index, prop in enumerate(props):
                if type(prop) is dict and "uuid" not in prop and allowed.issuperset(prop):
                    name, value = prop.get("name"), prop.get("value")
                    if type(name) is str and type(value) is str and name in valid_names:
                        ns = prop.get("ns")
                        if ns is None:
                            counted = True
                        elif isinstance(ns, str):
                            known = ns_is_bsi.get(ns)
                            if known is None:
                                known = ns_is_bsi[ns] = any(marker in ns for marker in BSI_NAMESPACE_MARKERS)
                            if known:
                                self.bsi_namespace = True
                            counted = known
                        else:
                            counted = False
                        if counted:
                            prop_names[name] += 1
                            if name not in prop_first:
                                prop_first[name] = ((pointer, "props", index), "name")
                        continue
                self.prop(prop, (pointer, "props", index))
        else:
            for index, item in enumerate(self.items(node, "props", pointer)):
                self.prop(item, (pointer, "props", index))
        for index, item in enumerate(self.items(node, "links", pointer)):
            self.obj(item, "link", (pointer, "links", index))

    def prop(self, item: Any, here: Pointer) -> None:
        prop = self.obj(item, "prop", here)
        if prop is None:
            return
        name = prop.get("name")
        if not isinstance(name, str) or name not in self.valid_names:
            self.token(prop, "name", "prop", here)
            if isinstance(name, str) and TOKEN_RE.match(name):
                self.valid_names.add(name)
        if "uuid" in prop:
            self.uuid(prop, "uuid", "prop", here)
        if not isinstance(prop.get("value", ""), str):
            self.strings(prop, ("value",), "prop", here)
        self.count_prop(name, prop.get("ns"), here[0], here[2])

    def count_prop(self, name: Any, ns: Any, pointer: Pointer, index: int) -> None:
        """The BSI dialect's view of one prop: its namespace, how often its name occurs, where first."""
        bsi = False
        if isinstance(ns, str):
            known = self.ns_is_bsi.get(ns)
            if known is None:
                known = self.ns_is_bsi[ns] = any(marker in ns for marker in BSI_NAMESPACE_MARKERS)
            bsi = known
        self.bsi_namespace = self.bsi_namespace or bsi
        if isinstance(name, str) and (ns is None or bsi):
            self.prop_names[name] += 1
            if name not in self.prop_first:
                self.prop_first[name] = ((pointer, "props", index), "name")

    def bsi_dialect(self, target: CatalogTarget) -> Iterator[Finding]:
        if not self.bsi_namespace:
            return
        for name, count in sorted(self.prop_names.items()):
            if name in BSI_PROP_NAMES:
                continue
            current = BETA_PROP_NAMES.get(name)
            hint = f"; Name aus dem Beta-Format 0.9.7, heute „{current}“" if current else ""
            yield _finding(
                "catalog.schema",
                WARNING,
                f"Eigenschaft „{name}“ ({count}×) ist im BSI-Katalogschema (Satzschablone) nicht "
                f"vorgesehen{hint}.",
                target,
                _pointer(self.prop_first[name]),
            )


def schema(ctx: CheckContext) -> Iterator[Finding]:
    """OSCAL 1.1.3 catalog structure, and the BSI dialect's property names."""
    for target, _catalog in ctx.loaded():
        data = ctx.raw(target)
        if data is None:
            continue
        walker = _OscalWalker()
        walker.document(data)
        yield from walker.problems.findings(target)
        yield from walker.bsi_dialect(target)


_ID_KEYS = ("groups", "controls", "params", "parts")


def _raw_ids(target: CatalogTarget, data: Any) -> tuple[list[tuple[str, Pointer]], set[str]]:
    """(id, pointer) of every group, control, param and part; plus back-matter resource uuids.

    Two rules ask for them; they are kept with the target (and go with it), not beyond the run.
    """
    cached = target._ids
    if cached is None or cached[0] is not data:
        cached = target._ids = (data, _collect_ids(data))
    found: tuple[list[tuple[str, Pointer]], set[str]] = cached[1]
    return found


def _collect_ids(data: Any) -> tuple[list[tuple[str, Pointer]], set[str]]:
    ids: list[tuple[str, Pointer]] = []
    resources: set[str] = set()
    catalog = data.get("catalog") if isinstance(data, dict) else None
    if not isinstance(catalog, dict):
        return ids, resources
    for key in ("groups", "controls", "params"):
        children = catalog.get(key)
        if isinstance(children, list):
            for index, child in enumerate(children):
                _walk_ids(child, (_CATALOG, key, index), ids.append)
    back = catalog.get("back-matter")
    if isinstance(back, dict) and isinstance(back.get("resources"), list):
        resources = {r["uuid"] for r in back["resources"] if isinstance(r, dict) and isinstance(r.get("uuid"), str)}
    return ids, resources


def _walk_ids(node: Any, pointer: Pointer, append: Callable[[tuple[str, Pointer]], None]) -> None:
    # a module function, not a closure: a closure calling itself is a reference cycle, which
    # would keep the id list alive until the next garbage collection
    if not isinstance(node, dict):
        return
    ident = node.get("id")
    if isinstance(ident, str):
        append((ident, pointer))
    for key in _ID_KEYS:
        children = node.get(key)
        if isinstance(children, list):
            for index, child in enumerate(children):
                _walk_ids(child, (pointer, key, index), append)


def duplicate_id(ctx: CheckContext) -> Iterator[Finding]:
    """Ids that occur more than once (groups, controls, params, parts share one id space)."""
    for target, catalog in ctx.loaded():
        data = ctx.raw(target)
        if data is not None:
            seen: dict[str, Pointer] = {}
            for ident, pointer in _raw_ids(target, data)[0]:
                if ident in seen:
                    yield _finding(
                        "catalog.duplicate-id",
                        ERROR,
                        f"ID „{ident}“ kommt mehrfach vor (zuerst {_pointer(seen[ident])}).",
                        target,
                        _pointer(pointer),
                    )
                else:
                    seen[ident] = pointer
            continue
        for ident in catalog.groups.keys() & catalog.requirements.keys():
            yield _finding(
                "catalog.duplicate-id",
                ERROR,
                f"ID „{ident}“ bezeichnet eine Gruppe und eine Anforderung.",
                target,
                catalog.requirements[ident].location,
            )


def duplicate_uuid(ctx: CheckContext) -> Iterator[Finding]:
    """Requirement UUIDs must be unique; repeated topic UUIDs of groups are BSI's design."""
    for target, catalog in ctx.loaded():
        by_uuid: dict[str, list[Requirement]] = {}
        for requirement in catalog.requirements.values():
            if requirement.uuid:
                by_uuid.setdefault(requirement.uuid, []).append(requirement)
        for uuid, requirements in by_uuid.items():
            if len(requirements) > 1:
                yield _finding(
                    "catalog.duplicate-uuid",
                    ERROR,
                    f"UUID {uuid} gehört zu mehreren Anforderungen: "
                    f"{', '.join(r.id for r in requirements)}.",
                    target,
                    requirements[1].location,
                )
        groups_by_uuid: dict[str, list[Group]] = {}
        for group in catalog.groups.values():
            if group.uuid:
                groups_by_uuid.setdefault(group.uuid, []).append(group)
        repeated = [groups for groups in groups_by_uuid.values() if len(groups) > 1]
        if repeated:
            example = repeated[0]
            yield _finding(
                "catalog.duplicate-uuid",
                WARNING,
                f"{len(repeated)} Gruppen-UUIDs kommen mehrfach vor, in zusammen "
                f"{sum(len(g) for g in repeated)} Gruppen (bei BSI-Themen so vorgesehen), z. B. "
                f"{example[0].uuid} bei {', '.join(g.id for g in example[:5])}.",
                target,
                example[1].location,
            )


def dangling_relation(ctx: CheckContext) -> Iterator[Finding]:
    """Links to an id the catalog does not contain."""
    for target, catalog in ctx.loaded():
        known = set(catalog.requirements) | set(catalog.groups)
        data = ctx.raw(target)
        if data is not None:
            ids, resources = _raw_ids(target, data)
            known |= {ident for ident, _ in ids} | resources
        for requirement in catalog.requirements.values():
            for relation in requirement.relations:
                if relation.target not in known:
                    yield _finding(
                        "catalog.dangling-relation",
                        ERROR,
                        f"Anforderung {requirement.id} verweist ({relation.rel}) auf "
                        f"„{relation.target}“, das es im Katalog nicht gibt.",
                        target,
                        requirement.location,
                    )


def empty(ctx: CheckContext) -> Iterator[Finding]:
    """A catalog without a single requirement: nothing to check a county against."""
    for target, catalog in ctx.loaded():
        if not catalog.requirements:
            yield _finding(
                "catalog.empty",
                ERROR,
                "Katalog enthält keine Anforderungen; gegen ihn lässt sich nichts prüfen.",
                target,
            )


def missing_modal_verb(ctx: CheckContext) -> Iterator[Finding]:
    """Active requirements without a modal verb (Ed. 2023: none anywhere in the text)."""
    for target, catalog in ctx.loaded():
        active = catalog.active_requirements()
        if active and not any(r.modal_verb or r.modal_verbs_in_text for r in active):
            yield _finding(
                "catalog.missing-modal-verb",
                ERROR,
                f"Keine der {len(active)} Anforderungen nennt ein Modalverb (MUSS/SOLLTE/KANN); "
                "Verbindlichkeit nicht auswertbar.",
                target,
            )
            continue
        from_text = ctx.session.edition(catalog).modal_verb_from_text
        for requirement in active:
            # Ed. 2023 has no modal-verb field: any verb in the text is enough there
            found = requirement.modal_verb or (from_text and requirement.modal_verbs_in_text)
            if not found:
                yield _finding(
                    "catalog.missing-modal-verb",
                    ERROR,
                    f"Anforderung {requirement.id} hat kein Modalverb (MUSS/SOLLTE/KANN).",
                    target,
                    requirement.location,
                )


def unknown_level(ctx: CheckContext) -> Iterator[Finding]:
    """Active requirements whose level is neither B/S/H nor normal-SdT/erhöht."""
    from ..catalog.model import KNOWN_LEVELS

    for target, catalog in ctx.loaded():
        active = catalog.active_requirements()
        if active and all(r.level is None for r in active):
            yield _finding(
                "catalog.unknown-level",
                ERROR,
                f"Keine der {len(active)} Anforderungen hat ein Sicherheitsniveau "
                "(B/S/H bzw. normal-SdT/erhöht); Basis-zuerst-Auswertung nicht möglich.",
                target,
            )
            continue
        for requirement in active:
            if requirement.level not in KNOWN_LEVELS:
                shown = f"„{requirement.level}“" if requirement.level else "keines"
                yield _finding(
                    "catalog.unknown-level",
                    ERROR,
                    f"Anforderung {requirement.id}: unbekanntes Sicherheitsniveau {shown} "
                    f"(erlaubt: {', '.join(KNOWN_LEVELS)}).",
                    target,
                    requirement.location,
                )


def withdrawn(ctx: CheckContext) -> Iterator[Finding]:
    """One summary per catalog of requirements marked ENTFALLEN."""
    for target, catalog in ctx.loaded():
        gone = [r for r in catalog.requirements.values() if r.withdrawn]
        if gone:
            noun = "Anforderung" if len(gone) == 1 else "Anforderungen"
            verb = "wird" if len(gone) == 1 else "werden"
            yield _finding(
                "catalog.withdrawn",
                WARNING,
                f"{len(gone)} {noun} ENTFALLEN, {verb} nicht geprüft (z. B. {gone[0].id}).",
                target,
                gone[0].location,
            )


def importer_notes(ctx: CheckContext) -> Iterator[Finding]:
    """Oddities the importer tolerated (e.g. catalog.id-normalised), each as a finding."""
    for target, catalog in ctx.loaded():
        covered = _NOTES_COVERED | (_NOTES_COVERED_BY_RAW if ctx.raw(target) is not None else frozenset())
        for note in catalog.notes:
            if note.rule in covered:
                continue
            severity = ERROR if note.severity == ERROR else WARNING
            yield Finding(note.rule or "catalog.notes", severity, note.message, target.display, note.location)


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("catalog.pin-mismatch", pin_mismatch, "Prüfsumme des Katalogs entspricht der Fixierung")
    register("catalog.schema", schema, "OSCAL-1.1.3-Struktur und Eigenschaftsnamen des BSI-Schemas")
    register("catalog.duplicate-id", duplicate_id, "IDs sind eindeutig")
    register("catalog.duplicate-uuid", duplicate_uuid, "UUIDs der Anforderungen sind eindeutig")
    register("catalog.empty", empty, "der Katalog enthält Anforderungen")
    register("catalog.dangling-relation", dangling_relation, "Verweise zeigen auf vorhandene Anforderungen")
    register("catalog.missing-modal-verb", missing_modal_verb, "jede aktive Anforderung hat ein Modalverb")
    register("catalog.unknown-level", unknown_level, "Sicherheitsniveau ist bekannt")
    register("catalog.withdrawn", withdrawn, "ENTFALLENE Anforderungen (Zusammenfassung)")
    register("catalog.notes", importer_notes, "Auffälligkeiten, die der Import toleriert hat")
