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
from ikz_isms.testing import run
from tests.support import journal_entries, read_records, snapshot_tree, upstream_file
from tests.transition_support import alt_ids, gspp_upgrade_workspace, make_county

BETA = "gspp/beta-0.9.7/Grundschutz++-Kompendium.json"
RESOLVED = "gspp/resolved-2026-06-30/Grundschutz++-catalog.json"
KOMPENDIUM = "kompendium-2023/XML_Kompendium_2023.xml"

pytestmark = pytest.mark.slow


def cli(*args):
    return run(*args)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A workspace with beta and resolved pinned and county Testkreis (full check) on the beta."""
    return gspp_upgrade_workspace(tmp_path_factory.mktemp("upgrade") / "ws", upstream_file(BETA), upstream_file(RESOLVED))


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


# -- references in the Realisierungsplan and the risk register follow the records ------------------


def _measures(ws: Path) -> dict[str, tuple[str, str]]:
    document = yaml.safe_load((data_dir(ws) / "plan.yaml").read_text(encoding="utf-8"))
    return {m["id"]: (m["requirement"], m["target"]) for m in document["massnahmen"]}


def _risk_refs(ws: Path) -> dict[str, list[str]]:
    document = yaml.safe_load((data_dir(ws) / "risiken.yaml").read_text(encoding="utf-8"))
    return {r["id"]: list(r.get("requirements") or []) for r in document["risiken"]}


def _prepared(template: Path, tmp_path_factory, name: str) -> tuple[Path, object]:
    """A copy of the template for a module-scoped fixture, with the CLI isolated as in a test."""
    from tests.support import isolated_cli

    base = tmp_path_factory.mktemp(name)
    ws = base / "ws"
    shutil.copytree(template, ws)
    return ws, isolated_cli(base / "home")


def _use(prepared: Path, ws: Path) -> Path:
    """Make this test's ``ws`` a copy of a prepared workspace."""
    shutil.rmtree(ws)
    shutil.copytree(prepared, ws)
    return ws


@pytest.fixture(scope="module")
def planned_template(template, tmp_path_factory):
    """The template with a Realisierungsplan (one measure per gap) and two risks: one on a control that
    is renumbered in the new release, one on a control that is removed."""
    ws, isolated = _prepared(template, tmp_path_factory, "planned")
    with isolated as run_cli:
        records, follow = expected_join(ws)
        result = run_cli("--workspace", ws, "plan", "update", "--county", "testkreis")
        assert result.exit_code == 0, result.stderr
        renumbered = next(k for k in records if k[0] in follow and follow[k[0]] != k[0])
        removed = next(k for k in records if k[0] not in follow)
        for key, title in ((renumbered, "Risiko aus umnummerierter Anforderung"), (removed, "Risiko aus entfallener")):
            added = run_cli("--workspace", ws, "risk", "add", "--county", "testkreis", "--target", key[1],
                            "--threat", "G 0.18", "--title", title, "--requirement", key[0])
            assert added.exit_code == 0, added.stderr
    return ws, (follow, renumbered, removed)


@pytest.fixture
def planned(ws, planned_template):
    """Testkreis with a Realisierungsplan (one measure per gap) and two risks: one on a control that
    is renumbered in the new release, one on a control that is removed (this test's own copy)."""
    prepared, found = planned_template
    _use(prepared, ws)
    follow, renumbered, removed = found
    return dict(follow), renumbered, removed


