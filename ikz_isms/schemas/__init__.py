"""The JSON Schemas in this folder, and validating YAML documents against them with German, line-located problems."""

from __future__ import annotations

import json
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


def schema_problems(document: Any, schema_name: str | dict[str, Any]) -> list[SchemaProblem]:
    """Every violation of the schema (a name in this folder, or a schema itself), in document
    order, with the line it starts on."""
    from jsonschema import Draft202012Validator

    from ..store import plain, pointer_line

    validator = Draft202012Validator(schema(schema_name) if isinstance(schema_name, str) else schema_name)
    problems = []
    errors = sorted(validator.iter_errors(plain(document)), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        path = list(error.absolute_path)
        pointer = "/" + "/".join(str(p) for p in path)
        problems.append(SchemaProblem(pointer, pointer_line(document, path), _german(error)))
    return problems


def load_validated(path: Path, schema_name: str, *, roundtrip: bool = True) -> Any:
    """Parse ``path`` and validate it; the first violation raises InputError with its line.

    ``roundtrip=False`` reads fast (no line numbers kept); only a file that turns out to be
    invalid is parsed a second time, round-trip, to name the line.
    """
    from ..store import plain, read_yaml

    if not roundtrip:
        from jsonschema import Draft202012Validator

        document = read_yaml(path, roundtrip=False)
        if document is not None and Draft202012Validator(schema(schema_name)).is_valid(plain(document)):
            return document
    document = read_yaml(path)
    if document is None:
        raise InputError("Datei ist leer.", path=str(path))
    raise_first(schema_problems(document, schema_name), path, hint="; ikz-isms check zeigt alle")
    return document


def raise_first(problems: list[SchemaProblem], path: Path | str, *, hint: str = "") -> None:
    """Raise the first problem as a located InputError that counts the others; nothing when there are none."""
    if problems:
        first = problems[0]
        more = f" (und {len(problems) - 1} weitere{hint})" if len(problems) > 1 else ""
        raise InputError(first.message + more, path=str(path), location=first.location)
