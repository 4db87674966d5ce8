"""The derived caches in .ikz-cache/ are believed only when this user's ikz-isms wrote them.

A cloned repository or a shared folder can carry cache files from anyone. A planted
"parsed" document with the right hash and path but other statuses, or planted Verbund
figures, must not reach a report: every cache file carries an HMAC under a key in the
user's own cache folder, and one without it is treated as absent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson
import pytest

from ikz_isms.store import sealed

COUNTY = "vulkaneifel"


def _assess(run_cli, ws: Path) -> dict:
    result = run_cli("--workspace", ws, "assess", "--county", COUNTY, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.output)


def _planted(entry: Path, change) -> bytes:
    """The entry's JSON changed by ``change``, written as a foreigner would: valid JSON, no seal of ours."""
    payload = orjson.loads(entry.read_bytes().split(b"\n", 1)[1])
    change(payload)
    return orjson.dumps(payload)


def _all_yes(payload: dict) -> None:
    for item in payload["data"]["pruefungen"]:
        item["status"] = "ja"


def test_a_planted_parsed_document_is_not_believed(run_cli, example_workspace):
    truth = _assess(run_cli, example_workspace)
    entries = sorted((example_workspace / ".ikz-cache" / "parsed").iterdir())
    records = [e for e in entries if b'"kind":"pruefungen"' in e.read_bytes()]
    assert records and all(e.read_bytes().startswith(sealed.MAGIC) for e in entries)
    for entry in records:
        # without a seal, with a seal of another key, and with our seal line over other content
        entry.write_bytes(_planted(entry, _all_yes))
    assert _assess(run_cli, example_workspace) == truth
    for entry in records:
        entry.write_bytes(sealed.seal(_planted(entry, _all_yes) if entry.read_bytes().startswith(sealed.MAGIC)
                                      else orjson.dumps(orjson.loads(entry.read_bytes())), b"k" * 32))
    assert _assess(run_cli, example_workspace) == truth


def test_planted_verbund_figures_are_not_believed(run_cli, example_workspace):
    shown = run_cli("--workspace", example_workspace, "assess", "--verbund", "--format", "json")
    assert shown.exit_code in (0, 1), shown.stderr
    figures = example_workspace / ".ikz-cache" / "verbund" / f"{COUNTY}.json"
    payload = orjson.loads(figures.read_bytes().split(b"\n", 1)[1])
    for tally in payload["figures"]["approaches"].values():  # every status counted as "ja"
        tally.update({"ja": sum(tally.values())}, **{status: 0 for status in tally if status != "ja"})
    # whole view cache away, the county's figures replaced by a foreign file
    shutil.rmtree(example_workspace / ".ikz-cache" / "verbund-ansicht")
    figures.write_bytes(orjson.dumps(payload))
    again = run_cli("--workspace", example_workspace, "assess", "--verbund", "--format", "json")
    assert again.exit_code == shown.exit_code
    assert json.loads(again.output) == json.loads(shown.output)


def test_a_copied_workspace_keeps_its_cache_for_the_same_user(run_cli, example_workspace, tmp_path):
    from ikz_isms.app.session import Session

    truth = _assess(run_cli, example_workspace)
    assert run_cli("--workspace", example_workspace, "assess").exit_code in (0, 1)  # every county cached
    def parses(ws: Path) -> int:
        session = Session(ws)
        for county in session.members():
            session.assessment(county)
        return session.store.parses

    warm = parses(example_workspace)  # what the derived cache does not hold (the configuration, …)
    copy = tmp_path / "kopie"
    shutil.copytree(example_workspace, copy)
    assert parses(copy) == warm, "a copy of the workspace parses its record files again"
    assert warm < 10
    assert _assess(run_cli, copy) == truth


def test_another_users_cache_is_not_used(run_cli, example_workspace, tmp_path, monkeypatch):
    from ikz_isms.app.session import Session

    truth = _assess(run_cli, example_workspace)
    monkeypatch.setenv("HOME", str(tmp_path / "anderer"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    session = Session(example_workspace)
    for county in session.members():
        session.assessment(county)
    assert session.store.parses > 10, "the other user's cache was believed"
    assert _assess(run_cli, example_workspace) == truth


def test_the_key_is_the_users_own(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    key = sealed.secret()
    assert key is not None and len(key) == sealed.KEY_BYTES
    path = tmp_path / "cache" / "ikz-isms" / "cache-key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert sealed.unseal(sealed.seal(b"inhalt", key), key) == b"inhalt"
    assert sealed.unseal(sealed.seal(b"inhalt", key) + b"x", key) is None
    assert sealed.unseal(b"inhalt", key) is None


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="als root lässt sich der Schlüsselordner nicht schreibgeschützt machen")
def test_without_a_usable_key_folder_the_tool_works_without_cache(run_cli, example_workspace, tmp_path, monkeypatch):
    locked = tmp_path / "gesperrt"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.setenv("XDG_CACHE_HOME", str(locked))
    result = run_cli("--workspace", example_workspace, "assess", "--county", COUNTY)
    assert result.exit_code in (0, 1), result.stderr
    assert not (example_workspace / ".ikz-cache" / "parsed").exists()
