"""The hostile-input corpus: apply a case to a copy of the example workspace, run the CLI, judge the answer.

A :class:`Case` is data: how to damage a copy of the example Verbund (``setup``), which
command reads the damaged file (``argv``), and what a user must get back — a documented
exit code, a German message naming the file and the place, no traceback, no English
parser text, no file changed, an answer within :data:`TIME_BOUND` seconds.

Every case runs ``python -m ikz_isms --workspace WS ...`` in its own process (with a
hard :data:`TIMEOUT`, so a hang fails the case instead of hanging the suite). The process is
a fork of a server that has imported the package once (:mod:`tests.badinput.forkserver`),
so a case costs its command, not Python's start-up; ``IKZ_BADINPUT_FRESH=1`` starts a fresh
interpreter per case instead. To keep the
corpus fast on a small machine the cases a test module selected are run concurrently
(:class:`Batch`, :data:`JOBS` at a time) the first time one of them is asked for; each
parametrised test then judges its own case. ``-k`` selecting one case runs one subprocess.

Layout of one case's folder::

    case/ws/        a copy of the example workspace (what ``example_workspace`` copies)
    case/outside/   files outside the workspace (symlink targets, loose catalog files)

The whole case folder is snapshotted before and after the run (derived caches and lock
files left out), so a file written outside the workspace, a temporary file left behind or
a report written despite bad input all count as "changed".

A case that fails because of a known product bug outside the store carries ``xfail`` with
the diagnosis (strict: once the bug is fixed the case must lose its mark). The slow group
(``check``, the PDF reports, files really padded to 50 MB) is marked ``slow``::

    pytest tests/badinput -m "not slow"          # the quick part
    IKZ_BADINPUT_JOBS=4 pytest tests/badinput    # more cases at a time
    IKZ_BADINPUT_KEEP=1 ...                      # keep every case's folder to look at
    IKZ_BADINPUT_TIMINGS=/tmp/t.txt ...          # where the time goes, per case
    IKZ_BADINPUT_FRESH=1 ...                     # a fresh interpreter per case (no fork server)
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import ROOT, copy_example_workspace

#: a command that does not answer within this many seconds is killed and the case fails
TIMEOUT = float(os.environ.get("IKZ_BADINPUT_TIMEOUT", "20"))
#: "an answer within a few seconds" (measured while other cases run beside it)
TIME_BOUND = float(os.environ.get("IKZ_BADINPUT_TIME_BOUND", "8"))
#: cases run at the same time
JOBS = int(os.environ.get("IKZ_BADINPUT_JOBS", str(max(2, min(4, os.cpu_count() or 2)))))
#: ``IKZ_BADINPUT_FRESH=1``: every case in a fresh ``python -m ikz_isms`` instead of a fork of a warm server
FRESH = os.environ.get("IKZ_BADINPUT_FRESH", "") not in ("", "0")
#: ``IKZ_BADINPUT_KEEP=1`` keeps every case's folder (for looking at what a command left behind)
KEEP = os.environ.get("IKZ_BADINPUT_KEEP", "") not in ("", "0")
#: the run's "today" (reports and plans count "überfällig" against it)
SOURCE_DATE_EPOCH = "1780000000"  # 2026-05-28

COUNTY = "bernkastel-wittlich"
OTHER_COUNTY = "vulkaneifel"
DATA = f"plugins/ikz-county-{COUNTY}/data"
CONFIG = "ikz-isms.yaml"
CATALOG = "catalogs/ikz-musterkatalog.json"
REVIEW = "catalogs/bewertungen/bernkastel-wittlich-finanzsoftware-5-1.yaml"
REVIEW_ID = "bernkastel-wittlich-finanzsoftware-5-1"
MIB = 1024 * 1024

#: parser and library English that must never reach a user (matched case-sensitively)
ENGLISH = (
    "Traceback", "is not valid", "could not determine", "unacceptable character", "expected", "found",
    "Errno", "Error:", "Exception", "while parsing", "while scanning", "while constructing", "is not of type",
    "is a required property", "does not match", "Additional properties", "is too long", "is too short",
    "is less than", "is greater than", "No such file", "Permission denied", "Is a directory", "Not a directory",
    "File name too long", "Invalid value", "invalid literal", "Usage:", "Try '", "unexpected", "Unexpected",
    "codec can't", "not well-formed", "line 1 column", "JSONDecodeError", "object has no attribute",
    "KeyError", "TypeError", "ValueError", "NoneType", "Interner Fehler", "integer range", "float range",
)

#: one of these says, in German, that something is wrong (stderr "Fehler: …", check's "FEHLER", verify's verdict)
GERMAN_VERDICTS = ("fehler", "fehlgeschlagen", "nicht bestanden", "abgelehnt", "verweigert")

#: `check` and the PDF reports take three to five times as long as the other commands: with the big files the
#: slow group (``-m "not slow"`` leaves it out)
SLOW_COMMANDS = (("check",), ("report",))

#: what the message must show as "the place"
LINE = "line"        # "Zeile N"
WHOLE_FILE = None    # the file alone names the problem (size, empty, a directory, a link ...)


def place_pointer(pointer: str) -> str:
    """The place is this JSON pointer (``/catalog/groups/0``), shown as is."""
    return pointer


@dataclass(frozen=True)
class Case:
    """One hostile input and the answer it must get.

    ``setup(ws)`` damages the copy ``ws`` of the example workspace (``ws.parent / "outside"``
    exists for files outside it). ``argv`` follows ``--workspace WS``; ``{ws}`` and
    ``{outside}`` in it are replaced by those folders. ``codes`` are the accepted exit codes;
    ``file`` must appear in the message, on the same line as the ``place`` (``LINE`` for
    "Zeile N", ``"Zeile 5"`` for that line, a JSON pointer, a compiled pattern such as
    :func:`table_line`, or ``WHOLE_FILE``). ``says`` are German fragments the output must
    contain (case-insensitive). ``ok`` marks an input that must be accepted (exit 0, e.g. a
    BOM); ``may_accept`` one that may be accepted or refused, as long as the answer is clean.
    ``writes`` allows files to change (a write that must succeed).
    """

    id: str
    setup: Callable[[Path], None]
    argv: tuple[str, ...]
    codes: frozenset[int] = frozenset({3})
    file: str | None = None
    place: Any = LINE
    says: tuple[str, ...] = ()
    ok: bool = False
    may_accept: bool = False
    writes: bool = False
    needs_non_root: bool = False
    xfail: str | None = None
    slow: bool = False
    stdin: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    #: ``False``: ``argv`` names the workspace itself (cases about ``--workspace``)
    workspace: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "argv", tuple(self.argv))
        object.__setattr__(self, "codes", frozenset(self.codes))
        object.__setattr__(self, "says", tuple(self.says))

    def param(self) -> Any:
        marks = []
        if self.slow or self.argv[:1] in SLOW_COMMANDS:
            marks.append(pytest.mark.slow)
        if self.xfail:
            marks.append(pytest.mark.xfail(reason=self.xfail, strict=True))
        return pytest.param(self, id=self.id, marks=marks)


def params(cases: Iterable[Case]) -> list[Any]:
    cases = list(cases)
    ids = [c.id for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"doppelte Fall-IDs: {duplicates}"
    return [c.param() for c in cases]


@dataclass
class Result:
    code: int | None
    stdout: str
    stderr: str
    elapsed: float
    before: dict[str, Any]
    after: dict[str, Any]
    argv: list[str]
    timed_out: bool = False
    error: BaseException | None = None

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr


# -- the example workspace -----------------------------------------------------------------


def copy_example(target: Path) -> Path:
    """The same copy of the repository's example workspace the ``example_workspace`` fixture makes."""
    return copy_example_workspace(target, ("*.egg-info", "__pycache__", "build", ".ikz-cache"))


