"""A pending transaction (``.ikz-transaktion.json``) is rolled forward only when it has the form
ikz-isms writes; and a journal line that ikz-isms can never have written stops a write cleanly.

The file lies in the county's data folder, where anyone with the repository can put one. A
tampered file must not write outside that folder, must not end in an internal error, and must
leave every file as it was.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from ikz_isms.errors import ExitCode
from tests.support import snapshot_tree

COUNTY = "vulkaneifel"


def _data(ws: Path) -> Path:
    return ws / "plugins" / f"ikz-county-{COUNTY}" / "data"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _pending(files: object, **changes: object) -> str:
    pending = {"version": 1, "journal_size": 0, "journal": "", "files": files}
    pending.update(changes)
    return json.dumps(pending)


HOSTILE = {
    "out-of-the-folder": _pending({"../../../ausserhalb.txt": _b64("x")}),
    "absolute-path": _pending({"/tmp/ikz-absolut.txt": _b64("x")}),
    "dot-segment": _pending({"pruefungen/../../x.yaml": _b64("x")}),
    "not-base64": _pending({"plan.yaml": "kein base64!"}),
    "journal-not-base64": _pending({}, journal="%%%"),
    "files-a-list": _pending(["plan.yaml"]),
    "size-a-text": _pending({}, journal_size="12"),
    "size-negative": _pending({}, journal_size=-1),
    "missing-files": json.dumps({"version": 1, "journal_size": 0, "journal": ""}),
    "lone-surrogate-name": _pending({"plan\ud800.yaml": _b64("x")}),
    "content-not-text": _pending({"plan.yaml": 17}),
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_tampered_pending_transaction_is_refused_and_changes_nothing(run_cli, example_workspace, content):
    pending = _data(example_workspace) / ".ikz-transaktion.json"
    pending.write_text(content, encoding="utf-8")
    before = snapshot_tree(example_workspace)
    result = run_cli("--workspace", example_workspace, "assess", "set", "ISMS.1.A2", "IV", "nein",
                     "--county", COUNTY, "--actor", "ISB")
    assert result.exit_code == ExitCode.INPUT, result.stderr
    assert ".ikz-transaktion.json" in result.stderr and "Traceback" not in result.stderr
    assert "unvollständige Änderung" in result.stderr
    assert snapshot_tree(example_workspace) == before
    assert not (example_workspace.parent / "ausserhalb.txt").exists()
    assert not Path("/tmp/ikz-absolut.txt").exists()


def test_a_well_formed_pending_transaction_is_still_rolled_forward(run_cli, example_workspace):
    plan = _data(example_workspace) / "plan.yaml"
    new_text = plan.read_text(encoding="utf-8") + "# nachgetragen\n"
    pending = _data(example_workspace) / ".ikz-transaktion.json"
    pending.write_text(_pending({"plan.yaml": _b64(new_text)}), encoding="utf-8")
    result = run_cli("--workspace", example_workspace, "assess", "set", "ISMS.1.A2", "IV", "nein",
                     "--county", COUNTY, "--actor", "ISB")
    assert result.exit_code == 0, result.stderr
    assert plan.read_text(encoding="utf-8") == new_text and not pending.exists()


def test_a_last_journal_line_ikz_isms_cannot_have_written_stops_the_write(run_cli, example_workspace):
    journal = _data(example_workspace) / "journal.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    entry["actor"] = "ISB \ud800"
    lines[-1] = json.dumps(entry, sort_keys=True)  # ensure_ascii: written as the escape \\ud800
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot_tree(example_workspace)
    result = run_cli("--workspace", example_workspace, "assess", "set", "ISMS.1.A2", "IV", "nein",
                     "--county", COUNTY, "--actor", "ISB")
    assert result.exit_code == ExitCode.INPUT, result.stderr
    assert "journal.jsonl" in result.stderr and "Traceback" not in result.stderr
    assert snapshot_tree(example_workspace) == before
