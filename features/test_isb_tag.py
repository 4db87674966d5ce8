"""Steps for features/isb_tag.feature: the ISB models an application, checks it and plans measures."""

from __future__ import annotations

import json
import re

from pytest_bdd import given, parsers, scenarios, then, when

scenarios("isb_tag.feature")


def _data_dir(workspace, county):
    return workspace / "plugins" / f"ikz-county-{county}" / "data"


def _plan(run_cli, workspace, county):
    result = run_cli("--workspace", workspace, "plan", "--county", county, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["counties"][0]["measures"]


def _measure(run_cli, workspace, requirement, target):
    return next(
        m for m in _plan(run_cli, workspace, "vulkaneifel") if (m["requirement"], m["target"]) == (requirement, target)
    )


@given(parsers.parse(
    'im Landkreis "{county}" ist die neue Anwendung "{target}" "{name}" mit dem Baustein "{baustein}" '
    'modelliert, die auf "{server}" läuft'
))
def new_application(workspace, county, target, name, baustein, server):
    path = _data_dir(workspace, county) / "zielobjekte.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + f"  # neu modelliert\n  - id: {target}\n    name: {name}\n    type: Anwendung\n"
        f"    depends_on:\n      - {server}\n"
        "    protection_need:\n      C: hoch\n      I: normal\n      A: normal\n"
        f"    bausteine:\n      - {baustein}\n",
        encoding="utf-8",
    )


@given(parsers.parse('die Prüfpunkte von "{target}" sind beantwortet: {answers}'))
def answered(run_cli, workspace, target, answers):
    for requirement, status in re.findall(r'"([^"]+)" (\w+)', answers):
        result = run_cli("--workspace", workspace, "assess", "set", requirement, target, status,
                         "--county", "vulkaneifel", "--actor", "ISB Vulkaneifel")
        assert result.exit_code == 0, result.stderr


@when(parsers.parse('ich im Dialog für "{target}" antworte:'))
def dialog(run_cli, workspace, state, target, docstring):
    state["result"] = run_cli(
        "--workspace", workspace, "assess", "--interactive", "--county", "vulkaneifel", "--target", target,
        "--actor", "ISB Vulkaneifel", cwd=workspace, input=docstring.strip() + "\n",
    )


@when(parsers.parse(
    'ich der Maßnahme zu "{requirement}" auf "{target}" die Verantwortung "{responsible}", '
    'die Frist "{deadline}" und die Kosten "{cost}" gebe'
))
def edit_measure(run_cli, workspace, state, requirement, target, responsible, deadline, cost):
    measure = _measure(run_cli, workspace, requirement, target)
    state["result"] = run_cli(
        "--workspace", workspace, "plan", "set", measure["id"], "--county", "vulkaneifel",
        "--responsible", responsible, "--deadline", deadline, "--cost", cost, cwd=workspace,
    )


@then(parsers.parse('das Zielobjekt "{target}" hängt ab von "{server}"'))
def target_listed(state, target, server):
    targets = json.loads(state["result"].output)["counties"][0]["targets"]
    found = next(t for t in targets if t["id"] == target)
    assert found["depends_on"] == [server] and found["bausteine"] == ["APP.3.1"]
    assert found["protection_need"]["C"]["result"] == "hoch"


@then(parsers.parse('das Journal des Landkreises "{county}" hat {count:d} neue Einträge und ist intakt'))
def journal_intact(run_cli, workspace, state, county, count):
    result = run_cli("--workspace", workspace, "journal", "verify", "--county", county)
    assert result.exit_code == 0, result.output
    assert f"Journal intakt ({state['journal_before'][county] + count} Einträge)" in result.output


@then(parsers.parse('die offenen Basis-Anforderungen von "{target}" sind "{expected}"'))
def basis_gaps(state, target, expected):
    report = json.loads(state["result"].output)["counties"][0]
    shown = ", ".join(f"{g['requirement']} {g['status']}" for g in report["basis_gaps"] if g["target"] == target)
    assert shown == expected


@then(parsers.parse(
    'der Realisierungsplan von "{county}" führt "{first}" und "{second}" auf "{target}" '
    "mit Priorität {priority:d} vor allen Standard-Anforderungen"
))
def plan_lists(run_cli, workspace, county, first, second, target, priority):
    measures = _plan(run_cli, workspace, county)
    mine = [m for m in measures if m["target"] == target]
    assert [m["requirement"] for m in mine] == [first, second]
    assert {m["priority"] for m in mine} == {priority}
    assert {m["gap_status"] for m in mine} == {"nein", "teilweise"}
    position = max(measures.index(m) for m in mine)
    assert all(m["level"] != "S" for m in measures[:position])
    edited = mine[0]
    assert (edited["responsible"], edited["deadline"], edited["cost"]) == ("Fachdienst Digitalisierung", "2027-03-31", "4800.00")


@then(parsers.parse('die Maßnahme zu "{requirement}" auf "{target}" steht auf "{expected}"'))
def measure_state(run_cli, workspace, requirement, target, expected):
    assert _measure(run_cli, workspace, requirement, target)["state"] == expected
