"""Use cases of the emergency planning (BSI-Standard 200-4): BIA, plans, incidents, the Verbund's joint planning.

County data (``notfall.yaml``, ``vorfaelle.yaml``) changes in the county's write-ahead
transaction with its journal entries (``bia:GP-KFZ``, ``recovery:SRV-APP``, ``alarm``,
``incident:V-2026-01``; follow-up measures of an incident enter ``plan.yaml`` in the same
transaction). The Verbund's files (``catalogs/notfall/``: mutual-aid agreements, joint
exercises) are shared like the framework contracts: changed under their file lock, kept in
git.

The Verbund emergency view (:func:`verbund_emergency_view`) takes its members from
:func:`ikz_isms.app.federation.members` and shows of each only what its disclosure policy
lets out (:func:`ikz_isms.bcm.verbund.disclose`): a county's own figures are computed here
for counties whose data lies in this workspace; for a member seen through its signed
package they come from the package's ``resilience`` part (see :func:`disclosed_resilience`),
and are withheld while the package has none.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError, RefusedError, UsageError

if TYPE_CHECKING:
    from ..assess.targets import TargetObject
    from ..bcm.incidents import Incident
    from ..bcm.model import ContinuityPlan, InheritedTarget, RecoveryGap
    from ..bcm.verbund import Agreement, Exercise, Fallback, MemberFigures
    from ..county import County
    from ..store import Parsed
    from .registers import DocumentEdit
    from .session import Session

CONTINUITY_HEADER = (
    "Notfallvorsorge nach BSI-Standard 200-4: Business-Impact-Analyse je Geschäftsprozess (bia), Wiederanlaufpläne\n"
    "je System (recovery), Alarmierungs- und Eskalationsplan (alarm). Zeiten als 4h, 3d oder 2w. Ändern am besten\n"
    "mit ikz-isms bia set, ikz-isms emergency recovery und ikz-isms emergency contact (im Journal festgehalten)."
)
INCIDENTS_HEADER = (
    "Sicherheitsvorfälle des Landkreises: Datum, Kategorie, Schwere, betroffene Zielobjekte, Meldungen, Maßnahmen,\n"
    "Erkenntnisse; Folgemaßnahmen stehen im Realisierungsplan. Erfassen mit ikz-isms incident add (im Journal)."
)
EXERCISES_HEADER = (
    "Gemeinsame Notfallübungen des Verbunds (BSI-Standard 200-4): Planbesprechung, Alarmierungsübung, Stabsübung,\n"
    "Funktionstest, Notfallübung – mit Teilnehmern, Ergebnis, Erkenntnissen und Folgemaßnahmen."
)
BIA_KEYS = ("process", "service", "criticality", "mtpd", "rto", "rpo", "emergency_level", "workaround", "reason")
RECOVERY_KEYS = ("target", "restore", "backup_interval", "tested", "offline_copy", "responsible", "steps", "note")
INCIDENT_KEYS = ("id", "date", "title", "category", "severity", "affected", "reported", "measures", "lessons",
                 "followups", "normal_operation", "closed")
#: follow-ups of an incident enter the plan with this priority (1 highest), by the incident's severity
FOLLOWUP_PRIORITY = {"kritisch": 1, "hoch": 2, "mittel": 5, "gering": 8}


# -- reading -----------------------------------------------------------------------------------------------------


def load_continuity(session: "Session", county: "County") -> "ContinuityPlan":
    from ..bcm.model import ContinuityPlan, parse_continuity

    path = county.layout.continuity
    if not path.exists():
        return ContinuityPlan()
    return parse_continuity(session.store.parse(path, "notfall"))


def load_incidents(session: "Session", county: "County") -> list["Incident"]:
    from ..bcm.incidents import parse_incidents

    path = county.layout.incidents
    if not path.exists():
        return []
    return parse_incidents(session.store.parse(path, "vorfaelle"))


def load_agreements(session: "Session") -> list["Agreement"]:
    from ..bcm.verbund import parse_agreements

    path = session.workspace.layout.agreements_file
    if not path.exists():
        return []
    return parse_agreements(session.store.parse(path, "mutual-aid"))


def load_exercises(session: "Session") -> list["Exercise"]:
    from ..bcm.verbund import parse_exercises

    path = session.workspace.layout.exercises_file
    if not path.exists():
        return []
    return parse_exercises(session.store.parse(path, "exercises"))


@dataclass
class ContinuityView:
    """A county's emergency planning as every output shows it (``bia``, ``emergency``, the handbook, the Verbund)."""

    county: "County"
    plan: "ContinuityPlan"
    targets: list["TargetObject"]
    inherited: dict[str, "InheritedTarget"]
    gaps: list["RecoveryGap"]
    fallbacks: list["Fallback"]
    agreements: list["Agreement"]
    exercises: list["Exercise"]
    as_of: _dt.date
    path: str = ""
    realistic: dict[str, int] = field(default_factory=dict)

    def target(self, target_id: str) -> "TargetObject | None":
        return next((t for t in self.targets if t.id == target_id), None)

    def dependencies(self, process: str) -> list[str]:
        """What a process depends on, directly or through others (structure order)."""
        from ..bcm.model import _reached

        depends = {t.id: tuple(t.depends_on) for t in self.targets}
        reached = set(_reached(process, depends)) - {process}
        return [t.id for t in self.targets if t.id in reached]

    def document(self) -> dict[str, Any]:
        from ..bcm.durations import duration_de

        profile = self.county.profile
        names = {t.id: t.name for t in self.targets}
        plans = self.plan.plans()
        rows = []
        for target in self.targets:
            need = self.inherited.get(target.id)
            if need is None or target.type == "Geschäftsprozess":
                continue
            plan = plans.get(target.id)
            real = self.realistic.get(target.id)
            rows.append({**need.as_dict(), "name": target.name, "type": target.type,
                         "recovery": plan.as_dict() if plan else None, "realistic_hours": real,
                         "realistic": duration_de(real) if real is not None else None,
                         "gaps": [g.kind for g in self.gaps if g.target == target.id]})
        return {
            "county": self.county.key, "name": profile.name, "classification": profile.classification,
            "file": self.path, "exists": self.plan.exists, "as_of": self.as_of.isoformat(),
            "updated": self.plan.updated.isoformat() if self.plan.updated else None,
            "bia": [{**e.as_dict(), "name": names.get(e.process), "depends_on": self.dependencies(e.process)}
                    for e in self.plan.bia],
            "targets": rows,
            "gaps": [g.as_dict() for g in self.gaps],
            "fallbacks": [f.as_dict() for f in self.fallbacks],
            "alarm": {"contacts": [c.as_dict() for c in self.plan.contacts],
                      "escalation": [e.as_dict() for e in self.plan.escalation]},
        }


