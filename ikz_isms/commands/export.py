"""Built-in plugin: ``export ocds``, framework agreements and call-offs for other systems."""

from __future__ import annotations

from typing import Any

import click

from ..hookspecs import hookimpl
from ..output import to_json
from .contracts import date_option, day_or_today, unwritable, workspace_contracts


@hookimpl
def ikz_register_commands(cli):
    if "export" not in cli.commands:
        cli.add_command(export)


@click.group()
def export() -> None:
    """Daten für andere Systeme ausgeben."""


@export.command("ocds")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Datei (Standard: Standardausgabe).")
@click.option("--prefix", default="ocds-ikz000", show_default=True, help="OCID-Präfix des Veröffentlichers.")
@date_option("Veröffentlichungsdatum JJJJ-MM-TT (Standard: heute).")
@click.pass_obj
def export_ocds(app: Any, output: str | None, prefix: str, on: Any) -> None:
    """Rahmenvereinbarungen und Abrufe als OCDS-1.1.5-Release-Paket (JSON)."""
    from ..procure.ocds import release_package
    from ..store import atomic_write

    day = day_or_today(on)
    package = release_package(workspace_contracts(app), prefix, _names(app), day, app.workspace.name)
    text = to_json(package) + "\n"
    if output:
        try:
            atomic_write(output, text)
        except OSError as exc:
            raise unwritable(exc, output) from None
        click.echo(f"{len(package['releases'])} OCDS-Releases geschrieben: {output}", err=True)
    else:
        click.echo(text, nl=False)


def _names(app: Any) -> dict[str, str]:
    from ..procure.store import county_metrics

    return {key: str(data["name"]) for key, data in county_metrics(app.pm, app.workspace).items()}
