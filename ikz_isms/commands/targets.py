"""Built-in plugin: ``ikz-isms target`` — the structure analysis and the protection needs, from the command line.

Every write goes through :mod:`ikz_isms.app.structure` (validated, one journaled transaction,
comments in ``zielobjekte.yaml`` kept); every read knows ``--format json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..output import emit_json, print_table
from .options import actor_name, actor_option, county_option, format_option

if TYPE_CHECKING:
    from ..app.session import Session
    from ..app.structure import Change

LEVEL_HELP = "normal, hoch oder sehr hoch"
SHORT = {"normal": "n", "hoch": "h", "sehr hoch": "sh"}


def level_value(text: str | None, option: str) -> str | None:
    """A protection-need level as typed (``sehr hoch``, ``sehr-hoch``, ``SEHR HOCH``)."""
    if text is None:
        return None
    value = " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()
    if value not in ("normal", "hoch", "sehr hoch"):
        raise UsageError(f"{option} '{text}' ist keine Schutzbedarfskategorie ({LEVEL_HELP}).")
    return value


def levels_of(c: str | None, i: str | None, a: str | None) -> dict[str, str]:
    given = {"C": level_value(c, "--c"), "I": level_value(i, "--i"), "A": level_value(a, "--a")}
    return {dim: level for dim, level in given.items() if level is not None}


def need_options(func: Any) -> Any:
    for dim, name in (("a", "Verfügbarkeit"), ("i", "Integrität"), ("c", "Vertraulichkeit")):
        func = click.option(f"--{dim}", dim, metavar="STUFE", help=f"{name}: {LEVEL_HELP}.")(func)
    return func


def report_changes(changes: list[Change], fmt: str, county: str, done: str) -> None:
    if fmt == "json":
        emit_json({"county": county, "changes": [c.as_dict() for c in changes]})
        return
    if not changes:
        click.echo("Keine Änderung – der Stand war schon so.")
        return
    click.echo(done)
    for change in changes:
        click.echo(f"  Journal: {change.record}")


@click.group("target")
def target_group() -> None:
    """Strukturanalyse: Zielobjekte erfassen, verknüpfen, gruppieren; Schutzbedarf mit Begründung.

    Zielobjekte stehen in zielobjekte.yaml des Landkreises. Jede Änderung wird geprüft, atomar
    geschrieben und im Journal festgehalten; Kommentare in der Datei bleiben erhalten.
    """


# -- reading ------------------------------------------------------------------------------------------------------


def _target_rows(session: Session, county_key: str | None) -> list[dict[str, Any]]:
    result = []
    for selected in session.select_counties(county_key):
        data = session.county_data(selected)
        result.append({
            "county": selected.key,
            "name": selected.profile.name,
            "decisions": data.decisions.as_dict(),
            "targets": [
                {
                    "id": t.id, "name": t.name, "type": t.type, "kind": t.kind or None, "count": t.count,
                    "description": t.description or None, "kronjuwel": t.kronjuwel, "starter": t.starter,
                    "depends_on": list(t.depends_on),
                    "dependents": [o.id for o in data.targets if t.id in o.depends_on],
                    "modelling": [e.as_dict() for e in t.modelling],
                    "protection_need": data.needs[t.id].as_dict(),
                    "override_effect": t.override_effect or None,
                }
                for t in data.targets
            ],
        })
    return result


@target_group.command("list")
@county_option
@format_option()
@click.pass_obj
def list_command(session: Session, county: str | None, fmt: str) -> None:
    """Zielobjekte mit Typ, Art, Abhängigkeiten und Schutzbedarf (mit Begründungen)."""
    from ..present import DIMENSION_NAMES

    result = _target_rows(session, county)
    if fmt == "json":
        emit_json({"counties": result})
        return
    for entry in result:
        rows = []
        for t in entry["targets"]:
            need = t["protection_need"]
            marks = ("Kronjuwel" if t["kronjuwel"] else "") + (" Startmodell" if t["starter"] else "")
            rows.append((t["id"], t["name"], t["type"], t["kind"] or "–", t["count"],
                         ", ".join(t["depends_on"]) or "–",
                         "/".join(SHORT[need[d]["result"]] for d in ("C", "I", "A")), marks.strip() or "–"))
        print_table(["ID", "Name", "Typ", "Art", "Anzahl", "hängt ab von", "C/I/A", "Markierung"], rows,
                    title=f"Zielobjekte – Landkreis {entry['name']} (C/I/A resultierend: n/h/sh = normal/hoch/sehr hoch)",
                    right_align=(4,))
        for t in entry["targets"]:
            need = t["protection_need"]
            for dim in ("C", "I", "A"):
                d = need[dim]
                if d["reason"]:
                    click.echo(f"{t['id']} {DIMENSION_NAMES[dim]} {d['own']}: {d['reason']}")
            if need["override_reason"]:
                effect = {"kumulation": "Kumulationseffekt", "verteilung": "Verteilungseffekt"}.get(
                    t["override_effect"] or "", "Übersteuerung")
                click.echo(f"{t['id']} {effect}: {need['override_reason']}")


@target_group.command("network")
@county_option
@format_option()
@click.pass_obj
def network_command(session: Session, county: str | None, fmt: str) -> None:
    """Netzplan: Zielobjekte je Ebene (Prozess, Anwendung, IT-System, Netz, Raum) und ihre Verbindungen."""
    from ..assess.structure import network_plan

    plans = []
    for selected in session.select_counties(county):
        data = session.county_data(selected)
        plans.append({"county": selected.key, "name": selected.profile.name,
                      **network_plan(data.targets, data.needs).as_dict()})
    if fmt == "json":
        emit_json({"counties": plans})
        return
    for plan in plans:
        click.echo(f"Netzplan – Landkreis {plan['name']}")
        links: dict[str, list[str]] = {}
        for link in plan["links"]:
            links.setdefault(link["from"], []).append(link["to"])
        for layer in plan["layers"]:
            click.echo(f"  {layer['title']}:")
            for node in layer["nodes"]:
                count = f" ×{node['count']}" if node["count"] > 1 else ""
                jewel = " ★ Kronjuwel" if node["kronjuwel"] else ""
                kind = f", {node['kind']}" if node["kind"] else ""
                arrow = f"  → {', '.join(links[node['id']])}" if node["id"] in links else ""
                click.echo(f"    [{node['id']}] {node['name']}{count} ({node['type']}{kind}; {node['need']}){jewel}{arrow}")


@target_group.command("kinds")
@format_option()
@click.pass_obj
def kinds_command(session: Session, fmt: str) -> None:
    """Arten von Zielobjekten, die die Modellierungsregeln kennen, und was sie im Katalog ergeben."""
    from ..app.modelling import kinds_view

    view = kinds_view(session)
    if fmt == "json":
        emit_json(view)
        return
    print_table(["Art", "Typ", "Beschreibung", view["modelling_label"] or "ergibt"],
                [(k["name"], k["type"], k["label"], ", ".join(k["modules"]) or "–") for k in view["kinds"]],
                title="Arten von Zielobjekten" + (f" – Modellierungsregeln für {view['catalog']}" if view["catalog"] else ""))


# -- writing ------------------------------------------------------------------------------------------------------


@target_group.command("add")
@click.argument("target_id", metavar="ID")
@click.option("--name", required=True, help="Bezeichnung des Zielobjekts.")
@click.option("--type", "object_type", required=True, metavar="TYP",
              help="Informationsverbund, Geschäftsprozess, Anwendung, IT-System, Netz, Kommunikationsverbindung, "
                   "Raum, Gebäude oder eine Zielobjektkategorie von Grundschutz++.")
@click.option("--kind", metavar="ART", help="Art für die Modellierungsregeln, z. B. Windows-Server (target kinds).")
@click.option("--description", help="Beschreibung.")
@click.option("--count", type=click.IntRange(min=1, max=10_000_000), help="Anzahl gleichartiger Objekte (Gruppe).")
@click.option("--depends-on", "depends_on", multiple=True, metavar="ID",
              help="Hängt ab von (läuft auf, braucht) – mehrfach möglich.")
@click.option("--kronjuwel", is_flag=True, help="Als Kronjuwel markieren (Kern-Absicherung).")
@county_option
@actor_option
@format_option()
@click.pass_obj
def add_command(session: Session, target_id: str, name: str, object_type: str, kind: str | None,
                description: str | None, count: int | None, depends_on: tuple[str, ...], kronjuwel: bool,
                county: str | None, actor: str | None, fmt: str) -> None:
    """Ein Zielobjekt anlegen: ID, Name, Typ, optional Art, Anzahl, Abhängigkeiten, Kronjuwel."""
    from ..app.structure import add_target

    selected = session.one_county(county)
    changes = add_target(session, selected, {
        "id": target_id, "name": name, "type": object_type, "kind": kind, "description": description,
        "count": count, "depends_on": depends_on, "kronjuwel": kronjuwel,
    }, actor=actor_name(actor))
    report_changes(changes, fmt, selected.key, f"Zielobjekt {target_id} angelegt ({selected.profile.name}).")


@target_group.command("edit")
@click.argument("target_id", metavar="ID")
@click.option("--name", help="Neue Bezeichnung.")
@click.option("--type", "object_type", metavar="TYP", help="Neuer Typ.")
@click.option("--kind", metavar="ART", help="Art für die Modellierungsregeln (target kinds).")
@click.option("--description", help="Beschreibung (leer: entfernen).")
@click.option("--count", type=click.IntRange(min=1, max=10_000_000), help="Anzahl gleichartiger Objekte.")
@click.option("--kronjuwel/--no-kronjuwel", default=None, help="Als Kronjuwel markieren bzw. die Markierung entfernen.")
@county_option
@actor_option
@format_option()
@click.pass_obj
def edit_command(session: Session, target_id: str, name: str | None, object_type: str | None, kind: str | None,
                 description: str | None, count: int | None, kronjuwel: bool | None, county: str | None,
                 actor: str | None, fmt: str) -> None:
    """Name, Typ, Art, Beschreibung, Anzahl oder Kronjuwel-Markierung eines Zielobjekts ändern."""
    from ..app.structure import edit_target

    changes: dict[str, Any] = {}
    for key, value in (("name", name), ("type", object_type), ("kind", kind), ("description", description),
                       ("count", count), ("kronjuwel", kronjuwel)):
        if value is not None:
            changes[key] = value
    selected = session.one_county(county)
    result = edit_target(session, selected, target_id, changes, actor=actor_name(actor))
    report_changes(result, fmt, selected.key, f"Zielobjekt {target_id} geändert.")


@target_group.command("remove")
@click.argument("target_id", metavar="ID")
@county_option
@actor_option
@format_option()
@click.pass_obj
def remove_command(session: Session, target_id: str, county: str | None, actor: str | None, fmt: str) -> None:
    """Ein Zielobjekt entfernen (abgelehnt, solange andere davon abhängen oder es Prüfeinträge hat)."""
    from ..app.structure import remove_target

    selected = session.one_county(county)
    result = remove_target(session, selected, target_id, actor=actor_name(actor))
    report_changes(result, fmt, selected.key, f"Zielobjekt {target_id} entfernt.")


@target_group.command("group")
@click.argument("group_id", metavar="NEU")
@click.argument("members", metavar="ZIELOBJEKT...", nargs=-1, required=True)
@click.option("--name", required=True, help="Bezeichnung der Gruppe.")
@county_option
@actor_option
@format_option()
@click.pass_obj
def group_command(session: Session, group_id: str, members: tuple[str, ...], name: str, county: str | None,
                  actor: str | None, fmt: str) -> None:
    """Gruppierung: gleichartige Zielobjekte zu einem zusammenfassen (Anzahl, Abhängigkeiten, Schutzbedarf)."""
    from ..app.structure import group_targets

    selected = session.one_county(county)
    result = group_targets(session, selected, group_id, list(members), name=name, actor=actor_name(actor))
    report_changes(result, fmt, selected.key, f"Gruppe {group_id} aus {', '.join(members)} gebildet.")


@target_group.command("link")
@click.argument("source", metavar="ZIELOBJEKT")
@click.argument("target", metavar="HÄNGT-AB-VON")
@click.option("--remove", is_flag=True, help="Die Abhängigkeit lösen.")
@county_option
@actor_option
@format_option()
@click.pass_obj
def link_command(session: Session, source: str, target: str, remove: bool, county: str | None, actor: str | None,
                 fmt: str) -> None:
    """ZIELOBJEKT hängt von HÄNGT-AB-VON ab (läuft darauf, braucht es); der Schutzbedarf wird dorthin vererbt."""
    from ..app.structure import link_targets

    selected = session.one_county(county)
    result = link_targets(session, selected, source, target, remove=remove, actor=actor_name(actor))
    report_changes(result, fmt, selected.key,
                   f"{source} hängt {'nicht mehr ' if remove else ''}von {target} ab.")


@target_group.command("need")
@click.argument("target_id", metavar="ID")
@need_options
@click.option("--reason", required=True, help="Begründung (Pflicht): warum dieser Schutzbedarf.")
@county_option
@actor_option
@format_option()
@click.pass_obj
def need_command(session: Session, target_id: str, c: str | None, i: str | None, a: str | None, reason: str,
                 county: str | None, actor: str | None, fmt: str) -> None:
    """Schutzbedarf eines Zielobjekts je Grundwert festlegen, mit schriftlicher Begründung."""
    from ..app.structure import set_need

    selected = session.one_county(county)
    result = set_need(session, selected, target_id, levels_of(c, i, a), reason, actor=actor_name(actor))
    report_changes(result, fmt, selected.key, f"Schutzbedarf von {target_id} festgelegt.")


@target_group.command("effect")
@click.argument("target_id", metavar="ID")
@click.option("--effect", type=click.Choice(("kumulation", "verteilung", "sonstige")), default="sonstige",
              show_default=True, help="Kumulationseffekt (erhöht), Verteilungseffekt (senkt) oder sonstige Übersteuerung.")
@need_options
@click.option("--reason", help="Begründung (Pflicht außer mit --remove).")
@click.option("--remove", is_flag=True, help="Die Übersteuerung entfernen (es gilt wieder das Maximumprinzip).")
@county_option
@actor_option
@format_option()
@click.pass_obj
def effect_command(session: Session, target_id: str, effect: str, c: str | None, i: str | None, a: str | None,
                   reason: str | None, remove: bool, county: str | None, actor: str | None, fmt: str) -> None:
    """Kumulations- oder Verteilungseffekt: den vererbten Schutzbedarf begründet erhöhen oder senken."""
    from ..app.structure import set_effect

    levels = levels_of(c, i, a)
    if remove and levels:
        raise UsageError("--remove entfernt die Übersteuerung; --c/--i/--a passen nicht dazu.")
    if not remove and not levels:
        raise UsageError("Mindestens einen Grundwert angeben: --c, --i oder --a.")
    selected = session.one_county(county)
    result = set_effect(session, selected, target_id, None if effect == "sonstige" else effect,
                        {} if remove else levels, reason, actor=actor_name(actor))
    report_changes(result, fmt, selected.key,
                   f"Übersteuerung von {target_id} {'entfernt' if remove else 'festgelegt'}.")


@target_group.command("scale")
@click.option("--level", type=click.Choice(("normal", "hoch", "sehr hoch")), help="Schutzbedarfskategorie.")
@click.option("--text", help="Was die Kategorie für den Landkreis bedeutet.")
@click.option("--scenario", help="Schadensszenario (z. B. „Beeinträchtigung der Aufgabenerfüllung“).")
@county_option
@actor_option
@format_option()
@click.pass_obj
def scale_command(session: Session, level: str | None, text: str | None, scenario: str | None, county: str | None,
                  actor: str | None, fmt: str) -> None:
    """Schutzbedarfskategorien: was normal, hoch und sehr hoch bedeuten (je Schadensszenario); ohne Optionen anzeigen."""
    from ..app.structure import set_scale

    selected = session.one_county(county)
    if level is None and text is None and scenario is None:
        scale = session.county_data(selected).decisions.scale
        if fmt == "json":
            emit_json({"county": selected.key, "scale": scale.as_dict()})
            return
        if not scale.defined:
            click.echo(f"Landkreis {selected.profile.name}: Schutzbedarfskategorien noch nicht festgelegt "
                       "(ikz-isms target scale --level hoch --text \"…\").")
            return
        rows = [("allgemein", lvl, scale.levels[lvl]) for lvl in ("normal", "hoch", "sehr hoch") if lvl in scale.levels]
        rows += [(name, lvl, levels[lvl]) for name, levels in scale.scenarios
                 for lvl in ("normal", "hoch", "sehr hoch") if lvl in levels]
        print_table(["Schadensszenario", "Kategorie", "Bedeutung"], rows,
                    title=f"Schutzbedarfskategorien – Landkreis {selected.profile.name}")
        return
    if level is None or text is None:
        raise UsageError("--level und --text gehören zusammen.")
    result = set_scale(session, selected, level, text, scenario=scenario, actor=actor_name(actor))
    report_changes(result, fmt, selected.key, f"Schutzbedarfskategorie „{level}“ festgelegt.")
