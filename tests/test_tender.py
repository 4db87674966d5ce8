"""``ikz-isms tender``: projects from templates, estimate, packs (PDF, YAML, OCDS), checks and proposals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ikz_isms.errors import ExitCode

COUNTIES = "bernkastel-wittlich,eifelkreis-bitburg-pruem,cochem-zell,vulkaneifel"


def _new(run_cli, ws, *extra):
    return run_cli("tender", "new", "endpunkt-ueberwachung", "--counties", COUNTIES, "--notice-date", "2026-03-01",
                   "--date", "2026-11-24", "--name", "mdr", *extra, cwd=ws)


@pytest.fixture(scope="module")
def prepared_mdr(tmp_path_factory):
    """The example workspace after ``_new(run_cli, ws, "--need", "eifelkreis-bitburg-pruem:ueberwachung=650")``,
    made once per module."""
    from tests.support import copy_example_workspace, isolated_cli

    base = tmp_path_factory.mktemp("mdr")
    ws = copy_example_workspace(base / "ws")
    with isolated_cli(base / "home") as run_cli:
        made = _new(run_cli, ws, "--need", "eifelkreis-bitburg-pruem:ueberwachung=650")
    assert made.exit_code == 0, made.stderr
    return ws


@pytest.fixture
def mdr_project(example_workspace, prepared_mdr):
    """This test's example workspace with project mdr as ``_new(…, "--need", "eifelkreis-bitburg-pruem:
    ueberwachung=650")`` makes it (a copy of ``prepared_mdr``)."""
    import shutil

    from tests.support import copy_prepared

    shutil.rmtree(example_workspace)
    return copy_prepared(prepared_mdr, example_workspace)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    # table cells wrap: compare with whitespace collapsed
    return " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())


