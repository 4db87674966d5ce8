"""Joint emergency planning of the Verbund: mutual-aid agreements, exercises, fallbacks, disclosed figures.

**Mutual-aid agreements** (``catalogs/notfall/vereinbarungen.yaml``, shared by all members):
which county (``provider``) takes over (*übernehmen*) or supports (*unterstützen*) which
service for which other parties, under which conditions, how it is activated and whom to
call. A county's critical business process has a **fallback** in the Verbund when a valid
agreement covers its ``service`` for that county.

**Joint exercises** (``catalogs/notfall/uebungen.yaml``): type after BSI-Standard 200-4
(Planbesprechung, Alarmierungsübung, Stabsübung, Funktionstest, Notfallübung), date,
participants, result, lessons learned and follow-up measures. Overdue (:func:`overdue`): a
planned exercise whose day has passed, a member or an agreement not exercised within the
Verbund's interval (``emergency.exercise_interval_months``, default 12), an open follow-up
past its deadline.

**What a county discloses** (:func:`disclose`) about its risks, its continuity and its
incidents follows its disclosure policy like its check figures do: ``none`` nothing,
``aggregate`` counts, ``full`` also its entries by id (risk categories, critical
processes and their fallbacks, incidents by category), ``free_text`` also titles and texts.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from .durations import duration_de, parse_duration

MODES = {"übernehmen": "übernimmt", "unterstützen": "unterstützt"}
EXERCISE_TYPES = {
    "planbesprechung": "Planbesprechung",
    "alarmierungsuebung": "Alarmierungsübung",
    "stabsuebung": "Stabsübung",
    "funktionstest": "Funktionstest",
    "notfalluebung": "Notfallübung",
}
EXERCISE_STATUSES = ("geplant", "durchgeführt", "abgesagt")
RESULTS = {"erfolgreich": "erfolgreich", "mit-maengeln": "mit Mängeln", "nicht-bestanden": "nicht bestanden"}
FOLLOWUP_STATES = ("offen", "erledigt")
DEFAULT_INTERVAL_MONTHS = 12
FIGURES_FORMAT = 1


def add_months(day: _dt.date, months: int) -> _dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date(value: Any, parsed: Any, *pointer: Any) -> _dt.date | None:
    from ..assess.plan import deadline_at

    return deadline_at(value, parsed, *pointer)


def _text(value: Any) -> str:
    return str(value or "").strip()


# -- agreements --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AidService:
    """One service an agreement covers: who provides it, for whom, how."""

    service: str
    provider: str
    recipients: tuple[str, ...]
    mode: str = "übernehmen"
    name: str = ""
    capacity: str = ""
    max_duration: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"service": self.service, "name": self.name or None, "provider": self.provider,
                "recipients": list(self.recipients), "mode": self.mode, "mode_label": MODES.get(self.mode, self.mode),
                "capacity": self.capacity or None,
                "max_duration_hours": self.max_duration, "max_duration": duration_de(self.max_duration)
                if self.max_duration is not None else None}


@dataclass(frozen=True)
class AidContact:
    county: str
    role: str
    name: str = ""
    phone: str = ""
    email: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"county": self.county, "role": self.role, "name": self.name or None, "phone": self.phone or None,
                "email": self.email or None}


@dataclass(frozen=True)
class Agreement:
    """A mutual-aid agreement between member counties (*Vereinbarung zur gegenseitigen Hilfe*)."""

    id: str
    title: str
    parties: tuple[str, ...]
    services: tuple[AidService, ...]
    signed: _dt.date
    valid_until: _dt.date | None = None
    activation: str = ""
    conditions: str = ""
    costs: str = ""
    contacts: tuple[AidContact, ...] = ()
    index: int = 0

    def valid(self, today: _dt.date) -> bool:
        return self.signed <= today and (self.valid_until is None or today <= self.valid_until)

    def covering(self, county: str, service: str, today: _dt.date) -> list[AidService]:
        if not self.valid(today) or not service:
            return []
        return [s for s in self.services if s.service == service and county in s.recipients]

    def as_dict(self, today: _dt.date) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "parties": list(self.parties),
                "services": [s.as_dict() for s in self.services], "signed": self.signed.isoformat(),
                "valid_until": self.valid_until.isoformat() if self.valid_until else None, "valid": self.valid(today),
                "activation": self.activation or None, "conditions": self.conditions or None, "costs": self.costs or None,
                "contacts": [c.as_dict() for c in self.contacts]}


def parse_agreements(parsed: Any) -> list[Agreement]:
    """The agreements of a parsed, schema-valid ``vereinbarungen.yaml``; inconsistent parties raise."""
    found: list[Agreement] = []
    seen: set[str] = set()
    for index, item in enumerate((parsed.data or {}).get("vereinbarungen") or []):
        ident = str(item["id"])
        if ident in seen:
            raise InputError(f"Vereinbarung '{ident}' ist doppelt.", path=parsed.path,
                             location=parsed.location("vereinbarungen", index))
        seen.add(ident)
        parties = tuple(str(p) for p in item["parties"])
        services = []
        for number, raw in enumerate(item["services"]):
            provider = str(raw["provider"])
            at = ("vereinbarungen", index, "services", number)
            if provider not in parties:
                raise InputError(f"Vereinbarung {ident}: Leistung '{raw['service']}' erbringt '{provider}', der nicht "
                                 "unter parties steht.", path=parsed.path, location=parsed.location(*at))
            recipients = tuple(str(r) for r in raw.get("for") or ()) or tuple(p for p in parties if p != provider)
            strangers = [r for r in recipients if r not in parties or r == provider]
            if strangers:
                raise InputError(f"Vereinbarung {ident}: Leistung '{raw['service']}' für '{strangers[0]}' – nur für "
                                 "andere Vertragspartner (parties) möglich.", path=parsed.path, location=parsed.location(*at))
            max_days = raw.get("max_duration")
            try:
                duration = parse_duration(str(max_days)) if max_days not in (None, "") else None
            except ValueError as exc:
                raise InputError(str(exc), path=parsed.path, location=parsed.location(*at)) from None
            services.append(AidService(str(raw["service"]), provider, recipients, str(raw.get("mode") or "übernehmen"),
                                       _text(raw.get("name")), _text(raw.get("capacity")), duration))
        signed = _date(item["signed"], parsed, "vereinbarungen", index, "signed")
        until = _date(item.get("valid_until"), parsed, "vereinbarungen", index, "valid_until")
        assert signed is not None
        if until is not None and until < signed:
            raise InputError(f"Vereinbarung {ident}: gültig bis {until.isoformat()}, vor der Unterzeichnung.",
                             path=parsed.path, location=parsed.location("vereinbarungen", index, "valid_until"))
        contacts = tuple(AidContact(str(c["county"]), _text(c["role"]), _text(c.get("name")), _text(c.get("phone")),
                                    _text(c.get("email"))) for c in item.get("contacts") or ())
        found.append(Agreement(ident, _text(item["title"]), parties, tuple(services), signed, until,
                               _text(item.get("activation")), _text(item.get("conditions")), _text(item.get("costs")),
                               contacts, index))
    return found


# -- exercises ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Followup:
    text: str
    county: str = ""
    responsible: str = ""
    deadline: _dt.date | None = None
    state: str = "offen"

    def overdue(self, today: _dt.date) -> bool:
        return self.state == "offen" and self.deadline is not None and self.deadline < today

    def as_dict(self, today: _dt.date) -> dict[str, Any]:
        return {"text": self.text, "county": self.county or None, "responsible": self.responsible or None,
                "deadline": self.deadline.isoformat() if self.deadline else None, "state": self.state,
                "overdue": self.overdue(today)}


@dataclass(frozen=True)
class Exercise:
    """A joint exercise (or one planned)."""

    id: str
    type: str
    date: _dt.date
    title: str
    participants: tuple[str, ...]
    status: str = "durchgeführt"
    lead: str = ""
    scenario: str = ""
    agreements: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    result: str = ""
    lessons: tuple[str, ...] = ()
    followups: tuple[Followup, ...] = ()
    index: int = 0

    @property
    def type_label(self) -> str:
        return EXERCISE_TYPES.get(self.type, self.type)

    @property
    def done(self) -> bool:
        return self.status == "durchgeführt"

    def as_dict(self, today: _dt.date) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "type_label": self.type_label, "date": self.date.isoformat(),
                "title": self.title, "status": self.status, "lead": self.lead or None, "scenario": self.scenario or None,
                "participants": list(self.participants), "agreements": list(self.agreements),
                "services": list(self.services), "result": self.result or None,
                "result_label": RESULTS.get(self.result) if self.result else None, "lessons": list(self.lessons),
                "followups": [f.as_dict(today) for f in self.followups],
                "overdue": self.status == "geplant" and self.date < today}


def parse_exercises(parsed: Any) -> list[Exercise]:
    """The exercises of a parsed, schema-valid ``uebungen.yaml``; a done one without result (or a planned one
    with) and a follow-up for a non-participant raise."""
    found: list[Exercise] = []
    seen: set[str] = set()
    for index, item in enumerate((parsed.data or {}).get("uebungen") or []):
        ident = str(item["id"])
        if ident in seen:
            raise InputError(f"Übung '{ident}' ist doppelt.", path=parsed.path, location=parsed.location("uebungen", index))
        seen.add(ident)
        status = str(item.get("status") or "durchgeführt")
        result = _text(item.get("result"))
        if status == "durchgeführt" and not result:
            raise InputError(f"Übung {ident}: durchgeführt, aber ohne Ergebnis (result).", path=parsed.path, location=parsed.location("uebungen", index))
        if status != "durchgeführt" and result:
            raise InputError(f"Übung {ident}: {status}, hat aber schon ein Ergebnis.", path=parsed.path, location=parsed.location("uebungen", index))
        participants = tuple(str(p) for p in item["participants"])
        followups = []
        for number, raw in enumerate(item.get("followups") or []):
            county = _text(raw.get("county"))
            if county and county not in participants:
                raise InputError(f"Übung {ident}: Folgemaßnahme für '{county}', der nicht teilgenommen hat.",
                                 path=parsed.path, location=parsed.location("uebungen", index, "followups", number))
            followups.append(Followup(_text(raw["text"]), county, _text(raw.get("responsible")),
                                      _date(raw.get("deadline"), parsed, "uebungen", index, "followups", number, "deadline"),
                                      str(raw.get("state") or "offen")))
        day = _date(item["date"], parsed, "uebungen", index, "date")
        assert day is not None
        found.append(Exercise(
            id=ident, type=str(item["type"]), date=day, title=_text(item["title"]), participants=participants,
            status=status, lead=_text(item.get("lead")), scenario=_text(item.get("scenario")),
            agreements=tuple(str(a) for a in item.get("agreements") or ()),
            services=tuple(str(s) for s in item.get("services") or ()), result=result,
            lessons=tuple(_text(x) for x in item.get("lessons") or () if _text(x)), followups=tuple(followups),
            index=index))
    return found


@dataclass(frozen=True)
class Overdue:
    """Something the exercise programme owes: ``kind`` planned | member | agreement | followup."""

    kind: str
    subject: str
    message: str
    since: _dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "message": self.message,
                "since": self.since.isoformat() if self.since else None}


def last_exercised(exercises: Iterable[Exercise], *, county: str | None = None, agreement: str | None = None,
                   today: _dt.date) -> _dt.date | None:
    days = [e.date for e in exercises if e.done and e.date <= today
            and (county is None or county in e.participants) and (agreement is None or agreement in e.agreements)]
    return max(days, default=None)


def overdue(exercises: Sequence[Exercise], agreements: Sequence[Agreement], members: Sequence[tuple[str, str]],
            today: _dt.date, interval_months: int = DEFAULT_INTERVAL_MONTHS) -> list[Overdue]:
    """Everything overdue on ``today`` (see the module's docstring), members and agreements in their order."""
    from ..present.de import date_de

    found = []
    for exercise in exercises:
        if exercise.status == "geplant" and exercise.date < today:
            found.append(Overdue("planned", exercise.id,
                                 f"Übung {exercise.id} ({exercise.type_label}, {exercise.title}) war für den "
                                 f"{date_de(exercise.date)} geplant und ist nicht als durchgeführt eingetragen.",
                                 exercise.date))
    for key, name in members:
        last = last_exercised(exercises, county=key, today=today)
        due = add_months(last, interval_months) if last else None
        if last is None:
            found.append(Overdue("member", key, f"{name}: noch an keiner gemeinsamen Übung teilgenommen "
                                                f"(vorgesehen mindestens alle {interval_months} Monate)."))
        elif due is not None and due < today:
            found.append(Overdue("member", key, f"{name}: letzte gemeinsame Übung am {date_de(last)}, fällig war die "
                                                f"nächste bis {date_de(due)}.", due))
    for agreement in agreements:
        if not agreement.valid(today):
            continue
        last = last_exercised(exercises, agreement=agreement.id, today=today)
        start = last or agreement.signed
        due = add_months(start, interval_months)
        if due < today:
            since = f"zuletzt geübt am {date_de(last)}" if last else f"seit der Unterzeichnung am {date_de(agreement.signed)} nicht geübt"
            found.append(Overdue("agreement", agreement.id, f"Vereinbarung {agreement.id} ({agreement.title}): {since}; "
                                                            f"fällig war eine Übung bis {date_de(due)}.", due))
    for exercise in exercises:
        for followup in exercise.followups:
            if followup.overdue(today):
                assert followup.deadline is not None
                who = f" ({followup.county})" if followup.county else ""
                found.append(Overdue("followup", exercise.id, f"Folgemaßnahme aus {exercise.id}{who}: {followup.text} – "
                                                              f"Frist {date_de(followup.deadline)} überschritten.",
                                     followup.deadline))
    return found


# -- fallbacks ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fallback:
    """A critical process of a county and what covers it in the Verbund (empty ``options``: nothing)."""

    process: str
    service: str
    criticality: str
    rto: int | None
    options: tuple[tuple[str, AidService], ...] = ()
    workaround: str = ""

    @property
    def covered(self) -> bool:
        return bool(self.options)

    def as_dict(self) -> dict[str, Any]:
        return {"process": self.process, "service": self.service or None, "criticality": self.criticality,
                "rto_hours": self.rto, "covered": self.covered,
                "fallback": [{"agreement": agreement, "provider": s.provider, "mode": s.mode,
                              "mode_label": MODES.get(s.mode, s.mode), "name": s.name or None}
                             for agreement, s in self.options],
                "workaround": self.workaround or None}


def fallbacks(county: str, critical: Iterable[Any], agreements: Sequence[Agreement], today: _dt.date) -> list[Fallback]:
    """Each critical BIA entry of ``county`` with the valid agreements that cover its service."""
    found = []
    for entry in critical:
        options = tuple((a.id, s) for a in agreements for s in a.covering(county, entry.service, today))
        found.append(Fallback(entry.process, entry.service, entry.criticality, entry.rto, options, entry.workaround))
    return found


# -- what a county discloses ---------------------------------------------------------------------------------------


def county_figures(*, risks: Sequence[Mapping[str, Any]], has_register: bool, continuity: Mapping[str, Any],
                   incidents: Sequence[Mapping[str, Any]], categories: Sequence[str]) -> dict[str, Any]:
    """All of a county's risk, continuity and incident figures, JSON-ready (detail kept; see :func:`disclose`).

    ``risks`` are the register's entries as :meth:`ikz_isms.risk.register.Risk.as_dict` gives them (plus
    ``state`` and ``basis_gap``), ``continuity`` has ``has_plan``, ``processes``, ``fallbacks`` (as dicts) and
    ``recovery_gaps``; ``incidents`` are :meth:`ikz_isms.bcm.incidents.Incident.as_dict`.
    """
    before = dict.fromkeys(categories, 0)
    after = dict.fromkeys(categories, 0)
    for risk in risks:
        if risk.get("category"):
            before[risk["category"]] += 1
        residual = (risk.get("residual") or {}).get("category")
        if residual:
            after[residual] += 1
    by_year: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_severity: dict[str, int] = {}
    for incident in incidents:
        year = str(incident["date"])[:4]
        by_year[year] = by_year.get(year, 0) + 1
        by_category[incident["category"]] = by_category.get(incident["category"], 0) + 1
        by_severity[incident["severity"]] = by_severity.get(incident["severity"], 0) + 1
    fallback_list = list(continuity.get("fallbacks") or [])
    downtimes = [i["downtime_days"] for i in incidents if i.get("downtime_days") is not None]
    return {
        "format": FIGURES_FORMAT,
        "risks": {
            "register": has_register, "count": len(risks), "before": before, "after": after,
            "unrated": sum(1 for r in risks if not r.get("category")),
            "untreated": sum(1 for r in risks if r.get("state") == "unbehandelt"),
            "accepted": sum(1 for r in risks if r.get("state") == "akzeptiert"),
            "acceptance_expired": sum(1 for r in risks if r.get("state") == "Akzeptanz abgelaufen"),
            "basis_gap_risks": sum(1 for r in risks if r.get("basis_gap")),
            "entries": [{"id": r["id"], "target": r["target"], "threat": r.get("threat"), "category": r.get("category"),
                         "residual_category": (r.get("residual") or {}).get("category"), "state": r.get("state"),
                         "title": r.get("title")} for r in risks],
        },
        "continuity": {
            "has_plan": bool(continuity.get("has_plan")), "processes": int(continuity.get("processes") or 0),
            "critical": len(fallback_list), "with_fallback": sum(1 for f in fallback_list if f["covered"]),
            "without_fallback": sum(1 for f in fallback_list if not f["covered"]),
            "recovery_gaps": int(continuity.get("recovery_gaps") or 0), "critical_processes": fallback_list,
        },
        "incidents": {
            "count": len(incidents), "by_year": dict(sorted(by_year.items())), "by_category": by_category,
            "by_severity": by_severity, "open": sum(1 for i in incidents if not i.get("closed")),
            "longest_downtime_days": max(downtimes, default=None),
            "entries": [{"id": i["id"], "date": i["date"], "category": i["category"], "severity": i["severity"],
                         "title": i["title"]} for i in incidents],
        },
    }


def disclose(figures: Mapping[str, Any] | None, policy: str, allow: Sequence[str]) -> dict[str, Any] | None:
    """The part of :func:`county_figures` a county's policy lets out (``None`` for ``none``)."""
    if figures is None or policy == "none":
        return None
    free = "free_text" in allow and policy == "full"
    risks = {k: v for k, v in figures["risks"].items() if k != "entries"}
    continuity = {k: v for k, v in figures["continuity"].items() if k != "critical_processes"}
    incidents = {k: v for k, v in figures["incidents"].items() if k != "entries"}
    if policy == "full":
        # a package's part was filtered when it was made: what it left out stays out
        risks["entries"] = [{k: v for k, v in e.items() if free or k != "title"}
                            for e in figures["risks"].get("entries") or []]
        continuity["critical_processes"] = [
            {k: v for k, v in f.items() if free or k != "workaround"}
            | {"fallback": [{k: v for k, v in o.items() if free or k != "name"} for o in f.get("fallback") or []]}
            for f in figures["continuity"].get("critical_processes") or []]
        incidents["entries"] = [{k: v for k, v in e.items() if free or k != "title"}
                                for e in figures["incidents"].get("entries") or []]
    return {"format": figures.get("format", FIGURES_FORMAT), "policy": policy, "risks": risks,
            "continuity": continuity, "incidents": incidents}


@dataclass
class MemberFigures:
    """One member as the Verbund emergency view sees it."""

    key: str
    name: str
    source: str | None
    policy: str
    figures: dict[str, Any] | None
    reason: str = ""
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"county": self.key, "name": self.name, "source": self.source, "policy": self.policy,
                "figures": self.figures, "withheld": self.reason or None, "problems": list(self.problems)}


