"""XML in, safely and fast: the C parser of the standard library behind a refusal of every DTD.

Why this shape (and not lxml or defusedxml):

* **Speed.** ``xml.etree.ElementTree.XMLParser`` with the C ``TreeBuilder`` builds the whole
  tree in C (expat); defusedxml forces the pure-Python ElementTree classes and cost the
  Kompendium import about 0.7 s of Python callbacks. lxml would be as fast, but is a large
  binary dependency for what the standard library already does.
* **The same refusals.** Entity declarations, external entities and external DTDs can only
  come with a document type declaration, and XML allows that only in the prolog, before the
  root element. :func:`refuse_doctype` scans the prolog (comments and processing instructions
  skipped) and refuses any ``<!DOCTYPE`` — naming the first entity declaration if it has
  one — before a byte is parsed. Without a DTD, an entity reference other than the five
  predefined ones is a parse error (``unbekannte Entity``). Expat (≥ 2.4) would also stop a
  "billion laughs" expansion on its own; here it never gets the chance.
* **Encodings.** Only ASCII-compatible encodings are read (UTF-8 as BSI publishes): a file in
  UTF-16/32 would hide its prolog from the byte scan, so it is refused with a German message.
* **Lines.** The C tree has no line numbers; :func:`element_lines` recovers them for the
  elements a caller names by one scan over the bytes (start tags in document order, comments,
  CDATA and processing instructions skipped), matched to the tree's elements in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import attrgetter
from typing import TYPE_CHECKING

from ..errors import HostileInputError, InputError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

# expat error codes worth a German explanation; others keep expat's English text
EXPAT_MESSAGES = {
    "XML_ERROR_SYNTAX": "Syntaxfehler",
    "XML_ERROR_NO_ELEMENTS": "kein Element gefunden (Datei leer oder abgeschnitten?)",
    "XML_ERROR_INVALID_TOKEN": "ungültiges Zeichen oder ungültige Markierung",
    "XML_ERROR_UNCLOSED_TOKEN": "unvollständige Markierung (Datei abgeschnitten?)",
    "XML_ERROR_PARTIAL_CHAR": "unvollständiges Zeichen (keine gültige UTF-8-Datei?)",
    "XML_ERROR_TAG_MISMATCH": "schließendes Tag passt nicht zum geöffneten Element",
    "XML_ERROR_DUPLICATE_ATTRIBUTE": "doppeltes Attribut",
    "XML_ERROR_JUNK_AFTER_DOC_ELEMENT": "Inhalt nach dem Ende des Wurzelelements",
    "XML_ERROR_UNDEFINED_ENTITY": "unbekannte Entity",
    "XML_ERROR_UNBOUND_PREFIX": "unbekanntes Namensraum-Präfix",
    "XML_ERROR_INCORRECT_ENCODING": "falsche Zeichenkodierung",
    "XML_ERROR_UNKNOWN_ENCODING": "unbekannte Zeichenkodierung",
    "XML_ERROR_MISPLACED_XML_PI": "XML-Deklaration nicht am Dateianfang",
}

_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
_SPACE = b" \t\r\n"
_ENTITY = re.compile(rb"<!ENTITY\s+(?:%\s+)?([^\s>]+)")


def _line(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def refuse_doctype(raw: bytes, where: str) -> None:
    """Refuse a non-ASCII-compatible encoding and any document type declaration in the prolog."""
    head = raw[:4]
    if head.startswith(_WIDE_BOMS) or (len(head) >= 2 and b"\x00" in head):
        raise InputError(
            "XML in UTF-16/UTF-32 wird nicht gelesen; bitte als UTF-8 speichern (so veröffentlicht das BSI).",
            path=where,
        )
    position = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    size = len(raw)
    while position < size:
        while position < size and raw[position] in _SPACE:
            position += 1
        if raw.startswith(b"<?", position):
            end = raw.find(b"?>", position + 2)
            position = size if end < 0 else end + 2
        elif raw.startswith(b"<!--", position):
            end = raw.find(b"-->", position + 4)
            position = size if end < 0 else end + 3
        elif raw[position:position + 9].upper() == b"<!DOCTYPE":
            _refuse(raw, position, where)
        else:
            return


def _refuse(raw: bytes, start: int, where: str) -> None:
    bracket = raw.find(b"[", start)
    close = raw.find(b">", start)
    end = close
    if bracket >= 0 and (close < 0 or bracket < close):
        subset_end = raw.find(b"]", bracket)
        end = raw.find(b">", subset_end) if subset_end >= 0 else len(raw)
    declaration = raw[start:end if end >= 0 else len(raw)]
    entity = _ENTITY.search(declaration)
    if entity:
        name = entity.group(1).decode("utf-8", "replace")
        raise HostileInputError(
            f"XML enthält Entity-Deklarationen (Entity „{name}“); aus Sicherheitsgründen abgelehnt.",
            path=where, location=f"Zeile {_line(raw, start + entity.start())}",
        )
    raise HostileInputError(
        "XML enthält eine Dokumenttyp-Deklaration (DOCTYPE); aus Sicherheitsgründen abgelehnt.",
        path=where, location=f"Zeile {_line(raw, start)}",
    )


def parse(raw: bytes, where: str) -> Element:
    """The document's root element (C parser); processing instructions kept as tree nodes."""
    from xml.etree.ElementTree import ParseError, TreeBuilder, XMLParser
    from xml.parsers.expat import errors as expat_errors

    refuse_doctype(raw, where)
    parser = XMLParser(target=TreeBuilder(insert_pis=True))
    try:
        parser.feed(raw)
        root: Element = parser.close()
    except ParseError as exc:
        line, column = exc.position
        names = {expat_errors.codes.get(getattr(expat_errors, name)): name for name in EXPAT_MESSAGES}
        reason = EXPAT_MESSAGES.get(names.get(exc.code, ""), str(exc).split(":")[0])
        raise InputError(
            f"ungültiges XML: {reason}.", path=where, location=f"Zeile {line}, Spalte {column + 1}"
        ) from None
    return root


def element_lines(raw: bytes, root: Element, local_names: Iterable[str]) -> dict[Element, int]:
    """The 1-based line of every element whose local name is in ``local_names``.

    Empty when the byte scan and the tree disagree (a name used in two namespaces): lines
    are a help for messages, never a reason to fail.
    """
    names = tuple(local_names)
    alternatives = b"|".join(re.escape(name.encode()) for name in names)
    pattern = re.compile(
        rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(?:[A-Za-z_][\w.-]*:)?(?:" + alternatives + rb")(?=[\s/>])",
        re.DOTALL,
    )
    positions = [m.start() for m in pattern.finditer(raw) if raw[m.start() + 1] not in b"!?"]
    # the tags (with their namespaces) of those local names: a handful, then one set test per element
    tags = {tag for tag in set(map(attrgetter("tag"), root.iter()))
            if isinstance(tag, str) and tag.rpartition("}")[2] in names}
    elements = [e for e in root.iter() if e.tag in tags]
    if len(positions) != len(elements):
        return {}
    lines: dict[Element, int] = {}
    line, last = 1, 0
    for element, position in zip(elements, positions, strict=True):
        line += raw.count(b"\n", last, position)
        last = position
        lines[element] = line
    return lines
