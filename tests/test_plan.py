"""`ikz-isms plan`: the Realisierungsplan from the gaps, its order, edits, outputs and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ikz_isms.assess.plan import Measure, money_de, parse_money, sort_measures

COUNTY = "vulkaneifel"


def data_dir(ws: Path, key: str = COUNTY) -> Path:
    return ws / "plugins" / f"ikz-county-{key}" / "data"


def plan_json(run_cli, ws: Path, *args: str) -> dict:
    result = run_cli("--workspace", ws, "plan", "--county", COUNTY, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["counties"][0]


@pytest.fixture
def fresh_plan(run_cli, example_workspace) -> Path:
    """The example workspace with Vulkaneifel's plan rebuilt from its gaps (no invented edits)."""
    (data_dir(example_workspace) / "plan.yaml").unlink()
    result = run_cli("--workspace", example_workspace, "plan", "update", "--county", COUNTY)
    assert result.exit_code == 0, result.stderr
    assert "neu" in result.output
    return example_workspace


def test_every_gap_becomes_one_measure(run_cli, fresh_plan):
    assessment = json.loads(run_cli("--workspace", fresh_plan, "assess", "--county", COUNTY, "--format", "json").output)
    plan = plan_json(run_cli, fresh_plan)
    records = "".join(p.read_text(encoding="utf-8") for p in sorted((data_dir(fresh_plan) / "pruefungen").glob("*.yaml")))
    recorded = records.count("status: nein") + records.count("status: teilweise")
    # the plan follows the county's approach (Standard-Absicherung): gaps on requirements it does not call for
    # (H on objects of normal protection need) get no measure
    listed = run_cli("--workspace", fresh_plan, "assess", "list", "--county", COUNTY, "--status", "nein",
                     "--status", "teilweise", "--format", "json")
    gaps = json.loads(listed.output)["counties"][0]["count"]
    assert 0 < gaps <= recorded
    assert len(plan["measures"]) == gaps == plan["totals"]["count"]
    assert {m["state"] for m in plan["measures"]} == {"geplant"}
    basis_gaps = {(g["requirement"], g["target"]) for g in assessment["counties"][0]["basis_gaps"] if g["status"] != "unbearbeitet"}
    assert basis_gaps <= {(m["requirement"], m["target"]) for m in plan["measures"]}


def test_priority_basis_first_then_protection_need_then_level(run_cli, fresh_plan):
    targets = json.loads(run_cli("--workspace", fresh_plan, "assess", "targets", "--county", COUNTY, "--format", "json").output)
    rank = {"sehr hoch": 0, "hoch": 1, "normal": 2}
    need = {
        t["id"]: min(rank[t["protection_need"][d]["result"]] for d in "CIA") for t in targets["counties"][0]["targets"]
    }
    measures = plan_json(run_cli, fresh_plan)["measures"]
    tier = {"B": 0, "S": 1, "H": 2}
    for m in measures:
        assert m["priority"] == tier[m["level"]] * 3 + need[m["target"]] + 1, m
    priorities = [m["priority"] for m in measures]
    assert priorities == sorted(priorities) and priorities[0] == 1
    last_basis = max(i for i, m in enumerate(measures) if m["level"] == "B" and need[m["target"]] == 2)
    first_standard = min(i for i, m in enumerate(measures) if m["level"] != "B")
    assert last_basis < first_standard
    assert [m["id"] for m in measures] == [f"M-{n:03d}" for n in range(1, len(measures) + 1)]


def test_effort_orders_within_a_priority_and_level_stands_in_without_it():
    def measure(mid, priority, level, effort=None):
        return Measure(mid, "R", "T", "", "", "", None, None, priority, "geplant", "nein", level, None, None, effort)

    ordered = sort_measures([
        measure("M-004", 2, "S"), measure("M-003", 1, "normal-SdT", 4), measure("M-002", 1, "normal-SdT", 1),
        measure("M-010", 2, "B"), measure("M-001", 1, "normal-SdT", 4),
    ])
    assert [m.id for m in ordered] == ["M-002", "M-001", "M-003", "M-010", "M-004"]


