"""Steps for features/bewertung_uebernehmen.feature: an ISB adopts a neighbour's shared review."""

from __future__ import annotations

import datetime as dt

from pytest_bdd import given, parsers, scenarios, then

from tests.support import journal_lines, journal_problems

scenarios("bewertung_uebernehmen.feature")

COUNTY_DIRS = {
    "bernkastel-wittlich": "ikz-county-bernkastel-wittlich",
    "eifelkreis-bitburg-pruem": "ikz-county-eifelkreis-bitburg-pruem",
    "cochem-zell": "ikz-county-cochem-zell",
    "vulkaneifel": "ikz-county-vulkaneifel",
}


def _review_file(workspace, review_id):
    return workspace / "catalogs" / "bewertungen" / f"{review_id}.yaml"


@given(parsers.parse('die Bewertung "{review_id}" liegt im Verbund vor'))
def review_present(workspace, review_id):
    assert _review_file(workspace, review_id).is_file()


@given(parsers.parse('der Landkreis "{county}" hat die Bewertung "{review_id}" noch nicht übernommen'))
def not_yet_adopted(workspace, county, review_id):
    from tests.support import undo_adoption

    undo_adoption(workspace / "plugins" / COUNTY_DIRS[county] / "data", review_id)


@given(parsers.parse('die Bewertung "{review_id}" ist inzwischen abgelaufen'))
def review_expired(workspace, review_id):
    path = _review_file(workspace, review_id)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    lines = [f"valid_until: {yesterday}" if line.startswith("valid_until:") else line
             for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@then(parsers.parse('die Fehlermeldung enthält "{text}"'))
def stderr_contains(state, text):
    assert text in state["result"].stderr
    assert "Traceback" not in state["result"].stderr


@then(parsers.parse('die Ausgabe meldet WARNUNG der Regel "{rule}"'))
def output_warns(state, rule):
    lines = state["result"].output.splitlines()
    assert any(line.startswith("WARNUNG") and f" {rule} " in line for line in lines), lines


@then(parsers.parse(
    'der Prüfeintrag "{requirement}" auf "{target}" im Landkreis "{county}" hat den Status "{status}" '
    'und die Herkunft "{provenance}"'
))
def record_has(workspace, requirement, target, county, status, provenance):
    from tests.support import read_records

    record = read_records(workspace / "plugins" / COUNTY_DIRS[county] / "data").get((requirement, target))
    assert record is not None
    assert (record["status"], record.get("provenance", "own")) == (status, provenance)


@then(parsers.parse('das Journal des Landkreises "{county}" ist intakt und nennt "{actor}" für {count:d} Änderungen'))
def journal_names(workspace, county, actor, count):
    path = workspace / "plugins" / COUNTY_DIRS[county] / "data" / "journal.jsonl"
    assert journal_problems(path) == []
    assert sum(1 for entry in journal_lines(path) if entry["actor"] == actor) == count


@then(parsers.parse('der Realisierungsplan des Landkreises "{county}" enthält keine Formulierung der Bewertung "{review_id}"'))
def plan_without_author_wording(workspace, county, review_id):
    from tests.support import read_yaml_file

    review = read_yaml_file(_review_file(workspace, review_id))
    wording = [text for result in review["results"] for text in (result.get("statement"), result.get("reason")) if text]
    plan = (workspace / "plugins" / COUNTY_DIRS[county] / "data" / "plan.yaml").read_text(encoding="utf-8")
    assert wording and not [text for text in wording if text in plan]
    assert "APP.3.1.A20" in plan  # the adopter's own gap is planned, in its own words
