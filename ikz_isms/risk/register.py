"""The risk register of a county (``risiken.yaml``): one entry per target object and threat.

The steps of BSI-Standard 200-3 for an object that needs a risk analysis:

1. the threats that apply (elementary threats G 0.n or additional ones by title);
2. each rated on frequency × impact, the category read off the Verbund's matrix
   (:mod:`.matrix`) — the risk *before* treatment;
3. a treatment: *vermeiden*, *reduzieren*, *transferieren* or *akzeptieren*, with owner,
   deadline and the measures that enter the Realisierungsplan (``plan.yaml``, measures whose
   ``requirement`` is the risk's id);
4. the residual risk after treatment (rated again), and where a risk is carried, the
   Behördenleitung's recorded decision: who, when, until when.

A risk that arises from unmet Basis requirements (its ``requirements`` name a Basis
requirement still open on the object) cannot be accepted: the gap must be closed.
:func:`acceptance_refusal` says why, and ``check`` flags an acceptance recorded anyway.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .matrix import RiskMatrix
from .threats import ELEMENTARY_THREATS, threat_id

if TYPE_CHECKING:
    from ..assess import Assessment

TREATMENTS = ("vermeiden", "reduzieren", "transferieren", "akzeptieren")
TREATMENT_LABELS = {
    "vermeiden": "Risiko vermeiden",
    "reduzieren": "Risiko reduzieren (weitere Maßnahmen)",
    "transferieren": "Risiko transferieren (verlagern)",
    "akzeptieren": "Risiko akzeptieren",
}
RISK_ID = re.compile(r"^R-([0-9]+)$")
#: the Behördenleitung decides; the register names the role the decider held
DEFAULT_DECIDER_ROLE = "Behördenleitung"

#: what a risk's state is called (``state`` below), in the order of the work
STATES = ("nicht bewertet", "unbehandelt", "in Behandlung", "behandelt", "Akzeptanz ausstehend",
          "akzeptiert", "Akzeptanz abgelaufen")


@dataclass(frozen=True)
class Treatment:
    option: str
    owner: str = ""
    deadline: _dt.date | None = None
    measures: tuple[str, ...] = ()
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"option": self.option, "owner": self.owner or None,
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "measures": list(self.measures), "description": self.description or None}


@dataclass(frozen=True)
class Acceptance:
    """The Behördenleitung's recorded decision to carry a (residual) risk."""

    by: str
    decided: _dt.date
    until: _dt.date
    role: str = DEFAULT_DECIDER_ROLE
    reference: str = ""
    reason: str = ""

    def expired(self, today: _dt.date) -> bool:
        return self.until < today

    def as_dict(self) -> dict[str, Any]:
        return {"by": self.by, "role": self.role, "decided": self.decided.isoformat(), "until": self.until.isoformat(),
                "reference": self.reference or None, "reason": self.reason or None}


