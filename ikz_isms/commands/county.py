"""Built-in plugin: ``ikz-isms county list|add`` — the Verbund's counties and a scaffold for new ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..output import emit_json, print_table
from ..present import disclosure_label, number_de
from .options import format_option

if TYPE_CHECKING:
    from ..app.session import Session


@click.group("county")
def county_group() -> None:
    """Landkreise des Verbunds anzeigen und neue Landkreise anlegen."""


@county_group.command("list")
@format_option()
@click.pass_obj
def list_command(session: Session, fmt: str) -> None:
    """Landkreise dieser Arbeitsumgebung mit Profil, Herkunft und Datenverzeichnis."""
    counties = session.counties()
    workspace = session.workspace
    members = set(workspace.members)
    rows = [
        {**c.profile.as_dict(), "member": c.key in members, "plugin": c.plugin,
         "data_dir": workspace.layout.relative(c.data_dir)}
        for c in counties.values()
    ]
    missing = session.missing_members()
    foreign = [{"key": c.key, "plugin": c.plugin} for c in session.foreign_counties]
    if fmt == "json":
        emit_json({"counties": rows, "members_without_plugin": missing, "not_in_workspace": foreign})
        return
    if not rows:
        click.echo(f"Keine Landkreise in {workspace.name} – mit 'ikz-isms county add NAME' anlegen.")
    print_table(
        ["Schlüssel", "Name", "AGS", "Einwohner", "Beschäftigte", "ISB", "Offenlegung", "Mitglied"],
        [
            (r["key"], r["name"], r["ags"] or "–",
             number_de(r["inhabitants"]), number_de(r["employees"]),
             r["isb"].get("name", "–"), disclosure_label(r["disclosure"]),
             "ja" if r["member"] else "nein")
            for r in rows
        ],
        title=f"Landkreise – {workspace.name}",
        right_align=(3, 4),
    ) if rows else None
    for key in missing:
        click.echo(f"Warnung: Mitglied '{key}' hat in dieser Arbeitsumgebung keinen Landkreis.", err=True)
    if foreign:
        click.echo(f"Hinweis: {len(foreign)} installierte Landkreis-Plugins gehören nicht zu dieser Arbeitsumgebung "
                   "und zählen hier nicht (" + ", ".join(f["key"] for f in foreign) + ").", err=True)


@county_group.command("add")
@click.argument("name")
@click.option("--key", help="Schlüssel (sonst aus dem Namen gebildet).")
@click.option("--ags", help="Amtlicher Gemeindeschlüssel (5 oder 8 Ziffern).")
@click.option("--inhabitants", type=click.IntRange(min=0, max=100_000_000), help="Einwohnerzahl.")
@click.option("--employees", type=click.IntRange(min=0, max=10_000_000), help="Beschäftigte der Verwaltung.")
@click.option("--starter/--no-starter", default=True, show_default=True,
              help="Startmodell einer Kreisverwaltung anlegen (übliche Objekte, nach den Regeln modelliert) "
                   "oder nur den Informationsverbund.")
@format_option()
@click.pass_obj
def add_command(session: Session, name: str, key: str | None, ags: str | None, inhabitants: int | None,
                employees: int | None, starter: bool, fmt: str) -> None:
    """Neuen Landkreis als Datenordner anlegen (ohne Python-Kenntnisse) und in den Verbund aufnehmen."""
    from ..app.counties_admin import add_county

    result = add_county(session, name, key=key, ags=ags, inhabitants=inhabitants, employees=employees,
                        starter=starter)
    if fmt == "json":
        emit_json(result)
        return
    click.echo(f"Landkreis {result['name']} angelegt: {result['folder']}")
    if result["starter"]:
        click.echo(f"Startmodell einer Kreisverwaltung mit {result['targets']} Zielobjekten"
                   + (f", modelliert auf Katalog {result['catalog']}" if result["catalog"] else "")
                   + " – ein Ausgangspunkt: jede „Annahme im Startmodell“ prüfen und anpassen.")
        if result["omitted"]:
            click.echo(f"Nicht übernommen (der Katalog hat dafür keine Anforderung): {', '.join(result['omitted'])}.")
    if not result["catalog"]:
        click.echo("Hinweis: Noch kein Katalog festgeschrieben – nach ikz-isms catalog import DATEI modelliert "
                   f"ikz-isms model suggest --apply --county {result['key']} die Zielobjekte.")
    click.echo(f"Nächste Schritte: ikz-isms target list --county {result['key']}, "
               f"ikz-isms model show --county {result['key']}, dann 'ikz-isms assess --county {result['key']}'.")
