"""Editing the check in Excel: an emptied evidence cell clears the evidence; exports are reproducible."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

openpyxl = pytest.importorskip("openpyxl")

COUNTY = "vulkaneifel"
EVIDENCE = "Nachweise (je Zeile einer)"


def _records(ws: Path) -> dict[tuple[str, str], dict]:
    folder = ws / "plugins" / f"ikz-county-{COUNTY}" / "data" / "pruefungen"
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for record in document.get("pruefungen") or []:
            found[(record["requirement"], path.stem)] = record
    return found


def test_an_emptied_evidence_cell_clears_the_evidence(run_cli, example_workspace, tmp_path):
    ws = example_workspace
    book = tmp_path / "check.xlsx"
    made = run_cli("--workspace", ws, "export", "xlsx", "--county", COUNTY, "-o", book)
    assert made.exit_code == 0, made.stderr
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Check"]
    header = [cell.value for cell in sheet[1]]
    column = header.index(EVIDENCE)
    row = next(cells for cells in sheet.iter_rows(min_row=2) if cells[column].value)
    requirement, target = row[header.index("Anforderung")].value, row[header.index("Zielobjekt")].value
    before = _records(ws)
    assert before[(requirement, target)].get("evidence"), "the chosen record has evidence"
    row[column].value = None
    workbook.save(book)

    preview = run_cli("--workspace", ws, "import", "xlsx", book)
    assert preview.exit_code == 0, preview.stderr
    assert "1 Änderung," in preview.output and "Nachweise geleert (bisher 1)" in preview.output, preview.output
    applied = run_cli("--workspace", ws, "import", "xlsx", book, "--apply")
    assert applied.exit_code == 0, applied.stderr
    after = _records(ws)
    assert "evidence" not in after[(requirement, target)], after[(requirement, target)]
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {(requirement, target)}
    # the same workbook again: nothing left to do
    again = run_cli("--workspace", ws, "import", "xlsx", book, "--apply")
    assert again.exit_code == 0 and "0 Änderungen" in again.output


@pytest.mark.slow
def test_the_same_state_exports_to_the_same_bytes(run_cli, example_workspace, tmp_path, monkeypatch):
    """With SOURCE_DATE_EPOCH, two exports are byte for byte equal (zip times and dcterms:modified pinned)."""
    import time
    import zipfile

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run_cli("--workspace", example_workspace, "export", "xlsx", "--county", COUNTY, "-o", first).exit_code == 0
    time.sleep(2.1)  # zip entries carry times in steps of two seconds
    assert run_cli("--workspace", example_workspace, "export", "xlsx", "--county", COUNTY, "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as book:
        assert {info.date_time for info in book.infolist()} == {(2026, 5, 28, 20, 26, 40)}
        core = book.read("docProps/core.xml").decode("utf-8")
    assert "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2026-05-28T20:26:40Z</dcterms:modified>" in core
    # and the pinned workbook still reads back: nothing to change
    again = run_cli("--workspace", example_workspace, "import", "xlsx", first)
    assert again.exit_code == 0 and "0 Änderungen" in again.output
