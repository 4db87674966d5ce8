"""Catalogs kept whole: what `catalog import` stores is what BSI published, field by field.

The expectations come from the upstream files read independently (json, ElementTree), not
from the importer under test.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from tests.support import upstream_file

KOMPENDIUM = "kompendium-2023/XML_Kompendium_2023.xml"
G_PLUS_PLUS = {
    "resolved": "gspp/resolved-2026-06-30/Grundschutz++-catalog.json",
    "beta": "gspp/beta-0.9.7/Grundschutz++-Kompendium.json",
    "kernel": "gspp/current/BSI-Stand-der-Technik-Kernel-catalog.json",
    "methodik": "gspp/current/BSI-Methodik-Grundschutz++-catalog.json",
    "wlan": "gspp/current/WLAN-resolved_catalog.json",
}
DB = "{http://docbook.org/ns/docbook}"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A workspace with every real G++ catalog and the Kompendium imported (in-process CLI)."""
    from ikz_isms.testing import make_workspace, run

    ws = make_workspace(tmp_path_factory.mktemp("whole") / "ws")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IKZ_ISMS_NO_ENTRY_POINTS", "1")
        mp.setenv("COLUMNS", "200")
        for name, relative in {**G_PLUS_PLUS, "ed2023": KOMPENDIUM}.items():
            result = run("--workspace", ws, "catalog", "import", upstream_file(relative), "--name", name)
            assert result.exit_code == 0, result.stderr
    return ws


def stored(ws: Path, name: str) -> dict:
    return json.loads((ws / "catalogs" / f"{name}.json").read_text(encoding="utf-8"))


def diff_paths(a, b, path=""):
    """Every JSON pointer where two documents differ (empty: equal field by field)."""
    if type(a) is not type(b):
        return [path or "/"]
    if isinstance(a, dict):
        return [p for k in sorted(set(a) | set(b)) for p in (
            diff_paths(a[k], b[k], f"{path}/{k}") if k in a and k in b else [f"{path}/{k}"])]
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path} (Länge {len(a)} ≠ {len(b)})"]
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in diff_paths(x, y, f"{path}/{i}")]
    return [] if a == b else [path]


@pytest.mark.parametrize("name", list(G_PLUS_PLUS))
def test_stored_gspp_catalog_equals_upstream_field_by_field(imported, name):
    upstream = json.loads(upstream_file(G_PLUS_PLUS[name]).read_text(encoding="utf-8"))
    assert diff_paths(upstream, stored(imported, name)) == []


def test_stored_bytes_are_the_upstream_bytes_as_orjson_writes_them(imported):
    # orjson with two-space indent is byte-identical to json.dumps(indent=2, ensure_ascii=False)
    upstream = json.loads(upstream_file(G_PLUS_PLUS["resolved"]).read_text(encoding="utf-8"))
    expected = json.dumps(upstream, ensure_ascii=False, indent=2) + "\n"
    assert (imported / "catalogs" / "resolved.json").read_text(encoding="utf-8") == expected


def test_parameters_and_satzschablone_are_read_as_fields(imported):
    from ikz_isms.app.session import Session

    catalog = Session(imported).catalog("resolved")[1]
    reqs = catalog.requirements
    assert sum(len(r.params) for r in reqs.values()) == 218
    control = reqs["GC.1.1"]
    assert control.action_word == "verankern"
    assert control.documentation == "ISMS-Regelwerk"
    assert control.result.startswith("Verfahren und Regelungen")
    assert control.result_specification == "nach {{einem anerkannten Standard}}"
    assert control.params[0].id == "gc.1.1-prm1" and control.params[0].values == ("BSI Grundschutz++",)
    assert "{{ insert: param, gc.1.1-prm1 }}" in control.statement_template
    assert "nach BSI Grundschutz++ verankern" in control.statement
    assert catalog.parties[0].name == "Bundesamt für Sicherheit in der Informationstechnik"
    assert catalog.resources[0].title == "BSI IT-Grundschutz Edition 2023"
    assert catalog.remarks.startswith("Der Grundschutz++ ist")
    beta = Session(imported).catalog("beta")[1].requirements["GC.1.1"]
    assert (beta.action_word, beta.result_specification) == ("verankern", "nach {{einem anerkannten Standard}}")


