"""Generates the parts of the docs that the code can say (``python -m ikz_isms.docgen --write|--check``).

Each generated part sits between ``<!-- NAME:start ... -->`` and ``<!-- NAME:end -->`` in its
file; everything outside the markers is hand-written and left alone:

* ``README.md`` ``befehle``: the command tables of the "Rundgang", one per user role, from
  the click command tree (role of each command: ``ROLE_OF`` below);
* ``docs/exit-codes.md`` ``exitcodes`` and ``exceptions``: from ``ExitCode`` and the
  ``IkzError`` tree;
* ``docs/plugins.md`` ``hooks``: the hook reference, from ``hookspecs.py`` (``hookdocs``).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import pkgutil
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .errors import IkzError

ROOT = Path(__file__).resolve().parent.parent
PROG = "ikz-isms"
REGENERATE = "python -m ikz_isms.docgen --write"

ISB = "Informationssicherheitsbeauftragte (ISB)"
STEERING = "Lenkungs- und Steuerungskreis"
PROCUREMENT = "Vergabestelle"
CATALOGS_CI = "Kataloge und CI"
ROLES = (ISB, STEERING, PROCUREMENT, CATALOGS_CI)

#: Which role's table a command belongs to, keyed by command path below ``ikz-isms``. A key
#: covers its subcommands too (the longest key wins); a key with an option
#: (``"assess --verbund"``) adds a row of its own for a job the option does. The order of
#: the keys is the order of the rows. A built-in command without a key fails the check.
ROLE_OF: dict[str, str] = {
    "target": ISB,
    "model": ISB,
    "catalog categories": ISB,
    "assess": ISB,
    "assess targets": ISB,
    "assess list": ISB,
    "assess --interactive": ISB,
    "assess set": ISB,
    "plan": ISB,
    "plan update": ISB,
    "plan set": ISB,
    "review publish": ISB,
    "review": ISB,
    "journal": ISB,
    "risk": ISB,
    "risk list --verbund": STEERING,
    "bia": ISB,
    "emergency": ISB,
    "incident": ISB,
    "report": ISB,
    "county list": ISB,
    "county": ISB,
    "catalog migrate": ISB,
    "catalog upgrade": ISB,
    "catalog undo": ISB,
    "keys": ISB,
    "publish": ISB,
    "export xlsx": ISB,
    "import xlsx": ISB,
    "export oscal": ISB,
    "import oscal": ISB,
    "export ics": ISB,
    "import": ISB,
    "assess --verbund": STEERING,
    "report verbund": STEERING,
    "emergency verbund": STEERING,
    "emergency plan": STEERING,
    "emergency agreements": STEERING,
    "emergency exercise": STEERING,
    "verbund trust": STEERING,
    "verbund verify": CATALOGS_CI,
    "contracts list": PROCUREMENT,
    "contracts show": PROCUREMENT,
    "contracts due": PROCUREMENT,
    "contracts": PROCUREMENT,
    "costs": PROCUREMENT,
    "tender": PROCUREMENT,
    "service-centre": PROCUREMENT,
    "export": PROCUREMENT,
    "catalog import": CATALOGS_CI,
    "catalog": CATALOGS_CI,
    "check": CATALOGS_CI,
    "plugins": CATALOGS_CI,
    "init": CATALOGS_CI,
}

_PLUGIN_SWITCHES = ("IKZ_ISMS_PLUGINS", "IKZ_ISMS_BLOCK_PLUGINS", "IKZ_ISMS_WORKSPACE")


class DocgenError(Exception):
    """The code and the generator's data disagree (e.g. a command without a role)."""


def builtin_cli() -> click.Group:
    """The ``ikz-isms`` group with only the built-in commands: no entry points, no workspace."""
    from .cli import build_cli

    saved = {name: os.environ.get(name) for name in (*_PLUGIN_SWITCHES, "IKZ_ISMS_NO_ENTRY_POINTS")}
    for name in _PLUGIN_SWITCHES:
        os.environ.pop(name, None)
    os.environ["IKZ_ISMS_NO_ENTRY_POINTS"] = "1"
    try:
        # an empty directory as workspace: the repository's own county plugins stay out
        with tempfile.TemporaryDirectory() as empty:
            group, app = build_cli(["--workspace", empty])
    except Exception as exc:
        raise DocgenError(f"cannot build the built-in CLI: {type(exc).__name__}: {exc}") from exc
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if app.pm.failures:
        failed = "; ".join(f"{f.plugin}: {f.message}" for f in app.pm.failures)
        raise DocgenError(f"built-in plugins failed, the command list would be incomplete: {failed}")
    return group


# -- README: command tables ----------------------------------------------------------------