def test_list_shows_the_three_shared_templates(example_workspace, run_cli):
    result = run_cli("tender", "list", "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    templates = {t["id"]: t for t in json.loads(result.output)["templates"]}
    assert set(templates) == {"endpunkt-ueberwachung", "vob-vergabeberatung", "lizenz-je-beschaeftigte"}
    assert templates["lizenz-je-beschaeftigte"]["contract_terms"] == "EVB-IT Überlassung Typ B"


def test_new_takes_each_countys_need_from_its_profile(example_workspace, run_cli):
    result = _new(run_cli, example_workspace)
    assert result.exit_code == 0, result.stderr
    assert "Vergabe 'mdr' angelegt" in result.output
    assert "Beschäftigte nicht im Landkreisprofil" in result.output  # Eifelkreis has no employee figure
    import yaml

    project = yaml.safe_load((example_workspace / "vergaben" / "mdr" / "vergabe.yaml").read_text(encoding="utf-8"))
    assert list(project["counties"]) == COUNTIES.split(",")
    assert project["needs"]["vulkaneifel"]["ueberwachung"]["quantity"] == "406"  # 312 × 1,3 rounded up
    assert project["needs"]["eifelkreis-bitburg-pruem"]["ueberwachung"]["quantity"] is None
    assert list(project["options"]) == ["verlaengerung", "mehrmenge"]
    again = _new(run_cli, example_workspace)
    assert again.exit_code == 4 and "gibt es schon" in again.stderr


def test_new_rejects_unknown_counties_options_and_terms(example_workspace, run_cli):
    assert _new(run_cli, example_workspace, "--counties", "atlantis").exit_code == 2
    bad_option = _new(run_cli, example_workspace, "--options", "gold")
    assert bad_option.exit_code == 2 and "unbekannte Option" in bad_option.stderr
    assert _new(run_cli, example_workspace, "--term", "vier Jahre").exit_code == 2
    missing = run_cli("tender", "new", "gibt-es-nicht", "--counties", "vulkaneifel", cwd=example_workspace)
    assert missing.exit_code == 3 and "Vorlage 'gibt-es-nicht' nicht gefunden" in missing.stderr
    assert not (example_workspace / "vergaben" / "mdr").exists()


def test_estimate_shows_sum_parts_and_reasoning(example_workspace, mdr_project, run_cli):
    text = run_cli("tender", "estimate", cwd=example_workspace)
    assert text.exit_code == 0, text.stderr
    for expected in ("Gesamt", "723.785,60 €", "§3 Abs. 4 VgV", "EU-weite Vergabe nach VgV", "Offenes Verfahren",
                     "Delegierte Verordnung (EU) 2025/2152"):
        assert expected in text.output
    data = json.loads(run_cli("tender", "estimate", "mdr", "--format", "json", cwd=example_workspace).output)
    assert data["total"] == "723785.60" and data["eu"] is True and data["complete"] is True
    assert data["threshold"]["amount"] == "216000"
    assert sum(float(v) for v in data["by_county"].values()) == pytest.approx(723785.60)
    assert data["term_months_including_options"] == 48


def test_pack_writes_german_pdfs_yaml_and_valid_ocds_with_identical_bytes(example_workspace, mdr_project, run_cli,
                                                                           tmp_path):
    from tests.support import upstream_file

    first = run_cli("tender", "pack", "--output", str(tmp_path / "a"), cwd=example_workspace)
    assert first.exit_code == 0, first.stderr
    second = run_cli("tender", "pack", "mdr", "--output", str(tmp_path / "b"), cwd=example_workspace)
    assert second.exit_code == 0, second.stderr
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["ocds-mdr.json", "vergabe-mdr.yaml", "vergabeunterlagen-mdr.pdf", "vergabevermerk-mdr.pdf"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name

    documents = _pdf_text(tmp_path / "a" / "vergabeunterlagen-mdr.pdf")
    for expected in ("Aufforderung zur Angebotsabgabe", "Bewerbungsbedingungen", "Zuschlagskriterien",
                     "erweiterte Richtwertmethode", "Leistungsbeschreibung", "Anlage Sicherheitsanforderungen",
                     "DER.1.A5", "Vorhandene Erkennungsfunktionen nutzen", "Preisblatt", "Vertragsbedingungen",
                     "EVB-IT Service", "Eigenerklärung", "Referenzen", "überwacht 2.384 Endpunkte",
                     "Eifelkreis Bitburg-Prüm"):
        assert expected in documents, expected
    assert "723.785,60" not in documents  # bidders never see the estimate
    assert "{{" not in documents
    record = _pdf_text(tmp_path / "a" / "vergabevermerk-mdr.pdf")
    for expected in ("Vergabevermerk", "Geschätzter Auftragswert", "723.785,60 €", "EU-Schwellenwert",
                     "Offenes Verfahren", "VS – NUR FÜR DEN DIENSTGEBRAUCH"):
        assert expected in record, expected

    resolved = (tmp_path / "a" / "vergabe-mdr.yaml").read_text(encoding="utf-8")
    assert "sicherheitsanforderungen:" in resolved and "DER.1.A5" in resolved

    schema = json.loads(upstream_file("schemas/ocds/1.1.5/release-schema.json").read_text(encoding="utf-8"))
    from jsonschema import Draft4Validator

    package = json.loads((tmp_path / "a" / "ocds-mdr.json").read_text(encoding="utf-8"))
    release = package["releases"][0]
    assert not [e.message for e in Draft4Validator(schema).iter_errors(release)]
    assert release["tag"] == ["planning", "tender"]
    assert [p["id"] for p in release["parties"] if "buyer" in p["roles"]] == COUNTIES.split(",")
    assert release["tender"]["techniques"]["hasFrameworkAgreement"] is True
    assert release["tender"]["value"] == {"amount": 723785.6, "currency": "EUR"}
    assert [lot["id"] for lot in release["tender"]["lots"]] == ["ueberwachung", "vorfallbehandlung", "einrichtung"]


def test_pack_default_folder_is_replaced_as_a_whole(example_workspace, mdr_project, run_cli):
    target = example_workspace / "vergaben" / "mdr" / "unterlagen"
    assert run_cli("tender", "pack", cwd=example_workspace).exit_code == 0
    (target / "fremd.txt").write_text("alt", encoding="utf-8")
    assert run_cli("tender", "pack", cwd=example_workspace).exit_code == 0
    assert not (target / "fremd.txt").exists()
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".unterlagen")] == []


def test_pack_is_refused_while_the_estimate_is_incomplete_and_writes_nothing(example_workspace, run_cli, tmp_path):
    _new(run_cli, example_workspace)
    result = run_cli("tender", "pack", "--output", str(tmp_path / "out"), cwd=example_workspace)
    assert result.exit_code == 4
    assert "tender.estimate-incomplete" in result.stderr and "Eifelkreis Bitburg-Prüm" in result.stderr
    assert not (tmp_path / "out").exists()


