"""Bad input reaches every road the same way: what tests/badinput/ does not show case by case.

* click's own messages and metavars use German type names (every type click has);
* an output file goes only into a folder that exists; an output folder is created, its parent not;
* assess and check report the structure analysis with the same rule ids and lines;
* a value typed for ``assess set`` breaks the same rules as the value in a file, on another road;
* two different ``--workspace`` options are refused, the same one twice is one workspace.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from ikz_isms.errors import ExitCode, InputError, OutputError, UsageError
from tests.support import county_dir

COUNTY = "bernkastel-wittlich"


def test_every_click_type_has_a_german_name():
    from ikz_isms import click_de

    click_de.install()
    types = [
        value for value in vars(click.types).values()
        # a class-level name (Tuple's is a property made of its members' names)
        if isinstance(value, type) and issubclass(value, click.ParamType) and isinstance(vars(value).get("name"), str)
        and not value.__name__.startswith("_")
    ]
    assert types, "click.types has no parameter types?"
    untranslated = [t.__name__ for t in types if t.__name__ not in click_de.TYPE_NAMES]
    assert not untranslated, f"click-Typen ohne deutschen Namen (click_de.TYPE_NAMES): {untranslated}"
    assert click.IntRange(min=1).name == "Ganzzahl" and click.FLOAT.name == "Zahl"
    assert click.Path(dir_okay=False).name == "Datei"


def test_click_messages_and_help_name_types_in_german(run_cli, example_workspace):
    bad = run_cli("journal", "show", "--county", COUNTY, "--limit", "abc", cwd=example_workspace)
    assert bad.exit_code == ExitCode.USAGE
    assert "'abc' ist keine gültige Ganzzahl." in bad.stderr
    shown = run_cli("journal", "show", "--help", cwd=example_workspace)
    assert "--limit GANZZAHL" in shown.output and "INTEGER" not in shown.output


# -- output paths -------------------------------------------------------------------------


def test_store_writes_outputs_only_into_existing_folders(tmp_path):
    from ikz_isms.store import Store

    store = Store(None)
    with pytest.raises(OutputError) as missing:
        store.write_output(tmp_path / "fehlt" / "x.pdf", b"x")
    assert "Verzeichnis fehlt" in str(missing.value) and str(tmp_path / "fehlt") in str(missing.value)
    assert not (tmp_path / "fehlt").exists()
    (tmp_path / "datei").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="ist kein Verzeichnis"):
        store.check_output(tmp_path / "datei" / "x.pdf")
    store.write_output(tmp_path / "x.pdf", b"ok")
    assert (tmp_path / "x.pdf").read_bytes() == b"ok"


def test_an_output_folder_is_created_but_not_its_parents(tmp_path):
    from ikz_isms.store import Store

    store = Store(None)
    with pytest.raises(OutputError, match="Verzeichnis fehlt"):
        store.output_folder(tmp_path / "a" / "b")
    assert not (tmp_path / "a").exists()
    assert store.output_folder(tmp_path / "neu", create=False) == tmp_path / "neu"
    assert not (tmp_path / "neu").exists(), "create=False only checks"
    assert store.output_folder(tmp_path / "neu").is_dir()
    assert store.output_folder(tmp_path / "neu").is_dir(), "an existing folder is fine"
    (tmp_path / "weg").symlink_to(tmp_path / "nirgends")
    with pytest.raises(OutputError, match="Verknüpfung"):
        store.output_folder(tmp_path / "weg")


def test_a_report_into_a_missing_folder_is_refused_before_it_is_made(run_cli, example_workspace, tmp_path):
    result = run_cli("report", "plan", "--county", COUNTY, "-o", tmp_path / "fehlt" / "plan.pdf", cwd=example_workspace)
    assert result.exit_code == ExitCode.OUTPUT
    assert f"nicht schreibbar: Verzeichnis fehlt ({tmp_path / 'fehlt'})" in result.stderr
    assert not (tmp_path / "fehlt").exists()


# -- the same rules on every road -------------------------------------------------------------


def test_assess_and_check_report_the_structure_analysis_alike(run_cli, example_workspace):
    targets = county_dir(example_workspace, COUNTY) / "zielobjekte.yaml"
    targets.write_text(targets.read_text(encoding="utf-8").replace("  - id: GP-KFZ", "  - id: GP-SOZ", 1),
                       encoding="utf-8")
    assessed = run_cli("assess", "--county", COUNTY, "--format", "json", cwd=example_workspace)
    assert assessed.exit_code == ExitCode.FINDINGS
    problems = json.loads(assessed.output)["counties"][0]["structure_problems"]
    checked = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)["findings"]
    in_check = [(f["rule"], f["location"]) for f in checked
                if f["rule"].startswith("county.targets.") and f["file"].endswith(f"ikz-county-{COUNTY}/data/zielobjekte.yaml")]
    assert [(p["rule"], f"Zeile {p['line']}") for p in problems] == in_check
    assert problems[0]["rule"] == "county.targets.duplicate-id" and problems[0]["severity"] == "error"
    text = run_cli("assess", "--county", COUNTY, cwd=example_workspace)
    assert text.exit_code == ExitCode.FINDINGS
    assert f"Fehler: {targets}, Zeile {problems[0]['line']}: Zielobjekt-ID 'GP-SOZ' ist doppelt vergeben." in text.stderr


def test_a_typed_value_and_the_same_value_in_a_file_break_the_same_rule():
    from ikz_isms.assess.records import (
        CHANGE_ARGUMENTS,
        RecordChange,
        change_problems,
        record_problems,
        validate_change,
    )

    change = RecordChange("ISMS.1.A1", "IV", "entbehrlich", reason="   ")
    in_file = {p.rule for p in record_problems({"requirement": "ISMS.1.A1", "target": "IV", "status": "entbehrlich",
                                                "reason": "   "})}
    assert {p.rule for p in change_problems(change)} == in_file == {"county.records.missing-reason"}
    with pytest.raises(UsageError, match="^--reason: "):
        validate_change(change, error=UsageError, arguments=CHANGE_ARGUMENTS)
    with pytest.raises(InputError) as other_road:
        validate_change(change)
    assert not isinstance(other_road.value, UsageError) and other_road.value.exit_code == ExitCode.INPUT
    validate_change(RecordChange("ISMS.1.A1", "IV", "ja", statement="zwei\nZeilen\tmit Tabulator"))


def test_a_long_default_catalog_name_is_cut_to_the_limit():
    from ikz_isms.catalog.pinning import MAX_PIN_NAME, check_pin_name, default_pin_name

    name = default_pin_name("Ein-sehr-langer-Dateiname-" * 20)
    assert len(name) <= MAX_PIN_NAME and not name.endswith("-")
    check_pin_name(name)
    with pytest.raises(UsageError, match="zu lang"):
        check_pin_name("k" * (MAX_PIN_NAME + 1))


# -- the workspace ------------------------------------------------------------------------


def test_two_workspaces_are_refused_one_named_twice_is_fine(run_cli, example_workspace, tmp_path):
    other = tmp_path / "anderer"
    other.mkdir()
    twice = run_cli("--workspace", example_workspace, "--workspace", other, "county", "list")
    assert twice.exit_code == ExitCode.USAGE
    assert "--workspace mehrfach angegeben" in twice.stderr and str(other) in twice.stderr
    same = run_cli("--workspace", example_workspace, f"--workspace={example_workspace}/", "county", "list")
    assert same.exit_code == 0, same.stderr
    assert COUNTY in same.output


def test_county_add_leaves_no_folder_behind_when_the_config_cannot_be_written(run_cli, tmp_path):
    from ikz_isms.testing import make_workspace

    ws = make_workspace(tmp_path / "ws")
    outside = tmp_path / "aussen.yaml"
    outside.write_bytes((ws / "ikz-isms.yaml").read_bytes())
    (ws / "ikz-isms.yaml").unlink()
    (ws / "ikz-isms.yaml").symlink_to(outside)
    (ws / "plugins").rmdir()  # a workspace without plugins/ yet: that folder is new too
    result = run_cli("--workspace", ws, "county", "add", "Neuer Kreis")
    assert result.exit_code == ExitCode.OUTPUT, result.stderr
    assert not (ws / "plugins").exists()
    assert sorted(p.name for p in ws.iterdir() if not p.name.startswith(".")) == ["catalogs", "ikz-isms.yaml"]


def test_landkreis_yaml_that_is_a_folder_is_named(run_cli, example_workspace):
    profile = county_dir(example_workspace, COUNTY) / "landkreis.yaml"
    profile.unlink()
    profile.mkdir()
    result = run_cli("assess", "--county", COUNTY, cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    error = next(line for line in result.stderr.splitlines() if line.startswith("Fehler:"))
    assert str(Path(profile)) in error and "Ist ein Verzeichnis" in error
