"""A tender project (``vergaben/<name>/vergabe.yaml``): its content, the checks beyond the schema, a new one.

Pure: reading and writing the file is :mod:`ikz_isms.app.tenders`. A county's need
(``needs.<county>.<lot>.quantity``) is a plain decimal (``400``, ``"12.5"``; never ``1e3``)
with at most two decimal places, not negative and below 10^12 — the same rule for a file and
for ``--need``; anything else is refused with its place before it reaches an estimate.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, UsageError
from ..procure.store import NumberRule
from .templates import MAX_MONTHS, Problem, Template

if TYPE_CHECKING:
    from ..store import Parsed

KIND = "tender"
SOURCES = {"employees": "Beschäftigte", "inhabitants": "Einwohner"}
#: what a county's need for a lot may be
NEED = NumberRule("Menge", positive=False)
DATE_FIELDS = ("created", "notice_date", "offer_deadline")


@dataclass
class Tender:
    """A tender project as stored: plain data plus its parsed document for line numbers."""

    path: Path
    data: dict[str, Any]
    parsed: "Parsed | None" = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def counties(self) -> list[str]:
        return [str(c) for c in self.data["counties"]]

    @property
    def notice_date(self) -> dt.date:
        return dt.date.fromisoformat(self.data["notice_date"])

    @property
    def created(self) -> dt.date:
        return dt.date.fromisoformat(self.data["created"])

    def line(self, *pointer: Any) -> str:
        """``Zeile n (/pointer)`` of a place in the file, else the pointer."""
        if self.parsed is not None:
            return self.parsed.location(*pointer)
        return "/" + "/".join(str(p) for p in pointer)


def project_problems(tender: Tender) -> list[Problem]:
    """What the schema cannot check: real dates, needs that are numbers, a plausible term."""
    data = tender.data
    problems = []
    for key in DATE_FIELDS:
        if key in data:
            try:
                day = dt.date.fromisoformat(str(data[key]))
            except ValueError:
                problems.append(Problem(f"'{key}': ungültiges Datum '{data[key]}' (erwartet JJJJ-MM-TT).",
                                        tender.line(key)))
                continue
            if not 1900 <= day.year <= 2200:
                problems.append(Problem(f"'{key}': Datum {data[key]} liegt außerhalb von 1900–2200.", tender.line(key)))
    for county, lots in (data.get("needs") or {}).items():
        for lot, need in (lots or {}).items():
            quantity = need.get("quantity")
            if quantity is None:
                continue
            _, problem = NEED.value(quantity)
            if problem is not None:
                problems.append(Problem(f"Bedarf {county}/{lot}: {problem}", tender.line("needs", county, lot, "quantity")))
    if data["lead"] not in data["counties"]:
        problems.append(Problem(f"Federführung '{data['lead']}' steht nicht unter 'counties'.", tender.line("lead")))
    if data["term_months"] > MAX_MONTHS:
        problems.append(Problem(f"Laufzeit {data['term_months']} Monate ist unplausibel (höchstens {MAX_MONTHS}).",
                                tender.line("term_months")))
    return problems


def parse_tender(parsed: "Parsed") -> Tender:
    """A schema-valid project document as a Tender; the first problem raises a located InputError."""
    tender = Tender(Path(parsed.path), parsed.data, parsed)
    problems = project_problems(tender)
    if problems:
        first = problems[0]
        more = f" (und {len(problems) - 1} weitere; ikz-isms check zeigt alle)" if len(problems) > 1 else ""
        raise InputError(first.message + more, path=parsed.path, location=first.location)
    return tender


def parse_term(text: str) -> int:
    """Months from ``48``, ``48 months``, ``48 Monate``, ``4y``, ``4 Jahre``."""
    import re

    match = re.fullmatch(r"\s*(\d{1,4})\s*(m|mo|months?|monate?|y|years?|j|jahre?)?\s*", text.lower())
    if not match or int(match.group(1)) == 0:
        raise UsageError(f"--term '{text}' nicht verstanden (Beispiele: 48, '48 months', 4y).")
    unit = match.group(2) or "m"
    months = int(match.group(1)) * (12 if unit[0] in "yj" else 1)
    if months > MAX_MONTHS:
        raise UsageError(f"--term '{text}': höchstens {MAX_MONTHS} Monate.")
    return months


def parse_needs(items: Sequence[str], template: Template, counties: Sequence[str]) -> dict[tuple[str, str], Decimal]:
    """``COUNTY[:LOT]=QTY`` options; without LOT the template's first lot. Quantities as in files (:data:`NEED`)."""
    needs = {}
    for item in items:
        key, _, value = item.partition("=")
        county, _, lot = key.partition(":")
        lot = lot or template.lots[0]["id"]
        quantity, problem = NEED.value(value.strip()) if value.strip() else (None, "")
        if quantity is None:
            detail = f" ({problem})" if problem else ""
            raise UsageError(f"--need '{item}': erwartet LANDKREIS[:LOS]=MENGE, z. B. vulkaneifel:{lot}=400{detail}.")
        if county not in counties:
            raise UsageError(f"--need '{item}': {county} steht nicht unter --counties.")
        if template.lot(lot) is None:
            raise UsageError(f"--need '{item}': Los '{lot}' gibt es in der Vorlage nicht "
                             f"(vorhanden: {', '.join(known['id'] for known in template.lots)}).")
        needs[(county, lot)] = quantity
    return needs


