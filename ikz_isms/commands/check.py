"""``ikz-isms check``: the CI command; checks workspace and catalogs, reports as text, JSON or JUnit."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..output import format_option
from .options import OUTPUT_FILE

if TYPE_CHECKING:
    from ..app.session import Session
    from ..checks import Finding, Rule
    from ..checks.runner import CheckReport

Progress = Callable[[int, int], None]

# catalog rules that need a workspace pin; they do not run on files named on the command line
WORKSPACE_ONLY_RULES = frozenset({"catalog.pin-mismatch"})
SEVERITY_LABELS = {"error": "FEHLER", "warning": "WARNUNG"}
# characters XML 1.0 cannot carry, even escaped; a message quoting a hostile file may hold them
# (compiled on first use: the class spans all of Unicode, its compiling costs more than a check's rules)
_XML_INVALID_PATTERN = "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
_XML_INVALID: list[re.Pattern[str]] = []


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _where(finding: Finding) -> str:
    if finding.file and finding.location:
        return f"{finding.file}:{finding.location}"
    return finding.file or finding.location or "-"


def summary_line(report: CheckReport) -> str:
    errors, warnings = report.counts()
    counts = (
        f"{_plural(errors, 'Fehler', 'Fehler')}, {_plural(warnings, 'Warnung', 'Warnungen')} "
        f"in {_plural(len(report.files), 'Datei', 'Dateien')}"
    )
    verdict = {
        0: "Prüfung bestanden",
        1: "Prüfung nicht bestanden",
        3: "Prüfung unvollständig, Eingabe nicht lesbar",
    }[int(report.exit_code)]
    strict = " (--strict: Warnungen zählen als Fehler)" if report.strict and warnings else ""
    return f"{verdict}: {counts}{strict}."


def render_text(report: CheckReport) -> str:
    lines = [
        f"{SEVERITY_LABELS.get(f.severity, f.severity.upper()):<8} {f.rule}  {_where(f)}: {f.message}"
        for f in report.findings
    ]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def render_json(report: CheckReport) -> str:
    from ..output import to_json

    errors, warnings = report.counts()
    return to_json({
        "findings": [f.as_dict() for f in report.findings],
        "summary": {
            "errors": errors,
            "warnings": warnings,
            "files": report.files,
            "rules": [r.rule.id for r in report.results],
            "strict": report.strict,
            "exit_code": int(report.exit_code),
            "passed": int(report.exit_code) == 0,
        },
    }) + "\n"


def _clean(text: str) -> str:
    if not _XML_INVALID:
        _XML_INVALID.append(re.compile(_XML_INVALID_PATTERN))
    return _XML_INVALID[0].sub("\ufffd", text)


def render_junit(report: CheckReport) -> str:
    """JUnit XML as GitLab reads it: a testsuite per rule, a testcase per finding."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="ikz-isms check")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for result in report.results:
        rule = result.rule
        suite = ET.SubElement(root, "testsuite", name=rule.id)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for finding in result.findings:
            label = SEVERITY_LABELS.get(finding.severity, finding.severity.upper())
            text = _clean(f"{label} {finding.rule} {_where(finding)}: {finding.message}")
            case = ET.SubElement(
                suite,
                "testcase",
                classname=rule.id,
                name=_clean(f"{finding.rule} {_where(finding)}"),
                file=_clean(finding.file),
            )
            if report.failing(finding):
                failure = ET.SubElement(case, "failure", type=finding.severity, message=_clean(finding.message))
                failure.text = text
                counts["failures"] += 1
            else:
                ET.SubElement(case, "skipped", message=_clean(f"{label}: {finding.message}"))
                counts["skipped"] += 1
            ET.SubElement(case, "system-out").text = text
            counts["tests"] += 1
        if not result.findings:
            for item in result.items or [rule.description or rule.id]:
                ET.SubElement(suite, "testcase", classname=rule.id, name=_clean(item))
                counts["tests"] += 1
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", "0")
        suite.set("skipped", str(counts["skipped"]))
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "junit": render_junit}


def _workspace_report(session: Session, strict: bool, progress: Progress) -> CheckReport:
    from ..checks import CatalogTarget, CheckContext
    from ..checks.runner import config_failure, run_checks
    from ..errors import InputError
    from ..workspace import CONFIG_NAME

    root = session.workspace_dir
    try:
        workspace = session.workspace
    except InputError as exc:
        # no config at all is a usage slip, answered by the plain message; a broken one is a finding
        if root is None or not (Path(root) / CONFIG_NAME).is_file():
            raise
        return config_failure(CONFIG_NAME, exc)
    targets = [
        CatalogTarget(workspace.catalog_path(pin), pin.file, pin=pin, format=pin.format or None)
        for pin in workspace.pins.values()
    ]
    ctx = CheckContext(session, targets=targets)
    return run_checks(ctx, extra_files=[CONFIG_NAME], strict=strict, progress=progress, failures_since=0)


def _paths_report(session: Session, paths: tuple[Path, ...], strict: bool, progress: Progress) -> CheckReport:
    from ..checks import CatalogTarget, CheckContext
    from ..checks.runner import run_checks

    def applies(rule: Rule) -> bool:
        return bool(rule.id.startswith("catalog.") and rule.id not in WORKSPACE_ONLY_RULES)

    ctx = CheckContext(session, targets=[CatalogTarget(p, str(p)) for p in paths], with_workspace=False)
    return run_checks(ctx, strict=strict, progress=progress, rule_filter=applies)


@click.command("check")
@format_option("text", "json", "junit")
@click.option(
    "--output",
    "-o",
    type=OUTPUT_FILE,
    help="Bericht in diese Datei schreiben (atomar; das Verzeichnis muss existieren); die Befunde erscheinen "
         "zusätzlich als Text.",
)
@click.option("--strict", is_flag=True, help="Warnungen wie Fehler werten (Exit-Code 1).")
@click.argument("paths", nargs=-1, metavar="[PATH]...", type=click.Path(path_type=Path))
@click.pass_obj
def check(session: Session, fmt: str, output: Path | None, strict: bool, paths: tuple[Path, ...]) -> int:
    """Arbeitsumgebung und Kataloge prüfen (für CI).

    Ohne PATH: Konfiguration, fixierte Kataloge (Prüfsumme, Struktur, Inhalt) und
    Landkreis-Plugins der Arbeitsumgebung. Mit PATH: nur diese Katalogdateien (OSCAL JSON/YAML,
    Kompendium-XML). Exit-Codes: 0 keine Fehler, 1 Fehler gefunden, 2 Aufruf falsch,
    3 Eingabe nicht lesbar (docs/exit-codes.md).
    """
    from ..output import progress_bar

    if output is not None:
        session.store.check_output(output)  # before the checks run, not after
    with progress_bar("Kataloge laden") as progress:
        if paths:
            from ..catalog import gc_paused

            with gc_paused():  # catalog files only: their trees are freed when the report is made
                report = _paths_report(session, paths, strict, progress)
        else:
            report = _workspace_report(session, strict, progress)

    for error in report.input_errors:
        click.echo(f"Fehler: {error}", err=True)
    rendered = RENDERERS[fmt](report)
    if output is None:
        click.echo(rendered, nl=False)
    elif report.input_errors:
        click.echo(render_text(report), nl=False)
        click.echo(f"Bericht {output} nicht geschrieben: eine Eingabe ist nicht lesbar.", err=True)
    else:
        session.store.write_output(output, rendered)
        click.echo(render_text(report), nl=False)
    return int(report.exit_code)
