"""Shared reviews ("Einer für Alle"): ``ikz-isms review publish|adopt|list`` and their check rules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ikz_isms.assess.reviews import major_version
from tests.support import journal_lines, journal_problems  # noqa: F401

EXAMPLE = "bernkastel-wittlich-finanzsoftware-5-1"
ADOPTER = "eifelkreis-bitburg-pruem"
COUNTY_DIRS = {
    "bernkastel-wittlich": "ikz-county-bernkastel-wittlich",
    "eifelkreis-bitburg-pruem": "ikz-county-eifelkreis-bitburg-pruem",
    "cochem-zell": "ikz-county-cochem-zell",
    "vulkaneifel": "ikz-county-vulkaneifel",
}


def data_dir(ws: Path, county: str) -> Path:
    return ws / "plugins" / COUNTY_DIRS[county] / "data"


def review_file(ws: Path, review_id: str = EXAMPLE) -> Path:
    return ws / "catalogs" / "bewertungen" / f"{review_id}.yaml"


def set_valid_until(ws: Path, day: dt.date, review_id: str = EXAMPLE) -> None:
    path = review_file(ws, review_id)
    lines = [
        f"valid_until: {day.isoformat()}" if line.startswith("valid_until:") else line
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def records(ws: Path, county: str) -> dict[tuple[str, str], dict]:
    from tests.support import read_records

    return read_records(data_dir(ws, county))


def journal_entries(ws: Path, county: str) -> list[dict]:
    from tests.support import journal_entries as entries

    return entries(data_dir(ws, county))


def snapshot(ws: Path) -> dict[str, bytes]:
    from tests.support import snapshot_tree

    return snapshot_tree(ws)


#: the example review's product findings (adopted); APP.3.1.A20 describes how the author runs its WAF
INHERITED = ("APP.3.1.A1", "APP.3.1.A4", "APP.3.1.A7", "APP.3.1.A22")
ORGANISATIONAL = "APP.3.1.A20"


@pytest.fixture
def shipped(example_workspace):
    """The example as shipped: the Eifelkreis has adopted the example review."""
    return example_workspace


@pytest.fixture
def ws(example_workspace):
    """The example as it was before the Eifelkreis adopted the review (tests of adopting start there)."""
    from tests.support import undo_adoption

    assert undo_adoption(data_dir(example_workspace, ADOPTER), EXAMPLE) == len(INHERITED)
    return example_workspace


@pytest.fixture
def cli(run_cli, ws):
    def run(*args):
        return run_cli("--workspace", ws, *args, cwd=ws)

    return run


def adopt(cli, *extra):
    return cli("review", "adopt", EXAMPLE, "--county", ADOPTER, "--target", "APP-FIN", "--actor", "isb-eifel", *extra)


# --- list ---------------------------------------------------------------------------------


def test_list_shows_the_example_review_as_valid(cli):
    result = cli("review", "list")
    assert result.exit_code == 0, result.stderr
    assert "Gemeinsame Bewertungen" in result.output
    assert "KommunalFinanz Doppik 5.1" in result.output
    assert "gültig" in result.output


def test_list_json_names_validity_catalog_and_adopters(cli):
    result = cli("review", "list", "--format", "json")
    assert result.exit_code == 0
    (entry,) = json.loads(result.output)["reviews"]
    assert entry["id"] == EXAMPLE
    assert entry["author"] == "bernkastel-wittlich"
    assert entry["validity"] == "gültig" and entry["expired"] is False
    assert entry["catalog"]["name"] == "muster"
    assert entry["results"] == 6
    assert entry["superseded_by"] is None


def test_list_says_when_a_review_runs_out_soon_or_has_expired(cli, ws):
    set_valid_until(ws, dt.date.today() + dt.timedelta(days=30))
    assert "läuft ab in 30 Tagen" in json.loads(cli("review", "list", "--format", "json").output)["reviews"][0]["validity"]
    set_valid_until(ws, dt.date.today() - dt.timedelta(days=1))
    result = cli("review", "list")
    assert "abgelaufen" in result.output


def test_list_without_reviews_says_how_to_publish(cli, ws):
    review_file(ws).unlink()
    result = cli("review", "list")
    assert result.exit_code == 0
    assert "review publish" in result.output


# --- publish ------------------------------------------------------------------------------


def publish(cli, county="bernkastel-wittlich", target="APP-DMS", *extra):
    return cli("review", "publish", "--county", county, "--target", target, "--product", "E-Akte Kommunal",
               "--version", "3.2", "--vendor", "Beispiel AG", *extra)


def test_publish_writes_the_counties_own_results_with_pin(cli, ws):
    from tests.support import read_yaml_file as read_yaml

    result = publish(cli, "bernkastel-wittlich", "APP-DMS", "--valid-until", "2030-06-30", "--id", "bw-eakte-3")
    assert result.exit_code == 0, result.stderr
    assert "Veröffentlicht: Bewertung bw-eakte-3" in result.output
    document = read_yaml(review_file(ws, "bw-eakte-3"))
    assert document["author"] == "bernkastel-wittlich"
    assert document["product"] == "E-Akte Kommunal" and document["version"] == "3.2" and document["vendor"] == "Beispiel AG"
    assert document["date"] == dt.date.today()
    assert document["valid_until"] == dt.date(2030, 6, 30)
    assert document["catalog"]["name"] == "muster" and len(document["catalog"]["sha256"]) == 64
    own = records(ws, "bernkastel-wittlich")
    answered = {req for (req, target), r in own.items() if target == "APP-DMS" and r["status"] != "unbearbeitet"}
    assert {r["requirement"] for r in document["results"]} == answered
    with_statement = [r for r in document["results"] if own[(r["requirement"], "APP-DMS")].get("statement")]
    assert with_statement and all("statement" in r for r in with_statement)


def test_publish_default_id_and_validity_of_two_years(cli, ws):
    result = publish(cli, "bernkastel-wittlich", "APP-DMS", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.output)
    assert document["id"] == "bernkastel-wittlich-e-akte-kommunal-3-2"
    assert document["valid_until"] == dt.date.today().replace(year=dt.date.today().year + 2).isoformat()
    assert review_file(ws, document["id"]).is_file()


def test_publish_with_aggregate_disclosure_withholds_statements_and_evidence(cli, ws):
    from tests.support import read_yaml_file as read_yaml

    result = publish(cli, "eifelkreis-bitburg-pruem", "APP-FIN", "--id", "eifel-fin")
    assert result.exit_code == 0, result.stderr
    assert "Offenlegung aggregate" in result.output
    document = read_yaml(review_file(ws, "eifel-fin"))
    assert document["disclosure"] == "aggregate"
    assert document["results"]
    assert all("statement" not in r and "evidence" not in r for r in document["results"])


def test_a_county_with_disclosure_none_cannot_publish(cli, ws):
    profile = data_dir(ws, "cochem-zell") / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("disclosure: aggregate", "disclosure: none"), encoding="utf-8")
    before = snapshot(ws)
    result = publish(cli, "cochem-zell", "APP-FACH")
    assert result.exit_code == 4
    assert "disclosure: none" in result.stderr and "nicht veröffentlicht" in result.stderr
    assert snapshot(ws) == before


def test_publishing_the_same_id_twice_is_refused(cli, ws):
    assert publish(cli, "bernkastel-wittlich", "APP-DMS", "--id", "twice").exit_code == 0
    content = review_file(ws, "twice").read_bytes()
    result = publish(cli, "bernkastel-wittlich", "APP-DMS", "--id", "twice")
    assert result.exit_code == 4
    assert "gibt es schon" in result.stderr
    assert review_file(ws, "twice").read_bytes() == content


def test_publish_for_an_unknown_target_is_an_input_error(cli, ws):
    result = publish(cli, "eifelkreis-bitburg-pruem", "IV-NICHT-DA")
    assert result.exit_code == 3
    assert "IV-NICHT-DA" in result.stderr


def test_publish_without_own_answers_is_refused(cli, ws):
    import shutil

    shutil.rmtree(data_dir(ws, "bernkastel-wittlich") / "pruefungen")
    result = publish(cli, "bernkastel-wittlich", "APP-DMS")
    assert result.exit_code == 4
    assert "nichts zu veröffentlichen" in result.stderr
    assert not (ws / "catalogs" / "bewertungen" / "bernkastel-wittlich-e-akte-kommunal-3-2.yaml").exists()


def test_publish_rejects_a_validity_before_the_date(cli):
    result = publish(cli, "bernkastel-wittlich", "APP-DMS", "--valid-until", "2020-01-01")
    assert result.exit_code == 2
    assert "--valid-until" in result.stderr


def test_publish_with_a_german_date_says_in_german_what_it_expects(cli, ws):
    before = snapshot(ws)
    result = cli("review", "publish", "--county", "vulkaneifel", "--target", "APP-MAIL", "--product", "Mail",
                 "--version", "2.0", "--vendor", "ACME", "--valid-until", "31.12.2027")
    assert result.exit_code == 2
    assert "--valid-until '31.12.2027' ist kein Datum (erwartet JJJJ-MM-TT)" in result.stderr
    assert "does not match" not in result.stderr and "%Y" not in cli("review", "publish", "--help").output
    assert snapshot(ws) == before


# --- adopt --------------------------------------------------------------------------------


def test_adopt_inherits_records_with_provenance_and_keeps_local_overrides(cli, ws):
    before = records(ws, ADOPTER)
    journal_before = len(journal_entries(ws, ADOPTER))
    result = adopt(cli)
    assert result.exit_code == 0, result.stderr
    assert "4 Prüfeinträge geerbt" in result.output
    assert "Eigene Einträge behalten (1): APP.3.1.A14 (ja)" in result.output
    after = records(ws, ADOPTER)
    for req in INHERITED:
        record = after[(req, "APP-FIN")]
        assert record["provenance"] == f"review:{EXAMPLE}"
        assert record["checked"] == "2026-03-16"
        assert f"catalogs/bewertungen/{EXAMPLE}.yaml#{req}" in record["evidence"]
        assert record["statement"].startswith(f"Produktbefund übernommen aus der gemeinsamen Bewertung {EXAMPLE}")
    # the organisational result is a hint, not a record: the Eifelkreis' own answer stays as it was
    assert after[(ORGANISATIONAL, "APP-FIN")] == before[(ORGANISATIONAL, "APP-FIN")]
    assert after[(ORGANISATIONAL, "APP-FIN")]["provenance"] == "own"
    assert "Organisatorische Anforderungen – nicht übernommen, in eigenen Worten beantworten (1)" in result.output
    assert "APP.3.1.A20 – Hinweis von Bernkastel-Wittlich (teilweise): „WAF-Regelwerk" in result.output
    assert "bernkastel-wittlich:DMS:ISMS/2026-051" in after[("APP.3.1.A1", "APP-FIN")]["evidence"]
    assert after[("APP.3.1.A14", "APP-FIN")] == before[("APP.3.1.A14", "APP-FIN")]
    entries = journal_entries(ws, ADOPTER)[journal_before:]
    assert len(entries) == 4
    assert {e["actor"] for e in entries} == {"isb-eifel"}
    assert all(e["new"]["provenance"] == f"review:{EXAMPLE}" for e in entries)

    assert journal_problems(data_dir(ws, ADOPTER) / "journal.jsonl") == []


def test_adopted_review_is_listed_with_its_adopter(cli):
    assert adopt(cli).exit_code == 0
    (entry,) = json.loads(cli("review", "list", "--format", "json").output)["reviews"]
    assert entry["adopters"] == [{"county": ADOPTER, "target": "APP-FIN", "records": 4}]
    assert f"{ADOPTER}/APP-FIN (4)" in cli("review", "list").output


def test_adopting_again_changes_nothing(cli, ws):
    assert adopt(cli).exit_code == 0
    journal_before = len(journal_entries(ws, ADOPTER))
    result = adopt(cli, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["adopted"] == [] and report["unchanged"] == 4
    assert len(journal_entries(ws, ADOPTER)) == journal_before


def test_an_override_after_adoption_is_kept_on_the_next_adoption(cli, ws):
    assert adopt(cli).exit_code == 0
    assert cli("assess", "set", "APP.3.1.A22", "APP-FIN", "teilweise", "--county", ADOPTER,
               "--statement", "Eigener Penetrationstest steht aus").exit_code == 0
    assert records(ws, ADOPTER)[("APP.3.1.A22", "APP-FIN")]["provenance"] == "own"
    result = adopt(cli, "--format", "json")
    assert {"requirement": "APP.3.1.A22", "status": "teilweise"} in json.loads(result.output)["kept"]
    assert records(ws, ADOPTER)[("APP.3.1.A22", "APP-FIN")]["statement"] == "Eigener Penetrationstest steht aus"


def test_adopt_refuses_a_review_made_against_another_catalog(cli, ws):
    path = review_file(ws)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("sha256: 28e32fda", "sha256: 00000000"), encoding="utf-8")
    before = snapshot(ws)
    result = adopt(cli)
    assert result.exit_code == 4
    assert "nicht übertragbar" in result.stderr and "Katalog" in result.stderr
    assert snapshot(ws) == before


def test_adopt_refuses_an_expired_review_unless_forced(cli, ws):
    set_valid_until(ws, dt.date.today() - dt.timedelta(days=10))
    before = snapshot(ws)
    result = adopt(cli)
    assert result.exit_code == 4
    assert "abgelaufen" in result.stderr and "--force" in result.stderr
    assert snapshot(ws) == before
    forced = adopt(cli, "--force")
    assert forced.exit_code == 0
    assert "abgelaufen" in forced.stderr


def test_adopt_unknown_review_or_target_is_an_input_error(cli, ws):
    before = snapshot(ws)
    unknown = cli("review", "adopt", "gibt-es-nicht", "--county", ADOPTER, "--target", "APP-FIN")
    assert unknown.exit_code == 3 and EXAMPLE in unknown.stderr
    no_target = cli("review", "adopt", EXAMPLE, "--county", ADOPTER, "--target", "APP-XYZ")
    assert no_target.exit_code == 3 and "APP-XYZ" in no_target.stderr
    assert snapshot(ws) == before


def test_adopt_onto_a_target_without_those_bausteine_is_refused(cli, ws):
    result = cli("review", "adopt", EXAMPLE, "--county", ADOPTER, "--target", "IV")
    assert result.exit_code == 4
    assert "modelliert" in result.stderr


# --- stale inherited records and check ------------------------------------------------------


def review_findings(ws: Path) -> list[dict]:
    """What ``check`` reports from the review rules (run alone: the full check takes seconds)."""
    from ikz_isms import Session
    from ikz_isms.checks import CheckContext
    from ikz_isms.checks.review_rules import expired_rule, files_rule

    ctx = CheckContext(Session(ws))
    return [f.as_dict() for rule in (files_rule, expired_rule) for f in rule(ctx)]


def test_check_is_clean_after_adopting_the_example(cli):
    assert adopt(cli).exit_code == 0
    result = cli("check", "--format", "json")
    assert result.exit_code == 0
    assert not [f for f in json.loads(result.output)["findings"] if f["rule"].startswith("review.")]


def test_expired_review_flags_inherited_records_for_recheck(cli, ws):
    assert adopt(cli).exit_code == 0
    set_valid_until(ws, dt.date.today() - dt.timedelta(days=1))
    (finding,) = review_findings(ws)
    assert finding["rule"] == "review.expired" and finding["severity"] == "warning"
    assert "Eifelkreis Bitburg-Prüm, Zielobjekt APP-FIN: 4 geerbte Prüfeinträge erneut prüfen" in finding["message"]
    assert finding["file"].endswith("data/pruefungen")


def test_a_new_major_version_supersedes_the_adopted_review(cli, ws):
    from ikz_isms import Session
    from ikz_isms.assess.reviews import stale_inherited

    assert adopt(cli).exit_code == 0
    newer = review_file(ws, "bernkastel-wittlich-finanzsoftware-6-0")
    newer.write_text(
        review_file(ws).read_text(encoding="utf-8")
        .replace(f"id: {EXAMPLE}", "id: bernkastel-wittlich-finanzsoftware-6-0")
        .replace("version: '5.1'", "version: '6.0'"),
        encoding="utf-8",
    )
    listed = json.loads(cli("review", "list", "--format", "json").output)["reviews"]
    assert {r["id"]: r["superseded_by"] for r in listed}[EXAMPLE] == "bernkastel-wittlich-finanzsoftware-6-0"
    assert [f["rule"] for f in review_findings(ws)] == ["review.superseded"]

    session = Session(ws)
    county = session.county(ADOPTER)
    stale = stale_inherited(session.county_data(county), session.reviews(), today=session.today)
    assert len(stale) == 4
    assert {s.reason for s in stale} == {"superseded"}
    assert {s.by for s in stale} == {"bernkastel-wittlich-finanzsoftware-6-0"}


def test_records_from_a_missing_review_are_flagged(cli, ws):
    assert adopt(cli).exit_code == 0
    review_file(ws).unlink()
    assert [f["rule"] for f in review_findings(ws)] == ["review.unknown"]


# --- the example as shipped ------------------------------------------------------------------


@pytest.fixture
def shipped_cli(run_cli, shipped):
    def run(*args):
        return run_cli("--workspace", shipped, *args, cwd=shipped)

    return run


def test_the_shipped_example_review_is_made_on_the_authors_target_and_adopted(shipped, shipped_cli):
    from tests.support import read_yaml_file as read_yaml

    review = read_yaml(review_file(shipped))
    author = records(shipped, "bernkastel-wittlich")
    assert {r["requirement"]: r["status"] for r in review["results"]} == {
        req: r["status"] for (req, target), r in author.items() if target == review["target"]["id"]
    }
    assert {r["requirement"] for r in review["results"] if r["scope"] == "product"} == set(INHERITED) | {"APP.3.1.A14"}
    (entry,) = json.loads(shipped_cli("review", "list", "--format", "json").output)["reviews"]
    assert entry["adopters"] == [{"county": ADOPTER, "target": "APP-FIN", "records": 4}]
    adopted = records(shipped, ADOPTER)
    assert {req for (req, target), r in adopted.items()
            if target == "APP-FIN" and r.get("provenance") == f"review:{EXAMPLE}"} == set(INHERITED)
    assert adopted[("APP.3.1.A14", "APP-FIN")]["provenance"] == "own"
    # the Eifelkreis answered the organisational requirement in its own words
    answer = adopted[(ORGANISATIONAL, "APP-FIN")]
    assert answer["provenance"] == "own" and answer["status"] == "teilweise"
    assert "Erkennungsmodus" not in answer["statement"]
    assert all(e["new"]["provenance"] == f"review:{EXAMPLE}" for e in journal_entries(shipped, ADOPTER)[-4:])
    result = shipped_cli("check", "--format", "json")
    assert result.exit_code == 0
    assert not [f for f in json.loads(result.output)["findings"] if f["rule"].startswith("review.")]


def test_assess_lists_no_inherited_records_for_recheck_while_the_review_is_valid(shipped_cli):
    assert "Geerbte Prüfeinträge" not in shipped_cli("assess").output
    report = json.loads(shipped_cli("assess", "--format", "json").output)
    assert all(county["stale_inherited"] == [] for county in report["counties"])


def test_assess_lists_inherited_records_of_an_expired_review_for_recheck(shipped, shipped_cli):
    expired = dt.date.today() - dt.timedelta(days=1)
    set_valid_until(shipped, expired)
    result = shipped_cli("assess", "--county", ADOPTER)
    assert result.exit_code == 0, result.stderr
    assert "Geerbte Prüfeinträge zur erneuten Prüfung (4)" in result.output
    section = result.output.split("Geerbte Prüfeinträge zur erneuten Prüfung")[1]
    assert all(req in section for req in INHERITED) and "APP.3.1.A14" not in section
    assert EXAMPLE in section and f"abgelaufen am {expired.strftime('%d.%m.%Y')}" in section
    report = json.loads(shipped_cli("assess", "--format", "json").output)
    stale = {c["county"]: c["stale_inherited"] for c in report["counties"]}
    assert {c: len(s) for c, s in stale.items()} == {
        "bernkastel-wittlich": 0, ADOPTER: 4, "cochem-zell": 0, "vulkaneifel": 0}
    assert {(s["target"], s["requirement"]) for s in stale[ADOPTER]} == {("APP-FIN", req) for req in INHERITED}
    assert {(s["review"], s["reason"], s["valid_until"]) for s in stale[ADOPTER]} == {
        (EXAMPLE, "expired", expired.isoformat())}


def test_assess_names_a_superseding_review(shipped, shipped_cli):
    review_file(shipped, "bernkastel-wittlich-finanzsoftware-6-0").write_text(
        review_file(shipped).read_text(encoding="utf-8")
        .replace(f"id: {EXAMPLE}", "id: bernkastel-wittlich-finanzsoftware-6-0")
        .replace("version: '5.1'", "version: '6.0'"),
        encoding="utf-8",
    )
    result = shipped_cli("assess", "--county", ADOPTER)
    assert "ersetzt durch bernkastel-wittlich-finanzsoftware-6-0" in result.output


def test_assess_still_runs_when_a_review_file_is_broken(shipped, shipped_cli):
    path = review_file(shipped)
    path.write_text(path.read_text(encoding="utf-8").replace("status: teilweise", "status: vielleicht"), encoding="utf-8")
    result = shipped_cli("assess", "--county", ADOPTER)
    assert result.exit_code == 0
    assert "Bewertungen nicht lesbar" in result.stderr and "Traceback" not in result.stderr


def test_a_broken_review_file_is_a_check_error_and_an_input_error(cli, ws):
    path = review_file(ws)
    path.write_text(path.read_text(encoding="utf-8").replace("status: teilweise", "status: vielleicht"), encoding="utf-8")
    result = cli("check")
    assert result.exit_code == 1
    assert "review.file" in result.output and "vielleicht" in result.output
    listed = cli("review", "list")
    assert listed.exit_code == 3
    assert f"{EXAMPLE}.yaml" in listed.stderr and "Zeile" in listed.stderr
    assert "Traceback" not in listed.stderr


def test_records_from_a_broken_review_are_not_reported_as_missing(cli, ws):
    assert adopt(cli).exit_code == 0
    path = review_file(ws)
    path.write_text(path.read_text(encoding="utf-8").replace("valid_until: 2028-03-15", "valid_until: 2028-02-30"), encoding="utf-8")
    findings = review_findings(ws)
    assert [(f["rule"], f["severity"]) for f in findings] == [("review.file", "error")]
    assert "2028-02-30" in findings[0]["message"]


def test_a_review_whose_file_name_differs_from_its_id_is_rejected(cli, ws):
    review_file(ws).rename(review_file(ws, "anders"))
    result = cli("review", "list")
    assert result.exit_code == 3
    assert "anders.yaml" in result.stderr and f"{EXAMPLE}.yaml" in result.stderr


def test_major_version():
    assert major_version("5.1") == 5
    assert major_version("v12.0.3") == 12
    assert major_version("2026-R2") == 2026
    assert major_version("Frühjahr") is None


# --- product findings and the author's organisational situation ----------------------------------


def author_wording(ws: Path) -> list[str]:
    from tests.support import read_yaml_file as read_yaml

    review = read_yaml(review_file(ws))
    return [text for r in review["results"] for text in (r.get("statement"), r.get("reason")) if text]


def test_an_adopted_review_leaves_no_author_wording_in_the_adopters_records_or_plan(cli, ws):
    # a product finding with a gap: the adopter's plan gets a measure for it
    path = review_file(ws)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    scope: product\n    status: ja\n    statement: Penetrationstest",
        "    scope: product\n    status: teilweise\n    statement: Penetrationstest"), encoding="utf-8")
    assert adopt(cli).exit_code == 0
    assert records(ws, ADOPTER)[("APP.3.1.A22", "APP-FIN")]["status"] == "teilweise"
    assert cli("plan", "update", "--county", ADOPTER).exit_code == 0
    plan = (data_dir(ws, ADOPTER) / "plan.yaml").read_text(encoding="utf-8")
    assert "APP.3.1.A22" in plan
    record_text = (data_dir(ws, ADOPTER) / "pruefungen" / "APP-FIN.yaml").read_text(encoding="utf-8")
    wording = author_wording(ws)
    assert len(wording) == 6
    assert [w for w in wording if w in plan] == []
    assert [w for w in wording if w in record_text] == []


def test_the_adopter_answers_an_organisational_requirement_in_its_own_words(cli, ws):
    assert adopt(cli).exit_code == 0
    before = snapshot(ws)
    copied = cli("review", "answer", EXAMPLE, ORGANISATIONAL, "teilweise", "--county", ADOPTER, "--target", "APP-FIN",
                 "--statement", "Wie beim Nachbarn: WAF-Regelwerk des Herstellers liegt vor, ist aber nur im "
                                "Erkennungsmodus aktiv.")
    assert copied.exit_code == 2 and "in eigenen Worten" in copied.stderr
    assert snapshot(ws) == before
    answered = cli("review", "answer", EXAMPLE, ORGANISATIONAL, "nein", "--county", ADOPTER, "--target", "APP-FIN",
                   "--statement", "Noch keine WAF vorgeschaltet; Beschaffung über den Rahmenvertrag beantragt.",
                   "--actor", "isb-eifel")
    assert answered.exit_code == 0, answered.stderr
    assert "abweichend (beim bewertenden Landkreis: teilweise)" in answered.output
    record = records(ws, ADOPTER)[(ORGANISATIONAL, "APP-FIN")]
    assert record["status"] == "nein" and record["provenance"] == "own"
    assert journal_entries(ws, ADOPTER)[-1]["actor"] == "isb-eifel"
    delta = json.loads(cli("review", "delta", EXAMPLE, "--county", ADOPTER, "--target", "APP-FIN",
                           "--format", "json").output)
    (entry,) = delta["entries"]
    assert entry["requirement"] == ORGANISATIONAL and entry["state"] == "abweichend"
    assert entry["hint"].startswith("WAF-Regelwerk des Herstellers")
    # a product finding is adopted, not answered
    product = cli("review", "answer", EXAMPLE, "APP.3.1.A1", "ja", "--county", ADOPTER, "--target", "APP-FIN",
                  "--statement", "eigene Worte")
    assert product.exit_code == 4 and "Produktbefund" in product.stderr


def test_publish_marks_organisational_results_and_entbehrlich_as_the_authors_situation(cli, ws):
    from tests.support import read_yaml_file as read_yaml

    own = records(ws, "bernkastel-wittlich")
    answered = sorted(req for (req, target), r in own.items() if target == "APP-DMS" and r["status"] != "unbearbeitet"
                      and r.get("provenance", "own") == "own")
    chosen = answered[0]
    result = publish(cli, "bernkastel-wittlich", "APP-DMS", "--id", "bw-eakte-org", "--organisational", chosen)
    assert result.exit_code == 0, result.stderr
    assert "organisatorisch" in result.output
    document = read_yaml(review_file(ws, "bw-eakte-org"))
    scopes = {r["requirement"]: r["scope"] for r in document["results"]}
    assert scopes[chosen] == "organisation"
    assert all(scope == ("organisation" if req == chosen or own[(req, "APP-DMS")]["status"] == "entbehrlich"
                         else "product") for req, scope in scopes.items())
    unknown = publish(cli, "bernkastel-wittlich", "APP-DMS", "--id", "bw-x", "--organisational", "GIBT.ES.NICHT")
    assert unknown.exit_code == 2 and "--organisational GIBT.ES.NICHT" in unknown.stderr