#: what :func:`snapshot` keeps of a file to know it again: (inode, size, modification, change time, mode)
Stat = tuple[int, int, int, int, int]


def snapshot(root: Path, seen: dict[str, tuple[Stat, Any]] | None = None, since: int | None = None) -> dict[str, Any]:
    """Every file under ``root`` (and every link and folder) → its content hash; caches and locks left out.

    Files above 8 MiB (the padded cases) are identified by size and modification time, so
    hashing them does not dominate the corpus's run time.

    ``seen`` (filled in as files are read) makes the snapshot after a command cheap: a file
    whose inode, size, modification time, change time and mode are those of the snapshot
    before has the hash it had then, unread — provided its change time is earlier than
    ``since``, the file system's time stamp of a file made just before the command ran. Any
    write sets the change time to the file system's clock (no program can set it back), so
    a file the command wrote has a change time of at least ``since`` and is read again; a
    file changed in the same clock tick as ``since`` is always read again.
    """
    found: dict[str, Any] = {}

    def walk(folder: str, prefix: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:  # what os.walk does with a folder it cannot list: nothing below it
            return
        for entry in entries:
            name = entry.name
            relative = prefix + name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if name in (".ikz-cache", "__pycache__"):
                    continue
                if entry.is_symlink():
                    found[relative] = ("link", os.readlink(entry.path))
                else:
                    found[relative + "/"] = "dir"
                    walk(entry.path, relative + os.sep)
                continue
            if name.endswith(".lock"):
                continue
            if entry.is_symlink():
                found[relative] = ("link", os.readlink(entry.path))
                continue
            info = os.stat(entry.path)
            if info.st_size > 8 * MIB:
                found[relative] = ("big", info.st_size, info.st_mtime_ns)
                continue
            key = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_mode)
            known = seen.get(relative) if seen is not None else None
            if known is not None and known[0] == key and since is not None and info.st_ctime_ns < since:
                found[relative] = known[1]
                continue
            try:
                with open(entry.path, "rb") as handle:
                    found[relative] = hashlib.sha256(handle.read()).hexdigest()
            except PermissionError:
                found[relative] = ("unreadable", info.st_size, info.st_mtime_ns)
            if seen is not None:
                seen[relative] = (key, found[relative])

    walk(str(root), "")
    return found


