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

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import InputError
from .parse import Parsed, parse_yaml, plain


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
        raise InputError(f"ungültiges YAML ({type(exc).__name__}).", path=path) from None


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
    pieces: list[tuple[int, int, str]] = []
    column = items[0].start_mark.column
    if any(item.start_mark.column != column for item in items):
        return None
    for index, edit in sorted(changes.items()):
        item = items[index]
        start, end = _item_bounds(text, item.start_mark.index, item.end_mark.index, column)
        snippet = _dedent(text[start:end], column)
        node = load_rt(snippet, parsed.path)
        edit(node)
        pieces.append((start, end, _indent(dump_rt(node), column)))
    if additions:
        last = items[-1]
        _, end = _item_bounds(text, last.start_mark.index, last.end_mark.index, column)
        if end > 0 and text[end - 1] != "\n":
            return None
        dash = " " * (column - 2) + "- "
        added = "".join(dash + _indent(dump_rt(to_rt(item)), column) for item in additions)
        pieces.append((end, end, added))
    result = []
    position = 0
    for start, end, replacement in sorted(pieces, key=lambda p: (p[0], p[1])):
        result.append(text[position:start])
        result.append(replacement)
        position = end
    result.append(text[position:])
    return "".join(result)


def verified(new_text: str, path: str, expected: Any) -> bool:
    """Whether ``new_text`` parses to ``expected`` (plain values) — the guard of every splice."""
    try:
        return bool(plain(parse_yaml(new_text, path).data) == expected)
    except InputError:
        return False
