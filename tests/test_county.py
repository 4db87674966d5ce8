"""County plugins: registry, `county list|add`, and the check rules for county data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ikz_isms import Session
from ikz_isms.county import CountyProfile, load_counties, slugify
from ikz_isms.plugins import get_plugin_manager
from ikz_isms.workspace import Workspace


def data_dir(ws: Path, key: str) -> Path:
    return ws / "plugins" / f"ikz-county-{key}" / "data"


def check_json(run_cli, ws: Path) -> tuple[int, list[dict]]:
    result = run_cli("--workspace", ws, "check", "--format", "json")
    return result.exit_code, json.loads(result.output)["findings"]


def county_findings(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["rule"].startswith("county.")]


def test_example_counties_register_with_real_profiles(example_workspace):
    workspace = Workspace.load(example_workspace)
    counties = Session(example_workspace).counties()
    assert list(counties) == workspace.members
    profile = counties["vulkaneifel"].profile
    assert isinstance(profile, CountyProfile)
    assert (profile.name, profile.ags, profile.employees) == ("Vulkaneifel", "07233", 312)
    assert counties["bernkastel-wittlich"].profile.ags == "07231"
    assert counties["cochem-zell"].profile.employees == 480
    assert all(c.profile.disclosure in ("none", "aggregate", "full") for c in counties.values())
    for county in counties.values():
        assert all("ERFUNDEN" in p.read_text(encoding="utf-8") for p in county.records_dir.glob("*.yaml"))
        assert 8 <= county.targets_path.read_text(encoding="utf-8").count("  - id: ") <= 16


def test_slugify():
    assert slugify("Eifelkreis Bitburg-Prüm") == "eifelkreis-bitburg-pruem"
    assert slugify("Landkreis Südliche Weinstraße") == "suedliche-weinstrasse"


def test_county_list(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "county", "list", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [c["key"] for c in data["counties"]] == Workspace.load(example_workspace).members
    assert data["members_without_plugin"] == []
    text = run_cli("--workspace", example_workspace, "county", "list")
    assert "Cochem-Zell" in text.output and "07135" in text.output


def test_example_workspace_passes_check(run_cli, example_workspace):
    code, findings = check_json(run_cli, example_workspace)
    assert county_findings(findings) == []
    assert code == 0


def test_county_add_scaffolds_a_data_folder_that_needs_no_python(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "county", "add", "Landkreis Mayen-Koblenz",
                     "--ags", "07137", "--inhabitants", "215000", "--employees", "900")
    assert result.exit_code == 0, result.stderr
    root = example_workspace / "plugins" / "ikz-county-mayen-koblenz"
    assert (root / "data" / "landkreis.yaml").is_file() and (root / "data" / "journal.jsonl").is_file()
    assert not list(root.rglob("*.py")) and not (root / "pyproject.toml").exists()
    assert "mayen-koblenz" in Workspace.load(example_workspace).members
    code, findings = check_json(run_cli, example_workspace)
    assert county_findings(findings) == [] and code == 0
    assessed = run_cli("--workspace", example_workspace, "assess", "--county", "mayen-koblenz", "--format", "json")
    assert assessed.exit_code == 0, assessed.stderr
    county = json.loads(assessed.output)["counties"][0]
    assert county["approaches"][0]["applicable"] > 0
    assert county["approaches"][0]["status"]["unbearbeitet"] == county["approaches"][0]["applicable"]
    setting = run_cli("--workspace", example_workspace, "assess", "set", "ISMS.1.A1", "IV", "ja",
                      "--county", "mayen-koblenz")
    assert setting.exit_code == 0, setting.stderr
    again = run_cli("--workspace", example_workspace, "county", "add", "Mayen-Koblenz")
    assert again.exit_code == 4


def test_county_add_does_not_repeat_the_word_landkreis(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "county", "add", "Landkreis Trier-Saarburg")
    assert result.exit_code == 0, result.stderr
    assert "Landkreis Landkreis" not in result.output
    listed = json.loads(run_cli("--workspace", example_workspace, "county", "list", "--format", "json").output)
    assert {"key": "trier-saarburg", "name": "Trier-Saarburg"}.items() <= next(
        c for c in listed["counties"] if c["key"] == "trier-saarburg").items()
    assessed = run_cli("--workspace", example_workspace, "assess", "--county", "trier-saarburg")
    assert "Landkreis Trier-Saarburg" in assessed.output and "Landkreis Landkreis" not in assessed.output


def _append_records(ws: Path, key: str, text: str, target: str = "IV") -> list[str]:
    path = data_dir(ws, key) / "pruefungen" / f"{target}.yaml"
    original = path.read_text(encoding="utf-8") if path.exists() else f"zielobjekt: {target}\npruefungen:\n"
    path.write_text(original + text, encoding="utf-8")
    return original.splitlines()


def test_check_reports_bad_records_with_file_and_line(run_cli, example_workspace):
    lines = _append_records(example_workspace, "vulkaneifel", (
        "  - requirement: ABC.9.A9\n    target: IV\n    status: ja\n"
        "  - requirement: ISMS.1.A1\n    target: MARS\n    status: ja\n"
        "  - requirement: ISMS.1.A2\n    target: IV\n    status: vielleicht\n"
        "  - requirement: ISMS.1.A3\n    target: IV\n    status: entbehrlich\n"
        "  - requirement: ISMS.1.A4\n    target: IV\n    status: ja\n    checked: 2025-02-30\n"
    ))
    first = len(lines) + 1
    code, findings = check_json(run_cli, example_workspace)
    # an impossible YAML date makes the whole file unreadable as data: check names it and answers 3
    # (an incomplete report), as assess does for that file
    assert code == 3
    found = {f["rule"]: f for f in county_findings(findings)}
    assert found["county.records.bad-date"]["location"].startswith(f"Zeile {first + 15}")


def test_check_reports_semantic_record_problems(run_cli, example_workspace):
    lines = _append_records(example_workspace, "vulkaneifel", (
        "  - requirement: ABC.9.A9\n    target: IV\n    status: ja\n"
        "  - requirement: ISMS.1.A2\n    target: IV\n    status: vielleicht\n"
        "  - requirement: ISMS.1.A3\n    target: IV\n    status: entbehrlich\n"
        "  - requirement: ISMS.1.A4\n    target: IV\n    status: ja\n    checked: 2025-02\n"
        "  - requirement: ISMS.1.A5\n    target: IV\n    status: entbehrlich\n    reason: '   '\n"
    ))
    _append_records(example_workspace, "vulkaneifel", "  - requirement: ISMS.1.A1\n    status: ja\n", target="MARS")
    first = len(lines) + 1
    code, findings = check_json(run_cli, example_workspace)
    assert code == 1
    found: dict[str, list[dict]] = {}
    for finding in county_findings(findings):
        found.setdefault(finding["rule"], []).append(finding)
    expected = {
        "county.records.unknown-requirement": [(first, "pruefungen/IV.yaml")],
        "county.records.unknown-status": [(first + 3, "pruefungen/IV.yaml")],
        "county.records.missing-reason": [(first + 6, "pruefungen/IV.yaml"), (first + 13, "pruefungen/IV.yaml")],
        "county.records.bad-date": [(first + 9, "pruefungen/IV.yaml")],
        "county.records.unknown-target": [(3, "pruefungen/MARS.yaml")],
    }
    for rule, places in expected.items():
        assert rule in found, rule
        assert [(int(f["location"].split()[1]), f["file"][-len(place[1]):]) for f, place in zip(found[rule], places)] \
            == places, (rule, found[rule])
        assert all(f["severity"] == "error" for f in found[rule])
    # what check flags as invalid, assess never counts as fulfilled
    report = json.loads(run_cli("--workspace", example_workspace, "assess", "--county", "vulkaneifel",
                                "--format", "json").output)["counties"][0]
    invalid = {i["requirement"] for i in report["invalid_records"]}
    assert {"ISMS.1.A2", "ISMS.1.A3", "ISMS.1.A4", "ISMS.1.A5"} <= invalid


def test_check_reports_modelling_mismatch_and_schema_errors(run_cli, example_workspace):
    path = data_dir(example_workspace, "cochem-zell") / "zielobjekte.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("      - baustein: INF.1\n", "      - SYS.1.1\n      - baustein: INF.1\n", 1)
    text = text.replace("    type: Raum\n", "    type: Raum\n    farbe: blau\n", 1)
    path.write_text(text, encoding="utf-8")
    code, findings = check_json(run_cli, example_workspace)
    assert code == 1
    rules = {f["rule"]: f for f in county_findings(findings)}
    assert "county.targets.schema" in rules and "farbe" in rules["county.targets.schema"]["message"]
    assert rules["county.targets.schema"]["location"].startswith("Zeile ")
    # a schema-broken file stops the deeper rules; fix it and the mismatch shows
    path.write_text(text.replace("    farbe: blau\n", ""), encoding="utf-8")
    code, findings = check_json(run_cli, example_workspace)
    rules = {f["rule"]: f for f in county_findings(findings)}
    mismatch = rules["county.modelling.target-type"]
    assert "SYS.1.1" in mismatch["message"] and "IT-System" in mismatch["message"]
    assert mismatch["location"].startswith("Zeile ") and mismatch["severity"] == "error"
    # assess shows the same error with file and line and answers 1 (docs/assess.md, "Fehler in den Daten")
    shown = run_cli("--workspace", example_workspace, "assess", "--county", "cochem-zell")
    assert shown.exit_code == 1 and "SYS.1.1" in shown.stderr
    assert f"Fehler: {path}, {mismatch['location']}: " in shown.stderr


def test_broken_profile_is_reported_by_name(run_cli, example_workspace):
    path = data_dir(example_workspace, "eifelkreis-bitburg-pruem") / "landkreis.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("disclosure: aggregate", "disclosure: alles"), encoding="utf-8")
    result = run_cli("--workspace", example_workspace, "county", "list")
    assert "eifelkreis-bitburg-pruem" in result.stderr and "landkreis.yaml" in result.stderr


@pytest.mark.parametrize("bad", ["mapping", "duplicate"])
def test_registry_rejects_bad_contributions(bad):
    from ikz_isms import hookimpl

    class Plugin:
        @hookimpl
        def ikz_register_counties(self, register):
            register({"key": "x", "name": "X"}, "/tmp")
            if bad == "duplicate":
                register({"key": "x", "name": "X2"}, "/var")
            else:
                register({"key": "y"}, "/tmp")

    pm = get_plugin_manager(None, load_entry_points=False)
    pm.register(Plugin(), name="test-plugin")
    counties = load_counties(pm)
    assert "x" in counties
    assert any(f.plugin == "test-plugin" for f in pm.failures)
