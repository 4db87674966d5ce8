"""The contract value estimate (§3 VgV), the EU threshold verdict and the procedures it allows.

Pure functions over a template, a project's data and the legal figures: every figure
(threshold, state value limit, maximum term) comes from the dated data with its source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..present.de import cents, date_de, money_de

if TYPE_CHECKING:
    from ..procure.legal import LegalFigure, LegalFigures
    from .templates import Template

#: §3 Abs. 11 VgV: contracts over 48 months (or open-ended) count with 48 monthly values
RULE_MONTHS = 48
PERIODS = {"month": "Monat", "year": "Jahr", "once": "einmalig"}


@dataclass(frozen=True)
class Part:
    """One county's need for one lot and its share of the estimate."""

    county: str
    lot: str
    quantity: Decimal | None
    quantity_with_options: Decimal | None
    source: str
    unit_price: Decimal
    period: str
    months: int
    value: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "county": self.county, "lot": self.lot,
            "quantity": _s(self.quantity), "quantity_with_options": _s(self.quantity_with_options),
            "source": self.source, "unit_price": str(self.unit_price), "price_period": self.period,
            "months": self.months, "value": _s(self.value),
        }


@dataclass(frozen=True)
class Procedure:
    """A procedure type and whether the estimate allows it (``ground``: only with a stated reason)."""

    name: str
    status: str  # "frei" | "Wertgrenze" | "Begründung"
    basis: str
    limit: "LegalFigure | None" = None
    pending: tuple["LegalFigure", ...] = ()

    @property
    def allowed(self) -> bool:
        return self.status in ("frei", "Wertgrenze")

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "allowed_without_ground": self.allowed, "basis": self.basis,
            "limit": self.limit.as_dict() if self.limit else None,
            "pending_limits": [p.as_dict() for p in self.pending],
        }


@dataclass
class Estimate:
    """The §3 VgV estimate with its parts, the threshold verdict, regime and procedures."""

    total: Decimal
    parts: list[Part]
    months: int
    counted_months: int
    threshold: "LegalFigure"
    notice_date: dt.date
    regime: str
    eu: bool
    procedures: list[Procedure]
    reasoning: list[str]
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the EU threshold category (``eu-threshold.<category>``)
    category: str = "supplies-services-subcentral"

    @property
    def complete(self) -> bool:
        return not self.missing

    def by_county(self) -> dict[str, Decimal]:
        result: dict[str, Decimal] = {}
        for part in self.parts:
            result[part.county] = result.get(part.county, Decimal(0)) + (part.value or Decimal(0))
        return result

    def by_lot(self) -> dict[str, Decimal]:
        result: dict[str, Decimal] = {}
        for part in self.parts:
            result[part.lot] = result.get(part.lot, Decimal(0)) + (part.value or Decimal(0))
        return result

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": str(self.total),
            "complete": self.complete,
            "missing": self.missing,
            "notice_date": self.notice_date.isoformat(),
            "term_months_including_options": self.months,
            "counted_months": self.counted_months,
            "by_county": {k: str(v) for k, v in self.by_county().items()},
            "by_lot": {k: str(v) for k, v in self.by_lot().items()},
            "parts": [p.as_dict() for p in self.parts],
            "threshold": self.threshold.as_dict(),
            "threshold_category": self.category,
            "eu": self.eu,
            "regime": self.regime,
            "procedures": [p.as_dict() for p in self.procedures],
            "reasoning": self.reasoning,
            "notes": self.notes,
        }


def _s(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}" if value == value.to_integral_value() else str(value)


def as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def threshold_category(template: "Template", data: Mapping[str, Any]) -> tuple[str, str]:
    """(EU threshold category, where it was chosen: ``threshold`` of the project, of the
    template, or the default of the contract type). Every ``eu-threshold.<category>`` of the
    legal data is selectable (:meth:`ikz_isms.procure.legal.LegalFigures.threshold_categories`)."""
    from ..procure.legal import DEFAULT_CATEGORY

    if data.get("threshold"):
        return str(data["threshold"]), "project"
    if template.data.get("threshold"):
        return str(template.data["threshold"]), "template"
    return DEFAULT_CATEGORY[template.data["contract_type"]], "default"


@dataclass(frozen=True)
class Regime:
    """The law that applies at or above (``eu``) and below (``national``) a category's threshold."""

    eu: str
    national: str
    national_note: str = ""


_NATIONAL_RLP = ("in Rheinland-Pfalz verbindlich durch die Verwaltungsvorschrift „Öffentliches Auftragswesen in "
                 "Rheinland-Pfalz“ (18.08.2021)")
