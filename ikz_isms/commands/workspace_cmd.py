"""Built-in plugin: ``ikz-isms init`` creates a new, valid, empty workspace."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import RefusedError
from ..hookspecs import hookimpl
from ..workspace import CONFIG_NAME

TEMPLATE = """\
# ikz-isms Arbeitsumgebung: {name}
# Mitglieder kommen mit 'ikz-isms county add NAME' hinzu, Kataloge mit
# 'ikz-isms catalog import DATEI'.
verbund:
  name: {name}
  members: []
catalogs: {{}}
"""

GITIGNORE = """\
# erzeugte Ausgaben, Sperrdateien und abgeleiteter Cache
/out/
.*.lock
.ikz-cache/
"""


@click.command("init")
@click.argument("directory", metavar="VERZEICHNIS", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help="Name des Verbunds (Standard: Verzeichnisname).")
@click.pass_obj
def init_command(app, directory: Path, name: str | None) -> None:
    """Neue, leere Arbeitsumgebung in VERZEICHNIS anlegen."""
    from ..store import atomic_write

    config = directory / CONFIG_NAME
    if config.exists():
        raise RefusedError("Arbeitsumgebung existiert bereits; nichts verändert.", path=str(config))
    verbund = name or directory.resolve().name
    for sub in ("catalogs", "plugins"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    if not (directory / ".gitignore").exists():
        atomic_write(directory / ".gitignore", GITIGNORE)
    atomic_write(config, TEMPLATE.format(name=_yaml_scalar(verbund)))
    click.echo(f"Arbeitsumgebung '{verbund}' angelegt: {directory}")
    click.echo("Nächste Schritte: ikz-isms catalog import DATEI  ·  ikz-isms county add NAME")


def _yaml_scalar(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(init_command)
