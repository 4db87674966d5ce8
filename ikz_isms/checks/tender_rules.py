"""Built-in plugin: ``check`` rules for the shared tender templates and the workspace's tender projects."""

from __future__ import annotations

from typing import Any, Iterator

from ..hookspecs import hookimpl
from . import ERROR, Finding


@hookimpl
def ikz_register_check_rules(register):
    register("tender.template-invalid", invalid_templates, "Vorlagen lesbar, schemagültig, Platzhalter erklärt")
    register("tender.award-weights", award_weights, "Gewichte der Zuschlagskriterien ergeben 100 %")
    register("tender.security-requirements", security_requirements,
             "Sicherheitsanforderungen der Vorlagen stehen im fixierten Katalog")
    register("tender.project-invalid", invalid_projects, "Vergabeprojekte lesbar und schemagültig, Vorlage vorhanden")
    register("tender.counties-named", counties_named, "alle abrufenden Landkreise sind benannt")
    register("tender.term-too-long", term_too_long,
             "Rahmenvereinbarung höchstens 4 Jahre (VgV) bzw. 6 Jahre (UVgO) ohne Begründung")
    register("tender.estimate-incomplete", estimate_incomplete, "Auftragswertschätzung vollständig")


class _State:
    """Templates and projects read once per check run; unreadable files kept as findings."""

    def __init__(self, ctx: Any):
        from ..errors import InputError
        from ..tender.project import read_tender, tender_files
        from ..tender.templates import read_template, template_files
        from ..tender.validate import rel

        self.templates: dict[str, Any] = {}
        self.template_errors: list[Finding] = []
        for path in template_files(ctx.workspace):
            template, problems = read_template(path)
            for problem in problems:
                self.template_errors.append(Finding("tender.template-invalid", ERROR, problem.message,
                                                    rel(ctx.workspace, path), problem.location))
            if template is not None and not problems:
                self.templates[template.id] = template
        self.projects: list[Any] = []
        self.project_errors: list[Finding] = []
        for path in tender_files(ctx.workspace):
            try:
                self.projects.append(read_tender(path))
            except InputError as exc:
                self.project_errors.append(Finding("tender.project-invalid", ERROR, exc.message,
                                                   rel(ctx.workspace, path), exc.location or ""))
        self._project_findings: list[Finding] | None = None
        self._template_findings: list[Finding] | None = None
        self.ctx = ctx

    def template_findings(self) -> list[Finding]:
        if self._template_findings is None:
            from ..tender.validate import template_findings

            cache: dict[str, Any] = {}
            self._template_findings = [
                f for t in self.templates.values() for f in template_findings(t, self.ctx.workspace, self.ctx.pm, cache)]
        return self._template_findings

    def project_findings(self) -> list[Finding]:
        if self._project_findings is None:
            from ..county import load_counties
            from ..errors import IkzError
            from ..procure.legal import load_legal_figures
            from ..tender.validate import project_findings, rel

            found: list[Finding] = []
            try:
                legal = load_legal_figures(self.ctx.workspace)
            except IkzError:
                self._project_findings = found  # contracts.legal-figures reports the file
                return found
            try:
                counties = load_counties(self.ctx.pm, self.ctx.workspace)
            except IkzError:
                counties = {}
            names = {k: c.profile.name for k, c in counties.items()}
            for project in self.projects:
                template = self.templates.get(project.data["template"])
                if template is None:
                    found.append(Finding("tender.project-invalid", ERROR,
                                         f"{project.name}: Vorlage '{project.data['template']}' fehlt oder ist fehlerhaft.",
                                         rel(self.ctx.workspace, project.path), project.line("template")))
                    continue
                found.extend(project_findings(project, template, self.ctx.workspace, legal, counties, names))
            self._project_findings = found
        return self._project_findings


def _state(ctx: Any) -> _State:
    state = getattr(ctx, "_ikz_tender", None)
    if state is None:
        state = _State(ctx)
        ctx._ikz_tender = state
    return state


def _rule(findings: list[Finding], rule: str) -> Iterator[Finding]:
    return (f for f in findings if f.rule == rule)


def invalid_templates(ctx: Any) -> Iterator[Finding]:
    yield from _state(ctx).template_errors


def award_weights(ctx: Any) -> Iterator[Finding]:
    yield from _rule(_state(ctx).template_findings(), "tender.award-weights")


def security_requirements(ctx: Any) -> Iterator[Finding]:
    yield from _rule(_state(ctx).template_findings(), "tender.security-requirements")


def invalid_projects(ctx: Any) -> Iterator[Finding]:
    state = _state(ctx)
    yield from state.project_errors
    yield from _rule(state.project_findings(), "tender.project-invalid")


def counties_named(ctx: Any) -> Iterator[Finding]:
    yield from _rule(_state(ctx).project_findings(), "tender.counties-named")


def term_too_long(ctx: Any) -> Iterator[Finding]:
    yield from _rule(_state(ctx).project_findings(), "tender.term-too-long")


def estimate_incomplete(ctx: Any) -> Iterator[Finding]:
    yield from _rule(_state(ctx).project_findings(), "tender.estimate-incomplete")