def continuity_view(session: "Session", county: "County", as_of: _dt.date | None = None) -> ContinuityView:
    from ..bcm.model import inherit_targets, realistic_recovery, recovery_gaps
    from ..bcm.verbund import fallbacks

    day = as_of or session.today
    targets = session.county_data(county).targets
    plan = load_continuity(session, county)
    inherited = inherit_targets(targets, plan.bia)
    plans = plan.plans()
    agreements = load_agreements(session)
    exercises = load_exercises(session)
    return ContinuityView(
        county, plan, targets, inherited, recovery_gaps(targets, inherited, plans),
        fallbacks(county.key, plan.critical, agreements, day),
        [a for a in agreements if county.key in a.parties],
        [e for e in exercises if county.key in e.participants], day,
        session.workspace.layout.relative(county.layout.continuity), realistic_recovery(targets, plans))


# -- changes of notfall.yaml ------------------------------------------------------------------------------------


def _validate_continuity(parsed: "Parsed") -> "ContinuityPlan":
    from ..bcm.model import parse_continuity

    return parse_continuity(parsed)


def _open_continuity(session: "Session", county: "County", tx: Any) -> "DocumentEdit":
    from .registers import new_document, open_document

    edit = open_document(session, tx, county.layout.continuity, "notfall", "bia: []\n", _validate_continuity)
    if not edit.existed:
        edit.document = new_document(CONTINUITY_HEADER, bia=[], recovery=[])
    return edit


def _list(document: Any, key: str) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    if document.get(key) is None:
        document[key] = CommentedSeq()
    return document[key]


def _change_continuity(session: "Session", county: "County", list_key: str, id_key: str, ident: str,
                       values: Mapping[str, Any], order: tuple[str, ...], actor: str) -> dict[str, Any]:
    from ruamel.yaml.comments import CommentedMap

    from .counties import county_files
    from .registers import finish, journal_items, set_fields

    with county_files(session, county).transaction() as tx:
        edit = _open_continuity(session, county, tx)
        items = _list(edit.document, list_key)
        node = next((i for i in items if str(i.get(id_key)) == ident), None)
        if node is None:
            node = CommentedMap()
            node[id_key] = ident
            items.append(node)
        set_fields(node, values, order)
        text, after, _ = finish(edit, _validate_continuity)
        journal_items(tx, edit, text, after, lists={"bia": ("process", "bia"), "recovery": ("target", "recovery")},
                      sections={"alarm": "alarm"}, actor=actor)
    session.store.forget(county.layout.continuity)
    session.county_changed(county)
    return next(i for i in after.get(list_key) or [] if str(i.get(id_key)) == ident)


