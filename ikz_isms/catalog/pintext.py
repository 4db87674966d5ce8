"""A catalog's pin written into ``ikz-isms.yaml`` as text, byte for byte as the round trip writes it.

Pinning a catalog sets ``catalogs.<name>`` in the workspace config. The general way is the
whole-document round trip of :func:`ikz_isms.store.edit.roundtrip_edit` (ruamel.yaml), which
costs an import and a parse of its own. For a config in the plain layout that ``ikz-isms init``
and that round trip write, :func:`pinned_text` computes the same new text directly:

* every line is a ``key: value`` or ``key:`` line of a block mapping, or a ``- value`` line of
  a block sequence, indented as the round trip indents (mappings by 2, a sequence's dash 2
  right of its key); values are plain texts, whole numbers, ``true``/``false``, quoted
  texts without escapes, ``[]`` or ``{}``; comments stand at column 0 and, like blank lines,
  only before a top-level key — a layout the round trip reads and writes unchanged;
* the entry is written as the round trip writes it: block style, the keys in order, a value
  plain where that reads back as the same text, else in single quotes;
* ``catalogs: {}`` becomes a block mapping holding the entry; in a block mapping the entry is
  appended at its end or, for a name already pinned, takes the old entry's place.

Anything else — a comment or blank line in or right after the ``catalogs`` block, a value that
would need the round trip's judgement (``"Katalog: Teil 1"``), flow collections with content,
escapes, tabs — gives ``None`` and the caller takes the round trip. The caller still reads the
new text back and compares it with the intended document (:func:`ikz_isms.catalog.pinning.pin_catalog`);
``tests/test_import_speed_paths.py`` holds the text to the round trip's on a generated corpus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: longest value (and key) handled here: far from the round trip's line width (4096) and its
#: limit for simple keys (128)
_MAX_VALUE = 1000
_MAX_KEY = 100
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÄÖÜäöüß")
_DIGITS = frozenset("0123456789")
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
#: a text the round trip writes plain and every YAML reader reads back as that text: a letter
#: first, then letters, digits, spaces and ``.,_+/()-``, no space at the end (see :func:`_plain`);
#: a comma is plain text in a block (the only context written here)
_PLAIN_CHARS = _LETTERS | _DIGITS | frozenset(" .,_+/()-")
_HEX_CHARS = frozenset("0123456789abcdef")
#: what YAML reads as a number, date or time stamp when written plain: the round trip quotes it
_NOT_TEXT = re.compile(
    r"[0-9]+(?:\.[0-9]*)?"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
#: words some YAML version reads as a truth value or null
_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n"})


def _plain(value: str) -> bool:
    """Whether the round trip writes ``value`` plain, and every YAML reader reads it back as this text."""
    return (bool(value) and value[0] in _LETTERS and value[-1] != " " and _PLAIN_CHARS.issuperset(value)
            and value.lower() not in _WORDS)


def _hex(value: str) -> bool:
    """Hexadecimal text with a letter no number has (a SHA-256): plain as well."""
    return _HEX_CHARS.issuperset(value) and not _DIGITS.union("e").issuperset(value)


def _int(value: str) -> bool:
    return 0 < len(value) <= 15 and _DIGITS.issuperset(value) and (value == "0" or value[0] != "0")


def _quoted(value: str, quote: str, banned: str) -> bool:
    """A quoted text without escapes: ``'…'`` or ``"…"``, printable, no outer spaces inside."""
    if len(value) < 2 or value[0] != quote or value[-1] != quote:
        return False
    inner = value[1:-1]
    return not any(char in inner for char in banned) and inner.isprintable() and inner == inner.strip()


def scalar(value: str) -> str | None:
    """A new text value as the round trip writes it, or ``None`` where this module does not decide."""
    if len(value) > _MAX_VALUE:
        return None
    if _plain(value) or (value and _hex(value)):
        return value
    if _NOT_TEXT.fullmatch(value):
        return f"'{value}'"
    return None


def _key(name: str) -> bool:
    return (0 < len(name) <= _MAX_KEY and (name[0] == "_" or name[0] in _LETTERS) and name[0] not in "ÄÖÜäöüß"
            and _KEY_CHARS.issuperset(name) and name.lower() not in _WORDS)


def _kept(value: str) -> bool:
    """Whether an existing value is one the round trip writes back unchanged."""
    if len(value) > _MAX_VALUE + 2:
        return False
    if value in ("[]", "{}", "true", "false") or _int(value) or _plain(value) or _hex(value):
        return True
    return _quoted(value, "'", "'\n") or _quoted(value, '"', '"\\\n')


def _split_line(line: str) -> tuple[int, str | None, str | None, str | None] | None:
    """(indent, item, key, value) of a ``- item``, ``key: value`` or ``key:`` line; ``None`` for any other."""
    rest = line.lstrip(" ")
    indent = len(line) - len(rest)
    if rest.startswith("- "):
        item = rest[2:]
        return (indent, item, None, None) if item else None
    colon = rest.find(":")
    if colon <= 0 or not _key(rest[:colon]):
        return None
    after = rest[colon + 1:]
    if not after:
        return indent, None, rest[:colon], None
    if after[0] != " " or len(after) < 2:
        return None
    return indent, None, rest[:colon], after[1:]


def _house_layout(lines: list[str]) -> list[tuple[int, int]] | None:
    """(line index, indent) of every top-level key line, if the whole text is in the plain layout
    (see the module's description); ``None`` otherwise."""
    tops: list[tuple[int, int]] = []
    # open containers: (indent, is a sequence); the document is a mapping at column 0
    stack: list[tuple[int, bool]] = [(0, False)]
    opener: int | None = None  # indent of a "key:" line whose block follows
    gap = False  # blank or comment lines since the last content line
    seen_content = False
    for index, line in enumerate(lines):
        if not line or line.startswith("#"):
            if not line and not seen_content:
                return None  # blank lines before the first key
            if line != line.rstrip() or "\t" in line:
                return None
            if opener is not None:
                return None
            gap = True
            continue
        split = _split_line(line) if "\t" not in line else None
        if split is None:
            return None
        indent, item, key, value = split
        if gap and (indent != 0 or item is not None):
            return None  # a comment or blank line inside a block
        gap = False
        if opener is not None:
            if indent != opener + 2:
                return None
            stack.append((indent, item is not None))
            opener = None
        else:
            while stack and stack[-1][0] > indent:
                stack.pop()
            if not stack or stack[-1] != (indent, item is not None):
                return None
        if item is not None:
            if not _kept(item):
                return None
        else:
            if value is None:
                opener = indent
            elif not _kept(value):
                return None
            if indent == 0:
                tops.append((index, indent))
        seen_content = True
    if opener is not None or gap or not seen_content:
        return None
    return tops


def entry_lines(name: str, entry: Mapping[str, str]) -> list[str] | None:
    """``catalogs.<name>``'s lines (the name at column 2), or ``None`` where a value is not decided here."""
    if not _key(name):
        return None
    lines = [f"  {name}:"]
    for key, value in entry.items():
        text = scalar(value) if isinstance(value, str) else None
        if text is None or not _key(key):
            return None
        lines.append(f"    {key}: {text}")
    return lines


def pinned_text(text: str, name: str, entry: Mapping[str, str]) -> str | None:
    """``text`` with ``catalogs.<name>`` set to ``entry``, as the round trip would write it; ``None``
    where the layout or a value is beyond this module (the caller then takes the round trip)."""
    if not text.endswith("\n") or "\r" in text:
        return None
    lines = text[:-1].split("\n")
    tops = _house_layout(lines)
    new = entry_lines(name, entry)
    if tops is None or new is None:
        return None
    starts = [index for index, _ in tops]
    found = [index for index in starts if lines[index] in ("catalogs:", "catalogs: {}")]
    if len(found) != 1:
        return None
    start = found[0]
    following = [index for index in starts if index > start]
    end = following[0] if following else len(lines)
    # the block's own lines: nothing but content up to the next top-level key (or the end)
    if any(not line or line.startswith("#") for line in lines[start + 1:end]):
        return None
    if lines[start] == "catalogs: {}":
        if end != start + 1:
            return None
        block = ["catalogs:", *new]
    else:
        block = lines[start:end]
        heads = [i for i, line in enumerate(block) if line.startswith("  ") and not line.startswith("   ")]
        if not heads or heads[0] != 1 or any(not block[i].endswith(":") for i in heads):
            return None
        here = [i for i in heads if block[i] == f"  {name}:"]
        if here:
            first = here[0]
            after = [i for i in heads if i > first]
            last = after[0] if after else len(block)
            block = block[:first] + new + block[last:]
        else:
            block = block + new
    return "\n".join(lines[:start] + block + lines[end:]) + "\n"
