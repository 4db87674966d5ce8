"""Steps for features/jahresabrechnung_zentrum.feature: a Kämmerei receives the service centre's settlement."""

from __future__ import annotations

import hashlib

from pytest_bdd import given, parsers, scenarios, then

scenarios("jahresabrechnung_zentrum.feature")

HOURS = "catalogs/zentren/vergabestelle/stunden-2025.yaml"


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@given("die Ist-Stunden 2025 der Zentralen Vergabestelle sind erfasst")
def hours_recorded(workspace, state):
    state["hours_digest"] = _digest(workspace / HOURS)


@then(parsers.parse('die Abrechnung "{relative}" nennt "{text}"'))
def statement_says(workspace, relative, text):
    from pypdf import PdfReader

    content = " ".join(" ".join(page.extract_text() for page in PdfReader(str(workspace / relative)).pages).split())
    assert text in content, content


@then(parsers.parse('die Fehlermeldung nennt "{text}"'))
def stderr_names(state, text):
    assert text in state["result"].stderr and "Traceback" not in state["result"].stderr


@then("die Ist-Stunden 2025 der Zentralen Vergabestelle sind unverändert")
def hours_unchanged(workspace, state):
    assert _digest(workspace / HOURS) == state["hours_digest"]
