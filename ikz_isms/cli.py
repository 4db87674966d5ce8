"""The ``ikz-isms`` entry point: builds the click group from plugins, converts errors once."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__, click_de
from .errors import ExitCode, IkzError

click_de.install()


class App:
    """What every command receives as ``ctx.obj``: the workspace and the plugin manager."""

    def __init__(self, pm: Any, workspace_dir: Path | None):
        self.pm = pm
        self.workspace_dir = workspace_dir
        self._workspace = None
        self._reported = 0

    @property
    def workspace(self):
        """The loaded workspace; raises a clear error when there is none."""
        if self._workspace is None:
            from .workspace import require_workspace

            self._workspace = require_workspace(self.workspace_dir)
        return self._workspace

    def report_plugin_failures(self) -> None:
        """Print plugin failures not yet shown (each once per run) on stderr."""
        for failure in self.pm.failures[self._reported :]:
            hook = f" in {failure.hook}" if failure.hook else ""
            click.echo(f"Warnung: Plugin {failure.plugin}{hook}: {failure.message}", err=True)
        self._reported = len(self.pm.failures)


def _workspace_from_argv(argv: list[str]) -> Path | None:
    """Read ``--workspace`` before click parses, since it decides which plugins load."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--workspace" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--workspace="):
            return Path(arg.split("=", 1)[1])
    from .workspace import find_workspace

    return find_workspace()


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--workspace",
    "workspace",
    type=click.Path(file_okay=False, path_type=Path),
    help="Arbeitsumgebung (Verzeichnis mit ikz-isms.yaml); sonst IKZ_ISMS_WORKSPACE "
    "oder das nächste Verzeichnis aufwärts mit ikz-isms.yaml.",
)
@click.version_option(__version__, prog_name="ikz-isms", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    """ikz-isms – Informationssicherheit und gemeinsame Beschaffung im Verbund.

    IT-Grundschutz-Check (Soll-Ist), Realisierungsplan, Verbund-Vergleich,
    Rahmenverträge und Vergabeunterlagen für kooperierende Landkreise.
    """
    app: App = ctx.obj
    if workspace is not None:
        app.workspace_dir = workspace
        app._workspace = None


def build_cli(argv: list[str]) -> tuple[click.Group, App]:
    from .plugins import get_plugin_manager

    workspace_dir = _workspace_from_argv(argv)
    pm = get_plugin_manager(workspace_dir)
    app = App(pm, workspace_dir)
    group = click.Group(
        name=cli.name,
        commands=dict(cli.commands),
        callback=cli.callback,
        params=list(cli.params),
        help=cli.help,
        context_settings=cli.context_settings,
    )
    pm.call_safely("ikz_register_commands", cli=group)
    click_de.germanise_usage(group)
    return group, app


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every IkzError becomes a German message and its documented exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        group, app = build_cli(args)
    except IkzError as exc:
        click.echo(f"Fehler: {exc}", err=True)
        return int(exc.exit_code)
    app.report_plugin_failures()
    try:
        result = group.main(args=args, prog_name="ikz-isms", obj=app, standalone_mode=False)
    except IkzError as exc:
        click.echo(f"Fehler: {exc}", err=True)
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Abgebrochen.", err=True)
        return int(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Abgebrochen.", err=True)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away; nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(ExitCode.OK)
    except Exception as exc:
        if os.environ.get("IKZ_ISMS_DEBUG"):
            raise
        click.echo(
            f"Interner Fehler: {type(exc).__name__}: {exc}\n"
            "Bitte mit IKZ_ISMS_DEBUG=1 wiederholen und die Ausgabe an die Entwickler melden.",
            err=True,
        )
        return int(ExitCode.INTERNAL)
    finally:
        app.report_plugin_failures()
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


def run() -> None:
    sys.exit(main())
