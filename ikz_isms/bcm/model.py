"""A county's emergency planning (``notfall.yaml``): BIA, recovery plans, alarm and escalation plan.

**Business impact analysis** (BSI-Standard 200-4): per business process (a target object of
type *Geschäftsprozess* in the structure analysis) the maximum tolerable downtime (``mtpd``,
*maximal tolerierbare Ausfallzeit*), the recovery time and recovery point objectives
(``rto``: back in emergency operation within; ``rpo``: at most this much data lost), the
emergency operation level (``emergency_level``, per cent of normal output), the criticality
class and the Verbund service it is (``service``, the key mutual-aid agreements name).

**Recovery targets inherit** as protection needs do, by the maximum principle: every object
a process depends on — directly or through others (application → server → room) — must be
back as fast as the strictest process that needs it. :func:`inherit_targets` gives each
object the shortest RTO, RPO and MTPD of the processes depending on it, and names them.

**Realistic recovery** comes from the recovery plan of a system (``recovery``): how long a
restore takes (from the last restore test), how often its data is backed up. A system is
restored after what it depends on, so its realistic recovery is its own restore time plus
the longest realistic recovery among its dependencies that have a plan. Where that exceeds
the inherited RTO, or the backup interval the RPO, :func:`recovery_gaps` lists a gap.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .durations import duration_de, parse_duration

if TYPE_CHECKING:
    from ..assess.targets import TargetObject

CRITICALITY = ("niedrig", "mittel", "hoch", "sehr hoch")
#: the classes whose processes are critical: they need recovery plans and a fallback in the Verbund
CRITICAL = ("hoch", "sehr hoch")
PROCESS_TYPE = "Geschäftsprozess"
#: object types that need a recovery plan when a critical process depends on them
RECOVERY_TYPES = ("IT-System", "Anwendung")


@dataclass(frozen=True)
class BiaEntry:
    """The BIA of one business process (hours for the times)."""

    process: str
    criticality: str
    mtpd: int | None = None
    rto: int | None = None
    rpo: int | None = None
    emergency_level: int | None = None
    service: str = ""
    workaround: str = ""
    reason: str = ""
    index: int = 0

    @property
    def critical(self) -> bool:
        return self.criticality in CRITICAL

    def as_dict(self) -> dict[str, Any]:
        return {"process": self.process, "criticality": self.criticality, "critical": self.critical,
                "mtpd_hours": self.mtpd, "rto_hours": self.rto, "rpo_hours": self.rpo,
                "mtpd": duration_de(self.mtpd), "rto": duration_de(self.rto), "rpo": duration_de(self.rpo),
                "emergency_level": self.emergency_level, "service": self.service or None,
                "workaround": self.workaround or None, "reason": self.reason or None}


@dataclass(frozen=True)
class RecoveryPlan:
    """The recovery plan (*Wiederanlaufplan*) of one system: restore time, backups, steps."""

    target: str
    restore: int | None = None
    backup_interval: int | None = None
    tested: _dt.date | None = None
    offline_copy: bool | None = None
    responsible: str = ""
    steps: tuple[str, ...] = ()
    note: str = ""
    index: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "restore_hours": self.restore, "restore": duration_de(self.restore),
                "backup_interval_hours": self.backup_interval, "backup_interval": duration_de(self.backup_interval),
                "tested": self.tested.isoformat() if self.tested else None, "offline_copy": self.offline_copy,
                "responsible": self.responsible or None, "steps": list(self.steps), "note": self.note or None}


@dataclass(frozen=True)
class Contact:
    """A role of the alarm plan and who holds it."""

    role: str
    name: str = ""
    phone: str = ""
    email: str = ""
    deputy: str = ""
    reachable: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name or None, "phone": self.phone or None,
                "email": self.email or None, "deputy": self.deputy or None, "reachable": self.reachable or None}


@dataclass(frozen=True)
class Escalation:
    """One level of the escalation plan (Störung → Notfall → Krise)."""

    level: str
    criterion: str = ""
    inform: tuple[str, ...] = ()
    within: int | None = None
    decides: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "criterion": self.criterion or None, "inform": list(self.inform),
                "within_hours": self.within, "within": duration_de(self.within) if self.within is not None else None,
                "decides": self.decides or None}


@dataclass
class ContinuityPlan:
    """Everything ``notfall.yaml`` holds (empty when the county has none yet)."""

    bia: list[BiaEntry] = field(default_factory=list)
    recovery: list[RecoveryPlan] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    escalation: list[Escalation] = field(default_factory=list)
    exists: bool = False
    updated: _dt.date | None = None
    approved_by: str = ""

    def entry(self, process: str) -> BiaEntry | None:
        return next((e for e in self.bia if e.process == process), None)

    def plans(self) -> dict[str, RecoveryPlan]:
        return {p.target: p for p in self.recovery}

    @property
    def critical(self) -> list[BiaEntry]:
        return [e for e in self.bia if e.critical]


def _hours(value: Any, parsed: Any, *pointer: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return parse_duration(str(value))
    except ValueError as exc:
        raise InputError(str(exc), path=parsed.path, location=parsed.location(*pointer)) from None


def _date(value: Any, parsed: Any, *pointer: Any) -> _dt.date | None:
    from ..assess.plan import deadline_at

    return deadline_at(value, parsed, *pointer)


def _text(value: Any) -> str:
    return str(value or "").strip()


def parse_continuity(parsed: Any) -> ContinuityPlan:
    """A parsed, schema-valid ``notfall.yaml``; doubled entries, bad durations and an RTO beyond the MTPD raise."""
    data = parsed.data or {}
    plan = ContinuityPlan(exists=True, updated=_date(data.get("updated"), parsed, "updated"),
                          approved_by=_text(data.get("approved_by")))
    seen: set[str] = set()
    for index, item in enumerate(data.get("bia") or []):
        process = str(item["process"])
        if process in seen:
            raise InputError(f"Geschäftsprozess '{process}' steht doppelt in der BIA.", path=parsed.path,
                             location=parsed.location("bia", index))
        seen.add(process)
        entry = BiaEntry(
            process=process, criticality=str(item["criticality"]),
            mtpd=_hours(item.get("mtpd"), parsed, "bia", index, "mtpd"),
            rto=_hours(item.get("rto"), parsed, "bia", index, "rto"),
            rpo=_hours(item.get("rpo"), parsed, "bia", index, "rpo"),
            emergency_level=int(item["emergency_level"]) if item.get("emergency_level") is not None else None,
            service=_text(item.get("service")), workaround=_text(item.get("workaround")), reason=_text(item.get("reason")),
            index=index,
        )
        if entry.rto is not None and entry.mtpd is not None and entry.rto > entry.mtpd:
            raise InputError(
                f"Geschäftsprozess '{process}': Wiederanlaufzeit (RTO {duration_de(entry.rto)}) länger als die maximal "
                f"tolerierbare Ausfallzeit (MTA {duration_de(entry.mtpd)}) – der Notbetrieb käme zu spät.",
                path=parsed.path, location=parsed.location("bia", index, "rto"))
        plan.bia.append(entry)
    seen = set()
    for index, item in enumerate(data.get("recovery") or []):
        target = str(item["target"])
        if target in seen:
            raise InputError(f"Wiederanlaufplan für '{target}' steht doppelt.", path=parsed.path,
                             location=parsed.location("recovery", index))
        seen.add(target)
        plan.recovery.append(RecoveryPlan(
            target=target, restore=_hours(item.get("restore"), parsed, "recovery", index, "restore"),
            backup_interval=_hours(item.get("backup_interval"), parsed, "recovery", index, "backup_interval"),
            tested=_date(item.get("tested"), parsed, "recovery", index, "tested"),
            offline_copy=item.get("offline_copy"), responsible=_text(item.get("responsible")),
            steps=tuple(_text(s) for s in item.get("steps") or () if _text(s)), note=_text(item.get("note")),
            index=index,
        ))
    alarm = data.get("alarm") or {}
    for item in alarm.get("contacts") or []:
        plan.contacts.append(Contact(role=_text(item["role"]), name=_text(item.get("name")), phone=_text(item.get("phone")),
                                     email=_text(item.get("email")), deputy=_text(item.get("deputy")),
                                     reachable=_text(item.get("reachable"))))
    for index, item in enumerate(alarm.get("escalation") or []):
        plan.escalation.append(Escalation(
            level=_text(item["level"]), criterion=_text(item.get("criterion")),
            inform=tuple(_text(i) for i in item.get("inform") or ()),
            within=_hours(item.get("within"), parsed, "alarm", "escalation", index, "within"),
            decides=_text(item.get("decides"))))
    return plan


# -- recovery targets over the dependencies ----------------------------------------------------------------------


@dataclass(frozen=True)
class InheritedTarget:
    """The recovery targets an object inherits from the processes that depend on it (shortest wins)."""

    target: str
    rto: int | None
    rpo: int | None
    mtpd: int | None
    rto_from: tuple[str, ...] = ()
    rpo_from: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    critical_from: tuple[str, ...] = ()
    criticality: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "rto_hours": self.rto, "rpo_hours": self.rpo, "mtpd_hours": self.mtpd,
                "rto": duration_de(self.rto), "rpo": duration_de(self.rpo), "mtpd": duration_de(self.mtpd),
                "rto_from": list(self.rto_from), "rpo_from": list(self.rpo_from), "processes": list(self.processes),
                "critical_from": list(self.critical_from), "criticality": self.criticality or None}


def _reached(start: str, depends: Mapping[str, Sequence[str]]) -> list[str]:
    """``start`` and everything it depends on, directly or not (each once, cycles cut)."""
    order: list[str] = []
    seen: set[str] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(reversed([d for d in depends.get(node, ()) if d not in seen]))
    return order


def _minimum(values: Iterable[tuple[int | None, str]]) -> tuple[int | None, tuple[str, ...]]:
    given = [(v, who) for v, who in values if v is not None]
    if not given:
        return None, ()
    best = min(v for v, _ in given)
    return best, tuple(dict.fromkeys(who for v, who in given if v == best))


def inherit_targets(targets: Sequence["TargetObject"], bia: Sequence[BiaEntry]) -> dict[str, InheritedTarget]:
    """Every object's inherited recovery targets (the maximum principle: the strictest process wins)."""
    depends = {t.id: tuple(t.depends_on) for t in targets}
    needs: dict[str, list[BiaEntry]] = {}
    for entry in bia:
        if entry.process not in depends:
            continue
        for node in _reached(entry.process, depends):
            if node in depends:
                needs.setdefault(node, []).append(entry)
    inherited = {}
    for target in targets:
        entries = needs.get(target.id)
        if not entries:
            continue
        rto, rto_from = _minimum((e.rto, e.process) for e in entries)
        rpo, rpo_from = _minimum((e.rpo, e.process) for e in entries)
        mtpd, _ = _minimum((e.mtpd, e.process) for e in entries)
        ranks = [CRITICALITY.index(e.criticality) for e in entries if e.criticality in CRITICALITY]
        inherited[target.id] = InheritedTarget(
            target.id, rto, rpo, mtpd, rto_from, rpo_from, tuple(e.process for e in entries),
            tuple(e.process for e in entries if e.critical), CRITICALITY[max(ranks)] if ranks else "")
    return inherited


