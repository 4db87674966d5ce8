"""The Grundschutz-Check as an Excel workbook: ``export xlsx`` → edit in Excel (openpyxl here) → ``import xlsx``."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.support import county_dir, journal_entries, read_records, records_snapshot

openpyxl = pytest.importorskip("openpyxl")

COUNTY = "vulkaneifel"
STATUS, STATEMENT, REASON, RESPONSIBLE, DATE = "G", "H", "I", "J", "K"


@pytest.fixture
def cli(run_cli, example_workspace):
    def run(*args):
        return run_cli("--workspace", example_workspace, *args, cwd=example_workspace)

    return run


@pytest.fixture(scope="module")
def exported_book(tmp_path_factory) -> bytes:
    """``export xlsx --county vulkaneifel`` of the unchanged example workspace, run once per module."""
    from tests.support import copy_example_workspace, isolated_cli

    ws = copy_example_workspace(tmp_path_factory.mktemp("exported") / "ws")
    path = ws.parent / "check.xlsx"
    with isolated_cli(tmp_path_factory.mktemp("home")) as run:
        export(lambda *args: run("--workspace", ws, *args, cwd=ws), path)
    return path.read_bytes()


@pytest.fixture
def check_book(exported_book, tmp_path) -> Path:
    """This test's own ``check.xlsx``: what ``export xlsx`` writes for its example workspace."""
    path = tmp_path / "check.xlsx"
    path.write_bytes(exported_book)
    return path


def export(cli, path: Path, *extra: str, county: str = COUNTY):
    result = cli("export", "xlsx", "--county", county, "-o", path, *extra)
    assert result.exit_code == 0, result.stderr
    return path


#: the Check sheet's rows by the SHA-256 of a workbook's bytes: the same bytes are loaded once
_ROWS: dict[str, list[tuple[int, dict]]] = {}


def check_rows(path: Path) -> list[tuple[int, dict]]:
    """(row number, values by header) of the Check sheet, as a user sees them in Excel."""
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest not in _ROWS:
        # read-only: rows streamed as values (what the sheet holds, without building every cell object)
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            rows = book["Check"].iter_rows(values_only=True)
            header = list(next(rows))
            _ROWS[digest] = [(number, dict(zip(header, values))) for number, values in enumerate(rows, start=2)]
        finally:
            book.close()
    return [(row, dict(values)) for row, values in _ROWS[digest]]


def edit(path: Path, changes: dict[str, object], target: Path | None = None) -> Path:
    book = openpyxl.load_workbook(path)
    for ref, value in changes.items():
        sheet, cell = ref.split("!") if "!" in ref else ("Check", ref)
        book[sheet][cell] = value
    book.save(target or path)
    return target or path


def state(ws: Path, county: str = COUNTY) -> tuple[dict, int]:
    data = county_dir(ws, county)
    return records_snapshot(data), len(journal_entries(data))


def three_rows(path: Path) -> tuple[int, int, int]:
    rows = check_rows(path)
    yes = next(n for n, r in rows if r["Status"] == "ja")
    with_statement = next(n for n, r in rows if r["Umsetzung"] and n != yes)
    third = next(n for n, r in rows if r["Status"] != "unbearbeitet" and n not in (yes, with_statement))
    return yes, with_statement, third


def key(path: Path, row: int) -> tuple[str, str]:
    values = dict(check_rows(path))[row]
    return values["Anforderung"], values["Zielobjekt"]


# --- round trip -------------------------------------------------------------------------------------


def test_export_then_import_without_edits_changes_nothing(cli, check_book, example_workspace, tmp_path):
    book = check_book
    before = state(example_workspace)
    shown = cli("import", "xlsx", book)
    assert shown.exit_code == 0, shown.stderr
    assert "0 Änderungen" in shown.output and "Nichts zu übernehmen" in shown.output
    applied = cli("import", "xlsx", book, "--apply")
    assert applied.exit_code == 0, applied.stderr
    assert state(example_workspace) == before


