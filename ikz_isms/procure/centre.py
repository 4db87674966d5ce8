"""A shared service centre (gemeinsames Dienstleistungszentrum, e.g. an AöR) that charges its members by use.

The model of the domain notes: each task is a **cost centre** (service) with an **hourly
full-cost rate** (Vollkostensatz) set in the **yearly plan**; the plan gives each member's
planned hours per service. From it:

* **planned cost** of a member = Σ over services of hours × rate, each line kaufmännisch to
  the cent;
* **base fee** (Sockelbetrag) = ``share`` of the planned cost, rounded *up* to the cent (so it
  is never below the share), raised to ``minimum`` where it is lower — or a fixed
  ``per_member`` amount. The base fee is owed whatever the actual use (it carries the
  centre's standing costs); it follows each member's own planned use, never a per-inhabitant
  figure (VG Arnsberg 2011: no fee for a member that does not use the service);
* **planned contribution** = the larger of planned cost and base fee; with VAT (§2b UStG,
  from 2027) the gross amount; paid as **advances** on the plan's due dates, split by the
  largest-remainder rule (the first instalments carry the extra cents), so they add up to it;
* **actual hours** are recorded through the year (``stunden-<JJJJ>.yaml``);
* the **settlement** in the first quarter of the next year: per member and service actual
  hours × the plan's rate, to the cent; the charge is the larger of actual cost and base
  fee (the difference is a line of its own); plus VAT; minus the advances paid (as recorded
  in the hours file, else the plan's); the balance is due by the due date or refunded.

Pure: parsing takes :class:`~ikz_isms.store.Parsed` documents that passed their schema
(``service-centre``, ``service-hours``); reading and writing is :mod:`ikz_isms.app.centre`.
Every problem raises an :class:`~ikz_isms.errors.InputError` with file and line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..present.de import cents, date_de, money_de, percent_de, quantity_de
from .model import vat_choice
from .statement import Bank, Line, Party, Statement, booking_code, kassenzeichen, parse_bank

if TYPE_CHECKING:
    from ..store import Parsed
    from .legal import LegalFigures
    from .statement import SettlementConfig

ZERO = Decimal("0.00")
KIND = "service-centre"
HOURS_KIND = "service-hours"


@dataclass(frozen=True)
class Service:
    """A cost centre: one task the centre does for its members."""

    id: str
    title: str


@dataclass(frozen=True)
class BaseFee:
    """The Sockelbetrag rule: ``share`` of the planned cost (at least ``minimum``), or ``per_member``."""

    share: Decimal | None = None
    minimum: Decimal | None = None
    per_member: Decimal | None = None

    def of(self, planned_cost: Decimal) -> Decimal:
        """The base fee of a member with this planned cost."""
        if self.per_member is not None:
            return self.per_member
        assert self.share is not None
        fee = (planned_cost * self.share).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
        if self.minimum is not None and fee < self.minimum:
            fee = self.minimum
        return fee

    def text(self) -> str:
        if self.per_member is not None:
            return f"fest {money_de(self.per_member)} je Mitglied"
        assert self.share is not None
        text = f"{percent_de(self.share, 0)} des Planbeitrags (auf den Cent aufgerundet)"
        if self.minimum is not None:
            text += f", mindestens {money_de(self.minimum)}"
        return text


@dataclass(frozen=True)
class YearPlan:
    """The plan of one year: the rate per service and the planned hours per member and service."""

    year: int
    rates: dict[str, Decimal]
    hours: dict[str, dict[str, Decimal]]
    adopted: dt.date | None = None


@dataclass
class Centre:
    """A shared service centre as read from ``zentrum.yaml``."""

    id: str
    title: str
    path: Path
    services: dict[str, Service]
    members: dict[str, Party]
    base_fee: BaseFee
    plans: dict[int, YearPlan]
    advance_dates: tuple[tuple[int, int], ...] = ((2, 15), (5, 15), (8, 15), (11, 15))
    issuer: Party | None = None
    bank: Bank | None = None
    signatory: tuple[str, str] = ("", "")
    agreement: str = ""
    reference_prefix: str = ""
    kassenzeichen_prefix: str = ""
    booking_code: str = ""
    payment_days: int | None = None
    marking: str = ""
    vat: str = "auto"
    vat_reason: str = ""
    locations: dict[str, str] = field(default_factory=dict)

    def plan(self, year: int) -> YearPlan:
        if year not in self.plans:
            known = ", ".join(str(y) for y in sorted(self.plans)) or "keiner"
            raise InputError(f"Kein Plan für {year} im Dienstleistungszentrum '{self.id}' (Pläne: {known}).",
                             path=str(self.path), location=self.locations.get("plans"))
        return self.plans[year]


def parse_centre(parsed: "Parsed") -> Centre:
    """A schema-valid ``zentrum.yaml`` as a :class:`Centre`; what the schema cannot say raises located errors."""
    from .store import NumberRule, Numbers

    numbers = Numbers(parsed)
    data = parsed.data
    path = parsed.path
    services: dict[str, Service] = {}
    for index, item in enumerate(data["services"]):
        if item["id"] in services:
            raise numbers.fail(f"Kostenstelle '{item['id']}' ist doppelt.", "services", index, "id")
        services[item["id"]] = Service(str(item["id"]), str(item["title"]))
    members: dict[str, Party] = {}
    for index, item in enumerate(data["members"]):
        if item["id"] in members:
            raise numbers.fail(f"Mitglied '{item['id']}' ist doppelt.", "members", index, "id")
        members[item["id"]] = Party(name=str(item["name"]), address=tuple(str(x) for x in item["address"]),
                                    department=str(item.get("department", "")),
                                    contact=str(item.get("contact", "")), debtor=str(item.get("debtor", "")))
    fee = data["base_fee"]
    share = numbers.share("base_fee", "share", most=Decimal(1), label="Sockelanteil")
    base = BaseFee(share=share, minimum=numbers.money("base_fee", "minimum", label="Mindest-Sockelbetrag"),
                   per_member=numbers.money("base_fee", "per_member", label="Sockelbetrag je Mitglied"))
    if (share is None) == (base.per_member is None):
        raise numbers.fail("Sockelbetrag: entweder 'share' (Anteil am Planbeitrag, z. B. 0.25) oder 'per_member' "
                           "(fester Betrag je Mitglied) angeben.", "base_fee")
    if share is not None and share <= 0:
        raise numbers.fail("Sockelanteil muss größer als 0 sein.", "base_fee", "share")
    if "minimum" in fee and share is None:
        raise numbers.fail("'minimum' gilt nur zusammen mit 'share'.", "base_fee", "minimum")
    dates = []
    for index, text in enumerate((data.get("advances") or {}).get("due") or ["02-15", "05-15", "08-15", "11-15"]):
        month, day = (int(part) for part in str(text).split("-"))
        try:
            dt.date(2001, month, day)  # a year without 29.02.: the date must exist every year
        except ValueError:
            raise numbers.fail(f"Abschlagstermin '{text}' gibt es nicht in jedem Jahr.", "advances", "due",
                               index) from None
        dates.append((month, day))
    plans: dict[int, YearPlan] = {}
    for year_text, node in data["plans"].items():
        year = int(year_text)
        rates: dict[str, Decimal] = {}
        for service in node["rates"]:
            if service not in services:
                raise numbers.fail(f"Plan {year}: Kostenstelle '{service}' ist nicht unter 'services'.",
                                   "plans", year_text, "rates", service)
            rate = numbers.number(NumberRule("Stundensatz"), "plans", year_text, "rates", service)
            assert rate is not None
            rates[service] = rate
        hours: dict[str, dict[str, Decimal]] = {}
        for member, per_service in node["hours"].items():
            if member not in members:
                raise numbers.fail(f"Plan {year}: Mitglied '{member}' ist nicht unter 'members'.",
                                   "plans", year_text, "hours", member)
            hours[member] = {}
            for service in per_service:
                if service not in rates:
                    raise numbers.fail(f"Plan {year}: für Kostenstelle '{service}' fehlt der Stundensatz "
                                       "('rates').", "plans", year_text, "hours", member, service)
                value = numbers.number(NumberRule("Planstunden", places=2, positive=False), "plans", year_text,
                                       "hours", member, service)
                assert value is not None
                hours[member][service] = value
        plans[year] = YearPlan(year, rates, hours, numbers.date_or_none("plans", year_text, "adopted"))
    signatory = data.get("signatory") or {}
    return Centre(
        id=str(data["id"]), title=str(data["title"]), path=Path(path), services=services, members=members,
        base_fee=base, plans=plans, advance_dates=tuple(dates),
        issuer=_party(data["issuer"]) if data.get("issuer") else None,
        bank=parse_bank(data["bank"], path, parsed.location("bank", "iban")) if data.get("bank") else None,
        signatory=(str(signatory.get("role", "")), str(signatory.get("name", ""))),
        agreement=str(data.get("agreement", "")),
        reference_prefix=str(data.get("reference_prefix", "")),
        kassenzeichen_prefix=str(data.get("kassenzeichen_prefix", "")),
        booking_code=str(data.get("booking_code", "")),
        payment_days=int(data["payment_days"]) if "payment_days" in data else None,
        marking=str(data.get("marking", "")),
        vat=vat_choice(data.get("vat", "auto")), vat_reason=str(data.get("vat_reason", "")),
        locations={key: parsed.location(key) for key in data},
    )


def _party(node: Mapping[str, Any]) -> Party:
    return Party(name=str(node["name"]), address=tuple(str(x) for x in node["address"]),
                 department=str(node.get("department", "")), contact=str(node.get("contact", "")),
                 debtor=str(node.get("debtor", "")))


# -- actual hours ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursEntry:
    """Actual hours one member used of one service on one day."""

    date: dt.date
    member: str
    service: str
    hours: Decimal
    description: str = ""
    location: str = ""


@dataclass
class Actuals:
    """The actual hours of a year and the advances the members actually paid (where recorded)."""

    year: int
    entries: list[HoursEntry]
    advances_paid: dict[str, Decimal]
    path: Path | None = None

    def hours(self, member: str, service: str) -> Decimal:
        return sum((e.hours for e in self.entries if e.member == member and e.service == service), Decimal(0))


def parse_actuals(parsed: "Parsed", centre: Centre, year: int) -> Actuals:
    """A schema-valid ``stunden-<JJJJ>.yaml`` checked against the centre and its plan of ``year``."""
    from .store import NumberRule, Numbers

    numbers = Numbers(parsed)
    data = parsed.data
    if int(data["year"]) != year:
        raise numbers.fail(f"Die Datei gehört zum Jahr {data['year']}, nicht zu {year}.", "year")
    plan = centre.plan(year)
    entries = []
    for index, item in enumerate(data.get("entries") or []):
        day = numbers.date("entries", index, "date")
        if day.year != year:
            raise numbers.fail(f"Datum {date_de(day)} liegt nicht im Jahr {year}.", "entries", index, "date")
        if item["member"] not in centre.members:
            raise numbers.fail(f"Mitglied '{item['member']}' gibt es im Dienstleistungszentrum nicht.",
                               "entries", index, "member")
        if item["service"] not in plan.rates:
            raise numbers.fail(f"Kostenstelle '{item['service']}' hat im Plan {year} keinen Stundensatz.",
                               "entries", index, "service")
        hours = numbers.number(NumberRule("Stunden", places=2), "entries", index, "hours")
        assert hours is not None
        if item.get("recorded") is not None:
            numbers.date("entries", index, "recorded")  # when it was entered: a real day, as every date
        entries.append(HoursEntry(day, str(item["member"]), str(item["service"]), hours,
                                  str(item.get("description", "")), parsed.location("entries", index)))
    paid: dict[str, Decimal] = {}
    for member in data.get("advances_paid") or {}:
        if member not in centre.members:
            raise numbers.fail(f"Mitglied '{member}' gibt es im Dienstleistungszentrum nicht.", "advances_paid",
                               member)
        value = numbers.number(NumberRule("Geleistete Abschläge", positive=False), "advances_paid", member)
        assert value is not None
        paid[member] = value
    return Actuals(year, entries, paid, Path(parsed.path))


# -- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostLine:
    """Hours of one service × its full-cost rate, to the cent."""

    service: str
    hours: Decimal
    rate: Decimal

    @property
    def amount(self) -> Decimal:
        return cents(self.hours * self.rate)


@dataclass
class MemberPlan:
    """One member's plan: cost lines, base fee, contribution (net, VAT, gross) and its advances."""

    member: str
    lines: list[CostLine]
    base_fee: Decimal
    vat_rate: Decimal | None
    advances: list[tuple[dt.date, Decimal]]

    @property
    def hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), Decimal(0))

    @property
    def cost(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def contribution(self) -> Decimal:
        """The planned contribution, net: the larger of planned cost and base fee."""
        return max(self.cost, self.base_fee)

    @property
    def vat(self) -> Decimal:
        return cents(self.contribution * self.vat_rate / 100) if self.vat_rate is not None else ZERO

    @property
    def gross(self) -> Decimal:
        return self.contribution + self.vat


@dataclass
class Plan:
    """The year's plan for every member."""

    centre: Centre
    year: int
    members: list[MemberPlan]
    vat_note: str

    @property
    def hours(self) -> Decimal:
        return sum((m.hours for m in self.members), Decimal(0))

    @property
    def contributions(self) -> Decimal:
        return sum((m.contribution for m in self.members), ZERO)

    @property
    def base_fees(self) -> Decimal:
        return sum((m.base_fee for m in self.members), ZERO)

    def member(self, key: str) -> MemberPlan:
        return next(m for m in self.members if m.member == key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "centre": self.centre.id, "title": self.centre.title, "year": self.year,
            "rates": {k: str(v) for k, v in self.centre.plan(self.year).rates.items()},
            "base_fee_rule": self.centre.base_fee.text(),
            "vat_note": self.vat_note,
            "members": [{
                "member": m.member, "name": self.centre.members[m.member].name,
                "hours": plain_number(m.hours), "lines": [{"service": line.service, "hours": plain_number(line.hours),
                                                  "rate": str(line.rate), "amount": str(line.amount)}
                                                 for line in m.lines],
                "cost": str(m.cost), "base_fee": str(m.base_fee), "contribution": str(m.contribution),
                "vat": str(m.vat), "gross": str(m.gross),
                "advances": [{"due": day.isoformat(), "amount": str(amount)} for day, amount in m.advances],
            } for m in self.members],
            "totals": {"members": len(self.members), "hours": plain_number(self.hours),
                       "contributions": str(self.contributions), "base_fees": str(self.base_fees),
                       "gross": str(sum((m.gross for m in self.members), ZERO))},
        }


def plain_number(value: Decimal) -> str:
    """A count as text without trailing zeros: ``25``, ``85.5`` (never ``25.0``)."""
    text = f"{value.normalize():f}"
    return text


def vat_for(centre: Centre, year: int, legal: "LegalFigures") -> tuple[Decimal | None, str]:
    from .costs import vat_treatment

    return vat_treatment(centre.vat, dt.date(year, 1, 1), legal, centre.vat_reason)


def plan(centre: Centre, year: int, legal: "LegalFigures") -> Plan:
    """The planned contributions, base fees and advances of ``year`` (see the module docstring)."""
    from .allocation import split_largest_remainder

    year_plan = centre.plan(year)
    vat_rate, vat_note = vat_for(centre, year, legal)
    due_dates = [dt.date(year, month, day) for month, day in centre.advance_dates]
    members = []
    for key in centre.members:
        hours = year_plan.hours.get(key, {})
        lines = [CostLine(service, hours[service], year_plan.rates[service]) for service in year_plan.rates
                 if service in hours]
        cost = sum((line.amount for line in lines), ZERO)
        member = MemberPlan(key, lines, centre.base_fee.of(cost), vat_rate, [])
        parts = split_largest_remainder(member.gross, {str(i): 1 for i in range(len(due_dates))})
        member.advances = [(day, parts[str(i)]) for i, day in enumerate(due_dates)]
        members.append(member)
    return Plan(centre, year, members, vat_note)


# -- the settlement -------------------------------------------------------------------------


@dataclass
class MemberSettlement:
    """One member's settlement: actual cost per service, base-fee top-up, VAT, advances, balance."""

    member: str
    lines: list[CostLine]
    planned: MemberPlan
    advances_paid: Decimal
    advances_recorded: bool

    @property
    def hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), Decimal(0))

    @property
    def actual(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def top_up(self) -> Decimal:
        """What the base fee adds where the actual cost stays below it."""
        return max(ZERO, self.planned.base_fee - self.actual)

    @property
    def charge(self) -> Decimal:
        return self.actual + self.top_up

    @property
    def vat(self) -> Decimal:
        rate = self.planned.vat_rate
        return cents(self.charge * rate / 100) if rate is not None else ZERO

    @property
    def gross(self) -> Decimal:
        return self.charge + self.vat

    @property
    def balance(self) -> Decimal:
        """Positive: the member pays this; negative: it is refunded."""
        return self.gross - self.advances_paid

    def as_dict(self) -> dict[str, Any]:
        return {
            "member": self.member, "hours": plain_number(self.hours),
            "lines": [{"service": line.service, "hours": plain_number(line.hours), "rate": str(line.rate),
                       "amount": str(line.amount)} for line in self.lines],
            "actual": str(self.actual), "base_fee": str(self.planned.base_fee), "top_up": str(self.top_up),
            "charge": str(self.charge), "vat": str(self.vat), "gross": str(self.gross),
            "planned_contribution": str(self.planned.gross), "advances_paid": str(self.advances_paid),
            "advances_recorded": self.advances_recorded, "balance": str(self.balance),
        }


@dataclass
class CentreSettlement:
    """The settlement of a year: every member's actual effort against its advances."""

    plan: Plan
    members: list[MemberSettlement]

    @property
    def year(self) -> int:
        return self.plan.year

    def totals(self) -> dict[str, Decimal]:
        def total(name: str) -> Decimal:
            return sum((getattr(m, name) for m in self.members), Decimal(0))

        return {name: total(name) for name in ("hours", "actual", "top_up", "charge", "vat", "gross",
                                               "advances_paid", "balance")}

    def as_dict(self) -> dict[str, Any]:
        centre = self.plan.centre
        return {
            "centre": centre.id, "title": centre.title, "year": self.year,
            "rates": {k: str(v) for k, v in centre.plan(self.year).rates.items()},
            "base_fee_rule": centre.base_fee.text(), "vat_note": self.plan.vat_note,
            "members": [{**m.as_dict(), "name": centre.members[m.member].name} for m in self.members],
            "totals": {k: plain_number(v) if k == "hours" else str(v) for k, v in self.totals().items()},
        }


def settle(centre: Centre, actuals: Actuals, legal: "LegalFigures") -> CentreSettlement:
    """Actual hours × the plan's rates per member and service, base fee, VAT, minus advances."""
    planned = plan(centre, actuals.year, legal)
    rates = centre.plan(actuals.year).rates
    members = []
    for member_plan in planned.members:
        key = member_plan.member
        used = {service for service in rates if actuals.hours(key, service)}
        shown = [service for service in rates if service in used or any(
            line.service == service for line in member_plan.lines)]
        lines = [CostLine(service, actuals.hours(key, service), rates[service]) for service in shown]
        recorded = key in actuals.advances_paid
        paid = actuals.advances_paid[key] if recorded else member_plan.gross
        members.append(MemberSettlement(key, lines, member_plan, paid, recorded))
    return CentreSettlement(planned, members)


def settlement_statements(settlement: CentreSettlement, config: "SettlementConfig", day: dt.date,
                          default_marking: str) -> list[Statement]:
    """One statement per member, dated ``day`` (the first quarter of the next year is the rule)."""
    centre = settlement.plan.centre
    year = settlement.year
    issuer = centre.issuer
    bank = centre.bank
    if issuer is None or bank is None:
        issuer, bank = config.require_issuer()
    code = booking_code(centre.id, centre.booking_code)
    prefix = centre.kassenzeichen_prefix or config.kassenzeichen_prefix
    reference = centre.reference_prefix or config.reference_prefix
    payment_days = centre.payment_days or config.payment_days
    signatory = centre.signatory if centre.signatory[0] else config.signatory
    rates_note = ", ".join(f"{centre.services[s].title} {money_de(r)}/h" for s, r in
                           centre.plan(year).rates.items())
    statements = []
    for member in settlement.members:
        party = centre.members[member.member]
        planned = member.planned
        lines = [Line(centre.services[line.service].title,
                      f"{quantity_de(line.hours)} h × {money_de(line.rate)} (Vollkostensatz {year}); "
                      f"geplant {quantity_de(_planned_hours(planned, line.service))} h",
                      line.amount) for line in member.lines]
        if member.top_up:
            lines.append(Line("Aufschlag bis zum Sockelbetrag",
                              f"Sockelbetrag {money_de(planned.base_fee)} ({centre.base_fee.text()}) abzüglich "
                              f"Ist-Kosten {money_de(member.actual)}", member.top_up))
        advances_note = ("laut Zahlungseingang" if member.advances_recorded else
                         f"{len(planned.advances)} Abschläge laut Plan {year}")
        notes = [f"Planbeitrag {year}: {money_de(planned.gross)} bei {quantity_de(planned.hours)} Planstunden; "
                 f"Sockelbetrag {money_de(planned.base_fee)} ({centre.base_fee.text()}).",
                 f"Vollkostensätze {year}: {rates_note}.",
                 "Ist-Stunden × Stundensatz je Kostenstelle kaufmännisch auf den Cent gerundet; zu zahlen ist der "
                 "höhere Betrag aus Ist-Kosten und Sockelbetrag."]
        if centre.agreement:
            notes.append(f"Rechtsgrundlage: {centre.agreement}")
        statements.append(Statement(
            title=f"Jahresabrechnung {year}",
            subject=centre.title,
            issuer=issuer, bank=bank, recipient_key=member.member, recipient=party,
            date=day, due_date=day + dt.timedelta(days=payment_days),
            reference="/".join(part for part in (reference, centre.id, str(year), member.member) if part),
            kassenzeichen=kassenzeichen(prefix, code, party.debtor, year),
            period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31),
            key=f"Ist-Stunden je Kostenstelle × Vollkostensatz; Sockelbetrag {centre.base_fee.text()}",
            lines=lines, net=member.charge, vat_applies=planned.vat_rate is not None, vat_rate=planned.vat_rate,
            vat=member.vat, vat_note=settlement.plan.vat_note, advances=member.advances_paid,
            advances_note=advances_note, notes=notes, signatory=signatory,
            marking=centre.marking or default_marking,
            file_name=f"abrechnung-{centre.id}-{year}-{member.member}.pdf",
        ))
    return statements


def _planned_hours(planned: MemberPlan, service: str) -> Decimal:
    return sum((line.hours for line in planned.lines if line.service == service), Decimal(0))


def first_quarter(year: int) -> tuple[dt.date, dt.date]:
    """The days a settlement of ``year`` is due in: the first quarter of the next year."""
    return dt.date(year + 1, 1, 1), dt.date(year + 1, 3, 31)


def entries_sorted(entries: Sequence[HoursEntry]) -> list[HoursEntry]:
    return sorted(entries, key=lambda e: (e.date, e.member, e.service))
