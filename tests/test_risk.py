"""Risk analysis after BSI-Standard 200-3: register, matrix, treatment, acceptance, A.5 — as a user sees it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.support import county_dir, journal_lines, journal_problems

pypdf = pytest.importorskip("pypdf")

COUNTY = "vulkaneifel"


def risks(run_cli, ws: Path, county: str = COUNTY, *extra: str) -> dict:
    result = run_cli("risk", "list", "--county", county, "--format", "json", *extra, cwd=ws)
    assert result.exit_code == 0, result.stderr
    return {r["id"]: r for r in json.loads(result.output)["counties"][0]["risks"]}


def epoch(day: str) -> str:
    return str(int(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), dt.UTC).timestamp()))


def check_json(run_cli, ws: Path) -> tuple[int, list[dict]]:
    result = run_cli("check", "--format", "json", cwd=ws)
    return result.exit_code, json.loads(result.output)["findings"]


def test_the_example_register_rates_treats_and_accepts(run_cli, example_workspace):
    found = risks(run_cli, example_workspace)
    ransomware = found["R-001"]
    assert (ransomware["threat"], ransomware["threat_name"]) == ("G 0.39", "Schadprogramme")
    assert (ransomware["frequency"], ransomware["impact"], ransomware["category"]) == ("häufig", "existenzbedrohend",
                                                                                     "sehr hoch")
    assert ransomware["residual"]["category"] == "mittel"
    assert ransomware["treatment"]["option"] == "reduzieren"
    assert [m["id"] for m in ransomware["measures"]] == ["M-035", "M-036"] and all(m["in_plan"] for m in ransomware["measures"])
    assert ransomware["acceptance"]["by"].startswith("Landrätin") and ransomware["state"] == "akzeptiert"
    # the Verzeichnisdienst risk comes from an open Basis requirement
    assert found["R-002"]["basis_gap"] and found["R-002"]["basis_gaps"][0]["requirement"] == "APP.2.1.A1"


def test_matrix_is_the_200_3_default(run_cli, example_workspace):
    result = run_cli("risk", "matrix", "--format", "json", cwd=example_workspace)
    matrix = json.loads(result.output)
    assert matrix["rows"]["selten"] == ["gering", "gering", "mittel", "hoch"]
    assert matrix["rows"]["sehr häufig"] == ["gering", "hoch", "sehr hoch", "sehr hoch"]
    assert "200-3" in matrix["source"]


def _config(ws: Path, block: str) -> None:
    path = ws / "ikz-isms.yaml"
    path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")


def test_a_verbund_sets_its_own_matrix(run_cli, example_workspace):
    _config(example_workspace, "risk:\n  matrix:\n"
                               "    selten: [gering, gering, gering, mittel]\n"
                               "    mittel: [gering, gering, mittel, hoch]\n"
                               "    häufig: [gering, mittel, hoch, sehr hoch]\n"
                               "    sehr häufig: [mittel, hoch, sehr hoch, sehr hoch]\n")
    found = risks(run_cli, example_workspace)
    assert found["R-004"]["category"] == "gering"  # selten × beträchtlich
    assert found["R-002"]["category"] == "hoch"  # mittel × existenzbedrohend
    shown = run_cli("risk", "matrix", cwd=example_workspace).output
    assert "Risikomatrix des Verbunds" in shown


def test_a_matrix_that_rates_worse_lower_is_refused(run_cli, example_workspace):
    _config(example_workspace, "risk:\n  matrix:\n"
                               "    selten: [gering, hoch, mittel, hoch]\n"
                               "    mittel: [gering, mittel, hoch, sehr hoch]\n"
                               "    häufig: [gering, mittel, hoch, sehr hoch]\n"
                               "    sehr häufig: [gering, hoch, sehr hoch, sehr hoch]\n")
    result = run_cli("risk", "list", "--county", COUNTY, cwd=example_workspace)
    assert result.exit_code == 3
    assert "ikz-isms.yaml" in result.stderr and "/risk/matrix/selten/2" in result.stderr
    assert "schwerere Auswirkung" in result.stderr


def test_a_matrix_with_an_unknown_category_names_the_config(run_cli, example_workspace):
    _config(example_workspace, "risk:\n  matrix:\n    selten: [gering, gering, mittel, katastrophal]\n"
                               "    mittel: [gering, mittel, hoch, sehr hoch]\n    häufig: [gering, mittel, hoch, sehr hoch]\n"
                               "    sehr häufig: [gering, hoch, sehr hoch, sehr hoch]\n")
    result = run_cli("risk", "matrix", cwd=example_workspace)
    assert result.exit_code == 3
    assert "ikz-isms.yaml" in result.stderr and "katastrophal" in result.stderr


def test_add_assess_treat_journaled_and_measures_enter_the_plan(run_cli, example_workspace):
    ws = example_workspace
    data = county_dir(ws, COUNTY)
    before = len(journal_lines(data / "journal.jsonl"))
    added = run_cli("risk", "add", "--county", COUNTY, "--target", "APP-MAIL", "--threat", "g0.19",
                    "--title", "Sozialdaten per E-Mail an falsche Empfänger", "--actor", "ISB Vulkaneifel", cwd=ws)
    assert added.exit_code == 0, added.stderr
    assert "Aufgenommen: Risiko R-006" in added.output and "noch nicht bewertet" in added.output
    rated = run_cli("risk", "assess", "R-006", "--county", COUNTY, "--frequency", "häufig", "--impact", "beträchtlich",
                    "--reason", "Tägliche Praxis, Fehlversand kommt vor.", cwd=ws)
    assert rated.exit_code == 0, rated.stderr
    assert "hoch (häufig × beträchtlich)" in rated.output
    treated = run_cli("risk", "treat", "R-006", "--county", COUNTY, "--option", "reduzieren", "--owner", "Sozialamt",
                      "--deadline", "2027-12-31", "--measure", "Verschlüsselte E-Mail für Sozialdaten einführen",
                      "--link", "M-002", cwd=ws)
    assert treated.exit_code == 0, treated.stderr
    assert "neue Maßnahmen im Realisierungsplan: M-040" in treated.output
    plan = json.loads(run_cli("plan", "--county", COUNTY, "--format", "json", cwd=ws).output)["counties"][0]
    measure = next(m for m in plan["measures"] if m["id"] == "M-040")
    assert (measure["requirement"], measure["target"], measure["responsible"]) == ("R-006", "APP-MAIL", "Sozialamt")
    assert measure["deadline"] == "2027-12-31" and measure["priority"] == 2 and measure["note"] is None
    risk = risks(run_cli, ws)["R-006"]
    assert [m["id"] for m in risk["measures"]] == ["M-002", "M-040"] and risk["state"] == "in Behandlung"
    entries = journal_lines(data / "journal.jsonl")[before:]
    assert [e["record"] for e in entries] == ["risk:R-006", "risk:R-006", "risk:R-006", "plan:M-040"]
    assert entries[0]["actor"] == "ISB Vulkaneifel" and entries[0]["old"] is None
    assert journal_problems(data / "journal.jsonl") == []
    assert run_cli("journal", "verify", "--county", COUNTY, cwd=ws).exit_code == 0
    # the next plan update keeps the risk's measure and has nothing to say about it
    assert run_cli("plan", "update", "--county", COUNTY, cwd=ws).exit_code == 0
    plan = json.loads(run_cli("plan", "--county", COUNTY, "--format", "json", cwd=ws).output)["counties"][0]
    assert any(m["id"] == "M-040" and m["note"] is None for m in plan["measures"])


def test_a_basis_gap_risk_cannot_be_accepted(run_cli, example_workspace):
    ws = example_workspace
    data = county_dir(ws, COUNTY)
    register = (data / "risiken.yaml").read_bytes()
    journal = (data / "journal.jsonl").read_bytes()
    refused = run_cli("risk", "accept", "R-002", "--county", COUNTY, "--by", "Landrätin J. Beispiel",
                      "--until", "2028-12-31", cwd=ws)
    assert refused.exit_code == 4, refused.output + refused.stderr
    assert "APP.2.1.A1 auf APP-AD" in refused.stderr and "nicht akzeptiert werden" in refused.stderr
    assert "risiken.yaml" in refused.stderr and "Traceback" not in refused.stderr
    also = run_cli("risk", "treat", "R-002", "--county", COUNTY, "--option", "akzeptieren", "--owner", "ISB", cwd=ws)
    assert also.exit_code == 4 and "Basis-Anforderungen" in also.stderr
    assert (data / "risiken.yaml").read_bytes() == register and (data / "journal.jsonl").read_bytes() == journal
    # once the Basis requirement is met, the (residual) risk may be carried
    assert run_cli("assess", "set", "APP.2.1.A1", "APP-AD", "ja", "--county", COUNTY, cwd=ws).exit_code == 0
    accepted = run_cli("risk", "accept", "R-002", "--county", COUNTY, "--by", "Landrätin J. Beispiel",
                       "--role", "Landrätin", "--until", "2028-12-31", "--reference", "Vfg. 2026/40", cwd=ws)
    assert accepted.exit_code == 0, accepted.stderr
    assert "entschieden von Landrätin J. Beispiel (Landrätin)" in accepted.output


def test_an_accepted_risk_past_its_date_is_a_check_finding(run_cli, example_workspace, monkeypatch):
    ws = example_workspace
    code, findings = check_json(run_cli, ws)
    assert code == 0 and not [f for f in findings if f["rule"] == "county.risk.acceptance-expired"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2028-07-01"))
    code, findings = check_json(run_cli, ws)
    expired = [f for f in findings if f["rule"] == "county.risk.acceptance-expired"]
    assert code == 1
    hit = next(f for f in expired if "Vulkaneifel" in f["message"])
    assert hit["severity"] == "error" and "R-001" in hit["message"] and "30.06.2028" in hit["message"]
    assert hit["file"] == "plugins/ikz-county-vulkaneifel/data/risiken.yaml" and hit["location"] == "Zeile 7"
    assert risks(run_cli, ws)["R-001"]["state"] == "Akzeptanz abgelaufen"


def test_an_acceptance_written_by_hand_onto_a_basis_gap_risk_is_an_error(run_cli, example_workspace):
    path = county_dir(example_workspace, COUNTY) / "risiken.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("      measures: [M-001]\n", "      measures: [M-001]\n    acceptance:\n      by: Jemand\n"
                        "      decided: 2026-07-01\n      until: 2028-01-31\n", 1)
    path.write_text(text, encoding="utf-8")
    code, findings = check_json(run_cli, example_workspace)
    assert code == 1
    hit = next(f for f in findings if f["rule"] == "county.risk.basis-accepted")
    assert "R-002" in hit["message"] and "APP.2.1.A1" in hit["message"]


def test_a_risk_without_treatment_is_a_warning(run_cli, example_workspace):
    ws = example_workspace
    _, findings = check_json(run_cli, ws)
    assert not [f for f in findings if f["rule"].startswith("county.risk")]  # the example's risks are all treated
    for args in (["--threat", "G 0.33", "--frequency", "mittel", "--impact", "beträchtlich"], ["--threat", "G 0.8"]):
        assert run_cli("risk", "add", "--county", "cochem-zell", "--target", "APP-MAIL", *args, cwd=ws).exit_code == 0
    code, findings = check_json(run_cli, ws)
    untreated = [f for f in findings if f["rule"] == "county.risk.untreated"]
    assert code == 0 and len(untreated) == 2 and all(f["severity"] == "warning" for f in untreated)
    rated, unrated = sorted(untreated, key=lambda f: f["message"])
    assert "R-005" in rated["message"] and "Kategorie hoch, ohne Behandlung" in rated["message"]
    assert "R-006" in unrated["message"] and "weder eingestuft noch behandelt" in unrated["message"]
    assert rated["file"] == "plugins/ikz-county-cochem-zell/data/risiken.yaml" and rated["location"].startswith("Zeile ")


def test_bad_register_input_is_refused_with_file_and_line(run_cli, example_workspace):
    data = county_dir(example_workspace, COUNTY)
    path = data / "risiken.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("frequency: häufig", "frequency: ständig", 1),
                    encoding="utf-8")
    broken = path.read_bytes()
    result = run_cli("risk", "list", "--county", COUNTY, cwd=example_workspace)
    assert result.exit_code == 3
    assert "risiken.yaml" in result.stderr and re.search(r"Zeile \d+", result.stderr) and "ständig" in result.stderr
    added = run_cli("risk", "add", "--county", COUNTY, "--target", "APP-MAIL", "--threat", "G 0.19",
                    cwd=example_workspace)
    assert added.exit_code == 3 and path.read_bytes() == broken


@pytest.mark.parametrize("args, code, text", [
    (["--target", "NIRGENDS", "--threat", "G 0.39"], 3, "Zielobjekt 'NIRGENDS' gibt es"),
    (["--target", "SRV-APP", "--threat", "G 0.99"], 2, "keine elementare Gefährdung"),
    (["--target", "SRV-APP"], 2, "--threat oder --title"),
    (["--target", "SRV-APP", "--threat", "G 0.39", "--frequency", "selten"], 2, "nur zusammen"),
    (["--target", "SRV-APP", "--threat", "G 0.39", "--requirement", "XYZ.9.A9"], 3, "XYZ.9.A9"),
    (["--target", "SRV-APP", "--title", "   "], 2, "--title darf nicht leer"),
])
def test_bad_typed_values_change_nothing(run_cli, example_workspace, args, code, text):
    path = county_dir(example_workspace, COUNTY) / "risiken.yaml"
    before = path.read_bytes()
    result = run_cli("risk", "add", "--county", COUNTY, *args, cwd=example_workspace)
    assert result.exit_code == code, result.output + result.stderr
    assert text in result.stderr and path.read_bytes() == before


def test_accept_needs_a_sensible_decision(run_cli, example_workspace):
    result = run_cli("risk", "accept", "R-005", "--county", COUNTY, "--by", "Landrätin", "--decided", "2026-06-01",
                     "--until", "2026-05-01", cwd=example_workspace)
    assert result.exit_code == 2 and "--until" in result.stderr
    unknown = run_cli("risk", "accept", "R-099", "--county", COUNTY, "--by", "Landrätin", "--until", "2099-01-01",
                      cwd=example_workspace)
    assert unknown.exit_code == 3 and "R-099" in unknown.stderr


def test_a_new_county_starts_its_register(run_cli, example_workspace):
    ws = example_workspace
    data = county_dir(ws, "eifelkreis-bitburg-pruem")
    (data / "risiken.yaml").unlink()
    result = run_cli("risk", "add", "--county", "eifelkreis-bitburg-pruem", "--target", "SRV-APP", "--threat",
                     "G 0.39", "--frequency", "häufig", "--impact", "existenzbedrohend", cwd=ws)
    assert result.exit_code == 0, result.stderr
    text = (data / "risiken.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Risikoregister nach BSI-Standard 200-3")
    assert "id: R-001" in text and "frequency: häufig" in text


def test_the_verbund_sees_risk_categories_as_each_disclosure_allows(run_cli, example_workspace):
    view = json.loads(run_cli("risk", "list", "--verbund", "--format", "json", cwd=example_workspace).output)
    rows = {r["county"]: r for r in view["counties"]}
    full, aggregate = rows["vulkaneifel"]["risks"], rows["cochem-zell"]["risks"]
    assert full["before"]["sehr hoch"] == 2 and [e["id"] for e in full["entries"]][:2] == ["R-001", "R-002"]
    assert all("title" not in e for e in full["entries"])  # free text only with disclosure_allow free_text
    assert aggregate["count"] == 4 and "entries" not in aggregate
    text = json.dumps(view, ensure_ascii=False)
    assert "Grippewelle" not in text and "Verschlüsselungstrojaner" not in text


def test_a_county_without_disclosure_shows_no_risks(run_cli, example_workspace):
    profile = county_dir(example_workspace, "cochem-zell") / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("disclosure: aggregate", "disclosure: none"),
                       encoding="utf-8")
    view = json.loads(run_cli("risk", "list", "--verbund", "--format", "json", cwd=example_workspace).output)
    row = next(r for r in view["counties"] if r["county"] == "cochem-zell")
    assert row["risks"] is None and "keine Freigabe" in row["withheld"]


def test_the_county_report_carries_the_risk_analysis_as_a5(run_cli, example_workspace, tmp_path):
    pdf = tmp_path / "bericht.pdf"
    result = run_cli("report", "county", COUNTY, "-o", pdf, "--date", "2026-12-01", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages)
    section = text[text.rindex("A.5 Risikoanalyse\n"):text.rindex("A.6 Realisierungsplan\n")]
    for heading in ("Zielobjekte mit Risikoanalyse", "Risikomatrix vor der Behandlung",
                    "Risikomatrix nach der Behandlung", "Risikoregister", "Akzeptierte Risiken"):
        assert heading in section, heading
    assert "BSI-Standard 200-3 (4×4-Matrix)" in section
    assert "Landrätin J. Beispiel" in section and "30.06.2028" in section
    assert "R-002 (APP.2.1.A1 auf APP-AD)" in section.replace("\n", " ")
    # the plan shows the risks' measures
    assert "R-001" in text[text.rindex("A.6 Realisierungsplan\n"):]


@pytest.mark.upstream
def test_threats_show_bsis_definitions_from_the_namespace_file(run_cli, example_workspace, upstream):
    import shutil

    bare = json.loads(run_cli("risk", "threats", "--format", "json", cwd=example_workspace).output)
    assert len(bare["threats"]) == 47 and bare["threats"][17]["id"] == "G 0.18"
    assert not any(t["definition"] for t in bare["threats"])
    target = example_workspace / "catalogs" / "namensraum"
    target.mkdir()
    shutil.copy(upstream / "gspp/current/namespaces/basethreats.csv", target / "basethreats.csv")
    listing = json.loads(run_cli("risk", "threats", "--format", "json", cwd=example_workspace).output)
    fire = listing["threats"][0]
    assert fire["name"] == "Feuer" and fire["definition"].startswith("Feuer können") and "basethreats.csv" in fire["source"]
