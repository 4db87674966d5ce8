"""The ``ikz-isms catalog`` commands as a user runs them: import, list, show, search, diff."""

from __future__ import annotations

import io
import json
import re
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from ikz_isms.catalog.diff import diff_catalogs
from ikz_isms.catalog.model import Catalog, Group, Relation, Requirement
from tests.support import upstream_file

GSPP = "gspp/resolved-2026-06-30/Grundschutz++-catalog.json"
BETA = "gspp/beta-0.9.7/Grundschutz++-Kompendium.json"
KOMPENDIUM = "kompendium-2023/XML_Kompendium_2023.xml"

CONFIG = """\
# Test-Arbeitsumgebung; dieser Kommentar muss einen Import überstehen.
verbund:
  name: Test-Verbund
  lead: a-kreis
  members:
    - a-kreis
    - b-kreis
catalogs: {}  # eingetragene Kataloge
"""


def make_workspace(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "ikz-isms.yaml").write_text(CONFIG, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A workspace with the real G++ (as ``gspp``) and Kompendium (as ``ed2023``) imported."""
    from ikz_isms.cli import main

    sources = {"gspp": upstream_file(GSPP), "ed2023": upstream_file(KOMPENDIUM)}
    ws = make_workspace(tmp_path_factory.mktemp("imported") / "ws")
    outputs = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IKZ_ISMS_NO_ENTRY_POINTS", "1")
        mp.setenv("COLUMNS", "200")
        mp.delenv("IKZ_ISMS_WORKSPACE", raising=False)
        for name, source in sources.items():
            buffer = io.StringIO()
            with redirect_stdout(buffer):
                code = main(["--workspace", str(ws), "catalog", "import", str(source), "--name", name])
            assert code == 0, buffer.getvalue()
            outputs[name] = buffer.getvalue()
    return ws, outputs


def pm():
    from ikz_isms.plugins import get_plugin_manager

    return get_plugin_manager()


# -- import ------------------------------------------------------------------------------


def test_import_prints_german_summary(imported):
    _, outputs = imported
    assert "Katalog 'gspp' importiert" in outputs["gspp"]
    assert "Anforderungen:  989, davon aktiv 989" in outputs["gspp"]
    assert "normal-SdT – normal (Stand der Technik): 762 aktiv von 762" in outputs["gspp"]
    assert "Anforderungen:  2.125, davon aktiv 1.835" in outputs["ed2023"]
    assert "B – Basis: 563 aktiv von 652" in outputs["ed2023"]
    assert "H – erhöhter Schutzbedarf: 405 aktiv von 459" in outputs["ed2023"]


def test_import_pins_catalog_and_keeps_config_comments(imported):
    from ikz_isms.store import sha256_file
    from tests.support import read_yaml_file as read_yaml

    ws, _ = imported
    text = (ws / "ikz-isms.yaml").read_text(encoding="utf-8")
    assert "# Test-Arbeitsumgebung; dieser Kommentar muss einen Import überstehen." in text
    pins = read_yaml(ws / "ikz-isms.yaml")["catalogs"]
    assert list(pins) == ["gspp", "ed2023"]
    gspp = pins["gspp"]
    assert gspp["file"] == "catalogs/gspp.json"
    assert gspp["source"] == "Grundschutz++-catalog.json"
    assert gspp["format"] == "oscal-json"
    assert gspp["sha256"] == sha256_file(ws / "catalogs" / "gspp.json")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(gspp["imported"]))
    assert pins["ed2023"]["source"] == "XML_Kompendium_2023.xml"
    assert pins["ed2023"]["version"] == "Edition 2023"
    assert not list(ws.rglob("*.tmp"))


def test_stored_oscal_json_round_trips(imported):
    from ikz_isms.catalog import load_catalog

    ws, _ = imported
    stored = load_catalog(ws / "catalogs" / "gspp.json", pm())
    assert len(stored.requirements) == 989
    ed2023 = load_catalog(ws / "catalogs" / "ed2023.json", pm())
    assert (len(ed2023.requirements), len(ed2023.active_requirements())) == (2125, 1835)
    original = load_catalog(upstream_file(KOMPENDIUM), pm())
    assert diff_catalogs(original, ed2023).counts()["unchanged"] == 2125


def test_default_name_is_a_slug_of_the_file_name(tmp_path, run_cli):
    ws = make_workspace(tmp_path / "ws")
    result = run_cli("--workspace", ws, "catalog", "import", upstream_file(GSPP), "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.output)
    assert summary["name"] == "grundschutz-catalog"
    assert (ws / "catalogs" / "grundschutz-catalog.json").is_file()
    assert summary["requirements"] == 989


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"catalog": {"uuid": "x", "metadata": ', "ungültiges JSON"),
        ("Hallo, ich bin kein Katalog.\n", "unbekanntes Katalogformat"),
        # schema-valid OSCAL, but not one control: nothing a county could be checked against
        ('{"catalog": {"uuid": "5f0a3f0e-8d55-4a39-9d3c-1f2b3c4d5e6f", "metadata": {"title": "Leer", '
         '"last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.2"}, '
         '"groups": [{"id": "g", "title": "Nur eine Gruppe"}]}}', "keine einzige Anforderung"),
    ],
    ids=["malformed-json", "unknown-format", "oscal-without-controls"],
)
def test_bad_source_writes_nothing(tmp_path, run_cli, content, message):
    ws = make_workspace(tmp_path / "ws")
    before = (ws / "ikz-isms.yaml").read_bytes()
    source = tmp_path / "kaputt.json"
    source.write_text(content, encoding="utf-8")
    result = run_cli("--workspace", ws, "catalog", "import", source)
    assert result.exit_code == 3
    assert result.stderr.startswith("Fehler: ")
    assert message in result.stderr and "kaputt.json" in result.stderr
    assert "Traceback" not in result.stderr
    assert (ws / "ikz-isms.yaml").read_bytes() == before
    assert not (ws / "catalogs").exists()


_META = ('"metadata": {"title": "T", "last-modified": "2026-01-01T00:00:00Z", "version": "1", '
         '"oscal-version": "1.1.2"}')
_UUID = '"uuid": "5f0a3f0e-8d55-4a39-9d3c-1f2b3c4d5e6f"'


@pytest.mark.parametrize(
    "body, pointer, message",
    [
        ('"groups": [{"id": "g", "title": ["Liste"], "controls": [{"id": "c-1", "title": "C"}]}]',
         "/catalog/groups/0/title", "„title“ bei Gruppe muss ein Text sein"),
        ('"controls": [{"id": "c-1", "title": {"de": "Objekt"}}]',
         "/catalog/controls/0/title", "„title“ bei Control muss ein Text sein"),
        ('"controls": [{"id": "c-1", "title": "C", "props": "level=B"}]',
         "/catalog/controls/0/props", "„props“ muss eine Liste sein"),
        ('"controls": [{"id": "c-1", "title": "C", "props": [{"name": "level", "value": 3, '
         '"ns": "urn:ikz-isms:oscal"}]}]',
         "/catalog/controls/0/props/0/value", "„value“ bei Eigenschaft (prop) muss ein Text sein"),
        ('"controls": [{"id": "c-1", "title": "C", "parts": [{"name": "statement", "prose": 42}]}]',
         "/catalog/controls/0/parts/0/prose", "„prose“ bei Teil (part) muss ein Text sein"),
        ('"controls": [{"id": "c-1", "title": "C", "parts": ["Es MUSS."]}]',
         "/catalog/controls/0/parts/0", "Teil (part) muss ein JSON-Objekt sein"),
    ],
    ids=["group-title-list", "control-title-object", "props-text", "prop-value-number", "prose-number",
         "part-text"],
)
def test_oscal_value_of_the_wrong_type_is_refused(tmp_path, run_cli, body, pointer, message):
    """What `check` reports as a wrong type (catalog.schema), import refuses, naming the JSON pointer;
    before, such a catalog was pinned with exit 0 and `catalog show` printed Python's repr of the value."""
    ws = make_workspace(tmp_path / "ws")
    before = (ws / "ikz-isms.yaml").read_bytes()
    source = tmp_path / "typen.json"
    source.write_text('{"catalog": {' + _UUID + ", " + _META + ", " + body + "}}", encoding="utf-8")
    result = run_cli("--workspace", ws, "catalog", "import", source)
    assert result.exit_code == 3, result.output
    assert f"typen.json, {pointer}: kein gültiger OSCAL-Katalog: {message}" in result.stderr
    assert (ws / "ikz-isms.yaml").read_bytes() == before and not (ws / "catalogs").exists()
    checked = run_cli("--workspace", ws, "check", source)
    assert checked.exit_code == 1 and f"{pointer}: {message}" in checked.output  # the same rule


def test_oscal_yaml_numbers(tmp_path, run_cli):
    """YAML reads `version: 1.0` as a number: refused where OSCAL wants a text (before: exit 70 when
    the number reached the JSON writer); a number in a field neither reader nor check types is stored."""
    ws = make_workspace(tmp_path / "ws")
    template = (
        "catalog:\n  uuid: 5f0a3f0e-8d55-4a39-9d3c-1f2b3c4d5e6f\n  metadata:\n    title: YAML-Katalog\n"
        "    last-modified: 2026-01-01T00:00:00Z\n    version: {version}\n    oscal-version: 1.1.2\n"
        "    revisions:\n      - version: 2.0\n        title: Zweite Fassung\n"
        "  controls:\n    - id: c-1\n      title: Eins\n      parts:\n        - name: statement\n"
        "          prose: Es MUSS getan werden.\n"
    )
    source = tmp_path / "katalog.yaml"
    source.write_text(template.format(version="1.0"), encoding="utf-8")
    result = run_cli("--workspace", ws, "catalog", "import", source)
    assert result.exit_code == 3, result.output
    assert "katalog.yaml, /catalog/metadata/version: kein gültiger OSCAL-Katalog: „version“ bei metadata " \
           "muss ein Text sein" in result.stderr
    assert not (ws / "catalogs").exists()
    source.write_text(template.format(version='"1.0"'), encoding="utf-8")
    result = run_cli("--workspace", ws, "catalog", "import", source, "--name", "yaml")
    assert result.exit_code == 0, result.output + result.stderr
    stored = json.loads((ws / "catalogs" / "yaml.json").read_text(encoding="utf-8"))
    assert stored["catalog"]["metadata"]["version"] == "1.0"
    assert stored["catalog"]["metadata"]["revisions"][0]["version"] == 2.0


def test_kompendium_without_requirements_is_refused(tmp_path, run_cli):
    """A DocBook book with a layer chapter and Bausteine but no requirement section imports nothing."""
    ws = make_workspace(tmp_path / "ws")
    before = (ws / "ikz-isms.yaml").read_bytes()
    source = tmp_path / "schichten.xml"
    source.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<book xmlns="http://docbook.org/ns/docbook" version="5.0">'
        "<info><title>Kompendium</title></info><chapter><title>SYS IT-Systeme</title>"
        "<section><title>SYS.1.1 Allgemeiner Server</title><section><title>Beschreibung</title>"
        "<para>Nur Text.</para></section></section></chapter></book>\n", encoding="utf-8")
    result = run_cli("--workspace", ws, "catalog", "import", source)
    assert result.exit_code == 3, result.output
    assert "schichten.xml" in result.stderr and "keine einzige Anforderung" in result.stderr
    assert (ws / "ikz-isms.yaml").read_bytes() == before
    assert not (ws / "catalogs").exists()


