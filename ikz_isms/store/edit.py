"""Changing human-edited YAML so that only what changed changes: comments, order and layout stay.

Two ways, both ending in text that is parsed again and compared with what was meant:

* :func:`splice_items` rewrites single items of a block sequence (a check record, a
  measure, a call-off) in place: the item's text is cut out, edited round-trip with
  ruamel.yaml (so its own comments survive), indented back and put where it was; a new
  item is appended after the last one. The rest of the file is not touched, so a
  one-record change is a one-record diff and costs the item, not the file.
* :func:`roundtrip_edit` parses the whole document round-trip and dumps it again, for
  small files (the workspace config) and for layouts the splice does not handle.
"""

from __future__ import annotations

import bisect
import io
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import InputError
from .fs import sha256_bytes
from .parse import ItemSpans, Parsed, fast_plain, parse_yaml, plain, top_item_spans


def yaml_rt() -> Any:
    """The round-trip YAML engine with the house style (2/4/2 indentation, no aliases)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    # one value shared by many entries (e.g. an adopted review's date) must not become &id001/*id001
    yaml.representer.ignore_aliases = lambda data: True
    return yaml


def load_rt(text: str, path: str) -> Any:
    """Round-trip document (comments kept); the text must already have passed :func:`parse_yaml`."""
    from ruamel.yaml.error import YAMLError

    try:
        return yaml_rt().load(text)
    except (YAMLError, ValueError) as exc:  # parse_yaml accepted it, so this is unexpected
        from .parse import parser_message

        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = " ".join(str(x) for x in (getattr(exc, "problem", None), getattr(exc, "context", None)) if x)
        raise InputError(f"ungültiges YAML: {parser_message(problem) if problem else 'nicht lesbar'}.", path=path,
                         location=f"Zeile {mark.line + 1}, Spalte {mark.column + 1}" if mark else None) from None


def dump_rt(document: Any) -> str:
    buffer = io.StringIO()
    yaml_rt().dump(document, buffer)
    return buffer.getvalue()


def to_rt(value: Any) -> Any:
    """Plain values as round-trip nodes (block style mappings and sequences)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = to_rt(item)
        return node
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq()
        seq.extend(to_rt(item) for item in value)
        return seq
    return value


def roundtrip_edit(text: str, path: str, mutate: Callable[[Any], Any]) -> tuple[str, Any]:
    """(new text, mutate's result) after a whole-document round trip."""
    document = load_rt(text, path) if text.strip() else None
    result = mutate(document)
    if isinstance(result, _Replace):
        document, result = result.document, result.result
    return dump_rt(document), result


class _Replace:
    """Returned by a mutate function that builds a new document instead of editing one."""

    def __init__(self, document: Any, result: Any = None):
        self.document = document
        self.result = result


def replace_document(document: Any, result: Any = None) -> _Replace:
    return _Replace(document, result)


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _item_bounds(text: str, start: int, end: int, column: int) -> tuple[int, int]:
    """(start, end) of an item's own text: up to its last line indented at least ``column``."""
    cut = text.rfind("\n", start, end)
    if cut == -1:
        return start, end
    lines_end = cut + 1
    body_end = start
    position = start
    first = True
    while position < lines_end:
        newline = text.find("\n", position, lines_end)
        newline = lines_end - 1 if newline == -1 else newline
        line = text[position:newline]
        stripped = line.strip()
        if first or (stripped and _indent_of(line) >= column):
            body_end = newline + 1
        first = False
        position = newline + 1
    return start, body_end


def _dedent(snippet: str, column: int) -> str:
    lines = snippet.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        out.append(line[column:] if line[:column].strip() == "" else line.lstrip(" "))
    return "\n".join(out)


def _indent(snippet: str, column: int) -> str:
    lines = snippet.rstrip("\n").split("\n")
    pad = " " * column
    return "\n".join([lines[0]] + [pad + line if line.strip() else line for line in lines[1:]]) + "\n"