# -- Edition 2023: the DocBook XML against the stored OSCAL --------------------------------------


def _text(element) -> str:
    return "".join(element.itertext())


def _squeeze(text: str) -> str:
    """Text without any whitespace: compares content, not the importer's line breaks."""
    return re.sub(r"\s+", "", text)


def _title(element) -> str:
    title = element.find(f"{DB}title")
    return " ".join(_text(title).split()) if title is not None else ""


def kompendium_bausteine():
    root = ET.parse(upstream_file(KOMPENDIUM)).getroot()
    layers = [c for c in root.findall(f"{DB}chapter") if re.match(r"^(ISMS|ORP|CON|OPS|DER|APP|SYS|IND|NET|INF) ", _title(c))]
    for chapter in layers:
        for section in chapter.findall(f"{DB}section"):
            match = re.match(r"^([A-Z]{3,4}(?:\.\d+)+)\s", _title(section))
            if match:
                yield match.group(1), {_title(s): s for s in section.findall(f"{DB}section")}
    elementary = next(c for c in root.findall(f"{DB}chapter") if _title(c) == "Elementare Gefährdungen")
    yield "G 0", {_title(s): s for s in elementary.findall(f"{DB}section")}


def test_stored_ed2023_keeps_description_threats_and_responsibilities(imported):
    document = stored(imported, "ed2023")
    groups = {}

    def walk(node):
        for group in node.get("groups") or []:
            groups[group["id"]] = group
            walk(group)

    walk(document["catalog"])
    threats = {r["title"]: r for r in document["catalog"]["back-matter"]["resources"]}
    checked = Counter()
    for baustein, parts in kompendium_bausteine():
        if baustein == "G 0":
            assert len(parts) == 47
            for title, section in parts.items():
                name = title.split(" ", 2)[2]
                body = "".join(_text(c) for c in section if c.tag != f"{DB}title")
                assert _squeeze(threats[name]["description"]) == _squeeze(body), title
                checked["elementary"] += 1
            continue
        group = groups[baustein]
        own = {p["name"]: p for p in group.get("parts") or []}
        props = {p["name"]: p["value"] for p in group.get("props") or []}
        description = parts["Beschreibung"]
        assert _squeeze(own["overview"]["prose"]) == _squeeze(_text(description).replace(_title(description), "", 1))
        situation = parts["Gefährdungslage"]
        expected = [(_title(s), _squeeze(_text(s).replace(_title(s), "", 1))) for s in situation.findall(f"{DB}section")]
        found = [(t["title"], _squeeze(t.get("prose", ""))) for t in own["threat_situation"].get("parts") or []]
        assert found == expected, baustein
        cells = {}
        for row in parts["Anforderungen"].iter(f"{DB}tr"):
            texts = [" ".join(_text(td).split()) for td in row.iter(f"{DB}td")]
            if len(texts) == 2:
                cells[texts[0]] = texts[1]
        assert props.get("responsible", "").replace("; ", ", ") == cells.get("Grundsätzlich zuständig", ""), baustein
        assert _squeeze(props.get("other_roles", "")) == _squeeze(
            cells.get("Weitere Zuständigkeiten", "").replace(",", ";")) or "(" in cells.get("Weitere Zuständigkeiten", "")
        further = next(s for t, s in parts.items() if t.endswith("Weiterführende Informationen"))
        assert _squeeze(own["further_information"]["prose"]) == _squeeze(_text(further).replace(_title(further), "", 1))
        checked["bausteine"] += 1
    assert checked == {"bausteine": 111, "elementary": 47}


