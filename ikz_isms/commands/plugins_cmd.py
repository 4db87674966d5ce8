"""Built-in plugin: ``ikz-isms plugins`` lists loaded plugins, their origin, version and hooks."""

from __future__ import annotations

import click

from ..hookspecs import hookimpl
from ..output import emit_json, format_option, print_table

ORIGIN_DE = {"entrypoint": "installiert", "workspace": "Arbeitsumgebung", "builtin": "eingebaut"}


def plugin_rows(pm) -> list[dict]:
    from ..plugins import implemented_hooks

    rows = []
    for name, plugin in pm.list_name_plugin():
        info = pm.infos.get(name)
        rows.append(
            {
                "name": name,
                "origin": info.origin if info else "unbekannt",
                "version": info.version if info else None,
                "path": info.path if info else None,
                "hooks": implemented_hooks(pm, plugin),
            }
        )
    order = {"entrypoint": 0, "workspace": 1, "builtin": 2}
    rows.sort(key=lambda r: (order.get(r["origin"], 3), r["name"]))
    return rows


@click.command("plugins")
@click.option("--all", "show_all", is_flag=True, help="Auch die eingebauten Plugins zeigen.")
@format_option()
@click.pass_obj
def plugins_command(app, show_all: bool, fmt: str) -> None:
    """Geladene Plugins mit Herkunft, Version und Hooks anzeigen.

    Fehlerhafte Plugins erscheinen unter "fehlerhaft" mit dem Grund.
    """
    rows = plugin_rows(app.pm)
    failures = [
        {"name": f.plugin, "hook": f.hook, "error": f.message} for f in app.pm.failures
    ]
    if fmt == "json":
        emit_json({"plugins": rows, "failed": failures})
        return
    shown = rows if show_all else [r for r in rows if r["origin"] != "builtin"]
    if shown:
        print_table(
            ["Plugin", "Herkunft", "Version", "Hooks"],
            [
                (r["name"], ORIGIN_DE.get(r["origin"], r["origin"]), r["version"] or "–", ", ".join(r["hooks"]))
                for r in shown
            ],
            title="Plugins",
        )
    else:
        click.echo("Keine zusätzlichen Plugins geladen.")
    builtin = sum(1 for r in rows if r["origin"] == "builtin")
    if not show_all:
        click.echo(f"{builtin} eingebaute Plugins (mit --all anzeigen).")
    if failures:
        click.echo("")
        click.echo("Fehlerhafte Plugins:")
        for failure in failures:
            hook = f" ({failure['hook']})" if failure["hook"] else ""
            click.echo(f"  {failure['name']}{hook}: {failure['error']}")


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(plugins_command)
