"""Steps for features/notfall_nachbarkreis.feature: joint emergency planning and risk acceptance in the Verbund."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.support import ROOT, county_dir

scenarios("notfall_nachbarkreis.feature")

MONTHS = {"Januar": 1, "Februar": 2, "März": 3, "April": 4, "Mai": 5, "Juni": 6, "Juli": 7, "August": 8,
          "September": 9, "Oktober": 10, "November": 11, "Dezember": 12}


@given(parsers.parse("es ist der {day:d}. {month} {year:d}"))
def on_day(monkeypatch, day, month, year):
    moment = dt.datetime(year, MONTHS[month], day, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))


@when(parsers.parse('der Eifelkreis Bitburg-Prüm der Vereinbarung "{agreement}" für die Sozialleistungen beitritt'))
def join_agreement(workspace, agreement):
    path = workspace / "catalogs" / "notfall" / "vereinbarungen.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {agreement}\n")
    end = text.find("\n  - id: ", start + 1)
    block = text[start:end if end != -1 else len(text)]
    joined = re.sub(r"(    parties: \[)([^\]]*)\]", r"\1\2, eifelkreis-bitburg-pruem]", block, count=1)
    joined = joined.replace("        for: [vulkaneifel, bernkastel-wittlich]",
                            "        for: [vulkaneifel, bernkastel-wittlich, eifelkreis-bitburg-pruem]")
    path.write_text(text.replace(block, joined), encoding="utf-8")


@then("keine Ausgabe nennt einen Geschäftsprozess des Eifelkreises, der nur Gesamtwerte freigibt")
def no_aggregate_processes(state):
    for line in state["result"].output.splitlines():
        if "Eifelkreis Bitburg-Prüm" in line:
            assert "GP-" not in line, line


@then(parsers.parse('die Fehlermeldung enthält "{text}"'))
def error_contains(state, text):
    assert text in state["result"].stderr, state["result"].stderr


@then(parsers.parse('das Risikoregister von "{county}" ist unverändert'))
def register_unchanged(workspace, county):
    # the workspace is a fresh copy of the repository's example: its files are the "before"
    for name in ("risiken.yaml", "journal.jsonl", "plan.yaml"):
        assert (county_dir(workspace, county) / name).read_bytes() == (county_dir(ROOT, county) / name).read_bytes(), name


@then(parsers.parse('das Zielobjekt "{target}" in "{county}" muss binnen {hours:d} Stunden wieder laufen, '
                    'geerbt von "{process}"'))
def inherited(run_cli, workspace, target, county, hours, process):
    result = run_cli("--workspace", workspace, "bia", "targets", "--county", county, "--format", "json")
    found = {t["target"]: t for t in json.loads(result.output)["counties"][0]["targets"]}
    assert found[target]["rto_hours"] == hours and found[target]["rto_from"] == [process]


@then(parsers.parse('der Realisierungsplan von "{county}" führt die Folgemaßnahme zu "{incident}"'))
def followup_in_plan(run_cli, workspace, county, incident):
    result = run_cli("--workspace", workspace, "plan", "--county", county, "--format", "json")
    measures = json.loads(result.output)["counties"][0]["measures"]
    measure = next(m for m in measures if m["requirement"] == incident)
    assert measure["state"] == "geplant" and measure["deadline"] == "2027-03-31" and measure["note"] is None


@then(parsers.parse('das PDF "{name}" enthält {texts}'))
def pdf_contains(workspace, name, texts):
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(str(workspace / name)).pages).replace("\n", " ")
    for wanted in re.findall(r'"([^"]+)"', texts):
        assert wanted in text, wanted