_PLAIN_SAFE = re.compile(r"[A-Za-zÄÖÜäöüß(][^\n:#\[\]{},&*!|>'\"%@`]*[^\s:]|[A-Za-zÄÖÜäöüß]")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"})
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: |$)")


def scalar_text(value: Any) -> str | None:
    """A scalar as YAML in house style: plain where that reads back as the same string, else in
    single quotes, else JSON-quoted (a JSON string is a valid YAML double-quoted scalar); ``None``
    for a value that is no text, whole number, truth value or date."""
    import datetime as _dt
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    if _PLAIN_SAFE.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    if value and value.isprintable() and value == value.strip():
        return "'" + value.replace("'", "''") + "'"  # as the round-trip engine quotes
    return json.dumps(value, ensure_ascii=False)


def _value_lines(key: str, value: Any) -> list[str] | None:
    """``key: value`` as the lines of a block mapping at column 0 (a list of scalars below it)."""
    if isinstance(value, (list, tuple)):
        if not value:
            return None
        items = [scalar_text(item) for item in value]
        if any(item is None for item in items):
            return None
        return [f"{key}:"] + [f"  - {item}" for item in items]
    text = scalar_text(value)
    return None if text is None else [f"{key}: {text}"]


def mapping_text(values: Mapping[str, Any]) -> str | None:
    """A mapping of scalars (and lists of scalars) as block YAML at column 0; ``None`` for anything else."""
    lines: list[str] = []
    for key, value in values.items():
        if not _KEY_LINE.fullmatch(f"{key}:"):
            return None
        rendered = _value_lines(key, value)
        if rendered is None:
            return None
        lines.extend(rendered)
    return "\n".join(lines) + "\n" if lines else None


class ItemEdit:
    """A change of one item: set ``values`` (and with ``drop_others``, remove the item's other keys).

    Called with the item's round-trip mapping it edits that (comments and order kept); :meth:`text`
    edits the item's own text line by line instead, without the round-trip engine, where the item
    is a plain mapping of one-line scalars and lists of scalars.
    """

    def __init__(self, values: Mapping[str, Any], old: Mapping[str, Any], *, drop_others: bool = False,
                 same: Callable[[Any, Any], bool] | None = None):
        self.values = dict(values)
        self.old = dict(old)
        self.drop_others = drop_others
        self.same = same or (lambda a, b: bool(plain(a) == plain(b)))

    def __call__(self, node: Any) -> None:
        if self.drop_others:
            for key in [k for k in node if k not in self.values]:
                del node[key]
        for key, value in self.values.items():
            if key in node and self.same(node.get(key), value):
                continue
            node[key] = to_rt(value)

    def text(self, snippet: str) -> str | None:
        """The item's dedented text (first key at column 0) with the change made; ``None`` when the
        item's layout is beyond one-line scalars and lists of scalars."""
        blocks: list[tuple[str | None, list[str]]] = []  # (key, its lines) in order; None: comment lines
        for line in snippet.rstrip("\n").split("\n"):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                blocks.append((None, [line]))
                continue
            match = _KEY_LINE.match(line)
            if match is not None:
                rest = line[match.end():].strip()
                if rest[:1] in ("|", ">", "&", "*", "!", "[", "{") and rest not in ("[]", "{}"):
                    return None
                blocks.append((match.group(1), [line]))
                continue
            if not line.startswith("  - ") or not blocks or blocks[-1][0] is None:
                return None
            item = line[4:].strip()
            if not item or item[:1] in ("|", ">", "&", "*", "!", "[", "{", "-", "?") or _KEY_LINE.match(item):
                return None
            blocks[-1][1].append(line)
        keys = [key for key, _ in blocks if key is not None]
        if len(keys) != len(set(keys)) or set(keys) != set(self.old):
            return None
        out: list[str] = []
        for key, lines in blocks:
            if key is None:
                out.extend(lines)
            elif key not in self.values:
                if not self.drop_others:
                    out.extend(lines)
                elif any("#" in line for line in lines):
                    return None  # a comment on what goes: the round-trip engine decides
            elif self.same(self.old[key], self.values[key]):
                out.extend(lines)
            elif any("#" in line for line in lines):
                return None  # keep the comment at the end of a changed line: the round-trip engine
            else:
                rendered = _value_lines(key, self.values[key])
                if rendered is None:
                    return None
                out.extend(rendered)
        for key, value in self.values.items():
            if key not in self.old:
                rendered = _value_lines(key, value)
                if rendered is None:
                    return None
                out.extend(rendered)
        return "\n".join(out) + "\n"


