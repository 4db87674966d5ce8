"""Fixtures of the hostile-input corpus (see corpus.py)."""

from __future__ import annotations

import pytest

from tests.badinput import corpus


@pytest.fixture(scope="module")
def batch(request, tmp_path_factory) -> corpus.Batch:
    """The module's selected cases, run concurrently on first demand."""
    return corpus.Batch(request, tmp_path_factory)
