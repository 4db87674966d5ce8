"""The one-product rule (Ein-Produkt-Strategie): where separate contracts call for a joint tender."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..present.de import date_de
from .dates import add_months, months_between
from .legal import LegalFigure, LegalFigures
from .model import FrameworkContract

#: §3 VgV: without a total price, a term over 48 months counts as 48 monthly values
ESTIMATE_MONTHS = 48


@dataclass
class Opportunity:
    """A proposed joint tender for one product category."""

    category: str
    reasons: list[str]
    contracts: list[FrameworkContract]
    parts: dict[str, Decimal | None]
    estimate: Decimal
    threshold: LegalFigure
    counties: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def above_threshold(self) -> bool:
        return self.threshold.amount is not None and self.estimate >= self.threshold.amount

    @property
    def category_of_threshold(self) -> str:
        return self.threshold.id.removeprefix("eu-threshold.")

    @property
    def verdict(self) -> str:
        from ..tender.estimate import regime_of

        law = regime_of(self.category_of_threshold)
        if self.above_threshold:
            return f"EU-weite Vergabe nach {law.eu}; gemeinsame Beschaffung nach §4 VgV"
        return f"nationale Vergabe nach {law.national}; gemeinsame Beschaffung nach §4 VgV"

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "reasons": self.reasons,
            "contracts": [c.id for c in self.contracts],
            "annual_need": {k: (str(v) if v is not None else None) for k, v in self.parts.items()},
            "annual_total": str(self.annual_total),
            "estimate": str(self.estimate),
            "estimate_months": ESTIMATE_MONTHS,
            "threshold": self.threshold.as_dict(),
            "above_threshold": self.above_threshold,
            "verdict": self.verdict,
            "counties_to_name": self.counties,
            "notes": self.notes,
        }

    @property
    def annual_total(self) -> Decimal:
        return sum((v for v in self.parts.values() if v is not None), Decimal(0))


def annual_value(contract: FrameworkContract) -> Decimal | None:
    """Yearly value: ``annual_value``, else the estimate spread over the initial term."""
    if contract.annual_value is not None:
        return contract.annual_value
    if contract.estimate is not None:
        months = max(1, months_between(contract.term.start, contract.term.end))
        return (contract.estimate * 12 / months).quantize(Decimal("0.01"))
    return None


def running_frameworks(contracts: Iterable[FrameworkContract], on: dt.date) -> dict[str, FrameworkContract]:
    """Category → the framework agreement that covers it on ``on`` (started, not ended)."""
    found: dict[str, FrameworkContract] = {}
    for contract in contracts:
        if contract.kind == "framework" and contract.category and contract.term.start <= on \
                and not contract.state(on).expired:
            found.setdefault(contract.category, contract)
    return found


def threshold_category(group: Sequence[FrameworkContract]) -> str:
    """The EU threshold category of a group of contracts: one they name, else works for VOB, else
    supplies and services of a sub-central authority (a Landkreis)."""
    from .legal import DEFAULT_CATEGORY

    named = next((c.threshold for c in group if c.threshold), "")
    if named:
        return named
    return DEFAULT_CATEGORY["works" if any(c.regime == "VOB" for c in group) else "services"]


def opportunities(
    contracts: Iterable[FrameworkContract],
    members: Sequence[str],
    on: dt.date,
    lead_months: int,
    legal: LegalFigures,
    *,
    skip_covered: bool = True,
    names: Mapping[str, str] | None = None,
) -> list[Opportunity]:
    """Joint tenders to propose on ``on``, by product category.

    A category qualifies when several counties hold separate running contracts for it, or
    one county's notice deadline (or final end) falls within ``lead_months``. Categories a
    running framework contract already covers are left out (``skip_covered=False`` keeps
    them, for :func:`ikz_isms.tender.opportunities.combine`, which reports them as covered).
    """
    contracts = list(contracts)
    covered = set(running_frameworks(contracts, on)) if skip_covered else set()

    def name(key: str) -> str:
        return (names or {}).get(key, key)

    by_category: dict[str, list[FrameworkContract]] = {}
    for contract in contracts:
        if contract.kind == "single" and contract.category and not contract.state(on).expired:
            by_category.setdefault(contract.category, []).append(contract)
    horizon = add_months(on, lead_months)
    found = []
    for category, group in sorted(by_category.items()):
        if category in covered:
            continue
        reasons = []
        owners = sorted({c.owner for c in group})
        if len(owners) > 1:
            reasons.append(f"{len(owners)} Landkreise mit getrennten Verträgen: {', '.join(name(o) for o in owners)}")
        for contract in group:
            state = contract.state(on)
            deadline = state.notice_deadline or state.ends_on or state.current_end
            if deadline <= horizon:
                what = "Kündigungsfrist" if state.notice_deadline else "Vertragsende"
                reasons.append(f"{name(contract.owner)}: {what} am {date_de(deadline)} ({contract.id})")
        if not reasons:
            continue
        parts: dict[str, Decimal | None] = {m: None for m in members}
        for contract in group:
            value = annual_value(contract)
            if value is not None:
                parts[contract.owner] = (parts.get(contract.owner) or Decimal(0)) + value
        notes = []
        unknown = [m for m, v in parts.items() if v is None]
        if unknown:
            notes.append(f"Bedarf unbekannt (bitte erheben): {', '.join(name(u) for u in unknown)}.")
        annual = sum((v for v in parts.values() if v is not None), Decimal(0))
        estimate = (annual * ESTIMATE_MONTHS / 12).quantize(Decimal("0.01"))
        threshold = legal.threshold(threshold_category(group), on)
        opportunity = Opportunity(category, reasons, group, parts, estimate, threshold, list(members), notes)
        notes.append(
            "Schätzung nach §3 VgV: Summe aller Abrufe über die Laufzeit (48 Monate), "
            "gemeinsamer Bedarf aller Teilnehmenden (§4 VgV)."
        )
        notes.append(
            "Alle abrufberechtigten Landkreise müssen bei der Ausschreibung benannt sein "
            "(§21 Abs. 2 VgV, §15 Abs. 3 UVgO); ein späterer Beitritt ist nicht möglich."
        )
        found.append(opportunity)
    return found
