"""Built-in plugin: ``ikz-isms incident`` — the register of security incidents of a county."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..output import emit_json, print_table
from ..present import date_de
from .options import actor_name, actor_option, county_option, date_value, format_option

if TYPE_CHECKING:
    from ..app.session import Session

CATEGORY = click.Choice(["schadprogramm", "unbefugter-zugriff", "datenabfluss", "phishing", "dienstverweigerung",
                         "ausfall", "fehlbedienung", "verlust", "sonstiges"])
SEVERITY = click.Choice(["gering", "mittel", "hoch", "kritisch"])


@click.group("incident")
def incident() -> None:
    """Sicherheitsvorfälle: erfassen (mit Meldungen, Maßnahmen, Erkenntnissen) und anzeigen."""


@incident.command("add")
@county_option
@click.option("--date", "day", metavar="JJJJ-MM-TT", required=True, help="Tag des Vorfalls.")
@click.option("--title", required=True, help="Was geschah (kurz).")
@click.option("--category", type=CATEGORY, required=True, help="Kategorie des Vorfalls.")
@click.option("--severity", type=SEVERITY, required=True, help="Schwere des Vorfalls.")
@click.option("--affected", multiple=True, metavar="ZIELOBJEKT", help="Betroffenes Zielobjekt (mehrfach).")
@click.option("--reported", multiple=True, metavar="STELLE=JJJJ-MM-TT",
              help="Gemeldet an wen und wann, z. B. 'CERT-rlp=2026-02-11' (mehrfach).")
@click.option("--measure", "measures", multiple=True, metavar="TEXT", help="Ergriffene Sofortmaßnahme (mehrfach).")
@click.option("--lesson", "lessons", multiple=True, metavar="TEXT", help="Erkenntnis (lessons learned; mehrfach).")
@click.option("--followup", "followups", multiple=True, metavar="TITEL",
              help="Folgemaßnahme für den Realisierungsplan (mehrfach).")
@click.option("--followup-responsible", help="Verantwortlich für die Folgemaßnahmen.")
@click.option("--followup-deadline", metavar="JJJJ-MM-TT", help="Frist der Folgemaßnahmen.")
@click.option("--normal-operation", metavar="JJJJ-MM-TT", help="Seit wann wieder Normalbetrieb.")
@click.option("--closed", metavar="JJJJ-MM-TT", help="Seit wann abgeschlossen.")
@actor_option
@format_option()
@click.pass_obj
def add_command(session: "Session", county: str | None, day: str, title: str, category: str, severity: str,
                affected: tuple[str, ...], reported: tuple[str, ...], measures: tuple[str, ...],
                lessons: tuple[str, ...], followups: tuple[str, ...], followup_responsible: str | None,
                followup_deadline: str | None, normal_operation: str | None, closed: str | None, actor: str | None,
                fmt: str) -> None:
    """Einen Sicherheitsvorfall erfassen; Folgemaßnahmen kommen in den Realisierungsplan."""
    from ..app.emergency import add_incident
    from ..app.registers import typed_text
    from ..errors import UsageError

    when = date_value(day, "--date")
    assert when is not None
    reports = []
    for item in reported:
        to, sep, on = item.rpartition("=")
        if not sep or not to.strip():
            raise UsageError(f"--reported '{item[:60]}': erwartet STELLE=JJJJ-MM-TT, z. B. 'CERT-rlp=2026-02-11'.")
        reported_on = date_value(on, "--reported")
        assert reported_on is not None
        if reported_on < when:
            raise UsageError(f"--reported '{item[:60]}': gemeldet vor dem Vorfall.")
        reports.append({"to": typed_text(to, "--reported", limit=300), "date": reported_on})
    closed_on = date_value(closed, "--closed")
    if closed_on is not None and closed_on < when:
        raise UsageError(f"--closed {closed_on.isoformat()}: abgeschlossen vor dem Vorfall am {when.isoformat()}.")
    if (followup_responsible or followup_deadline) and not followups:
        raise UsageError("--followup-responsible und --followup-deadline nur mit --followup.")
    values = {
        "date": when, "title": typed_text(title, "--title"), "category": category, "severity": severity,
        "affected": [typed_text(a, "--affected", limit=100) for a in affected], "reported": reports,
        "measures": [typed_text(m, "--measure", limit=5000) for m in measures],
        "lessons": [typed_text(m, "--lesson", limit=5000) for m in lessons],
        "normal_operation": date_value(normal_operation, "--normal-operation"), "closed": closed_on,
    }
    selected = session.one_county(county)
    entry = add_incident(session, selected, values, followups=[str(typed_text(f, "--followup")) for f in followups],
                         followup_responsible=typed_text(followup_responsible, "--followup-responsible", limit=500) or "",
                         followup_deadline=date_value(followup_deadline, "--followup-deadline"), actor=actor_name(actor))
    if fmt == "json":
        emit_json({"county": selected.key, "incident": entry})
        return
    click.echo(f"Erfasst: Vorfall {entry['id']} ({selected.profile.name}) – {entry['title']}"
               + (f"; Folgemaßnahmen im Realisierungsplan: {', '.join(entry['followups'])}" if entry["followups"] else ""))


@incident.command("list")
@county_option
@format_option()
@click.pass_obj
def list_command(session: "Session", county: str | None, fmt: str) -> None:
    """Die Sicherheitsvorfälle je Landkreis mit Meldungen und Folgemaßnahmen."""
    from ..app.emergency import load_incidents

    found = [(c, load_incidents(session, c)) for c in session.select_counties(county)]
    if fmt == "json":
        emit_json({"counties": [{"county": c.key, "name": c.profile.name,
                                 "file": session.workspace.layout.relative(c.layout.incidents),
                                 "incidents": [i.as_dict() for i in items]} for c, items in found]})
        return
    for selected, items in found:
        click.echo("")
        if not items:
            click.echo(f"Sicherheitsvorfälle – Landkreis {selected.profile.name}: keine erfasst.")
            continue
        print_table(
            ["Vorfall", "Datum", "Kategorie", "Schwere", "betroffen", "gemeldet", "Folgemaßnahmen", "Normalbetrieb"],
            [(i.id, date_de(i.date), i.category_label, i.severity, ", ".join(i.affected) or "–",
              "; ".join(f"{r.to} {date_de(r.on)}" for r in i.reported) or "–", ", ".join(i.followups) or "–",
              date_de(i.normal_operation) + (f" ({i.downtime_days} Tage)" if i.downtime_days else ""))
             for i in items],
            title=f"Sicherheitsvorfälle – Landkreis {selected.profile.name}")
