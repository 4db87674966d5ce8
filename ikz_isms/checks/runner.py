"""Runs the registered check rules and gathers their findings into one report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ExitCode, InputError
from . import ERROR, CheckContext, Finding, Rule, check_rules

if TYPE_CHECKING:
    from ..plugins import IkzPluginManager

# Pseudo-rules of the runner itself; they show up in reports like registered rules.
READABLE = Rule("input.readable", lambda ctx: (), "Eingabedateien sind lesbar", "ikz_isms")
PLUGINS = Rule("plugin.failure", lambda ctx: (), "Plugins laufen fehlerfrei", "ikz_isms")


@dataclass
class RuleResult:
    """The findings one rule produced; ``items`` names what a passing rule covered."""

    rule: Rule
    findings: list[Finding] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    """Everything ``check`` found, in rule order, and the files it looked at."""

    results: list[RuleResult]
    files: list[str]
    input_errors: list[InputError]
    strict: bool = False

    @property
    def findings(self) -> list[Finding]:
        return [f for result in self.results for f in result.findings]

    def counts(self) -> tuple[int, int]:
        findings = self.findings
        errors = sum(1 for f in findings if f.severity == ERROR)
        return errors, len(findings) - errors

    def failing(self, finding: Finding) -> bool:
        """Whether a finding fails the run (warnings do only with ``--strict``)."""
        return finding.severity == ERROR or self.strict

    @property
    def exit_code(self) -> ExitCode:
        if self.input_errors:
            return ExitCode.INPUT
        if any(self.failing(f) for f in self.findings):
            return ExitCode.FINDINGS
        return ExitCode.OK


def config_failure(path: str, error: InputError) -> CheckReport:
    """The report when the workspace config itself cannot be read or is invalid."""
    finding = Finding("workspace.config", ERROR, error.message, path, error.location or "")
    return CheckReport([RuleResult(READABLE, [finding])], [path], [error])


def _run_rule(rule: Rule, ctx: CheckContext, input_errors: list[InputError]) -> list[Finding]:
    try:
        return list(rule.function(ctx))
    except InputError as exc:
        # a rule reached for a file that cannot be read: that is bad input, not a plugin bug
        if not any(str(e) == str(exc) for e in input_errors):
            input_errors.append(exc)
        return [Finding(rule.id, ERROR, exc.message, exc.path or "", exc.location or "")]
    except Exception as exc:  # a plugin's bug must become a finding, not a traceback
        return [
            Finding(
                rule.id,
                ERROR,
                f"Prüfregel {rule.id} (Plugin {rule.plugin}) ist abgebrochen: "
                f"{type(exc).__name__}: {exc}",
            )
        ]


def run_checks(
    ctx: CheckContext,
    *,
    extra_files: Sequence[str] = (),
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
    rule_filter: Callable[[Rule], bool] | None = None,
    failures_since: int | None = None,
) -> CheckReport:
    """Load the catalogs under check, run every (selected) rule, collect the findings.

    Plugin failures recorded from index ``failures_since`` on become ``plugin.failure`` findings;
    by default only those that happen while the rules run. A workspace check passes 0, since a
    county plugin that does not even load must fail the CI gate, not just warn on stderr.
    """
    failures_before = len(ctx.pm.failures) if failures_since is None else failures_since
    rules = [r for r in check_rules(ctx.pm) if rule_filter is None or rule_filter(r)]
    ctx.load_catalogs(progress)

    input_errors: list[InputError] = []
    readable = RuleResult(READABLE, items=list(extra_files))
    for target in ctx.targets:
        if target.error is None:
            readable.items.append(target.display)
            continue
        input_errors.append(target.error)
        readable.findings.append(
            Finding(
                "catalog.unreadable",
                ERROR,
                target.error.message,
                target.display,
                target.error.location or "",
            )
        )
    results = [readable]
    for rule in rules:
        results.append(RuleResult(rule, _run_rule(rule, ctx, input_errors)))

    plugin_result = _plugin_failures(ctx.pm, failures_before)
    if plugin_result.findings:
        results.append(plugin_result)
    _unreadable_findings(ctx, results, input_errors)
    files = list(extra_files) + [t.display for t in ctx.targets]
    return CheckReport(results, files, input_errors, strict)


def _unreadable_findings(ctx: CheckContext, results: list[RuleResult], input_errors: list[InputError]) -> None:
    """A rule that reports a file it could not read at all (a contract with bytes that are no
    UTF-8, an alias bomb in a template) as a finding: the report over it is incomplete, so the
    run answers 3, as for an unreadable catalog (docs/exit-codes.md: 3 before 1)."""
    unreadable = {(exc.message, exc.location or ""): exc for exc in getattr(ctx.session.store, "unreadable", ())}
    if not unreadable:
        return
    known = {str(e) for e in input_errors}
    for result in results:
        for finding in result.findings:
            exc = unreadable.get((finding.message, finding.location))
            if exc is not None and str(exc) not in known:
                input_errors.append(exc)
                known.add(str(exc))


def _plugin_failures(pm: IkzPluginManager, since: int) -> RuleResult:
    """Plugins that failed while check ran (e.g. a county plugin with a broken profile)."""
    result = RuleResult(PLUGINS)
    seen = set()
    for failure in pm.failures[since:]:
        key = (failure.plugin, failure.hook, failure.message)
        if key in seen:
            continue
        seen.add(key)
        hook = f" in {failure.hook}" if failure.hook else ""
        result.findings.append(
            Finding("plugin.failure", ERROR, f"Plugin {failure.plugin}{hook}: {failure.message}")
        )
    del pm.failures[since:]
    return result

