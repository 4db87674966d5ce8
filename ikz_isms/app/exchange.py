"""Use cases of the exchange formats: the check as an Excel workbook, OSCAL documents and a calendar.

Exports read the county through the assessment API (:meth:`Session.assessment`,
:meth:`Session.plan_view`) and return bytes or documents; imports read a file through the
store, compare it with the county's current rows (:func:`ikz_isms.exchange.rows.propose`) and
change records only through :meth:`Session.set_records` — one journaled transaction, each change
journaled as made by the import (``excel-import:<file>``, ``oscal-import:<file>``). Without
``apply`` an import only shows what it would change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import HostileInputError, InputError, RefusedError

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..county import County
    from ..exchange.rows import CheckRow, Proposal, RowValues
    from ..exchange.xlsx import Sheet, WorkbookModel
    from .session import Session

#: the largest OSCAL document an import reads
OSCAL_LIMIT = 64 * 1024 * 1024


# -- the county's state ----------------------------------------------------------------------------


def data_state(session: "Session", county: "County") -> tuple[str, str]:
    """(time of the data's state as ISO UTC, journal position ``N:hash``): the journal's last entry, else
    the latest check date, else the run's day — so the same data always gives the same stamp."""
    from ..journal import entry_time
    from .counties import county_files

    tail = county_files(session, county).journal_tail()
    stamp = entry_time(tail) if tail is not None else None
    if tail is not None and stamp is not None:
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), f"{tail['seq']}:{tail['hash']}"
    dates = [r.checked for r in session.county_data(county).records if r.checked]
    day = max(dates) if dates else session.today.isoformat()
    return f"{day}T00:00:00Z", ""


def exported_at(session: "Session") -> str:
    """When an export is made: ``SOURCE_DATE_EPOCH`` if set (reproducible), else now (UTC)."""
    from .disclosure import published_at

    return published_at(session).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row_hints(assessment: "Assessment", rows: list["CheckRow"]) -> dict[tuple[str, str], str]:
    hints = {}
    label = assessment.edition.approach(assessment.approach).label
    for row in rows:
        parts = []
        if not row.in_scope:
            parts.append(f"gilt in der gewählten Vorgehensweise ({label}) nicht")
        if row.recheck:
            parts.append(f"erneut prüfen: {row.recheck}")
        if parts:
            hints[row.key] = "; ".join(parts)
    return hints


# -- Excel -----------------------------------------------------------------------------------------


def workbook_model(session: "Session", county: "County", responsible: str | None = None) -> "WorkbookModel":
    """What ``export xlsx`` writes for a county (``responsible``: only that department's rows)."""
    from ..exchange.rows import check_rows
    from ..exchange.xlsx import WorkbookModel
    from .emergency import workbook_sheets

    assessment = session.assessment(county)
    pin = assessment.pin
    rows = check_rows(assessment, responsible=responsible)
    _, journal = data_state(session, county)
    return WorkbookModel(
        county=county.key, county_name=county.profile.name, classification=county.profile.classification,
        catalog=pin.name if pin else "", sha256=pin.sha256 if pin else "", exported=exported_at(session),
        responsible=(responsible or "").strip(), rows=rows,
        sheets_before=[targets_sheet(assessment), modelling_sheet(assessment)],
        sheets_after=[plan_sheet(session, county), *workbook_sheets(session, county)], journal=journal,
        hints=_row_hints(assessment, rows),
    )


def targets_sheet(assessment: "Assessment") -> "Sheet":
    from ..assess.targets import DIMENSIONS, EFFECTS
    from ..exchange.xlsx import Sheet

    headers = [("ID", 14), ("Name", 34), ("Typ", 18), ("Art", 20), ("Anzahl", 8), ("abhängig von", 24),
               ("Kronjuwel", 10), ("Schutzbedarf Vertraulichkeit", 14), ("Schutzbedarf Integrität", 14),
               ("Schutzbedarf Verfügbarkeit", 14), ("Begründung Vertraulichkeit", 30), ("Begründung Integrität", 30),
               ("Begründung Verfügbarkeit", 30), ("vererbt von", 24), ("Übersteuerung", 34), ("Beschreibung", 40)]
    rows = []
    for target in assessment.data.targets:
        need = assessment.data.needs.get(target.id)
        results = [need.result(d) if need else target.own(d) for d in DIMENSIONS]
        inherited = []
        if need:
            for dim in DIMENSIONS:
                if need.dims[dim].inherited_from:
                    inherited.append(f"{dim}: {', '.join(need.dims[dim].inherited_from)}")
        override = ""
        if target.override:
            effect = EFFECTS.get(target.override_effect, "")
            values = ", ".join(f"{k}={v}" for k, v in sorted(target.override.items()))
            override = f"{values}" + (f" ({effect})" if effect else "") + (f": {target.override_reason}"
                                                                           if target.override_reason else "")
        rows.append([target.id, target.name, target.type, target.kind or None, target.count,
                     ", ".join(target.depends_on) or None, "ja" if target.kronjuwel else None, *results,
                     *[target.need_reasons.get(d) or None for d in DIMENSIONS], "; ".join(inherited) or None,
                     override or None, target.description or None])
    return Sheet("Zielobjekte", headers, rows, wrap=(1, 10, 11, 12, 14, 15))


