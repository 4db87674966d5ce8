"""The store: the only part of ikz-isms that opens workspace files.

* :mod:`.layout` — every path of the workspace layout;
* :mod:`.fs` — bytes in and out: limits, atomic replace, locks, appends, German OS errors;
* :mod:`.parse` — YAML (libyaml) and JSON (orjson) with limits and located German errors;
* :mod:`.schema` — JSON Schema validation with German messages;
* :mod:`.documents` — :class:`Store`: the one road read → validate → cached, and the one
  read-modify-write;
* :mod:`.edit` — changes that keep comments and touch only what changed;
* :mod:`.county` — a county's files as one unit: journal and write-ahead transactions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .documents import KINDS, Kind, Store
from .fs import atomic_write, locked, read_bytes, sha256_bytes, sha256_file
from .layout import CountyLayout, WorkspaceLayout
from .parse import Parsed, parse_date, parse_json, parse_yaml, parser_message, plain

__all__ = [
    "KINDS", "CountyLayout", "Kind", "Parsed", "Store", "WorkspaceLayout", "atomic_write", "locked", "parse_date",
    "parse_json", "parse_yaml", "parser_message", "plain", "read_bytes", "read_json", "sha256_bytes", "sha256_file",
]


def read_json(path: str | os.PathLike[str], *, kind: str = "json") -> Any:
    """Parse a JSON file with the size limit of its kind; a syntax error names line and column."""
    raw = read_bytes(path, limit=KINDS[kind].max_bytes)
    return parse_json(raw, str(Path(path)))
