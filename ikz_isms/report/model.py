"""What goes into a report, as plain data: its date, plugin customisation, rows of A.1–A.6."""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import InputError, PluginError

STATUS_ORDER = ("ja", "entbehrlich", "teilweise", "nein", "unbearbeitet")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
#: reportlab's own invariant date, used when neither option, environment nor data give one
FALLBACK_DATE = _dt.date(2000, 1, 1)


@dataclass(frozen=True)
class ReportDate:
    """The date printed in a report and the PDF's creation time (seconds since 1970, UTC)."""

    date: _dt.date
    epoch: int
    source: str


def _midnight(day: _dt.date) -> int:
    return int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc).timestamp())


def report_date(explicit: _dt.date | None, data_dates: Iterable[str | None]) -> ReportDate:
    """Never "now": ``--date``, else ``SOURCE_DATE_EPOCH``, else the latest date in the data."""
    if explicit is not None:
        return ReportDate(explicit, _midnight(explicit), "--date")
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            epoch = int(raw)
        except ValueError:
            raise InputError(
                f"SOURCE_DATE_EPOCH '{raw}' ist keine ganze Zahl (Sekunden seit 1970)."
            ) from None
        day = _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).date()
        return ReportDate(day, epoch, "SOURCE_DATE_EPOCH")
    latest: _dt.date | None = None
    for text in data_dates:
        if not text:
            continue
        try:
            day = _dt.date.fromisoformat(str(text)[:10])
        except ValueError:
            continue
        latest = day if latest is None or day > latest else latest
    if latest is None:
        return ReportDate(FALLBACK_DATE, _midnight(FALLBACK_DATE), "fest")
    return ReportDate(latest, _midnight(latest), "Daten")


def county_dates(county: Any, records: Iterable[Any]) -> list[str | None]:
    """The dates of a county's state: check dates of its records and times of its journal entries.

    Plan deadlines are not among them: they lie in the future and say nothing about the state.
    """
    from ..journal import read

    dates = [r.checked for r in records]
    dates.extend(str(entry.get("time") or "") for entry in read(county.journal_path))
    return dates


_CHECKED = re.compile(rb"^\s*-?\s*checked:\s*['\"]?(\d{4}-\d{2}-\d{2})", re.MULTILINE)


def scan_dates(counties: Iterable[Any]) -> list[str]:
    """The counties' check dates and journal times without parsing their YAML (the Verbund
    report gets its figures from the derived cache and should not read every record again)."""
    from ..journal import read

    dates: list[str] = []
    for county in counties:
        if county.records_path.exists():
            dates.extend(m.decode() for m in _CHECKED.findall(county.records_path.read_bytes()))
        dates.extend(str(entry.get("time") or "") for entry in read(county.journal_path))
    return dates


@dataclass
class Section:
    """An extra section contributed by a plugin (plain text, optional table)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    plugin: str = ""


@dataclass
class Customisation:
    """What plugins added to one report through ``ikz_customise_report``."""

    letterhead: list[str] = field(default_factory=list)
    logo: Path | None = None
    signature: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)


def _strings(value: Any, what: str) -> list[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise PluginError(f"register('{what}', …): erwartet wird eine Liste von Texten.")
    return [str(v) for v in value]


def _section(value: Any, plugin: str) -> Section:
    if not isinstance(value, Mapping) or not value.get("title"):
        raise PluginError("register('section', …): erwartet wird ein Mapping mit 'title'.")
    table = value.get("table") or {}
    if not isinstance(table, Mapping):
        raise PluginError("register('section', …): 'table' muss ein Mapping mit 'header' und 'rows' sein.")
    header = _strings(table.get("header") or [], "section")
    rows = [_strings(row, "section") for row in table.get("rows") or []]
    if any(len(row) != len(header) for row in rows):
        raise PluginError("register('section', …): jede Tabellenzeile braucht so viele Zellen wie 'header'.")
    return Section(str(value["title"]), _strings(value.get("paragraphs") or [], "section"), header, rows, plugin)


def collect_customisation(pm: Any, kind: str, county: Any) -> Customisation:
    """Ask every plugin's ``ikz_customise_report``; problems become plugin failures."""
    result = Customisation()

    def register(part: str, value: Any, *, plugin: str) -> None:
        if part in ("letterhead", "logo", "signature"):
            if part in result.owners:
                raise PluginError(
                    f"{part} für diesen Bericht ist bereits von {result.owners[part]} festgelegt."
                )
            if part == "letterhead":
                result.letterhead = _strings(value, part)
            elif part == "logo":
                path = Path(value)
                if path.suffix.lower() not in LOGO_SUFFIXES or not path.is_file():
                    raise PluginError(f"Logo '{path}' fehlt oder ist kein PNG/JPEG.")
                result.logo = path
            else:
                pairs = []
                for item in value:
                    role, name = (list(item) + [""])[:2] if not isinstance(item, str) else (item, "")
                    pairs.append((str(role), str(name)))
                result.signature = pairs
            result.owners[part] = plugin
        elif part == "section":
            result.sections.append(_section(value, plugin))
        else:
            raise PluginError(
                f"register('{part}', …): unbekannter Teil (möglich: letterhead, logo, signature, section)."
            )

    pm.contribute("ikz_customise_report", register, kind=kind, county=county)
    return result


