"""``ikz-isms check``: workspace and catalog rules, text/JSON/JUnit output, exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ikz_isms.store import sha256_file
from ikz_isms.testing import write_plugin
from tests.support import upstream_file

CATALOG_UUID = "3f1c2a4e-8b7d-4c2e-9a1f-0123456789ab"
BSI_NS = "https://github.com/BSI-Bund/Stand-der-Technik-Bibliothek/tree/main/Dokumentation/namespaces"
CONTROL_UUIDS = [f"5e0c9b1a-1d2e-4f3a-8b4c-{n:012x}" for n in range(1, 20)]


def control(cid, *, level="normal-SdT", modal="MUSS", uuid=None, links=(), extra_props=(), statement_props=()):
    props = [{"name": "sec_level", "value": level}] if level else []
    if uuid:
        props.append({"name": "alt-identifier", "value": uuid})
    props.extend(extra_props)
    stmt_props = [{"name": "modal_verb", "value": modal}] if modal else []
    stmt_props.extend(statement_props)
    return {
        "id": cid,
        "title": f"Anforderung {cid}",
        "props": props,
        "links": [{"href": f"#{target}", "rel": "related"} for target in links],
        "parts": [
            {
                "id": f"{cid.lower()}_stm",
                "name": "statement",
                "prose": f"Die Behörde {modal or 'wird'} Regeln für {cid} festlegen.",
                "props": stmt_props,
            }
        ],
    }


def catalog_doc(controls=None, *, groups=None, metadata=None):
    if controls is None:
        controls = [control("TST.1.1", uuid=CONTROL_UUIDS[0]), control("TST.1.2", modal="SOLLTE", uuid=CONTROL_UUIDS[1])]
    meta = {
        "title": "Testkatalog",
        "last-modified": "2026-01-01T00:00:00+00:00",
        "version": "2026.1",
        "oscal-version": "1.1.3",
    }
    if metadata is not None:
        meta = metadata
    return {
        "catalog": {
            "uuid": CATALOG_UUID,
            "metadata": meta,
            "groups": groups
            if groups is not None
            else [{"id": "TST", "title": "Test", "groups": [{"id": "TST.1", "title": "Thema", "controls": controls}]}],
        }
    }


def write_catalog(path: Path, doc=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc if doc is not None else catalog_doc(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def make_workspace(root: Path, *, members=(), doc=None, sha256=None, extra_config="") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    catalog = write_catalog(root / "catalogs" / "test.json", doc)
    members_yaml = "".join(f"\n    - {m}" for m in members) if members else " []"
    (root / "ikz-isms.yaml").write_text(
        "verbund:\n"
        "  name: Testverbund\n"
        f"  members:{members_yaml}\n"
        "default_catalog: test\n"
        "catalogs:\n"
        "  test:\n"
        "    file: catalogs/test.json\n"
        "    version: '2026.1'\n"
        "    format: oscal-json\n"
        f"    sha256: {sha256 or sha256_file(catalog)}\n" + extra_config,
        encoding="utf-8",
    )
    return root


def check_json(run_cli, *args, workspace=None):
    prefix = ("--workspace", workspace) if workspace else ()
    result = run_cli(*prefix, "check", "--format", "json", *args)
    return result, json.loads(result.output)


def rules_of(data, severity=None):
    return [f["rule"] for f in data["findings"] if severity is None or f["severity"] == severity]


# --- workspace ---------------------------------------------------------------------------


def test_clean_workspace_passes(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    result = run_cli("--workspace", ws, "check")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.strip().splitlines()[-1] == "Prüfung bestanden: 0 Fehler, 0 Warnungen in 2 Dateien."


def test_workspace_found_from_cwd(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    result = run_cli("check", cwd=ws)
    assert result.exit_code == 0


def test_pin_mismatch_fails(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    catalog = ws / "catalogs" / "test.json"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("Testkatalog", "Manipuliert"), encoding="utf-8")
    result = run_cli("--workspace", ws, "check")
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "catalog.pin-mismatch" in line)
    assert line.startswith("FEHLER")
    assert "catalogs/test.json" in line and "„test“" in line
    assert "Prüfung nicht bestanden: 1 Fehler, 0 Warnungen in 2 Dateien." in result.output


def test_missing_pinned_catalog_is_unreadable_input(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    (ws / "catalogs" / "test.json").unlink()
    result = run_cli("--workspace", ws, "check")
    assert result.exit_code == 3
    assert "test.json" in result.stderr and "nicht gefunden" in result.stderr
    assert "catalog.unreadable" in result.output
    assert "Traceback" not in result.output + result.stderr


def test_invalid_config_is_a_finding_and_exit_3(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    config = ws / "ikz-isms.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("    sha256:", "    sha265:"), encoding="utf-8")
    result, data = check_json(run_cli, workspace=ws)
    assert result.exit_code == 3
    assert data["findings"][0]["rule"] == "workspace.config"
    assert data["findings"][0]["file"] == "ikz-isms.yaml"
    assert "Zeile" in data["findings"][0]["location"]
    assert "ikz-isms.yaml" in result.stderr


def test_malformed_config_yaml_exit_3(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    (ws / "ikz-isms.yaml").write_text("verbund: [\n", encoding="utf-8")
    result = run_cli("--workspace", ws, "check")
    assert result.exit_code == 3
    assert "FEHLER   workspace.config  ikz-isms.yaml:Zeile" in result.output
    assert "ungültiges YAML" in result.stderr


def test_directory_instead_of_catalog_exit_3(run_cli, tmp_path):
    result = run_cli("check", tmp_path)
    assert result.exit_code == 3
    assert "Verzeichnis" in result.stderr


def test_no_workspace_at_all(run_cli, tmp_path):
    result = run_cli("check", cwd=tmp_path)
    assert result.exit_code == 3
    assert "keine Arbeitsumgebung" in result.stderr


def test_config_cross_references(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws", members=["musterkreis"])
    config = ws / "ikz-isms.yaml"
    text = config.read_text(encoding="utf-8").replace("default_catalog: test", "default_catalog: fehlt")
    config.write_text(text.replace("  name: Testverbund\n", "  name: Testverbund\n  lead: anderswo\n"), encoding="utf-8")
    result, data = check_json(run_cli, workspace=ws)
    assert result.exit_code == 1
    messages = [f["message"] for f in data["findings"] if f["rule"] == "workspace.config"]
    assert any("default_catalog „fehlt“" in m for m in messages)
    assert any("„anderswo“" in m for m in messages)


COUNTY_PLUGIN = '''
from ikz_isms import hookimpl


@hookimpl
def ikz_register_counties(register):
    from pathlib import Path

    register({"key": "fremdkreis", "name": "Landkreis Fremd"}, Path(__file__).parent / "fremd-daten")
'''


def test_member_without_plugin_and_county_not_member(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws", members=["musterkreis"])
    (ws / "plugins").mkdir()
    write_plugin(ws, "fremd", COUNTY_PLUGIN)
    result, data = check_json(run_cli, workspace=ws)
    assert result.exit_code == 0
    by_rule = {f["rule"]: f for f in data["findings"]}
    assert by_rule["workspace.member-without-plugin"]["severity"] == "warning"
    assert "musterkreis" in by_rule["workspace.member-without-plugin"]["message"]
    assert by_rule["workspace.member-without-plugin"]["location"].startswith("Zeile 4")
    assert "fremdkreis" in by_rule["workspace.county-not-member"]["message"]
    assert "fremd" in by_rule["workspace.county-not-member"]["message"]


def test_strict_makes_warnings_fail(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws", members=["musterkreis"])
    assert run_cli("--workspace", ws, "check").exit_code == 0
    result = run_cli("--workspace", ws, "check", "--strict")
    assert result.exit_code == 1
    assert "Warnungen zählen als Fehler" in result.output


BROKEN_RULE_PLUGIN = '''
from ikz_isms import hookimpl


def exploding(ctx):
    yield from ()
    raise ZeroDivisionError("durch null")


@hookimpl
def ikz_register_check_rules(register):
    register("kaputt.regel", exploding, "explodiert")
'''


def test_crashing_rule_becomes_an_error_finding(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    (ws / "plugins").mkdir()
    write_plugin(ws, "kaputt", BROKEN_RULE_PLUGIN)
    result = run_cli("--workspace", ws, "check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    line = next(line for line in result.output.splitlines() if "kaputt.regel" in line)
    assert line.startswith("FEHLER")
    assert "Plugin kaputt" in line and "ZeroDivisionError" in line


BROKEN_COUNTY_PLUGIN = '''
from ikz_isms import hookimpl


@hookimpl
def ikz_register_counties(register):
    raise RuntimeError("Profil kaputt")
'''


def test_failing_county_plugin_is_an_error_finding(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    (ws / "plugins").mkdir()
    write_plugin(ws, "kaputtkreis", BROKEN_COUNTY_PLUGIN)
    result, data = check_json(run_cli, workspace=ws)
    assert result.exit_code == 1
    failure = next(f for f in data["findings"] if f["rule"] == "plugin.failure")
    assert "kaputtkreis" in failure["message"] and "Profil kaputt" in failure["message"]


def test_county_plugin_that_does_not_load_fails_the_workspace_check(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws")
    (ws / "plugins").mkdir()
    write_plugin(ws, "syntaxkreis", "def kaputt(:\n")
    result, data = check_json(run_cli, workspace=ws)
    assert result.exit_code == 1
    failure = next(f for f in data["findings"] if f["rule"] == "plugin.failure")
    assert failure["severity"] == "error" and "syntaxkreis" in failure["message"]
    catalog_only = run_cli("--workspace", ws, "check", ws / "catalogs" / "test.json")
    assert catalog_only.exit_code == 0, "checking a catalog file alone does not depend on the plugins"


# --- catalog rules, positive and negative -----------------------------------------------


def check_file(run_cli, tmp_path, doc, name="katalog.json"):
    path = write_catalog(tmp_path / name, doc)
    return check_json(run_cli, path)


def test_clean_catalog_file_has_no_findings(run_cli, tmp_path):
    result, data = check_file(run_cli, tmp_path, catalog_doc())
    assert result.exit_code == 0
    assert data["findings"] == []
    assert "catalog.pin-mismatch" not in data["summary"]["rules"]


def test_schema_required_metadata_and_unknown_keys(run_cli, tmp_path):
    doc = catalog_doc(metadata={"title": "T", "last-modified": "2026-01-01T00:00:00Z", "oscal-version": "1.1.3"})
    for item in doc["catalog"]["groups"][0]["groups"][0]["controls"]:
        item["title-en"] = "English"
    result, data = check_file(run_cli, tmp_path, doc)
    assert result.exit_code == 1
    schema = [f for f in data["findings"] if f["rule"] == "catalog.schema"]
    assert any("„version“" in f["message"] and f["location"] == "/catalog/metadata" for f in schema)
    # one finding for the same unknown key in many controls, with the count
    title_en = [f for f in schema if "title-en" in f["message"]]
    assert len(title_en) == 1 and "2×" in title_en[0]["message"]
    assert title_en[0]["severity"] == "error"


def test_schema_ids_must_be_tokens(run_cli, tmp_path):
    result, data = check_file(run_cli, tmp_path, catalog_doc([control("1 falsch")]))
    assert result.exit_code == 1
    finding = next(f for f in data["findings"] if f["rule"] == "catalog.schema")
    assert "OSCAL-Token" in finding["message"]
    assert finding["location"] == "/catalog/groups/0/groups/0/controls/0/id"


def test_schema_beta_prop_names_are_one_warning_each(run_cli, tmp_path):
    beta = [
        control(
            f"TST.1.{n}",
            modal=None,
            statement_props=[
                {"name": "modalverb", "value": "MUSS", "ns": f"{BSI_NS}/modalverb.csv"},
                {"name": "ergebnis", "value": "x", "ns": f"{BSI_NS}/ergebnis.csv"},
                {"name": "level", "value": "x", "ns": "urn:example:eigene"},
            ],
        )
        for n in range(1, 4)
    ]
    result, data = check_file(run_cli, tmp_path, catalog_doc(beta))
    assert result.exit_code == 0
    warnings = [f for f in data["findings"] if f["rule"] == "catalog.schema"]
    assert len(warnings) == 2
    assert all(f["severity"] == "warning" for f in warnings)
    modalverb = next(f for f in warnings if "„modalverb“" in f["message"])
    assert "(3×)" in modalverb["message"] and "„modal_verb“" in modalverb["message"]


def test_schema_bsi_prop_names_only_for_bsi_catalogs(run_cli, tmp_path):
    plain = [control("TST.1.1", extra_props=[{"name": "priority", "value": "must"}])]
    plain[0]["props"] = [p for p in plain[0]["props"] if p["name"] != "sec_level"] + [
        {"name": "level", "value": "normal-SdT", "ns": "https://ikz-isms.de/ns/oscal"}
    ]
    _result, data = check_file(run_cli, tmp_path, catalog_doc(plain))
    assert "catalog.schema" not in rules_of(data)


def test_duplicate_id(run_cli, tmp_path):
    result, data = check_file(run_cli, tmp_path, catalog_doc([control("TST.1.1"), control("TST.1.1")]))
    assert result.exit_code == 1
    duplicates = [f for f in data["findings"] if f["rule"] == "catalog.duplicate-id"]
    assert len(duplicates) >= 1
    assert "TST.1.1" in duplicates[0]["message"]
    assert duplicates[0]["severity"] == "error"


def test_duplicate_control_uuid_is_error(run_cli, tmp_path):
    doc = catalog_doc([control("TST.1.1", uuid=CONTROL_UUIDS[0]), control("TST.1.2", uuid=CONTROL_UUIDS[0])])
    result, data = check_file(run_cli, tmp_path, doc)
    assert result.exit_code == 1
    finding = next(f for f in data["findings"] if f["rule"] == "catalog.duplicate-uuid")
    assert finding["severity"] == "error" and "TST.1.1, TST.1.2" in finding["message"]


def test_repeated_group_uuids_are_one_warning_and_param_uuids_are_fine(run_cli, tmp_path):
    topic = {"name": "alt-identifier", "value": CONTROL_UUIDS[9]}
    first = control("TST.1.1", uuid=CONTROL_UUIDS[0])
    first["params"] = [{"id": "tst.1.1-prm1", "label": "Frist", "props": [{"name": "alt-identifier", "value": CONTROL_UUIDS[0]}]}]
    groups = [
        {"id": "TST", "title": "Test", "groups": [
            {"id": "TST.1", "title": "Grundlagen", "props": [topic], "controls": [first]},
            {"id": "TST.2", "title": "Grundlagen", "props": [topic], "controls": [control("TST.2.1", uuid=CONTROL_UUIDS[1])]},
            {"id": "TST.3", "title": "Grundlagen", "props": [topic], "controls": [control("TST.3.1", uuid=CONTROL_UUIDS[2])]},
        ]},
    ]
    result, data = check_file(run_cli, tmp_path, catalog_doc(groups=groups))
    assert result.exit_code == 0
    findings = [f for f in data["findings"] if f["rule"] == "catalog.duplicate-uuid"]
    assert len(findings) == 1
    assert findings[0]["severity"] == "warning" and "3 Gruppen" in findings[0]["message"]


def test_dangling_relation(run_cli, tmp_path):
    doc = catalog_doc([control("TST.1.1", links=["TST.1.2", "TST.9.9"]), control("TST.1.2")])
    result, data = check_file(run_cli, tmp_path, doc)
    assert result.exit_code == 1
    dangling = [f for f in data["findings"] if f["rule"] == "catalog.dangling-relation"]
    assert len(dangling) == 1
    assert "TST.9.9" in dangling[0]["message"]
    assert dangling[0]["location"] == "/catalog/groups/0/groups/0/controls/0"


def test_missing_modal_verb(run_cli, tmp_path):
    doc = catalog_doc([control("TST.1.1"), control("TST.1.2", modal=None)])
    result, data = check_file(run_cli, tmp_path, doc)
    assert result.exit_code == 1
    finding = next(f for f in data["findings"] if f["rule"] == "catalog.missing-modal-verb")
    assert "TST.1.2" in finding["message"]


def test_unknown_level(run_cli, tmp_path):
    doc = catalog_doc([control("TST.1.1"), control("TST.1.2", level="mittel")])
    result, data = check_file(run_cli, tmp_path, doc)
    assert result.exit_code == 1
    finding = next(f for f in data["findings"] if f["rule"] == "catalog.unknown-level")
    assert "„mittel“" in finding["message"] and "TST.1.2" in finding["message"]


def test_withdrawn_is_one_summary_warning(run_cli, tmp_path):
    gone = [control(f"TST.1.{n}", extra_props=[{"name": "status", "value": "withdrawn"}]) for n in (2, 3)]
    result, data = check_file(run_cli, tmp_path, catalog_doc([control("TST.1.1"), *gone]))
    assert result.exit_code == 0
    (finding,) = [f for f in data["findings"] if f["rule"] == "catalog.withdrawn"]
    assert finding["severity"] == "warning"
    assert finding["message"].startswith("2 Anforderungen ENTFALLEN, werden nicht geprüft")


MINI_KOMPENDIUM = """<?xml version="1.0" encoding="UTF-8"?>
<book xmlns="http://docbook.org/ns/docbook" version="5.0">
<info><title>IT-Grundschutz-Kompendium</title></info>
<chapter><title>SYS IT-Systeme</title>
<section><title>SYS.1.1 Allgemeiner Server</title>
<section><title>Anforderungen</title>
<section><title>Basis-Anforderungen</title>
<section><title>{first} Zugriffsschutz (B)</title><para>Der Server MUSS geschützt werden.</para></section>
<section><title>SYS.1.1.A2 Protokollierung (B)</title><para>Zugriffe SOLLTEN protokolliert werden.</para></section>
</section></section></section></chapter></book>
"""


def test_importer_notes_become_findings(run_cli, tmp_path):
    path = tmp_path / "kompendium.xml"
    path.write_text(MINI_KOMPENDIUM.format(first="SYS.1.1A1"), encoding="utf-8")
    result, data = check_json(run_cli, path)
    assert result.exit_code == 0
    finding = next(f for f in data["findings"] if f["rule"] == "catalog.id-normalised")
    assert finding["severity"] == "warning" and "SYS.1.1A1" in finding["message"]
    assert finding["location"] == "Zeile 8"
    path.write_text(MINI_KOMPENDIUM.format(first="SYS.1.1.A1"), encoding="utf-8")
    _result, data = check_json(run_cli, path)
    assert "catalog.id-normalised" not in rules_of(data)


def test_ed2023_modal_verb_anywhere_in_text_is_enough(run_cli, tmp_path):
    path = tmp_path / "kompendium.xml"
    path.write_text(MINI_KOMPENDIUM.format(first="SYS.1.1.A1"), encoding="utf-8")
    _result, data = check_json(run_cli, path)
    assert "catalog.missing-modal-verb" not in rules_of(data)
    path.write_text(MINI_KOMPENDIUM.format(first="SYS.1.1.A1").replace("MUSS", "wird"), encoding="utf-8")
    result, data = check_json(run_cli, path)
    assert result.exit_code == 1
    assert "catalog.missing-modal-verb" in rules_of(data, "error")


# --- output formats ----------------------------------------------------------------------


def test_json_shape(run_cli, tmp_path):
    doc = catalog_doc([control("TST.1.1", links=["NIRGENDS"]), control("TST.1.2", extra_props=[{"name": "status", "value": "withdrawn"}])])
    result, data = check_file(run_cli, tmp_path, doc)
    assert result.exit_code == 1
    assert set(data) == {"findings", "summary"}
    assert set(data["findings"][0]) == {"rule", "severity", "message", "file", "location"}
    summary = data["summary"]
    assert summary["errors"] == 1 and summary["warnings"] == 1
    assert summary["files"] == [str(tmp_path / "katalog.json")]
    assert summary["exit_code"] == 1 and summary["passed"] is False and summary["strict"] is False
    assert "catalog.schema" in summary["rules"]


def test_junit_has_failures_and_warnings(run_cli, tmp_path):
    doc = catalog_doc([
        control("TST.1.1", links=["<böse&>"]),
        control("TST.1.2", extra_props=[{"name": "status", "value": "withdrawn"}]),
    ])
    path = write_catalog(tmp_path / "katalog.json", doc)
    result = run_cli("check", "--format", "junit", path)
    assert result.exit_code == 1
    root = ET.fromstring(result.output.encode("utf-8"))
    assert root.tag == "testsuites"
    assert root.get("failures") == "1" and root.get("skipped") == "1"
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    failure = suites["catalog.dangling-relation"].find("testcase/failure")
    assert failure is not None and "<böse&>" in failure.get("message")
    assert "katalog.json" in suites["catalog.dangling-relation"].find("testcase").get("name")
    skipped = suites["catalog.withdrawn"].find("testcase/skipped")
    assert skipped is not None and "ENTFALLEN" in skipped.get("message")
    passing = suites["catalog.unknown-level"].findall("testcase")
    assert len(passing) == 1 and passing[0].find("failure") is None
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())


def test_junit_strict_turns_warnings_into_failures(run_cli, tmp_path):
    doc = catalog_doc([control("TST.1.1"), control("TST.1.2", extra_props=[{"name": "status", "value": "withdrawn"}])])
    path = write_catalog(tmp_path / "katalog.json", doc)
    result = run_cli("check", "--format", "junit", "--strict", path)
    assert result.exit_code == 1
    root = ET.fromstring(result.output.encode("utf-8"))
    assert root.get("failures") == "1" and root.get("skipped") == "0"


def test_junit_survives_control_characters(run_cli, tmp_path):
    doc = catalog_doc([control("TST.1.1", links=["a\u0001b"])])
    path = write_catalog(tmp_path / "katalog.json", doc)
    result = run_cli("check", "--format", "junit", path)
    root = ET.fromstring(result.output.encode("utf-8"))
    assert root.get("failures") == "1"


def test_output_file_is_written_and_text_shown(run_cli, tmp_path):
    ws = make_workspace(tmp_path / "ws", members=["musterkreis"])
    report = tmp_path / "out" / "report.xml"
    # the folder of an output file must exist: a typo in it is exit 6 naming it, before the checks run
    missing = run_cli("--workspace", ws, "check", "--format", "junit", "--output", report)
    assert missing.exit_code == 6 and f"Verzeichnis fehlt ({report.parent})" in missing.stderr
    assert not report.parent.exists() and missing.output == ""
    report.parent.mkdir()
    result = run_cli("--workspace", ws, "check", "--format", "junit", "--output", report)
    assert result.exit_code == 0
    root = ET.parse(report).getroot()
    assert root.get("skipped") == "1"
    assert "WARNUNG  workspace.member-without-plugin" in result.output
    assert "Prüfung bestanden: 0 Fehler, 1 Warnung in 2 Dateien." in result.output
    assert [p.name for p in report.parent.iterdir()] == ["report.xml"]


# --- exit codes on bad input -------------------------------------------------------------


def test_usage_error_exit_2(run_cli, tmp_path):
    result = run_cli("check", "--format", "xml", tmp_path / "x.json")
    assert result.exit_code == 2
    assert run_cli("check", "--gibtsnicht").exit_code == 2


def test_malformed_json_exit_3_and_no_output_file(run_cli, tmp_path):
    path = tmp_path / "kaputt.json"
    path.write_text('{"catalog": {"uuid": "x",,}}', encoding="utf-8")
    report = tmp_path / "report.json"
    result = run_cli("check", "--format", "json", "--output", report, path)
    assert result.exit_code == 3
    assert "kaputt.json" in result.stderr and "Zeile 1" in result.stderr
    assert not report.exists()
    assert list(tmp_path.iterdir()) == [path]
    assert "Traceback" not in result.output + result.stderr


HOSTILE_XML = """<?xml version="1.0"?>
<!DOCTYPE book [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<book xmlns="http://docbook.org/ns/docbook"><title>&lol3;</title></book>
"""


def test_hostile_xml_exit_3_and_no_output_file(run_cli, tmp_path):
    path = tmp_path / "boese.xml"
    path.write_text(HOSTILE_XML, encoding="utf-8")
    report = tmp_path / "report.xml"
    result = run_cli("check", "--format", "junit", "-o", report, path)
    assert result.exit_code == 3
    assert "boese.xml" in result.stderr
    assert not report.exists()


def test_missing_file_on_command_line_exit_3(run_cli, tmp_path):
    result = run_cli("check", tmp_path / "gibtsnicht.json")
    assert result.exit_code == 3
    assert "gibtsnicht.json" in result.stderr and "nicht gefunden" in result.stderr


def test_unparsable_catalog_still_reports_the_others(run_cli, tmp_path):
    good = write_catalog(tmp_path / "gut.json", catalog_doc([control("TST.1.1", level="mittel")]))
    bad = tmp_path / "kaputt.json"
    bad.write_text("{", encoding="utf-8")
    result = run_cli("check", good, bad)
    assert result.exit_code == 3
    assert "catalog.unknown-level" in result.output
    assert "Prüfung unvollständig" in result.output


# --- the real BSI files ------------------------------------------------------------------


@pytest.mark.upstream
@pytest.mark.parametrize(
    "relative",
    [
        "gspp/current/BSI-Stand-der-Technik-Kernel-catalog.json",
        "gspp/current/BSI-Methodik-Grundschutz++-catalog.json",
        "gspp/current/BSI-Anforderungen-zum-Risikomanagement-catalog.json",
        "gspp/resolved-2026-06-30/Grundschutz++-catalog.json",
    ],
)
def test_real_gspp_catalogs_pass(run_cli, relative):
    result, data = check_json(run_cli, upstream_file(relative))
    assert result.exit_code == 0
    assert rules_of(data, "error") == []
    # BSI's topic UUIDs repeat by design: at most the one summary warning
    assert set(rules_of(data, "warning")) <= {"catalog.duplicate-uuid"}


@pytest.mark.upstream
def test_real_beta_warns_about_german_prop_names(run_cli):
    result, data = check_json(run_cli, upstream_file("gspp/beta-0.9.7/Grundschutz++-Kompendium.json"))
    assert result.exit_code == 0
    messages = [f["message"] for f in data["findings"] if f["rule"] == "catalog.schema"]
    for name in ("modalverb", "target_objects", "handlungsworte", "ergebnis", "präzisierung"):
        assert sum(f"„{name}“" in m for m in messages) == 1, name
    assert any("„modalverb“ (985×)" in m for m in messages)


@pytest.mark.upstream
def test_real_kompendium_2023(run_cli):
    result, data = check_json(run_cli, upstream_file("kompendium-2023/XML_Kompendium_2023.xml"))
    assert result.exit_code == 0
    assert rules_of(data, "error") == []
    normalised = next(f for f in data["findings"] if f["rule"] == "catalog.id-normalised")
    assert "OPS.2.3A22" in normalised["message"] and normalised["location"].startswith("Zeile ")
    withdrawn = next(f for f in data["findings"] if f["rule"] == "catalog.withdrawn")
    assert withdrawn["message"].startswith("290 Anforderungen ENTFALLEN, werden nicht geprüft")


@pytest.mark.upstream
def test_real_community_200_4_is_not_oscal(run_cli):
    result, data = check_json(run_cli, upstream_file("community/bsi-200-4/bsi_200_4_catalog.json"))
    assert result.exit_code == 1
    schema = [f["message"] for f in data["findings"] if f["rule"] == "catalog.schema"]
    assert any("„title-en“" in m and "42×" in m for m in schema)
    assert any("„title-de“" in m for m in schema)


@pytest.mark.upstream
def test_real_files_together_in_text(run_cli, upstream):
    result = run_cli(
        "check",
        upstream / "gspp/current/BSI-Anforderungen-zum-Risikomanagement-catalog.json",
        upstream / "kompendium-2023/XML_Kompendium_2023.xml",
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "Prüfung bestanden: 0 Fehler, 2 Warnungen in 2 Dateien."
