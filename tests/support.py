"""Test helpers shared by tests/ and features/: where the repository and the BSI files are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = Path(os.environ.get("IKZ_ISMS_UPSTREAM", ROOT.parent / "shared" / "upstream"))


def upstream_file(relative: str) -> Path:
    """A real BSI file from ../shared/upstream; the calling test is skipped when it is absent."""
    path = UPSTREAM / relative
    if not path.exists():
        pytest.skip(f"BSI-Originaldatei fehlt: {path}")
    return path
