"""The Verbund PDF names the approach each county follows, as `assess --verbund` does."""

from __future__ import annotations

from pathlib import Path

import pypdf


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def test_verbund_pdf_shows_each_countys_approach(run_cli, example_workspace, tmp_path):
    targets = example_workspace / "plugins" / "ikz-county-vulkaneifel" / "data" / "zielobjekte.yaml"
    text = targets.read_text(encoding="utf-8")
    assert "approach: standard\n" in text
    targets.write_text(text.replace("approach: standard\n", "approach: basis\n", 1), encoding="utf-8")
    shown = run_cli("assess", "--verbund", cwd=example_workspace)
    assert shown.exit_code in (0, 1), shown.stderr
    out = tmp_path / "verbund.pdf"
    result = run_cli("report", "verbund", "-o", str(out), cwd=example_workspace)
    assert result.exit_code in (0, 1), result.stderr
    pdf = _text(out)
    table = pdf[pdf.rindex("Erfüllung je Vorgehensweise"):]  # the section, not the table of contents
    assert "gewählt" in table

    def chosen(name: str) -> str:
        """What the row shows between the county's name and its first figure (disclosure, approach)."""
        start = table.index("\n" + name + "\n") + len(name) + 2
        return table[start:table.index("%", start)]

    assert "Basis" in chosen("Vulkaneifel") and "Standard" not in chosen("Vulkaneifel")
    assert "Standard" in chosen("Cochem-Zell") and "Basis" not in chosen("Cochem-Zell")
    assert "gewählt: die Vorgehensweise des Landkreises" in pdf