def test_check_reports_an_empty_catalog_in_the_workspace(tmp_path, run_cli):
    """A pinned catalog emptied by hand (pin updated to match) is an error of `check`, not a pass."""
    import hashlib

    ws = make_workspace(tmp_path / "ws")
    source = tmp_path / "klein.json"
    source.write_text(json.dumps(small_catalog("Test")), encoding="utf-8")
    assert run_cli("--workspace", ws, "catalog", "import", source, "--name", "klein").exit_code == 0
    stored = ws / "catalogs" / "klein.json"
    document = json.loads(stored.read_text(encoding="utf-8"))
    for group in document["catalog"]["groups"]:
        group.pop("controls", None)
    stored.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    config = ws / "ikz-isms.yaml"
    old = re.search(r"sha256: ([0-9a-f]{64})", config.read_text(encoding="utf-8")).group(1)
    config.write_text(config.read_text(encoding="utf-8").replace(
        old, hashlib.sha256(stored.read_bytes()).hexdigest()), encoding="utf-8")
    result = run_cli("--workspace", ws, "check")
    assert result.exit_code == 1, result.output
    assert "catalog.empty" in result.output and "keine Anforderungen" in result.output


def test_missing_source_and_unknown_forced_format(tmp_path, run_cli):
    ws = make_workspace(tmp_path / "ws")
    result = run_cli("--workspace", ws, "catalog", "import", tmp_path / "gibt-es-nicht.json")
    assert result.exit_code == 3 and "Datei nicht gefunden" in result.stderr
    source = tmp_path / "k.json"
    source.write_text("{}", encoding="utf-8")
    result = run_cli("--workspace", ws, "catalog", "import", source, "--format-in", "docx")
    assert result.exit_code == 3 and "unbekanntes Format 'docx'" in result.stderr
    assert not (ws / "catalogs").exists()


