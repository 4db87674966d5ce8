"""`ikz-isms assess --verbund`: disclosure, pseudonyms, catalog pins, trend from the journal, derived cache."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ikz_isms import journal
from ikz_isms.assess.verbund import pseudonyms, quarter_ends

NAMES = ("Bernkastel-Wittlich", "Eifelkreis Bitburg-Prüm", "Cochem-Zell", "Vulkaneifel")
KEYS = ("bernkastel-wittlich", "eifelkreis-bitburg-pruem", "cochem-zell", "vulkaneifel")


def data_dir(ws: Path, key: str) -> Path:
    return ws / "plugins" / f"ikz-county-{key}" / "data"


def set_disclosure(ws: Path, key: str, policy: str) -> None:
    profile = data_dir(ws, key) / "landkreis.yaml"
    lines = [f"disclosure: {policy}" if line.startswith("disclosure:") else line
             for line in profile.read_text(encoding="utf-8").splitlines()]
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")


def verbund_json(run_cli, ws: Path, *args: str) -> dict:
    result = run_cli("assess", "--verbund", "--format", "json", *args, cwd=ws)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def county(view: dict, name: str) -> dict:
    return next(c for g in view["groups"] for c in g["counties"] if c["name"] == name)


def own_report(run_cli, ws: Path, key: str) -> dict:
    result = run_cli("assess", "--county", key, "--format", "json", cwd=ws)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["counties"][0]


def test_disclosure_none_shows_no_figures(run_cli, example_workspace):
    set_disclosure(example_workspace, "cochem-zell", "none")
    view = verbund_json(run_cli, example_workspace)
    assert view["not_disclosed"] == [{"name": "Cochem-Zell", "disclosure": "none", "status": "keine Freigabe"}]
    assert all(c["name"] != "Cochem-Zell" for g in view["groups"] for c in g["counties"])
    assert all("Cochem-Zell" not in gap["names"] for g in view["groups"] for gap in g["shared_gaps"])

    text = run_cli("assess", "--verbund", cwd=example_workspace)
    assert text.exit_code == 0, text.stderr
    lines = [line for line in text.output.splitlines() if "Cochem-Zell" in line]
    assert len(lines) == 1
    assert "Ohne Freigabe" in lines[0] and "%" not in lines[0]


def test_disclosure_aggregate_shows_figures_but_no_requirement(run_cli, example_workspace):
    """aggregate: figures per approach, layer/practice and status, trend — no requirement id, no name in gaps."""
    view = verbund_json(run_cli, example_workspace)
    eifel = county(view, "Eifelkreis Bitburg-Prüm")
    assert eifel["disclosure"] == "aggregate"
    assert eifel["shared_gaps"] == "nicht freigegeben"
    own = own_report(run_cli, example_workspace, "eifelkreis-bitburg-pruem")
    assert eifel["approaches"]["basis"]["fulfilment"] == own["approaches"][0]["fulfilment"]
    assert eifel["approaches"]["basis"]["status"] == own["approaches"][0]["status"]
    assert {layer["id"] for layer in own["layers"]} == set(eifel["layers"])
    assert all("Eifelkreis Bitburg-Prüm" not in gap["names"] and not gap["unnamed"]
               for g in view["groups"] for gap in g["shared_gaps"])
    # no requirement id of the county anywhere in its entry
    assert "OPS." not in json.dumps(eifel) and ".A" not in json.dumps(eifel)

    text = run_cli("assess", "--verbund", cwd=example_workspace).output
    note = next(line for line in text.splitlines() if line.startswith("Ohne Anforderungs-IDs freigegeben"))
    assert "Eifelkreis Bitburg-Prüm" in note and "Cochem-Zell" in note
    gap_table = text[text.index("Gemeinsame Lücken"):]
    assert "Eifelkreis" not in gap_table


def test_aggregate_with_requirement_ids_is_counted_in_shared_gaps_without_its_name(run_cli, example_workspace):
    profile = example_workspace / "plugins" / "ikz-county-cochem-zell" / "data" / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "disclosure_allow: [requirement_ids]\n", encoding="utf-8")
    view = verbund_json(run_cli, example_workspace)
    cochem = county(view, "Cochem-Zell")
    assert cochem["shared_gaps"] == "ohne Namen gezählt"
    gaps = view["groups"][0]["shared_gaps"]
    assert any(g["unnamed"] == 1 for g in gaps)
    assert all("Cochem-Zell" not in g["names"] for g in gaps)
    assert all(g["counties"] == len(g["names"]) + g["unnamed"] for g in gaps)
    assert view["groups"][0]["shared_gaps_from"] == 3
    text = run_cli("assess", "--verbund", cwd=example_workspace).output
    assert "1 ohne Namen" in text


def test_disclosure_full_shows_layers_and_shared_gaps(run_cli, example_workspace):
    view = verbund_json(run_cli, example_workspace)
    group = view["groups"][0]
    vulkaneifel = county(view, "Vulkaneifel")
    own = own_report(run_cli, example_workspace, "vulkaneifel")
    assert vulkaneifel["approaches"]["basis"]["status"] == own["approaches"][0]["status"]
    assert {layer["id"] for layer in own["layers"]} == set(vulkaneifel["layers"])
    assert [layer["id"] for layer in group["layers"]][:3] == ["ISMS", "ORP", "CON"]
    # shared gaps: open in both full-disclosure counties, never in only one
    open_v = {g["requirement"] for g in own["basis_gaps"]}
    open_b = {g["requirement"] for g in own_report(run_cli, example_workspace, "bernkastel-wittlich")["basis_gaps"]}
    shared = {gap["requirement"] for gap in group["shared_gaps"]}
    assert (open_v & open_b) <= shared
    assert all(gap["counties"] == 2 and set(gap["names"]) == {"Bernkastel-Wittlich", "Vulkaneifel"}
               for gap in group["shared_gaps"])
    assert group["shared_gaps_from"] == 2


def test_pseudonyms_need_a_secret_key(run_cli, example_workspace, monkeypatch):
    monkeypatch.delenv("IKZ_ISMS_PSEUDONYM_KEY", raising=False)
    refused = run_cli("assess", "--verbund", "--pseudonymise", cwd=example_workspace)
    assert refused.exit_code == 4
    assert "geheimen Schlüssel" in refused.stderr and "IKZ_ISMS_PSEUDONYM_KEY" in refused.stderr
    monkeypatch.setenv("IKZ_ISMS_PSEUDONYM_KEY", "zu-kurz")
    assert run_cli("report", "verbund", "--pseudonymise", cwd=example_workspace).exit_code == 4


def test_pseudonyms_are_stable_and_reveal_no_names(run_cli, example_workspace, monkeypatch):
    monkeypatch.setenv("IKZ_ISMS_PSEUDONYM_KEY", "geheimnis-des-lenkungskreises-2026")
    first = run_cli("assess", "--verbund", "--pseudonymise", "--format", "json", cwd=example_workspace)
    second = run_cli("assess", "--verbund", "--pseudonymise", "--format", "json", cwd=example_workspace)
    text = run_cli("assess", "--verbund", "--pseudonymise", cwd=example_workspace)
    assert first.exit_code == second.exit_code == text.exit_code == 0
    assert first.output == second.output
    for output in (first.output, text.output):
        for secret in (*NAMES, *KEYS, "07231", "07233", "Bernkastel", "Cochem", "Eifelkreis", "Vulkaneifel"):
            assert secret not in output
    view = json.loads(first.output)
    names = [c["name"] for g in view["groups"] for c in g["counties"]]
    assert sorted(names) == ["Landkreis A", "Landkreis B", "Landkreis C", "Landkreis D"]
    assert view["pseudonymised"] is True


def test_pseudonym_order_follows_a_keyed_hash():
    keys = [f"kreis-{i:02d}" for i in range(30)]
    labels = pseudonyms(keys, "geheim")
    assert labels == pseudonyms(list(reversed(keys)), "geheim")
    assert labels[keys[0]] != "Landkreis A" or labels[keys[1]] != "Landkreis B"
    assert pseudonyms(keys, "anderes-geheimnis") != labels
    assert sorted(labels.values(), key=lambda v: (len(v), v))[-1] == "Landkreis AD"


def test_different_catalog_pins_are_not_compared(run_cli, example_workspace):
    source = json.loads((example_workspace / "catalogs" / "ikz-musterkatalog.json").read_text(encoding="utf-8"))
    source["catalog"]["metadata"]["version"] = "2026.2"
    newer = example_workspace.parent / "muster-2026-2.json"
    newer.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    imported = run_cli("catalog", "import", str(newer), "--name", "muster-neu", cwd=example_workspace)
    assert imported.exit_code == 0, imported.output + imported.stderr
    profile = data_dir(example_workspace, "vulkaneifel") / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("catalog: muster", "catalog: muster-neu"),
                       encoding="utf-8")

    view = verbund_json(run_cli, example_workspace)
    assert view["comparable"] is False
    assert len(view["groups"]) == 2
    first, second = view["groups"]
    assert first["comparable"] is None
    assert second["comparable"].startswith("nicht vergleichbar: anderer Katalogstand muster-neu")
    assert [c["name"] for c in second["counties"]] == ["Vulkaneifel"]
    assert first["catalog"]["sha256"] != second["catalog"]["sha256"]
    # shared gaps stay within a group: Bernkastel-Wittlich has no full-disclosure partner now
    assert first["shared_gaps"] == [] and second["shared_gaps"] == []

    text = run_cli("assess", "--verbund", cwd=example_workspace).output
    assert "Hinweis: nicht vergleichbar: anderer Katalogstand muster-neu" in text
    assert "Gruppe 2" in text


def append_journal(path, entries):
    """Journal entries as ikz-isms seals them (hash chain), for a history written by hand."""
    path.write_bytes(path.read_bytes() + journal.encode(journal.seal(entries, None)))


def test_trend_replays_the_journal_backwards(run_cli, example_workspace):
    data = data_dir(example_workspace, "vulkaneifel")
    (data / "journal.jsonl").write_text("", encoding="utf-8")  # just the three changes below
    record = {"requirement": "ISMS.1.A1", "target": "IV", "provenance": "own"}
    append_journal(data / "journal.jsonl", [
        {"time": "2025-05-10T08:00:00+00:00", "actor": "isb", "record": "ISMS.1.A1@IV",
         "old": None, "new": {**record, "status": "nein"}},
        {"time": "2025-08-20T08:00:00+00:00", "actor": "isb", "record": "ISMS.1.A1@IV",
         "old": {**record, "status": "nein"}, "new": {**record, "status": "ja"}},
        {"time": "2025-10-05T08:00:00+00:00", "actor": "isb", "record": "ISMS.1.A2@IV",
         "old": {**record, "requirement": "ISMS.1.A2", "status": "ja"},
         "new": {**record, "requirement": "ISMS.1.A2", "status": "nein"}},
    ])
    own = own_report(run_cli, example_workspace, "vulkaneifel")["approaches"][0]
    done, total = own["fulfilled"], own["applicable"]

    view = verbund_json(run_cli, example_workspace)
    trend = county(view, "Vulkaneifel")["trend"]
    expected_quarters = quarter_ends(dt.date(2025, 5, 10), dt.date.today())
    assert [p["label"] for p in trend[:-1]] == [f"Q{(d.month - 1) // 3 + 1}/{d.year}" for d in expected_quarters]
    assert trend[0]["date"] == "2025-06-30"
    # today ISMS.1.A1 is 'ja' and ISMS.1.A2 'nein'
    # end of Q2/2025: A1 'nein', A2 still 'ja' -> as many fulfilled as today
    assert trend[0]["fulfilment"]["basis"] == round(done / total, 4)
    # end of Q3/2025: A1 'ja', A2 still 'ja' -> one more than today
    assert trend[1]["fulfilment"]["basis"] == round((done + 1) / total, 4)
    # end of Q4/2025: A2 set to 'nein' -> today's state
    assert trend[2]["fulfilment"]["basis"] == round(done / total, 4)
    assert trend[-1]["label"] == "aktuell" and trend[-1]["date"] == dt.date.today().isoformat()
    assert trend[-1]["fulfilment"]["basis"] == round(done / total, 4)
    text = run_cli("assess", "--verbund", cwd=example_workspace).output
    assert "→ aktuell" in text


def test_trend_without_journal_is_today_only(run_cli, example_workspace):
    (data_dir(example_workspace, "bernkastel-wittlich") / "journal.jsonl").write_text("", encoding="utf-8")
    view = verbund_json(run_cli, example_workspace)
    assert [p["label"] for p in county(view, "Bernkastel-Wittlich")["trend"]] == ["aktuell"]


def test_the_example_history_shows_a_trend_ending_today(run_cli, example_workspace):
    view = verbund_json(run_cli, example_workspace)
    labels = [f"Q{(d.month - 1) // 3 + 1}/{d.year}" for d in quarter_ends(dt.date(2025, 1, 1), dt.date.today())]
    basis = {}
    for name, key in zip(NAMES, KEYS):
        trend = county(view, name)["trend"]
        assert [p["label"] for p in trend] == [*labels, "aktuell"]
        own = own_report(run_cli, example_workspace, key)["approaches"][0]
        assert trend[-1]["fulfilment"]["basis"] == round(own["fulfilled"] / own["applicable"], 4)
        basis[name] = [p["fulfilment"]["basis"] for p in trend]
    steady = basis["Bernkastel-Wittlich"]
    assert all(a <= b for a, b in zip(steady, steady[1:])) and steady[-1] - steady[0] > 0.3
    assert max(basis["Cochem-Zell"]) - min(basis["Cochem-Zell"]) < 0.1
    for name in ("Eifelkreis Bitburg-Prüm", "Vulkaneifel"):
        assert basis["Cochem-Zell"][-1] < basis[name][-1] < steady[-1]
        assert basis[name][-1] > basis[name][0]


def test_cache_is_used_and_invalidated_when_a_record_file_changes(run_cli, example_workspace):
    before = county(verbund_json(run_cli, example_workspace), "Vulkaneifel")["approaches"]["kern"]
    cache_file = example_workspace / ".ikz-cache" / "verbund" / "vulkaneifel.json"
    assert cache_file.exists()

    changed = run_cli("assess", "set", "ISMS.1.A2", "IV", "ja", "--county", "vulkaneifel", "--actor", "test",
                      cwd=example_workspace)
    assert changed.exit_code == 0, changed.stderr
    after_set = county(verbund_json(run_cli, example_workspace), "Vulkaneifel")["approaches"]["kern"]
    assert after_set["fulfilled"] == before["fulfilled"] + 1

    # a hand edit of the YAML, same size, is seen as well
    records = data_dir(example_workspace, "vulkaneifel") / "pruefungen" / "IV.yaml"
    text = records.read_text(encoding="utf-8")
    assert "status: nein" in text
    records.write_text(text.replace("status: nein", "status: ja  ", 1), encoding="utf-8")
    assert len(records.read_bytes()) == len(text.encode("utf-8"))
    after_edit = county(verbund_json(run_cli, example_workspace), "Vulkaneifel")["approaches"]["kern"]
    assert after_edit["fulfilled"] == after_set["fulfilled"] + 1

    # the cached answer is the answer without the cache
    cached = verbund_json(run_cli, example_workspace)
    for path in cache_file.parent.iterdir():
        path.unlink()
    assert verbund_json(run_cli, example_workspace) == cached


def test_broken_record_file_is_an_input_error_not_a_stale_cache(run_cli, example_workspace):
    verbund_json(run_cli, example_workspace)
    records = data_dir(example_workspace, "vulkaneifel") / "pruefungen" / "IV.yaml"
    records.write_text(records.read_text(encoding="utf-8").replace("status: ja", "status: [ja", 1), encoding="utf-8")
    result = run_cli("assess", "--verbund", cwd=example_workspace)
    assert result.exit_code == 3
    assert "pruefungen/IV.yaml" in result.stderr


@pytest.mark.parametrize("args", [("--pseudonymise",), ("--verbund", "--county", "vulkaneifel")])
def test_option_misuse_is_a_usage_error(run_cli, example_workspace, args):
    result = run_cli("assess", *args, cwd=example_workspace)
    assert result.exit_code == 2
    assert "--verbund" in result.stderr or "--pseudonymise" in result.stderr


def test_approach_filter(run_cli, example_workspace):
    view = verbund_json(run_cli, example_workspace, "--approach", "basis")
    assert [a["id"] for a in view["groups"][0]["approaches"]] == ["basis"]
    assert set(county(view, "Vulkaneifel")["approaches"]) == {"basis"}
    wrong = run_cli("assess", "--verbund", "--approach", "erhoeht", cwd=example_workspace)
    assert wrong.exit_code == 2


def test_grundschutz_plus_plus_county_forms_its_own_group(run_cli, example_workspace, upstream):
    catalog = upstream / "gspp" / "resolved-2026-06-30" / "Grundschutz++-catalog.json"
    imported = run_cli("catalog", "import", str(catalog), "--name", "gspp", cwd=example_workspace)
    assert imported.exit_code == 0, imported.output + imported.stderr
    profile = data_dir(example_workspace, "bernkastel-wittlich") / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("catalog: muster", "catalog: gspp"),
                       encoding="utf-8")
    view = verbund_json(run_cli, example_workspace)
    gspp = next(g for g in view["groups"] if g["catalog"]["name"] == "gspp")
    assert gspp["catalog"]["edition"] == "gspp" and gspp["labels"]["layer"] == "Praktik"
    assert [a["id"] for a in gspp["approaches"]] == ["normal-sdt", "erhoeht"]
    assert [c["name"] for c in gspp["counties"]] == ["Bernkastel-Wittlich"]
    assert gspp["layers"] and county(view, "Bernkastel-Wittlich")["approaches"]["normal-sdt"]["applicable"] > 0
    text = run_cli("assess", "--verbund", cwd=example_workspace).output
    assert "Erfüllung je Praktik in % – normal (Stand der Technik) (Teil 1/2)" in text
    assert "nicht vergleichbar: anderer Katalogstand" in text


def test_own_county_from_the_environment_does_not_block_the_verbund_view(run_cli, example_workspace, monkeypatch):
    monkeypatch.setenv("IKZ_ISMS_COUNTY", "vulkaneifel")
    view = verbund_json(run_cli, example_workspace)
    assert len([c for g in view["groups"] for c in g["counties"]]) == 4


def test_a_countys_fingerprint_is_taken_once_per_run_and_again_after_it_changed(example_workspace):
    """The view's key, the county cache's check and the stamp of new figures use the identities seen
    before the county's files were read; a change the run itself makes (county_changed) is seen."""
    import os

    from ikz_isms.app.session import Session
    from ikz_isms.app.verbund import fingerprint

    session = Session(example_workspace)
    county = session.county("cochem-zell")
    today = dt.date(2026, 12, 1)
    first = fingerprint(session, county, today)
    record = sorted(county.layout.records_dir.glob("*.yaml"))[0]
    stat = record.stat()
    os.utime(record, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert fingerprint(session, county, today) is first  # the same run: the identities it started from
    assert fingerprint(Session(example_workspace), county, today) != first  # the next run sees the change
    session.county_changed(county)
    again = fingerprint(session, county, today)
    assert again != first and again["files"][f"pruefungen/{record.name}"][1] == stat.st_mtime_ns + 5_000_000_000
    assert fingerprint(session, county, dt.date(2027, 4, 1))["quarter"] != again["quarter"]