def set_bia(session: "Session", county: "County", process: str, values: Mapping[str, Any], *,
            actor: str) -> dict[str, Any]:
    """Set the BIA of a business process (a target object of type Geschäftsprozess); fields not given stay."""
    data = session.county_data(county)
    target = data.target(process)
    if target is None:
        known = ", ".join(t.id for t in data.targets if t.type == "Geschäftsprozess") or "keine"
        raise NotFoundError(f"Geschäftsprozess '{process}' gibt es im Landkreis {county.profile.name} nicht "
                            f"(Geschäftsprozesse: {known}).", path=str(county.layout.targets))
    if target.type != "Geschäftsprozess":
        raise InputError(f"Zielobjekt '{process}' ist vom Typ {target.type}; die BIA gilt Geschäftsprozessen "
                         "(ihre Systeme erben die Wiederanlaufziele).", path=str(county.layout.targets))
    current = load_continuity(session, county).entry(process)
    if current is None and "criticality" not in values:
        raise UsageError(f"--criticality fehlt: {process} steht noch nicht in der BIA.")
    return _change_continuity(session, county, "bia", "process", process, values, BIA_KEYS, actor)


def set_recovery(session: "Session", county: "County", target_id: str, values: Mapping[str, Any], *,
                 actor: str) -> dict[str, Any]:
    """Set the recovery plan of a system: restore time, backup interval, last restore test, steps."""
    data = session.county_data(county)
    target = data.target(target_id)
    if target is None:
        known = ", ".join(t.id for t in data.targets) or "keine"
        raise NotFoundError(f"Zielobjekt '{target_id}' gibt es im Landkreis {county.profile.name} nicht "
                            f"(bekannt: {known}).", path=str(county.layout.targets))
    if target.type == "Geschäftsprozess":
        raise InputError(f"'{target_id}' ist ein Geschäftsprozess: seine Ziele stehen in der BIA (ikz-isms bia set); "
                         "Wiederanlaufpläne gelten den Systemen, von denen er abhängt.")
    return _change_continuity(session, county, "recovery", "target", target_id, values, RECOVERY_KEYS, actor)


def set_contact(session: "Session", county: "County", role: str, values: Mapping[str, Any], *,
                actor: str) -> dict[str, Any]:
    """Set who holds a role of the alarm plan (name, phone, e-mail, deputy, reachability)."""
    from ruamel.yaml.comments import CommentedMap

    from .counties import county_files
    from .registers import finish, journal_items, set_fields

    with county_files(session, county).transaction() as tx:
        edit = _open_continuity(session, county, tx)
        if edit.document.get("alarm") is None:
            edit.document["alarm"] = CommentedMap()
        contacts = _list(edit.document["alarm"], "contacts")
        node = next((c for c in contacts if str(c.get("role")) == role), None)
        if node is None:
            node = CommentedMap()
            node["role"] = role
            contacts.append(node)
        set_fields(node, values, ("role", "name", "phone", "email", "deputy", "reachable"))
        text, after, _ = finish(edit, _validate_continuity)
        journal_items(tx, edit, text, after, lists={}, sections={"alarm": "alarm"}, actor=actor)
    session.store.forget(county.layout.continuity)
    entry: dict[str, Any] = next(c for c in after["alarm"]["contacts"] if c["role"] == role)
    return entry


# -- incidents --------------------------------------------------------------------------------------------------


def _validate_incidents(parsed: "Parsed") -> list["Incident"]:
    from ..bcm.incidents import parse_incidents

    return parse_incidents(parsed)