def test_plan_and_risk_references_follow_the_upgrade_and_undo(ws, run_cli, planned):
    follow, renumbered, removed = planned
    measures, risks = _measures(ws), _risk_refs(ws)
    assert any(req in follow and follow[req] != req for req, _ in measures.values())
    before = {p: b for p, b in snapshot_tree(data_dir(ws)).items() if p != "journal.jsonl"}
    dry = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-2026-06",
                  "--format", "json")
    assert dry.exit_code == 0, dry.stderr
    references = json.loads(dry.output)["counties"][0]["references"]
    moved = {(r["file"], r["entry"]): r["new"] for r in references["moved"]}
    open_refs = {(r["file"], r["entry"]): r for r in references["open"]}
    # the dry run lists every measure whose control is renumbered or removed, as the join says
    assert {k for k in moved if k[0] == "plan.yaml"} == {
        ("plan.yaml", mid) for mid, (req, _) in measures.items() if req in follow and follow[req] != req}
    assert {k for k in open_refs if k[0] == "plan.yaml"} == {
        ("plan.yaml", mid) for mid, (req, _) in measures.items() if req not in follow}
    assert all("entfallen" in r["decision"] for r in open_refs.values())
    text = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-2026-06")
    assert "Verweise, die mitgehen" in text.output and "Verweise: Entscheidung nötig" in text.output
    assert snapshot_tree(data_dir(ws)) == {**before, "journal.jsonl": (data_dir(ws) / "journal.jsonl").read_bytes()}

    result = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-2026-06",
                     "--apply", "--format", "json")
    assert result.exit_code == 0, result.stderr
    change = json.loads(result.output)["counties"][0]["result"]["change"]
    after = _measures(ws)
    assert after.keys() == measures.keys()
    for mid, (req, target) in measures.items():
        assert after[mid] == (follow.get(req, req), target)
    risk_after = _risk_refs(ws)
    by_old = {tuple(v): k for k, v in risks.items()}
    assert risk_after[by_old[(renumbered[0],)]] == [follow[renumbered[0]]]
    assert risk_after[by_old[(removed[0],)]] == [removed[0]]
    # each moved measure and risk is journaled; the chain holds
    records = {e["record"] for e in journal_entries(data_dir(ws))}
    assert {f"plan:{mid}" for _, mid in moved if _ == "plan.yaml"} <= records
    assert f"risk:{by_old[(renumbered[0],)]}" in records
    assert run_cli("--workspace", ws, "journal", "verify", "--county", "testkreis").exit_code == 0
    # check names what was left to decide: where it comes from and what to do
    check = json.loads(run_cli("--workspace", ws, "check", "--format", "json").output)["findings"]
    named = [f for f in check if f["rule"] == "county.transition.open-reference"]
    assert len(named) == len(open_refs)
    risk_finding = next(f for f in named if f"Risiko {by_old[(removed[0],)]}" in f["message"])
    assert f"aus dem Katalogwechsel {change}" in risk_finding["message"] and "Bitte" in risk_finding["message"]
    assert not [f for f in check if f["rule"] == "county.risk.unknown-requirement" and removed[0] in f["message"]]

    undo = run_cli("--workspace", ws, "catalog", "undo", change, "--county", "testkreis", "--apply")
    assert undo.exit_code == 0, undo.stderr
    restored = {p: b for p, b in snapshot_tree(data_dir(ws)).items() if p != "journal.jsonl" and not p.startswith("archiv")}
    assert restored == before
    assert _measures(ws) == measures and _risk_refs(ws) == risks
    assert run_cli("--workspace", ws, "journal", "verify", "--county", "testkreis").exit_code == 0
    check = json.loads(run_cli("--workspace", ws, "check", "--format", "json").output)["findings"]
    assert not [f for f in check if f["rule"] == "county.transition.open-reference"]


def test_a_reference_edited_after_the_upgrade_is_no_longer_open(ws, run_cli, planned):
    _, _, removed = planned
    result = run_cli("--workspace", ws, "catalog", "upgrade", "--county", "testkreis", "--to", "gspp-2026-06",
                     "--apply")
    assert result.exit_code == 0, result.stderr
    path = data_dir(ws) / "risiken.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"- {removed[0]}\n", "[]\n")
                    .replace(f"[{removed[0]}]", "[]"), encoding="utf-8")
    check = json.loads(run_cli("--workspace", ws, "check", "--format", "json").output)["findings"]
    named = [f for f in check if f["rule"] == "county.transition.open-reference"]
    assert named and not [f for f in named if "Risiko" in f["message"]]
    # discarding a measure (the hint's other way) settles it too
    measure = named[0]["message"].split("Maßnahme ")[1].split(" ")[0]
    assert f"plan set {measure} --state verworfen" in named[0]["message"]
    done = run_cli("--workspace", ws, "plan", "set", measure, "--state", "verworfen", "--county", "testkreis")
    assert done.exit_code == 0, done.stderr
    check = json.loads(run_cli("--workspace", ws, "check", "--format", "json").output)["findings"]
    left = [f for f in check if f["rule"] == "county.transition.open-reference"]
    assert len(left) == len(named) - 1 and not [f for f in left if f"Maßnahme {measure} " in f["message"]]


# -- the whole Verbund at once -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def verbund_template(template, tmp_path_factory):
    """Two member counties on the beta: Testkreis and Zweitkreis (full check, journal)."""
    ws, isolated = _prepared(template, tmp_path_factory, "verbund")
    config = ws / "ikz-isms.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("    - testkreis\n",
                                                                 "    - testkreis\n    - zweitkreis\n"),
                      encoding="utf-8")
    with isolated as run_cli:
        make_county(ws, run_cli, "Zweitkreis", catalog="gspp-beta")
    return ws


@pytest.fixture
def verbund(ws, verbund_template):
    """Two member counties on the beta: Testkreis and Zweitkreis (full check, journal; this test's own copy)."""
    return _use(verbund_template, ws)


def _county_files(ws: Path, key: str) -> dict[str, bytes]:
    return snapshot_tree(ws / "plugins" / f"ikz-county-{key}" / "data")


