"""Built-in plugin: ``ikz-isms plugins`` lists plugins (origin, version, hooks, failures) and allows workspace code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..errors import NotFoundError
from ..output import emit_json, print_table
from .options import format_option

if TYPE_CHECKING:
    from ..app.session import Session

ORIGIN_DE = {"entrypoint": "installiert", "workspace": "Arbeitsumgebung", "builtin": "eingebaut"}
SKIP_DE = {
    "not-allowed": "nicht freigegeben (ikz-isms plugins allow NAME)",
    "hash-changed": "Code seit der Freigabe geändert (erneut prüfen und freigeben)",
    "data-folder": "nicht ausgeführt – der Datenordner des Landkreises genügt",
}


def plugin_rows(pm: Any) -> list[dict[str, Any]]:
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


@click.group("plugins", invoke_without_command=True)
@click.option("--all", "show_all", is_flag=True, help="Auch die eingebauten Plugins zeigen.")
@format_option()
@click.pass_context
def plugins_command(ctx: click.Context, show_all: bool, fmt: str) -> None:
    """Geladene Plugins mit Herkunft, Version und Hooks anzeigen.

    Fehlerhafte Plugins erscheinen unter "fehlerhaft" mit dem Grund; Python-Code aus der
    Arbeitsumgebung, der nicht ausgeführt wurde, unter "nicht geladen".
    """
    if ctx.invoked_subcommand is not None:
        return
    pm = ctx.obj.pm
    rows = plugin_rows(pm)
    failures = [{"name": f.plugin, "hook": f.hook, "error": f.message} for f in pm.failures]
    skipped = [{"name": s.name, "path": s.path, "sha256": s.sha256, "reason": s.reason} for s in pm.skipped]
    if fmt == "json":
        emit_json({"plugins": rows, "failed": failures, "not_loaded": skipped})
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
    if skipped:
        click.echo("")
        click.echo("Nicht geladen (Python-Code aus der Arbeitsumgebung):")
        for item in skipped:
            click.echo(f"  {item['name']} ({item['path']}): {SKIP_DE.get(item['reason'], item['reason'])}")
    if failures:
        click.echo("")
        click.echo("Fehlerhafte Plugins:")
        for failure in failures:
            hook = f" ({failure['hook']})" if failure["hook"] else ""
            click.echo(f"  {failure['name']}{hook}: {failure['error']}")


@plugins_command.command("allow")
@click.argument("name", metavar="PLUGIN")
@format_option()
@click.pass_obj
def allow_command(session: Session, name: str, fmt: str) -> None:
    """Python-Plugin aus plugins/ freigeben: Name und Prüfsumme des Codes in ikz-isms.yaml eintragen.

    Erst danach führt ikz-isms den Code aus – bei jedem Aufruf, auch in der CI. Ändert sich
    der Code, muss er erneut freigegeben werden.
    """
    from ..plugins import workspace_plugins

    workspace = session.workspace
    found = {p.name: p for p in workspace_plugins(workspace.layout.plugins_dir)}
    if name not in found:
        known = ", ".join(found) or "keine"
        raise NotFoundError(f"Python-Plugin '{name}' gibt es in plugins/ nicht (vorhanden: {known}).",
                            path=str(workspace.layout.plugins_dir))
    plugin = found[name]

    def mutate(document: Any) -> None:
        from ..store.edit import to_rt

        plugins = document.get("plugins")
        if plugins is None:
            document["plugins"] = plugins = to_rt({})
        allow = plugins.get("allow")
        if allow is None:
            plugins["allow"] = allow = to_rt({})
        allow[name] = plugin.sha256

    workspace.edit_config(mutate)
    relative = workspace.layout.relative(plugin.module_path)
    if fmt == "json":
        emit_json({"plugin": name, "path": relative, "sha256": plugin.sha256})
        return
    click.echo(f"Freigegeben: Plugin {name} ({relative}), SHA-256 {plugin.sha256[:16]}… – "
               "sein Code läuft ab dem nächsten Aufruf.")
