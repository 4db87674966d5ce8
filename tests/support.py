"""Test helpers shared by tests/ and features/: where the repository and the BSI files are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = Path(os.environ.get("IKZ_ISMS_UPSTREAM", ROOT.parent / "shared" / "upstream"))


def upstream_file(relative: str) -> Path:
    """A real BSI file from ../shared/upstream; the calling test is skipped when it is absent."""
    path = UPSTREAM / relative
    if not path.exists():
        pytest.skip(f"BSI-Originaldatei fehlt: {path}")
    return path


def undo_adoption(data_dir: Path, review_id: str) -> int:
    """Put a copied county back to before it adopted ``review_id``; returns the number of undone changes.

    The example Eifelkreis has adopted the example review (its last journal entries). Tests of
    adopting itself start from the state before: the records get their old values back and the
    journal is cut before the adoption, so the chain stays intact.
    """
    import datetime as dt
    import json

    from ikz_isms.store import update_yaml

    journal_path = data_dir / "journal.jsonl"
    lines = journal_path.read_text(encoding="utf-8").splitlines(keepends=True)
    entries = [json.loads(line) for line in lines]
    start = len(entries)
    while start and (entries[start - 1]["new"] or {}).get("provenance") == f"review:{review_id}":
        start -= 1
    undone = entries[start:]
    assert undone, f"{data_dir}: keine Übernahme von {review_id} am Ende des Journals"

    def restore(document):
        items = document["pruefungen"]
        for entry in reversed(undone):
            requirement, target = entry["record"].rsplit("@", 1)
            index = next(i for i, item in enumerate(items)
                         if (item["requirement"], item["target"]) == (requirement, target))
            if entry["old"] is None:
                del items[index]
                continue
            items[index].clear()
            for key, value in entry["old"].items():
                items[index][key] = dt.date.fromisoformat(value) if key == "checked" else value

    update_yaml(data_dir / "pruefungen.yaml", restore)
    journal_path.write_text("".join(lines[:start]), encoding="utf-8")
    return len(undone)
