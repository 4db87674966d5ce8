"""Emergency planning after BSI-Standard 200-4: BIA, inherited recovery targets, plans, mutual aid, exercises,
incidents, the Verbund view under disclosure, the PDFs — as a user sees them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.support import county_dir, journal_lines, journal_problems

pypdf = pytest.importorskip("pypdf")

COUNTY = "vulkaneifel"


def epoch(day: str) -> str:
    return str(int(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), dt.UTC).timestamp()))


def targets(run_cli, ws: Path, county: str = COUNTY) -> dict:
    result = run_cli("bia", "targets", "--county", county, "--format", "json", cwd=ws)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["counties"][0]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


# -- pure: the maximum principle over the dependencies ------------------------------------------------------------


def test_inherit_targets_takes_the_strictest_process():
    from ikz_isms.assess.targets import TargetObject
    from ikz_isms.bcm.model import BiaEntry, RecoveryPlan, inherit_targets, realistic_recovery, recovery_gaps

    objects = [
        TargetObject("GP-A", "Prozess A", "Geschäftsprozess", depends_on=("APP",)),
        TargetObject("GP-B", "Prozess B", "Geschäftsprozess", depends_on=("APP", "SRV")),
        TargetObject("APP", "Anwendung", "Anwendung", depends_on=("SRV",)),
        TargetObject("SRV", "Server", "IT-System", depends_on=("RAUM",)),
        TargetObject("RAUM", "Serverraum", "Raum"),
        TargetObject("ALT", "Altsystem", "IT-System"),
    ]
    bia = [BiaEntry("GP-A", "hoch", mtpd=72, rto=48, rpo=24), BiaEntry("GP-B", "mittel", mtpd=48, rto=8, rpo=24)]
    inherited = inherit_targets(objects, bia)
    assert (inherited["SRV"].rto, inherited["SRV"].rto_from) == (8, ("GP-B",))
    assert (inherited["SRV"].rpo, inherited["SRV"].rpo_from) == (24, ("GP-A", "GP-B"))
    assert inherited["RAUM"].rto == 8 and inherited["RAUM"].criticality == "hoch"
    assert inherited["SRV"].critical_from == ("GP-A",)
    assert "ALT" not in inherited
    plans = {"SRV": RecoveryPlan("SRV", restore=6, backup_interval=4), "APP": RecoveryPlan("APP", restore=3)}
    assert realistic_recovery(objects, plans) == {"SRV": 6, "APP": 9}
    gaps = recovery_gaps(objects, inherited, plans)
    assert [(g.target, g.kind) for g in gaps] == [("APP", "rto"), ("APP", "untested"), ("SRV", "untested")]
    assert "realistischer Wiederanlauf 9 Stunden" in gaps[0].message


# -- the example -------------------------------------------------------------------------------------------------


def test_a_system_inherits_its_recovery_target_from_its_processes(run_cli, example_workspace):
    ws = example_workspace
    found = {t["target"]: t for t in targets(run_cli, ws)["targets"]}
    server = found["SRV-APP"]
    assert (server["rto_hours"], server["rto_from"]) == (24, ["GP-SOZ"])
    assert (server["rpo_hours"], server["processes"]) == (4, ["GP-KFZ", "GP-SOZ"])
    assert found["APP-MAIL"]["processes"] == ["GP-SOZ"]  # only the social services use e-mail
    assert found["GEB-HAUPT"]["rto_hours"] == 24 and "GP-KFZ" not in found  # processes set targets, not inherit them
    assert targets(run_cli, ws)["gaps"] == []
    # a stricter process makes every system it needs stricter — and the realistic recovery no longer fits
    changed = run_cli("bia", "set", "GP-SOZ", "--county", COUNTY, "--rto", "12h", "--actor", "BIA-Team", cwd=ws)
    assert changed.exit_code == 0, changed.stderr
    after = targets(run_cli, ws)
    found = {t["target"]: t for t in after["targets"]}
    assert found["SRV-APP"]["rto_hours"] == 12 and found["R-SERVER"]["rto_hours"] == 12
    gap = next(g for g in after["gaps"] if g["target"] == "APP-FACH")
    assert gap["kind"] == "rto" and gap["realistic_hours"] == 15 and gap["required_hours"] == 12
    shown = run_cli("bia", "targets", "--county", COUNTY, "--gaps", cwd=ws).output
    assert "APP-FACH" in shown and "realistischer Wiederanlauf 15 Stunden" in shown
    entry = journal_lines(county_dir(ws, COUNTY) / "journal.jsonl")[-1]
    assert entry["record"] == "bia:GP-SOZ" and entry["old"]["rto"] == "1d" and entry["new"]["rto"] == "12h"
    assert entry["actor"] == "BIA-Team"


def _slow_servers(run_cli, ws: Path) -> None:
    """Bernkastel-Wittlich's servers back to the tape: 36 hours to restore, a backup a day."""
    result = run_cli("emergency", "recovery", "SRV-APP", "--county", "bernkastel-wittlich", "--restore", "36h",
                     "--backup-interval", "1d", "--tested", "2026-04-09", cwd=ws)
    assert result.exit_code == 0, result.stderr


