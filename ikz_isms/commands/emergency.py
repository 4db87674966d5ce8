"""Built-in plugin: ``ikz-isms emergency`` — plans, mutual aid, joint exercises and the Verbund emergency view."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..output import emit_json, print_table
from ..present import date_de, plural_de
from .options import (
    OUTPUT_FILE,
    actor_name,
    actor_option,
    as_of_option,
    county_option,
    date_value,
    format_option,
    unread_counties_end,
)

if TYPE_CHECKING:
    from ..app.session import Session

EXERCISE_TYPE = click.Choice(["planbesprechung", "alarmierungsuebung", "stabsuebung", "funktionstest", "notfalluebung"])


@click.group("emergency")
def emergency() -> None:
    """Notfallplanung (BSI-Standard 200-4): Wiederanlaufpläne, Alarmierung, gegenseitige Hilfe, Übungen, Handbuch."""


@emergency.command("recovery")
@click.argument("target", metavar="ZIELOBJEKT")
@county_option
@click.option("--restore", metavar="DAUER", help="Dauer der Wiederherstellung laut letztem Test, z. B. 8h.")
@click.option("--backup-interval", metavar="DAUER", help="Abstand der Datensicherungen, z. B. 4h oder 1d.")
@click.option("--tested", metavar="JJJJ-MM-TT", help="Tag des letzten Wiederherstellungstests.")
@click.option("--offline-copy/--no-offline-copy", default=None, help="Gibt es eine vom Netz getrennte Sicherungskopie?")
@click.option("--responsible", help="Verantwortlich für den Wiederanlauf.")
@click.option("--step", "steps", multiple=True, metavar="TEXT",
              help="Schritt des Wiederanlaufs (mehrfach, in Reihenfolge; ersetzt die bisherigen Schritte).")
@click.option("--note", help="Anmerkung.")
@actor_option
@format_option()
@click.pass_obj
def recovery_command(session: "Session", target: str, county: str | None, restore: str | None,
                     backup_interval: str | None, tested: str | None, offline_copy: bool | None,
                     responsible: str | None, steps: tuple[str, ...], note: str | None, actor: str | None,
                     fmt: str) -> None:
    """Wiederanlaufplan eines Systems festlegen: Wiederherstellungsdauer, Sicherungsabstand, Test, Schritte."""
    from ..app.emergency import set_recovery
    from ..app.registers import typed_duration, typed_text
    from ..errors import UsageError

    values: dict[str, Any] = {
        "restore": typed_duration(restore, "--restore"), "backup_interval": typed_duration(backup_interval,
                                                                                           "--backup-interval"),
        "tested": date_value(tested, "--tested"), "offline_copy": offline_copy,
        "responsible": typed_text(responsible, "--responsible", limit=1000),
        "steps": [typed_text(s, "--step", limit=2000) for s in steps] or None,
        "note": typed_text(note, "--note", limit=20000),
    }
    values = {k: v for k, v in values.items() if v is not None}
    if not values:
        raise UsageError("Nichts zu ändern: mindestens eine Option angeben.")
    if "tested" in values and values["tested"] > session.today:
        raise UsageError("--tested liegt in der Zukunft.")
    selected = session.one_county(county)
    entry = set_recovery(session, selected, target, values, actor=actor_name(actor))
    if fmt == "json":
        emit_json({"county": selected.key, "recovery": entry})
        return
    click.echo(f"Gespeichert: Wiederanlaufplan {target} ({selected.profile.name}): Wiederherstellung "
               f"{entry.get('restore') or '–'}, Sicherung alle {entry.get('backup_interval') or '–'}, "
               f"Test {date_de(entry.get('tested'))}")


@emergency.command("contact")
@click.argument("role", metavar="ROLLE")
@county_option
@click.option("--name", help="Wer die Rolle innehat.")
@click.option("--phone", help="Telefon (auch außerhalb der Dienstzeit).")
@click.option("--email", help="E-Mail.")
@click.option("--deputy", help="Vertretung.")
@click.option("--reachable", help="Erreichbarkeit, z. B. 24/7 oder Mo–Fr 7–18 Uhr.")
@actor_option
@format_option()
@click.pass_obj
def contact_command(session: "Session", role: str, county: str | None, name: str | None, phone: str | None,
                    email: str | None, deputy: str | None, reachable: str | None, actor: str | None, fmt: str) -> None:
    """Eine Rolle des Alarmierungsplans besetzen: Name, Telefon, E-Mail, Vertretung, Erreichbarkeit."""
    from ..app.emergency import set_contact
    from ..app.registers import typed_text
    from ..errors import UsageError

    values = {"name": typed_text(name, "--name"), "phone": typed_text(phone, "--phone"),
              "email": typed_text(email, "--email"), "deputy": typed_text(deputy, "--deputy"),
              "reachable": typed_text(reachable, "--reachable")}
    values = {k: v for k, v in values.items() if v is not None}
    if not values:
        raise UsageError("Nichts zu ändern: mindestens eine Option angeben.")
    selected = session.one_county(county)
    entry = set_contact(session, selected, str(typed_text(role, "ROLLE", limit=300)), values, actor=actor_name(actor))
    if fmt == "json":
        emit_json({"county": selected.key, "contact": entry})
        return
    click.echo(f"Gespeichert: {entry['role']} ({selected.profile.name}): {entry.get('name') or '–'}, "
               f"{entry.get('phone') or '–'}")


@emergency.command("alarm")
@county_option
@format_option()
@click.pass_obj
def alarm_command(session: "Session", county: str | None, fmt: str) -> None:
    """Alarmierungs- und Eskalationsplan eines Landkreises: Rollen, Kontakte, Eskalationsstufen."""
    from ..app.emergency import continuity_view

    selected = session.one_county(county)
    document = continuity_view(session, selected).document()
    if fmt == "json":
        emit_json({"county": selected.key, "name": selected.profile.name, **document["alarm"]})
        return
    alarm = document["alarm"]
    print_table(["Rolle", "Name", "Telefon", "E-Mail", "Vertretung", "Erreichbarkeit"],
                [(c["role"], c["name"] or "–", c["phone"] or "–", c["email"] or "–", c["deputy"] or "–",
                  c["reachable"] or "–") for c in alarm["contacts"]],
                title=f"Alarmierungsplan – Landkreis {selected.profile.name}")
    print_table(["Stufe", "Kriterium", "informieren", "binnen", "entscheidet"],
                [(e["level"], e["criterion"] or "–", ", ".join(e["inform"]) or "–", e["within"] or "–",
                  e["decides"] or "–") for e in alarm["escalation"]],
                title="Eskalationsstufen")


@emergency.command("agreements")
@format_option()
@click.pass_obj
def agreements_command(session: "Session", fmt: str) -> None:
    """Vereinbarungen zur gegenseitigen Hilfe: wer welche Leistung für wen übernimmt, Bedingungen, Kontakte."""
    from ..app.emergency import agreements_view

    view = agreements_view(session)
    if fmt == "json":
        emit_json(view)
        return
    rows = []
    for agreement in view["agreements"]:
        for service in agreement["services"]:
            rows.append((agreement["id"], service["name"] or service["service"], service["provider"],
                         ", ".join(service["recipients"]), service["mode"], service["capacity"] or "–",
                         date_de(agreement["valid_until"]) + ("" if agreement["valid"] else " (nicht gültig)")))
    print_table(["Vereinbarung", "Leistung", "erbringt", "für", "Art", "Umfang", "gültig bis"], rows,
                title=f"Gegenseitige Hilfe im Verbund ({view['file']})")


@emergency.group("exercise")
def exercise() -> None:
    """Gemeinsame Notfallübungen: anzeigen (mit Überfälligem) und eintragen."""


@exercise.command("list")
@as_of_option("Stichtag für „überfällig“ (JJJJ-MM-TT, sonst heute).")
@format_option()
@click.pass_obj
def exercise_list(session: "Session", as_of: str | None, fmt: str) -> None:
    """Übungen mit Art, Datum, Teilnehmern, Ergebnis; überfällige Übungen und Folgemaßnahmen."""
    from ..app.emergency import exercises_view

    view = exercises_view(session, date_value(as_of, "--as-of"))
    if fmt == "json":
        emit_json(view)
        return
    print_table(["Übung", "Art", "Datum", "Titel", "Teilnehmer", "Stand", "Ergebnis"],
                [(e["id"], e["type_label"], date_de(e["date"]), e["title"], ", ".join(e["participants"]),
                  e["status"] + (" – überfällig" if e["overdue"] else ""), e["result_label"] or "–")
                 for e in view["exercises"]],
                title=f"Gemeinsame Übungen (mindestens alle {view['interval_months']} Monate)")
    if view["overdue"]:
        click.echo(f"Überfällig ({len(view['overdue'])}):")
        for item in view["overdue"]:
            click.echo(f"  {item['message']}")
    else:
        click.echo("Nichts überfällig.")


@exercise.command("add")
@click.option("--id", "ident", required=True, metavar="ID", help="Kennung, z. B. UE-2027-01.")
@click.option("--type", "kind", type=EXERCISE_TYPE, required=True, help="Übungsart nach BSI-Standard 200-4.")
@click.option("--date", "day", required=True, metavar="JJJJ-MM-TT", help="Tag der Übung.")
@click.option("--title", required=True, help="Titel.")
@click.option("--participant", "participants", multiple=True, required=True, metavar="LANDKREIS",
              help="Teilnehmender Landkreis (mehrfach).")
@click.option("--lead", metavar="LANDKREIS", help="Federführender Landkreis.")
@click.option("--scenario", help="Szenario.")
@click.option("--agreement", "agreements", multiple=True, metavar="VEREINBARUNG", help="Geübte Vereinbarung (mehrfach).")
@click.option("--service", "services", multiple=True, metavar="LEISTUNG", help="Geübte Leistung (mehrfach).")
@click.option("--status", type=click.Choice(["geplant", "durchgeführt", "abgesagt"]), default="durchgeführt",
              show_default=True, help="Stand der Übung.")
@click.option("--result", type=click.Choice(["erfolgreich", "mit-maengeln", "nicht-bestanden"]),
              help="Ergebnis (Pflicht bei durchgeführt).")
@click.option("--lesson", "lessons", multiple=True, metavar="TEXT", help="Erkenntnis (mehrfach).")
@format_option()
@click.pass_obj
def exercise_add(session: "Session", ident: str, kind: str, day: str, title: str, participants: tuple[str, ...],
                 lead: str | None, scenario: str | None, agreements: tuple[str, ...], services: tuple[str, ...],
                 status: str, result: str | None, lessons: tuple[str, ...], fmt: str) -> None:
    """Eine gemeinsame Übung (durchgeführt oder geplant) in catalogs/notfall/uebungen.yaml eintragen."""
    import re

    from ..app.emergency import add_exercise
    from ..app.registers import typed_text
    from ..errors import UsageError

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", ident):
        raise UsageError(f"--id '{ident[:40]}' ungültig (Buchstaben, Ziffern, Punkt, Bindestrich).")
    if status == "durchgeführt" and result is None:
        raise UsageError("--result fehlt: eine durchgeführte Übung hat ein Ergebnis.")
    if status != "durchgeführt" and result is not None:
        raise UsageError(f"--result nur für durchgeführte Übungen (Stand: {status}).")
    when = date_value(day, "--date")
    assert when is not None
    if status == "durchgeführt" and when > session.today:
        raise UsageError("--date liegt in der Zukunft: eine künftige Übung ist --status geplant.")
    values = {"id": ident, "type": kind, "date": when, "title": typed_text(title, "--title"), "status": status,
              "lead": lead, "scenario": typed_text(scenario, "--scenario", limit=5000),
              "participants": list(dict.fromkeys(participants)), "agreements": list(dict.fromkeys(agreements)),
              "services": list(dict.fromkeys(services)), "result": result,
              "lessons": [typed_text(x, "--lesson", limit=5000) for x in lessons]}
    entry = add_exercise(session, values)
    if fmt == "json":
        emit_json({"exercise": entry})
        return
    click.echo(f"Eingetragen: Übung {entry['id']} ({entry['title']}, {date_de(entry['date'])}) mit "
               f"{plural_de(len(entry['participants']), 'Landkreis', 'Landkreisen')}.")


@emergency.command("verbund")
@as_of_option()
@format_option()
@click.pass_obj
def verbund_command(session: "Session", as_of: str | None, fmt: str) -> None:
    """Notfallbild des Verbunds: kritische Prozesse und ihre Ausweichlösung, Landkreise ohne, Übungen, Vorfälle.

    Von jedem Landkreis nur, was seine Offenlegung erlaubt.
    """
    from ..app.emergency import verbund_emergency_view

    view = verbund_emergency_view(session, date_value(as_of, "--as-of"))
    if fmt == "json":
        emit_json(view)
        unread_counties_end(session)
        return
    day = view["as_of"]
    click.echo(f"Notfallplanung im Verbund {view['verbund']} – Stichtag {date_de(day)}")
    if view["critical_processes"]:
        print_table(["Landkreis", "Prozess", "Leistung", "Kritikalität", "Ausweichlösung im Verbund"],
                    [(c["name"], c["process"], c["service"] or "–", c["criticality"],
                      "; ".join(f"{o['provider_name']} {o['mode_label']} ({o['agreement']})" for o in c["fallback"])
                      or "KEINE") for c in view["critical_processes"]],
                    title="Kritische Geschäftsprozesse und ihre Ausweichlösung (Offenlegung full)")
    if view["without_fallback"]:
        click.echo("Ohne Ausweichlösung für kritische Geschäftsprozesse:")
        for row in view["without_fallback"]:
            which = f": {', '.join(row['processes'])}" if row.get("processes") else ""
            click.echo(f"  {row['name']} – {row['count']} von {row['critical']} kritischen Prozessen{which}")
    else:
        click.echo("Jeder offengelegte kritische Geschäftsprozess hat eine Ausweichlösung im Verbund.")
    rows = []
    for member in view["members"]:
        figures = member["figures"]
        if figures is None:
            rows.append((member["name"], member["policy"], "–", "–", "–", member["withheld"]))
            continue
        continuity = figures["continuity"]
        risks = figures["risks"]
        incidents = figures["incidents"]
        rows.append((member["name"], member["policy"], f"{continuity['with_fallback']}/{continuity['critical']}",
                     str(continuity["recovery_gaps"]),
                     ", ".join(f"{k} {v}" for k, v in risks["after"].items() if v) or "keine",
                     f"{incidents['count']} Vorfälle"))
    print_table(["Landkreis", "Offenlegung", "abgesichert", "Wiederanlauflücken", "Restrisiken", "Vorfälle"], rows,
                title="Landkreise (so weit ihre Offenlegung es erlaubt)")
    if view["overdue"]:
        click.echo(f"Überfällig ({len(view['overdue'])}):")
        for item in view["overdue"]:
            click.echo(f"  {item['message']}")
    for note in view["notes"]:
        click.echo(f"Hinweis: {note}")
    unread_counties_end(session)


@emergency.command("handbook")
@click.argument("county", metavar="[LANDKREIS]", required=False, envvar="IKZ_ISMS_COUNTY")
@click.option("--output", "-o", type=OUTPUT_FILE, help="PDF-Datei (Standard: notfallhandbuch-<landkreis>.pdf).")
@click.option("--author", help="Verfasser/in (sonst die/der ISB aus dem Profil).")
@click.option("--date", "date_text", metavar="JJJJ-MM-TT", help="Erstellungsdatum (sonst SOURCE_DATE_EPOCH, sonst heute).")
@format_option()
@click.pass_obj
def handbook_command(session: "Session", county: str | None, output: Path | None, author: str | None,
                     date_text: str | None, fmt: str) -> None:
    """Notfallhandbuch eines Landkreises als PDF: Alarmierung, BIA, Wiederanlaufpläne, Hilfe im Verbund, Übungen."""
    import hashlib

    from ..app.emergency import continuity_view, load_incidents
    from ..report.continuity import HandbookContext, handbook_pdf
    from ..report.model import report_date

    selected = session.one_county(county)
    path = output or Path(f"notfallhandbuch-{selected.key}.pdf")
    session.store.check_output(path)
    made = report_date(date_value(date_text, "--date"), session.today)
    ctx = HandbookContext(view=continuity_view(session, selected, made.date), incidents=load_incidents(session, selected),
                          verbund=session.workspace.name, members=_names(session),
                          author=author or selected.profile.isb.get("name") or "Informationssicherheitsbeauftragte/r",
                          date=made, interval_months=session.workspace.exercise_interval_months)
    pdf = handbook_pdf(ctx)
    session.store.write_output(path, pdf)
    _written(fmt, {"county": selected.key, "path": str(path), "bytes": len(pdf),
                   "sha256": hashlib.sha256(pdf).hexdigest(), "date": made.date.isoformat()}, made.date)


@emergency.command("plan")
@click.option("--output", "-o", type=OUTPUT_FILE, default=Path("notfallplan-verbund.pdf"), show_default=True,
              help="PDF-Datei; das Verzeichnis muss existieren.")
@click.option("--author", help="Verfasser/in (sonst „Lenkungskreis“).")
@click.option("--date", "date_text", metavar="JJJJ-MM-TT", help="Erstellungsdatum (sonst SOURCE_DATE_EPOCH, sonst heute).")
@format_option()
@click.pass_obj
def plan_command(session: "Session", output: Path, author: str | None, date_text: str | None, fmt: str) -> None:
    """Notfallplan des Verbunds als PDF: Ausweichlösungen, Landkreise ohne, Vereinbarungen, Übungen, Risiken."""
    import hashlib

    from ..app.emergency import verbund_emergency_view
    from ..county import DEFAULT_CLASSIFICATION
    from ..report.continuity import verbund_plan_pdf
    from ..report.model import report_date

    session.store.check_output(output)
    made = report_date(date_value(date_text, "--date"), session.today)
    view = verbund_emergency_view(session, made.date)
    markings = {c.profile.classification for c in session.members()}
    marking = markings.pop() if len(markings) == 1 else DEFAULT_CLASSIFICATION
    pdf = verbund_plan_pdf(view, author=author or "Lenkungskreis", marking=marking, date=made)
    session.store.write_output(output, pdf)
    _written(fmt, {"verbund": session.workspace.name, "path": str(output), "bytes": len(pdf),
                   "sha256": hashlib.sha256(pdf).hexdigest(), "date": made.date.isoformat()}, made.date)


def _names(session: "Session") -> dict[str, str]:
    counties = session.counties()
    return {key: counties[key].profile.name if key in counties else key for key in session.workspace.members}


def _written(fmt: str, info: dict[str, Any], day: Any) -> None:
    if fmt == "json":
        emit_json({"files": [info]})
        return
    click.echo(f"Geschrieben: {info['path']} (erstellt am {date_de(day)})")
