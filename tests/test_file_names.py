"""A record file whose name is no UTF-8 is refused with its bytes shown, never an internal error."""

from __future__ import annotations

import os
import sys

import pytest

from ikz_isms.errors import ExitCode
from tests.support import snapshot_tree

COUNTY = "vulkaneifel"


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="dieses Dateisystem erlaubt nur gültige Dateinamen")
@pytest.mark.parametrize("args", [("assess",), ("check",), ("plan", "--county", COUNTY), ("assess", "--verbund"),
                                  ("report", "county", COUNTY, "-o", "bericht.pdf")])
def test_a_record_file_named_in_no_utf8_is_refused(run_cli, example_workspace, args):
    folder = example_workspace / "plugins" / f"ikz-county-{COUNTY}" / "data" / "pruefungen"
    with open(os.fsencode(folder) + b"/\xff\xfe.yaml", "wb") as handle:
        handle.write(b"zielobjekt: IV\npruefungen: []\n")
    before = snapshot_tree(example_workspace)
    result = run_cli("--workspace", example_workspace, *args, cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT, (args, result.stderr)
    assert "Dateiname ist kein gültiges UTF-8: '\\xff\\xfe.yaml'" in result.stderr, result.stderr
    assert "pruefungen" in result.stderr and "Traceback" not in result.stderr
    assert snapshot_tree(example_workspace) == before
