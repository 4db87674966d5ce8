"""Shared tender templates (``catalogs/vorlagen/*.yaml``): what the schema cannot check, and placeholders.

Pure: a :class:`Template` is built from a parsed, schema-valid document (reading the files is
:mod:`ikz_isms.app.tenders`); :func:`semantic_problems` lists what is wrong with its place.
Numbers follow the rules of :mod:`ikz_isms.procure.store`: plain decimals below 10^12;
unit prices (at most two decimal places) and quantity factors greater than 0; default and
minimum quantities (at most two decimal places) not negative; quantity options up to 100 %;
award weights 0–100.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..procure.store import NumberRule

if TYPE_CHECKING:
    from ..store import Parsed

KIND = "tender-template"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
#: anything that looks like template syntax but is not a plain placeholder (no expressions, no filters)
SUSPICIOUS = re.compile(r"\{\{|\}\}|\{%|%\}")


@dataclass(frozen=True)
class Problem:
    """A defect in a template file: German message and place (``Zeile n (pointer)``)."""

    message: str
    location: str


@dataclass
class Template:
    """A schema-valid template: the plain document, its file, its content hash and line lookups."""

    path: Path
    data: dict[str, Any]
    parsed: "Parsed | None" = field(repr=False, default=None)
    sha256: str = ""

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def title(self) -> str:
        return str(self.data["title"])

    @property
    def lots(self) -> list[dict[str, Any]]:
        lots: list[dict[str, Any]] = self.data["lots"]
        return lots

    def lot(self, lot_id: str) -> dict[str, Any] | None:
        return next((lot for lot in self.lots if lot["id"] == lot_id), None)

    @property
    def options(self) -> list[dict[str, Any]]:
        options: list[dict[str, Any]] = self.data["term"].get("options", [])
        return options

    @property
    def default_options(self) -> list[str]:
        return [o["id"] for o in self.options if o.get("default")]

    @property
    def weights(self) -> list[tuple[str, Decimal]]:
        return [(c["name"], Decimal(str(c["weight"]))) for c in self.data["award"]["criteria"]]

    def line(self, *pointer: Any) -> str:
        """``Zeile n (/pointer)`` of a place in the file (e.g. ``line("award", "criteria")``), else the pointer."""
        if self.parsed is not None:
            return self.parsed.location(*pointer)
        return "/" + "/".join(str(p) for p in pointer)


#: what each number of a template may be (see the module docstring)
RULES: Mapping[str, NumberRule] = {
    "unit_price": NumberRule("Stückpreis"),
    "factor": NumberRule("Faktor", places=None),
    "default": NumberRule("Vorgabemenge", positive=False),
    "minimum": NumberRule("Mindestmenge", positive=False),
    "percent": NumberRule("Mehrmenge (%)", places=None, most=Decimal(100), up_to=True),
    "weight": NumberRule("Gewicht", places=None, positive=False, most=Decimal(100), up_to=True),
}


#: longest term or extension a template may state, in months (100 years)
MAX_MONTHS = 1200


def semantic_problems(template: Template) -> list[Problem]:
    """What the schema cannot say: numbers, unknown placeholders and lots, duplicate ids, option fields."""
    data = template.data
    problems = []

    def number(value: Any, rule: str, *pointer: Any) -> None:
        _, problem = RULES[rule].value(value)
        if problem is not None:
            problems.append(Problem(problem, template.line(*pointer)))

    if template.id != template.path.stem:
        # a template is found by its file name (tender new NAME): an id that differs makes it
        # unfindable under either
        problems.append(Problem(f"Vorlage hat die id '{template.id}', ihre Datei heißt aber "
                                f"'{template.path.name}': id und Dateiname müssen übereinstimmen.",
                                template.line("id")))
    lot_ids = [lot["id"] for lot in data["lots"]]
    for index, lot_id in enumerate(lot_ids):
        if lot_id in lot_ids[:index]:
            problems.append(Problem(f"Los '{lot_id}' ist doppelt.", template.line("lots", index, "id")))
    for index, lot in enumerate(data["lots"]):
        number(lot["unit_price"], "unit_price", "lots", index, "unit_price")
        for key in ("factor", "default", "minimum"):
            if lot["quantity"].get(key) is not None:
                number(lot["quantity"][key], key, "lots", index, "quantity", key)
    if data["term"]["months"] > MAX_MONTHS:
        problems.append(Problem(f"Laufzeit {data['term']['months']} Monate ist unplausibel (höchstens {MAX_MONTHS}).",
                                template.line("term", "months")))
    placeholders = data.get("placeholders", {})
    for name, spec in placeholders.items():
        source = spec.get("from", "")
        if source.startswith("lot:") and source[4:] not in lot_ids:
            problems.append(Problem(f"Platzhalter '{name}': Los '{source[4:]}' gibt es nicht.",
                                    template.line("placeholders", name, "from")))
        if not source and "default" not in spec:
            problems.append(Problem(f"Platzhalter '{name}': weder 'from' noch 'default' angegeben.",
                                    template.line("placeholders", name)))
    for index, section in enumerate(data["sections"]):
        text = section["text"]
        for used in PLACEHOLDER.findall(text):
            if used not in placeholders:
                problems.append(Problem(f"Abschnitt '{section['title']}': Platzhalter '{used}' ist nicht erklärt.",
                                        template.line("sections", index, "text")))
        if SUSPICIOUS.search(PLACEHOLDER.sub("", text)):
            problems.append(Problem(
                f"Abschnitt '{section['title']}': nur einfache Platzhalter {{{{ name }}}} sind erlaubt.",
                template.line("sections", index, "text")))
    option_ids = []
    for index, option in enumerate(data["term"].get("options", [])):
        if option["id"] in option_ids:
            problems.append(Problem(f"Option '{option['id']}' ist doppelt.", template.line("term", "options", index)))
        option_ids.append(option["id"])
        if option["kind"] == "extension" and "months" not in option:
            problems.append(Problem(f"Option '{option['id']}': Verlängerung ohne 'months'.",
                                    template.line("term", "options", index)))
        if option.get("months", 0) > MAX_MONTHS:
            problems.append(Problem(f"Option '{option['id']}': Verlängerung um {option['months']} Monate ist "
                                    f"unplausibel (höchstens {MAX_MONTHS}).",
                                    template.line("term", "options", index, "months")))
        if option["kind"] == "quantity":
            if option.get("percent") is None:
                problems.append(Problem(f"Option '{option['id']}': Mehrmenge ohne 'percent'.",
                                        template.line("term", "options", index)))
            else:
                number(option["percent"], "percent", "term", "options", index, "percent")
        for lot_id in option.get("lots", []):
            if lot_id not in lot_ids:
                problems.append(Problem(f"Option '{option['id']}': Los '{lot_id}' gibt es nicht.",
                                        template.line("term", "options", index, "lots")))
    for index, criterion in enumerate(data["award"]["criteria"]):
        number(criterion["weight"], "weight", "award", "criteria", index, "weight")
    return problems


def render(text: str, values: Mapping[str, str]) -> str:
    """Replace ``{{ name }}`` by ``values[name]``: plain substitution, no expressions are evaluated."""

    def substitute(match: re.Match[str]) -> str:
        return str(values.get(match.group(1), match.group(0)))

    return PLACEHOLDER.sub(substitute, text)
