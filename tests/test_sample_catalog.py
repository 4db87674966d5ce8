"""The embedded sample catalog: valid OSCAL 1.1.3, consistent, true to Ed. 2023 facts, texts our own."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest

from ikz_isms.catalog.model import LEVELS_ED2023, MODAL_VERBS, TARGET_OBJECT_TYPES
from tests.support import ROOT, upstream_file

CATALOG = ROOT / "catalogs" / "ikz-musterkatalog.json"
NS = "urn:ikz-isms:oscal"
# Licence guard: a run of this many consecutive words shared with the BSI text counts as copied.
MAX_SHARED_RUN = 8
VERB_FORMS = {"MUSS": {"MUSS", "MÜSSEN"}, "SOLLTE": {"SOLLTE", "SOLLTEN"}, "KANN": {"KANN", "KÖNNEN"}}
KOMPENDIUM_TITLE = re.compile(
    r"^(?P<id>[A-Z]{3,4}(?:\.\d+)+\.?A\d+)\s+(?P<title>.*?)\s*\((?P<level>[BSH])\)\s*(?:\[[^\]]*\])?\s*$"
)


@pytest.fixture(scope="module")
def doc() -> dict:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def _groups(node: dict, depth: int = 0):
    for group in node.get("groups", []):
        yield depth, group
        yield from _groups(group, depth + 1)


def _controls(doc: dict) -> list[dict]:
    return [c for _, g in _groups(doc["catalog"]) for c in g.get("controls", [])]


def _prop(node: dict, name: str) -> str | None:
    return next((p["value"] for p in node.get("props", []) if p["name"] == name), None)


def _statement(control: dict) -> dict:
    return next(p for p in control["parts"] if p["name"] == "statement")


def _withdrawn(control: dict) -> bool:
    return _prop(control, "status") == "withdrawn"


@pytest.fixture(scope="module")
def kompendium() -> dict[str, dict]:
    """id -> {title, level, text} for every requirement in the real Kompendium XML."""
    from defusedxml import ElementTree

    path = upstream_file("kompendium-2023/XML_Kompendium_2023.xml")
    docbook = "{http://docbook.org/ns/docbook}"
    found: dict[str, dict] = {}
    for section in ElementTree.parse(path).getroot().iter(docbook + "section"):
        title = section.find(docbook + "title")
        if title is None:
            continue
        match = KOMPENDIUM_TITLE.match(" ".join("".join(title.itertext()).split()))
        if match:
            text = " ".join("".join(c.itertext()) for c in section if c is not title)
            found[match["id"]] = {"title": match["title"], "level": match["level"], "text": text}
    return found


def test_file_is_deterministic_utf8_json_with_trailing_newline(doc):
    raw = CATALOG.read_text(encoding="utf-8")
    assert raw == json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    meta = doc["catalog"]["metadata"]
    assert meta["oscal-version"] == "1.1.3"
    assert {"name": "world", "ns": NS, "value": "ed2023"} in meta["props"]


def test_validates_against_official_oscal_1_1_3_catalog_schema(doc):
    from tests.support import oscal_schema_errors

    assert oscal_schema_errors(doc, upstream_file("schemas/oscal/1.1.3/oscal_catalog_schema.json")) == []


def test_ids_are_unique(doc):
    ids = [g["id"] for _, g in _groups(doc["catalog"])]
    for control in _controls(doc):
        ids.append(control["id"])
        ids.extend(part["id"] for part in control["parts"])
    assert len(ids) == len(set(ids))


def test_size_and_levels_per_layer(doc):
    controls = _controls(doc)
    assert 180 <= len(controls) <= 230
    for depth, layer in _groups(doc["catalog"]):
        if depth == 0:
            assert layer["class"] == "layer"
            levels = {_prop(c, "level") for _, b in _groups(layer) for c in b["controls"]}
            assert levels == set(LEVELS_ED2023), layer["id"]
    assert {_prop(c, "level") for c in controls} == set(LEVELS_ED2023)


def test_every_requirement_has_level_and_modal_verb_unless_withdrawn(doc):
    for control in _controls(doc):
        assert control["class"] == "requirement"
        assert _prop(control, "level") in LEVELS_ED2023, control["id"]
        statement = _statement(control)
        verb = _prop(statement, "modal_verb")
        if _withdrawn(control):
            assert control["title"] == "ENTFALLEN"
            assert verb is None
        else:
            assert verb in MODAL_VERBS, control["id"]
            words = set(statement["prose"].split())
            assert words & VERB_FORMS[verb], control["id"]
        assert _prop(control, "alt-identifier")


def test_links_resolve_inside_the_catalog(doc):
    ids = {c["id"] for c in _controls(doc)}
    links = [(c["id"], link) for c in _controls(doc) for link in c.get("links", [])]
    assert links
    for source, link in links:
        assert link["rel"] == "required"
        assert link["href"].startswith("#") and link["href"][1:] in ids, (source, link)
        assert link["href"][1:] != source


def test_every_baustein_has_a_target_object_type(doc):
    bausteine = [g for depth, g in _groups(doc["catalog"]) if depth == 1]
    assert len(bausteine) == 30
    for baustein in bausteine:
        assert baustein["class"] == "baustein"
        assert _prop(baustein, "target_object_type") in TARGET_OBJECT_TYPES, baustein["id"]
        assert all(c["id"].startswith(baustein["id"] + ".A") for c in baustein["controls"])


def test_ids_levels_and_withdrawn_status_match_kompendium_2023(doc, kompendium):
    for control in _controls(doc):
        real = kompendium.get(control["id"])
        assert real is not None, f"{control['id']} fehlt im Kompendium"
        assert _prop(control, "level") == real["level"], control["id"]
        assert _withdrawn(control) == (real["title"] == "ENTFALLEN"), control["id"]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _runs(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_titles_and_statements_are_our_own_words(doc, kompendium):
    for control in _controls(doc):
        if _withdrawn(control):
            continue
        real = kompendium[control["id"]]
        ours = _statement(control)["prose"]
        assert control["title"].casefold() != real["title"].casefold(), control["id"]
        assert " ".join(_words(ours)) != " ".join(_words(real["text"])), control["id"]
        shared = _runs(_words(ours), MAX_SHARED_RUN) & _runs(_words(real["text"]), MAX_SHARED_RUN)
        assert not shared, (control["id"], [" ".join(run) for run in shared])


@pytest.mark.skipif(
    importlib.util.find_spec("ikz_isms.catalog.oscal") is None, reason="OSCAL-Leser fehlt"
)
def test_reader_loads_every_requirement(doc):
    from ikz_isms.catalog import load_catalog
    from ikz_isms.plugins import get_plugin_manager

    catalog = load_catalog(CATALOG, get_plugin_manager(load_entry_points=False))
    controls = _controls(doc)
    assert len(catalog.requirements) == len(controls)
    assert len(catalog.active_requirements()) == sum(not _withdrawn(c) for c in controls)
    assert catalog.world == "ed2023"


def test_example_workspace_pins_exactly_this_file(doc):
    from ikz_isms.store import sha256_file
    from ikz_isms.workspace import Workspace

    pins = [p for p in Workspace.load(ROOT).pins.values() if (ROOT / p.file).resolve() == CATALOG.resolve()]
    assert len(pins) == 1
    assert pins[0].sha256 == sha256_file(CATALOG), "Prüfsumme in ikz-isms.yaml nachtragen"
    assert pins[0].version == doc["catalog"]["metadata"]["version"]
