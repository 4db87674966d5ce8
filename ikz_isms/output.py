"""Shared output helpers: JSON for machines, tables and progress bars for people."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

#: a command callback (or command) a click decorator receives and returns unchanged
FC = TypeVar("FC", bound=Callable[..., Any])

FORMAT_OPTION_HELP = "Ausgabeformat: text (Tabelle) oder json (für Skripte und CI)."


def format_option(*choices: str, default: str = "text") -> Callable[[FC], FC]:
    """The ``--format`` option every reporting command carries."""
    choices = choices or ("text", "json")
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=FORMAT_OPTION_HELP if choices == ("text", "json") else f"Ausgabeformat: {', '.join(choices)}.",
    )


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    """Indented JSON, UTF-8 text as is. orjson writes the same bytes as ``json.dumps(indent=2)``
    about ten times faster (a Verbund view of 294 counties is 3.6 MB); the standard library
    takes over only for what orjson cannot write (integers beyond 64 bits)."""
    import orjson

    try:
        return orjson.dumps(data, default=_default, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        import json

        return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def emit_json(data: Any) -> None:
    click.echo(to_json(data))


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` gives it (``COLUMNS``, else the
    terminal of the standard output, else 120), without importing shutil (and its archive modules)."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 120


def console() -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich would end the process with exit code 1; a reader that went away (`| head`)
            # is no error: the command line ends as for every other write to a closed pipe
            self.quiet = True
            raise BrokenPipeError

    # piped output (CI logs, files) gets a wide table instead of rich's 80 columns
    width = None if sys.stdout.isatty() else max(120, _columns())
    return _Console(highlight=False, soft_wrap=False, emoji=False, markup=False, width=width)


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    right_align: Sequence[int] = (),
) -> None:
    """Print a table on the terminal (rich); cells are shown literally, never as markup.

    Piped output (CI logs, files, scripts) of a table that fits its width and holds only
    characters one column wide is written by :func:`plain_table`, which gives rich's bytes
    for such a table without importing and running rich's layout (about 80 ms for a
    100-row table); everything else — a terminal, a table to fold, a title to wrap, any
    other character — is rich's.
    """
    cells = [["" if cell is None else _visible(str(cell)) for cell in row] for row in rows]
    if not sys.stdout.isatty():
        text = plain_table(headers, cells, title=title, right_align=right_align, width=max(120, _columns()))
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
    rich_table(headers, cells, title=title, right_align=right_align)


#: a terminal's control characters (escape sequences clear the screen, recolour, retitle the window):
#: data from files that are not the store's (a journal line, a package) may carry them
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f]"


@functools.cache
def _control() -> re.Pattern[str]:
    return re.compile(_CONTROL)


def _visible(text: str) -> str:
    """A cell's text with every control character but line break and tab written out (``\\x1b``)."""
    pattern = _control()
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def rich_table(headers: Sequence[str], cells: Sequence[Sequence[str]], *, title: str | None,
               right_align: Sequence[int]) -> None:
    """The table as rich lays it out (:func:`print_table` without the plain road)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for index, header in enumerate(headers):
        table.add_column(header, justify="right" if index in right_align else "left", overflow="fold")
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))
    console().print(table)


#: characters one column wide in rich's reckoning that German tables use (ASCII, Latin-1
#: letters and signs, dashes, quotes, the euro sign); a table with any other takes rich's road
_NARROW = "[ -~\u00a1-\u00ac\u00ae-\u00ff\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u20ac]*"


@functools.cache
def _narrow() -> re.Pattern[str]:
    """:data:`_NARROW`, compiled when a table is first written (not by every command that imports this module)."""
    return re.compile(_NARROW)


def plain_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, title: str | None, right_align: Sequence[int],
                width: int) -> str | None:
    """The text rich's :func:`print_table` writes for this table on a ``width`` columns wide
    console without colours, or ``None`` where it might differ: a cell or title with a
    character outside :data:`_NARROW`, a line break or space at either end of a cell, a
    table wider than ``width``, a row with
    another number of cells than the headers, a title :func:`_wrapped` cannot wrap.
    ``tests/test_output_tables.py`` holds both side by side."""
    count = len(headers)
    if count == 0:
        return None
    columns = [str(header) for header in headers]
    widths = [len(header) for header in columns]
    for row in rows:
        if len(row) != count:
            return None
        for index, cell in enumerate(row):
            if len(cell) > widths[index]:
                widths[index] = len(cell)
    for text in (*columns, *(cell for row in rows for cell in row), title or ""):
        if _narrow().fullmatch(text) is None or text != text.strip(" "):
            return None
    total = sum(widths) + 3 * count + 1
    if total > width:
        return None
    title_lines = _wrapped(title, total) if title else []
    if title_lines is None:
        return None
    right = set(right_align)

    def line(cells: Sequence[str], edge: str, middle: str) -> str:
        parts = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(cells)]
        return edge + " " + f" {middle} ".join(parts) + " " + edge + "\n"

    out: list[str] = []
    out.extend(part.ljust(total) + "\n" for part in title_lines)
    out.append("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓\n")
    out.append(line(columns, "┃", "┃"))
    out.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩\n")
    out.extend(line(row, "│", "│") for row in rows)
    out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘\n")
    return "".join(out)


@contextmanager
def progress_bar(description: str, *, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A progress display on stderr while long work runs; silent when stderr is no terminal."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total or None)

        yield update


def _wrapped(title: str, width: int) -> list[str] | None:
    """The lines rich wraps a title of words into at ``width`` (as many words on a line as fit,
    one space between them), or ``None`` for a title with a word longer than the line or
    more than one space between words (rich folds and keeps spaces in ways of its own)."""
    words = title.split(" ")
    if any(not word or len(word) > width for word in words):
        return None
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
