"""Nothing lost, proven with real processes.

* Concurrent writers of one county (``assess set``, ``plan set``) and of the workspace config
  (``county add``) lose no update.
* A writer killed at each step of a change — temporary file written, transaction written,
  journal half appended, journal appended, a file replaced, all files replaced — leaves
  every file whole: the next run completes the change (record and journal entry land
  together), every file parses, the journal verifies, and no temporary file stays behind.
* A writer killed at a random moment (SIGKILL) leaves every file whole, and the next writer
  is not blocked by its lock.
* Bad input changes no file.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.badinput import corpus
from tests.support import journal_lines, journal_problems, read_records, snapshot_tree

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "cochem-zell"
DATA = Path("plugins") / "ikz-county-cochem-zell" / "data"
FAULT_EXIT = 86

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="braucht POSIX-Signale"), pytest.mark.slow]

SET_LOOP = """
import sys, time
from pathlib import Path
from ikz_isms.cli import main

workspace, tag, county, *pairs = sys.argv[1:]
# start together: both writers are loaded before either writes, so their writes interleave
(Path(workspace) / f".bereit-{tag}").touch()
while not (Path(workspace) / ".los").exists():
    time.sleep(0.005)
for index, pair in enumerate(pairs):
    requirement, target = pair.split("@")
    code = main(["--workspace", workspace, "assess", "set", requirement, target, "nein",
                 "--statement", f"Lauf {tag}-{index}", "--county", county, "--actor", tag])
    if code != 0:
        sys.exit(f"{tag}: assess set {pair} endete mit {code}")
    print(index, flush=True)
"""


def env(**extra: str) -> dict[str, str]:
    values = dict(os.environ)
    values["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), values.get("PYTHONPATH")]))
    # the writers may keep the bytecode they compile: else every one of the ~100 processes compiles again
    values.pop("PYTHONDONTWRITEBYTECODE", None)
    values.update(extra)
    return values


def modelled_pairs(ws: Path, count: int) -> list[str]:
    from ikz_isms import Session

    session = Session(ws)
    assessment = session.assessment(session.county(COUNTY))
    pairs = [f"{p.requirement.id}@{p.target.id}" for p in assessment.pairs if p.approaches]
    assert len(pairs) >= count
    return pairs[:count]


_STREAMS = itertools.count()


def ikz(ws: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    """``python -m ikz_isms --workspace WS ARGS`` in a process of its own, as ``subprocess.run`` would give it.

    The process is a fork of the hostile-input corpus's warm server (tests/badinput/forkserver.py):
    a real process with exactly this environment, which dies for real where ``IKZ_ISMS_FAULT``
    says, without paying Python's start-up and imports again (about a hundred runs in this
    module). ``IKZ_BADINPUT_FRESH=1`` starts a fresh interpreter instead.
    """
    argv = [sys.executable, "-m", "ikz_isms", "--workspace", str(ws), *args]
    if corpus.FRESH:
        return subprocess.run(argv, capture_output=True, text=True, env=env(**extra), timeout=60)
    streams = ws.parent / f".ikz-{os.getpid()}-{next(_STREAMS)}.streams"
    code, stdout, stderr, timed_out = corpus.server().run(argv[3:], Path.cwd(), env(**extra), None,
                                                          streams=streams, timeout=60)
    if timed_out:
        raise subprocess.TimeoutExpired(argv, 60, stdout, stderr)
    return subprocess.CompletedProcess(argv, code, stdout.decode("utf-8"), stderr.decode("utf-8"))


def ikz_at_once(ws: Path, runs: list[tuple[str, ...]]) -> list[subprocess.CompletedProcess]:
    """Every run of ``runs`` at the same time, each in a process of its own (:func:`ikz`)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(runs)) as pool:
        return list(pool.map(lambda args: ikz(ws, *args), runs))


def assert_county_whole(ws: Path, *, after_write: bool = True) -> None:
    """Every file of the county parses, the journal verifies and agrees with the records.

    Readers ignore a killed writer's temporary file; the next writer (who holds the lock)
    removes it — so ``after_write`` demands that none is left.
    """
    data = ws / DATA
    verified = ikz(ws, "journal", "verify", "--county", COUNTY)
    leftovers = [p for p in data.rglob("*") if p.name == ".ikz-transaktion.json"
                 or (after_write and p.name.endswith(".tmp"))]
    assert leftovers == []
    verified = ikz(ws, "journal", "verify", "--county", COUNTY)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert journal_problems(data / "journal.jsonl") == []
    assessed = ikz(ws, "assess", "--county", COUNTY, "--format", "json")
    assert assessed.returncode == 0, assessed.stderr


