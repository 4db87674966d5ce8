"""Contract and call-off documents to typed objects: pure parsing with German errors that name the place.

The functions here take a :class:`~ikz_isms.store.Parsed` document that already passed its
JSON Schema (``contract.schema.json`` or ``calloffs.schema.json``) and check what the
schema cannot say. Finding and reading the files is the application layer's job
(:mod:`ikz_isms.app.procurement`). Every problem is an :class:`~ikz_isms.errors.InputError`
with the file and ``Zeile N (/json/pointer)``.

Numbers from files (:class:`NumberRule`): exact decimals in plain notation (``1250``,
``"1250.50"``; never ``1e3``), below :data:`MAX_VALUE`; money (ceilings, estimates,
call-off amounts, costs) with at most two decimal places; prices, quantities, hours and
figures with as many places as the schema allows. Ceilings, estimates, amounts, prices,
hours and quantities must be greater than 0; costs, figures and shares must not be negative.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .dates import Term
from .model import AllocationKey, CallOff, FrameworkContract, Lot, PriceModel, PricePoint, vat_choice

if TYPE_CHECKING:
    from ..store import Parsed

#: every amount, price, quantity and figure in a procurement file stays below this (10^12)
MAX_VALUE = Decimal(10) ** 12
#: contract dates lie in this range of years (a typo such as 20260 is refused, not computed with)
YEARS = (1900, 2200)
#: files in the contracts directory that are not contracts
RESERVED_FILES = frozenset({"rechtliche-kennzahlen.yaml"})
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class NumberRule:
    """What a number in a file may be: decimal places, sign, upper bound; ``problem`` says why not."""

    label: str
    places: int | None = 2
    positive: bool = True
    most: Decimal = MAX_VALUE
    #: ``most`` itself allowed (a percentage up to 100); the default bound is exclusive
    up_to: bool = False

    def value(self, raw: Any) -> tuple[Decimal | None, str | None]:
        """(the exact value, ``None``) or (``None``, German reason)."""
        number = exact_decimal(raw)
        if number is None:
            return None, f"{self.label}: '{raw}' ist keine Zahl (erwartet z. B. 1250 oder 1250.50)."
        shown = str(raw)
        if self.places is not None and decimal_places(number) > self.places:
            return None, f"{self.label}: {shown} hat mehr als {self.places} Nachkommastellen."
        if self.positive and number <= 0:
            return None, f"{self.label}: {shown} muss größer als 0 sein."
        if not self.positive and number < 0:
            return None, f"{self.label}: {shown} darf nicht negativ sein."
        if self.up_to and number > self.most:
            return None, f"{self.label}: {shown} ist zu groß (höchstens {self.most})."
        if not self.up_to and number >= self.most:
            limit = "10^12" if self.most == MAX_VALUE else str(self.most)
            return None, f"{self.label}: {shown} liegt außerhalb des zulässigen Bereichs (kleiner als {limit})."
        return number, None


def exact_decimal(raw: Any) -> Decimal | None:
    """``raw`` as an exact Decimal: an int, a Decimal (a YAML float), or plain decimal text; else ``None``."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, str) and _PLAIN_NUMBER.fullmatch(raw.strip()):
        try:
            return Decimal(raw.strip())
        except InvalidOperation:
            return None
    return None


def decimal_places(number: Decimal) -> int:
    """Decimal places the value needs (``1.50`` needs one, ``100`` none)."""
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


MONEY = NumberRule("Betrag")
PRICE = NumberRule("Preis", places=None)
QUANTITY = NumberRule("Menge", places=None)
HOURS = NumberRule("Stunden", places=None)
CALLOFF_AMOUNT = NumberRule("Abrufbetrag")
FIGURE = NumberRule("Kennzahl", places=None, positive=False)
COSTS = NumberRule("Kosten", positive=False)


