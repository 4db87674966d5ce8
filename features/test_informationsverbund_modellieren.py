"""Steps for features/informationsverbund_modellieren.feature: a newcomer models with commands only."""

from __future__ import annotations

import json
import re

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from features.conftest import run_typed
from tests.hand_count import ED2023_MODEL, GSPP_MODEL, ed2023_count, gspp_count, gspp_unapplied
from tests.support import UPSTREAM

scenarios("informationsverbund_modellieren.feature")

NAMESPACE = "gspp/current/namespaces/target_object_categories.csv"


@given(parsers.parse('eine neue Arbeitsumgebung mit dem BSI-Katalog "{relative}"'), target_fixture="workspace")
def new_workspace(run_cli, tmp_path, state, relative):
    catalog = UPSTREAM / relative
    if not catalog.exists():
        pytest.skip(f"BSI-Originaldatei fehlt: {catalog}")
    ws = tmp_path / "ws"
    assert run_cli("init", ws).exit_code == 0
    imported = run_cli("--workspace", ws, "catalog", "import", catalog, "--name", "bsi")
    assert imported.exit_code == 0, imported.stderr
    state["catalog"] = catalog
    return ws


@given(parsers.parse('der neue Landkreis "{name}" ohne Startmodell'))
def new_county(run_cli, workspace, monkeypatch, name):
    result = run_cli("--workspace", workspace, "county", "add", name, "--no-starter")
    assert result.exit_code == 0, result.stderr
    monkeypatch.setenv("IKZ_ISMS_COUNTY", name.lower())
    monkeypatch.setenv("IKZ_ISMS_ACTOR", "ISB Musterkreis")


@when("ich nacheinander ausführe:")
def run_all(run_cli, workspace, state, docstring):
    state["results"] = []
    for line in docstring.strip().splitlines():
        result = run_typed(run_cli, workspace, line.strip())
        state["results"].append((line.strip(), result))
        state["result"] = result


@then("endete jeder Befehl mit Exit-Code 0")
def all_ok(state):
    for line, result in state["results"]:
        assert result.exit_code == 0, f"{line}\n{result.output}{result.stderr}"


def _assess(run_cli, workspace) -> dict:
    result = run_cli("--workspace", workspace, "assess", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["counties"][0]


def _hand(state) -> dict:
    catalog = state["catalog"]
    if catalog.suffix == ".xml":
        return ed2023_count(catalog, ED2023_MODEL)
    return gspp_count(catalog, UPSTREAM / NAMESPACE, GSPP_MODEL)


@then(parsers.parse('gelten nach "{first}" {count:d} und nach "{second}" {other:d} Anforderungen, '
                    'wie von Hand im Katalog gezählt'))
def counts_by_hand(run_cli, workspace, state, first, count, second, other):
    figures = {a["id"]: a["applicable"] for a in _assess(run_cli, workspace)["approaches"]}
    assert (figures[first], figures[second]) == (count, other)
    hand = _hand(state)["total"]
    assert (hand[first], hand[second]) == (count, other), hand


@then(parsers.parse('gelten für "{target}" nach "{approach}" {count:d} Anforderungen aus "{modules}"'))
def target_count(run_cli, workspace, state, target, approach, count, modules):
    view = json.loads(run_cli("--workspace", workspace, "model", "show", "--format", "json").output)["counties"][0]
    entry = next(t for t in view["targets"] if t["id"] == target)
    assert [m["id"] for m in entry["modules"]] == [m.strip() for m in modules.split(",")]
    assert entry["applicable"][approach] == count == _hand(state)[target][approach]


@then(parsers.parse('gelten nach "{approach}" {count:d} Anforderungen, weil das Kronjuwel "{jewel}" alle '
                    "Zielobjekte braucht"))
def core_count(run_cli, workspace, state, approach, count, jewel):
    county = _assess(run_cli, workspace)
    assert county["approach"]["kronjuwelen"] == [jewel]
    assert set(county["approach"]["core"]["scope"]) == set(ED2023_MODEL) | {jewel}
    assert next(a for a in county["approaches"] if a["id"] == approach)["applicable"] == count
    assert _hand(state)["total"]["all"] == count


@then(parsers.parse('die Ausgabe meldet FEHLER der Regel "{rule}" zu "{text}"'))
def error_about(state, rule, text):
    lines = [line for line in state["result"].output.splitlines() if line.startswith("FEHLER") and f" {rule} " in line]
    assert any(text in line for line in lines), state["result"].output


@then(parsers.parse("check meldet {count:d} Anforderungen, die für kein Zielobjekt gelten, darunter für {names}"))
def unapplied(state, count, names):
    output = state["result"].output
    lines = [line for line in output.splitlines() if line.startswith("FEHLER") and " county.structure.left-out " in line]
    reported = sum(int(m.group(1)) for m in (re.search(r": (\d+) Anforderung", line) for line in lines) if m)
    assert reported == count == sum(gspp_unapplied(state["catalog"], UPSTREAM / NAMESPACE, GSPP_MODEL).values())
    for name in re.findall(r'"([^"]+)"', names):
        assert any(f"für {name} " in line for line in lines), name