def small_catalog(title_of_a1: str) -> dict:
    from ikz_isms.catalog.oscal import to_oscal

    cat = Catalog(title="Kleinkatalog", version="1", source_format="oscal-json")
    cat.groups["T"] = Group("T", "Test", kind="practice")
    cat.requirements["T.1"] = Requirement("T.1", title_of_a1, "Es MUSS getestet werden.",
                                          level="normal-SdT", modal_verb="MUSS", group="T", uuid="u-1")
    return to_oscal(cat)


def test_reimport_with_other_content_is_refused_without_force(tmp_path, run_cli):
    ws = make_workspace(tmp_path / "ws")
    v1, v2 = tmp_path / "v1.json", tmp_path / "v2.json"
    v1.write_text(json.dumps(small_catalog("Testen")), encoding="utf-8")
    v2.write_text(json.dumps(small_catalog("Gründlich testen")), encoding="utf-8")
    assert run_cli("--workspace", ws, "catalog", "import", v1, "--name", "klein").exit_code == 0
    config = (ws / "ikz-isms.yaml").read_bytes()
    stored = (ws / "catalogs" / "klein.json").read_bytes()

    result = run_cli("--workspace", ws, "catalog", "import", v2, "--name", "klein")
    assert result.exit_code == 4
    assert "bereits mit anderem Inhalt eingetragen" in result.stderr and "--force" in result.stderr
    assert (ws / "ikz-isms.yaml").read_bytes() == config
    assert (ws / "catalogs" / "klein.json").read_bytes() == stored

    again = run_cli("--workspace", ws, "catalog", "import", v1, "--name", "klein")
    assert again.exit_code == 0 and "unverändert" in again.output
    assert (ws / "ikz-isms.yaml").read_bytes() == config

    forced = run_cli("--workspace", ws, "catalog", "import", v2, "--name", "klein", "--force")
    assert forced.exit_code == 0
    shown = run_cli("--workspace", ws, "catalog", "show", "T.1", "--catalog", "klein")
    assert "Gründlich testen" in shown.output


