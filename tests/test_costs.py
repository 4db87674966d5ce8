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
    # 2026: 25 h Vulkaneifel, 50 h Bernkastel-Wittlich, 30 h Eifelkreis at 192 €/h
    assert by_county["bernkastel-wittlich"]["anteil"] == "9600,00"
    assert by_county["vulkaneifel"]["anteil"] == "4800,00"
    assert by_county["cochem-zell"]["anteil"] == "0,00"
    assert by_county["vulkaneifel"]["kennzahl"] == "25"
    assert sum(Decimal(r["anteil"].replace(",", ".")) for r in rows) == Decimal("20160.00")


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
