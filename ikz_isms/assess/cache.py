"""Derived cache of each county's Verbund figures under ``<workspace>/.ikz-cache/``; the YAML stays the truth.

One JSON file per county (``.ikz-cache/verbund/<key>.json``) holds the figures of
:func:`ikz_isms.assess.verbund.county_figures` and the fingerprint of everything they were
computed from: size, modification time (ns) and inode of ``zielobjekte.yaml``,
``pruefungen.yaml`` and ``journal.jsonl``; the catalog pin's content hash, and size and
modification time of the catalog file; the current quarter (the trend ends there); the
package version and the figures format. Any difference recomputes the county; the cache
is never written back into the YAML. A save through ``assess set`` replaces the file
atomically (new inode), so even a same-size change within one clock tick is seen.

Cold reads use libyaml (PyYAML's ``CSafeLoader``) when it is installed, about ten times
faster than pure-Python ruamel.yaml; the document is then checked against the same JSON
Schema (by :func:`quick_valid`, which knows the few keywords our schemas use and hands
anything else to jsonschema). Anything the fast path does not accept is read again the
canonical way, which raises the located ``InputError``.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any

CACHE_DIR = ".ikz-cache"


def cache_path(workspace: Any, county: Any) -> Path:
    return Path(workspace.root) / CACHE_DIR / "verbund" / f"{county.key}.json"


def _stat(path: Path) -> list[int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def fingerprint(workspace: Any, county: Any, today: _dt.date) -> dict[str, Any]:
    from .. import __version__
    from .verbund import FIGURES_FORMAT, quarter_label

    pin = workspace.pin(county.profile.catalog)
    catalog = _stat(workspace.catalog_path(pin))
    return {
        "format": FIGURES_FORMAT,
        "version": __version__,
        "quarter": quarter_label(today),
        "catalog": [pin.name, pin.sha256, *(catalog[:2] if catalog else [])],
        "files": {
            path.name: _stat(path) for path in (county.targets_path, county.records_path, county.journal_path)
        },
    }


class _Unsupported(Exception):
    """The schema uses a keyword the quick validator does not know; jsonschema decides."""


_TYPES = {
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}
_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description"}


def quick_valid(value: Any, node: dict[str, Any], root: dict[str, Any]) -> bool:
    """JSON Schema validity for the keywords our county schemas use, without jsonschema's overhead.

    Dates count as strings (as :func:`ikz_isms.store.plain` makes them). Any other
    keyword raises ``_Unsupported`` so a schema that grows stays exact.
    """
    import re

    if isinstance(value, (_dt.date, _dt.datetime)):
        value = value.isoformat()
    for keyword, expected in node.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "$ref":
            if not expected.startswith("#/$defs/"):
                raise _Unsupported(expected)
            if not quick_valid(value, root["$defs"][expected[len("#/$defs/"):]], root):
                return False
        elif keyword == "type":
            if not any(_TYPES[t](value) for t in ([expected] if isinstance(expected, str) else expected)):
                return False
        elif keyword == "enum":
            if value not in expected:
                return False
        elif keyword == "required":
            if isinstance(value, dict) and any(name not in value for name in expected):
                return False
        elif keyword == "properties":
            if isinstance(value, dict) and any(
                key in expected and not quick_valid(item, expected[key], root) for key, item in value.items()
            ):
                return False
        elif keyword == "additionalProperties":
            if expected is not False:
                raise _Unsupported(keyword)
            if isinstance(value, dict) and any(key not in node.get("properties", {}) for key in value):
                return False
        elif keyword == "items":
            if isinstance(value, list) and not all(quick_valid(item, expected, root) for item in value):
                return False
        elif keyword == "uniqueItems":
            if expected and isinstance(value, list) and len({repr(v) for v in value}) != len(value):
                return False
        elif keyword == "minLength":
            if isinstance(value, str) and len(value) < expected:
                return False
        elif keyword == "minimum":
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < expected:
                return False
        elif keyword == "pattern":
            if isinstance(value, str) and not re.search(expected, value):
                return False
        else:
            raise _Unsupported(keyword)
    return True


def _schema_valid(document: Any, schema_name: str) -> bool:
    from ..schemas import schema
    from ..store import plain

    definition = schema(schema_name)
    try:
        return quick_valid(document, definition, definition)
    except _Unsupported:
        from jsonschema import Draft202012Validator

        return Draft202012Validator(definition).is_valid(plain(document))


def _fast_document(path: Path, schema_name: str) -> Any:
    """The parsed document if libyaml reads it and it is schema-valid; else ``None``."""
    try:
        import yaml
        from yaml import CSafeLoader
    except ImportError:
        return None
    try:
        document = yaml.load(path.read_bytes(), Loader=CSafeLoader)
    except (yaml.YAMLError, ValueError, OSError, UnicodeDecodeError):
        return None
    if document is None or not _schema_valid(document, schema_name):
        return None
    return document


def load_county_data_fast(county: Any) -> Any:
    """Like :func:`ikz_isms.assess.load_county_data`, with libyaml for the big files when possible."""
    from ..errors import InputError
    from . import CountyData, load_county_data
    from .records import RecordSet, parse_records
    from .targets import parse_targets, resolve_needs

    targets_doc = _fast_document(county.targets_path, "zielobjekte")
    if targets_doc is None:
        return load_county_data(county)
    if county.records_path.exists():
        records_doc = _fast_document(county.records_path, "pruefungen")
        if records_doc is None:
            return load_county_data(county)
        records = parse_records(records_doc)
    else:
        records = RecordSet()
    targets = parse_targets(targets_doc)
    try:
        needs = resolve_needs(targets, path=str(county.targets_path))
    except InputError:
        return load_county_data(county)
    return CountyData(county, targets, needs, records)


def _read(path: Path) -> Any:
    import orjson

    try:
        return orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None


def county_figures(workspace: Any, pm: Any, county: Any, catalogs: dict[str, Any], today: _dt.date) -> dict[str, Any]:
    """The county's Verbund figures, from the cache when its fingerprint still matches."""
    from .. import journal
    from ..store import atomic_write
    from . import assess_county, county_catalog
    from .verbund import county_figures as compute

    target = cache_path(workspace, county)
    stamp = fingerprint(workspace, county, today)
    cached = _read(target)
    if isinstance(cached, dict) and cached.get("fingerprint") == stamp:
        return cached["figures"]
    data = load_county_data_fast(county)
    pin, catalog = county_catalog(workspace, pm, county, catalogs)
    assessment = assess_county(data, catalog, pin)
    entries = journal.read(county.journal_path)
    intact = not journal.verify(county.journal_path)
    figures = compute(assessment, entries, journal_intact=intact, today=today)
    import orjson

    try:
        atomic_write(target, orjson.dumps({"fingerprint": stamp, "figures": figures}))
    except OSError:
        # a read-only checkout still gets its figures, only without the cache
        pass
    return figures
