"""Steps for features/offenlegung.feature: counties publish signed disclosure packages to the Verbund."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
import subprocess

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.federation_support import CountySpec, build_federation

scenarios("offenlegung.feature")

SPECS = [CountySpec("vollstadt", "Vollstadt", "full"), CountySpec("summental", "Summental", "aggregate")]


@given(parsers.parse('die Landkreise "Vollstadt" (Offenlegung full) und "Summental" (Offenlegung aggregate) '
                     "in eigenen Arbeitsumgebungen"), target_fixture="federation")
def counties(run_cli, tmp_path):
    return build_federation(run_cli, tmp_path, SPECS)


@given("eine Verbund-Arbeitsumgebung mit ihren hinterlegten Schlüsseln und veröffentlichten Paketen")
def verbund_ready(federation):
    for spec in SPECS:
        assert federation.package(spec.key).is_file()


def _run(run_cli, state, workspace, command):
    args = shlex.split(command)
    assert args[0] == "ikz-isms"
    state["result"] = run_cli("--workspace", workspace, *args[1:], cwd=workspace)
    state.setdefault("outputs", []).append(state["result"].output + state["result"].stderr)


@when(parsers.parse('ich im Verbund "{command}" ausführe'))
def run_in_verbund(run_cli, federation, state, command):
    _run(run_cli, state, federation.verbund, command)


@when(parsers.parse('ich im Landkreis "{county}" "{command}" ausführe'))
def run_in_county(run_cli, federation, state, county, command):
    _run(run_cli, state, federation.counties[county], command)


@then("keine Ausgabe enthält einen Freitext der Landkreise")
def no_free_text(federation, state):
    for spec in SPECS:
        for canary in spec.withheld():
            assert all(canary not in output for output in state["outputs"]), canary


@given(parsers.parse('jemand hat im Paket von "{county}" den Erfüllungsgrad geschönt'))
def forge(federation, county):
    path = federation.package(county)
    document = json.loads(path.read_text(encoding="utf-8"))
    counts = document["payload"]["figures"]["approaches"]["basis"]
    counts["ja"] = counts.get("ja", 0) + counts.pop("nein", 0)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


@given(parsers.parse("es ist {days:d} Tage später"))
def later(monkeypatch, days):
    day = dt.datetime.combine(dt.date.today() + dt.timedelta(days=days), dt.time(), dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(day.timestamp())))


def _git(cwd, *args):
    env = {"GIT_AUTHOR_NAME": "isb", "GIT_AUTHOR_EMAIL": "isb@example.org", "GIT_COMMITTER_NAME": "isb",
           "GIT_COMMITTER_EMAIL": "isb@example.org", "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(cwd)}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@given(parsers.parse('die Arbeitsumgebung von "{county}" ist in git eingecheckt'))
def committed(federation, county):
    if shutil.which("git") is None:
        pytest.skip("git ist nicht installiert")
    workspace = federation.counties[county]
    _git(workspace, "init", "-q")
    _git(workspace, "add", "-A")
    _git(workspace, "commit", "-qm", "Stand")


@given(parsers.parse('jemand hat im Journal von "{county}" einen Eintrag geändert und die Kette neu berechnet'))
def rewrite(federation, county):
    from ikz_isms import journal

    path = federation.data_dir(county) / "journal.jsonl"
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    entries[0]["actor"] = "jemand anderes"
    sealed = journal.seal([{k: e[k] for k in ("time", "actor", "record", "old", "new")} for e in entries], None)
    path.write_bytes(journal.encode(sealed))


@given(parsers.parse('im Verbund liegt ein Python-Plugin "{name}", das beim Laden eine Datei anlegt'))
def plugin_file(federation, name):
    from ikz_isms.testing import write_plugin

    marker = federation.verbund / f"{name}-lief.txt"
    write_plugin(federation.verbund, name, f"""
        from pathlib import Path
        Path({str(marker)!r}).write_text("gelaufen", encoding="utf-8")
    """, allow=False)


@then(parsers.parse('das Plugin "{name}" wurde nicht ausgeführt'))
def not_run(federation, name):
    assert not (federation.verbund / f"{name}-lief.txt").exists()


@then(parsers.parse('das Plugin "{name}" wurde ausgeführt'))
def was_run(federation, name):
    assert (federation.verbund / f"{name}-lief.txt").exists()


@then(parsers.parse('die Fehlermeldung enthält "{text}"'))
def stderr_contains(state, text):
    assert text in state["result"].stderr, state["result"].stderr
