"""The command line itself (click): the command table built from plugins, errors converted once.

Reached through :mod:`ikz_isms.cli`, which stays small so that a cached ``--help``
(:mod:`ikz_isms.helpcache`) needs neither click nor pluggy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__, click_de
from .errors import ExitCode, IkzError

if TYPE_CHECKING:
    from .app.session import Session
    from .plugins import IkzPluginManager
    from .store import Store

click_de.install()


class LazyCommand:
    """A command known by name and short help; its module is imported on first use."""

    def __init__(self, name: str, target: str, short_help: str):
        self.name = name
        self.target = target
        self.short_help = short_help

    def load(self) -> click.Command:
        import importlib

        module, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            from .errors import PluginError

            raise PluginError(f"{self.target} ist kein click-Befehl.")
        click_de.germanise_usage(command)
        return command


class ReaderGone(Exception):
    """stdout's reader went away (``ikz-isms … | head``): carried past click, which would turn the
    broken pipe into exit code 1, to :func:`main`, which ends quietly with exit code 0."""


class CommandTable(click.Group):
    """The top-level group handed to ``ikz_register_commands``: commands are claimed, not added.

    The core resolves the claims after every plugin has had its turn: a built-in command
    keeps its name, a plugin's command with a taken name is refused and reported with both
    plugins' names. ``add_lazy_command`` registers a command by ``"module:attribute"`` and its
    short help, so its module is imported only when it runs (``--help`` stays fast).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise ReaderGone() from None

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from .plugins import Registry

        self.claims = Registry("Befehl")
        self.lazy: dict[str, LazyCommand] = {}
        self.owners: dict[str, str] = {}

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        from .plugins import current_plugin

        if not isinstance(cmd, click.Command):
            from .errors import PluginError

            raise PluginError(f"cli.add_command: {cmd!r} ist kein click-Befehl.")
        self.claims.claim(name or cmd.name or "", cmd, current_plugin())

    def add_lazy_command(self, name: str, target: str, short_help: str) -> None:
        from .plugins import current_plugin

        self.claims.claim(name, LazyCommand(name, target, short_help), current_plugin())

    def resolve(self, pm: IkzPluginManager) -> None:
        for claim in self.claims.resolve(pm, "ikz_register_commands").values():
            self.owners[claim.name] = claim.plugin
            if isinstance(claim.value, LazyCommand):
                self.lazy[claim.name] = claim.value
            else:
                click_de.germanise_usage(claim.value)
                click.Group.add_command(self, claim.value, claim.name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            click.Group.add_command(self, self.lazy.pop(cmd_name).load(), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help`` without importing the lazily registered commands."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                rows.append((name, self.lazy[name].short_help))
                continue
            command = self.commands[name]
            if command.hidden:
                continue
            rows.append((name, command.get_short_help_str(formatter.width - 6 - max(len(n) for n in self.list_commands(ctx)))))
        if rows:
            with formatter.section(click_de._gettext("Commands")):
                formatter.write_dl(rows)


def _workspace_from_argv(argv: list[str]) -> Path | None:
    """Read ``--workspace`` before click parses, since it decides which plugins load.

    Only the options before the command are read (click reads them so too: after the
    command, ``--workspace`` would be one of its values). Given twice for different folders
    it is a usage error — plugins, data and writes must come from one workspace, and taking
    either one silently would surprise whoever wrote the other.
    """
    given: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--workspace" and index + 1 < len(argv):
            given.append(argv[index + 1])
            index += 2
            continue
        if arg.startswith("--workspace="):
            given.append(arg.split("=", 1)[1])
        elif arg == "--" or not arg.startswith("-"):
            break  # the command: what follows is its own
        index += 1
    if len({str(Path(value).resolve()) for value in given}) > 1:
        from .errors import UsageError

        shown = ", ".join(repr(value) for value in given)
        raise UsageError(f"--workspace mehrfach angegeben ({shown}); bitte nur eine Arbeitsumgebung nennen.")
    if given:
        return Path(given[-1])
    from .workspace import find_workspace

    return find_workspace()


@click.group(
    cls=CommandTable,
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


def build_cli(argv: list[str]) -> tuple[click.Group, Session]:
    """The command table and the run's :class:`~ikz_isms.app.Session` for ``argv``."""
    from .app import Session
    from .plugins import get_plugin_manager

    workspace_dir = _workspace_from_argv(argv)
    made: list[Store] = []

    def make_store() -> Store:
        # the store is made when first needed (`--help` never needs it), and shared
        if not made:
            from .store import Store

            made.append(Store(workspace_dir))
        return made[0]

    pm = get_plugin_manager(workspace_dir, store=make_store)
    session = Session(workspace_dir, pm, store=made[0] if made else None)
    group = CommandTable(
        name=cli.name,
        callback=cli.callback,
        params=list(cli.params),
        help=cli.help,
        context_settings=cli.context_settings,
    )
    pm.call("ikz_register_commands", cli=group)
    group.resolve(pm)
    click_de.germanise_usage(group, recursive=False)
    return group, session


def report_plugin_notices(session: Session) -> None:
    """Plugin failures (each once per run) and workspace code not run, on stderr."""
    for failure in session.new_failures():
        hook = f" in {failure.hook}" if failure.hook else ""
        click.echo(f"Warnung: Plugin {failure.plugin}{hook}: {failure.message}", err=True)
    for message in session.new_warnings():
        click.echo(f"Warnung: {message}", err=True)


def _skipped_notices(session: Session) -> None:
    for skipped in session.pm.skipped:
        if not skipped.notice:
            continue
        if skipped.reason == "hash-changed":
            why = "sein Code hat sich seit der Freigabe geändert"
        else:
            why = "Python-Code aus der Arbeitsumgebung läuft nur nach Freigabe"
        click.echo(f"Hinweis: Plugin {skipped.name} ({skipped.path}) nicht geladen – {why}; "
                   f"freigeben mit: ikz-isms plugins allow {skipped.name}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every IkzError becomes a German message and its documented exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    session = None
    try:
        group, session = build_cli(args)
    except IkzError as exc:
        click.echo(f"Fehler: {exc}", err=True)
        return int(exc.exit_code)
    report_plugin_notices(session)
    _skipped_notices(session)
    try:
        result = group.main(args=args, prog_name="ikz-isms", obj=session, standalone_mode=False)
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
        return int(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Abgebrochen.", err=True)
        return int(ExitCode.INTERRUPTED)
    except (BrokenPipeError, ReaderGone):
        # the reader (e.g. `| head`) went away; nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(ExitCode.OK)
    except OSError as exc:
        # the store turns file errors into IkzErrors; anything left is the terminal or the system
        from .store.fs import os_reason

        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        click.echo(f"Fehler: Ein-/Ausgabe fehlgeschlagen{where}: {os_reason(exc)}.", err=True)
        return int(ExitCode.OUTPUT)
    except RecursionError:
        click.echo("Fehler: Eingabe zu tief verschachtelt.", err=True)
        return int(ExitCode.INPUT)
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
        if session is not None:
            report_plugin_notices(session)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)

