"""Built-in plugin: ``ikz-isms tender`` (list, new, estimate, pack, opportunities) — joint tenders from templates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from ..errors import RefusedError, UsageError
from ..hookspecs import hookimpl
from ..output import emit_json, format_option, print_table


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(tender)


def _de(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _euro(value: Any) -> str:
    from decimal import Decimal

    from ..procure.money import euro

    return euro(Decimal(str(value))) if value is not None else "fehlt"


def _counties(app: Any) -> dict[str, Any]:
    from ..county import load_counties

    return load_counties(app.pm, app.workspace)


def _names(counties: dict[str, Any]) -> dict[str, str]:
    return {key: c.profile.name for key, c in counties.items()}


def _profiles(counties: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {key: {"employees": c.profile.employees, "inhabitants": c.profile.inhabitants} for key, c in counties.items()}


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@click.group()
def tender() -> None:
    """Gemeinsame Ausschreibungen aus den Vorlagen in catalogs/vorlagen/.

    Ablauf: tender new (Projekt anlegen) → tender estimate (Auftragswert nach §3 VgV,
    Schwellenwert, Verfahrensart) → tender pack (Vergabeunterlagen, Vergabevermerk, OCDS).
    """


@tender.command("list")
@format_option()
@click.pass_obj
def list_tenders(app: Any, fmt: str) -> None:
    """Vorlagen und Vergabeprojekte der Arbeitsumgebung."""
    from ..tender.project import read_tender, tender_files
    from ..tender.templates import load_template, template_files

    templates = [load_template(p) for p in template_files(app.workspace)]
    projects = [read_tender(p) for p in tender_files(app.workspace)]
    if fmt == "json":
        emit_json({
            "templates": [{"id": t.id, "title": t.title, "contract_type": t.data["contract_type"],
                           "contract_terms": t.data["contract_terms"]["type"], "file": str(t.path)} for t in templates],
            "tenders": [{"name": p.name, "title": p.data["title"], "template": p.data["template"],
                         "counties": p.counties, "notice_date": p.data["notice_date"]} for p in projects],
        })
        return
    print_table(["Vorlage", "Titel", "Art", "Vertragsbedingungen"],
                [[t.id, t.title, {"services": "Dienstleistung", "supplies": "Lieferung", "works": "Bauleistung"}[
                    t.data["contract_type"]], t.data["contract_terms"]["type"]] for t in templates], title="Vorlagen")
    if projects:
        print_table(["Vergabe", "Titel", "Vorlage", "Landkreise", "Bekanntmachung"],
                    [[p.name, p.data["title"], p.data["template"], ", ".join(p.counties), _de(p.notice_date)]
                     for p in projects], title="Vergabeprojekte")


@tender.command("new")
@click.argument("template_name", metavar="VORLAGE")
@click.option("--counties", required=True, help="Teilnehmende Landkreise, kommagetrennt (alle werden benannt).")
@click.option("--lead", default=None, help="Federführender Landkreis (Standard: Federführung des Verbunds, sonst der erste).")
@click.option("--term", default=None, help="Grundlaufzeit, z. B. 48, '48 months', 4y (Standard: Vorlage).")
@click.option("--options", "options", default=None,
              help="Optionen der Vorlage, kommagetrennt, oder 'keine' (Standard: die vorbelegten der Vorlage).")
@click.option("--name", default=None, help="Name des Projekts (Standard: Vorlage und Jahr der Bekanntmachung).")
@click.option("--title", default=None, help="Titel der Vergabe (Standard: Titel der Vorlage).")
@click.option("--notice-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Geplante Absendung der Bekanntmachung JJJJ-MM-TT; entscheidet über den Schwellenwert (Standard: heute).")
@click.option("--need", "needs", multiple=True, metavar="LANDKREIS[:LOS]=MENGE",
              help="Bedarf ausdrücklich angeben (ersetzt Landkreisprofil und Vorgabe); mehrfach möglich.")
@click.option("--date", "created", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Datum der Anlage JJJJ-MM-TT (Standard: heute); bestimmt das Datum in den Unterlagen.")
@format_option()
@click.pass_obj
def new(app: Any, template_name: str, counties: str, lead: str | None, term: str | None, options: str | None,
        name: str | None, title: str | None, notice_date: Any, needs: tuple[str, ...], created: Any, fmt: str) -> None:
    """Ein Vergabeprojekt aus einer Vorlage anlegen (vergaben/NAME/vergabe.yaml)."""
    import re

    from ..tender.project import new_tender_document, parse_needs, parse_term, write_new_tender
    from ..tender.templates import find_template

    template = find_template(app.workspace, template_name)
    chosen = _split(counties)
    if not chosen:
        raise UsageError("--counties: mindestens einen Landkreis angeben.")
    if len(set(chosen)) != len(chosen):
        raise UsageError("--counties: ein Landkreis ist doppelt genannt.")
    registered = _counties(app)
    unknown = [c for c in chosen if c not in registered]
    if unknown:
        raise UsageError(f"--counties: unbekannte Landkreise {', '.join(unknown)} "
                         f"(registriert: {', '.join(registered) or 'keine'}).")
    verbund_lead = str(app.workspace.config["verbund"].get("lead") or "")
    lead = lead or (verbund_lead if verbund_lead in chosen else chosen[0])
    notice = notice_date.date() if notice_date else dt.date.today()
    created_day = created.date() if created else dt.date.today()
    if options is None:
        option_ids = template.default_options
    elif options.strip().lower() in ("keine", "none", ""):
        option_ids = []
    else:
        option_ids = _split(options)
    name = name or f"{template.id}-{notice.year}"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise UsageError(f"--name '{name}': nur Kleinbuchstaben, Ziffern und Bindestrich.")
    document = new_tender_document(
        template, name=name, counties=chosen, lead=lead,
        term_months=parse_term(term) if term else int(template.data["term"]["months"]),
        options=option_ids, notice_date=notice, created=created_day, profiles=_profiles(registered),
        explicit=parse_needs(needs, template, chosen), title=title,
    )
    path = write_new_tender(app.workspace, document)
    names = _names(registered)
    if fmt == "json":
        emit_json({"path": str(path), "tender": document})
        return
    click.echo(f"Vergabe '{name}' angelegt: {path}")
    rows = []
    for county, lots in document["needs"].items():
        for lot_id, need in lots.items():
            rows.append([names.get(county, county), lot_id, need["quantity"] or "fehlt", need["source"]])
    print_table(["Landkreis", "Los", "Menge", "Herkunft"], rows, title="Bedarf je Landkreis", right_align=(2,))
    if any(n["quantity"] is None for lots in document["needs"].values() for n in lots.values()):
        click.echo(f"Hinweis: fehlende Mengen in {path} unter 'needs' eintragen oder --need angeben.")
    click.echo(f"Weiter: ikz-isms tender estimate {name}")


def _load(app: Any, name: str | None):
    """(project, template, estimate, names, counties) of a tender project."""
    from ..procure.legal import load_legal_figures
    from ..tender.estimate import estimate
    from ..tender.project import load_tender
    from ..tender.templates import find_template

    project = load_tender(app.workspace, name)
    template = find_template(app.workspace, project.data["template"])
    counties = _counties(app)
    names = _names(counties)
    result = estimate(template, project.data, load_legal_figures(app.workspace), names)
    return project, template, result, names, counties


@tender.command("estimate")
@click.argument("name", required=False, metavar="[NAME]")
@format_option()
@click.pass_obj
def estimate_command(app: Any, name: str | None, fmt: str) -> None:
    """Auftragswert nach §3 VgV, Schwellenwert, Vergaberecht und zulässige Verfahrensarten."""
    from ..tender.estimate import PERIODS, procedure_text

    project, template, result, names, _ = _load(app, name)
    if fmt == "json":
        emit_json({"tender": project.name, "template": template.id, **result.as_dict()})
        return
    click.echo(f"Vergabe {project.name}: {project.data['title']}")
    print_table(
        ["Landkreis", "Los", "Menge", "Herkunft", "inkl. Optionen", "Preis (Schätzung)", "Monate", "Wert (netto)"],
        [[names.get(p.county, p.county), p.lot, _num(p.quantity), p.source, _num(p.quantity_with_options),
          f"{_euro(p.unit_price)} / {PERIODS[p.period]}", str(p.months) if p.period != "once" else "–", _euro(p.value)]
         for p in result.parts],
        title="Bedarf und Wert je Landkreis und Los", right_align=(2, 4, 6, 7),
    )
    print_table(["Landkreis", "Summe (netto)"],
                [[names.get(k, k), _euro(v)] for k, v in result.by_county().items()] + [["Gesamt", _euro(result.total)]],
                right_align=(1,))
    click.echo("Begründung:")
    for line in result.reasoning:
        click.echo(f"  • {line}")
    print_table(["Verfahrensart", "Grundlage", "Ergebnis"],
                [[p.name, p.basis, procedure_text(p)] for p in result.procedures],
                title=f"Verfahrensarten ({result.regime})")
    for note in result.notes:
        click.echo(f"Hinweis: {note}")


def _num(value: Any) -> str:
    from ..output import format_de

    if value is None:
        return "fehlt"
    return format_de(value, 0 if value == value.to_integral_value() else 2)


@tender.command("pack")
@click.argument("name", required=False, metavar="[NAME]")
@click.option("--output", type=click.Path(file_okay=False), default=None,
              help="Zielordner (Standard: vergaben/NAME/unterlagen); wird als Ganzes ersetzt.")
@format_option()
@click.pass_obj
def pack(app: Any, name: str | None, output: str | None, fmt: str) -> None:
    """Vergabeunterlagen (PDF), Vergabevermerk (PDF), aufgelöste Vergabe (YAML) und OCDS-Release (JSON)."""
    from ..checks import ERROR
    from ..county import DEFAULT_CLASSIFICATION
    from ..procure.legal import load_legal_figures
    from ..tender.pack import PackInput, build_files, check_procedure, write_pack
    from ..tender.security import resolve_requirements, template_catalog
    from ..tender.validate import project_findings, template_findings

    project, template, result, names, counties = _load(app, name)
    legal = load_legal_figures(app.workspace)
    findings = list(template_findings(template, app.workspace, app.pm, {}))
    findings += project_findings(project, template, app.workspace, legal, counties, names)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        for finding in errors:
            where = ", ".join(x for x in (finding.file, finding.location) if x)
            click.echo(f"Fehler [{finding.rule}] {where}: {finding.message}", err=True)
        raise RefusedError(f"Vergabeunterlagen nicht erzeugt: {len(errors)} Fehler (siehe oben; ikz-isms check).")
    pin, catalog = template_catalog(template, app.workspace, app.pm)
    annex, _ = resolve_requirements(template, catalog)
    lead = counties.get(project.data["lead"])
    marking = project.data.get("marking") or (lead.profile.classification if lead else DEFAULT_CLASSIFICATION)
    inp = PackInput(project, template, pin, annex, result, names, marking)
    check_procedure(inp)
    target = Path(output) if output else project.path.parent / "unterlagen"
    try:
        written = write_pack(build_files(inp, app.workspace.name), target)
    except OSError as exc:
        from .contracts import unwritable

        raise unwritable(exc, target) from None
    if fmt == "json":
        emit_json({"tender": project.name, "output": str(target), "files": [str(p) for p in written],
                   "estimate": str(result.total), "regime": result.regime,
                   "warnings": [f.as_dict() for f in findings if f.severity != ERROR]})
        return
    for finding in findings:
        click.echo(f"Warnung [{finding.rule}]: {finding.message}", err=True)
    click.echo(f"Vergabeunterlagen für '{project.name}' in {target}:")
    for path in written:
        click.echo(f"  {path.name}")
    click.echo(f"Auftragswert {_euro(result.total)} netto → {result.regime}.")


@tender.command("opportunities")
@click.option("--min-counties", type=click.IntRange(min=1), default=2, show_default=True,
              help="Anforderung muss in mindestens so vielen Landkreisen offen sein (nein/teilweise).")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Angenommene Bekanntmachung JJJJ-MM-TT für den Schwellenwert (Standard: heute).")
@format_option()
@click.pass_obj
def opportunities(app: Any, min_counties: int, on: Any, fmt: str) -> None:
    """Gemeinsame Ausschreibungen vorschlagen, wo mehrere Landkreise dieselben Lücken haben."""
    from ..assess import assess_county, county_catalog, load_county_data
    from ..procure.legal import load_legal_figures
    from ..tender.estimate import estimate
    from ..tender.opportunities import county_gaps, default_project, propose
    from ..tender.templates import load_template, template_files

    day = on.date() if on else dt.date.today()
    counties = _counties(app)
    names = _names(counties)
    members = [m for m in app.workspace.members if m in counties]
    cache: dict[str, Any] = {}
    assessments = {}
    withheld = []
    for key in members:
        county = counties[key]
        if county.profile.disclosure == "none":
            withheld.append(names[key])
            continue
        pin, catalog = county_catalog(app.workspace, app.pm, county, cache)
        assessments[key] = assess_county(load_county_data(county), catalog, pin)
    legal = load_legal_figures(app.workspace)
    lead = str(app.workspace.config["verbund"].get("lead") or "")
    profiles = _profiles(counties)

    def make_estimate(template: Any, named: list[str]):
        return estimate(template, default_project(template, named, lead, day, profiles), legal, names)

    templates = [load_template(p) for p in template_files(app.workspace)]
    proposals = propose(templates, county_gaps(assessments), members, min_counties, make_estimate)
    notes = [f"Ohne Freigabe (Offenlegung 'none') nicht ausgewertet: {', '.join(withheld)}."] if withheld else []
    if fmt == "json":
        emit_json({"date": day, "min_counties": min_counties, "proposals": [p.as_dict() for p in proposals],
                   "notes": notes})
        return
    if not proposals:
        click.echo(f"Keine Vorlage deckt Anforderungen ab, die in mindestens {min_counties} Landkreisen offen sind.")
    for proposal in proposals:
        result = proposal.estimate
        click.echo(f"Vorschlag: gemeinsame Ausschreibung „{proposal.template.title}“ (Vorlage {proposal.template.id})")
        print_table(["Anforderung", "offen (nein/teilweise) in"],
                    [[rid, ", ".join(names.get(c, c) for c in cs)] for rid, cs in proposal.gaps.items()])
        print_table(["Landkreis", "Bedarf (netto, §3 VgV)"],
                    [[names.get(k, k), _euro(v)] for k, v in result.by_county().items()]
                    + [["Gesamt", _euro(result.total)]], right_align=(1,))
        provisional = "" if result.complete else " (vorläufig: Bedarf unvollständig)"
        click.echo(f"  Schwellenwert {_euro(result.threshold.amount)} ({result.threshold.source}) → "
                   f"{result.regime}{provisional}")
        click.echo(f"  Zu benennen: {', '.join(names.get(c, c) for c in proposal.counties_to_name)}")
        for note in proposal.notes + result.notes:
            click.echo(f"  Hinweis: {note}")
        click.echo(f"  Anlegen: ikz-isms tender new {proposal.template.id} --counties {','.join(proposal.counties_to_name)}")
        click.echo("")
    for note in notes:
        click.echo(f"Hinweis: {note}")