def test_pack_into_an_unwritable_folder_is_an_output_error(example_workspace, mdr_project, run_cli, tmp_path):
    (tmp_path / "datei").write_text("x", encoding="utf-8")
    result = run_cli("tender", "pack", "--output", str(tmp_path / "datei" / "unterlagen"), cwd=example_workspace)
    assert result.exit_code == ExitCode.OUTPUT, result.stderr
    assert "nicht schreibbar" in result.stderr and "datei" in result.stderr and "Interner Fehler" not in result.stderr


def test_pack_never_replaces_a_link_or_a_file(example_workspace, mdr_project, run_cli, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    result = run_cli("tender", "pack", "--output", str(tmp_path / "link"), cwd=example_workspace)
    assert result.exit_code == ExitCode.OUTPUT, result.stderr
    assert str(tmp_path / "link") in result.stderr and "Verknüpfung" in result.stderr
    assert (tmp_path / "link").is_symlink() and list((tmp_path / "elsewhere").iterdir()) == []
    (tmp_path / "datei").write_text("x", encoding="utf-8")
    result = run_cli("tender", "pack", "--output", str(tmp_path / "datei"), cwd=example_workspace)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert (tmp_path / "datei").read_text(encoding="utf-8") == "x"


def test_a_failed_pack_write_is_an_output_error_and_leaves_every_file_whole(tmp_path):
    from ikz_isms.app.tenders import write_pack
    from ikz_isms.errors import OutputError
    from ikz_isms.store import Store

    store = Store(None)
    target = tmp_path / "pack"
    write_pack(store, {"a.txt": b"alt", "alt.txt": b"weg"}, target)
    with pytest.raises(OutputError) as failed:
        # the second file cannot be written: its folder would be the first file
        write_pack(store, {"a.txt": b"neu", "a.txt/b.txt": b"x"}, target)
    assert failed.value.path == str(target)
    # the pack is replaced as a whole or not at all: the old one is untouched
    assert (target / "a.txt").read_bytes() == b"alt"
    assert (target / "alt.txt").read_bytes() == b"weg"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"], "no staging folder is left"
    write_pack(store, {"a.txt": b"neu"}, target)
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"] and (target / "a.txt").read_bytes() == b"neu"


def _check(run_cli, ws):
    result = run_cli("check", "--format", "json", cwd=ws)
    return result, [f for f in json.loads(result.output)["findings"] if f["rule"].startswith("tender.")]


def test_shipped_templates_pass_check(example_workspace, run_cli):
    result, findings = _check(run_cli, example_workspace)
    assert findings == []


BAD_TEMPLATE = """\
id: kaputt
title: Kaputte Vorlage
contract_type: services
framework: true
lots:
  - id: los
    title: Los
    unit: Stunde
    quantity: {source: explicit, default: 10}
    unit_price: "100"
    price_period: year
term: {months: 24}
security_requirements:
  - id: DER.1.A5
  - id: DER.99.A1
sections:
  - title: Gegenstand
    text: "Leistung für {{ unbekannt }} und {{ __import__('os').system('x') }}"
eligibility:
  - {area: Zuverlässigkeit, criterion: keine Ausschlussgründe, evidence: Eigenerklärung}
award:
  method: einfache Richtwertmethode
  criteria:
    - {name: Preis, weight: 60}
    - {name: Qualität, weight: 30}
contract_terms: {type: VOL/B}
"""


def test_bad_template_gives_findings_with_file_and_line(example_workspace, run_cli):
    path = example_workspace / "catalogs" / "vorlagen" / "kaputt.yaml"
    path.write_text(BAD_TEMPLATE, encoding="utf-8")
    result, findings = _check(run_cli, example_workspace)
    assert result.exit_code == 1
    by_rule = {}
    for finding in findings:
        assert finding["file"] == "catalogs/vorlagen/kaputt.yaml"
        by_rule.setdefault(finding["rule"], []).append(finding)
    placeholders = by_rule["tender.template-invalid"]
    assert any("'unbekannt' ist nicht erklärt" in f["message"] and f["location"].startswith("Zeile 18")
               for f in placeholders)
    assert any("nur einfache Platzhalter" in f["message"] for f in placeholders)


def test_weights_and_unknown_requirements_are_findings_with_line(example_workspace, run_cli):
    path = example_workspace / "catalogs" / "vorlagen" / "kaputt.yaml"
    path.write_text(BAD_TEMPLATE.replace("{{ unbekannt }} und {{ __import__('os').system('x') }}", "alle"),
                    encoding="utf-8")
    result, findings = _check(run_cli, example_workspace)
    rules = {f["rule"]: f for f in findings}
    assert "ergeben 90 %" in rules["tender.award-weights"]["message"]
    assert rules["tender.award-weights"]["location"].startswith("Zeile 23")  # criteria:
    unknown = rules["tender.security-requirements"]
    assert "DER.99.A1" in unknown["message"] and unknown["location"].startswith("Zeile 15")


@pytest.mark.parametrize(
    "text, message, line",
    [
        (BAD_TEMPLATE.replace("price_period: year", "price_period: weekly"), "nicht erlaubt", "Zeile 11"),
        (BAD_TEMPLATE.replace("contract_type: services\n", ""), "Pflichtfeld 'contract_type' fehlt", "Zeile 1"),
        (BAD_TEMPLATE.replace("term: {months: 24}", "term: {months: 24"), "ungültiges YAML", "Zeile"),
    ],
)
def test_schema_and_syntax_errors_in_templates_name_the_place(example_workspace, run_cli, text, message, line):
    (example_workspace / "catalogs" / "vorlagen" / "kaputt.yaml").write_text(text, encoding="utf-8")
    result, findings = _check(run_cli, example_workspace)
    invalid = [f for f in findings if f["rule"] == "tender.template-invalid"]
    assert invalid and message in invalid[0]["message"] and invalid[0]["location"].startswith(line)
    listing = run_cli("tender", "new", "kaputt", "--counties", "vulkaneifel", cwd=example_workspace)
    assert listing.exit_code == 3 and "kaputt.yaml" in listing.stderr


def test_project_rules_named_counties_and_term(example_workspace, run_cli):
    _new(run_cli, example_workspace, "--need", "eifelkreis-bitburg-pruem:ueberwachung=650", "--term", "60")
    path = example_workspace / "vergaben" / "mdr" / "vergabe.yaml"
    text = path.read_text(encoding="utf-8").replace("  - vulkaneifel\n", "", 1)
    path.write_text(text, encoding="utf-8")
    result, findings = _check(run_cli, example_workspace)
    rules = {f["rule"] for f in findings}
    assert {"tender.counties-named", "tender.term-too-long"} <= rules
    named = next(f for f in findings if f["rule"] == "tender.counties-named" and f["severity"] == "error")
    assert "Vulkaneifel hat Bedarf, ist aber nicht unter 'counties'" in named["message"]
    assert named["file"] == "vergaben/mdr/vergabe.yaml" and named["location"].startswith("Zeile")
    term = next(f for f in findings if f["rule"] == "tender.term-too-long")
    assert "84 Monate, zulässig 48" in term["message"]
    path.write_text(text + "long_term_reason: Amortisation der Einrichtung über sieben Jahre\n", encoding="utf-8")
    _, findings = _check(run_cli, example_workspace)
    assert "tender.term-too-long" not in {f["rule"] for f in findings}


def _opportunities(run_cli, ws, command="tender", day="2026-03-01"):
    result = run_cli(command, "opportunities", "--date", day, "--format", "json", cwd=ws)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def test_opportunities_propose_templates_for_shared_gaps_of_disclosing_counties(example_workspace, run_cli):
    data = _opportunities(run_cli, example_workspace)
    found = {o["category"]: o for o in data["opportunities"]}
    licences = found["mfa-passwortverwaltung"]["gaps"]
    assert licences["template"] == "lizenz-je-beschaeftigte"
    # Only counties with disclosure "full" show which requirement is open where; the two
    # "aggregate" counties are left out of the gap table and named in a note instead.
    assert set(licences["gaps"]["ORP.4.A22"]) == {"bernkastel-wittlich", "vulkaneifel"}
    every_named = {county for o in data["opportunities"] if o["gaps"]
                   for counties in o["gaps"]["gaps"].values() for county in counties}
    every_named |= {county for c in data["covered"] for county in c["counties"] if c["source"] == "luecken"}
    assert every_named <= {"bernkastel-wittlich", "vulkaneifel"}
    assert any("Cochem-Zell" in n and "Eifelkreis Bitburg-Prüm" in n and "aggregate" in n for n in data["notes"])
    assert licences["counties_to_name"] == COUNTIES.split(",")
    assert licences["estimate"]["threshold"]["amount"] == "216000"
    assert all(len(counties) >= 2 for counties in licences["gaps"].values())
    text = run_cli("tender", "opportunities", "--date", "2026-03-01", cwd=example_workspace)
    assert "Vorschlag: gemeinsame Ausschreibung" in text.output and "Zu benennen:" in text.output


def test_a_running_framework_covers_the_gap_instead_of_a_new_tender(example_workspace, run_cli):
    data = _opportunities(run_cli, example_workspace)
    # the monitoring gaps (OPS.1.1.4) are what rv-endpoint-monitoring delivers, running until 30.06.2027
    assert "endpoint-monitoring" not in {o["category"] for o in data["opportunities"]}
    covered = next(c for c in data["covered"] if c["category"] == "endpoint-monitoring")
    assert covered["framework"] == "rv-endpoint-monitoring" and covered["until"] == "2027-06-30"
    assert covered["not_named"] == []
    text = run_cli("tender", "opportunities", "--date", "2026-03-01", cwd=example_workspace).output
    assert "Abgedeckt: endpoint-monitoring durch die laufende Rahmenvereinbarung rv-endpoint-monitoring" in text
    # a county with the gap that the framework did not name cannot call off: said so
    path = example_workspace / "catalogs" / "vertraege" / "rv-endpoint-monitoring.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - vulkaneifel\n", "", 1), encoding="utf-8")
    covered = next(c for c in _opportunities(run_cli, example_workspace)["covered"]
                   if c["category"] == "endpoint-monitoring")
    assert covered["not_named"] == ["vulkaneifel"]
    # after the framework's end the gap is a proposal again
    later = _opportunities(run_cli, example_workspace, day="2027-07-01")
    assert "endpoint-monitoring" in {o["category"] for o in later["opportunities"]}


