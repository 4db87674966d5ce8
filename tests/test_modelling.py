"""The modelling from the command line and what follows it (issue 13, points 3–9), on the example workspace.

`model suggest|set|exclude|approach|param|show`, the completeness rules of `check`, the starter
model of `county add`, the filters of `assess list`, the report's A.1–A.3, and the approach
that decides what applies, what the plan holds and what the Verbund sees.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support import county_dir, journal_entries, read_yaml_file

COUNTY = "vulkaneifel"


def cli(run_cli, ws: Path, *args: str, county: str | None = COUNTY):
    return run_cli("--workspace", ws, *args, *(("--county", county) if county else ()))


def assess(run_cli, ws: Path, county: str = COUNTY) -> dict:
    result = cli(run_cli, ws, "assess", "--format", "json", county=county)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["counties"][0]


def findings(run_cli, ws: Path) -> list[dict]:
    return json.loads(run_cli("--workspace", ws, "check", "--format", "json").output)["findings"]


def structure_findings(run_cli, ws: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in findings(run_cli, ws):
        if finding["rule"].startswith("county.structure."):
            found.setdefault(finding["rule"], []).append(finding)
    return found


def targets_of(ws: Path, county: str = COUNTY) -> dict[str, dict]:
    return {t["id"]: t for t in read_yaml_file(county_dir(ws, county) / "zielobjekte.yaml")["zielobjekte"]}


# -- the example Verbund is a complete, reasoned model ------------------------------------------------------------


def test_the_example_verbund_is_modelled_with_reasons_kronjuwelen_and_an_approach(run_cli, example_workspace):
    assert structure_findings(run_cli, example_workspace) == {}
    assert [f for f in findings(run_cli, example_workspace)
            if f["rule"].startswith(("county.targets", "county.modelling"))] == []
    for county in ("bernkastel-wittlich", "cochem-zell", "eifelkreis-bitburg-pruem", "vulkaneifel"):
        view = json.loads(cli(run_cli, example_workspace, "model", "show", "--format", "json",
                              county=county).output)["counties"][0]
        assert view["approach"]["chosen"] and view["approach"]["reason"]
        assert "GP-SOZ" in view["approach"]["kronjuwelen"]
        assert {e["ref"] for e in view["exclusions"]} == {"CON.8", "OPS.2.2"}
        assert all(m["rule"] or m["reason"] for t in view["targets"] for m in t["modules"])
        assert view["left_out"] == []


# -- suggest, set, exclude ----------------------------------------------------------------------------------------


def test_suggest_follows_the_rules_and_apply_writes_them_with_the_rule(run_cli, example_workspace):
    ws = example_workspace
    assert cli(run_cli, ws, "target", "add", "SRV-NEU", "--name", "Neuer Server", "--type", "IT-System",
               "--kind", "Server", "--depends-on", "R-SERVER").exit_code == 0
    shown = json.loads(cli(run_cli, ws, "model", "suggest", "--format", "json").output)["suggestions"]
    domain = {s["id"]: s for s in shown if s["target"] == "IV"}
    assert domain["ISMS.1"]["modelled"] and domain["ISMS.1"]["rule"].startswith("Prozess-Baustein der Schicht ISMS")
    assert domain["CON.8"]["decide"] and domain["CON.8"]["excluded"]
    assert [s["id"] for s in shown if s["target"] == "SRV-NEU"] == ["SYS.1.1"]
    applied = cli(run_cli, ws, "model", "suggest", "--apply", "--format", "json")
    assert applied.exit_code == 0
    assert [c["record"] for c in json.loads(applied.output)["changes"]] == ["target:SRV-NEU"]
    assert targets_of(ws)["SRV-NEU"]["bausteine"] == [{"baustein": "SYS.1.1", "rule": "IT-System der Art „Server“"}]
    again = cli(run_cli, ws, "model", "suggest", "--apply")
    assert again.exit_code == 0 and "Keine Änderung" in again.output


def test_set_needs_a_reason_and_a_fitting_baustein(run_cli, example_workspace):
    ws = example_workspace
    before = (county_dir(ws, COUNTY) / "zielobjekte.yaml").read_bytes()
    for args, code, words in (
        (("model", "set", "APP-FACH", "APP.1.1"), 2, "--reason darf nicht leer sein"),
        (("model", "set", "APP-FACH", "SYS.1.1", "--reason", "x"), 3, "auf Zielobjekttyp 'IT-System'"),
        (("model", "set", "APP-FACH", "APP.99", "--reason", "x"), 3, "Baustein 'APP.99' gibt es"),
        (("model", "set", "MARS", "APP.1.1", "--reason", "x"), 3, "Zielobjekt 'MARS'"),
        (("model", "set", "APP-FACH", "APP.1.1", "--remove"), 3, "nicht modelliert"),
        (("model", "exclude", "XYZ.1", "--reason", "x"), 3, "'XYZ.1' gibt es im Katalog"),
        (("model", "exclude", "CON.1", "--reason", "  "), 2, "--reason darf nicht leer sein"),
        (("model", "approach", "voll", "--reason", "x"), 2, "Vorgehensweise 'voll' gibt es"),
        (("model", "approach", "basis"), 2, "--reason darf nicht leer sein"),
    ):
        result = cli(run_cli, ws, *args)
        assert result.exit_code == code, (args, result.output, result.stderr)
        assert words in result.stderr, (args, result.stderr)
    assert (county_dir(ws, COUNTY) / "zielobjekte.yaml").read_bytes() == before
    done = cli(run_cli, ws, "model", "set", "APP-FACH", "APP.1.1", "--reason", "Das Fachverfahren erzeugt Office-Dokumente")
    assert done.exit_code == 0, done.stderr
    assert {"baustein": "APP.1.1", "reason": "Das Fachverfahren erzeugt Office-Dokumente"} in \
        targets_of(ws)["APP-FACH"]["bausteine"]
    shown = cli(run_cli, ws, "model", "show", "--target", "APP-FACH").output
    assert "Entscheidung: Das Fachverfahren erzeugt Office-Dokumente" in shown
    assert cli(run_cli, ws, "model", "set", "APP-FACH", "APP.1.1", "--remove").exit_code == 0
    assert all(isinstance(b, dict) and b["baustein"] != "APP.1.1" for b in targets_of(ws)["APP-FACH"]["bausteine"])


def test_leaving_out_needs_a_reason_and_is_shown_with_it(run_cli, example_workspace):
    ws = example_workspace
    assert cli(run_cli, ws, "model", "exclude", "CON.8", "--remove").exit_code == 0
    gaps = structure_findings(run_cli, ws)
    left = gaps["county.structure.left-out"]
    assert len(left) == 1 and "CON.8 Software-Entwicklung" in left[0]["message"] and "Vulkaneifel" in left[0]["message"]
    assert left[0]["severity"] == "error"
    assert cli(run_cli, ws, "model", "exclude", "CON.8", "--reason", "Keine Eigenentwicklung").exit_code == 0
    assert "county.structure.left-out" not in structure_findings(run_cli, ws)
    entries = journal_entries(county_dir(ws, COUNTY))
    assert [e["record"] for e in entries[-2:]] == ["exclusion:CON.8", "exclusion:CON.8"]
    assert entries[-1]["old"] is None and entries[-1]["new"] == {"ref": "CON.8", "reason": "Keine Eigenentwicklung"}
    # left out and modelled at once is a contradiction check reports
    assert cli(run_cli, ws, "model", "set", "IV", "CON.8", "--reason", "doch").exit_code == 0
    rules = {f["rule"] for f in findings(run_cli, ws)}
    assert "county.modelling.excluded-modelled" in rules


def test_check_reports_objects_without_modelling(run_cli, example_workspace):
    ws = example_workspace
    path = county_dir(ws, COUNTY) / "zielobjekte.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    bausteine:\n      - baustein: INF.2")
    end = text.index("\n  - id:", start)
    path.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    gaps = structure_findings(run_cli, ws)
    unmodelled = gaps["county.structure.unmodelled"]
    assert len(unmodelled) == 1 and "Raum 'R-SERVER'" in unmodelled[0]["message"]
    assert unmodelled[0]["location"].startswith("Zeile ") and unmodelled[0]["file"].endswith("zielobjekte.yaml")
    assert "model suggest --target R-SERVER" in unmodelled[0]["message"]
    assert run_cli("--workspace", ws, "check").exit_code == 1


def test_protection_needs_of_processes_and_applications_need_reasons(run_cli, example_workspace):
    ws = example_workspace
    assert cli(run_cli, ws, "target", "add", "GP-NEU", "--name", "Neuer Prozess", "--type", "Geschäftsprozess",
               "--depends-on", "APP-FACH").exit_code == 0
    reasons = structure_findings(run_cli, ws)["county.structure.need-reason"]
    assert len(reasons) == 1 and "GP-NEU" in reasons[0]["message"] and reasons[0]["severity"] == "warning"
    assert cli(run_cli, ws, "target", "need", "GP-NEU", "--c", "normal", "--i", "normal", "--a", "hoch",
               "--reason", "Fristgebundene Anträge").exit_code == 0
    assert "county.structure.need-reason" not in structure_findings(run_cli, ws)


# -- the approach decides --------------------------------------------------------------------------------------------


def test_kern_covers_only_the_kronjuwelen_and_what_they_need(run_cli, example_workspace):
    ws = example_workspace
    county = assess(run_cli, ws)
    scope = set(county["approach"]["core"]["scope"])
    assert county["approach"]["kronjuwelen"] == ["GP-SOZ"]
    assert {"GP-SOZ", "APP-FACH", "SRV-APP", "R-SERVER", "IV"} <= scope and "APP-OFFICE" not in scope
    view = json.loads(cli(run_cli, ws, "model", "show", "--format", "json").output)["counties"][0]
    kern = {t["id"]: t["applicable"]["kern"] for t in view["targets"]}
    assert kern["APP-OFFICE"] == 0 and kern["APP-FACH"] > 0
    assert sum(kern.values()) == next(a for a in county["approaches"] if a["id"] == "kern")["applicable"]
    # without a Kronjuwel, Kern-Absicherung covers nothing, and choosing it is a gap check reports
    assert cli(run_cli, ws, "target", "edit", "GP-SOZ", "--no-kronjuwel").exit_code == 0
    assert next(a for a in assess(run_cli, ws)["approaches"] if a["id"] == "kern")["applicable"] == 0
    assert cli(run_cli, ws, "model", "approach", "kern", "--reason", "Einstieg über die Kronjuwelen").exit_code == 0
    gaps = structure_findings(run_cli, ws)["county.structure.kronjuwel"]
    assert any("kein Zielobjekt als Kronjuwel markiert" in g["message"] for g in gaps)


def test_a_kronjuwel_without_modelling_is_a_gap(run_cli, example_workspace):
    ws = example_workspace
    assert cli(run_cli, ws, "target", "add", "GP-WAHL", "--name", "Wahlen", "--type", "Geschäftsprozess",
               "--kronjuwel").exit_code == 0
    gaps = structure_findings(run_cli, ws)["county.structure.kronjuwel"]
    assert len(gaps) == 1 and "Kronjuwel 'GP-WAHL'" in gaps[0]["message"]
    assert cli(run_cli, ws, "target", "link", "GP-WAHL", "APP-FACH").exit_code == 0
    assert "county.structure.kronjuwel" not in structure_findings(run_cli, ws)


def test_the_plan_the_check_and_the_verbund_follow_the_chosen_approach(run_cli, example_workspace):
    ws = example_workspace
    data = county_dir(ws, COUNTY)
    standard = assess(run_cli, ws)
    assert standard["approach"]["id"] == "standard"
    changed = cli(run_cli, ws, "model", "approach", "basis", "--reason", "Erst die Basis-Absicherung", "--actor", "ISB")
    assert changed.exit_code == 0
    entry = journal_entries(data)[-1]
    assert entry["record"] == "approach" and entry["new"] == {"approach": "basis", "reason": "Erst die Basis-Absicherung"}
    assert entry["old"]["approach"] == "standard" and entry["actor"] == "ISB"
    basis = assess(run_cli, ws)
    assert basis["approach"] == {**basis["approach"], "id": "basis", "chosen": True}
    text = cli(run_cli, ws, "assess").output
    assert "Vorgehensweise des Landkreises: Basis-Absicherung (gewählt)" in text
    # the plan takes only the gaps the approach calls for; measures outside it are pointed out
    (data / "plan.yaml").unlink()
    assert cli(run_cli, ws, "plan", "update").exit_code == 0
    plan = json.loads(cli(run_cli, ws, "plan", "--format", "json").output)["counties"][0]
    assert plan["measures"] and {m["level"] for m in plan["measures"]} == {"B"}
    listed = json.loads(cli(run_cli, ws, "assess", "list", "--status", "nein", "--status", "teilweise",
                            "--format", "json").output)["counties"][0]
    assert listed["count"] == len(plan["measures"]) and {r["level"] for r in listed["rows"]} == {"B"}
    # the Verbund shows each county's approach, its figures unchanged per approach
    verbund = json.loads(run_cli("--workspace", ws, "assess", "--verbund", "--format", "json").output)
    entry = next(c for g in verbund["groups"] for c in g["counties"] if c["name"] == "Vulkaneifel")
    assert entry["approach"] == "basis"
    assert entry["approaches"]["basis"]["applicable"] == basis["approaches"][0]["applicable"]
    assert "gewählt" in run_cli("--workspace", ws, "assess", "--verbund").output


# -- tailoring --------------------------------------------------------------------------------------------------------


def test_parameters_are_refused_when_the_catalog_has_none(run_cli, example_workspace):
    result = cli(run_cli, example_workspace, "model", "param", "ums.1.1-prm1", "jährlich", "--reason", "x")
    assert result.exit_code == 3 and "Parameter 'ums.1.1-prm1' gibt es im Katalog" in result.stderr


# -- the starter model ------------------------------------------------------------------------------------------------


def test_county_add_offers_a_starter_model_of_a_kreisverwaltung(run_cli, example_workspace):
    ws = example_workspace
    added = run_cli("--workspace", ws, "county", "add", "Mayen-Koblenz", "--employees", "900", "--format", "json")
    assert added.exit_code == 0, added.stderr
    result = json.loads(added.output)
    assert result["starter"] and result["catalog"] == "muster" and result["targets"] >= 15
    targets = targets_of(ws, "mayen-koblenz")
    assert {"GP-SOZ", "APP-FACH", "APP-AD", "APP-MAIL", "SRV-WIN", "CL", "NET-LAN", "R-SERVER", "GEB"} <= set(targets)
    assert all(t.get("starter") for t in targets.values())
    assert targets["CL"]["count"] == 900 and targets["SRV-WIN"]["kind"] == "Windows-Server"
    # the reduced sample catalog has no Baustein for some of the usual objects: they are named, not hidden
    assert "R-BUERO" in result["omitted"] and "R-BUERO" not in targets
    document = read_yaml_file(county_dir(ws, "mayen-koblenz") / "zielobjekte.yaml")
    assert document["approach"] == "standard" and "Annahme im Startmodell" in document["approach_reason"]
    assert {e["ref"] for e in document["exclusions"]} == {"CON.8", "OPS.2.2"}
    assert document["scale"]["hoch"] and len(document["scale"]["scenarios"]) == 6
    text = (county_dir(ws, "mayen-koblenz") / "zielobjekte.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Informationsverbund Mayen-Koblenz: STARTMODELL")
    assert [f for f in findings(run_cli, ws) if f["rule"].startswith("county.") and "mayen-koblenz" in f["file"]] == []
    county = assess(run_cli, ws, "mayen-koblenz")
    basis = county["approaches"][0]
    assert basis["applicable"] > 100 and basis["status"]["unbearbeitet"] == basis["applicable"]
    assert county["starter_targets"] == len(targets)
    shown = cli(run_cli, ws, "assess", county="mayen-koblenz").output
    assert "stammen unverändert aus dem Startmodell" in shown
    # editing an object takes the starter mark off it
    assert cli(run_cli, ws, "target", "edit", "CL", "--count", "850", county="mayen-koblenz").exit_code == 0
    assert "starter" not in targets_of(ws, "mayen-koblenz")["CL"]


def test_county_add_without_starter_or_catalog(run_cli, tmp_path):
    ws = tmp_path / "ws"
    assert run_cli("init", ws).exit_code == 0
    empty = run_cli("--workspace", ws, "county", "add", "Leerkreis", "--no-starter")
    assert empty.exit_code == 0
    assert list(targets_of(ws, "leerkreis")) == ["IV"]
    starter = run_cli("--workspace", ws, "county", "add", "Startkreis")
    assert starter.exit_code == 0 and "model suggest --apply" in starter.output
    targets = targets_of(ws, "startkreis")
    assert len(targets) > 25 and all("bausteine" not in t and "kategorien" not in t for t in targets.values())


# -- filters on the check ---------------------------------------------------------------------------------------------


def test_assess_list_filters_by_status_responsible_and_age(run_cli, example_workspace):
    ws = example_workspace
    everything = json.loads(cli(run_cli, ws, "assess", "list", "--format", "json").output)["counties"][0]
    county = assess(run_cli, ws)
    chosen = next(a for a in county["approaches"] if a["id"] == county["approach"]["id"])
    assert everything["count"] == chosen["applicable"]
    rows = everything["rows"]
    owner = next(r["responsible"] for r in rows if r["responsible"] and r["status"] == "nein")
    word = owner.split()[0]
    wanted = [r for r in rows if r["status"] == "nein" and word.casefold() in (r["responsible"] or "").casefold()
              and (r["checked"] is None or r["checked"] < "2026-07-01")]
    result = cli(run_cli, ws, "assess", "list", "--status", "nein", "--responsible", word.upper(),
                 "--checked-before", "2026-07-01", "--format", "json")
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.output)
    assert got["filter"]["checked_before"] == "2026-07-01"
    assert [(r["requirement"], r["target"]) for r in got["counties"][0]["rows"]] == \
        [(r["requirement"], r["target"]) for r in wanted] and wanted
    by_group = json.loads(cli(run_cli, ws, "assess", "list", "--group", "SYS", "--level", "B", "--target", "SRV-APP",
                              "--format", "json").output)["counties"][0]["rows"]
    assert by_group and all(r["requirement"].startswith("SYS.1.1.") and r["level"] == "B" for r in by_group)
    assert all(r["target"] == "SRV-APP" for r in by_group)
    modal = json.loads(cli(run_cli, ws, "assess", "list", "--modal", "MUSS", "--format", "json").output)
    assert all("MUSS" in r["modal_verbs"] for r in modal["counties"][0]["rows"])
    old = json.loads(cli(run_cli, ws, "assess", "list", "--older-than", "36500", "--format", "json").output)
    assert old["counties"][0]["count"] == sum(1 for r in rows if r["checked"] is None)
    both = cli(run_cli, ws, "assess", "list", "--older-than", "5", "--checked-before", "2026-01-01")
    assert both.exit_code == 2 and "schließen sich aus" in both.stderr
    text = cli(run_cli, ws, "assess", "list", "--status", "nein").output
    assert "Prüfpunkte – Landkreis Vulkaneifel (Standard-Absicherung)" in text


def test_assess_list_writes_german_excel_csv(run_cli, example_workspace, tmp_path):
    ws = example_workspace
    target = tmp_path / "nein.csv"
    result = cli(run_cli, ws, "assess", "list", "--status", "nein", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    lines = raw.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(";")
    assert header[:4] == ["Landkreis", "Zielobjekt", "Zielobjekt-Name", "Anforderung"] and "Geprüft" in header
    count = json.loads(cli(run_cli, ws, "assess", "list", "--status", "nein", "--format", "json").output)
    assert len([line for line in lines[1:] if line]) == count["counties"][0]["count"]
    checked = header.index("Geprüft")
    dated = [line.split(";")[checked] for line in lines[1:] if line and line.split(";")[checked]]
    assert dated and all(re.fullmatch(r"\d\d\.\d\d\.\d{4}", d) for d in dated)


# -- the report -------------------------------------------------------------------------------------------------------


def test_report_shows_structure_network_plan_reasons_scale_and_modelling(run_cli, example_workspace, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    ws = example_workspace
    assert cli(run_cli, ws, "target", "need", "APP-OWA", "--c", "hoch", "--reason",
               "Über das Portal kommen Anträge mit Gesundheitsdaten").exit_code == 0
    out = tmp_path / "bericht.pdf"
    made = run_cli("--workspace", ws, "report", "county", COUNTY, "-o", out)
    assert made.exit_code == 0, made.stderr
    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(str(out)).pages).split())
    def section(start: str, end: str) -> str:
        begin = text.index(start)
        return text[begin:text.index(end, begin)]

    a1 = section("A.1 Strukturanalyse Zielobjekte", "A.2 Schutzbedarfsfeststellung Schutzbedarf")
    assert "Netzplan" in a1 and "Kronjuwel" in a1
    assert "Fachverfahren (webbasiert)" in a1 and "Räume und" in a1
    a2 = section("A.2 Schutzbedarfsfeststellung Schutzbedarf", "A.3 Modellierung")
    assert "Schutzbedarfskategorien" in a2 and "Ausfall höchstens einen Tag hinnehmbar" in a2
    assert "Über das Portal kommen Anträge mit Gesundheitsdaten" in a2
    assert "Sozialdaten nach SGB X" in a2 and "Verteilungseffekt" in a2
    a3 = section("A.3 Modellierung Bausteine", "A.4 Ergebnis")
    assert "Vorgehensweise: Standard-Absicherung (gewählt)" in a3 and "Lenkungskreis 2025" in a3
    assert "Kronjuwelen: GP-SOZ" in a3
    assert "Regel: IT-System der Art „Firewall“" in a3
    assert "Nicht modelliert" in a3 and "CON.8" in a3 and "Der Landkreis nutzt keine Cloud-Dienste" in a3


def test_structure_and_decisions_add_no_parse(example_workspace):
    """Each county file is parsed at most once per run, decisions and structure included."""
    from ikz_isms.app.session import Session

    session = Session(example_workspace)
    for county in session.members():
        session.assessment(county)
        session.county_data(county)
    files = list(example_workspace.glob("plugins/*/data/*.yaml")) + list(example_workspace.glob("plugins/*/data/*/*.yaml"))
    assert session.store.parses <= len(files)


def test_a_namespace_file_the_csv_module_cannot_read_is_named_in_german(run_cli, tmp_path):
    """The csv module's reasons are English ("field larger than field limit (131072)")."""
    namespace = tmp_path / "target_object_categories.csv"
    namespace.write_text('Zielobjekt,Definition,ChildOfUUID,UUID\nA,"' + "x" * 200_000 + '",,u\n', encoding="utf-8")
    result = run_cli("catalog", "categories", "--namespace", namespace, cwd=tmp_path)
    assert result.exit_code == 3, result.output
    assert "target_object_categories.csv" in result.stderr and "CSV nicht lesbar: ein Feld ist zu lang." in result.stderr
    assert "field" not in result.stderr