def realistic_recovery(targets: Sequence["TargetObject"], plans: Mapping[str, RecoveryPlan]) -> dict[str, int]:
    """Hours until each object with a restore time is back: its own restore after its dependencies' (serial)."""
    depends = {t.id: tuple(t.depends_on) for t in targets}
    found: dict[str, int] = {}
    visiting: set[str] = set()

    def total(node: str) -> int | None:
        if node in found:
            return found[node]
        plan = plans.get(node)
        if plan is None or plan.restore is None or node in visiting:
            return None
        visiting.add(node)
        before = [total(d) for d in depends.get(node, ())]
        visiting.discard(node)
        found[node] = plan.restore + max((b for b in before if b is not None), default=0)
        return found[node]

    for target in targets:
        total(target.id)
    return found


@dataclass(frozen=True)
class RecoveryGap:
    """Where an object's realistic recovery cannot meet its inherited target (or is unknown)."""

    target: str
    kind: str  # "rto" | "rpo" | "missing" | "untested"
    message: str
    required: int | None = None
    realistic: int | None = None
    processes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "kind": self.kind, "message": self.message, "required_hours": self.required,
                "realistic_hours": self.realistic, "processes": list(self.processes)}


GAP_KINDS = {"rto": "Wiederanlaufzeit", "rpo": "Datenverlust", "missing": "kein Wiederanlaufplan",
             "untested": "Wiederherstellung nicht getestet"}


