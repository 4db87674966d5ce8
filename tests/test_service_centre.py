"""``ikz-isms service-centre``: the shared service centre of the domain notes — plan, base fees, actual hours,
settlement with advances, statements — golden to the cent, and bad input refused with its place."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from ikz_isms.errors import ExitCode

D = Decimal
CENTRE = "vergabestelle"


def centre_dir(ws: Path) -> Path:
    return ws / "catalogs" / "zentren" / CENTRE


def pdf_text(path: Path) -> str:
    """The text of a PDF as a reader sees it: pdftotext where installed (poppler-utils), else pypdf."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def plan_json(run_cli, ws, year="2025"):
    result = run_cli("service-centre", "plan", CENTRE, "--year", year, "--format", "json", cwd=ws)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


# -- the plan: the domain notes' figures -----------------------------------------------------


def test_plan_reproduces_the_procurement_centre_of_the_domain_notes(example_workspace, run_cli):
    data = plan_json(run_cli, example_workspace)
    totals = data["totals"]
    # 1,815 planned hours for 18 members → €1,140k planned contributions, €286k base fees
    assert totals["members"] == 18 and totals["hours"] == "1815"
    assert totals["contributions"] == "1140000.00"
    assert totals["base_fees"] == "286200.00"
    assert round(D(totals["contributions"]) / 1000) == 1140 and round(D(totals["base_fees"]) / 1000) == 286
    members = {m["member"]: m for m in data["members"]}
    # each base fee is at least 25 % of the member's planned contribution …
    assert all(D(m["base_fee"]) >= D(m["contribution"]) * D("0.25") for m in members.values())
    # … and at least the minimum of 6,000 €: the small Zweckverband (30 h × 640 €) pays 6,000, not 4,800
    small = members["zv-abwasser-erlenbach"]
    assert small["contribution"] == "19200.00" and small["base_fee"] == "6000.00"
    county = members["kreis-eifelland"]
    assert [(line["service"], line["hours"], line["amount"]) for line in county["lines"]] == [
        ("vob", "182", "116480.00"), ("uvgo", "95", "58425.00"), ("beratung", "28", "16240.00")]
    assert county["contribution"] == "191145.00" and county["base_fee"] == "47786.25"


def test_advances_add_up_to_the_planned_contribution_to_the_cent(example_workspace, run_cli, tmp_path):
    path = centre_dir(example_workspace) / "zentrum.yaml"
    # three instalments of 19,200.00 € do not divide evenly: 6,400.00 each, but 100.01 € would not
    text = path.read_text(encoding="utf-8").replace('due: ["02-15", "05-15", "08-15", "11-15"]',
                                                    'due: ["03-01", "07-01", "11-01"]')
    path.write_text(text.replace("      zv-abwasser-erlenbach: {vob: 30}", "      zv-abwasser-erlenbach: {vob: 30.05}", 1),
                    encoding="utf-8")
    data = plan_json(run_cli, example_workspace)
    for member in data["members"]:
        assert sum(D(a["amount"]) for a in member["advances"]) == D(member["gross"])
        assert [a["due"] for a in member["advances"]] == ["2025-03-01", "2025-07-01", "2025-11-01"]
    small = next(m for m in data["members"] if m["member"] == "zv-abwasser-erlenbach")
    assert small["contribution"] == "19232.00"  # 30.05 h × 640 €
    assert [a["amount"] for a in small["advances"]] == ["6410.67", "6410.67", "6410.66"]


