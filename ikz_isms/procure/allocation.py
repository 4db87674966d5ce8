"""Cost allocation between counties (Kostenverteilung) with cent-exact largest-remainder rounding.

Rounding rule (stated in every result): each county's exact share is computed as a
fraction, cut down to the cent; the cents still missing to the total go one by one to the
counties with the largest cut-off remainders; equal remainders are served in member order.
So the shares always add up to the total to the cent, and no share is off by a cent or more.
Per-unit licences are not split but priced: unit price × the county's figure, rounded half up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from ..errors import InputError
from ..present.de import CENT, cents, money_de, percent_de

ROUNDING_RULE = (
    "Größter-Rest-Verfahren: exakte Anteile auf den Cent abgerundet, fehlende Cents einzeln an "
    "die größten Reste (bei Gleichstand in Reihenfolge der Mitglieder); Summe = Gesamtbetrag."
)
PER_UNIT_RULE = "Stückpreis × Kennzahl je Landkreis, je Zeile kaufmännisch auf den Cent gerundet."


@dataclass(frozen=True)
class Share:
    """One county's settlement line: base (Sockel) and variable part, VAT flag (§2b UStG)."""

    county: str
    amount: Decimal
    base: Decimal = Decimal("0.00")
    variable: Decimal = Decimal("0.00")
    metric: Decimal | None = None
    percent: Decimal = Decimal(0)
    vat_applies: bool = False
    vat: Decimal = Decimal("0.00")

    @property
    def gross(self) -> Decimal:
        return self.amount + self.vat

    def as_dict(self) -> dict[str, object]:
        return {
            "county": self.county,
            "metric": str(self.metric) if self.metric is not None else None,
            "base": str(self.base),
            "variable": str(self.variable),
            "amount": str(self.amount),
            "percent": str(self.percent),
            "vat_applies": self.vat_applies,
            "vat": str(self.vat),
            "gross": str(self.gross),
        }


@dataclass
class Allocation:
    """The result of ``allocate_costs``: lines that add up to ``total`` and the rule used."""

    total: Decimal
    shares: list[Share]
    key: str
    rounding: str = ROUNDING_RULE
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "total": str(self.total),
            "key": self.key,
            "rounding": self.rounding,
            "notes": list(self.notes),
            "shares": [s.as_dict() for s in self.shares],
        }