def modelling_sheet(assessment: "Assessment") -> "Sheet":
    from ..exchange.xlsx import Sheet

    edition = assessment.edition
    counts: dict[tuple[str, str], int] = {}
    for pair in assessment.pairs:
        module = pair.requirement.group or ""
        counts[(pair.target.id, module)] = counts.get((pair.target.id, module), 0) + 1
    headers = [("Zielobjekt", 14), ("Zielobjekt (Name)", 30), (edition.module_label or "Baustein", 14),
               ("Titel", 40), ("Begründung", 50), ("Anforderungen", 14)]
    rows = []
    for target in assessment.data.targets:
        entries = target.modelling or tuple(_entry(m) for m in edition.current_modules(target))
        for entry in entries:
            rows.append([target.id, target.name, entry.module, edition.module_title(assessment.catalog, entry.module)
                         or None, entry.why, counts.get((target.id, entry.module))])
    return Sheet("Modellierung", headers, rows, wrap=(3, 4))


def _entry(module: str) -> Any:
    from ..assess.targets import ModellingEntry

    return ModellingEntry(module)


def plan_sheet(session: "Session", county: "County") -> "Sheet":
    from ..exchange.xlsx import DATE_FORMAT, MONEY_FORMAT, Sheet

    view = session.plan_view(county)
    headers = [("Maßnahme", 10), ("Anforderung", 14), ("Zielobjekt", 14), ("Titel", 36), ("Beschreibung", 44),
               ("Priorität", 9), ("Stand", 13), ("Verantwortlich", 22), ("Frist", 12), ("Kosten", 13),
               ("Lücke", 10), ("Stufe", 8), ("überfällig", 10), ("Hinweis", 40)]
    rows = [[m.id, m.requirement, m.target, m.title, m.description or None, m.priority, m.state,
             m.responsible or None, m.deadline, m.cost, m.gap_status, m.level, "ja" if view.overdue(m) else None,
             view.notes.get(m.id)] for m in view.measures]
    return Sheet("Realisierungsplan", headers, rows, formats={8: DATE_FORMAT, 9: MONEY_FORMAT}, wrap=(3, 4, 13))


def export_xlsx(session: "Session", county: "County", responsible: str | None = None) -> tuple[bytes, "WorkbookModel"]:
    """The county's workbook and what it holds."""
    from ..exchange.xlsx import write_workbook

    model = workbook_model(session, county, responsible)
    if responsible and not model.rows:
        raise RefusedError(f"Landkreis {county.profile.name} hat keine Prüfeinträge mit Verantwortlich „{responsible}“; "
                           "nichts zu exportieren.")
    return write_workbook(model), model


@dataclass
class ImportResult:
    """What an import found and (with ``apply``) did."""

    county: "County"
    file: str
    proposal: "Proposal"
    applied: list[tuple[dict[str, Any] | None, dict[str, Any]]] = field(default_factory=list)
    skipped_conflicts: bool = False
    actor: str = ""
    source: dict[str, str] = field(default_factory=dict)


def _refuse_problems(problems: list[str], path: Path, what: str) -> None:
    if not problems:
        return
    from ..exchange.xlsx import MAX_ERRORS

    shown = "\n  ".join(problems[:MAX_ERRORS])
    more = f"\n  … und {len(problems) - MAX_ERRORS} weitere" if len(problems) > MAX_ERRORS else ""
    noun = "Fehler" if len(problems) != 1 else "Fehler"
    raise InputError(f"{len(problems)} {noun} in {what}; nichts geändert:\n  {shown}{more}", path=str(path))


