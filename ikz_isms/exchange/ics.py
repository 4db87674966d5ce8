"""Deadlines as an iCalendar file (RFC 5545) that Outlook and Thunderbird import.

Written by hand rather than with a library: the format is small and exactly specified, and
writing it here keeps the bytes under control (the same data gives the same file, which a
library's own stamps and ordering would not promise) without a runtime dependency. The test
suite reads every file back with the ``icalendar`` package.

Each event is an all-day event with a stable ``UID`` (from what it is about, never from the
run), so importing a newer file updates the events instead of duplicating them; alarms are
``VALARM`` components — the 6/3-month reminders before a notice deadline at their exact
calendar dates, relative ones before measure deadlines and review expiry.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..assess.plan import Measure
    from ..assess.reviews import Review
    from ..procure.model import FrameworkContract

PRODID = "-//ikz-isms//ikz-isms {version}//DE"
UID_DOMAIN = "ikz-isms"
#: days before a measure deadline and before a review runs out that an alarm reminds
MEASURE_ALARM_DAYS = 14
REVIEW_ALARM_DAYS = 90


@dataclass(frozen=True)
class Alarm:
    """A reminder: at a calendar day (08:00 UTC) or ``days`` before the event."""

    description: str
    on: _dt.date | None = None
    days: int = 0


@dataclass(frozen=True)
class Event:
    uid: str
    day: _dt.date
    summary: str
    description: str
    category: str
    alarms: tuple[Alarm, ...] = field(default_factory=tuple)


def _uid(*parts: str) -> str:
    text = "-".join(re.sub(r"[^A-Za-z0-9.-]+", "_", part) for part in parts)
    return f"{text}@{UID_DOMAIN}"


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """A content line folded at 75 octets (continuations start with a space), never inside a character."""
    out = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _date(day: _dt.date) -> str:
    return day.strftime("%Y%m%d")


def calendar(events: Sequence[Event], *, name: str, stamp: _dt.date, version: str) -> str:
    """The whole file (CRLF line ends), events by day then UID."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID.format(version=version)}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}", "X-WR-TIMEZONE:Europe/Berlin"]
    dtstamp = f"{_date(stamp)}T000000Z"
    for event in sorted(events, key=lambda e: (e.day, e.uid)):
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{dtstamp}", f"DTSTART;VALUE=DATE:{_date(event.day)}",
                  f"DTEND;VALUE=DATE:{_date(event.day + _dt.timedelta(days=1))}", f"SUMMARY:{escape(event.summary)}",
                  f"DESCRIPTION:{escape(event.description)}", f"CATEGORIES:{escape(event.category)}",
                  "TRANSP:TRANSPARENT", "CLASS:PRIVATE"]
        for alarm in event.alarms:
            trigger = (f"TRIGGER;VALUE=DATE-TIME:{_date(alarm.on)}T080000Z" if alarm.on is not None
                       else f"TRIGGER;RELATED=START:-P{alarm.days}D")
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape(alarm.description)}", trigger,
                      "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def contract_events(contracts: Iterable["FrameworkContract"], today: _dt.date, horizon: _dt.date) -> list[Event]:
    """Notice deadlines (and term ends) of contracts from ``today`` to ``horizon``, each with its
    reminders (``notice_alerts``, 6 and 3 months by default) as alarms on their calendar days."""
    from ..present.de import date_de
    from ..procure.alerts import contract_alerts
    from ..procure.dates import add_months

    events = []
    for contract in contracts:
        for alert in contract_alerts(contract, today, horizon):
            if alert.kind not in ("deadline", "term-end"):
                continue
            alarms = []
            if alert.kind == "deadline":
                for months in sorted(contract.notice_alerts, reverse=True):
                    day = add_months(alert.date, -months)
                    if day >= today:
                        alarms.append(Alarm(f"Erinnerung: {months} Monate bis zur Frist {contract.id} am "
                                            f"{date_de(alert.date)}.", on=day))
            alarms.append(Alarm(f"{contract.id}: {alert.message}", days=7))
            label = "Kündigungsfrist" if alert.kind == "deadline" else "Vertragsende"
            events.append(Event(
                uid=_uid("vertrag", contract.id, alert.kind, alert.date.isoformat()), day=alert.date,
                summary=f"{label}: {contract.title} ({contract.id})",
                description=f"{alert.message}\nVertrag {contract.id}: {contract.title}.\n"
                            f"Beteiligt: {', '.join(contract.holders) or '–'}.",
                category=label, alarms=tuple(alarms)))
    return events


def measure_events(county: str, county_name: str, measures: Iterable["Measure"], today: _dt.date) -> list[Event]:
    """Deadlines of the open measures of a county's Realisierungsplan (the UID follows the measure,
    so a moved deadline updates the event); an overdue one says so and has no alarm (it would ring
    at once on import)."""
    from ..assess.plan import OPEN_STATES

    events = []
    for measure in measures:
        if measure.deadline is None or measure.state not in OPEN_STATES:
            continue
        who = f"Verantwortlich: {measure.responsible}. " if measure.responsible else ""
        overdue = measure.deadline < today
        events.append(Event(
            uid=_uid("massnahme", county, measure.id), day=measure.deadline,
            summary=f"Frist {measure.id} ({county_name}){' – überfällig' if overdue else ''}: {measure.title}",
            description=f"Maßnahme {measure.id} zu {measure.requirement} auf Zielobjekt {measure.target} "
                        f"(Priorität {measure.priority}, Stand {measure.state}). {who}"
                        f"ikz-isms plan --county {county}",
            category="Realisierungsplan",
            alarms=() if overdue else (Alarm(f"Frist der Maßnahme {measure.id} in {MEASURE_ALARM_DAYS} Tagen.",
                                             days=MEASURE_ALARM_DAYS),)))
    return events


def review_events(reviews: Iterable["Review"], today: _dt.date, *, county: str | None = None,
                  adopted: Iterable[str] = (), adopters: dict[str, list[str]] | None = None) -> list[Event]:
    """When shared reviews run out: for a county the ones it published or adopted, for the Verbund all
    (with the adopters a package may name)."""
    adopted_ids = set(adopted)
    events = []
    for review in reviews:
        if county is not None:
            what = ("Geerbte Prüfeinträge aus dieser Bewertung erneut prüfen (ikz-isms review list)."
                    if review.id in adopted_ids else
                    "Eigene Bewertung erneuern: neu bewerten und veröffentlichen (ikz-isms review publish).")
        else:
            names = (adopters or {}).get(review.id) or []
            what = f"Bewertet von {review.author_name}." + (f" Übernommen von: {', '.join(names)}." if names else "")
        events.append(Event(
            uid=_uid("bewertung", review.id, *([county] if county else [])), day=review.valid_until,
            summary=f"Bewertung läuft ab: {review.product} {review.version} ({review.id})",
            description=f"Die gemeinsame Bewertung {review.id} ({review.product} {review.version}, {review.vendor}) "
                        f"gilt bis zu diesem Tag. {what}",
            category="Gemeinsame Bewertung",
            alarms=() if review.valid_until < today else
            (Alarm(f"Bewertung {review.id} läuft in {REVIEW_ALARM_DAYS} Tagen ab.", days=REVIEW_ALARM_DAYS),)))
    return events
