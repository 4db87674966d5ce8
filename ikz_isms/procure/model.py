"""Typed contract objects: framework contract (Rahmenvereinbarung), call-off (Abruf), price, key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .dates import Term, TermState

PRICE_MODELS = {
    "fixed": "Festpreis",
    "unit": "Stückpreis",
    "per_employee": "je Beschäftigte:n",
    "per_seat": "je Arbeitsplatz",
    "per_inhabitant": "je Einwohner:in",
    "hourly": "Stundensatz",
}

ALLOCATION_KEYS = {
    "equal": "zu gleichen Teilen",
    "inhabitants": "nach Einwohnerzahl",
    "employees": "nach Beschäftigten",
    "metric": "nach Kennzahl",
    "use": "nach Abrufen (Nutzung)",
    "hours": "nach Stunden (je Abruf zum Stundensatz am Abrufdatum)",
    "fixed": "feste Prozentsätze",
    "hybrid": "Sockel gleich verteilt plus variabler Anteil",
    "per_unit": "Stückpreis × Kennzahl je Landkreis",
}

KIND_NAMES = {"framework": "Rahmenvereinbarung", "single": "Einzelvertrag"}


def vat_choice(value: Any) -> str:
    """``vat`` as the files mean it: ``auto``, ``yes`` or ``no``. YAML 1.1 reads an unquoted
    ``yes``/``no`` — the way the documentation writes it — as true/false."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


@dataclass(frozen=True)
class PricePoint:
    """A price valid from a day on (dated price history)."""

    valid_from: dt.date
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class PriceModel:
    """How the supplier charges: ``model`` (see PRICE_MODELS) and a dated price history."""

    model: str
    history: tuple[PricePoint, ...] = ()
    gross: bool = False

    def price_on(self, day: dt.date) -> PricePoint | None:
        valid = [p for p in self.history if p.valid_from <= day]
        return max(valid, key=lambda p: p.valid_from) if valid else None


@dataclass(frozen=True)
class CallOff:
    """An Abruf: one county orders under a framework contract (net amount).

    ``amount`` is what the call-off costs: the amount recorded, or — where only hours or a
    quantity are recorded — that count × the price valid on the call-off's date, to the cent
    (``priced`` then says how; see :func:`ikz_isms.procure.store.price_calloff`).
    ``path`` and ``location`` (``Zeile N (/calloffs/3)``) say where it is recorded: in the
    contract's own file or in a county's call-off file.
    """

    id: str
    contract: str
    county: str
    date: dt.date
    amount: Decimal
    quantity: Decimal | None = None
    hours: Decimal | None = None
    description: str = ""
    lot: str = ""
    forced_reason: str | None = None
    refusals: tuple[str, ...] = ()
    path: Path | None = None
    located: str = ""
    #: how ``amount`` was priced where the file records no amount (German), else empty
    priced: str = ""
    #: the amount as the file records it (``None``: only hours or a quantity are recorded)
    recorded: Decimal | None = None
    #: the parsed file and the call-off's pointer in it: its line is looked up only when a message needs it
    source: Any = field(default=None, compare=False, repr=False)
    pointer: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    @property
    def location(self) -> str:
        """``Zeile N (/calloffs/3)``: where the call-off is recorded."""
        if self.located or self.source is None:
            return self.located
        return str(self.source.location(*self.pointer))

    @property
    def label(self) -> str:
        """``rv-vob-beratung/A003`` – how messages name the call-off."""
        return f"{self.contract}/{self.id}"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "contract": self.contract,
            "county": self.county,
            "date": self.date.isoformat(),
            "amount": str(self.amount),
            "priced": self.priced or None,
            "quantity": str(self.quantity) if self.quantity is not None else None,
            "hours": str(self.hours) if self.hours is not None else None,
            "lot": self.lot or None,
            "description": self.description,
            "forced": {"reason": self.forced_reason, "refusals": list(self.refusals)} if self.forced_reason else None,
        }


@dataclass(frozen=True)
class Lot:
    """A lot (Los) of a contract with its estimated value, net."""

    id: str
    title: str
    estimate: Decimal | None = None


@dataclass(frozen=True)
class AllocationKey:
    """The written key (Verteilungsschlüssel) by which the counties share a contract's cost.

    ``key`` names the rule (ALLOCATION_KEYS). ``hybrid`` splits a base part equally
    (``base_share`` of the total, or ``base_per_member`` each, raised to ``min_base_share`` of
    the total when below it) and the rest by ``variable``. ``metrics`` holds per-county
    figures at ``reference_date`` (inhabitants, employees, services ...); missing ones come
    from the county profiles. ``costs`` maps a period (year) to the amount to allocate.
    """

    key: str
    variable: str | None = None
    base_share: Decimal | None = None
    base_per_member: Decimal | None = None
    min_base_share: Decimal | None = None
    rate: Decimal | None = None
    reference_date: dt.date | None = None
    metric_name: str = ""
    metrics: dict[str, Decimal] = field(default_factory=dict)
    percentages: dict[str, Decimal] = field(default_factory=dict)
    members: tuple[str, ...] = ()
    costs: dict[str, Decimal] = field(default_factory=dict)
    vat: str = "auto"
    agreement: str = ""


