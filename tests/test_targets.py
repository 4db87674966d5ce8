"""The structure analysis from the command line: `target add|edit|remove|group|link|need|effect|scale|list|network`.

Every write is checked, atomic and journaled; bad input is a German message with the file,
a documented exit code, and no byte changed (issue 13, points 1 and 2).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, county_dir, journal_entries, journal_problems, read_yaml_file

COUNTY = "vulkaneifel"


READS = ("list", "network", "kinds")


def run(run_cli, ws: Path, *args: str):
    """A target command for Vulkaneifel; writes name the ISB for the journal."""
    reading = args[1] in READS or (args[1] == "scale" and "--level" not in args)
    actor = () if reading else ("--actor", "ISB Vulkaneifel")
    return run_cli("--workspace", ws, *args, "--county", COUNTY, *actor)


def targets_of(ws: Path) -> dict[str, dict]:
    return {t["id"]: t for t in read_yaml_file(county_dir(ws, COUNTY) / "zielobjekte.yaml")["zielobjekte"]}


def snapshot(ws: Path) -> tuple[bytes, bytes]:
    data = county_dir(ws, COUNTY)
    return (data / "zielobjekte.yaml").read_bytes(), (data / "journal.jsonl").read_bytes()


def test_objects_are_added_linked_and_reasoned_with_journal_and_comments_kept(run_cli, example_workspace):
    ws = example_workspace
    data = county_dir(ws, COUNTY)
    before = len(journal_entries(data))
    comments = [line for line in (data / "zielobjekte.yaml").read_text(encoding="utf-8").splitlines()
                if line.lstrip().startswith("#")]
    assert run(run_cli, ws, "target", "add", "SRV-WIN", "--name", "Windows-Server Bauamt", "--type", "IT-System",
               "--kind", "windows-server", "--depends-on", "R-SERVER").exit_code == 0
    added = run(run_cli, ws, "target", "add", "APP-BAU", "--name", "Fachverfahren Bauaufsicht", "--type", "Anwendung",
                "--kind", "Fachverfahren", "--count", "2")
    assert added.exit_code == 0 and "Zielobjekt APP-BAU angelegt" in added.output
    assert run(run_cli, ws, "target", "link", "APP-BAU", "SRV-WIN").exit_code == 0
    need = run(run_cli, ws, "target", "need", "APP-BAU", "--c", "hoch", "--i", "sehr-hoch",
               "--reason", "Bauanträge mit personenbezogenen Daten; Bescheide müssen stimmen")
    assert need.exit_code == 0, need.stderr
    targets = targets_of(ws)
    assert targets["SRV-WIN"]["kind"] == "Windows-Server" and targets["SRV-WIN"]["depends_on"] == ["R-SERVER"]
    app = targets["APP-BAU"]
    assert app["depends_on"] == ["SRV-WIN"] and app["count"] == 2
    assert app["protection_need"] == {"C": "hoch", "I": "sehr hoch"}
    assert app["need_reasons"]["I"].startswith("Bauanträge")
    # the comments of the file survive every write
    after = (data / "zielobjekte.yaml").read_text(encoding="utf-8")
    assert all(comment in after for comment in comments)
    entries = journal_entries(data)[before:]
    assert [e["record"] for e in entries] == ["target:SRV-WIN", "target:APP-BAU", "target:APP-BAU", "target:APP-BAU"]
    assert entries[0]["old"] is None and entries[0]["new"]["name"] == "Windows-Server Bauamt"
    assert entries[-1]["old"]["depends_on"] == ["SRV-WIN"] and entries[-1]["actor"] == "ISB Vulkaneifel"
    assert journal_problems(data / "journal.jsonl") == []
    assert run_cli("--workspace", ws, "journal", "verify", "--county", COUNTY).exit_code == 0
    # the server inherits the application's need by the maximum principle
    listed = json.loads(run(run_cli, ws, "target", "list", "--format", "json").output)["counties"][0]
    server = next(t for t in listed["targets"] if t["id"] == "SRV-WIN")
    assert server["protection_need"]["I"]["result"] == "sehr hoch"
    assert server["protection_need"]["I"]["inherited_from"] == ["APP-BAU"]
    assert server["dependents"] == ["APP-BAU"]
    text = run(run_cli, ws, "target", "list")
    assert "APP-BAU Integrität sehr hoch: Bauanträge" in text.output
    journal = run_cli("--workspace", ws, "journal", "show", "--county", COUNTY, "--limit", "2")
    assert "target:APP-BAU" in journal.output and "geändert (depends_on)" in journal.output


@pytest.mark.parametrize(("args", "code", "words"), [
    (("target", "add", "APP-FACH", "--name", "x", "--type", "Anwendung"), 4, "gibt es bereits"),
    (("target", "add", "app-fach", "--name", "x", "--type", "Anwendung"), 4, "gibt es bereits"),
    (("target", "add", "NEU", "--name", "x", "--type", "Rechner"), 2, "Typ 'Rechner' unbekannt"),
    (("target", "add", "NEU", "--name", "x", "--type", "IT-System", "--kind", "Serverraum"), 2, "gehört zum Typ Raum"),
    (("target", "add", "NEU", "--name", "x", "--type", "IT-System", "--depends-on", "MARS"), 3, "MARS"),
    (("target", "add", "../x", "--name", "x", "--type", "IT-System"), 2, "ungültige Zielobjekt-ID"),
    (("target", "add", "NEU", "--name", "   ", "--type", "IT-System"), 2, "--name darf nicht leer sein"),
    (("target", "link", "R-SERVER", "APP-FACH"), 3, "Abhängigkeitszyklus"),
    (("target", "link", "MARS", "R-SERVER"), 3, "Zielobjekt 'MARS' gibt es"),
    (("target", "need", "APP-FACH", "--c", "mittel", "--reason", "x"), 2, "keine Schutzbedarfskategorie"),
    (("target", "need", "APP-FACH", "--c", "hoch", "--reason", "  "), 2, "--reason darf nicht leer sein"),
    (("target", "need", "APP-FACH", "--reason", "x"), 2, "Mindestens einen Grundwert"),
    (("target", "remove", "SRV-APP"), 4, "hängen noch"),
    (("target", "remove", "APP-OWA"), 4, "Prüfeinträge"),
    (("target", "effect", "SRV-APP", "--effect", "kumulation", "--a", "normal", "--reason", "viele Dienste"), 4,
     "muss den Schutzbedarf erhöhen"),
    (("target", "effect", "GEB-HAUPT", "--effect", "verteilung", "--a", "sehr hoch", "--reason", "x"), 4,
     "muss den Schutzbedarf senken"),
    (("target", "group", "CL", "CL-ARBEITSPLATZ", "FW-01", "--name", "x"), 4, "Prüfeinträge"),
    (("target", "group", "X", "APP-FACH", "R-SERVER", "--name", "x"), 4, "nur Zielobjekte eines Typs"),
    (("target", "edit", "APP-FACH"), 2, "Nichts zu ändern"),
])
def test_bad_input_is_a_german_error_and_changes_nothing(run_cli, example_workspace, args, code, words):
    ws = example_workspace
    before = snapshot(ws)
    result = run(run_cli, ws, *args)
    assert result.exit_code == code, result.output + result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert snapshot(ws) == before


def test_errors_in_the_file_name_file_and_line_and_block_writes(run_cli, example_workspace):
    ws = example_workspace
    path = county_dir(ws, COUNTY) / "zielobjekte.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    type: Raum\n", "    type: Raum\n    farbe: blau\n", 1),
                    encoding="utf-8")
    before = snapshot(ws)
    result = run(run_cli, ws, "target", "add", "NEU", "--name", "Neu", "--type", "IT-System")
    assert result.exit_code == 3
    assert str(path) in result.stderr and "Zeile" in result.stderr and "farbe" in result.stderr
    assert snapshot(ws) == before


def test_grouping_merges_identical_objects_and_repoints_dependents(run_cli, example_workspace):
    ws = example_workspace
    for ident, count in (("CL-A", "40"), ("CL-B", "25")):
        assert run(run_cli, ws, "target", "add", ident, "--name", f"Clients {ident}", "--type", "IT-System",
                   "--kind", "Windows-Client", "--count", count, "--depends-on", "NET-LAN").exit_code == 0
    assert run(run_cli, ws, "target", "need", "CL-B", "--a", "hoch", "--reason", "Leitstelle").exit_code == 0
    assert run(run_cli, ws, "target", "link", "APP-OFFICE", "CL-A").exit_code == 0
    grouped = run(run_cli, ws, "target", "group", "CL-VERW", "CL-A", "CL-B", "--name", "Clients der Verwaltung",
                  "--format", "json")
    assert grouped.exit_code == 0, grouped.stderr
    records = [c["record"] for c in json.loads(grouped.output)["changes"]]
    assert set(records) == {"target:CL-A", "target:CL-B", "target:CL-VERW", "target:APP-OFFICE"}
    targets = targets_of(ws)
    assert "CL-A" not in targets and "CL-B" not in targets
    group = targets["CL-VERW"]
    assert group["count"] == 65 and group["kind"] == "Windows-Client" and group["depends_on"] == ["NET-LAN"]
    assert group["protection_need"]["A"] == "hoch" and group["need_reasons"]["A"] == "Leitstelle"
    assert "CL-A (Clients CL-A)" in group["description"]
    assert targets["APP-OFFICE"]["depends_on"] == ["CL-ARBEITSPLATZ", "CL-VERW"]


def test_cumulation_and_distribution_are_reasoned_decisions(run_cli, example_workspace):
    ws = example_workspace
    result = run(run_cli, ws, "target", "effect", "NET-LAN", "--effect", "kumulation", "--a", "sehr hoch",
                 "--reason", "Alle Fachverfahren und die Telefonie hängen an diesem Netz")
    assert result.exit_code == 0, result.stderr
    need = json.loads(run(run_cli, ws, "target", "list", "--format", "json").output)["counties"][0]
    net = next(t for t in need["targets"] if t["id"] == "NET-LAN")
    assert net["protection_need"]["A"] == {**net["protection_need"]["A"], "result": "sehr hoch", "computed": "hoch",
                                           "overridden": True, "effect": "kumulation"}
    # the raised need is inherited further down (the firewall NET-LAN depends on)
    firewall = next(t for t in need["targets"] if t["id"] == "FW-01")
    assert firewall["protection_need"]["A"]["result"] == "sehr hoch"
    text = run(run_cli, ws, "target", "list").output
    assert "NET-LAN Kumulationseffekt: Alle Fachverfahren" in text
    # one object has one override: another effect on another value is refused until removed
    other = run(run_cli, ws, "target", "effect", "NET-LAN", "--effect", "verteilung", "--c", "hoch", "--reason", "x")
    assert other.exit_code == 4 and "Erst entfernen" in other.stderr
    removed = run(run_cli, ws, "target", "effect", "NET-LAN", "--remove")
    assert removed.exit_code == 0 and "override" not in targets_of(ws)["NET-LAN"]


def test_scale_definitions_per_level_and_damage_scenario(run_cli, example_workspace):
    ws = example_workspace
    assert run(run_cli, ws, "target", "scale", "--level", "sehr hoch", "--text",
               "Existenzbedrohend für Betroffene").exit_code == 0
    assert run(run_cli, ws, "target", "scale", "--scenario", "Negative Innen- oder Außenwirkung", "--level", "hoch",
               "--text", "Regionale Presse").exit_code == 0
    shown = json.loads(run(run_cli, ws, "target", "scale", "--format", "json").output)["scale"]
    assert shown["levels"]["sehr hoch"] == "Existenzbedrohend für Betroffene"
    assert {"name": "Negative Innen- oder Außenwirkung", "hoch": "Regionale Presse"} in shown["scenarios"]
    entries = journal_entries(county_dir(ws, COUNTY))
    assert entries[-1]["record"] == "scale" and entries[-1]["new"]["sehr hoch"] == "Existenzbedrohend für Betroffene"
    text = run(run_cli, ws, "target", "scale").output
    assert "Regionale Presse" in text and "Schadensszenario" in text


def test_network_plan_shows_every_object_and_link_by_layer(run_cli, example_workspace):
    ws = example_workspace
    plan = json.loads(run(run_cli, ws, "target", "network", "--format", "json").output)["counties"][0]
    layers = {layer["id"]: [n["id"] for n in layer["nodes"]] for layer in plan["layers"]}
    assert layers["Geschäftsprozess"] == ["GP-KFZ", "GP-SOZ"]
    assert "R-SERVER" in layers["Raum"] and "GEB-HAUPT" in layers["Raum"]
    expected = {(t["id"], d) for t in targets_of(ws).values() for d in t.get("depends_on") or ()}
    assert {(link["from"], link["to"]) for link in plan["links"]} == expected
    jewel = next(n for layer in plan["layers"] for n in layer["nodes"] if n["id"] == "GP-SOZ")
    assert jewel["kronjuwel"] is True
    text = run(run_cli, ws, "target", "network").output
    assert "Netzplan – Landkreis Vulkaneifel" in text and "[GP-SOZ]" in text and "★ Kronjuwel" in text
    assert "→ APP-FACH, APP-MAIL" in text


def test_kinds_list_what_the_rules_give_on_the_pinned_catalog(run_cli, example_workspace):
    kinds = json.loads(run_cli("--workspace", example_workspace, "target", "kinds", "--format", "json").output)
    by_name = {k["name"]: k for k in kinds["kinds"]}
    assert by_name["Windows-Server"]["type"] == "IT-System" and "SYS.1.1" in by_name["Windows-Server"]["modules"]
    assert by_name["Serverraum"]["modules"] == ["INF.2"]
    assert kinds["modelling_label"] == "Bausteine"


def test_the_schema_knows_every_type_the_code_knows():
    from ikz_isms.assess.structure import type_names

    schema = json.loads((ROOT / "ikz_isms" / "schemas" / "zielobjekte.schema.json").read_text(encoding="utf-8"))
    assert sorted(schema["$defs"]["target"]["properties"]["type"]["enum"]) == sorted(type_names())


def test_g_plus_plus_categories_can_be_types(run_cli, example_workspace):
    """A target object of a G++ category (here: a service provider) counts as its base type."""
    from ikz_isms.assess.structure import base_type

    assert base_type("Dienstleistungen") == "Informationsverbund" and base_type("Serverräume") == "Raum"
    assert base_type("Endgeräte") == "IT-System" and base_type("Gebäude") == "Gebäude"
    result = run(run_cli, example_workspace, "target", "add", "DL-RZ", "--name", "Kommunales Rechenzentrum",
                 "--type", "Dienstleistungen")
    assert result.exit_code == 0, result.stderr


@pytest.mark.slow
def test_a_killed_target_write_lands_whole_with_its_journal_entry(example_workspace):
    ws = example_workspace
    data = county_dir(ws, COUNTY)
    before = len(journal_entries(data))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IKZ_ISMS_NO_ENTRY_POINTS": "1",
           "IKZ_ISMS_FAULT": "transaction-written"}
    died = subprocess.run([sys.executable, "-m", "ikz_isms", "--workspace", str(ws), "target", "add", "KILL",
                           "--name", "Nach Absturz", "--type", "IT-System", "--county", COUNTY],
                          capture_output=True, text=True, env=env, timeout=120)
    assert died.returncode == 86, died.stderr
    # the next command that touches the county finishes the change: the object and its entry, together
    env.pop("IKZ_ISMS_FAULT")
    listed = subprocess.run([sys.executable, "-m", "ikz_isms", "--workspace", str(ws), "target", "list", "--county",
                             COUNTY, "--format", "json"], capture_output=True, text=True, env=env, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert "KILL" in targets_of(ws)
    entries = journal_entries(data)
    assert len(entries) == before + 1 and entries[-1]["record"] == "target:KILL"
    assert journal_problems(data / "journal.jsonl") == []
