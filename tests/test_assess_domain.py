"""The pure assessment functions on small hand-built catalogs: inheritance, modelling, figures."""

from __future__ import annotations

import pytest

from ikz_isms.assess import CountyData, assess_county
from ikz_isms.assess.modelling import model
from ikz_isms.assess.records import CheckRecord, RecordSet, parse_records
from ikz_isms.assess.summary import summarize
from ikz_isms.assess.targets import DependencyCycleError, TargetObject, resolve_needs
from ikz_isms.catalog.model import Catalog, Group, Requirement


def ed2023_catalog() -> Catalog:
    catalog = Catalog("Test", "1", "test")
    catalog.groups = {
        "SYS": Group("SYS", "IT-Systeme", kind="layer"),
        "SYS.1.1": Group("SYS.1.1", "Server", kind="baustein", parent="SYS", target_object_type="IT-System"),
        "ISMS": Group("ISMS", "Sicherheitsmanagement", kind="layer"),
        "ISMS.1": Group("ISMS.1", "ISMS", kind="baustein", parent="ISMS", target_object_type="Informationsverbund"),
    }
    for rid, level, group, withdrawn in [
        ("SYS.1.1.A1", "B", "SYS.1.1", False), ("SYS.1.1.A2", "S", "SYS.1.1", False),
        ("SYS.1.1.A3", "H", "SYS.1.1", False), ("SYS.1.1.A4", "B", "SYS.1.1", True),
        ("ISMS.1.A1", "B", "ISMS.1", False),
    ]:
        catalog.requirements[rid] = Requirement(rid, f"Titel {rid}", level=level, group=group, withdrawn=withdrawn)
    return catalog


def test_needs_are_inherited_by_maximum_and_overrides_win():
    targets = [
        TargetObject("APP", "App", "Anwendung", depends_on=("SRV",), need={"C": "sehr hoch", "A": "hoch"}),
        TargetObject("APP2", "App 2", "Anwendung", depends_on=("SRV",), need={"I": "hoch"}),
        TargetObject("SRV", "Server", "IT-System", depends_on=("RAUM",)),
        TargetObject("RAUM", "Raum", "Raum", override={"C": "normal"}, override_reason="Verteilungseffekt"),
    ]
    needs = resolve_needs(targets)
    server = needs["SRV"]
    assert (server.result("C"), server.result("I"), server.result("A")) == ("sehr hoch", "hoch", "hoch")
    assert server.dims["C"].inherited_from == ("APP",) and server.dims["I"].inherited_from == ("APP2",)
    room = needs["RAUM"]
    assert room.result("C") == "normal" and room.dims["C"].overridden and room.override_reason == "Verteilungseffekt"
    assert room.result("A") == "hoch" and not needs["APP2"].dims["I"].inherited_from


def test_cycle_is_reported_with_its_path():
    targets = [
        TargetObject("A", "A", "Anwendung", depends_on=("B",), line=2),
        TargetObject("B", "B", "IT-System", depends_on=("C",)),
        TargetObject("C", "C", "Raum", depends_on=("A",)),
    ]
    with pytest.raises(DependencyCycleError) as error:
        resolve_needs(targets, path="zielobjekte.yaml")
    assert "A → B → C → A" in error.value.message and error.value.location == "Zeile 2"


def test_modelling_levels_per_approach_and_type_check():
    catalog = ed2023_catalog()
    targets = [
        TargetObject("IV", "IV", "Informationsverbund", bausteine=("ISMS.1", "SYS.1.1")),
        TargetObject("SRV", "Server", "IT-System", bausteine=("SYS.1.1",)),
        TargetObject("HOT", "Server hoch", "IT-System", bausteine=("SYS.1.1",), need={"I": "hoch"}),
    ]
    pairs, problems = model(catalog, targets, resolve_needs(targets))
    assert [(p.rule, p.target, p.baustein) for p in problems] == [("modelling.target-type", "IV", "SYS.1.1")]
    approaches = {p.key: p.approaches for p in pairs}
    assert ("SYS.1.1.A4", "SRV") not in approaches  # withdrawn
    assert approaches[("SYS.1.1.A1", "SRV")] == {"basis", "standard", "kern"}
    assert approaches[("SYS.1.1.A2", "SRV")] == {"standard", "kern"}
    assert approaches[("SYS.1.1.A3", "SRV")] == {"kern"}
    assert approaches[("SYS.1.1.A3", "HOT")] == {"standard", "kern"}

    records = RecordSet({
        ("SYS.1.1.A1", "SRV"): CheckRecord("SYS.1.1.A1", "SRV", "ja"),
        ("SYS.1.1.A1", "HOT"): CheckRecord("SYS.1.1.A1", "HOT", "teilweise"),
        ("ISMS.1.A1", "IV"): CheckRecord("ISMS.1.A1", "IV", "entbehrlich", reason="x"),
    })
    summary = summarize(assess_county(CountyData(None, targets, resolve_needs(targets), records), catalog))
    basis = summary["approaches"][0]
    assert basis["applicable"] == 3 and basis["fulfilled"] == 2 and basis["status"]["teilweise"] == 1
    assert [(g["requirement"], g["target"], g["status"]) for g in summary["basis_gaps"]] == [("SYS.1.1.A1", "HOT", "teilweise")]
    assert summary["approaches"][1]["applicable"] == 3 + 2 + 1  # B everywhere, S on both servers, H on HOT


