"""JSON Schema validation (jsonschema) with German, located messages.

Every data file kind has a schema in ``ikz_isms/schemas/``; a problem names the JSON
pointer and, where the document was parsed from YAML, the line. Messages are German for
every validator keyword our schemas use, and for any other keyword a German generic
text (never the library's English).

Schemas are draft 2020-12, except where a document kind is read in bulk (the Verbund's
disclosure packages: 294 files of half a megabyte): those declare draft-07 and are first
checked by a validator that ``fastjsonschema`` compiles to Python code (about 20 times
faster than jsonschema); only a document that fails is validated again by jsonschema, for
the German messages. Both libraries implement draft-07 completely, so they agree on what
is valid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import InputError

#: the pattern a schema gives free text that must say something ("   " is no reason, no name)
NOT_BLANK = "\\S"

_TYPE_NAMES = {
    "string": "Text", "integer": "ganze Zahl", "array": "Liste", "object": "Abschnitt",
    "null": "leer", "number": "Zahl", "boolean": "ja/nein (true/false)",
}


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation: JSON pointer, 1-based line (if known) and a German message."""

    pointer: str
    line: int | None
    message: str

    @property
    def location(self) -> str:
        return f"Zeile {self.line} ({self.pointer})" if self.line else self.pointer


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``ikz_isms/schemas/<name>.schema.json`` (read once per run)."""
    import json
    from importlib.resources import files

    text = files("ikz_isms").joinpath("schemas", f"{name}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


DRAFT_07 = "http://json-schema.org/draft-07/schema#"


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft7Validator, Draft202012Validator

    document = schema(name)
    kind = Draft7Validator if document.get("$schema") == DRAFT_07 else Draft202012Validator
    return kind(document, format_checker=kind.FORMAT_CHECKER)


@cache
def _compiled(name: str) -> Any:
    """The code-generated validator of a draft-07 schema (``None`` for the others)."""
    document = schema(name)
    if document.get("$schema") != DRAFT_07:
        return None
    import fastjsonschema

    return fastjsonschema.compile(document)


def _fast_valid(data: Any, name: str) -> bool:
    compiled = _compiled(name)
    if compiled is None:
        return False
    import fastjsonschema

    try:
        compiled(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _wanted(expected: Any) -> str:
    if isinstance(expected, list):
        return " oder ".join(_TYPE_NAMES.get(e, str(e)) for e in expected)
    return _TYPE_NAMES.get(expected, str(expected))


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def german(error: Any) -> str:
    """A German message for one jsonschema ``ValidationError``."""
    kind = error.validator
    value = error.instance
    expected = error.validator_value
    if kind == "required":
        missing = [name for name in expected if not isinstance(value, dict) or name not in value]
        return f"Pflichtfeld '{missing[0] if missing else '?'}' fehlt."
    if kind == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {}))) if isinstance(value, dict) else []
        return f"unbekanntes Feld '{extra[0] if extra else '?'}'."
    if kind == "enum":
        return f"Wert '{_show(value)}' nicht erlaubt (erlaubt: {', '.join(str(v) for v in expected)})."
    if kind == "const":
        return f"Wert '{_show(value)}' nicht erlaubt (erwartet: {expected})."
    if kind == "type":
        return f"falscher Typ: erwartet {_wanted(expected)}."
    if kind == "pattern":
        if expected == NOT_BLANK:
            return "darf nicht leer sein oder nur aus Leerzeichen bestehen."
        return f"Wert '{_show(value)}' hat nicht die erwartete Form."
    if kind == "format":
        names = {"date": "Datum JJJJ-MM-TT", "date-time": "Zeitpunkt (ISO 8601)", "email": "E-Mail-Adresse", "uri": "Adresse (URI)"}
        return f"Wert '{_show(value)}' ist kein gültiges {names.get(expected, expected)}."
    if kind == "minLength":
        return "darf nicht leer sein." if expected == 1 else f"zu kurz (mindestens {expected} Zeichen)."
    if kind == "maxLength":
        return f"zu lang (höchstens {expected} Zeichen)."
    if kind == "minimum":
        return f"Wert {value} ist zu klein (mindestens {expected})."
    if kind == "maximum":
        return f"Wert {value} ist zu groß (höchstens {expected})."
    if kind == "exclusiveMinimum":
        return f"Wert {value} ist zu klein (muss größer als {expected} sein)."
    if kind == "exclusiveMaximum":
        return f"Wert {value} ist zu groß (muss kleiner als {expected} sein)."
    if kind == "multipleOf":
        return f"Wert {value} hat zu viele Nachkommastellen (Schrittweite {expected})."
    if kind == "minItems":
        return "Liste darf nicht leer sein." if expected == 1 else f"Liste braucht mindestens {expected} Einträge."
    if kind == "maxItems":
        return f"Liste hat zu viele Einträge (höchstens {expected})."
    if kind == "uniqueItems":
        return "Liste enthält doppelte Einträge."
    if kind in ("minProperties", "maxProperties"):
        return "Abschnitt hat zu wenige Einträge." if kind == "minProperties" else "Abschnitt hat zu viele Einträge."
    if kind in ("oneOf", "anyOf"):
        return _alternatives(error)
    if kind == "not":
        return f"Wert '{_show(value)}' ist hier nicht erlaubt."
    if kind in ("if", "then", "else", "dependentRequired", "dependentSchemas"):
        return "Angaben passen nicht zusammen (abhängiges Pflichtfeld fehlt oder ist falsch)."
    return f"Wert '{_show(value)}' ist hier nicht zulässig."


def _alternatives(error: Any) -> str:
    """oneOf/anyOf: the message of the alternative that came closest, else the allowed types."""
    context = list(error.context or ())
    types: list[Any] = [sub.get("type") for sub in error.validator_value if isinstance(sub, dict) and "type" in sub]
    matching = [e for e in context if e.validator != "type"]
    if matching:
        best = min(matching, key=lambda e: len(list(e.relative_path)))
        return german(best)
    if types:
        flat: list[str] = []
        for item in types:
            flat.extend(str(x) for x in (item if isinstance(item, list) else [item]))
        return f"falscher Typ: erwartet {_wanted(flat)}."
    return f"Wert '{_show(error.instance)}' passt zu keiner erlaubten Form."


def problems(data: Any, schema_name: str, lines: Any = None) -> list[SchemaProblem]:
    """Every violation of the named schema in document order; ``lines`` (a
    :class:`~ikz_isms.store.parse.Parsed` or anything with ``line(*pointer)``) adds line numbers."""
    if _fast_valid(data, schema_name):
        return []
    validator = _validator(schema_name)
    found = []
    errors: Iterable[Any] = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        path = list(error.absolute_path)
        pointer = "/" + "/".join(str(p) for p in path)
        line = lines.line(*path) if lines is not None else None
        found.append(SchemaProblem(pointer, line, german(error)))
    return found


def is_valid(data: Any, schema_name: str) -> bool:
    return _fast_valid(data, schema_name) or bool(_validator(schema_name).is_valid(data))


def raise_first(found: list[SchemaProblem], path: str, *, hint: str = "; ikz-isms check zeigt alle") -> None:
    """Raise the first problem as a located InputError that counts the others; nothing when there are none."""
    if found:
        first = found[0]
        more = f" (und {len(found) - 1} weitere{hint})" if len(found) > 1 else ""
        raise InputError(first.message + more, path=path, location=first.location)
