"""After `catalog migrate`, an exclusion of a Baustein G++ lacks is reported once by `check`, not twice.

The migration leaves the exclusion for a decision (``county.transition.open-reference``
names the change, why and what to do); the modelling rule's "unknown exclusion" would say
the same about the same line again, so it stays silent for exactly those references.
"""

from __future__ import annotations

import pytest

from tests.support import upstream_file

MAPPING = "gspp/current/ITGS-to-GS++-mapping_collection.json"
RESOLVED = "gspp/resolved-2026-06-30/Grundschutz++-catalog.json"
COUNTY = "bernkastel-wittlich"

pytestmark = pytest.mark.slow


def test_a_migrated_baustein_exclusion_is_named_once(example_workspace, run_cli):
    ws = example_workspace
    targets = ws / "plugins" / f"ikz-county-{COUNTY}" / "data" / "zielobjekte.yaml"
    assert "- ref: CON.8" in targets.read_text(encoding="utf-8")
    assert run_cli("--workspace", ws, "catalog", "import", upstream_file(RESOLVED), "--name", "gspp-2026-06").exit_code == 0
    migrated = run_cli("--workspace", ws, "catalog", "migrate", "--county", COUNTY, "--to", "gspp-2026-06",
                       "--mapping", upstream_file(MAPPING), "--apply")
    assert migrated.exit_code == 0, migrated.stderr
    check = run_cli("--workspace", ws, "check")
    lines = [line for line in check.output.splitlines() if "'CON.8'" in line]
    assert len(lines) == 1, lines
    assert "county.transition.open-reference" in lines[0] and "zielobjekte.yaml:Zeile" in lines[0]
    # an exclusion the migration did not leave open is still reported by the modelling rule
    text = targets.read_text(encoding="utf-8")
    targets.write_text(text.replace("exclusions:\n", "exclusions:\n  - ref: XYZ.9\n    reason: Gibt es nicht.\n", 1),
                       encoding="utf-8")
    check = run_cli("--workspace", ws, "check")
    assert any("county.modelling.unknown-exclusion" in line and "'XYZ.9'" in line for line in check.output.splitlines())
    assert len([line for line in check.output.splitlines() if "'CON.8'" in line]) == 1