def file_system_now(folder: Path) -> int:
    """The file system's time stamp for a change made now (a file made and removed beside ``folder``)."""
    marker = folder.parent / f".{folder.name}.now"
    marker.touch()
    try:
        return marker.stat().st_mtime_ns
    finally:
        marker.unlink()


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    keys = sorted(set(before) | set(after))
    out = []
    for key in keys:
        if key not in after:
            out.append(f"gelöscht: {key}")
        elif key not in before:
            out.append(f"neu: {key}")
        elif before[key] != after[key]:
            out.append(f"geändert: {key}")
    return out


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# -- running one case ----------------------------------------------------------------------


def command_env(extra: Sequence[tuple[str, str]] = ()) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKZ_ISMS_")}
    env.update({
        "IKZ_ISMS_NO_ENTRY_POINTS": "1",
        "PYTHONPATH": str(ROOT),
        "IKZ_ISMS_ACTOR": "badinput",
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "COLUMNS": "160",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
    })
    env.update(dict(extra))
    return env


def resolve(argv: Sequence[str], ws: Path, outside: Path) -> list[str]:
    return [a.replace("{ws}", str(ws)).replace("{outside}", str(outside)) for a in argv]


def copy_workspace(template: Path | None, target: Path) -> Path:
    """``target`` as a copy of ``template`` (itself a :func:`copy_example`), or of the example itself."""
    if template is None or shutil.which("cp") is None:
        return copy_example(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # cp copies without holding the GIL, so the cases beside it keep running
    subprocess.run(["cp", "-a", str(template), str(target)], check=True)
    return target


Outcome = tuple[int | None, bytes, bytes, bool]  # exit code (None: killed after TIMEOUT), stdout, stderr, timed out


def run_fresh(argv: list[str], cwd: Path, env: dict[str, str], stdin: str | None) -> Outcome:
    """``argv`` in a fresh interpreter (what a user's shell does)."""
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=TIMEOUT,
                              input=(stdin or "").encode("utf-8"))
    except subprocess.TimeoutExpired as exc:
        return None, exc.stdout or b"", exc.stderr or b"", True
    return proc.returncode, proc.stdout, proc.stderr, False