def test_a_recovery_gap_is_a_check_warning(run_cli, example_workspace):
    ws = example_workspace
    before = json.loads(run_cli("check", "--format", "json", cwd=ws).output)["findings"]
    assert not [f for f in before if f["rule"].startswith("county.bcm")]
    _slow_servers(run_cli, ws)
    result = run_cli("check", "--format", "json", cwd=ws)
    assert result.exit_code == 0
    gaps = [f for f in json.loads(result.output)["findings"] if f["rule"] == "county.bcm.recovery-gap"]
    assert {f["severity"] for f in gaps} == {"warning"}
    messages = [f["message"] for f in gaps]
    assert any(m.startswith("Landkreis Bernkastel-Wittlich: SRV-APP") and "realistischer Wiederanlauf 36 Stunden" in m
               for m in messages)
    assert any("SRV-APP" in m and "Datensicherung alle 1 Tag" in m and "4 Stunden" in m for m in messages)
    # what depends on the servers is late too: it is restored after them
    assert any(m.startswith("Landkreis Bernkastel-Wittlich: APP-FACH") and "43 Stunden" in m for m in messages)
    assert all(f["file"].endswith("bernkastel-wittlich/data/notfall.yaml") for f in gaps)


def test_a_county_without_a_fallback_is_named_in_the_verbund_view(run_cli, example_workspace):
    ws = example_workspace
    view = json.loads(run_cli("emergency", "verbund", "--format", "json", cwd=ws).output)
    without = {row["county"]: row for row in view["without_fallback"]}
    assert list(without) == ["eifelkreis-bitburg-pruem"]
    row = without["eifelkreis-bitburg-pruem"]
    assert (row["name"], row["count"], row["critical"]) == ("Eifelkreis Bitburg-Prüm", 1, 2)
    assert row["processes"] is None  # aggregate: counted, not named
    text = run_cli("emergency", "verbund", cwd=ws).output
    assert "Ohne Ausweichlösung für kritische Geschäftsprozesse:" in text
    assert "Eifelkreis Bitburg-Prüm – 1 von 2 kritischen Prozessen" in text
    # a full county names its processes and their fallbacks
    vulkaneifel = [c for c in view["critical_processes"] if c["county"] == "vulkaneifel"]
    assert [(c["process"], c["fallback"][0]["provider"]) for c in vulkaneifel] == [
        ("GP-KFZ", "bernkastel-wittlich"), ("GP-SOZ", "cochem-zell")]
    assert not [c for c in view["critical_processes"] if c["county"] == "eifelkreis-bitburg-pruem"]
    # joining the agreement closes the gap
    path = ws / "catalogs" / "notfall" / "vereinbarungen.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    parties: [bernkastel-wittlich, cochem-zell, vulkaneifel]",
                        "    parties: [bernkastel-wittlich, cochem-zell, vulkaneifel, eifelkreis-bitburg-pruem]")
    text = text.replace("        for: [vulkaneifel, bernkastel-wittlich]",
                        "        for: [vulkaneifel, bernkastel-wittlich, eifelkreis-bitburg-pruem]")
    path.write_text(text, encoding="utf-8")
    view = json.loads(run_cli("emergency", "verbund", "--format", "json", cwd=ws).output)
    assert view["without_fallback"] == []