@dataclass(frozen=True)
class Risk:
    """One entry of the register; ``index`` is its position in ``risiken.yaml``'s list."""

    id: str
    target: str
    threat: str = ""
    title: str = ""
    description: str = ""
    requirements: tuple[str, ...] = ()
    identified: _dt.date | None = None
    assessed: _dt.date | None = None
    frequency: str = ""
    impact: str = ""
    reason: str = ""
    treatment: Treatment | None = None
    residual_frequency: str = ""
    residual_impact: str = ""
    residual_reason: str = ""
    acceptance: Acceptance | None = None
    #: the entry's position in the list (its line is looked up only for a message)
    index: int = 0

    @property
    def name(self) -> str:
        """What the risk is about: its title, else the elementary threat's name."""
        return self.title or ELEMENTARY_THREATS.get(self.threat, self.threat)

    @property
    def assessed_before(self) -> bool:
        return bool(self.frequency and self.impact)

    @property
    def assessed_after(self) -> bool:
        return bool(self.residual_frequency and self.residual_impact)

    def category(self, matrix: RiskMatrix) -> str | None:
        """The category before treatment (``None`` until rated)."""
        return matrix.category(self.frequency, self.impact) if self.assessed_before else None

    def residual_category(self, matrix: RiskMatrix) -> str | None:
        """The category after treatment: rated again, or — when only accepted or not yet rated — as before."""
        if self.assessed_after:
            return matrix.category(self.residual_frequency, self.residual_impact)
        if self.treatment is not None and self.treatment.option == "akzeptieren":
            return self.category(matrix)
        return None

    def requirement_refs(self) -> list[tuple[str, str]]:
        """(requirement, target) the risk arises from; ``REQ@TARGET`` names another object."""
        refs = []
        for ref in self.requirements:
            requirement, _, target = ref.partition("@")
            refs.append((requirement.strip(), (target or self.target).strip()))
        return refs

    def state(self, today: _dt.date, open_measures: int | None = None) -> str:
        """One of :data:`STATES`; ``open_measures`` (of the plan) tells a finished treatment from one in progress."""
        if not self.assessed_before:
            return "nicht bewertet"
        if self.acceptance is not None:
            return "Akzeptanz abgelaufen" if self.acceptance.expired(today) else "akzeptiert"
        if self.treatment is None:
            return "unbehandelt"
        if self.treatment.option == "akzeptieren":
            return "Akzeptanz ausstehend"
        if open_measures == 0 and self.treatment.measures:
            return "behandelt"
        return "in Behandlung"

    def as_dict(self, matrix: RiskMatrix, today: _dt.date) -> dict[str, Any]:
        return {
            "id": self.id, "target": self.target, "threat": self.threat or None,
            "threat_name": ELEMENTARY_THREATS.get(self.threat) if self.threat else None,
            "title": self.name, "description": self.description or None, "requirements": list(self.requirements),
            "identified": self.identified.isoformat() if self.identified else None,
            "assessed": self.assessed.isoformat() if self.assessed else None,
            "frequency": self.frequency or None, "impact": self.impact or None, "reason": self.reason or None,
            "category": self.category(matrix),
            "treatment": self.treatment.as_dict() if self.treatment else None,
            "residual": {"frequency": self.residual_frequency or None, "impact": self.residual_impact or None,
                         "reason": self.residual_reason or None, "category": self.residual_category(matrix)},
            "acceptance": self.acceptance.as_dict() if self.acceptance else None,
            "acceptance_expired": bool(self.acceptance and self.acceptance.expired(today)),
        }


def _date(value: Any, parsed: Any, *pointer: Any) -> _dt.date | None:
    from ..assess.plan import deadline_at

    return deadline_at(value, parsed, *pointer)


def _text(value: Any) -> str:
    return str(value or "").strip()


def parse_risks(parsed: Any) -> list[Risk]:
    """The entries of a parsed, schema-valid ``risiken.yaml``, in file order.

    A duplicate id, an impossible date, an unknown elementary threat, a residual rating
    without a first one or an acceptance that ends before it was decided raise a located
    :class:`~ikz_isms.errors.InputError`.
    """
    items = (parsed.data or {}).get("risiken") or []
    risks: list[Risk] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        ident = str(item["id"])
        if ident in seen:
            raise InputError(f"Risiko '{ident}' ist doppelt.", path=parsed.path, location=parsed.location("risiken", index))
        seen.add(ident)
        threat = _text(item.get("threat"))
        if threat:
            known = threat_id(threat)
            if known is None:
                raise InputError(f"Risiko {ident}: '{threat[:40]}' ist keine elementare Gefährdung (G 0.1 … G 0.47); "
                                 "eine zusätzliche Gefährdung wird nur mit title beschrieben.",
                                 path=parsed.path, location=parsed.location("risiken", index, "threat"))
            threat = known
        elif not _text(item.get("title")):
            raise InputError(f"Risiko {ident}: weder elementare Gefährdung (threat) noch Titel (title).",
                             path=parsed.path, location=parsed.location("risiken", index))
        treatment = None
        raw = item.get("treatment")
        if raw:
            treatment = Treatment(
                option=str(raw["option"]), owner=_text(raw.get("owner")),
                deadline=_date(raw.get("deadline"), parsed, "risiken", index, "treatment", "deadline"),
                measures=tuple(str(m) for m in raw.get("measures") or ()), description=_text(raw.get("description")))
        residual = item.get("residual") or {}
        if residual and not (item.get("frequency") and item.get("impact")):
            raise InputError(f"Risiko {ident}: Restrisiko bewertet, das Risiko vor der Behandlung aber nicht "
                             "(frequency, impact).", path=parsed.path, location=parsed.location("risiken", index, "residual"))
        acceptance = None
        raw = item.get("acceptance")
        if raw:
            decided = _date(raw["decided"], parsed, "risiken", index, "acceptance", "decided")
            until = _date(raw["until"], parsed, "risiken", index, "acceptance", "until")
            assert decided is not None and until is not None
            if until < decided:
                raise InputError(f"Risiko {ident}: Akzeptanz bis {until.isoformat()} endet vor der Entscheidung "
                                 f"am {decided.isoformat()}.", path=parsed.path,
                                 location=parsed.location("risiken", index, "acceptance", "until"))
            acceptance = Acceptance(by=_text(raw["by"]), decided=decided, until=until,
                                    role=_text(raw.get("role")) or DEFAULT_DECIDER_ROLE,
                                    reference=_text(raw.get("reference")), reason=_text(raw.get("reason")))
        risks.append(Risk(
            id=ident, target=str(item["target"]), threat=threat, title=_text(item.get("title")),
            description=_text(item.get("description")),
            requirements=tuple(str(r).strip() for r in item.get("requirements") or ()),
            identified=_date(item.get("identified"), parsed, "risiken", index, "identified"),
            assessed=_date(item.get("assessed"), parsed, "risiken", index, "assessed"),
            frequency=_text(item.get("frequency")), impact=_text(item.get("impact")), reason=_text(item.get("reason")),
            treatment=treatment, residual_frequency=_text(residual.get("frequency")),
            residual_impact=_text(residual.get("impact")), residual_reason=_text(residual.get("reason")),
            acceptance=acceptance, index=index,
        ))
    return risks


