"""``ikz-isms --help`` from a cache: the command list without importing click, pluggy or any plugin.

The top-level help lists every command, built-in and from plugins, so printing it means
finding and loading the plugins — more than half of the start-up. Its text depends only on
inputs that can be checked with a few ``stat`` calls, so the console script keeps the text
of the last run and prints it again while none of them changed:

* the key: Python (executable, version, ``sys.path``), the working directory, every
  ``IKZ_ISMS_*`` variable, the locale variables, the terminal width and the encoding of
  stdout/stderr;
* the file of every module the run imported (outside the standard library): ikz-isms
  itself, click, pluggy, the built-in plugins;
* every path plugin discovery looked at (:data:`ikz_isms.plugins.observer`): each
  ``sys.path`` folder and each distribution's ``entry_points.txt``, the folders and files
  below the workspace's ``plugins/``, the workspace config (``plugins.allow``), and where
  the workspace was searched for (``ikz-isms.yaml`` in the working directory and above).

A listing is checked by its folder's modification time, a file by its type, size and
modification time; a path that did not exist must still not exist. The text is kept only
when nothing but built-in plugins ran (no code from an installed distribution or from the
workspace: such code could make its help from anything) and the run had no plugin
failure. The cache lives in the user's cache folder (``$XDG_CACHE_HOME/ikz-isms/help``,
never inside a workspace another person could write to); ``IKZ_ISMS_NO_CACHE=1`` turns it
off. Only the console script uses it (:func:`ikz_isms.cli.run`), never :func:`~ikz_isms.cli.main`.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # `typing` is not needed on the way to a cached help
if TYPE_CHECKING:
    from typing import Any

FORMAT = 1
MAX_BYTES = 4 * 1024 * 1024  # a help text and its list of paths; anything larger is not ours
HELP_ARGS = (["--help"], ["-h"])
CONFIG_NAME = "ikz-isms.yaml"  # as ikz_isms.store.layout.CONFIG_NAME (a test keeps them equal)
_LOCALE = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "COLUMNS", "LINES")

#: a file's state: [mode, size, mtime in ns], ``None`` when it does not exist
if TYPE_CHECKING:
    State = list[int] | None


def _state(path: str) -> State:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return [st.st_mode, st.st_size, st.st_mtime_ns]


class InputLog:
    """What plugin discovery looked at; :mod:`ikz_isms.plugins` reports into it while it is set."""

    def __init__(self) -> None:
        self.paths: dict[str, State] = {}
        self.managers: list[Any] = []
        self.unsure = False  # something was read that cannot be checked by stat (importlib.metadata)

    def probe(self, path: Any) -> None:
        """A file read or a path tested for existence."""
        text = os.fspath(path)
        if text not in self.paths:
            self.paths[text] = _state(text)

    def listing(self, path: Any) -> None:
        """A folder whose entries were listed (its state changes with every entry added or removed)."""
        self.probe(path)


def _columns() -> int:
    """The terminal width as click asks for it (``shutil.get_terminal_size``), without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
        columns = columns or 80
    return columns


def _key() -> list[Any] | None:
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    environment = sorted((name, value) for name, value in os.environ.items()
                         if name.startswith("IKZ_ISMS_") or name in _LOCALE)
    streams = [(getattr(s, "encoding", None), getattr(s, "errors", None)) for s in (sys.stdout, sys.stderr)]
    return [FORMAT, sys.executable, sys.version, list(sys.path), cwd, environment, _columns(), streams]


def _folder() -> str | None:
    from .userdirs import cache_folder

    return cache_folder("help")


