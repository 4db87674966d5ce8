"""The Realisierungsplan: one measure per gap of the IT-Grundschutz-Check, prioritised and tracked.

Every pair with status ``nein`` or ``teilweise`` becomes a measure (Maßnahme) in the
county's ``plan.yaml``. The ISB edits responsible, deadline, cost estimate, state, title
and description there (or with ``ikz-isms plan set``); ``plan update`` adds new gaps and
refreshes the derived fields (priority, level, modal verb, gap status) without touching
the edited ones.

Priority 1 (highest) to 9 combines two things, in this order:

* the requirement's tier — Basis (Ed. 2023 level B; G++ normal-SdT with MUSS) first,
  because their risk cannot be accepted; then Standard (S; G++ normal-SdT SOLLTE/KANN);
  then elevated (H; G++ erhöht);
* the target's protection need — the maximum of its resulting C, I and A (sehr hoch
  before hoch before normal).

``priority = tier * 3 + need + 1``. Within one priority, lower effort comes first (G++
effort 0–5; Edition 2023 has none, so the level order B, S, H stands in), then the id.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from .records import DONE_STATUSES

PLAN_FILE = "plan.yaml"
STATES = ("geplant", "in Umsetzung", "umgesetzt", "verworfen")
OPEN_STATES = ("geplant", "in Umsetzung")
GAP_STATUSES = ("nein", "teilweise")
NEED_RANK = {"sehr hoch": 0, "hoch": 1, "normal": 2}
LEVEL_RANK = {"B": 0, "S": 1, "H": 2, "normal-SdT": 0, "erhöht": 2}
# the derived fields ``plan update`` refreshes; everything else belongs to the ISB
DERIVED_FIELDS = ("priority", "gap_status", "level", "modal_verb", "effort")

_MONEY = re.compile(r"^\d+(\.\d{1,2})?$")
_MEASURE_ID = re.compile(r"^M-(\d+)$")


@dataclass
class Measure:
    """A measure (Maßnahme) of the Realisierungsplan closing the gap of one (requirement, target).

    ``priority`` 1 is the highest; ``state`` is one of :data:`STATES`; ``gap_status`` is the
    check status the gap had when the plan was last updated; ``line`` is where the entry
    starts in ``plan.yaml`` (``None`` for a measure not yet written). ``effort`` is the G++
    effort (0–5) used for ordering, ``None`` for Edition 2023.
    """

    id: str
    requirement: str
    target: str
    title: str
    description: str
    responsible: str
    deadline: _dt.date | None
    cost: Decimal | None
    priority: int
    state: str
    gap_status: str
    level: str | None
    modal_verb: str | None
    line: int | None
    effort: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.requirement, self.target)

    def is_overdue(self, today: _dt.date) -> bool:
        """True when the deadline has passed and the measure is neither done nor dropped."""
        return self.deadline is not None and self.deadline < today and self.state in OPEN_STATES

    # the report package calls it by this name as well
    overdue = is_overdue

    def as_dict(self) -> dict[str, Any]:
        """The plain JSON form (date ISO, money as a decimal string)."""
        return {
            "id": self.id,
            "requirement": self.requirement,
            "target": self.target,
            "title": self.title,
            "description": self.description,
            "responsible": self.responsible,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "cost": None if self.cost is None else f"{self.cost:.2f}",
            "priority": self.priority,
            "state": self.state,
            "gap_status": self.gap_status,
            "level": self.level,
            "modal_verb": self.modal_verb,
            "effort": self.effort,
        }


def sort_key(measure: Measure) -> tuple[Any, ...]:
    effort = measure.effort if measure.effort is not None else LEVEL_RANK.get(measure.level or "", 3)
    match = _MEASURE_ID.match(measure.id)
    number = int(match.group(1)) if match else 0
    return (measure.priority, effort, number, measure.id)


def sort_measures(measures: Iterable[Measure]) -> list[Measure]:
    """Priority, then effort (level order for Edition 2023), then id."""
    return sorted(measures, key=sort_key)


def parse_money(value: Any) -> Decimal:
    """An amount in euros as Decimal: ``1234.50``, ``1234,50`` or ``1.234,50``; never a float.

    Raises ValueError (with a German message) for anything else, negative amounts included.
    """
    text = str(value).strip().replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not _MONEY.match(text):
        raise ValueError(f"ungültiger Betrag '{value}' (erwartet z. B. 1234.50 oder 1.234,50).")
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"ungültiger Betrag '{value}'.") from None


def parse_deadline(value: Any) -> _dt.date:
    """A date ``JJJJ-MM-TT``; raises ValueError with a German message."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"ungültiges Datum '{value}' (erwartet JJJJ-MM-TT).") from None