def test_show_presents_the_kept_fields(imported, run_cli):
    control = run_cli("--workspace", imported, "catalog", "show", "GC.1.1", "--catalog", "resolved")
    assert control.exit_code == 0, control.stderr
    for line in ("Handlungswort:      verankern", "Dokumentation:      ISMS-Regelwerk",
                 "Parameter:          gc.1.1-prm1: BSI Grundschutz++ = BSI Grundschutz++",
                 "Präzisierung:       nach {{einem anerkannten Standard}}"):
        assert line in control.output
    baustein = run_cli("--workspace", imported, "catalog", "show", "SYS.1.1", "--catalog", "ed2023")
    assert "Grundsätzlich zuständig:      IT-Betrieb" in baustein.output
    assert "• Überlastung von Servern" in baustein.output and "Beschreibung:                 Einleitung" in baustein.output
    threat = run_cli("--workspace", imported, "catalog", "show", "G 0.18", "--catalog", "ed2023", "--format", "json")
    assert json.loads(threat.output)["threat"]["title"] == "Fehlplanung oder fehlende Anpassung"
    whole = run_cli("--workspace", imported, "catalog", "show", "--catalog", "resolved")
    assert "Herausgeber:" in whole.output and "Bundesamt für Sicherheit in der Informationstechnik" in whole.output
    assert "Parameter:               218" in whole.output


def test_search_filters_by_action_word_and_documentation(imported, run_cli):
    upstream = json.loads(upstream_file(G_PLUS_PLUS["resolved"]).read_text(encoding="utf-8"))
    expected = []

    def walk(node):
        for control in node.get("controls") or []:
            statement = next(p for p in control["parts"] if p["name"] == "statement")
            props = {p["name"]: p["value"] for p in statement.get("props") or []}
            if props.get("action_word") == "dokumentieren" and "konzept" in props.get("documentation", "").lower():
                expected.append(control["id"])
            walk(control)
        for group in node.get("groups") or []:
            walk(group)

    walk(upstream["catalog"])
    result = run_cli("--workspace", imported, "catalog", "search", "", "--catalog", "resolved",
                     "--action-word", "Dokumentieren", "--documentation", "konzept", "--format", "json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.output)
    assert expected and sorted(r["id"] for r in found["results"]) == sorted(expected)
    assert all(r["action_word"] == "dokumentieren" for r in found["results"])
    none = run_cli("--workspace", imported, "catalog", "search", "", "--catalog", "resolved", "--action-word", "tanzen")
    assert "Keine Treffer." in none.output and "Handlungswörter in diesem Katalog" in none.output


def test_catalog_json_output_is_what_json_dumps_would_write(imported, run_cli):
    result = run_cli("--workspace", imported, "catalog", "search", "", "--catalog", "resolved", "--format", "json")
    data = json.loads(result.output)
    assert result.output == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert data["total"] == 989


# -- more OSCAL in: XML, profiles, mapping collections ---------------------------------------------

BETA_XML = "gspp/beta-0.9.7/Grundschutz++-Kompendium.xml"
PROFILE = "gspp/current/Grundschutz++-profile.json"
KERNEL = "gspp/current/BSI-Stand-der-Technik-Kernel-catalog.json"


def test_oscal_xml_reads_as_its_json_twin(tmp_path, run_cli):
    from ikz_isms.testing import make_workspace

    ws = make_workspace(tmp_path / "ws")
    result = run_cli("--workspace", ws, "catalog", "import", upstream_file(BETA_XML), "--name", "beta-xml")
    assert result.exit_code == 0, result.stderr
    assert "(oscal-xml)" in result.output
    twin = json.loads(upstream_file(G_PLUS_PLUS["beta"]).read_text(encoding="utf-8"))
    differing = diff_paths(twin, stored(ws, "beta-xml"))
    # README §3: the twins differ in uuid, last-modified and the title ("(Beta)" only in JSON)
    assert differing == ["/catalog/metadata/last-modified", "/catalog/metadata/title", "/catalog/uuid"]


def test_oscal_xml_refuses_a_doctype(tmp_path, run_cli):
    path = tmp_path / "boese.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE catalog [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                    '<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u"><metadata><title>&x;</title>'
                    '</metadata></catalog>\n', encoding="utf-8")
    result = run_cli("catalog", "show", "--catalog", path, cwd=tmp_path)
    assert result.exit_code == 3
    assert "Zeile 2: XML enthält Entity-Deklarationen (Entity „x“)" in result.stderr