def test_overdue_flag_and_filter(run_cli, fresh_plan):
    ws = fresh_plan
    assert run_cli("--workspace", ws, "plan", "set", "M-002", "--county", COUNTY, "--deadline", "2026-01-31").exit_code == 0
    assert run_cli("--workspace", ws, "plan", "set", "M-003", "--county", COUNTY,
                   "--deadline", "2026-01-15", "--state", "umgesetzt").exit_code == 0
    assert run_cli("--workspace", ws, "plan", "set", "M-004", "--county", COUNTY, "--deadline", "2026-03-01").exit_code == 0
    plan = plan_json(run_cli, ws, "--as-of", "2026-02-01")
    flags = {m["id"]: m["overdue"] for m in plan["measures"]}
    assert flags["M-002"] is True
    assert flags["M-003"] is False  # done measures are never overdue
    assert flags["M-004"] is False
    assert plan["totals"]["overdue"] == 1
    only = plan_json(run_cli, ws, "--as-of", "2026-02-01", "--overdue")
    assert [m["id"] for m in only["measures"]] == ["M-002"]
    text = run_cli("--workspace", ws, "plan", "--county", COUNTY, "--as-of", "2026-02-01", "--overdue")
    assert "31.01.2026 überfällig" in text.output and "überfällig: 1" in text.output
    m = Measure("M-1", "R", "T", "", "", "", dt.date(2026, 1, 31), None, 1, "in Umsetzung", "nein", "B", "MUSS", None)
    assert m.is_overdue(dt.date(2026, 2, 1)) and m.overdue(dt.date(2026, 2, 1))
    assert not m.is_overdue(dt.date(2026, 1, 31))


def test_set_stores_decimal_money_and_shows_german_format(run_cli, fresh_plan):
    result = run_cli("--workspace", fresh_plan, "plan", "set", "M-001", "--county", COUNTY,
                     "--cost", "1.234,50", "--responsible", "IT-Leitung", "--state", "in Umsetzung")
    assert result.exit_code == 0, result.stderr
    assert "Kosten – → 1.234,50 €" in result.output and "Stand geplant → in Umsetzung" in result.output
    text = (data_dir(fresh_plan) / "plan.yaml").read_text(encoding="utf-8")
    assert "cost: '1234.50'" in text
    plan = plan_json(run_cli, fresh_plan)
    assert plan["measures"][0]["cost"] == "1234.50"
    assert plan["totals"]["per_state"]["in Umsetzung"] == {"count": 1, "cost": "1234.50"}
    shown = run_cli("--workspace", fresh_plan, "plan", "--county", COUNTY).output
    assert "1.234,50 €" in shown and "in Umsetzung" in shown


def test_update_keeps_edits_and_comments_appends_new_gaps_and_flags_closed_ones(run_cli, fresh_plan):
    ws = fresh_plan
    path = data_dir(ws) / "plan.yaml"
    before = plan_json(run_cli, ws)["measures"]
    first = before[0]
    assert run_cli("--workspace", ws, "plan", "set", first["id"], "--county", COUNTY, "--deadline", "2027-03-31",
                   "--cost", "2500", "--title", "Richtlinie neu fassen").exit_code == 0
    text = path.read_text(encoding="utf-8").replace(
        f"  - id: {first['id']}\n", f"  # mit dem Personalrat abgestimmt\n  - id: {first['id']}\n"
    )
    path.write_text(text, encoding="utf-8")
    closed = before[1]
    assert run_cli("--workspace", ws, "assess", "set", closed["requirement"], closed["target"], "ja",
                   "--county", COUNTY).exit_code == 0
    assert run_cli("--workspace", ws, "assess", "set", "ISMS.1.A1", "IV", "nein", "--county", COUNTY).exit_code == 0

    result = run_cli("--workspace", ws, "plan", "update", "--county", COUNTY)
    assert result.exit_code == 0, result.stderr
    assert "1 neu" in result.output and "1 als umgesetzt markiert" in result.output
    text = path.read_text(encoding="utf-8")
    assert "# mit dem Personalrat abgestimmt" in text and "ERFUNDEN" not in text
    assert "Lücke laut Check geschlossen" in text
    after = {m["id"]: m for m in plan_json(run_cli, ws)["measures"]}
    assert after[first["id"]]["title"] == "Richtlinie neu fassen"
    assert after[first["id"]]["deadline"] == "2027-03-31" and after[first["id"]]["cost"] == "2500.00"
    assert after[closed["id"]]["state"] == "umgesetzt"
    new_id = f"M-{len(before) + 1:03d}"
    assert after[new_id]["requirement"] == "ISMS.1.A1" and after[new_id]["state"] == "geplant"
    assert text.rstrip().endswith("modal_verb: MUSS") and text.index(new_id) > text.index(first["id"])
    # a second update changes nothing
    again = run_cli("--workspace", ws, "plan", "update", "--county", COUNTY)
    assert "0 neu, 0 aufgefrischt, 0 als umgesetzt" in again.output
    assert path.read_text(encoding="utf-8") == text


