"""One road through the product: the same question gets the same answer from every command.

Each test asks one question on several roads — ``assess``, ``plan``, ``report`` (the PDF's
text), ``assess --verbund`` — on the example and on a changed copy, and demands one answer.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from tests.support import county_dir, set_record_field

pypdf = pytest.importorskip("pypdf")

COUNTY = "vulkaneifel"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def figures(run_cli, ws: Path, tmp_path: Path, county: str = COUNTY) -> dict[str, object]:
    """The Basis figures and the plan's counts of one county, as each road shows them."""
    assess = json.loads(run_cli("assess", "--county", county, "--format", "json", cwd=ws).output)["counties"][0]
    basis = assess["approaches"][0]
    plan = json.loads(run_cli("plan", "--county", county, "--format", "json", cwd=ws).output)["counties"][0]
    verbund = json.loads(run_cli("assess", "--verbund", "--format", "json", cwd=ws).output)
    entry = next(c for g in verbund["groups"] for c in g["counties"] if c["name"] == assess["name"])
    pdf = tmp_path / f"{county}.pdf"
    made = run_cli("report", "county", county, "-o", pdf, cwd=ws)
    # the report is written either way; data errors are named and answered with 1, as by assess
    invalid = assess["invalid_records"]
    assert made.exit_code == (1 if invalid else 0), made.stderr
    assert pdf.exists()
    for item in invalid:
        assert f"Prüfeintrag {item['requirement']} auf {item['target']}" in made.stderr
    text = pdf_text(pdf)
    summary = re.search(r"Realisierungsplan: (\d+) Maßnahmen?, geschätzte Kosten .+?, davon überfällig zum\s+"
                        r"[\d.]+: (\d+)", text)
    assert summary, text[:2000]
    row = re.search(r"Basis-Absicherung\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d,]+) %", text)
    assert row, "Statuszeile der Basis-Absicherung fehlt im PDF"
    return {
        "assess": (basis["applicable"], basis["fulfilled"]),
        "verbund": (entry["approaches"]["basis"]["applicable"], entry["approaches"]["basis"]["fulfilled"]),
        "pdf": (int(row.group(1)), int(row.group(2)) + int(row.group(5))),
        "plan": (plan["totals"]["count"], plan["totals"]["overdue"]),
        "pdf_plan": (int(summary.group(1)), int(summary.group(2))),
    }


def test_assess_plan_report_and_verbund_agree_on_the_example(run_cli, example_workspace, tmp_path):
    seen = figures(run_cli, example_workspace, tmp_path)
    assert seen["assess"] == seen["verbund"] == seen["pdf"]
    assert seen["plan"] == seen["pdf_plan"]


@pytest.mark.slow
def test_they_still_agree_after_changes_including_invalid_records(run_cli, example_workspace, tmp_path):
    ws = example_workspace
    data = county_dir(ws, COUNTY)
    before = figures(run_cli, ws, tmp_path)
    # a record set the proper way, a hand edit that check flags (entbehrlich with a blank reason),
    # and an open measure whose deadline has passed
    assert run_cli("assess", "set", "ISMS.1.A2", "IV", "ja", "--county", COUNTY, cwd=ws).exit_code == 0
    set_record_field(data, "ISMS.1.A3", "IV", status="entbehrlich", reason="'   '")
    assert run_cli("plan", "set", "M-001", "--county", COUNTY, "--deadline", "2020-01-31",
                   "--state", "geplant", cwd=ws).exit_code == 0
    after = figures(run_cli, ws, tmp_path)
    assert after["assess"] == after["verbund"] == after["pdf"]
    assert after["plan"] == after["pdf_plan"]
    assert after["plan"][1] >= 1
    # the blank reason is no reason: ISMS.1.A3 counts on no road, and check says why
    assert after["assess"][1] <= before["assess"][1] + 1
    check = json.loads(run_cli("check", "--format", "json", cwd=ws).output)
    assert any(f["rule"] == "county.records.missing-reason" and "ISMS.1.A3" in f["message"] for f in check["findings"])
    report = json.loads(run_cli("assess", "--county", COUNTY, "--format", "json", cwd=ws).output)["counties"][0]
    assert any(i["requirement"] == "ISMS.1.A3" for i in report["invalid_records"])


