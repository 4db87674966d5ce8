"""Built-in plugin: ``export ocds``, framework agreements and call-offs for other systems."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..output import to_json
from .options import day_option, day_or_today, write_output

if TYPE_CHECKING:
    from ..app import Session



@click.group()
def export() -> None:
    """Daten für andere Systeme ausgeben."""


@export.command("ocds")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Datei (Standard: Standardausgabe).")
@click.option("--prefix", default="ocds-ikz000", show_default=True, help="OCID-Präfix des Veröffentlichers.")
@day_option("Veröffentlichungsdatum JJJJ-MM-TT (Standard: heute).")
@click.pass_obj
def export_ocds(session: "Session", output: Path | None, prefix: str, on: str | None) -> None:
    """Rahmenvereinbarungen und Abrufe als OCDS-1.1.5-Release-Paket (JSON)."""
    from ..app.procurement import ocds_package

    package = ocds_package(session, prefix, day_or_today(session, on))
    write_output(session, output, to_json(package) + "\n")
    if output is not None:
        click.echo(f"{len(package['releases'])} OCDS-Releases geschrieben: {output}", err=True)