def test_whole_verbund_applies_together(verbund, run_cli):
    result = run_cli("--workspace", verbund, "catalog", "upgrade", "--from", "gspp-beta", "--to", "gspp-2026-06",
                     "--apply", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [c["county"] for c in json.loads(result.output)["counties"]] == ["testkreis", "zweitkreis"]
    for key in ("testkreis", "zweitkreis"):
        profile = yaml.safe_load((verbund / "plugins" / f"ikz-county-{key}" / "data" / "landkreis.yaml").read_text())
        assert profile["catalog"] == "gspp-2026-06"


def test_a_county_changed_since_the_dry_run_stops_the_whole_verbund(verbund):
    from ikz_isms.app.session import Session
    from ikz_isms.app.transitions import apply_changes, plan_upgrade
    from ikz_isms.errors import RefusedError

    session = Session(verbund)
    changes = [plan_upgrade(session, session.county(key), to="gspp-2026-06") for key in ("testkreis", "zweitkreis")]
    second = next((verbund / "plugins" / "ikz-county-zweitkreis" / "data" / "pruefungen").glob("*.yaml"))
    second.write_text(second.read_text(encoding="utf-8") + "# von Hand\n", encoding="utf-8")
    first = _county_files(verbund, "testkreis")
    with pytest.raises(RefusedError, match="Zweitkreis wurden seit der Planung geändert"):
        apply_changes(session, changes, actor="test")
    assert _county_files(verbund, "testkreis") == first


def test_a_write_error_in_the_second_county_takes_the_first_back(verbund, run_cli, monkeypatch):
    from ikz_isms.errors import OutputError
    from ikz_isms.store import county as store_county

    def data_files(key: str) -> dict[str, bytes]:
        return {p: b for p, b in _county_files(verbund, key).items()
                if p != "journal.jsonl" and not p.startswith("archiv")}

    first, second = data_files("testkreis"), _county_files(verbund, "zweitkreis")
    commit = store_county.CountyFiles._commit

    def failing(self, tx):
        if self.layout.data_dir.parent.name == "ikz-county-zweitkreis" and tx.files:
            raise OutputError("nicht schreibbar: Datenträger voll.", path=str(self.layout.data_dir))
        return commit(self, tx)

    monkeypatch.setattr(store_county.CountyFiles, "_commit", failing)
    result = run_cli("--workspace", verbund, "catalog", "upgrade", "--from", "gspp-beta", "--to", "gspp-2026-06",
                     "--apply")
    assert result.exit_code == ExitCode.OUTPUT, result.output
    assert "Datenträger voll" in result.stderr
    assert "Bereits umgestellt und wieder zurückgenommen: Landkreis Testkreis" in result.stderr
    assert "Kein Landkreis ist umgestellt." in result.stderr
    assert "Traceback" not in result.stderr
    monkeypatch.setattr(store_county.CountyFiles, "_commit", commit)
    assert data_files("testkreis") == first
    assert _county_files(verbund, "zweitkreis") == second
    for key in ("testkreis", "zweitkreis"):
        verify = run_cli("--workspace", verbund, "journal", "verify", "--county", key)
        assert verify.exit_code == 0, verify.output + verify.stderr
    listing = json.loads(run_cli("--workspace", verbund, "catalog", "undo", "--county", "testkreis",
                                 "--format", "json").output)
    assert [c["undone"] is not None for c in listing["changes"]] == [True]


def test_a_commit_broken_off_in_the_second_county_is_named_with_the_way_back(verbund, run_cli, monkeypatch):
    from ikz_isms.errors import OutputError
    from ikz_isms.store import county as store_county

    first = {p: b for p, b in _county_files(verbund, "testkreis").items()
             if p != "journal.jsonl" and not p.startswith("archiv")}
    second = {p: b for p, b in _county_files(verbund, "zweitkreis").items() if p != "journal.jsonl"}
    replace = store_county.CountyFiles._apply

    def broken(self, pending):
        if self.layout.data_dir.parent.name == "ikz-county-zweitkreis" and pending["files"]:
            raise OutputError("nicht schreibbar: Ein-/Ausgabefehler des Datenträgers.", path=str(self.layout.data_dir))
        return replace(self, pending)

    monkeypatch.setattr(store_county.CountyFiles, "_apply", broken)
    result = run_cli("--workspace", verbund, "catalog", "upgrade", "--from", "gspp-beta", "--to", "gspp-2026-06",
                     "--apply")
    assert result.exit_code == ExitCode.OUTPUT, result.output
    assert "Bereits umgestellt und wieder zurückgenommen: Landkreis Testkreis" in result.stderr
    assert "Nicht zurückgenommen: Landkreis Zweitkreis bleibt umgestellt" in result.stderr
    hint = result.stderr.split("zurücknehmen mit ")[1].split(" --apply")[0]
    assert hint.startswith("ikz-isms catalog undo ") and "--county zweitkreis" in hint
    monkeypatch.setattr(store_county.CountyFiles, "_apply", replace)
    assert {p: b for p, b in _county_files(verbund, "testkreis").items()
            if p != "journal.jsonl" and not p.startswith("archiv")} == first
    # once the disk works again, the named command completes the broken-off change and takes it back
    undo = run_cli("--workspace", verbund, *hint.removeprefix("ikz-isms ").split(), "--apply")
    assert undo.exit_code == 0, undo.stderr
    assert {p: b for p, b in _county_files(verbund, "zweitkreis").items()
            if p != "journal.jsonl" and not p.startswith("archiv")} == second
    for key in ("testkreis", "zweitkreis"):
        assert run_cli("--workspace", verbund, "journal", "verify", "--county", key).exit_code == 0
