"""Steps every feature shares: the example workspace, running a command as typed, its outcome."""

from __future__ import annotations

import shlex

import pytest
from pytest_bdd import given, parsers, then, when


@pytest.fixture
def state():
    """What one scenario's steps hand on to the next (the last command's result, ...)."""
    return {}


def run_typed(run_cli, workspace, command: str):
    """Run a command line as the user types it ("ikz-isms ...") inside ``workspace``."""
    args = shlex.split(command)
    assert args[0] == "ikz-isms"
    return run_cli("--workspace", workspace, *args[1:], cwd=workspace)


@given("die Beispiel-Arbeitsumgebung des Verbunds", target_fixture="workspace")
def given_example(example_workspace, state):
    # the example journals already hold the counties' (invented) history
    state["journal_before"] = {
        path.parents[1].name.removeprefix("ikz-county-"): len(path.read_text(encoding="utf-8").splitlines())
        for path in example_workspace.glob("plugins/ikz-county-*/data/journal.jsonl")
    }
    return example_workspace


@given(parsers.parse('ich "{command}" ausgeführt habe'))
def ran_before(run_cli, workspace, command):
    result = run_typed(run_cli, workspace, command)
    assert result.exit_code == 0, result.output + result.stderr


@when(parsers.parse('ich "{command}" ausführe'))
def run(run_cli, workspace, state, command):
    state["result"] = run_typed(run_cli, workspace, command)


@then(parsers.parse("endet der Befehl mit Exit-Code {code:d}"))
def exit_code(state, code):
    result = state["result"]
    assert result.exit_code == code, result.output + result.stderr


@then(parsers.parse('die Ausgabe enthält "{text}"'))
def output_contains(state, text):
    assert text in state["result"].output, state["result"].output
