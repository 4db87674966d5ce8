"""Built-in plugin: ``ikz-isms model`` — the modelling of a county, from the command line.

Bausteine (Edition 2023) or target-object categories (Grundschutz++) per object with the rule
or a written reason, BSI's modelling rules as a suggestion, the approach (Vorgehensweise),
what is left out and why, and the county's parameter values (tailoring). Writes go through
:mod:`ikz_isms.app.structure`: validated, one journaled transaction each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..output import emit_json, print_table
from .options import actor_name, actor_option, county_option, format_option
from .targets import report_changes

if TYPE_CHECKING:
    from ..app.session import Session


@click.group("model")
def model_group() -> None:
    """Modellierung: Bausteine oder Zielobjektkategorien je Zielobjekt mit Begründung, Vorgehensweise, Auslassungen.

    Vorschläge nach den Modellierungsregeln des BSI zeigt „model suggest“; „model suggest --apply“
    übernimmt sie mit der Regel als Begründung. Was nicht modelliert wird, braucht eine
    schriftliche Begründung („model exclude“); „ikz-isms check“ meldet jede Lücke.
    """


@model_group.command("show")
@county_option
@click.option("--target", "target_id", metavar="ZIELOBJEKT", help="Nur dieses Zielobjekt.")
@format_option()
@click.pass_obj
def show_command(session: Session, county: str | None, target_id: str | None, fmt: str) -> None:
    """Modellierung je Zielobjekt mit Begründung, Vorgehensweise, Auslassungen und offenen Lücken."""
    from ..app.modelling import model_view

    views = [model_view(session, selected, target_id) for selected in session.select_counties(county)]
    if fmt == "json":
        emit_json({"counties": views})
        return
    for selected, view in zip(session.select_counties(county), views, strict=True):
        approach = view["approach"]
        chosen = "gewählt" if approach["chosen"] else "nicht gewählt, Standard der Edition"
        click.echo(f"Landkreis {selected.profile.name} – {view['catalog']['title']} ({view['catalog']['version']})")
        click.echo(f"Vorgehensweise: {approach['label']} ({chosen})"
                   + (f" – {approach['reason']}" if approach["reason"] else ""))
        if approach.get("core"):
            jewels = ", ".join(approach["kronjuwelen"]) or "keine markiert"
            click.echo(f"Kronjuwelen: {jewels}; {approach['core']['label']} umfasst: "
                       f"{', '.join(approach['core']['scope']) or '–'}")
        rows = []
        for target in view["targets"]:
            for index, module in enumerate(target["modules"] or [None]):
                rows.append((
                    target["id"] if index == 0 else "",
                    (module["id"] if module["title"] == "Zielobjektkategorie" else
                     f"{module['id']} {module['title']}") if module else "–",
                    module["why"] if module else "nicht modelliert",
                    target["in_scope"] if index == 0 else "",
                ))
        print_table(["Zielobjekt", view["modelling_label"], "Begründung", "anwendbar"], rows,
                    title=f"Modellierung ({approach['label']}: anwendbare Anforderungen je Zielobjekt)",
                    right_align=(3,))
        if view["exclusions"]:
            print_table(["ausgelassen", "Art", "Titel", "Begründung"],
                        [(e["ref"], e["kind"], e["title"], e["reason"]) for e in view["exclusions"]],
                        title="Nicht modelliert, mit Begründung")
        for item in view["left_out"]:
            click.echo(f"Lücke: {item['message']}")
        for problem in view["problems"]:
            click.echo(f"Warnung: {problem['message']}", err=True)


@model_group.command("suggest")
@county_option
@click.option("--target", "target_id", metavar="ZIELOBJEKT", help="Nur für dieses Zielobjekt.")
@click.option("--apply", "apply_", is_flag=True,
              help="Vorschläge übernehmen (mit der Regel als Begründung); Fragen bleiben zu entscheiden.")
@actor_option
@format_option()
@click.pass_obj
def suggest_command(session: Session, county: str | None, target_id: str | None, apply_: bool, actor: str | None,
                    fmt: str) -> None:
    """Modellierung nach den Regeln des BSI vorschlagen (Prozess-Bausteine, Bausteine oder Kategorien nach Art)."""
    from ..app.structure import apply_suggestions, suggestions

    selected = session.one_county(county)
    data = session.county_data(selected)
    if apply_:
        changes, questions = apply_suggestions(session, selected, target_id=target_id, actor=actor_name(actor))
        if fmt == "json":
            emit_json({"county": selected.key, "changes": [c.as_dict() for c in changes],
                       "questions": [q.as_dict() for q in questions]})
            return
        report_changes(changes, fmt, selected.key,
                       f"Vorschläge übernommen: {len(changes)} Zielobjekt(e) geändert ({selected.profile.name}).")
        _questions(questions)
        return
    proposed = [s for s in suggestions(session, selected) if target_id in (None, s.target)]
    modelled = {t.id: set(t.bausteine) | set(t.categories or ()) for t in data.targets}
    if fmt == "json":
        emit_json({"county": selected.key, "suggestions": [
            {**s.as_dict(), "modelled": s.module in modelled.get(s.target, set()),
             "excluded": data.decisions.excluded(s.module) is not None} for s in proposed]})
        return
    rows = []
    for s in proposed:
        if s.module in modelled.get(s.target, set()):
            state = "modelliert"
        elif data.decisions.excluded(s.module):
            state = "ausgelassen"
        else:
            state = "zu entscheiden" if s.decide else "neu"
        rows.append((s.target, f"{s.module} {s.title}".strip(), s.rule + (f" – {s.decide}" if s.decide else ""), state))
    print_table(["Zielobjekt", "Vorschlag", "Regel", "Stand"], rows,
                title=f"Modellierung nach den Regeln des BSI – Landkreis {selected.profile.name}")
    without = [t for t in data.targets if not t.kind and t.type in ("IT-System", "Anwendung", "Raum")
               and target_id in (None, t.id) and not any(s.target == t.id for s in proposed)]
    for target in without:
        click.echo(f"Hinweis: {target.id} ohne Art – keine Regel anwendbar (ikz-isms target edit {target.id} --kind …).")


def _questions(questions: list[Any]) -> None:
    if not questions:
        return
    click.echo("Zu entscheiden (modellieren oder mit Begründung auslassen):")
    for q in questions:
        click.echo(f"  {q.module} {q.title} auf {q.target}: {q.decide} – ikz-isms model set {q.target} {q.module} "
                   f"--reason \"…\" oder ikz-isms model exclude {q.module} --reason \"…\"")


@model_group.command("set")
@click.argument("target_id", metavar="ZIELOBJEKT")
@click.argument("modules", metavar="BAUSTEIN|KATEGORIE...", nargs=-1, required=True)
@click.option("--reason", default="", help="Begründung der Entscheidung (Pflicht außer mit --remove).")
@click.option("--remove", is_flag=True, help="Die Modellierung entfernen.")
@county_option
@actor_option
@format_option()
@click.pass_obj
def set_command(session: Session, target_id: str, modules: tuple[str, ...], reason: str, remove: bool,
                county: str | None, actor: str | None, fmt: str) -> None:
    """Bausteine (Ed. 2023) oder Zielobjektkategorien (G++) auf ein Zielobjekt modellieren, mit Begründung."""
    from ..app.structure import set_modelling

    selected = session.one_county(county)
    result = set_modelling(session, selected, target_id, list(modules), reason=reason, remove=remove,
                           actor=actor_name(actor))
    report_changes(result, fmt, selected.key,
                   f"{', '.join(modules)} auf {target_id} {'entfernt' if remove else 'modelliert'}.")


@model_group.command("exclude")
@click.argument("ref", metavar="ID")
@click.option("--reason", default="", help="Warum nicht modelliert (Pflicht außer mit --remove).")
@click.option("--remove", is_flag=True, help="Die Auslassung zurücknehmen.")
@county_option
@actor_option
@format_option()
@click.pass_obj
def exclude_command(session: Session, ref: str, reason: str, remove: bool, county: str | None, actor: str | None,
                    fmt: str) -> None:
    """Baustein oder Schicht (Ed. 2023), Praktik, Thema, Kategorie oder Anforderung (G++) begründet auslassen."""
    from ..app.structure import set_exclusion

    selected = session.one_county(county)
    result = set_exclusion(session, selected, ref, reason, remove=remove, actor=actor_name(actor))
    report_changes(result, fmt, selected.key,
                   f"{ref} {'wieder in der Modellierung' if remove else 'nicht modelliert (begründet)'}.")


@model_group.command("approach")
@click.argument("approach", metavar="[VORGEHENSWEISE]", required=False)
@click.option("--reason", default="", help="Begründung der Wahl (Pflicht beim Festlegen).")
@county_option
@actor_option
@format_option()
@click.pass_obj
def approach_command(session: Session, approach: str | None, reason: str, county: str | None, actor: str | None,
                     fmt: str) -> None:
    """Vorgehensweise des Landkreises wählen (Ed. 2023: basis, standard, kern; G++: normal-sdt, erhoeht)."""
    from ..app.structure import set_approach
    from ..assess.summary import chosen_approach

    selected = session.one_county(county)
    if approach is None:
        assessment = session.assessment(selected)
        view = chosen_approach(assessment)
        view["possible"] = [{"id": a.id, "label": a.label} for a in assessment.edition.approaches]
        if fmt == "json":
            emit_json({"county": selected.key, "approach": view})
            return
        click.echo(f"Landkreis {selected.profile.name}: {view['label']} "
                   f"({'gewählt' if view['chosen'] else 'nicht gewählt, Standard der Edition'})"
                   + (f" – {view['reason']}" if view["reason"] else ""))
        click.echo("Möglich: " + ", ".join(f"{a['id']} ({a['label']})" for a in view["possible"]))
        return
    if not reason.strip():
        raise UsageError("--reason darf nicht leer sein: warum diese Vorgehensweise?")
    result = set_approach(session, selected, approach, reason, actor=actor_name(actor))
    report_changes(result, fmt, selected.key, f"Vorgehensweise {approach} gewählt ({selected.profile.name}).")


@model_group.command("param")
@click.argument("param", metavar="[PARAMETER]", required=False)
@click.argument("value", metavar="[WERT]", required=False)
@click.option("--reason", default="", help="Begründung des eigenen Werts (Pflicht beim Festlegen).")
@click.option("--remove", is_flag=True, help="Eigenen Wert entfernen (es gilt wieder der Katalog).")
@county_option
@actor_option
@format_option()
@click.pass_obj
def param_command(session: Session, param: str | None, value: str | None, reason: str, remove: bool,
                  county: str | None, actor: str | None, fmt: str) -> None:
    """Parameter der Anforderungen (Tailoring): ohne Argumente anzeigen, PARAMETER WERT --reason setzt den Wert."""
    from ..app.modelling import params_view
    from ..app.structure import set_parameter

    selected = session.one_county(county)
    if param is None:
        view = params_view(session, selected)
        if fmt == "json":
            emit_json(view)
            return
        print_table(["Parameter", "Anforderung", "Katalog", "eigener Wert", "Begründung"],
                    [(p["param"], p["requirement"], p["catalog_value"] or p["label"], p["value"] or "–",
                      p["reason"] or "–") for p in view["parameters"]],
                    title=f"Parameter der anwendbaren Anforderungen – Landkreis {view['name']}")
        return
    if remove and value is not None:
        raise UsageError("--remove entfernt den eigenen Wert; WERT passt nicht dazu.")
    if not remove and value is None:
        raise UsageError("WERT fehlt (oder --remove).")
    result = set_parameter(session, selected, param, value, reason, remove=remove, actor=actor_name(actor))
    report_changes(result, fmt, selected.key, f"Parameter {param} {'zurückgesetzt' if remove else 'festgelegt'}.")
    if not remove and fmt != "json":
        req = next((p for p in params_view(session, selected)["parameters"] if p["param"] == param), None)
        if req is not None:
            click.echo(f"{req['requirement']}: {req['statement']}")