def _file_for(key: list[Any]) -> str | None:
    import json

    folder = _folder()
    if folder is None:
        return None
    digest = 0xCBF29CE484222325  # FNV-1a, 64 bit: a name, not a check (the key itself is compared)
    for byte in json.dumps(key).encode("utf-8", "surrogatepass"):
        digest = ((digest ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return os.path.join(folder, f"{digest:016x}.json")


def enabled(argv: list[str]) -> bool:
    return argv in HELP_ARGS and not any(
        os.environ.get(name) for name in ("IKZ_ISMS_NO_CACHE", "IKZ_ISMS_TRACE_PLUGINS", "IKZ_ISMS_FAULT"))


def replay(argv: list[str]) -> int | None:
    """Print the cached help and return its exit code; ``None`` when there is no valid entry."""
    import json

    key = _key()
    if key is None:
        return None
    path = _file_for(key)
    if path is None:
        return None
    from .errors import IkzError
    from .store import fs

    try:
        entry = json.loads(fs.read_bytes(path, limit=MAX_BYTES))
    except (IkzError, ValueError):
        return None
    try:
        if entry["key"] != json.loads(json.dumps(key)) or entry["argv"] != argv:
            return None
        for name, state in entry["paths"]:
            if _state(name) != state:
                return None
        output, code = entry["output"], int(entry["code"])
        if not all(isinstance(text, str) and name in ("out", "err") for name, text in output):
            return None
    except (KeyError, TypeError, ValueError):
        return None
    try:
        for name, text in output:
            if name == "out":
                sys.stdout.write(text)
            else:
                sys.stdout.flush()  # in the order they were written
                sys.stderr.write(text)
                sys.stderr.flush()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return code


def _module_files() -> list[str]:
    stdlib = os.path.dirname(os.__file__)
    files = []
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str) and not name.startswith(stdlib + os.sep) and os.path.isabs(name):
            files.append(name)
    return sorted(set(files))


def _workspace_probes(log: InputLog) -> None:
    """The paths :func:`ikz_isms.workspace.find_workspace` tests (``$IKZ_ISMS_WORKSPACE`` is in the key)."""
    if os.environ.get("IKZ_ISMS_WORKSPACE"):
        return
    current = os.path.realpath(os.getcwd())
    while True:
        candidate = os.path.join(current, CONFIG_NAME)
        log.probe(candidate)
        if os.path.isfile(candidate):
            return
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


class _Tee:
    """A text stream that writes through to ``stream`` and remembers what went where, in order."""

    def __init__(self, stream: Any, name: str, chunks: list[list[str]]) -> None:
        self._stream = stream
        self._name = name
        self._chunks = chunks

    def write(self, text: str) -> int:
        written: int = self._stream.write(text)  # a bytes write fails here, as on the real stream
        self._chunks.append([self._name, text])
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def record(argv: list[str], run: Any) -> int:
    """Run ``run(argv)``, its output going through to stdout/stderr, and keep it when it may be kept."""
    from . import plugins

    key = _key()
    log = InputLog()
    chunks: list[list[str]] = []
    real_out, real_err = sys.stdout, sys.stderr
    plugins.observer = log
    try:
        _workspace_probes(log)
        sys.stdout, sys.stderr = _Tee(real_out, "out", chunks), _Tee(real_err, "err", chunks)
        code: int = run(argv)
    finally:
        sys.stdout, sys.stderr = real_out, real_err
        plugins.observer = None
    if key is not None and code == 0 and _keepable(log):
        _save(key, argv, log, chunks, code)
    return code


def _keepable(log: InputLog) -> bool:
    if log.unsure or len(log.managers) != 1:
        return False
    pm = log.managers[0]
    if pm.failures:
        return False
    return all(info.origin == "builtin" for info in pm.infos.values())


def _save(key: list[Any], argv: list[str], log: InputLog, chunks: list[list[str]], code: int) -> None:
    import json

    path = _file_for(key)
    if path is None:
        return
    for name in _module_files():
        log.probe(name)
    entry = {"key": key, "argv": argv, "paths": sorted(log.paths.items()), "output": chunks, "code": code}
    from .errors import IkzError
    from .store import fs

    payload = json.dumps(entry, ensure_ascii=False).encode("utf-8")
    if len(payload) > MAX_BYTES:
        return
    import contextlib

    # a derived cache (a crash may lose it); a read-only home still shows the help, made each time
    with contextlib.suppress(IkzError, OSError):
        fs.atomic_write(path, payload, durable=False)
