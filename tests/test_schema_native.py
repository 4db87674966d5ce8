"""jsonschema-rs as the fast check of many documents: it accepts only what jsonschema accepts.

From the :data:`~ikz_isms.store.schema.NATIVE_FROM`-th document of a run (or after
``expect_many()``, as the Verbund calls it before forking its workers), documents are checked by
jsonschema-rs; one it refuses is checked again by jsonschema for the German messages. So the one
thing that must never happen is jsonschema-rs accepting a document jsonschema refuses. These
tests hold that on every schema, for the example's files and for each of them damaged field by
field with values chosen where the engines could part (white space, line breaks, lengths,
types, dates).
"""

from __future__ import annotations

import copy
import re

import pytest

from ikz_isms.store import schema

jsonschema_rs = pytest.importorskip("jsonschema_rs")

#: every character class where Python's and Rust's ideas of text could part
AWKWARD = ["", " ", "\t", "\n", "a\n", "\na", "x", "ä", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u1680",
           "\u2000", "\u200b", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff", " \x1f ", "a\x1fb",
           "review:", "review:x", "review:\n", "own\n", "own", "migriert aus x", "M-1", "M-1\n", "2026-02-30",
           "2026-01-01", "2026-01-01\n", "２０２６-01-01", "1.5", "10.25", "-3", "12345678-9", "DE44500105175407324931",
           "a" * 13, "a" * 101, "a" * 201, "a" * 2001, "ed25519:" + "A" * 43 + "=", "0" * 64, "lot:a-1", "1 h"]
#: values of every JSON type, and numbers beyond what Rust holds in 64 bits (no tuple: a document read
#: from a file never holds one; both fast validators would take it for an array, jsonschema does not)
VALUES = [None, True, False, 0, 1, -1, 1.0, 1.5, 2**70, -(2**70), 1e308, [], {}, ["x"], {"x": 1}, [None], [1]]


def _schema_names() -> list[str]:
    from pathlib import Path

    folder = Path(schema.__file__).resolve().parent.parent / "schemas"
    return sorted(p.name.removesuffix(".schema.json") for p in folder.glob("*.schema.json"))


