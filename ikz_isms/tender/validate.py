"""Consistency rules for templates and tender projects, shared by ``check`` and ``tender pack``.

Pure: the caller resolves the template's catalog and names the files (workspace-relative).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from ..checks import ERROR, WARNING, Finding
from ..errors import IkzError, InputError
from .project import Tender
from .templates import Template

if TYPE_CHECKING:
    from ..catalog.model import Catalog
    from ..procure.legal import LegalFigures
    from ..workspace import CatalogPin

HUNDRED = Decimal(100)


def category_problem(category: str, contract_type: str, legal: "LegalFigures") -> str | None:
    """Why an EU threshold category cannot be used for ``contract_type`` (German), or ``None``."""
    known = legal.threshold_categories()
    if category not in known:
        listed = ", ".join(known) or "keine"
        return f"Schwellenwert-Kategorie '{category}' gibt es in den rechtlichen Kennzahlen nicht (bekannt: {listed})."
    # works go with the works threshold, supplies and services with any other; concessions with both
    if category != "concessions" and (contract_type == "works") != (category == "works"):
        return (f"Schwellenwert-Kategorie '{category}' ({known[category]}) passt nicht zur Auftragsart "
                f"'{contract_type}'.")
    return None


def template_findings(template: Template, file: str,
                      catalog: "tuple[CatalogPin, Catalog] | IkzError",
                      legal: "LegalFigures | None" = None) -> Iterator[Finding]:
    """Weights that do not sum to 100 %, security requirements missing from the pinned catalog,
    a threshold category the legal data does not know.

    ``catalog`` is the template's pinned catalog, or the error met loading it.
    """
    from .security import resolve_requirements

    if legal is not None and template.data.get("threshold"):
        issue = category_problem(str(template.data["threshold"]), template.data["contract_type"], legal)
        if issue:
            yield Finding("tender.threshold-category", ERROR, f"Vorlage {template.id}: {issue}", file,
                          template.line("threshold"))

    weights = template.weights
    total = sum((w for _, w in weights), Decimal(0))
    if total != HUNDRED:
        listed = ", ".join(f"{name} {w.normalize():f}" for name, w in weights)
        yield Finding("tender.award-weights", ERROR,
                      f"Vorlage {template.id}: Gewichte der Zuschlagskriterien ergeben {total.normalize():f} %, "
                      f"nicht 100 % ({listed}).", file, template.line("award", "criteria"))
    if isinstance(catalog, IkzError):
        yield Finding("tender.security-requirements", ERROR,
                      f"Vorlage {template.id}: Katalog nicht ladbar: {catalog}", file, template.line("catalog"))
        return
    pin, loaded = catalog
    _, problems = resolve_requirements(template, loaded)
    for problem in problems:
        yield Finding("tender.security-requirements", ERROR, f"Vorlage {template.id}: {problem.message} "
                      f"(fixierter Katalog {pin.label()})", file, problem.location)


def project_findings(tender: Tender, template: Template, file: str, members: Sequence[str], legal: "LegalFigures",
                     counties: Collection[str], names: Mapping[str, str]) -> Iterator[Finding]:
    """Counties named, framework term within the legal limit, estimate complete."""
    from .estimate import estimate, total_months

    data = tender.data
    named = set(data["counties"])
    if tender.data.get("template_sha256") and template.sha256 != data["template_sha256"]:
        yield Finding("tender.project-invalid", WARNING,
                      f"{tender.name}: Vorlage {template.id} wurde seit Anlage der Vergabe geändert "
                      "(Prüfsumme weicht ab); Unterlagen prüfen.", file, tender.line("template_sha256"))
    for county in data["counties"]:
        if counties and county not in counties:
            yield Finding("tender.counties-named", ERROR,
                          f"{tender.name}: Landkreis '{county}' ist nicht registriert (ikz-isms county list).",
                          file, tender.line("counties"))
        if county not in (data.get("needs") or {}):
            yield Finding("tender.counties-named", ERROR,
                          f"{tender.name}: für {names.get(county, county)} ist kein Bedarf erfasst (needs).",
                          file, tender.line("needs"))
    for county in data.get("needs") or {}:
        if county not in named:
            yield Finding("tender.counties-named", ERROR,
                          f"{tender.name}: {names.get(county, county)} hat Bedarf, ist aber nicht unter 'counties' "
                          "benannt; nur benannte Landkreise dürfen abrufen (§21 Abs. 2 VgV, §15 Abs. 3 UVgO).",
                          file, tender.line("needs", county))
    if data["lead"] not in named:
        yield Finding("tender.counties-named", ERROR,
                      f"{tender.name}: Federführung {data['lead']} ist nicht unter 'counties' benannt.",
                      file, tender.line("lead"))
    unnamed = [m for m in members if m not in named]
    if unnamed and template.data["framework"]:
        yield Finding("tender.counties-named", WARNING,
                      f"{tender.name}: Verbundmitglieder nicht benannt: {', '.join(names.get(m, m) for m in unnamed)}; "
                      "sie können der Rahmenvereinbarung später nicht beitreten.", file, tender.line("counties"))
    options = {o["id"] for o in template.options}
    for option in data.get("options", []):
        if option not in options:
            yield Finding("tender.estimate-incomplete", ERROR,
                          f"{tender.name}: Option '{option}' gibt es in der Vorlage {template.id} nicht.",
                          file, tender.line("options"))
    from .estimate import threshold_category

    category, origin = threshold_category(template, data)
    issue = category_problem(category, template.data["contract_type"], legal)
    if issue:
        if origin == "project":
            yield Finding("tender.threshold-category", ERROR, f"{tender.name}: {issue}", file,
                          tender.line("threshold"))
        return  # a template's own category is the template's finding
    try:
        result = estimate(template, data, legal, names)
    except InputError as exc:
        yield Finding("tender.estimate-incomplete", ERROR, f"{tender.name}: {exc.message}", file, tender.line("notice_date"))
        return
    for text in result.missing:
        yield Finding("tender.estimate-incomplete", ERROR, f"{tender.name}: Schätzung unvollständig – {text}.",
                      file, tender.line("needs"))
    if template.data["framework"] and not data.get("long_term_reason"):
        from .estimate import framework_term_key

        key = framework_term_key(result.category, result.eu)
        if key is None:
            return
        limit = legal.get(f"framework-max-term.{key}", result.notice_date)
        months = total_months(template, data)
        if limit.months is not None and months > limit.months:
            yield Finding("tender.term-too-long", ERROR,
                          f"{tender.name}: Laufzeit der Rahmenvereinbarung einschließlich Verlängerungen {months} "
                          f"Monate, zulässig {limit.months} ({limit.source}); länger nur mit Begründung in "
                          "'long_term_reason'.", file, tender.line("term_months"))
