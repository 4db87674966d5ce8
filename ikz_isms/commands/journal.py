"""Built-in plugin: ``ikz-isms journal show|verify`` and the ``journal.chain`` check rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..errors import ExitCode
from ..output import emit_json, print_table
from ..present import datetime_de, plural_de
from .options import actor_name, actor_option, county_option, format_option

if TYPE_CHECKING:
    from ..app.session import Session


@click.group("journal")
def journal_group() -> None:
    """Änderungsjournal der Prüfeinträge: anzeigen und Hash-Kette prüfen."""


@journal_group.command("verify")
@county_option
@click.option("--against", metavar="REVISION",
              help="Zusätzlich mit dem Journal in dieser git-Revision vergleichen: es darf nur verlängert werden.")
@format_option()
@click.pass_context
def verify_command(ctx: click.Context, county: str | None, against: str | None, fmt: str) -> None:
    """Hash-Kette des Journals prüfen: Exit-Code 1, wenn ein Eintrag verändert, gelöscht oder umgestellt wurde
    oder die Prüfeinträge vom letzten Journalstand abweichen (z. B. Journal am Ende gekürzt).

    Mit --against REVISION (z. B. origin/main in der Pipeline eines Merge-Requests) muss das
    Journal außerdem das dort eingecheckte Journal Eintrag für Eintrag fortsetzen: so fällt
    auch eine vollständig neu berechnete Kette auf."""
    from ..app.journals import compare_with_base, verify_county

    session = ctx.obj
    results = [verify_county(session, c) for c in session.select_counties(county)]
    if against:
        for result, selected in zip(results, session.select_counties(county), strict=True):
            base_problems = compare_with_base(session, selected, against)
            if base_problems:
                result["problems"].extend(base_problems)
                result["intact"] = False
    broken = [r for r in results if not r["intact"]]
    if fmt == "json":
        emit_json({"intact": not broken, "against": against, "counties": results})
    else:
        for result in results:
            if result["intact"]:
                state = "keine Einträge" if not result["entries"] else plural_de(result["entries"], "Eintrag", "Einträge")
                click.echo(f"{result['name']}: Journal intakt ({state}) – {result['file']}")
        if broken:
            print_table(
                ["Landkreis", "Datei", "Zeile", "Problem"],
                [(r["name"], r["file"], p["line"] or "–", p["message"]) for r in broken for p in r["problems"]],
                title="Journal verändert oder lückenhaft",
                right_align=(2,),
            )
            click.echo(f"Prüfung fehlgeschlagen: {len(broken)} Journal(e) verändert, lückenhaft oder nicht auf dem Stand der Prüfeinträge.")
    if broken:
        ctx.exit(int(ExitCode.FINDINGS))


def _summary(old: Any, new: Any) -> str:
    """``nein → ja`` plus the other fields that changed, e.g. ``(responsible, statement)``."""
    old = old or {}
    new = new or {}
    if not isinstance(old, dict) or not isinstance(new, dict) or ("status" not in old and "status" not in new):
        # a change of the structure or modelling (target:…, approach, exclusion:…): what happened, which fields
        what = "neu" if not old else ("entfernt" if not new else "geändert")
        fields = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k)) \
            if old and new and isinstance(old, dict) and isinstance(new, dict) else []
        return f"{what} ({', '.join(fields)})" if fields else what
    before = old.get("status", "neu") if old else "neu"
    text = f"{before} → {new.get('status', '–')}"
    changed = sorted(k for k in set(old) | set(new) if k != "status" and old.get(k) != new.get(k) and old)
    return f"{text} ({', '.join(changed)})" if changed else text


@journal_group.command("show")
@county_option
@click.option("--limit", type=click.IntRange(min=1), help="Nur die letzten N Einträge je Landkreis.")
@format_option()
@click.pass_obj
def show_command(session: Session, county: str | None, limit: int | None, fmt: str) -> None:
    """Einträge des Journals: wer, wann, welcher Prüfeintrag, alt → neu."""
    from ..app.journals import read_journal

    result: list[dict[str, Any]] = []
    for selected in session.select_counties(county):
        read = read_journal(session, selected)
        entries = read.entries if read else []
        if read and read.problems:
            first = read.problems[0]
            session.warn(f"Journal von {selected.profile.name} ist beschädigt (Zeile {first.line}: {first.message}); "
                         "ikz-isms journal verify zeigt alle Stellen.")
        if limit:
            entries = entries[-limit:]
        result.append({"county": selected.key, "name": selected.profile.name, "entries": entries})
    if fmt == "json":
        emit_json({"counties": result})
        return
    for entry in result:
        if not entry["entries"]:
            click.echo(f"{entry['name']}: Journal leer.")
            continue
        print_table(
            ["Nr.", "Zeitpunkt", "wer", "Prüfeintrag", "alt → neu"],
            [
                (e.get("seq"), datetime_de(str(e.get("time", ""))), e.get("actor"),
                 str(e.get("record", "")).replace("@", " auf "), _summary(e.get("old"), e.get("new")))
                for e in entry["entries"]
            ],
            title=f"Änderungsjournal – Landkreis {entry['name']}",
            right_align=(0,),
        )


@journal_group.command("baseline")
@county_option
@click.option("--reason", required=True, help="Warum das Journal (neu) beginnt, z. B. „Übernahme der Altdaten“.")
@actor_option
@format_option()
@click.pass_obj
def baseline_command(session: Session, county: str | None, reason: str, actor: str | None, fmt: str) -> None:
    """Heutigen Stand als Ausgangspunkt eines fehlenden oder leeren Journals festhalten (mit Begründung)."""
    from ..app.journals import baseline

    selected = session.one_county(county)
    count = baseline(session, selected, reason=reason, actor=actor_name(actor))
    if fmt == "json":
        emit_json({"county": selected.key, "records": count})
        return
    click.echo(f"Journal von {selected.profile.name} beginnt mit dem heutigen Stand: "
               f"{plural_de(count, 'Prüfeintrag', 'Prüfeinträge')} festgehalten (Begründung: {reason.strip()}).")