def import_xlsx(session: "Session", path: Path, *, county_key: str | None, apply: bool, merge: bool) -> ImportResult:
    """Read an exported workbook back: what it changes (every cell checked), applied with ``apply``."""
    from ..exchange.rows import check_rows, propose
    from ..exchange.xlsx import cell_ref, read_workbook
    from ..exchange.zipsafe import MAX_FILE
    from ..store import fs

    if path.suffix.lower() in (".xlsm", ".xltm", ".xlam"):
        raise HostileInputError("Makro-Arbeitsmappen (.xlsm) werden nicht gelesen; in Excel als "
                                "„Excel-Arbeitsmappe (*.xlsx)“ speichern.", path=str(path))
    if path.suffix.lower() in (".xls", ".csv", ".ods"):
        raise InputError(f"{path.suffix}-Dateien werden nicht gelesen; in Excel als „Excel-Arbeitsmappe (*.xlsx)“ "
                         "speichern.", path=str(path))
    data = fs.read_bytes(path, limit=MAX_FILE)
    workbook = read_workbook(data, str(path))
    state = workbook.state
    county = _source_county(session, state.get("county", ""), county_key, path, "Arbeitsmappe")
    _same_pin(session, county, state.get("sha256", ""), state.get("catalog", ""), path, "Arbeitsmappe")
    current = {row.key: row for row in check_rows(session.assessment(county))}
    problems = list(workbook.errors)
    seen: set[tuple[str, str]] = set()
    read = []
    for item in workbook.rows:
        ref = cell_ref(0, item.row)
        label = f"{item.key[0]} auf {item.key[1]}"
        if item.key in seen:
            problems.append(f"{ref}: Zeile {label} steht doppelt in der Arbeitsmappe.")
            continue
        seen.add(item.key)
        if item.key not in workbook.exported:
            problems.append(f"{ref}: {label} wurde nicht exportiert (Zeilen nicht hinzufügen und Kennungen nicht "
                            "ändern).")
            continue
        if item.key not in current:
            problems.append(f"{ref}: {label} ist im Landkreis nicht (mehr) modelliert; neu exportieren.")
            continue
        read.append((item.key, item.values, workbook.exported[item.key]))
    _refuse_problems(problems, path, "der Arbeitsmappe")
    proposal = propose(current, read)
    _check_changes(session, proposal, workbook.cells, path)
    if (proposal.stale or proposal.conflicts) and not merge:
        raise RefusedError(_stale_message(proposal, "Arbeitsmappe", "Datum des Exports " + state.get("exported", "")),
                           path=str(path))
    result = ImportResult(county, path.name, proposal, skipped_conflicts=bool(proposal.conflicts),
                          actor=f"excel-import:{path.name}", source=state)
    if apply and proposal.changes:
        result.applied = _apply(session, county, proposal, result.actor)
    return result


def _source_county(session: "Session", named: str, county_key: str | None, path: Path, what: str) -> "County":
    if not named:
        raise InputError(f"{what} nennt keinen Landkreis.", path=str(path))
    if county_key is not None and county_key != named:
        raise RefusedError(f"{what} gehört zu Landkreis '{named}', nicht zu '{county_key}'; nichts geändert.",
                           path=str(path))
    if named not in session.counties():
        raise RefusedError(f"{what} gehört zu Landkreis '{named}', den es in dieser Arbeitsumgebung nicht gibt; "
                           "nichts geändert.", path=str(path))
    return session.county(named)


def _same_pin(session: "Session", county: "County", sha256: str, name: str, path: Path, what: str) -> None:
    pin, _catalog = session.county_catalog(county)
    if sha256 != pin.sha256:
        raise RefusedError(
            f"{what} wurde gegen Katalog {name or '?'} (sha256 {sha256[:12] or '?'}) erstellt, Landkreis "
            f"{county.profile.name} prüft inzwischen gegen {pin.name} (sha256 {pin.sha256[:12]}); die Zeilen "
            "passen nicht zueinander. Bitte neu exportieren; nichts geändert.", path=str(path))


def _stale_message(proposal: "Proposal", what: str, when: str) -> str:
    parts = []
    if proposal.stale:
        labels = ", ".join(r.label for r in proposal.stale[:8]) + (" …" if len(proposal.stale) > 8 else "")
        parts.append(f"{len(proposal.stale)} Zeile(n) wurden seit dem Export in ikz-isms geändert ({labels})")
    if proposal.conflicts:
        labels = ", ".join(r.label for r, _ in proposal.conflicts[:8]) + (" …" if len(proposal.conflicts) > 8 else "")
        parts.append(f"{len(proposal.conflicts)} Zeile(n) wurden hier und in ikz-isms geändert ({labels})")
    return (f"{what} ist älter als der Stand des Landkreises ({when}): " + "; ".join(parts) + ". Neu exportieren, "
            "oder mit --merge nur die Zeilen übernehmen, die seitdem allein in der Datei geändert wurden "
            "(seitdem in ikz-isms geänderte bleiben, wie sie sind); nichts geändert.")


