"""The ``ikz-isms`` entry point (the console script calls :func:`run`).

The command line lives in :mod:`ikz_isms.cli_app`; this module only decides whether
``ikz-isms --help`` can be answered from its cache (:mod:`ikz_isms.helpcache`) before
click, pluggy and the plugins are imported. Every other name (``main``, ``build_cli``,
``CommandTable``, ``LazyCommand``, …) is the one of :mod:`ikz_isms.cli_app`.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing itself is not imported: a cached `--help` needs none of it
if TYPE_CHECKING:
    from typing import Any

    from .cli_app import CommandTable as CommandTable
    from .cli_app import LazyCommand as LazyCommand
    from .cli_app import build_cli as build_cli
    from .cli_app import cli as cli
    from .cli_app import report_plugin_notices as report_plugin_notices


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every IkzError becomes a German message and its documented exit code."""
    from .cli_app import main as run_cli

    plain_streams()
    return run_cli(argv)


#: what a terminal that cannot show a character gets instead (an ASCII or Latin-1 console:
#: ``PYTHONIOENCODING=ascii``, a Windows code page, ``LANG=de_DE.ISO-8859-15``)
_FALLBACK = {
    "–": "-", "—": "-", "‑": "-", "„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'", "«": '"', "»": '"',
    "…": "...", "→": "->", "←": "<-", "↔": "<->", "×": "x", "·": "-", "•": "*", "€": "EUR", "§": "Par.",
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "\u00a0": " ", "\u202f": " ",
    "✓": "ok", "✗": "x", "≥": ">=", "≤": "<=", "≠": "!=", "±": "+/-", "°": " Grad",
    "━": "-", "─": "-", "┃": "|", "│": "|", "┏": "+", "┓": "+", "┗": "+", "┛": "+", "┡": "+", "┩": "+",
    "╇": "+", "┳": "+", "┻": "+", "┼": "+", "├": "+", "┤": "+", "┬": "+", "┴": "+", "└": "+", "┘": "+",
    "┌": "+", "┐": "+", "█": "#", "░": ".", "▏": "|",
}
_FALLBACK_HANDLER = "ikz-isms-fallback"


def _fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    encoding = error.encoding
    out = []
    for char in text:
        substitute = _FALLBACK.get(char, "?")
        try:  # a Latin-1 console shows ä: only what its encoding lacks is spelt out
            substitute.encode(encoding)
        except UnicodeEncodeError:
            substitute = "".join(_FALLBACK.get(c, "?") for c in substitute)
        out.append(substitute)
    return "".join(out), error.end


def plain_streams() -> None:
    """stdout and stderr that cannot encode every character (not UTF-8) get a readable stand-in
    for what they lack, instead of ending the command with UnicodeEncodeError (exit 70)."""
    import codecs

    registered = False
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if not encoding or not hasattr(stream, "reconfigure"):
            continue
        try:
            if codecs.lookup(encoding).name == "utf-8":
                continue
        except LookupError:
            continue
        if not registered:
            codecs.register_error(_FALLBACK_HANDLER, _fallback)
            registered = True
        stream.reconfigure(errors=_FALLBACK_HANDLER)


#: automatic cyclic collections of the console script: the first after this many new containers
#: (Python's default is 700; see :func:`run`)
GC_FIRST_GENERATION = 50_000


def run() -> None:
    """The console script: ``--help`` from the cache when nothing it depends on changed.

    A command builds its documents, records and catalog model once and keeps them to its end;
    they hold almost no reference cycles and are freed by reference counting. With Python's
    default thresholds the collector would walk them every 700 new containers (about a
    tenth of a read command's time); here the first generation is collected after
    :data:`GC_FIRST_GENERATION` new containers, which still finds the few cycles a run makes.
    The console script also keeps the code dataclasses compile (:mod:`ikz_isms.codecache`:
    about a third of a ``check`` went into compiling the same generated methods each run).
    Both are set only in the console script's process, never by :func:`main` (which tests and
    plugins call inside their own process).
    """
    import gc

    _install_quick_end()
    gc.set_threshold(GC_FIRST_GENERATION, 20, 20)
    argv = sys.argv[1:]
    from . import helpcache

    if helpcache.enabled(argv):
        code = helpcache.replay(argv)
        if code is None:
            code = helpcache.record(argv, main)
        _exit(code)
    from . import codecache

    codecache.install()
    _exit(main())


#: the exit code :func:`_exit` ended the command with (empty: the process ends another way)
_ENDING: list[int] = []


def _exit(code: int) -> None:
    """End the process with ``code``, without a last cyclic collection over everything still alive.

    The command's work is done and its files are closed; the interpreter's final collection
    would only walk the catalog and the documents a command holds (about a tenth of a
    ``check``). ``atexit`` handlers, buffered output and worker shutdown are unaffected;
    finalizers of objects alive at exit were never guaranteed to run (and, see
    :func:`_quick_end`, are not run).
    """
    import gc

    _ENDING.append(code)
    gc.freeze()
    sys.exit(code)


def _install_quick_end() -> None:
    """Register :func:`_quick_end` as the first ``atexit`` handler, so that it runs last.

    Not where something registered a handler before the console script started (a site
    customisation): that one would run after it, and so never.
    """
    import atexit

    count = getattr(atexit, "_ncallbacks", None)
    if count is None or count() != 0:
        return
    atexit.register(_quick_end)


def _quick_end() -> None:
    """The last ``atexit`` handler: end the process here, skipping the interpreter's teardown.

    By the time ``atexit`` handlers run, Python has joined the command's threads (and shut its
    worker pools down), and every other handler has run (this one was registered first). What
    the teardown would still do is flush the standard streams — done here — and take every
    module and object apart, one by one, for memory the operating system takes back at once
    (with the imported catalog kept to the end, :meth:`~ikz_isms.app.session.Session.keep`,
    about 5 ms of a ``catalog import``). Python does not promise to run finalizers of objects
    alive at exit, and ikz-isms closes every file it writes before its command returns. Only
    when :func:`_exit` ended the command (an uncaught exception takes Python's own road), and
    not under a tracer or profiler (a coverage tool writes its data at the end) or in
    Python's development mode (its warnings come in the teardown).
    """
    import os

    if not _ENDING or sys.gettrace() is not None or sys.getprofile() is not None or sys.flags.dev_mode:
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return  # Python's teardown reports the stream's trouble and sets the exit code, as always
    os._exit(_ENDING[-1])


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        # the import system asks for __path__ and the like: no reason to load the command line
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import cli_app

    try:
        return getattr(cli_app, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