def test_a_report_is_dated_when_made_and_shows_the_data_state_separately(run_cli, example_workspace, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 01.01.2027 00:00 UTC
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert run_cli("report", "county", COUNTY, "-o", first, cwd=example_workspace).exit_code == 0
    assert run_cli("report", "county", COUNTY, "-o", second, cwd=example_workspace).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    text = pdf_text(first)
    assert re.search(r"Erstellt am\s+01\.01\.2027", text)
    state = re.search(r"Datenstand\s+(\d\d\.\d\d\.\d{4})", text)
    assert state and state.group(1) != "01.01.2027"
    plan = json.loads(run_cli("plan", "--county", COUNTY, "--format", "json", cwd=example_workspace).output)
    overdue = plan["counties"][0]["totals"]["overdue"]
    assert re.search(rf"überfällig zum\s+01\.01\.2027: {overdue}\.", text)


def test_an_edited_pinned_catalog_stops_every_road(run_cli, example_workspace, tmp_path):
    ws = example_workspace
    catalog = ws / "catalogs" / "ikz-musterkatalog.json"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("Sicherheitsmanagement", "Sicherheitsmanagament", 1),
                       encoding="utf-8")
    for args in (("assess",), ("plan",), ("report", "county", COUNTY, "-o", tmp_path / "x.pdf"),
                 ("assess", "--verbund"), ("assess", "set", "ISMS.1.A2", "IV", "ja", "--county", COUNTY),
                 ("report", "verbund", "-o", tmp_path / "v.pdf")):
        result = run_cli(*args, cwd=ws)
        assert result.exit_code == 3, (args, result.stderr)
        assert "nach dem Festschreiben verändert" in result.stderr, args
        assert re.search(r"[0-9a-f]{64}.*[0-9a-f]{64}", result.stderr), args
        assert "--force" in result.stderr and "git checkout" in result.stderr
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "v.pdf").exists()
    check = json.loads(run_cli("check", "--format", "json", cwd=ws).output)
    assert any(f["rule"] == "catalog.pin-mismatch" for f in check["findings"])


def _catalog_with(controls: list[dict]) -> dict:
    return {"catalog": {"uuid": "5f0f6b7e-1f7a-4a55-9d8c-2a9e2e6b7a10",
                        "metadata": {"title": "Doppelt", "version": "1", "last-modified": "2026-01-01T00:00:00Z",
                                     "oscal-version": "1.1.3"},
                        "groups": [{"id": "G", "title": "Gruppe", "controls": controls}]}}


@pytest.mark.parametrize("controls, message", [
    ([{"id": "A.1", "title": "Erstes Vorkommen"}, {"id": "A.1", "title": "Zweites Vorkommen"}], "A.1"),
    ([{"id": "A.1", "title": "a", "props": [{"name": "alt-identifier", "value": "11111111-1111-4111-8111-111111111111"}]},
      {"id": "A.2", "title": "b", "props": [{"name": "alt-identifier", "value": "11111111-1111-4111-8111-111111111111"}]}],
     "11111111-1111-4111-8111-111111111111"),
])
def test_import_refuses_duplicate_control_ids_and_uuids(run_cli, example_workspace, tmp_path, controls, message):
    source = tmp_path / "doppelt.json"
    source.write_text(json.dumps(_catalog_with(controls)), encoding="utf-8")
    config_before = (example_workspace / "ikz-isms.yaml").read_bytes()
    result = run_cli("catalog", "import", source, cwd=example_workspace)
    assert result.exit_code == 3, result.stdout if hasattr(result, "stdout") else result.output
    assert message in result.stderr and "doppelt.json" in result.stderr and "Traceback" not in result.stderr
    assert (example_workspace / "ikz-isms.yaml").read_bytes() == config_before
    assert not (example_workspace / "catalogs" / "doppelt.json").exists()


