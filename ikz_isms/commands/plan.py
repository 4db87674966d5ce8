"""Built-in plugin: ``ikz-isms plan`` — the Realisierungsplan (measures for the gaps of the check)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..output import emit_json, print_table, to_json
from ..present import MEASURE_STATES, date_de, money_de, plural_de, shown_text, write_csv
from .options import (
    OUTPUT_FILE,
    actor_name,
    actor_option,
    as_of_option,
    county_option,
    date_value,
    format_option,
    write_output,
)

if TYPE_CHECKING:
    from ..app.session import Session
    from ..assess.plan import PlanView
    from ..county import County

CSV_HEADERS = (
    "Landkreis", "Maßnahme", "Anforderung", "Titel", "Zielobjekt", "Verantwortlich", "Frist",
    "Kosten (EUR)", "Priorität", "Stand", "überfällig", "Lückenstatus", "Beschreibung", "Hinweis",
)


def plan_document(county: "County", view: "PlanView", *, overdue: bool = False,
                  states: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON document of one county's plan (filtered as asked)."""
    shown = view.select(overdue=overdue, states=states)
    return {
        "county": county.key,
        "name": county.profile.name,
        "classification": county.profile.classification,
        "plan_file": view.path,
        "exists": view.exists,
        "as_of": view.as_of.isoformat(),
        "measures": [{**m.as_dict(), "overdue": view.overdue(m), "note": view.notes.get(m.id)} for m in shown],
        "unplanned": [{"requirement": r, "target": t, "status": s} for r, t, s in view.unplanned],
        "totals": view.totals(shown),
    }


def _csv(plans: list[tuple[dict[str, Any], "PlanView"]]) -> str:
    rows = []
    for plan, view in plans:
        for measure in view.select():
            if not any(m["id"] == measure.id for m in plan["measures"]):
                continue
            rows.append([
                plan["name"], measure.id, measure.requirement, measure.title, measure.target, measure.responsible,
                measure.deadline, measure.cost, measure.priority, measure.state,
                "ja" if view.overdue(measure) else "nein", measure.gap_status, measure.description,
                view.notes.get(measure.id) or "",
            ])
    return write_csv(CSV_HEADERS, rows)


def _print_plan(plan: dict[str, Any], view: "PlanView") -> None:
    click.echo("")
    title = (f"Realisierungsplan – Landkreis {plan['name']} – {plan['classification']} "
             f"(Stichtag {date_de(view.as_of)})")
    if not plan["exists"]:
        click.echo(f"{title}: noch kein Plan – mit 'ikz-isms plan update --county {plan['county']}' anlegen.")
        return
    selected = {d["id"] for d in plan["measures"]}
    shown = [m for m in view.measures if m.id in selected]
    if not shown:
        click.echo(f"{title}: keine Maßnahmen in der Auswahl.")
    else:
        rows = []
        for measure in shown:
            deadline = date_de(measure.deadline)
            if view.overdue(measure):
                deadline += " überfällig"
            rows.append((
                measure.id, f"{measure.requirement} {measure.title}", measure.target, measure.responsible or "–",
                deadline, money_de(measure.cost), measure.priority, measure.state,
            ))
        print_table(
            ["Maßnahme", "Anforderung", "Zielobjekt", "Verantwortlich", "Frist", "Kosten", "Prio", "Stand"],
            rows, title=title, right_align=(5, 6),
        )
        per_state = plan["totals"]["per_state"]
        print_table(
            ["Stand", "Maßnahmen", "Kosten"],
            [(s, per_state[s]["count"], money_de(per_state[s]["cost"])) for s in MEASURE_STATES]
            + [("gesamt", plan["totals"]["count"], money_de(plan["totals"]["cost"]))],
            title=f"Summen je Stand – überfällig: {plan['totals']['overdue']}",
            right_align=(1, 2),
        )
    for measure in shown:
        note = view.notes.get(measure.id)
        if note:
            click.echo(f"Hinweis {measure.id} ({measure.requirement} auf {measure.target}): {note}")
    if view.unplanned:
        click.echo(f"Hinweis: {plural_de(len(view.unplanned), 'Lücke', 'Lücken')} ohne Maßnahme – "
                   f"'ikz-isms plan update --county {plan['county']}' nimmt sie auf.")


@click.group("plan", invoke_without_command=True)
@county_option
@format_option("text", "json", "csv")
@click.option("--overdue", is_flag=True, help="Nur überfällige Maßnahmen zeigen.")
@click.option("--state", "states", multiple=True, type=click.Choice(list(MEASURE_STATES)),
              help="Nur Maßnahmen in diesem Stand (mehrfach möglich).")
@as_of_option("Stichtag für 'überfällig' (JJJJ-MM-TT, sonst heute).")
@click.option("--output", type=OUTPUT_FILE,
              help="In diese Datei schreiben statt auf die Konsole (mit --format json oder csv).")
