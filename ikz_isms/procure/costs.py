"""A contract's cost split for a period: gather total, members and figures, then allocate."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from ..errors import InputError
from ..present.de import date_de, money_de, percent_de, quantity_de
from .allocation import Allocation, allocate_costs, per_unit_costs
from .model import ALLOCATION_KEYS, AllocationKey, CallOff, FrameworkContract

if TYPE_CHECKING:
    from .legal import LegalFigures

PROFILE_FIELD = {"inhabitants": "inhabitants", "employees": "employees", "per_employee": "employees",
                 "per_inhabitant": "inhabitants"}
METRIC_NAMES = {"inhabitants": "Einwohner", "employees": "Beschäftigte", "use": "Abrufe (€)", "hours": "Stunden"}
#: keys that bill what was called off: each call-off at its own amount (price on its date)
USAGE_KEYS = ("use", "hours")


@dataclass
class Settlement:
    """An allocation for one contract and period, with what a statement must say about it."""

    contract: FrameworkContract
    period: int
    allocation: Allocation
    members: list[str]
    key_label: str
    metric_label: str
    vat_note: str
    basis: str
    #: the period's call-offs a usage key billed (the basis of each county's line)
    calloffs: list[CallOff] = field(default_factory=list)
    #: the §2b UStG rate applied to the lines, ``None`` where no VAT applies
    vat_rate: Decimal | None = None

    def county_calloffs(self, county: str) -> list[CallOff]:
        return [c for c in self.calloffs if c.county == county]

    def as_dict(self, names: Mapping[str, str] | None = None) -> dict[str, Any]:
        data = self.allocation.as_dict()
        for share in cast(list[dict[str, Any]], data["shares"]):
            share["name"] = (names or {}).get(share["county"], share["county"])
        return {
            "contract": self.contract.id,
            "title": self.contract.title,
            "period": self.period,
            "key_label": self.key_label,
            "metric": self.metric_label,
            "basis": self.basis,
            "vat_note": self.vat_note,
            "agreement": self.contract.allocation.agreement if self.contract.allocation else "",
            **data,
            "calloffs": [c.as_dict() for c in self.calloffs],
        }


def settle(
    contract: FrameworkContract,
    period: int,
    profiles: Mapping[str, Mapping[str, Any]],
    legal: LegalFigures,
    total: Decimal | None = None,
) -> Settlement:
    """Allocate ``contract``'s cost for calendar year ``period``; missing inputs raise InputError."""
    key = contract.allocation
    where = str(contract.path)
    if key is None:
        raise InputError(f"Vertrag '{contract.id}' hat keinen Verteilungsschlüssel ('allocation').", path=where)
    start, end = dt.date(period, 1, 1), dt.date(period, 12, 31)
    members = list(key.members or contract.holders)
    calloffs = [c for c in contract.calloffs if start <= c.date <= end]
    vat_rate, vat_note = vat_treatment(key.vat, start, legal)
    basis = key.key if key.key != "hybrid" else (key.variable or "inhabitants")
    usage = basis in USAGE_KEYS
    notes: list[str] = []
    if usage:
        # a usage key bills each county what it called off: a county that called off although
        # it was not named (a forced call-off) pays its own call-offs too
        for calloff in calloffs:
            if calloff.county not in members:
                members.append(calloff.county)
                notes.append(f"{calloff.county} ist nicht unter den Teilnehmenden, hat aber abgerufen "
                             f"({calloff.label}, erzwungen): eigene Abrufe werden ihm berechnet.")
        for calloff in calloffs:
            if basis == "hours" and calloff.hours is None:
                notes.append(f"Abruf {calloff.label} ohne Stundenangabe: sein Betrag {money_de(calloff.amount)} "
                             "zählt.")

    def figures(name: str) -> dict[str, Decimal]:
        if name == "equal":
            return {m: Decimal(1) for m in members}
        if name in USAGE_KEYS:
            # what was billed: each call-off's own amount, at its own price and date
            return {m: sum((c.amount for c in calloffs if c.county == m), Decimal(0)) for m in members}
        values: dict[str, Decimal] = {}
        missing = []
        for m in members:
            if m in key.metrics:
                values[m] = key.metrics[m]
            elif name in PROFILE_FIELD and (profiles.get(m) or {}).get(PROFILE_FIELD[name]) is not None:
                values[m] = Decimal(profiles[m][PROFILE_FIELD[name]])
            else:
                missing.append(m)
        if missing:
            raise InputError(
                f"Kennzahl ({METRIC_NAMES.get(name, key.metric_name or name)}) fehlt für: {', '.join(missing)} – "
                "in 'allocation.metrics' oder im Landkreisprofil ergänzen.",
                path=where,
            )
        return values

    if key.key == "per_unit":
        price_model = contract.price
        price = price_model.price_on(start) if price_model else None
        if price_model is None or price is None:
            raise InputError(f"Kein Stückpreis gültig am {start.isoformat()} ('price.history').", path=where)
        metric = price_model.model
        allocation = per_unit_costs(price.amount, figures(metric), vat_rate=None if price_model.gross else vat_rate)
        if price_model.gross:
            vat_note = "Stückpreis brutto (Umsatzsteuer des Lieferanten enthalten)."
        allocation.notes.append(f"Stückpreis {money_de(price.amount)} gültig ab {date_de(price.valid_from)}.")
        label = key.metric_name or METRIC_NAMES.get(PROFILE_FIELD.get(metric, ""), "Menge")
        return Settlement(contract, period, allocation, members, ALLOCATION_KEYS["per_unit"], label, vat_note, "per_unit",
                          vat_rate=None if price_model.gross else vat_rate)

    billed = contract.consumed(period)
    if total is not None:
        source = "--total"
    else:
        total = key.costs.get(str(period))
        source = f"allocation.costs.{period}"
    if total is None and key.key in USAGE_KEYS:
        total, source = billed, ""
    if total is None:
        raise InputError(
            f"Kein Betrag für {period}: 'allocation.costs.{period}' eintragen oder --total angeben.", path=where
        )
    weights = None if key.key in ("equal", "fixed") else figures(basis)
    if weights is not None and usage and not any(weights.values()):
        raise InputError(f"Keine Abrufe im Jahr {period}: nichts nach Verbrauch zu verteilen "
                         "(--total hilft hier nicht).", path=where)
    if usage and key.key in USAGE_KEYS:
        if source:
            notes.append(f"Zu verteilen {money_de(total)} ({source}) statt abgerufen {money_de(billed)}: "
                         "nach dem Anteil an den Abrufen verteilt.")
        else:
            notes.append(f"Abgerufen {period}: {money_de(billed)} – jeder Landkreis trägt seine Abrufe zu ihren "
                         "eigenen Beträgen (Preis am Abrufdatum).")
    try:
        if key.key == "equal":
            allocation = allocate_costs(total, members, "equal", vat_rate=vat_rate)
        elif key.key == "fixed":
            allocation = allocate_costs(total, members, "fixed", percentages=key.percentages, vat_rate=vat_rate)
        elif key.key == "hybrid":
            allocation = allocate_costs(
                total, members, "hybrid", weights=weights, base_share=key.base_share,
                base_per_member=key.base_per_member, min_base_share=key.min_base_share, vat_rate=vat_rate,
            )
        else:
            allocation = allocate_costs(total, members, "proportional", weights=weights, vat_rate=vat_rate)
    except InputError as exc:
        if exc.path:
            raise
        raise InputError(f"{exc.message} (Vertrag '{contract.id}', {period})", path=where, location="allocation") from None
    if key.reference_date:
        allocation.notes.append(f"Kennzahlen zum Stichtag {date_de(key.reference_date)}.")
    allocation.notes.extend(notes)
    if basis == "hours":
        # the figure shown is the hours; the weights were the billed amounts
        hours = {m: sum((c.hours or Decimal(0) for c in calloffs if c.county == m), Decimal(0)) for m in members}
        allocation.shares = [dataclasses.replace(share, metric=hours[share.county]) for share in allocation.shares]
    label = key.metric_name or METRIC_NAMES.get(basis, "")
    return Settlement(contract, period, allocation, members, _key_label(key), label, vat_note, basis,
                      calloffs if usage else [], vat_rate)


