"""`ikz-isms journal show|verify` and the `journal.chain` check rule: a journal you can trust."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ikz_isms.errors import ExitCode

COUNTY = "vulkaneifel"


def journal_path(ws: Path) -> Path:
    return ws / "plugins" / f"ikz-county-{COUNTY}" / "data" / "journal.jsonl"


@pytest.fixture
def journaled(run_cli, example_workspace) -> Path:
    """The example workspace after three journaled changes in Vulkaneifel."""
    for status in ("nein", "teilweise", "ja"):
        result = run_cli("--workspace", example_workspace, "assess", "set", "ISMS.1.A2", "IV", status,
                         "--county", COUNTY, "--actor", "ISB Vulkaneifel", "--statement", f"Stand {status}")
        assert result.exit_code == 0, result.stderr
    return example_workspace


def test_two_changes_two_entries_and_chain_intact(run_cli, example_workspace):
    ws = example_workspace
    history = len(journal_path(ws).read_text(encoding="utf-8").splitlines())
    (ws / "plugins" / "ikz-county-cochem-zell" / "data" / "journal.jsonl").write_text("", encoding="utf-8")
    for status in ("teilweise", "ja"):
        assert run_cli("--workspace", ws, "assess", "set", "ISMS.1.A2", "IV", status, "--county", COUNTY,
                       "--actor", "Erika Muster").exit_code == 0
    shown = json.loads(run_cli("--workspace", ws, "journal", "show", "--county", COUNTY, "--format", "json").output)
    entries = shown["counties"][0]["entries"]
    assert len(entries) == history + 2
    assert [(e["old"]["status"], e["new"]["status"]) for e in entries[-2:]] == [("nein", "teilweise"), ("teilweise", "ja")]
    text = run_cli("--workspace", ws, "journal", "show", "--county", COUNTY)
    assert "Erika Muster" in text.output and "ISMS.1.A2 auf IV" in text.output
    assert "nein → teilweise" in text.output and "teilweise → ja" in text.output
    result = run_cli("--workspace", ws, "journal", "verify", "--county", COUNTY)
    assert result.exit_code == 0, result.output
    assert f"Vulkaneifel: Journal intakt ({history + 2} Einträge)" in result.output
    # an emptied journal beside existing records is a finding, never a silent new start
    everyone = run_cli("--workspace", ws, "journal", "verify")
    assert everyone.exit_code == 1
    assert "Cochem-Zell" in everyone.output and "leer, obwohl Prüfeinträge vorhanden" in everyone.output


def test_show_limit(run_cli, journaled):
    total = len(journal_path(journaled).read_text(encoding="utf-8").splitlines())
    shown = json.loads(run_cli("--workspace", journaled, "journal", "show", "--county", COUNTY, "--limit", "1",
                               "--format", "json").output)
    entries = shown["counties"][0]["entries"]
    assert [e["seq"] for e in entries] == [total]


# each tampers with the fixture's three entries, the last lines of the journal; returns the line that shows it
def _edit_value(lines: list[str]) -> tuple[list[str], int]:
    entry = json.loads(lines[-2])
    entry["new"]["status"] = "ja"
    lines[-2] = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    return lines, len(lines) - 1


def _delete_line(lines: list[str]) -> tuple[list[str], int]:
    line = len(lines) - 1
    del lines[-2]
    return lines, line


def _swap_lines(lines: list[str]) -> tuple[list[str], int]:
    lines[-2], lines[-1] = lines[-1], lines[-2]
    return lines, len(lines) - 1


def _lone_surrogate(lines: list[str]) -> tuple[list[str], int]:
    # valid JSON, but "\\ud800" is no character UTF-8 can hold: ikz-isms never writes it
    lines[-1] = lines[-1].replace('"actor": "ISB Vulkaneifel"', '"actor": "ISB \\ud800"', 1)
    assert "\\ud800" in lines[-1]
    return lines, len(lines)


@pytest.mark.parametrize("tamper", [_edit_value, _delete_line, _swap_lines, _lone_surrogate],
                         ids=["edit", "delete", "swap", "lone-surrogate"])
def test_tampering_is_detected_with_the_line(run_cli, journaled, tamper):
    path = journal_path(journaled)
    lines, line = tamper(path.read_text(encoding="utf-8").splitlines())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("--workspace", journaled, "journal", "verify")
    assert result.exit_code == 1
    assert "Journal verändert oder lückenhaft" in result.output
    assert "Vulkaneifel" in result.output and "Prüfung fehlgeschlagen" in result.output
    report = json.loads(run_cli("--workspace", journaled, "journal", "verify", "--format", "json").output)
    assert report["intact"] is False
    county = next(c for c in report["counties"] if c["county"] == COUNTY)
    assert county["problems"][0]["line"] == line
    assert all(c["intact"] for c in report["counties"] if c["county"] != COUNTY)


def test_check_reports_broken_chain_as_error(run_cli, journaled):
    assert run_cli("--workspace", journaled, "check").exit_code == 0
    path = journal_path(journaled)
    first_change = len(path.read_text(encoding="utf-8").splitlines()) - 2
    path.write_text(path.read_text(encoding="utf-8").replace('"actor": "ISB Vulkaneifel"', '"actor": "jemand"', 1),
                    encoding="utf-8")
    result = run_cli("--workspace", journaled, "check")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("FEHLER") and " journal.chain " in line]
    assert errors and f"journal.jsonl:Zeile {first_change}:" in errors[0]
    findings = json.loads(run_cli("--workspace", journaled, "check", "--format", "json").output)
    assert any(f["rule"] == "journal.chain" and f["severity"] == "error" for f in findings["findings"])


def test_unknown_county_is_input_error(run_cli, example_workspace):
    result = run_cli("--workspace", example_workspace, "journal", "verify", "--county", "atlantis")
    assert result.exit_code == 3 and "atlantis" in result.stderr


def test_cut_off_tail_and_unjournaled_edit_are_detected(run_cli, example_workspace):
    """The hash chain cannot see lines cut from its end; the comparison with the records can."""
    data = example_workspace / "plugins" / "ikz-county-vulkaneifel" / "data"
    journal_path = data / "journal.jsonl"
    assert run_cli("journal", "verify", "--county", "vulkaneifel", cwd=example_workspace).exit_code == 0

    lines = journal_path.read_text(encoding="utf-8").splitlines(keepends=True)
    journal_path.write_text("".join(lines[:-1]), encoding="utf-8")
    result = run_cli("journal", "verify", "--county", "vulkaneifel", "--format", "json", cwd=example_workspace)
    assert result.exit_code == ExitCode.FINDINGS
    problem = json.loads(result.output)["counties"][0]["problems"][0]
    last = json.loads(lines[-1])["record"]
    assert last in problem["message"] and "am Ende gekürzt" in problem["message"]

    journal_path.write_text("".join(lines), encoding="utf-8")
    records = data / "pruefungen" / "IV.yaml"
    text = records.read_text(encoding="utf-8")
    first_ja = text.index("status: ja")
    records.write_text(text[:first_ja] + "status: nein" + text[first_ja + len("status: ja"):], encoding="utf-8")
    result = run_cli("journal", "verify", "--county", "vulkaneifel", cwd=example_workspace)
    assert result.exit_code == ExitCode.FINDINGS
    assert "weichen vom letzten Journalstand ab" in result.output
    check = run_cli("check", "--format", "json", cwd=example_workspace)
    assert any(f["rule"] == "journal.chain" and "Journalstand" in f["message"] for f in json.loads(check.output)["findings"])


def test_control_characters_in_a_resealed_entry_never_reach_the_terminal(run_cli, example_workspace):
    """A journal line rewritten and sealed again by someone with write access may carry escape
    sequences (clear the screen, recolour): journal show writes them out, as \\x1b."""
    from ikz_isms.journal import digest
    from tests.support import county_dir

    path = county_dir(example_workspace, "vulkaneifel") / "journal.jsonl"
    lines = path.read_bytes().splitlines()
    entry = json.loads(lines[-1])
    entry["actor"] = "Evil\x1b[2J\x1b[31mROT"
    entry["hash"] = digest(entry)
    lines[-1] = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8")
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = run_cli("journal", "show", "--county", "vulkaneifel", "--limit", "1", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.output and "Evil\\x1b[2J\\x1b[31mROT" in result.output.replace("\n", "")
