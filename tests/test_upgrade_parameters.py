"""`catalog upgrade`: parameter values (tailoring) follow their renumbered controls; excluded topics are checked.

Between the G++ beta 0.9.7 and the resolved catalog of 2026-06-30 BSI renumbers 56 of 198
parameters with their controls (``perf.3.1-prm1`` becomes ``perf.4.1-prm1``). The expected
successor of each parameter is computed here from the two JSON files (control alt-identifier,
then the parameter at the same place), independently of the code under test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import snapshot_tree, upstream_file
from tests.transition_support import gspp_upgrade_workspace

BETA = "gspp/beta-0.9.7/Grundschutz++-Kompendium.json"
RESOLVED = "gspp/resolved-2026-06-30/Grundschutz++-catalog.json"
COUNTY = "testkreis"

pytestmark = pytest.mark.slow


def _params(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Control id → (alt-identifier, parameter ids) of a G++ OSCAL JSON file, read with plain json."""
    found: dict[str, tuple[str, list[str]]] = {}

    def walk(node: dict[str, Any]) -> None:
        for control in node.get("controls") or []:
            uuid = next((p["value"] for p in control.get("props") or [] if p.get("name") == "alt-identifier"), "")
            found[control["id"]] = (uuid, [p["id"] for p in control.get("params") or []])
            walk(control)
        for group in node.get("groups") or []:
            walk(group)

    walk(json.loads(path.read_text(encoding="utf-8"))["catalog"])
    return found


def _successors() -> dict[str, str | None]:
    """Old parameter id → its parameter in the new release (``None``: none; its control is gone)."""
    old, new = _params(upstream_file(BETA)), _params(upstream_file(RESOLVED))
    by_uuid = {uuid: params for uuid, params in new.values() if uuid}
    result: dict[str, str | None] = {}
    for uuid, params in old.values():
        successor = by_uuid.get(uuid)
        for index, param in enumerate(params):
            if successor is None:
                result[param] = None
            elif len(successor) == len(params):
                result[param] = successor[index]
            else:  # the same suffix (-prm1) where the control gained or lost parameters
                same = [p for p in successor if p.rsplit("-", 1)[-1] == param.rsplit("-", 1)[-1]]
                result[param] = same[0] if len(same) == 1 else None
    return result


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return gspp_upgrade_workspace(tmp_path_factory.mktemp("params") / "ws", upstream_file(BETA), upstream_file(RESOLVED))


@pytest.fixture
def ws(template, tmp_path):
    target = tmp_path / "ws"
    shutil.copytree(template, target)
    return target


def _values(ws: Path) -> dict[str, tuple[str, str]]:
    document = yaml.safe_load((ws / "plugins" / f"ikz-county-{COUNTY}" / "data" / "zielobjekte.yaml")
                              .read_text(encoding="utf-8"))
    return {p["param"]: (p["value"], p["reason"]) for p in document.get("parameters") or []}


