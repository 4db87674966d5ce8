"""Built-in plugin: ``check`` rules for county data (profile, target objects, modelling, check records)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..hookspecs import hookimpl
from . import ERROR, WARNING, CheckContext, Finding


@dataclass
class _CountyFindings:
    profile: list[Finding] = field(default_factory=list)
    targets: list[Finding] = field(default_factory=list)
    modelling: list[Finding] = field(default_factory=list)
    records: list[Finding] = field(default_factory=list)


def _display(ctx: CheckContext, path: Path) -> str:
    try:
        return os.path.relpath(path, ctx.workspace.root)
    except ValueError:
        return str(path)


def _where(line: int | None, pointer: str = "") -> str:
    if line and pointer:
        return f"Zeile {line} ({pointer})"
    return f"Zeile {line}" if line else pointer


def _read(ctx, path: Path, schema_name: str, rule: str, out: list[Finding]) -> Any:
    """The parsed document, or None after reporting why it cannot be used."""
    from ..errors import InputError
    from ..schemas import schema_problems
    from ..store import read_yaml

    shown = _display(ctx, path)
    try:
        document = read_yaml(path)
    except InputError as exc:
        kind = "bad-date" if exc.message.startswith("ungültiges Datum") else "syntax"
        out.append(Finding(f"{rule}.{kind}", ERROR, exc.message, shown, exc.location or ""))
        return None
    if document is None:
        out.append(Finding(f"{rule}.syntax", ERROR, "Datei ist leer.", shown))
        return None
    problems = schema_problems(document, schema_name)
    for problem in problems:
        out.append(Finding(f"{rule}.schema", ERROR, problem.message, shown, problem.location))
    return None if problems else document


def _analyse_county(ctx: CheckContext, county: Any) -> _CountyFindings:
    from ..assess import assess_county
    from ..store import parse_date
    from ..assess.modelling import CATEGORY_PARENTS
    from ..assess.records import STATUSES, parse_records
    from ..assess.targets import DependencyCycleError, parse_targets, resolve_needs, structure_problems
    from ..assess import CountyData
    from ..errors import IkzError
    from ..store import yaml_line

    found = _CountyFindings()
    _read(ctx, county.profile_path, "landkreis", "county.profile", found.profile)

    targets_file = _display(ctx, county.targets_path)
    document = _read(ctx, county.targets_path, "zielobjekte", "county.targets", found.targets)
    targets = parse_targets(document) if document is not None else None
    needs = None
    if targets is not None:
        for problem in structure_problems(targets):
            severity = WARNING if problem.rule == "targets.no-information-domain" else ERROR
            found.targets.append(Finding(f"county.{problem.rule}", severity, problem.message, targets_file, _where(problem.line)))
        try:
            needs = resolve_needs(targets, path=targets_file)
        except DependencyCycleError as exc:
            found.targets.append(Finding("county.targets.cycle", ERROR, exc.message, targets_file, exc.location or ""))

    try:
        catalog = ctx.catalog(county.profile.catalog or ctx.workspace.default_catalog)
    except IkzError as exc:
        found.modelling.append(Finding(
            "county.modelling.catalog", ERROR,
            f"Katalog des Landkreises {county.profile.name} nicht ladbar: {exc}", _display(ctx, county.profile_path),
        ))
        catalog = None

    records_file = _display(ctx, county.records_path)
    records_doc = None
    if county.records_path.exists():
        records_doc = _read(ctx, county.records_path, "pruefungen", "county.records", found.records)

    assessment = None
    if catalog is not None and targets is not None and needs is not None:
        records = parse_records(records_doc) if records_doc is not None else None
        data = CountyData(county, targets, needs, records or parse_records(None))
        assessment = assess_county(data, catalog)
        for problem in assessment.problems:
            found.modelling.append(Finding(f"county.{problem.rule}", ERROR, problem.message, targets_file, _where(problem.line)))
        if catalog.world == "gspp":
            for target in targets:
                for category in target.categories or ():
                    if category not in CATEGORY_PARENTS:
                        found.modelling.append(Finding(
                            "county.modelling.unknown-category", WARNING,
                            f"Zielobjektkategorie '{category}' ist in Grundschutz++ unbekannt (Zielobjekt '{target.id}').",
                            targets_file, _where(target.line),
                        ))

    if records_doc is None:
        return found
    items = records_doc.get("pruefungen") or []
    target_ids = {t.id for t in targets} if targets is not None else None
    modelled = {p.key for p in assessment.pairs} if assessment is not None else None
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(items):
        line = yaml_line(items, index)
        req_id, target_id = str(item["requirement"]), str(item["target"])
        status = str(item["status"])
        where = _where(line, f"/pruefungen/{index}")
        add = found.records.append
        if (req_id, target_id) in seen:
            add(Finding("county.records.duplicate", ERROR, f"Prüfeintrag {req_id} auf {target_id} ist doppelt.", records_file, where))
        seen.add((req_id, target_id))
        if status not in STATUSES:
            add(Finding("county.records.unknown-status", ERROR,
                        f"unbekannter Status '{status}' (erlaubt: {', '.join(STATUSES)}).",
                        records_file, _where(yaml_line(item, "status"))))
        if status == "entbehrlich" and not str(item.get("reason") or "").strip():
            add(Finding("county.records.missing-reason", ERROR,
                        f"{req_id} auf {target_id} ist entbehrlich ohne Begründung (reason).", records_file, where))
        if "checked" in item and parse_date(item["checked"]) is None:
            add(Finding("county.records.bad-date", ERROR,
                        f"ungültiges Datum '{item['checked']}' (erwartet JJJJ-MM-TT).",
                        records_file, _where(yaml_line(item, "checked"))))
        known_target = target_ids is None or target_id in target_ids
        if not known_target:
            add(Finding("county.records.unknown-target", ERROR,
                        f"unbekanntes Zielobjekt '{target_id}' (nicht in zielobjekte.yaml).",
                        records_file, _where(yaml_line(item, "target"))))
        if catalog is None:
            continue
        req = catalog.requirements.get(req_id)
        if req is None:
            add(Finding("county.records.unknown-requirement", ERROR,
                        f"unbekannte Anforderung '{req_id}' (nicht im Katalog {catalog.title}).",
                        records_file, _where(yaml_line(item, "requirement"))))
        elif req.withdrawn:
            add(Finding("county.records.withdrawn", WARNING,
                        f"Anforderung '{req_id}' ist entfallen und wird nicht mehr geprüft.",
                        records_file, _where(yaml_line(item, "requirement"))))
        elif known_target and modelled is not None and (req_id, target_id) not in modelled:
            add(Finding("county.records.not-modelled", WARNING,
                        f"{req_id} ist auf Zielobjekt '{target_id}' nicht modelliert; der Eintrag zählt nicht.",
                        records_file, where))
    return found


def _findings(ctx: CheckContext) -> list[_CountyFindings]:
    """One analysis per check run, shared by the rules below (kept on the context)."""
    cached = getattr(ctx, "_county_findings", None)
    if cached is None:
        from ..county import load_counties

        cached = []
        if ctx.workspace is not None:
            counties = load_counties(ctx.pm, ctx.workspace)
            cached = [_analyse_county(ctx, counties[key]) for key in ctx.workspace.members if key in counties]
        ctx._county_findings = cached
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
def ikz_register_check_rules(register):
    register("county.profile", profile_rule, "Landkreisprofil (landkreis.yaml) entspricht dem Schema")
    register("county.targets", targets_rule,
             "Zielobjekte: Schema, eindeutige IDs, bekannte Abhängigkeiten, keine Zyklen")
    register("county.modelling", modelling_rule,
             "Modellierung: Bausteine bekannt und zum Zielobjekttyp passend; Katalog ladbar")
    register("county.records", records_rule,
             "Prüfeinträge: bekannte Anforderungen, Zielobjekte und Status, Begründung bei entbehrlich, gültige Daten")
