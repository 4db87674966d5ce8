"""Steps for features/katalog_pruefen.feature: the CI engineer runs ``ikz-isms check``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from pytest_bdd import given, parsers, scenarios, then

scenarios("katalog_pruefen.feature")


def _pinned_catalog(workspace):
    from ikz_isms.workspace import Workspace

    loaded = Workspace.load(workspace)
    return loaded.catalog_path(loaded.pin())


@given("jemand hat im fixierten Katalog eine Anforderung umformuliert")
def tamper(workspace):
    path = _pinned_catalog(workspace)
    document = json.loads(path.read_text(encoding="utf-8"))

    def first_control(node):
        for control in node.get("controls", []):
            return control
        for group in node.get("groups", []):
            found = first_control(group)
            if found:
                return found
        return None

    control = first_control(document["catalog"])
    control["title"] += " (geändert)"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


@given("der fixierte Katalog ist kein gültiges JSON mehr")
def truncate(workspace):
    path = _pinned_catalog(workspace)
    path.write_bytes(path.read_bytes()[:200])


@then(parsers.parse('die Ausgabe meldet FEHLER der Regel "{rule}"'))
def output_reports(state, rule):
    lines = state["result"].output.splitlines()
    assert any(line.startswith("FEHLER") and f" {rule} " in line for line in lines), lines


@then(parsers.parse('der Bericht "{name}" ist gültiges JUnit-XML'))
def junit_valid(workspace, state, name):
    root = ET.parse(workspace / name).getroot()
    assert root.tag == "testsuites"
    assert int(root.get("tests")) > 0
    state["junit"] = root


@then(parsers.parse('der Bericht führt einen Fehlschlag der Regel "{rule}"'))
def junit_failure(state, rule):
    cases = [case for case in state["junit"].iter("testcase") if case.get("classname") == rule]
    assert any(case.find("failure") is not None for case in cases)


@then(parsers.parse('die Fehlermeldung nennt die Datei "{name}"'))
def stderr_names(state, name):
    assert name in state["result"].stderr
    assert "Traceback" not in state["result"].stderr


@then(parsers.parse('es wurde kein Bericht "{name}" geschrieben'))
def no_report(workspace, name):
    assert not (workspace / name).exists()
