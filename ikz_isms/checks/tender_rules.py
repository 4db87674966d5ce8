"""Built-in plugin: ``check`` rules for the shared tender templates and the workspace's tender projects.

Templates and projects are read through the store leniently (every problem a finding) and
judged by the same rules as ``tender pack`` (:mod:`ikz_isms.tender.validate`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl
from . import ERROR, Finding

if TYPE_CHECKING:
    from ..tender.project import Tender
    from ..tender.templates import Template
    from . import CheckContext


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("tender.template-invalid", invalid_templates, "Vorlagen lesbar, schemagültig, Platzhalter erklärt")
    register("tender.award-weights", award_weights, "Gewichte der Zuschlagskriterien ergeben 100 %")
    register("tender.security-requirements", security_requirements,
             "Sicherheitsanforderungen der Vorlagen stehen im fixierten Katalog")
    register("tender.project-invalid", invalid_projects, "Vergabeprojekte lesbar und schemagültig, Vorlage vorhanden")
    register("tender.counties-named", counties_named, "alle abrufenden Landkreise sind benannt")
    register("tender.term-too-long", term_too_long,
             "Rahmenvereinbarung höchstens 4 Jahre (VgV) bzw. 6 Jahre (UVgO) ohne Begründung")
    register("tender.estimate-incomplete", estimate_incomplete, "Auftragswertschätzung vollständig")
    register("tender.threshold-category", threshold_category,
             "Schwellenwert-Kategorie aus den rechtlichen Kennzahlen, passend zur Auftragsart")


class _State:
    """Templates and projects read once per check run; unreadable files kept as findings."""

    def __init__(self, ctx: "CheckContext"):
        from ..app.tenders import read_template, read_tender, template_files, tender_files

        self.session = ctx.session
        layout = self.session.workspace.layout
        self.templates: dict[str, Template] = {}
        self.template_errors: list[Finding] = []
        for path in template_files(self.session):
            template, problems = read_template(self.session, path)
            for problem in problems:
                self.template_errors.append(Finding("tender.template-invalid", ERROR, problem.message,
                                                    layout.relative(path), problem.location))
            if template is not None and not problems:
                self.templates[template.id] = template
        self.projects: list[Tender] = []
        self.project_errors: list[Finding] = []
        for path in tender_files(self.session):
            project, problems = read_tender(self.session, path)
            for problem in problems:
                self.project_errors.append(Finding("tender.project-invalid", ERROR, problem.message,
                                                   layout.relative(path), problem.location))
            if project is not None:
                self.projects.append(project)
        self._project_findings: list[Finding] | None = None
        self._template_findings: list[Finding] | None = None

    def template_findings(self) -> list[Finding]:
        if self._template_findings is None:
            from ..app.tenders import template_findings

            self._template_findings = [f for t in self.templates.values() for f in template_findings(self.session, t)]
        return self._template_findings

    def project_findings(self) -> list[Finding]:
        if self._project_findings is None:
            from ..app.procurement import legal_figures
            from ..app.tenders import project_findings
            from ..errors import IkzError

            found: list[Finding] = []
            try:
                legal_figures(self.session)
            except IkzError:
                self._project_findings = found  # contracts.legal-figures reports the file
                return found
            try:
                counties = dict(self.session.counties())
            except IkzError:
                counties = {}
            names = {k: c.profile.name for k, c in counties.items()}
            for project in self.projects:
                template = self.templates.get(project.data["template"])
                if template is None:
                    found.append(Finding("tender.project-invalid", ERROR,
                                         f"{project.name}: Vorlage '{project.data['template']}' fehlt oder ist fehlerhaft.",
                                         self.session.workspace.layout.relative(project.path), project.line("template")))
                    continue
                found.extend(project_findings(self.session, project, template, counties, names))
            self._project_findings = found
        return self._project_findings


def _state(ctx: "CheckContext") -> _State:
    state: _State | None = getattr(ctx, "_ikz_tender", None)
    if state is None:
        state = _State(ctx)
        vars(ctx)["_ikz_tender"] = state  # a per-run cache the dataclass does not declare
    return state


def _rule(findings: list[Finding], rule: str) -> Iterator[Finding]:
    return (f for f in findings if f.rule == rule)


def invalid_templates(ctx: "CheckContext") -> Iterator[Finding]:
    yield from _state(ctx).template_errors


def award_weights(ctx: "CheckContext") -> Iterator[Finding]:
    yield from _rule(_state(ctx).template_findings(), "tender.award-weights")


def security_requirements(ctx: "CheckContext") -> Iterator[Finding]:
    yield from _rule(_state(ctx).template_findings(), "tender.security-requirements")


def invalid_projects(ctx: "CheckContext") -> Iterator[Finding]:
    state = _state(ctx)
    yield from state.project_errors
    yield from _rule(state.project_findings(), "tender.project-invalid")


def counties_named(ctx: "CheckContext") -> Iterator[Finding]:
    yield from _rule(_state(ctx).project_findings(), "tender.counties-named")


def term_too_long(ctx: "CheckContext") -> Iterator[Finding]:
    yield from _rule(_state(ctx).project_findings(), "tender.term-too-long")


def estimate_incomplete(ctx: "CheckContext") -> Iterator[Finding]:
    yield from _rule(_state(ctx).project_findings(), "tender.estimate-incomplete")


def threshold_category(ctx: "CheckContext") -> Iterator[Finding]:
    state = _state(ctx)
    yield from _rule(state.template_findings() + state.project_findings(), "tender.threshold-category")
