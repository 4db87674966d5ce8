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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from ..catalog.model import Requirement
    from . import Assessment

PLAN_FILE = "plan.yaml"
STATES = ("geplant", "in Umsetzung", "umgesetzt", "verworfen")
OPEN_STATES = ("geplant", "in Umsetzung")
GAP_STATUSES = ("nein", "teilweise")
NEED_RANK = {"sehr hoch": 0, "hoch": 1, "normal": 2}
LEVEL_RANK = {"B": 0, "S": 1, "H": 2, "normal-SdT": 0, "erhöht": 2}
# the derived fields ``plan update`` refreshes; everything else belongs to the ISB
DERIVED_FIELDS = ("priority", "gap_status", "level", "modal_verb", "effort")

_MONEY = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
#: no measure of a county costs a trillion euros; a larger amount is a typo (as for option values)
MAX_MONEY = Decimal(10) ** 12
_MEASURE_ID = re.compile(r"^M-(\d+)$")
#: measures that treat a risk (``R-NNN``, risiken.yaml) or follow up a security incident (``V-JJJJ-NN``,
#: vorfaelle.yaml) name that id as their ``requirement``: no gap of the check stands behind them
_FOLLOWUP = re.compile(r"^(R-[0-9]+|V-[0-9]{4}-[0-9]+)$")


def is_followup(measure: "Measure") -> bool:
    """Whether the measure treats a risk or follows up an incident rather than closing a gap of the check."""
    return bool(_FOLLOWUP.match(measure.requirement))


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
    located: int | None
    effort: int | None = None
    #: the parsed plan and the measure's index in it: the line is looked up only when asked for
    source: Any = field(default=None, compare=False, repr=False)
    index: int = -1

    @property
    def line(self) -> int | None:
        """1-based line where the entry starts in ``plan.yaml`` (``None``: not yet written)."""
        if self.located is not None or self.source is None:
            return self.located
        line: int | None = self.source.line("massnahmen", self.index)
        return line

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

    Raises ValueError (with a German message) for anything else, negative amounts and amounts of
    :data:`MAX_MONEY` (10^12) or more included.
    """
    text = str(value).strip().replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not _MONEY.match(text):
        raise ValueError(f"ungültiger Betrag '{_shown(value)}' (erwartet z. B. 1234.50 oder 1.234,50).")
    if len(text.split(".")[0].lstrip("0")) > len(str(MAX_MONEY)) - 1:
        raise ValueError(f"Betrag '{_shown(value)}' ist zu groß (höchstens 999.999.999.999,99 €).")
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"ungültiger Betrag '{_shown(value)}'.") from None


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def parse_deadline(value: Any) -> _dt.date:
    """A date ``JJJJ-MM-TT`` within 1900–2200 (as option values); raises ValueError with a German message."""
    if isinstance(value, _dt.datetime):
        day = value.date()
    elif isinstance(value, _dt.date):
        day = value
    else:
        text = str(value).strip()
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                raise ValueError
            day = _dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"ungültiges Datum '{_shown(value)}' (erwartet JJJJ-MM-TT).") from None
    if not 1900 <= day.year <= 2200:
        raise ValueError(f"Datum '{day.isoformat()}' liegt außerhalb von 1900–2200.")
    return day


def deadline_at(value: Any, parsed: Any, *pointer: Any) -> _dt.date | None:
    """:func:`parse_deadline` of a value in a parsed file (``None`` when empty); a bad date raises
    the InputError naming the file and the place of ``pointer``."""
    if value in (None, ""):
        return None
    try:
        return parse_deadline(value)
    except ValueError as exc:
        raise InputError(str(exc), path=parsed.path, location=parsed.location(*pointer)) from None


def money_de(amount: Decimal | None) -> str:
    """German money format: ``1.234,50 €``; no amount is ``–`` (see :func:`ikz_isms.present.de.money_de`)."""
    from ..present.de import money_de as present_money_de

    return present_money_de(amount)


def parse_plan(parsed: Any) -> list[Measure]:
    """Measures from a parsed, schema-valid plan (a :class:`~ikz_isms.store.Parsed`), in file order.

    A duplicate id, an impossible date or an amount that is no money raises a located InputError.
    """
    return [_measure(parsed, index, data, *values) for index, data, values in _checked(parsed)]


def check_plan(parsed: Any) -> None:
    """What :func:`parse_plan` refuses of a plan, refused the same way, without making the measures."""
    for _ in _checked(parsed):
        pass


def parse_measure(parsed: Any, index: int) -> Measure:
    """The measure at ``index`` of a parsed, schema-valid plan; an impossible date or an amount that
    is no money raises the located InputError :func:`parse_plan` raises for it (whether its id is
    unique is the whole plan's question)."""
    data = parsed.data["massnahmen"][index]
    return _measure(parsed, index, data, *_values(parsed, index, data))


def _checked(parsed: Any) -> Iterator[tuple[int, Any, tuple[_dt.date | None, Decimal | None]]]:
    """(index, plain values, (deadline, cost)) of each measure in file order, each checked when reached."""
    items = (parsed.data or {}).get("massnahmen") or []
    seen: set[str] = set()
    for index, data in enumerate(items):
        if data["id"] in seen:
            raise InputError(f"Maßnahme '{data['id']}' ist doppelt.", path=parsed.path, location=_where(parsed, index))
        seen.add(data["id"])
        yield index, data, _values(parsed, index, data)


def _values(parsed: Any, index: int, data: Any) -> tuple[_dt.date | None, Decimal | None]:
    """A measure's deadline and cost; a bad one raises the InputError naming the measure's line."""
    try:
        deadline = parse_deadline(data["deadline"]) if data.get("deadline") else None
        cost = parse_money(data["cost"]) if data.get("cost") not in (None, "") else None
    except ValueError as exc:
        raise InputError(str(exc), path=parsed.path, location=_where(parsed, index)) from None
    return deadline, cost


def _measure(parsed: Any, index: int, data: Any, deadline: _dt.date | None, cost: Decimal | None) -> Measure:
    return Measure(
        id=str(data["id"]),
        requirement=str(data["requirement"]),
        target=str(data["target"]),
        title=str(data.get("title") or "").strip(),
        description=str(data.get("description") or "").strip(),
        responsible=str(data.get("responsible") or "").strip(),
        deadline=deadline,
        cost=cost,
        priority=int(data.get("priority") or 9),
        state=str(data.get("state") or "geplant"),
        gap_status=str(data.get("gap_status") or "nein"),
        level=data.get("level"),
        modal_verb=data.get("modal_verb"),
        located=None,
        effort=data.get("effort"),
        source=parsed,
        index=index,
    )


def _where(parsed: Any, index: int) -> str:
    """``Zeile N`` of a measure for a message (the node tree is built only for one)."""
    line = parsed.line("massnahmen", index)
    return f"Zeile {line}" if line else f"/massnahmen/{index}"


def _need_rank(assessment: "Assessment", target: str) -> int:
    need = assessment.data.needs.get(target)
    if need is None:
        return NEED_RANK["normal"]
    return min(NEED_RANK[need.result(dim)] for dim in ("C", "I", "A"))


def priority_of(assessment: "Assessment", req: "Requirement", target: str) -> int:
    tier: int = assessment.edition.tier(req)
    return tier * 3 + _need_rank(assessment, target) + 1


def _next_number(measures: Iterable[Measure]) -> int:
    numbers = [int(m.group(1)) for m in (_MEASURE_ID.match(x.id) for x in measures) if m]
    return max(numbers, default=0) + 1


def current_gaps(assessment: Any) -> dict[tuple[str, str], tuple[Any, Any, Any]]:
    """(requirement, target) → (pair, record, status) for every pair with nein/teilweise that applies
    under the county's approach (the plan follows the choice)."""
    gaps = {}
    for pair in assessment.pairs:
        if not assessment.in_scope(pair):
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
    from .records import DONE_STATUSES

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
            located=None,
            effort=req.effort,
        ))
    for measure in sort_measures(fresh):
        measure.id = f"M-{number:03d}"
        number += 1
        result.append(measure)
    return sort_measures(result)