class ForkServer:
    """The client of :mod:`tests.badinput.forkserver`: one server per test process, cases from many threads."""

    def __init__(self) -> None:
        env = command_env()
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.badinput.forkserver"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        if first.strip() != b"ready":
            raise RuntimeError(f"Fork-Server startet nicht: {first!r}")
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._waiting: dict[int, dict[str, Any]] = {}
        self._dead = False
        self._reader = threading.Thread(target=self._read, name="forkserver-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            kind, ident, value = line.decode().split()
            with self._lock:
                slot = self._waiting.get(int(ident))
            if slot is None:
                continue
            if kind == "started":
                slot["pid"] = int(value)
                slot["started"].set()
            else:
                slot["code"] = int(value)
                slot["done"].set()
        with self._lock:  # the server is gone: nobody will answer the cases still waiting
            self._dead = True
            for slot in self._waiting.values():
                slot["started"].set()
                slot["done"].set()

    def run(self, args: list[str], cwd: Path, env: dict[str, str], stdin: str | None, *,
            streams: Path | None = None, timeout: float | None = None) -> Outcome:
        """``python -m ikz_isms ARGS`` in ``cwd`` with exactly ``env``; its stdin, stdout and stderr are files in
        ``streams`` (a new folder; by default beside ``cwd``), killed after ``timeout`` (:data:`TIMEOUT`) seconds."""
        ident = next(self._ids)
        if streams is None:
            streams = cwd.parent / f".{cwd.name}.streams"  # beside the case folder: its snapshot must not see them
        streams.mkdir()
        files = {name: streams / name for name in ("stdin", "stdout", "stderr")}
        files["stdin"].write_bytes((stdin or "").encode("utf-8"))
        for name in ("stdout", "stderr"):  # there even when the child is killed before it opens them
            files[name].write_bytes(b"")
        slot: dict[str, Any] = {"started": threading.Event(), "done": threading.Event()}
        request = {"id": ident, "argv": args, "cwd": str(cwd), "env": env,
                   **{name: str(path) for name, path in files.items()}}
        with self._lock:
            if self._dead:
                raise RuntimeError("Fork-Server ist beendet")
            self._waiting[ident] = slot
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
        try:
            slot["started"].wait()
            timed_out = not slot["done"].wait(TIMEOUT if timeout is None else timeout)
            if timed_out and "pid" in slot:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(slot["pid"], signal.SIGKILL)
                slot["done"].wait()
            if "code" not in slot and not timed_out:
                raise RuntimeError("Fork-Server ist beendet, ohne den Fall zu beantworten")
            stdout, stderr = files["stdout"].read_bytes(), files["stderr"].read_bytes()
        finally:
            with self._lock:
                self._waiting.pop(ident, None)
            shutil.rmtree(streams, ignore_errors=True)
        return (None if timed_out else slot["code"]), stdout, stderr, timed_out

    def close(self) -> None:
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


_server: ForkServer | None = None
_server_lock = threading.Lock()


def server() -> ForkServer:
    """This test process's fork server (started on first use, closed at exit)."""
    global _server
    with _server_lock:
        if _server is None:
            _server = ForkServer()
            atexit.register(_server.close)
        return _server


def run(case: Case, folder: Path, template: Path | None = None) -> Result:
    """Set the case up in ``folder`` (which must not exist) and run its command once."""
    ws = copy_workspace(template, folder / "ws")
    outside = folder / "outside"
    outside.mkdir()
    case.setup(ws)
    prefix = ["--workspace", str(ws)] if case.workspace else []
    argv = [sys.executable, "-m", "ikz_isms", *prefix, *resolve(case.argv, ws, outside)]
    seen: dict[str, tuple[Stat, Any]] = {}
    before = snapshot(folder, seen)
    since = file_system_now(folder)
    started = time.monotonic()
    if FRESH:
        code, stdout, stderr, timed_out = run_fresh(argv, folder, command_env(case.env), case.stdin)
    else:
        code, stdout, stderr, timed_out = server().run(argv[3:], folder, command_env(case.env), case.stdin)
    elapsed = time.monotonic() - started
    after = snapshot(folder, seen, since)
    return Result(code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"), elapsed,
                  before, after, argv, timed_out)


def restore_permissions(folder: Path) -> None:
    """Let pytest clean up after chmod-000 cases."""
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.chmod(0o755 if path.is_dir() else 0o644)


# -- judging -------------------------------------------------------------------------------


def _shown(result: Result, limit: int = 2500) -> str:
    def cut(text: str) -> str:
        text = text.strip()
        return text if len(text) <= limit else text[:limit] + f" … ({len(text)} Zeichen)"

    return (f"Aufruf: {' '.join(a if len(a) < 200 else a[:60] + '…' for a in result.argv[3:])}\n"
            f"Exit-Code: {result.code}  Dauer: {result.elapsed:.2f} s\n"
            f"--- stderr ---\n{cut(result.stderr)}\n--- stdout ---\n{cut(result.stdout)[:800]}")


def table_line(number: int | str) -> re.Pattern[str]:
    """The place is a table row whose "Zeile" column holds ``number`` (``journal verify``)."""
    return re.compile(rf"│\s*{number}\s*│")


def _place_pattern(place: Any) -> re.Pattern[str]:
    if isinstance(place, re.Pattern):
        return place
    if place == LINE:
        return re.compile(r"Zeile \d+")
    if re.fullmatch(r"Zeile \d+", place):
        return re.compile(re.escape(place) + r"\b")
    return re.compile(re.escape(place))


def _place_text(place: Any) -> str:
    if isinstance(place, re.Pattern):
        return place.pattern
    return "Zeile N" if place == LINE else str(place)


def problems(case: Case, result: Result) -> list[str]:
    """Every way the answer breaks the product's promise (an empty list: the case passes)."""
    found: list[str] = []
    if result.timed_out:
        return [f"keine Antwort nach {TIMEOUT:.0f} s (Prozess beendet)"]
    output = result.output
    accepted = case.ok or (case.may_accept and result.code == 0)
    if case.ok:
        if result.code != 0:
            found.append(f"Exit-Code {result.code}, erwartet 0 (die Eingabe ist zulässig)")
    elif accepted:
        pass
    else:
        if result.code not in case.codes:
            found.append(f"Exit-Code {result.code}, erwartet {sorted(case.codes)}")
        if result.code == 0:
            found.append("Exit-Code 0 bei fehlerhafter Eingabe")
    if result.code == 70 or "Interner Fehler" in output:
        found.append("'Interner Fehler' (Exit-Code 70)")
    if "Traceback" in output:
        found.append("Traceback in der Ausgabe")
    english = [fragment for fragment in ENGLISH if fragment in output]
    if english:
        found.append(f"englischer Bibliothekstext: {english}")
    lowered = output.lower()
    if case.ok or not accepted:
        for fragment in case.says:
            if fragment.lower() not in lowered:
                found.append(f"Meldung sagt nicht {fragment!r}")
    if not accepted:
        if not any(marker in lowered for marker in GERMAN_VERDICTS):
            found.append("keine deutsche Fehlermeldung ('Fehler', 'fehlgeschlagen' … fehlt)")
        if case.file is not None:
            lines = [line for line in output.splitlines() if case.file in line]
            if not lines:
                found.append(f"Meldung nennt die Datei {case.file!r} nicht")
            elif case.place is not None and not any(_place_pattern(case.place).search(line) for line in lines):
                found.append(f"Meldung nennt die Stelle nicht ({_place_text(case.place)}) in einer Zeile mit "
                             f"{case.file!r}")
    if not case.writes and not (case.may_accept and accepted):
        diff = changed(result.before, result.after)
        if diff:
            found.append("Dateien verändert: " + "; ".join(diff[:8]))
    if result.elapsed > TIME_BOUND:
        found.append(f"Antwort nach {result.elapsed:.1f} s (Grenze {TIME_BOUND:.0f} s)")
    return found


def judge(case: Case, result: Result) -> None:
    if result.error is not None:
        raise result.error
    found = problems(case, result)
    if found:
        pytest.fail(f"{case.id}:\n  - " + "\n  - ".join(found) + "\n" + _shown(result), pytrace=False)


# -- running a module's cases concurrently -------------------------------------------------


class Batch:
    """Runs the cases a test module selected, :data:`JOBS` at a time, on first demand.

    Under pytest-xdist (``-n``) each case runs on its own when its test asks for it.
    """

    def __init__(self, request: Any, tmp_path_factory: Any, param_name: str = "case"):
        self.request = request
        self.factory = tmp_path_factory
        self.param_name = param_name
        self.results: dict[str, Result] = {}
        self._started = False

    def _selected(self) -> list[Case]:
        module = self.request.module
        cases: dict[str, Case] = {}
        for item in self.request.session.items:
            if getattr(item, "module", None) is not module:
                continue
            callspec = getattr(item, "callspec", None)
            case = callspec.params.get(self.param_name) if callspec is not None else None
            if isinstance(case, Case) and not (case.needs_non_root and running_as_root()):
                cases[case.id] = case
        return list(cases.values())

    def _run_one(self, case: Case, folder: Path, template: Path | None = None) -> Result:
        try:
            return run(case, folder, template)
        except BaseException as exc:  # reported by the case's own test
            return Result(None, "", "", 0.0, {}, {}, [], error=exc)
        finally:
            if case.needs_non_root:
                restore_permissions(folder)

    def result(self, case: Case) -> Result:
        if case.needs_non_root and running_as_root():
            pytest.skip("läuft als root: Dateirechte (chmod 000) halten root nicht auf")
        # under pytest-xdist every worker sees the whole collection; xdist spreads the cases itself
        distributed = hasattr(self.request.config, "workerinput")
        if not self._started and not distributed:
            self._started = True
            selected = self._selected()
            base = self.factory.mktemp("badinput")
            template = copy_example(base / "example")
            folders = {c.id: base / f"c{index:03d}" for index, c in enumerate(selected)}
            with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
                futures = {pool.submit(self._run_one, c, folders[c.id], template): c for c in selected}
                for future in concurrent.futures.as_completed(futures):
                    self.results[futures[future].id] = future.result()
            if not KEEP:  # hundreds of workspace copies (some padded to 50 MB) would fill the disk
                subprocess.run(["rm", "-rf", str(base)], check=False) if shutil.which("rm") else \
                    shutil.rmtree(base, ignore_errors=True)
            timings = os.environ.get("IKZ_BADINPUT_TIMINGS")
            if timings:  # where the corpus spends its time (for keeping it fast)
                with open(timings, "a", encoding="utf-8") as handle:
                    for key, result in sorted(self.results.items(), key=lambda item: -item[1].elapsed):
                        handle.write(f"{result.elapsed:6.2f} {result.code} {key}\n")
        if case.id not in self.results:
            folder = self.factory.mktemp("badinput-single")
            self.results[case.id] = self._run_one(case, folder / "c")
            if not KEEP:
                shutil.rmtree(folder, ignore_errors=True)
        return self.results[case.id]


# -- building blocks for setups ------------------------------------------------------------


Setup = Callable[[Path], None]


def steps(*setups: Setup) -> Setup:
    def apply(ws: Path) -> None:
        for setup in setups:
            setup(ws)

    return apply


def nothing(ws: Path) -> None:
    return None


def _bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def write(relative: str, data: bytes | str) -> Setup:
    """Replace (or create) the file with ``data``."""

    def apply(ws: Path) -> None:
        path = ws / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_bytes(data))

    return apply