def split_largest_remainder(total: Decimal, weights: Mapping[str, Fraction | Decimal | int]) -> dict[str, Decimal]:
    """``total`` split in proportion to ``weights``, to the cent, adding up exactly (see module doc)."""
    if total != cents(total):
        raise InputError(f"Gesamtbetrag {total} hat mehr als zwei Nachkommastellen.")
    order = list(weights)
    fractions = {k: Fraction(weights[k]) for k in order}
    weight_sum = sum(fractions.values(), Fraction(0))
    if any(w < 0 for w in fractions.values()):
        raise InputError("Negative Gewichte im Verteilungsschlüssel.")
    if weight_sum == 0:
        raise InputError("Verteilungsschlüssel ohne Gewicht: alle Kennzahlen sind 0.")
    total_cents = int(total / CENT)
    exact = {k: Fraction(total_cents) * fractions[k] / weight_sum for k in order}
    floors = {k: int(exact[k].numerator // exact[k].denominator) for k in order}
    missing = total_cents - sum(floors.values())
    ranked = sorted(order, key=lambda k: (-(exact[k] - floors[k]), order.index(k)))
    for k in ranked[:missing]:
        floors[k] += 1
    return {k: Decimal(floors[k]) * CENT for k in order}


def allocate_costs(
    total: Decimal,
    members: Sequence[str],
    key: str,
    *,
    weights: Mapping[str, Decimal] | None = None,
    percentages: Mapping[str, Decimal] | None = None,
    base_share: Decimal | None = None,
    base_per_member: Decimal | None = None,
    min_base_share: Decimal | None = None,
    vat_rate: Decimal | None = None,
) -> Allocation:
    """Split ``total`` among ``members`` by ``key``.

    ``key``: ``equal``; ``proportional`` (by ``weights``: inhabitants, employees, call-off
    sums, hours, services ...); ``fixed`` (``percentages`` summing to 100); ``hybrid`` (a base
    part split equally — ``base_share`` of the total or ``base_per_member`` each, at least
    ``min_base_share`` of the total — plus the rest by ``weights``). ``vat_rate`` set means
    §2b UStG applies to the lines. The shares add up to ``total`` exactly.
    """
    if not members:
        raise InputError("Keine Mitglieder für die Kostenverteilung.")
    if total < 0:
        raise InputError("Negativer Gesamtbetrag.")
    members = list(members)
    notes: list[str] = []
    base_total = Decimal(0)
    figures: dict[str, Fraction] = {}
    exact: dict[str, Fraction]
    if key == "equal":
        exact = {m: Fraction(1) for m in members}
    elif key == "fixed":
        fixed = {m: Decimal(percentages.get(m, 0)) for m in members} if percentages else {}
        if sum(fixed.values(), Decimal(0)) != 100:
            raise InputError("Feste Prozentsätze ergeben nicht 100 %.")
        exact = {m: Fraction(fixed[m]) for m in members}
    elif key in ("proportional", "hybrid"):
        figures = _weights(members, weights)
        weight_sum = sum(figures.values(), Fraction(0))
        if weight_sum == 0:
            raise InputError("Verteilungsschlüssel ohne Gewicht: alle Kennzahlen sind 0.")
        if key == "proportional":
            exact = dict(figures)
        else:
            base_total = _base_total(total, len(members), base_share, base_per_member, min_base_share, notes)
            variable = Fraction(total - base_total)
            exact = {
                m: Fraction(base_total) / len(members) + variable * figures[m] / weight_sum for m in members
            }
    else:
        raise InputError(f"Unbekannter Verteilungsschlüssel '{key}'.")
    amounts = split_largest_remainder(total, exact)
    bases = split_largest_remainder(cents(base_total), {m: 1 for m in members}) if base_total else {}
    shares = []
    for m in members:
        base = bases.get(m, Decimal("0.00"))
        amount = amounts[m]
        vat = cents(amount * vat_rate / 100) if vat_rate is not None else Decimal("0.00")
        shares.append(
            Share(
                county=m,
                amount=amount,
                base=base,
                variable=amount - base,
                metric=Decimal(figures[m].numerator) / Decimal(figures[m].denominator) if m in figures else None,
                percent=_percent(amount, total),
                vat_applies=vat_rate is not None,
                vat=vat,
            )
        )
    return Allocation(total, shares, key, ROUNDING_RULE, notes)


def per_unit_costs(
    unit_price: Decimal, metrics: Mapping[str, Decimal], *, vat_rate: Decimal | None = None
) -> Allocation:
    """Licence costs straight from unit price × each county's figure (employees, seats ...)."""
    shares = []
    for county, metric in metrics.items():
        amount = cents(unit_price * metric)
        vat = cents(amount * vat_rate / 100) if vat_rate is not None else Decimal("0.00")
        shares.append(Share(county, amount, variable=amount, metric=metric, vat_applies=vat_rate is not None, vat=vat))
    total = sum((s.amount for s in shares), Decimal("0.00"))
    shares = [
        Share(s.county, s.amount, s.base, s.variable, s.metric, _percent(s.amount, total), s.vat_applies, s.vat)
        for s in shares
    ]
    return Allocation(total, shares, "per_unit", PER_UNIT_RULE)


def _weights(members: Sequence[str], weights: Mapping[str, Decimal] | None) -> dict[str, Fraction]:
    if weights is None:
        raise InputError("Verteilungsschlüssel braucht Kennzahlen je Landkreis.")
    missing = [m for m in members if m not in weights or weights[m] is None]
    if missing:
        raise InputError(f"Kennzahl fehlt für: {', '.join(missing)}.")
    return {m: Fraction(Decimal(weights[m])) for m in members}


def _base_total(
    total: Decimal,
    count: int,
    base_share: Decimal | None,
    base_per_member: Decimal | None,
    min_base_share: Decimal | None,
    notes: list[str],
) -> Decimal:
    """The base part (Sockel) of a hybrid key, raised to the minimum share when below it."""
    base = total * base_share if base_share is not None else (base_per_member or Decimal(0)) * count
    if min_base_share is not None and base < total * min_base_share:
        notes.append(
            f"Sockel von {money_de(cents(base))} auf den Mindestanteil {percent_de(min_base_share, 0)} "
            f"= {money_de(cents(total * min_base_share))} angehoben."
        )
        base = total * min_base_share
    if base > total:
        raise InputError(f"Sockelbetrag {money_de(cents(base))} übersteigt den Gesamtbetrag {money_de(total)}.")
    return base


def _percent(amount: Decimal, total: Decimal) -> Decimal:
    if not total:
        return Decimal(0)
    return (amount * 100 / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