def test_gspp_categories_and_information_domain():
    catalog = Catalog("G++", "1", "test")
    catalog.groups = {"OPS": Group("OPS", "Betrieb", kind="practice"), "OPS.1": Group("OPS.1", "T", kind="topic", parent="OPS")}
    catalog.requirements = {
        "OPS.1.1": Requirement("OPS.1.1", "org", level="normal-SdT", modal_verb="MUSS", group="OPS.1"),
        "OPS.1.2": Requirement("OPS.1.2", "it", level="normal-SdT", modal_verb="SOLLTE", group="OPS.1", target_objects=("IT-Systeme",)),
        "OPS.1.3": Requirement("OPS.1.3", "hoch", level="erhöht", modal_verb="KANN", group="OPS.1", target_objects=("Endgeräte",)),
    }
    targets = [
        TargetObject("IV", "IV", "Informationsverbund"),
        TargetObject("CL", "Clients", "IT-System", categories=("Endgeräte",), need={"C": "hoch"}),
        TargetObject("NB", "Notebooks", "IT-System", categories=("Endgeräte",)),
    ]
    pairs, problems = model(catalog, targets, resolve_needs(targets))
    approaches = {p.key: p.approaches for p in pairs}
    assert not problems
    assert set(approaches) == {("OPS.1.1", "IV"), ("OPS.1.2", "CL"), ("OPS.1.2", "NB"), ("OPS.1.3", "CL"), ("OPS.1.3", "NB")}
    assert approaches[("OPS.1.3", "CL")] == {"erhoeht"} and approaches[("OPS.1.3", "NB")] == frozenset()
    summary = summarize(assess_county(CountyData(None, targets, resolve_needs(targets), RecordSet()), catalog))
    assert [g["requirement"] for g in summary["basis_gaps"]] == ["OPS.1.1"]


class _Doc:
    """A parsed record file for :func:`parse_records` (plain data, no lines)."""

    def __init__(self, items, path="pruefungen/IV.yaml"):
        self.data = {"pruefungen": items}
        self.path = path

    def line(self, *pointer):
        return None


def test_one_rule_set_decides_which_records_count():
    records = parse_records([(_Doc([
        {"requirement": "A.1", "status": "ja"},
        {"requirement": "A.2", "status": "entbehrlich"},
        {"requirement": "A.3", "status": "entbehrlich", "reason": "   "},
        {"requirement": "A.4", "status": "entbehrlich", "reason": "kein Gerät dieser Art"},
        {"requirement": "A.5", "status": "erledigt"},
        {"requirement": "A.6", "status": "ja", "checked": "2026-13-45"},
        {"requirement": "A.7", "status": "ja"},
        {"requirement": "A.7", "status": "nein"},
        {"requirement": "A.8", "status": "ja", "target": "ANDERES"},
    ]), "IV")])
    assert sorted(r.requirement for r in records) == ["A.1", "A.4"]
    invalid = {i.record.requirement: [p.rule for p in i.problems] for i in records.invalid}
    assert invalid["A.2"] == invalid["A.3"] == ["county.records.missing-reason"]
    assert invalid["A.5"] == ["county.records.unknown-status"]
    assert invalid["A.6"] == ["county.records.bad-date"]
    assert invalid["A.7"] == ["county.records.duplicate"]
    assert invalid["A.8"] == ["county.records.wrong-file"]
    # an invalid record counts as if it were not there: never as fulfilled
    assert records.status("A.2", "IV") == records.status("A.7", "IV") == "unbearbeitet"
