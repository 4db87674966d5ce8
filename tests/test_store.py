"""The store: one parse per file per run, changes that touch only what changed, no writes through links."""

from __future__ import annotations

import difflib
import os

import pytest

from tests.support import county_dir, read_records, record_file

COUNTY = "vulkaneifel"


def test_each_file_is_parsed_at_most_once_per_run(example_workspace, monkeypatch):
    """assess, the plan view, the report's figures and the Verbund view share one parse per file."""
    from ikz_isms import Session
    from ikz_isms.app.assessments import county_check
    from ikz_isms.app.verbund import verbund_view
    from ikz_isms.store import documents

    monkeypatch.setenv("IKZ_ISMS_NO_CACHE", "1")  # no derived cache: every read is a real parse
    seen: list[str] = []
    real = documents.parse_yaml

    def counting(raw, path):
        seen.append(path)
        return real(raw, path)

    monkeypatch.setattr(documents, "parse_yaml", counting)
    session = Session(example_workspace)
    for county in session.members():
        county_check(session, county)
        session.plan_view(county)
    verbund_view(session, approach=None, pseudonymise=False, today=session.today)
    assert seen, "nothing was parsed"
    assert len(seen) == len(set(seen)), sorted(p for p in set(seen) if seen.count(p) > 1)


def test_a_one_record_change_is_a_one_record_diff(run_cli, example_workspace):
    path = record_file(county_dir(example_workspace, COUNTY), "IV")
    before = path.read_text(encoding="utf-8")
    result = run_cli("assess", "set", "ISMS.1.A3", "IV", "nein", "--statement", "Neu bewertet",
                     "--county", COUNTY, cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    old_lines = before.splitlines()
    start = old_lines.index("  - requirement: ISMS.1.A3")
    end = next(i for i in range(start + 1, len(old_lines)) if old_lines[i].startswith("  - "))
    matcher = difflib.SequenceMatcher(a=old_lines, b=after.splitlines(), autojunk=False)
    touched = [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]
    assert touched and all(start < i1 and i2 <= end for i1, i2 in touched), touched
    # every other target object's file is untouched
    for other in path.parent.glob("*.yaml"):
        if other != path:
            assert "Neu bewertet" not in other.read_text(encoding="utf-8")


def test_comments_inside_a_record_survive_its_change(run_cli, example_workspace):
    path = record_file(county_dir(example_workspace, COUNTY), "IV")
    text = path.read_text(encoding="utf-8")
    marker = "  - requirement: ISMS.1.A3\n"
    assert marker in text
    text = text.replace(marker, marker + "    # mit der Revision abgestimmt\n", 1)
    path.write_text(text, encoding="utf-8")
    assert run_cli("assess", "set", "ISMS.1.A3", "IV", "teilweise", "--county", COUNTY,
                   cwd=example_workspace).exit_code == 0
    after = path.read_text(encoding="utf-8")
    assert "# mit der Revision abgestimmt" in after and after.splitlines()[:3] == text.splitlines()[:3]


def test_a_new_record_is_appended_and_a_new_target_file_created(run_cli, example_workspace):
    from ikz_isms import Session

    session = Session(example_workspace)
    assessment = session.assessment(session.county(COUNTY))
    recorded = {(r.requirement, r.target) for r in assessment.data.records.all_records()}
    fresh = next(p for p in assessment.pairs if p.key not in recorded)
    data = county_dir(example_workspace, COUNTY)
    result = run_cli("assess", "set", fresh.requirement.id, fresh.target.id, "ja", "--county", COUNTY,
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert read_records(data)[fresh.key]["status"] == "ja"


def test_an_unusual_layout_falls_back_to_a_whole_file_edit(run_cli, example_workspace):
    path = record_file(county_dir(example_workspace, COUNTY), "IV")
    path.write_text("zielobjekt: IV\npruefungen: [{requirement: ISMS.1.A1, status: nein}]\n", encoding="utf-8")
    assert run_cli("assess", "set", "ISMS.1.A1", "IV", "ja", "--county", COUNTY, cwd=example_workspace).exit_code == 0
    assert read_records(path.parent.parent)[("ISMS.1.A1", "IV")]["status"] == "ja"


@pytest.mark.parametrize("what", ["records", "journal"])
def test_writes_never_follow_a_symbolic_link_out_of_the_workspace(run_cli, example_workspace, tmp_path, what):
    data = county_dir(example_workspace, COUNTY)
    outside = tmp_path / "draussen"
    target = record_file(data, "IV") if what == "records" else data / "journal.jsonl"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    os.symlink(outside, target)
    before = outside.read_bytes()
    result = run_cli("assess", "set", "ISMS.1.A2", "IV", "teilweise", "--county", COUNTY, cwd=example_workspace)
    assert result.exit_code == 6, result.stderr
    assert "Verknüpfung" in result.stderr and "Traceback" not in result.stderr
    assert outside.read_bytes() == before


def test_stale_temporary_files_are_removed_by_the_next_writer(run_cli, example_workspace):
    data = county_dir(example_workspace, COUNTY)
    stale = data / "pruefungen" / ".IV.yaml.abc123.tmp"
    stale.write_text("halb geschrieben", encoding="utf-8")
    assert run_cli("assess", "--county", COUNTY, cwd=example_workspace).exit_code == 0
    assert stale.exists()  # readers ignore it
    assert run_cli("assess", "set", "ISMS.1.A2", "IV", "ja", "--county", COUNTY, cwd=example_workspace).exit_code == 0
    assert not stale.exists()


def test_the_derived_cache_is_never_the_truth(run_cli, example_workspace):
    import json
    import shutil

    first = json.loads(run_cli("assess", "--format", "json", cwd=example_workspace).output)
    cache = example_workspace / ".ikz-cache" / "parsed"
    entries = list(cache.iterdir())
    assert entries
    # a cache entry that lies about the file it caches is not believed once the file changes:
    # its key is the SHA-256 of the file's content
    path = record_file(county_dir(example_workspace, COUNTY), "IV")
    relative = path.relative_to(example_workspace).as_posix()
    entry = next(e for e in entries if f'"path":"{relative}"' in e.read_text(encoding="utf-8"))
    entry.write_text(entry.read_text(encoding="utf-8").replace('"status":"ja"', '"status":"nein"'), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("status: nein", "status: ja", 1), encoding="utf-8")
    changed = json.loads(run_cli("assess", "--format", "json", cwd=example_workspace).output)
    shutil.rmtree(example_workspace / ".ikz-cache")
    clean = json.loads(run_cli("assess", "--format", "json", cwd=example_workspace).output)
    assert changed == clean and clean != first


def test_a_read_only_checkout_still_answers(run_cli, example_workspace):
    if os.geteuid() == 0:
        pytest.skip("als root lässt sich ein Verzeichnis nicht schreibgeschützt machen")
    os.chmod(example_workspace, 0o555)
    try:
        result = run_cli("assess", cwd=example_workspace)
    finally:
        os.chmod(example_workspace, 0o755)
    assert result.exit_code == 0, result.stderr


def _touched(before: str, after: str) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    return [op for op in matcher.get_opcodes() if op[0] != "equal"]


def test_a_plan_change_and_a_new_call_off_touch_only_their_lines(run_cli, example_workspace):
    """A one-measure change and one new call-off are small diffs, found without the file's node tree."""
    plan = county_dir(example_workspace, COUNTY) / "plan.yaml"
    before = plan.read_text(encoding="utf-8")
    result = run_cli("plan", "set", "M-002", "--responsible", "Neue Stelle", "--county", COUNTY, cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    changes = _touched(before, plan.read_text(encoding="utf-8"))
    assert len(changes) == 1 and changes[0][2] - changes[0][1] <= 1 and changes[0][4] - changes[0][3] == 1, changes

    contract = example_workspace / "catalogs" / "vertraege" / "rv-vob-beratung.yaml"
    before = contract.read_text(encoding="utf-8")
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", COUNTY, "--hours", "2",
                     "--date", "2026-03-02", "--description", "Kurzberatung", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    changes = _touched(before, contract.read_text(encoding="utf-8"))
    assert len(changes) == 1 and changes[0][0] == "insert" and changes[0][4] - changes[0][3] <= 8, changes


def test_item_spans_from_the_text_agree_with_the_node_tree(example_workspace):
    """The line scan that finds a sequence's items gives the places libyaml's node tree gives,
    and declines a layout it does not know (the node tree decides then)."""
    from ikz_isms.store.edit import _item_bounds, _node_spans, _text_spans
    from ikz_isms.store.parse import parse_yaml

    files = [(record_file(county_dir(example_workspace, COUNTY), "IV"), "pruefungen"),
             (county_dir(example_workspace, COUNTY) / "plan.yaml", "massnahmen"),
             (example_workspace / "catalogs" / "vertraege" / "rv-vob-beratung.yaml", "calloffs")]
    for path, key in files:
        text = path.read_text(encoding="utf-8")
        parsed = parse_yaml(text, str(path))
        from_text = _text_spans(text, (key,), parsed.data)
        from_nodes = _node_spans(parsed, (key,))
        assert from_text is not None and from_nodes is not None, path
        assert [(s, c) for s, _, c in from_text] == [(s, c) for s, _, c in from_nodes], path
        assert [_item_bounds(text, s, e, c) for s, e, c in from_text] == \
            [_item_bounds(text, s, e, c) for s, e, c in from_nodes], path
    flow = "zielobjekt: IV\npruefungen:\n  - {requirement: A, status: ja}\n"
    assert _text_spans(flow, ("pruefungen",), parse_yaml(flow, "x").data) is None
    scalars = "pruefungen:\n  - eins\n  - zwei\n"
    assert _text_spans(scalars, ("pruefungen",), parse_yaml(scalars, "x").data) is None


def test_the_fast_schema_check_is_as_strict_as_jsonschema():
    """Every schema takes the generated validator first; a document it accepts, jsonschema accepts
    (the one format, ``date``, checked alike: a real calendar day in ASCII digits)."""
    from jsonschema import Draft7Validator

    from ikz_isms.store import schema

    schema.new_run()  # the first documents of a run: the generated code's (tests/test_schema_native.py: the rest)
    conforms = Draft7Validator.FORMAT_CHECKER.conforms
    for text in ("2024-02-29", "2026-12-31", "2023-02-29", "2026-13-01", "0000-01-01", "２０２６-01-01", "2026-1-01",
                 "20260101", "2026-01-01T00:00", ""):
        assert schema._is_date(text) == conforms(text, "date"), text
    record = {"zielobjekt": "IV", "pruefungen": [{"requirement": "ISMS.1.A1", "status": "ja", "checked": "x" * 41}]}
    assert not schema._fast_valid(record, "pruefungen") and schema.problems(record, "pruefungen")
    for name in ("workspace", "landkreis", "zielobjekte", "pruefungen", "plan", "contract", "calloffs", "risiken",
                 "package", "review", "tender", "tender-template", "vorfaelle", "notfall"):
        assert schema.schema(name)["$schema"] == schema.DRAFT_07 and schema._compiled(name) is not None, name


def test_the_fast_schema_check_answers_for_documents_with_dates(example_workspace):
    """A schema with ``format: date`` is judged by the generated validator itself: the example's
    risk registers, emergency plans and incident logs (all with dates) pass it, and a date that is
    no calendar day fails it — as jsonschema judges both. Before the formats were bound, every
    such document raised inside the generated code and went to jsonschema each time."""
    from jsonschema import Draft7Validator

    from ikz_isms.store import Store, schema

    schema.new_run()
    store = Store(example_workspace)
    seen = 0
    for kind, file_name in (("risiken", "risiken.yaml"), ("notfall", "notfall.yaml"), ("vorfaelle", "vorfaelle.yaml")):
        for path in sorted(example_workspace.glob(f"plugins/*/data/{file_name}")):
            data = store.parse(path, kind, validate=False).data
            assert "-" in str(data) and schema._fast_valid(data, kind), path
            seen += 1
            validator = Draft7Validator(schema.schema(kind), format_checker=Draft7Validator.FORMAT_CHECKER)
            assert validator.is_valid(data), path
    assert seen >= 6
    register = store.parse(sorted(example_workspace.glob("plugins/*/data/risiken.yaml"))[0], "risiken",
                           validate=False).data
    risk = next(r for r in register["risiken"] if r.get("identified"))
    for bad in ("2026-02-30", "2026-13-01", "01.02.2026"):
        risk["identified"] = bad
        assert not schema._fast_valid(register, "risiken"), bad
        assert [p.pointer for p in schema.problems(register, "risiken")], bad


def test_compiled_validators_are_kept_in_the_users_cache(tmp_path, monkeypatch):
    """The generated code of a schema is written once to the user's cache folder (where the
    package's own folder may not be written) and read back; a damaged file there is replaced."""
    from ikz_isms.store import schema

    # a package Python writes no bytecode for: the user's cache keeps the code
    monkeypatch.setattr(schema, "_package_folder", lambda: tmp_path / "paket" / "__pycache__")
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "ikz-isms" / "validators"
    assert schema._code_folders()[1] == (folder, True)
    schema.cache_code_in(None)
    try:
        schema._compiled.cache_clear()
        check = schema._compiled("landkreis")
        kept = list(folder.glob("landkreis-*.marshal"))
        assert check is not None and len(kept) == 1
        kept[0].write_bytes(b"kaputt")
        schema._compiled.cache_clear()
        assert schema._compiled("landkreis") is not None
        assert kept[0].read_bytes() != b"kaputt"
    finally:
        schema.cache_code_in(None)
        schema._compiled.cache_clear()


def test_compiled_code_in_a_workspace_is_never_loaded(run_cli, example_workspace, monkeypatch):
    """A cloned workspace may carry anything in .ikz-cache/: validator code planted there would run,
    so validators are never looked for in a workspace (its code runs only as an allowed plugin)."""
    from ikz_isms.store import schema

    monkeypatch.setenv("XDG_CACHE_HOME", str(example_workspace / "user-cache"))
    monkeypatch.chdir(example_workspace)
    planted = example_workspace / ".ikz-cache" / "validators"
    planted.mkdir(parents=True, exist_ok=True)
    marker = example_workspace / "ausgefuehrt.txt"
    code = compile(f"open({str(marker)!r}, 'w').write('x')\ndef validate(data, custom_formats={{}}):\n    return data\n",
                   "<planted>", "exec")
    import marshal

    for name in ("landkreis", "pruefungen", "workspace", "zielobjekte", "plan"):
        (planted / schema.code_file_name(name)).write_bytes(marshal.dumps(("validate", code)))
    assert all(not str(folder).startswith(str(example_workspace / ".ikz-cache")) for folder, _ in schema._code_folders())
    schema._compiled.cache_clear()
    try:
        result = run_cli("check", cwd=example_workspace)
        assert result.exit_code in (0, 1), result.stderr
        assert not marker.exists()
    finally:
        schema._compiled.cache_clear()


def test_validators_work_where_no_cache_can_be_written(tmp_path, monkeypatch):
    """A package and a workspace that may not be written: the code is generated in memory and
    the document still checked (a refused write of a derived cache is no error)."""
    from ikz_isms.errors import OutputError
    from ikz_isms.store import fs, schema

    def refuse(path, *args, **kwargs):
        raise OutputError("nicht schreibbar: keine Berechtigung.", path=str(path))

    monkeypatch.setattr(schema, "_package_folder", lambda: tmp_path / "paket" / "__pycache__")
    monkeypatch.setattr(fs, "atomic_write", refuse)
    schema.cache_code_in(tmp_path / ".ikz-cache" / "validators")
    try:
        schema._compiled.cache_clear()
        assert schema.problems({"zielobjekt": "IV", "pruefungen": []}, "pruefungen") == []
        assert schema.problems({"pruefungen": "keine Liste"}, "pruefungen")
    finally:
        schema.cache_code_in(None)
        schema._compiled.cache_clear()


def test_kept_validators_run_without_importing_their_generator(tmp_path):
    """A validator kept from an earlier run needs no fastjsonschema (its import costs more than the
    check): a fresh process checks a valid and an invalid document with the kept code alone."""
    import os
    import subprocess
    import sys

    package, cache = tmp_path / "paket", tmp_path / "code"
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ikz_isms.store import schema\n"
        f"schema.cache_code_in(Path({str(cache)!r}))\n"
        f"schema._package_folder = lambda: Path({str(package)!r})\n"
        "assert schema.is_valid({'zielobjekt': 'IV', 'pruefungen': []}, 'pruefungen')\n"
        "assert not schema.is_valid({'pruefungen': 'keine Liste'}, 'pruefungen')\n"
        "print('fastjsonschema' in sys.modules)\n"
    )
    env = {**os.environ, "IKZ_ISMS_NO_ENTRY_POINTS": "1"}
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "True"  # the first run generates the code (and keeps it)
    assert [*package.glob("pruefungen-*.marshal"), *cache.glob("pruefungen-*.marshal")]
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "False"
