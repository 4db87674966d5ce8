"""Parsing YAML and JSON the one way: C parsers, limits before values, German errors with the place.

YAML goes through libyaml (PyYAML's ``CSafeLoader``): the text is composed into a node
tree first, the tree is checked (one document, no anchors/aliases, no duplicate keys,
nesting at most :data:`MAX_DEPTH`, numbers within :data:`MAX_NUMBER`), and only then are
values built. Floats become exact ``Decimal`` values (money must never pass through a
binary float); unknown tags such as ``!include`` are refused. The node tree stays with the
document so any later finding can name the line of a JSON pointer (:meth:`Parsed.line`).

JSON goes through orjson (nesting is limited to 1024 by orjson itself).
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import HostileInputError, InputError

#: deepest nesting a data file may have (our schemas need fewer than 10 levels)
MAX_DEPTH = 64
#: largest magnitude of a number in a data file; anything larger is a typo or an attack
MAX_NUMBER = Decimal(10) ** 15
#: control characters a value may not hold, even written as an escape ("\\e", "\\x07", "\\0"):
#: they would reach terminals, CSV and PDF files (tab, line feed and carriage return are text)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: the same characters written as JSON escapes ("\\u001b"); see :func:`_json_control`
_JSON_CONTROL = re.compile(rb"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])")

# The parsers' messages users meet most, in German; anything else gets a generic German text.
_MESSAGES = (
    ("unexpected end of data", "Datei endet mitten in einem Wert (fehlt eine schließende Klammer oder ein Anführungszeichen?)"),
    ("unexpected character", "unerwartetes Zeichen (fehlt ein Komma, ein Anführungszeichen oder ein Doppelpunkt?)"),
    ("unexpected content after document", "weiterer Inhalt nach dem Ende des Dokuments"),
    ("invalid escaped character", "ungültige Escape-Sequenz in einem Text"),
    ("invalid literal", "unbekanntes Wort (erlaubt sind true, false, null)"),
    ("leading zero", "Zahl mit führender Null"),
    ("input length is 0", "Datei ist leer"),
    ("depth limit exceeded", "zu tief verschachtelt"),
    ("recursion limit", "zu tief verschachtelt"),
    ("str is not valid utf-8", "keine gültige UTF-8-Datei"),
    ("not valid utf-8", "keine gültige UTF-8-Datei"),
    ("expected ',' or ']'", "Liste nicht abgeschlossen: ',' oder ']' erwartet"),
    ("expected ',' or '}'", "Abschnitt nicht abgeschlossen: ',' oder '}' erwartet"),
    ("did not find expected ',' or ']'", "Liste nicht abgeschlossen: ',' oder ']' erwartet"),
    ("did not find expected ',' or '}'", "Abschnitt nicht abgeschlossen: ',' oder '}' erwartet"),
    ("mapping values are not allowed", "Doppelpunkt an dieser Stelle nicht erlaubt (fehlen Anführungszeichen um einen Text mit ':'?)"),
    ("did not find expected key", "Einrückung passt nicht zur Ebene darüber"),
    ("did not find expected '-' indicator", "Listeneintrag ('- ') an dieser Stelle erwartet; Einrückung prüfen"),
    ("expected <block end>", "Einrückung passt nicht zur Ebene darüber"),
    ("found unexpected end of stream", "Datei endet in einem Text in Anführungszeichen"),
    ("found undefined alias", "Verweis (*Name) auf einen nicht definierten Anker"),
    ("that cannot start any token", "Tabulator oder unzulässiges Zeichen (YAML rückt nur mit Leerzeichen ein)"),
    ("found unknown escape character", "unbekannte Escape-Sequenz in einem Text in doppelten Anführungszeichen"),
    ("found a tab character", "Tabulator an unzulässiger Stelle (YAML rückt nur mit Leerzeichen ein)"),
    ("could not find expected ':'", "Doppelpunkt nach dem Schlüssel fehlt"),
    ("exceeded maximum nesting depth", "zu tief verschachtelt"),
    ("found character", "unzulässiges Zeichen"),
    ("found duplicate key", "Schlüssel kommt doppelt vor"),
    ("expected a comment or a line break", "unerwarteter Text nach einem Wert (Kommentar mit ' #' beginnen)"),
    ("expected alphabetic or numeric character", "Anker- oder Verweisname fehlt"),
    ("found unexpected ':'", "Doppelpunkt an dieser Stelle nicht erlaubt"),
    ("while scanning a block scalar", "mehrzeiliger Text (| oder >) falsch eingeleitet"),
    ("while scanning a directive", "ungültige Direktive (%)"),
)


def parser_message(message: str) -> str:
    """German text for a JSON or YAML parser message (never the library's English)."""
    for fragment, german in _MESSAGES:
        if fragment in message:
            return german
    return "Syntaxfehler"


@dataclass
class Parsed:
    """A parsed document: plain values plus, for YAML, the node tree for line lookups."""

    data: Any
    path: str
    _root: Any = field(default=None, repr=False)
    #: rebuilds the node tree on demand (documents that came from the derived cache)
    reparse: Callable[[], Any] | None = field(default=None, repr=False)
    #: schema problems once the store has validated it (``[]``: valid); ``None``: not yet
    problems: list[Any] | None = field(default=None, repr=False)
    #: the content hash under which a valid document goes into the derived cache
    cache_key: str | None = field(default=None, repr=False)
    #: SHA-256 of the bytes this document was parsed from (documents the store read or wrote)
    sha256: str | None = field(default=None, repr=False)
    #: where the items of each top-level block sequence of block mappings stand in the text
    #: (:class:`ItemSpans`), taken from the node tree of a full parse; what lets a splice prove
    #: a change item by item (:func:`ikz_isms.store.edit.splice_proven`)
    spans: "dict[str, ItemSpans] | None" = field(default=None, repr=False)
    #: the full road's parse of the same text (:func:`parse_yaml`), for a document the fast road
    #: read (:func:`fast_plain`): its node tree and item spans are built only when asked for
    full: "Callable[[], Parsed] | None" = field(default=None, repr=False)
    #: the text a fast-road document was read from (``None`` once unknown), so that the line of an
    #: item of a top-level list is found without the node tree (:func:`top_item_lines`)
    text_of: "Callable[[], str | None] | None" = field(default=None, repr=False)
    _item_lines: "dict[str, list[int] | None]" = field(default_factory=dict, repr=False)

    @property
    def root(self) -> Any:
        if self._root is None:
            if self.full is not None:
                self._take_full()
            elif self.reparse is not None:
                self._root = self.reparse()
                self.reparse = None
        return self._root

    def item_spans(self, key: str | None = None) -> "dict[str, ItemSpans] | None":
        """:attr:`spans`, from the full road's parse when the fast road read this document —
        unless the text shows the spans of the sequence under ``key`` (:func:`top_item_spans`,
        one per item of the data): then the spans of every top-level list the text shows, and
        the node tree is not built."""
        if self.spans is None and self.full is not None:
            if key is not None and self.text_of is not None and type(self.data) is dict:
                text = self.text_of()
                found = _text_item_spans(text, self.data) if text is not None else {}
                if key in found:
                    return found
            self._take_full()
        return self.spans

    def _take_full(self) -> None:
        assert self.full is not None
        full, self.full = self.full, None
        parsed = full()
        self._root = parsed.root
        if self.spans is None:
            self.spans = parsed.spans

    def line(self, *pointer: Any) -> int | None:
        """1-based line of the place ``pointer`` (keys and indexes) names; the deepest node
        reached answers when the pointer leads past what the document holds."""
        if self._root is None and self.text_of is not None and len(pointer) == 2 and type(pointer[1]) is int:
            # an item of a top-level list (a target object, a record): from the text where it shows
            lines = self._top_item_lines(str(pointer[0]))
            if lines is not None and 0 <= pointer[1] < len(lines):
                return lines[pointer[1]]
        if self._root is None and self.text_of is not None and len(pointer) == 1 and type(pointer[0]) is str \
                and type(self.data) is dict and pointer[0] in self.data:
            # a top-level key (``approach``): from the text where it shows
            text = self.text_of()
            found = top_key_line(text, pointer[0]) if text is not None else None
            if found is not None:
                return found
        node = self.root
        if node is None:
            return None
        line = int(node.start_mark.line) + 1
        for part in pointer:
            child = _child(node, part)
            if child is None:
                break
            key_node, node = child
            line = int((key_node or node).start_mark.line) + 1
        return line

    def _top_item_lines(self, key: str) -> list[int] | None:
        if key not in self._item_lines:
            items = self.data.get(key) if type(self.data) is dict else None
            text = self.text_of() if self.text_of is not None and type(items) is list else None
            lines = top_item_lines(text, key) if text is not None else None
            self._item_lines[key] = lines if lines is not None and len(lines) == len(items or ()) else None
        return self._item_lines[key]

    def value_line(self, *pointer: Any) -> int | None:
        """Like :meth:`line`, but the line of the value rather than of its key."""
        node = self.root
        if node is None:
            return None
        for part in pointer:
            child = _child(node, part)
            if child is None:
                break
            node = child[1]
        return int(node.start_mark.line) + 1

    def location(self, *pointer: Any) -> str:
        """``Zeile N (/a/0/b)`` for findings, or the bare pointer when no line is known."""
        text = "/" + "/".join(str(p) for p in pointer)
        line = self.line(*pointer)
        return f"Zeile {line} ({text})" if line else text

    def span(self, *pointer: Any) -> tuple[int, int, int] | None:
        """(start index, end index, column) of the node at ``pointer`` in the text."""
        node = self.root
        for part in pointer:
            if node is None:
                return None
            child = _child(node, part)
            node = child[1] if child else None
        if node is None:
            return None
        return node.start_mark.index, node.end_mark.index, node.start_mark.column


def top_item_lines(text: str, key: str) -> list[int] | None:
    """The 1-based line of each item of the block sequence under the top-level key ``key``, as the
    full road's node tree gives it (the line of the item's first token), or ``None`` wherever
    the text does not show it beyond doubt; then the caller asks the node tree.

    Meant for texts the fast road read (:func:`fast_plain`: no tabs, no flow collections, no
    anchors, tags or escapes, no document markers). The key must stand once at the start of a
    line with nothing after it but a comment; the items are the lines of one indentation that
    start with ``-`` and a space, up to the first line that is less indented or at the root.
    Declined: a line in that block with an odd number of ``"`` or of ``'`` (a quoted text may go
    on over the next lines, where a ``-`` would mean nothing), an item without content, and
    anything at the items' indentation that is not an item.
    """
    scan = _scan_top_items(text, key)
    return None if scan is None else [number + 1 for number, _ in scan[1]]


def top_key_line(text: str, key: str) -> int | None:
    """The 1-based line of the top-level key ``key`` as the full road's node tree gives it, or
    ``None`` wherever the text does not show it beyond doubt.

    For texts the fast road read (:func:`fast_plain`). The key must be written plain at the start
    of exactly one line, followed by ``:`` and a space or the end of the line; such a line can
    only be a top-level key, unless a quoted text runs over several lines — so a text with a
    line holding an odd number of ``"`` or of ``'`` is declined.
    """
    head = f"{key}:"
    if not key or key[0] in "\"'?-#[{&*!|>%@`" or ": " in key or key != key.strip():
        return None
    found = None
    for number, line in enumerate(text.split("\n")):
        if line.count('"') % 2 or line.count("'") % 2:
            return None
        if line.startswith(head) and (len(line) == len(head) or line[len(head)] == " "):
            if found is not None:
                return None
            found = number + 1
    return found


def top_item_spans(text: str, key: str) -> "ItemSpans | None":
    """:class:`ItemSpans` of the block sequence under the top-level key ``key`` from the text, as
    :func:`item_spans` takes them from the full road's node tree — or ``None`` wherever the text
    does not show them beyond doubt (then the node tree answers).

    For texts the fast road read (:func:`fast_plain`), by the scan of :func:`top_item_lines`, and
    only in the layout ikz-isms writes: every item a line ``- key:`` (one space after the dash,
    the key a plain word) at one indentation, the first key of each item where its mapping
    begins; the sequence ends at the start of the first line of content at the root (column 0)
    or at the end of the text, which must end with a line break.
    """
    if not text.endswith("\n"):
        return None
    scan = _scan_top_items(text, key)
    if scan is None:
        return None
    lines, found, indent, end_line = scan
    if not found or (end_line is not None and lines[end_line][:1] == " "):
        return None
    offsets = [0] * len(lines)
    position = 0
    for number, line in enumerate(lines):
        offsets[number] = position
        position += len(line) + 1
    starts = []
    for number, inline in found:
        if not inline or _FIRST_KEY.match(lines[number], indent) is None:
            return None
        starts.append(offsets[number] + indent + 2)
    end = offsets[end_line] if end_line is not None else len(text)
    return ItemSpans(tuple(starts), end, indent + 2)


#: an item's first key as ikz-isms writes it: ``- `` and a plain word, then ``:`` and a space or
#: the end of the line
_FIRST_KEY = re.compile(r"- [A-Za-z_][A-Za-z0-9_-]*:(?: |$)")


def _scan_top_items(text: str, key: str) -> tuple[list[str], list[tuple[int, bool]], int, int | None] | None:
    """(lines of ``text``, (0-based line, content on the dash's line?) of each item of the block
    sequence under the top-level ``key``, the items' indentation, the 0-based line that ends the
    sequence or ``None`` at the end of the text); ``None`` where the text leaves a doubt (see
    :func:`top_item_lines`)."""
    lines = text.split("\n")
    head = f"{key}:"
    starts = [i for i, line in enumerate(lines) if line.startswith(head)
              and (not line[len(head):].strip() or line[len(head):].lstrip().startswith("#"))]
    if len(starts) != 1 or text.count(f"\n{head}") + text.startswith(head) != 1:
        return None
    found: list[tuple[int, bool]] = []
    indent = -1
    pending = False
    end_line: int | None = None
    for number in range(starts[0] + 1, len(lines)):
        line = lines[number]
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if line.count('"') % 2 or line.count("'") % 2:
            return None
        here = len(line) - len(stripped)
        if indent < 0:
            if not stripped.startswith("-"):
                return None
            indent = here
        if here < indent or (here == 0 and not stripped.startswith("-")):
            end_line = number
            break  # the sequence has ended: the next key of the root
        if here == indent:
            if not (stripped == "-" or stripped.startswith("- ")):
                if indent == 0:
                    end_line = number
                    break
                return None
            if pending:
                return None  # the item before had no content
            rest = stripped[1:].lstrip(" ")
            if not rest or rest.startswith("#"):
                pending = True
            else:
                found.append((number, True))
            continue
        if pending:
            found.append((number, False))
            pending = False
    if pending:
        return None
    return lines, found, indent, end_line


@dataclass(frozen=True)
class ItemSpans:
    """Where the items of a top-level block sequence stand in a document's text (character indexes).

    ``starts``: each item's first key (after its ``- ``); ``end``: where the sequence ends —
    the start of the first line after it, or the end of the text; ``column``: the column of
    every item's first key (the dash stands two columns to its left).
    """

    starts: tuple[int, ...]
    end: int
    column: int

    def as_json(self) -> list[Any]:
        return [list(self.starts), self.end, self.column]

    @classmethod
    def from_json(cls, value: Any) -> "ItemSpans | None":
        if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], list)
                and all(type(v) is int for v in value[0]) and type(value[1]) is int and type(value[2]) is int):
            return None
        return cls(tuple(value[0]), value[1], value[2])