#: EU threshold category → regime (docs/tender.md); a category not listed is treated as supplies/services
REGIMES: dict[str, Regime] = {
    "works": Regime("VOB/A Abschnitt 2 (GWB Teil 4)", "VOB/A Abschnitt 1", _NATIONAL_RLP),
    "supplies-services-subcentral": Regime("VgV (GWB Teil 4)", "UVgO", _NATIONAL_RLP),
    "supplies-services-central": Regime("VgV (GWB Teil 4)", "UVgO", _NATIONAL_RLP),
    "social-services": Regime("VgV §§64–66 (soziale und andere besondere Dienstleistungen, §130 GWB)",
                              "UVgO (§49 UVgO: soziale und andere besondere Dienstleistungen)", _NATIONAL_RLP),
    "utilities": Regime("SektVO (GWB Teil 4, Sektorenauftraggeber)", "UVgO", _NATIONAL_RLP),
    "concessions": Regime("KonzVgV (GWB Teil 4, Konzessionen)", "kein förmliches Vergabeverfahren nach GWB",
                          "Konzessionen unterhalb des Schwellenwerts: haushaltsrechtliche Grundsätze (Wettbewerb, "
                          "Transparenz, Gleichbehandlung) beachten"),
}


def regime_of(category: str) -> Regime:
    return REGIMES.get(category, REGIMES["supplies-services-subcentral"])


def framework_term_key(category: str, eu: bool) -> str | None:
    """The legal figure ``framework-max-term.<key>`` for a framework of ``category``; ``None``: no limit coded."""
    if category == "works":
        return "VOB" if eu else None
    if category == "concessions":
        return None
    if not eu:
        return "UVgO"
    return {"social-services": "VgV-social", "utilities": "SektVO"}.get(category, "VgV")


def total_months(template: "Template", data: Mapping[str, Any]) -> int:
    """Base term plus every chosen extension option."""
    chosen = set(data.get("options", []))
    return int(data["term_months"]) + sum(
        int(o.get("months", 0)) for o in template.options if o["id"] in chosen and o["kind"] == "extension")


def _quantity_factor(template: "Template", data: Mapping[str, Any], lot: Mapping[str, Any]) -> Decimal:
    """1 plus every chosen quantity option that applies to the lot (by default: recurring lots)."""
    chosen = set(data.get("options", []))
    factor = Decimal(1)
    for option in template.options:
        if option["id"] not in chosen or option["kind"] != "quantity":
            continue
        if option.get("lots") and lot["id"] not in option["lots"]:
            continue
        if not option.get("lots") and lot["price_period"] == "once":
            continue
        factor += Decimal(str(option["percent"])) / 100
    return factor


