"""``ikz-isms --help`` from its cache: the same text as without it, and never a stale one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _help(cwd: Path, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m ikz_isms --help`` as the console script runs it (``cli.run``)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache), "COLUMNS": "100",
                   "IKZ_ISMS_NO_ENTRY_POINTS": "1"}
    environment.pop("IKZ_ISMS_NO_CACHE", None)
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "ikz_isms", "--help"], capture_output=True, text=True, cwd=cwd,
                          env=environment)


def _uncached(cwd: Path, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return _help(cwd, cache, IKZ_ISMS_NO_CACHE="1", **env)


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "ikz-isms" / "help").glob("*.json"))


def _same(first: subprocess.CompletedProcess[str], second: subprocess.CompletedProcess[str]) -> None:
    assert (first.returncode, first.stdout, first.stderr) == (second.returncode, second.stdout, second.stderr)


def test_second_help_comes_from_the_cache_and_says_the_same(tmp_path):
    cache, here = tmp_path / "cache", tmp_path / "leer"
    here.mkdir()
    first = _help(here, cache)
    assert first.returncode == 0 and "Befehle:" in first.stdout and "  check " in first.stdout
    assert len(_entries(cache)) == 1
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache), "COLUMNS": "100",
                   "IKZ_ISMS_NO_ENTRY_POINTS": "1"}
    environment.pop("IKZ_ISMS_NO_CACHE", None)
    hit = subprocess.run([sys.executable, "-X", "importtime", "-m", "ikz_isms", "--help"], capture_output=True,
                         text=True, cwd=here, env=environment)
    imported = {line.rpartition("|")[2].strip() for line in hit.stderr.splitlines() if line.startswith("import time:")}
    assert "ikz_isms.helpcache" in imported
    assert not imported & {"click", "pluggy", "ikz_isms.plugins", "ikz_isms.cli_app"}, sorted(imported)
    assert hit.stdout == first.stdout
    _same(_help(here, cache), first)
    _same(_uncached(here, cache), first)


def test_no_cache_switch_writes_nothing(tmp_path):
    cache = tmp_path / "cache"
    assert _uncached(tmp_path, cache).returncode == 0
    assert _entries(cache) == []


def test_terminal_width_is_part_of_the_key(tmp_path):
    cache = tmp_path / "cache"
    narrow, wide = _help(tmp_path, cache, COLUMNS="60"), _help(tmp_path, cache, COLUMNS="140")
    assert narrow.stdout != wide.stdout
    _same(_help(tmp_path, cache, COLUMNS="60"), _uncached(tmp_path, cache, COLUMNS="60"))
    _same(_help(tmp_path, cache, COLUMNS="140"), _uncached(tmp_path, cache, COLUMNS="140"))


def test_workspace_plugins_and_config_invalidate_the_cache(tmp_path):
    from ikz_isms.testing import allow_plugin

    cache, ws = tmp_path / "cache", tmp_path / "ws"
    init = subprocess.run([sys.executable, "-m", "ikz_isms", "init", str(ws)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert init.returncode == 0, init.stderr
    inner = ws / "unter" / "ordner"
    inner.mkdir(parents=True)
    before = _help(inner, cache)
    assert before.returncode == 0 and before.stderr == ""
    _help(inner, cache)
    # a plugin file appears: not allowed yet, so a notice on stderr
    plugin = ws / "plugins" / "gruss.py"
    plugin.write_text(textwrap.dedent("""
        import click
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_commands(cli):
            cli.add_command(click.Command("gruss", callback=lambda: None, help="Grüßt."))
    """), encoding="utf-8")
    noticed = _help(inner, cache)
    assert "Plugin gruss" in noticed.stderr and "nicht geladen" in noticed.stderr
    _same(_help(inner, cache), noticed)
    # allowed (the config changes): its command is listed, and workspace code is never cached
    allow_plugin(ws, "gruss")
    entries = _entries(cache)
    allowed = _help(inner, cache)
    assert "  gruss " in allowed.stdout and allowed.stderr == ""
    assert _entries(cache) == entries
    # its code changes: the allow-list no longer matches, the command is gone again
    plugin.write_text(plugin.read_text(encoding="utf-8").replace("Grüßt.", "Grüßt anders."), encoding="utf-8")
    changed = _help(inner, cache)
    assert "  gruss " not in changed.stdout and "geändert" in changed.stderr
    _same(changed, _uncached(inner, cache))


def test_a_new_workspace_above_is_noticed(tmp_path):
    cache, here = tmp_path / "cache", tmp_path / "a" / "b"
    here.mkdir(parents=True)
    _help(here, cache)
    (tmp_path / "a" / "plugins").mkdir()
    (tmp_path / "a" / "plugins" / "lose.py").write_text("x = 1\n", encoding="utf-8")
    assert "Plugin lose" not in _help(here, cache).stderr  # no workspace yet: plugins/ means nothing
    (tmp_path / "a" / "ikz-isms.yaml").write_text("verbund:\n  name: Test\n", encoding="utf-8")
    found = _help(here, cache)
    assert "Plugin lose" in found.stderr
    _same(found, _uncached(here, cache))


def test_an_installed_entry_point_is_noticed(tmp_path):
    cache, site = tmp_path / "cache", tmp_path / "site"
    site.mkdir()
    path = os.pathsep.join([str(site), str(ROOT)])

    def listed() -> str:
        return _help(tmp_path, cache, IKZ_ISMS_NO_ENTRY_POINTS="0", PYTHONPATH=path).stdout

    assert "  herkunft " not in listed()
    (site / "ikz_test_herkunft.py").write_text(textwrap.dedent("""
        import click
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_commands(cli):
            cli.add_command(click.Command("herkunft", callback=lambda: None, help="Aus dem Entry Point."))
    """), encoding="utf-8")
    info = site / "ikz_test_herkunft-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ikz_test_herkunft\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[console_scripts]\nherkunft = ikz_test_herkunft:main\n", encoding="utf-8")
    entries = len(_entries(cache))
    assert "  herkunft " not in listed()  # a distribution without our entry point: cached again
    assert "  herkunft " not in listed()
    assert len(_entries(cache)) == entries
    # the entry point is added in place: the folder's listing stays the same, the file does not
    (info / "entry_points.txt").write_text("[ikz_isms]\nherkunft = ikz_test_herkunft\n", encoding="utf-8")
    assert "  herkunft " in listed()
    assert "  herkunft " in listed()
    # a new distribution in a folder on the path
    (info / "entry_points.txt").write_text("[console_scripts]\n", encoding="utf-8")
    assert "  herkunft " not in listed()
    other = site / "ikz_test_zweite-2.0.dist-info"
    other.mkdir()
    (other / "entry_points.txt").write_text("[ikz_isms]\nherkunft = ikz_test_herkunft\n", encoding="utf-8")
    assert "  herkunft " in listed()


def test_a_changed_module_is_noticed(tmp_path):
    """Every module the help was made with is checked (here a copy of the package, edited)."""
    import shutil

    cache, code = tmp_path / "cache", tmp_path / "code"
    shutil.copytree(ROOT / "ikz_isms", code / "ikz_isms", ignore=shutil.ignore_patterns("__pycache__"))
    first = _help(tmp_path, cache, PYTHONPATH=str(code))
    assert "  check " in first.stdout
    commands = code / "ikz_isms" / "commands" / "__init__.py"
    text = commands.read_text(encoding="utf-8")
    old = '"Arbeitsumgebung und Kataloge prüfen (für CI)."'
    assert old in text
    commands.write_text(text.replace(old, '"Prüft alles (geändert)."'), encoding="utf-8")
    changed = _help(tmp_path, cache, PYTHONPATH=str(code))
    assert "Prüft alles (geändert)." in changed.stdout


@pytest.mark.parametrize("argv", [["--help", "--help"], ["check", "--help"], ["--version"]])
def test_only_the_top_level_help_is_cached(monkeypatch, argv):
    from ikz_isms import helpcache

    monkeypatch.delenv("IKZ_ISMS_NO_CACHE", raising=False)
    monkeypatch.delenv("IKZ_ISMS_TRACE_PLUGINS", raising=False)
    assert not helpcache.enabled(argv)
    assert helpcache.enabled(["--help"]) and helpcache.enabled(["-h"])


def test_config_name_matches_the_store_layout():
    from ikz_isms import helpcache
    from ikz_isms.store.layout import CONFIG_NAME

    assert helpcache.CONFIG_NAME == CONFIG_NAME
