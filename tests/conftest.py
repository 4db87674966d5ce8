"""Session-scoped fixtures shared by several test modules (the environment and the CLI fixtures come from
the repository's conftest.py and ikz_isms.testing)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def full_edition_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace of ``tests.exchange_support.full_county`` (about 2,000 records on the real Edition 2023),
    built once per session (per xdist worker). Read-only: a test that writes copies it first."""
    from tests.exchange_support import full_county
    from tests.support import UPSTREAM, isolated_cli

    base = tmp_path_factory.mktemp("full-edition")
    with isolated_cli(base / "home") as run:
        ws, _records = full_county(base / "ws", UPSTREAM, run)
    return ws