def estimate(template: "Template", data: Mapping[str, Any], legal: "LegalFigures",
             names: Mapping[str, str] | None = None) -> Estimate:
    """The estimated contract value of a project and what follows from it on its notice date."""
    names = names or {}
    notice = as_date(data["notice_date"])
    months = total_months(template, data)
    framework = bool(template.data["framework"])
    counted = months if framework or months <= RULE_MONTHS else RULE_MONTHS
    reasoning: list[str] = []
    parts: list[Part] = []
    missing: list[str] = []
    for county in data["counties"]:
        county_needs = (data.get("needs") or {}).get(county) or {}
        for lot in template.lots:
            need = county_needs.get(lot["id"]) or {}
            raw = need.get("quantity")
            quantity = Decimal(str(raw)) if raw not in (None, "") else None
            factor = _quantity_factor(template, data, lot)
            price = Decimal(str(lot["unit_price"]))
            period = lot["price_period"]
            if quantity is None:
                missing.append(f"{names.get(county, county)}: Menge für Los '{lot['id']}' fehlt")
                parts.append(Part(county, lot["id"], None, None, need.get("source", "fehlt"), price, period, 0, None))
                continue
            with_options = quantity * factor
            if period == "once":
                value, lot_months = with_options * price, 0
            else:
                monthly = with_options * price / (12 if period == "year" else 1)
                value, lot_months = monthly * counted, counted
            parts.append(Part(county, lot["id"], quantity, with_options, need.get("source", ""), price, period,
                              lot_months, cents(value)))
    total = sum((p.value for p in parts if p.value is not None), Decimal(0))

    extensions = [o for o in template.options if o["id"] in data.get("options", []) and o["kind"] == "extension"]
    quantities = [o for o in template.options if o["id"] in data.get("options", []) and o["kind"] == "quantity"]
    term_text = f"Grundlaufzeit {data['term_months']} Monate"
    if extensions:
        term_text += " + " + " + ".join(f"{o['label']} ({o['months']} Monate)" for o in extensions)
    reasoning.append(f"Laufzeit: {term_text} = {months} Monate (Optionen und Verlängerungen zählen mit, §3 Abs. 1 VgV).")
    if quantities:
        reasoning.append("Mehrmengen-Optionen eingerechnet: " + "; ".join(o["label"] for o in quantities) + ".")
    if framework:
        reasoning.append(
            f"Rahmenvereinbarung: Wert = geschätzter Gesamtwert aller Abrufe über die gesamte Laufzeit "
            f"({months} Monate, §3 Abs. 4 VgV).")
    elif months > RULE_MONTHS:
        reasoning.append(f"Laufzeit über {RULE_MONTHS} Monate ohne Gesamtpreis: {RULE_MONTHS}-facher Monatswert "
                         "(§3 Abs. 11 Nr. 2 VgV).")
    else:
        reasoning.append(f"Laufzeit bis {RULE_MONTHS} Monate: Gesamtwert über die Laufzeit (§3 Abs. 11 Nr. 1 VgV).")
    by_lot: dict[str, Decimal] = {}
    for part in parts:
        by_lot[part.lot] = by_lot.get(part.lot, Decimal(0)) + (part.value or Decimal(0))
    if len(template.lots) > 1:
        reasoning.append("Lose werden addiert (§3 Abs. 7 VgV): " + " + ".join(
            f"{lot['id']} {money_de(by_lot[lot['id']])}" for lot in template.lots) + f" = {money_de(total)}.")
    if len(data["counties"]) > 1:
        reasoning.append(
            f"Gemeinsame Beschaffung von {len(data['counties'])} Landkreisen (§4 VgV): der Wert umfasst den "
            "Bedarf aller Beteiligten; keine Aufteilung, um unter dem Schwellenwert zu bleiben (§3 Abs. 2 VgV).")
    reasoning.append(f"Maßgeblicher Tag: Absendung der Bekanntmachung am {date_de(notice)} (§3 Abs. 3 VgV).")

    category, _ = threshold_category(template, data)
    threshold = legal.threshold(category, notice)
    eu = total >= threshold.required_amount()
    period = f"gültig {date_de(threshold.valid_from)}–{date_de(threshold.valid_to)}" if threshold.valid_to else \
        f"gültig ab {date_de(threshold.valid_from)}"
    comparison = "erreicht oder überschreitet den" if eu else "liegt unter dem"
    reasoning.append(f"Geschätzter Auftragswert {money_de(total)} netto {comparison} EU-Schwellenwert "
                     f"{money_de(threshold.amount)} ({threshold.label}, {period}; {threshold.source}).")
    works = template.data["contract_type"] == "works"
    law = regime_of(category)
    if eu:
        regime = law.eu
        reasoning.append(f"Folge: EU-weite Vergabe nach {regime}.")
    else:
        regime = law.national
        reasoning.append(f"Folge: nationale Vergabe nach {regime}" + (f", {law.national_note}" if law.national_note
                                                                       else "") + ".")
    procedures = allowed_procedures(total, eu, works, legal, notice, category)
    notes = []
    if eu:
        limit_id = "lot-exemption.works" if works else "lot-exemption.supplies-services"
        exemption = legal.get(limit_id, notice)
        small = [lot_id for lot_id, value in by_lot.items() if value < exemption.required_amount()]
        if small and len(template.lots) > 1:
            notes.append(f"Lose unter {money_de(exemption.amount)} ({', '.join(small)}) dürfen national vergeben werden, "
                         f"zusammen höchstens 20 % des Gesamtwerts ({exemption.source}).")
    if missing:
        notes.append("Schätzung unvollständig: " + "; ".join(missing) + ".")
    return Estimate(cents(total), parts, months, counted, threshold, notice, regime, eu, procedures, reasoning,
                    missing, notes, category)