def test_an_expired_agreement_is_no_fallback(run_cli, example_workspace, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2029-07-01"))
    view = json.loads(run_cli("emergency", "verbund", "--format", "json", cwd=example_workspace).output)
    named = {row["county"] for row in view["without_fallback"]}
    assert {"vulkaneifel", "bernkastel-wittlich", "eifelkreis-bitburg-pruem"} <= named
    result = run_cli("check", "--format", "json", cwd=example_workspace)
    assert any(f["rule"] == "verbund.emergency.agreement-expired" and "HV-2025-01" in f["message"]
               for f in json.loads(result.output)["findings"])


def test_the_verbund_view_shows_no_more_than_each_disclosure(run_cli, example_workspace):
    ws = example_workspace
    profile = county_dir(ws, "cochem-zell") / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("disclosure: aggregate", "disclosure: none"),
                       encoding="utf-8")
    view = json.loads(run_cli("emergency", "verbund", "--format", "json", cwd=ws).output)
    members = {m["county"]: m for m in view["members"]}
    assert members["cochem-zell"]["figures"] is None and "keine Freigabe" in members["cochem-zell"]["withheld"]
    aggregate = members["eifelkreis-bitburg-pruem"]["figures"]
    assert "critical_processes" not in aggregate["continuity"] and "entries" not in aggregate["incidents"]
    full = members["vulkaneifel"]["figures"]
    assert full["incidents"]["entries"][0]["id"] == "V-2026-01" and "title" not in full["incidents"]["entries"][0]
    dumped = json.dumps(view, ensure_ascii=False)
    # the counties' own texts (the agreements and exercises are the Verbund's and may be shown)
    for secret in ("legt die Anwendungsserver lahm", "Netzlaufwerk versehentlich", "Barauszahlung von Abschlägen",
                   "Grippewelle", "Sicherungen und Arbeitsplätze verschlüsselt"):
        assert secret not in dumped, secret


def test_free_text_only_with_its_allowance(run_cli, example_workspace):
    profile = county_dir(example_workspace, COUNTY) / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "disclosure_allow: [free_text]\n", encoding="utf-8")
    view = json.loads(run_cli("emergency", "verbund", "--format", "json", cwd=example_workspace).output)
    full = next(m for m in view["members"] if m["county"] == COUNTY)["figures"]
    assert full["incidents"]["entries"][0]["title"].startswith("Überlastungsangriff")
    assert full["continuity"]["critical_processes"][0]["workaround"].startswith("Eilfälle")


def test_exercises_and_what_is_overdue(run_cli, example_workspace, monkeypatch):
    ws = example_workspace
    now = json.loads(run_cli("emergency", "exercise", "list", "--as-of", "2026-12-01", "--format", "json", cwd=ws).output)
    assert now["overdue"] == []
    assert {e["type_label"] for e in now["exercises"]} >= {"Planbesprechung", "Stabsübung", "Funktionstest",
                                                            "Notfallübung"}
    assert next(m for m in now["members"] if m["county"] == "eifelkreis-bitburg-pruem")["last"] == "2026-05-20"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-06-15"))
    text = run_cli("emergency", "exercise", "list", cwd=ws).output
    assert "UE-2027-01" in text and "geplant – überfällig" in text
    assert "Eifelkreis Bitburg-Prüm: letzte gemeinsame Übung am 20.05.2026" in text
    assert "Freigabe der Zahlungsdateien" in text  # its deadline was 31.03.2027
    assert "Telefonliste" not in text  # its deadline is 30.06.2027: not yet
    result = run_cli("check", "--format", "json", cwd=ws)
    overdue = [f for f in json.loads(result.output)["findings"] if f["rule"] == "verbund.emergency.exercise-overdue"]
    assert overdue and all(f["severity"] == "warning" for f in overdue)
    planned = next(f for f in overdue if "UE-2027-01" in f["message"])
    assert planned["file"] == "catalogs/notfall/uebungen.yaml" and planned["location"].startswith("Zeile ")


