"""OCDS that consumers can join: one ocid per process, release ids from content, dates from the data,
``buyer`` only for one buyer, call-off lots and single contracts, the workspace's prefix — validated against the
official release schema with the lots and techniques extensions, and compiled with ``ocdskit compile``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ikz_isms.errors import ExitCode
from tests.support import UPSTREAM

TODAY = "2026-11-24"
COUNTIES = "bernkastel-wittlich,cochem-zell,vulkaneifel"


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch (how OCDS extensions apply to the release schema)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@pytest.fixture(scope="module")
def schema_path(tmp_path_factory) -> Path:
    """The OCDS 1.1.5 release schema patched with the lots (v1.1.5) and techniques extensions."""
    base = UPSTREAM / "schemas" / "ocds"
    if not (base / "1.1.5" / "release-schema.json").exists():
        pytest.skip(f"OCDS-Schemas fehlen ({base}); nur im Entwickler-/CI-Checkout vorhanden")
    schema = json.loads((base / "1.1.5" / "release-schema.json").read_text(encoding="utf-8"))
    for extension in ("ocds_lots_extension/v1.1.5", "ocds_techniques_extension"):
        patch = json.loads((base / "extensions" / extension / "release-schema.json").read_text(encoding="utf-8"))
        schema = merge_patch(schema, patch)
    assert "lots" in schema["definitions"]["Tender"]["properties"]
    assert "techniques" in schema["definitions"]["Tender"]["properties"]
    path = tmp_path_factory.mktemp("ocds") / "release-schema-patched.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    return path


def validate(schema_path: Path, package: dict) -> None:
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    release_schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = Draft4Validator(release_schema, format_checker=FormatChecker())
    for release in package["releases"]:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(release)]
        assert not errors, (release["ocid"], errors)
    package_schema = json.loads((UPSTREAM / "schemas/ocds/1.1.5/release-package-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(release_schema["id"],
                                        Resource.from_contents(release_schema, default_specification=DRAFT4))
    errors = [e.message for e in Draft4Validator(package_schema, registry=registry).iter_errors(package)]
    assert not errors, errors


def export(run_cli, ws, *extra) -> dict:
    result = run_cli("export", "ocds", "--date", TODAY, *extra, cwd=ws)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def by_ocid(package: dict) -> dict[str, dict]:
    return {r["ocid"]: r for r in package["releases"]}


def test_export_is_valid_with_lots_and_techniques_and_has_frameworks_single_contracts_and_calloffs(
        example_workspace, run_cli, schema_path):
    package = export(run_cli, example_workspace)
    validate(schema_path, package)
    releases = by_ocid(package)
    assert package["publisher"]["name"].startswith("IKZ Eifel-Mosel-Hunsrück 2.0")
    # every contract is a process: the three frameworks and the six single contracts
    contracts = [r for r in package["releases"] if r["id"].startswith("vertrag-")]
    assert len(contracts) == 9
    single = releases["ocds-ikz000-ev-mdm-cochem-zell"]
    assert single["buyer"] == {"id": "cochem-zell", "name": "Cochem-Zell"}
    assert single["tender"]["techniques"]["hasFrameworkAgreement"] is False
    # several buyers: no "buyer", every participant a party with the role buyer
    framework = releases["ocds-ikz000-rv-unterweisung-arbeitsschutz"]
    assert "buyer" not in framework
    assert [p["id"] for p in framework["parties"] if "buyer" in p["roles"]] == [
        "bernkastel-wittlich", "eifelkreis-bitburg-pruem", "cochem-zell", "vulkaneifel"]
    assert [p["id"] for p in framework["parties"] if "procuringEntity" in p["roles"]] == ["vulkaneifel"]
    # each call-off its own process, linked to the framework, with one buyer
    calloffs = [r for r in package["releases"] if r.get("relatedProcesses")]
    assert len(calloffs) == 11
    for release in calloffs:
        link = release["relatedProcesses"][0]
        assert link["relationship"] == ["framework"] and link["scheme"] == "ocid" and link["identifier"] in releases
        assert release["ocid"].startswith(link["identifier"] + "-")
        assert len([p for p in release["parties"] if "buyer" in p["roles"]]) == 1 and "buyer" in release


def test_calloff_lots_are_exported(example_workspace, run_cli, schema_path):
    path = example_workspace / "catalogs" / "vertraege" / "rv-endpoint-monitoring.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    description: Überwachung 2026, alle drei Landkreise\n",
                                 "    description: Überwachung 2026, alle drei Landkreise\n    lot: \"1\"\n"),
                    encoding="utf-8")
    package = export(run_cli, example_workspace)
    validate(schema_path, package)
    calloff = by_ocid(package)["ocds-ikz000-rv-endpoint-monitoring-A002"]
    assert calloff["tender"]["lots"] == [{"id": "1", "title": "Überwachung und Alarmierung rund um die Uhr"}]
    assert calloff["awards"][0]["relatedLots"] == ["1"]
    framework = by_ocid(package)["ocds-ikz000-rv-endpoint-monitoring"]
    assert [lot["id"] for lot in framework["tender"]["lots"]] == ["1", "2"]
    assert framework["awards"][0]["relatedLots"] == ["1", "2"]


def test_two_exports_of_unchanged_data_are_identical(example_workspace, run_cli, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run_cli("export", "ocds", "--date", TODAY, "-o", str(first), cwd=example_workspace).exit_code == 0
    # a later day in the same state of every contract: nothing in the data changed
    assert run_cli("export", "ocds", "--date", "2026-11-30", "-o", str(second), cwd=example_workspace).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    release_dates = {r["date"] for r in json.loads(first.read_text(encoding="utf-8"))["releases"]}
    assert "2026-11-24T00:00:00Z" not in release_dates, "no release is dated by the export"


def test_changed_data_gets_a_new_release_id_and_unchanged_keep_theirs(example_workspace, run_cli):
    before = by_ocid(export(run_cli, example_workspace))
    path = example_workspace / "catalogs" / "vertraege" / "rv-vob-beratung.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('amount: "4625.00"', 'amount: "4600.00"'),
                    encoding="utf-8")
    after = by_ocid(export(run_cli, example_workspace))
    assert set(before) == set(after)
    changed = {ocid for ocid in before if before[ocid]["id"] != after[ocid]["id"]}
    assert changed == {"ocds-ikz000-rv-vob-beratung-A003"}
    assert after["ocds-ikz000-rv-vob-beratung-A003"]["awards"][0]["value"]["amount"] == 4600


def test_ocid_prefix_comes_from_the_workspace_config(example_workspace, run_cli):
    config = example_workspace / "ikz-isms.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("prefix: ocds-ikz000", "prefix: ocds-ab12cd"), encoding="utf-8")
    assert all(r["ocid"].startswith("ocds-ab12cd-") for r in export(run_cli, example_workspace)["releases"])
    assert all(r["ocid"].startswith("ocds-zz99yy-")
               for r in export(run_cli, example_workspace, "--prefix", "ocds-zz99yy")["releases"])
    bad = run_cli("export", "ocds", "--prefix", "OCDS_1", cwd=example_workspace)
    assert bad.exit_code == ExitCode.USAGE and "--prefix" in bad.stderr
    config.write_text(text.replace("    prefix: ocds-ikz000", "    prefix: ocds-zu-lang"), encoding="utf-8")
    invalid = run_cli("export", "ocds", cwd=example_workspace)
    assert invalid.exit_code == ExitCode.INPUT and "ikz-isms.yaml, Zeile" in invalid.stderr
    config.write_text(text.replace("    prefix: ocds-ikz000", ""), encoding="utf-8")
    missing = run_cli("export", "ocds", cwd=example_workspace)
    assert missing.exit_code == ExitCode.INPUT
    assert "procurement.ocds.prefix" in missing.stderr and "ikz-isms.yaml" in missing.stderr


# -- one process from the tender to the contract, compiled by ocdskit -------------------------


def tender_and_contract(run_cli, ws: Path, tmp_path: Path) -> tuple[dict, dict]:
    """The monitoring framework's tender (project mdr-2025, created 15.01.2025) and its award (contract)."""
    created = run_cli("tender", "new", "endpunkt-ueberwachung", "--counties", COUNTIES, "--notice-date", "2025-02-01",
                      "--date", "2025-01-15", "--name", "mdr-2025", cwd=ws)
    assert created.exit_code == 0, created.stderr
    packed = run_cli("tender", "pack", "mdr-2025", "--output", str(tmp_path / "pack"), cwd=ws)
    assert packed.exit_code == 0, packed.stderr
    path = ws / "catalogs" / "vertraege" / "rv-endpoint-monitoring.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("category: endpoint-monitoring\n",
                                                             "category: endpoint-monitoring\ntender: mdr-2025\n"),
                    encoding="utf-8")
    tender = json.loads((tmp_path / "pack" / "ocds-mdr-2025.json").read_text(encoding="utf-8"))
    return tender, export(run_cli, ws)


