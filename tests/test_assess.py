"""`ikz-isms assess` on the example Verbund: figures, targets, set, interactive walk, bad input."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from tests.support import journal_lines, journal_problems  # noqa: F401

COUNTIES = ["bernkastel-wittlich", "eifelkreis-bitburg-pruem", "cochem-zell", "vulkaneifel"]


def data_dir(ws: Path, key: str) -> Path:
    return ws / "plugins" / f"ikz-county-{key}" / "data"


def assess_json(run_cli, ws: Path, *args: str) -> dict:
    result = run_cli("--workspace", ws, "assess", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def test_assess_json_on_example_verbund_has_consistent_counts(run_cli, example_workspace):
    report = assess_json(run_cli, example_workspace)
    assert [c["county"] for c in report["counties"]] == COUNTIES
    for county in report["counties"]:
        assert "teilweise" in county["rule"]
        assert [a["id"] for a in county["approaches"]] == ["basis", "standard", "kern"]
        basis, standard, kern = county["approaches"]
        assert basis["applicable"] <= standard["applicable"]
        # Kern-Absicherung covers the Kronjuwelen and what they depend on, not every object
        assert county["approach"]["kronjuwelen"] and county["approach"]["core"]["scope"]
        assert kern["applicable"] > 0
        for approach in county["approaches"]:
            assert sum(approach["status"].values()) == approach["applicable"] > 0
            assert approach["fulfilled"] == approach["status"]["ja"] + approach["status"]["entbehrlich"]
        for layer in county["layers"]:
            for tally in layer["approaches"].values():
                assert sum(tally["status"].values()) == tally["applicable"]
        gaps = basis["applicable"] - basis["fulfilled"]
        assert len(county["basis_gaps"]) == gaps
        assert not county["modelling_problems"]
    by_key = {c["county"]: c for c in report["counties"]}
    fulfilment = {k: c["approaches"][0]["fulfilment"] for k, c in by_key.items()}
    # maturity of the invented data: Bernkastel-Wittlich near full Basis, Cochem-Zell far behind
    assert fulfilment["bernkastel-wittlich"] > fulfilment["vulkaneifel"] > fulfilment["eifelkreis-bitburg-pruem"] > fulfilment["cochem-zell"]
    assert fulfilment["bernkastel-wittlich"] > 0.85 and fulfilment["cochem-zell"] < 0.3


def test_assess_text_shows_approaches_layers_and_basis_gaps(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "assess", "--county", "cochem-zell")
    assert result.exit_code == 0, result.stderr
    out = result.output
    assert "Landkreis Cochem-Zell" in out
    assert out.index("Basis-Absicherung") < out.index("Standard-Absicherung") < out.index("Kern-Absicherung")
    assert "Erfüllung je Schicht" in out and "ISMS" in out
    assert "Offene Basis-Anforderungen" in out and "Risiko nicht akzeptierbar" in out
    gaps = assess_json(run_cli, example_workspace, "--county", "cochem-zell")["counties"][0]["basis_gaps"]
    assert gaps[0]["requirement"] in out and gaps[0]["title"] in out
    detailed = run_cli("--workspace", example_workspace, "assess", "--county", "cochem-zell", "--by-group")
    assert "Erfüllung je Baustein" in detailed.output and "ISMS.1" in detailed.output


def test_assess_overview_and_fail_on_basis_gaps(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "assess")
    assert result.exit_code == 0
    assert "Übersicht IT-Grundschutz-Check" in result.output
    for name in ("Bernkastel-Wittlich", "Eifelkreis Bitburg-Prüm", "Cochem-Zell", "Vulkaneifel"):
        assert name in result.output
    failing = run_cli("--workspace", example_workspace, "assess", "--fail-on-basis-gaps", "--format", "json")
    assert failing.exit_code == 1


def test_assess_approach_filter(run_cli, example_workspace):
    report = assess_json(run_cli, example_workspace, "--county", "vulkaneifel", "--approach", "standard")
    county = report["counties"][0]
    assert [a["id"] for a in county["approaches"]] == ["standard"]
    wrong = run_cli("--workspace", example_workspace, "assess", "--approach", "erhoeht")
    assert wrong.exit_code == 2 and "passt nicht zum Katalog" in wrong.stderr


def test_unknown_county_is_input_error(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "assess", "--county", "atlantis")
    assert result.exit_code == 3
    assert "atlantis" in result.stderr and "Traceback" not in result.stderr


def test_an_unreadable_county_folder_fails_assess_naming_the_file(run_cli, example_workspace):
    """A county whose profile cannot be read is missing from the figures: that is an error (exit 1)
    with the file and the place, not a warning under an overview that looks complete."""
    profile = example_workspace / "plugins" / "ikz-county-vulkaneifel" / "data" / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "x: !include /etc/passwd\n", encoding="utf-8")
    for args in ((), ("--format", "json")):
        result = run_cli("assess", *args, cwd=example_workspace)
        assert result.exit_code == 1, (args, result.stderr)
        assert "ein Landkreis fehlt in den Zahlen" in result.stderr
        assert "landkreis.yaml, Zeile" in result.stderr and "!include" in result.stderr
        assert "Traceback" not in result.stderr
    other = run_cli("assess", "--county", "cochem-zell", cwd=example_workspace)
    assert other.exit_code == 0, other.stderr  # another county's own assessment is not affected


def test_targets_show_inherited_and_overridden_needs(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "assess", "targets", "--county", "vulkaneifel", "--format", "json")
    assert result.exit_code == 0
    targets = {t["id"]: t for t in json.loads(result.output)["counties"][0]["targets"]}
    server = targets["SRV-APP"]["protection_need"]
    assert server["C"]["own"] == "normal" and server["C"]["result"] == "sehr hoch"
    assert server["C"]["inherited_from"]
    building = targets["GEB-HAUPT"]["protection_need"]
    assert building["C"]["overridden"] and building["C"]["result"] == "hoch"
    assert building["C"]["effect"] == "verteilung" and "Serverraum" in building["override_reason"]
    text = run_cli("--workspace", example_workspace, "assess", "targets", "--county", "vulkaneifel")
    assert "sehr hoch ←" in text.output and "übersteuert" in text.output and "Verteilungseffekt" in text.output


def test_dependency_cycle_is_a_clear_error(run_cli, example_workspace):
    path = data_dir(example_workspace, "cochem-zell") / "zielobjekte.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - id: GEB-HAUPT\n", "  - id: GEB-HAUPT\n    depends_on:\n      - R-SERVER\n", 1)
    path.write_text(text, encoding="utf-8")
    result = run_cli("--workspace", example_workspace, "assess", "--county", "cochem-zell")
    assert result.exit_code == 3
    assert "Abhängigkeitszyklus" in result.stderr and "R-SERVER" in result.stderr
    assert "zielobjekte.yaml" in result.stderr


def test_set_writes_record_keeps_comments_and_journals(run_cli, example_workspace):
    folder = data_dir(example_workspace, "cochem-zell")
    records = folder / "pruefungen" / "IV.yaml"
    before = records.read_text(encoding="utf-8")
    journaled = len((folder / "journal.jsonl").read_text(encoding="utf-8").splitlines())
    result = run_cli(
        "--workspace", example_workspace, "assess", "set", "ISMS.1.A1", "IV", "teilweise",
        "--county", "cochem-zell", "--statement", "Leitlinie im Entwurf", "--responsible", "ISB",
        "--evidence", "DMS:ISMS/2026-001", "--actor", "Test-ISB",
    )
    assert result.exit_code == 0, result.stderr
    assert "ISMS.1.A1" in result.output
    after = records.read_text(encoding="utf-8")
    assert after != before
    assert after.splitlines()[:3] == before.splitlines()[:3]  # header comments kept
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) <= 12  # a one-record change is a one-record diff
    assert "Leitlinie im Entwurf" in after and "DMS:ISMS/2026-001" in after
    lines = (folder / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == journaled + 1
    entry = json.loads(lines[-1])
    assert entry["actor"] == "Test-ISB" and entry["record"] == "ISMS.1.A1@IV"
    assert entry["new"]["status"] == "teilweise"
    assert journal_problems(folder / "journal.jsonl") == []
    report = assess_json(run_cli, example_workspace, "--county", "cochem-zell")
    gap = next(g for g in report["counties"][0]["basis_gaps"] if g["requirement"] == "ISMS.1.A1")
    assert gap["status"] == "teilweise"

    done = run_cli("--workspace", example_workspace, "assess", "set", "ISMS.1.A1", "IV", "entbehrlich",
                   "--county", "cochem-zell", "--reason", "gleichwertige Regelung im Kreistagsbeschluss", "--format", "json")
    assert done.exit_code == 0
    change = json.loads(done.output)
    assert change["old"]["status"] == "teilweise" and change["new"]["status"] == "entbehrlich"
    assert len((folder / "journal.jsonl").read_text(encoding="utf-8").splitlines()) == journaled + 2


def test_set_names_its_arguments_in_german(run_cli, example_workspace):
    assert "ANFORDERUNG ZIELOBJEKT STATUS" in run_cli("--workspace", example_workspace, "assess", "set", "--help").output
    missing = run_cli("--workspace", example_workspace, "assess", "set", "ISMS.1.A1", "--county", "vulkaneifel")
    assert missing.exit_code == 2 and "'ZIELOBJEKT'" in missing.stderr and "TARGET" not in missing.stderr


@pytest.mark.parametrize("args", [["--target", "FW-01"], ["--max-age", "30"], ["--interactive", "--format", "json"]])
def test_options_for_the_interactive_walk_are_not_silently_ignored(run_cli, example_workspace, args):
    result = run_cli("--workspace", example_workspace, "assess", "--county", "vulkaneifel", *args, input="q\n")
    assert result.exit_code == 2
    assert "--interactive" in result.stderr and result.output == ""


def test_leaving_entbehrlich_drops_its_reason(run_cli, example_workspace):
    base = ("--workspace", example_workspace, "assess", "set", "ISMS.1.A1", "IV")
    assert run_cli(*base, "entbehrlich", "--reason", "extern geregelt", "--county", "cochem-zell").exit_code == 0
    result = run_cli(*base, "ja", "--county", "cochem-zell", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["new"]["status"] == "ja"
    assert "reason" not in json.loads(result.output)["new"]
    assert "extern geregelt" not in (data_dir(example_workspace, "cochem-zell") / "pruefungen" / "IV.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message, code",
    [
        (["XYZ.9.A9", "IV", "ja"], "XYZ.9.A9", 3),
        (["ISMS.1.A1", "NIRGENDWO", "ja"], "NIRGENDWO", 3),
        # a value no record may hold is a bad argument (exit 2), named as typed
        (["ISMS.1.A1", "IV", "vielleicht"], "STATUS: unbekannter Status 'vielleicht'", 2),
        (["ISMS.1.A1", "IV", "entbehrlich"], "--reason", 2),
        (["ISMS.1.A1", "IV", "ja", "--statement", "Text\x1b[2J"], "--statement: enthält ein Steuerzeichen", 2),
        (["ISMS.1.A1", "IV", "ja", "--evidence", "ok", "--evidence", "E" * 2001], "--evidence: zu lang", 2),
        (["SYS.1.1.A1", "IV", "ja"], "nicht modelliert", 3),
    ],
)
def test_set_refuses_bad_input_and_writes_nothing(run_cli, example_workspace, args, message, code):
    from tests.support import records_snapshot

    folder = data_dir(example_workspace, "vulkaneifel")
    before = records_snapshot(folder)
    journal_before = (folder / "journal.jsonl").read_bytes()
    result = run_cli("--workspace", example_workspace, "assess", "set", *args, "--county", "vulkaneifel")
    assert result.exit_code == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert records_snapshot(folder) == before
    assert (folder / "journal.jsonl").read_bytes() == journal_before


@pytest.mark.parametrize(
    "broken, where",
    [
        ("pruefungen:\n  - requirement: ISMS.1.A1\n    target: [IV\n", "Zeile"),
        ("pruefungen:\n  - requirement: ISMS.1.A1\n    target: IV\n    status: ja\n    checked: 2025-13-40\n", "Zeile 5"),
        ("pruefungen:\n  - requirement: ISMS.1.A1\n    statement: ohne Status\n", "status"),
        ("pruefungen:\n  - requirement: ISMS.1.A1\n    status: ja\n  - requirement: ISMS.1.A1\n    status: ja\n    status: nein\n", "Zeile 6"),
    ],
)
def test_malformed_records_file_is_input_error(run_cli, example_workspace, broken, where):
    path = data_dir(example_workspace, "vulkaneifel") / "pruefungen" / "IV.yaml"
    path.write_text(broken, encoding="utf-8")
    for args in (["assess", "--county", "vulkaneifel"],
                 ["assess", "set", "ISMS.1.A1", "IV", "ja", "--county", "vulkaneifel"]):
        result = run_cli("--workspace", example_workspace, *args)
        assert result.exit_code == 3, result.output
        assert "pruefungen/IV.yaml" in result.stderr and where in result.stderr
        assert "Traceback" not in result.stderr
        assert path.read_text(encoding="utf-8") == broken


def test_interactive_walk_saves_each_answer_and_resumes(run_cli, example_workspace):
    folder = data_dir(example_workspace, "cochem-zell")
    journaled = len((folder / "journal.jsonl").read_text(encoding="utf-8").splitlines())
    first = run_cli("--workspace", example_workspace, "assess", "--interactive", "--county", "cochem-zell",
                    "--target", "R-SERVER", "--actor", "Walk", input="ja\nSchrank abgeschlossen\nHaustechnik\nq\n")
    assert first.exit_code == 0, first.stderr
    assert "1 Antworten gespeichert" in first.output
    asked_first = first.output.split("[1/")[1].split("]")[1].split()[0]
    entries = [json.loads(line) for line in (folder / "journal.jsonl").read_text(encoding="utf-8").splitlines()][journaled:]
    assert [e["record"] for e in entries] == [f"{asked_first}@R-SERVER"]
    assert entries[0]["new"]["responsible"] == "Haustechnik"

    # Ctrl-C / end of input in the middle: the answers before it stay saved
    second = run_cli("--workspace", example_workspace, "assess", "--interactive", "--county", "cochem-zell",
                     "--target", "R-SERVER", input="nein\n\n\nentbehrlich\nkein Bedarf\n\n\n")
    assert second.exit_code == 130
    assert asked_first not in second.output.split("[1/")[1].split("\n")[0]
    records = (folder / "pruefungen" / "R-SERVER.yaml").read_text(encoding="utf-8")
    assert "kein Bedarf" in records
    assert len((folder / "journal.jsonl").read_text(encoding="utf-8").splitlines()) == journaled + 3
    assert journal_problems(folder / "journal.jsonl") == []


def test_interactive_needs_county_when_several(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "assess", "--interactive", input="q\n")
    assert result.exit_code == 2 and "--county" in result.stderr


def test_interactive_asks_again_for_outdated_answers(run_cli, example_workspace):
    args = ("--workspace", example_workspace, "assess", "--interactive", "--county", "bernkastel-wittlich", "--target", "R-SERVER")
    fresh = run_cli(*args, input="q\n")
    outdated = run_cli(*args, "--max-age", "30", input="q\n")
    def count(out: str) -> int:
        return int(out.split(" offene Anforderungen")[0].split()[-1]) if "offene Anforderungen im" in out else 0

    assert count(outdated.output) > count(fresh.output)
    assert "Bisher:" in outdated.output and "veraltet" in outdated.output


@pytest.mark.slow
def test_concurrent_writers_lose_no_update(run_cli, example_workspace):
    import subprocess
    import sys

    folder = data_dir(example_workspace, "cochem-zell")
    journaled = len((folder / "journal.jsonl").read_text(encoding="utf-8").splitlines())
    report = assess_json(run_cli, example_workspace, "--county", "cochem-zell")
    assert report["counties"]
    from ikz_isms import Session

    session = Session(example_workspace)
    pairs = [p.requirement.id for p in session.assessment(session.county("cochem-zell")).pairs if p.target.id == "IV"]
    chunks = {name: pairs[index * 10:(index + 1) * 10] for index, name in enumerate(("eins", "zwei", "drei"))}
    assert all(len(chunk) == 10 for chunk in chunks.values())
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ikz_isms import Session\n"
        "from ikz_isms.assess.records import RecordChange\n"
        "session = Session(Path(sys.argv[1]))\n"
        "county = session.county('cochem-zell')\n"
        "for requirement in sys.argv[3].split(','):\n"
        "    session.set_records(county, [RecordChange(requirement, 'IV', 'teilweise', statement=sys.argv[2])],"
        " actor=sys.argv[2])\n"
    )
    root = Path(__file__).resolve().parent.parent
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(example_workspace), name, ",".join(chunk)], cwd=root)
        for name, chunk in chunks.items()
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    from tests.support import read_records

    records = read_records(folder)
    for name, chunk in chunks.items():
        for requirement in chunk:
            assert records[(requirement, "IV")]["statement"] == name
    lines = (folder / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == journaled + 30 and journal_problems(folder / "journal.jsonl") == []
