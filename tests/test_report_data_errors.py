"""An audit PDF over data with errors: written and marked, the errors named on stderr, exit 1 as `assess` answers."""

from __future__ import annotations

import pytest

from ikz_isms.errors import ExitCode

COUNTY = "bernkastel-wittlich"


def _damage(workspace):
    path = workspace / "plugins" / f"ikz-county-{COUNTY}" / "data" / "pruefungen" / "IV.yaml"
    text = path.read_text(encoding="utf-8")
    damaged = text.replace("  - requirement: ISMS.1.A2\n    status: ja", "  - requirement: ISMS.1.A2\n    status: jein", 1)
    assert damaged != text
    path.write_text(damaged, encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [("report", "county", COUNTY), ("report", "plan", "--county", COUNTY)])
def test_the_report_is_written_and_the_errors_are_named(example_workspace, run_cli, tmp_path, args):
    _damage(example_workspace)
    assessed = run_cli("assess", "--county", COUNTY, cwd=example_workspace)
    result = run_cli(*args, "-o", tmp_path / "bericht.pdf", cwd=example_workspace)
    assert assessed.exit_code == result.exit_code == ExitCode.FINDINGS
    assert (tmp_path / "bericht.pdf").stat().st_size > 1000
    assert "pruefungen/IV.yaml, Zeile 14: Prüfeintrag ISMS.1.A2 auf IV: unbekannter Status 'jein'" in result.stderr
    assert "Fehler in den Daten: 1 Problem" in result.stderr
    assert "Traceback" not in result.stderr
