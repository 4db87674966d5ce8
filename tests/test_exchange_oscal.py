"""The check as OSCAL 1.2.1: SSP, assessment results and POA&M against the official schemas and
``trestle validate -a``; an SSP read back (ours → ours is the identity)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import UPSTREAM, county_dir, journal_entries, read_records, records_snapshot

COUNTY = "vulkaneifel"
KINDS = {"ssp": ("system-security-plan", "oscal_ssp_schema.json", "system-security-plans"),
         "assessment-results": ("assessment-results", "oscal_assessment-results_schema.json", "assessment-results"),
         "poam": ("plan-of-action-and-milestones", "oscal_poam_schema.json", "plan-of-action-and-milestones")}


@pytest.fixture
def cli(run_cli, example_workspace):
    def run(*args):
        return run_cli("--workspace", example_workspace, *args, cwd=example_workspace)

    return run


def export(cli, kind: str, path: Path, county: str = COUNTY) -> dict:
    result = cli("export", "oscal", kind, "--county", county, "-o", path)
    assert result.exit_code == 0, result.stderr
    return json.loads(path.read_text(encoding="utf-8"))


def schema_errors(document: dict, schema_name: str) -> list[str]:
    """Errors against the official OSCAL 1.2.1 JSON Schema (tests/support.py: oscal_schema_errors)."""
    from tests.support import oscal_schema_errors

    return oscal_schema_errors(document, UPSTREAM / "schemas" / "oscal" / "1.2.1" / schema_name)


def trestle() -> str:
    """The trestle CLI: installed with the test requirements next to this Python (requirements-test.txt)."""
    found = Path(sys.executable).with_name("trestle")
    if found.exists():
        return str(found)
    other = shutil.which("trestle")
    if other:
        return other
    pytest.skip("compliance-trestle ist nicht installiert (pip install -r requirements-test.txt installiert es)")


@pytest.fixture(scope="module")
def trestle_skeleton(tmp_path_factory) -> Callable[[str], Path]:
    """``skeleton(tool)``: an empty trestle workspace (``trestle init``), made on first use once per module;
    each test validates in a copy of it."""
    made: list[Path] = []

    def skeleton(tool: str) -> Path:
        if not made:
            root = tmp_path_factory.mktemp("trestle-init") / "trestle"
            root.mkdir()
            init = subprocess.run([tool, "init"], cwd=root, capture_output=True, text=True, timeout=120)
            assert init.returncode == 0, init.stdout + init.stderr
            made.append(root)
        return made[0]

    return skeleton


def trestle_validate_all(tmp_path: Path, workspace: Path, documents: dict[str, Path],
                         skeleton: Callable[[str], Path]) -> subprocess.CompletedProcess:
    """``trestle validate -a`` in a trestle workspace (a copy of the one ``trestle init`` made) holding the
    documents and, at the same relative path as in the ikz-isms workspace, the pinned catalog the SSP imports."""
    tool = trestle()
    root = tmp_path / "trestle"
    shutil.copytree(skeleton(tool), root, symlinks=True)
    for kind, path in documents.items():
        folder = root / KINDS[kind][2] / "landkreis"
        folder.mkdir(parents=True)
        shutil.copy(path, folder / f"{KINDS[kind][2].rstrip('s') if kind == 'ssp' else KINDS[kind][2]}.json")
    ssp = json.loads(documents["ssp"].read_text(encoding="utf-8"))["system-security-plan"] if "ssp" in documents else None
    if ssp is not None:
        href = ssp["import-profile"]["href"]
        source = Path(href) if Path(href).is_absolute() else workspace / href
        if not Path(href).is_absolute():
            (root / href).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / href)
    return subprocess.run([tool, "validate", "-a"], cwd=root, capture_output=True, text=True, timeout=600)


# --- validity -----------------------------------------------------------------------------------------


@pytest.mark.upstream
def test_ssp_ar_and_poam_of_the_example_are_valid_oscal(cli, tmp_path, upstream):
    for kind, (root, schema, _folder) in KINDS.items():
        document = export(cli, kind, tmp_path / f"{kind}.json")
        assert list(document) == [root]
        assert document[root]["metadata"]["oscal-version"] == "1.2.1"
        assert schema_errors(document, schema) == [], kind


@pytest.mark.upstream
def test_the_schema_check_finds_what_breaks_the_official_schema(cli, tmp_path, upstream):
    """The check the tests above rely on is no formality: a bad UUID, a wrong date-time, an unknown
    field and a missing required one are each found, with the place."""
    document = export(cli, "ssp", tmp_path / "ssp.json")
    root = document["system-security-plan"]
    for damage, where in ((lambda d: d.update(uuid="kein-uuid"), "uuid"),
                          (lambda d: d["metadata"].update({"last-modified": "gestern"}), "last-modified"),
                          (lambda d: d.update(unbekannt=1), "unbekannt"),
                          (lambda d: d["metadata"].pop("title"), "title")):
        damaged = json.loads(json.dumps(document))
        damage(damaged["system-security-plan"])
        errors = schema_errors(damaged, KINDS["ssp"][1])
        assert errors and any(where in e for e in errors), (where, errors)
    assert root["uuid"] and schema_errors(document, KINDS["ssp"][1]) == []


@pytest.mark.upstream
def test_trestle_validate_all_accepts_the_three_documents(cli, example_workspace, tmp_path, upstream,
                                                        trestle_skeleton):
    documents = {kind: tmp_path / f"{kind}.json" for kind in KINDS}
    for kind, path in documents.items():
        export(cli, kind, path)
    done = trestle_validate_all(tmp_path, example_workspace, documents, trestle_skeleton)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("VALID: Model") == 3, done.stdout


def test_the_ssp_maps_statuses_components_and_protection_needs(cli, example_workspace, tmp_path):
    ssp = export(cli, "ssp", tmp_path / "ssp.json")["system-security-plan"]
    records = read_records(county_dir(example_workspace, COUNTY))
    components = {c["uuid"]: c for c in ssp["system-implementation"]["components"]}
    targets = {next(p["value"] for p in c["props"] if p["name"] == "target-id"): c for c in components.values()}
    assert targets["IV"]["type"] == "this-system"
    assert any(p["name"] == "protection-need-c" for p in targets["IV"]["props"])
    expected = {"ja": "implemented", "teilweise": "partial", "nein": "planned", "entbehrlich": "not-applicable"}
    seen = set()
    for requirement in ssp["control-implementation"]["implemented-requirements"]:
        for entry in requirement["by-components"]:
            target = next(p["value"] for p in entry["props"] if p["name"] == "target-id")
            status = next(p["value"] for p in entry["props"] if p["name"] == "status")
            record = records.get((requirement["control-id"], target))
            assert status == (record["status"] if record else "unbearbeitet")
            if status == "unbearbeitet":
                assert "implementation-status" not in entry
            else:
                assert entry["implementation-status"]["state"] == expected[status]
                seen.add(status)
            if status == "entbehrlich":
                assert entry["remarks"] == record["reason"]
    assert seen == set(expected)
    marking = next(p for p in ssp["metadata"]["props"] if p["name"] == "marking")
    assert marking["value"] == "VS – NUR FÜR DEN DIENSTGEBRAUCH"


def test_findings_per_gap_and_poam_items_per_measure(cli, tmp_path):
    assessed = json.loads(cli("assess", "--county", COUNTY, "--format", "json").output)["counties"][0]
    ar = export(cli, "assessment-results", tmp_path / "ar.json")["assessment-results"]
    (result,) = ar["results"]
    statuses = [next(p["value"] for p in f["props"] if p["name"] == "status") for f in result["findings"]]
    approach = next(a for a in assessed["approaches"] if a["id"] == assessed["approach"]["id"])
    assert len(statuses) == approach["status"]["nein"] + approach["status"]["teilweise"]
    assert all(f["target"]["status"]["state"] == "not-satisfied" for f in result["findings"])
    observations = {o["uuid"] for o in result["observations"]}
    assert all(f["related-observations"][0]["observation-uuid"] in observations for f in result["findings"])
    plan = json.loads(cli("plan", "--county", COUNTY, "--format", "json").output)["counties"][0]
    poam = export(cli, "poam", tmp_path / "poam.json")["plan-of-action-and-milestones"]
    assert len(poam["poam-items"]) == plan["totals"]["count"] == len(poam["risks"])
    with_deadline = [r for r in poam["risks"] if "deadline" in r]
    assert with_deadline and all(r["deadline"].endswith("T23:59:59Z") for r in with_deadline)


def test_same_input_same_bytes_and_stable_uuids(cli, example_workspace, tmp_path):
    first = tmp_path / "a.json"
    second = tmp_path / "b.json"
    export(cli, "ssp", first)
    export(cli, "ssp", second)
    assert first.read_bytes() == second.read_bytes()
    before = json.loads(first.read_text(encoding="utf-8"))["system-security-plan"]
    assert cli("assess", "set", "ISMS.1.A2", "IV", "teilweise", "--county", COUNTY).exit_code == 0
    after = export(cli, "ssp", tmp_path / "c.json")["system-security-plan"]
    assert after["uuid"] != before["uuid"]
    assert [c["uuid"] for c in after["system-implementation"]["components"]] == \
        [c["uuid"] for c in before["system-implementation"]["components"]]
    assert {r["control-id"]: r["uuid"] for r in after["control-implementation"]["implemented-requirements"]} == \
        {r["control-id"]: r["uuid"] for r in before["control-implementation"]["implemented-requirements"]}


# --- reading an SSP back --------------------------------------------------------------------------------


def test_ours_to_ours_is_the_identity(cli, example_workspace, tmp_path):
    path = tmp_path / "ssp.json"
    export(cli, "ssp", path)
    data = county_dir(example_workspace, COUNTY)
    before = records_snapshot(data), len(journal_entries(data))
    result = cli("import", "oscal", "ssp", path, "--apply")
    assert result.exit_code == 0, result.stderr
    assert "0 Änderungen" in result.output
    assert (records_snapshot(data), len(journal_entries(data))) == before


def test_an_edited_ssp_changes_exactly_the_edited_record(cli, example_workspace, tmp_path):
    path = tmp_path / "ssp.json"
    document = export(cli, "ssp", path)
    entry = document["system-security-plan"]["control-implementation"]["implemented-requirements"][0]["by-components"][0]
    for prop in entry["props"]:
        if prop["name"] == "status":
            prop["value"] = "nein"
    entry["description"] = "Im SSP-Werkzeug geändert."
    entry.pop("remarks", None)
    entry["implementation-status"] = {"state": "planned"}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    data = county_dir(example_workspace, COUNTY)
    before, journal_before = read_records(data), len(journal_entries(data))
    result = cli("import", "oscal", "ssp", path, "--apply")
    assert result.exit_code == 0, result.stderr
    after = read_records(data)
    changed = [k for k in set(before) | set(after) if before.get(k) != after.get(k)]
    assert len(changed) == 1
    assert after[changed[0]]["status"] == "nein" and after[changed[0]]["statement"] == "Im SSP-Werkzeug geändert."
    (entry_line,) = journal_entries(data)[journal_before:]
    assert entry_line["actor"] == "oscal-import:ssp.json"


def test_another_tools_ssp_is_read_by_its_implementation_status(cli, example_workspace, tmp_path):
    path = tmp_path / "ssp.json"
    document = export(cli, "ssp", path)
    implemented = document["system-security-plan"]["control-implementation"]["implemented-requirements"]
    target_entry = None
    for requirement in implemented:
        for entry in requirement["by-components"]:
            entry["props"] = [p for p in entry["props"] if p.get("ns") != "urn:ikz-isms:oscal"]
            if target_entry is None and entry.get("implementation-status", {}).get("state") == "implemented":
                target_entry = (requirement["control-id"], entry)
    for component in document["system-security-plan"]["system-implementation"]["components"]:
        component["props"] = [p for p in component["props"] if p["name"] == "target-id"]
    assert target_entry is not None
    rid, entry = target_entry
    entry["implementation-status"] = {"state": "partial"}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = cli("import", "oscal", "ssp", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.output)
    changed = {(c["requirement"], c["new"]["status"]) for c in report["changes"]}
    assert (rid, "teilweise") in changed


def test_an_ssp_of_another_county_or_no_ssp_is_refused(cli, example_workspace, tmp_path):
    path = tmp_path / "ssp.json"
    export(cli, "ssp", path)
    before = records_snapshot(county_dir(example_workspace, "cochem-zell"))
    other = cli("import", "oscal", "ssp", path, "--county", "cochem-zell", "--apply")
    assert other.exit_code == 4 and "gehört zu Landkreis 'vulkaneifel'" in other.stderr
    assert records_snapshot(county_dir(example_workspace, "cochem-zell")) == before
    ar = tmp_path / "ar.json"
    export(cli, "assessment-results", ar)
    wrong = cli("import", "oscal", "ssp", ar)
    assert wrong.exit_code == 3 and "kein OSCAL-SSP" in wrong.stderr
    broken = tmp_path / "kaputt.json"
    broken.write_text("{\"system-security-plan\": ", encoding="utf-8")
    assert cli("import", "oscal", "ssp", broken).exit_code == 3


@pytest.mark.parametrize("where, value, pointer", [
    (("control-implementation", "implemented-requirements", 0, "by-components"), True,
     ("/system-security-plan/control-implementation/implemented-requirements/0/by-components",
      "„by-components“ muss eine Liste sein")),
    (("system-implementation", "components", 0, "props"), -1,
     ("/system-security-plan/system-implementation/components/0/props", "„props“ muss eine Liste sein")),
    (("metadata", "props"), 1.5, ("/system-security-plan/metadata/props", "„props“ muss eine Liste sein")),
    (("control-implementation", "implemented-requirements", 0, "by-components", 0, "props", 0, "value"),
     {"a": 1}, ("/implemented-requirements/0/by-components/0/props/0/value", "„value“ muss ein Text sein")),
    (("control-implementation", "implemented-requirements", 0, "by-components", 0, "implementation-status"),
     ["implemented"], ("/by-components/0/implementation-status", "„implementation-status“ muss ein Objekt sein")),
], ids=["by-components-bool", "component-props-number", "metadata-props-float", "prop-value-object",
        "status-list"])
def test_an_ssp_value_of_the_wrong_type_is_refused_with_its_pointer(cli, example_workspace, tmp_path, where,
                                                                    value, pointer):
    """Before: exit 70 (TypeError: 'bool' object is not iterable), or a Python repr as a record's text."""
    path = tmp_path / "ssp.json"
    document = export(cli, "ssp", path)
    node = document["system-security-plan"]
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    path.write_text(json.dumps(document), encoding="utf-8")
    before = records_snapshot(county_dir(example_workspace, COUNTY))
    result = cli("import", "oscal", "ssp", path, "--apply")
    assert result.exit_code == 3, result.stderr
    place, message = pointer
    assert f"{place}: kein gültiges OSCAL-SSP: {message}" in result.stderr
    assert "nichts geändert" in result.stderr and "Interner Fehler" not in result.stderr
    assert records_snapshot(county_dir(example_workspace, COUNTY)) == before


