"""Built-in plugin: ``ikz-isms journal show|verify`` and the ``journal.chain`` check rule."""

from __future__ import annotations

import os
from typing import Any

import click

from ..errors import ExitCode
from ..hookspecs import hookimpl
from ..output import emit_json, format_option, plural_de, print_table
from .assess import _select_counties, county_option


def _shown(app_root: Any, path: Any) -> str:
    try:
        return os.path.relpath(path, app_root)
    except ValueError:
        return str(path)


def verify_county(county: Any, root: Any) -> dict[str, Any]:
    """The chain check of one county's journal as a plain dict (entries, problems with line)."""
    from .. import journal

    from ..assess.records import load_records
    from ..errors import InputError

    path = county.journal_path
    problems = journal.verify(path)
    if not problems:
        try:
            current = {f"{r.requirement}@{r.target}": r.as_dict() for r in load_records(county.records_path, roundtrip=False)}
        except InputError:
            current = None  # an unreadable records file is the records rules' finding
        if current is not None:
            differing = journal.unjournaled(path, current)
            if differing:
                more = f" und {len(differing) - 3} weitere" if len(differing) > 3 else ""
                problems.append(journal.JournalProblem(
                    0,
                    f"{len(differing)} Prüfeinträge weichen vom letzten Journalstand ab "
                    f"({', '.join(differing[:3])}{more}): Änderung am Journal vorbei oder "
                    "Journal am Ende gekürzt",
                ))
    entries = 0
    if path.exists():
        with open(path, encoding="utf-8") as handle:
            entries = sum(1 for line in handle if line.strip())
    return {
        "county": county.key,
        "name": county.profile.name,
        "file": _shown(root, path),
        "exists": path.exists(),
        "entries": entries,
        "intact": not problems,
        "problems": [{"line": p.line, "message": p.message} for p in problems],
    }


@click.group("journal")
def journal_group():
    """Änderungsjournal der Prüfeinträge: anzeigen und Hash-Kette prüfen."""


@journal_group.command("verify")
@county_option
@format_option()
@click.pass_context
def verify_command(ctx, county, fmt):
    """Hash-Kette des Journals prüfen: Exit-Code 1, wenn ein Eintrag verändert, gelöscht oder umgestellt wurde
    oder die Prüfeinträge vom letzten Journalstand abweichen (z. B. Journal am Ende gekürzt)."""
    app = ctx.obj
    results = [verify_county(c, app.workspace.root) for c in _select_counties(app, county)]
    broken = [r for r in results if not r["intact"]]
    if fmt == "json":
        emit_json({"intact": not broken, "counties": results})
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
    before = old.get("status", "neu") if old else "neu"
    text = f"{before} → {new.get('status', '–')}"
    changed = sorted(k for k in set(old) | set(new) if k != "status" and old.get(k) != new.get(k) and old)
    return f"{text} ({', '.join(changed)})" if changed else text


@journal_group.command("show")
@county_option
@click.option("--limit", type=click.IntRange(min=1), help="Nur die letzten N Einträge je Landkreis.")
@format_option()
@click.pass_obj
def show_command(app, county, limit, fmt):
    """Einträge des Journals: wer, wann, welcher Prüfeintrag, alt → neu."""
    from .. import journal

    result = []
    for selected in _select_counties(app, county):
        entries = journal.read(selected.journal_path)
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
            ["Nr.", "Zeitpunkt (UTC)", "wer", "Prüfeintrag", "alt → neu"],
            [
                (e.get("seq"), str(e.get("time", "")).replace("T", " ").replace("+00:00", ""), e.get("actor"),
                 str(e.get("record", "")).replace("@", " auf "), _summary(e.get("old"), e.get("new")))
                for e in entry["entries"]
            ],
            title=f"Änderungsjournal – Landkreis {entry['name']}",
            right_align=(0,),
        )


def chain_rule(ctx: Any) -> Any:
    """``journal.chain``: every member county's journal has an unbroken hash chain."""
    from ..checks import ERROR, Finding
    from ..county import load_counties

    if ctx.workspace is None:
        return
    counties = load_counties(ctx.pm, ctx.workspace)
    for key in ctx.workspace.members:
        if key not in counties:
            continue
        result = verify_county(counties[key], ctx.workspace.root)
        for problem in result["problems"]:
            yield Finding(
                "journal.chain", ERROR,
                f"Journal von {result['name']}: {problem['message']} (ikz-isms journal verify)",
                result["file"], f"Zeile {problem['line']}" if problem["line"] else "",
            )


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(journal_group)


@hookimpl
def ikz_register_check_rules(register):
    register("journal.chain", chain_rule, "Änderungsjournal: Hash-Kette jedes Landkreises unverändert und lückenlos")