def _key_label(key: AllocationKey) -> str:
    if key.key != "hybrid":
        return ALLOCATION_KEYS.get(key.key, key.key)
    if key.base_share is not None:
        base = f"{percent_de(key.base_share, 0)} Sockel gleich verteilt"
    else:
        base = f"Sockel {money_de(key.base_per_member)} je Mitglied"
    variable = ALLOCATION_KEYS.get(key.variable or "inhabitants", key.variable)
    minimum = f", Sockel mindestens {percent_de(key.min_base_share, 0)}" if key.min_base_share is not None else ""
    return f"{base}, Rest {variable}{minimum}"


def vat_treatment(setting: str, start: dt.date, legal: LegalFigures, reason: str = "") -> tuple[Decimal | None, str]:
    """VAT rate for reimbursements between public bodies (§2b UStG) and the line's note.

    ``setting``: ``auto`` (from the date in the legal figure ``vat.section-2b``, 01.01.2027),
    ``yes`` or ``no`` (``reason`` says why not, e.g. the §2b Abs. 3 UStG ground).
    """
    figure = next((f for f in legal.figures if f.id == "vat.section-2b" and not f.unconfirmed), None)
    rate = figure.rate if figure else Decimal(19)
    applies_from = figure.valid_from if figure else dt.date(2027, 1, 1)
    if setting == "no":
        return None, f"Keine Umsatzsteuer: {reason}" if reason else "Keine Umsatzsteuer (laut Vertrag nicht steuerbar)."
    if setting != "yes" and figure is not None and applies_from is None:
        # a figure without a start date used to end the run with a TypeError here
        raise InputError(f"Kennzahl {figure.id} hat kein Gültigkeitsdatum ('valid_from').",
                         path=figure.path or None, location=figure.location or None)
    if setting == "yes" or (figure is not None and applies_from is not None and start >= applies_from):
        return rate, (f"Umsatzsteuer {quantity_de(rate)} % nach §2b UStG (ab {date_de(applies_from)}), "
                      "je Zeile kaufmännisch auf den Cent gerundet (eine Rechnung je Landkreis).")
    return None, f"Keine Umsatzsteuer: §2b UStG gilt erst ab {date_de(applies_from)}."
