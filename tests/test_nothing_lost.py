"""Nothing lost (issue 3, §10), proven with real processes.

* Two processes setting records of the same county at the same time lose no update.
* A process killed (SIGKILL) in the middle of writes leaves every file whole and readable,
  and the next writer is not blocked by its lock. ``atomic_write`` may leave its hidden
  temporary file (``.NAME.XXXX.tmp``) behind when killed; no reader ever opens such a file,
  so it is ignored rather than cleaned up (cleaning it up safely would need the lock that a
  plain ``atomic_write`` does not take).
* Bad input changes no file.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "cochem-zell"
DATA = Path("plugins") / "ikz-county-cochem-zell" / "data"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="braucht POSIX-Signale")

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

WRITE_LOOP = """
import itertools, json, sys
from pathlib import Path
from ikz_isms.store import atomic_write, update_yaml

directory = Path(sys.argv[1])
filler = "Umsetzung dokumentiert im Sicherheitskonzept, Abschnitt " * 4

def rewrite(n):
    def mutate(document):
        document["n"] = n
        document["eintraege"] = [{"n": n, "i": i, "text": filler} for i in range(100)]
    return mutate

for n in itertools.count():
    atomic_write(directory / "blob.json", json.dumps({"n": n, "data": [[n, i, filler] for i in range(20000)]}))
    update_yaml(directory / "doc.yaml", rewrite(n), default=dict)
    print(n, flush=True)
"""


def env() -> dict[str, str]:
    values = dict(os.environ)
    values["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), values.get("PYTHONPATH")]))
    return values


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def modelled_pairs(ws: Path, count: int) -> list[str]:
    from ikz_isms.assess import assess_county, county_catalog, load_county_data
    from ikz_isms.county import load_counties
    from ikz_isms.plugins import get_plugin_manager
    from ikz_isms.workspace import Workspace

    workspace = Workspace.load(ws)
    pm = get_plugin_manager(ws)
    county = load_counties(pm, workspace)[COUNTY]
    pin, catalog = county_catalog(workspace, pm, county)
    pairs = [f"{p.requirement.id}@{p.target.id}" for p in assess_county(load_county_data(county), catalog, pin).pairs]
    assert len(pairs) >= count
    return pairs[:count]


def ikz(ws: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ikz_isms", "--workspace", str(ws), *args],
        capture_output=True, text=True, env=env(), timeout=60,
    )


def test_two_processes_setting_records_concurrently_lose_no_update(example_workspace):
    from ikz_isms import journal
    from ikz_isms.assess.records import load_records

    ws = example_workspace
    # a county at the start of its check: every set rewrites a small file, so the test stays fast
    (ws / DATA / "pruefungen.yaml").write_text("pruefungen: []\n", encoding="utf-8")
    pairs = modelled_pairs(ws, 50)
    journal_path = ws / DATA / "journal.jsonl"
    before = len(journal.read(journal_path))
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

    records = load_records(ws / DATA / "pruefungen.yaml")
    for tag, chunk in (("A", pairs[:25]), ("B", pairs[25:])):
        for index, pair in enumerate(chunk):
            record = records.get(*pair.split("@"))
            assert record is not None and record.status == "nein", pair
            assert record.statement == f"Lauf {tag}-{index}", pair
    entries = journal.read(journal_path)[before:]
    assert len(entries) == 50
    assert sorted(e["record"] for e in entries) == sorted(pairs)
    actors = [e["actor"] for e in entries]
    assert sum(a != b for a, b in zip(actors, actors[1:])) >= 2, "the two writers did not overlap"
    assert journal.verify(journal_path) == []


def _whole(directory: Path) -> None:
    """Both files parse and hold one consistent state each (never a mix of two writes)."""
    from ikz_isms.store import read_yaml

    blob = json.loads((directory / "blob.json").read_text(encoding="utf-8"))
    assert len(blob["data"]) == 20000
    assert {row[0] for row in blob["data"]} == {blob["n"]}
    doc = read_yaml(directory / "doc.yaml", roundtrip=False)
    assert len(doc["eintraege"]) == 100
    assert {item["n"] for item in doc["eintraege"]} == {doc["n"]}


def _kill_after_some_writes(args: list[str], rng: random.Random) -> None:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    try:
        assert process.stdout.readline(), process.stderr.read().decode()
        time.sleep(rng.uniform(0.0, 0.4))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_a_writer_killed_mid_write_leaves_every_file_whole(tmp_path):
    rng = random.Random(20261124)
    temp_name = re.compile(r"^\.(blob\.json|doc\.yaml)\.[^/]+\.tmp$")
    for _ in range(5):
        _kill_after_some_writes([sys.executable, "-c", WRITE_LOOP, str(tmp_path)], rng)
        _whole(tmp_path)
        visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
        assert visible == ["blob.json", "doc.yaml"]
        hidden = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
        assert all(temp_name.match(name) or name.endswith(".lock") for name in hidden), hidden


def test_assess_set_killed_mid_run_leaves_records_and_journal_whole(example_workspace):
    from ikz_isms import journal
    from ikz_isms.assess.records import load_records

    ws = example_workspace
    pairs = modelled_pairs(ws, 40)
    (ws / ".los").touch()  # no second writer to wait for
    rng = random.Random(7)
    for round_ in range(2):
        _kill_after_some_writes([sys.executable, "-c", SET_LOOP, str(ws), f"R{round_}", COUNTY, *pairs], rng)
        records = load_records(ws / DATA / "pruefungen.yaml")
        assert len(records) > 0
        assert journal.verify(ws / DATA / "journal.jsonl") == []
    # the killed writers' locks are gone: the next writer gets through at once
    result = ikz(ws, "assess", "set", *pairs[0].split("@"), "ja", "--county", COUNTY)
    assert result.returncode == 0, result.stderr
    assert journal.verify(ws / DATA / "journal.jsonl") == []


@pytest.mark.parametrize(
    ("damage", "args", "expected"),
    [
        ("yaml", ("ISMS.1.A1", "IV", "ja"), "ungültiges YAML"),
        (None, ("ISMS.1.A999", "IV", "ja"), "ISMS.1.A999"),
        (None, ("ISMS.1.A1", "GIBT-ES-NICHT", "ja"), "GIBT-ES-NICHT"),
        (None, ("ISMS.1.A1", "IV", "entbehrlich"), "Begründung"),
    ],
    ids=["kaputtes-yaml", "unbekannte-anforderung", "unbekanntes-zielobjekt", "entbehrlich-ohne-grund"],
)
def test_bad_input_changes_no_file(example_workspace, damage, args, expected):
    ws = example_workspace
    records_path = ws / DATA / "pruefungen.yaml"
    if damage == "yaml":
        records_path.write_text(records_path.read_text(encoding="utf-8") + "  - requirement: [kaputt\n", encoding="utf-8")
    before = snapshot(ws)
    result = ikz(ws, "assess", "set", *args, "--county", COUNTY, "--actor", "test")
    assert result.returncode == 3, result.stdout + result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(ws) == before