def write_outside(name: str, data: bytes | str) -> Setup:
    def apply(ws: Path) -> None:
        (ws.parent / "outside" / name).write_bytes(_bytes(data))

    return apply


def append(relative: str, data: bytes | str) -> Setup:
    def apply(ws: Path) -> None:
        with open(ws / relative, "ab") as handle:
            handle.write(_bytes(data))

    return apply


def prepend(relative: str, data: bytes | str) -> Setup:
    def apply(ws: Path) -> None:
        path = ws / relative
        path.write_bytes(_bytes(data) + path.read_bytes())

    return apply


def replace(relative: str, old: str, new: bytes | str, count: int = 1) -> Setup:
    """Replace the first ``count`` occurrences of ``old`` (which must occur) by ``new``."""

    def apply(ws: Path) -> None:
        path = ws / relative
        raw = path.read_bytes()
        needle = old.encode("utf-8")
        assert needle in raw, f"{relative}: {old!r} kommt nicht vor"
        path.write_bytes(raw.replace(needle, _bytes(new), count))

    return apply


def sub(relative: str, pattern: str, new: str, count: int = 1) -> Setup:
    """Regex replacement (multiline) in a text file; the pattern must match."""

    def apply(ws: Path) -> None:
        path = ws / relative
        text = path.read_text(encoding="utf-8")
        result, n = re.subn(pattern, new, text, count=count, flags=re.M)
        assert n, f"{relative}: /{pattern}/ passt nicht"
        path.write_text(result, encoding="utf-8")

    return apply


