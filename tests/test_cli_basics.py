"""The command line as a user meets it: help, usage errors, workspace discovery, init."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from ikz_isms.errors import ExitCode
from ikz_isms.workspace import Workspace


def test_help_is_german_and_lists_commands(run_cli, tmp_path):
    result = run_cli("--help", cwd=tmp_path)
    assert result.exit_code == 0
    assert "Aufruf: ikz-isms [OPTIONEN] BEFEHL [ARGUMENTE]..." in result.output
    assert "Befehle:" in result.output
    for command in ("init", "plugins", "catalog", "check"):
        assert f"  {command}" in result.output


def test_usage_errors_exit_2_in_german(run_cli, tmp_path):
    result = run_cli("--gibtsnicht", cwd=tmp_path)
    assert result.exit_code == ExitCode.USAGE
    assert "Unbekannte Option '--gibtsnicht'" in result.stderr
    result = run_cli("plugins", "--format", "xml", cwd=tmp_path)
    assert result.exit_code == ExitCode.USAGE
    assert "Ungültiger Wert für '--format'" in result.stderr


def test_a_misspelt_option_gets_a_german_suggestion(run_cli, tmp_path):
    """click 8.2+ suggests close options in English ("Did you mean '--county'?")."""
    result = run_cli("assess", "--countyy", "x", cwd=tmp_path)
    assert result.exit_code == ExitCode.USAGE
    assert "Unbekannte Option '--countyy'. Meinten Sie '--county'?" in result.stderr
    assert "Did you mean" not in result.stderr


def test_every_message_click_can_show_a_user_is_german():
    """Every string the installed click passes through gettext is in the German table, or named as
    one no user sees (a developer's declaration error): a click upgrade with new messages fails here."""
    import ast
    from pathlib import Path

    import click

    from ikz_isms.click_de import GERMAN, NOT_SHOWN_TO_USERS

    strings = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "ngettext")):
                strings.update(arg.value for arg in node.args[:2]
                               if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
    assert strings, "no gettext calls found in click: the way click marks its messages has changed"
    assert sorted(strings - set(GERMAN) - NOT_SHOWN_TO_USERS) == []


def test_python_dash_m_runs_the_cli(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "ikz_isms", "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert completed.returncode == 0
    assert completed.stdout.startswith("ikz-isms ")


def test_init_creates_a_valid_empty_workspace(run_cli, tmp_path):
    target = tmp_path / "neu"
    result = run_cli("init", str(target), "--name", "IKZ Test & Co", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "angelegt" in result.output
    workspace = Workspace.load(target)
    assert workspace.name == "IKZ Test & Co"
    assert workspace.members == [] and workspace.pins == {}
    assert (target / "catalogs").is_dir() and (target / "plugins").is_dir()
    check = run_cli("check", cwd=target)
    assert check.exit_code == 0, check.output + check.stderr


def test_init_refuses_an_existing_workspace_and_changes_nothing(run_cli, tmp_path):
    run_cli("init", str(tmp_path / "ws"), cwd=tmp_path)
    before = (tmp_path / "ws" / "ikz-isms.yaml").read_bytes()
    result = run_cli("init", str(tmp_path / "ws"), "--name", "anders", cwd=tmp_path)
    assert result.exit_code == ExitCode.REFUSED
    assert "existiert bereits" in result.stderr
    assert (tmp_path / "ws" / "ikz-isms.yaml").read_bytes() == before


def test_init_on_a_file_names_the_argument_in_german(run_cli, tmp_path):
    (tmp_path / "datei").write_text("x", encoding="utf-8")
    result = run_cli("init", str(tmp_path / "datei"), cwd=tmp_path)
    assert result.exit_code == ExitCode.USAGE
    assert "'VERZEICHNIS'" in result.stderr and "DIRECTORY" not in result.stderr


def test_workspace_found_upwards_and_by_option_and_env(run_cli, tmp_path, monkeypatch):
    run_cli("init", str(tmp_path / "ws"), "--name", "Oben", cwd=tmp_path)
    deep = tmp_path / "ws" / "a" / "b"
    deep.mkdir(parents=True)
    assert run_cli("check", cwd=deep).exit_code == 0
    elsewhere = tmp_path / "anderswo"
    elsewhere.mkdir()
    missing = run_cli("check", cwd=elsewhere)
    assert missing.exit_code == ExitCode.INPUT
    assert "keine Arbeitsumgebung gefunden" in missing.stderr
    assert run_cli("--workspace", str(tmp_path / "ws"), "check", cwd=elsewhere).exit_code == 0
    monkeypatch.setenv("IKZ_ISMS_WORKSPACE", str(tmp_path / "ws"))
    assert run_cli("check", cwd=elsewhere).exit_code == 0


def test_invalid_config_names_file_and_line(run_cli, tmp_path):
    (tmp_path / "ikz-isms.yaml").write_text(
        textwrap.dedent(
            """\
            verbund:
              name: Test
              members: [Großbuchstaben Nicht Erlaubt]
            catalogs: {}
            """
        ),
        encoding="utf-8",
    )
    result = run_cli("catalog", "list", cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT
    assert "ikz-isms.yaml" in result.stderr
    assert "Zeile 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_config_yaml(run_cli, tmp_path):
    (tmp_path / "ikz-isms.yaml").write_text("verbund: [nicht geschlossen\n", encoding="utf-8")
    result = run_cli("catalog", "list", cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT
    assert "ikz-isms.yaml" in result.stderr and "Zeile" in result.stderr


def test_unexpected_bug_is_one_german_line_not_a_traceback(run_cli, tmp_path, monkeypatch):
    (tmp_path / "ikz-isms.yaml").write_text("verbund: {name: T, members: []}\ncatalogs: {}\n", encoding="utf-8")
    (tmp_path / "plugins").mkdir()
    from ikz_isms.testing import write_plugin

    write_plugin(
        tmp_path, "fehlerhaft",
        "import click\nfrom ikz_isms import hookimpl\n\n"
        "@click.command('kaputt')\ndef kaputt():\n    raise ZeroDivisionError('durch null')\n\n"
        "@hookimpl\ndef ikz_register_commands(cli):\n    cli.add_command(kaputt)\n",
    )
    result = run_cli("kaputt", cwd=tmp_path)
    assert result.exit_code == ExitCode.INTERNAL
    assert "Interner Fehler: ZeroDivisionError: durch null" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_lazy_command_table_says_what_each_command_says_of_itself():
    """``--help`` lists built-ins without importing them; their short help must stay the commands' own."""
    import click

    from ikz_isms.cli import LazyCommand
    from ikz_isms.commands import BUILTIN_COMMANDS

    for name, (target, short_help) in BUILTIN_COMMANDS.items():
        command = LazyCommand(name, target, short_help).load()
        assert command.name == name
        assert command.get_short_help_str(limit=300) == short_help, name
        assert isinstance(command, click.Command)


def test_help_imports_no_command_module():
    import subprocess
    import sys

    code = ("import sys; from ikz_isms.cli import main; main(['--help']); "
            "print(sorted(m for m in sys.modules if m.startswith('ikz_isms.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=__import__("pathlib").Path(__file__).parent.parent, env={**__import__("os").environ, "IKZ_ISMS_NO_ENTRY_POINTS": "1"})
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout[-500:]


def test_ci_runs_exactly_the_readmes_test_command():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(python3 -m venv .+?)\n```", readme)
    assert len(commands) >= 2, "the README's first two commands: install and run; install and test"
    assert "ikz-isms assess" in commands[0] and "pytest" in commands[1]
    assert commands[1] in (root / ".ci" / "run").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp850"])
def test_a_console_that_is_not_utf8_gets_stand_ins_not_an_internal_error(example_workspace, encoding):
    """Before: exit 70 (UnicodeEncodeError) on the first „, – or ü a console could not show
    (a Windows code page, LANG=de_DE.ISO-8859-15, PYTHONIOENCODING=ascii)."""
    import os

    env = {**os.environ, "PYTHONIOENCODING": encoding, "IKZ_ISMS_NO_ENTRY_POINTS": "1"}
    env.pop("IKZ_ISMS_WORKSPACE", None)
    for argv, code in ((["assess", "--county", "vulkaneifel"], 0), (["catalog", "show", "ISMS.1.A1"], 0),
                       (["assess", "--countyy", "x"], 2), (["catalog", "show", "GIBTS.NICHT"], 3)):
        done = subprocess.run([sys.executable, "-m", "ikz_isms", "--workspace", str(example_workspace), *argv],
                              capture_output=True, env=env, cwd=example_workspace)
        assert done.returncode == code, (argv, done.stderr.decode(encoding, "replace"))
        assert b"Interner Fehler" not in done.stderr and b"Traceback" not in done.stderr
        # what the console gets is in its encoding (click itself treats ASCII as a misconfigured
        # locale and writes UTF-8 there)
        done.stdout.decode("utf-8" if encoding == "ascii" else encoding)