def recovery_gaps(targets: Sequence["TargetObject"], inherited: Mapping[str, InheritedTarget],
                  plans: Mapping[str, RecoveryPlan]) -> list[RecoveryGap]:
    """The gap list: realistic recovery vs. inherited target, per object in structure order."""
    realistic = realistic_recovery(targets, plans)
    gaps = []
    for target in targets:
        need = inherited.get(target.id)
        if need is None or target.type == PROCESS_TYPE:
            continue
        plan = plans.get(target.id)
        if plan is None:
            if target.type in RECOVERY_TYPES and need.critical_from:
                gaps.append(RecoveryGap(
                    target.id, "missing",
                    f"{target.id} ({target.name}): kein Wiederanlaufplan, obwohl kritische Geschäftsprozesse davon "
                    f"abhängen ({', '.join(need.critical_from)}; RTO {duration_de(need.rto)}).",
                    need.rto, None, need.critical_from))
            continue
        real = realistic.get(target.id)
        if need.rto is not None and real is not None and real > need.rto:
            own = plan.restore
            chain = "" if own == real else f", davon eigene Wiederherstellung {duration_de(own)}"
            gaps.append(RecoveryGap(
                target.id, "rto",
                f"{target.id} ({target.name}): realistischer Wiederanlauf {duration_de(real)}{chain}, gefordert "
                f"höchstens {duration_de(need.rto)} (RTO von {', '.join(need.rto_from)}).",
                need.rto, real, need.rto_from))
        if need.rpo is not None and plan.backup_interval is not None and plan.backup_interval > need.rpo:
            gaps.append(RecoveryGap(
                target.id, "rpo",
                f"{target.id} ({target.name}): Datensicherung alle {duration_de(plan.backup_interval)}, tolerierbarer "
                f"Datenverlust höchstens {duration_de(need.rpo)} (RPO von {', '.join(need.rpo_from)}).",
                need.rpo, plan.backup_interval, need.rpo_from))
        if plan.restore is not None and plan.tested is None and need.critical_from:
            gaps.append(RecoveryGap(
                target.id, "untested",
                f"{target.id} ({target.name}): Wiederherstellungszeit {duration_de(plan.restore)} ist nicht durch einen "
                "Wiederherstellungstest belegt (tested fehlt).", need.rto, plan.restore, need.critical_from))
    return gaps