def provenance_de(provenance: str | None) -> str:
    if not provenance or provenance == "own":
        return "eigene Prüfung"
    if provenance.startswith("review:"):
        return f"übernommen aus Prüfung {provenance[len('review:'):]}"
    return provenance


def level_label(req: Any, world: str) -> str:
    if world == "ed2023":
        return req.level or "–"
    return " ".join(x for x in (req.modal_verb, req.level) if x) or "–"


@dataclass(frozen=True)
class CheckRow:
    """One line of A.4: a requirement on a target object with its record (or none)."""

    requirement: Any
    target: Any
    level: str
    status: str
    record: Any
    module: str


def module_label(catalog: Any, req: Any) -> str:
    """The Baustein (Edition 2023) or Thema (G++) a requirement belongs to, as "ID Titel"."""
    group = catalog.groups.get(req.group) if req.group else None
    while group is not None and group.kind not in ("baustein", "topic"):
        group = catalog.groups.get(group.parent) if group.parent else None
    group = group or (catalog.groups.get(req.group) if req.group else None)
    return f"{group.id} {group.title}" if group is not None else "ohne Gruppe"


def check_rows(assessment: Any) -> dict[str, list[CheckRow]]:
    """A.4 rows by target object id (in structure order): every pair that applies under an approach."""
    from ..assess.summary import status_of

    world = assessment.catalog.world
    catalog = assessment.catalog
    rows: dict[str, list[CheckRow]] = {t.id: [] for t in assessment.data.targets}
    records = assessment.data.records
    modules: dict[str | None, str] = {}
    for pair in assessment.pairs:
        if not pair.approaches:
            continue
        req = pair.requirement
        if req.group not in modules:
            modules[req.group] = module_label(catalog, req)
        rows.setdefault(pair.target.id, []).append(CheckRow(
            req, pair.target, level_label(req, world), status_of(pair, records),
            records.get(req.id, pair.target.id), modules[req.group],
        ))
    return rows


def modelling_rows(assessment: Any) -> list[tuple[Any, list[tuple[str, str]], dict[str, int]]]:
    """A.3: per target object its Bausteine (or G++ categories) with titles, and counts per approach."""
    from ..assess.modelling import approaches_for, target_categories

    catalog = assessment.catalog
    approaches = approaches_for(catalog)
    counts: dict[str, dict[str, int]] = {t.id: {a: 0 for a in approaches} for t in assessment.data.targets}
    for pair in assessment.pairs:
        for approach in pair.approaches:
            counts.setdefault(pair.target.id, {a: 0 for a in approaches})[approach] += 1
    result = []
    for target in assessment.data.targets:
        if catalog.world == "ed2023":
            modules = [(b, catalog.groups[b].title if b in catalog.groups else "(unbekannt)") for b in target.bausteine]
        else:
            modules = [(c, "Zielobjektkategorie") for c in target_categories(target)]
        result.append((target, modules, counts[target.id]))
    return result


def measures(assessment: Any, today: _dt.date) -> list[Any]:
    """A.6: the Realisierungsplan as ``plan`` keeps it, with measures for new gaps added."""
    from ..assess.plan import build_plan, load_plan

    return build_plan(assessment, load_plan(assessment.data.county), today)
