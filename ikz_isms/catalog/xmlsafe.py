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

# every expat error code, in German (a code expat adds later gets a German sentence with its number)
EXPAT_MESSAGES = {
    "XML_ERROR_SYNTAX": "Syntaxfehler",
    "XML_ERROR_NO_ELEMENTS": "kein Element gefunden (Datei leer oder abgeschnitten?)",
    "XML_ERROR_INVALID_TOKEN": "ungültiges Zeichen oder ungültige Markierung",
    "XML_ERROR_UNCLOSED_TOKEN": "unvollständige Markierung (Datei abgeschnitten?)",
    "XML_ERROR_PARTIAL_CHAR": "unvollständiges Zeichen (keine gültige UTF-8-Datei?)",
    "XML_ERROR_TAG_MISMATCH": "schließendes Tag passt nicht zum geöffneten Element",
    "XML_ERROR_DUPLICATE_ATTRIBUTE": "doppeltes Attribut",
    "XML_ERROR_JUNK_AFTER_DOC_ELEMENT": "Inhalt nach dem Ende des Wurzelelements",
    "XML_ERROR_PARAM_ENTITY_REF": "unzulässiger Verweis auf eine Parameter-Entity",
    "XML_ERROR_UNDEFINED_ENTITY": "unbekannte Entity",
    "XML_ERROR_RECURSIVE_ENTITY_REF": "rekursiver Entity-Verweis",
    "XML_ERROR_ASYNC_ENTITY": "Entity endet nicht im selben Element, in dem sie beginnt",
    "XML_ERROR_BAD_CHAR_REF": "Zeichenreferenz auf ein in XML unzulässiges Zeichen (z. B. &#0;)",
    "XML_ERROR_BINARY_ENTITY_REF": "Verweis auf eine binäre Entity",
    "XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF": "Verweis auf eine externe Entity in einem Attribut",
    "XML_ERROR_MISPLACED_XML_PI": "XML-Deklaration nicht am Dateianfang",
    "XML_ERROR_UNKNOWN_ENCODING": "unbekannte Zeichenkodierung",
    "XML_ERROR_INCORRECT_ENCODING": "falsche Zeichenkodierung",
    "XML_ERROR_UNCLOSED_CDATA_SECTION": "CDATA-Abschnitt nicht geschlossen (Datei abgeschnitten?)",
    "XML_ERROR_EXTERNAL_ENTITY_HANDLING": "Fehler beim Verarbeiten einer externen Entity",
    "XML_ERROR_NOT_STANDALONE": "Dokument ist nicht eigenständig (standalone)",
    "XML_ERROR_UNEXPECTED_STATE": "unerwarteter Zustand des XML-Parsers",
    "XML_ERROR_ENTITY_DECLARED_IN_PE": "Entity in einer Parameter-Entity deklariert",
    "XML_ERROR_FEATURE_REQUIRES_XML_DTD": "Funktion des XML-Parsers nicht verfügbar",
    "XML_ERROR_CANT_CHANGE_FEATURE_ONCE_PARSING": "Einstellung des XML-Parsers nach Beginn nicht änderbar",
    "XML_ERROR_UNBOUND_PREFIX": "unbekanntes Namensraum-Präfix",
    "XML_ERROR_UNDECLARING_PREFIX": "ein Namensraum-Präfix darf nicht aufgehoben werden (xmlns:x=\"\")",
    "XML_ERROR_INCOMPLETE_PE": "unvollständige Markierung in einer Parameter-Entity",
    "XML_ERROR_XML_DECL": "XML-Deklaration fehlerhaft (<?xml version=\"1.0\" …?>)",
    "XML_ERROR_TEXT_DECL": "Textdeklaration fehlerhaft",
    "XML_ERROR_PUBLICID": "unzulässige Zeichen in einer Public-ID",
    "XML_ERROR_SUSPENDED": "XML-Parser angehalten",
    "XML_ERROR_NOT_SUSPENDED": "XML-Parser nicht angehalten",
    "XML_ERROR_ABORTED": "Lesen abgebrochen",
    "XML_ERROR_FINISHED": "Lesen bereits beendet",
    "XML_ERROR_SUSPEND_PE": "Anhalten in einer externen Parameter-Entity nicht möglich",
    "XML_ERROR_RESERVED_PREFIX_XML": "das reservierte Präfix „xml“ darf nicht umgebunden oder aufgehoben werden",
    "XML_ERROR_RESERVED_PREFIX_XMLNS": "das reservierte Präfix „xmlns“ darf nicht deklariert oder aufgehoben werden",
    "XML_ERROR_RESERVED_NAMESPACE_URI": "ein Präfix darf nicht an einen reservierten Namensraum gebunden werden",
    "XML_ERROR_INVALID_ARGUMENT": "ungültiges Argument für den XML-Parser",
    "XML_ERROR_NO_BUFFER": "interner Pufferfehler des XML-Parsers",
    "XML_ERROR_AMPLIFICATION_LIMIT_BREACH": "Grenze für die Vervielfachung durch Entities überschritten",
    "XML_ERROR_NO_MEMORY": "nicht genug Speicher",
}

_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
_SPACE = b" \t\r\n"
_ENTITY = re.compile(rb"<!ENTITY\s+(?:%\s+)?([^\s>]+)")
_DECLARED_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']{1,40})[\"']")


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
    except (ValueError, LookupError):
        # the declared encoding is one Python does not know (LookupError), or one of several bytes
        # per character other than UTF-8/16, which expat cannot read (ValueError): UTF-7, Shift_JIS,
        # GBK … (ParseError is a SyntaxError, neither of these)
        declared = _DECLARED_ENCODING.match(raw)
        name = declared.group(1).decode("ascii", "replace") if declared else "?"
        raise InputError(
            f"XML in der Zeichenkodierung „{name}“ wird nicht gelesen (unbekannt oder mehrere Bytes je "
            "Zeichen); bitte als UTF-8 speichern (so veröffentlicht das BSI).",
            path=where, location="Zeile 1",
        ) from None
    except ParseError as exc:
        line, column = exc.position
        # (an older expat lacks the newest names)
        names = {expat_errors.codes.get(text): name for name in EXPAT_MESSAGES
                 if (text := getattr(expat_errors, name, None)) is not None}
        reason = EXPAT_MESSAGES.get(names.get(exc.code, ""), f"Fehler {exc.code} des XML-Parsers")
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
