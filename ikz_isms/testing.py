"""Test helpers and pytest fixtures for ikz-isms and its plugins: test your plugin as the core tests itself.

In a plugin's ``conftest.py``::

    pytest_plugins = ["ikz_isms.testing"]

gives the fixtures

* ``ikz_isolated`` (autouse): no installed plugins, no real home directory, no inherited
  workspace, German wide output — every test starts clean;
* ``ikz_workspace``: a new, empty workspace (``ikz-isms init``) in ``tmp_path``;
* ``ikz_run``: run ``ikz-isms ARGS`` in-process as a user would and get exit code, stdout
  and stderr (a :class:`Result`);

and the functions :func:`make_workspace`, :func:`write_plugin` (a ``*.py`` plugin dropped into
a workspace and allowed there, as ``ikz-isms plugins allow`` does) and :func:`run`.
"""

from __future__ import annotations

import io
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ISOLATION_UNSET = ("IKZ_ISMS_WORKSPACE", "IKZ_ISMS_PLUGINS", "IKZ_ISMS_BLOCK_PLUGINS", "SOURCE_DATE_EPOCH",
                   "IKZ_ISMS_COUNTY", "IKZ_ISMS_ACTOR", "IKZ_ISMS_TRACE_PLUGINS", "IKZ_ISMS_PSEUDONYM_KEY",
                   "IKZ_ISMS_SIGNING_KEY", "IKZ_ISMS_SIGNING_PASSPHRASE", "XDG_CONFIG_HOME")


@dataclass
class Result:
    """What a user sees of one run: the exit code, standard output and standard error."""

    exit_code: int
    output: str
    stderr: str


def run(*args: Any, stdin: str | None = None) -> Result:
    """Run ``ikz-isms ARGS`` in this process; output is captured, nothing is printed."""
    from .cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        sys.stdin = old_stdin
    return Result(code, out.getvalue(), err.getvalue())


def make_workspace(root: Path, name: str = "Testverbund", members: tuple[str, ...] = ()) -> Path:
    """A minimal valid workspace at ``root`` (config, ``catalogs/``, ``plugins/``)."""
    root.mkdir(parents=True, exist_ok=True)
    lines = ["verbund:", f"  name: {name}", "  members:" + ("" if members else " []")]
    lines += [f"    - {member}" for member in members]
    lines.append("catalogs: {}")
    (root / "ikz-isms.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "catalogs").mkdir(exist_ok=True)
    (root / "plugins").mkdir(exist_ok=True)
    return root


def allow_plugin(workspace: Path, name: str) -> str:
    """Allow a workspace plugin by name and code hash (what ``ikz-isms plugins allow`` writes)."""
    from .plugins import workspace_plugins
    from .store import Store
    from .store.edit import to_rt

    found = {p.name: p for p in workspace_plugins(workspace / "plugins")}
    digest = found[name].sha256

    def mutate(document: Any) -> None:
        plugins = document.get("plugins")
        if plugins is None:
            document["plugins"] = plugins = to_rt({})
        allow = plugins.get("allow")
        if allow is None:
            plugins["allow"] = allow = to_rt({})
        allow[name] = digest

    Store(workspace).edit(workspace / "ikz-isms.yaml", "config", mutate)
    return digest


def write_plugin(workspace: Path, name: str, source: str, *, allow: bool = True) -> Path:
    """Drop ``plugins/<name>.py`` into a workspace (dedented) and, by default, allow it to run."""
    path = workspace / "plugins" / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    if allow:
        allow_plugin(workspace, name)
    return path


def isolate(patch: pytest.MonkeyPatch, home: Path) -> None:
    """What :func:`ikz_isolated` does, on any ``MonkeyPatch`` (also one of a module-scoped fixture)."""
    patch.setenv("HOME", str(home))
    patch.setenv("IKZ_ISMS_NO_ENTRY_POINTS", "1")
    for name in ISOLATION_UNSET:
        patch.delenv(name, raising=False)
    patch.setenv("COLUMNS", "200")
    patch.setenv("TERM", "dumb")


@pytest.fixture(autouse=True)
def ikz_isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No stray installed plugins, no real home directory, no inherited workspace or county."""
    isolate(monkeypatch, tmp_path_factory.mktemp("home"))


@pytest.fixture
def ikz_workspace(tmp_path: Path) -> Path:
    """A new, empty workspace in ``tmp_path``."""
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def ikz_run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Result]]:
    """``ikz_run(*args, cwd=None, input=None)``: run the CLI as a user would; returns a :class:`Result`."""
    from .cli import main

    def runner(*args: Any, cwd: Path | None = None, input: str | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if input is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(input))
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield runner