class Numbers:
    """Typed values at JSON pointers of one parsed document; a bad value raises a located InputError."""

    def __init__(self, parsed: "Parsed"):
        self.parsed = parsed

    def raw(self, *pointer: Any) -> Any:
        node = self.parsed.data
        for part in pointer:
            if isinstance(node, dict):
                node = node.get(str(part))
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return None
        return node

    def fail(self, message: str, *pointer: Any) -> InputError:
        return InputError(message, path=self.parsed.path, location=self.parsed.location(*pointer))

    def date(self, *pointer: Any) -> dt.date:
        from ..store import parse_date

        raw = self.raw(*pointer)
        day = parse_date(raw) if raw is not None else None
        if day is None:
            raise self.fail(f"ungültiges Datum '{raw}' (erwartet JJJJ-MM-TT).", *pointer)
        if not YEARS[0] <= day.year <= YEARS[1]:
            raise self.fail(f"Datum {raw} liegt außerhalb von {YEARS[0]}–{YEARS[1]}.", *pointer)
        return day

    def date_or_none(self, *pointer: Any) -> dt.date | None:
        return None if self.raw(*pointer) is None else self.date(*pointer)

    def number(self, rule: NumberRule, *pointer: Any) -> Decimal | None:
        """The value at ``pointer`` by ``rule``; ``None`` where the document has none."""
        raw = self.raw(*pointer)
        if raw is None:
            return None
        value, problem = rule.value(raw)
        if problem is not None:
            raise self.fail(problem, *pointer)
        return value

    def money(self, *pointer: Any, label: str = "Betrag") -> Decimal | None:
        return self.number(NumberRule(label), *pointer)

    def share(self, *pointer: Any, most: Decimal, label: str) -> Decimal | None:
        """A non-negative fraction or percentage up to ``most``."""
        return self.number(NumberRule(label, places=None, positive=False, most=most, up_to=True), *pointer)

    def integer(self, *pointer: Any, default: int, lowest: int, most: int, label: str) -> int:
        raw = self.raw(*pointer)
        if raw is None:
            return default
        if isinstance(raw, bool) or not isinstance(raw, int) or not lowest <= raw <= most:
            raise self.fail(f"{label}: '{raw}' muss eine ganze Zahl von {lowest} bis {most} sein.", *pointer)
        return raw


def is_calloff_file(data: Any) -> bool:
    """Whether a document is a county's call-off file (only ``calloffs``, no contract ``id``)."""
    return isinstance(data, dict) and "calloffs" in data and "id" not in data


def parse_calloff(numbers: Numbers, pointer: tuple[Any, ...], contract_id: str) -> CallOff:
    """The call-off at ``pointer`` (schema-valid) as a :class:`CallOff`, not yet priced.

    A call-off without ``amount`` has to be priced against its contract
    (:func:`price_calloff`) before anything counts it.
    """
    node = numbers.raw(*pointer)
    forced = node.get("forced") or {}
    if isinstance(forced, dict) and forced.get("recorded") is not None:
        numbers.date(*pointer, "forced", "recorded")  # when the refusal was overridden: a real day
    amount = numbers.number(CALLOFF_AMOUNT, *pointer, "amount")
    return CallOff(
        id=str(node["id"]),
        contract=contract_id,
        county=str(node["county"]),
        date=numbers.date(*pointer, "date"),
        amount=amount if amount is not None else Decimal(0),
        recorded=amount,
        quantity=numbers.number(QUANTITY, *pointer, "quantity"),
        hours=numbers.number(HOURS, *pointer, "hours"),
        description=str(node.get("description", "")),
        lot=str(node.get("lot", "")),
        forced_reason=str(forced["reason"]) if forced else None,
        refusals=tuple(str(r) for r in forced.get("refusals", [])) if forced else (),
        path=Path(numbers.parsed.path),
        source=numbers.parsed,
        pointer=pointer,
    )


def unit_price(contract: FrameworkContract, day: dt.date) -> tuple[Decimal, str] | None:
    """(net price, German note) valid on ``day``: the dated price history, else the undated
    ``allocation.rate`` of an hours key; ``None`` when no price is valid that day."""
    from ..present.de import date_de, money_de

    if contract.price is not None and contract.price.history:
        point = contract.price.price_on(day)
        if point is None:
            return None
        return point.amount, f"{money_de(point.amount)} (Preis gültig ab {date_de(point.valid_from)})"
    if contract.allocation is not None and contract.allocation.rate is not None:
        return contract.allocation.rate, f"{money_de(contract.allocation.rate)} (Stundensatz laut 'allocation.rate')"
    return None


