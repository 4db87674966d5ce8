"""Cost allocation: golden cases from real figures, cent-exact rounding, and ``costs allocate``."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from decimal import Decimal

import pytest

from ikz_isms.errors import ExitCode, InputError
from ikz_isms.procure.allocation import allocate_costs, per_unit_costs, split_largest_remainder

D = Decimal


def amounts(allocation) -> dict[str, Decimal]:
    return {s.county: s.amount for s in allocation.shares}


def test_licence_costs_per_employee_from_the_ikz_report():
    allocation = per_unit_costs(D("19.42"), {"vulkaneifel": D(312), "cochem-zell": D(480), "bernkastel-wittlich": D(541)})
    assert amounts(allocation) == {
        "vulkaneifel": D("6059.04"),
        "cochem-zell": D("9321.60"),
        "bernkastel-wittlich": D("10506.22"),
    }
    assert allocation.total == D("25886.86")


def test_digitalisation_split_by_services_adds_up_to_the_cent():
    # 80 / 113 / 115 of 308 online services on 103,200 € (≈ 26 % / 37 % / 37 %)
    allocation = allocate_costs(D("103200.00"), ["a", "b", "c"], "proportional", weights={"a": 80, "b": 113, "c": 115})
    assert amounts(allocation) == {"a": D("26805.19"), "b": D("37862.34"), "c": D("38532.47")}
    assert sum(amounts(allocation).values()) == D("103200.00")
    assert [round(s.percent) for s in allocation.shares] == [26, 37, 37]


def test_hybrid_fifty_fifty_half_equal_half_by_inhabitants():
    inhabitants = {"bernkastel-wittlich": 113000, "cochem-zell": 62000, "vulkaneifel": 61000}
    allocation = allocate_costs(D("142800.00"), list(inhabitants), "hybrid", weights=inhabitants, base_share=D("0.5"))
    shares = {s.county: s for s in allocation.shares}
    assert sum(s.amount for s in allocation.shares) == D("142800.00")
    assert {s.base for s in allocation.shares} == {D("23800.00")}
    # 71,400 by inhabitants: 113/236, 62/236, 61/236
    assert shares["bernkastel-wittlich"].amount == D("23800.00") + D("34187.29")
    assert shares["cochem-zell"].amount == D("23800.00") + D("18757.63")
    assert shares["vulkaneifel"].amount == D("23800.00") + D("18455.08")


def test_minimum_base_share_of_25_percent_is_enforced():
    allocation = allocate_costs(
        D("100000.00"), ["a", "b", "c", "d"], "hybrid", weights={"a": 1, "b": 1, "c": 1, "d": 7},
        base_share=D("0.10"), min_base_share=D("0.25"),
    )
    assert sum(s.base for s in allocation.shares) == D("25000.00")
    assert all(s.base == D("6250.00") for s in allocation.shares)
    assert "Mindestanteil 25 %" in allocation.notes[0]
    assert sum(s.amount for s in allocation.shares) == D("100000.00")
    # the procurement centre: 1,140k planned, base at least 25 % → at least 285k (the report: 286k)
    centre = allocate_costs(D("1140000.00"), [f"m{i}" for i in range(18)], "hybrid",
                            weights={f"m{i}": i + 1 for i in range(18)}, base_share=D("0.2509"),
                            min_base_share=D("0.25"))
    assert sum(s.base for s in centre.shares) >= D("285000.00")
    assert not centre.notes


def test_data_protection_service_fixed_base_per_member_plus_variable():
    sizes = {"m1": 120, "m2": 250, "m3": 400, "m4": 90, "m5": 610, "m6": 330}
    allocation = allocate_costs(D("38000.00"), list(sizes), "hybrid", weights=sizes, base_per_member=D("1200"))
    assert all(s.base == D("1200.00") for s in allocation.shares)
    assert sum(s.variable for s in allocation.shares) == D("30800.00")
    assert sum(s.amount for s in allocation.shares) == D("38000.00")
    assert {s.county: s.amount for s in allocation.shares}["m5"] == D("1200.00") + D("10437.78")


def test_largest_remainder_never_creates_or_loses_a_cent():
    assert split_largest_remainder(D("100.00"), {"a": 1, "b": 1, "c": 1}) == {
        "a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    assert split_largest_remainder(D("0.02"), {"a": 1, "b": 1, "c": 1}) == {
        "a": D("0.01"), "b": D("0.01"), "c": D("0.00")}
    for total in ("0.01", "999.99", "103200.00", "7.77"):
        parts = split_largest_remainder(D(total), {"x": 3, "y": 7, "z": 11, "w": 13})
        assert sum(parts.values()) == D(total)


def test_fixed_percentages_must_add_up_to_100():
    allocation = allocate_costs(D("1000.00"), ["a", "b"], "fixed", percentages={"a": D("60"), "b": D("40")})
    assert amounts(allocation) == {"a": D("600.00"), "b": D("400.00")}
    with pytest.raises(InputError, match="100 %"):
        allocate_costs(D("1000.00"), ["a", "b"], "fixed", percentages={"a": D("60"), "b": D("30")})


def test_vat_flag_per_line():
    allocation = allocate_costs(D("1000.00"), ["a", "b"], "equal", vat_rate=D("19"))
    assert all(s.vat_applies and s.vat == D("95.00") and s.gross == D("595.00") for s in allocation.shares)


# -- the command line ------------------------------------------------------------------------


def test_costs_allocate_licences_table(example_workspace, run_cli):
    result = run_cli("costs", "allocate", "rv-unterweisung-arbeitsschutz", "--period", "2026", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    for figure in ("6.059,04 €", "9.321,60 €", "10.506,22 €"):
        assert figure in result.output
    assert "Stückpreis" in result.output and "Rundung" in result.output


def test_costs_allocate_hybrid_json_uses_inhabitants_and_sums_exactly(example_workspace, run_cli):
    result = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", "2026", "--format", "json",
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert data["total"] == "142800.00"
    assert sum(Decimal(s["amount"]) for s in data["shares"]) == Decimal("142800.00")
    assert data["rounding"].startswith("Größter-Rest-Verfahren")
    assert not any(s["vat_applies"] for s in data["shares"])
    assert "2027" in data["vat_note"]


def test_costs_allocate_applies_vat_from_2027(example_workspace, run_cli):
    result = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", "2027", "--total", "150000",
                     "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    shares = json.loads(result.output)["shares"]
    assert all(s["vat_applies"] for s in shares)
    # each county gets its own invoice, so VAT is rounded per line (half up)
    for share in shares:
        assert Decimal(share["vat"]) == (Decimal(share["amount"]) * Decimal("0.19")).quantize(Decimal("0.01"))
        assert Decimal(share["gross"]) == Decimal(share["amount"]) + Decimal(share["vat"])


def test_costs_allocate_hours_csv(example_workspace, run_cli):
    result = run_cli("costs", "allocate", "rv-vob-beratung", "--period", "2026", "--format", "csv", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    # the German Excel dialect: BOM, ";", CRLF, decimal comma
    assert result.output.startswith("\ufeffvertrag;jahr;landkreis;") and "\r\n" in result.output
    rows = list(csv.DictReader(io.StringIO(result.output.removeprefix("\ufeff"), newline=""), delimiter=";"))
    by_county = {r["landkreis"]: r for r in rows}
    # 2026, each call-off at its own price: Vulkaneifel 25 h on 10.02. at 185 €/h (the 192 € rate
    # holds from 01.04.), Bernkastel-Wittlich 50 h and the Eifelkreis 30 h at 192 €/h
    assert by_county["bernkastel-wittlich"]["anteil"] == "9600,00"
    assert by_county["vulkaneifel"]["anteil"] == "4625,00"
    assert by_county["eifelkreis-bitburg-pruem"]["anteil"] == "5760,00"
    assert by_county["cochem-zell"]["anteil"] == "0,00"
    assert by_county["vulkaneifel"]["kennzahl"] == "25"
    # what was called off, not 105 h × today's 192 € = 20.160 €
    assert sum(Decimal(r["anteil"].replace(",", ".")) for r in rows) == Decimal("19985.00")


def test_costs_allocate_missing_amount_is_an_input_error(example_workspace, run_cli):
    result = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", "2030", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "rv-endpoint-monitoring.yaml" in result.stderr and "2030" in result.stderr


def test_costs_allocate_unknown_contract(example_workspace, run_cli):
    result = run_cli("costs", "allocate", "gibt-es-nicht", "--period", "2026", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "gibt-es-nicht" in result.stderr and "Traceback" not in result.stderr


def test_costs_allocate_digitalisation_from_a_contract_file(example_workspace, run_cli):
    (example_workspace / "catalogs" / "vertraege" / "sdz-digitalisierung.yaml").write_text(
        textwrap.dedent(
            """\
            id: sdz-digitalisierung
            title: Digitalisierung Onlinedienste
            kind: framework
            participants: [bernkastel-wittlich, cochem-zell, vulkaneifel]
            term: {start: 2026-01-01, end: 2026-12-31}
            allocation:
              key: metric
              metric_name: Onlinedienste
              metrics: {bernkastel-wittlich: 80, cochem-zell: 113, vulkaneifel: 115}
              costs: {2026: 103200.00}
            """
        ),
        encoding="utf-8",
    )
    result = run_cli("costs", "allocate", "sdz-digitalisierung", "--period", "2026", "--format", "json",
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert [s["amount"] for s in data["shares"]] == ["26805.19", "37862.34", "38532.47"]


def test_costs_allocate_pdf_per_county(example_workspace, run_cli, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "pdf"
    result = run_cli("costs", "allocate", "rv-unterweisung-arbeitsschutz", "--period", "2026", "--pdf", str(out),
                     "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    files = sorted(out.glob("*.pdf"))
    assert len(files) == 4
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(out / "abrechnung-rv-unterweisung-arbeitsschutz-2026-vulkaneifel.pdf")).pages)
    assert "6.059,04" in text and "Vulkaneifel" in text
    again = tmp_path / "pdf2"
    run_cli("costs", "allocate", "rv-unterweisung-arbeitsschutz", "--period", "2026", "--pdf", str(again),
            "--format", "json", cwd=example_workspace)
    assert (again / files[0].name).read_bytes() == files[0].read_bytes(), "same input, same bytes"


def test_costs_allocate_bad_total_is_a_usage_error(example_workspace, run_cli):
    for total in ("-5", "100.001", "142.800"):
        result = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", "2026", "--total", total,
                         cwd=example_workspace)
        assert result.exit_code == ExitCode.USAGE, (total, result.stderr)
    german = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", "2026", "--total", "142.800,00",
                     "--format", "json", cwd=example_workspace)
    assert german.exit_code == 0, german.stderr
    assert json.loads(german.output)["total"] == "142800.00"


def test_costs_allocate_by_hours_without_calloffs_names_file_and_year(example_workspace, run_cli):
    result = run_cli("costs", "allocate", "rv-vob-beratung", "--period", "2027", "--total", "1000",
                     cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "rv-vob-beratung.yaml" in result.stderr and "2027" in result.stderr


def test_costs_statement_pdf_german_numbers_and_long_title_not_cut(example_workspace, run_cli, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    result = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", "2026", "--pdf", str(tmp_path),
                     "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    page = pypdf.PdfReader(str(tmp_path / "abrechnung-rv-endpoint-monitoring-2026-bernkastel-wittlich.pdf")).pages[0]
    text = page.extract_text()
    assert "113.000" in text and "(40,61 %)" in text
    assert "Response)" in text, "the contract title is wrapped, not cut off"
    right_edge = []
    page.extract_text(visitor_text=lambda t, cm, tm, *_: right_edge.append(tm[4] + 5 * len(t)) if t.strip() else None)
    assert max(right_edge) < float(page.mediabox.width), "no text runs off the page"


def test_costs_pdf_into_an_unwritable_folder_is_an_output_error(example_workspace, run_cli, tmp_path):
    (tmp_path / "datei").write_text("x", encoding="utf-8")
    result = run_cli("costs", "allocate", "rv-vob-beratung", "--period", "2026", "--pdf", str(tmp_path / "datei" / "pdf"),
                     cwd=example_workspace)
    assert result.exit_code == ExitCode.OUTPUT, result.stderr
    assert "nicht schreibbar" in result.stderr and "datei" in result.stderr
    assert "Interner Fehler" not in result.stderr


@pytest.mark.parametrize("period", ["0", "99999", "1999", "2101", "zwanzig", "2026.5", "-2026", "２０２６"])
def test_costs_allocate_period_must_be_a_plausible_year(example_workspace, run_cli, period):
    result = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", period, cwd=example_workspace)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert "--period" in result.stderr and "Abrechnungsjahr" in result.stderr and "2000 und 2100" in result.stderr
    assert "Interner Fehler" not in result.stderr


@pytest.mark.parametrize("total", ["1e308", "1000000000000", "NaN", "Infinity"])
def test_costs_allocate_implausible_total_is_a_usage_error(example_workspace, run_cli, total):
    result = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", "2026", "--total", total,
                     cwd=example_workspace)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert "--total" in result.stderr


def test_costs_of_a_year_must_not_be_negative_in_the_file(example_workspace, run_cli):
    path = example_workspace / "catalogs" / "vertraege" / "rv-endpoint-monitoring.yaml"
    text = path.read_text(encoding="utf-8")
    assert "costs:" in text
    path.write_text(text.replace('"2026": "142800.00"', '"2026": "-142800.00"'), encoding="utf-8")
    result = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", "2026", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT, result.stderr
    assert "rv-endpoint-monitoring.yaml, Zeile" in result.stderr and "nicht negativ" in result.stderr


# -- costs from what was billed: the hourly contract priced per call-off (golden) --------------


@pytest.mark.parametrize("period, shares, total", [
    # 2025: 40 h and 30 h at 185 €/h — not 70 h × today's 192 € = 13,440 €
    ("2025", {"bernkastel-wittlich": "7400.00", "cochem-zell": "5550.00", "eifelkreis-bitburg-pruem": "0.00",
              "vulkaneifel": "0.00"}, "12950.00"),
    # 2026: 25 h on 10.02. still at 185 €/h, 50 h and 30 h after 01.04. at 192 €/h — not 20,160 €
    ("2026", {"bernkastel-wittlich": "9600.00", "cochem-zell": "0.00", "eifelkreis-bitburg-pruem": "5760.00",
              "vulkaneifel": "4625.00"}, "19985.00"),
])
def test_hourly_contract_allocates_what_each_calloff_cost(example_workspace, run_cli, period, shares, total):
    data = json.loads(run_cli("costs", "allocate", "rv-vob-beratung", "--period", period, "--format", "json",
                              cwd=example_workspace).output)
    assert data["total"] == total
    assert {s["county"]: s["amount"] for s in data["shares"]} == shares
    shown = json.loads(run_cli("contracts", "show", "rv-vob-beratung", "--format", "json",
                               cwd=example_workspace).output)
    assert shown["consumed_by_year"][period] == total  # the same "abgerufen" figure


def test_an_explicit_total_for_a_usage_key_is_split_by_the_calloffs(example_workspace, run_cli):
    data = json.loads(run_cli("costs", "allocate", "rv-vob-beratung", "--period", "2025", "--total", "12000",
                              "--format", "json", cwd=example_workspace).output)
    # 7,400 : 5,550 of 12,000 → 6,857.14 / 5,142.86 (largest remainder, adds up)
    assert {s["county"]: s["amount"] for s in data["shares"]}["bernkastel-wittlich"] == "6857.14"
    assert sum(Decimal(s["amount"]) for s in data["shares"]) == Decimal("12000.00")
    assert any("statt abgerufen 12.950,00 €" in n for n in data["notes"])


# -- statements a Kämmerei books ----------------------------------------------------------------


def _pdf_text(path) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    else:
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return " ".join(text.split())


def test_statement_pdf_has_issuer_reference_due_date_and_bank_details(example_workspace, run_cli, tmp_path):
    out = tmp_path / "abrechnungen"
    result = run_cli("costs", "allocate", "rv-vob-beratung", "--period", "2026", "--date", "2027-02-15",
                     "--statements", str(out), "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "abrechnung-rv-vob-beratung-2026-bernkastel-wittlich.pdf", "abrechnung-rv-vob-beratung-2026-cochem-zell.pdf",
        "abrechnung-rv-vob-beratung-2026-eifelkreis-bitburg-pruem.pdf", "abrechnung-rv-vob-beratung-2026-vulkaneifel.pdf",
        "abrechnung-rv-vob-beratung-2026.csv", "abrechnung-rv-vob-beratung-2026.json"]
    text = _pdf_text(out / "abrechnung-rv-vob-beratung-2026-eifelkreis-bitburg-pruem.pdf")
    for expected in ("Kreisverwaltung Bernkastel-Wittlich", "54516 Wittlich",              # issuer with address
                     "Kreisverwaltung Eifelkreis Bitburg-Prüm", "54634 Bitburg",          # recipient
                     "Datum 15.02.2027", "IKZ-KA/rv-vob-beratung/2026/eifelkreis-bitburg-pruem",  # reference
                     "Kassenzeichen", "100002.2026", "Kalenderjahr 2026",
                     "Abruf A005 vom 22.06.2026", "5.760,00 €", "nach Stunden",            # line, key, basis
                     "Keine Umsatzsteuer: §2b UStG gilt erst ab 01.01.2027",               # VAT and its basis
                     "Zu zahlen 5.760,00 €", "Fällig am 17.03.2027",                       # due amount, due date
                     "IBAN DE89 3704 0044 0532 0130 00", "BIC COBADEFFXXX",                # bank (Verbund config)
                     "Kreiskasse – Im Auftrag",                                            # signature block
                     "VS – NUR FÜR DEN DIENSTGEBRAUCH"):                                    # the county's marking
        assert expected in text, expected
    statements = json.loads((out / "abrechnung-rv-vob-beratung-2026.json").read_text(encoding="utf-8"))
    eifel = next(s for s in statements if s["recipient_key"] == "eifelkreis-bitburg-pruem")
    assert eifel["due"] == "5760.00" and eifel["due_date"] == "2027-03-17" and eifel["bank"]["bic"] == "COBADEFFXXX"
    assert eifel["kassenzeichen"].startswith("5.2000.") and eifel["kassenzeichen"].endswith(".100002.2026")


def test_statements_from_2027_carry_vat_per_line(example_workspace, run_cli, tmp_path):
    result = run_cli("costs", "allocate", "rv-endpoint-monitoring", "--period", "2027", "--total", "150000",
                     "--date", "2028-01-20", "--statements", str(tmp_path), "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    text = _pdf_text(tmp_path / "abrechnung-rv-endpoint-monitoring-2027-vulkaneifel.pdf")
    assert "Umsatzsteuer 19 % (§2b UStG)" in text and "nach §2b UStG (ab 01.01.2027)" in text
    statements = json.loads((tmp_path / "abrechnung-rv-endpoint-monitoring-2027.json").read_text(encoding="utf-8"))
    for s in statements:
        assert s["vat"]["applies"] and Decimal(s["vat"]["amount"]) == (Decimal(s["net"]) * Decimal("0.19")).quantize(
            Decimal("0.01"))
        assert Decimal(s["due"]) == Decimal(s["net"]) + Decimal(s["vat"]["amount"])


def test_statements_csv_opens_in_german_excel(example_workspace, run_cli, tmp_path):
    run_cli("costs", "allocate", "rv-unterweisung-arbeitsschutz", "--period", "2026", "--date", "2026-12-01",
            "--statements", str(tmp_path), cwd=example_workspace)
    raw = (tmp_path / "abrechnung-rv-unterweisung-arbeitsschutz-2026.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfkassenzeichen;referenz;datum;") and raw.count(b"\r\n") == 5
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert {r["empfaenger_schluessel"]: r["zahlbetrag"] for r in rows} == {
        "bernkastel-wittlich": "10506,22", "eifelkreis-bitburg-pruem": "9671,16", "cochem-zell": "9321,60",
        "vulkaneifel": "6059,04"}
    assert {r["datum"] for r in rows} == {"01.12.2026"} and {r["faellig_am"] for r in rows} == {"31.12.2026"}


def test_allocation_csv_to_a_file_keeps_bom_and_crlf(example_workspace, run_cli, tmp_path):
    out = tmp_path / "kosten.csv"
    result = run_cli("costs", "allocate", "rv-vob-beratung", "--period", "2026", "--format", "csv", "--output",
                     str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfvertrag;jahr;") and b"\r\n" in raw and b"4625,00" in raw


@pytest.mark.parametrize("cut, message", [
    ("issuer", "procurement.settlement.issuer"),
    ("bank", "Bankverbindung"),
    ("recipients", "Anschrift von Cochem-Zell"),
])
def test_statements_without_issuer_bank_or_address_are_refused_before_writing(example_workspace, run_cli, tmp_path,
                                                                            cut, message):
    import yaml

    config = example_workspace / "ikz-isms.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    if cut == "recipients":
        del data["procurement"]["settlement"]["recipients"]["cochem-zell"]
    else:
        del data["procurement"]["settlement"][cut]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("costs", "allocate", "rv-vob-beratung", "--period", "2026", "--statements", str(tmp_path / "out"),
                     cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT, result.stderr
    assert "ikz-isms.yaml" in result.stderr and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_wrong_iban_is_refused_with_its_place(example_workspace, run_cli, tmp_path):
    config = example_workspace / "ikz-isms.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("DE89 3704 0044 0532 0130 00", "DE88 3704 0044 0532 0130 00"), encoding="utf-8")
    line = next(n for n, content in enumerate(text.splitlines(), 1) if "iban:" in content)
    result = run_cli("costs", "allocate", "rv-vob-beratung", "--period", "2026", "--statements", str(tmp_path / "o"),
                     cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert f"ikz-isms.yaml, Zeile {line}" in result.stderr and "Prüfziffer" in result.stderr
    assert not (tmp_path / "o").exists()