def plan_notes(assessment: Any, measures: Iterable[Measure]) -> dict[str, str]:
    """Measures that disagree with the check, by id, with a German note for the ISB."""
    from .records import DONE_STATUSES

    gaps = current_gaps(assessment)
    notes = {}
    for measure in measures:
        if is_followup(measure):
            continue
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
        elif not assessment.in_scope(assessment.pair(*measure.key)):
            label = assessment.edition.approach(assessment.approach).label
            notes[measure.id] = f"Anforderung gilt in der gewählten Vorgehensweise ({label}) nicht – Maßnahme prüfen"
        elif record is not None and record.status in DONE_STATUSES:
            if measure.state in OPEN_STATES:
                notes[measure.id] = f"Lücke laut Check geschlossen ({record.status}) – ikz-isms plan update setzt 'umgesetzt'"
        elif measure.state in OPEN_STATES:
            status = record.status if record is not None else "unbearbeitet"
            notes[measure.id] = f"keine Lücke mehr im Check (Status {status}) – Maßnahme prüfen"
    return notes


def totals(measures: Iterable[Measure], today: _dt.date) -> dict[str, Any]:
    """Count and cost sum per state, overall sum and the number of overdue measures."""
    counts = dict.fromkeys(STATES, 0)
    costs = dict.fromkeys(STATES, Decimal("0.00"))
    overdue = 0
    for measure in measures:
        counts[measure.state] += 1
        costs[measure.state] += measure.cost or Decimal("0.00")
        overdue += measure.is_overdue(today)
    return {
        "per_state": {state: {"count": counts[state], "cost": costs[state]} for state in STATES},
        "count": sum(counts.values()),
        "cost": sum(costs.values(), Decimal("0.00")),
        "overdue": overdue,
    }


@dataclass
class PlanView:
    """The Realisierungsplan as every output shows it: the measures ``plan.yaml`` holds, as of a day.

    ``unplanned`` are the current gaps without a measure yet (``plan update`` adds them);
    ``notes`` say where a measure and the check disagree. ``plan``, the PDF reports and
    the exports all render this one object, so their counts agree.
    """

    exists: bool
    measures: list[Measure]
    notes: dict[str, str]
    unplanned: list[tuple[str, str, str]]
    as_of: _dt.date
    path: str = ""

    def overdue(self, measure: Measure) -> bool:
        return measure.is_overdue(self.as_of)

    def select(self, *, overdue: bool = False, states: tuple[str, ...] = ()) -> list[Measure]:
        return [
            m for m in self.measures
            if (not overdue or m.is_overdue(self.as_of)) and (not states or m.state in states)
        ]

    def totals(self, measures: Iterable[Measure] | None = None) -> dict[str, Any]:
        return totals(self.measures if measures is None else measures, self.as_of)


def plan_view(assessment: Any, measures: list[Measure], as_of: _dt.date, *, exists: bool, path: str = "") -> PlanView:
    """The plan view of stored ``measures`` against the assessment's current gaps."""
    planned = {m.key for m in measures}
    unplanned = [
        (pair.requirement.id, pair.target.id, status)
        for key, (pair, _record, status) in current_gaps(assessment).items()
        if key not in planned
    ]
    return PlanView(exists, sort_measures(measures), plan_notes(assessment, measures), unplanned, as_of, path)
