"""What the speed work on `check` and `catalog import` (issue 11) relies on, held here.

* the garbage collector is paused only around a command's catalog work, and comes back as it was;
* a model written as OSCAL (:func:`ikz_isms.catalog.oscal.to_oscal`) and the id index of the
  catalog rules form no reference cycles: a catalog is freed by reference counting the moment
  its command is done with it, not at some later collection;
* the Kompendium reader's shortcuts (child sections without ElementPath, plain-text titles)
  read what the element walk reads.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from xml.etree.ElementTree import fromstring

import pytest

from ikz_isms.catalog import gc_paused, kompendium, oscal, xmlsafe
from ikz_isms.catalog.model import Catalog, Group, Requirement


def test_gc_paused_restores_the_previous_state():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def _model() -> Catalog:
    groups = {
        "ABC": Group("ABC", "Schicht", kind="layer"),
        "ABC.1": Group("ABC.1", "Baustein", kind="baustein", parent="ABC"),
    }
    requirements = {
        "ABC.1.A1": Requirement("ABC.1.A1", "Erste", "Es MUSS.", level="B", group="ABC.1"),
        "ABC.1.A1.1": Requirement("ABC.1.A1.1", "Kind", "Es SOLLTE.", level="S", group="ABC.1", parent="ABC.1.A1"),
    }
    return Catalog("Test", "1", "kompendium-2023", groups=groups, requirements=requirements)


def test_to_oscal_leaves_no_reference_cycle():
    catalog = _model()
    requirement = weakref.ref(catalog.requirements["ABC.1.A1.1"])
    with gc_paused():
        document = oscal.to_oscal(catalog)
        del catalog
        assert requirement() is None  # freed by reference counting, no collection needed
    controls = document["catalog"]["groups"][0]["groups"][0]["controls"]
    assert [c["id"] for c in controls] == ["ABC.1.A1"]
    assert [c["id"] for c in controls[0]["controls"]] == ["ABC.1.A1.1"]


def test_id_index_is_not_kept_beyond_the_target():
    from ikz_isms.checks import CatalogTarget
    from ikz_isms.checks.catalog_rules import _pointer, _raw_ids

    document = {"catalog": {"groups": [{"id": "G", "controls": [{"id": "C", "parts": [{"id": "C_stm"}]}]}],
                            "back-matter": {"resources": [{"uuid": "u-1"}]}}}
    target = CatalogTarget(Path("x.json"), "x.json")
    ids, resources = _raw_ids(target, document)
    assert [(ident, _pointer(pointer)) for ident, pointer in ids] == [
        ("G", "/catalog/groups/0"),
        ("C", "/catalog/groups/0/controls/0"),
        ("C_stm", "/catalog/groups/0/controls/0/parts/0"),
    ]
    assert resources == {"u-1"}
    assert _raw_ids(target, document)[0] is ids  # asked twice, walked once
    with gc_paused():
        probe = weakref.ref(target)
        del target
        assert probe() is None


SECTION = (
    '<section xmlns="http://docbook.org/ns/docbook"><title>ABC.1  Ein\r\n  Titel</title>'
    "<para>a</para><section><title>Eins</title></section><para>b</para>"
    "<section><title>Zwei <emphasis>fett</emphasis><?linebreak?>neu</title></section></section>"
)


def test_kompendium_shortcuts_read_what_the_walk_reads():
    element = xmlsafe.parse(SECTION.encode(), "x.xml")  # with the <?linebreak?>, as the importer reads
    assert kompendium._title(element) == "ABC.1 Ein Titel"
    assert [kompendium._title(s) for s in kompendium._sections(element)] == ["Eins", "Zwei fett neu"]
    assert kompendium._sections(element) == list(element.iterfind(kompendium._SECTION))
    for section in element.iter(kompendium._SECTION):
        assert kompendium._title(section) == kompendium._inline_text(section.find(kompendium._TITLE))
    assert kompendium._title(fromstring('<para xmlns="http://docbook.org/ns/docbook"/>')) == ""
