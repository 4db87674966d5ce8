"""Built-in plugin: ``check`` rules for county data (profile, target objects, modelling, check records).

The rules read through the session like every command, and a record is judged by the one
rule set of :func:`ikz_isms.assess.records.record_problems`: what ``check`` flags is what
``assess``, the plan, the reports and the Verbund view leave uncounted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl
from . import ERROR, WARNING, CheckContext, Finding

if TYPE_CHECKING:
    from ..county import County
    from ..store import Parsed


@dataclass
class _CountyFindings:
    profile: list[Finding] = field(default_factory=list)
    targets: list[Finding] = field(default_factory=list)
    modelling: list[Finding] = field(default_factory=list)
    records: list[Finding] = field(default_factory=list)


def _where(line: int | None, pointer: str = "") -> str:
    if line and pointer:
        return f"Zeile {line} ({pointer})"
    return f"Zeile {line}" if line else pointer


def _read(ctx: CheckContext, path: Path, kind: str, rule: str, out: list[Finding]) -> Parsed | None:
    """The parsed document, or None after reporting why it cannot be used."""
    shown = ctx.session.workspace.layout.relative(path)
    parsed, problems, error = ctx.session.store.parse_lenient(path, kind)
    if error is not None:
        kind_of = "bad-date" if error.message.startswith("ungültiges Datum") else "syntax"
        out.append(Finding(f"{rule}.{kind_of}", ERROR, error.message, shown, error.location or ""))
        return None
    for problem in problems:
        out.append(Finding(f"{rule}.schema", ERROR, problem.message, shown, problem.location))
    return None if problems else parsed


def _analyse_county(ctx: CheckContext, county: County) -> _CountyFindings:
    from ..app.counties import record_sources
    from ..assess import CountyData, assess_county
    from ..assess.records import parse_records
    from ..assess.targets import DependencyCycleError, parse_targets, resolve_needs, structure_problems
    from ..errors import IkzError, InputError
    from ..store import fs

    found = _CountyFindings()
    layout = ctx.session.workspace.layout  # only called with a workspace
    _read(ctx, county.layout.profile, "landkreis", "county.profile", found.profile)

    targets_file = layout.relative(county.layout.targets)
    parsed_targets = _read(ctx, county.layout.targets, "zielobjekte", "county.targets", found.targets)
    targets = parse_targets(parsed_targets) if parsed_targets is not None else None
    needs = None
    if targets is not None:
        for problem in structure_problems(targets):
            severity = WARNING if problem.severity == "warning" else ERROR
            found.targets.append(Finding(f"county.{problem.rule}", severity, problem.message, targets_file, _where(problem.line)))
        try:
            needs = resolve_needs(targets, path=targets_file)
        except DependencyCycleError as exc:
            found.targets.append(Finding("county.targets.cycle", ERROR, exc.message, targets_file, exc.location or ""))

    catalog = None
    try:
        catalog = ctx.catalog(county.profile.catalog or ctx.session.workspace.default_catalog)
    except IkzError as exc:
        found.modelling.append(Finding(
            "county.modelling.catalog", ERROR,
            f"Katalog des Landkreises {county.profile.name} nicht ladbar: {exc}", layout.relative(county.layout.profile),
        ))

    readable = True
    record_files = ([county.layout.legacy_records] if county.layout.legacy_records.exists() else [])
    record_files += fs.list_dir(county.layout.records_dir, (".yaml",))
    for path in record_files:
        kind = "pruefungen-alt" if path == county.layout.legacy_records else "pruefungen"
        if _read(ctx, path, kind, "county.records", found.records) is None:
            readable = False
    records = None
    if readable:
        try:
            records = parse_records(record_sources(ctx.session, county))
        except InputError as exc:
            found.records.append(Finding("county.records.file", ERROR, exc.message,
                                         layout.relative(exc.path or county.layout.records_dir), exc.location or ""))
    assessment = None
    if catalog is not None and targets is not None and needs is not None:
        from ..assess.structure import parse_decisions

        data = CountyData(county, targets, needs, records or parse_records(()),
                          decisions=parse_decisions(parsed_targets))
        assessment = assess_county(data, catalog, None, ctx.session.edition(catalog))
        from ..app.transitions import open_references

        # an exclusion or parameter a catalog change left for a decision: county.transition.open-reference
        # names it (once)
        pending = {(str(r.get("kind")), str(r["value"])) for r in open_references(ctx.session, county)}
        for modelling_problem in assessment.problems:
            if (modelling_problem.rule == "modelling.unknown-exclusion"
                    and ("exclusion", modelling_problem.baustein) in pending) \
                    or (modelling_problem.rule == "modelling.unknown-parameter"
                        and ("parameter", modelling_problem.baustein) in pending):
                continue
            severity = WARNING if modelling_problem.severity == "warning" else ERROR
            found.modelling.append(Finding(f"county.{modelling_problem.rule}", severity, modelling_problem.message,
                                           targets_file, _where(modelling_problem.line)))
    if records is None:
        return found
    for invalid in records.invalid:
        record = invalid.record
        for record_problem in invalid.problems:
            found.records.append(Finding(record_problem.rule, ERROR, record_problem.message, layout.relative(record.file),
                                         _where(record.line, f"/pruefungen/{record.index}")))
    target_ids = {t.id for t in targets} if targets is not None else None
    modelled = {p.key for p in assessment.pairs} if assessment is not None else None
    shown_files: dict[str, str] = {}
    for record in records:
        known_target = target_ids is None or record.target in target_ids
        problems: list[tuple[str, str, str]] = []
        if not known_target:
            problems.append(("county.records.unknown-target", ERROR,
                             f"unbekanntes Zielobjekt '{record.target}' (nicht in zielobjekte.yaml)."))
        if catalog is not None:
            req = catalog.requirements.get(record.requirement)
            if req is None:
                problems.append(("county.records.unknown-requirement", ERROR,
                                 f"unbekannte Anforderung '{record.requirement}' (nicht im Katalog {catalog.title})."))
            elif req.withdrawn:
                problems.append(("county.records.withdrawn", WARNING,
                                 f"Anforderung '{record.requirement}' ist entfallen und wird nicht mehr geprüft."))
            elif known_target and modelled is not None and record.key not in modelled:
                problems.append(("county.records.not-modelled", WARNING,
                                 f"{record.requirement} ist auf Zielobjekt '{record.target}' nicht modelliert; "
                                 "der Eintrag zählt nicht."))
        if not problems:
            continue
        # the place is looked up only for a record with a finding: a line costs a parse of a cached file
        where = records.location(record)
        if record.file not in shown_files:
            shown_files[record.file] = layout.relative(record.file)
        for rule, severity, message in problems:
            found.records.append(Finding(rule, severity, message, shown_files[record.file], where))
    return found


def _findings(ctx: CheckContext) -> list[_CountyFindings]:
    """One analysis per check run, shared by the rules below (kept on the context)."""
    cached: list[_CountyFindings] | None = getattr(ctx, "_county_findings", None)
    if cached is None:
        cached = []
        if ctx.workspace is not None:
            cached = [_analyse_county(ctx, county) for county in ctx.session.members()]
        vars(ctx)["_county_findings"] = cached  # a per-run cache the dataclass does not declare
    return cached


def profile_rule(ctx: CheckContext) -> Iterator[Finding]:
    for county in _findings(ctx):
        yield from county.profile


def targets_rule(ctx: CheckContext) -> Iterator[Finding]:
    for county in _findings(ctx):
        yield from county.targets


def modelling_rule(ctx: CheckContext) -> Iterator[Finding]:
    for county in _findings(ctx):
        yield from county.modelling


def records_rule(ctx: CheckContext) -> Iterator[Finding]:
    for county in _findings(ctx):
        yield from county.records


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("county.profile", profile_rule, "Landkreisprofil (landkreis.yaml) entspricht dem Schema")
    register("county.targets", targets_rule,
             "Zielobjekte: Schema, eindeutige IDs, bekannte Abhängigkeiten, keine Zyklen, begründete Übersteuerung")
    register("county.modelling", modelling_rule,
             "Modellierung: Bausteine bekannt und zum Zielobjekttyp passend; Katalog ladbar")
    register("county.records", records_rule,
             "Prüfeinträge: bekannte Anforderungen, Zielobjekte und Status, Begründung bei entbehrlich, gültige Daten")