def test_import_refuses_to_overwrite_an_unpinned_file(tmp_path, run_cli):
    ws = make_workspace(tmp_path / "ws")
    (ws / "catalogs").mkdir()
    (ws / "catalogs" / "klein.json").write_text("eigene Datei", encoding="utf-8")
    source = tmp_path / "v1.json"
    source.write_text(json.dumps(small_catalog("Testen")), encoding="utf-8")
    result = run_cli("--workspace", ws, "catalog", "import", source, "--name", "klein")
    assert result.exit_code == 4 and "kein eingetragener Katalog" in result.stderr
    assert (ws / "catalogs" / "klein.json").read_text(encoding="utf-8") == "eigene Datei"


def test_failed_config_write_leaves_no_catalog_file(tmp_path, run_cli, monkeypatch):
    from ikz_isms.errors import LockTimeoutError
    from ikz_isms.store import Store

    def fail(self, path, *args, **kwargs):
        raise LockTimeoutError("gesperrt", path=str(path))

    monkeypatch.setattr(Store, "edit", fail)
    ws = make_workspace(tmp_path / "ws")
    source = tmp_path / "v1.json"
    source.write_text(json.dumps(small_catalog("Testen")), encoding="utf-8")
    result = run_cli("--workspace", ws, "catalog", "import", source, "--name", "klein")
    assert result.exit_code == 5
    assert not (ws / "catalogs" / "klein.json").exists()


def test_invalid_name_and_missing_workspace(tmp_path, run_cli):
    ws = make_workspace(tmp_path / "ws")
    source = tmp_path / "v1.json"
    source.write_text(json.dumps(small_catalog("Testen")), encoding="utf-8")
    result = run_cli("--workspace", ws, "catalog", "import", source, "--name", "../weg")
    assert result.exit_code == 2 and "ungültiger Katalogname" in result.stderr
    empty = tmp_path / "leer"
    empty.mkdir()
    result = run_cli("catalog", "list", cwd=empty)
    assert result.exit_code == 3 and "keine Arbeitsumgebung" in result.stderr


# -- list --------------------------------------------------------------------------------