def price_for(contract: FrameworkContract, day: dt.date, count: Decimal, what: str) -> tuple[Decimal, str]:
    """``count`` (hours or a quantity) × the price valid on ``day``, to the cent (kaufmännisch),
    and how; a :class:`ValueError` with the German reason when it cannot be priced."""
    from ..present.de import cents, date_de, quantity_de

    if contract.price is not None and contract.price.gross:
        raise ValueError("der Vertragspreis ist brutto ('price.gross'); der Nettobetrag ('amount') muss "
                         "angegeben werden")
    price = unit_price(contract, day)
    if price is None:
        raise ValueError(f"kein Preis am {date_de(day)} gültig ('price.history')")
    amount = cents(price[0] * count)
    _, problem = MONEY.value(amount)
    if problem is not None:
        raise ValueError(f"{what} × Preis ergibt keinen gültigen Betrag ({problem})")
    unit = "h" if what == "Stunden" else "Stück"
    return amount, f"{quantity_de(count)} {unit} × {price[1]}"


def price_calloff(contract: FrameworkContract, calloff: CallOff) -> CallOff:
    """The call-off with its amount: as recorded, else hours (or quantity) × the price valid on
    its own date; a located :class:`InputError` naming the call-off when it cannot be priced."""
    import dataclasses

    lots = [lot.id for lot in contract.lots]
    if calloff.lot and lots and calloff.lot not in lots:
        raise InputError(f"Abruf {calloff.label} nennt Los '{calloff.lot}', das der Vertrag nicht hat "
                         f"(Lose: {', '.join(lots)}).", path=str(calloff.path) if calloff.path else None,
                         location=calloff.location or None)
    if calloff.recorded is not None:
        return calloff
    count, what = (calloff.hours, "Stunden") if calloff.hours is not None else (calloff.quantity, "Menge")
    if count is None:
        reason = "weder Betrag ('amount') noch Stunden ('hours') oder Menge ('quantity') angegeben"
    else:
        try:
            amount, how = price_for(contract, calloff.date, count, what)
        except ValueError as exc:
            reason = str(exc)
        else:
            return dataclasses.replace(calloff, amount=amount, priced=how)
    raise InputError(f"Abruf {calloff.label} lässt sich nicht bepreisen: {reason}.",
                     path=str(calloff.path) if calloff.path else None, location=calloff.location or None)


def parse_calloffs(parsed: "Parsed") -> list[CallOff]:
    """The call-offs of a county's call-off file (schema-valid), each naming its ``contract``."""
    numbers = Numbers(parsed)
    items = (parsed.data or {}).get("calloffs") or []
    found = [parse_calloff(numbers, ("calloffs", index), str(item["contract"])) for index, item in enumerate(items)]
    refuse_duplicate_ids(found)
    return found


def refuse_duplicate_ids(calloffs: list[CallOff]) -> None:
    """A call-off id may occur once per contract (across files too: see the application layer)."""
    seen: dict[tuple[str, str], CallOff] = {}
    for calloff in calloffs:
        key = (calloff.contract, calloff.id)
        first = seen.get(key)
        if first is not None:
            raise duplicate_calloff(calloff, first)
        seen[key] = calloff


def duplicate_calloff(calloff: CallOff, first: CallOff) -> InputError:
    where = first.location if first.path == calloff.path else f"{first.path}, {first.location}"
    return InputError(f"Abruf-ID '{calloff.id}' für Vertrag '{calloff.contract}' doppelt (zuerst {where}).",
                      path=str(calloff.path), location=calloff.location)


