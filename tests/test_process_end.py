"""How the console script's process ends (``cli.run``): quickly, and with nothing lost.

The last ``atexit`` handler ends the process without the interpreter's teardown
(:func:`ikz_isms.cli._quick_end`). What a user or a plugin can see must stay as it was: the
exit code, every byte written to stdout and stderr (also through a pipe, also without a final
newline), ``atexit`` handlers registered during the command, threads the command started.
Where a tracer runs, or a handler was registered before the command line started, the teardown
happens as always (coverage, for one, writes its results then).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, body: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A console-script process (``cli.run``) whose command is ``body`` (a function ``command() -> int``)."""
    script = ("import sys\nfrom ikz_isms import cli\n" + textwrap.dedent(body)
              + "\ncli.main = lambda argv=None: command()\nsys.argv = ['ikz-isms', 'probe']\ncli.run()\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IKZ_ISMS_NO_ENTRY_POINTS": "1", "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("PYTHONDEVMODE", None)
    probe = tmp_path / "probe.py"
    probe.write_text(script, encoding="utf-8")
    return subprocess.run([sys.executable, *args, str(probe)], capture_output=True, text=True, cwd=tmp_path,
                          env=env, stdin=subprocess.DEVNULL)


def test_exit_code_and_unterminated_output_arrive_through_pipes(tmp_path):
    done = _run(tmp_path, """
        def command():
            sys.stdout.write("ohne Zeilenende " * 5000)
            sys.stderr.write("Warnung ohne Zeilenende")
            return 3
    """)
    assert done.returncode == 3
    assert done.stdout == "ohne Zeilenende " * 5000
    assert done.stderr == "Warnung ohne Zeilenende"


def test_handlers_registered_by_the_command_run_and_threads_are_joined(tmp_path):
    marker = tmp_path / "marker.txt"
    done = _run(tmp_path, f"""
        import atexit, threading, time
        def command():
            atexit.register(lambda: print("atexit gelaufen", flush=True))
            def late():
                time.sleep(0.2)
                open({str(marker)!r}, "w").write("fertig")
            threading.Thread(target=late).start()
            return 0
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "atexit gelaufen\n"
    assert marker.read_text() == "fertig"


#: the quick end announces itself on stderr (``os._exit`` wrapped); without it, the teardown ran
WITNESS = """
    import atexit, os
    _real_exit = os._exit
    def _announced(code):
        os.write(2, b"schnell")
        _real_exit(code)
    os._exit = _announced
"""


def test_quick_end_skips_the_teardown(tmp_path):
    done = _run(tmp_path, WITNESS + """
    def command():
        print("ok")
        return 4
    """)
    assert (done.returncode, done.stdout, done.stderr) == (4, "ok\n", "schnell")


def test_a_tracer_or_an_earlier_handler_keeps_the_teardown(tmp_path):
    traced = _run(tmp_path, WITNESS + """
    def command():
        sys.settrace(lambda *args: None)
        return 0
    """)
    assert (traced.returncode, traced.stderr) == (0, "")
    earlier = _run(tmp_path, WITNESS + """
    atexit.register(lambda: sys.stderr.write("vorher registriert"))
    def command():
        return 0
    """)
    assert (earlier.returncode, earlier.stderr) == (0, "vorher registriert")


def test_a_profiler_writes_its_results(tmp_path):
    done = _run(tmp_path, """
    def command():
        return 0
    """, "-m", "cProfile", "-o", str(tmp_path / "profil.out"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "profil.out").stat().st_size > 0


def test_a_command_ending_by_an_exception_takes_pythons_own_road(tmp_path):
    done = _run(tmp_path, """
        def command():
            raise SystemExit(5)
    """)
    assert done.returncode == 5


def test_a_real_command_through_a_pipe(tmp_path):
    """``ikz-isms init`` and ``catalog list`` as the console script runs them, output read through a pipe."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IKZ_ISMS_NO_ENTRY_POINTS": "1", "XDG_CACHE_HOME": str(tmp_path)}
    made = subprocess.run([sys.executable, "-m", "ikz_isms", "init", "ws"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, stdin=subprocess.DEVNULL)
    assert made.returncode == 0, made.stderr
    listed = subprocess.run([sys.executable, "-m", "ikz_isms", "catalog", "list"], capture_output=True, text=True,
                            cwd=tmp_path / "ws", env=env, stdin=subprocess.DEVNULL)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == "Keine Kataloge eingetragen. Importieren mit: ikz-isms catalog import DATEI\n"


@pytest.mark.parametrize("args", [("catalog", "list"), ("catalog", "show", "SYS", "--format", "json"), ("assess",)])
def test_a_reader_that_went_away_is_no_error(example_workspace, tmp_path, args):
    """``ikz-isms … | head``: the reader closes the pipe before the command writes. Click alone
    would end with exit code 1; ikz-isms ends quietly with 0, tables and JSON alike."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IKZ_ISMS_NO_ENTRY_POINTS": "1", "XDG_CACHE_HOME": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "ikz_isms", *args], cwd=example_workspace, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before the command has its first line
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 0, stderr
    assert stderr == b""