def _node_spans(parsed: Parsed, pointer: Sequence[Any]) -> list[tuple[int, int, int]] | None:
    """(start, end, column) of each item of the block sequence at ``pointer``, from the node tree."""
    from yaml.nodes import MappingNode, SequenceNode

    seq = parsed.root
    for part in pointer:
        child = None
        if isinstance(seq, MappingNode):
            child = next((v for k, v in seq.value if k.value == str(part)), None)
        seq = child
    if not isinstance(seq, SequenceNode) or seq.flow_style or not seq.value:
        return None
    items = seq.value
    if any(not isinstance(item, MappingNode) or item.flow_style for item in items):
        return None
    column = items[0].start_mark.column
    if any(item.start_mark.column != column for item in items):
        return None
    return [(item.start_mark.index, item.end_mark.index, column) for item in items]


def _text_spans(text: str, pointer: Sequence[Any], data: Any) -> list[tuple[int, int, int]] | None:
    """(start, end, column) of each item of the block sequence under the top-level key ``pointer``,
    found in the text's lines without building the node tree (:func:`~.parse.top_item_spans`, the
    layout ikz-isms writes); ``None`` where the layout is any other — then the node tree decides.

    The spans must number exactly the items the document holds; an item ends where the next
    one's first key begins, the last where the sequence ends. Every splice is read back and compared.
    """
    if len(pointer) != 1 or not isinstance(data, dict):
        return None
    items = data.get(str(pointer[0]))
    if not isinstance(items, list) or not items:
        return None
    spans = top_item_spans(text, str(pointer[0]))
    if spans is None or len(spans.starts) != len(items):
        return None
    bounds = [*spans.starts[1:], spans.end]
    return [(start, bound, spans.column) for start, bound in zip(spans.starts, bounds)]


def _bare_cr(text: str) -> bool:
    """Whether ``text`` breaks lines with a carriage return alone (old Mac files): YAML reads them
    as line breaks, the splices' line arithmetic does not (the whole-document edit then writes)."""
    return "\r" in text and text.count("\r") != text.count("\r\n")


def splice_items(
    text: str,
    parsed: Parsed,
    pointer: Sequence[Any],
    changes: Mapping[int, Callable[[Any], None]],
    additions: Sequence[Mapping[str, Any]] = (),
) -> str | None:
    """Edit items of the block sequence at ``pointer`` in place; ``None`` where the layout does
    not allow it (the caller then falls back to :func:`roundtrip_edit`).

    ``changes`` maps item index → a function that edits the item's round-trip mapping;
    ``additions`` are new items appended at the end of the sequence.
    """
    if _bare_cr(text):
        return None
    spans = _text_spans(text, pointer, parsed.data)
    if spans is None:
        spans = _node_spans(parsed, pointer)
    if not spans:
        return None
    pieces: list[tuple[int, int, str]] = []
    column = spans[0][2]
    for index, edit in sorted(changes.items()):
        start, end = _item_bounds(text, spans[index][0], spans[index][1], column)
        pieces.append((start, end, _edited_text(edit, text[start:end], column, parsed.path)))
    if additions:
        _, end = _item_bounds(text, spans[-1][0], spans[-1][1], column)
        if end > 0 and text[end - 1] != "\n":
            return None
        dash = " " * (column - 2) + "- "
        added = "".join(dash + _item_body(item, column) for item in additions)
        pieces.append((end, end, added))
    result = []
    position = 0
    for start, end, replacement in sorted(pieces, key=lambda p: (p[0], p[1])):
        result.append(text[position:start])
        result.append(replacement)
        position = end
    result.append(text[position:])
    return "".join(result)