def _patterns(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found.add(value)
            elif key == "patternProperties" and isinstance(value, dict):
                found.update(value)
            _patterns(value, found)
    elif isinstance(node, list):
        for item in node:
            _patterns(item, found)
    return found


def test_every_schema_has_a_native_validator():
    for name in _schema_names():
        assert schema._native(name) is not None, name


def test_the_spaces_written_out_are_pythons_white_space():
    written = re.compile(f"[{schema.SPACES}]")
    assert [c for c in range(0x110000) if chr(c).isspace()] == [c for c in range(0x110000) if written.match(chr(c))]


def test_patterns_mean_in_rust_what_they_mean_in_python():
    """Every pattern of our schemas, on every awkward text: where Rust finds a match, Python does too."""
    patterns = set()
    for name in _schema_names():
        _patterns(schema.schema(name), patterns)
    assert "\\S" in patterns and len(patterns) >= 20
    samples = AWKWARD + [chr(c) for c in range(0, 0x3100)] + [f"x{chr(c)}" for c in range(0, 0x40)] + \
        [chr(c) for c in (0xFEFF, 0x10FFFF, 0x1F600)] + [f"x{chr(c)}y" for c in (0x85, 0x2028, 0xFEFF)]
    for pattern in sorted(patterns):
        native = jsonschema_rs.validator_for({"type": "string", "pattern": schema.native_pattern(pattern)})
        python = re.compile(pattern)
        for text in samples:
            if native.is_valid(text):
                assert python.search(text), (pattern, text)
    # the one difference that had to be written out: Python counts U+001C..U+001F as white space
    blank = jsonschema_rs.validator_for({"type": "string", "pattern": schema.native_pattern("\\S")})
    assert not blank.is_valid("\x1c\x1d") and not blank.is_valid(" \u3000") and blank.is_valid(" x ")


@pytest.mark.parametrize("pattern", ["\\d", "\\w+", "\\bx", "[\\s]", "(?i)abc", "\\p{L}", "a\\", "[abc", "\\x41"])
def test_a_pattern_whose_meaning_could_differ_is_not_translated(pattern):
    assert schema.native_pattern(pattern) is None
    with pytest.raises(ValueError):
        schema._native_schema({"properties": {"a": {"type": "string", "pattern": pattern}}})


def _example_documents(example_workspace):
    import orjson
    import yaml

    names = set(_schema_names())
    by_file = {"ikz-isms.yaml": "workspace", "landkreis.yaml": "landkreis", "zielobjekte.yaml": "zielobjekte",
               "plan.yaml": "plan", "risiken.yaml": "risiken", "notfall.yaml": "notfall", "vorfaelle.yaml": "vorfaelle",
               "vereinbarungen.yaml": "mutual-aid", "uebungen.yaml": "exercises", "zentrum.yaml": "service-centre"}
    by_folder = {"pruefungen": "pruefungen", "vertraege": "contract", "vorlagen": "tender-template",
                 "bewertungen": "review"}
    found = []
    for path in sorted(example_workspace.rglob("*")):
        if not path.is_file() or ".ikz-cache" in path.parts or path.suffix not in (".yaml", ".json"):
            continue
        name = by_file.get(path.name) or by_folder.get(path.parent.name)
        if name is None and path.name.startswith("stunden-"):
            name = "service-hours"
        if name is None or name not in names:
            continue
        data = orjson.loads(path.read_bytes()) if path.suffix == ".json" else yaml.safe_load(path.read_text("utf-8"))
        found.append((name, path, _plain(data)))
    return found


def _plain(node):
    import datetime

    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    return node


def _shrink(node):
    if isinstance(node, dict):
        return {key: _shrink(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_shrink(value) for value in node[:3]]
    return node


def _leaves(node, path=()):
    """Paths of every value in a document (and of every mapping, for a field that is not there)."""
    if isinstance(node, dict):
        yield path
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        yield path
        for index, value in enumerate(node[:3]):
            yield from _leaves(value, (*path, index))
    else:
        yield path


def _replace(document, path, value):
    changed = copy.deepcopy(document)
    if not path:
        return value
    node = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


@pytest.mark.slow  # about 3,500 documents through jsonschema
def test_on_every_example_file_and_each_damage_of_it_the_validators_agree(example_workspace):
    from jsonschema import Draft7Validator

    documents = _example_documents(example_workspace)
    kinds = {name for name, _path, _data in documents}
    assert {"workspace", "landkreis", "zielobjekte", "pruefungen", "plan", "risiken", "notfall", "contract",
            "tender-template", "review", "exercises", "mutual-aid", "service-centre", "service-hours"} <= kinds, kinds
    checked = accepted_by_both = 0
    per_kind: dict[str, int] = {}
    for name, path, data in documents:
        strict = Draft7Validator(schema.schema(name), format_checker=Draft7Validator.FORMAT_CHECKER)
        native = schema._native(name)
        assert native.is_valid(data) and strict.is_valid(data), path
        per_kind[name] = per_kind.get(name, 0) + 1
        if per_kind[name] > 1:
            continue  # every file is checked whole; the first of each kind is also damaged field by field
        small = _shrink(data)  # damaged: a copy with at most three entries per list, still valid
        if native.is_valid(small) and strict.is_valid(small):
            data = small
        leaves = list(_leaves(data))[:20]
        for leaf in leaves:
            for value in AWKWARD + VALUES:
                damaged = _replace(data, leaf, value)
                try:
                    says = native.is_valid(damaged)
                except Exception:  # a Python value it cannot take: the generated code's road then
                    continue
                checked += 1
                if says:
                    assert strict.is_valid(damaged), (path.name, leaf, value)
                    accepted_by_both += 1
    assert checked > 2_500 and accepted_by_both > 1_000, (checked, accepted_by_both)


def test_the_native_check_takes_over_after_many_documents(monkeypatch):
    """Below NATIVE_FROM documents the generated code checks; from then on (or after expect_many) jsonschema-rs."""
    used = []
    real_native = schema._native

    def native(name):
        used.append(name)
        return real_native(name)

    monkeypatch.setattr(schema, "_native", native)
    good = {"zielobjekt": "IV", "pruefungen": [{"requirement": "ISMS.1.A1", "status": "ja"}]}
    bad = {"zielobjekt": "IV", "pruefungen": [{"requirement": "ISMS.1.A1", "status": "ja", "reason": 5}]}
    schema.new_run()
    for _ in range(schema.NATIVE_FROM):
        assert schema.problems(good, "pruefungen") == []
    assert used == []
    assert schema.problems(good, "pruefungen") == [] and used == ["pruefungen"]
    found = schema.problems(bad, "pruefungen")  # refused natively, told in German by jsonschema
    assert [p.pointer for p in found] == ["/pruefungen/0/reason"] and "falscher Typ" in found[0].message
    schema.new_run()
    used.clear()
    schema.expect_many()
    assert schema.problems(good, "pruefungen") == [] and used == ["pruefungen"]
    schema.new_run()


def test_deep_nesting_is_answered_not_crashed():
    """The store lets no document nest deeper than YAML's 64 or orjson's 1,024 levels; a native
    check of such a document (in every property of every schema, twice, for uniqueItems) answers."""
    deep: list = []
    node = deep
    for _ in range(1_100):
        node.append([])
        node = node[0]
    for name in _schema_names():
        properties = schema.schema(name).get("properties") or {}
        document = {key: [deep, deep] for key in properties}
        assert schema._native(name).is_valid(document) in (True, False), name