def pad(relative: str, size: int = 50 * 1000 * 1000) -> Setup:
    """Make the file ``size`` bytes long after its real content: a sparse tail (zeros), written at once."""

    def apply(ws: Path) -> None:
        path = ws / relative
        with open(path, "r+b") as handle:
            handle.truncate(size)

    return apply


def pad_comment(relative: str, size: int = 50 * 1000 * 1000) -> Setup:
    """Append one huge YAML comment until the file is ``size`` bytes (real bytes, a valid document)."""

    def apply(ws: Path) -> None:
        path = ws / relative
        current = path.stat().st_size
        chunk = b"x" * MIB
        with open(path, "ab") as handle:
            handle.write(b"\n# ")
            remaining = size - current - 3
            while remaining > 0:
                handle.write(chunk[: min(remaining, len(chunk))])
                remaining -= len(chunk)
            handle.write(b"\n")

    return apply


def make_dir(relative: str) -> Setup:
    """The file is replaced by a directory of the same name."""

    def apply(ws: Path) -> None:
        path = ws / relative
        if path.exists():
            path.unlink()
        path.mkdir()

    return apply


def remove(relative: str) -> Setup:
    def apply(ws: Path) -> None:
        (ws / relative).unlink()

    return apply


def chmod(relative: str, mode: int = 0) -> Setup:
    def apply(ws: Path) -> None:
        (ws / relative).chmod(mode)

    return apply