def _check_changes(session: "Session", proposal: "Proposal", cells: dict[tuple[tuple[str, str], str], str],
                   path: Path) -> None:
    """Every proposed change meets the rules a record file would (lengths, characters, reason).

    An emptied evidence cell clears the record's evidence; the preview names it ("Nachweise
    geleert") and the journal keeps the old list."""
    from ..assess.records import change_problems
    from ..exchange.rows import record_change

    problems = []
    for row, values in proposal.changes + proposal.conflicts:
        field_cell = {name: cells.get((row.key, name), row.label) for name in
                      ("status", "statement", "reason", "responsible", "evidence", "checked")}
        for problem in change_problems(record_change(row, values, session.today)):
            problems.append(f"{field_cell.get(problem.field or 'status', row.label)}: {problem.message}")
    _refuse_problems(problems, path, "der Datei")


def _apply(session: "Session", county: "County", proposal: "Proposal", actor: str
           ) -> list[tuple[dict[str, Any] | None, dict[str, Any]]]:
    from ..exchange.rows import record_change

    changes = [record_change(row, values, session.today) for row, values in proposal.changes]
    return session.set_records(county, changes, actor=actor)


def describe_change(row: "CheckRow", values: "RowValues") -> str:
    """``Status ja → teilweise; Umsetzung geändert`` (German, for the preview)."""
    names = {"status": "Status", "statement": "Umsetzung", "reason": "Begründung", "responsible": "Verantwortlich",
             "checked": "Datum", "evidence": "Nachweise"}
    parts = []
    for name in row.values.differences(values):
        if name == "status":
            parts.append(f"Status {row.values.status} → {values.status}")
        elif name == "checked":
            parts.append(f"Datum {row.values.checked or '–'} → {values.checked or '–'}")
        elif name == "evidence" and not values.evidence:
            parts.append(f"Nachweise geleert (bisher {len(row.values.evidence)})")
        else:
            parts.append(f"{names[name]} geändert")
    return "; ".join(parts)


# -- OSCAL -----------------------------------------------------------------------------------------


OSCAL_KINDS = ("ssp", "assessment-results", "poam")


def export_oscal(session: "Session", county: "County", kind: str) -> dict[str, Any]:
    """The county's check as an OSCAL document (``ssp``, ``assessment-results`` or ``poam``)."""
    from ..exchange import oscal

    assessment = session.assessment(county)
    state, journal = data_state(session, county)
    context = oscal.Context(
        county=county.key, county_name=county.profile.name, classification=county.profile.classification,
        isb=dict(county.profile.isb), state=state, journal=journal, catalog_href=_catalog_href(session, county),
        approach_label=assessment.edition.approach(assessment.approach).label, edition=assessment.edition.title,
    )
    if kind == "ssp":
        return oscal.ssp(assessment, context)
    if kind == "assessment-results":
        return oscal.assessment_results(assessment, context)
    return oscal.poam(assessment, session.plan_view(county), context)


def _catalog_href(session: "Session", county: "County") -> str:
    pin, _catalog = session.county_catalog(county)
    if not pin.file.lower().endswith((".json", ".yaml", ".yml")):
        session.warn(f"Katalog-Pin {pin.name} ist keine OSCAL-Datei ({pin.file}); das SSP verweist darauf, andere "
                     "OSCAL-Werkzeuge können ihn aber nicht laden (ikz-isms catalog import legt ihn als OSCAL-JSON ab).")
    return session.workspace.layout.relative(session.workspace.root / pin.file)