@dataclass(frozen=True)
class CommandInfo:
    """One visible command of the tree, with the context click needs to describe it."""

    path: tuple[str, ...]
    command: click.Command
    context: click.Context

    @property
    def name(self) -> str:
        return " ".join(self.path)

    @property
    def runs_itself(self) -> bool:
        """A plain command, or a group that does something without a subcommand."""
        return not isinstance(self.command, click.Group) or self.command.invoke_without_command


def walk_commands(group: click.Group) -> list[CommandInfo]:
    """Every visible command and subcommand below ``group``, depth first, in click's order."""
    found: list[CommandInfo] = []

    def visit(command: click.Group, context: click.Context, path: tuple[str, ...]) -> None:
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is None or sub.hidden:
                continue
            sub_context = click.Context(sub, info_name=name, parent=context)
            found.append(CommandInfo((*path, name), sub, sub_context))
            if isinstance(sub, click.Group):
                visit(sub, sub_context, (*path, name))

    visit(group, click.Context(group, info_name=PROG), ())
    return found


def short_help(command: click.Command) -> str:
    """The command's ``short_help``, else the first paragraph of its help, on one line."""
    text = command.short_help or inspect.cleandoc(command.help or "").split("\n\n")[0]
    return " ".join(text.replace("\b", "").split())


def synopsis(info: CommandInfo) -> str:
    """``ikz-isms PATH ARGUMENTS`` with click's (German) metavars; options left to ``--help``."""
    arguments = [
        piece
        for param in info.command.get_params(info.context)
        if isinstance(param, click.Argument)
        for piece in param.get_usage_pieces(info.context)
    ]
    return " ".join((PROG, *info.path, *arguments))


def _split_key(key: str) -> tuple[tuple[str, ...], str | None]:
    words = key.split()
    options = [word for word in words if word.startswith("-")]
    if len(options) > 1 or (options and words[-1] != options[0]):
        raise DocgenError(f"ROLE_OF key {key!r}: at most one option, at the end")
    return tuple(word for word in words if not word.startswith("-")), options[0] if options else None


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def command_rows(group: click.Group) -> dict[str, list[tuple[str, str]]]:
    """(Befehl, wofür) rows per role; raises DocgenError naming every command that has no role."""
    commands = walk_commands(group)
    by_path = {info.path: info for info in commands}
    keys = [(_split_key(key), role, rank) for rank, (key, role) in enumerate(ROLE_OF.items())]
    problems: list[str] = []
    rows: list[tuple[int, int, int, str, str]] = []  # role, key rank, tree order, Befehl, wofür

    for (path, option), role, rank in keys:
        info = by_path.get(path)
        if info is None:
            problems.append(f"ROLE_OF names {PROG} {' '.join(path)}, which is no built-in command")
            continue
        if option is None:
            continue
        param = next((p for p in info.command.params if option in p.opts), None)
        if param is None:
            problems.append(f"ROLE_OF names option {option} of {PROG} {info.name}, which has no such option")
            continue
        usage = option if getattr(param, "is_flag", False) else f"{option} {param.make_metavar(info.context)}"
        help_text = " ".join((getattr(param, "help", None) or "").split())
        if not help_text:
            problems.append(f"option {option} of {PROG} {info.name} has no help text")
        rows.append((ROLES.index(role), rank, -1, f"{synopsis(info)} {usage}", help_text))

    prefixes = [(path, role, rank) for (path, option), role, rank in keys if option is None]
    for order, info in enumerate(commands):
        if not info.runs_itself:
            continue
        matches = [(len(path), role, rank) for path, role, rank in prefixes if info.path[: len(path)] == path]
        if not matches:
            problems.append(f"{PROG} {info.name} has no role: add it to ROLE_OF in ikz_isms/docgen.py")
            continue
        _, role, rank = max(matches)
        help_text = short_help(info.command)
        if not help_text:
            problems.append(f"{PROG} {info.name} has no help text (docstring or help=)")
        rows.append((ROLES.index(role), rank, order, synopsis(info), help_text))

    if problems:
        raise DocgenError("\n".join(problems))
    tables: dict[str, list[tuple[str, str]]] = {role: [] for role in ROLES}
    for role_index, _, _, usage, help_text in sorted(rows):
        tables[ROLES[role_index]].append((usage, help_text))
    return tables


def render_command_tables(group: click.Group | None = None) -> str:
    """The README's tables per role, without the markers."""
    parts = [f"<!-- generated from the click commands by {REGENERATE}; edit the help texts instead -->"]
    for role, rows in command_rows(group or builtin_cli()).items():
        if not rows:
            continue
        parts += ["", f"**{role}**", "", "| Befehl | wofür |", "|---|---|"]
        parts += [f"| `{_cell(usage)}` | {_cell(help_text)} |" for usage, help_text in rows]
    return "\n".join(parts)


# -- docs/exit-codes.md --------------------------------------------------------------------


