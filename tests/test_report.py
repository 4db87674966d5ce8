"""``ikz-isms report``: the audit PDFs as a reader (and an auditor) sees them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload

import pytest

pypdf = pytest.importorskip("pypdf")

MARKING = "VS – NUR FÜR DEN DIENSTGEBRAUCH"
HOSTILE = "<b>fett</b> & <font size=40>x</font>"


class _Pages(Sequence[str]):
    """``[page.extract_text() for page in PdfReader(path).pages]``, each page extracted when first used and
    kept by the SHA-256 of the file's bytes (the same bytes give the same texts)."""

    _known: dict[str, dict[int, str]] = {}

    def __init__(self, path: Path) -> None:
        import hashlib

        self._path = path
        self._texts = self._known.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), {})
        self._reader: pypdf.PdfReader | None = None

    def _pages(self) -> Any:
        if self._reader is None:
            self._reader = pypdf.PdfReader(str(self._path))
        return self._reader.pages

    def __len__(self) -> int:
        return len(self._pages())

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = len(self)
        if not -count <= index < count:
            raise IndexError(index)
        index %= count
        if index not in self._texts:
            self._texts[index] = self._pages()[index].extract_text()
        return self._texts[index]

    def __repr__(self) -> str:
        return repr(list(self))


def pages(path: Path) -> Sequence[str]:
    return _Pages(path)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def county_pdf(tmp_path_factory):
    """The county report of Vulkaneifel in the unchanged example workspace, made once per module (the tests
    only read it)."""
    from tests.support import copy_example_workspace, isolated_cli

    base = tmp_path_factory.mktemp("county-pdf")
    example_workspace = copy_example_workspace(base / "ws")
    out = base / "v.pdf"
    with isolated_cli(base / "home") as run_cli:
        result = run_cli("report", "county", "vulkaneifel", "--output", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    return out


def test_every_page_has_marking_top_and_bottom_and_page_x_of_y(county_pdf):
    texts = pages(county_pdf)
    assert len(texts) > 5
    for number, text in enumerate(texts, start=1):
        assert text.count(MARKING) >= 2, number
        assert f"Seite {number} von {len(texts)}" in text


def test_marking_is_drawn_at_top_and_bottom_edge(county_pdf):
    reader = pypdf.PdfReader(str(county_pdf))
    for page in reader.pages:
        heights = []

        def visit(text, cm, tm, font, size, heights=heights):
            if MARKING in text:
                heights.append(tm[5])

        page.extract_text(visitor_text=visit)
        height = float(page.mediabox.height)
        assert max(heights) > height - 50 and min(heights) < 50


def test_county_report_counts_match_assess_json(county_pdf, example_workspace, run_cli):
    data = json.loads(run_cli("assess", "--county", "vulkaneifel", "--format", "json", cwd=example_workspace).output)
    report = data["counties"][0]
    summary = words(next(t for t in pages(county_pdf) if "Zusammenfassung" in t and "Vorgehensweise" in t))
    for approach in report["approaches"]:
        s = approach["status"]
        figures = [approach["applicable"], s["ja"], s["teilweise"], s["nein"], s["entbehrlich"], s["unbearbeitet"]]
        row = f"{approach['label']} " + " ".join(str(n) for n in figures)
        assert row in summary


def test_county_report_has_reference_documents_contents_and_german_format(county_pdf):
    texts = pages(county_pdf)
    full = words("\n".join(texts))
    for heading in ("Inhalt", "Zusammenfassung", "A.1 Strukturanalyse", "A.2 Schutzbedarfsfeststellung",
                    "A.3 Modellierung", "A.4 Ergebnis des IT-Grundschutz-Checks", "A.6 Realisierungsplan"):
        assert heading in full
    contents = words(texts[1])
    assert re.search(r"A\.1 Strukturanalyse[ .]*\d+", contents)
    assert "Landkreis Vulkaneifel" in full and "Führerscheinwesen" in full
    assert "28e32fda73efa99a13d9636103f14dd6d6fab41cfc25f67da683b8ce012d9c2b" in full
    assert re.search(r"\d{2}\.\d{2}\.20\d\d", full)
    assert re.search(r"\d{1,3}(\.\d{3})*,\d{2} €", full)
    for status in ("ja", "teilweise", "nein", "entbehrlich", "unbearbeitet"):
        assert f" {status} " in full
    assert "übersteuert" in full or "geerbt von" in full


@pytest.mark.slow
def test_user_markup_is_printed_literally(example_workspace, run_cli, tmp_path):
    result = run_cli("assess", "set", "ISMS.1.A1", "IV", "teilweise", "--statement", HOSTILE,
                     "--county", "vulkaneifel", "--actor", "Test", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "esc.pdf"
    result = run_cli("report", "county", "vulkaneifel", "-o", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert HOSTILE in words("\n".join(pages(out)))


@pytest.mark.parametrize("statement", [
    # the longest statement a record may have, in words; and one word that never breaks
    " ".join(f"Nachweis{n % 97} im Betriebshandbuch" for n in range(700))[:20000],
    "A" * 20000,
], ids=["20000-characters-of-words", "one-20000-character-word"])
def test_a_statement_taller_than_a_page_continues_on_the_next(example_workspace, run_cli, tmp_path, statement):
    """Before: exit 70 (reportlab's LayoutError: a table row 3,270 points tall on a 726-point page)."""
    result = run_cli("assess", "set", "ISMS.1.A1", "IV", "teilweise", "--statement", statement,
                     "--county", "vulkaneifel", "--actor", "Test", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "lang.pdf"
    result = run_cli("report", "county", "vulkaneifel", "-o", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    text = "".join("".join(pages(out)).split())  # (page headers and the repeated table head interleave)
    if statement.startswith("A"):
        assert sum(len(run) for run in re.findall(r"A{10,}", text)) == len(statement)
    else:
        assert text.count("Betriebshandbuch") >= statement.count("Betriebshandbuch") > 600
        assert "".join(statement.split()[-40:]) in text or "".join(statement.split()[-12:]) in text  # the end


@pytest.mark.slow
def test_same_input_gives_identical_bytes_and_source_date_epoch(example_workspace, run_cli, tmp_path, monkeypatch):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        assert run_cli("report", "county", "vulkaneifel", "-o", str(out), cwd=example_workspace).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")  # 24.11.2026 00:00 UTC
    epoch = tmp_path / "e.pdf"
    result = run_cli("report", "county", "vulkaneifel", "-o", str(epoch), "--format", "json", cwd=example_workspace)
    assert json.loads(result.output)["files"][0]["date"] == "2026-11-24"
    reader = pypdf.PdfReader(str(epoch))
    assert reader.metadata["/CreationDate"].startswith("D:20261124")
    assert "Erstellt am 24.11.2026" in reader.pages[0].extract_text()
    assert epoch.read_bytes() != first.read_bytes()


def test_bad_source_date_epoch_is_an_input_error(example_workspace, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "gestern")
    result = run_cli("report", "county", "vulkaneifel", "-o", str(tmp_path / "x.pdf"), cwd=example_workspace)
    assert result.exit_code == 3
    assert "SOURCE_DATE_EPOCH" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.slow
def test_all_counties_one_file_each(example_workspace, run_cli, tmp_path):
    result = run_cli("report", "county", "--all", "--output-dir", str(tmp_path / "out"), "--format", "json",
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    files = json.loads(result.output)["files"]
    assert [f["county"] for f in files] == ["bernkastel-wittlich", "eifelkreis-bitburg-pruem", "cochem-zell", "vulkaneifel"]
    assert "Eifelkreis Bitburg-Prüm" in pages(Path(files[1]["path"]))[0]


def test_plan_report(example_workspace, run_cli, tmp_path):
    out = tmp_path / "plan.pdf"
    result = run_cli("report", "plan", "--county", "vulkaneifel", "-o", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    plan = json.loads(run_cli("plan", "--county", "vulkaneifel", "--format", "json", cwd=example_workspace).output)
    text = words("\n".join(pages(out)))
    assert "A.6 Realisierungsplan" in text
    measures = plan["counties"][0]["measures"]
    for measure in measures[:5]:
        assert measure["id"] in text
    assert f"{len(measures)} Maßnahmen" in text


def test_verbund_report_honours_disclosure_and_pseudonyms(example_workspace, run_cli, tmp_path):
    profile = example_workspace / "plugins" / "ikz-county-cochem-zell" / "data" / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("disclosure: aggregate", "disclosure: none"),
                       encoding="utf-8")
    out = tmp_path / "vb.pdf"
    result = run_cli("report", "verbund", "-o", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    text = words("\n".join(pages(out)))
    assert "Landkreise ohne Freigabe" in text and "Cochem-Zell" in text
    assert "13,0 %" not in text  # Cochem-Zell's Basis figure must not leak
    layer_part = text[text.rindex("Erfüllung je Schicht"):text.rindex("Verlauf")]
    assert "Vulkaneifel" in layer_part and "Eifelkreis Bitburg-Prüm (" not in layer_part
    pseudo = tmp_path / "pseudo.pdf"
    import os

    os.environ["IKZ_ISMS_PSEUDONYM_KEY"] = "schluessel-des-lenkungskreises"
    try:
        assert run_cli("report", "verbund", "--pseudonymise", "-o", str(pseudo), cwd=example_workspace).exit_code == 0
    finally:
        del os.environ["IKZ_ISMS_PSEUDONYM_KEY"]
    text = words("\n".join(pages(pseudo)))
    for name in ("Vulkaneifel", "Bernkastel", "Cochem", "Bitburg"):
        assert name not in text
    assert "Landkreis A" in text


def test_verbund_trend_is_chronological_when_the_first_county_has_no_history(example_workspace, run_cli, tmp_path):
    journal = example_workspace / "plugins" / "ikz-county-bernkastel-wittlich" / "data" / "journal.jsonl"
    journal.write_text("", encoding="utf-8")
    out = tmp_path / "vb.pdf"
    result = run_cli("report", "verbund", "-o", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    trend = next(words(t) for t in pages(out) if "Verlauf des Erfüllungsgrads" in t)
    header = trend[trend.index("Landkreis "):trend.index("Bernkastel-Wittlich")]
    quarters = re.findall(r"Q(\d)/(\d{4})", header)
    assert quarters and [(int(y), int(q)) for q, y in quarters] == sorted((int(y), int(q)) for q, y in quarters)
    assert header.rstrip().endswith("aktuell")


@pytest.mark.slow
def test_plugin_customisation_and_umlauts(example_workspace, run_cli, tmp_path):
    from ikz_isms.testing import write_plugin

    write_plugin(example_workspace, "briefkopf",
        "from ikz_isms import hookimpl\n"
        "@hookimpl\n"
        "def ikz_customise_report(kind, county, register):\n"
        "    if county is None or county.key != 'vulkaneifel':\n"
        "        return\n"
        "    register('letterhead', ['Kreisverwaltung Vulkaneifel', 'Mainzer Straße 25, Daun'])\n"
        "    register('signature', [('Daun, den', ''), ('Landrätin', 'Jutta Müßig-Äßler')])\n"
        "    register('section', {'title': 'Anhang Übungen', 'paragraphs': ['Größte Übung <2026> & mehr'],\n"
        "                         'table': {'header': ['Datum', 'Übung'], 'rows': [['01.02.2026', 'Stromausfall']]}})\n")
    out = tmp_path / "c.pdf"
    result = run_cli("report", "county", "vulkaneifel", "-o", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    texts = pages(out)
    assert "Mainzer Straße 25, Daun" in texts[0]
    full = words("\n".join(texts))
    assert "Anhang Übungen" in full and "Größte Übung <2026> & mehr" in full and "Stromausfall" in full
    assert "Jutta Müßig-Äßler" in texts[-1]


def test_help_does_not_import_reportlab():
    import subprocess
    import sys

    code = "import sys; from ikz_isms.cli import main; main(['report', '--help']); print('reportlab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert out.stdout.strip().endswith("False")


def test_usage_errors(example_workspace, run_cli, tmp_path):
    assert "report county [OPTIONEN] [LANDKREIS]" in run_cli("report", "county", "--help", cwd=example_workspace).output
    result = run_cli("report", "plan", cwd=example_workspace)
    assert result.exit_code == 2 and "--county" in result.stderr
    result = run_cli("report", "county", "--all", "-o", str(tmp_path / "x.pdf"), cwd=example_workspace)
    assert result.exit_code == 2
    result = run_cli("report", "county", "gibtsnicht", cwd=example_workspace)
    assert result.exit_code == 3 and "gibtsnicht" in result.stderr
    result = run_cli("report", "county", "vulkaneifel", "--date", "24.11.2026", cwd=example_workspace)
    assert result.exit_code == 2 and "JJJJ-MM-TT" in result.stderr
    assert not list(example_workspace.glob("*.pdf"))


def test_date_option_sets_stand_and_overdue(example_workspace, run_cli, tmp_path):
    out = tmp_path / "d.pdf"
    result = run_cli("report", "plan", "--county", "vulkaneifel", "--date", "2030-01-01", "-o", str(out),
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    texts = pages(out)
    assert all("Erstellt am 01.01.2030" in t for t in texts)
    assert "überfällig" in words("\n".join(texts[1:]))


def test_verbund_report_is_deterministic_with_cold_and_warm_cache(example_workspace, run_cli, tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        result = run_cli("report", "verbund", "-o", str(out), cwd=example_workspace)
        assert result.exit_code == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    texts = pages(first)
    for number, text in enumerate(texts, start=1):
        assert text.count(MARKING) >= 2 and f"Seite {number} von {len(texts)}" in text
