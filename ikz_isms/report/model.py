"""What goes into a report, as plain data: its date, plugin customisation, rows of A.1–A.6."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, PluginError

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..assess.records import CheckRecord
    from ..assess.targets import TargetObject
    from ..catalog.model import Catalog, Requirement
    from ..county import County
    from ..plugins import IkzPluginManager

LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
#: reportlab's own invariant date, used when neither option, environment nor data give one
FALLBACK_DATE = _dt.date(2000, 1, 1)


@dataclass(frozen=True)
class ReportDate:
    """The date printed in a report and the PDF's creation time (seconds since 1970, UTC)."""

    date: _dt.date
    epoch: int
    source: str


def midnight_epoch(day: _dt.date) -> int:
    """Seconds since 1970 at 00:00 UTC of ``day``: a PDF's creation time taken from a date in the data."""
    return int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.UTC).timestamp())


def report_date(explicit: _dt.date | None, today: _dt.date) -> ReportDate:
    """When the report is made: ``--date``, else the run's date (``SOURCE_DATE_EPOCH`` keeps bytes reproducible)."""
    if explicit is not None:
        return ReportDate(explicit, midnight_epoch(explicit), "--date")
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            epoch = int(raw)
            day = _dt.datetime.fromtimestamp(epoch, _dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH '{raw}' ist keine gültige Zahl von Sekunden seit 1970.") from None
        return ReportDate(day, epoch, "SOURCE_DATE_EPOCH")
    return ReportDate(today, midnight_epoch(today), "heute")


def state_date(dates: Iterable[str | None]) -> _dt.date | None:
    """The data's state: the latest check date or journal time (``None`` when the data has none)."""
    latest: _dt.date | None = None
    for text in dates:
        if not text:
            continue
        try:
            day = _dt.date.fromisoformat(str(text)[:10])
        except ValueError:
            continue
        latest = day if latest is None or day > latest else latest
    return latest


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


def collect_customisation(pm: IkzPluginManager, kind: str, county: County | None) -> Customisation:
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


@dataclass(frozen=True)
class CheckRow:
    """One line of A.4: a requirement on a target object with its record (or none)."""

    requirement: Requirement
    target: TargetObject
    level: str
    status: str
    record: CheckRecord | None
    module: str


def module_label(catalog: Catalog, req: Requirement) -> str:
    """The Baustein (Edition 2023) or Thema (G++) a requirement belongs to, as "ID Titel"."""
    group = catalog.groups.get(req.group) if req.group else None
    while group is not None and group.kind not in ("baustein", "topic"):
        group = catalog.groups.get(group.parent) if group.parent else None
    group = group or (catalog.groups.get(req.group) if req.group else None)
    return f"{group.id} {group.title}" if group is not None else "ohne Gruppe"


def check_rows(assessment: Assessment) -> dict[str, list[CheckRow]]:
    """A.4 rows by target object id (in structure order): every pair that applies under the county's approach."""
    from ..assess.summary import status_of

    edition = assessment.edition
    catalog = assessment.catalog
    rows: dict[str, list[CheckRow]] = {t.id: [] for t in assessment.data.targets}
    records = assessment.data.records
    modules: dict[str | None, str] = {}
    for pair in assessment.pairs:
        if not assessment.in_scope(pair):
            continue
        req = pair.requirement
        if req.group not in modules:
            modules[req.group] = module_label(catalog, req)
        rows.setdefault(pair.target.id, []).append(CheckRow(
            req, pair.target, edition.level_label(req), status_of(pair, records),
            records.get(req.id, pair.target.id), modules[req.group],
        ))
    return rows
