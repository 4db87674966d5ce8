"""The Grundschutz-Check as an Excel workbook (openpyxl, imported only here and only when used).

Sheets: ``Zielobjekte`` (structure analysis with protection needs and their reasons),
``Modellierung`` (what is modelled on each object, and why), ``Check`` (the IT-Grundschutz-Check:
one row per requirement × target object, the status as a drop-down), ``Realisierungsplan`` and
the hidden ``_ikz`` (county, catalog pin, export state: a fingerprint of every row as exported).
Header rows are frozen and filtered; dates and money carry German formats; the classification
marking stands in every sheet's header and footer.

Reading back (:func:`read_workbook`) takes only the editable columns of ``Check`` (Status,
Umsetzung, Begründung, Verantwortlich, Datum, Nachweise) and checks every cell, naming it as
Excel does (``Check!G17``). The package is checked by :mod:`.zipsafe` before openpyxl parses it.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import HostileInputError, InputError
from .rows import CheckRow, RowValues, norm

FORMAT = "ikz-isms-grundschutz-check"
VERSION = 1
STATE_SHEET = "_ikz"
CHECK_SHEET = "Check"
#: (header, width, editable field or None) of the Check sheet, column A onwards
CHECK_COLUMNS: tuple[tuple[str, int, str | None], ...] = (
    ("Anforderung", 14, None),
    ("Titel", 38, None),
    ("Stufe", 8, None),
    ("Modalverb", 10, None),
    ("Zielobjekt", 14, None),
    ("Zielobjekt (Name)", 28, None),
    ("Status", 13, "status"),
    ("Umsetzung", 50, "statement"),
    ("Begründung (bei entbehrlich Pflicht)", 32, "reason"),
    ("Verantwortlich", 22, "responsible"),
    ("Datum", 12, "checked"),
    ("Nachweise (je Zeile einer)", 28, "evidence"),
    ("Herkunft", 18, None),
    ("Hinweis", 30, None),
)
COLUMN_OF = {name: index for index, (_h, _w, name) in enumerate(CHECK_COLUMNS) if name}
STATUSES = ("unbearbeitet", "ja", "teilweise", "nein", "entbehrlich")
MAX_ROWS = 200_000
MAX_COLUMNS = 60
MAX_ERRORS = 25
TEXT_LIMITS = {"statement": 20000, "reason": 20000, "responsible": 500}
DATE_FORMAT = "DD.MM.YYYY"
MONEY_FORMAT = '#,##0.00 "€"'


@dataclass
class Sheet:
    """A plain table for one sheet: headers with widths, rows of cell values, formats per column."""

    title: str
    headers: Sequence[tuple[str, int]]
    rows: list[list[Any]]
    formats: dict[int, str] = field(default_factory=dict)
    wrap: tuple[int, ...] = ()


@dataclass
class WorkbookModel:
    """What the workbook shows; built by :mod:`ikz_isms.app.exchange` from the assessment API."""

    county: str
    county_name: str
    classification: str
    catalog: str
    sha256: str
    exported: str
    responsible: str
    rows: list[CheckRow]
    sheets_before: list[Sheet]
    sheets_after: list[Sheet]
    journal: str = ""
    hints: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class ReadRow:
    key: tuple[str, str]
    values: RowValues
    row: int


@dataclass
class ReadWorkbook:
    """A workbook read back: its state sheet, its rows, and every problem with its cell."""

    state: dict[str, str]
    exported: dict[tuple[str, str], str]
    rows: list[ReadRow]
    errors: list[str]
    cells: dict[tuple[tuple[str, str], str], str] = field(default_factory=dict)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(column: int, row: int, sheet: str = CHECK_SHEET) -> str:
    return f"{sheet}!{column_letter(column)}{row}"


def write_workbook(model: WorkbookModel) -> bytes:
    """The workbook's bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    default = book.active
    book.remove(default)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    editable_fill = PatternFill("solid", fgColor="FFF8DC")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")

    def frame(sheet: Any, title: str, widths: Sequence[int]) -> None:
        for index, width in enumerate(widths):
            sheet.column_dimensions[column_letter(index)].width = width
        for header in (sheet.oddHeader, sheet.evenHeader):
            header.center.text = model.classification
            header.left.text = f"{model.county_name} – {title}"
        for footer in (sheet.oddFooter, sheet.evenFooter):
            footer.center.text = model.classification
            footer.right.text = "Seite &P von &N"
        sheet.page_setup.orientation = "landscape"
        sheet.print_title_rows = "1:1"

    def table(spec: Sheet) -> None:
        sheet = book.create_sheet(spec.title)
        sheet.append([h for h, _ in spec.headers])
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        for values in spec.rows:
            sheet.append(values)
        for column, number_format in spec.formats.items():
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                cell.number_format = number_format
        for column in spec.wrap:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                cell.alignment = wrap
        sheet.freeze_panes = "B2"
        sheet.auto_filter.ref = f"A1:{column_letter(len(spec.headers) - 1)}{max(len(spec.rows) + 1, 2)}"
        frame(sheet, spec.title, [w for _, w in spec.headers])

    for spec in model.sheets_before:
        table(spec)
    check = book.create_sheet(CHECK_SHEET)
    check.append([h for h, _w, _n in CHECK_COLUMNS])
    for index, cell in enumerate(check[1]):
        cell.font = bold
        cell.fill = editable_fill if CHECK_COLUMNS[index][2] else fill
    for row in model.rows:
        v = row.values
        checked = _dt.date.fromisoformat(v.checked) if v.checked else None
        check.append([row.requirement, row.title, row.level, row.modal_verb, row.target, row.target_name, v.status,
                      v.statement or None, v.reason or None, v.responsible or None, checked,
                      "\n".join(v.evidence) or None, row.provenance, model.hints.get(row.key) or None])
    last = len(model.rows) + 1
    for cells in check.iter_rows(min_row=2, max_row=last):
        for index, cell in enumerate(cells):
            cell.alignment = wrap if index in (1, 7, 8, 11, 13) else top
        cells[COLUMN_OF["checked"]].number_format = DATE_FORMAT
    status_list = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=False,
                                 showErrorMessage=True, errorTitle="Status",
                                 error="Bitte einen Status aus der Liste wählen: " + ", ".join(STATUSES) + ".",
                                 promptTitle="Status", prompt="unbearbeitet, ja, teilweise, nein oder entbehrlich "
                                 "(entbehrlich nur mit Begründung)", showInputMessage=True)
    status_column = column_letter(COLUMN_OF["status"])
    status_list.add(f"{status_column}2:{status_column}{max(last, 2)}")
    check.add_data_validation(status_list)
    date_rule = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)", formula2="DATE(2200,12,31)",
                               allow_blank=True, showErrorMessage=True, errorTitle="Datum",
                               error="Bitte ein Datum eingeben (TT.MM.JJJJ).")
    date_column = column_letter(COLUMN_OF["checked"])
    date_rule.add(f"{date_column}2:{date_column}{max(last, 2)}")
    check.add_data_validation(date_rule)
    check.freeze_panes = "B2"
    check.auto_filter.ref = f"A1:{column_letter(len(CHECK_COLUMNS) - 1)}{max(last, 2)}"
    frame(check, "IT-Grundschutz-Check", [w for _h, w, _n in CHECK_COLUMNS])
    for spec in model.sheets_after:
        table(spec)
    state = book.create_sheet(STATE_SHEET)
    for key, value in (("format", FORMAT), ("version", str(VERSION)), ("county", model.county),
                       ("county_name", model.county_name), ("catalog", model.catalog), ("sha256", model.sha256),
                       ("exported", model.exported), ("responsible", model.responsible), ("journal", model.journal),
                       ("rows", str(len(model.rows)))):
        state.append([key, value])
    state.append(["requirement", "target", "digest"])
    for row in model.rows:
        state.append([row.requirement, row.target, row.values.digest])
    state.sheet_state = "hidden"
    book.active = book.sheetnames.index(CHECK_SHEET)
    stamp = _dt.datetime.fromisoformat(model.exported.replace("Z", "+00:00")).replace(tzinfo=None)
    book.properties.creator = "ikz-isms"
    book.properties.title = f"IT-Grundschutz-Check {model.county_name}"
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.category = model.classification
    out = io.BytesIO()
    book.save(out)
    return _pinned_times(out.getvalue(), stamp)