def _edited_text(edit: Callable[[Any], None], head: str, column: int, path: str) -> str:
    """An item's own text (first key at ``column``, its dash left of it) with ``edit`` made."""
    snippet = _dedent(head, column)
    edited = edit.text(snippet) if isinstance(edit, ItemEdit) else None
    if edited is None:
        node = load_rt(snippet, path)
        edit(node)
        edited = dump_rt(node)
    return _indent(edited, column)


def _item_body(item: Mapping[str, Any], column: int) -> str:
    """A new item's text after its dash, its keys at ``column`` (plain as text, else by the round-trip engine)."""
    return _indent(mapping_text(item) or dump_rt(to_rt(item)), column)


def _standalone(region: str, column: int, path: str) -> Any:
    """The value of one item's region (its first key at ``column`` up to the next item's dash
    line), parsed on its own after moving it ``column`` places left; ``_UNPROVEN`` where the
    region's lines are not all such that this move cannot change what they mean.

    Every line after the first is blank or indented at least ``column`` — only below the
    item's last such line may comments stand further left —, and no moved line may start with
    what YAML reads only at column 0 (``---``, ``...``, ``%``).
    """
    if not region.endswith("\n") or region[:1] in (" ", "\t"):
        return _UNPROVEN
    lines = region[:-1].split("\n")
    moved = [lines[0]]
    left = False  # a comment further left has been seen: nothing of the item may follow
    for line in lines[1:]:
        stripped = line.lstrip(" ")
        if not stripped.strip():
            moved.append(line[column:])
        elif len(line) - len(stripped) >= column:
            if left:
                return _UNPROVEN
            moved.append(line[column:])
        elif stripped.startswith("#"):
            left = True
            moved.append(stripped)
        else:
            return _UNPROVEN
    if any(line.startswith(("---", "...", "%")) for line in moved):
        return _UNPROVEN
    standalone = "\n".join(moved) + "\n"
    # the fast road where it answers: the full road's plain values by its contract, without
    # importing PyYAML for one item
    value = fast_plain(standalone)
    if value is not None:
        return value
    try:
        parsed = parse_yaml(standalone, path)
    except InputError:
        return _UNPROVEN
    return plain(parsed.data)


_UNPROVEN = object()


