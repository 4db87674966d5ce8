"""Built-in plugin: ``ikz-isms county list|add`` — the Verbund's counties and a scaffold for new ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import InputError, RefusedError
from ..hookspecs import hookimpl
from ..output import emit_json, format_de, format_option, print_table

DISCLOSURE_DE = {"none": "keine", "aggregate": "nur Kennzahlen", "full": "vollständig"}


@click.group("county")
def county_group():
    """Landkreise des Verbunds anzeigen und neue Landkreise anlegen."""


@county_group.command("list")
@format_option()
@click.pass_obj
def list_command(app, fmt):
    """Registrierte Landkreise mit Profil, Plugin und Datenverzeichnis."""
    from ..county import load_counties

    counties = load_counties(app.pm, app.workspace)
    members = set(app.workspace.members)
    rows = [
        {**c.profile.as_dict(), "member": c.key in members, "plugin": c.plugin, "data_dir": str(c.data_dir)}
        for c in counties.values()
    ]
    missing = [k for k in app.workspace.members if k not in counties]
    if fmt == "json":
        emit_json({"counties": rows, "members_without_plugin": missing})
        return
    print_table(
        ["Schlüssel", "Name", "AGS", "Einwohner", "Beschäftigte", "ISB", "Offenlegung", "Mitglied"],
        [
            (r["key"], r["name"], r["ags"] or "–",
             format_de(r["inhabitants"]) if r["inhabitants"] is not None else "–",
             format_de(r["employees"]) if r["employees"] is not None else "–",
             r["isb"].get("name", "–"), DISCLOSURE_DE.get(r["disclosure"], r["disclosure"]),
             "ja" if r["member"] else "nein")
            for r in rows
        ],
        title=f"Landkreise – {app.workspace.name}",
        right_align=(3, 4),
    )
    for key in missing:
        click.echo(f"Warnung: Mitglied '{key}' hat kein Landkreis-Plugin.", err=True)


def _yaml_str(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def scaffold(plugins_dir: Path, key: str, name: str, *, ags: str | None, inhabitants: int | None,
             employees: int | None, bausteine: list[str]) -> Path:
    """Write ``plugins/ikz-county-<key>/``: pyproject, three-line module, data files."""
    root = plugins_dir / f"ikz-county-{key}"
    module = f"ikz_county_{key.replace('-', '_')}"
    from ..store import atomic_write

    profile = [f"# Profil des Landkreises {name} (angelegt mit ikz-isms county add)", f"key: {key}",
               f"name: {_yaml_str(name)}"]
    if ags:
        profile.append(f"ags: {_yaml_str(ags)}")
    if inhabitants is not None:
        profile.append(f"inhabitants: {inhabitants}")
    if employees is not None:
        profile.append(f"employees: {employees}")
    profile += ["isb:", '  name: ""', '  email: ""', "# none | aggregate | full: was der Verbund sehen darf",
                "disclosure: aggregate"]
    targets = [
        "# Zielobjekte (Strukturanalyse). type: Informationsverbund, Geschäftsprozess, Anwendung,",
        "# IT-System, Netz, Raum, Gebäude. depends_on: worauf das Objekt angewiesen ist.",
        "zielobjekte:",
        "  - id: IV",
        f"    name: {_yaml_str('Informationsverbund ' + name)}",
        "    type: Informationsverbund",
        "    protection_need:",
        "      C: normal",
        "      I: normal",
        "      A: normal",
        "    bausteine: [" + ", ".join(bausteine) + "]",
    ]
    files = {
        root / "pyproject.toml": (
            "[build-system]\nrequires = [\"setuptools>=68\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
            f"[project]\nname = \"ikz-county-{key}\"\nversion = \"0.1.0\"\n"
            f"description = \"ikz-isms: Landkreis {name}\"\nrequires-python = \">=3.11\"\n"
            "dependencies = [\"ikz-isms\"]\n\n"
            f"[project.entry-points.ikz_isms]\n{key} = \"{module}\"\n\n"
            "[tool.setuptools.packages.find]\nwhere = [\"src\"]\n"
        ),
        root / "src" / module / "__init__.py": (
            f'"""ikz-isms county plugin: Landkreis {name} (data in ../../data)."""\n\n'
            "from pathlib import Path\n\nfrom ikz_isms.county import county_plugin\n\n"
            'ikz_register_counties = county_plugin(Path(__file__).resolve().parents[2] / "data")\n'
        ),
        root / "README.md": (
            f"# Landkreis {name}\n\nLandkreis-Plugin für ikz-isms. Die Daten liegen in `data/`:\n"
            "`landkreis.yaml` (Profil), `zielobjekte.yaml` (Strukturanalyse, Schutzbedarf, Modellierung),\n"
            "`pruefungen.yaml` (IT-Grundschutz-Check), `journal.jsonl` (Änderungsjournal, nicht von Hand ändern).\n"
        ),
        root / "data" / "landkreis.yaml": "\n".join(profile) + "\n",
        root / "data" / "zielobjekte.yaml": "\n".join(targets) + "\n",
        root / "data" / "pruefungen.yaml": "# IT-Grundschutz-Check: mit 'ikz-isms assess set' oder --interactive füllen.\npruefungen: []\n",
        root / "data" / "journal.jsonl": "",
    }
    for path, text in files.items():
        atomic_write(path, text)
    return root


@county_group.command("add")
@click.argument("name")
@click.option("--key", help="Schlüssel (sonst aus dem Namen gebildet).")
@click.option("--ags", help="Amtlicher Gemeindeschlüssel (5 oder 8 Ziffern).")
@click.option("--inhabitants", type=click.IntRange(min=0), help="Einwohnerzahl.")
@click.option("--employees", type=click.IntRange(min=0), help="Beschäftigte der Verwaltung.")
@format_option()
@click.pass_obj
def add_command(app, name, key, ags, inhabitants, employees, fmt):
    """Neuen Landkreis als Plugin anlegen (ohne Python-Kenntnisse) und in den Verbund aufnehmen."""
    import re

    from ..county import load_counties, slugify

    workspace = app.workspace
    # every text says "Landkreis <name>"; a name given with that word would print it twice
    name = re.sub(r"^(Landkreis|Kreis)\s+", "", name.strip()) or name
    key = key or slugify(name)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key or ""):
        raise InputError(f"ungültiger Schlüssel '{key}' (erlaubt: a-z, 0-9, Bindestrich).")
    if ags is not None and not re.fullmatch(r"[0-9]{5}([0-9]{3})?", ags):
        raise InputError(f"ungültiger AGS '{ags}' (5 oder 8 Ziffern).")
    target = workspace.root / "plugins" / f"ikz-county-{key}"
    if key in load_counties(app.pm, workspace) or target.exists():
        raise RefusedError(f"Landkreis '{key}' gibt es bereits ({target}).")
    bausteine = _domain_bausteine(app, workspace)
    root = scaffold(workspace.root / "plugins", key, name, ags=ags, inhabitants=inhabitants,
                    employees=employees, bausteine=bausteine)
    members = workspace.config["verbund"].setdefault("members", [])
    if key not in members:
        members.append(key)
        workspace.save()
    if fmt == "json":
        emit_json({"key": key, "name": name, "plugin_dir": str(root), "member": True})
        return
    click.echo(f"Landkreis {name} angelegt: {root}")
    click.echo(f"Nächste Schritte: Zielobjekte in {root / 'data' / 'zielobjekte.yaml'} erfassen, "
               f"dann 'ikz-isms assess --county {key}'.")


#: Bausteine every information domain needs; a scaffold models those the pinned catalog has
DOMAIN_BAUSTEINE = ("ISMS.1", "ORP.1", "ORP.2", "ORP.3", "ORP.4", "CON.3", "OPS.1.1.3", "OPS.1.1.4", "DER.2.1")


def _domain_bausteine(app: Any, workspace: Any) -> list[str]:
    from ..catalog import load_pinned

    _pin, catalog = load_pinned(workspace, app.pm)
    if catalog.world != "ed2023":
        return []
    return [
        b for b in DOMAIN_BAUSTEINE
        if b in catalog.groups and catalog.groups[b].kind == "baustein"
        and catalog.groups[b].target_object_type in (None, "Informationsverbund")
    ]


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(county_group)