def test_plan_text_and_csv_are_german(example_workspace, run_cli, tmp_path):
    text = run_cli("service-centre", "plan", CENTRE, "--year", "2025", cwd=example_workspace)
    assert text.exit_code == 0, text.stderr
    for expected in ("Plan 2025", "1.815", "1.140.000,00 €", "286.200,00 €", "25 % des Planbeitrags",
                     "mindestens 6.000,00 €", "15.02.2025"):
        assert expected in text.output, expected
    out = tmp_path / "plan.csv"
    result = run_cli("service-centre", "plan", CENTRE, "--year", "2025", "--format", "csv", "--output", str(out),
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfjahr;mitglied;") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    sums = [r for r in rows if r["kostenstelle"] == "summe"]
    assert len(sums) == 18
    assert sum(D(r["planbeitrag"].replace(",", ".")) for r in sums) == D("1140000.00")
    assert next(r for r in sums if r["mitglied"] == "zv-abwasser-erlenbach")["sockelbetrag"] == "6000,00"


def test_a_year_without_plan_is_an_input_error_naming_the_file(example_workspace, run_cli):
    result = run_cli("service-centre", "plan", CENTRE, "--year", "2031", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "Kein Plan für 2031" in result.stderr and "zentrum.yaml" in result.stderr


# -- the settlement: actual hours against the advances ----------------------------------------


def settle_json(run_cli, ws, *extra):
    result = run_cli("service-centre", "settle", CENTRE, "--year", "2025", "--date", "2026-02-16", "--format", "json",
                     *extra, cwd=ws)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def test_settlement_with_advances_to_the_cent(example_workspace, run_cli):
    data = settle_json(run_cli, example_workspace)
    members = {m["member"]: m for m in data["members"]}
    # more used than planned, one advance (15.11.2025, 9,277.50 €) not paid: a back payment
    ginster = members["vg-ginsterfeld"]
    assert [(line["service"], line["hours"], line["amount"]) for line in ginster["lines"]] == [
        ("vob", "40", "25600.00"), ("uvgo", "14.5", "8917.50"), ("beratung", "5", "2900.00")]
    assert ginster["actual"] == ginster["charge"] == "37417.50"
    assert ginster["advances_paid"] == "27832.50" and ginster["advances_recorded"] is True
    assert ginster["balance"] == "9585.00"
    # far less used than planned: the base fee holds (5,120.00 € + 880.00 € up to 6,000.00 €), the rest is refunded
    small = members["zv-abwasser-erlenbach"]
    assert (small["actual"], small["top_up"], small["charge"]) == ("5120.00", "880.00", "6000.00")
    assert small["advances_paid"] == "19200.00" and small["balance"] == "-13200.00"
    # less used than planned, all four advances paid: a refund
    county = members["kreis-eifelland"]
    assert county["actual"] == "183562.50" and county["balance"] == "-7582.50"
    totals = data["totals"]
    assert totals == {"hours": "1680", "actual": "1054887.50", "top_up": "880.00", "charge": "1055767.50",
                      "vat": "0.00", "gross": "1055767.50", "advances_paid": "1130722.50", "balance": "-74955.00"}
    # nothing is created or lost: the balances are the charges minus the advances, to the cent
    assert sum(D(m["balance"]) for m in data["members"]) == D(totals["gross"]) - D(totals["advances_paid"])


def test_settlement_statements_a_kaemmerei_can_book(example_workspace, run_cli, tmp_path):
    out = tmp_path / "abrechnung"
    data = settle_json(run_cli, example_workspace, "--statements", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 20 and "abrechnung-vergabestelle-2025.csv" in names
    text = pdf_text(out / "abrechnung-vergabestelle-2025-vg-ginsterfeld.pdf")
    collapsed = " ".join(text.split())
    for expected in ("Zentrale Vergabestelle Eifelland AöR", "Am Kreishaus 1", "54999 Eifelstadt",  # issuer
                     "Verbandsgemeindeverwaltung Ginsterfeld", "Ginsterweg 3",                     # recipient
                     "Datum 16.02.2026", "ZVS/vergabestelle/2025/vg-ginsterfeld",                 # date, reference
                     "6.1100.2110.300115.2025",                                                    # Kassenzeichen
                     "Kalenderjahr 2025", "14,50 h × 615,00 €", "37.417,50 €",
                     "abzüglich geleisteter Abschläge", "-27.832,50 €", "Zu zahlen 9.585,00 €",
                     "Fällig am 18.03.2026", "IBAN DE09 1234 5678 0001 2345 67", "BIC GENODEF1XXX",
                     "§2b UStG gilt erst ab 01.01.2027", "VS – NUR FÜR DEN DIENSTGEBRAUCH", "Vorstand"):
        assert expected in collapsed, expected
    refund = " ".join(pdf_text(out / "abrechnung-vergabestelle-2025-zv-abwasser-erlenbach.pdf").split())
    assert "Aufschlag bis zum Sockelbetrag" in refund and "880,00 €" in refund
    assert "Erstattung an Sie 13.200,00 €" in refund
    rows = list(csv.DictReader(io.StringIO((out / "abrechnung-vergabestelle-2025.csv").read_bytes().decode("utf-8-sig"),
                                           newline=""), delimiter=";"))
    assert len(rows) == 18
    row = next(r for r in rows if r["empfaenger_schluessel"] == "vg-ginsterfeld")
    assert (row["kassenzeichen"], row["datum"], row["faellig_am"], row["zahlbetrag"], row["ust_2b"]) == (
        "6.1100.2110.300115.2025", "16.02.2026", "18.03.2026", "9585,00", "nein")
    statements = json.loads((out / "abrechnung-vergabestelle-2025.json").read_text(encoding="utf-8"))
    assert sum(D(s["due"]) for s in statements) == D(data["totals"]["balance"])
    again = tmp_path / "again"
    settle_json(run_cli, example_workspace, "--statements", str(again))
    assert (again / names[0]).read_bytes() == (out / names[0]).read_bytes(), "same input, same bytes"


def test_statement_pdf_embeds_its_font(example_workspace, run_cli, tmp_path):
    from pypdf import PdfReader

    settle_json(run_cli, example_workspace, "--statements", str(tmp_path))
    path = tmp_path / "abrechnung-vergabestelle-2025-kreis-eifelland.pdf"
    fonts = {}
    for page in PdfReader(str(path)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor.get_object()
    assert fonts and all(fonts.values()), fonts
    assert all("DejaVuSans" in name for name in fonts)
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert all(line.split()[-5] == "yes" for line in listing.splitlines()[2:]), listing


def test_vat_from_2027_on_the_charge_and_the_advances(example_workspace, run_cli):
    path = centre_dir(example_workspace) / "zentrum.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index('  "2026":')
    plan_2027 = text[start:].replace('"2026":', '"2027":').replace("adopted: 2025-11-19", "adopted: 2026-11-18")
    path.write_text(text + plan_2027, encoding="utf-8")
    planned = plan_json(run_cli, example_workspace, "2027")
    small = next(m for m in planned["members"] if m["member"] == "zv-abwasser-erlenbach")
    assert small["contribution"] == "19650.00"  # 30 h × 655 €
    assert small["vat"] == "3733.50" and small["gross"] == "23383.50"
    assert sum(D(a["amount"]) for a in small["advances"]) == D("23383.50")
    assert "19 % nach §2b UStG" in planned["vat_note"]
    # no hours recorded in 2027: everyone pays the base fee, with VAT, against the gross advances
    result = run_cli("service-centre", "settle", CENTRE, "--year", "2027", "--date", "2028-01-20", "--format", "json",
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    settled = next(m for m in json.loads(result.output)["members"] if m["member"] == "zv-abwasser-erlenbach")
    assert (settled["actual"], settled["top_up"], settled["charge"]) == ("0.00", "6000.00", "6000.00")
    assert settled["vat"] == "1140.00" and settled["gross"] == "7140.00"
    assert settled["balance"] == str(D("7140.00") - D("23383.50"))


def test_settlement_date_must_follow_the_year_and_should_be_in_the_first_quarter(example_workspace, run_cli):
    early = run_cli("service-centre", "settle", CENTRE, "--year", "2025", "--date", "2025-12-31", cwd=example_workspace)
    assert early.exit_code == ExitCode.USAGE and "erst nach dem Jahresende" in early.stderr
    late = run_cli("service-centre", "settle", CENTRE, "--year", "2025", "--date", "2026-05-04", cwd=example_workspace)
    assert late.exit_code == 0, late.stderr
    assert "vorgesehen ist das erste Quartal (01.01.2026–31.03.2026)" in late.stderr


# -- recording actual hours -------------------------------------------------------------------


def test_hours_add_appends_one_entry_and_keeps_the_file(example_workspace, run_cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")  # 2025-12-06
    path = centre_dir(example_workspace) / "stunden-2025.yaml"
    before = path.read_text(encoding="utf-8")
    result = run_cli("service-centre", "hours", "add", CENTRE, "--member", "vg-ginsterfeld", "--service", "uvgo",
                     "--hours", "2,5", "--date", "2025-12-05", "--description", "Nachforderung Unterlagen",
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert "2,50 h uvgo für vg-ginsterfeld am 05.12.2025 erfasst" in result.output
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n")), "the old text stays as it was, comments included"
    assert "2025-12-05" in after and "Nachforderung Unterlagen" in after and "recorded: 2025-12-06" in after
    data = settle_json(run_cli, example_workspace)
    ginster = next(m for m in data["members"] if m["member"] == "vg-ginsterfeld")
    assert ginster["balance"] == str(D("9585.00") + D("1537.50"))  # 2.5 h × 615 €


def test_hours_add_creates_the_years_file(example_workspace, run_cli):
    result = run_cli("service-centre", "hours", "add", CENTRE, "--member", "stadt-lindenau", "--service", "vob",
                     "--hours", "3", "--date", "2026-01-12", "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    path = centre_dir(example_workspace) / "stunden-2026.yaml"
    assert path.exists() and "year: 2026" in path.read_text(encoding="utf-8")
    listed = run_cli("service-centre", "hours", "list", CENTRE, "--year", "2026", "--format", "json",
                     cwd=example_workspace)
    rows = {(r["member"], r["service"]): r for r in json.loads(listed.output)["hours"]}
    assert rows[("stadt-lindenau", "vob")]["actual"] == "3"


@pytest.mark.parametrize("args, message", [
    (("--member", "atlantis", "--service", "vob", "--hours", "1", "--date", "2025-05-05"), "kein Mitglied"),
    (("--member", "stadt-lindenau", "--service", "kantine", "--hours", "1", "--date", "2025-05-05"),
     "keinen Stundensatz"),
    (("--member", "stadt-lindenau", "--service", "vob", "--hours", "1", "--date", "2030-05-05"),
     "für 2030 gibt es keinen Plan"),
    (("--member", "stadt-lindenau", "--service", "vob", "--hours", "1,125", "--date", "2025-05-05"),
     "Nachkommastellen"),
    (("--member", "stadt-lindenau", "--service", "vob", "--hours", "-2", "--date", "2025-05-05"), "--hours"),
    (("--member", "stadt-lindenau", "--service", "vob", "--hours", "2", "--date", "2025-02-30"), "kein Datum"),
])
def test_bad_hours_are_refused_and_nothing_is_written(example_workspace, run_cli, args, message):
    from tests.support import snapshot_tree

    before = snapshot_tree(example_workspace)
    result = run_cli("service-centre", "hours", "add", CENTRE, *args, cwd=example_workspace)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot_tree(example_workspace) == before


# -- bad files: German message with file and line, exit 3, nothing written ---------------------


BAD_CENTRE = [
    ('  share: "0.25"', '  share: "1.5"', "nicht die erwartete Form"),
    ('  minimum: "6000.00"', '  minimum: "6000.001"', "nicht die erwartete Form"),
    ('rates: {vob: "640.00"', 'rates: {vob: "-640.00"', "nicht die erwartete Form"),
    ("      zv-abwasser-erlenbach: {vob: 30}", "      zv-abwasser-erlenbach: {kantine: 30}", "fehlt der Stundensatz"),
    ("      zv-abwasser-erlenbach: {vob: 30}", "      atlantis: {vob: 30}", "ist nicht unter 'members'"),
    ("  - id: vg-waldbrunnen", "  - id: vg-ginsterfeld", "Mitglied 'vg-ginsterfeld' ist doppelt"),
    ("  iban: DE09 1234 5678 0001 2345 67", "  iban: DE10 1234 5678 0001 2345 67", "Prüfziffer"),
    ('  due: ["02-15", "05-15", "08-15", "11-15"]', '  due: ["02-29"]', "nicht in jedem Jahr"),
    ("    adopted: 2024-11-20", "    adopted: 2024-11-31", "ungültiges Datum"),
]


@pytest.mark.parametrize("old, new, message", BAD_CENTRE, ids=[b[1].strip() for b in BAD_CENTRE])
def test_bad_centre_file_names_file_and_line_and_changes_nothing(example_workspace, run_cli, tmp_path, old, new,
                                                                 message):
    from tests.support import snapshot_tree

    path = centre_dir(example_workspace) / "zentrum.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")  # the first (2025) occurrence
    line = text[:text.index(old)].count("\n") + 1
    before = snapshot_tree(example_workspace)
    for args in (("service-centre", "plan", CENTRE, "--year", "2025"),
                 ("service-centre", "settle", CENTRE, "--year", "2025", "--date", "2026-02-16",
                  "--statements", str(tmp_path / "out")),
                 ("service-centre", "hours", "add", CENTRE, "--member", "stadt-lindenau", "--service", "vob",
                  "--hours", "1", "--date", "2025-06-01")):
        result = run_cli(*args, cwd=example_workspace)
        assert result.exit_code == ExitCode.INPUT, (args, result.stderr)
        assert f"zentrum.yaml, Zeile {line}" in result.stderr, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot_tree(example_workspace) == before and not (tmp_path / "out").exists()
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    found = [f for f in check["findings"] if f["rule"] == "centre.invalid"]
    assert found and found[0]["file"] == "catalogs/zentren/vergabestelle/zentrum.yaml"
    assert found[0]["location"].startswith(f"Zeile {line}")


BAD_HOURS = [
    ("stadt-lindenau, service: uvgo, hours: 17,", "stadt-lindenau, service: uvgo, hours: -17,",
     "muss größer als 0 sein"),
    ("stadt-lindenau, service: uvgo, hours: 17,", "stadt-lindenau, service: uvgo, hours: 1e3,",
     "nicht die erwartete Form"),
    ("{date: 2025-01-06, member: stadt-lindenau", "{date: 2024-12-30, member: stadt-lindenau", "nicht im Jahr 2025"),
    ("{date: 2025-01-06, member: stadt-lindenau", "{date: 2025-01-06, member: atlantis", "gibt es im Dienstleistungszentrum nicht"),
    ('  vg-ginsterfeld: "27832.50"', '  vg-ginsterfeld: "27.832,50"', "nicht die erwartete Form"),
]


@pytest.mark.parametrize("old, new, message", BAD_HOURS, ids=[b[1].strip() for b in BAD_HOURS])
def test_bad_hours_file_names_file_and_line_and_changes_nothing(example_workspace, run_cli, tmp_path, old, new,
                                                                message):
    from tests.support import snapshot_tree

    path = centre_dir(example_workspace) / "stunden-2025.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    before = snapshot_tree(example_workspace)
    for args in (("service-centre", "settle", CENTRE, "--year", "2025", "--date", "2026-02-16",
                  "--statements", str(tmp_path / "out")),
                 ("service-centre", "hours", "add", CENTRE, "--member", "stadt-lindenau", "--service", "vob",
                  "--hours", "1", "--date", "2025-06-01")):
        result = run_cli(*args, cwd=example_workspace)
        assert result.exit_code == ExitCode.INPUT, (args, result.stderr)
        assert f"stunden-2025.yaml, Zeile {line}" in result.stderr, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot_tree(example_workspace) == before and not (tmp_path / "out").exists()
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    assert any(f["rule"] == "centre.invalid" and f["file"].endswith("stunden-2025.yaml") for f in check["findings"])


def test_statements_need_issuer_and_bank(example_workspace, run_cli, tmp_path):
    path = centre_dir(example_workspace) / "zentrum.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("issuer:"), text.index("signatory:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    # without its own issuer the centre's statements come from the Verbund config (the lead authority)
    config = example_workspace / "ikz-isms.yaml"
    config.write_text(config.read_text(encoding="utf-8").split("procurement:")[0], encoding="utf-8")
    result = run_cli("service-centre", "settle", CENTRE, "--year", "2025", "--date", "2026-02-16", "--statements",
                     str(tmp_path / "out"), cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "ikz-isms.yaml" in result.stderr and "procurement.settlement.issuer" in result.stderr
    assert not (tmp_path / "out").exists()