def test_an_exercise_is_entered_and_checked(run_cli, example_workspace):
    ws = example_workspace
    path = ws / "catalogs" / "notfall" / "uebungen.yaml"
    added = run_cli("emergency", "exercise", "add", "--id", "UE-2026-03", "--type", "alarmierungsuebung",
                    "--date", "2026-11-18", "--title", "Alarmierung am Wochenende", "--participant", "vulkaneifel",
                    "--participant", "cochem-zell", "--result", "erfolgreich",
                    "--lesson", "Rufbereitschaft in 20 Minuten erreicht", cwd=ws)
    assert added.exit_code == 0, added.stderr
    assert "Eingetragen: Übung UE-2026-03" in added.output
    listing = json.loads(run_cli("emergency", "exercise", "list", "--format", "json", cwd=ws).output)
    assert any(e["id"] == "UE-2026-03" and e["participants"] == ["vulkaneifel", "cochem-zell"]
               for e in listing["exercises"])
    before = path.read_bytes()
    for args, code, text in (
        (["--participant", "nirgendwo", "--result", "erfolgreich"], 3, "kein Mitglied"),
        (["--participant", "vulkaneifel"], 2, "--result fehlt"),
        (["--participant", "vulkaneifel", "--result", "erfolgreich", "--agreement", "HV-0000"], 3, "HV-0000"),
    ):
        result = run_cli("emergency", "exercise", "add", "--id", "UE-X", "--type", "funktionstest", "--date",
                         "2026-11-19", "--title", "Test", *args, cwd=ws)
        assert result.exit_code == code, result.output + result.stderr
        assert text in result.stderr
    assert path.read_bytes() == before
    duplicate = run_cli("emergency", "exercise", "add", "--id", "UE-2026-03", "--type", "funktionstest", "--date",
                        "2026-11-19", "--title", "Doppelt", "--participant", "vulkaneifel", "--result", "erfolgreich",
                        cwd=ws)
    assert duplicate.exit_code == 4 and path.read_bytes() == before


def test_an_incident_is_recorded_and_its_follow_ups_enter_the_plan(run_cli, example_workspace):
    ws = example_workspace
    data = county_dir(ws, COUNTY)
    before = len(journal_lines(data / "journal.jsonl"))
    result = run_cli("incident", "add", "--county", COUNTY, "--date", "2026-11-03", "--title",
                     "Schadsoftware über einen USB-Stick im Sozialamt", "--category", "schadprogramm",
                     "--severity", "hoch", "--affected", "CL-ARBEITSPLATZ", "--reported", "CERT-rlp=2026-11-03",
                     "--measure", "Arbeitsplatz vom Netz getrennt", "--lesson", "USB-Schnittstellen waren offen",
                     "--followup", "USB-Datenträger nur nach Freigabe zulassen", "--followup-responsible", "IT-Leitung",
                     "--followup-deadline", "2027-02-28", "--actor", "ISB Vulkaneifel", cwd=ws)
    assert result.exit_code == 0, result.stderr
    assert "Erfasst: Vorfall V-2026-02" in result.output and "M-040" in result.output
    listing = json.loads(run_cli("incident", "list", "--county", COUNTY, "--format", "json", cwd=ws).output)
    incident = next(i for i in listing["counties"][0]["incidents"] if i["id"] == "V-2026-02")
    assert incident["reported"] == [{"to": "CERT-rlp", "date": "2026-11-03", "reference": None}]
    assert incident["followups"] == ["M-040"]
    plan = json.loads(run_cli("plan", "--county", COUNTY, "--format", "json", cwd=ws).output)["counties"][0]
    measure = next(m for m in plan["measures"] if m["id"] == "M-040")
    assert (measure["requirement"], measure["target"], measure["priority"]) == ("V-2026-02", "CL-ARBEITSPLATZ", 2)
    entries = journal_lines(data / "journal.jsonl")[before:]
    assert [e["record"] for e in entries] == ["plan:M-040", "incident:V-2026-02"]
    assert journal_problems(data / "journal.jsonl") == []
    assert run_cli("check", cwd=ws).exit_code == 0


