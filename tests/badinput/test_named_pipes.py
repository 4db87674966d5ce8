"""Named pipes and devices where a file is expected: refused at once, never waited on.

Opening a named pipe for reading waits until someone writes to it; a workspace can come from
anywhere (a clone, an archive), and a pipe planted among its files must not stop a command —
not even ``--help``, which looks at the workspace's plugins. A pipe or device named on the
command line is refused with exit code 3 and a German message naming it. Each command runs
in its own process with a time limit, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import copy_example_workspace

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 60  # seconds; each of these commands takes well under one

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="keine benannten Pipes auf diesem System")


def _run(cwd: Path, *args: str, cache: Path, caches: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IKZ_ISMS_NO_ENTRY_POINTS": "1", "XDG_CACHE_HOME": str(cache)}
    env.pop("IKZ_ISMS_NO_CACHE", None)
    if not caches:
        env["IKZ_ISMS_NO_CACHE"] = "1"
    try:
        return subprocess.run([sys.executable, "-m", "ikz_isms", *args], cwd=cwd, env=env, capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=LIMIT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"ikz-isms {' '.join(args)} wartet auf eine benannte Pipe (nach {LIMIT} s abgebrochen)")


def _pipe_in_place_of(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


@pytest.mark.parametrize("name", ["katalog.json", "Kompendium.xml"])
def test_a_pipe_named_for_import_is_refused(tmp_path, name):
    workspace = copy_example_workspace(tmp_path / "ws")
    pipe = tmp_path / name
    os.mkfifo(pipe)
    done = _run(workspace, "catalog", "import", str(pipe), cache=tmp_path / "cache")
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(f"Fehler: {pipe}: Ist eine benannte Pipe, keine gewöhnliche Datei")
    assert "Traceback" not in done.stderr


def test_a_device_named_for_import_is_refused(tmp_path):
    workspace = copy_example_workspace(tmp_path / "ws")
    done = _run(workspace, "catalog", "import", os.devnull, cache=tmp_path / "cache")
    assert done.returncode == 3, done.stderr
    assert "Ist ein Gerät, keine gewöhnliche Datei" in done.stderr


@pytest.mark.parametrize("args", [("--help",), ("assess",), ("check",)])
@pytest.mark.parametrize("planted", ["src/ikz_county_vulkaneifel/__init__.py", "pyproject.toml"])
def test_a_pipe_among_a_plugins_files_stops_no_command(tmp_path, planted, args):
    """The county's package files are hashed to compare with the allow-list: a pipe there is
    unreadable, so the plugin is not run (its data still counts), and the command answers."""
    workspace = copy_example_workspace(tmp_path / "ws")
    plugin = workspace / "plugins" / "ikz-county-vulkaneifel"
    assert (plugin / planted).is_file()
    _pipe_in_place_of(plugin / planted)
    done = _run(workspace, *args, cache=tmp_path / "cache")
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout


def test_a_pipe_in_the_cache_is_no_cache(tmp_path):
    """A derived cache entry replaced by a pipe is unusable, not waited on: the answer is the
    same as without it."""
    workspace = copy_example_workspace(tmp_path / "ws")
    cache = tmp_path / "cache"
    first = _run(workspace, "assess", "--format", "json", cache=cache, caches=True)
    assert first.returncode in (0, 1), first.stderr
    entries = sorted(p for p in (workspace / ".ikz-cache").rglob("*") if p.is_file())
    assert entries
    for entry in entries:
        _pipe_in_place_of(entry)
    again = _run(workspace, "assess", "--format", "json", cache=cache, caches=True)
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout), again.stderr


def test_a_pipe_for_a_journal_stops_no_write_and_changes_nothing(tmp_path):
    """A county's journal replaced by a pipe: ``assess set`` (which appends to it) and
    ``journal verify`` answer with an error naming the journal, in time, and no record changes."""
    workspace = copy_example_workspace(tmp_path / "ws")
    data = workspace / "plugins" / "ikz-county-vulkaneifel" / "data"
    records = data / "pruefungen" / "IV.yaml"
    before = records.read_bytes()
    _pipe_in_place_of(data / "journal.jsonl")
    for args in (("assess", "set", "ISMS.1.A1", "IV", "ja", "--county", "vulkaneifel", "--statement", "Test"),
                 ("journal", "verify", "--county", "vulkaneifel")):
        done = _run(workspace, *args, cache=tmp_path / "cache")
        assert done.returncode in (3, 6), done.stderr
        assert "journal.jsonl" in done.stderr and "benannte Pipe" in done.stderr
    assert records.read_bytes() == before


def test_an_append_never_waits_for_a_pipe(tmp_path):
    """The store's append itself (the journal's road): a pipe in the file's place is refused."""
    import threading

    from ikz_isms.errors import OutputError
    from ikz_isms.store import fs

    pipe = tmp_path / "journal.jsonl"
    os.mkfifo(pipe)
    outcome: list[BaseException | None] = []

    def append() -> None:
        try:
            fs.append_bytes(pipe, b"{}\n")
            outcome.append(None)
        except BaseException as exc:  # handed to the test below
            outcome.append(exc)

    worker = threading.Thread(target=append, daemon=True)  # (a regression would block it, not the suite)
    worker.start()
    worker.join(LIMIT)
    assert outcome, "append_bytes wartet auf einen Leser der Pipe"
    assert isinstance(outcome[0], OutputError) and "benannte Pipe" in str(outcome[0])


@pytest.mark.parametrize("kind", ["pipe", "device", "folder"])
def test_an_output_named_for_something_else_than_a_file_is_not_replaced(tmp_path, kind):
    """`report county -o /dev/null` run as root replaced the device with the report (os.replace
    takes any directory entry): every program on the machine then read the PDF from /dev/null.
    Now exit 6 before any work, the entry left as it was."""
    ws = copy_example_workspace(tmp_path / "ws")
    target = tmp_path / "ausgabe.pdf"
    if kind == "pipe":
        os.mkfifo(target)
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("ein Gerät anlegen darf nur root")
        os.mknod(target, 0o666 | __import__("stat").S_IFCHR, os.makedev(1, 5))  # a second /dev/zero
    else:
        target.mkdir()
    before = os.lstat(target)
    for args in (("report", "county", "vulkaneifel", "-o", str(target)),
                 ("export", "oscal", "ssp", "--county", "vulkaneifel", "-o", str(target))):
        done = _run(ws, *args, cache=tmp_path / "cache")
        assert done.returncode in (2, 6), (args, done.stderr)
        assert "Fehler:" in done.stderr and str(target) in done.stderr and "Traceback" not in done.stderr
        after = os.lstat(target)
        assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