def test_list_shows_pins_with_counts(imported, run_cli):
    ws, _ = imported
    result = run_cli("--workspace", ws, "catalog", "list")
    assert result.exit_code == 0
    assert "Anforderungen" in result.output and "Stand" in result.output
    assert "gspp" in result.output and "989" in result.output and "2.125" in result.output
    assert "geändert!" not in result.output
    data = json.loads(run_cli("--workspace", ws, "catalog", "list", "--format", "json").output)
    assert {e["name"]: (e["requirements"], e["active"], e["status"]) for e in data} == {
        "gspp": (989, 989, "ok"),
        "ed2023": (2125, 1835, "ok"),
    }


def test_list_and_show_notice_a_changed_file(imported, tmp_path, run_cli):
    ws = tmp_path / "ws"
    shutil.copytree(imported[0], ws)
    with open(ws / "catalogs" / "gspp.json", "a", encoding="utf-8") as handle:
        handle.write("\n")
    result = run_cli("--workspace", ws, "catalog", "list")
    assert "geändert!" in result.output
    # the list shows the state, and says with its exit code and a pointer to check that it is not fine
    assert result.exit_code == 1
    assert "gspp (geändert)" in result.stderr and "ikz-isms check" in result.stderr
    listed = run_cli("--workspace", ws, "catalog", "list", "--format", "json")
    assert listed.exit_code == 1 and {e["name"]: e["status"] for e in json.loads(listed.output)}["gspp"] == "changed"
    # a pinned catalog whose content changed is refused on every road, with both hashes and the fix
    shown = run_cli("--workspace", ws, "catalog", "show", "ASST.3.11", "--catalog", "gspp")
    assert shown.exit_code == 3
    assert "verändert" in shown.stderr and "--force" in shown.stderr and "git checkout" in shown.stderr


def test_list_empty_workspace(tmp_path, run_cli):
    ws = make_workspace(tmp_path / "ws")
    result = run_cli("--workspace", ws, "catalog", "list")
    assert result.exit_code == 0 and "Keine Kataloge eingetragen" in result.output
    assert json.loads(run_cli("--workspace", ws, "catalog", "list", "--format", "json").output) == []


# -- show --------------------------------------------------------------------------------


def test_show_gspp_control(imported, run_cli):
    ws, _ = imported
    result = run_cli("--workspace", ws, "catalog", "show", "ASST.3.11", "--catalog", "gspp")
    assert result.exit_code == 0
    out = result.output
    assert "Autorisierung von Systemen" in out
    assert "normal-SdT – normal (Stand der Technik)" in out
    assert "SOLLTE" in out
    assert "ASST Informationen und Assets › ASST.3" in out
    assert "Verbesserungen:     ASST.3.11.1" in out
    assert "65e6f130-1000-47a4-a551-386d23f6f188" in out
    assert "related: SENS.2.4" in out


def test_show_ed2023_requirement_as_json(imported, run_cli):
    ws, _ = imported
    result = run_cli("--workspace", ws, "catalog", "show", "sys.1.1.a1", "--catalog", "ed2023", "--format", "json")
    assert result.exit_code == 0
    req = json.loads(result.output)["requirement"]
    assert req["id"] == "SYS.1.1.A1"
    assert (req["level"], req["level_name"], req["modal_verb"]) == ("B", "Basis", "MUSS")
    assert [g["id"] for g in req["groups"]] == ["SYS", "SYS.1.1"]
    assert req["withdrawn"] is False
    text = run_cli("--workspace", ws, "catalog", "show", "SYS.1.1.A1", "--catalog", "ed2023").output
    assert "SYS IT-Systeme › SYS.1.1 Allgemeiner Server" in text
    assert "IT-System (Zielobjekttyp des Bausteins)" in text


def test_show_group_lists_its_requirements(imported, run_cli):
    ws, _ = imported
    result = run_cli("--workspace", ws, "catalog", "show", "SYS.1.1", "--catalog", "ed2023")
    assert result.exit_code == 0
    assert "Baustein" in result.output and "Allgemeiner Server" in result.output
    assert "SYS.1.1.A1 " in result.output and "ENTFALLEN" in result.output
    practice = json.loads(
        run_cli("--workspace", ws, "catalog", "show", "ASST", "--catalog", "gspp", "--format", "json").output
    )["group"]
    assert practice["kind"] == "practice" and "ASST.3" in practice["subgroups"]
    assert "ASST.3.11" in [r["id"] for r in practice["requirements"]]