def test_two_processes_setting_records_concurrently_lose_no_update(example_workspace):
    ws = example_workspace
    pairs = modelled_pairs(ws, 50)
    journal_path = ws / DATA / "journal.jsonl"
    before = len(journal_lines(journal_path))
    workers = {
        tag: subprocess.Popen(
            [sys.executable, "-c", SET_LOOP, str(ws), tag, COUNTY, *chunk],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
        )
        for tag, chunk in (("A", pairs[:25]), ("B", pairs[25:]))
    }
    deadline = time.monotonic() + 60
    while not all((ws / f".bereit-{tag}").exists() for tag in workers):
        assert time.monotonic() < deadline, "writers did not start"
        assert all(p.poll() is None for p in workers.values()), "a writer ended before the start"
        time.sleep(0.01)
    (ws / ".los").touch()
    for tag, process in workers.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, f"{tag}: {err}"
        assert out.count("Gespeichert:") == 25

    records = read_records(ws / DATA)
    for tag, chunk in (("A", pairs[:25]), ("B", pairs[25:])):
        for index, pair in enumerate(chunk):
            record = records.get(tuple(pair.split("@")))
            assert record is not None and record["status"] == "nein", pair
            assert record["statement"] == f"Lauf {tag}-{index}", pair
    entries = journal_lines(journal_path)[before:]
    assert len(entries) == 50
    assert sorted(e["record"] for e in entries) == sorted(pairs)
    actors = [e["actor"] for e in entries]
    assert sum(a != b for a, b in zip(actors, actors[1:])) >= 2, "the two writers did not overlap"
    assert journal_problems(journal_path) == []


def test_eight_county_adds_at_once_lose_none(example_workspace):
    """Every read-modify-write of ikz-isms.yaml is locked: concurrent additions all land."""
    names = [f"Testkreis {chr(ord('A') + i)}" for i in range(8)]
    for process in ikz_at_once(example_workspace, [("county", "add", name) for name in names]):
        assert process.returncode == 0, process.stderr
    listed = json.loads(ikz(example_workspace, "county", "list", "--format", "json").stdout)
    keys = {c["key"] for c in listed["counties"] if c["member"]}
    assert {f"testkreis-{chr(ord('a') + i)}" for i in range(8)} <= keys


def test_eight_plan_changes_at_once_lose_none(example_workspace):
    ws = example_workspace
    runs = [("plan", "set", f"M-00{n}", "--county", COUNTY, "--responsible", f"Team {n}") for n in range(1, 9)]
    for process in ikz_at_once(ws, runs):
        assert process.returncode == 0, process.stderr
    plan = json.loads(ikz(ws, "plan", "--county", COUNTY, "--format", "json").stdout)["counties"][0]
    responsible = {m["id"]: m["responsible"] for m in plan["measures"]}
    assert all(responsible[f"M-00{n}"] == f"Team {n}" for n in range(1, 9))
    assert journal_problems(ws / DATA / "journal.jsonl") == []


FAULT_STEPS = ["temp-written", "transaction-written", "append-half", "journal-appended", "file-replaced",
               "files-replaced"]


@pytest.mark.parametrize("step", FAULT_STEPS)
def test_a_writer_killed_at_each_step_loses_nothing(example_workspace, step):
    ws = example_workspace
    pair = modelled_pairs(ws, 1)[0]
    requirement, target = pair.split("@")
    journal_path = ws / DATA / "journal.jsonl"
    entries_before = len(journal_lines(journal_path))
    died = ikz(ws, "assess", "set", requirement, target, "teilweise", "--statement", "nach Absturz",
               "--county", COUNTY, "--actor", "absturz", IKZ_ISMS_FAULT=step)
    assert died.returncode == FAULT_EXIT, died.stderr
    # the next run completes a change whose transaction was written, or finds none
    assert_county_whole(ws, after_write=False)
    record = read_records(ws / DATA)[(requirement, target)]
    entries = journal_lines(journal_path)
    if step == "temp-written":
        # died before the transaction existed: nothing happened, and the stray temp file is gone
        assert record.get("statement") != "nach Absturz" and len(entries) == entries_before
    else:
        assert record["statement"] == "nach Absturz" and record["status"] == "teilweise"
        assert len(entries) == entries_before + 1 and entries[-1]["record"] == pair
    again = ikz(ws, "assess", "set", requirement, target, "ja", "--county", COUNTY)
    assert again.returncode == 0, again.stderr
    assert_county_whole(ws)