def add_incident(session: "Session", county: "County", values: Mapping[str, Any], *, followups: Sequence[str],
                 followup_responsible: str, followup_deadline: _dt.date | None, actor: str) -> dict[str, Any]:
    """Record a security incident; each follow-up title becomes a measure of the Realisierungsplan (same transaction)."""
    from ruamel.yaml.comments import CommentedMap

    from ..assess.plan import parse_plan
    from ..bcm.incidents import next_id
    from ..store import Parsed
    from .counties import county_files
    from .registers import finish, journal_items, new_document, open_document, set_fields
    from .risks import add_plan_measures, open_plan

    data = session.county_data(county)
    for target in values.get("affected") or ():
        if data.target(target) is None:
            raise NotFoundError(f"Zielobjekt '{target}' gibt es im Landkreis {county.profile.name} nicht.",
                                path=str(county.layout.targets))
    day: _dt.date = values["date"]
    if day > session.today:
        raise UsageError(f"--date {day.isoformat()} liegt in der Zukunft.")
    with county_files(session, county).transaction() as tx:
        edit = open_document(session, tx, county.layout.incidents, "vorfaelle", "vorfaelle: []\n", _validate_incidents)
        if not edit.existed:
            edit.document = new_document(INCIDENTS_HEADER, vorfaelle=[])
        items = _list(edit.document, "vorfaelle")
        ident = next_id(_validate_incidents(Parsed(edit.before, str(edit.path))), day.year)
        added: list[str] = []
        if followups:
            plan_edit = open_plan(session, county, tx)
            existing = parse_plan(Parsed(plan_edit.before, str(plan_edit.path)))
            information_domain = next((t.id for t in data.targets if t.type == "Informationsverbund"), "")
            affected = list(values.get("affected") or ())
            added = add_plan_measures(
                plan_edit, existing, ident, affected[0] if affected else information_domain or "-", followups,
                responsible=followup_responsible, deadline=followup_deadline,
                priority=FOLLOWUP_PRIORITY.get(str(values["severity"]), 9),
                description=f"Folgemaßnahme aus Sicherheitsvorfall {ident} ({values['title']})")
            text, after, _ = finish(plan_edit, _validate_plan)
            journal_items(tx, plan_edit, text, after, lists={"massnahmen": ("id", "plan")}, actor=actor)
        node = CommentedMap()
        set_fields(node, {**values, "id": ident, "followups": added}, INCIDENT_KEYS)
        items.append(node)
        text, after, _ = finish(edit, _validate_incidents)
        journal_items(tx, edit, text, after, lists={"vorfaelle": ("id", "incident")}, actor=actor)
    for path in (county.layout.incidents, county.layout.plan):
        session.store.forget(path)
    session.county_changed(county)
    incident = next(i for i in load_incidents(session, county) if i.id == ident)
    return incident.as_dict()


def _validate_plan(parsed: "Parsed") -> Any:
    from ..assess.plan import parse_plan

    return parse_plan(parsed)


# -- the Verbund's files ----------------------------------------------------------------------------------------


def add_exercise(session: "Session", values: Mapping[str, Any]) -> dict[str, Any]:
    """Enter a joint exercise (done or planned) in ``catalogs/notfall/uebungen.yaml`` (locked, checked before writing)."""
    from ruamel.yaml.comments import CommentedMap

    from ..store import fs
    from .registers import finish, new_document, open_document, set_fields

    workspace = session.workspace
    members = set(workspace.members)
    for county in [*(values.get("participants") or ()), *([values["lead"]] if values.get("lead") else [])]:
        if county not in members:
            raise NotFoundError(f"Landkreis '{county}' ist kein Mitglied des Verbunds (Mitglieder: "
                                f"{', '.join(workspace.members) or 'keine'}).", path=str(workspace.config_path))
    agreements = {a.id for a in load_agreements(session)}
    for agreement in values.get("agreements") or ():
        if agreement not in agreements:
            raise NotFoundError(f"Vereinbarung '{agreement}' gibt es nicht (ikz-isms emergency agreements).",
                                path=str(workspace.layout.agreements_file))
    path = workspace.layout.exercises_file
    if not path.parent.is_dir():
        session.store.output_folder(path.parent)
    order = ("id", "type", "date", "title", "status", "lead", "scenario", "participants", "agreements", "services",
             "result", "lessons", "followups")
    with fs.locked(path):
        edit = open_document(session, None, path, "exercises", "uebungen: []\n", _validate_exercises)
        if not edit.existed:
            edit.document = new_document(EXERCISES_HEADER, uebungen=[])
        items = _list(edit.document, "uebungen")
        ident = str(values["id"])
        if any(str(i.get("id")) == ident for i in items):
            raise RefusedError(f"Übung '{ident}' gibt es schon.", path=str(path))
        node = CommentedMap()
        set_fields(node, values, order)
        items.append(node)
        text, after, _ = finish(edit, _validate_exercises)
        session.store.write(path, text)
    entry: dict[str, Any] = next(i for i in after["uebungen"] if str(i["id"]) == ident)
    return entry


