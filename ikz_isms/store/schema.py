"""JSON Schema validation (jsonschema) with German, located messages.

Every data file kind has a schema in ``ikz_isms/schemas/``; a problem names the JSON
pointer and, where the document was parsed from YAML, the line. Messages are German for
every validator keyword our schemas use, and for any other keyword a German generic
text (never the library's English).

Schemas are draft-07. Every document is first checked by a validator that ``fastjsonschema``
compiles to Python code (about 20 times faster than jsonschema, and jsonschema is not even
imported for a valid document); only a document that fails is validated again by jsonschema,
for the German messages. Both libraries implement draft-07 completely; the one format our
schemas use (``date``) is given to the fast validator as jsonschema checks it, so a document
the fast validator accepts is one jsonschema accepts. The generated code of each schema is
kept, compiled, beside the schemas (``schemas/__pycache__``, as Python keeps bytecode) or, where
the package may not be written, in the user's cache folder (never in a workspace);
keyed by the schema's bytes and the library and Python versions, so a run does not generate it again.

A run that checks many documents (from its :data:`NATIVE_FROM`-th, or after :func:`expect_many`:
the Verbund's workers) checks the rest with jsonschema-rs, a validator in Rust, with the same
rule: what it accepts is valid, what it refuses goes to jsonschema. Its regular expressions are
Rust's, so each pattern is handed over only where it means what Python's ``re`` makes of it
(:func:`native_pattern`); ``tests/test_schema_native.py`` holds that to every pattern and to the
example's documents damaged field by field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError
from . import fs

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


DRAFT_07 = "http://json-schema.org/draft-07/schema#"
#: bump when the way validators are generated changes (part of the code cache's key)
CODE_FORMAT = 2
_CODE_CACHE: list[Path] = []


def cache_code_in(folder: Path | None) -> None:
    """Keep compiled validators in ``folder`` instead of the user's cache (tests); ``None``: the default."""
    _CODE_CACHE[:] = [] if folder is None else [Path(folder)]


def _package_folder() -> Path:
    """Beside the schemas, as Python keeps the bytecode of the package's modules."""
    return Path(__file__).resolve().parent.parent / "schemas" / "__pycache__"


def _code_folders() -> list[tuple[Path, bool]]:
    """(folder, may be written) where compiled validators are looked for, in order: beside the
    schemas, then the user's own cache folder (:func:`~ikz_isms.userdirs.code_folders`; in tests
    the folder :func:`cache_code_in` names instead). Never a workspace's folder."""
    import sys

    from ..userdirs import code_folders

    if _CODE_CACHE:
        return [(_package_folder(), not sys.dont_write_bytecode), (_CODE_CACHE[0], True)]
    return [(Path(folder), writable) for folder, writable in code_folders(str(_package_folder()), "validators")]


@cache
def _schema_text(name: str) -> bytes:
    # the package's own data files, beside this module (importlib.resources would cost an import per run)
    return (Path(__file__).resolve().parent.parent / "schemas" / f"{name}.schema.json").read_bytes()


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``ikz_isms/schemas/<name>.schema.json`` (read once per run)."""
    import orjson

    loaded: dict[str, Any] = orjson.loads(_schema_text(name))
    return loaded


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft7Validator, Draft202012Validator

    document = schema(name)
    kind = Draft7Validator if document.get("$schema") == DRAFT_07 else Draft202012Validator
    return kind(document, format_checker=kind.FORMAT_CHECKER)


def _is_date(value: str) -> bool:
    """The ``date`` format exactly as jsonschema checks it (ASCII digits, a real calendar day)."""
    import datetime as _dt
    import re

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_FORMATS = {"date": _is_date}


@cache
def _generator_version() -> bytes:
    """What identifies the installed fastjsonschema: its ``version.py``, read without importing
    the package (its import — generator, drafts, reference resolver, ``json`` — costs more than
    running a kept validator); its ``VERSION`` where the file cannot be found."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("fastjsonschema")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or ()) if spec is not None else ():
        try:
            return (Path(location) / "version.py").read_bytes()
        except OSError:
            continue
    import fastjsonschema

    return str(fastjsonschema.VERSION).encode()


