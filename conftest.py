"""Fixtures for tests/ and features/: an isolated environment, the CLI as a user runs it, the BSI data."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import ROOT, UPSTREAM


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    """No stray installed plugins, no real home directory, no inherited workspace."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("IKZ_ISMS_NO_ENTRY_POINTS", "1")
    for name in ("IKZ_ISMS_WORKSPACE", "IKZ_ISMS_PLUGINS", "IKZ_ISMS_BLOCK_PLUGINS", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERM", "dumb")


@pytest.fixture
def upstream() -> Path:
    """The real BSI files in ../shared/upstream; the test is skipped when they are absent."""
    if not (UPSTREAM / "README.md").exists():
        pytest.skip(f"BSI-Originaldaten fehlen ({UPSTREAM}); nur im Entwickler-/CI-Checkout vorhanden")
    return UPSTREAM


@dataclass
class Result:
    exit_code: int
    output: str
    stderr: str


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run ``ikz-isms ARGS`` in-process as a user would; returns exit code, stdout, stderr."""
    from ikz_isms.cli import main

    def run(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if input is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(input))
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def example_workspace(tmp_path) -> Path:
    """A copy of the repository's example workspace (config, catalogs, plugins)."""
    import shutil

    target = tmp_path / "ws"
    target.mkdir()
    shutil.copy(ROOT / "ikz-isms.yaml", target / "ikz-isms.yaml")
    shutil.copytree(ROOT / "catalogs", target / "catalogs")
    if (ROOT / "plugins").is_dir():
        shutil.copytree(ROOT / "plugins", target / "plugins", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build"))
    return target