def link_outside(relative: str, *, keep_content: bool = True) -> Setup:
    """The file becomes a symbolic link to a file outside the workspace (a copy of its content)."""

    def apply(ws: Path) -> None:
        path = ws / relative
        target = ws.parent / "outside" / path.name
        if keep_content:
            shutil.copy(path, target)
        else:
            target.write_bytes(b"")
        path.unlink()
        path.symlink_to(target)

    return apply


def link_dir_outside(relative: str) -> Setup:
    """A folder becomes a symbolic link to a copy of it outside the workspace."""

    def apply(ws: Path) -> None:
        path = ws / relative
        target = ws.parent / "outside" / path.name
        shutil.copytree(path, target)
        shutil.rmtree(path)
        path.symlink_to(target, target_is_directory=True)

    return apply


def edit_lines(relative: str, change: Callable[[list[bytes]], list[bytes]]) -> Setup:
    """Change the file's lines (bytes, without line ends); the file keeps its final newline."""

    def apply(ws: Path) -> None:
        path = ws / relative
        raw = path.read_bytes()
        lines = raw.split(b"\n")
        tail = lines[-1] == b""
        if tail:
            lines = lines[:-1]
        result = change(lines)
        path.write_bytes(b"\n".join(result) + (b"\n" if tail else b""))

    return apply


def pin_to_content(name: str = "muster") -> Setup:
    """Set the pin of catalog ``name`` in ikz-isms.yaml to its file's current SHA-256 (so the parser is reached)."""

    def apply(ws: Path) -> None:
        config = ws / CONFIG
        text = config.read_text(encoding="utf-8")
        target = ws / CATALOG
        digest = hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else "0" * 64
        text = re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", text, count=1)
        config.write_text(text, encoding="utf-8")

    return apply


def nested(depth: int, opening: str = "[", closing: str = "]") -> str:
    return opening * depth + closing * depth


def alias_bomb(key: str = "bombe", levels: int = 9, width: int = 9) -> str:
    """A billion-laughs structure under ``key`` (9^9 strings if expanded)."""
    lines = [f'{key}:', '  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"  l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


# -- the structural attacks on any YAML file ------------------------------------------------

BOM = b"\xef\xbb\xbf"
MB_TEXT = "x" * 1_000_000


def python_tag(relative: str):
    """``!!python/object/apply:os.system`` that would create a file outside the workspace if it ran."""

    def apply(ws: Path) -> None:
        target = ws.parent / "outside" / "pwned"
        with open(ws / relative, "a", encoding="utf-8") as handle:
            handle.write(f'x-code: !!python/object/apply:os.system ["touch {target}"]\n')

    return apply


def utf16(relative: str):
    def apply(ws: Path) -> None:
        path = ws / relative
        path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))

    return apply


