"""A write reads the file it changes once: the interactive answer and `assess set` prove their splice item by item.

The walk has parsed the target object's record file to find the open requirements; the
answer's write must use that parse (its hash and item positions) instead of parsing the
whole file again, and must show the splice by parsing only the changed item.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest


def data_dir(ws: Path, key: str) -> Path:
    return ws / "plugins" / f"ikz-county-{key}" / "data"


FULL = 1000  # characters: a parse of more than this is a parse of the whole file, not of one item


@pytest.fixture
def spy(monkeypatch):
    """Which texts of which files are parsed, and what the splice proof returned."""
    seen: dict[str, list] = {"parses": [], "proofs": []}
    parse_module = importlib.import_module("ikz_isms.store.parse")
    store_package = importlib.import_module("ikz_isms.store")
    documents = importlib.import_module("ikz_isms.store.documents")
    edit = importlib.import_module("ikz_isms.store.edit")
    original_parse = parse_module.parse_yaml
    original_fast = parse_module.fast_plain
    original_proof = edit.splice_proven

    def parse_yaml(text, path, *args, **kwargs):
        seen["parses"].append((str(path), len(text)))
        return original_parse(text, path, *args, **kwargs)

    def fast_plain(text, *args, **kwargs):
        # the fast road knows no path: a whole file's text is told by its size
        seen["parses"].append(("<fast>", len(text.encode("utf-8"))))
        return original_fast(text, *args, **kwargs)

    def splice_proven(*args, **kwargs):
        result = original_proof(*args, **kwargs)
        seen["proofs"].append(result is not None)
        return result

    for module in (parse_module, store_package, documents, edit):
        if hasattr(module, "parse_yaml"):
            monkeypatch.setattr(module, "parse_yaml", parse_yaml)
        if hasattr(module, "fast_plain"):
            monkeypatch.setattr(module, "fast_plain", fast_plain)
    monkeypatch.setattr(edit, "splice_proven", splice_proven)
    return seen


def _whole_parses(seen, name, size=None):
    """Parses of the whole file ``name`` by either road (the fast road's by the text's size)."""
    return [n for path, n in seen["parses"]
            if (path.endswith(name) or (path == "<fast>" and n == size)) and n > FULL]


def test_an_interactive_answer_parses_its_file_once(run_cli, example_workspace, spy):
    records = data_dir(example_workspace, "cochem-zell") / "pruefungen" / "R-SERVER.yaml"
    before = records.read_text(encoding="utf-8")
    assert len(before) > FULL
    result = run_cli("--workspace", example_workspace, "assess", "--interactive", "--county", "cochem-zell",
                     "--target", "R-SERVER", "--actor", "Walk", input="ja\nSchrank abgeschlossen\nHaustechnik\nq\n")
    assert result.exit_code == 0, result.stderr
    assert "1 Antworten gespeichert" in result.output
    size = len(before.encode("utf-8"))
    # one parse of the whole file (the walk's, by the fast road), none by the full road for the write
    assert _whole_parses(spy, "R-SERVER.yaml", size) == [size], spy["parses"]
    assert not [n for path, n in spy["parses"] if path.endswith("R-SERVER.yaml") and n > FULL], spy["parses"]
    assert spy["proofs"] == [True], "the splice was not proven item by item"
    after = records.read_text(encoding="utf-8")
    assert "Schrank abgeschlossen" in after and after != before


def test_assess_set_parses_its_file_once(run_cli, example_workspace, spy):
    records = data_dir(example_workspace, "cochem-zell") / "pruefungen" / "R-SERVER.yaml"
    size = len(records.read_text(encoding="utf-8"))
    iv_size = len((data_dir(example_workspace, "cochem-zell") / "pruefungen" / "IV.yaml").read_bytes())
    listed = run_cli("--workspace", example_workspace, "assess", "--county", "cochem-zell", "--format", "json")
    assert listed.exit_code in (0, 1), listed.stderr
    spy["parses"].clear()
    spy["proofs"].clear()
    result = run_cli("--workspace", example_workspace, "assess", "set", "ISMS.1.A1", "IV", "ja", "--county",
                     "cochem-zell", "--responsible", "Test")
    assert result.exit_code == 0, result.stderr
    iv = data_dir(example_workspace, "cochem-zell") / "pruefungen" / "IV.yaml"
    assert len(_whole_parses(spy, "IV.yaml", iv_size)) <= 1, spy["parses"]
    assert spy["proofs"] == [True]
    assert size > 0 and "ISMS.1.A1" in iv.read_text(encoding="utf-8")
