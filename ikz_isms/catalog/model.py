"""In-memory model of a control catalog, shared by every importer and command.

Both BSI worlds map onto the same few types:

* Kompendium Edition 2023: layer (Schicht) -> Baustein -> requirement (Anforderung), level B/S/H.
* Grundschutz++: practice (Praktik) -> topic (Thema) -> control -> child control, level
  ``normal-SdT`` / ``erhöht``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Levels as they appear in the catalogs; the meaning is documented in docs/catalogs.md.
LEVELS_ED2023 = ("B", "S", "H")
LEVELS_GSPP = ("normal-SdT", "erhöht")
KNOWN_LEVELS = LEVELS_ED2023 + LEVELS_GSPP
MODAL_VERBS = ("MUSS", "SOLLTE", "KANN")

LEVEL_NAMES = {
    "B": "Basis",
    "S": "Standard",
    "H": "erhöhter Schutzbedarf",
    "normal-SdT": "normal (Stand der Technik)",
    "erhöht": "erhöht",
}

# The five target-object types (Zielobjekttypen) of the Edition 2023 modelling table.
TARGET_OBJECT_TYPES = (
    "Informationsverbund",
    "IT-System",
    "Anwendung",
    "Gebäude/Raum",
    "Netz",
)


@dataclass(frozen=True)
class Relation:
    """A link from one requirement to another (``related`` or ``required``)."""

    rel: str
    target: str


@dataclass(frozen=True)
class Param:
    """A parameter of a G++ control (``{{ insert: param, id }}`` in the statement).

    ``values`` are set where a profile set them; otherwise the label stands in the text.
    ``uuid`` is the param's alt-identifier (BSI gives it the owning control's UUID).
    """

    id: str
    label: str = ""
    values: tuple[str, ...] = ()
    uuid: str | None = None

    @property
    def text(self) -> str:
        """What the statement shows for the parameter: its values, else its label."""
        return ", ".join(self.values) if self.values else (self.label or f"[{self.id}]")


@dataclass(frozen=True)
class Threat:
    """A threat: an elementary threat ``G 0.n`` (``id`` set) or one of a Baustein's Gefährdungslage."""

    title: str
    text: str = ""
    id: str | None = None


@dataclass(frozen=True)
class Party:
    """Who published the catalog (OSCAL ``metadata.parties``)."""

    name: str
    type: str = ""
    emails: tuple[str, ...] = ()
    uuid: str | None = None


@dataclass(frozen=True)
class Resource:
    """A back-matter resource: a referenced document (title, links) of the catalog."""

    uuid: str
    title: str = ""
    description: str = ""
    hrefs: tuple[str, ...] = ()


@dataclass
class Group:
    """A grouping level: layer or Baustein (Ed. 2023), practice or topic (G++).

    ``kind`` is one of ``layer``, ``baustein``, ``practice``, ``topic``, ``group``.
    ``target_object_type`` is set for Ed. 2023 Bausteine (from the modelling table).
    """

    id: str
    title: str
    kind: str = "group"
    parent: str | None = None
    uuid: str | None = None
    target_object_type: str | None = None
    description: str = ""
    # where the group was found, for findings: a JSON pointer or "line N"
    location: str = ""
    #: Ed. 2023 Baustein: the Gefährdungslage (its introduction and its specific threats)
    threat_intro: str = ""
    threats: tuple[Threat, ...] = ()
    #: Ed. 2023 Baustein: Zuständigkeiten ("Grundsätzlich zuständig", "Weitere Zuständigkeiten")
    responsible: tuple[str, ...] = ()
    other_roles: tuple[str, ...] = ()
    #: Ed. 2023 Baustein: "Weiterführende Informationen"
    further_information: str = ""


@dataclass
class Requirement:
    """One requirement (Anforderung) or G++ control, including child controls.

    ``group`` is the id of the innermost enclosing group (Baustein or topic); ``parent`` is
    the id of the parent control for G++ child controls (Verbesserungen).
    """

    id: str
    title: str
    statement: str = ""
    level: str | None = None
    modal_verb: str | None = None
    group: str | None = None
    parent: str | None = None
    uuid: str | None = None
    effort: int | None = None
    target_objects: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    withdrawn: bool = False
    guidance: str = ""
    source_class: str | None = None
    location: str = ""
    # every modal verb found in the text (Ed. 2023 has no modal-verb field)
    modal_verbs_in_text: tuple[str, ...] = ()
    #: G++ Satzschablone fields of the statement (BSI namespaces action_words, result, documentation)
    action_word: str | None = None
    result: str | None = None
    result_specification: str | None = None
    documentation: str | None = None
    #: the control's parameters; ``statement`` shows them filled in, ``statement_template`` as published
    params: tuple[Param, ...] = ()
    statement_template: str = ""

    @property
    def active(self) -> bool:
        return not self.withdrawn


@dataclass
class Catalog:
    """A whole catalog: metadata, groups in document order, requirements in document order."""

    title: str
    version: str
    source_format: str
    groups: dict[str, Group] = field(default_factory=dict)
    requirements: dict[str, Requirement] = field(default_factory=dict)
    uuid: str | None = None
    last_modified: str | None = None
    oscal_version: str | None = None
    path: str | None = None
    # oddities the importer met and tolerated; `ikz-isms check` reports them as findings
    notes: list[CatalogNote] = field(default_factory=list)
    #: id of the edition the catalog belongs to, set when it is first asked (ikz_isms.editions)
    edition: str | None = None
    #: metadata the publisher gives: remarks, parties, back-matter resources
    remarks: str = ""
    parties: tuple[Party, ...] = ()
    resources: tuple[Resource, ...] = ()
    #: Ed. 2023: the elementary threats G 0.1 … G 0.47
    threats: tuple[Threat, ...] = ()
    #: the OSCAL document as published, kept whole when the catalog was read from OSCAL
    #: (stored as it is; ``None`` for catalogs built from other formats)
    document: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def world(self) -> str:
        """The id of the catalog's edition (see :mod:`ikz_isms.editions`); ask the edition, never compare this."""
        from ..editions import edition_of

        return edition_of(self).id

    def active_requirements(self) -> list[Requirement]:
        return [r for r in self.requirements.values() if not r.withdrawn]

    def top_group(self, group_id: str | None) -> Group | None:
        """The outermost group (layer or practice) above ``group_id``."""
        group = self.groups.get(group_id) if group_id else None
        while group is not None and group.parent is not None:
            group = self.groups.get(group.parent)
        return group

    def by_uuid(self) -> dict[str, Requirement]:
        return {r.uuid: r for r in self.requirements.values() if r.uuid}


@dataclass
class CatalogNote:
    """Something odd an importer tolerated, reported later by ``ikz-isms check``."""

    rule: str
    severity: str
    message: str
    location: str = ""
