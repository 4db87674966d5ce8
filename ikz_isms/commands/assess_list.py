"""``ikz-isms assess list``: the check points that match filters — table, JSON or German-Excel CSV."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..output import emit_json, print_table
from ..present import date_de, write_csv
from .options import county_option, date_value, format_option, output_option, write_output

if TYPE_CHECKING:
    from ..app.session import Session

STATUS_CHOICES = ("unbearbeitet", "ja", "teilweise", "nein", "entbehrlich")
CSV_HEADERS = ("Landkreis", "Zielobjekt", "Zielobjekt-Name", "Anforderung", "Titel", "Baustein/Thema", "Stufe",
               "Modalverb", "Status", "Verantwortlich", "Geprüft", "Umsetzung", "Begründung", "Nachweise",
               "Herkunft", "Anforderungstext")


@click.command("list")
@county_option
@click.option("--target", "targets", multiple=True, metavar="ZIELOBJEKT", help="Nur dieses Zielobjekt (mehrfach).")
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUS_CHOICES),
              help="Nur dieser Status (mehrfach).")
@click.option("--responsible", metavar="TEXT", help="Verantwortlich enthält TEXT (Groß-/Kleinschreibung egal).")
@click.option("--group", "groups", multiple=True, metavar="ID",
              help="Baustein oder Schicht (Ed. 2023), Thema oder Praktik (G++), z. B. SYS.1.1, OPS, BER (mehrfach).")
@click.option("--modal", "modals", multiple=True, metavar="VERB", help="Modalverb, z. B. MUSS, SOLLTE, KANN (mehrfach).")
@click.option("--level", "levels", multiple=True, metavar="STUFE", help="Stufe: B, S, H bzw. normal-SdT, erhöht (mehrfach).")
@click.option("--checked-before", metavar="JJJJ-MM-TT",
              help="Zuletzt vor diesem Tag geprüft (oder nie geprüft).")
@click.option("--older-than", type=click.IntRange(min=0, max=36500), metavar="TAGE",
              help="Letzte Prüfung älter als so viele Tage (oder nie geprüft).")
@format_option("text", "json", "csv")
@output_option("Ausgabe in diese Datei (besonders für --format csv).")
@click.pass_obj
def list_command(session: Session, county: str | None, targets: tuple[str, ...], statuses: tuple[str, ...],
                 responsible: str | None, groups: tuple[str, ...], modals: tuple[str, ...], levels: tuple[str, ...],
                 checked_before: str | None, older_than: int | None, fmt: str, output: Path | None) -> None:
    """Prüfpunkte filtern: Zielobjekt, Status, Verantwortlich, Baustein/Praktik, Modalverb, Stufe, Alter der Prüfung.

    Beispiel: alle „nein“ der IT-Leitung, zuletzt vor 2026 geprüft:
    ikz-isms assess list --status nein --responsible IT-Leitung --checked-before 2026-01-01 --format csv -o nein.csv
    """
    from ..app.checklist import check_list
    from ..assess.filters import CheckFilter

    cutoff = date_value(checked_before, "--checked-before")
    if older_than is not None:
        if cutoff is not None:
            raise UsageError("--checked-before und --older-than schließen sich aus.")
        cutoff = session.today - _dt.timedelta(days=older_than)
    wanted = CheckFilter(targets, statuses, responsible, groups, modals, levels, cutoff)
    result = check_list(session, session.select_counties(county), wanted)
    if fmt == "json":
        from ..output import to_json

        document = {"filter": wanted.as_dict(), "counties": [
            {"county": c["county"], "name": c["name"], "approach": c["approach"], "count": len(c["rows"]),
             "rows": [r.as_dict() for r in c["rows"]]} for c in result]}
        write_output(session, output, to_json(document) + "\n") if output else emit_json(document)
        return
    if fmt == "csv":
        rows = [(c["name"], r.target, r.target_name, r.requirement, r.title,
                 f"{r.module} {r.module_title}".strip(), r.level_label, "/".join(r.modal_verbs), r.status,
                 r.responsible, r.checked, r.record_statement, r.reason, ", ".join(r.evidence), r.provenance,
                 r.statement)
                for c in result for r in c["rows"]]
        write_output(session, output, write_csv(CSV_HEADERS, rows).encode("utf-8"))
        return
    for entry in result:
        print_table(
            ["Zielobjekt", "Anforderung", "Titel", "Stufe", "Status", "Verantwortlich", "Geprüft"],
            [(r.target, r.requirement, r.title, r.level_label, r.status, r.responsible or "–",
              date_de(r.checked) if r.checked else "–") for r in entry["rows"]],
            title=f"Prüfpunkte – Landkreis {entry['name']} ({entry['approach']}): {len(entry['rows'])} Treffer",
        )