@pytest.mark.parametrize("args, code, text", [
    (["--reported", "CERT-rlp"], 2, "STELLE=JJJJ-MM-TT"),
    (["--reported", "CERT-rlp=2026-10-01"], 2, "vor dem Vorfall"),
    (["--affected", "NIRGENDS"], 3, "NIRGENDS"),
    (["--followup-deadline", "2027-01-01"], 2, "nur mit --followup"),
    (["--category", "alles"], 2, "alles"),
])
def test_bad_incident_input_changes_nothing(run_cli, example_workspace, args, code, text):
    data = county_dir(example_workspace, COUNTY)
    files = {name: (data / name).read_bytes() for name in ("vorfaelle.yaml", "plan.yaml", "journal.jsonl")}
    base = ["--date", "2026-11-03", "--title", "Test", "--category", "sonstiges", "--severity", "gering"]
    if "--category" in args:
        base = base[:4] + base[6:]
    result = run_cli("incident", "add", "--county", COUNTY, *base, *args, cwd=example_workspace)
    assert result.exit_code == code, result.output + result.stderr
    assert text in result.stderr
    assert {name: (data / name).read_bytes() for name in files} == files


@pytest.mark.parametrize("args, code, text", [
    (["GP-SOZ", "--rto", "zwei Tage"], 2, "keine Dauer"),
    (["GP-SOZ", "--rto", "5d", "--mtpd", "3d"], 2, "--rto ist länger"),
    (["SRV-APP", "--rto", "4h"], 3, "Typ IT-System"),
    (["GP-NEU", "--rto", "4h"], 3, "GP-NEU"),
    (["GP-SOZ", "--service", "Soziales!"], 2, "kein Schlüssel"),
    (["GP-SOZ"], 2, "Nichts zu ändern"),
])
def test_bad_bia_input_changes_nothing(run_cli, example_workspace, args, code, text):
    path = county_dir(example_workspace, COUNTY) / "notfall.yaml"
    before = path.read_bytes()
    result = run_cli("bia", "set", "--county", COUNTY, *args, cwd=example_workspace)
    assert result.exit_code == code, result.output + result.stderr
    assert text in result.stderr and path.read_bytes() == before


def test_an_rto_beyond_the_mtpd_in_the_file_is_refused_with_its_line(run_cli, example_workspace):
    path = county_dir(example_workspace, COUNTY) / "notfall.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    rto: 1d\n", "    rto: 4d\n", 1), encoding="utf-8")
    result = run_cli("bia", "list", "--county", COUNTY, cwd=example_workspace)
    assert result.exit_code == 3
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text == "    rto: 4d")
    assert "notfall.yaml" in result.stderr and f"Zeile {line} (/bia/1/rto)" in result.stderr
    assert "maximal tolerierbare" in result.stderr
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    assert any(f["rule"] == "county.bcm.invalid" for f in check["findings"])


def test_recovery_plan_and_alarm_contacts_are_set_and_journaled(run_cli, example_workspace):
    ws = example_workspace
    data = county_dir(ws, COUNTY)
    result = run_cli("emergency", "recovery", "NET-LAN", "--county", COUNTY, "--restore", "3h", "--tested",
                     "2026-10-01", "--responsible", "IT-Leitung", "--step", "Kernswitch aus Ersatzteillager tauschen",
                     "--step", "Konfiguration einspielen", cwd=ws)
    assert result.exit_code == 0, result.stderr
    contact = run_cli("emergency", "contact", "Datenschutzbeauftragte/r", "--county", COUNTY, "--name",
                      "E. Beispiel", "--phone", "06592 000-160", cwd=ws)
    assert contact.exit_code == 0, contact.stderr
    alarm = json.loads(run_cli("emergency", "alarm", "--county", COUNTY, "--format", "json", cwd=ws).output)
    assert alarm["contacts"][-1] == {"role": "Datenschutzbeauftragte/r", "name": "E. Beispiel",
                                     "phone": "06592 000-160", "email": None, "deputy": None, "reachable": None}
    records = [e["record"] for e in journal_lines(data / "journal.jsonl")[-2:]]
    assert records == ["recovery:NET-LAN", "alarm"]
    assert run_cli("journal", "verify", "--county", COUNTY, cwd=ws).exit_code == 0
    found = {t["target"]: t for t in targets(run_cli, ws)["targets"]}
    # the network is restored before the servers now: their realistic recovery includes it
    assert found["SRV-APP"]["realistic_hours"] == 8 + 3 + 2
    wrong = run_cli("emergency", "recovery", "GP-SOZ", "--county", COUNTY, "--restore", "3h", cwd=ws)
    assert wrong.exit_code == 3 and "bia set" in wrong.stderr