def test_profile_is_resolved_into_a_catalog(tmp_path, run_cli):
    from ikz_isms.testing import make_workspace

    ws = make_workspace(tmp_path / "ws")
    missing = run_cli("--workspace", ws, "catalog", "import", upstream_file(PROFILE), "--name", "gspp")
    assert missing.exit_code == 3
    assert "Profil-Import 'BSI-Stand-der-Technik-Kernel-G0-catalog.json' nicht gefunden" in missing.stderr
    assert not (ws / "catalogs" / "gspp.json").exists()
    result = run_cli("--workspace", ws, "catalog", "import", upstream_file(PROFILE), "--name", "gspp",
                     "--profile-import", f"BSI-Stand-der-Technik-Kernel-G0-catalog.json={upstream_file(KERNEL)}",
                     "--format", "json")
    assert result.exit_code == 0, result.stderr
    # README §2: resolved against the non-G0 Kernel, 95 + 4 + 901 controls
    assert json.loads(result.output)["requirements"] == 1000
    document = stored(ws, "gspp")
    params = {}
    practices = [g["id"] for g in document["catalog"]["groups"]]

    def walk(node):
        for control in node.get("controls") or []:
            for param in control.get("params") or []:
                params[param["id"]] = param
            walk(control)
        for group in node.get("groups") or []:
            walk(group)

    walk(document["catalog"])
    assert params["not.1.1.4-prm1"]["values"] == ["BSI-Standard 200-4"]
    assert params["gc.1.1-prm1"]["values"] == ["BSI Grundschutz++"]
    risk = next(g for g in document["catalog"]["groups"] if g["id"] == "RISK")
    ids = [c["id"] for sub in risk["groups"] for c in sub["controls"]]
    assert ids == ["RISK.1.1", "RISK.1.3", "RISK.1.5", "RISK.1.10"]
    assert practices[:5] == ["GC", "STM", "UMS", "VRB", "PERF"]
    assert document["catalog"]["metadata"]["title"] == "Anwenderkatalog Grundschutz++"
    assert [r["title"] for r in document["catalog"]["back-matter"]["resources"]] == ["BSI IT-Grundschutz Edition 2023"]


def test_profile_import_for_a_catalog_is_a_usage_error(tmp_path, run_cli):
    """--profile-import names a profile's imports: given with a catalog it is exit 2, not an
    internal error of the catalog's reader."""
    from ikz_isms.testing import make_workspace

    ws = make_workspace(tmp_path / "ws")
    result = run_cli("--workspace", ws, "catalog", "import", upstream_file(KERNEL),
                     "--profile-import", f"x.json={upstream_file(KERNEL)}")
    assert result.exit_code == 2, result.stderr
    assert "--profile-import gilt nur für OSCAL-Profile" in result.stderr and "'oscal-json'" in result.stderr
    assert not list((ws / "catalogs").glob("*.json"))


def test_mapping_collection_is_imported_for_migrate(tmp_path, run_cli):
    from ikz_isms.testing import make_workspace

    ws = make_workspace(tmp_path / "ws")
    mapping = upstream_file("gspp/current/ITGS-to-GS++-mapping_collection.json")
    result = run_cli("--workspace", ws, "catalog", "import", mapping, "--name", "itgs-gspp", "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.output)
    assert summary["maps"] == 1185 and summary["requirements"] == 510
    assert summary["relationships"] == {"equal-to": 21, "equivalent-to": 118, "subset-of": 464,
                                        "superset-of": 187, "intersects-with": 395}
    assert (ws / "catalogs" / "itgs-gspp.json").read_bytes() == mapping.read_bytes()
