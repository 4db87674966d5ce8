"""`catalog upgrade`: a county moves from the G++ beta 0.9.7 to the resolved catalog of 2026-06-30.

On the real BSI files. The expectations are computed independently of the code under test:
the records (read with PyYAML) are joined with both catalogs (read with json) on the
alt-identifier.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from ikz_isms.errors import ExitCode
from ikz_isms.testing import make_workspace, run
from tests.support import journal_entries, read_records, snapshot_tree, upstream_file
from tests.transition_support import alt_ids, make_county

BETA = "gspp/beta-0.9.7/Grundschutz++-Kompendium.json"
RESOLVED = "gspp/resolved-2026-06-30/Grundschutz++-catalog.json"
KOMPENDIUM = "kompendium-2023/XML_Kompendium_2023.xml"

pytestmark = pytest.mark.slow


def cli(*args):
    return run(*args)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A workspace with beta and resolved pinned and county Testkreis (full check) on the beta."""
    beta, resolved = upstream_file(BETA), upstream_file(RESOLVED)
    ws = make_workspace(tmp_path_factory.mktemp("upgrade") / "ws", members=("testkreis",))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IKZ_ISMS_NO_ENTRY_POINTS", "1")
        mp.setenv("COLUMNS", "200")
        for source, name in ((beta, "gspp-beta"), (resolved, "gspp-2026-06")):
            result = cli("--workspace", ws, "catalog", "import", source, "--name", name)
            assert result.exit_code == 0, result.stderr
        make_county(ws, lambda *a: cli(*a), "Testkreis", catalog="gspp-beta")
    return ws


@pytest.fixture
def ws(template, tmp_path):
    target = tmp_path / "ws"
    shutil.copytree(template, target)
    return target


def data_dir(ws: Path) -> Path:
    return ws / "plugins" / "ikz-county-testkreis" / "data"


def expected_join(ws: Path) -> tuple[dict[tuple[str, str], dict], dict[str, str]]:
    """The records before, and old id → new id for every control whose alt-identifier survived."""
    old, new = alt_ids(upstream_file(BETA)), alt_ids(upstream_file(RESOLVED))
    by_uuid = {uuid: cid for cid, uuid in new.items()}
    follow = {cid: by_uuid[uuid] for cid, uuid in old.items() if uuid in by_uuid}
    return read_records(data_dir(ws)), follow


def test_dry_run_counts_match_the_alt_identifier_join_and_change_nothing(ws, run_cli):
    records, follow = expected_join(ws)
    before = snapshot_tree(ws)
    result = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-2026-06",
                     "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert snapshot_tree(ws) == before
    county = json.loads(result.output)["counties"][0]
    counts = county["counts"]
    survived = [key for key in records if key[0] in follow]
    renumbered = [key for key in survived if follow[key[0]] != key[0]]
    assert len(records) > 500
    assert counts["unchanged"] + counts["renumbered"] + counts["recheck"] == len(survived)
    assert counts["archived"] == len(records) - len(survived)
    moved_ids = {(m["from"][0], m["target"]): m["requirement"] for m in county["moves"]}
    assert all(moved_ids[key] == follow[key[0]] for key in renumbered)
    assert {(a["requirement"], a["target"]) for a in county["archived"]} == {k for k in records if k[0] not in follow}
    assert renumbered, "beta → 2026-06-30 renumbers controls"


def test_text_dry_run_says_what_moves(ws, run_cli):
    result = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-2026-06")
    assert result.exit_code == 0, result.stderr
    assert "Release-Wechsel Landkreis Testkreis: gspp-beta (0.9.7) → gspp-2026-06" in result.output
    assert "umnummeriert (Einträge folgen)" in result.output
    assert "erneut prüfen (Anforderung geändert)" in result.output
    assert "Probelauf – nichts geändert. Übernehmen mit --apply." in result.output