def error_classes() -> list[type[IkzError]]:
    """``IkzError`` and every subclass defined in the ikz_isms package, depth first."""
    import ikz_isms

    from .errors import IkzError

    # a subclass exists only once its module is imported; import them all so the list is complete
    for module in pkgutil.walk_packages(ikz_isms.__path__, "ikz_isms."):
        if module.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(module.name)
        except Exception as exc:
            raise DocgenError(f"cannot import {module.name} to list its errors: {type(exc).__name__}: {exc}") from exc

    found: list[type[IkzError]] = []

    def visit(cls: type[IkzError]) -> None:
        found.append(cls)
        # classes of tests and workspace plugins (ikz_isms_workspace_plugins.*) are no API
        ours = [sub for sub in cls.__subclasses__() if sub.__module__.startswith("ikz_isms.")]
        for sub in sorted(ours, key=_definition_order):
            visit(sub)

    visit(IkzError)
    return found


def _definition_order(cls: type) -> tuple[bool, str, int]:
    """errors.py first, then by module, each in source order."""
    return cls.__module__ != "ikz_isms.errors", cls.__module__, inspect.getsourcelines(cls)[1]


def _first_line(cls: type) -> str:
    return (inspect.getdoc(cls) or "").split("\n\n")[0].replace("\n", " ")


def render_exit_codes() -> str:
    from .errors import ExitCode

    classes = error_classes()
    raised = {code: [f"`{cls.__name__}`" for cls in classes if cls.exit_code is code] for code in ExitCode}
    lines = ["| Code | Name | Meaning | Raised as |", "|---:|---|---|---|"]
    for code in ExitCode:
        lines.append(f"| {code.value} | `{code.name}` | {_cell(code.description)} | {', '.join(raised[code]) or '—'} |")
    return "\n".join(lines)


def render_exceptions() -> str:
    lines = ["| Exception | Module | Subclass of | Exit code | Raised when |", "|---|---|---|---|---|"]
    for cls in error_classes():
        base = cls.__bases__[0].__name__
        code = cls.exit_code
        lines.append(
            f"| `{cls.__name__}` | `{cls.__module__}` | `{base}` | {code.value} `{code.name}` "
            f"| {_cell(_first_line(cls))} |"
        )
    return "\n".join(lines)


# -- the files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A generated part: between ``<!-- NAME:start ... -->`` and ``<!-- NAME:end -->`` in a file."""

    path: str
    name: str
    render: Callable[[], str]
    with_markers: bool = False  # render() returns the markers too (the hook reference does)

    def pattern(self) -> re.Pattern[str]:
        return re.compile(
            rf"(<!-- {re.escape(self.name)}:start\b[^>]*-->).*?(<!-- {re.escape(self.name)}:end -->)", re.S
        )


def _hook_reference() -> str:
    from .hookdocs import render_hook_reference

    return render_hook_reference()


BLOCKS = (
    Block("README.md", "befehle", render_command_tables),
    Block("docs/exit-codes.md", "exitcodes", render_exit_codes),
    Block("docs/exit-codes.md", "exceptions", render_exceptions),
    Block("docs/plugins.md", "hooks", _hook_reference, with_markers=True),
)


def regenerate(text: str, block: Block) -> str:
    """``text`` with the block's generated part rendered afresh."""
    pattern = block.pattern()
    if not pattern.search(text):
        raise DocgenError(f"markers <!-- {block.name}:start --> ... <!-- {block.name}:end --> not found")
    content = block.render()
    if block.with_markers:
        return pattern.sub(lambda _: content, text, count=1)
    return pattern.sub(lambda match: f"{match.group(1)}\n{content}\n{match.group(2)}", text, count=1)


def refresh(root: Path = ROOT, *, write: bool = False) -> tuple[list[str], list[str]]:
    """(stale files, problems): files whose generated parts differ from the code, and what
    kept a part from being generated. With ``write`` the stale files are rewritten."""
    stale: list[str] = []
    problems: list[str] = []
    for path in dict.fromkeys(block.path for block in BLOCKS):
        file = root / path
        text = file.read_text(encoding="utf-8")
        new = text
        try:
            for block in BLOCKS:
                if block.path == path:
                    new = regenerate(new, block)
        except DocgenError as exc:
            problems.append(f"{path}: {exc}")
            continue
        if new != text:
            stale.append(path)
            if write:
                file.write_text(new, encoding="utf-8")
    return stale, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ikz_isms.docgen", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite every stale generated part")
    mode.add_argument("--check", action="store_true", help="exit 1 if any generated part is stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: %(default)s)")
    args = parser.parse_args(argv)
    stale, problems = refresh(args.root, write=args.write)
    for problem in problems:
        print("error: " + problem.replace("\n", "\n  "), file=sys.stderr)
    for path in stale:
        if args.write:
            print(f"rewritten: {path}")
        else:
            print(f"stale: {path} (run {REGENERATE})", file=sys.stderr)
    if args.write and not stale and not problems:
        print("all generated docs are current")
    return 1 if problems or (stale and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
