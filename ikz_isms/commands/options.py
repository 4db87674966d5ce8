"""Options and helpers every command shares — public, for built-in and plugin commands alike.

A command parses its options with these, calls one use case of the
:class:`~ikz_isms.app.Session` it receives as ``ctx.obj`` and renders the typed result.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..output import FC, format_option

if TYPE_CHECKING:
    from ..app.session import Session

__all__ = [
    "OUTPUT_DIR", "OUTPUT_FILE", "OutputPath", "actor_name", "actor_option", "as_of_option", "county_option",
    "date_value", "day_option", "day_or_today", "format_option", "number_value", "output_option", "write_output",
    "year_value",
]

county_option = click.option(
    "--county", envvar="IKZ_ISMS_COUNTY", metavar="LANDKREIS", help="Landkreis-Schlüssel (sonst IKZ_ISMS_COUNTY)."
)
actor_option = click.option("--actor", help="Name für das Journal (sonst IKZ_ISMS_ACTOR oder Benutzername).")


def actor_name(actor: str | None) -> str:
    """Who made a change, for the journal: ``--actor``, ``IKZ_ISMS_ACTOR`` or the login name."""
    if actor and actor.strip():
        return actor.strip()
    env = os.environ.get("IKZ_ISMS_ACTOR", "").strip()
    if env:
        return env
    try:
        import getpass

        return getpass.getuser()
    except (KeyError, OSError):
        return "unbekannt"


def _shown(text: str) -> str:
    """A typed value for a message: control characters escaped, at most 60 characters."""
    from ..present import shown_text

    return shown_text(text)


def unread_counties_end(session: Session) -> None:
    """After a Verbund view: a county folder whose data could not be read is missing from the view
    — an error naming the file and exit 1, as ``assess`` ends (not a footnote and exit 0)."""
    from ..errors import ExitCode

    unread = session.unread_counties()
    for message in unread:
        click.echo(f"Fehler: ein Landkreis fehlt in der Übersicht, seine Daten sind nicht lesbar: {message}", err=True)
    if unread:
        click.get_current_context().exit(int(ExitCode.FINDINGS))


def date_value(text: str | None, option: str) -> _dt.date | None:
    """A date typed at ``option`` as JJJJ-MM-TT within 1900–2200; ``UsageError`` otherwise.

    Only that form: ``fromisoformat`` alone would also take ISO week dates (``2026-W01-1``).
    """
    import re

    if text is None:
        return None
    value = text.strip()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError
        day = _dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} '{_shown(text)}' ist kein Datum (erwartet JJJJ-MM-TT).") from None
    if not 1900 <= day.year <= 2200:
        raise UsageError(f"{option} '{_shown(text)}' liegt außerhalb von 1900–2200.")
    return day


def as_of_option(help_text: str = "Stichtag (JJJJ-MM-TT, sonst heute).") -> Callable[[FC], FC]:
    return click.option("--as-of", "as_of", metavar="JJJJ-MM-TT", help=help_text)


class OutputPath(click.Path):
    """The type of every ``-o/--output`` (a file) and ``--output-dir`` (``folder=True``) option.

    Like ``click.Path`` (a folder where a file is meant is refused, and the reverse), and an
    empty or blank path or one with control characters is a usage error (exit 2) naming the
    option — ``-o ''`` would otherwise be taken as the current folder.
    """

    def __init__(self, *, folder: bool = False):
        super().__init__(file_okay=folder is False, dir_okay=folder, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            if not value.strip():
                self.fail("leerer Pfad; bitte eine Datei angeben." if self.file_okay else
                          "leerer Pfad; bitte ein Verzeichnis angeben.", param, ctx)
            if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
                self.fail(f"'{_shown(value)}' enthält Steuerzeichen.", param, ctx)
        return super().convert(value, param, ctx)


#: the type of ``-o/--output FILE``
OUTPUT_FILE = OutputPath()
#: the type of ``--output-dir VERZEICHNIS``
OUTPUT_DIR = OutputPath(folder=True)


def output_option(help_text: str) -> Callable[[FC], FC]:
    return click.option("--output", "-o", type=OUTPUT_FILE, help=help_text)


def write_output(session: Session, path: Path | None, data: str | bytes) -> None:
    """Write an output the user asked for (atomically), or print it when no path is given.

    A path that cannot be written is an :class:`~ikz_isms.errors.OutputError` (exit 6) naming it;
    so is a folder that does not exist (it is not created: a typo in the path must not go unnoticed;
    :meth:`~ikz_isms.store.documents.Store.write_output` refuses it).
    """
    if path is None:
        click.echo(data if isinstance(data, str) else data.decode("utf-8"), nl=False)
        return
    session.store.write_output(Path(path), data)


def day_option(help_text: str = "Stichtag JJJJ-MM-TT (Standard: heute).") -> Callable[[FC], FC]:
    """``--date``: the day a command looks at (read it with :func:`day_or_today`)."""
    return click.option("--date", "on", metavar="JJJJ-MM-TT", default=None, help=help_text)


def day_or_today(session: Session, text: str | None, option: str = "--date") -> _dt.date:
    """The day typed at ``option``, else the run's today (``SOURCE_DATE_EPOCH``-aware)."""
    return date_value(text, option) or session.today


def number_value(text: str, option: str, *, places: int | None = 2, positive: bool = True) -> Decimal:
    """A number typed at ``option`` as 1250.00, 1250,00 or 1.250,00, checked like numbers in files
    (at most ``places`` decimal places, greater than 0 or — ``positive=False`` — not negative,
    below 10^12); a ``UsageError`` naming the option otherwise.

    "142.800" is refused: Germans write the thousands separator as a dot, so reading it as
    142.8 would silently take a thousandth of what was meant.
    """
    import re

    from ..procure.store import NumberRule, exact_decimal

    raw = text.strip()
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", raw):
        plain = raw.replace(".", "")
        raise UsageError(f"{option} '{text}' ist mehrdeutig (Tausenderpunkt oder Dezimalpunkt?): "
                         f"ohne Tausenderpunkt schreiben, z. B. {plain} oder {plain},00.")
    if "," in raw:
        if not re.fullmatch(r"[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+", raw):
            raise UsageError(f"{option} '{text}' ist keine Zahl.")
        raw = raw.replace(".", "").replace(",", ".")
    if exact_decimal(raw) is None:
        raise UsageError(f"{option} '{text}' ist keine Zahl.")
    value, problem = NumberRule(option, places=places, positive=positive).value(raw)
    if value is None:
        raise UsageError(str(problem))
    return value


#: years a settlement period (``--period``) may name
PERIOD_YEARS = (2000, 2100)


def year_value(text: str, option: str) -> int:
    """A calendar year typed at ``option`` (JJJJ within 2000–2100); a German ``UsageError`` otherwise."""
    import re

    raw = text.strip()
    if not re.fullmatch(r"[0-9]{4}", raw) or not PERIOD_YEARS[0] <= int(raw) <= PERIOD_YEARS[1]:
        raise UsageError(f"{option} '{text}' ist kein Abrechnungsjahr (erwartet JJJJ zwischen "
                         f"{PERIOD_YEARS[0]} und {PERIOD_YEARS[1]}).")
    return int(raw)
