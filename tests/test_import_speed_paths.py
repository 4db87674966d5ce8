"""``catalog import``'s fast paths write what the general ones write (issue 11).

The pin goes into ``ikz-isms.yaml`` as text (:mod:`ikz_isms.catalog.pintext`) instead of by
the ruamel round trip: the text must be the round trip's byte for byte, and every layout the
text path does not handle must be left to the round trip.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from ikz_isms.catalog.pintext import pinned_text, scalar

ENTRY = {
    "file": "catalogs/x.json", "title": "Anwenderkatalog Grundschutz++", "source": "Grundschutz++-catalog.json",
    "version": "2026-06-24T07:29:51.180608+00:00", "format": "oscal-json",
    "sha256": "203967dad5697ec2803baedfadde64e4fa789e321f14fdd02873820aa1c215ec", "imported": "2026-12-02",
}


def round_trip(text: str, name: str, entry: dict[str, str]) -> str:
    """What :func:`ikz_isms.catalog.pinning.pin_catalog` writes by the round trip."""
    from ikz_isms.catalog.pinning import pin_mutation
    from ikz_isms.store.edit import roundtrip_edit

    return roundtrip_edit(text, "ikz-isms.yaml", pin_mutation(name, entry))[0]


INIT = """\
# ikz-isms Arbeitsumgebung: "tmpl"
# Mitglieder kommen mit 'ikz-isms county add NAME' hinzu, Kataloge mit
# 'ikz-isms catalog import DATEI'.
verbund:
  name: "tmpl"
  members: []
catalogs: {}
"""

TWO = """\
verbund:
  name: IKZ Eifel-Mosel-Hunsrück 2.0
  lead: bernkastel-wittlich
  members:
    - bernkastel-wittlich
    - cochem-zell

# Kataloge
default_catalog: muster
catalogs:
  muster:
    file: catalogs/ikz-musterkatalog.json
    title: ikz-isms Musterkatalog kommunale Basis
    version: '2026.1'
    format: oscal-json
    sha256: 28e32fda73efa99a13d9636103f14dd6d6fab41cfc25f67da683b8ce012d9c2b
  gspp:
    file: catalogs/gspp.json
    sha256: 0a
plugins:
  installed: []