def test_a_killed_migration_of_the_older_layout_loses_nothing(example_workspace):
    """The move from pruefungen.yaml to one file per target object is one transaction too."""
    import yaml

    from tests.support import records_snapshot

    ws = example_workspace
    data = ws / DATA
    records = read_records(data)
    items = []
    for path in sorted((data / "pruefungen").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["pruefungen"]:
            items.append({"requirement": item.pop("requirement"), "target": path.stem, **item})
    (data / "pruefungen.yaml").write_text("# älterer Stand: alle Prüfeinträge in einer Datei\n"
                                          + yaml.safe_dump({"pruefungen": items}, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    for path in (data / "pruefungen").iterdir():
        path.unlink()
    (data / "pruefungen").rmdir()
    assert read_records(data).keys() == records.keys()
    pair = modelled_pairs(ws, 1)[0]
    died = ikz(ws, "assess", "set", *pair.split("@"), "nein", "--county", COUNTY, IKZ_ISMS_FAULT="file-replaced")
    assert died.returncode == FAULT_EXIT
    assert_county_whole(ws, after_write=False)
    migrated = read_records(data)
    assert not (data / "pruefungen.yaml").exists() and (data / "pruefungen").is_dir()
    assert migrated.keys() == records.keys()
    assert migrated[tuple(pair.split("@"))]["status"] == "nein"
    assert len(records_snapshot(data)) == len({t for _, t in records})


def _kill_after_some_writes(args: list[str], rng: random.Random) -> None:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    try:
        assert process.stdout.readline(), process.stderr.read().decode()
        time.sleep(rng.uniform(0.0, 0.4))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_assess_set_killed_at_random_leaves_records_and_journal_whole(example_workspace):
    ws = example_workspace
    pairs = modelled_pairs(ws, 40)
    (ws / ".los").touch()  # no second writer to wait for
    rng = random.Random(7)
    for round_ in range(2):
        _kill_after_some_writes([sys.executable, "-c", SET_LOOP, str(ws), f"R{round_}", COUNTY, *pairs], rng)
        assert_county_whole(ws, after_write=False)
    # the killed writers' locks are gone: the next writer gets through at once
    result = ikz(ws, "assess", "set", *pairs[0].split("@"), "ja", "--county", COUNTY)
    assert result.returncode == 0, result.stderr
    assert_county_whole(ws)


@pytest.mark.parametrize(
    ("damage", "args", "expected"),
    [
        ("yaml", ("ISMS.1.A1", "IV", "ja"), "ungültiges YAML"),
        ("journal", ("ISMS.1.A1", "IV", "ja"), "Journal beschädigt"),
        ("no-journal", ("ISMS.1.A1", "IV", "ja"), "Journal fehlt"),
        (None, ("ISMS.1.A999", "IV", "ja"), "ISMS.1.A999"),
        (None, ("ISMS.1.A1", "GIBT-ES-NICHT", "ja"), "GIBT-ES-NICHT"),
        (None, ("ISMS.1.A1", "IV", "entbehrlich"), "Begründung"),
    ],
    ids=["kaputtes-yaml", "kaputtes-journal", "fehlendes-journal", "unbekannte-anforderung",
         "unbekanntes-zielobjekt", "entbehrlich-ohne-grund"],
)
def test_bad_input_changes_no_file(example_workspace, damage, args, expected):
    ws = example_workspace
    data = ws / DATA
    if damage == "yaml":
        path = data / "pruefungen" / "IV.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "  - requirement: [kaputt\n", encoding="utf-8")
    elif damage == "journal":
        path = data / "journal.jsonl"
        path.write_text(path.read_text(encoding="utf-8") + '{"seq": 999, "halb', encoding="utf-8")
    elif damage == "no-journal":
        (data / "journal.jsonl").unlink()
    before = snapshot_tree(ws)
    result = ikz(ws, "assess", "set", *args, "--county", COUNTY, "--actor", "test")
    # 2: a typed value no record may hold (entbehrlich without a reason) is a usage error
    assert result.returncode in (2, 3, 4), result.stdout + result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot_tree(ws) == before