def import_oscal_ssp(session: "Session", path: Path, *, county_key: str | None, apply: bool) -> ImportResult:
    """Read an SSP back into check records: ikz-isms's own SSP exactly, another tool's by its
    implementation status (docs/exchange.md); shown, applied with ``apply``."""
    from ..exchange import oscal
    from ..exchange.rows import check_rows, propose
    from ..store import fs, parse_json

    data = fs.read_bytes(path, limit=OSCAL_LIMIT)
    document = parse_json(data, str(path))
    read = oscal.read_ssp(document, str(path))
    named = read.county or county_key or ""
    if read.county and county_key and read.county != county_key:
        raise RefusedError(f"SSP gehört zu Landkreis '{read.county}', nicht zu '{county_key}'; nichts geändert.",
                           path=str(path))
    if not named:
        raise InputError("SSP nennt keinen Landkreis (system-ids); bitte --county angeben.", path=str(path))
    county = _source_county(session, named, None, path, "SSP")
    if read.sha256:
        _same_pin(session, county, read.sha256, read.catalog, path, "SSP")
    assessment = session.assessment(county)
    current = {row.key: row for row in check_rows(assessment)}
    names = {t.name.casefold(): t.id for t in assessment.data.targets}
    problems = list(read.problems)
    pairs = []
    seen = set()
    for item in read.rows:
        target = item.target if assessment.data.target(item.target) else names.get(item.target.casefold(), "")
        key = (item.requirement, target)
        if not target:
            problems.append(f"{item.where}: Komponente „{item.target}“ ist kein Zielobjekt des Landkreises.")
            continue
        if key not in current:
            problems.append(f"{item.where}: {item.requirement} auf {target} ist nicht modelliert.")
            continue
        if key in seen:
            problems.append(f"{item.where}: {item.requirement} auf {target} steht doppelt.")
            continue
        seen.add(key)
        values = item.values
        if not item.exact:
            # another tool's SSP states status and statement; responsible, evidence and date stay ikz-isms's
            now = current[key].values
            values = replace(values, responsible=now.responsible, evidence=now.evidence, checked=now.checked)
        pairs.append((key, values, None))
    _refuse_problems(problems, path, "dem SSP")
    proposal = propose(current, pairs)
    _check_changes(session, proposal, {}, path)
    result = ImportResult(county, path.name, proposal, actor=f"oscal-import:{path.name}",
                          source={"county": county.key, "exported": read.state})
    if apply and proposal.changes:
        result.applied = _apply(session, county, proposal, result.actor)
    return result


# -- calendar --------------------------------------------------------------------------------------


def export_ics(session: "Session", county: "County | None", months: int) -> tuple[str, dict[str, Any]]:
    """Deadlines as an iCalendar file: for one county (notice deadlines of its contracts, its measures'
    deadlines, the expiry of reviews it published or adopted) or for the Verbund (contracts, reviews,
    and only what the members' disclosure packages hold). Returns the text and a summary."""
    from ..exchange import ics
    from ..procure.dates import add_months
    from .procurement import load_contracts

    today = session.today
    horizon = add_months(today, months)
    contracts = [c for c in load_contracts(session) if county is None or county.key in c.holders]
    events = ics.contract_events(contracts, today, horizon)
    notes: list[str] = []
    reviews = session.reviews()
    if county is not None:
        events += ics.measure_events(county.key, county.profile.name, session.plan_view(county).measures, today)
        records = session.county_data(county).records
        adopted = {r.provenance.split(":", 1)[1] for r in records if r.provenance.startswith("review:")}
        own = [r for r in reviews.values() if r.author == county.key or r.id in adopted]
        events += ics.review_events(own, today, county=county.key, adopted=adopted)
        name = f"Landkreis {county.profile.name}"
    else:
        from .federation import members

        found = members(session, today, with_records=True)
        adopters: dict[str, list[str]] = {}
        for member in found:
            table = (member.payload or {}).get("records") if member.usable and member.policy == "full" else None
            if not table:
                continue
            column = table["columns"].index("provenance")
            for review_id in sorted({row[column].split(":", 1)[1] for row in table["rows"]
                                     if str(row[column] or "").startswith("review:")}):
                adopters.setdefault(review_id, []).append(member.name)
        events += ics.review_events(list(reviews.values()), today, adopters=adopters)
        withheld = [m.name for m in found if not (m.usable and m.policy == "full")]
        notes.append("Fristen von Maßnahmen fehlen im Verbund-Kalender: die Offenlegungspakete der Landkreise "
                     "enthalten keinen Realisierungsplan (je Landkreis: ikz-isms export ics --county KEY).")
        if withheld:
            notes.append("Übernahmen von Bewertungen nur aus Paketen mit Offenlegung full; ohne: " + ", ".join(withheld)
                         + ".")
        name = f"Verbund {session.workspace.name}"
    from .. import __version__

    text = ics.calendar(events, name=f"ikz-isms Fristen – {name}", stamp=today, version=__version__)
    return text, {"events": len(events), "notes": notes, "name": name}