def parse_contract(parsed: "Parsed", plugin: str = "", unpriced: list[InputError] | None = None, *,
                   calloffs: list[CallOff] | None = None) -> FrameworkContract:
    """A schema-valid contract document as a FrameworkContract; semantic problems raise located InputErrors.

    Its call-offs are priced (:func:`price_calloff`); with ``unpriced`` given, a call-off that
    cannot be priced is left out and its error appended there instead of raised (``check``).
    ``calloffs`` (the file's call-offs known otherwise: none, where a :class:`CalloffTally` of
    exactly these bytes stands in for them) are taken as they are: the file's are not read.
    """
    numbers = Numbers(parsed)
    document = parsed.data
    term = _term(numbers)
    kind = str(document["kind"])
    participants = tuple(str(p) for p in document.get("participants") or [])
    if kind == "framework" and not participants:
        raise numbers.fail("Rahmenvereinbarung ohne Teilnehmende: alle abrufberechtigten Landkreise müssen bei "
                           "der Ausschreibung benannt sein ('participants').", "kind")
    if kind == "single" and not document.get("owner"):
        raise numbers.fail("Einzelvertrag ohne Vertragsinhaber ('owner').", "kind")
    lead = str(document.get("lead", ""))
    if lead and participants and lead not in participants:
        raise numbers.fail(f"Federführender Landkreis '{lead}' fehlt in 'participants'.", "lead")
    contract = FrameworkContract(
        id=str(document["id"]),
        title=str(document["title"]),
        kind=kind,
        term=term,
        path=Path(parsed.path),
        category=str(document.get("category", "")),
        note=str(document.get("note", "")),
        lead=lead,
        owner=str(document.get("owner", "")),
        participants=participants,
        suppliers=tuple(str(s["name"]) for s in document.get("suppliers") or []),
        regime=str(document.get("regime", "")),
        procedure=str(document.get("procedure", "")),
        evb_it=str(document.get("evb_it", "")),
        cpv=tuple(str(c) for c in document.get("cpv") or []),
        lots=tuple(Lot(str(lot["id"]), str(lot["title"]), numbers.money("lots", index, "estimate", label="Schätzwert"))
                   for index, lot in enumerate(document.get("lots") or [])),
        ceiling=numbers.money("ceiling", label="Höchstwert"),
        estimate=numbers.money("estimate", label="Schätzwert"),
        annual_value=numbers.money("annual_value", label="Jahreswert"),
        price=_price(numbers),
        allocation=_allocation(numbers),
        notice_alerts=_alert_values(numbers, "notice_months_before", (6, 3), 120, "Erinnerung (Monate vor der Frist)"),
        ceiling_alerts=_alert_values(numbers, "ceiling_percent", (80,), 100, "Schwelle des Höchstwerts (%)"),
        long_term_reason=str((document["term"] or {}).get("long_term_reason", "")),
        threshold=str(document.get("threshold", "")),
        tender=str(document.get("tender", "")),
        booking_code=str(document.get("booking_code", "")),
        plugin=plugin,
        source=parsed,
    )
    _refuse_non_parties(contract, numbers)
    lot_ids = [lot.id for lot in contract.lots]
    for index, lot_id in enumerate(lot_ids):
        if lot_id in lot_ids[:index]:
            raise numbers.fail(f"Los '{lot_id}' ist doppelt.", "lots", index, "id")
    if calloffs is not None:
        contract.calloffs.extend(calloffs)
        return contract
    own = [parse_calloff(numbers, ("calloffs", index), contract.id)
           for index in range(len(document.get("calloffs") or []))]
    refuse_duplicate_ids(own)
    for calloff in own:
        try:
            contract.calloffs.append(price_calloff(contract, calloff))
        except InputError as exc:
            if unpriced is None:
                raise
            unpriced.append(exc)
    return contract


@dataclass(frozen=True)
class CalloffTally:
    """What the call-offs recorded in one contract file come to, as :func:`parse_contract` found
    them (checked, priced): their ids in file order and the sum of their amounts."""

    ids: tuple[str, ...]
    total: Decimal

    def with_calloff(self, calloff: CallOff) -> "CalloffTally":
        """The tally once ``calloff`` is appended to the file."""
        return CalloffTally((*self.ids, calloff.id), self.total + calloff.amount)


def tally_of(calloffs: list[CallOff]) -> CalloffTally:
    """The :class:`CalloffTally` of a contract file's own call-offs."""
    return CalloffTally(tuple(c.id for c in calloffs), sum((c.amount for c in calloffs), Decimal(0)))


#: the form of a kept :class:`CalloffTally` (app layer); bump it whenever :func:`parse_contract`
#: finds other call-offs or amounts in the same bytes (a kept tally must be what it finds today)
TALLY_FORMAT = 1


def _alert_values(numbers: Numbers, name: str, default: tuple[int, ...], most: int, label: str) -> tuple[int, ...]:
    items = numbers.raw("alerts", name)
    if items is None:
        return default
    return tuple(numbers.integer("alerts", name, index, default=0, lowest=1, most=most, label=label)
                 for index in range(len(items)))