def test_an_init_workspace_sees_no_foreign_counties(run_cli, tmp_path, monkeypatch):
    """An installed county plugin does not appear in a workspace it does not belong to."""
    site = tmp_path / "site"
    data = tmp_path / "installiert" / "data"
    data.mkdir(parents=True)
    (data / "landkreis.yaml").write_text("key: fremdkreis\nname: Fremdkreis\n", encoding="utf-8")
    (data / "zielobjekte.yaml").write_text("zielobjekte: []\n", encoding="utf-8")
    site.mkdir()
    (site / "ikz_fremdkreis.py").write_text(textwrap.dedent(f"""
        from ikz_isms.county import county_plugin
        ikz_register_counties = county_plugin({str(data)!r})
    """), encoding="utf-8")
    info = site / "ikz_fremdkreis-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ikz-fremdkreis\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[ikz_isms]\nfremdkreis = ikz_fremdkreis\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("IKZ_ISMS_NO_ENTRY_POINTS", "0")
    ws = tmp_path / "neu"
    assert run_cli("init", ws).exit_code == 0
    listed = json.loads(run_cli("--workspace", ws, "county", "list", "--format", "json").output)
    assert listed["counties"] == [] and {"key": "fremdkreis", "plugin": "fremdkreis"} in listed["not_in_workspace"]
    # `county add` works there for any name, also before any catalog is pinned
    added = run_cli("--workspace", ws, "county", "add", "Fremdkreis")
    assert added.exit_code == 0, added.stderr
    assert (ws / "plugins" / "ikz-county-fremdkreis" / "data" / "landkreis.yaml").is_file()
    listed = json.loads(run_cli("--workspace", ws, "county", "list", "--format", "json").output)
    assert [c["key"] for c in listed["counties"]] == ["fremdkreis"]
    assert listed["counties"][0]["data_dir"] == "plugins/ikz-county-fremdkreis/data"
    # naming the installed plugin makes its county count here
    config = ws / "ikz-isms.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "plugins:\n  installed: [fremdkreis]\n", encoding="utf-8")
    clash = run_cli("--workspace", ws, "county", "list", "--format", "json")
    assert "fremdkreis" in clash.stderr and "bereits registriert" in clash.stderr


@pytest.mark.parametrize("args", [
    ("report", "plan", "--county", COUNTY, "-o", "{blocked}/plan.pdf"),
    ("report", "county", COUNTY, "-o", "{blocked}/bericht.pdf"),
    ("plan", "--county", COUNTY, "--format", "csv", "--output", "{blocked}/plan.csv"),
    ("plan", "--county", COUNTY, "--format", "json", "--output", "{blocked}/plan.json"),
    ("check", "--format", "junit", "--output", "{blocked}/check.xml"),
])
def test_an_unwritable_output_is_exit_6_naming_the_path(run_cli, example_workspace, tmp_path, args):
    blocker = tmp_path / "eine-datei"
    blocker.write_text("kein Verzeichnis", encoding="utf-8")
    result = run_cli(*(a.format(blocked=blocker) if isinstance(a, str) else a for a in args), cwd=example_workspace)
    assert result.exit_code == 6, result.stderr
    assert str(blocker) in result.stderr and "nicht schreibbar" in result.stderr
    assert "Interner Fehler" not in result.stderr and "Traceback" not in result.stderr


def test_no_edition_name_is_compared_outside_the_editions():
    root = Path(__file__).resolve().parent.parent / "ikz_isms"
    offenders = []
    for path in root.rglob("*.py"):
        if "editions" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"""(==|!=|\bin\b)\s*\(?["'](ed2023|gspp)["']""", line) or re.search(
                    r"""["'](ed2023|gspp)["']\s*(==|!=)""", line):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []


def test_only_the_store_opens_workspace_files():
    """Files are read and written by ikz_isms.store only (plus the plugin loader's source reads)."""
    root = Path(__file__).resolve().parent.parent / "ikz_isms"
    allowed = {"store", "docgen.py", "hookdocs.py", "plugins.py", "testing.py"}
    pattern = re.compile(r"(\bopen\(|(?<!fs)\.read_text\(|(?<!fs)\.read_bytes\(|\.write_text\(|\.write_bytes\(|"
                         r"os\.replace\(|\.unlink\(|\btempfile\.)")
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#")[0]
            if pattern.search(code) and "os.open(os.devnull" not in code:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