def test_measure_marked_done_while_check_still_open_is_flagged(run_cli, fresh_plan):
    assert run_cli("--workspace", fresh_plan, "plan", "set", "M-001", "--county", COUNTY, "--state", "umgesetzt").exit_code == 0
    plan = plan_json(run_cli, fresh_plan)
    assert "Prüfeintrag aktualisieren" in plan["measures"][0]["note"]
    # the gap may really be open again (re-check found it ineffective): the note offers both ways
    assert "plan set M-001 --state 'in Umsetzung'" in plan["measures"][0]["note"]
    text = run_cli("--workspace", fresh_plan, "plan", "--county", COUNTY).output
    assert "Hinweis M-001" in text


def test_csv_for_german_excel(run_cli, example_workspace):
    assert run_cli("--workspace", example_workspace, "plan", "set", "M-001", "--county", COUNTY,
                   "--cost", "1234.5", "--deadline", "2027-06-30").exit_code == 0
    result = run_cli("--workspace", example_workspace, "plan", "--county", COUNTY, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith("\ufeffLandkreis;Maßnahme;Anforderung")
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff")), delimiter=";"))
    row = next(r for r in rows if r["Maßnahme"] == "M-001")
    assert row["Kosten (EUR)"] == "1234,50" and row["Frist"] == "30.06.2027" and row["Landkreis"] == "Vulkaneifel"
    out = example_workspace / "plan.csv"
    assert run_cli("--workspace", example_workspace, "plan", "--format", "csv", "--output", out).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfLandkreis;")
    counties = {r.split(";")[0] for r in out.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert counties == {"Bernkastel-Wittlich", "Eifelkreis Bitburg-Prüm", "Cochem-Zell", "Vulkaneifel"}


def test_json_lists_every_county_of_the_example_verbund(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "plan", "--format", "json", "--as-of", "2026-11-01")
    document = json.loads(result.output)
    assert document["as_of"] == "2026-11-01"
    assert len(document["counties"]) == 4
    for county in document["counties"]:
        assert county["measures"] and county["plan_file"].endswith("plan.yaml")
        total = sum(Decimal(m["cost"] or "0") for m in county["measures"])
        assert Decimal(county["totals"]["cost"]) == total


@pytest.mark.parametrize("option, value, message", [
    ("--deadline", "2026-02-30", "kein Datum"),
    ("--deadline", "31.12.2026", "kein Datum"),
    ("--deadline", "9999-01-01", "außerhalb"),
    ("--cost", "zwölf", "ungültiger Betrag"),
    ("--cost", "-100", "ungültiger Betrag"),
    ("--cost", "12.345.67", "ungültiger Betrag"),
    ("--cost", "1e308", "ungültiger Betrag"),
    ("--state", "fertig", "unbekannt"),
    ("--responsible", "   ", "nicht leer"),
])
def test_bad_option_values_exit_2_and_change_nothing(run_cli, example_workspace, option, value, message):
    path = data_dir(example_workspace) / "plan.yaml"
    before = path.read_bytes()
    result = run_cli("--workspace", example_workspace, "plan", "set", "M-001", "--county", COUNTY, option, value)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_unknown_measure_and_broken_plan_file(run_cli, example_workspace):
    path = data_dir(example_workspace) / "plan.yaml"
    before = path.read_bytes()
    result = run_cli("--workspace", example_workspace, "plan", "set", "M-999", "--county", COUNTY, "--state", "geplant")
    assert result.exit_code == 3 and "M-999" in result.stderr
    assert path.read_bytes() == before
    path.write_text(before.decode("utf-8").replace("state: geplant", "state: fertig", 1), encoding="utf-8")
    broken = path.read_bytes()
    for args in (("plan",), ("plan", "update"), ("plan", "set", "M-001", "--state", "verworfen")):
        result = run_cli("--workspace", example_workspace, *args, "--county", COUNTY)
        assert result.exit_code == 3, args
        assert "plan.yaml, Zeile" in result.stderr and "fertig" in result.stderr
        assert path.read_bytes() == broken
    check = run_cli("--workspace", example_workspace, "check")
    assert check.exit_code == 1
    assert any(line.startswith("FEHLER") and "county.plan.schema" in line for line in check.output.splitlines())


def test_missing_plan_file_means_no_measures(run_cli, example_workspace):
    from ikz_isms import Session

    (data_dir(example_workspace) / "plan.yaml").unlink()
    session = Session(example_workspace)
    view = session.plan_view(session.county(COUNTY))
    assert view.measures == [] and not view.exists and view.unplanned
    result = run_cli("--workspace", example_workspace, "plan", "--county", COUNTY)
    assert result.exit_code == 0 and "noch kein Plan" in result.output


def test_money_helpers_never_use_float():
    assert parse_money("1.234,50") == Decimal("1234.50")
    assert parse_money("1234.5") == Decimal("1234.50")
    assert parse_money("1234,5 €") == Decimal("1234.50")
    assert money_de(Decimal("1234567.5")) == "1.234.567,50 €"
    assert money_de(None) == "–"
    with pytest.raises(ValueError):
        parse_money("1e3")


@pytest.mark.upstream
def test_plan_on_grundschutz_plus_plus_orders_muss_then_need_then_effort(tmp_path, run_cli, upstream):
    from ikz_isms.catalog import load_catalog
    from ikz_isms.plugins import get_plugin_manager
    from tests.test_assess_upstream import GSPP, GSPP_TARGETS, make_workspace

    catalog = load_catalog(upstream / GSPP, get_plugin_manager(None, load_entry_points=False))
    domain_wide = [r for r in catalog.requirements.values() if not r.withdrawn and not r.target_objects]

    def pick(modal_verb, effort):
        return next(r.id for r in domain_wide if r.level == "normal-SdT" and r.modal_verb == modal_verb and r.effort == effort)

    web = next(r.id for r in catalog.requirements.values()
               if not r.withdrawn and r.target_objects == ("Webanwendungen",) and r.modal_verb == "SOLLTE")
    answers = [
        (pick("SOLLTE", 4), "IV", "nein"), (pick("SOLLTE", 1), "IV", "nein"), (web, "APP-WEB", "teilweise"),
        (pick("MUSS", 3), "IV", "nein"), (pick("MUSS", 0), "IV", "teilweise"),
    ]
    ws = make_workspace(tmp_path, upstream / GSPP, run_cli, GSPP_TARGETS)
    for requirement, target, status in answers:
        assert run_cli("--workspace", ws, "assess", "set", requirement, target, status, "--county", "testkreis").exit_code == 0
    assert run_cli("--workspace", ws, "plan", "update", "--county", "testkreis").exit_code == 0
    result = run_cli("--workspace", ws, "plan", "--county", "testkreis", "--format", "json")
    measures = json.loads(result.output)["counties"][0]["measures"]
    expected = [answers[4][0], answers[3][0], web, answers[1][0], answers[0][0]]
    assert [m["requirement"] for m in measures] == expected
    assert [m["priority"] for m in measures] == [3, 3, 5, 6, 6]
    assert [m["effort"] for m in measures][:2] == [0, 3]
    assert measures[0]["modal_verb"] == "MUSS" and measures[0]["level"] == "normal-SdT"