def allowed_procedures(total: Decimal, eu: bool, works: bool, legal: "LegalFigures", day: dt.date,
                       category: str = "") -> list[Procedure]:
    """The procedure types of the regime; state value limits (RLP) decide the simpler ones."""
    if eu and category == "social-services":
        basis, ground = "§65 Abs. 1 VgV", "§65 Abs. 1 i. V. m. §14 Abs. 4 VgV"
        return [
            Procedure("Offenes Verfahren", "frei", basis),
            Procedure("Nicht offenes Verfahren", "frei", basis),
            Procedure("Verhandlungsverfahren mit Teilnahmewettbewerb", "frei", basis),
            Procedure("Wettbewerblicher Dialog", "frei", basis),
            Procedure("Innovationspartnerschaft", "frei", basis),
            Procedure("Verhandlungsverfahren ohne Teilnahmewettbewerb", "Begründung", ground),
        ]
    if eu and category == "utilities":
        basis, ground = "§141 Abs. 1 GWB, §13 Abs. 1 SektVO", "§141 Abs. 2 GWB, §13 Abs. 2 SektVO"
        return [
            Procedure("Offenes Verfahren", "frei", basis),
            Procedure("Nicht offenes Verfahren", "frei", basis),
            Procedure("Verhandlungsverfahren mit Teilnahmewettbewerb", "frei", basis),
            Procedure("Wettbewerblicher Dialog", "frei", basis),
            Procedure("Verhandlungsverfahren ohne Teilnahmewettbewerb", "Begründung", ground),
            Procedure("Innovationspartnerschaft", "Begründung", ground),
        ]
    if category == "concessions":
        if eu:
            return [Procedure("Konzessionsvergabeverfahren (frei gestaltbar)", "frei", "§151 GWB, §12 KonzVgV")]
        return [Procedure("Wettbewerbliches Auswahlverfahren (haushaltsrechtlich)", "frei",
                          "Haushaltsrecht, Grundsätze Transparenz und Gleichbehandlung")]
    if eu:
        basis = "§119 GWB, §14 Abs. 2 VgV" if not works else "§3a EU VOB/A"
        ground = "§14 Abs. 3, 4 VgV" if not works else "§3a EU Abs. 2, 3 VOB/A"
        return [
            Procedure("Offenes Verfahren", "frei", basis),
            Procedure("Nicht offenes Verfahren", "frei", basis),
            Procedure("Verhandlungsverfahren mit Teilnahmewettbewerb", "Begründung", ground),
            Procedure("Verhandlungsverfahren ohne Teilnahmewettbewerb", "Begründung", ground),
            Procedure("Wettbewerblicher Dialog", "Begründung", ground),
            Procedure("Innovationspartnerschaft", "Begründung", "§19 VgV" if not works else "§3b EU Abs. 5 VOB/A"),
        ]

    def limited(name: str, figure_id: str, basis: str) -> Procedure:
        figure = legal.get(figure_id, day)
        status = "Wertgrenze" if total <= figure.required_amount() else "Begründung"
        return Procedure(name, status, basis, figure, tuple(legal.pending(figure_id)))

    if works:
        return [
            Procedure("Öffentliche Ausschreibung", "frei", "§3a Abs. 1 VOB/A"),
            limited("Beschränkte Ausschreibung ohne Teilnahmewettbewerb", "rlp.beschraenkt-ohne-tw.works",
                    "§3a Abs. 2 VOB/A"),
            Procedure("Beschränkte Ausschreibung mit Teilnahmewettbewerb", "Begründung", "§3a Abs. 2 VOB/A"),
            limited("Freihändige Vergabe", "rlp.verhandlungsvergabe", "§3a Abs. 3 VOB/A"),
            limited("Direktauftrag", "rlp.direktauftrag", "§3a Abs. 4 VOB/A"),
        ]
    if category == "social-services":
        return [
            Procedure("Öffentliche Ausschreibung", "frei", "§49 UVgO"),
            Procedure("Beschränkte Ausschreibung mit oder ohne Teilnahmewettbewerb", "frei", "§49 UVgO"),
            Procedure("Verhandlungsvergabe mit oder ohne Teilnahmewettbewerb", "frei", "§49 UVgO"),
            limited("Direktauftrag (kein Vergabeverfahren)", "rlp.direktauftrag", "§14 UVgO"),
        ]
    return [
        Procedure("Öffentliche Ausschreibung", "frei", "§8 Abs. 2 UVgO"),
        Procedure("Beschränkte Ausschreibung mit Teilnahmewettbewerb", "frei", "§8 Abs. 2 UVgO"),
        limited("Beschränkte Ausschreibung ohne Teilnahmewettbewerb", "rlp.beschraenkt-ohne-tw.supplies-services",
                "§8 Abs. 3 UVgO"),
        limited("Verhandlungsvergabe mit oder ohne Teilnahmewettbewerb", "rlp.verhandlungsvergabe", "§8 Abs. 4 UVgO"),
        limited("Direktauftrag (kein Vergabeverfahren)", "rlp.direktauftrag", "§14 UVgO"),
    ]


def procedure_text(procedure: Procedure) -> str:
    """German one-liner: whether and why a procedure is available."""
    if procedure.status == "frei":
        return "zulässig (freie Wahl)"
    if procedure.limit is None:
        return "nur mit Begründung"
    limit = procedure.limit
    text = (f"zulässig bis {money_de(limit.amount)} (Wertgrenze, {limit.source})" if procedure.status == "Wertgrenze"
            else f"über der Wertgrenze {money_de(limit.amount)} ({limit.source}): nur mit Ausnahmegrund")
    for pending in procedure.pending:
        text += f"; angehobene Wertgrenze {money_de(pending.amount)} UNBESTÄTIGT ({pending.source}), nicht angewandt"
    return text
