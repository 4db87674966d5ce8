"""Fixtures for tests/ and features/: an isolated environment, the CLI as a user runs it, the BSI data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import ROOT, UPSTREAM

# the core tests itself with the fixtures it offers county plugin authors
pytest_plugins = ["ikz_isms.testing"]


@pytest.fixture
def upstream() -> Path:
    """The real BSI files in ../shared/upstream; the test is skipped when they are absent."""
    if not (UPSTREAM / "README.md").exists():
        pytest.skip(f"BSI-Originaldaten fehlen ({UPSTREAM}); nur im Entwickler-/CI-Checkout vorhanden")
    return UPSTREAM


@pytest.fixture
def run_cli(ikz_run):
    """Run ``ikz-isms ARGS`` in-process as a user would; returns exit code, stdout, stderr."""
    return ikz_run


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
