"""Use cases of a shared service centre: read it, plan a year, record actual hours, settle, write statements.

The files (``catalogs/zentren/<id>/zentrum.yaml`` and ``stunden-<JJJJ>.yaml``) are read
through the store (size limits, safe YAML, JSON Schema with German messages, line numbers)
and then by :mod:`ikz_isms.procure.centre`; a bad file stops every command with its place
(exit 3), ``check`` lists it (rule ``centre.invalid``). Recording hours is one locked
read-modify-write of the year's file that adds one entry (comments and layout stay).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError, UsageError

if TYPE_CHECKING:
    from ..procure.centre import Actuals, Centre, CentreSettlement, Plan
    from ..procure.statement import Statement
    from .session import Session

KEY = re.compile(r"[a-z0-9][a-z0-9-]*")
HOURS_HEADER = ("# Ist-Stunden {year} des Dienstleistungszentrums '{centre}', erfasst mit\n"
                "# 'ikz-isms service-centre hours add'. Je Eintrag: Datum, Mitglied, Kostenstelle, Stunden.\n")


def centre_ids(session: "Session") -> list[str]:
    """The ids of every centre folder that holds a ``zentrum.yaml``."""
    from ..store import fs

    layout = session.workspace.layout
    return [entry.name for entry in fs.list_dir(layout.centres_dir)
            if session.store.exists(layout.centre_file(entry.name))]


def load_centre(session: "Session", centre_id: str) -> "Centre":
    """The centre ``centre_id``; a missing or broken file is a located InputError."""
    from ..procure.centre import KIND, parse_centre

    path = session.workspace.layout.centre_file(centre_id)
    if not KEY.fullmatch(centre_id) or not session.store.exists(path):
        known = ", ".join(centre_ids(session)) or "keine"
        raise NotFoundError(f"Dienstleistungszentrum '{centre_id}' nicht gefunden (vorhanden: {known}).",
                            path=str(path))
    centre = parse_centre(session.store.parse(path, KIND))
    if centre.id != centre_id:
        raise InputError(f"'id: {centre.id}' passt nicht zum Ordner '{centre_id}'.", path=str(path),
                         location=centre.locations.get("id"))
    return centre


def load_actuals(session: "Session", centre: "Centre", year: int) -> "Actuals":
    """The year's actual hours (an empty year when nothing was recorded yet)."""
    from ..procure.centre import HOURS_KIND, Actuals, parse_actuals

    path = session.workspace.layout.centre_hours_file(centre.id, year)
    if not session.store.exists(path):
        centre.plan(year)  # a year without a plan is an error whether or not hours exist
        return Actuals(year, [], {}, None)
    return parse_actuals(session.store.parse(path, HOURS_KIND), centre, year)


def centre_plan(session: "Session", centre_id: str, year: int) -> "Plan":
    """Planned hours, contributions, base fees and advances of ``year``."""
    from ..procure.centre import plan
    from .procurement import legal_figures

    return plan(load_centre(session, centre_id), year, legal_figures(session))


@dataclass(frozen=True)
class HoursRequest:
    """Actual hours to record: who used which service on which day, how many hours."""

    member: str
    service: str
    hours: Decimal
    day: dt.date
    description: str = ""


def record_hours(session: "Session", centre_id: str, request: HoursRequest) -> tuple[Path, dict[str, Any]]:
    """Append one entry to ``stunden-<year of the day>.yaml`` (created when missing), locked and checked.

    Refused before anything is written (exit 2): a member or service the centre does not
    have, a year without a plan.
    """
    from ..procure.centre import HOURS_KIND, parse_actuals
    from ..store import fs
    from ..store.edit import to_rt

    centre = load_centre(session, centre_id)
    year = request.day.year
    if year not in centre.plans:
        known = ", ".join(str(y) for y in sorted(centre.plans)) or "keiner"
        raise UsageError(f"--date {request.day.isoformat()}: für {year} gibt es keinen Plan (Pläne: {known}).")
    if request.member not in centre.members:
        raise UsageError(f"--member '{request.member}' ist kein Mitglied (Mitglieder: {', '.join(centre.members)}).")
    if request.service not in centre.plans[year].rates:
        raise UsageError(f"--service '{request.service}' hat im Plan {year} keinen Stundensatz "
                         f"(Kostenstellen: {', '.join(centre.plans[year].rates)}).")
    path = session.workspace.layout.centre_hours_file(centre.id, year)
    entry: dict[str, Any] = {"date": request.day, "member": request.member, "service": request.service,
                             "hours": f"{request.hours:f}"}
    if request.description:
        entry["description"] = request.description
    entry["recorded"] = session.today

    def header() -> str:
        return HOURS_HEADER.format(year=year, centre=centre.id) + f"year: {year}\nentries: []\n"

    def add(document: Any) -> None:
        from ruamel.yaml.comments import CommentedSeq

        if document.get("entries") is None:
            document["entries"] = CommentedSeq()
        document["entries"].append(to_rt(entry))

    with fs.locked(path):
        session.store.forget(path)
        if session.store.exists(path):
            # a broken file is refused before any change; the new entry was checked above
            parse_actuals(session.store.parse(path, HOURS_KIND), centre, year)
        session.store.edit(path, HOURS_KIND, add, default=header, lock=False)
    return path, {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in entry.items()}


def centre_settlement(session: "Session", centre_id: str, year: int) -> "CentreSettlement":
    """The settlement of ``year``: actual hours × rates, base fee, VAT, minus advances, per member."""
    from ..procure.centre import settle
    from .procurement import legal_figures

    centre = load_centre(session, centre_id)
    return settle(centre, load_actuals(session, centre, year), legal_figures(session))


def settlement_day(session: "Session", year: int, day: dt.date) -> dt.date:
    """Check the statement date: after the year; outside the first quarter of the next year a warning."""
    from ..present.de import date_de
    from ..procure.centre import first_quarter

    if day <= dt.date(year, 12, 31):
        raise UsageError(f"--date {date_de(day)}: die Abrechnung {year} kann erst nach dem Jahresende erstellt "
                         "werden (im ersten Quartal des Folgejahres).")
    start, end = first_quarter(year)
    if not start <= day <= end:
        session.warn(f"Abrechnung {year} am {date_de(day)}: vorgesehen ist das erste Quartal "
                     f"({date_de(start)}–{date_de(end)}).")
    return day


def centre_statements(session: "Session", settlement: "CentreSettlement", day: dt.date) -> list["Statement"]:
    """One statement per member, dated ``day`` (issuer and bank: the centre's, else the Verbund config)."""
    from ..county import DEFAULT_CLASSIFICATION
    from ..procure.centre import settlement_statements
    from .procurement import settlement_config

    return settlement_statements(settlement, settlement_config(session), day, DEFAULT_CLASSIFICATION)
