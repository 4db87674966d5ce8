"""Use cases of joint tenders: templates and projects read through the store, new projects, estimates, packs, proposals.

Templates live in ``catalogs/vorlagen/*.yaml``, projects in ``vergaben/<name>/vergabe.yaml``.
Every file is read through the store and checked against its schema, then by
:mod:`ikz_isms.tender.templates` / :mod:`ikz_isms.tender.project`; a number that is no
plausible decimal (a need of ``1e308``, a negative price) is refused with its place before
any estimate is made or anything is written. A pack is built completely in memory, then
written file by file through the store (see :func:`write_pack`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IkzError, InputError, NotFoundError, RefusedError, UsageError

if TYPE_CHECKING:
    from ..catalog.model import Catalog
    from ..checks import Finding
    from ..county import County
    from ..procure.legal import LegalFigures
    from ..store import Store
    from ..tender.estimate import Estimate
    from ..tender.opportunities import OpportunityList, Proposal
    from ..tender.project import Tender
    from ..tender.templates import Problem, Template
    from ..workspace import CatalogPin
    from .session import Session

NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
TEMPLATE_SUFFIXES = (".yaml", ".yml")
PROJECT_HEADER = ("# Vergabeprojekt, angelegt mit 'ikz-isms tender new'. Mengen je Landkreis unter 'needs'\n"
                  "# anpassen; 'ikz-isms tender estimate' rechnet den Auftragswert nach §3 VgV neu.\n")


# -- templates ------------------------------------------------------------------------------


def template_files(session: "Session") -> list[Path]:
    from ..store import fs

    return fs.list_dir(session.workspace.layout.templates_dir, TEMPLATE_SUFFIXES)


def read_template(session: "Session", path: Path) -> tuple["Template | None", list["Problem"]]:
    """The template and every problem found; ``None`` when it cannot be used at all.

    Syntax errors and schema violations make the template unusable; semantic problems
    (unknown placeholder, duplicate lot, a number out of range) are reported with the
    template still returned.
    """
    from ..store import fs
    from ..tender.templates import KIND, Problem, Template, semantic_problems

    parsed, found, error = session.store.parse_lenient(path, KIND)
    if error is not None:
        return None, [Problem(error.message, error.location or "")]
    if found or parsed is None:
        return None, [Problem(p.message, p.location) for p in found]
    template = Template(Path(path), parsed.data, parsed, fs.sha256_bytes(session.store.raw(path, KIND)))
    return template, semantic_problems(template)


def load_template(session: "Session", path: Path) -> "Template":
    """A usable template; the first problem raises an InputError with file and line."""
    template, problems = read_template(session, path)
    _raise_first(problems, path)
    assert template is not None
    return template


def _raise_first(problems: Sequence["Problem"], path: Path) -> None:
    if problems:
        first = problems[0]
        more = f" (und {len(problems) - 1} weitere; ikz-isms check zeigt alle)" if len(problems) > 1 else ""
        raise InputError(first.message + more, path=str(path), location=first.location or None)


def all_templates(session: "Session") -> list["Template"]:
    return [load_template(session, path) for path in template_files(session)]


def find_template(session: "Session", name: str) -> "Template":
    """A template by id (file ``catalogs/vorlagen/<id>.yaml`` or any file with that ``id``) or by path."""
    candidate = Path(name)
    if candidate.suffix in TEMPLATE_SUFFIXES and session.store.exists(candidate):
        return load_template(session, candidate)
    files = template_files(session)
    for path in files:
        if path.stem == name:
            template = load_template(session, path)
            if template.id == name:
                return template
    for path in files:
        candidate_template, _ = read_template(session, path)
        if candidate_template is not None and candidate_template.id == name:
            return load_template(session, path)
    known = ", ".join(p.stem for p in files) or "keine"
    raise NotFoundError(f"Vorlage '{name}' nicht gefunden (vorhanden: {known}).",
                        path=str(session.workspace.layout.templates_dir))


def template_catalog(session: "Session", template: "Template") -> tuple["CatalogPin", "Catalog"]:
    """(pin, catalog) for the template: its ``catalog`` pin or the workspace default, hash verified."""
    return session.catalog(template.data.get("catalog"))


def _catalog_or_error(session: "Session", template: "Template") -> "tuple[CatalogPin, Catalog] | IkzError":
    try:
        return template_catalog(session, template)
    except (InputError, NotFoundError) as exc:
        return exc


# -- projects -------------------------------------------------------------------------------


def tender_files(session: "Session") -> list[Path]:
    from ..store import fs
    from ..store.layout import TENDER_FILE

    # a vergabe.yaml that is a folder (or anything else) is listed too: reading it names the problem
    return [entry / TENDER_FILE for entry in fs.list_dir(session.workspace.layout.tenders_dir)
            if (entry / TENDER_FILE).exists() or (entry / TENDER_FILE).is_symlink()]


def read_tender(session: "Session", path: Path) -> tuple["Tender | None", list["Problem"]]:
    """The project and every problem found (``check``); ``None`` when it cannot be used."""
    from ..tender.project import KIND, Tender, project_problems
    from ..tender.templates import Problem

    if path.is_dir():
        return None, [Problem("ist ein Verzeichnis, keine Datei: das Vergabeprojekt muss eine YAML-Datei sein.", "")]
    parsed, found, error = session.store.parse_lenient(path, KIND)
    if error is not None:
        return None, [Problem(error.message, error.location or "")]
    if found or parsed is None:
        return None, [Problem(p.message, p.location) for p in found]
    tender = Tender(Path(path), parsed.data, parsed)
    problems = project_problems(tender)
    return (None if problems else tender), problems


def load_tender(session: "Session", name: str | None) -> "Tender":
    """The project ``name``; without a name the only project in the workspace."""
    from ..tender.project import KIND, parse_tender

    files = tender_files(session)
    layout = session.workspace.layout
    if name:
        path = layout.tender_file(name)
        if NAME.fullmatch(name) and path.is_dir():
            raise InputError("ist ein Verzeichnis, keine Datei: das Vergabeprojekt muss eine YAML-Datei sein.",
                             path=str(path))
        if not NAME.fullmatch(name) or not session.store.exists(path):
            known = ", ".join(p.parent.name for p in files) or "keine"
            raise NotFoundError(f"Vergabe '{name}' nicht gefunden (vorhanden: {known}).", path=str(path))
    elif len(files) == 1:
        path = files[0]
    elif not files:
        raise NotFoundError("Keine Vergabe in der Arbeitsumgebung (ikz-isms tender new VORLAGE anlegen).",
                            path=str(layout.tenders_dir))
    else:
        raise UsageError("Mehrere Vergaben vorhanden, bitte NAME angeben: " + ", ".join(p.parent.name for p in files))
    return parse_tender(session.store.parse(path, KIND))


def all_tenders(session: "Session") -> list["Tender"]:
    """Every project of the workspace; the first problem raises its located InputError."""
    from ..tender.project import KIND, parse_tender

    return [parse_tender(session.store.parse(path, KIND)) for path in tender_files(session)]


def county_profiles(counties: Mapping[str, "County"]) -> dict[str, dict[str, Any]]:
    """The profile figures a template can take a county's need from."""
    return {key: {"employees": c.profile.employees, "inhabitants": c.profile.inhabitants} for key, c in counties.items()}