def deep_mapping(levels: int = 100) -> str:
    return "x-tief:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(levels)) + "  " * (levels + 1) + "ende: 1\n"


#: the attacks every YAML kind gets; ``extended`` names more of the list below for one kind
CORE = ("anchor-alias", "alias-bomb", "merge-key", "padded-50mb", "nested-list-20000", "tag-include",
        "tag-python-object", "duplicate-key", "two-documents", "nul-byte", "escaped-control-in-value", "non-utf8",
        "empty", "directory", "unreadable", "bom-accepted")


def yaml_attacks(prefix: str, relative: str, argv: tuple[str, ...], *, duplicate: str,
                 codes: frozenset[int] = frozenset({3}), directory: tuple[str, ...] = ("Verzeichnis",),
                 extended: tuple[str, ...] = (), marks: dict[str, dict] | None = None) -> list[Case]:
    """The structural attacks on any YAML file the store reads (docs/guarantees.md, "Bad input")."""
    f = relative

    def case(name: str, setup, place=LINE, says=(), **kw) -> Case:
        return Case(f"{prefix}-{name}", setup, argv, codes, f, place, says, **{**(marks or {}).get(name, {}), **kw})

    cases = [
        case("anchor-alias", append(f, "x-anker: &a Wert\nx-verweis: *a\n"), says=("Anker",)),
        case("alias-bomb", append(f, alias_bomb()), says=("Anker",)),
        case("merge-key", append(f, "x-zusammen:\n  <<: {a: 1}\n"), says=("<<",)),
        case("padded-50mb", pad(f), WHOLE_FILE, ("zu groß",)),
        case("nested-list-20000", append(f, "x-tief: " + nested(20000) + "\n"), says=("verschachtelt",)),
        case("nested-flow-mapping-20000", append(f, "x-tief: " + nested(20000, "{a: ", "}") + "\n"),
             says=("verschachtelt",)),
        case("nested-block-100", append(f, deep_mapping()), says=("verschachtelt",)),
        case("tag-include", append(f, "x-datei: !include /etc/passwd\n"), says=("Markierung",)),
        case("tag-python-object", python_tag(f), says=("Markierung",)),
        case("tag-set", append(f, "x-menge: !!set {a, b}\n"), says=("Markierung",)),
        case("duplicate-key", append(f, duplicate), says=("doppelt",)),
        case("two-documents", append(f, "---\nx: 1\n"), says=("Dokument",)),
        case("nul-byte", append(f, "# Kommentar mit \x00 NUL\n"), says=("Steuerzeichen",)),
        case("escape-char", append(f, "# Kommentar mit \x1b[31m Farbe\n"), says=("Steuerzeichen",)),
        case("escaped-control-in-value", append(f, 'x-text: "Kreis\\e[2J\\x07"\n'), says=("Steuerzeichen",)),
        case("non-utf8", append(f, b"# Gr\xfc\xdfe aus Latin-1\n"), says=("UTF-8",)),
        case("utf16", utf16(f), says=("UTF-8",)),
        case("tab-indent", append(f, "x-tab:\n\t- eins\n"), says=("Tabulator",)),
        case("float-1e308", append(f, "x-zahl: 1.0e+308\n"), says=("Bereich",)),
        case("int-400-digits", append(f, "x-zahl: " + "9" * 400 + "\n"), says=("Bereich",)),
        case("inf", append(f, "x-zahl: .inf\n"), says=("unendlich",)),
        case("nan", append(f, "x-zahl: .nan\n"), says=("keine Zahl",)),
        case("date-02-30", append(f, "x-datum: 2026-02-30\n"), says=("Datum",)),
        case("date-13-01", append(f, "x-datum: 2026-13-01\n"), says=("Datum",)),
        case("empty", write(f, ""), WHOLE_FILE, ("leer",)),
        case("directory", make_dir(f), WHOLE_FILE, directory),
        case("unreadable", chmod(f), WHOLE_FILE, ("nicht lesbar",), needs_non_root=True),
        case("top-level-list", write(f, "- eins\n- zwei\n"), says=("falscher Typ",)),
        Case(f"{prefix}-bom-accepted", prepend(f, BOM), argv, ok=True),
    ]
    return [c for c in cases if c.id.removeprefix(prefix + "-") in CORE + extended]