def test_one_ocid_through_planning_tender_award_and_contract(example_workspace, run_cli, tmp_path, schema_path):
    tender, contracts = tender_and_contract(run_cli, example_workspace, tmp_path)
    validate(schema_path, tender)
    validate(schema_path, contracts)
    planned = tender["releases"][0]
    awarded = by_ocid(contracts)["ocds-ikz000-mdr-2025"]
    assert planned["ocid"] == awarded["ocid"] == "ocds-ikz000-mdr-2025"
    assert planned["tag"] == ["planning", "tender"] and awarded["tag"] == ["award", "contract"]
    assert planned["tender"]["id"] == awarded["tender"]["id"] == "mdr-2025"
    assert planned["id"] != awarded["id"] and planned["date"] < awarded["date"]
    assert "buyer" not in planned and "buyer" not in awarded
    assert planned["tender"]["techniques"]["frameworkAgreement"]["method"] == "withoutReopeningCompetition"
    # the call-offs link to that one process
    links = {r["relatedProcesses"][0]["identifier"] for r in contracts["releases"]
             if r["ocid"].startswith("ocds-ikz000-mdr-2025-")}
    assert links == {"ocds-ikz000-mdr-2025"}


@pytest.mark.slow
def test_ocdskit_compile_yields_one_sane_compiled_release_per_process(example_workspace, run_cli, tmp_path,
                                                                       schema_path):
    tender, contracts = tender_and_contract(run_cli, example_workspace, tmp_path)
    again = export(run_cli, example_workspace)  # a consumer that fetched twice
    stdin = "\n".join(json.dumps(p) for p in (tender, contracts, again))
    ocdskit = Path(sys.executable).with_name("ocdskit")
    result = subprocess.run([str(ocdskit), "compile", "--schema", str(schema_path)], input=stdin, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    compiled = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    ocids = [r["ocid"] for r in compiled]
    assert len(ocids) == len(set(ocids)) == len({r["ocid"] for r in contracts["releases"]})
    process = next(r for r in compiled if r["ocid"] == "ocds-ikz000-mdr-2025")
    assert process["tag"] == ["compiled"]
    # planning from the tender pack, award and contract from the export, the tender complete
    assert process["planning"]["budget"]["amount"]["amount"] == tender["releases"][0]["planning"]["budget"]["amount"][
        "amount"]
    assert process["tender"]["status"] == "complete"
    assert [a["id"] for a in process["awards"]] == ["rv-endpoint-monitoring-zuschlag"]
    assert [c["id"] for c in process["contracts"]] == ["rv-endpoint-monitoring"]
    assert sorted(p["id"] for p in process["parties"] if "buyer" in p["roles"]) == sorted(COUNTIES.split(","))
    assert len({p["id"] for p in process["parties"]}) == len(process["parties"])
    calloff = next(r for r in compiled if r["ocid"] == "ocds-ikz000-mdr-2025-A002")
    assert calloff["awards"][0]["value"] == {"amount": 142800, "currency": "EUR"}
    from jsonschema import Draft4Validator

    validator = Draft4Validator(json.loads(schema_path.read_text(encoding="utf-8")))
    for release in compiled:
        assert not [e.message for e in validator.iter_errors(release)], release["ocid"]


def test_tender_pack_rerun_after_a_change_gets_a_new_release_id(example_workspace, run_cli, tmp_path):
    assert run_cli("tender", "new", "endpunkt-ueberwachung", "--counties", COUNTIES, "--notice-date", "2026-03-01",
                   "--date", "2026-01-15", "--name", "mdr", cwd=example_workspace).exit_code == 0

    def release(folder: str) -> dict:
        assert run_cli("tender", "pack", "mdr", "--output", str(tmp_path / folder), cwd=example_workspace).exit_code == 0
        return json.loads((tmp_path / folder / "ocds-mdr.json").read_text(encoding="utf-8"))["releases"][0]

    first, same = release("a"), release("b")
    assert first == same
    project = example_workspace / "vergaben" / "mdr" / "vergabe.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("quantity: '406'", "quantity: '420'"),
                       encoding="utf-8")
    changed = release("c")
    assert changed["ocid"] == first["ocid"] and changed["id"] != first["id"]
    assert changed["tender"]["value"] != first["tender"]["value"]


def test_tender_pack_without_prefix_warns_and_writes_no_ocds(example_workspace, run_cli, tmp_path):
    config = example_workspace / "ikz-isms.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("    prefix: ocds-ikz000", ""), encoding="utf-8")
    run_cli("tender", "new", "endpunkt-ueberwachung", "--counties", COUNTIES, "--notice-date", "2026-03-01",
            "--date", "2026-01-15", "--name", "mdr", cwd=example_workspace)
    result = run_cli("tender", "pack", "mdr", "--output", str(tmp_path / "p"), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert "OCDS-Release nicht erzeugt" in result.stderr and "procurement.ocds.prefix" in result.stderr
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "vergabe-mdr.yaml", "vergabeunterlagen-mdr.pdf", "vergabevermerk-mdr.pdf"]