def test_show_unknown_id_suggests_close_matches(imported, run_cli):
    ws, _ = imported
    result = run_cli("--workspace", ws, "catalog", "show", "SYS.1.1.A99", "--catalog", "ed2023")
    assert result.exit_code == 3
    assert "'SYS.1.1.A99' gibt es im Katalog" in result.stderr
    assert "Meinten Sie:" in result.stderr and "SYS.1.1.A9" in result.stderr
    unknown = run_cli("--workspace", ws, "catalog", "show", "X", "--catalog", "gibtsnicht")
    assert unknown.exit_code == 3 and "nicht eingetragen" in unknown.stderr


def test_show_without_any_catalog_says_so(run_cli, tmp_path):
    """A fresh workspace has no catalog: the message says that, not "Katalog 'None'"."""
    assert run_cli("init", str(tmp_path / "ws")).exit_code == 0
    result = run_cli("--workspace", tmp_path / "ws", "catalog", "show", "SYS.1.1")
    assert result.exit_code == 3
    assert "kein Katalog eingetragen" in result.stderr and "catalog import DATEI" in result.stderr
    assert "None" not in result.stderr


# -- search ------------------------------------------------------------------------------


def search_json(run_cli, ws, *args) -> dict:
    result = run_cli("--workspace", ws, "catalog", "search", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def test_search_ignores_case_and_umlauts(imported, run_cli):
    ws, _ = imported
    spelled = search_json(run_cli, ws, "GEFAEHRDUNG", "--catalog", "ed2023")
    umlaut = search_json(run_cli, ws, "gefährdung", "--catalog", "ed2023")
    assert spelled["total"] == umlaut["total"] > 0
    text = run_cli("--workspace", ws, "catalog", "search", "passwort", "--catalog", "ed2023", "--limit", "3")
    assert text.exit_code == 0 and "Treffer" in text.output and "angezeigt: 3" in text.output


def test_search_filters_without_text(imported, run_cli):
    ws, _ = imported
    data = search_json(run_cli, ws, "", "--catalog", "ed2023", "--level", "B", "--group", "SYS.1.1", "--modal", "MUSS")
    ids = [r["id"] for r in data["results"]]
    assert ids and all(i.startswith("SYS.1.1.A") for i in ids)
    assert all(r["level"] == "B" and not r["withdrawn"] for r in data["results"])
    with_withdrawn = search_json(run_cli, ws, "", "--catalog", "ed2023", "--group", "SYS.1.1", "--include-withdrawn")
    without = search_json(run_cli, ws, "", "--catalog", "ed2023", "--group", "SYS.1.1")
    assert with_withdrawn["total"] == 39 and without["total"] == 28
    raised = search_json(run_cli, ws, "", "--catalog", "gspp", "--level", "erhöht")
    assert raised["total"] == 227
    data = search_json(run_cli, ws, "", "--catalog", "gspp", "--target-object", "Daten", "--group", "ASST")
    assert data["total"] > 0
    assert all("Daten" in " ".join(r["target_objects"]) for r in data["results"])


def test_search_ranks_exact_id_first_and_reports_no_hits(imported, run_cli):
    ws, _ = imported
    data = search_json(run_cli, ws, "asst.3.11", "--catalog", "gspp")
    assert data["results"][0]["id"] == "ASST.3.11"
    none = run_cli("--workspace", ws, "catalog", "search", "xyzzy-nichts", "--catalog", "gspp")
    assert none.exit_code == 0 and "Keine Treffer." in none.output


# -- diff --------------------------------------------------------------------------------


def test_diff_beta_against_resolved_finds_renumbering(imported, run_cli):
    from ikz_isms.catalog import load_catalog

    ws, _ = imported
    beta = upstream_file(BETA)
    result = run_cli("--workspace", ws, "catalog", "diff", beta, "gspp", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert data["summary"]["renumbered"] + data["summary"]["renumbered_changed"] > 0
    moved = {(e["old_id"], e["new_id"]) for e in data["renumbered"] + data["renumbered_changed"]}
    # a requirement with the same stable UUID but another id must show up as renumbered
    old = load_catalog(beta, pm()).by_uuid()
    new = load_catalog(upstream_file(GSPP), pm()).by_uuid()
    same_uuid_new_id = [(old[u].id, new[u].id) for u in old if u in new and old[u].id != new[u].id]
    assert same_uuid_new_id and set(same_uuid_new_id) <= moved
    assert ("TEST.4.1.1.1", "TEST.4.1.2") in moved
    counts = data["summary"]
    assert sum(counts[k] for k in ("changed", "renumbered", "renumbered_changed", "unchanged")) + counts["removed"] == 985
    text = run_cli("--workspace", ws, "catalog", "diff", beta, "gspp")
    assert text.exit_code == 0 and "umnummeriert" in text.output and "TEST.4.1.2" in text.output


def test_diff_of_a_catalog_with_itself_is_empty(imported, run_cli):
    ws, _ = imported
    data = json.loads(run_cli("--workspace", ws, "catalog", "diff", "gspp", "gspp", "--format", "json").output)
    assert data["summary"] == {
        "added": 0, "removed": 0, "changed": 0, "renumbered": 0, "renumbered_changed": 0, "unchanged": 989,
    }
    text = run_cli("--workspace", ws, "catalog", "diff", "gspp", "gspp")
    assert text.exit_code == 0 and "Keine Unterschiede." in text.output


def synthetic(requirements: list[Requirement], version: str) -> Catalog:
    cat = Catalog(title="Synthetisch", version=version, source_format="test")
    cat.groups["P"] = Group("P", "Praktik", kind="practice")
    cat.groups["P.1"] = Group("P.1", "Thema", kind="topic", parent="P")
    for req in requirements:
        cat.requirements[req.id] = req
    return cat


def req(ident: str, uuid: str | None, title: str = "Titel", **fields) -> Requirement:
    fields.setdefault("statement", f"{title} MUSS umgesetzt werden.")
    fields.setdefault("modal_verb", "MUSS")
    return Requirement(ident, title, level="normal-SdT", group="P.1", uuid=uuid, **fields)


def test_diff_classifies_a_synthetic_renumbering():
    old = synthetic([
        req("P.1.1", "u1", "Bleibt", relations=(Relation("related", "P.1.3"),)),
        req("P.1.2", "u2", "Fällt weg"),
        req("P.1.3", "u3", "Rückt auf"),
        req("P.1.4", "u4", "Rückt auf und ändert sich"),
        req("P.1.5", None, "Ohne UUID"),
        req("P.1.6", "u6", "Stufe", effort=1),
    ], "1")
    new = synthetic([
        # the relation now names the renumbered id: no change
        req("P.1.1", "u1", "Bleibt", relations=(Relation("related", "P.1.2"),)),
        req("P.1.2", "u3", "Rückt auf"),
        req("P.1.3", "u4", "Rückt auf und ändert sich", statement="Neuer Text.", modal_verb="SOLLTE"),
        req("P.1.5", None, "Ohne UUID, umbenannt"),
        req("P.1.6", "u6", "Stufe", effort=3),
        req("P.1.7", "u7", "Neu"),
    ], "2")
    result = diff_catalogs(old, new)
    assert result.counts() == {
        "added": 1, "removed": 1, "changed": 2, "renumbered": 1, "renumbered_changed": 1, "unchanged": 1,
    }
    assert [(e.old_id, e.new_id) for e in result.renumbered] == [("P.1.3", "P.1.2")]
    moved = result.renumbered_changed[0]
    assert (moved.old_id, moved.new_id, moved.fields) == ("P.1.4", "P.1.3", ["statement", "modal_verb"])
    assert {e.new_id: e.fields for e in result.changed} == {"P.1.5": ["title", "statement"], "P.1.6": ["effort"]}
    assert [e.old_id for e in result.removed] == ["P.1.2"] and result.removed[0].uuid == "u2"
    assert [e.new_id for e in result.added] == ["P.1.7"]
    assert result.to_dict()["renumbered_changed"][0]["changes"]["modal_verb"] == {"old": "MUSS", "new": "SOLLTE"}


def test_diff_without_uuids_pairs_by_id():
    old = synthetic([req("A.1", None, "Eins"), req("A.2", None, "Zwei")], "1")
    new = synthetic([req("A.2", None, "Zwei"), req("A.3", None, "Drei")], "2")
    result = diff_catalogs(old, new)
    assert result.counts() == {
        "added": 1, "removed": 1, "changed": 0, "renumbered": 0, "renumbered_changed": 0, "unchanged": 1,
    }


def test_files_work_without_a_workspace(tmp_path, run_cli):
    empty = tmp_path / "leer"
    empty.mkdir()
    gspp = upstream_file(GSPP)
    found = run_cli("catalog", "search", "Staging", "--catalog", gspp, "--format", "json", cwd=empty)
    assert found.exit_code == 0
    assert "TEST.4.1.2" in [r["id"] for r in json.loads(found.output)["results"]]
    shown = run_cli("catalog", "show", "TEST.4.1.2", "--catalog", gspp, cwd=empty)
    assert shown.exit_code == 0 and "Staging" in shown.output
    compared = run_cli("catalog", "diff", upstream_file(BETA), gspp, cwd=empty)
    assert compared.exit_code == 0 and "Umnummeriert" in compared.output
    broken = tmp_path / "kaputt.json"
    broken.write_text('{"catalog": [', encoding="utf-8")
    failed = run_cli("catalog", "diff", broken, gspp, cwd=empty)
    assert failed.exit_code == 3 and "kaputt.json" in failed.stderr


def test_catalog_arguments_are_named_in_german(run_cli, tmp_path):
    for args, name in ((("catalog", "import"), "'DATEI'"), (("catalog", "diff"), "'ALT'")):
        result = run_cli(*args, cwd=tmp_path)
        assert result.exit_code == 2
        assert name in result.stderr and "SOURCE" not in result.stderr and "'OLD'" not in result.stderr


def _profile(tmp_path: Path, name: str, imports: list, **extra) -> Path:
    path = tmp_path / name
    body = {"uuid": "5f0a3f0e-8d55-4a39-9d3c-1f2b3c4d5e6f", "metadata": json.loads("{" + _META + "}")["metadata"],
            "imports": imports, **extra}
    path.write_text(json.dumps({"profile": body}), encoding="utf-8")
    return path


@pytest.mark.parametrize("imports, extra, place, message", [
    ([{"href": "klein.json", "include-controls": [{"with-ids": 5}]}], {},
     "profil.json, /profile/imports/0/include-controls/0/with-ids", "„with-ids“ muss eine Liste sein"),
    ([{"href": "klein.json", "include-controls": [5]}], {},
     "profil.json, /profile/imports/0/include-controls/0", "Eintrag muss ein Objekt sein"),
    ([{"href": "klein.json", "include-all": {}}], {"merge": [1]}, "profil.json, /profile/merge",
     "„merge“ muss ein Objekt sein"),
    ([{"href": "#r", "include-all": {}}], {"back-matter": {"resources": [{"uuid": "r", "rlinks": "klein.json"}]}},
     "profil.json, /profile/back-matter/resources/0/rlinks", "„rlinks“ muss eine Liste sein"),
    ([{"href": "kaputt.json", "include-all": {}}], {}, "kaputt.json, /catalog/groups/0/controls",
     "kein gültiger OSCAL-Katalog: „controls“ muss eine Liste sein"),
    ([{"href": "profil.json", "include-all": {}}], {}, "profil.json",
     "Profile importieren einander im Kreis (profil.json → profil.json)"),
], ids=["with-ids-number", "rule-number", "merge-list", "rlinks-text", "imported-catalog", "imports-itself"])
def test_a_profile_of_the_wrong_shape_is_refused_with_its_place(tmp_path, run_cli, imports, extra, place, message):
    """Before: exit 70 (TypeError: 'int' object is not iterable) or 'zu tief (mehr als 5 Ebenen)' for a circle."""
    ws = make_workspace(tmp_path / "ws")
    before = (ws / "ikz-isms.yaml").read_bytes()
    (tmp_path / "klein.json").write_text(json.dumps(small_catalog("Test")), encoding="utf-8")
    broken = small_catalog("Test")
    broken["catalog"]["groups"][0]["controls"] = "T.1"
    (tmp_path / "kaputt.json").write_text(json.dumps(broken), encoding="utf-8")
    source = _profile(tmp_path, "profil.json", imports, **extra)
    result = run_cli("--workspace", ws, "catalog", "import", source)
    assert result.exit_code == 3, result.output + result.stderr
    assert place in result.stderr and message in result.stderr, result.stderr
    assert (ws / "ikz-isms.yaml").read_bytes() == before and not (ws / "catalogs").exists()


def test_profiles_importing_each_other_name_the_circle(tmp_path, run_cli):
    ws = make_workspace(tmp_path / "ws")
    _profile(tmp_path, "b.json", [{"href": "a.json", "include-all": {}}])
    source = _profile(tmp_path, "a.json", [{"href": "b.json", "include-all": {}}])
    result = run_cli("--workspace", ws, "catalog", "import", source)
    assert result.exit_code == 3 and "im Kreis (a.json → b.json → a.json)" in result.stderr, result.stderr