def money_de(amount: Decimal | None) -> str:
    """German money format: ``1.234,50 €``; no amount is ``–``."""
    if amount is None:
        return "–"
    text = f"{amount:,.2f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") + " €"


def plan_path(county: Any) -> Path:
    return Path(county.data_dir) / PLAN_FILE


def parse_plan(document: Any, path: str = "plan.yaml") -> list[Measure]:
    """Measures from a schema-valid plan document, in file order; bad dates or amounts raise."""
    from ..store import yaml_line
    from ..store import plain

    items = (document or {}).get("massnahmen") or []
    measures: list[Measure] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        data = plain(item)
        line = yaml_line(items, index)
        where = f"Zeile {line}" if line else f"/massnahmen/{index}"
        if data["id"] in seen:
            raise InputError(f"Maßnahme '{data['id']}' ist doppelt.", path=path, location=where)
        seen.add(data["id"])
        try:
            deadline = parse_deadline(data["deadline"]) if data.get("deadline") else None
            cost = parse_money(data["cost"]) if data.get("cost") not in (None, "") else None
        except ValueError as exc:
            raise InputError(str(exc), path=path, location=where) from None
        measures.append(Measure(
            id=data["id"],
            requirement=data["requirement"],
            target=data["target"],
            title=data.get("title") or "",
            description=data.get("description") or "",
            responsible=data.get("responsible") or "",
            deadline=deadline,
            cost=cost,
            priority=int(data.get("priority") or 9),
            state=data.get("state") or "geplant",
            gap_status=data.get("gap_status") or "nein",
            level=data.get("level"),
            modal_verb=data.get("modal_verb"),
            line=line,
            effort=data.get("effort"),
        ))
    return measures


def read_plan_document(path: Path, *, roundtrip: bool = True) -> Any:
    """Parse and validate ``plan.yaml`` (schema ``plan``); problems raise InputError with the line."""
    from ..schemas import load_validated

    return load_validated(path, "plan", roundtrip=roundtrip)


def load_plan(county: Any) -> list[Measure]:
    """The county's Realisierungsplan, sorted by priority; no ``plan.yaml`` means no measures."""
    path = plan_path(county)
    if not path.exists():
        return []
    return sort_measures(parse_plan(read_plan_document(path), str(path)))


def _tier(req: Any, world: str) -> int:
    from .modelling import is_basis

    if is_basis(req, world):
        return 0
    if req.level in ("H", "erhöht"):
        return 2
    return 1


def _need_rank(assessment: Any, target: str) -> int:
    need = assessment.data.needs.get(target)
    if need is None:
        return NEED_RANK["normal"]
    return min(NEED_RANK[need.result(dim)] for dim in ("C", "I", "A"))


def priority_of(assessment: Any, req: Any, target: str) -> int:
    return _tier(req, assessment.catalog.world) * 3 + _need_rank(assessment, target) + 1


def _next_number(measures: Iterable[Measure]) -> int:
    numbers = [int(m.group(1)) for m in (_MEASURE_ID.match(x.id) for x in measures) if m]
    return max(numbers, default=0) + 1


def current_gaps(assessment: Any) -> dict[tuple[str, str], tuple[Any, Any, Any]]:
    """(requirement, target) → (pair, record, status) for every applicable pair with nein/teilweise."""
    gaps = {}
    for pair in assessment.pairs:
        if not pair.approaches:
            continue
        record = assessment.data.records.get(pair.requirement.id, pair.target.id)
        if record is not None and record.status in GAP_STATUSES:
            gaps[pair.key] = (pair, record, record.status)
    return gaps