def test_three_edited_cells_change_exactly_those_three_records_and_are_journaled(cli, check_book, example_workspace,
                                                                                 tmp_path):
    book = check_book
    a, b, c = three_rows(book)
    edit(book, {f"{STATUS}{a}": "nein", f"{STATEMENT}{b}": "Über Excel geändert: neue Umsetzung.",
                f"{RESPONSIBLE}{c}": "Amt 99"})
    data = county_dir(example_workspace, COUNTY)
    before_records, before_journal = read_records(data), len(journal_entries(data))
    before_files = records_snapshot(data)
    preview = cli("import", "xlsx", book)
    assert preview.exit_code == 0, preview.stderr
    assert "3 Änderungen" in preview.output and "Probelauf: nichts geändert" in preview.output
    assert f"{key(book, a)[0]}@{key(book, a)[1]}: Status ja → nein" in preview.output
    assert records_snapshot(data) == before_files
    applied = cli("import", "xlsx", book, "--apply")
    assert applied.exit_code == 0, applied.stderr
    assert "Übernommen: 3 Prüfeinträge geändert, im Journal als excel-import:check.xlsx" in applied.output
    after = read_records(data)
    changed = {k for k in set(before_records) | set(after) if before_records.get(k) != after.get(k)}
    assert changed == {key(book, a), key(book, b), key(book, c)}
    assert after[key(book, a)]["status"] == "nein"
    assert after[key(book, b)]["statement"] == "Über Excel geändert: neue Umsetzung."
    assert after[key(book, c)]["responsible"] == "Amt 99"
    entries = journal_entries(data)[before_journal:]
    assert len(entries) == 3 and {e["actor"] for e in entries} == {"excel-import:check.xlsx"}
    assert {tuple(e["record"].split("@")) for e in entries} == changed
    # imported once, the same workbook changes nothing more
    again = cli("import", "xlsx", book, "--apply")
    assert again.exit_code == 0 and "0 Änderungen" in again.output
    assert len(journal_entries(data)) == before_journal + 3


def test_the_workbook_has_the_sheets_formats_and_marking_users_expect(cli, check_book, tmp_path):
    book_path = check_book
    book = openpyxl.load_workbook(book_path)
    # further read-only sheets (other parts of the ISMS) may follow the plan; the state sheet is last
    assert book.sheetnames[:4] == ["Zielobjekte", "Modellierung", "Check", "Realisierungsplan"]
    assert book.sheetnames[-1] == "_ikz"
    assert book["_ikz"].sheet_state == "hidden"
    check = book["Check"]
    assert check.freeze_panes == "B2" and check.auto_filter.ref.startswith("A1:")
    assert check.column_dimensions["H"].width >= 40
    lists = [dv for dv in check.data_validations.dataValidation if dv.type == "list"]
    assert lists and "unbearbeitet,ja,teilweise,nein,entbehrlich" in lists[0].formula1
    assert str(lists[0].sqref).startswith("G2:G")
    dated = [c for (c,) in check.iter_rows(min_row=2, min_col=11, max_col=11) if c.value is not None]
    assert dated and all(c.number_format == "DD.MM.YYYY" for c in dated)
    for sheet in book.worksheets[:4]:
        assert sheet.oddHeader.center.text == "VS – NUR FÜR DEN DIENSTGEBRAUCH"
        assert sheet.oddFooter.center.text == "VS – NUR FÜR DEN DIENSTGEBRAUCH"
        assert sheet.freeze_panes == "B2"
    targets = [c.value for c in book["Zielobjekte"][1]]
    assert "Schutzbedarf Vertraulichkeit" in targets and "Begründung Vertraulichkeit" in targets
    assert [c.value for c in book["Modellierung"][1]][:3] == ["Zielobjekt", "Zielobjekt (Name)", "Baustein"]
    plan = book["Realisierungsplan"]
    assert [c.value for c in plan[1]][8:10] == ["Frist", "Kosten"]
    costs = [c for (c,) in plan.iter_rows(min_row=2, min_col=10, max_col=10) if c.value is not None]
    assert costs and all("€" in c.number_format for c in costs)
    hidden = {r[0]: r[1] for r in book["_ikz"].iter_rows(max_row=10, values_only=True)}
    assert hidden["county"] == COUNTY and len(hidden["sha256"]) == 64 and hidden["format"] == "ikz-isms-grundschutz-check"


