"""The store: the only part of ikz-isms that opens workspace files.

* :mod:`.layout` — every path of the workspace layout;
* :mod:`.fs` — bytes in and out: limits, atomic replace, locks, appends, German OS errors;
* :mod:`.parse` — YAML (libyaml) and JSON (orjson) with limits and located German errors;
* :mod:`.schema` — JSON Schema validation with German messages;
* :mod:`.documents` — :class:`Store`: the one road read → validate → cached, and the one
  read-modify-write;
* :mod:`.edit` — changes that keep comments and touch only what changed;
* :mod:`.county` — a county's files as one unit: journal and write-ahead transactions.

The names below are imported from their modules on first use, so ``import ikz_isms.store``
costs nothing at start-up.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .documents import KINDS, Kind, Store
    from .fs import atomic_write, locked, read_bytes, sha256_bytes, sha256_file
    from .layout import CountyLayout, WorkspaceLayout
    from .parse import Parsed, decode_text, parse_date, parse_json, parse_yaml, parser_message, plain

_WHERE = {
    "KINDS": "documents", "Kind": "documents", "Store": "documents",
    "atomic_write": "fs", "locked": "fs", "read_bytes": "fs", "sha256_bytes": "fs", "sha256_file": "fs",
    "CountyLayout": "layout", "WorkspaceLayout": "layout",
    "Parsed": "parse", "parse_date": "parse", "parse_json": "parse", "parse_yaml": "parse",
    "parser_message": "parse", "plain": "parse", "decode_text": "parse",
}

__all__ = [
    "KINDS", "CountyLayout", "Kind", "Parsed", "Store", "WorkspaceLayout", "atomic_write", "decode_text", "locked",
    "parse_date",
    "parse_json", "parse_yaml", "parser_message", "plain", "read_bytes", "read_json", "sha256_bytes", "sha256_file",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(name)


def read_json(path: str | os.PathLike[str], *, kind: str = "json") -> Any:
    """Parse a JSON file with the size limit of its kind; a syntax error names line and column."""
    from .documents import KINDS
    from .fs import read_bytes
    from .parse import parse_json

    raw = read_bytes(path, limit=KINDS[kind].max_bytes)
    return parse_json(raw, str(Path(path)))