@dataclass(frozen=True)
class NewTender:
    """What ``tender new`` asks for; ``None`` means the default (see :func:`create_tender`)."""

    template: str
    counties: Sequence[str]
    notice_date: dt.date
    created: dt.date
    lead: str | None = None
    term_months: int | None = None
    options: Sequence[str] | None = None
    name: str | None = None
    title: str | None = None
    needs: Sequence[str] = ()
    #: EU threshold category (``eu-threshold.<category>``); ``None``: the template's
    threshold: str | None = None


def create_tender(session: "Session", request: NewTender) -> tuple[Path, dict[str, Any], "Template"]:
    """Create ``vergaben/<name>/vergabe.yaml`` from a template; an existing project is never overwritten.

    Defaults: the lead is the Verbund's lead if it takes part, else the first county; the
    term and options are the template's; the name is ``<template>-<year of the notice>``.
    Each county's need comes from ``--need``, else its profile, else the template.
    """
    from ..tender.project import new_tender_document, parse_needs
    from ..tender.validate import category_problem
    from .procurement import legal_figures

    template = find_template(session, request.template)
    if request.threshold is not None:
        problem = category_problem(request.threshold, template.data["contract_type"], legal_figures(session))
        if problem:
            raise UsageError(f"--threshold: {problem}")
    chosen = list(request.counties)
    if not chosen:
        raise UsageError("--counties: mindestens einen Landkreis angeben.")
    if len(set(chosen)) != len(chosen):
        raise UsageError("--counties: ein Landkreis ist doppelt genannt.")
    registered = session.counties()
    unknown = [c for c in chosen if c not in registered]
    if unknown:
        raise UsageError(f"--counties: unbekannte Landkreise {', '.join(unknown)} "
                         f"(registriert: {', '.join(registered) or 'keine'}).")
    verbund_lead = session.workspace.lead or ""
    lead = request.lead or (verbund_lead if verbund_lead in chosen else chosen[0])
    name = request.name or f"{template.id}-{request.notice_date.year}"
    if not NAME.fullmatch(name):
        raise UsageError(f"--name '{name}': nur Kleinbuchstaben, Ziffern und Bindestrich.")
    document = new_tender_document(
        template, name=name, counties=chosen, lead=lead,
        term_months=request.term_months or int(template.data["term"]["months"]),
        options=template.default_options if request.options is None else list(request.options),
        notice_date=request.notice_date, created=request.created, profiles=county_profiles(registered),
        explicit=parse_needs(request.needs, template, chosen), title=request.title, threshold=request.threshold,
    )
    return _write_new_tender(session, document), document, template