def test_a_started_tender_project_is_not_proposed_again(example_workspace, run_cli):
    created = run_cli("tender", "new", "lizenz-je-beschaeftigte", "--counties", COUNTIES, "--notice-date",
                      "2026-06-01", "--name", "mfa-2026", cwd=example_workspace)
    assert created.exit_code == 0, created.stderr
    data = _opportunities(run_cli, example_workspace)
    assert "mfa-passwortverwaltung" not in {o["category"] for o in data["opportunities"]}
    started = next(s for s in data["started"] if s["category"] == "mfa-passwortverwaltung")
    assert started["project"] == "mfa-2026" and started["template"] == "lizenz-je-beschaeftigte"
    text = run_cli("contracts", "opportunities", "--date", "2026-03-01", cwd=example_workspace).output
    assert "Begonnen: mfa-passwortverwaltung – Vergabeprojekt mfa-2026" in text


@pytest.mark.parametrize("day", ["2026-03-01", "2026-11-24", "2027-07-01"])
def test_both_opportunity_commands_give_one_list(example_workspace, run_cli, day):
    contracts = run_cli("contracts", "opportunities", "--date", day, "--format", "json", cwd=example_workspace)
    tenders = run_cli("tender", "opportunities", "--date", day, "--format", "json", cwd=example_workspace)
    assert contracts.exit_code == tenders.exit_code == 0
    assert json.loads(contracts.output) == json.loads(tenders.output)
    found = json.loads(contracts.output)
    # separate contracts (Ein-Produkt) and shared gaps are in the same list
    assert {"vertraege", "luecken"} <= {source for o in found["opportunities"] for source in o["sources"]}
    text_a = run_cli("contracts", "opportunities", "--date", day, cwd=example_workspace).output
    text_b = run_cli("tender", "opportunities", "--date", day, cwd=example_workspace).output
    assert text_a == text_b