def _text_item_spans(text: str, data: dict[str, Any]) -> dict[str, ItemSpans]:
    """:func:`top_item_spans` of every top-level list of mappings in ``data`` that the text shows
    with one span per item (see :meth:`Parsed.item_spans`)."""
    found: dict[str, ItemSpans] = {}
    for name, items in data.items():
        if type(items) is list and items and all(type(item) is dict for item in items):
            spans = top_item_spans(text, name)
            if spans is not None and len(spans.starts) == len(items):
                found[name] = spans
    return found


def item_spans(root: Any, length: int) -> dict[str, ItemSpans]:
    """:class:`ItemSpans` of every top-level key whose value is a block sequence of block mappings
    that start at one column (the layout ikz-isms writes); other layouts are left out."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    found: dict[str, ItemSpans] = {}
    if type(root) is not MappingNode:
        return found
    for key, value in root.value:
        if type(key) is not ScalarNode or type(value) is not SequenceNode or value.flow_style or not value.value:
            continue
        column = value.value[0].start_mark.column
        starts = []
        for item in value.value:
            mark = item.start_mark
            if type(item) is not MappingNode or item.flow_style or mark.column != column:
                break
            starts.append(mark.index)
        else:
            end = value.end_mark
            if column >= 2 and (end.column == 0 or end.index == length):
                found[str(key.value)] = ItemSpans(tuple(starts), end.index, column)
    return found


def _child(node: Any, part: Any) -> tuple[Any, Any] | None:
    from yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return key, value
        return None
    if isinstance(node, SequenceNode):
        try:
            index = int(part)
        except (TypeError, ValueError):
            return None
        if 0 <= index < len(node.value):
            return None, node.value[index]
    return None


def decode_text(raw: bytes | str, path: str) -> str:
    """A file's bytes as text (UTF-8, a BOM dropped); bytes that are no UTF-8 are an InputError
    naming the file, the line and the byte, the same for every road that reads text."""
    return _decode(raw, path)


def _decode(raw: bytes | str, path: str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"keine gültige UTF-8-Datei (Byte {exc.start}).", path=path, location=f"Zeile {line}") from None


def _loader_class() -> Any:
    """A CSafeLoader whose floats are Decimals, whose dates fail with their line, and that
    knows no tags beyond YAML's core schema."""
    import yaml
    from yaml import CSafeLoader

    class Loader(CSafeLoader):
        pass

    def construct_float(loader: Any, node: Any) -> Decimal:
        text = str(node.value).replace("_", "").strip()
        lowered = text.lower()
        if lowered.lstrip("+-") in (".inf", ".nan"):
            raise _ValueProblem(node, f"Zahl '{node.value}' ist nicht erlaubt (unendlich oder keine Zahl).")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _ValueProblem(node, f"'{node.value}' ist keine Zahl.") from None
        if not value.is_finite() or abs(value) >= MAX_NUMBER:
            raise _ValueProblem(node, f"Zahl {node.value} liegt außerhalb des zulässigen Bereichs (kleiner als 10^15).")
        return value

    def construct_int(loader: Any, node: Any) -> int:
        text = str(node.value).replace("_", "")
        digits = text.lstrip("+-")
        if len(digits) > 1 and digits[0] == "0" or ":" in digits:
            # YAML 1.1 reads 0113000 as octal (38400), 0x1F as 31 and 7:30 as 450 (base 60):
            # nobody writing inhabitants, hours or an amount means that
            raise _ValueProblem(node, f"Zahl '{str(node.value)[:40]}' mit führender Null, 0x/0b oder Doppelpunkt "
                                      "ist mehrdeutig (YAML liest sie oktal, hexadezimal, binär bzw. zur Basis 60): "
                                      "als Dezimalzahl ohne führende Null schreiben, oder als Text in "
                                      "Anführungszeichen.")
        if len(digits) > 20:
            raise _ValueProblem(node, "Zahl liegt außerhalb des zulässigen Bereichs (kleiner als 10^15).")
        try:
            value = yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
        except (ValueError, IndexError):  # `!!int abc`, `!!int ""`: a core tag on a text that is no number
            raise _ValueProblem(node, f"'{str(node.value)[:40]}' ist keine ganze Zahl.") from None
        if abs(value) >= MAX_NUMBER:
            raise _ValueProblem(node, f"Zahl {node.value} liegt außerhalb des zulässigen Bereichs (kleiner als 10^15).")
        return int(value)

    def construct_timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError, AttributeError):  # (AttributeError: `!!timestamp gestern`)
            raise _ValueProblem(node, f"ungültiges Datum '{str(node.value)[:40]}' (erwartet JJJJ-MM-TT).") from None

    def construct_bool(loader: Any, node: Any) -> bool:
        try:
            return bool(yaml.constructor.SafeConstructor.construct_yaml_bool(loader, node))
        except KeyError:  # `!!bool vielleicht`
            raise _ValueProblem(node, f"'{str(node.value)[:40]}' ist kein Wahrheitswert (true oder false).") from None

    def refuse_tag(loader: Any, tag_suffix: Any, node: Any = None) -> Any:
        target = node if node is not None else tag_suffix
        raise _ValueProblem(target, f"unbekannte YAML-Markierung '{target.tag}' ist nicht erlaubt.")

    Loader.add_constructor("tag:yaml.org,2002:float", construct_float)
    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    Loader.add_constructor("tag:yaml.org,2002:bool", construct_bool)
    Loader.add_constructor(None, refuse_tag)
    for tag in ("tag:yaml.org,2002:binary", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:set"):
        Loader.add_constructor(tag, refuse_tag)
    return Loader


_LOADER: Any = None


class _ValueProblem(Exception):
    def __init__(self, node: Any, message: str):
        super().__init__(message)
        self.node = node
        self.message = message


def control_character(text: str) -> str | None:
    """The first control character in ``text`` that no value in a file may hold (the rule of every
    parsed file; tab, line feed and carriage return are text), or ``None``."""
    match = _CONTROL.search(text)
    return match.group() if match is not None else None


def _refuse_control(node: Any, path: str) -> None:
    match = _CONTROL.search(node.value)
    if match is not None:
        mark = node.start_mark
        raise InputError(
            f"unzulässiges Steuerzeichen (Code {ord(match.group()):#06x}) in einem Wert.", path=path,
            location=f"Zeile {mark.line + 1}, Spalte {mark.column + 1}",
        )


def _check_tree(root: Any, path: str) -> None:
    """One document's nodes: no aliases, unique keys, bounded nesting, no control characters (iterative walk)."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise InputError(
                "Anker und Verweise (&name / *name, auch '<<:') sind in ikz-isms-Dateien nicht erlaubt; "
                "den Wert ausschreiben.",
                path=path, location=f"Zeile {node.start_mark.line + 1}",
            )
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise InputError(f"zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen).", path=path,
                             location=f"Zeile {node.start_mark.line + 1}")
        if isinstance(node, ScalarNode):
            _refuse_control(node, path)
        elif isinstance(node, MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    _refuse_control(key, path)
                    if key.value in keys:
                        raise InputError(f"Schlüssel '{key.value}' kommt doppelt vor.", path=path,
                                         location=f"Zeile {key.start_mark.line + 1}, Spalte {key.start_mark.column + 1}")
                    keys.add(key.value)
                    if key.tag == "tag:yaml.org,2002:merge" or key.value == "<<":
                        raise InputError("Zusammenführen mit '<<:' ist in ikz-isms-Dateien nicht erlaubt; "
                                         "die Werte ausschreiben.", path=path,
                                         location=f"Zeile {key.start_mark.line + 1}")
                else:
                    raise InputError("Schlüssel muss ein einfacher Text sein (keine Liste oder Abschnitt als Schlüssel).",
                                     path=path, location=f"Zeile {key.start_mark.line + 1}")
                stack.append((value, depth + 1))
        elif isinstance(node, SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def parse_yaml(raw: bytes | str, path: str) -> Parsed:
    """Parse one YAML document with all the checks of this module; errors name file and place.

    One road: libyaml's C composer builds the node tree (kept for line lookups), the tree is
    checked, then the values are constructed.
    """
    return _parse_full(_decode(raw, path), path)


def _parse_full(text: str, path: str) -> Parsed:
    """libyaml's node tree, checked (:func:`_check_tree`), then the values built."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _loader_class()
    loader = _LOADER(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            if exc.context and "single document" in exc.context:
                mark = exc.problem_mark
                raise InputError(
                    "mehrere YAML-Dokumente ('---') in einer Datei sind nicht erlaubt.", path=path,
                    location=f"Zeile {mark.line + 1}" if mark else None,
                ) from None
            raise _marked(exc, path) from None
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            raise InputError(
                f"unzulässiges Steuerzeichen (Code {exc.character:#06x}) in der Datei.", path=path,
                location=f"Zeile {line}",
            ) from None
        except yaml.YAMLError:
            raise InputError("ungültiges YAML: Syntaxfehler.", path=path) from None
        if root is None:
            return Parsed(None, path, None)
        _check_tree(root, path)
        try:
            data = loader.construct_document(root)
        except _ValueProblem as exc:
            mark = exc.node.start_mark
            raise InputError(exc.message, path=path, location=f"Zeile {mark.line + 1}, Spalte {mark.column + 1}") from None
        except yaml.MarkedYAMLError as exc:
            raise _marked(exc, path) from None
        except RecursionError:
            raise InputError("zu tief verschachtelt.", path=path) from None
    finally:
        loader.dispose()
    return Parsed(data, path, root, spans=item_spans(root, len(text)))


#: characters that send a text to the full road wherever they stand: tabs (libyaml refuses some
#: that YAML 1.2 allows), the line breaks on which YAML 1.1 and 1.2 differ, and a byte order mark
#: left after the first one (libyaml skips it, yaml-rs makes it part of the first key)
_FULL_ROAD_CHARS = ("\t", "\r", "\u2028", "\u2029", "\ufeff")
#: anchors and aliases (``&`` ``*``), tags (``!``) and directives (``%``) where a node can begin in
#: block style: after a line's indentation, or after the ``-``, ``:`` or ``?`` indicator and a
#: space (flow collections never reach this check). Inside a text (``Bau & Liegenschaften``,
#: ``80 %``, ``Achtung!``) both roads read them as text; a place this pattern finds only looks
#: like a node's start (``Bau - & Co``, a block scalar's line ``* Punkt``) takes the full road too.
_NODE_INDICATOR = re.compile(r"(?:^|[-:?] )[ ]*[&*!%]", re.MULTILINE)
#: what else libyaml's reader refuses and the fast parser might not: the control characters of
#: :data:`_CONTROL` and the non-characters U+FFFE and U+FFFF (tested with ``in``: a character
#: class beyond Latin-1 costs the regex compiler more than a whole config parse)
_NONCHARACTERS = ("\ufffe", "\uffff")
_DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
#: a plain scalar that is a whole number in other than the plain decimal form both roads read
#: alike (``[-+]?(0|[1-9][0-9]*)``): a leading zero (``017``, ``0800``, ``0o17``, ``0x1F``), an
#: underscore (``_5``, ``+_1``, ``1_000``) or a letter after the digits (``5G``), where a whole
#: scalar can begin in block style: at the start of a line (after its indentation), or after the
#: ``:``, ``-`` or ``?`` indicator and a space; up to the end of its line or a comment.
#: yaml-rs reads many of these as numbers where YAML 1.1 has a text or another number (``017`` is
#: 15 there, ``+_1`` and ``0800`` are texts): a text with one that yaml-rs reads as a number takes
#: the full road (:func:`_numbers_alike`). ``ISB 001`` is one text on both roads and does not count.
_NUMBER_LIKE = re.compile(
    r"(?:^[ ]*|[:?\-][ ]+)([-+]?(?:_|0[0-9A-Za-z_]|[1-9][0-9]*[A-Za-z_])[0-9A-Za-z_]*)[ ]*(?:#[^\n]*)?$", re.MULTILINE)
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
#: what yaml-rs makes of such a scalar alone: a whole number or not
_NUMBER_TOKENS: dict[str, bool] = {}
#: the longest word PyYAML resolves after a letter (``false``, ``FALSE``): bool and null words only
_LONGEST_WORD = 5
_FAST: list[Any] = []


def _fast_parser() -> Any:
    """``(loads, resolvers)`` of the fast road, or ``(None, None)`` when yaml-rs is not installed."""
    if not _FAST:
        try:
            import yaml_rs

            resolvers = implicit_resolvers()
        except ImportError:  # pragma: no cover - yaml-rs is a dependency; without it every text takes the full road
            _FAST.append((None, None))
        else:
            policy = yaml_rs.DuplicateKeyPolicy.Error

            def loads(text: str) -> Any:
                return yaml_rs.loads(text, parse_datetime=False, duplicate_key_policy=policy)

            _FAST.append((loads, resolvers))
    return _FAST[0]


#: the form of a kept resolver table (:func:`implicit_resolvers`); bump it when that form changes
RESOLVERS_FORMAT = 1


def _resolver_source() -> bytes | None:
    """The bytes of the installed PyYAML's ``resolver.py``, found without importing PyYAML."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("yaml")
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    for location in locations:
        try:
            with open(f"{location}/resolver.py", "rb") as handle:
                return handle.read()
        except OSError:
            continue
    return None


def _resolvers_file(source: bytes) -> str:
    import hashlib
    import sys

    key = hashlib.sha256(b"\0".join((source, sys.version.encode(), str(RESOLVERS_FORMAT).encode()))).hexdigest()
    return f"yaml-resolvers-{key[:32]}.json"


def implicit_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's implicit resolvers (first character → ``[(tag, regex)]``), which the fast road's
    gates ask (:func:`fast_plain`).

    Importing PyYAML costs more than a read-only command's whole parse of a county (about 25 ms,
    most of it compiling its reader's and resolvers' expressions), so the table is kept: as the
    patterns, their flags and the first characters, in the same places as the compiled validators
    (beside the schemas or in the user's cache, never in a workspace), under the SHA-256 of the
    installed ``resolver.py`` and the Python version. Where PyYAML is already imported in this
    process, its live table is used (a program may have added resolvers to it).
    """
    import sys

    source = None if "yaml" in sys.modules else _resolver_source()
    if source is not None:
        kept = _kept_resolvers(_resolvers_file(source))
        if kept is not None:
            return kept
    from yaml.resolver import Resolver

    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = Resolver.yaml_implicit_resolvers
    if source is not None:
        _keep_resolvers(_resolvers_file(source), table)
    return table


def _kept_resolvers(name: str) -> dict[Any, list[tuple[str, re.Pattern[str]]]] | None:
    import orjson

    from .schema import _code_folders

    for folder, _writable in _code_folders():
        try:
            with open(folder / name, "rb") as handle:
                kept = orjson.loads(handle.read())
        except (OSError, orjson.JSONDecodeError):
            continue
        try:
            compiled: dict[str, re.Pattern[str]] = {}
            table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
            for entry in kept["table"]:
                first, items = entry
                table[None if first is None else str(first)] = [
                    (str(tag), compiled.get(pattern) or compiled.setdefault(pattern, re.compile(pattern, int(flags))))
                    for tag, pattern, flags in items
                ]
        except (KeyError, TypeError, ValueError, re.error):
            continue
        return table
    return None


def _keep_resolvers(name: str, table: dict[Any, list[tuple[str, re.Pattern[str]]]]) -> None:
    import orjson

    from ..errors import OutputError
    from . import fs
    from .schema import _code_folders

    content = orjson.dumps({"format": RESOLVERS_FORMAT, "table": [
        [first, [[tag, pattern.pattern, pattern.flags] for tag, pattern in items]] for first, items in table.items()
    ]})
    for folder, writable in _code_folders():
        if not writable:
            continue
        try:
            fs.atomic_write(folder / name, content, durable=False)
            return
        except (OSError, InputError, OutputError):
            continue  # read-only: the next place, else PyYAML is imported each run


def fast_plain(text: str) -> Any:
    """``plain(parse_yaml(text).data)`` by a Rust YAML parser (yaml-rs), several times faster
    than libyaml's composer with PyYAML's constructor — or ``None`` when this text must take
    the full road (:func:`parse_yaml`).

    The fast road answers only where both roads read a text alike. Declined before parsing:
    a text without a final line break, anchors and aliases, tags and directives (``&``, ``*``,
    ``!``, ``%`` where a node may begin: :data:`_NODE_INDICATOR`), a ``\\`` in a text with
    double quotes (an escape), document markers, tabs, control characters, line breaks other
    than ``\\n``, and flow
    collections that are not empty (``[]`` and ``{}`` pass) — the places where libyaml
    (YAML 1.1) and a YAML 1.2 parser part. Declined after parsing: a document that is not a
    mapping; a key that is not a text; any number but a whole one below :data:`MAX_NUMBER`
    (``1e3`` is a text to YAML 1.1, and money must not pass through a binary float); whole
    numbers in a text that has a zero which may start an octal one (``017`` is 15 to YAML 1.1
    and 17 to 1.2); nesting deeper than :data:`MAX_DEPTH`; a text of nothing but line breaks
    (an empty block scalar is ``""`` to libyaml and ``"\\n"`` to yaml-rs); and any text that
    PyYAML's own implicit resolvers would read as something else if it stood unquoted
    (``yes``, ``1:20``, ``2026-04-10 10:00``) — except a valid ``JJJJ-MM-TT`` date, which both
    roads give as the same text, and a text the file writes only in quotes (``ags: "07233"``,
    :func:`_only_quoted`). A parse error declines too, so errors, their wording and
    their place always come from the full road.
    ``tests/test_yaml_fast.py`` holds the two roads side by side on real and mutated files.
    """
    loads, resolvers = _fast_parser()
    if loads is None or not text.endswith("\n"):
        # (a block scalar at the very end of a text without a final line break ends differently)
        return None
    for char in _FULL_ROAD_CHARS:
        if char in text:
            return None
    if "\\" in text and '"' in text:
        # an escape, possible only in double quotes: every control character must stand in the
        # text itself, and the two roads' escapes are not the same set
        return None
    if ("&" in text or "*" in text or "!" in text or "%" in text) and _NODE_INDICATOR.search(text):
        return None
    if text.startswith(("---", "...")) or "\n---" in text or "\n..." in text or _CONTROL.search(text) \
            or any(c in text for c in _NONCHARACTERS):
        return None
    if ("[" in text or "{" in text) and not _flows_simple(text):
        return None
    try:
        data = loads(text)
    except Exception:
        return None
    if type(data) is not dict:
        # every data file is a mapping; a text or list at the top is the full road's to judge
        return None
    verdict = _fast_values_plain(data, resolvers, text)
    if verdict is False or (verdict == "numbers" and not _numbers_alike(text, loads)):
        return None
    return data


#: where a flow collection may begin: where a node may begin in block style (after a line's
#: indentation, or after the ``-``, ``:`` or ``?`` indicator and a space). A ``[`` or ``{`` elsewhere
#: is a character of a text (``Kreishaus [1]``, ``{{ landkreise }}``) on both roads.
_FLOW_START = re.compile(r"(?:^|[-:?] )[ ]*([\[{])", re.MULTILINE)
#: a flow sequence both roads read alike: on one line, its items plain texts of words (each
#: beginning with a letter, digit, ``_`` or ``(``, with no space, quote, ``,``, ``:``, ``#`` or
#: bracket in it) separated by single spaces, followed by nothing but a comment
_SIMPLE_FLOW = re.compile(
    r"\[ *(?:[\w(][^\s,\[\]{}#'\":]*(?: [\w(][^\s,\[\]{}#'\":]*)* *, *)*"
    r"[\w(][^\s,\[\]{}#'\":]*(?: [\w(][^\s,\[\]{}#'\":]*)* *\](?:[ ]+#[^\n]*)?[ ]*$", re.MULTILINE)
#: a whole number in a flow sequence in other than plain decimals (see :data:`_NUMBER_LIKE`)
_FLOW_NUMBER_LIKE = re.compile(r"[\[,][ ]*([-+]?(?:_|0[0-9A-Za-z_]|[1-9][0-9]*[A-Za-z_])[0-9A-Za-z_]*)[ ]*(?=[,\]])")


def _flows_simple(text: str) -> bool:
    """Whether every flow collection of ``text`` is ``[]``, ``{}`` or a simple flow sequence
    (:data:`_SIMPLE_FLOW`, ``members: [bernkastel-wittlich, cochem-zell]``): the flow
    collections YAML 1.1 and 1.2 read alike. Flow mappings, quotes, nesting and flow
    collections over several lines take the full road."""
    for match in _FLOW_START.finditer(text):
        at = match.start(1)
        pair = text[at:at + 2]
        if pair in ("[]", "{}"):
            continue
        if pair[0] == "{" or _SIMPLE_FLOW.match(text, at) is None:
            return False
    return True


def _numbers_alike(text: str, loads: Callable[[str], Any]) -> bool:
    """Whether no scalar of ``text`` that yaml-rs may read as a whole number is written other than
    in plain decimals (:data:`_NUMBER_LIKE`); each such scalar is asked of yaml-rs once."""
    for match in itertools.chain(_NUMBER_LIKE.finditer(text), _FLOW_NUMBER_LIKE.finditer(text)):
        token = match.group(1)
        if _HEX.match(token):
            return False  # hexadecimal: the full road refuses it as ambiguous (construct_int)
        number = _NUMBER_TOKENS.get(token)
        if number is None:
            try:
                value = loads(f"k: {token}\n").get("k")
            except Exception:
                value = 0  # not read alone: taken as a number, the full road decides
            number = type(value) is int
            if len(_NUMBER_TOKENS) < 10_000:
                _NUMBER_TOKENS[token] = number
        if number:
            return False
    return True


#: texts already shown to read alike on both roads (statuses, names, dates repeat across files)
_SAFE_TEXTS: set[str] = set()
#: the same for the keys of a mapping, all at once (most mappings of a file share their keys)
_SAFE_KEYS: set[tuple[Any, ...]] = set()


def _first_chars(resolvers: dict[Any, Any]) -> frozenset[str]:
    if not _FIRST_CHARS:
        _FIRST_CHARS.append(frozenset([*(k for k in resolvers if k), "\n"]))
    return _FIRST_CHARS[0]


_FIRST_CHARS: list[frozenset[str]] = []


#: distinct texts one reading asks :func:`_only_quoted` about before it leaves the file to the full road
_QUOTED_LOOKUPS = 64


def _only_quoted(source: str, value: str) -> bool:
    """Whether every place ``source`` writes ``value`` is ``value`` in quotes (``"99001"``,
    ``'2026-06-24T07:29:51+00:00'``): then no plain scalar of the text is ``value``, and a text
    ``value`` in the parsed data came from quotes, which both roads read as the same text.

    Every occurrence counts, also inside other scalars and comments (``# AGS 99001``): where
    ``value`` stands anywhere outside the quotes, the text takes the full road. Escapes and
    ``''`` never reach this check (a ``\\`` in a text with double quotes sends it to the full
    road; a value with a quote in it is declined here)."""
    if "'" in value or '"' in value or "\n" in value:
        return False
    quoted = source.count(f'"{value}"') + source.count(f"'{value}'")
    if quoted == 0:
        return False
    if source.count(value) == quoted:
        return True
    # the other places may all lie inside longer words (``0.00`` in ``'1200.00'``, ``19`` in
    # ``§19``): a plain scalar that is ``value`` begins after a line break, a space or an
    # indicator and ends before one
    return _plain_occurrence(value).search(source) is None


def _plain_occurrence(value: str) -> "re.Pattern[str]":
    """Where ``value`` may stand as a whole plain scalar: not after a character that may go on
    a word, not before one (see :func:`_only_quoted`)."""
    return re.compile(rf"(?<![^\s\-?:,\[\]{{}}#&*!|>%@`'\"]){re.escape(value)}(?=[\s,\]}}:#]|\Z)")


def _fast_values_plain(root: Any, resolvers: dict[Any, Any], source: str = "") -> bool | str:
    """Whether every key and value under ``root`` means the same on the full road (see
    :func:`fast_plain`); ``"numbers"`` when it does provided the text writes no number in
    octal (``017`` is 15 to YAML 1.1, 17 to 1.2; ``0o17`` a text to 1.1). ``source``: the
    text ``root`` was read from, for texts that would mean something else unquoted
    (:func:`_only_quoted`)."""
    # texts starting with one of these need a closer look (PyYAML's resolvers go by the first character)
    first_chars = _first_chars(resolvers)
    safe, safe_keys = _SAFE_TEXTS, _SAFE_KEYS
    if len(safe) > 200_000 or len(safe_keys) > 10_000:
        safe.clear()
        safe_keys.clear()
    numbers = False
    #: texts taken because this source writes them only in quotes: never kept as safe (keys included)
    quoted: list[str] = []
    #: the source's answer per text (a plan writes the same ``'1.00'`` thousands of times); each
    #: answer counts the whole source, so after :data:`_QUOTED_LOOKUPS` distinct texts the fast
    #: road declines and the full road (linear) reads the file
    looked_up: dict[str, bool] = {}

    def only_quoted(text: str) -> bool | None:
        known = looked_up.get(text)
        if known is None:
            if len(looked_up) >= _QUOTED_LOOKUPS:
                return None
            known = looked_up[text] = _only_quoted(source, text)
        return known

    def text_safe(text: str) -> bool:
        if not text.strip("\n"):
            return False
        if len(text) > _LONGEST_WORD and text[0].isalpha():
            # after a letter PyYAML resolves only the words of booleans and null (yes, False, NULL …)
            safe.add(text)
            return True
        for tag, pattern in resolvers.get(text[0], ()):
            if pattern.match(text):
                # a valid date becomes the same text on both roads (plain() writes it as JJJJ-MM-TT)
                if not (tag == "tag:yaml.org,2002:timestamp" and _DATE_ONLY.match(text) is not None
                        and parse_date(text) is not None):
                    # quoted in this text only: not kept among the safe texts, another text may
                    # write it plain
                    # (``<<`` is refused by the full road quoted or not)
                    if tag != "tag:yaml.org,2002:merge" and only_quoted(text):
                        quoted.append(text)
                        return True
                    return False
                break
        safe.add(text)
        return True

    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if type(node) is dict:
            keys = tuple(node)
            if keys not in safe_keys:
                before = len(quoted)
                for key in keys:
                    if type(key) is not str or not key or (key[0] in first_chars and key not in safe and not text_safe(key)):
                        return False
                if len(quoted) == before:
                    safe_keys.add(keys)
            values: Any = node.values()
        else:
            values = node
        for value in values:
            kind = type(value)
            if kind is str:
                if value and value[0] in first_chars and value not in safe and not text_safe(value):
                    return False
            elif kind is dict or kind is list:
                stack.append((value, depth + 1))
            elif kind is int and abs(value) < MAX_NUMBER:
                numbers = True
            elif value is not None and kind is not bool:
                return False
    return "numbers" if numbers else True


def _marked(exc: Any, path: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    location = f"Zeile {mark.line + 1}, Spalte {mark.column + 1}" if mark else None
    problem = " ".join(str(x) for x in (exc.problem, exc.context) if x)
    return InputError(f"ungültiges YAML: {parser_message(problem)}.", path=path, location=location)


def parse_json(raw: bytes, path: str) -> Any:
    """Parse JSON (orjson); a syntax error names the file, line and column in German."""
    import orjson

    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        message = parser_message(exc.msg)
        if "UTF-8" in message:
            raise InputError("keine gültige UTF-8-Datei.", path=path) from None
        raise InputError(f"ungültiges JSON: {message}.", path=path,
                         location=f"Zeile {exc.lineno}, Spalte {exc.colno}") from None
    start = _json_control(raw)
    if start is not None:
        line = raw.count(b"\n", 0, start) + 1
        column = start - (raw.rfind(b"\n", 0, start) + 1) + 1
        raise InputError(f"unzulässiges Steuerzeichen ({raw[start:start + 6].decode('ascii')}) in einem Text.",
                         path=path, location=f"Zeile {line}, Spalte {column}")
    return data


#: escapes :func:`_json_control` looks at one by one before its regex takes the rest
_ESCAPES_SCANNED = 2000


def _json_control(raw: bytes) -> int | None:
    """Offset of the first escaped control character in (valid) JSON; ``\\\\u001b`` is a backslash, not one."""
    # the first escapes one by one (memchr finds a backslash; a file has few): each starts an
    # escape of one character or of \uXXXX, so the scan never stops inside an escaped backslash
    position = raw.find(b"\\")
    for _escape in range(_ESCAPES_SCANNED):
        if position < 0:
            return None
        if raw.startswith(b"\\u00", position) and _JSON_CONTROL.match(raw, position):
            return position
        position = raw.find(b"\\", position + 2)
    if position < 0:
        return None
    for match in _JSON_CONTROL.finditer(raw, position):
        start = before = match.start()
        while before > 0 and raw[before - 1] == 0x5C:  # backslashes in front of the escape
            before -= 1
        if (start - before) % 2 == 0:
            return start
    return None


def refuse_xml_tricks(head: bytes, path: str) -> None:
    """Refuse DTDs and entity declarations in XML before any parser sees them."""
    lowered = head.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise HostileInputError(
            "XML mit DOCTYPE- oder ENTITY-Deklaration wird aus Sicherheitsgründen nicht gelesen.", path=path
        )


def plain(node: Any) -> Any:
    """Parsed values to JSON-like Python: dates become ISO strings, Decimals stay Decimals.

    Iterative, so a deep (already depth-checked) structure cannot exhaust the stack.
    """
    if isinstance(node, (dict, list)):
        return _plain_container(node)
    return _plain_scalar(node)


def _plain_scalar(node: Any) -> Any:
    if node is None or type(node) in (bool, str, Decimal):
        return node
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, _dt.datetime):
        return node.isoformat()[:10]
    if isinstance(node, _dt.date):
        return node.isoformat()
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return Decimal(repr(node))
    return str(node)


_PLAIN_AS_IS = frozenset((str, int, bool, Decimal, type(None)))


def _plain_container(root: Any) -> Any:
    # exact types are decided by one set lookup (a Verbund view converts millions of values);
    # subclasses (ruamel's, for instance) go the general way of :func:`_plain_scalar`
    as_is = _PLAIN_AS_IS
    result: Any = {} if isinstance(root, dict) else []
    stack: list[tuple[Any, Any]] = [(root, result)]
    while stack:
        source, target = stack.pop()
        if isinstance(target, dict):
            for key, value in list(source.items()):
                kind = type(value)
                if kind in as_is:
                    child: Any = value
                elif kind is dict or kind is list or isinstance(value, (dict, list)):
                    child = {} if isinstance(value, dict) else []
                    stack.append((value, child))
                else:
                    child = _plain_scalar(value)
                target[key if type(key) is str else str(key)] = child
        else:
            append = target.append
            for value in list(source):
                kind = type(value)
                if kind in as_is:
                    append(value)
                elif kind is dict or kind is list or isinstance(value, (dict, list)):
                    child = {} if isinstance(value, dict) else []
                    stack.append((value, child))
                    append(child)
                else:
                    append(_plain_scalar(value))
    return result


def parse_date(value: Any) -> _dt.date | None:
    """A date from parsed data (already a date, or an ISO string); ``None`` if it is no valid date."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value).strip()
    # JJJJ-MM-TT only: Python 3.11 also reads ISO week dates ("2026-W01-1" is 2025-12-29)
    if len(text) != 10 or _DATE_ONLY.match(text) is None:
        return None
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        return None
