"""OSCAL mapping collections: BSI's mapping of Edition 2023 onto Grundschutz++ (and any other).

The BSI file (``ITGS-to-GS++-mapping_collection.json``, OSCAL 1.2.1 mapping model) holds
``mapping-collection.mappings[].maps[]``, each with one source (an Edition 2023 requirement
or sub-requirement ``APP.3.6.A1-UA.2``), one target (a G++ control id with its
``oscal_uuid``) and a ``relationship``. Ids of G++ controls move between releases, their
UUIDs do not: targets are resolved by UUID (see :func:`resolve`). A sub-requirement source
(``…-UA.n``) belongs to the requirement before the suffix, which is what a check records.

Reading validates the shape and names the place of every problem in German; a catalog or a
profile handed in as a mapping is told apart.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

#: the OSCAL relationship vocabulary, in the order reports list it
RELATIONSHIPS = ("equal-to", "equivalent-to", "subset-of", "superset-of", "intersects-with")
#: relationships whose source status carries over to the target
CARRYING = frozenset({"equal-to", "equivalent-to"})
RELATIONSHIP_LABELS = {
    "equal-to": "gleich (equal-to)",
    "equivalent-to": "gleichwertig (equivalent-to)",
    "subset-of": "Teilmenge (subset-of)",
    "superset-of": "Obermenge (superset-of)",
    "intersects-with": "Schnittmenge (intersects-with)",
}
SUB_REQUIREMENT = re.compile(r"^(?P<requirement>.+?)-UA\.(?P<number>\d+)$")


@dataclass(frozen=True)
class Map:
    """One map of the collection: source → target with a relationship."""

    source: str
    requirement: str
    sub: int | None
    relationship: str
    target: str
    target_uuid: str | None
    threats: tuple[str, ...] = ()
    cia: str | None = None
    defaulted: bool = False
    location: str = ""


@dataclass
class MappingCollection:
    """A mapping collection: metadata and its maps in file order."""

    title: str
    version: str
    uuid: str | None
    status: str
    maps: list[Map] = field(default_factory=list)
    #: per mapping entry: (source title, target title) of its resources
    resources: list[tuple[str, str]] = field(default_factory=list)
    path: str | None = None

    def by_requirement(self) -> dict[str, list[Map]]:
        found: dict[str, list[Map]] = {}
        for entry in self.maps:
            found.setdefault(entry.requirement, []).append(entry)
        return found

    def counts(self) -> dict[str, int]:
        counted = Counter(entry.relationship for entry in self.maps)
        return {rel: counted.get(rel, 0) for rel in RELATIONSHIPS}


def detect_json(path: Path, head: bytes) -> bool:
    return b'"mapping-collection"' in head[:4096]


def _props(items: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop in items if isinstance(items, list) else ():
        if isinstance(prop, dict) and isinstance(prop.get("name"), str):
            found.setdefault(prop["name"], []).append(str(prop.get("value", "")).strip())
    return found


def read(document: Any, where: str) -> MappingCollection:
    """The collection in ``document`` (parsed JSON); every problem names its JSON pointer."""

    def fail(message: str, pointer: str | None = None) -> InputError:
        return InputError(message, path=where, location=pointer)

    if not isinstance(document, dict) or not isinstance(document.get("mapping-collection"), dict):
        if isinstance(document, dict) and "catalog" in document:
            raise fail("ist ein OSCAL-Katalog, keine Mapping-Sammlung (erwartet: OSCAL mapping-collection, "
                       "z. B. ITGS-to-GS++-mapping_collection.json).")
        if isinstance(document, dict) and "profile" in document:
            raise fail("ist ein OSCAL-Profil, keine Mapping-Sammlung.")
        raise fail("keine OSCAL-Mapping-Sammlung: das oberste JSON-Objekt hat keinen Eintrag 'mapping-collection'.")
    body = document["mapping-collection"]
    metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    provenance = body.get("provenance") if isinstance(body.get("provenance"), dict) else {}
    mappings = body.get("mappings")
    if not isinstance(mappings, list) or not mappings:
        raise fail("Mapping-Sammlung ohne Einträge: 'mappings' fehlt oder ist leer.", "/mapping-collection/mappings")
    collection = MappingCollection(
        title=str(metadata.get("title") or Path(where).stem),
        version=str(metadata.get("version") or ""),
        uuid=str(body.get("uuid")) if body.get("uuid") else None,
        status=str(provenance.get("status") or ""),
        path=where,
    )
    for m_index, mapping in enumerate(mappings):
        pointer = f"/mapping-collection/mappings/{m_index}"
        if not isinstance(mapping, dict):
            raise fail("erwartet wird ein Objekt.", pointer)
        maps = mapping.get("maps")
        if not isinstance(maps, list):
            raise fail("Eintrag ohne 'maps' (Liste der Zuordnungen).", pointer)

        def title(key: str, mapping: dict[str, Any] = mapping) -> str:
            resource = mapping.get(key)
            values = _props(resource.get("props")) if isinstance(resource, dict) else {}
            return (values.get("catalog_title") or [""])[0]

        collection.resources.append((title("source-resource"), title("target-resource")))
        for index, raw in enumerate(maps):
            collection.maps.append(_map(raw, f"{pointer}/maps/{index}", fail))
    return collection


def _map(raw: Any, pointer: str, fail: Any) -> Map:
    if not isinstance(raw, dict):
        raise fail("erwartet wird ein Objekt (eine Zuordnung).", pointer)
    relationship = raw.get("relationship")
    if relationship not in RELATIONSHIPS:
        raise fail(f"unbekannte Beziehung (relationship) '{relationship}'; erlaubt: {', '.join(RELATIONSHIPS)}.",
                   pointer + "/relationship")
    ends = {}
    for key in ("sources", "targets"):
        items = raw.get(key)
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            raise fail(f"Zuordnung ohne '{key}'.", f"{pointer}/{key}")
        if len(items) > 1:
            raise fail(f"Zuordnung mit {len(items)} Einträgen in '{key}'; erwartet wird genau einer.", f"{pointer}/{key}")
        ident = items[0].get("id-ref")
        if not isinstance(ident, str) or not ident.strip():
            raise fail("Eintrag ohne 'id-ref'.", f"{pointer}/{key}/0/id-ref")
        ends[key] = items[0]
    source = str(ends["sources"]["id-ref"]).strip()
    sub = SUB_REQUIREMENT.match(source)
    target_props = _props(ends["targets"].get("props"))
    props = _props(raw.get("props"))
    target_uuid = (target_props.get("oscal_uuid") or props.get("oscal_uuid") or [""])[0] or None
    return Map(
        source=source,
        requirement=sub.group("requirement") if sub else source,
        sub=int(sub.group("number")) if sub else None,
        relationship=str(relationship),
        target=str(ends["targets"]["id-ref"]).strip(),
        target_uuid=target_uuid,
        threats=tuple(props.get("elementare_gefaehrdung") or ()),
        cia=(props.get("cia") or [""])[0] or None,
        defaulted=(props.get("relationship_defaulted") or [""])[0] == "true",
        location=pointer,
    )


def load(path: Path) -> MappingCollection:
    from ..store import read_json

    return read(read_json(path, kind="catalog-json"), str(path))


def threats_of(maps: Iterable[Map]) -> list[str]:
    """The elementary threats (``G 0.18: …``) named by maps, each once, in first order."""
    seen: dict[str, None] = {}
    for entry in maps:
        for threat in entry.threats:
            seen.setdefault(threat, None)
    return list(seen)