def test_placeholders_are_substituted_never_evaluated():
    from ikz_isms.tender.templates import render

    assert render("{{ a }} und {{a}}", {"a": "X"}) == "X und X"
    assert render("{{ a.__class__ }}", {"a": "X"}) == "{{ a.__class__ }}"


# -- numbers in tender files -------------------------------------------------------------------


@pytest.mark.parametrize("need", ["1e308", "-5", "12.345", "1000000000000", "viel"])
def test_an_implausible_need_at_new_is_refused_and_nothing_is_written(example_workspace, run_cli, need):
    result = _new(run_cli, example_workspace, "--need", f"vulkaneifel:ueberwachung={need}")
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert "--need" in result.stderr and "Interner Fehler" not in result.stderr
    assert not (example_workspace / "vergaben").exists()


@pytest.mark.parametrize("quantity, message", [('"1e308"', "keine Zahl"), ('"-3"', "nicht negativ"),
                                                ("1000000000000", "kleiner als 10^12"), ('"7.125"', "Nachkommastellen")])
def test_an_implausible_need_in_vergabe_yaml_is_refused_with_its_place(example_workspace, mdr_project, run_cli,
                                                                       tmp_path, quantity, message):
    from tests.support import snapshot_tree

    path = example_workspace / "vergaben" / "mdr" / "vergabe.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("quantity: '406'") == 1
    path.write_text(text.replace("quantity: '406'", f"quantity: {quantity}"), encoding="utf-8")
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if f"quantity: {quantity}" in text)
    before = snapshot_tree(example_workspace)
    for args in (("tender", "estimate", "mdr"), ("tender", "pack", "mdr"), ("tender", "list"),
                 ("tender", "pack", "mdr", "--output", str(tmp_path / "out"))):
        result = run_cli(*args, cwd=example_workspace)
        assert result.exit_code == ExitCode.INPUT, (args, result.stderr)
        assert f"vergabe.yaml, Zeile {line}" in result.stderr and message in result.stderr, result.stderr
    assert snapshot_tree(example_workspace) == before and not (tmp_path / "out").exists()
    _, findings = _check(run_cli, example_workspace)
    invalid = [f for f in findings if f["rule"] == "tender.project-invalid"]
    assert invalid and invalid[0]["file"] == "vergaben/mdr/vergabe.yaml"
    assert invalid[0]["location"].startswith(f"Zeile {line}") and message in invalid[0]["message"]


