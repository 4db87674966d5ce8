"""The generated docs are current: README command tables, exit codes, hook reference."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import click
import pytest

from ikz_isms import docgen
from ikz_isms.errors import ExitCode, IkzError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def builtin() -> click.Group:
    return docgen.builtin_cli()


def generated_part(path: str, name: str) -> str:
    text = (ROOT / path).read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start[^>]*-->(.*?)<!-- {name}:end -->", text, re.S)
    assert match, f"{path}: no generated part {name!r}"
    return match.group(1)


@pytest.mark.parametrize("block", docgen.BLOCKS, ids=lambda block: f"{block.path}:{block.name}")
def test_generated_part_is_current(block):
    text = (ROOT / block.path).read_text(encoding="utf-8")
    assert docgen.regenerate(text, block) == text, f"{block.path} is stale: run {docgen.REGENERATE}"


def test_every_builtin_command_is_in_the_readme(builtin):
    tables = generated_part("README.md", "befehle")
    missing = [
        info.name
        for info in docgen.walk_commands(builtin)
        if not re.search(rf"`ikz-isms {re.escape(info.name)}[ `]", tables)
    ]
    assert not missing, f"commands missing from README.md: {missing}; run {docgen.REGENERATE}"


def test_the_tables_show_german_argument_names_and_every_role(builtin):
    tables = docgen.render_command_tables(builtin)
    assert "| `ikz-isms assess set ANFORDERUNG ZIELOBJEKT STATUS` | Einen Prüfeintrag setzen" in tables
    assert "| `ikz-isms assess --verbund` |" in tables
    for role in docgen.ROLES:
        assert f"**{role}**" in tables
    assert "[OPTIONEN]" not in tables


def with_command(group: click.Group, path: str, command: click.Command) -> click.Group:
    """A copy of ``group`` with ``command`` added under ``path``; ``group`` stays as it was."""
    parent, *rest = path.split() if path else [None]
    if parent is None:
        return click.Group(group.name, commands={**group.commands, command.name: command})
    # a lazily registered command is in group.commands only once something asked for it
    sub = with_command(group.get_command(click.Context(group), parent), " ".join(rest), command)
    return click.Group(group.name, commands={**group.commands, parent: sub})


def test_a_command_without_a_role_fails_and_is_named(builtin):
    @click.command("neu")
    def neu():
        """Etwas Neues."""

    with pytest.raises(docgen.DocgenError, match="ikz-isms neu has no role: add it to ROLE_OF"):
        docgen.render_command_tables(with_command(builtin, "", neu))


def test_a_subcommand_without_help_fails(builtin):
    stumm = click.Command("stumm", callback=lambda: None)
    with pytest.raises(docgen.DocgenError, match="ikz-isms catalog stumm has no help text"):
        docgen.render_command_tables(with_command(builtin, "catalog", stumm))


def test_a_role_for_a_command_that_is_gone_fails(builtin, monkeypatch):
    monkeypatch.setitem(docgen.ROLE_OF, "gibtsnicht", docgen.ISB)
    monkeypatch.setitem(docgen.ROLE_OF, "assess --gibtsnicht", docgen.ISB)
    with pytest.raises(docgen.DocgenError) as raised:
        docgen.render_command_tables(builtin)
    assert "ikz-isms gibtsnicht, which is no built-in command" in str(raised.value)
    assert "option --gibtsnicht of ikz-isms assess" in str(raised.value)


def test_the_builtin_cli_ignores_the_workspace_and_switches(builtin, monkeypatch, tmp_path):
    monkeypatch.setenv("IKZ_ISMS_WORKSPACE", str(ROOT))
    monkeypatch.setenv("IKZ_ISMS_BLOCK_PLUGINS", "ikz_isms.checks.tender_rules")
    monkeypatch.delenv("IKZ_ISMS_NO_ENTRY_POINTS")
    group = docgen.builtin_cli()
    assert group.list_commands(None) == builtin.list_commands(None)
    assert "tender" in group.list_commands(None)
    assert "IKZ_ISMS_NO_ENTRY_POINTS" not in os.environ


def test_exit_codes_doc_names_every_code_and_error_class():
    codes = generated_part("docs/exit-codes.md", "exitcodes")
    for code in ExitCode:
        assert f"| {code.value} | `{code.name}` | {code.description}" in codes
    exceptions = generated_part("docs/exit-codes.md", "exceptions")
    classes = docgen.error_classes()
    assert classes[0] is IkzError and len(set(classes)) == len(classes)
    for cls in classes:
        assert f"| `{cls.__name__}` | `{cls.__module__}` |" in exceptions
        assert f"{cls.exit_code.value} `{cls.exit_code.name}`" in exceptions
    assert "DependencyCycleError" in {cls.__name__ for cls in classes}, "subclasses outside errors.py are found"


def test_check_names_each_stale_file_and_write_keeps_the_prose(tmp_path, capsys):
    for block in docgen.BLOCKS:
        (tmp_path / block.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / block.path, tmp_path / block.path)
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("| `ikz-isms init", "| `ikz-isms alt"), encoding="utf-8")
    codes = tmp_path / "docs" / "exit-codes.md"
    codes.write_text(codes.read_text(encoding="utf-8").replace("| 130 |", "| 131 |"), encoding="utf-8")

    assert docgen.main(["--check", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "stale: README.md" in err and "stale: docs/exit-codes.md" in err
    assert "docs/plugins.md" not in err

    assert docgen.main(["--write", "--root", str(tmp_path)]) == 0
    for block in docgen.BLOCKS:
        assert (tmp_path / block.path).read_text(encoding="utf-8") == (ROOT / block.path).read_text(encoding="utf-8")
    assert docgen.main(["--check", "--root", str(tmp_path)]) == 0


def test_missing_markers_are_an_error(tmp_path, capsys):
    for block in docgen.BLOCKS:
        (tmp_path / block.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / block.path, tmp_path / block.path)
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("<!-- befehle:end -->", ""), encoding="utf-8")
    assert docgen.main(["--check", "--root", str(tmp_path)]) == 1
    assert "error: README.md: markers <!-- befehle:start --> ... <!-- befehle:end --> not found" in capsys.readouterr().err


def test_hook_signatures_show_annotations_as_written():
    from ikz_isms.hookdocs import _signature

    def spec(register: "Callable[..., None]", workspace: "Workspace | None" = None) -> None:  # noqa: F821
        """Like hookspecs.py, this module has ``from __future__ import annotations``."""

    assert _signature(spec) == "(register: Callable[..., None], workspace: Workspace | None = None) -> None"