# --- a full Edition 2023 county ------------------------------------------------------------------------


@pytest.mark.upstream
@pytest.mark.slow
def test_a_full_edition_2023_county_is_valid_oscal_and_passes_trestle(run_cli, tmp_path_factory, tmp_path, request,
                                                                      trestle_skeleton):
    from ikz_isms.testing import run
    from tests.exchange_support import COUNTY as FULL

    if not (UPSTREAM / "kompendium-2023" / "XML_Kompendium_2023.xml").exists():
        pytest.skip("BSI-Originaldaten fehlen")
    # what full_county(tmp_path / "ws", UPSTREAM, run) builds, built once per session (tests/conftest.py)
    ws = tmp_path / "ws"
    shutil.copytree(request.getfixturevalue("full_edition_county"), ws, symlinks=True)
    assert run("--workspace", ws, "plan", "update", "--county", FULL).exit_code == 0
    documents = {}
    for kind, (_root, schema, _folder) in KINDS.items():
        path = tmp_path / f"{kind}.json"
        made = run("--workspace", ws, "export", "oscal", kind, "--county", FULL, "-o", path)
        assert made.exit_code == 0, made.stderr
        assert schema_errors(json.loads(path.read_text(encoding="utf-8")), schema) == [], kind
        documents[kind] = path
    rows = sum(len(r["by-components"]) for r in json.loads(documents["ssp"].read_text(encoding="utf-8"))
               ["system-security-plan"]["control-implementation"]["implemented-requirements"])
    assert rows >= 1800
    done = trestle_validate_all(tmp_path, ws, documents, trestle_skeleton)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    identity = run("--workspace", ws, "import", "oscal", "ssp", documents["ssp"])
    assert identity.exit_code == 0 and "0 Änderungen" in identity.output