def code_file_name(name: str) -> str:
    """The file a schema's compiled validator is kept in: keyed by the schema's bytes, the
    generator's and Python's versions."""
    import sys

    key = fs.sha256_bytes(b"\0".join((
        _schema_text(name), _generator_version(), sys.version.encode(), str(CODE_FORMAT).encode())))
    return f"{name}-{key[:32]}.marshal"


class _Invalid(ValueError):
    """What a kept validator raises for an invalid document, in place of fastjsonschema's exceptions
    (the caller only asks whether it raised: jsonschema then finds the problems)."""

    def __init__(self, message: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(message)


#: the line with which generated code imports the generator's exceptions; kept code has it
#: removed and finds :class:`_Invalid` under both names instead
_GENERATED_IMPORT = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException\n"


@cache
def _compiled(name: str) -> Any:
    """The code-generated validator of a draft-07 schema (``None`` for the others)."""
    document = schema(name)
    if document.get("$schema") != DRAFT_07:
        return None
    import marshal
    import types

    file_name = code_file_name(name)
    folders = _code_folders()
    entry: Any = None
    for folder, _writable in folders:
        try:
            entry = marshal.loads(fs.read_bytes(folder / file_name))
        except (InputError, ValueError, EOFError, TypeError):
            continue
        if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str) \
                and isinstance(entry[1], types.CodeType):
            break
        entry = None
    if entry is None:
        import re

        import fastjsonschema

        # defaults are never filled in: the check must not change the document
        source = fastjsonschema.compile_to_code(document, formats=_FORMATS, use_default=False)
        # where the generator writes its import as expected, the code runs without the package
        source = source.replace(_GENERATED_IMPORT, "", 1)
        first = re.search(r"^def (validate\w*)\(", source, re.M)
        assert first is not None  # the generator defines the root schema's function first
        entry = (first.group(1), compile(source, f"<validator {name}>", "exec"))
        blob = marshal.dumps(entry)
        for folder, writable in folders:
            if not writable:
                continue
            try:
                fs.atomic_write(folder / file_name, blob, durable=False)
                break
            except (OSError, InputError, OutputError):
                continue  # read-only: the next place, else the code is generated each run
    import functools

    namespace: dict[str, Any] = {"JsonSchemaValueException": _Invalid, "JsonSchemaValuesException": _Invalid}
    exec(entry[1], namespace)
    # generated code takes the formats as an argument of every function (default: none), so
    # they are bound here; without them every ``date`` would raise and send the document to jsonschema
    return functools.partial(namespace[entry[0]], custom_formats=_FORMATS)


#: from this many documents checked in one run, jsonschema-rs checks the rest (see :func:`expect_many`)
NATIVE_FROM = 300
_NATIVE: dict[str, Any] = {}
_COUNT = {"documents": 0}

#: escapes outside a character class that mean the same in Python's ``re`` and in Rust's regex
_LITERAL_ESCAPES = frozenset(".-/+()[]{}\\*?|^$")
#: the characters Python's ``\s`` matches in a text (``str.isspace()``), written out as themselves:
#: the engines disagree on them (ECMAScript's ``\s`` has U+FEFF and lacks U+0085 and U+001C…U+001F);
#: ``tests/test_schema_native.py`` holds this set to ``str.isspace`` over every code point
SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE, _NOT_SPACE = f"[{SPACES}]", f"[^{SPACES}]"


