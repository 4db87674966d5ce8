"""Modelling on the real BSI catalogs (../shared/upstream): starter model, tailoring, categories, leaving out.

Counts are compared with hand counts from the files (tests/hand_count.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hand_count import GSPP_MODEL, gspp_controls, gspp_count
from tests.support import PdfText, county_dir, read_yaml_file

KOMPENDIUM = "kompendium-2023/XML_Kompendium_2023.xml"
GSPP = "gspp/resolved-2026-06-30/Grundschutz++-catalog.json"
NAMESPACE = "gspp/current/namespaces/target_object_categories.csv"

pytestmark = pytest.mark.upstream


def workspace_with(run_cli, tmp_path: Path, catalog: Path, *county_args: str) -> Path:
    ws = tmp_path / "ws"
    assert run_cli("init", ws).exit_code == 0
    imported = run_cli("--workspace", ws, "catalog", "import", catalog, "--name", "bsi")
    assert imported.exit_code == 0, imported.stderr
    added = run_cli("--workspace", ws, "county", "add", "Musterkreis", "--employees", "600", *county_args)
    assert added.exit_code == 0, added.stderr
    return ws


def cli(run_cli, ws: Path, *args: str):
    return run_cli("--workspace", ws, *args, "--county", "musterkreis")


@pytest.mark.slow
@pytest.mark.parametrize("relative", [KOMPENDIUM, GSPP])
def test_the_starter_model_is_complete_and_plausible_on_the_real_catalogs(run_cli, tmp_path, upstream, relative):
    ws = workspace_with(run_cli, tmp_path, upstream / relative)
    document = read_yaml_file(county_dir(ws, "musterkreis") / "zielobjekte.yaml")
    targets = {t["id"]: t for t in document["zielobjekte"]}
    # on a full catalog every usual object of a Kreisverwaltung is kept and modelled
    assert len(targets) == 32 and all(t.get("bausteine") or t.get("kategorien") or t["type"] in
                                      ("Geschäftsprozess", "Kommunikationsverbindung") for t in targets.values())
    check = json.loads(run_cli("--workspace", ws, "check", "--format", "json").output)
    assert [f for f in check["findings"] if f["rule"].startswith("county.") and "musterkreis" in f["file"]] == []
    county = json.loads(cli(run_cli, ws, "assess", "--format", "json").output)["counties"][0]
    first, chosen = county["approaches"][0], next(a for a in county["approaches"] if a["id"] == county["approach"]["id"])
    assert 300 < first["applicable"] < chosen["applicable"]
    assert county["approach"]["kronjuwelen"] == ["GP-SOZ"]


def test_tailored_parameters_show_in_every_statement(run_cli, tmp_path, upstream):
    pytest.importorskip("pypdf")
    ws = workspace_with(run_cli, tmp_path, upstream / GSPP)
    params = json.loads(cli(run_cli, ws, "model", "param", "--format", "json").output)["parameters"]
    review = next(p for p in params if p["param"] == "ums.1.1-prm1")
    assert review["label"] == "regelmäßig" and "regelmäßig" in review["statement"]
    result = cli(run_cli, ws, "model", "param", "ums.1.1-prm1", "jährlich zum 31. März", "--reason",
                 "Beschluss des Lenkungskreises: einmal im Jahr vor der Haushaltsplanung", "--actor", "ISB")
    assert result.exit_code == 0, result.stderr
    assert "UMS.1.1: Umsetzung MUSS den Umsetzungsstatus" in result.output and "jährlich zum 31. März" in result.output
    listed = json.loads(cli(run_cli, ws, "assess", "list", "--group", "UMS.1", "--format", "json").output)
    row = next(r for r in listed["counties"][0]["rows"] if r["requirement"] == "UMS.1.1")
    assert "jährlich zum 31. März überprüfen" in row["requirement_statement"] and "regelmäßig" not in \
        row["requirement_statement"]
    # the interactive walk asks with the county's wording
    from ikz_isms.app.session import Session
    from ikz_isms.commands.assess_walk import pending_pairs

    session = Session(ws)
    pending = pending_pairs(session.assessment(session.county("musterkreis")), "IV")
    asked = next(p.requirement for p in pending if p.requirement.id == "UMS.1.1")
    assert "jährlich zum 31. März überprüfen" in asked.statement
    out = tmp_path / "bericht.pdf"
    assert run_cli("--workspace", ws, "report", "county", "musterkreis", "-o", out).exit_code == 0
    # the words of every page, joined by single spaces; read only as far as each `in` needs (152 pages)
    text = PdfText(out, normalise=True)
    assert "Angepasste Parameter" in text and "einmal im Jahr vor der Haushaltsplanung" in text
    assert "Mit den Parametern des Landkreises: Umsetzung MUSS den Umsetzungsstatus" in text
    unknown = cli(run_cli, ws, "model", "param", "gibt.es-nicht", "x", "--reason", "y")
    assert unknown.exit_code == 3 and "gibt es im Katalog" in unknown.stderr


def test_catalog_categories_lists_the_hierarchy_with_bsis_definitions(run_cli, tmp_path, upstream):
    ws = workspace_with(run_cli, tmp_path, upstream / GSPP, "--no-starter")
    namespace = upstream / NAMESPACE
    listed = json.loads(run_cli("--workspace", ws, "catalog", "categories", "--namespace", namespace,
                                "--format", "json").output)
    rows = {r["name"]: r for r in listed["categories"]}
    assert len([r for r in rows.values() if r["in_namespace"]]) == 39
    assert rows["Serverräume"]["parent"] == "Räume für technische Infrastruktur" and rows["Serverräume"]["depth"] == 3
    assert rows["Serverräume"]["definition"].startswith("Räume, in denen sich zentrale IT-Systeme")
    assert rows["IT-Systeme"]["children"] == ["Endgeräte", "Hostsysteme"]
    assert rows["Mobiltelefone"]["in_namespace"] is False
    counted = {}
    for _, _, categories, _ in gspp_controls(upstream / GSPP):
        for category in categories:
            counted[category] = counted.get(category, 0) + 1
    assert rows["Serverräume"]["controls"] == counted["Serverräume"] == 4
    one = run_cli("--workspace", ws, "catalog", "categories", "Räume", "--namespace", namespace)
    assert one.exit_code == 0 and "Datenträgerarchiv" in one.output and "Rechenzentrumsraum" in one.output
    assert "Endgeräte" not in one.output
    bare = run_cli("--workspace", ws, "catalog", "categories")
    assert bare.exit_code == 0 and "Serverräume" in bare.output and "--namespace" in bare.stderr
    bad = tmp_path / "falsch.csv"
    bad.write_text("Name;Wert\nx;y\n", encoding="utf-8")
    refused = run_cli("--workspace", ws, "catalog", "categories", "--namespace", bad)
    assert refused.exit_code == 3 and "Spalte" in refused.stderr and str(bad) in refused.stderr


def test_leaving_out_a_practice_takes_its_controls_out_everywhere(run_cli, tmp_path, upstream):
    """DEV for a county that buys its software: the practice leaves the model, with the reason."""
    ws = workspace_with(run_cli, tmp_path, upstream / GSPP, "--no-starter")
    for args in (("target", "add", "APP-BAU", "--name", "Fachverfahren", "--type", "Anwendung", "--kind",
                  "Fachverfahren"),
                 ("target", "need", "APP-BAU", "--c", "hoch", "--reason", "Personenbezogene Daten"),
                 ("model", "suggest", "--apply")):
        assert cli(run_cli, ws, *args).exit_code == 0
    model = {"IV": GSPP_MODEL["IV"], "APP-BAU": (("Anwendungen",), True, False)}
    before = json.loads(cli(run_cli, ws, "assess", "--format", "json").output)["counties"][0]["approaches"]
    hand = gspp_count(upstream / GSPP, upstream / NAMESPACE, model)["total"]
    assert {a["id"]: a["applicable"] for a in before} == hand
    assert cli(run_cli, ws, "model", "exclude", "DEV", "--reason", "Keine eigene Softwareentwicklung").exit_code == 0
    after = json.loads(cli(run_cli, ws, "assess", "--format", "json").output)["counties"][0]["approaches"]
    without = gspp_count(upstream / GSPP, upstream / NAMESPACE, model, excluded_practices=("DEV",))["total"]
    assert {a["id"]: a["applicable"] for a in after} == without and without["erhoeht"] < hand["erhoeht"]
    shown = json.loads(cli(run_cli, ws, "model", "show", "--format", "json").output)["counties"][0]
    assert shown["exclusions"] == [{"ref": "DEV", "kind": "Praktik", "title": "Entwicklung",
                                    "reason": "Keine eigene Softwareentwicklung"}]
    listed = json.loads(cli(run_cli, ws, "assess", "list", "--group", "DEV", "--format", "json").output)
    assert listed["counties"][0]["count"] == 0