@pytest.mark.parametrize("old, new, message", [
    ('unit_price: "100"', 'unit_price: "-100"', "Stückpreis: -100 muss größer als 0 sein"),
    ('unit_price: "100"', 'unit_price: "1e308"', "Stückpreis: '1e308' ist keine Zahl"),
    ("default: 10}", "default: 1.0e+308}", "kleiner als 10^15"),
    ("weight: 60}", "weight: 160}", "Gewicht: 160 ist zu groß"),
])
def test_implausible_numbers_in_a_template_are_findings_and_refuse_the_template(example_workspace, run_cli,
                                                                                old, new, message):
    text = BAD_TEMPLATE.replace("{{ unbekannt }} und {{ __import__('os').system('x') }}", "alle")
    assert text.count(old) == 1
    (example_workspace / "catalogs" / "vorlagen" / "kaputt.yaml").write_text(text.replace(old, new), encoding="utf-8")
    _, findings = _check(run_cli, example_workspace)
    invalid = [f for f in findings if f["rule"] == "tender.template-invalid"]
    assert invalid and message in invalid[0]["message"] and invalid[0]["location"].startswith("Zeile ")
    result = run_cli("tender", "new", "kaputt", "--counties", "vulkaneifel", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT and "kaputt.yaml, Zeile" in result.stderr and message in result.stderr
    assert not (example_workspace / "vergaben").exists()


def test_a_section_text_of_many_pages_reaches_the_tender_documents_whole(example_workspace, run_cli, tmp_path):
    """A template's section text has no length limit in its schema; one of 150 kB made the pack
    take many seconds (reportlab broke the paragraph's lines anew for every page it spanned):
    long texts are now laid out as consecutive paragraphs. Every sentence reaches the PDF."""
    template = example_workspace / "catalogs" / "vorlagen" / "endpunkt-ueberwachung.yaml"
    lines = template.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "text: >-")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    sentences = [f"Satz {n} des langen Leistungstexts ist vollständig." for n in range(3000)]
    lines[start:end] = [" " * indent + 'text: "' + " ".join(sentences) + '"']
    template.write_text("\n".join(lines), encoding="utf-8")
    assert _new(run_cli, example_workspace, "--need", "eifelkreis-bitburg-pruem:ueberwachung=650").exit_code == 0
    result = run_cli("tender", "pack", "mdr", "--output", tmp_path / "pack", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    text = _pdf_text(tmp_path / "pack" / "vergabeunterlagen-mdr.pdf")
    assert all(sentence in text for sentence in (sentences[0], sentences[1500], sentences[-1]))
    # (page heads and feet interleave with the text where it crosses a page)
    import re

    text = re.sub(r" OFFEN – Vergabeunterlagen zur Bekanntmachung OFFEN – Vergabeunterlagen zur Bekanntmachung "
                  r"Vergabeunterlagen mdr Erstellt am [0-9.]+ Seite \d+ von \d+", "", text)
    assert {int(n) for n in re.findall(r"Satz (\d+) des", text)} == set(range(len(sentences)))
