"""OSCAL catalog reader and writer: the real BSI dialects, the ikz dialect round trip, bad input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ikz_isms.catalog.model import Catalog, Group, Relation, Requirement
from ikz_isms.catalog.oscal import NS, detect_json, detect_yaml, load_json, load_yaml, to_oscal
from ikz_isms.errors import InputError
from tests.support import UPSTREAM, upstream_file


def write_json(path, document):
    import json

    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

RESOLVED = "gspp/resolved-2026-06-30/Grundschutz++-catalog.json"
SCHEMA = UPSTREAM / "schemas/oscal/1.1.3/oscal_catalog_schema.json"


@pytest.fixture(scope="module")
def resolved() -> Catalog:
    return load_json(upstream_file(RESOLVED))


def counts(catalog: Catalog) -> dict:
    reqs = list(catalog.requirements.values())
    return {
        "total": len(reqs),
        "top": sum(r.parent is None for r in reqs),
        "nested": sum(r.parent is not None for r in reqs),
        "modal": Counter(r.modal_verb for r in reqs),
        "level": Counter(r.level for r in reqs),
        "kinds": Counter(g.kind for g in catalog.groups.values()),
        "with_targets": sum(bool(r.target_objects) for r in reqs),
    }


def oscal_errors(document: dict) -> list[str]:
    """Errors of ``document`` against the official OSCAL 1.1.3 catalog schema."""
    from tests.support import oscal_schema_errors

    return oscal_schema_errors(document, SCHEMA)


def small_catalog() -> Catalog:
    """An Edition 2023 style catalog exercising every field the ikz dialect carries."""
    groups = {
        "SYS": Group("SYS", "IT-Systeme", kind="layer", location="/catalog/groups/0"),
        "SYS.1.1": Group(
            "SYS.1.1",
            "Allgemeiner Server",
            kind="baustein",
            parent="SYS",
            uuid="0b6c5a56-8f4e-4a0e-9a43-3d2b1f0c7e11",
            target_object_type="IT-System",
            description="Server im Informationsverbund.",
            location="/catalog/groups/0/groups/0",
        ),
    }
    base = "/catalog/groups/0/groups/0/controls"
    requirements = {
        "SYS.1.1.A1": Requirement(
            "SYS.1.1.A1",
            "Zugriffsschutz und Nutzung",
            statement="Server MÜSSEN an Orten betrieben werden, zu denen nur Berechtigte Zutritt haben.\nDie Administration DARF NICHT unverschlüsselt erfolgen.",
            level="B",
            modal_verb="MUSS",
            group="SYS.1.1",
            effort=2,
            target_objects=("Server", "Gebäude/Raum"),
            tags=("Zutritt",),
            roles=("IT-Betrieb", "OT-Betrieb (Operational Technology, OT)"),
            relations=(Relation("required", "SYS.1.1.A2"),),
            location=f"{base}/0",
            modal_verbs_in_text=("MÜSSEN", "DARF NICHT"),
        ),
        "SYS.1.1.A2": Requirement(
            "SYS.1.1.A2",
            "ENTFALLEN",
            statement="Diese Anforderung ist entfallen.",
            level="S",
            group="SYS.1.1",
            withdrawn=True,
            location=f"{base}/1",
        ),
        "SYS.1.1.A3": Requirement(
            "SYS.1.1.A3",
            "Hochverfügbarkeit",
            statement="Server SOLLTEN redundant ausgelegt sein.",
            level="H",
            modal_verb="SOLLTE",
            group="SYS.1.1",
            uuid="7f0e0e5e-5d7b-4f7c-8d51-2f7f0d3e6a01",
            guidance="Cluster oder kalte Reserve.",
            source_class="Kompendium-2023",
            location=f"{base}/2",
        ),
        "SYS.1.1.A3.1": Requirement(
            "SYS.1.1.A3.1",
            "Georedundanz",
            statement="Rechenzentren SOLLTEN räumlich getrennt sein.",
            level="H",
            modal_verb="SOLLTE",
            group="SYS.1.1",
            parent="SYS.1.1.A3",
            location=f"{base}/2/controls/0",
        ),
    }
    return Catalog(
        title="Beispielkatalog",
        version="2023",
        source_format="oscal-json",
        groups=groups,
        requirements=requirements,
        last_modified="2023-02-01T00:00:00Z",
        oscal_version="1.1.3",
    )


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def minimal(controls: list, **catalog) -> dict:
    return {
        "catalog": {
            "uuid": "5b7a3a58-4d2f-4a5e-9e55-1b6f4d0f3a10",
            "metadata": {"title": "Test", "last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.3"},
            "groups": [{"id": "G", "title": "Gruppe", "controls": controls}],
            **catalog,
        }
    }


# --- Grundschutz++ resolved catalog (June 2026) -------------------------------------------


def test_resolved_catalog_counts(resolved):
    c = counts(resolved)
    assert (c["total"], c["top"], c["nested"]) == (989, 643, 346)
    assert c["kinds"] == {"practice": 20, "topic": 139}
    assert c["modal"] == {"MUSS": 149, "SOLLTE": 616, "KANN": 224}
    assert c["level"] == {"normal-SdT": 762, "erhöht": 227}
    assert c["with_targets"] == 621
    assert resolved.world == "gspp"
    assert resolved.source_format == "oscal-json"
    assert resolved.title == "Anwenderkatalog Grundschutz++"


def test_resolved_params_are_rendered(resolved):
    assert not [r.id for r in resolved.requirements.values() if "{{" in r.statement]


def test_resolved_known_control(resolved):
    gc = resolved.requirements["GC.1.1"]
    assert "BSI Grundschutz++" in gc.statement
    assert gc.modal_verb == "MUSS"
    assert gc.level == "normal-SdT"
    assert gc.uuid == "80351189-6ffc-495e-a995-6219b9704724"
    assert gc.effort == 0
    assert gc.group == "GC.1" and gc.parent is None
    assert gc.source_class == "BSI-Methodik-Grundschutz-plus-plus"
    assert gc.guidance.startswith("Diese Anforderung ist der Ausgangs- und Endpunkt")
    assert gc.location == "/catalog/groups/0/groups/0/controls/0"
    assert resolved.top_group(gc.group).id == "GC"


def test_resolved_child_control(resolved):
    child = resolved.requirements["ASST.2.2.1"]
    assert child.parent == "ASST.2.2"
    assert child.group == "ASST.2"
    assert child.target_objects == ("Netze",)
    assert child.tags == ("Rogue Access Point",)
    assert Relation("related", "DET.4.19") in child.relations
    assert child.location.endswith("/controls/1/controls/0")
    deepest = resolved.requirements["GC.9.1.1.1.1"]
    assert deepest.parent == "GC.9.1.1.1" and deepest.group == "GC.9"


def test_resolved_group_fields_and_notes(resolved):
    practice = resolved.groups["GC"]
    assert practice.kind == "practice" and practice.parent is None
    assert practice.description.startswith("Die Praktik Governance und Compliance")
    assert resolved.groups["ASST.3"].parent == "ASST"
    notes = [n for n in resolved.notes if n.rule == "catalog.duplicate-group-uuid"]
    assert len(notes) == 1
    assert notes[0].severity == "warning"
    assert "94bfadab-43f6-48d7-ac5e-49b8fbcf2794" in notes[0].message


# --- other BSI files and dialects -------------------------------------------------------------


@pytest.mark.parametrize(
    "relative, total, top, nested",
    [
        ("gspp/current/BSI-Stand-der-Technik-Kernel-catalog.json", 901, 596, 305),
        ("gspp/current/BSI-Methodik-Grundschutz++-catalog.json", 95, 52, 43),
        ("gspp/current/BSI-Anforderungen-zum-Risikomanagement-catalog.json", 10, 10, 0),
        ("gspp/current/WLAN-resolved_catalog.json", 61, 27, 34),
        ("gspp/beta-0.9.7/Grundschutz++-Kompendium.json", 985, 663, 322),
        ("community/bsi-200-4/bsi_200_4_catalog.json", 42, 40, 2),
    ],
)
def test_control_counts(relative, total, top, nested):
    c = counts(load_json(upstream_file(relative)))
    assert (c["total"], c["top"], c["nested"]) == (total, top, nested)


def test_wlan_g0_dialect():
    catalog = load_json(upstream_file("gspp/current/WLAN-resolved_catalog.json"))
    first = catalog.requirements["ASST.2.2"]
    assert first.group == "WLAN.1"
    assert first.statement and first.guidance  # guidance comes first in the file
    assert first.source_class == "BSI-Stand-der-Technik-Kernel-G0"
    assert not first.group.startswith("ASST")
    assert Counter(g.kind for g in catalog.groups.values()) == {"topic": 7}
    assert counts(catalog)["with_targets"] == 58


def test_beta_dialect():
    catalog = load_json(upstream_file("gspp/beta-0.9.7/Grundschutz++-Kompendium.json"))
    c = counts(catalog)
    assert c["modal"] == {"MUSS": 136, "SOLLTE": 625, "KANN": 224}
    assert c["level"] == {"normal-SdT": 760, "erhöht": 225}
    assert c["with_targets"] == 615
    assert catalog.requirements["GC.1.1"].source_class is None  # `class` held the level
    assert catalog.version == "0.9.7"
    notes = [n for n in catalog.notes if n.rule == "catalog.nonstandard-props"]
    assert len(notes) == 1
    assert notes[0].severity == "warning"
    assert "3988" in notes[0].message and "modalverb" in notes[0].message


def test_generic_oscal_200_4():
    catalog = load_json(upstream_file("community/bsi-200-4/bsi_200_4_catalog.json"))
    assert len(catalog.groups) == 8
    assert {g.kind for g in catalog.groups.values()} == {"group"}
    assert Counter(r.modal_verb for r in catalog.requirements.values()) == {"MUSS": 34, "SOLLTE": 6, None: 2}
    assert catalog.requirements["bcm-1.2.1"].parent == "bcm-1.2"
    assert catalog.groups["bcm-1"].description.startswith("Etablierung eines Business")
    notes = [n for n in catalog.notes if n.rule == "catalog.non-oscal-keys"]
    assert len(notes) == 1 and "title-en" in notes[0].message


def test_load_catalog_through_the_plugin_registry():
    pytest.importorskip("ikz_isms.catalog.kompendium", reason="Kompendium-Importer fehlt noch")
    from ikz_isms.catalog import load_catalog
    from ikz_isms.plugins import get_plugin_manager

    seen = []
    path = upstream_file("gspp/current/BSI-Methodik-Grundschutz++-catalog.json")
    catalog = load_catalog(path, get_plugin_manager(), progress=lambda done, total: seen.append((done, total)))
    assert len(catalog.requirements) == 95
    assert catalog.path == str(path)
    assert seen[-1] == (95, 95)


def test_progress_reports_the_total(tmp_path):
    seen = []
    path = upstream_file(RESOLVED)
    load_json(path, lambda done, total: seen.append((done, total)))
    assert seen[0] == (100, 989)
    assert seen[-1] == (989, 989)


# --- writing: the ikz dialect -----------------------------------------------------------------


def test_round_trip_resolved(resolved, tmp_path):
    document = to_oscal(resolved)
    path = tmp_path / "gspp.json"
    write_json(path, document)
    again = load_json(path)
    assert again.requirements == resolved.requirements
    assert again.groups == resolved.groups
    assert again.notes == resolved.notes
    assert (again.title, again.version, again.uuid, again.last_modified) == (
        resolved.title,
        resolved.version,
        resolved.uuid,
        resolved.last_modified,
    )
    props = document["catalog"]["metadata"]["props"]
    assert {"name": "world", "ns": NS, "value": "gspp"} in props


def test_round_trip_small_ed2023_catalog(tmp_path):
    catalog = small_catalog()
    catalog.last_modified = None
    document = to_oscal(catalog)
    path = tmp_path / "klein.json"
    write_json(path, document)
    again = load_json(path)
    assert again.last_modified is None
    assert again.requirements == catalog.requirements
    assert again.groups == catalog.groups
    assert again.world == "ed2023"
    assert again.requirements["SYS.1.1.A1"].roles == ("IT-Betrieb", "OT-Betrieb (Operational Technology, OT)")
    assert again.requirements["SYS.1.1.A2"].withdrawn
    assert again.groups["SYS.1.1"].target_object_type == "IT-System"
    control = document["catalog"]["groups"][0]["groups"][0]["controls"][0]
    assert {"name": "level", "ns": NS, "value": "B"} in control["props"]
    assert {"name": "roles", "ns": NS, "value": "IT-Betrieb; OT-Betrieb (Operational Technology, OT)"} in control["props"]


def test_yaml_round_trip(tmp_path):
    import yaml

    catalog = small_catalog()
    path = write(tmp_path, "klein.yaml", yaml.safe_dump(to_oscal(catalog), allow_unicode=True, sort_keys=False))
    assert detect_yaml(path, path.read_bytes()[:65536])
    again = load_yaml(path)
    assert again.requirements == catalog.requirements
    assert again.groups == catalog.groups
    assert again.source_format == "oscal-yaml"


def test_output_is_deterministic():
    catalog = small_catalog()
    first = json.dumps(to_oscal(catalog), ensure_ascii=False, indent=2)
    assert first == json.dumps(to_oscal(small_catalog()), ensure_ascii=False, indent=2)
    body = json.loads(first)["catalog"]
    assert body["uuid"]  # derived from the title, since the model has none
    assert body["metadata"]["oscal-version"] == "1.1.3"


def test_output_is_valid_oscal_small():
    assert oscal_errors(to_oscal(small_catalog())) == []


def test_output_is_valid_oscal_resolved(resolved):
    assert oscal_errors(to_oscal(resolved)) == []


# --- detection and bad input ------------------------------------------------------------------


def test_detect_json_tolerates_bom_and_whitespace(tmp_path):
    path = tmp_path / "k.json"
    assert detect_json(path, b'\xef\xbb\xbf  \n{\n  "catalog": {')
    assert detect_json(path, b'{"$schema": "x", "catalog": {')
    assert not detect_json(path, b'{"profile": {')
    assert not detect_json(path, b'<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0">')
    assert not detect_yaml(tmp_path / "k.yaml", b"catalogs:\n  - a\n")
    assert not detect_yaml(tmp_path / "k.txt", b"catalog:\n  uuid: x\n")


def test_malformed_json_names_file_and_line(tmp_path):
    path = write(tmp_path, "kaputt.json", '{"catalog": {\n  "uuid": "x",\n  "metadata": {,}\n}}')
    with pytest.raises(InputError) as info:
        load_json(path)
    message = str(info.value)
    assert "kaputt.json" in message and "Zeile 3" in message


def test_malformed_json_through_load_catalog(tmp_path):
    pytest.importorskip("ikz_isms.catalog.kompendium", reason="Kompendium-Importer fehlt noch")
    from ikz_isms.catalog import load_catalog
    from ikz_isms.plugins import get_plugin_manager

    path = write(tmp_path, "kaputt.json", '{"catalog": {"uuid": }')
    with pytest.raises(InputError) as info:
        load_catalog(path, get_plugin_manager())
    assert "kaputt.json" in str(info.value) and "Zeile 1" in str(info.value)
    assert info.value.exit_code == 3


def test_json_without_catalog(tmp_path):
    path = write(tmp_path, "profil.json", json.dumps({"profile": {"uuid": "x"}}))
    with pytest.raises(InputError, match="Profil") as info:
        load_json(path)
    assert "profil.json" in str(info.value)
    path = write(tmp_path, "liste.json", "[1, 2]")
    with pytest.raises(InputError, match="catalog") as info:
        load_json(path)
    assert "liste.json" in str(info.value)


def test_empty_file(tmp_path):
    path = write(tmp_path, "leer.json", b"")
    with pytest.raises(InputError, match="leer") as info:
        load_json(path)
    assert "leer.json" in str(info.value)


def test_wrong_shapes_are_located(tmp_path):
    path = write(tmp_path, "form.json", json.dumps(minimal([{"title": "ohne id"}])))
    with pytest.raises(InputError) as info:
        load_json(path)
    assert info.value.location == "/catalog/groups/0/controls/0"
    document = minimal([])
    document["catalog"]["groups"][0]["controls"] = {}
    path = write(tmp_path, "form2.json", json.dumps(document))
    with pytest.raises(InputError) as info:
        load_json(path)
    assert info.value.location == "/catalog/groups/0/controls"


def test_duplicate_control_id_keeps_the_first(tmp_path):
    def control(title):
        return {
            "id": "G.1",
            "title": title,
            "parts": [{"name": "statement", "prose": "Die Leitung MUSS handeln."}],
            "props": [{"name": "priority", "value": "must"}],
        }

    path = write(tmp_path, "doppelt.json", json.dumps(minimal([control("erste"), control("zweite")])))
    catalog = load_json(path)
    assert catalog.requirements["G.1"].title == "erste"
    assert catalog.requirements["G.1"].modal_verb == "MUSS"
    notes = [n for n in catalog.notes if n.rule == "catalog.duplicate-id"]
    assert len(notes) == 1
    assert notes[0].severity == "error"
    assert notes[0].location == "/catalog/groups/0/controls/1"


def test_unknown_param_is_noted(tmp_path):
    controls = [{"id": "G.1", "title": "t", "parts": [{"name": "statement", "prose": "Mit {{ insert: param, g.1-prm9 }} prüfen."}]}]
    catalog = load_json(write(tmp_path, "param.json", json.dumps(minimal(controls))))
    assert catalog.requirements["G.1"].statement == "Mit [g.1-prm9] prüfen."
    assert [n.rule for n in catalog.notes] == ["catalog.unknown-param"]