@dataclass
class FrameworkContract:
    """A Rahmenvereinbarung of the Verbund, or (``kind == "single"``) a county's own contract.

    ``participants`` are the authorities named at tender time; only they may call off
    (§21(2) VgV, §15(3) UVgO). ``ceiling`` is the maximum volume (Höchstwert), net.
    ``calloffs`` holds every recorded call-off: those in the contract's file and those the
    counties' call-off files contribute.
    """

    id: str
    title: str
    kind: str
    term: Term
    path: Path
    category: str = ""
    note: str = ""
    lead: str = ""
    owner: str = ""
    participants: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()
    regime: str = ""
    procedure: str = ""
    evb_it: str = ""
    cpv: tuple[str, ...] = ()
    lots: tuple[Lot, ...] = ()
    ceiling: Decimal | None = None
    estimate: Decimal | None = None
    annual_value: Decimal | None = None
    price: PriceModel | None = None
    allocation: AllocationKey | None = None
    notice_alerts: tuple[int, ...] = (6, 3)
    ceiling_alerts: tuple[int, ...] = (80,)
    calloffs: list[CallOff] = field(default_factory=list)
    long_term_reason: str = ""
    #: EU threshold category (the ``eu-threshold.<category>`` legal figure), ``""``: by regime
    threshold: str = ""
    #: the tender project (``vergaben/<name>``) the contract was awarded in: one OCDS process
    tender: str = ""
    #: booking code for the Kassenzeichen of settlement statements (``""``: derived from the id)
    booking_code: str = ""
    plugin: str = ""
    locations: dict[str, str] = field(default_factory=dict)
    #: the parsed file: a field's line is looked up only when a message needs it
    source: Any = field(default=None, compare=False, repr=False)

    def location(self, key: str) -> str:
        """``Zeile N (/key)`` of a top-level field in the contract file, for findings."""
        if key in self.locations:
            return self.locations[key]
        data = getattr(self.source, "data", None)
        if isinstance(data, dict) and key in data:
            return str(self.source.location(key))
        return f"/{key}"

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def holders(self) -> tuple[str, ...]:
        """Counties bound by the contract: the participants, or the owner of a single contract."""
        if self.participants:
            return self.participants
        return (self.owner,) if self.owner else ()

    def consumed(self, year: int | None = None) -> Decimal:
        """*Abgerufen*: the sum of **every** recorded call-off, forced ones included, whatever its date.

        This is the one figure every output and every rule uses (``contracts list/show/due``,
        the ceiling check of ``calloff add``, ``check``, ``costs``, ``export ocds``): a
        ceiling (Höchstwert) limits the whole contract, so a call-off dated after the day
        looked at counts as much as one before it. Each call-off counts with its own
        amount (:attr:`CallOff.amount`: as recorded, or priced on its own date). ``year``
        narrows it to the call-offs dated in that calendar year (what ``costs`` allocates).
        """
        return sum((c.amount for c in self.calloffs if year is None or c.date.year == year), Decimal(0))

    def consumed_by_year(self) -> dict[int, Decimal]:
        """:meth:`consumed` per calendar year of the call-offs' dates, in order."""
        return {year: self.consumed(year) for year in sorted({c.date.year for c in self.calloffs})}

    def remaining(self) -> Decimal | None:
        """What is left of the ceiling: ceiling minus :meth:`consumed` (``None`` without a ceiling)."""
        return None if self.ceiling is None else self.ceiling - self.consumed()

    def utilisation(self) -> Decimal | None:
        """:meth:`consumed` over the ceiling, exact (rounded only where it is shown)."""
        if not self.ceiling:
            return None
        return self.consumed() / self.ceiling

    def forecast_runout(self, on: dt.date) -> dt.date | None:
        """Day the ceiling is used up at the average pace so far (``None``: no pace yet).

        The pace is :meth:`consumed` over the days from the start to ``on`` (or to the last
        call-off, if that is later). A ceiling already reached answers the day of the
        call-off that reached it; a pace too slow to reach it before the year 9999 answers ``None``.
        """
        consumed = self.consumed()
        if self.ceiling is None or consumed <= 0:
            return None
        if consumed >= self.ceiling:
            running = Decimal(0)
            for calloff in sorted(self.calloffs, key=lambda c: c.date):
                running += calloff.amount
                if running >= self.ceiling:
                    return calloff.date
        last = max(c.date for c in self.calloffs)
        elapsed = (max(on, last) - self.term.start).days + 1
        if elapsed <= 0:
            return None
        days = int((self.ceiling * elapsed / consumed).to_integral_value(rounding="ROUND_CEILING"))
        if days > (dt.date.max - self.term.start).days:
            return None  # at this pace the ceiling is never reached within the calendar
        return self.term.start + dt.timedelta(days=days - 1)

    def state(self, on: dt.date) -> TermState:
        return self.term.state(on)

    def certain_end(self, today: dt.date) -> dt.date:
        """The end of the current term as it is certain ``today`` (:meth:`Term.certain_end`)."""
        return self.term.certain_end(today)

    def term_text(self, today: dt.date) -> str:
        """The one German description of the term call-offs are judged by (every message quotes it)."""
        from ..present.de import date_de

        end = self.certain_end(today)
        text = f"aktuelle Laufzeit {date_de(self.term.start)} bis {date_de(end)}"
        if end < self.term.final_end and self.term.terminated is None:
            text += (f"; eine Verlängerung (spätestens bis {date_de(self.term.final_end)}) zählt erst, "
                     "wenn sie erklärt oder nicht mehr abzuwenden ist")
        return text

    def outside_term(self, day: dt.date, today: dt.date) -> bool:
        """Whether a call-off on ``day`` lies outside the current term as certain ``today``."""
        return day < self.term.start or day > self.certain_end(today)

    def calloff_refusals(self, county: str, day: dt.date, amount: Decimal, today: dt.date, *,
                         consumed: Decimal | None = None) -> list[tuple[str, str]]:
        """(code, German message) for every rule a call-off of ``amount`` by ``county`` on ``day`` breaks.

        The term is the current one as it is certain ``today`` (the day the call-off is
        recorded): a later renewal period only once the renewal has been exercised or can
        no longer be stopped by notice. ``consumed`` is :meth:`consumed` where the caller
        knows it without every call-off attached (a tally of the contract's file).
        """
        from ..present.de import date_de, money_de

        found = []
        if self.kind == "framework" and county not in self.participants:
            found.append(("not-named", f"{county} wurde bei der Ausschreibung nicht benannt (§21 Abs. 2 VgV, §15 Abs. 3 UVgO); "
                                       f"abrufberechtigt: {', '.join(self.participants)}."))
        elif self.kind == "single" and county != self.owner:
            found.append(("not-named", f"{county} ist nicht Vertragsinhaber ({self.owner})."))
        if self.outside_term(day, today):
            found.append(("outside-term", f"Abrufdatum {date_de(day)} liegt außerhalb der Laufzeit "
                                          f"({self.term_text(today)})."))
        consumed = self.consumed() if consumed is None else consumed
        if self.ceiling is not None and consumed + amount > self.ceiling:
            found.append(("ceiling", f"Höchstwert {money_de(self.ceiling)} würde überschritten: bereits abgerufen "
                                     f"{money_de(consumed)}, verbleibend {money_de(self.ceiling - consumed)}."))
        return found

    def summary(self, on: dt.date) -> dict[str, object]:
        """The figures ``contracts list/show`` report, JSON-ready (``utilisation`` to four places)."""
        from ..present.de import rounded

        state = self.state(on)
        utilisation = self.utilisation()
        remaining = self.remaining()
        runout = self.forecast_runout(on)
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "category": self.category,
            "lead": self.lead or None,
            "owner": self.owner or None,
            "participants": list(self.participants),
            "suppliers": list(self.suppliers),
            "regime": self.regime or None,
            "procedure": self.procedure or None,
            "evb_it": self.evb_it or None,
            "cpv": list(self.cpv),
            "term": {
                "start": self.term.start.isoformat(),
                "end": self.term.end.isoformat(),
                "renewal": self.term.renewal,
                "renewal_months": self.term.renewal_months,
                "max_renewals": self.term.max_renewals,
                "notice_months": self.term.notice_months,
                "final_end": self.term.final_end.isoformat(),
            },
            "state": state.as_dict(),
            "certain_end": self.certain_end(on).isoformat(),
            "ceiling": str(self.ceiling) if self.ceiling is not None else None,
            "estimate": str(self.estimate) if self.estimate is not None else None,
            "consumed": str(self.consumed()),
            "consumed_by_year": {str(year): str(value) for year, value in self.consumed_by_year().items()},
            "remaining": str(remaining) if remaining is not None else None,
            "utilisation": str(rounded(utilisation, 4)) if utilisation is not None else None,
            "forecast_runout": runout.isoformat() if runout else None,
            "price_model": self.price.model if self.price else None,
            "price": _price_now(self.price, on),
            "allocation_key": self.allocation.key if self.allocation else None,
            "calloffs": len(self.calloffs),
            "file": str(self.path),
        }


def _price_now(price: PriceModel | None, on: dt.date) -> str | None:
    if price is None:
        return None
    point = price.price_on(on)
    return str(point.amount) if point else None
