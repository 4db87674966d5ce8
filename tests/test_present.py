"""Presentation in one place: German formats, the domain's words, the CSV dialect, the one PDF engine."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from ikz_isms.present import csv_de, de, vocab

PACKAGE = Path(__file__).resolve().parents[1] / "ikz_isms"


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (dt.date(2026, 11, 24), "24.11.2026"),
    ("2026-11-24", "24.11.2026"),
    ("2026-11-24T14:05:00+00:00", "24.11.2026"),
    (dt.datetime(2026, 1, 2, 23, 59), "02.01.2026"),
    (None, "–"),
    ("", "–"),
    ("bald", "bald"),
])
def test_date_de(value, text):
    assert de.date_de(value) == text


def test_datetime_de_shows_zoned_times_in_utc_and_says_so():
    assert de.datetime_de("2026-11-24T14:05:00+00:00") == "24.11.2026, 14:05 Uhr UTC"
    assert de.datetime_de("2026-11-24T14:05:00Z") == "24.11.2026, 14:05 Uhr UTC"
    assert de.datetime_de("2026-11-24T16:05:00+02:00") == "24.11.2026, 14:05 Uhr UTC"
    assert de.datetime_de(dt.datetime(2026, 11, 24, 9, 3)) == "24.11.2026, 09:03 Uhr"
    assert de.datetime_de(None) == "–"
    assert de.datetime_de("kaputt") == "kaputt"


# --- numbers and money -------------------------------------------------------------------


@pytest.mark.parametrize("value, decimals, text", [
    (1234.5, 1, "1.234,5"),
    (1234567, 0, "1.234.567"),
    (Decimal("0.5"), 0, "1"),            # half up, not to even
    (Decimal("2.5"), 0, "3"),
    (0.125, 2, "0,13"),                  # through the float's text, not its binary value
    (-1234.5, 0, "-1.235"),              # a half rounds away from zero
    (Decimal("-0.004"), 2, "0,00"),      # never "-0,00"
    (None, 0, "–"),
    (float("nan"), 1, "–"),
])
def test_number_de(value, decimals, text):
    assert de.number_de(value, decimals) == text


@pytest.mark.parametrize("amount, text", [
    (Decimal("0.005"), "0,01 €"),
    (Decimal("0.004"), "0,00 €"),
    (Decimal("-0.005"), "-0,01 €"),
    (Decimal("-1234.5"), "-1.234,50 €"),
    (Decimal("1234567.89"), "1.234.567,89 €"),
    (Decimal("1234567.885"), "1.234.567,89 €"),
    (10506.22, "10.506,22 €"),
    (7, "7,00 €"),
    ("142800.00", "142.800,00 €"),
    (None, "–"),
])
def test_money_de_rounds_kaufmaennisch_to_the_cent(amount, text):
    assert de.money_de(amount) == text


def test_cents_rounds_half_up_both_ways():
    assert de.cents(Decimal("2.675")) == Decimal("2.68")
    assert de.cents(Decimal("-2.675")) == Decimal("-2.68")
    assert de.cents(Decimal("2.674999")) == Decimal("2.67")
    assert str(de.cents(Decimal("5"))) == "5.00"


@pytest.mark.parametrize("ratio, decimals, text", [
    (0.125, 1, "12,5 %"),
    (Decimal("0.40605"), 2, "40,61 %"),
    (1, 0, "100 %"),
    (0, 1, "0,0 %"),
    (None, 1, "–"),
])
def test_percent_de(ratio, decimals, text):
    assert de.percent_de(ratio, decimals) == text


def test_quantity_de_shows_whole_numbers_without_decimals():
    assert de.quantity_de(Decimal("113000")) == "113.000"
    assert de.quantity_de("40.605") == "40,61"
    assert de.quantity_de(2.5) == "2,50"
    assert de.quantity_de(None) == "–"


def test_plural_de_and_county_title():
    assert de.plural_de(0, "Zielobjekt", "Zielobjekte") == "0 Zielobjekte"
    assert de.plural_de(1, "Zielobjekt", "Zielobjekte") == "1 Zielobjekt"
    assert de.plural_de(2, "Maßnahme", "Maßnahmen") == "2 Maßnahmen"
    assert de.county_title("Vulkaneifel") == "Landkreis Vulkaneifel"
    assert de.county_title("Eifelkreis Bitburg-Prüm") == "Eifelkreis Bitburg-Prüm"
    assert de.county_title("Rhein-Pfalz-Kreis") == "Rhein-Pfalz-Kreis"


def test_old_names_are_the_same_functions():
    from ikz_isms import output
    from ikz_isms.assess.plan import money_de as plan_money
    from ikz_isms.report import text

    # one place for German formats: output.py keeps none of its own
    assert not any(hasattr(output, name) for name in ("format_de", "percent_de", "plural_de", "county_title"))
    assert text.date_de is de.date_de
    # the plan's money text used to round half to even (0,12 €)
    assert plan_money(Decimal("0.125")) == "0,13 €"


# --- vocabulary --------------------------------------------------------------------------


def test_vocabulary_mirrors_the_domain_codes():
    from ikz_isms.assess.plan import STATES
    from ikz_isms.assess.records import STATUSES
    from ikz_isms.assess.targets import DIMENSION_NAMES, DIMENSIONS, LEVELS
    from ikz_isms.county import DISCLOSURE_POLICIES

    assert sorted(vocab.STATUS_ORDER) == sorted(STATUSES)
    assert set(vocab.STATUS_LABELS) == set(STATUSES)
    assert vocab.MEASURE_STATES == STATES
    assert vocab.NEED_LEVELS == LEVELS
    assert vocab.DIMENSIONS == DIMENSIONS and dict(vocab.DIMENSION_NAMES) == DIMENSION_NAMES
    assert set(vocab.DISCLOSURE_LABELS) == set(DISCLOSURE_POLICIES)


def test_one_status_order_everywhere():
    from ikz_isms.report import county

    assert vocab.STATUS_ORDER == ("ja", "teilweise", "nein", "entbehrlich", "unbearbeitet")
    assert county.STATUS_ORDER is vocab.STATUS_ORDER


def test_provenance_and_disclosure_text():
    assert vocab.provenance_de("own") == "eigene Prüfung"
    assert vocab.provenance_de(None) == "eigene Prüfung"
    assert vocab.provenance_de("review:rv-2026-01") == "übernommen aus Prüfung rv-2026-01"
    assert vocab.disclosure_label("aggregate") == "nur Gesamtwerte"
    assert vocab.disclosure_label("none") == "keine Freigabe"


# --- CSV ---------------------------------------------------------------------------------


def _parse(text: str) -> list[list[str]]:
    assert text.startswith(csv_de.BOM)
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def test_csv_dialect_for_german_excel():
    text = csv_de.write_csv(
        ["Landkreis", "Betrag", "Datum", "Anzahl", "USt"],
        [["Cochem-Zell", Decimal("4800.00"), dt.date(2026, 11, 24), 3, True],
         ["Vulkaneifel", 1234.5, None, -2, False]],
    )
    assert text.startswith("\ufeffLandkreis;Betrag;Datum;Anzahl;USt\r\n")
    assert text.count("\r\n") == 3 and "\n" not in text.replace("\r\n", "")
    assert _parse(text)[1:] == [["Cochem-Zell", "4800,00", "24.11.2026", "3", "ja"],
                                ["Vulkaneifel", "1234,50", "", "-2", "nein"]]
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"),
    ("+49 6571 14-0", "'+49 6571 14-0"),
    ("-SUMME(A1:A9)", "'-SUMME(A1:A9)"),
    ("@x", "'@x"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-5", "'-5"),                        # text that looks like a number is still text
    ("Landkreis =1", "Landkreis =1"),
    (Decimal("-5"), "-5,00"),             # numbers are never neutralised
    (-1.25, "-1,25"),
    (-7, "-7"),
    (Decimal("40.6125"), "40,6125"),      # all places are kept, at least two shown
    (Decimal("1E+3"), "1000,00"),
    (Decimal("-0.00"), "0,00"),
    (dt.datetime(2026, 11, 24, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=1))), "24.11.2026 13:05:00"),
])
def test_csv_cells(value, cell):
    assert csv_de.csv_cell(value) == cell


def test_csv_neutralised_cells_survive_the_round_trip_and_separators_are_quoted():
    text = csv_de.write_csv(["=Kopf", "b"], [["=HYPERLINK(\"http://x\")", "a;b\nc"], [Decimal("-5"), "@SUMME(1)"]])
    rows = _parse(text)
    assert rows == [["'=Kopf", "b"], ["'=HYPERLINK(\"http://x\")", "a;b\nc"], ["-5,00", "'@SUMME(1)"]]


# --- the PDF engine ----------------------------------------------------------------------


def _settlement(notes: int = 0):
    from ikz_isms.procure.allocation import allocate_costs
    from ikz_isms.procure.costs import Settlement

    members = ["cochem-zell", "vulkaneifel"]
    allocation = allocate_costs(Decimal("1000.01"), members, "equal")
    allocation.notes.extend(f"Hinweis {n}: Verteilung nach Vereinbarung vom 01.01.2026, Anlage {n}."
                            for n in range(notes))
    contract = SimpleNamespace(id="rv-test", title="Testvertrag", booking_code="",
                               allocation=SimpleNamespace(key="equal", agreement=""))
    return Settlement(contract, 2026, allocation, members, "gleich verteilt", "", "Keine Umsatzsteuer.", "equal")


def _statements(settlement, markings=None, names=None):
    from ikz_isms.procure.statement import Bank, Party, SettlementConfig, contract_statements

    config = SettlementConfig(
        path="ikz-isms.yaml",
        issuer=Party("Kreisverwaltung Testkreis", ("Teststraße 1", "54000 Testhausen")),
        bank=Bank("Kreiskasse Testkreis", "Testbank", "DE89 3704 0044 0532 0130 00", "COBADEFFXXX"),
        recipients={"vulkaneifel": Party("Landkreis Vulkaneifel", ("Mainzer Str. 1", "54550 Daun"), debtor="4"),
                    "cochem-zell": Party("Landkreis cochem-zell", ("Endertplatz 1", "56812 Cochem"), debtor="3")},
    )
    return contract_statements(settlement, config, dt.date(2027, 2, 1), names or {}, markings or {})


def _fonts(page) -> list[str]:
    fonts = page["/Resources"]["/Font"]
    return [str(fonts[name].get_object()["/BaseFont"]) for name in fonts]


def test_settlement_statement_embeds_dejavu_and_marks_every_page():
    pypdf = pytest.importorskip("pypdf")
    from ikz_isms.procure.statement import statement_pdf

    marking = "VS – NUR FÜR DEN DIENSTGEBRAUCH"
    statement = next(s for s in _statements(_settlement(notes=120)) if s.recipient_key == "vulkaneifel")
    data = statement_pdf(statement)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1, "enough notes for a second page"
    for number, page in enumerate(reader.pages, start=1):
        fonts = _fonts(page)
        assert fonts and all("DejaVu" in f for f in fonts), fonts
        assert not any("Helvetica" in f for f in fonts)
        text = page.extract_text()
        assert text.count(marking) == 2, "marking at top and bottom"
        assert f"Seite {number} von {len(reader.pages)}" in text
    for name in _fonts(reader.pages[0]):
        assert b"/FontFile2" in data, name  # the TrueType program is in the file, not just named
    first = reader.pages[0].extract_text()
    assert "Landkreis Vulkaneifel" in first and "500,00 €" in first and "1.000,01 €" in first
    assert "Kalenderjahr 2026" in first and "Kreisverwaltung Testkreis" in first
    assert reader.metadata.creation_date.date() == dt.date(2027, 2, 1), "dated by the statement, not the clock"
    assert statement_pdf(statement) == data


def test_statements_carry_each_countys_marking(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    import io

    from ikz_isms.procure.statement import statement_pdf

    statements = _statements(_settlement(), markings={"vulkaneifel": "INTERN – nur für die Verwaltung"},
                             names={"vulkaneifel": "Vulkaneifel"})
    texts = {s.file_name: pypdf.PdfReader(io.BytesIO(statement_pdf(s))).pages[0].extract_text() for s in statements}
    assert "INTERN – nur für die Verwaltung" in texts["abrechnung-rv-test-2026-vulkaneifel.pdf"]
    assert "VS – NUR FÜR DEN DIENSTGEBRAUCH" in texts["abrechnung-rv-test-2026-cochem-zell.pdf"]
    assert "Landkreis cochem-zell" in texts["abrechnung-rv-test-2026-cochem-zell.pdf"], "names as configured"


def test_county_report_names_no_font_it_does_not_embed(example_workspace, run_cli, tmp_path):
    # tables, the contents and charts would otherwise start in reportlab's Helvetica
    out = tmp_path / "v.pdf"
    result = run_cli("report", "county", "vulkaneifel", "-o", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert b"Helvetica" not in out.read_bytes()


def test_builder_for_date_takes_the_pdf_date_from_the_day():
    pypdf = pytest.importorskip("pypdf")
    from ikz_isms.report.model import midnight_epoch
    from ikz_isms.report.pdf import builder_for_date

    assert midnight_epoch(dt.date(2026, 11, 24)) == 1795478400
    doc = builder_for_date(dt.date(2026, 11, 24), title="T", subject="S", marking="OFFEN", running_title="R")
    doc.para("Inhalt")
    reader = pypdf.PdfReader(io.BytesIO(doc.render()))
    assert reader.metadata.creation_date.date() == dt.date(2026, 11, 24)
    assert "Erstellt am 24.11.2026" in reader.pages[0].extract_text()


def test_a_report_with_contents_is_laid_out_twice_and_its_page_numbers_hold(monkeypatch):
    """The contents know their entries before the first pass: one pass to count pages, one to
    draw, and every entry shows the page its heading stands on (also headings kept together with
    what follows them, after contents long enough to take pages of their own)."""
    pypdf = pytest.importorskip("pypdf")
    from reportlab.platypus import Paragraph
    from reportlab.platypus.doctemplate import BaseDocTemplate

    from ikz_isms.report.pdf import Heading, builder_for_date

    passes = []
    build = BaseDocTemplate.build
    monkeypatch.setattr(BaseDocTemplate, "build", lambda self, *a, **k: (passes.append(1), build(self, *a, **k))[1])
    doc = builder_for_date(dt.date(2026, 11, 24), title="T", subject="S", marking="OFFEN", running_title="R")
    doc.toc()
    for number in range(1, 121):
        if number % 7 == 0:
            doc.keep(Heading(f"Abschnitt {number}", doc.styles.h1, 0, f"k{number}"), Paragraph("Text", doc.styles.small))
        else:
            doc.heading(f"Abschnitt {number}", new_page=number % 3 == 0)
        doc.heading(f"Unterabschnitt {number}.1", level=1)
        doc.para("Inhalt " * 40)
    reader = pypdf.PdfReader(io.BytesIO(doc.render()))
    assert len(passes) == 2
    pages = [page.extract_text() for page in reader.pages]
    # an entry: its dot leader and page number, then its title (as pypdf reads the contents)
    listed = {title: int(page) for page, title in re.findall(r"\. (\d+)\n((?:Unter)?[Aa]bschnitt [0-9.]+)\n",
                                                            "\n".join(pages))}
    assert len(listed) == 240 and listed["Abschnitt 1"] > 2
    for title, page in listed.items():
        assert title in pages[page - 1].splitlines(), (title, page)


def test_only_the_report_package_imports_reportlab():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "report":
            continue
        if re.search(r"^\s*(from|import)\s+reportlab\b", path.read_text(encoding="utf-8"), re.MULTILINE):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []


def test_present_is_pure():
    for path in (PACKAGE / "present").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(click|reportlab|rich)\b", source, re.MULTILINE), path.name
