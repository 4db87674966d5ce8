"""Importer for the IT-Grundschutz-Kompendium Edition 2023 as published by BSI (DocBook 5 XML).

The file has no structured attributes: layers (Schichten), Bausteine and requirements
(Anforderungen) are recognised by their section titles, and each Baustein's target-object
type comes from the modelling table in the front matter. See upstream/README.md §5.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .model import TARGET_OBJECT_TYPES, Catalog, CatalogNote, Group, Requirement, Threat

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

SOURCE_FORMAT = "kompendium-2023"
VERSION = "Edition 2023"
DOCBOOK_NS = "http://docbook.org/ns/docbook"

_NS = "{" + DOCBOOK_NS + "}"
_BOOK = _NS + "book"
_CHAPTER = _NS + "chapter"
_SECTION = _NS + "section"
_TITLE = _NS + "title"
_TR = _NS + "tr"
_TD = _NS + "td"
_INFORMALTABLE = _NS + "informaltable"
# Inline markup joins words; every other element is a block whose text must not run into
# its neighbour's when the XML has no whitespace between them.
_INLINE = frozenset(
    _NS + name
    for name in ("emphasis", "link", "email", "phrase", "literal", "code", "subscript", "superscript")
)

_LAYER_RE = re.compile(r"^(?P<id>[A-Z]{3,4})\s+(?P<title>\S.*)$")
_BAUSTEIN_RE = re.compile(r"^(?P<id>[A-Z]{3,4}(?:\.\d+)+)\s+(?P<title>\S.*)$")
_REQUIREMENT_RE = re.compile(
    r"^(?P<id>[A-Z]{3,4}(?:\.\d+)+\.?A\d+)\s+(?P<title>.*?)\s*\((?P<level>[BSH])\)"
    r"\s*(?:\[(?P<roles>[^\]]*)\])?\s*$"
)
_MISSING_DOT_RE = re.compile(r"(\d)A(\d+)$")
_WITHDRAWN_TITLE = "ENTFALLEN"

# Level headings inside "Anforderungen"; "Basis-Anforderung" (singular) occurs in 16 Bausteine.
_LEVEL_HEADINGS = {
    "Basis-Anforderungen": "B",
    "Basis-Anforderung": "B",
    "Standard-Anforderungen": "S",
    "Anforderungen bei erhöhtem Schutzbedarf": "H",
}

# Capitalised modal verbs (Versalien). BSI defines only MUSS/DARF NUR, DARF NICHT/DARF KEIN
# and SOLLTE/SOLLTE NICHT (chapter "IT-Grundschutz – Basis für Informationssicherheit"), and
# allows the negation to be separated from the verb: every capitalised DARF/DÜRFEN is
# therefore an unconditional requirement or prohibition, i.e. MUSS.
# The verb must not follow a word character or a hyphen either; that is checked per match
# (``_WORD_BEFORE``), since a look-behind in front of the alternatives makes the regex
# engine try every position of the text (three times slower on the whole Kompendium).
_MODAL_RE = re.compile(
    r"(?P<verb>MUSS|MÜSSEN|SOLLTEN|SOLLTE|KANN|KÖNNEN|DARF|DÜRFEN)"
    r"(?P<neg>\s+(?:NICHT|NUR|KEINE[NMRS]?|KEIN))?(?![\w-])"
)
_WORD_BEFORE = re.compile(r"[\w-]")
_MODAL_STRENGTH = {
    "MUSS": "MUSS",
    "MÜSSEN": "MUSS",
    "DARF": "MUSS",
    "DÜRFEN": "MUSS",
    "SOLLTE": "SOLLTE",
    "SOLLTEN": "SOLLTE",
    "KANN": "KANN",
    "KÖNNEN": "KANN",
}
_MODAL_ORDER = ("MUSS", "SOLLTE", "KANN")

_THREAT_RE = re.compile(r"^(?P<id>G 0\.\d+)\s+(?P<title>\S.*)$")
_FURTHER_RE = re.compile(r"^(?:\d+\s+)?Weiterführende Informationen$")
_ELEMENTARY_CHAPTER = "Elementare Gefährdungen"


def detect(path: Path, head: bytes) -> bool:
    """A DocBook XML book: the only shape in which BSI publishes the Kompendium as XML."""
    return DOCBOOK_NS.encode() in head and b"<book" in head


def load(path: Path, progress: Callable[[int, int], None] | None = None) -> Catalog:
    """Read the Kompendium XML into a catalog of layers, Bausteine and requirements."""
    from ..store import KINDS, read_bytes

    path = Path(path)
    progress = progress or (lambda done, total: None)
    root, lines = _parse(path, read_bytes(path, limit=KINDS["catalog-json"].max_bytes))
    try:
        return _Importer(path, root, lines, progress).run()
    except RecursionError:
        raise InputError(
            "XML ist zu tief verschachtelt für ein IT-Grundschutz-Kompendium.", path=str(path)
        ) from None


def _parse(path: Path, raw: bytes) -> tuple[Element, dict[Element, int]]:
    """Parse with the C parser behind the DTD refusal (:mod:`.xmlsafe`); lines of chapters and sections."""
    from . import xmlsafe

    root = xmlsafe.parse(raw, str(path))
    return root, xmlsafe.element_lines(raw, root, ("section", "chapter"))


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _title(element: Element) -> str:
    title = element.find(_TITLE)
    if title is None:
        return ""
    if not len(title):  # a title of plain text (almost all): no markup to walk
        return " ".join(title.text.split()) if title.text else ""
    return _inline_text(title)


def _sections(element: Element) -> list[Element]:
    """The child sections (``iterfind(_SECTION)`` without ElementPath's Python machinery)."""
    return [child for child in element if child.tag == _SECTION]


def _inline_text(element: Element) -> str:
    """The text of an element, whitespace-normalised; a processing instruction (<?linebreak?>) separates words."""
    parts: list[str] = []
    _block_text(element, parts)
    return _normalise("".join(parts))


def _block_text(element: Element, parts: list[str]) -> None:
    tag = element.tag
    if not isinstance(tag, str):
        # Scroll marks manual line breaks with <?linebreak?>; the words around it are separate
        parts.append(" ")
        return
    text = element.text
    block = tag not in _INLINE
    if block:
        parts.append(" ")
    if text:
        parts.append(text)
    for child in element:
        _block_text(child, parts)
        tail = child.tail
        if tail:
            parts.append(tail)
    if block:
        parts.append(" ")


def _statement(section: Element) -> str:
    parts: list[str] = []
    for child in section:
        if child.tag == _TITLE:
            continue
        _block_text(child, parts)
        if child.tail:
            parts.append(child.tail)
    return _normalise("".join(parts))


def _blocks(section: Element) -> list[str]:
    """A section as lines: one per paragraph, list or table; a subsection's title, then its lines."""
    lines: list[str] = []
    for child in section:
        if child.tag == _TITLE:
            continue
        if child.tag == _SECTION:
            lines.append(_title(child))
            lines.extend(_blocks(child))
            continue
        parts: list[str] = []
        _block_text(child, parts)
        text = _normalise("".join(parts))
        if text:
            lines.append(text)
    return lines


def _direct_blocks(section: Element) -> list[str]:
    """The lines of a section before and between its subsections (not inside them)."""
    lines: list[str] = []
    for child in section:
        if child.tag in (_TITLE, _SECTION):
            continue
        text = _inline_text(child)
        if text:
            lines.append(text)
    return lines


def split_roles(text: str) -> tuple[str, ...]:
    """Split a role list on commas outside parentheses ("OT-Betrieb (Operational Technology, OT)")."""
    if "(" not in text:
        # no parentheses (almost every list): every comma separates; ")" alone changes nothing
        return tuple(role for role in (_normalise(r) for r in text.split(",")) if role)
    roles: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            roles.append("".join(current))
            current = []
        else:
            current.append(char)
    roles.append("".join(current))
    return tuple(role for role in (_normalise(r) for r in roles) if role)


def modal_verbs(text: str) -> tuple[str | None, tuple[str, ...]]:
    """The strongest modal verb (MUSS/SOLLTE/KANN) and every capitalised form found, in order."""
    found: list[str] = []
    strengths: set[str] = set()
    for match in _MODAL_RE.finditer(text):
        start = match.start()
        if start and _WORD_BEFORE.match(text, start - 1):
            continue  # inside a word ("KANNTE" is caught by the look-ahead, "XMUSS" here)
        verb, neg = match.groups()
        form = f"{verb} {neg.split()[0]}" if neg else verb
        if form not in found:
            found.append(form)
        strengths.add(_MODAL_STRENGTH[verb])
    strongest = next((verb for verb in _MODAL_ORDER if verb in strengths), None)
    return strongest, tuple(found)


def target_object_type(text: str) -> str | None:
    """Map the modelling table's "Anzuwenden auf Zielobjekttyp" to one of TARGET_OBJECT_TYPES."""
    key = _normalise(text).casefold().replace(" / ", "/")
    if key.startswith("informationsverbund"):
        return "Informationsverbund"
    for name in TARGET_OBJECT_TYPES:
        if key == name.casefold():
            return name
    return None


class _Importer:
    """One pass over the parsed book; collects groups, requirements and notes."""

    def __init__(self, path: Path, root: Element, lines: dict[Element, int],
                 progress: Callable[[int, int], None]) -> None:
        self.path = path
        self.root = root
        self.lines = lines
        self.progress = progress
        self.groups: dict[str, Group] = {}
        self.requirements: dict[str, Requirement] = {}
        self.notes: list[CatalogNote] = []

    def where(self, element: Element) -> str:
        line = self.lines.get(element)
        return f"Zeile {line}" if line else ""

    def note(self, rule: str, severity: str, message: str, element: Element) -> None:
        self.notes.append(CatalogNote(rule, severity, message, self.where(element)))

    def run(self) -> Catalog:
        if self.root.tag != _BOOK:
            namespace, _, local = self.root.tag.rpartition("}")
            namespace = namespace.lstrip("{")
            found = f"<{local}> im Namensraum {namespace}" if namespace else f"<{local}> ohne Namensraum"
            raise InputError(
                f"kein IT-Grundschutz-Kompendium: Wurzelelement <book> im DocBook-Namensraum "
                f"{DOCBOOK_NS} erwartet, gefunden {found}.",
                path=str(self.path),
            )
        info_title = self.root.find(f"{_NS}info/{_TITLE}")
        title = _inline_text(info_title) if info_title is not None else ""

        layers: list[tuple[Element, re.Match[str]]] = []
        front_matter: list[Element] = []
        for chapter in self.root.iter(_CHAPTER):
            match = _LAYER_RE.match(_title(chapter))
            if match:
                layers.append((chapter, match))
            else:
                front_matter.append(chapter)
        if not layers:
            raise InputError(
                "kein IT-Grundschutz-Kompendium: keine Schicht-Kapitel "
                "(z. B. „SYS IT-Systeme“) gefunden.",
                path=str(self.path),
            )

        bausteine = [
            (layer_match.group("id"), section, match)
            for chapter, layer_match in layers
            for section in chapter.findall(_SECTION)
            if (match := _BAUSTEIN_RE.match(_title(section)))
            and match.group("id").startswith(layer_match.group("id") + ".")
        ]
        total = len(bausteine)
        self.progress(0, total)
        for chapter, match in layers:
            self.groups[match.group("id")] = Group(
                id=match.group("id"),
                title=match.group("title"),
                kind="layer",
                location=self.where(chapter),
            )
        for done, (layer_id, section, match) in enumerate(bausteine, start=1):
            self.add_baustein(layer_id, section, match)
            self.progress(done, total)
        self.apply_modelling_table(front_matter)

        return Catalog(
            title=title or "IT-Grundschutz-Kompendium",
            version=VERSION,
            source_format=SOURCE_FORMAT,
            groups=self.groups,
            requirements=self.requirements,
            notes=self.notes,
            threats=self.elementary_threats(front_matter),
        )

    def elementary_threats(self, front_matter: list[Element]) -> tuple[Threat, ...]:
        """G 0.1 … G 0.47 from the chapter "Elementare Gefährdungen"."""
        threats: list[Threat] = []
        for chapter in front_matter:
            if _title(chapter) != _ELEMENTARY_CHAPTER:
                continue
            for section in _sections(chapter):
                match = _THREAT_RE.match(_title(section))
                if match:
                    threats.append(Threat(match.group("title"), "\n".join(_blocks(section)), match.group("id")))
        return tuple(threats)

    def add_baustein(self, layer_id: str, section: Element, match: re.Match[str]) -> None:
        baustein_id = match.group("id")
        if baustein_id in self.groups:
            self.note(
                "catalog.duplicate-id",
                "error",
                f"Baustein „{baustein_id}“ kommt mehrfach vor; nur das erste Vorkommen "
                f"({self.groups[baustein_id].location}) wird verwendet.",
                section,
            )
            return
        group = self.groups[baustein_id] = Group(
            id=baustein_id,
            title=match.group("title"),
            kind="baustein",
            parent=layer_id,
            location=self.where(section),
        )
        self.describe(group, section)
        self.walk(baustein_id, section, None)

    def describe(self, group: Group, section: Element) -> None:
        """Beschreibung, Gefährdungslage, Zuständigkeiten and Weiterführende Informationen of a Baustein."""
        for part in _sections(section):
            heading = _title(part)
            if heading == "Beschreibung":
                group.description = "\n".join(_blocks(part))
            elif heading == "Gefährdungslage":
                group.threat_intro = "\n".join(_direct_blocks(part))
                group.threats = tuple(
                    Threat(_title(sub), "\n".join(_blocks(sub))) for sub in _sections(part)
                )
            elif heading == "Anforderungen":
                for table in [child for child in part if child.tag == _INFORMALTABLE]:
                    for row in table.iter(_TR):
                        cells = [_inline_text(td) for td in row.iter(_TD)]
                        if len(cells) < 2:
                            continue
                        if cells[0] == "Grundsätzlich zuständig":
                            group.responsible = split_roles(cells[1])
                        elif cells[0] == "Weitere Zuständigkeiten":
                            group.other_roles = split_roles(cells[1])
            elif _FURTHER_RE.match(heading):
                group.further_information = "\n".join(_blocks(part))

    def walk(self, baustein_id: str, section: Element, heading_level: str | None) -> None:
        for child in _sections(section):
            title = _title(child)
            match = _REQUIREMENT_RE.match(title)
            if match:
                self.add_requirement(baustein_id, child, match, heading_level)
            else:
                self.walk(baustein_id, child, _LEVEL_HEADINGS.get(title, heading_level))

    def add_requirement(
        self, baustein_id: str, section: Element, match: re.Match[str], heading_level: str | None
    ) -> None:
        raw_id = match.group("id")
        req_id = _MISSING_DOT_RE.sub(r"\1.A\2", raw_id) if ".A" not in raw_id else raw_id
        if req_id != raw_id:
            self.note(
                "catalog.id-normalised",
                "warning",
                f"Anforderungs-ID „{raw_id}“ ohne Punkt vor „A“; als „{req_id}“ übernommen.",
                section,
            )
        if not req_id.startswith(baustein_id + "."):
            self.note(
                "catalog.id-outside-baustein",
                "warning",
                f"Anforderung „{req_id}“ steht im Baustein „{baustein_id}“.",
                section,
            )
        level = match.group("level")
        if heading_level and heading_level != level:
            self.note(
                "catalog.level-mismatch",
                "warning",
                f"Anforderung „{req_id}“ ist mit ({level}) gekennzeichnet, steht aber unter "
                f"den Anforderungen der Stufe {heading_level}.",
                section,
            )
        if req_id in self.requirements:
            self.note(
                "catalog.duplicate-id",
                "error",
                f"Anforderungs-ID „{req_id}“ kommt mehrfach vor; nur das erste Vorkommen "
                f"({self.requirements[req_id].location}) wird verwendet.",
                section,
            )
            return

        title = match.group("title")
        withdrawn = title == _WITHDRAWN_TITLE
        statement = _statement(section)
        strongest, found = modal_verbs(statement)
        if not withdrawn and strongest is None:
            self.note(
                "catalog.modal-verb-missing",
                "warning",
                f"Anforderung „{req_id}“ enthält kein Modalverb in Versalien (MUSS, SOLLTE …).",
                section,
            )
        self.requirements[req_id] = Requirement(
            id=req_id,
            title=title,
            statement=statement,
            level=level,
            modal_verb=None if withdrawn else strongest,
            group=baustein_id,
            roles=split_roles(match.group("roles") or ""),
            withdrawn=withdrawn,
            location=self.where(section),
            modal_verbs_in_text=found,
        )

    def apply_modelling_table(self, front_matter: list[Element]) -> None:
        """Set each Baustein's target-object type from the table "Baustein | Reihenfolge | Zielobjekttyp"."""
        assigned: set[str] = set()
        for chapter in front_matter:
            for table in chapter.iter(_INFORMALTABLE):
                rows = list(table.iter(_TR))
                if not rows:
                    continue
                header = [_inline_text(td) for td in rows[0].iter(_TD)]
                type_column = next((i for i, h in enumerate(header) if "Zielobjekt" in h), None)
                if type_column is None or not header[0].startswith("Baustein"):
                    continue
                for row in rows[1:]:
                    cells = [_inline_text(td) for td in row.iter(_TD)]
                    if len(cells) <= type_column or not cells[0]:
                        continue
                    baustein_id = cells[0].split()[0]
                    group = self.groups.get(baustein_id)
                    if group is None or group.kind != "baustein":
                        self.note(
                            "catalog.modelling-unknown-baustein",
                            "warning",
                            f"Modellierungstabelle nennt unbekannten Baustein „{baustein_id}“.",
                            chapter,
                        )
                        continue
                    group.target_object_type = target_object_type(cells[type_column])
                    if group.target_object_type is None:
                        self.note(
                            "catalog.target-object-type-unknown",
                            "warning",
                            f"Baustein „{baustein_id}“: unbekannter Zielobjekttyp "
                            f"„{cells[type_column]}“ in der Modellierungstabelle.",
                            chapter,
                        )
                    assigned.add(baustein_id)
        for group in self.groups.values():
            if group.kind == "baustein" and group.id not in assigned:
                self.notes.append(
                    CatalogNote(
                        "catalog.target-object-type-missing",
                        "warning",
                        f"Baustein „{group.id}“ fehlt in der Modellierungstabelle; "
                        "kein Zielobjekttyp bekannt.",
                        group.location,
                    )
                )
