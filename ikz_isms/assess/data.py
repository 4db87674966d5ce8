"""Reading a county's YAML files: parse round-trip, validate against the JSON Schemas, locate problems."""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation: JSON pointer, 1-based line (if known) and a German message."""

    pointer: str
    line: int | None
    message: str

    @property
    def location(self) -> str:
        return f"Zeile {self.line} ({self.pointer})" if self.line else self.pointer


@lru_cache(maxsize=None)
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``ikz_isms/schemas/<name>.schema.json``."""
    from importlib.resources import files

    return json.loads(files("ikz_isms").joinpath("schemas", f"{name}.schema.json").read_text("utf-8"))


_DATE_LINE = re.compile(r"^[^#]*?:\s*['\"]?(\d{4}-\d{1,2}-\d{1,2})['\"]?\s*(#.*)?$")


def read_county_yaml(path: Path, *, roundtrip: bool = True) -> Any:
    """Parse (round-trip keeps lines and comments; safe is faster); impossible dates raise with their line."""
    from ..store import read_bytes, parse_yaml

    raw = read_bytes(path)
    try:
        return parse_yaml(raw, path=str(path), roundtrip=roundtrip)
    except ValueError as exc:
        # ruamel's timestamp constructor raises a bare ValueError on impossible dates
        text = raw.decode("utf-8-sig", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = _DATE_LINE.match(line)
            if match and parse_date(match.group(1)) is None:
                raise InputError(
                    f"ungültiges Datum '{match.group(1)}' (erwartet JJJJ-MM-TT).",
                    path=str(path),
                    location=f"Zeile {number}",
                ) from None
        raise InputError(f"ungültiger Wert: {exc}", path=str(path)) from None


def parse_date(value: Any) -> _dt.date | None:
    """A date from YAML (already a date, or an ISO string); ``None`` if it is no valid date."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def plain(node: Any) -> Any:
    """Round-trip YAML nodes to plain JSON-like Python (dates become ISO strings)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, (_dt.date, _dt.datetime)):
        return node.isoformat()[:10]
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)


def _german(error: Any) -> str:
    """A German message for a jsonschema error."""
    kind = error.validator
    value = error.instance
    if kind == "required":
        missing = [name for name in error.validator_value if name not in (value or {})]
        return f"Pflichtfeld '{missing[0] if missing else '?'}' fehlt."
    if kind == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return f"unbekanntes Feld '{extra[0] if extra else '?'}'."
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"Wert '{value}' nicht erlaubt (erlaubt: {allowed})."
    if kind == "type":
        expected = error.validator_value
        names = {"string": "Text", "integer": "ganze Zahl", "array": "Liste", "object": "Abschnitt",
                 "null": "leer", "number": "Zahl", "boolean": "ja/nein"}
        if isinstance(expected, list):
            wanted = " oder ".join(names.get(e, e) for e in expected)
        else:
            wanted = names.get(expected, expected)
        return f"falscher Typ: erwartet {wanted}."
    if kind == "pattern":
        return f"Wert '{value}' hat nicht die erwartete Form."
    if kind == "minLength":
        return "darf nicht leer sein."
    if kind == "minimum":
        return f"Wert {value} ist zu klein (mindestens {error.validator_value})."
    if kind == "uniqueItems":
        return "Liste enthält doppelte Einträge."
    return f"ungültig ({error.message})."


def schema_problems(document: Any, schema_name: str) -> list[SchemaProblem]:
    """Every violation of the schema, in document order, with the line it starts on."""
    from jsonschema import Draft202012Validator

    from ..store import yaml_line

    validator = Draft202012Validator(schema(schema_name))
    problems = []
    errors = sorted(validator.iter_errors(plain(document)), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        path = list(error.absolute_path)
        node, key = document, None
        for part in path:
            try:
                child = node[part]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(child, (dict, list)) and hasattr(child, "lc"):
                node, key = child, None
            else:
                key = part
                break
        pointer = "/" + "/".join(str(p) for p in path)
        problems.append(SchemaProblem(pointer, yaml_line(node, key), _german(error)))
    return problems


def load_validated(path: Path, schema_name: str, *, roundtrip: bool = True) -> Any:
    """Parse ``path`` and validate it; the first violation raises InputError with its line.

    ``roundtrip=False`` reads fast (no line numbers kept); only a file that turns out to be
    invalid is parsed a second time, round-trip, to name the line.
    """
    if not roundtrip:
        from jsonschema import Draft202012Validator

        document = read_county_yaml(path, roundtrip=False)
        if document is not None and Draft202012Validator(schema(schema_name)).is_valid(plain(document)):
            return document
    document = read_county_yaml(path)
    if document is None:
        raise InputError("Datei ist leer.", path=str(path))
    problems = schema_problems(document, schema_name)
    if problems:
        first = problems[0]
        more = f" (und {len(problems) - 1} weitere; ikz-isms check zeigt alle)" if len(problems) > 1 else ""
        raise InputError(first.message + more, path=str(path), location=first.location)
    return document
