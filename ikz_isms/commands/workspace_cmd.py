"""Built-in plugin: ``ikz-isms init`` creates a new, valid, empty workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import RefusedError

if TYPE_CHECKING:
    from ..app.session import Session

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
def init_command(session: Session, directory: Path, name: str | None) -> None:
    """Neue, leere Arbeitsumgebung in VERZEICHNIS anlegen."""
    from ..errors import UsageError
    from ..store import Store, fs
    from ..store.layout import WorkspaceLayout

    layout = WorkspaceLayout(directory)
    if layout.config.exists():
        raise RefusedError("Arbeitsumgebung existiert bereits; nichts verändert.", path=str(layout.config))
    verbund = " ".join((name if name is not None else directory.resolve().name).split())
    if not verbund or len(verbund) > 200 or any(ord(ch) < 32 for ch in verbund):
        raise UsageError("Name des Verbunds ungültig (1–200 Zeichen, keine Steuerzeichen).")
    store = Store(directory)
    for sub in (layout.catalogs_dir, layout.plugins_dir):
        fs.make_dirs(sub)
    if not (directory / ".gitignore").exists():
        store.write(directory / ".gitignore", GITIGNORE)
    store.write(layout.config, TEMPLATE.format(name=_yaml_scalar(verbund)))
    click.echo(f"Arbeitsumgebung '{verbund}' angelegt: {directory}")
    click.echo("Nächste Schritte: ikz-isms catalog import DATEI  ·  ikz-isms county add NAME")


def _yaml_scalar(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
