"""Built-in plugin: ``export`` (OCDS; the check as Excel, OSCAL and a calendar) and ``import`` (Excel, OSCAL SSP)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..output import format_option, to_json
from .options import OUTPUT_FILE, county_option, day_option, day_or_today, write_output

if TYPE_CHECKING:
    from ..app import Session


@click.group()
def export() -> None:
    """Daten für andere Systeme ausgeben."""


@export.command("ocds")
@click.option("--output", "-o", type=OUTPUT_FILE, help="Datei (Standard: Standardausgabe).")
@click.option("--prefix", default=None, metavar="ocds-XXXXXX",
              help="OCID-Präfix des Veröffentlichers (Standard: procurement.ocds.prefix in ikz-isms.yaml).")
@day_option("Stichtag JJJJ-MM-TT für den Vertragsstatus (Standard: heute); die Release-Daten kommen aus den Daten.")
@click.pass_obj
def export_ocds(session: "Session", output: Path | None, prefix: str | None, on: str | None) -> None:
    """Verträge, Rahmenvereinbarungen und Abrufe als OCDS-1.1.5-Release-Paket (JSON).

    Eine ocid je Vergabeverfahren (mit dem Vergabeprojekt geteilt, wenn der Vertrag es unter
    'tender' nennt), Release-IDs aus dem Inhalt: gleiche Daten, gleiche Datei.
    """
    import re

    from ..app.procurement import ocds_package
    from ..errors import UsageError

    if prefix is not None and not re.fullmatch(r"ocds-[a-z0-9]{6}", prefix):
        raise UsageError(f"--prefix '{prefix}' ist kein OCID-Präfix (ocds- und sechs Kleinbuchstaben/Ziffern).")
    package = ocds_package(session, day_or_today(session, on), prefix)
    write_output(session, output, to_json(package) + "\n")
    if output is not None:
        click.echo(f"{len(package['releases'])} OCDS-Releases geschrieben: {output}", err=True)


# -- the IT-Grundschutz-Check for other systems -------------------------------------------------


@export.command("xlsx")
@county_option
@click.option("--responsible", metavar="STELLE", default=None,
              help="Nur die Zeilen dieser verantwortlichen Stelle (eine Arbeitsmappe für einen Fachbereich).")
@click.option("--output", "-o", type=OUTPUT_FILE, required=True, help="Arbeitsmappe (.xlsx), die geschrieben wird.")
@click.pass_obj
def export_xlsx(session: "Session", county: str | None, responsible: str | None, output: Path) -> None:
    """IT-Grundschutz-Check eines Landkreises als Excel-Arbeitsmappe (.xlsx).

    Blätter Zielobjekte (mit Schutzbedarf und Begründungen), Modellierung, Check (je
    Anforderung und Zielobjekt eine Zeile, Status als Auswahlliste) und Realisierungsplan.
    Bearbeitet werden Status, Umsetzung, Begründung, Verantwortlich, Datum und Nachweise;
    'ikz-isms import xlsx' liest die Änderungen zurück.
    """
    from ..app.exchange import export_xlsx as build
    from ..errors import UsageError

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"--output '{output}': die Arbeitsmappe braucht die Endung .xlsx.")
    if responsible is not None and not responsible.strip():
        raise UsageError("--responsible darf nicht leer sein.")
    session.store.check_output(output)
    selected = session.one_county(county)
    data, model = build(session, selected, responsible)
    write_output(session, output, data)
    only = f", nur Verantwortlich „{model.responsible}“" if model.responsible else ""
    click.echo(f"Arbeitsmappe geschrieben: {output} – Landkreis {selected.profile.name}, {len(model.rows)} Zeilen im "
               f"Blatt Check{only}.", err=True)


@export.command("oscal")
@click.argument("kind", metavar="ART", type=click.Choice(["ssp", "assessment-results", "poam"]))
@county_option
@click.option("--output", "-o", type=OUTPUT_FILE, help="Datei (Standard: Standardausgabe).")
@click.pass_obj
def export_oscal(session: "Session", kind: str, county: str | None, output: Path | None) -> None:
    """IT-Grundschutz-Check als OSCAL 1.2.1 (JSON): ssp, assessment-results oder poam.

    ssp: Informationsverbund, Zielobjekte als Komponenten, je Anforderung der Umsetzungsstand
    (ja → implemented, teilweise → partial, nein → planned, entbehrlich → not-applicable,
    unbearbeitet ohne Angabe); assessment-results: ein Befund je Lücke; poam: der
    Realisierungsplan. Stabile UUIDs: gleiche Daten, gleiche Datei.
    """
    from ..app.exchange import export_oscal as build
    from ..exchange.oscal import document_bytes

    if output is not None:
        session.store.check_output(output)
    selected = session.one_county(county)
    document = build(session, selected, kind)
    write_output(session, output, document_bytes(document))
    if output is not None:
        click.echo(f"OSCAL {kind} geschrieben: {output} (Landkreis {selected.profile.name}).", err=True)


@export.command("ics")
@county_option
@click.option("--verbund", is_flag=True, help="Kalender des ganzen Verbunds (nur was die Offenlegung erlaubt).")
@click.option("--months", default="24", metavar="MONATE", show_default=True,
              help="Wie weit voraus Fristen aufgenommen werden.")
@click.option("--output", "-o", type=OUTPUT_FILE, help="Datei .ics (Standard: Standardausgabe).")
@click.pass_obj
def export_ics(session: "Session", county: str | None, verbund: bool, months: str, output: Path | None) -> None:
    """Fristen als Kalender (.ics) für Outlook und Thunderbird.

    Kündigungsfristen der Verträge (mit den Erinnerungen 6 und 3 Monate vorher),
    Fristen der Maßnahmen des Realisierungsplans und das Ablaufdatum gemeinsamer
    Bewertungen – für einen Landkreis (--county) oder den Verbund (--verbund). Jeder Termin
    hat eine feste UID: ein erneuter Import aktualisiert statt zu verdoppeln.
    """
    from ..app.exchange import export_ics as build
    from ..errors import UsageError

    if verbund and county:
        raise UsageError("--county und --verbund schließen sich aus.")
    if not verbund and not county:
        raise UsageError("Bitte --county LANDKREIS oder --verbund angeben.")
    if not months.strip().isdigit() or not 1 <= int(months) <= 120:
        raise UsageError(f"--months '{months}' muss eine ganze Zahl von 1 bis 120 sein.")
    if output is not None:
        session.store.check_output(output)
    selected = None if verbund else session.county(county or "")
    text, summary = build(session, selected, int(months))
    write_output(session, output, text.encode("utf-8"))
    for note in summary["notes"]:
        click.echo(f"Hinweis: {note}", err=True)
    if output is not None:
        click.echo(f"Kalender geschrieben: {output} – {summary['events']} Termine ({summary['name']}).", err=True)


# -- reading it back ----------------------------------------------------------------------------------


@click.group("import")
def import_group() -> None:
    """Bearbeitete Exporte zurücklesen: Excel-Arbeitsmappe, OSCAL-SSP.

    Ohne --apply ein Probelauf, der zeigt, was sich ändern würde; mit --apply in einer
    Transaktion übernommen und jede Änderung im Journal vermerkt.
    """


def _show_import(result: Any, fmt: str, apply: bool, what: str) -> None:
    from ..app.exchange import describe_change

    proposal = result.proposal
    if fmt == "json":
        from ..output import emit_json

        emit_json({
            "county": result.county.key, "file": result.file, "applied": bool(result.applied), "actor": result.actor,
            "changes": [{"requirement": row.requirement, "target": row.target, "fields": row.values.differences(new),
                         "old": row.values.as_dict(), "new": new.as_dict()} for row, new in proposal.changes],
            "unchanged": proposal.unchanged,
            "kept": [row.label for row in proposal.stale],
            "conflicts": [row.label for row, _new in proposal.conflicts],
        })
        return
    click.echo(f"{what} für Landkreis {result.county.profile.name} aus {result.file}:")
    for row, new in proposal.changes:
        click.echo(f"  {row.label}: {describe_change(row, new)}")
    if proposal.stale:
        click.echo(f"Seit dem Export in ikz-isms geändert, beibehalten ({len(proposal.stale)}): "
                   + ", ".join(r.label for r in proposal.stale))
    if proposal.conflicts:
        click.echo(f"In beiden geändert, nicht übernommen ({len(proposal.conflicts)}): "
                   + ", ".join(r.label for r, _ in proposal.conflicts))
    count = len(proposal.changes)
    noun = "Änderung" if count == 1 else "Änderungen"
    click.echo(f"{count} {noun}, {proposal.unchanged} Zeilen unverändert.")
    if not count:
        click.echo("Nichts zu übernehmen.")
    elif apply:
        click.echo(f"Übernommen: {count} Prüfeinträge geändert, im Journal als {result.actor}.")
    else:
        click.echo("Probelauf: nichts geändert. Mit --apply übernehmen.")


@import_group.command("xlsx")
@click.argument("file", metavar="DATEI", type=click.Path(dir_okay=False, path_type=Path))
@county_option
@click.option("--apply", is_flag=True, help="Änderungen übernehmen (sonst nur anzeigen).")
@click.option("--merge", is_flag=True,
              help="Auch eine ältere Arbeitsmappe: nur Zeilen übernehmen, die seit dem Export allein in ihr geändert "
                   "wurden; seitdem in ikz-isms geänderte bleiben.")
@format_option()
@click.pass_obj
def import_xlsx(session: "Session", file: Path, county: str | None, apply: bool, merge: bool, fmt: str) -> None:
    """Bearbeitete Excel-Arbeitsmappe des IT-Grundschutz-Checks zurücklesen.

    Jede Zelle wird geprüft (Fehler mit Zellbezug, z. B. Check!G17); eine Arbeitsmappe eines
    anderen Landkreises oder Katalogs wird abgelehnt, eine ältere nur mit --merge übernommen.
    """
    from ..app.exchange import import_xlsx as run

    result = run(session, file, county_key=county, apply=apply, merge=merge)
    _show_import(result, fmt, apply, "Excel-Import")


@import_group.command("oscal")
@click.argument("kind", metavar="ART", type=click.Choice(["ssp"]))
@click.argument("file", metavar="DATEI", type=click.Path(dir_okay=False, path_type=Path))
@county_option
@click.option("--apply", is_flag=True, help="Änderungen übernehmen (sonst nur anzeigen).")
@format_option()
@click.pass_obj
def import_oscal(session: "Session", kind: str, file: Path, county: str | None, apply: bool, fmt: str) -> None:
    """OSCAL-SSP in Prüfeinträge zurücklesen (ein eigenes SSP genau, fremde nach ihrem Umsetzungsstand)."""
    from ..app.exchange import import_oscal_ssp

    result = import_oscal_ssp(session, file, county_key=county, apply=apply)
    _show_import(result, fmt, apply, "OSCAL-Import")