"""


@pytest.mark.parametrize("text, name", [
    (INIT, "grundschutz-catalog"),
    (INIT.replace("catalogs: {}", "catalogs: {}\nplugins:\n  installed: []"), "x"),
    (TWO, "neu"),
    (TWO, "muster"),
    (TWO, "gspp"),
    (TWO.replace("plugins:\n  installed: []\n", ""), "neu"),
])
def test_the_text_is_the_round_trips(text: str, name: str) -> None:
    fast = pinned_text(text, name, ENTRY)
    assert fast is not None
    assert fast == round_trip(text, name, ENTRY)


@pytest.mark.parametrize("text", [
    INIT.replace("catalogs: {}", "catalogs: {}  # noch keiner"),  # a comment on the line
    INIT + "# am Ende\n",  # after the catalogs block: the round trip moves the entry behind it
    TWO.replace("  gspp:\n", "\n  gspp:\n"),  # a blank line inside the block
    TWO.replace("    sha256: 0a\n", "    sha256: 0a\n\n"),  # a blank line right after the block
    TWO.replace("    sha256: 0a\n", "    sha256: 0a\n# Beschaffung\n"),  # a comment right after it
    TWO.replace("  members:\n    - bernkastel", "  members:\n  - bernkastel"),  # the round trip re-indents it
    TWO.replace("lead: bernkastel-wittlich", "lead: bernkastel-wittlich  # federführend"),
    TWO.replace("name: IKZ", "name: 'IKZ' # x"),
    INIT.replace('name: "tmpl"', 'name: "a\\"b"'),  # an escape
    INIT.replace("members: []", "members: [a, b]"),  # flow with content
    INIT.replace("catalogs: {}", "catalogs:"),  # null
    INIT.replace("catalogs: {}\n", ""),  # none at all
    INIT.replace("\n", "\r\n"),
    INIT.rstrip("\n"),
])
def test_other_layouts_are_left_to_the_round_trip(text: str) -> None:
    assert pinned_text(text, "neu", ENTRY) is None


@pytest.mark.parametrize("value, written", [
    ("Anwenderkatalog Grundschutz++", "Anwenderkatalog Grundschutz++"),
    ("IT-Grundschutz-Kompendium", "IT-Grundschutz-Kompendium"),
    ("Edition 2023", "Edition 2023"),
    ("2026-12-02", "'2026-12-02'"),
    ("2026-06-24T07:29:51.180608+00:00", "'2026-06-24T07:29:51.180608+00:00'"),
    ("2026.1", "'2026.1'"),
    ("17", "'17'"),
    ("203967dad5697ec2803baedfadde64e4fa789e321f14fdd02873820aa1c215ec",
     "203967dad5697ec2803baedfadde64e4fa789e321f14fdd02873820aa1c215ec"),
    ("Basis (IT-Grundschutz, eigene Formulierungen)", "Basis (IT-Grundschutz, eigene Formulierungen)"),
    ("Katalog: Teil 1", None), (",a", None), ("yes", None), ("It's", None), ("", None), ("x" * 1001, None), ("1e5", None),
])
def test_values(value: str, written: str | None) -> None:
    assert scalar(value) == written
    if written is not None:
        entry = {**ENTRY, "title": value}
        assert pinned_text(INIT, "k", entry) == round_trip(INIT, "k", entry)


SCALARS = ["a", "IKZ Eifel-Mosel-Hunsrück 2.0", "x y", "30", "0", "true", "false", "'2026.1'", "'a b'", '"tmpl"',
           '"Ä ö"', "[]", "{}", "a, b", "catalogs/x.json", "Foo (Bar)", "a+b", "foo_bar", "'2026-12-02'", "''", '""',
           "'x: y'", '"a: b # c"', "ocds-ikz000", "abc123def",
           "yes", "2026-01-01", "1.5", "a: b", "'it''s'", "a #b", "~", "null", "[a, b]", "-a", "a ", "True", "é"]
#: the values before this index are all written back unchanged by the round trip
KEPT = SCALARS.index("yes")
KEYS = ["name", "lead", "members", "file", "x", "y_z", "a-b", "on"]
VALUES = ["T", "a, b", "Basis (IT-Grundschutz, eigene)", ",a", "a ,", "Edition 2023", "2026-12-02", "2026.1", "0123", "Katalog: Teil 1", "yes", "It's", "ä", "a  b",
          "1.2.3", "1e5", "null", "(a)", "0x1f", "abcdef", "eeee", "123e4", "2026-06-24T07:29:51Z", "b" * 1001]


def _scalar(rng: random.Random, clean: bool) -> str:
    return rng.choice(SCALARS[:KEPT] if clean else SCALARS)


def _block(rng: random.Random, indent: int, depth: int, clean: bool) -> list[str]:
    lines: list[str] = []
    for key in rng.sample(KEYS, rng.randint(1, 3)):
        choice = rng.random()
        if depth < 3 and choice < 0.25:
            lines += [" " * indent + key + ":", *_block(rng, indent + 2, depth + 1, clean)]
        elif depth < 3 and choice < 0.4:
            dash = indent + (2 if clean or rng.random() < 0.9 else 0)
            lines += [" " * indent + key + ":"] + [" " * dash + "- " + _scalar(rng, clean)
                                                   for _ in range(rng.randint(1, 3))]
        else:
            lines.append(" " * indent + key + ": " + _scalar(rng, clean))
        if rng.random() < (0.005 if clean else 0.05):
            lines.append(rng.choice(["", "# c", " # eingerückt"]))
    return lines


def _document(rng: random.Random, clean: bool) -> tuple[str, list[str]]:
    lines = [rng.choice(["# Kopf", "#"]) for _ in range(rng.randint(0, 2))]
    tops = rng.sample(["verbund", "catalogs", "plugins", "default_catalog", "risk"], rng.randint(1, 5))
    if "catalogs" not in tops and rng.random() < 0.9:
        tops.append("catalogs")
    names: list[str] = []
    for top in tops:
        if top == "catalogs":
            if rng.random() < 0.4:
                lines.append("catalogs: {}")
            else:
                lines.append("catalogs:")
                for name in rng.sample(["muster", "gspp", "kompendium"], rng.randint(1, 3)):
                    names.append(name)
                    lines.append(f"  {name}:")
                    for key in ["file", "title", "version", "sha256"][:rng.randint(1, 4)]:
                        lines.append(f"    {key}: " + _scalar(rng, True))
        elif rng.random() < 0.3:
            lines.append(f"{top}: " + _scalar(rng, clean))
        else:
            lines += [f"{top}:", *_block(rng, 2, 1, clean)]
        if rng.random() < 0.15:
            lines.append(rng.choice(["", "# dazwischen"]))
    return "\n".join(lines) + "\n", names


def test_a_generated_corpus_gets_the_round_trips_text() -> None:
    """Where the text path answers, it answers the round trip's bytes; and it answers often."""
    import yaml

    rng = random.Random(11)
    answered = 0
    for _ in range(1500):
        clean = rng.random() < 0.7  # mostly layouts the text path takes
        text, names = _document(rng, clean)
        name = rng.choice([*names, "neu", "gspp"] if clean else [*names, "neu", "yes", "1abc"])
        entry = {key: rng.choice(VALUES) if rng.random() < 0.3 else value for key, value in ENTRY.items()}
        fast = pinned_text(text, name, entry)
        if fast is None:
            continue
        yaml.safe_load(text)  # only valid YAML is ever answered
        assert fast == round_trip(text, name, entry), (text, name, entry)
        answered += 1
    assert answered > 100


