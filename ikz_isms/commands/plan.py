"""Built-in plugin: ``ikz-isms plan`` — the Realisierungsplan (measures for the gaps of the check)."""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any

import click

from ..errors import InputError, NotFoundError, UsageError
from ..hookspecs import hookimpl
from ..output import emit_json, format_option, plural_de, print_table, to_json
from .assess import _assessment, _one_county, _select_counties, county_option

CSV_HEADERS = (
    "Landkreis", "Maßnahme", "Anforderung", "Titel", "Zielobjekt", "Verantwortlich", "Frist",
    "Kosten (EUR)", "Priorität", "Stand", "überfällig", "Lückenstatus", "Beschreibung", "Hinweis",
)


def _today(as_of: str | None) -> _dt.date:
    from ..assess.plan import parse_deadline

    if as_of is None:
        return _dt.date.today()
    try:
        return parse_deadline(as_of)
    except ValueError as exc:
        raise InputError(f"--as-of: {exc}") from None


def date_de(value: _dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


def _county_plan(app: Any, county: Any, cache: dict[str, Any], today: _dt.date,
                 overdue: bool, states: tuple[str, ...]) -> tuple[dict[str, Any], list[Any]]:
    """The JSON document of one county's plan (filtered) and the measures it shows."""
    from ..assess.plan import load_plan, plan_notes, plan_path, totals

    measures = load_plan(county)
    notes = plan_notes(_assessment(app, county, cache), measures) if measures else {}
    shown = [
        m for m in measures
        if (not overdue or m.is_overdue(today)) and (not states or m.state in states)
    ]
    document = {
        "county": county.key,
        "name": county.profile.name,
        "classification": county.profile.classification,
        "plan_file": os.path.relpath(plan_path(county), app.workspace.root),
        "exists": plan_path(county).exists(),
        "measures": [
            {**m.as_dict(), "overdue": m.is_overdue(today), "note": notes.get(m.id)} for m in shown
        ],
        "totals": totals(shown, today),
    }
    return document, shown


def _csv(plans: list[dict[str, Any]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for plan in plans:
        for m in plan["measures"]:
            writer.writerow([
                plan["name"], m["id"], m["requirement"], m["title"], m["target"], m["responsible"],
                date_de(_dt.date.fromisoformat(m["deadline"])) if m["deadline"] else "",
                m["cost"].replace(".", ",") if m["cost"] is not None else "",
                m["priority"], m["state"], "ja" if m["overdue"] else "nein", m["gap_status"],
                m["description"], m["note"] or "",
            ])
    return "\ufeff" + buffer.getvalue()


def _print_plan(plan: dict[str, Any], shown: list[Any], today: _dt.date) -> None:
    from ..assess.plan import STATES, money_de

    click.echo("")
    title = f"Realisierungsplan – Landkreis {plan['name']} – {plan['classification']} (Stichtag {date_de(today)})"
    if not plan["exists"]:
        click.echo(f"{title}: noch kein Plan – mit 'ikz-isms plan update --county {plan['county']}' anlegen.")
        return
    if not plan["measures"]:
        click.echo(f"{title}: keine Maßnahmen in der Auswahl.")
        return
    rows = []
    for m, obj in zip(plan["measures"], shown):
        deadline = date_de(obj.deadline)
        if m["overdue"]:
            deadline += " überfällig"
        rows.append((
            m["id"], f"{m['requirement']} {m['title']}", m["target"], m["responsible"] or "–",
            deadline, money_de(obj.cost), m["priority"], m["state"],
        ))
    print_table(
        ["Maßnahme", "Anforderung", "Zielobjekt", "Verantwortlich", "Frist", "Kosten", "Prio", "Stand"],
        rows, title=title, right_align=(5, 6),
    )
    per_state = plan["totals"]["per_state"]
    print_table(
        ["Stand", "Maßnahmen", "Kosten"],
        [(s, per_state[s]["count"], money_de(per_state[s]["cost"])) for s in STATES]
        + [("gesamt", plan["totals"]["count"], money_de(plan["totals"]["cost"]))],
        title=f"Summen je Stand – überfällig: {plan['totals']['overdue']}",
        right_align=(1, 2),
    )
    for m in plan["measures"]:
        if m["note"]:
            click.echo(f"Hinweis {m['id']} ({m['requirement']} auf {m['target']}): {m['note']}")


def _write_output(output: str | None, text: str) -> None:
    from ..store import atomic_write

    if output:
        atomic_write(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)


@click.group("plan", invoke_without_command=True)
@county_option
@format_option("text", "json", "csv")
@click.option("--overdue", is_flag=True, help="Nur überfällige Maßnahmen zeigen.")
@click.option("--state", "states", multiple=True,
              type=click.Choice(["geplant", "in Umsetzung", "umgesetzt", "verworfen"]),
              help="Nur Maßnahmen in diesem Stand (mehrfach möglich).")
@click.option("--as-of", help="Stichtag für 'überfällig' (JJJJ-MM-TT, sonst heute).")
@click.option("--output", type=click.Path(dir_okay=False), help="In diese Datei schreiben statt auf die Konsole.")
@click.pass_context
def plan(ctx, county, fmt, overdue, states, as_of, output):
    """Realisierungsplan: Maßnahmen zu den Lücken (nein/teilweise) des IT-Grundschutz-Checks."""
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.obj
    today = _today(as_of)
    cache: dict[str, Any] = {}
    plans = [_county_plan(app, c, cache, today, overdue, states) for c in _select_counties(app, county)]
    documents = [document for document, _ in plans]
    if fmt == "csv":
        _write_output(output, _csv(documents))
        return
    if fmt == "json":
        _write_output(output, to_json({"as_of": today, "counties": documents}) + "\n")
        return
    if output:
        raise UsageError("--output nur mit --format json oder csv.")
    for document, shown in plans:
        _print_plan(document, shown, today)


def update_plan(county: Any, assessment: Any, today: _dt.date) -> dict[str, Any]:
    """Create or refresh the county's ``plan.yaml`` from the current gaps (locked, atomic, comments kept)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from ..schemas import schema_problems
    from ..assess.plan import DERIVED_FIELDS, build_plan, parse_plan, plan_notes, plan_path, read_plan_document
    from ..store import update_yaml

    path = plan_path(county)
    if path.exists():
        parse_plan(read_plan_document(path), str(path))
    summary = {"county": county.key, "name": county.profile.name, "added": [], "refreshed": [], "closed": []}

    def mutate(document: Any) -> list[Any]:
        problems = schema_problems(document, "plan")
        if problems:
            raise InputError(problems[0].message, path=str(path), location=problems[0].location)
        existing = parse_plan(document, str(path))
        measures = build_plan(assessment, existing, today)
        if document.get("massnahmen") is None:
            document["massnahmen"] = CommentedSeq()
        items = document["massnahmen"]
        index = {str(item["id"]): item for item in items}
        for measure in measures:
            values = measure.as_dict()
            values["deadline"] = measure.deadline
            entry = index.get(measure.id)
            if entry is None:
                entry = CommentedMap()
                for name in ("id", "requirement", "target", "title", "description", "responsible", "deadline",
                             "cost", "priority", "state", *DERIVED_FIELDS[1:]):
                    if values[name] is not None or name in ("deadline", "cost"):
                        entry[name] = values[name]
                items.append(entry)
                summary["added"].append(measure.id)
                continue
            changed = False
            for name in DERIVED_FIELDS:
                if values[name] is not None and entry.get(name) != values[name]:
                    entry[name] = values[name]
                    changed = True
            if entry.get("state") != measure.state:
                entry["state"] = measure.state
                entry.yaml_add_eol_comment(f"# Lücke laut Check geschlossen ({today.isoformat()})", "state")
                summary["closed"].append(measure.id)
            elif changed:
                summary["refreshed"].append(measure.id)
        return measures

    measures = update_yaml(path, mutate, default=_empty_plan)
    notes = plan_notes(assessment, measures)
    summary["measures"] = len(measures)
    summary["notes"] = [{"id": k, "note": v} for k, v in notes.items()]
    summary["plan_file"] = str(path)
    return summary


def _empty_plan() -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    document = CommentedMap()
    document["massnahmen"] = CommentedSeq()
    document.yaml_set_start_comment(
        "Realisierungsplan: je Lücke (nein/teilweise) des IT-Grundschutz-Checks eine Maßnahme.\n"
        "Bearbeitbar: title, description, responsible, deadline (JJJJ-MM-TT), cost (Euro, z. B. '1234.50'),\n"
        "state (geplant | in Umsetzung | umgesetzt | verworfen). 'ikz-isms plan update' ergänzt neue Lücken\n"
        "und aktualisiert priority, gap_status, level, modal_verb, effort; Ihre Angaben bleiben erhalten."
    )
    return document


@plan.command("update")
@county_option
@click.option("--as-of", help="Stichtag (JJJJ-MM-TT, sonst heute).")
@format_option()
@click.pass_obj
def update_command(app, county, as_of, fmt):
    """plan.yaml aus den aktuellen Lücken anlegen oder auffrischen (Ihre Angaben bleiben erhalten)."""
    today = _today(as_of)
    cache: dict[str, Any] = {}
    results = [update_plan(c, _assessment(app, c, cache), today) for c in _select_counties(app, county)]
    if fmt == "json":
        for entry in results:
            entry["plan_file"] = os.path.relpath(entry["plan_file"], app.workspace.root)
        emit_json({"counties": results})
        return
    for entry in results:
        click.echo(
            f"Realisierungsplan {entry['name']}: {plural_de(entry['measures'], 'Maßnahme', 'Maßnahmen')}, "
            f"{len(entry['added'])} neu, {len(entry['refreshed'])} aufgefrischt, "
            f"{len(entry['closed'])} als umgesetzt markiert (Lücke geschlossen) – "
            f"{os.path.relpath(entry['plan_file'], app.workspace.root)}"
        )
        for note in entry["notes"]:
            click.echo(f"Hinweis {note['id']}: {note['note']}")


@plan.command("set")
@click.argument("measure_id", metavar="MASSNAHME")
@click.option("--responsible", help="Verantwortlich.")
@click.option("--deadline", help="Frist (JJJJ-MM-TT).")
@click.option("--cost", help="Kostenschätzung in Euro (1234.50 oder 1.234,50).")
@click.option("--state", help="Stand: geplant, in Umsetzung, umgesetzt, verworfen.")
@click.option("--title", help="Titel der Maßnahme.")
@click.option("--description", help="Beschreibung der Maßnahme.")
@county_option
@format_option()
@click.pass_obj
def set_command(app, measure_id, responsible, deadline, cost, state, title, description, county, fmt):
    """Eine Maßnahme ändern: Verantwortlich, Frist, Kosten, Stand, Titel, Beschreibung."""
    from ..schemas import schema_problems
    from ..store import plain
    from ..assess.plan import STATES, money_de, parse_deadline, parse_money, parse_plan, plan_path, read_plan_document
    from ..store import update_yaml

    changes: dict[str, Any] = {}
    try:
        if deadline is not None:
            changes["deadline"] = parse_deadline(deadline)
        if cost is not None:
            changes["cost"] = f"{parse_money(cost):.2f}"
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if state is not None:
        if state not in STATES:
            raise InputError(f"unbekannter Stand '{state}' (erlaubt: {', '.join(STATES)}).")
        changes["state"] = state
    for name, value in (("responsible", responsible), ("title", title), ("description", description)):
        if value is not None:
            changes[name] = value
    if not changes:
        raise UsageError("Nichts zu ändern: mindestens eine Option angeben.")
    selected = _one_county(app, county)
    path = plan_path(selected)
    if not path.exists():
        raise NotFoundError(
            f"Landkreis {selected.profile.name} hat noch keinen Realisierungsplan "
            f"(ikz-isms plan update --county {selected.key}).",
            path=str(path),
        )
    parse_plan(read_plan_document(path), str(path))

    def mutate(document: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        problems = schema_problems(document, "plan")
        if problems:
            raise InputError(problems[0].message, path=str(path), location=problems[0].location)
        entry = next((i for i in document.get("massnahmen") or [] if str(i["id"]) == measure_id), None)
        if entry is None:
            raise NotFoundError(f"Maßnahme '{measure_id}' gibt es im Plan nicht.", path=str(path))
        old = plain(entry)
        for name, value in changes.items():
            entry[name] = value
        return old, plain(entry)

    old, new = update_yaml(path, mutate)
    if fmt == "json":
        emit_json({"county": selected.key, "id": measure_id, "old": old, "new": new})
        return
    shown = []
    for name in changes:
        before, after = old.get(name), new.get(name)
        if name == "cost":
            before = money_de(parse_money(before)) if before not in (None, "") else "–"
            after = money_de(parse_money(after))
        elif name == "deadline":
            before = date_de(parse_deadline(before)) if before else "–"
            after = date_de(parse_deadline(after))
        shown.append(f"{LABELS[name]} {before or '–'} → {after}")
    click.echo(f"Gespeichert: Maßnahme {measure_id} ({selected.profile.name}): " + ", ".join(shown))


LABELS = {
    "responsible": "Verantwortlich", "deadline": "Frist", "cost": "Kosten", "state": "Stand",
    "title": "Titel", "description": "Beschreibung",
}


def plan_rule(ctx: Any) -> Any:
    """``county.plan``: each county's plan.yaml is readable, schema-valid, with real dates and amounts."""
    from ..schemas import schema_problems
    from ..store import read_yaml
    from ..assess.plan import parse_plan, plan_path
    from ..checks import ERROR, Finding
    from ..county import load_counties

    if ctx.workspace is None:
        return
    counties = load_counties(ctx.pm, ctx.workspace)
    for key in ctx.workspace.members:
        if key not in counties or not plan_path(counties[key]).exists():
            continue
        path = plan_path(counties[key])
        shown = os.path.relpath(path, ctx.workspace.root)
        try:
            document = read_yaml(path)
            if document is None:
                yield Finding("county.plan.invalid", ERROR, "Datei ist leer.", shown)
                continue
            problems = schema_problems(document, "plan")
            for problem in problems:
                yield Finding("county.plan.schema", ERROR, problem.message, shown, problem.location)
            if not problems:
                parse_plan(document, shown)
        except InputError as exc:
            yield Finding("county.plan.invalid", ERROR, exc.message, shown, exc.location or "")


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(plan)


@hookimpl
def ikz_register_check_rules(register):
    register("county.plan", plan_rule, "Realisierungsplan (plan.yaml): Schema, gültige Fristen und Beträge, eindeutige IDs")
