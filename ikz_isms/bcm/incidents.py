"""A county's register of security incidents (``vorfaelle.yaml``).

Per incident: date, category, severity, affected target objects, to whom it was reported
and when (CERT, BSI, the data protection authority, the police), the immediate measures,
the lessons learned and the follow-up measures, which enter the Realisierungsplan
(``plan.yaml`` measures whose ``requirement`` is the incident's id, e.g. ``V-2026-01``).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError

CATEGORIES = {
    "schadprogramm": "Schadprogramm (z. B. Ransomware)",
    "unbefugter-zugriff": "Unbefugter Zugriff",
    "datenabfluss": "Datenabfluss",
    "phishing": "Phishing, Social Engineering",
    "dienstverweigerung": "Verhinderung von Diensten (DoS)",
    "ausfall": "Ausfall von IT oder Dienstleister",
    "fehlbedienung": "Fehlbedienung",
    "verlust": "Verlust oder Diebstahl",
    "sonstiges": "Sonstiges",
}
SEVERITIES = ("gering", "mittel", "hoch", "kritisch")
INCIDENT_ID = re.compile(r"^V-([0-9]{4})-([0-9]+)$")


@dataclass(frozen=True)
class Report:
    """A report of the incident: to whom, when, under which reference."""

    to: str
    on: _dt.date
    reference: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"to": self.to, "date": self.on.isoformat(), "reference": self.reference or None}


@dataclass(frozen=True)
class Incident:
    id: str
    date: _dt.date
    title: str
    category: str
    severity: str
    affected: tuple[str, ...] = ()
    reported: tuple[Report, ...] = ()
    measures: tuple[str, ...] = ()
    lessons: tuple[str, ...] = ()
    followups: tuple[str, ...] = ()
    normal_operation: _dt.date | None = None
    closed: _dt.date | None = None
    index: int = 0

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    @property
    def downtime_days(self) -> int | None:
        """Days until normal operation was back (``None`` while it is not)."""
        return (self.normal_operation - self.date).days if self.normal_operation else None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date.isoformat(), "title": self.title, "category": self.category,
                "category_label": self.category_label, "severity": self.severity, "affected": list(self.affected),
                "reported": [r.as_dict() for r in self.reported], "measures": list(self.measures),
                "lessons": list(self.lessons), "followups": list(self.followups),
                "normal_operation": self.normal_operation.isoformat() if self.normal_operation else None,
                "downtime_days": self.downtime_days, "closed": self.closed.isoformat() if self.closed else None}


def _date(value: Any, parsed: Any, *pointer: Any) -> _dt.date | None:
    from ..assess.plan import deadline_at

    return deadline_at(value, parsed, *pointer)


def parse_incidents(parsed: Any) -> list[Incident]:
    """The incidents of a parsed, schema-valid ``vorfaelle.yaml``; duplicates and impossible dates raise."""
    items = (parsed.data or {}).get("vorfaelle") or []
    found: list[Incident] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        ident = str(item["id"])
        if ident in seen:
            raise InputError(f"Vorfall '{ident}' ist doppelt.", path=parsed.path, location=parsed.location("vorfaelle", index))
        seen.add(ident)
        day = _date(item["date"], parsed, "vorfaelle", index, "date")
        assert day is not None
        reports = []
        for number, report in enumerate(item.get("reported") or []):
            on = _date(report["date"], parsed, "vorfaelle", index, "reported", number, "date")
            assert on is not None
            if on < day:
                raise InputError(f"Vorfall {ident}: gemeldet am {on.isoformat()}, vor dem Vorfall am {day.isoformat()}.",
                                 path=parsed.path, location=parsed.location("vorfaelle", index, "reported", number, "date"))
            reports.append(Report(str(report["to"]).strip(), on, str(report.get("reference") or "").strip()))
        normal = _date(item.get("normal_operation"), parsed, "vorfaelle", index, "normal_operation")
        if normal is not None and normal < day:
            raise InputError(f"Vorfall {ident}: Normalbetrieb am {normal.isoformat()} vor dem Vorfall.",
                             path=parsed.path, location=parsed.location("vorfaelle", index, "normal_operation"))
        closed = _date(item.get("closed"), parsed, "vorfaelle", index, "closed")
        if closed is not None and closed < day:
            raise InputError(f"Vorfall {ident}: abgeschlossen am {closed.isoformat()}, vor dem Vorfall am "
                             f"{day.isoformat()}.", path=parsed.path, location=parsed.location("vorfaelle", index, "closed"))
        if closed is not None and normal is not None and closed < normal:
            raise InputError(f"Vorfall {ident}: abgeschlossen am {closed.isoformat()}, vor dem Normalbetrieb am "
                             f"{normal.isoformat()}.", path=parsed.path,
                             location=parsed.location("vorfaelle", index, "closed"))
        found.append(Incident(
            id=ident, date=day, title=str(item["title"]).strip(), category=str(item["category"]),
            severity=str(item["severity"]), affected=tuple(str(a) for a in item.get("affected") or ()),
            reported=tuple(reports), measures=tuple(str(m).strip() for m in item.get("measures") or ()),
            lessons=tuple(str(m).strip() for m in item.get("lessons") or ()),
            followups=tuple(str(m) for m in item.get("followups") or ()), normal_operation=normal,
            closed=closed, index=index,
        ))
    return found


def next_id(incidents: Iterable[Incident], year: int) -> str:
    numbers = [int(m.group(2)) for m in (INCIDENT_ID.match(i.id) for i in incidents) if m and int(m.group(1)) == year]
    return f"V-{year}-{max(numbers, default=0) + 1:02d}"