def test_apply_keeps_every_surviving_record_and_journals_every_move(ws, run_cli):
    records, follow = expected_join(ws)
    journal_before = len(journal_entries(data_dir(ws)))
    result = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-2026-06",
                     "--apply", "--actor", "ISB Test", "--format", "json")
    assert result.exit_code == 0, result.stderr
    county = json.loads(result.output)["counties"][0]
    after = read_records(data_dir(ws))
    survived = {key: value for key, value in records.items() if key[0] in follow}
    assert len(after) == len(survived)
    for (requirement, target), value in survived.items():
        moved = after[(follow[requirement], target)]
        assert moved["status"] == value["status"]
        assert moved.get("statement") == value.get("statement")
    rechecked = {k for k, v in after.items() if v.get("recheck")}
    assert len(rechecked) == county["counts"]["recheck"] > 0
    profile = yaml.safe_load((data_dir(ws) / "landkreis.yaml").read_text(encoding="utf-8"))
    assert profile["catalog"] == "gspp-2026-06"
    # removed controls' records are archived with their history
    change = county["result"]["change"]
    archive = data_dir(ws) / "archiv" / change
    removed = yaml.safe_load((archive / "entfernt.yaml").read_text(encoding="utf-8"))["entfernt"]
    assert {(r["requirement"], r["target"]) for r in removed} == {k for k in records if k[0] not in follow}
    assert all(r["verlauf"] and r["verlauf"][0]["seq"] for r in removed)
    # every move is an entry: a leaving id (old → nothing) and the arrival (old record → new)
    entries = journal_entries(data_dir(ws))[journal_before:]
    assert entries[0]["record"] == f"katalogwechsel:{change}" and entries[0]["actor"] == "ISB Test"
    counts = county["counts"]
    new_keys = {(follow[r], t) for r, t in survived}
    left = {(r, t) for r, t in survived if follow[r] != r and (r, t) not in new_keys}
    assert len(entries) == 1 + counts["archived"] + counts["renumbered"] + counts["recheck"] + len(left)
    verify = run_cli("--workspace", ws, "journal", "verify", "--county", "testkreis")
    assert verify.exit_code == 0, verify.output + verify.stderr
    check = run_cli("--workspace", ws, "check", "--format", "json")
    findings = [f for f in json.loads(check.output)["findings"] if f["rule"].startswith("county.records")
                and f["severity"] == "error"]
    assert findings == []
    assess = run_cli("--workspace", ws, "assess", "--county", "testkreis", "--format", "json")
    assert assess.exit_code == 0, assess.stderr


def test_recheck_is_cleared_by_the_next_assess_set(ws, run_cli):
    run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-2026-06", "--apply")
    flagged = next(k for k, v in read_records(data_dir(ws)).items() if v.get("recheck") and v["status"] == "ja")
    result = run_cli("--workspace", ws, "assess", "set", "--county", "testkreis", flagged[0], flagged[1], "ja")
    assert result.exit_code == 0, result.stderr
    assert "recheck" not in read_records(data_dir(ws))[flagged]


def test_upgrade_is_undone_exactly(ws, run_cli):
    before = {p: b for p, b in snapshot_tree(data_dir(ws)).items() if p != "journal.jsonl"}
    result = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-2026-06",
                     "--apply", "--format", "json")
    change = json.loads(result.output)["counties"][0]["result"]["change"]
    undo = run_cli("--workspace", ws, "catalog", "undo", change, "--county", "testkreis", "--apply")
    assert undo.exit_code == 0, undo.stderr
    after = {p: b for p, b in snapshot_tree(data_dir(ws)).items() if p != "journal.jsonl" and not p.startswith("archiv")}
    assert after == before
    assert run_cli("--workspace", ws, "journal", "verify", "--county", "testkreis").exit_code == 0


def test_whole_verbund_moves_with_from(ws, run_cli):
    result = run_cli("--workspace", ws, "catalog", "upgrade", "--from", "gspp-beta", "--to", "gspp-2026-06",
                     "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [c["county"] for c in json.loads(result.output)["counties"]] == ["testkreis"]


def test_wrong_kind_of_catalog_is_refused_and_changes_nothing(ws, run_cli):
    result = run_cli("--workspace", ws, "catalog", "import", upstream_file(KOMPENDIUM), "--name", "ed2023")
    assert result.exit_code == 0, result.stderr
    before = snapshot_tree(ws)
    result = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "ed2023")
    assert result.exit_code == ExitCode.REFUSED
    assert "kein neuer Release derselben Edition" in result.stderr
    same = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-beta")
    assert same.exit_code == ExitCode.REFUSED and "bereits mit diesem Katalogstand" in same.stderr
    migrate = run_cli("--workspace", ws, "catalog", "migrate", "--county", "testkreis", "--to", "gspp-2026-06",
                      "--mapping", upstream_file("gspp/current/ITGS-to-GS++-mapping_collection.json"))
    assert migrate.exit_code == ExitCode.REFUSED and "Release-Wechsel (ikz-isms catalog upgrade)" in migrate.stderr
    assert snapshot_tree(ws) == before
    assert "Traceback" not in result.stderr + same.stderr + migrate.stderr


def test_changed_records_block_the_apply_of_an_old_plan(ws, monkeypatch):
    from ikz_isms.app.session import Session
    from ikz_isms.app.transitions import apply_change, plan_upgrade
    from ikz_isms.errors import RefusedError

    session = Session(ws)
    change = plan_upgrade(session, session.county("testkreis"), to="gspp-2026-06")
    path = next((data_dir(ws) / "pruefungen").glob("*.yaml"))
    path.write_text(path.read_text(encoding="utf-8") + "# von Hand\n", encoding="utf-8")
    before = snapshot_tree(ws)
    with pytest.raises(RefusedError, match="seit der Planung geändert"):
        apply_change(session, change, actor="test")
    assert snapshot_tree(ws) == before