@click.pass_context
def plan(ctx: click.Context, county: str | None, fmt: str, overdue: bool, states: tuple[str, ...],
         as_of: str | None, output: Path | None) -> None:
    """Realisierungsplan: Maßnahmen zu den Lücken (nein/teilweise) des IT-Grundschutz-Checks."""
    if ctx.invoked_subcommand is not None:
        return
    session = ctx.obj
    if output and fmt == "text":
        raise UsageError("--output nur mit --format json oder csv.")
    day = date_value(as_of, "--as-of") or session.today
    plans = []
    for selected in session.select_counties(county):
        view = session.plan_view(selected, day)
        plans.append((plan_document(selected, view, overdue=overdue, states=states), view))
    if fmt == "csv":
        write_output(session, output, _csv(plans))
    elif fmt == "json":
        write_output(session, output, to_json({"as_of": day, "counties": [p for p, _ in plans]}) + "\n")
    else:
        for document, view in plans:
            _print_plan(document, view)


@plan.command("update")
@county_option
@as_of_option("Stichtag (JJJJ-MM-TT, sonst heute).")
@actor_option
@format_option()
@click.pass_obj
def update_command(session: Session, county: str | None, as_of: str | None, actor: str | None, fmt: str) -> None:
    """plan.yaml aus den aktuellen Lücken anlegen oder auffrischen (Ihre Angaben bleiben erhalten)."""
    from ..app.plans import update_plan

    day = date_value(as_of, "--as-of") or session.today
    results = [update_plan(session, c, day, actor=actor_name(actor)) for c in session.select_counties(county)]
    if fmt == "json":
        emit_json({"counties": results})
        return
    for entry in results:
        click.echo(
            f"Realisierungsplan {entry['name']}: {plural_de(entry['measures'], 'Maßnahme', 'Maßnahmen')}, "
            f"{len(entry['added'])} neu, {len(entry['refreshed'])} aufgefrischt, "
            f"{len(entry['closed'])} als umgesetzt markiert (Lücke geschlossen) – {entry['plan_file']}"
        )
        for note in entry["notes"]:
            click.echo(f"Hinweis {note['id']}: {note['note']}")


LABELS = {
    "responsible": "Verantwortlich", "deadline": "Frist", "cost": "Kosten", "state": "Stand",
    "title": "Titel", "description": "Beschreibung",
}


@plan.command("set")
@click.argument("measure_id", metavar="MASSNAHME")
@click.option("--responsible", help="Verantwortlich.")
@click.option("--deadline", metavar="JJJJ-MM-TT", help="Frist (JJJJ-MM-TT).")
@click.option("--cost", help="Kostenschätzung in Euro (1234.50 oder 1.234,50).")
@click.option("--state", help="Stand: geplant, in Umsetzung, umgesetzt, verworfen.")
@click.option("--title", help="Titel der Maßnahme.")
@click.option("--description", help="Beschreibung der Maßnahme.")
@county_option
@actor_option
@format_option()
@click.pass_obj
def set_command(session: Session, measure_id: str, responsible: str | None, deadline: str | None, cost: str | None,
                state: str | None, title: str | None, description: str | None, county: str | None,
                actor: str | None, fmt: str) -> None:
    """Eine Maßnahme ändern: Verantwortlich, Frist, Kosten, Stand, Titel, Beschreibung."""
    from ..app.plans import set_measure
    from ..assess.plan import STATES, parse_money

    changes: dict[str, Any] = {}
    if deadline is not None:
        changes["deadline"] = date_value(deadline, "--deadline")
    if cost is not None:
        try:
            changes["cost"] = f"{parse_money(cost):.2f}"
        except ValueError as exc:
            raise UsageError(f"--cost: {exc}") from None
    if state is not None:
        if state not in STATES:
            raise UsageError(f"--state '{state}' unbekannt (erlaubt: {', '.join(STATES)}).")
        changes["state"] = state
    for name, value in (("responsible", responsible), ("title", title), ("description", description)):
        if value is not None:
            if not value.strip():
                raise UsageError(f"--{name} darf nicht leer sein.")
            changes[name] = value.strip()
    if not changes:
        raise UsageError("Nichts zu ändern: mindestens eine Option angeben.")
    selected = session.one_county(county)
    old, new = set_measure(session, selected, measure_id, changes, actor=actor_name(actor))
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
            before, after = date_de(before), date_de(after)
        # a confirmation, not the text again: long values (a description of pages) are shortened
        shown.append(f"{LABELS[name]} {shown_text(before, 120) if before else '–'} → {shown_text(after, 120)}")
    click.echo(f"Gespeichert: Maßnahme {measure_id} ({selected.profile.name}): " + ", ".join(shown))