def build_plan(assessment: Any, existing: list[Measure], today: _dt.date) -> list[Measure]:
    """The plan for the current gaps, keeping what the ISB edited in ``existing``.

    A gap with a measure keeps that measure's id, title, description, responsible,
    deadline, cost and state; its priority, level, modal verb, effort and gap status are
    refreshed. A gap without one gets a new measure (state ``geplant``). A measure whose gap
    the check now shows as ja/entbehrlich is set to ``umgesetzt`` (unless ``verworfen``);
    other measures without a gap are kept unchanged (see :func:`plan_notes`).
    """
    gaps = current_gaps(assessment)
    by_key = {m.key: m for m in existing}
    result: list[Measure] = []
    for measure in existing:
        gap = gaps.get(measure.key)
        if gap is not None:
            pair, _record, status = gap
            req = pair.requirement
            measure = replace(
                measure,
                priority=priority_of(assessment, req, pair.target.id),
                gap_status=status,
                level=req.level,
                modal_verb=req.modal_verb,
                effort=req.effort,
            )
        else:
            record = assessment.data.records.get(*measure.key)
            if record is not None and record.status in DONE_STATUSES and measure.state != "verworfen":
                measure = replace(measure, state="umgesetzt")
        result.append(measure)
    number = _next_number(existing)
    fresh = []
    for key, (pair, record, status) in gaps.items():
        if key in by_key:
            continue
        req = pair.requirement
        fresh.append(Measure(
            id="",
            requirement=req.id,
            target=pair.target.id,
            title=req.title,
            description=f"Ist-Stand ({status}): {record.statement}" if record.statement else f"Ist-Stand: {status}",
            responsible=record.responsible,
            deadline=None,
            cost=None,
            priority=priority_of(assessment, req, pair.target.id),
            state="geplant",
            gap_status=status,
            level=req.level,
            modal_verb=req.modal_verb,
            line=None,
            effort=req.effort,
        ))
    for measure in sort_measures(fresh):
        measure.id = f"M-{number:03d}"
        number += 1
        result.append(measure)
    return sort_measures(result)


def plan_notes(assessment: Any, measures: Iterable[Measure]) -> dict[str, str]:
    """Measures that disagree with the check, by id, with a German note for the ISB."""
    gaps = current_gaps(assessment)
    notes = {}
    for measure in measures:
        record = assessment.data.records.get(*measure.key)
        if measure.key in gaps:
            if measure.state == "umgesetzt":
                notes[measure.id] = (
                    f"als umgesetzt markiert, im Check aber noch '{gaps[measure.key][2]}' – "
                    f"Prüfeintrag aktualisieren (ikz-isms assess set {measure.requirement} {measure.target} ja) "
                    f"oder, wenn die Lücke noch besteht, Stand zurücksetzen "
                    f"(ikz-isms plan set {measure.id} --state 'in Umsetzung')"
                )
        elif assessment.pair(*measure.key) is None:
            notes[measure.id] = "Anforderung ist auf dem Zielobjekt nicht mehr modelliert – Maßnahme prüfen oder verwerfen"
        elif record is not None and record.status in DONE_STATUSES:
            if measure.state in OPEN_STATES:
                notes[measure.id] = f"Lücke laut Check geschlossen ({record.status}) – ikz-isms plan update setzt 'umgesetzt'"
        elif measure.state in OPEN_STATES:
            status = record.status if record is not None else "unbearbeitet"
            notes[measure.id] = f"keine Lücke mehr im Check (Status {status}) – Maßnahme prüfen"
    return notes


def totals(measures: Iterable[Measure], today: _dt.date) -> dict[str, Any]:
    """Count and cost sum per state, overall sum and the number of overdue measures."""
    per_state = {state: {"count": 0, "cost": Decimal("0.00")} for state in STATES}
    overdue = 0
    for measure in measures:
        bucket = per_state[measure.state]
        bucket["count"] += 1
        bucket["cost"] += measure.cost or Decimal("0.00")
        overdue += measure.is_overdue(today)
    return {
        "per_state": per_state,
        "count": sum(b["count"] for b in per_state.values()),
        "cost": sum((b["cost"] for b in per_state.values()), Decimal("0.00")),
        "overdue": overdue,
    }