def _validate_exercises(parsed: "Parsed") -> Any:
    from ..bcm.verbund import parse_exercises

    return parse_exercises(parsed)


def exercises_view(session: "Session", today: _dt.date | None = None) -> dict[str, Any]:
    """Every joint exercise, what is overdue, and when each member and agreement was last exercised."""
    from ..bcm.verbund import last_exercised, overdue

    day = today or session.today
    exercises = load_exercises(session)
    agreements = load_agreements(session)
    interval = session.workspace.exercise_interval_months
    names = _member_names(session)
    late = overdue(exercises, agreements, list(names.items()), day, interval)
    return {
        "as_of": day.isoformat(), "interval_months": interval,
        "file": session.workspace.layout.relative(session.workspace.layout.exercises_file),
        "exercises": [e.as_dict(day) for e in sorted(exercises, key=lambda e: (e.date, e.id))],
        "members": [{"county": k, "name": n, "last": _iso(last_exercised(exercises, county=k, today=day))}
                    for k, n in names.items()],
        "overdue": [o.as_dict() for o in late],
    }


def _iso(day: _dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _member_names(session: "Session") -> dict[str, str]:
    counties = session.counties()
    return {key: counties[key].profile.name if key in counties else key for key in session.workspace.members}


def agreements_view(session: "Session", today: _dt.date | None = None) -> dict[str, Any]:
    day = today or session.today
    names = _member_names(session)
    return {"as_of": day.isoformat(),
            "file": session.workspace.layout.relative(session.workspace.layout.agreements_file),
            "agreements": [a.as_dict(day) | {"party_names": [names.get(p, p) for p in a.parties]}
                           for a in load_agreements(session)]}


# -- what a county discloses, and the Verbund view ---------------------------------------------------------------


def resilience(session: "Session", county: "County", today: _dt.date | None = None) -> dict[str, Any]:
    """All of a county's risk, continuity and incident figures (before its disclosure policy is applied)."""
    from ..bcm.verbund import county_figures
    from ..risk.matrix import CATEGORIES
    from .risks import risk_view

    day = today or session.today
    risks = risk_view(session, county, day)
    view = continuity_view(session, county, day)
    return county_figures(
        risks=[risks.entry(r) for r in risks.risks], has_register=risks.exists,
        continuity={"has_plan": view.plan.exists, "processes": len(view.plan.bia),
                    "fallbacks": [f.as_dict() for f in view.fallbacks], "recovery_gaps": len(view.gaps)},
        incidents=[i.as_dict() for i in load_incidents(session, county)], categories=CATEGORIES)


def disclosed_resilience(session: "Session", county: "County", today: _dt.date | None = None) -> dict[str, Any] | None:
    """What the county's disclosure policy lets out of :func:`resilience` (``None`` for ``none``).

    A pure function of the county's data and the workspace's agreements: the disclosure package can
    carry it as its ``resilience`` part, which the Verbund view of a packaged member reads.
    """
    from ..bcm.verbund import disclose

    profile = county.profile
    if profile.disclosure == "none":
        return None
    return disclose(resilience(session, county, today), profile.disclosure, profile.disclosure_allow)


def member_figures(session: "Session", today: _dt.date) -> tuple[list["MemberFigures"], str | None]:
    """Every member with the risk and continuity figures its disclosure allows, and the local-mode note."""
    from ..bcm.verbund import MemberFigures, disclose
    from .federation import local_mode_note, members

    found = members(session, today)
    counties = session.counties()
    result = []
    for member in found:
        if not member.usable:
            result.append(MemberFigures(member.key, member.name, member.source, member.policy, None,
                                        "nicht verwertet: " + "; ".join(member.problems), list(member.problems)))
            continue
        policy = member.policy
        if policy == "none":
            result.append(MemberFigures(member.key, member.name, member.source, policy, None,
                                        "keine Freigabe (Offenlegung none)"))
            continue
        if member.key in counties:
            figures = disclose(resilience(session, counties[member.key], today), policy, member.allow)
        else:
            carried = (member.payload or {}).get("resilience")
            figures = disclose(carried, policy, member.allow) if carried else None
            if figures is None:
                result.append(MemberFigures(member.key, member.name, member.source, policy, None,
                                            "Offenlegungspaket enthält keine Risiko- und Notfallkennzahlen"))
                continue
        result.append(MemberFigures(member.key, member.name, member.source, policy, figures))
    return result, local_mode_note(found)


def verbund_emergency_view(session: "Session", today: _dt.date | None = None) -> dict[str, Any]:
    """The Verbund's emergency picture: critical processes and their fallbacks, who would be without one,
    agreements, exercises with what is overdue, risks and incidents per member as disclosed."""
    from ..bcm.verbund import combine, overdue

    day = today or session.today
    found, note = member_figures(session, day)
    agreements = load_agreements(session)
    exercises = load_exercises(session)
    interval = session.workspace.exercise_interval_months
    late = overdue(exercises, agreements, [(m.key, m.name) for m in found], day, interval)
    view = combine(found, agreements, exercises, late, day, interval_months=interval)
    view["verbund"] = session.workspace.name
    view["notes"] = [note] if note else []
    from .risks import risk_matrix

    view["matrix"] = risk_matrix(session).as_dict()
    return view


def workbook_sheets(session: "Session", county: "County") -> list[Any]:
    """Sheets for ``export xlsx``: the risk register, the BIA with inherited targets, the incidents (read only)."""
    from ..exchange.xlsx import Sheet
    from .risks import risk_view

    risks = risk_view(session, county)
    rows = []
    for risk in risks.risks:
        entry = risks.entry(risk)
        treatment = entry["treatment"] or {}
        acceptance = entry["acceptance"] or {}
        rows.append([entry["id"], entry["target"], entry["threat"], entry["title"], entry["frequency"], entry["impact"],
                     entry["category"], treatment.get("option"), treatment.get("owner"), treatment.get("deadline"),
                     ", ".join(m["id"] for m in entry["measures"]) or None, entry["residual"]["category"],
                     acceptance.get("by"), acceptance.get("decided"), acceptance.get("until"), entry["state"],
                     "ja" if entry["basis_gap"] else None])
    sheets = [Sheet("Risiken", [("Risiko", 9), ("Zielobjekt", 14), ("Gefährdung", 9), ("Titel", 40), ("Häufigkeit", 12),
                                ("Auswirkung", 16), ("Kategorie", 10), ("Behandlung", 13), ("Verantwortlich", 20),
                                ("Frist", 11), ("Maßnahmen", 14), ("Restrisiko", 10), ("akzeptiert von", 24),
                                ("entschieden am", 12), ("akzeptiert bis", 12), ("Stand", 18), ("Basis-Lücke", 10)],
                    rows, wrap=(3,))]
    view = continuity_view(session, county)
    document = view.document()
    sheets.append(Sheet("BIA", [("Geschäftsprozess", 14), ("Name", 30), ("Kritikalität", 12), ("MTA", 10), ("RTO", 10),
                                ("RPO", 10), ("Notbetrieb %", 10), ("Leistung", 18), ("hängt ab von", 40),
                                ("Notbetrieb", 40)],
                        [[e["process"], e["name"], e["criticality"], e["mtpd"], e["rto"], e["rpo"], e["emergency_level"],
                          e["service"], ", ".join(e["depends_on"]) or None, e["workaround"]] for e in document["bia"]],
                        wrap=(8, 9)))
    gaps = {g.target: "; ".join(x.message for x in view.gaps if x.target == g.target) for g in view.gaps}
    sheets.append(Sheet("Wiederanlauf", [("Zielobjekt", 16), ("Name", 30), ("RTO geerbt", 10), ("RPO geerbt", 10),
                                         ("geerbt von", 20), ("Wiederanlauf realistisch", 12), ("Sicherung alle", 12),
                                         ("letzter Test", 12), ("Lücke", 60)],
                        [[t["target"], t["name"], t["rto"], t["rpo"], ", ".join(t["processes"]), t["realistic"],
                          (t["recovery"] or {}).get("backup_interval"), (t["recovery"] or {}).get("tested"),
                          gaps.get(t["target"])] for t in document["targets"]], wrap=(8,)))
    sheets.append(Sheet("Vorfälle", [("Vorfall", 12), ("Datum", 11), ("Titel", 40), ("Kategorie", 20), ("Schwere", 10),
                                     ("betroffen", 24), ("gemeldet", 30), ("Folgemaßnahmen", 14), ("Normalbetrieb", 12)],
                        [[i.id, i.date.isoformat(), i.title, i.category_label, i.severity, ", ".join(i.affected) or None,
                          "; ".join(f"{r.to} {r.on.isoformat()}" for r in i.reported) or None,
                          ", ".join(i.followups) or None, i.normal_operation.isoformat() if i.normal_operation else None]
                         for i in load_incidents(session, county)], wrap=(2, 6)))
    return sheets