def county_need(lot: Mapping[str, Any], profile: Mapping[str, Any] | None) -> tuple[Decimal | None, str]:
    """A county's quantity for a lot from its profile (or the template default) and how it was found."""
    spec = lot["quantity"]
    source = spec["source"]
    if source == "explicit":
        if spec.get("default") is None:
            return None, "fehlt: Menge angeben (--need)"
        return Decimal(str(spec["default"])), "Vorgabe der Vorlage"
    figure = (profile or {}).get(source)
    if figure is None:
        return None, f"fehlt: {SOURCES[source]} nicht im Landkreisprofil (--need angeben)"
    factor = Decimal(str(spec.get("factor", 1)))
    per = int(spec.get("per", 1))
    quantity = Decimal(math.ceil(Decimal(figure) * factor / per))
    if spec.get("minimum") is not None:
        quantity = max(quantity, Decimal(str(spec["minimum"])))
    how = f"{SOURCES[source]} {figure}"
    if factor != 1:
        how += f" × {str(factor).replace('.', ',')}"
    if per != 1:
        how += f" / {per}"
    return quantity, how + " (Landkreisprofil)"


def new_tender_document(
    template: Template,
    *,
    name: str,
    counties: Sequence[str],
    lead: str,
    term_months: int,
    options: Sequence[str],
    notice_date: dt.date,
    created: dt.date,
    profiles: Mapping[str, Mapping[str, Any]],
    explicit: Mapping[tuple[str, str], Decimal],
    title: str | None = None,
    threshold: str | None = None,
) -> dict[str, Any]:
    """The content of a new ``vergabe.yaml`` with each county's need resolved."""
    unknown = [o for o in options if o not in {opt["id"] for opt in template.options}]
    if unknown:
        raise UsageError(f"--options: unbekannte Option(en) {', '.join(unknown)} "
                         f"(Vorlage kennt: {', '.join(o['id'] for o in template.options) or 'keine'}).")
    if lead not in counties:
        raise UsageError(f"--lead {lead} steht nicht unter --counties.")
    needs: dict[str, Any] = {}
    for county in counties:
        per_lot = {}
        for lot in template.lots:
            quantity: Decimal | None
            if (county, lot["id"]) in explicit:
                quantity, how = explicit[(county, lot["id"])], "angegeben (--need)"
            else:
                quantity, how = county_need(lot, profiles.get(county))
            per_lot[lot["id"]] = {"quantity": None if quantity is None else f"{quantity.normalize():f}", "source": how}
        needs[county] = per_lot
    document: dict[str, Any] = {
        "name": name,
        "title": title or template.title,
        "template": template.id,
        "template_sha256": template.sha256,
        "created": created,
        "notice_date": notice_date,
        "lead": lead,
        "counties": list(counties),
        "term_months": term_months,
        "options": list(options),
        "needs": needs,
    }
    if threshold:
        document["threshold"] = threshold
    return document