def _write_new_tender(session: "Session", document: dict[str, Any]) -> Path:
    from ..store import Parsed, fs, parse_yaml, plain, schema
    from ..store.edit import dump_rt, to_rt
    from ..tender.project import KIND, parse_tender

    path = session.workspace.layout.tender_file(document["name"])
    text = PROJECT_HEADER + dump_rt(to_rt(document))
    # the text is checked as the next read will check it: nothing is written that could not be read back
    parsed = parse_yaml(text, str(path))
    written = Parsed(plain(parsed.data), str(path), parsed.root)
    schema.raise_first(schema.problems(written.data, KIND, written), str(path), hint="")
    parse_tender(written)
    with fs.locked(path):
        if session.store.exists(path):
            raise RefusedError(f"Vergabe '{document['name']}' gibt es schon (anderen --name wählen).", path=str(path))
        session.store.write(path, text)
    return path


# -- estimate and pack ----------------------------------------------------------------------


@dataclass
class TenderView:
    """A project with its template, the §3 VgV estimate and the counties' names."""

    project: "Tender"
    template: "Template"
    estimate: "Estimate"
    names: dict[str, str]
    counties: dict[str, "County"] = field(default_factory=dict)


def tender_estimate(session: "Session", name: str | None) -> TenderView:
    """The project ``name`` (or the only one) estimated against its template and the legal figures."""
    from ..tender.estimate import estimate
    from .procurement import legal_figures

    project = load_tender(session, name)
    template = find_template(session, project.data["template"])
    counties = dict(session.counties())
    names = {key: c.profile.name for key, c in counties.items()}
    legal = legal_figures(session)
    _refuse_bad_category(template, project, legal)
    result = estimate(template, project.data, legal, names)
    return TenderView(project, template, result, names, counties)


def _refuse_bad_category(template: "Template", project: "Tender", legal: "LegalFigures") -> None:
    """An EU threshold category the legal data does not know (or that does not fit the contract
    type) stops the estimate with the place that chose it."""
    from ..tender.estimate import threshold_category
    from ..tender.validate import category_problem

    category, origin = threshold_category(template, project.data)
    problem = category_problem(category, template.data["contract_type"], legal)
    if problem is None:
        return
    if origin == "project":
        raise InputError(problem, path=str(project.path), location=project.line("threshold"))
    raise InputError(problem, path=str(template.path), location=template.line("threshold"))


def project_findings(session: "Session", project: "Tender", template: "Template",
                     counties: Mapping[str, "County"], names: Mapping[str, str]) -> list["Finding"]:
    from ..tender.validate import project_findings as findings
    from .procurement import legal_figures

    relative = session.workspace.layout.relative(project.path)
    return list(findings(project, template, relative, session.workspace.members, legal_figures(session), counties,
                         names))


def template_findings(session: "Session", template: "Template") -> list["Finding"]:
    from ..tender.validate import template_findings as findings
    from .procurement import legal_figures

    try:
        legal: "LegalFigures | None" = legal_figures(session)
    except InputError:
        legal = None  # contracts.legal-figures reports the file
    return list(findings(template, session.workspace.layout.relative(template.path),
                         _catalog_or_error(session, template), legal))


@dataclass
class Pack:
    """A written tender pack: where, which files, and the warnings it was made despite."""

    view: TenderView
    output: Path
    files: list[Path]
    warnings: list["Finding"]


