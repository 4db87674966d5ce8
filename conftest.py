"""Fixtures for tests/ and features/: an isolated environment, the CLI as a user runs it, the BSI data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import UPSTREAM

# the core tests itself with the fixtures it offers county plugin authors
pytest_plugins = ["ikz_isms.testing"]

#: where the tests' temporary folders go when the machine has a memory file system (``IKZ_TEST_TMPFS=0``: leave it)
TMPFS = Path("/dev/shm")
TMPFS_FREE = 4 * 1024**3


#: the test process's first-generation threshold for cyclic garbage collection (Python's default: 700)
GC_FIRST_GENERATION = 30_000


def pytest_configure(config: pytest.Config) -> None:
    """Collect cyclic garbage less often, and put ``tmp_path`` on a tmpfs where there is one.

    A test process keeps every imported module, collected item and loaded catalog alive while
    thousands of commands run in it; with Python's default thresholds the cyclic collector
    took about 15 % of its time walking them (measured with ``gc.callbacks``), with 30,000
    about 2 %. Nothing a test checks depends on when cycles are collected.
    """
    import gc

    gc.set_threshold(GC_FIRST_GENERATION, 50, 100)
    _use_tmpfs(config)


def _use_tmpfs(config: pytest.Config) -> None:
    """Put ``tmp_path`` on a tmpfs where there is one: the suite copies the example workspace thousands of times.

    Creating a hundred small files costs about 100 ms on this machine's disk and about 12 ms
    in memory; what the tests check does not change (the product still writes, fsyncs and
    renames the same way). Left alone when ``--basetemp`` or ``PYTEST_DEBUG_TEMPROOT`` is
    given, when ``IKZ_TEST_TMPFS=0``, and when the tmpfs is missing or has under 4 GiB free.
    """
    if config.option.basetemp or os.environ.get("PYTEST_DEBUG_TEMPROOT") \
            or os.environ.get("IKZ_TEST_TMPFS", "") == "0" or hasattr(config, "workerinput"):
        return
    try:
        info = os.statvfs(TMPFS)
    except OSError:
        return
    if os.access(TMPFS, os.W_OK) and info.f_bavail * info.f_frsize >= TMPFS_FREE:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(TMPFS)


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
    from tests.support import copy_example_workspace

    return copy_example_workspace(tmp_path / "ws")