def next_id(risks: Iterable[Risk]) -> str:
    numbers = [int(m.group(1)) for m in (RISK_ID.match(r.id) for r in risks) if m]
    return f"R-{max(numbers, default=0) + 1:03d}"


# -- which objects need an analysis, and which risks cannot be accepted ------------------------------------


def open_basis(assessment: "Assessment") -> dict[tuple[str, str], str]:
    """(requirement, target) → status of every open Basis requirement (the figures' rule)."""
    from ..assess.summary import basis_gaps

    return {(g["requirement"], g["target"]): str(g["status"]) for g in basis_gaps(assessment)}


def basis_gaps_of(risk: Risk, gaps: Mapping[tuple[str, str], str]) -> list[tuple[str, str, str]]:
    """The open Basis requirements the risk arises from: (requirement, target, status)."""
    return [(req, target, gaps[(req, target)]) for req, target in risk.requirement_refs() if (req, target) in gaps]


def acceptance_refusal(risk: Risk, gaps: Mapping[tuple[str, str], str]) -> str | None:
    """Why the risk cannot be accepted (German), or ``None``."""
    open_ = basis_gaps_of(risk, gaps)
    if not open_:
        return None
    named = ", ".join(f"{req} auf {target} ({status})" for req, target, status in open_)
    return (f"Risiko {risk.id} entsteht aus nicht erfüllten Basis-Anforderungen ({named}); solche Risiken können "
            "nicht akzeptiert werden – die Basis-Anforderungen müssen umgesetzt werden (IT-Grundschutz, "
            "BSI-Standard 200-2/200-3).")


@dataclass
class Candidate:
    """A target object that needs a risk analysis, why, and how far the register covers it."""

    target: str
    name: str
    type: str
    reasons: list[str] = field(default_factory=list)
    basis_gaps: list[tuple[str, str]] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "name": self.name, "type": self.type, "reasons": list(self.reasons),
                "basis_gaps": [{"requirement": r, "status": s} for r, s in self.basis_gaps],
                "risks": list(self.risks), "analysed": bool(self.risks)}


def candidates(assessment: "Assessment", risks: Iterable[Risk], gaps: Mapping[tuple[str, str], str]) -> list[Candidate]:
    """Objects that need a risk analysis (200-3): protection need hoch or sehr hoch, no requirement modelled
    (the catalog does not cover the object), or open Basis requirements — in structure order."""
    from ..assess.targets import DIMENSION_NAMES, DIMENSIONS

    data = assessment.data
    modelled = {p.target.id for p in assessment.pairs}
    by_target: dict[str, list[str]] = {}
    for risk in risks:
        by_target.setdefault(risk.target, []).append(risk.id)
    gap_targets: dict[str, list[tuple[str, str]]] = {}
    for (requirement, on), status in gaps.items():
        gap_targets.setdefault(on, []).append((requirement, status))
    found = []
    for target in data.targets:
        need = data.needs.get(target.id)
        reasons = []
        if need is not None and need.elevated:
            reasons.append("erhöhter Schutzbedarf: " + ", ".join(
                f"{DIMENSION_NAMES[d]} {need.result(d)}" for d in DIMENSIONS if need.result(d) != "normal"))
        if target.id not in modelled:
            reasons.append("keine Anforderung modelliert (vom Katalog nicht abgedeckt)")
        open_ = gap_targets.get(target.id, [])
        if open_:
            reasons.append(f"{len(open_)} offene Basis-Anforderung{'en' if len(open_) != 1 else ''}")
        if reasons:
            found.append(Candidate(target.id, target.name, target.type, reasons, open_, by_target.get(target.id, [])))
    return found