# --- every cell checked, hostile workbooks ----------------------------------------------------------


def test_wrong_values_are_named_by_their_cells_and_nothing_changes(cli, check_book, example_workspace, tmp_path):
    book = check_book
    edit(book, {"G2": 5, "G3": "fertig", "K4": "31.02.2026", "H5": 1.5, "K6": True, "G7": "entbehrlich", "I7": None})
    before = state(example_workspace)
    result = cli("import", "xlsx", book, "--apply")
    assert result.exit_code == 3, result.stderr
    for cell in ("Check!G2", "Check!G3", "Check!K4", "Check!H5", "Check!K6", "Check!I7"):
        assert cell in result.stderr, cell
    assert "unbekannter Status „fertig“" in result.stderr and "kein Datum" in result.stderr
    assert "nichts geändert" in result.stderr and "Traceback" not in result.stderr
    assert state(example_workspace) == before


def _rezip(source: Path, target: Path, *, add: dict[str, bytes] | None = None,
           replace: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, (replace or {}).get(item.filename, old.read(item.filename)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


@pytest.mark.parametrize("case, message", [
    ("formula", "Formeln werden nicht gelesen: Check!H2"),
    ("merged", "verbundene Zellen"),
    ("macro", "Makros"),
    ("xlsm-name", "Makro-Arbeitsmappen (.xlsm)"),
    ("bomb-ratio", "ZIP-Bombe"),
    ("bomb-size", "ZIP-Bombe"),
    ("doctype", "DOCTYPE"),
    ("not-zip", "kein ZIP-Paket"),
    ("huge", "zu groß"),
    ("foreign", "keine von ikz-isms exportierte Arbeitsmappe"),
    ("header", "Spaltenkopf"),
    # before: exit 70 (zlib.error) and openpyxl's English messages in parentheses
    ("corrupt-deflate", "Bestandteil xl/worksheets/sheet1.xml nicht lesbar: Prüfsumme falsch oder abgeschnitten"),
    ("utf7-sheet", "ein Bestandteil ist kein gültiges Office-Open-XML"),
    ("unknown-encoding", "Zeichenkodierung, die Excel nicht schreibt"),
])
def test_hostile_or_foreign_workbooks_get_a_clear_error_and_change_nothing(cli, check_book, example_workspace, tmp_path,
                                                                            case, message):
    book = check_book
    target = tmp_path / "bad.xlsx"
    if case == "formula":
        edit(book, {"H2": "=1+1"}, target)
    elif case == "merged":
        loaded = openpyxl.load_workbook(book)
        loaded["Check"].merge_cells("H2:H3")
        loaded.save(target)
    elif case == "macro":
        _rezip(book, target, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512})
    elif case == "xlsm-name":
        target = tmp_path / "bad.xlsm"
        shutil.copy(book, target)
    elif case == "bomb-ratio":
        _rezip(book, target, add={"xl/media/leer.bin": b"\0" * (8 * 1024 * 1024)})
    elif case == "bomb-size":
        _rezip(book, target, add={"xl/media/gross.xml": b" " * (60 * 1024 * 1024)})
    elif case == "doctype":
        with zipfile.ZipFile(book) as z:
            name = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
            xml = z.read(name)
        bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        _rezip(book, target, replace={name: bomb + body})
    elif case == "not-zip":
        target.write_bytes(b"Anforderung;Status\nISMS.1.A1;ja\n")
    elif case == "huge":
        target.write_bytes(b"PK" + b"\0" * (33 * 1024 * 1024))
    elif case == "foreign":
        other = openpyxl.Workbook()
        other.active.title = "Check"
        other.save(target)
    elif case == "header":
        edit(book, {"G1": "Zustand"}, target)
    elif case == "corrupt-deflate":
        data = bytearray(book.read_bytes())
        with zipfile.ZipFile(book) as z:
            info = z.getinfo("xl/worksheets/sheet1.xml")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 100  # inside its deflate stream
        data[start:start + 50] = b"X" * 50
        target.write_bytes(bytes(data))
    elif case in ("utf7-sheet", "unknown-encoding"):
        declared = b"UTF-7" if case == "utf7-sheet" else b"gibt-es-nicht"
        with zipfile.ZipFile(book) as z:
            xml = z.read("xl/worksheets/sheet1.xml")
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        _rezip(book, target, replace={"xl/worksheets/sheet1.xml":
                                      b'<?xml version="1.0" encoding="' + declared + b'"?>' + body})
    before = state(example_workspace)
    result = cli("import", "xlsx", target, "--apply")
    assert result.exit_code == 3, (result.exit_code, result.stderr)
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "Interner Fehler" not in result.stderr
    assert not re.search(r"Error|Unable|could not|invalid|unknown|[Ee]xception", result.stderr), result.stderr
    assert state(example_workspace) == before


# --- whose workbook, which state ------------------------------------------------------------------


def test_a_workbook_of_another_county_or_catalog_pin_is_refused(cli, check_book, example_workspace, tmp_path):
    book = check_book
    before = state(example_workspace)
    wrong = cli("import", "xlsx", book, "--county", "cochem-zell", "--apply")
    assert wrong.exit_code == 4 and "gehört zu Landkreis 'vulkaneifel', nicht zu 'cochem-zell'" in wrong.stderr
    hidden = openpyxl.load_workbook(book)["_ikz"]
    row = next(r[0].row for r in hidden.iter_rows(max_row=12) if r[0].value == "sha256")
    pinned = edit(book, {f"_ikz!B{row}": "0" * 64}, tmp_path / "pin.xlsx")
    pin = cli("import", "xlsx", pinned, "--apply")
    assert pin.exit_code == 4 and "Katalog" in pin.stderr and "neu exportieren" in pin.stderr
    assert state(example_workspace) == before


def test_an_older_workbook_is_refused_or_merged_only_when_asked(cli, check_book, example_workspace, tmp_path):
    book = check_book
    a, b, _c = three_rows(book)
    changed_since, edited = key(book, a), key(book, b)
    assert cli("assess", "set", changed_since[0], changed_since[1], "teilweise", "--county", COUNTY,
               "--statement", "seit dem Export in ikz-isms geändert").exit_code == 0
    edit(book, {f"{RESPONSIBLE}{b}": "Amt 77"})
    before = state(example_workspace)
    refused = cli("import", "xlsx", book, "--apply")
    assert refused.exit_code == 4
    assert "älter als der Stand des Landkreises" in refused.stderr and "--merge" in refused.stderr
    assert f"{changed_since[0]}@{changed_since[1]}" in refused.stderr
    assert state(example_workspace) == before
    merged = cli("import", "xlsx", book, "--merge", "--apply")
    assert merged.exit_code == 0, merged.stderr
    assert "Seit dem Export in ikz-isms geändert, beibehalten (1)" in merged.output
    records = read_records(county_dir(example_workspace, COUNTY))
    assert records[edited]["responsible"] == "Amt 77"
    assert records[changed_since]["statement"] == "seit dem Export in ikz-isms geändert"
    # a row changed on both sides is never decided silently
    edit(book, {f"{STATUS}{a}": "nein"})
    both = cli("import", "xlsx", book, "--merge", "--format", "json")
    assert both.exit_code == 0
    assert json.loads(both.output)["conflicts"] == [f"{changed_since[0]}@{changed_since[1]}"]


def test_a_department_gets_only_its_rows_and_its_answers_are_merged_back(cli, example_workspace, tmp_path):
    data = county_dir(example_workspace, COUNTY)
    owners = {r.get("responsible") for r in read_records(data).values() if r.get("responsible")}
    department = sorted(owners)[0]
    book = export(cli, tmp_path / "amt.xlsx", "--responsible", department)
    rows = check_rows(book)
    assert rows and all(r["Verantwortlich"] == department for _n, r in rows)
    mine = {k for k, r in read_records(data).items() if r.get("responsible") == department}
    assert len(rows) <= len(mine)
    number, values = rows[0]
    edit(book, {f"{STATEMENT}{number}": "Antwort des Fachbereichs."})
    before_records, before_journal = read_records(data), len(journal_entries(data))
    result = cli("import", "xlsx", book, "--apply")
    assert result.exit_code == 0, result.stderr
    after = read_records(data)
    assert {k for k in after if after[k] != before_records.get(k)} == {(values["Anforderung"], values["Zielobjekt"])}
    assert len(journal_entries(data)) == before_journal + 1
    nobody = cli("export", "xlsx", "--county", COUNTY, "--responsible", "Gibt es nicht", "-o", tmp_path / "n.xlsx")
    assert nobody.exit_code == 4 and "Gibt es nicht" in nobody.stderr


def test_export_needs_an_xlsx_name_and_a_folder_that_exists(cli, tmp_path):
    assert cli("export", "xlsx", "--county", COUNTY, "-o", tmp_path / "check.csv").exit_code == 2
    missing = cli("export", "xlsx", "--county", COUNTY, "-o", tmp_path / "fehlt" / "check.xlsx")
    assert missing.exit_code == 6 and "fehlt" in missing.stderr


# --- a full Edition 2023 county -------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_workspace(request):
    from tests.support import UPSTREAM

    if not (UPSTREAM / "kompendium-2023" / "XML_Kompendium_2023.xml").exists():
        pytest.skip(f"BSI-Originaldaten fehlen ({UPSTREAM}); nur im Entwickler-/CI-Checkout vorhanden")
    # full_county(…, UPSTREAM, run), built once per session (tests/conftest.py)
    return request.getfixturevalue("full_edition_county")


@pytest.mark.upstream
@pytest.mark.slow
def test_round_trip_on_a_full_edition_2023_county(run_cli, full_workspace, tmp_path):
    from tests.exchange_support import COUNTY as FULL

    ws = tmp_path / "ws"
    shutil.copytree(full_workspace, ws)
    book = tmp_path / "voll.xlsx"
    made = run_cli("--workspace", ws, "export", "xlsx", "--county", FULL, "-o", book)
    assert made.exit_code == 0, made.stderr
    rows = check_rows(book)
    assert 1800 <= len(rows) <= 2300
    data = county_dir(ws, FULL)
    unchanged = run_cli("--workspace", ws, "import", "xlsx", book, "--apply")
    assert unchanged.exit_code == 0 and "0 Änderungen" in unchanged.output
    a, b, c = three_rows(book)
    edit(book, {f"{STATUS}{a}": "nein", f"{STATEMENT}{b}": "Neu aus Excel.", f"{DATE}{c}": "01.06.2026"})
    before, journal_before = read_records(data), len(journal_entries(data))
    applied = run_cli("--workspace", ws, "import", "xlsx", book, "--apply")
    assert applied.exit_code == 0, applied.stderr
    after = read_records(data)
    assert {k for k in set(before) | set(after) if before.get(k) != after.get(k)} == {key(book, a), key(book, b),
                                                                                     key(book, c)}
    assert after[key(book, c)]["checked"] == "2026-06-01"
    entries = journal_entries(data)[journal_before:]
    assert len(entries) == 3 and {e["actor"] for e in entries} == {"excel-import:voll.xlsx"}


def test_reading_stays_inside_the_limits_before_openpyxl_parses(tmp_path):
    """The package checks run on bytes alone: a member that lies about its size is refused."""
    from ikz_isms.errors import InputError
    from ikz_isms.exchange.zipsafe import check_package

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    # make the central directory claim a smaller size for the workbook member than it has
    position = data.rfind(b"xl/workbook.xml")
    header = data.rfind(b"PK\x01\x02", 0, position)
    data[header + 24:header + 28] = (3).to_bytes(4, "little")
    with pytest.raises(InputError):
        check_package(bytes(data), "x.xlsx")