def _pinned_times(data: bytes, stamp: _dt.datetime) -> bytes:
    """The workbook with every time in it set to ``stamp`` (the export's), so the same data gives the same bytes.

    openpyxl stamps each zip entry and ``dcterms:modified`` with the moment of saving; with
    ``SOURCE_DATE_EPOCH`` set, two exports of the same state are byte for byte equal.
    """
    import re
    import zipfile

    when = max(stamp, _dt.datetime(1980, 1, 1))
    modified = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + modified + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


# -- reading ---------------------------------------------------------------------------------------


def read_workbook(data: bytes, path: str) -> ReadWorkbook:
    """The state and the editable values of a workbook ikz-isms exported; every cell checked.

    Structural problems (not ours, formulas, merged cells, a changed header) raise at once; cell
    problems are collected (``errors``, each naming its cell) so the user sees all of them.
    """
    from .zipsafe import check_package

    check_package(data, path)
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), data_only=False, keep_vba=False, keep_links=False,
                                 rich_text=False)
    except (HostileInputError, InputError):
        raise
    except Exception as exc:  # openpyxl raises many kinds for broken packages
        # (openpyxl's messages are English and name its internals: the user learns what to do instead)
        reason = ("Zeichenkodierung, die Excel nicht schreibt (nur UTF-8)" if isinstance(exc, LookupError)
                  or "encoding" in str(exc).lower() else "ein Bestandteil ist kein gültiges Office-Open-XML")
        raise InputError(f"Arbeitsmappe nicht lesbar: {reason}; bitte in Excel öffnen und erneut als "
                         "„Excel-Arbeitsmappe (*.xlsx)“ speichern.", path=path) from None
    if STATE_SHEET not in book.sheetnames or CHECK_SHEET not in book.sheetnames:
        raise InputError("keine von ikz-isms exportierte Arbeitsmappe (Blätter „Check“ und „_ikz“ fehlen; "
                         "ikz-isms export xlsx erzeugt eine passende).", path=path)
    state_sheet = book[STATE_SHEET]
    sheet = book[CHECK_SHEET]
    for ws, name in ((state_sheet, STATE_SHEET), (sheet, CHECK_SHEET)):
        merged = [str(r) for r in ws.merged_cells.ranges]
        if merged:
            raise InputError(f"Blatt {name} enthält verbundene Zellen ({', '.join(merged[:5])}); bitte die "
                             "Verbindung aufheben – jede Zelle gehört zu genau einer Zeile.", path=path)
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
            raise InputError(f"Blatt {name} ist zu groß ({ws.max_row} Zeilen, {ws.max_column} Spalten; höchstens "
                             f"{MAX_ROWS} Zeilen und {MAX_COLUMNS} Spalten).", path=path)
        formulas = [f"{name}!{c.coordinate}" for r in ws.iter_rows() for c in r if c.data_type == "f"]
        if formulas:
            more = f" (und {len(formulas) - 5} weitere)" if len(formulas) > 5 else ""
            raise InputError(f"Formeln werden nicht gelesen: {', '.join(formulas[:5])}{more}. Bitte nur Werte "
                             "eintragen (Zelle kopieren, „Werte einfügen“).", path=path)
    state, exported = _read_state(state_sheet, path)
    result = ReadWorkbook(state, exported, [], [])
    header = [c.value for c in sheet[1]][:len(CHECK_COLUMNS)]
    for index, (expected, _w, _n) in enumerate(CHECK_COLUMNS):
        found = header[index] if index < len(header) else None
        if norm(found) != expected:
            raise InputError(f"{cell_ref(index, 1)}: Spaltenkopf „{norm(found)[:40]}“, erwartet „{expected}“ "
                             "(Spalten nicht verschieben, einfügen oder löschen).", path=path)
    for cells in sheet.iter_rows(min_row=2, max_col=len(CHECK_COLUMNS)):
        number = cells[0].row
        raw = [c.value for c in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        for cell in cells:
            if cell.data_type == "e":
                result.errors.append(f"{cell_ref(cell.column - 1, number)}: Fehlerwert {cell.value} statt eines Werts.")
        values, problems = _row_values(raw, number)
        result.errors.extend(problems)
        key = (norm(raw[0]), norm(raw[4]))
        if values is not None:
            result.rows.append(ReadRow(key, values, number))
            for name, column in COLUMN_OF.items():
                result.cells[(key, name)] = cell_ref(column, number)
    return result


def _read_state(sheet: Any, path: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    state: dict[str, str] = {}
    exported: dict[tuple[str, str], str] = {}
    in_rows = False
    for cells in sheet.iter_rows(max_col=3, values_only=True):
        first = norm(cells[0])
        if not in_rows:
            if first == "requirement":
                in_rows = True
                continue
            if first:
                state[first] = norm(cells[1])
            continue
        if first:
            exported[(first, norm(cells[1]))] = norm(cells[2])
    if state.get("format") != FORMAT:
        raise InputError("keine von ikz-isms exportierte Arbeitsmappe (Blatt „_ikz“ unbekannt).", path=path)
    if state.get("version") != str(VERSION):
        raise InputError(f"Arbeitsmappe hat Format-Version {state.get('version')}; diese ikz-isms-Version liest "
                         f"Version {VERSION}. Bitte neu exportieren.", path=path)
    return state, exported


def _text(value: Any, ref: str, what: str, problems: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, float, Decimal, _dt.date, _dt.datetime, _dt.time)):
        problems.append(f"{ref}: {what} muss Text sein, gefunden {_kind(value)} ({str(value)[:30]}).")
        return ""
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        problems.append(f"{ref}: {what} muss Text sein.")
        return ""
    return norm(value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "Wahrheitswert"
    if isinstance(value, (int, float, Decimal)):
        return "Zahl"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "Datum"
    if isinstance(value, _dt.time):
        return "Uhrzeit"
    return type(value).__name__


def _row_values(raw: list[Any], number: int) -> tuple[RowValues | None, list[str]]:
    import re

    from ..store.parse import control_character

    problems: list[str] = []
    while len(raw) < len(CHECK_COLUMNS):
        raw.append(None)

    def ref(name: str) -> str:
        return cell_ref(COLUMN_OF[name], number)

    for column in (0, 4):
        if not isinstance(raw[column], str) or not raw[column].strip():
            problems.append(f"{cell_ref(column, number)}: {CHECK_COLUMNS[column][0]} fehlt oder ist kein Text "
                            "(die Kennungen der Zeile nicht ändern).")
    status_raw = raw[COLUMN_OF["status"]]
    status = ""
    if not isinstance(status_raw, str):
        what = "leer" if status_raw is None else f"{_kind(status_raw)} ({str(status_raw)[:30]})"
        problems.append(f"{ref('status')}: Status fehlt oder ist kein Text ({what}); erlaubt: {', '.join(STATUSES)}.")
    else:
        status = status_raw.strip().casefold()
        if status not in STATUSES:
            problems.append(f"{ref('status')}: unbekannter Status „{status_raw.strip()[:40]}“ "
                            f"(erlaubt: {', '.join(STATUSES)}).")
    texts = {name: _text(raw[COLUMN_OF[name]], ref(name), CHECK_COLUMNS[COLUMN_OF[name]][0], problems)
             for name in ("statement", "reason", "responsible")}
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            problems.append(f"{ref(name)}: zu lang ({len(texts[name])} Zeichen, höchstens {limit}).")
    checked = ""
    value = raw[COLUMN_OF["checked"]]
    if isinstance(value, _dt.datetime):
        checked = value.date().isoformat()
    elif isinstance(value, _dt.date):
        checked = value.isoformat()
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        day = None
        match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        try:
            if match:
                day = _dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                day = _dt.date.fromisoformat(text)
        except ValueError:
            day = None
        if day is None:
            problems.append(f"{ref('checked')}: „{text[:30]}“ ist kein Datum (TT.MM.JJJJ).")
        else:
            checked = day.isoformat()
    elif value is not None and not (isinstance(value, str)):
        problems.append(f"{ref('checked')}: Datum erwartet, gefunden {_kind(value)} ({str(value)[:30]}).")
    if checked and not 1900 <= int(checked[:4]) <= 2200:
        problems.append(f"{ref('checked')}: Datum {checked} liegt außerhalb von 1900–2200.")
        checked = ""
    evidence_text = _text(raw[COLUMN_OF["evidence"]], ref("evidence"), "Nachweise", problems)
    evidence = tuple(line.strip() for line in evidence_text.split("\n") if line.strip())
    if len(evidence) > 200 or any(len(e) > 2000 for e in evidence):
        problems.append(f"{ref('evidence')}: höchstens 200 Nachweise zu je 2.000 Zeichen.")
    for name in ("statement", "reason", "responsible"):
        bad = control_character(texts[name])
        if bad is not None:
            problems.append(f"{ref(name)}: enthält ein Steuerzeichen (Code {ord(bad):#06x}).")
    bad = control_character(evidence_text)
    if bad is not None:
        problems.append(f"{ref('evidence')}: enthält ein Steuerzeichen (Code {ord(bad):#06x}).")
    if status == "entbehrlich" and not texts["reason"]:
        problems.append(f"{ref('reason')}: entbehrlich braucht eine Begründung.")
    if problems:
        return None, problems
    return RowValues(status, texts["statement"], texts["reason"], texts["responsible"], checked, evidence), []