def _config_after(run_cli: Any, workspace: Path, source: Path, *args: str) -> tuple[bytes, str, int]:
    result = run_cli("catalog", "import", str(source), *args, cwd=workspace)
    return (workspace / "ikz-isms.yaml").read_bytes(), result.output + result.stderr, result.exit_code


@pytest.mark.parametrize("second", [False, True])
def test_import_writes_the_round_trips_config(run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              second: bool) -> None:
    """The text path and the round trip leave the same workspace: config, catalog and output."""
    from ikz_isms.catalog import pinning
    from ikz_isms.commands.workspace_cmd import TEMPLATE

    source = Path(__file__).resolve().parent.parent / "catalogs" / "ikz-musterkatalog.json"
    results = []
    for way in ("text", "round trip"):
        workspace = tmp_path / way.replace(" ", "-")
        (workspace / "catalogs").mkdir(parents=True)
        (workspace / "ikz-isms.yaml").write_text(TEMPLATE.format(name='"Test"'), encoding="utf-8")
        used: list[bool] = []
        real = pinning._pin_by_text

        def spy(*args: Any, way: str = way, real: Any = real, used: list[bool] = used) -> bool:
            done = way == "text" and real(*args)
            used.append(done)
            return done

        monkeypatch.setattr(pinning, "_pin_by_text", spy)
        if second:
            run_cli("catalog", "import", str(source), "--name", "erster", cwd=workspace)
        config, output, code = _config_after(run_cli, workspace, source)
        assert code == 0, output
        assert used[-1] is (way == "text")
        results.append((config, output, (workspace / "catalogs" / "ikz-musterkatalog.json").read_bytes()))
    assert results[0] == results[1]


def test_a_config_that_breaks_the_schema_keeps_the_round_trips_error(run_cli: Any, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A pin the schema refuses (a version over 200 characters) is not written as text: the round
    trip refuses it with its message and exit code, and the workspace stays as it was."""
    import json

    from ikz_isms.catalog import pinning

    document = json.loads((Path(__file__).resolve().parent.parent / "catalogs" / "ikz-musterkatalog.json")
                          .read_text(encoding="utf-8"))
    document["catalog"]["metadata"]["version"] = "Fassung " + "x" * 300
    source = tmp_path / "lang.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    outcomes = []
    for way in ("text", "round-trip"):
        workspace = tmp_path / way
        (workspace / "catalogs").mkdir(parents=True)
        (workspace / "ikz-isms.yaml").write_text(INIT, encoding="utf-8")
        if way != "text":
            monkeypatch.setattr(pinning, "_pin_by_text", lambda *args: False)
        result = run_cli("catalog", "import", str(source), cwd=workspace)
        assert (workspace / "ikz-isms.yaml").read_text(encoding="utf-8") == INIT
        assert not (workspace / "catalogs" / "lang.json").exists()
        outcomes.append((result.exit_code, result.output, result.stderr.replace(str(workspace), "WS")))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] != 0 and "200" in outcomes[0][2]


def test_fold_is_still_the_search_modules() -> None:
    from ikz_isms.catalog import search, textfold

    assert search.fold is textfold.fold
    assert search.fold("Gefährdung Éa") == "gefaehrdung ea"


def _escaped_control_by_regex(raw: bytes) -> int | None:
    """The rule of :func:`ikz_isms.store.parse._json_control` by the regex alone: the first
    ``\\u00XX`` of a control character behind an odd number of backslashes."""
    from ikz_isms.store.parse import _JSON_CONTROL

    for match in _JSON_CONTROL.finditer(raw):
        start = before = match.start()
        while before > 0 and raw[before - 1] == 0x5C:
            before -= 1
        if (start - before) % 2 == 0:
            return start
    return None


@pytest.mark.parametrize("scanned", [2000, 3, 0])
def test_the_escape_scan_finds_what_the_regex_finds(scanned: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Escapes looked at one by one, then (after ``_ESCAPES_SCANNED``) the regex: the same answer."""
    from ikz_isms.store import parse

    monkeypatch.setattr(parse, "_ESCAPES_SCANNED", scanned)
    pieces = [b"a", b"\\\\", b"\\n", b'\\"', b"\\u0041", b"\\u001f", b"\\u00e4", b"\\u007F", b"\\\\u0001", b"\\u2028"]
    generator = random.Random(11)
    for _ in range(2000):
        raw = b'{"t": "' + b"".join(generator.choice(pieces) for _ in range(generator.randint(0, 24))) + b'"}'
        assert parse._json_control(raw) == _escaped_control_by_regex(raw), raw
    many = b'{"t": "' + b"\\n" * 5000 + b"\\\\u0001 \\u0002" + b'"}'
    assert parse._json_control(many) == _escaped_control_by_regex(many) == many.index(b"\\u0002")