def build_pack(session: "Session", name: str | None, output: Path | None) -> Pack:
    """Check the project and its template, then write the pack (refused while a rule finds an error)."""
    from ..checks import ERROR
    from ..county import DEFAULT_CLASSIFICATION
    from ..tender.pack import PackInput, build_files, check_procedure
    from ..tender.security import resolve_requirements

    view = tender_estimate(session, name)
    findings = template_findings(session, view.template)
    findings += project_findings(session, view.project, view.template, view.counties, view.names)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        lines = "\n".join(f"  Fehler [{f.rule}] {', '.join(x for x in (f.file, f.location) if x)}: {f.message}"
                          for f in errors)
        raise RefusedError(f"Vergabeunterlagen nicht erzeugt: {len(errors)} Fehler (ikz-isms check):\n{lines}")
    pin, catalog = template_catalog(session, view.template)
    annex, _ = resolve_requirements(view.template, catalog)
    lead = view.counties.get(view.project.data["lead"])
    marking = view.project.data.get("marking") or (lead.profile.classification if lead else DEFAULT_CLASSIFICATION)
    from .procurement import ocds_settings

    prefix, publisher = ocds_settings(session)
    if prefix is None:
        session.warn("OCDS-Release nicht erzeugt: kein OCID-Präfix in ikz-isms.yaml ('procurement.ocds.prefix', "
                     "z. B. ocds-ab12cd, vom Open Contracting Partnership vergeben).")
    inp = PackInput(view.project, view.template, pin, annex, view.estimate, view.names, marking, prefix)
    check_procedure(inp)
    target = output if output is not None else view.project.path.parent / "unterlagen"
    written = write_pack(session.store, build_files(inp, publisher), target)
    return Pack(view, target, written, [f for f in findings if f.severity != ERROR])


def write_pack(store: "Store", files: Mapping[str, bytes], output: Path) -> list[Path]:
    """Write the pack's files as the folder ``output``, replacing an older pack as a whole.

    The pack is complete in memory before the first byte is written (a failing build writes
    nothing); the folder is then swapped in one step (:func:`ikz_isms.store.fs.replace_folder`):
    readers see the old pack or the new one, never a mix. A failure is an
    :class:`~ikz_isms.errors.OutputError` (exit 6) naming the folder.
    """
    from ..store import fs

    return fs.replace_folder(Path(output), dict(files))


# -- proposals -------------------------------------------------------------------------------


def propose_tenders(session: "Session", day: dt.date, min_counties: int) -> tuple[list["Proposal"], list[str]]:
    """Joint tenders for gaps open in at least ``min_counties`` member counties; and the counties left out.

    The gaps come from the members' disclosure packages (:mod:`ikz_isms.app.federation`) —
    built from the data of local counties, read and verified for the others. Only packages
    under the policy ``full`` name their gaps: a proposal says which county has which gap,
    which ``aggregate`` (figures only) and ``none`` do not allow. The names of the members
    left out (also those without a usable package) are returned.
    """
    from ..tender.estimate import estimate
    from ..tender.opportunities import GAP_STATUSES, default_project, propose
    from .federation import member_profiles, members, open_gaps
    from .procurement import legal_figures

    found = members(session, session.today)
    gaps, withheld = open_gaps(found, GAP_STATUSES)
    profiles_of = member_profiles(session, session.today)
    names = {key: profile.name for key, profile in profiles_of.items()}
    keys = [m.key for m in found if m.key in profiles_of]
    legal = legal_figures(session)
    lead = session.workspace.lead or ""
    profiles = {key: {"employees": p.employees, "inhabitants": p.inhabitants} for key, p in profiles_of.items()}

    def make_estimate(template: "Template", named: list[str]) -> "Estimate":
        return estimate(template, default_project(template, named, lead, day, profiles), legal, names)

    return propose(all_templates(session), gaps, keys, min_counties, make_estimate), withheld


def joint_opportunities(session: "Session", day: dt.date, lead_months: int, min_counties: int) -> "OpportunityList":
    """The one list of opportunities (``contracts opportunities`` and ``tender opportunities`` alike).

    Separate contracts of one product category (Ein-Produkt-Strategie, deadlines within
    ``lead_months``) and requirements open in at least ``min_counties`` counties that a
    template addresses (only counties whose disclosure is ``full`` contribute gaps), merged
    by category; what a running framework agreement covers or a tender project already
    addresses is listed as such instead of proposed again.
    """
    from ..procure.opportunities import opportunities
    from ..tender.opportunities import OpportunityList, combine
    from .procurement import legal_figures, load_contracts

    contracts = list(load_contracts(session))
    legal = legal_figures(session)
    from .procurement import county_names

    contract_items = opportunities(contracts, session.workspace.members, day, lead_months, legal, skip_covered=False,
                                   names=county_names(session))
    proposals, withheld = propose_tenders(session, day, min_counties)
    projects = [(p.name, str(p.data["template"]), str(p.data["notice_date"])) for p in all_tenders(session)]
    items, covered, started = combine(contract_items, proposals, contracts, projects, all_templates(session), day)
    return OpportunityList(day, lead_months, min_counties, items, covered, started, withheld)