def test_the_emergency_handbook_has_its_sections(run_cli, example_workspace, tmp_path):
    _slow_servers(run_cli, example_workspace)
    pdf = tmp_path / "handbuch.pdf"
    result = run_cli("emergency", "handbook", "bernkastel-wittlich", "-o", pdf, "--date", "2026-12-01",
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    text = pdf_text(pdf)
    for heading in ("Notfallhandbuch", "1 Alarmierung und Eskalation", "Alarmierungsplan", "Eskalationsstufen",
                    "2 Business-Impact-Analyse", "3 Wiederanlaufpläne", "Geerbte Wiederanlaufziele", "Lückenliste",
                    "Wiederanlaufplan SRV-APP", "4 Hilfe im Verbund", "Ausweichlösungen der kritischen",
                    "Was der Landkreis für andere übernimmt", "5 Übungen", "6 Sicherheitsvorfälle", "Freigabe"):
        assert heading in text, heading
    assert "realistischer Wiederanlauf 36 Stunden" in text.replace("\n", " ")
    assert "Vulkaneifel übernimmt (HV-2025-01)" in text.replace("\n", " ")
    assert text.count("VS – NUR FÜR DEN DIENSTGEBRAUCH") >= 2 * len(pypdf.PdfReader(str(pdf)).pages)
    fonts = {str(f) for page in pypdf.PdfReader(str(pdf)).pages
             for f in (page["/Resources"].get("/Font") or {}).values()}
    assert fonts


def test_the_verbund_emergency_plan_has_its_sections_and_respects_disclosure(run_cli, example_workspace, tmp_path):
    pdf = tmp_path / "notfallplan.pdf"
    result = run_cli("emergency", "plan", "-o", pdf, "--date", "2026-12-01", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    text = pdf_text(pdf)
    for heading in ("Notfallplan des Verbunds", "1 Kritische Geschäftsprozesse und Ausweichlösungen",
                    "Prozesse im Einzelnen", "2 Landkreise ohne Ausweichlösung", "3 Vereinbarungen zur gegenseitigen Hilfe",
                    "HV-2025-02", "4 Gemeinsame Übungen", "Erkenntnisse", "Folgemaßnahmen", "Überfällig",
                    "5 Risiken im Verbund", "6 Sicherheitsvorfälle im Verbund"):
        assert heading in text, heading
    flat = text.replace("\n", " ")
    assert "Eifelkreis Bitburg-Prüm: 1 von 2 kritischen Prozessen" in flat
    assert "längster Ausfall 336 Tage" in flat  # Cochem-Zell's eleven months, counted (aggregate), not described
    details = text[text.rindex("Prozesse im Einzelnen"):text.rindex("2 Landkreise ohne Ausweichlösung")]
    assert "Eifelkreis" not in details and "Cochem-Zell GP-SOZ" not in details.replace("\n", " ")
    assert "legt die Anwendungsserver lahm" not in flat and "Barauszahlung von Abschlägen" not in flat


@pytest.mark.slow
@pytest.mark.parametrize("step", ["transaction-written", "journal-appended", "file-replaced"])
def test_a_killed_treatment_lands_in_register_plan_and_journal_together(example_workspace, step):
    """``risk treat --measure`` changes two files and the journal: killed at any step, the next run completes it."""
    import subprocess
    import sys

    from tests.support import ROOT

    ws = example_workspace
    data = county_dir(ws, COUNTY)
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT), "IKZ_ISMS_FAULT": step}
    died = subprocess.run([sys.executable, "-m", "ikz_isms", "--workspace", str(ws), "risk", "treat", "R-005",
                           "--county", COUNTY, "--option", "reduzieren", "--owner", "Sozialamt", "--deadline",
                           "2027-09-30", "--measure", "Springerpool mit dem Nachbarkreis"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert died.returncode == 86, died.stderr
    env.pop("IKZ_ISMS_FAULT")
    listed = subprocess.run([sys.executable, "-m", "ikz_isms", "--workspace", str(ws), "risk", "show", "R-005",
                             "--county", COUNTY, "--format", "json"], capture_output=True, text=True, env=env, timeout=120)
    assert listed.returncode == 0, listed.stderr
    risk = json.loads(listed.stdout)["risk"]
    assert [m["id"] for m in risk["measures"]] == ["M-038", "M-040"] and all(m["in_plan"] for m in risk["measures"])
    records = [e["record"] for e in journal_lines(data / "journal.jsonl")[-2:]]
    assert records == ["risk:R-005", "plan:M-040"]
    assert journal_problems(data / "journal.jsonl") == []
    assert not (data / ".ikz-transaktion.json").exists()


@pytest.mark.slow
def test_a_federated_member_shows_only_what_its_package_carries(run_cli, tmp_path):
    """Counties in their own workspaces: their registers stay there; the Verbund view shows what their
    signed package's ``resilience`` part carries, as of its publication, under their policy."""
    from tests.federation_support import CountySpec, build_federation

    specs = [CountySpec("vollstadt", "Vollstadt", "full"), CountySpec("summental", "Summental", "aggregate")]
    federation = build_federation(run_cli, tmp_path, specs)  # each county published one risk and one incident
    for spec in specs:
        ws = federation.counties[spec.key]
        added = run_cli("risk", "add", "--county", spec.key, "--target", spec.target, "--threat", "G 0.39",
                        "--title", spec.canary("RISIKO"), "--frequency", "häufig", "--impact", "existenzbedrohend",
                        cwd=ws)
        assert added.exit_code == 0, added.stderr
        incident = run_cli("incident", "add", "--county", spec.key, "--date", "2026-01-05", "--title",
                           spec.canary("VORFALL"), "--category", "schadprogramm", "--severity", "kritisch", cwd=ws)
        assert incident.exit_code == 0, incident.stderr
        # the county's own view shows it all
        own = run_cli("risk", "list", "--county", spec.key, cwd=ws)
        assert spec.canary("RISIKO") in own.output

    def members():
        view = run_cli("emergency", "verbund", "--format", "json", cwd=federation.verbund)
        assert view.exit_code == 0, view.stderr
        return {m["county"]: m for m in json.loads(view.output)["members"]}

    # until the counties publish again, the Verbund sees their published state: one risk, one incident
    before = members()
    assert all(before[s.key]["figures"]["risks"]["count"] == 1 for s in specs)
    for spec in specs:
        published = run_cli("publish", "--county", spec.key, "--into", federation.verbund, cwd=federation.counties[spec.key])
        assert published.exit_code == 0, published.stderr
    after = members()
    full, aggregate = after["vollstadt"], after["summental"]
    assert full["source"] == aggregate["source"] == "paket"
    assert full["figures"]["risks"]["count"] == 2 and full["figures"]["incidents"]["by_severity"]["kritisch"] == 1
    assert {e["threat"] for e in full["figures"]["risks"]["entries"]} == {"G 0.14", "G 0.39"}
    assert all("title" not in e for e in full["figures"]["risks"]["entries"] + full["figures"]["incidents"]["entries"])
    assert aggregate["figures"]["risks"]["count"] == 2 and "entries" not in aggregate["figures"]["risks"]
    assert aggregate["figures"]["incidents"]["by_category"] == {"ausfall": 1, "schadprogramm": 1}
    outputs = json.dumps(after) + run_cli("risk", "list", "--verbund", cwd=federation.verbund).output
    for spec in specs:
        for canary in (spec.canary("RISIKO"), spec.canary("VORFALL")):
            assert canary not in outputs, canary
    assert specs[1].target not in outputs  # an aggregate county names no target object
