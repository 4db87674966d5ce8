"""The pure assessment functions on small hand-built catalogs: inheritance, modelling, figures."""

from __future__ import annotations

import pytest

from ikz_isms.assess.modelling import model
from ikz_isms.assess.records import CheckRecord, RecordSet
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
    summary = summarize(catalog, pairs, records)
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
    summary = summarize(catalog, pairs, RecordSet())
    assert [g["requirement"] for g in summary["basis_gaps"]] == ["OPS.1.1"]


def test_set_records_batch_is_one_write_and_journals_each_change(tmp_path):
    from ikz_isms import journal
    from ikz_isms.assess.records import RecordChange, load_records, set_records
    from ikz_isms.errors import InputError

    records = tmp_path / "pruefungen.yaml"
    records.write_text("# Kommentar bleibt\npruefungen:\n  - requirement: A.1\n    target: IV\n    status: nein  # alt\n",
                       encoding="utf-8")
    log = tmp_path / "journal.jsonl"
    results = set_records(records, log, [
        RecordChange("A.1", "IV", "ja", provenance="review:r-1"),
        RecordChange("A.2", "IV", "teilweise", responsible="ISB"),
    ], actor="Review")
    assert [old and old["status"] for old, _ in results] == ["nein", None]
    text = records.read_text(encoding="utf-8")
    assert text.startswith("# Kommentar bleibt") and "review:r-1" in text
    assert load_records(records).get("A.2", "IV").responsible == "ISB"
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2 and journal.verify(log) == []
    before = records.read_bytes()
    with pytest.raises(InputError):
        set_records(records, log, [RecordChange("A.3", "IV", "ja"), RecordChange("A.4", "IV", "entbehrlich")], actor="x")
    assert records.read_bytes() == before
