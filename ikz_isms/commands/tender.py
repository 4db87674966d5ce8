"""Built-in plugin: ``ikz-isms tender`` (list, new, estimate, pack, opportunities) — joint tenders from templates."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..output import emit_json, print_table
from ..present import date_de, money_de, quantity_de
from .opportunities_view import opportunity_options, show_opportunities
from .options import date_value, day_or_today, format_option

if TYPE_CHECKING:
    from ..app import Session

CONTRACT_TYPES = {"services": "Dienstleistung", "supplies": "Lieferung", "works": "Bauleistung"}
MISSING = "fehlt"



def _money(value: Decimal | None) -> str:
    return money_de(value) if value is not None else MISSING


def _quantity(value: Decimal | None) -> str:
    return quantity_de(value) if value is not None else MISSING


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
def list_tenders(session: "Session", fmt: str) -> None:
    """Vorlagen und Vergabeprojekte der Arbeitsumgebung."""
    from ..app.tenders import all_templates, all_tenders

    templates = all_templates(session)
    projects = all_tenders(session)
    if fmt == "json":
        emit_json({
            "templates": [{"id": t.id, "title": t.title, "contract_type": t.data["contract_type"],
                           "contract_terms": t.data["contract_terms"]["type"], "file": str(t.path)} for t in templates],
            "tenders": [{"name": p.name, "title": p.data["title"], "template": p.data["template"],
                         "counties": p.counties, "notice_date": p.data["notice_date"]} for p in projects],
        })
        return
    print_table(["Vorlage", "Titel", "Art", "Vertragsbedingungen"],
                [[t.id, t.title, CONTRACT_TYPES[t.data["contract_type"]], t.data["contract_terms"]["type"]]
                 for t in templates], title="Vorlagen")
    if projects:
        print_table(["Vergabe", "Titel", "Vorlage", "Landkreise", "Bekanntmachung"],
                    [[p.name, p.data["title"], p.data["template"], ", ".join(p.counties), date_de(p.notice_date)]
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
@click.option("--notice-date", metavar="JJJJ-MM-TT", default=None,
              help="Geplante Absendung der Bekanntmachung JJJJ-MM-TT; entscheidet über den Schwellenwert (Standard: heute).")
@click.option("--need", "needs", multiple=True, metavar="LANDKREIS[:LOS]=MENGE",
              help="Bedarf ausdrücklich angeben (ersetzt Landkreisprofil und Vorgabe); mehrfach möglich.")
@click.option("--date", "created", metavar="JJJJ-MM-TT", default=None,
              help="Datum der Anlage JJJJ-MM-TT (Standard: heute); bestimmt das Datum in den Unterlagen.")
@click.option("--threshold", default=None, metavar="KATEGORIE",
              help="EU-Schwellenwert-Kategorie aus den rechtlichen Kennzahlen, z. B. social-services "
                   "(Anhang XIV); Standard: die der Vorlage bzw. Auftragsart.")
@format_option()
@click.pass_obj
def new(session: "Session", template_name: str, counties: str, lead: str | None, term: str | None,
        options: str | None, name: str | None, title: str | None, notice_date: str | None, needs: tuple[str, ...],
        created: str | None, threshold: str | None, fmt: str) -> None:
    """Ein Vergabeprojekt aus einer Vorlage anlegen (vergaben/NAME/vergabe.yaml)."""
    from ..app.tenders import NewTender, create_tender
    from ..tender.project import parse_term

    if options is None:
        option_ids = None
    elif options.strip().lower() in ("keine", "none", ""):
        option_ids = []
    else:
        option_ids = _split(options)
    request = NewTender(
        template=template_name, counties=_split(counties), lead=lead,
        term_months=parse_term(term) if term else None, options=option_ids, name=name, title=title,
        notice_date=date_value(notice_date, "--notice-date") or session.today,
        created=day_or_today(session, created), needs=needs,
        threshold=threshold.strip() if threshold is not None else None,
    )
    path, document, _ = create_tender(session, request)
    shown = session.workspace.layout.relative(path)
    if fmt == "json":
        emit_json({"path": str(path), "tender": document})
        return
    names = {key: c.profile.name for key, c in session.counties().items()}
    click.echo(f"Vergabe '{document['name']}' angelegt: {shown}")
    rows = []
    for county, lots in document["needs"].items():
        for lot_id, need in lots.items():
            rows.append([names.get(county, county), lot_id, need["quantity"] or MISSING, need["source"]])
    print_table(["Landkreis", "Los", "Menge", "Herkunft"], rows, title="Bedarf je Landkreis", right_align=(2,))
    if any(n["quantity"] is None for lots in document["needs"].values() for n in lots.values()):
        click.echo(f"Hinweis: fehlende Mengen in {shown} unter 'needs' eintragen oder --need angeben.")
    click.echo(f"Weiter: ikz-isms tender estimate {document['name']}")


@tender.command("estimate")
@click.argument("name", required=False, metavar="[NAME]")
@format_option()
@click.pass_obj
def estimate_command(session: "Session", name: str | None, fmt: str) -> None:
    """Auftragswert nach §3 VgV, Schwellenwert, Vergaberecht und zulässige Verfahrensarten."""
    from ..app.tenders import tender_estimate
    from ..tender.estimate import PERIODS, procedure_text

    view = tender_estimate(session, name)
    result, names = view.estimate, view.names
    if fmt == "json":
        emit_json({"tender": view.project.name, "template": view.template.id, **result.as_dict()})
        return
    click.echo(f"Vergabe {view.project.name}: {view.project.data['title']}")
    print_table(
        ["Landkreis", "Los", "Menge", "Herkunft", "inkl. Optionen", "Preis (Schätzung)", "Monate", "Wert (netto)"],
        [[names.get(p.county, p.county), p.lot, _quantity(p.quantity), p.source, _quantity(p.quantity_with_options),
          f"{_money(p.unit_price)} / {PERIODS[p.period]}", str(p.months) if p.period != "once" else "–", _money(p.value)]
         for p in result.parts],
        title="Bedarf und Wert je Landkreis und Los", right_align=(2, 4, 6, 7),
    )
    print_table(["Landkreis", "Summe (netto)"],
                [[names.get(k, k), _money(v)] for k, v in result.by_county().items()] + [["Gesamt", _money(result.total)]],
                right_align=(1,))
    click.echo("Begründung:")
    for line in result.reasoning:
        click.echo(f"  • {line}")
    print_table(["Verfahrensart", "Grundlage", "Ergebnis"],
                [[p.name, p.basis, procedure_text(p)] for p in result.procedures],
                title=f"Verfahrensarten ({result.regime})")
    for note in result.notes:
        click.echo(f"Hinweis: {note}")


@tender.command("pack")
@click.argument("name", required=False, metavar="[NAME]")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Zielordner (Standard: vergaben/NAME/unterlagen); wird als Ganzes ersetzt.")
@format_option()
@click.pass_obj
def pack(session: "Session", name: str | None, output: Path | None, fmt: str) -> None:
    """Vergabeunterlagen (PDF), Vergabevermerk (PDF), aufgelöste Vergabe (YAML) und OCDS-Release (JSON)."""
    from ..app.tenders import build_pack

    written = build_pack(session, name, output)
    result = written.view.estimate
    if fmt == "json":
        emit_json({"tender": written.view.project.name, "output": str(written.output),
                   "files": [str(p) for p in written.files], "estimate": str(result.total), "regime": result.regime,
                   "warnings": [f.as_dict() for f in written.warnings]})
        return
    for finding in written.warnings:
        click.echo(f"Warnung [{finding.rule}]: {finding.message}", err=True)
    click.echo(f"Vergabeunterlagen für '{written.view.project.name}' in {written.output}:")
    for path in written.files:
        click.echo(f"  {path.name}")
    click.echo(f"Auftragswert {_money(result.total)} netto → {result.regime}.")


@tender.command("opportunities")
@opportunity_options
@click.pass_obj
def opportunities(session: "Session", lead_time: str, min_counties: int, on: str | None, fmt: str) -> None:
    """Gemeinsame Ausschreibungen vorschlagen: dieselbe Liste wie contracts opportunities.

    Aus Lücken (Anforderungen, die in mehreren Landkreisen offen sind und die eine Vorlage
    abdeckt; nur Landkreise mit Offenlegung 'full' nennen ihre Lücken) und aus getrennten
    Verträgen; ohne was eine laufende Rahmenvereinbarung abdeckt oder ein begonnenes
    Vergabeprojekt schon angeht.
    """
    show_opportunities(session, lead_time, min_counties, on, fmt)