def _term(numbers: Numbers) -> Term:
    node = numbers.raw("term")
    renewal = str(node.get("renewal", "none"))
    max_renewals = numbers.integer("term", "max_renewals", default=0, lowest=0, most=50,
                                   label="Höchstzahl der Verlängerungen")
    term = Term(
        start=numbers.date("term", "start"),
        end=numbers.date("term", "end"),
        renewal=renewal,
        renewal_months=numbers.integer("term", "renewal_months", default=12, lowest=1, most=120,
                                       label="Verlängerung in Monaten"),
        max_renewals=max_renewals,
        renewals_exercised=numbers.integer("term", "renewals_exercised", default=0, lowest=0, most=max_renewals,
                                           label="Gezogene Verlängerungen"),
        notice_months=numbers.integer("term", "notice_months", default=0, lowest=0, most=120,
                                      label="Kündigungsfrist in Monaten"),
        terminated=numbers.date_or_none("term", "terminated"),
    )
    if term.end < term.start:
        raise numbers.fail("Vertragsende liegt vor dem Vertragsbeginn.", "term", "end")
    if renewal != "none" and "max_renewals" not in node:
        raise numbers.fail("Verlängerung ohne Höchstzahl: 'max_renewals' angeben.", "term")
    return term


def _price(numbers: Numbers) -> PriceModel | None:
    node = numbers.raw("price")
    if not node:
        return None
    history: list[PricePoint] = []
    for index, item in enumerate(node.get("history") or []):
        amount = numbers.number(PRICE, "price", "history", index, "amount")
        assert amount is not None  # required by the schema
        valid_from = numbers.date("price", "history", index, "valid_from")
        if any(point.valid_from == valid_from for point in history):
            # two prices from one day: which one would a call-off of that day cost?
            raise numbers.fail(f"Zwei Preise gelten ab {valid_from.isoformat()}; je Tag nur ein Preis.",
                               "price", "history", index, "valid_from")
        history.append(PricePoint(valid_from, amount, str(item.get("note", ""))))
    return PriceModel(str(node["model"]), tuple(history), bool(node.get("gross", False)))


def _refuse_non_parties(contract: FrameworkContract, numbers: Numbers) -> None:
    """A cost key names only the contract's parties: a county not bound by it (not among the
    participants, or not the single contract's owner) pays nothing of it."""
    key = contract.allocation
    if key is None:
        return
    holders = contract.holders
    for name, named in (("members", key.members), ("percentages", tuple(key.percentages))):
        outside = [county for county in named if county not in holders]
        if outside:
            verb = "ist" if len(outside) == 1 else "sind"
            raise numbers.fail(
                f"Verteilungsschlüssel nennt {', '.join(outside)}; {verb} nicht Vertragspartei "
                f"(Teilnehmende: {', '.join(holders) or 'keine'}), Kosten tragen nur die Vertragsparteien.",
                "allocation", name)


def _allocation(numbers: Numbers) -> AllocationKey | None:
    node = numbers.raw("allocation")
    if not node:
        return None

    def figures(name: str, rule: NumberRule) -> dict[str, Decimal]:
        values = {}
        for key in node.get(name) or {}:
            value = numbers.number(rule, "allocation", name, key)
            assert value is not None
            values[str(key)] = value
        return values

    key = AllocationKey(
        key=str(node["key"]),
        variable=str(node["variable"]) if node.get("variable") else None,
        base_share=numbers.share("allocation", "base_share", most=Decimal(1), label="Sockelanteil"),
        base_per_member=numbers.money("allocation", "base_per_member", label="Sockel je Mitglied"),
        min_base_share=numbers.share("allocation", "min_base_share", most=Decimal(1), label="Mindestanteil Sockel"),
        rate=numbers.number(NumberRule("Stundensatz"), "allocation", "rate"),
        reference_date=numbers.date_or_none("allocation", "reference_date"),
        metric_name=str(node.get("metric_name", "")),
        metrics=figures("metrics", FIGURE),
        percentages=figures("percentages", NumberRule("Prozentsatz", places=None, positive=False, most=Decimal(100),
                                                      up_to=True)),
        members=tuple(str(m) for m in node.get("members") or []),
        costs=figures("costs", COSTS),
        vat=vat_choice(node.get("vat", "auto")),
        agreement=str(node.get("agreement", "")),
    )
    if key.key == "hybrid" and key.base_share is None and key.base_per_member is None:
        raise numbers.fail("Hybrider Schlüssel ohne Sockel: 'base_share' oder 'base_per_member' angeben.",
                           "allocation", "key")
    if key.key == "fixed":
        total = sum(key.percentages.values(), Decimal(0))
        if total != 100:
            raise numbers.fail(f"Feste Prozentsätze ergeben {total} % statt 100 %.", "allocation", "percentages")
    return key
