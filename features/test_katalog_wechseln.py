"""Steps for features/katalog_wechseln.feature: the ISB migrates the check to Grundschutz++ and back."""

from __future__ import annotations

import json

import yaml
from pytest_bdd import given, parsers, scenarios, then, when

from tests.support import county_dir, read_records, snapshot_tree, upstream_file

scenarios("katalog_wechseln.feature")

RESOLVED = "gspp/resolved-2026-06-30/Grundschutz++-catalog.json"
MAPPING = "gspp/current/ITGS-to-GS++-mapping_collection.json"


def _data_files(workspace, county):
    """The county's files as a user sees them (the journal and the archive of changes aside)."""
    return {p: b for p, b in snapshot_tree(county_dir(workspace, county)).items()
            if p != "journal.jsonl" and not p.startswith("archiv")}


@given(parsers.parse('der Grundschutz++-Katalog vom 30.06.2026 ist als "{name}" eingetragen'))
def gspp_pinned(run_cli, workspace, state, name):
    result = run_cli("--workspace", workspace, "catalog", "import", upstream_file(RESOLVED), "--name", name)
    assert result.exit_code == 0, result.stderr
    state["before"] = {key: _data_files(workspace, key) for key in ("bernkastel-wittlich",)}


@given(parsers.parse('das BSI-Mapping Edition 2023 → Grundschutz++ ist als "{name}" eingetragen'))
def mapping_stored(run_cli, workspace, name):
    result = run_cli("--workspace", workspace, "catalog", "import", upstream_file(MAPPING), "--name", name)
    assert result.exit_code == 0, result.stderr


@then(parsers.parse('an den Dateien von "{county}" hat sich nichts geändert'))
def unchanged(workspace, state, county):
    assert _data_files(workspace, county) == state["before"][county]


@then(parsers.parse('"{county}" arbeitet mit dem Katalog "{catalog}"'))
def works_with(workspace, county, catalog):
    profile = yaml.safe_load((county_dir(workspace, county) / "landkreis.yaml").read_text(encoding="utf-8"))
    assert profile["catalog"] == catalog


@then(parsers.parse('die Maßnahme "{measure}" nennt jetzt die Anforderung "{requirement}"'))
def measure_follows(workspace, measure, requirement):
    plan = yaml.safe_load((county_dir(workspace, "bernkastel-wittlich") / "plan.yaml").read_text(encoding="utf-8"))
    entry = next(m for m in plan["massnahmen"] if m["id"] == measure)
    assert entry["requirement"] == requirement
    # the measure names the G++ record that now carries its gap
    record = read_records(county_dir(workspace, "bernkastel-wittlich"))[(requirement, entry["target"])]
    assert record["provenance"].startswith("migriert aus muster")


@then(parsers.parse('das Risiko "{risk}" nennt weiter "{requirement}"'))
def risk_stays(workspace, risk, requirement):
    risks = yaml.safe_load((county_dir(workspace, "bernkastel-wittlich") / "risiken.yaml").read_text(encoding="utf-8"))
    assert requirement in next(r for r in risks["risiken"] if r["id"] == risk)["requirements"]


@then(parsers.parse('das Journal von "{county}" ist intakt'))
def journal_intact(run_cli, workspace, county):
    result = run_cli("--workspace", workspace, "journal", "verify", "--county", county)
    assert result.exit_code == 0, result.output + result.stderr


@then(parsers.parse('meldet check eine Warnung "{rule}" zu "{text}"'))
def check_warns(state, rule, text):
    lines = state["result"].output.splitlines()
    found = [line for line in lines if line.startswith("WARNUNG") and f" {rule} " in line and text in line]
    assert found, lines
    assert "Katalogwechsel" in found[0] and "Entscheidung nötig" in found[0] and "Bitte" in found[0]


@given(parsers.parse('ein Prüfeintrag von "{county}" ist als Vorschlag aus der Migration zum erneuten Prüfen markiert'))
def proposal(workspace, state, county):
    records = read_records(county_dir(workspace, county))
    key = next(k for k, v in records.items()
               if v["status"] == "unbearbeitet" and str(v.get("recheck", "")).startswith("Vorschlag aus der Migration"))
    state["record"] = (county, key)


@when(parsers.parse('ich diesen Prüfeintrag mit "assess set" als "{status}" bewerte'))
def decide(run_cli, workspace, state, status):
    county, (requirement, target) = state["record"]
    state["result"] = run_cli("--workspace", workspace, "assess", "set", "--county", county, requirement, target,
                              status, "--statement", "Nach der Migration neu bewertet.")
    state["status"] = status


@then("ist der Prüfeintrag nicht mehr markiert und gilt als eigene Bewertung")
def decided(workspace, state):
    county, key = state["record"]
    record = read_records(county_dir(workspace, county))[key]
    assert record["status"] == state["status"] and "recheck" not in record and record["provenance"] == "own"


@when(parsers.parse('ich den letzten Katalogwechsel von "{county}" mit "--apply" zurücknehme'))
def undo_last(run_cli, workspace, state, county):
    listing = json.loads(run_cli("--workspace", workspace, "catalog", "undo", "--county", county,
                                 "--format", "json").output)
    change = listing["changes"][-1]["change"]
    state["result"] = run_cli("--workspace", workspace, "catalog", "undo", change, "--county", county, "--apply")


@then(parsers.parse('die Prüfeinträge, der Realisierungsplan und die Risiken von "{county}" sind wie vor dem Wechsel'))
def restored(workspace, state, county):
    assert _data_files(workspace, county) == state["before"][county]