def splice_proven(text: str, parsed: Parsed, pointer: Sequence[Any], changes: Mapping[int, Callable[[Any], None]],
                  additions: Sequence[Mapping[str, Any]], expected: Any) -> tuple[str, Parsed] | None:
    """(new text, its document) of a splice proven item by item, without parsing the whole new
    text; ``None`` where the proof does not hold (the caller then reads the whole text back).

    ``parsed`` must be the full parse of exactly ``text``: its :class:`ItemSpans`, from the node
    tree, say where each item of the sequence at ``pointer`` begins and where the sequence ends.
    Every item the change touches is one region: from its first key to the line of the next
    item's dash (or the sequence's end), each dash exactly ``column - 2`` spaces and ``- ``.
    Bounded so, a region means in the file what it means on its own, moved left by ``column``
    (:func:`_standalone` checks the lines that makes true), so each touched region is parsed on
    its own — old regions keep their values, new ones must have the intended ones; untouched
    items and the rest of the document are the old document's. The result's values are the
    parser's (not ``expected``'s) and must equal ``expected``; the node tree is built only when
    a later finding needs a line (:attr:`Parsed.reparse`).
    """
    if _bare_cr(text):
        return None
    data = parsed.data
    known = parsed.item_spans(str(pointer[0])) if len(pointer) == 1 and isinstance(data, dict) else None
    if not known or not isinstance(expected, dict):
        return None
    key = str(pointer[0])
    spans = known.get(key)
    old_items = data.get(key)
    new_items = expected.get(key)
    if spans is None or not isinstance(old_items, list) or not isinstance(new_items, list):
        return None
    count = len(spans.starts)
    if count != len(old_items) or len(new_items) != count + len(additions) or not count:
        return None
    if any(k != key and data.get(k, _UNPROVEN) != v for k, v in expected.items()) or set(data) != set(expected):
        return None
    column = spans.column
    dash = " " * (column - 2) + "- "
    touched = set(changes) | ({count - 1} if additions else set())
    if any(not 0 <= index < count for index in touched):
        return None
    values = list(old_items)
    pieces: list[tuple[int, int, str]] = []
    new_starts: dict[int, int] = {}  # index of an added item → offset of its first key in its piece
    for index in sorted(touched):
        start = spans.starts[index]
        if text[text.rfind("\n", 0, start) + 1:start] != dash:
            return None
        if index + 1 < count:
            following = spans.starts[index + 1]
            end = text.rfind("\n", 0, following) + 1
            if text[end:following] != dash:
                return None
        else:
            end = spans.end
        _, body_end = _item_bounds(text, start, end, column)
        head = text[start:body_end]
        gap = text[body_end:end]
        if index in changes:
            try:
                head = _edited_text(changes[index], head, column, parsed.path)
            except InputError:
                return None  # the round-trip engine cannot read the item: the whole-document way decides
        regions = [head]
        replacement = head
        if additions and index == count - 1:
            for offset, item in enumerate(additions):
                body = _item_body(item, column)
                new_starts[count + offset] = len(replacement) + len(dash)
                replacement += dash + body
                regions.append(body)
        regions[-1] += gap
        for offset, region in enumerate(regions):
            value = _standalone(region, column, parsed.path)
            if value is _UNPROVEN:
                return None
            if offset == 0:
                values[index] = value
            else:
                values.append(value)
        pieces.append((start, body_end, replacement))
    document = dict(data)
    document[key] = values
    if document != expected:
        return None
    # the new text, and where every item stands in it now
    out: list[str] = []
    position = 0
    ends: list[int] = []  # end of each piece in the old text …
    growths: list[int] = []  # … and how much longer the text has grown up to there
    growth = 0
    for start, end, replacement in pieces:
        out.append(text[position:start])
        out.append(replacement)
        growth += len(replacement) - (end - start)
        ends.append(end)
        growths.append(growth)
        position = end
    out.append(text[position:])
    new_text = "".join(out)

    def moved(index: int) -> int:
        at = bisect.bisect_right(ends, index)
        return index + (growths[at - 1] if at else 0)

    new_spans = {name: ItemSpans(tuple(moved(i) for i in other.starts), moved(other.end), other.column)
                 for name, other in known.items() if name != key}
    starts = [moved(i) for i in spans.starts]
    starts += [starts[-1] + offset for _, offset in sorted(new_starts.items())]
    new_spans[key] = ItemSpans(tuple(starts), moved(spans.end), column)
    result = Parsed(document, parsed.path, reparse=lambda: parse_yaml(new_text, parsed.path).root, spans=new_spans)
    result.sha256 = sha256_bytes(new_text.encode("utf-8"))
    return new_text, result


def reread(new_text: str, path: str, expected: Any) -> Parsed | None:
    """``new_text`` parsed, its data plain, if that is ``expected`` (plain values) — the guard of
    every splice; ``None`` otherwise."""
    try:
        parsed = parse_yaml(new_text, path)
    except InputError:
        return None
    parsed.data = plain(parsed.data)
    return parsed if parsed.data == expected else None
