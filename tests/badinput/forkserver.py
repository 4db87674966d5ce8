"""A fork server for the hostile-input corpus: every case still runs in its own process, without paying start-up.

Run as ``python -m tests.badinput.forkserver`` (what :class:`ForkServer` does), the server
imports the whole ``ikz_isms`` package and the libraries it uses once, then waits for
requests on stdin, one JSON object per line::

    {"id": 7, "argv": [...], "cwd": "...", "env": {...}, "stdin": "...", "stdout": "...", "stderr": "..."}

For each request it forks. The child becomes what ``python -m ikz_isms ARGV`` in ``cwd``
with ``env`` would be: its own process group, the environment replaced, file descriptors
0/1/2 on the named files, ``sys.argv`` and ``sys.path[0]`` as ``-m`` sets them, then the
console script's ``run()``. Its ``SystemExit`` ends the child as the interpreter ends a
program (non-daemon threads joined, ``atexit`` handlers run, buffers flushed, :func:`end`),
only without tearing the modules down, so the exit code, stdout and stderr are the ones a
fresh process gives. The server answers on stdout::

    started ID PID        the child runs (the client kills the process group PID on its time-out)
    done ID CODE          the child ended; CODE as subprocess reports it (negative: killed by a signal)

What a fresh process would do and a forked one does not: compile and import the package.
Module import has no side effects in ``ikz_isms`` that depend on the environment (every
switch is read when a command runs), and nothing is run in the server, so no cache is warm
in the child. ``IKZ_BADINPUT_FRESH=1`` runs every case in a fresh ``python -m ikz_isms``
instead, and ``tests/badinput/test_forkserver.py`` compares both roads on sample cases.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import importlib
import json
import os
import pkgutil
import select
import signal
import sys
from typing import Any

#: libraries the commands import lazily; preloading them is what makes a case cheap
LIBRARIES = (
    "click", "pluggy", "jsonschema", "ruamel.yaml", "yaml", "reportlab.pdfgen.canvas", "reportlab.platypus",
    "reportlab.pdfbase.ttfonts", "openpyxl", "orjson", "filelock", "rich",
)


def _preload() -> None:
    for name in LIBRARIES:
        with contextlib.suppress(ImportError):  # not every library is installed everywhere
            importlib.import_module(name)
    import ikz_isms

    for info in pkgutil.walk_packages(ikz_isms.__path__, "ikz_isms."):
        if info.name.endswith("__main__"):
            continue  # importing it would run the command line
        importlib.import_module(info.name)
    # the children inherit these objects: keep the collector from walking (and copying) them in every child
    gc.collect()
    gc.freeze()


def _write(line: str) -> None:
    data = (line + "\n").encode("utf-8")
    while data:
        data = data[os.write(1, data):]


def serve() -> dict[str, Any] | None:
    """Answer requests until stdin closes (returns ``None``); in a forked child, return its request."""
    _preload()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    children: dict[int, int] = {}
    pending = b""
    _write("ready")
    while True:
        try:
            ready, _, _ = select.select([0, wake_r], [], [])
        except InterruptedError:  # pragma: no cover - PEP 475 retries select itself
            continue
        if wake_r in ready:
            try:
                while os.read(wake_r, 4096):
                    pass
            except BlockingIOError:
                pass
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            _write(f"done {children.pop(pid)} {os.waitstatus_to_exitcode(status)}")
        if 0 not in ready:
            continue
        data = os.read(0, 1 << 20)
        if not data:
            return None
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.close(wake_r)
                os.close(wake_w)
                return dict(request)
            with contextlib.suppress(OSError):  # parent and child both set the group: no window for the kill
                os.setpgid(pid, pid)
            children[pid] = request["id"]
            _write(f"started {request['id']} {pid}")


def become(request: dict[str, Any]) -> None:
    """Turn the forked child into ``python -m ikz_isms`` as the request describes it."""
    with contextlib.suppress(OSError):  # the server may have set it already
        os.setpgid(0, 0)
    for target, (name, flags) in enumerate(((request["stdin"], os.O_RDONLY),
                                            (request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                            (request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC))):
        fd = os.open(name, flags, 0o600)
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    import ikz_isms

    sys.argv = [os.path.join(os.path.dirname(ikz_isms.__file__), "__main__.py"), *request["argv"]]
    sys.path[0] = os.getcwd()
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main() -> None:
    # requests and answers travel on fds 0 and 1; the children get their own
    request = serve()
    if request is None:
        return
    try:
        become(request)
    except OSError as exc:  # the case's files could not be opened: say so where the client reads
        os.write(2, f"forkserver: {exc}\n".encode())
        os._exit(errno.EIO)
    from ikz_isms.cli import run

    try:
        run()
    except SystemExit as exc:
        end(exc.code)
    except BaseException as exc:  # what the interpreter does with an uncaught exception
        sys.excepthook(type(exc), exc, exc.__traceback__)
        end(1, interrupted=isinstance(exc, KeyboardInterrupt))
    end(0)


def end(code: object, *, interrupted: bool = False) -> None:
    """End the child as the interpreter ends a program, without tearing its modules down.

    What ``Py_FinalizeEx`` does that a user can see, in its order: the exit code of
    ``SystemExit`` (``None`` is 0, a non-integer is printed to stderr and gives 1), non-daemon
    threads joined (``threading._shutdown``, which also runs ``threading._register_atexit``
    hooks such as the executors'), ``atexit`` handlers, stdout and stderr flushed (a failed
    stdout flush gives 120), an uncaught ``KeyboardInterrupt`` re-raised as SIGINT. What it
    leaves out is clearing every module and freeing every object: in a fork that touches
    (and so copies) every page the server shares with the child, about 70 ms per case, and
    finalizers of objects still alive at exit are not guaranteed by Python either (the
    command line ends with ``gc.freeze()`` for the same reason, ``ikz_isms.cli._exit``).
    """
    import atexit
    import threading

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        with contextlib.suppress(Exception):
            print(code, file=sys.stderr)
        status = 1
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except Exception:
        status = 120
    with contextlib.suppress(Exception):
        if sys.stderr is not None:
            sys.stderr.flush()
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(status & 0xFF)


if __name__ == "__main__":
    main()