def combine(members: Sequence[MemberFigures], agreements: Sequence[Agreement], exercises: Sequence[Exercise],
            late: Sequence[Overdue], today: _dt.date, *, interval_months: int) -> dict[str, Any]:
    """The Verbund emergency view from what each member discloses and the Verbund's own files."""
    names = {m.key: m.name for m in members}
    critical = []
    without = []
    withheld = []
    for member in members:
        figures = member.figures
        if figures is None:
            withheld.append({"county": member.key, "name": member.name, "reason": member.reason or "keine Freigabe"})
            continue
        continuity = figures["continuity"]
        if continuity.get("without_fallback"):
            uncovered = [f for f in continuity.get("critical_processes") or [] if not f["covered"]]
            without.append({"county": member.key, "name": member.name, "count": continuity["without_fallback"],
                            "critical": continuity["critical"],
                            "processes": [f["process"] for f in uncovered] if "critical_processes" in continuity else None,
                            "services": [f["service"] for f in uncovered] if "critical_processes" in continuity else None})
        for entry in continuity.get("critical_processes") or []:
            critical.append({"county": member.key, "name": member.name, **entry,
                             "fallback": [{**o, "provider_name": names.get(o["provider"], o["provider"])}
                                          for o in entry["fallback"]]})
    return {
        "as_of": today.isoformat(),
        "interval_months": interval_months,
        "members": [m.as_dict() for m in members],
        "critical_processes": critical,
        "without_fallback": without,
        "withheld": withheld,
        "agreements": [a.as_dict(today) for a in agreements],
        "exercises": [e.as_dict(today) for e in sorted(exercises, key=lambda e: (e.date, e.id))],
        "overdue": [o.as_dict() for o in late],
    }