def test_parameter_values_follow_their_controls_and_undo(ws, run_cli):
    successors = _successors()
    renamed = sorted(p for p, new in successors.items() if new is not None and new != p)[:2]
    kept = sorted(p for p, new in successors.items() if new == p)[0]
    assert len(renamed) == 2
    for param in (*renamed, kept):
        result = run_cli("--workspace", ws, "model", "param", param, f"Wert für {param}", "--reason",
                         "Festlegung des Lenkungskreises", "--county", COUNTY)
        assert result.exit_code == 0, result.stderr
    before_values = _values(ws)
    data = ws / "plugins" / f"ikz-county-{COUNTY}" / "data"
    before = {p: b for p, b in snapshot_tree(data).items() if p != "journal.jsonl"}

    dry = run_cli("--workspace", ws, "catalog", "upgrade", "--county", COUNTY, "--to", "gspp-2026-06", "--format", "json")
    assert dry.exit_code == 0, dry.stderr
    moved = {r["entry"]: r["new"] for r in json.loads(dry.output)["counties"][0]["references"]["moved"]
             if r["file"] == "zielobjekte.yaml" and r["kind"] == "parameter"}
    assert moved == {param: [successors[param]] for param in renamed}
    text = run_cli("--workspace", ws, "catalog", "upgrade", "--county", COUNTY, "--to", "gspp-2026-06")
    assert all(f"Parameter {param}" in text.output for param in renamed), text.output

    applied = run_cli("--workspace", ws, "catalog", "upgrade", "--county", COUNTY, "--to", "gspp-2026-06", "--apply",
                      "--format", "json")
    assert applied.exit_code == 0, applied.stderr
    after_values = _values(ws)
    assert after_values == {successors.get(p) if p in renamed else p: v for p, v in before_values.items()}
    shown = run_cli("--workspace", ws, "model", "param", "--county", COUNTY, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    view = json.loads(shown.output)
    own = {p["param"]: p["value"] for p in view["parameters"] if p.get("value")}
    # every value is known to the new catalog: used by a requirement in scope, or listed as not in scope
    assert set(own) | set(view["unused"]) == set(after_values)
    assert all(own[param] == after_values[param][0] for param in own) and own
    check = run_cli("--workspace", ws, "check")
    assert "unknown-parameter" not in check.output and "open-reference" not in check.output.split("Parameter")[0]

    change = json.loads(applied.output)["counties"][0]["result"]["change"]
    undo = run_cli("--workspace", ws, "catalog", "undo", change, "--county", COUNTY, "--apply")
    assert undo.exit_code == 0, undo.stderr
    restored = {p: b for p, b in snapshot_tree(data).items() if p != "journal.jsonl" and not p.startswith("archiv")}
    assert restored == before


def test_a_parameter_whose_control_is_gone_stays_for_a_decision(ws, run_cli):
    successors = _successors()
    gone = sorted(p for p, new in successors.items() if new is None)
    if not gone:
        pytest.skip("in diesen Katalogständen entfällt kein Parameter")
    param = gone[0]
    result = run_cli("--workspace", ws, "model", "param", param, "Eigener Wert", "--reason", "Festlegung",
                     "--county", COUNTY)
    assert result.exit_code == 0, result.stderr
    dry = run_cli("--workspace", ws, "catalog", "upgrade", "--county", COUNTY, "--to", "gspp-2026-06", "--format", "json")
    assert dry.exit_code == 0, dry.stderr
    open_refs = {r["entry"]: r for r in json.loads(dry.output)["counties"][0]["references"]["open"]
                 if r["kind"] == "parameter"}
    assert param in open_refs and open_refs[param]["decision"]
    applied = run_cli("--workspace", ws, "catalog", "upgrade", "--county", COUNTY, "--to", "gspp-2026-06", "--apply")
    assert applied.exit_code == 0, applied.stderr
    assert param in _values(ws)  # left as it was
    check = run_cli("--workspace", ws, "check")
    lines = [line for line in check.output.splitlines() if f"'{param}'" in line]
    assert len(lines) == 1 and "county.transition.open-reference" in lines[0], lines
    assert "zielobjekte.yaml:Zeile" in lines[0] and "model param" in lines[0]


def _groups(path: Path) -> dict[str, str]:
    """Group id → title of a G++ OSCAL JSON file, read with plain json."""
    found: dict[str, str] = {}

    def walk(node: dict[str, Any]) -> None:
        for group in node.get("groups") or []:
            found[group["id"]] = " ".join(str(group.get("title", "")).split())
            walk(group)

    walk(json.loads(path.read_text(encoding="utf-8"))["catalog"])
    return found


def test_an_excluded_topic_whose_id_now_means_another_topic_stays_for_a_decision(ws, run_cli):
    old, new = _groups(upstream_file(BETA)), _groups(upstream_file(RESOLVED))
    shifted = sorted(g for g in old if g in new and "." in g and old[g] != new[g] and g.startswith("GEB."))[0]
    kept = sorted(g for g in old if g in new and "." in g and old[g] == new[g] and g.startswith("GEB."))[0]
    for group in (shifted, kept):
        result = run_cli("--workspace", ws, "model", "exclude", group, "--reason", "Kein solcher Bereich",
                         "--county", COUNTY)
        assert result.exit_code == 0, result.stderr
    dry = run_cli("--workspace", ws, "catalog", "upgrade", "--county", COUNTY, "--to", "gspp-2026-06", "--format", "json")
    assert dry.exit_code == 0, dry.stderr
    references = json.loads(dry.output)["counties"][0]["references"]
    open_refs = {r["entry"]: r for r in references["open"] if r["kind"] == "exclusion"}
    assert shifted in open_refs and kept not in open_refs
    assert f"„{new[shifted]}“" in open_refs[shifted]["decision"] and f"„{old[shifted]}“" in open_refs[shifted]["decision"]
    same_title = {g for g, title in new.items() if title == old[shifted] and g.split(".")[0] == "GEB"}
    assert same_title and same_title <= set(open_refs[shifted]["candidates"])
    assert not any(r["entry"] in (shifted, kept) for r in references["moved"])
    applied = run_cli("--workspace", ws, "catalog", "upgrade", "--county", COUNTY, "--to", "gspp-2026-06", "--apply")
    assert applied.exit_code == 0, applied.stderr
    check = run_cli("--workspace", ws, "check")
    lines = [line for line in check.output.splitlines() if f"'{shifted}'" in line]
    assert len(lines) == 1 and "county.transition.open-reference" in lines[0], lines