def native_pattern(pattern: str) -> str | None:
    """``pattern`` for Rust's regex with the meaning Python's ``re.search`` gives it, or ``None``
    where this cannot be vouched for.

    Our schemas' patterns are anchors, ASCII character classes, ``.``, quantifiers, groups and
    ``\\S``/``\\s``. Of these only the last two differ between the engines (which characters are
    white space), and they are written out as the characters Python means (:data:`SPACES`). Any
    other escape (``\\d``, ``\\w``, ``\\b``, ``\\p``, …), an escape inside a class, or an inline flag
    ``(?`` is refused. ``$`` differs too, but only
    in the safe direction: Python's also matches before a final line break, Rust's does not, so
    Rust refuses a text Python accepts, and a refused document is checked again by jsonschema.
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 >= len(pattern):
                return None
            escaped = pattern[index + 1]
            if in_class or escaped not in _LITERAL_ESCAPES and escaped not in "sS":
                return None
            out.append(_SPACE if escaped == "s" else _NOT_SPACE if escaped == "S" else char + escaped)
            index += 2
            continue
        if char == "(" and pattern.startswith("(?", index):
            return None
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return None if in_class else "".join(out)


def _native_schema(node: Any) -> Any:
    """A copy of a schema with every pattern as :func:`native_pattern` writes it (``ValueError``: one it refuses)."""
    if isinstance(node, list):
        return [_native_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] = {}
    for key, value in node.items():
        if key == "pattern" and isinstance(value, str):
            translated = native_pattern(value)
            if translated is None:
                raise ValueError(value)
            copy[key] = translated
        elif key == "patternProperties" and isinstance(value, dict):
            translated_keys = {native_pattern(k): _native_schema(v) for k, v in value.items()}
            if None in translated_keys:
                raise ValueError("patternProperties")
            copy[key] = translated_keys
        else:
            copy[key] = _native_schema(value)
    return copy


def _native(name: str) -> Any:
    """The jsonschema-rs validator of a schema (``None``: not installed, or a pattern it could read otherwise)."""
    if name not in _NATIVE:
        validator = None
        try:
            import jsonschema_rs

            validator = jsonschema_rs.validator_for(_native_schema(schema(name)), validate_formats=True,
                                                    formats=_FORMATS, offline=True)
        except Exception:  # ImportError, a refused pattern, a schema the library cannot build
            validator = None
        _NATIVE[name] = validator
    return _NATIVE[name]


def new_run() -> None:
    """A run begins (:class:`~ikz_isms.app.Session`): its documents are counted from zero."""
    _COUNT["documents"] = 0


def expect_many() -> None:
    """Many documents follow (the Verbund's counties): check them with jsonschema-rs from now on.

    Called before worker processes are forked, so the library is imported once and shared.
    Without the call, a run switches by itself at its :data:`NATIVE_FROM`-th document: below
    that, the library's import (about 45 ms) costs more than it saves.
    """
    _COUNT["documents"] = max(_COUNT["documents"], NATIVE_FROM)
    try:
        import jsonschema_rs  # noqa: F401
    except ImportError:  # pragma: no cover - a dependency; without it the generated code checks everything
        return


def _fast_valid(data: Any, name: str) -> bool:
    """Whether ``data`` is valid, by a validator that agrees with jsonschema on every document it
    accepts; ``False`` is only "not shown valid here" (jsonschema then decides, with messages).

    The generated code (fastjsonschema) checks the first :data:`NATIVE_FROM` documents of a run,
    jsonschema-rs (Rust, about eight times faster per record) the rest, with the patterns as
    :func:`native_pattern` writes them and the ``date`` format as jsonschema checks it.
    """
    _COUNT["documents"] += 1
    if _COUNT["documents"] > NATIVE_FROM:
        native = _native(name)
        if native is not None:
            try:
                if native.is_valid(data):
                    return True
            except Exception:  # a value it cannot take (a Python object JSON has no type for)
                pass
            return False
    compiled = _compiled(name)
    if compiled is None:
        return False
    try:
        compiled(data)
    except Exception:  # invalid (JsonSchemaException) or a value the generated code did not expect
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
    if kind in ("if", "then", "else", "dependencies", "dependentRequired", "dependentSchemas"):
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
