"""Test helpers shared by tests/ and features/: where the repository and the BSI files are, and a
county's files as a user sees them (read with plain PyYAML, never through the code under test)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = Path(os.environ.get("IKZ_ISMS_UPSTREAM", ROOT.parent / "shared" / "upstream"))


def upstream_file(relative: str) -> Path:
    """A real BSI file from ../shared/upstream; the calling test is skipped when it is absent."""
    path = UPSTREAM / relative
    if not path.exists():
        pytest.skip(f"BSI-Originaldatei fehlt: {path}")
    return path


def county_dir(workspace: Path, county: str) -> Path:
    """The data folder of an example county in a copied workspace."""
    return workspace / "plugins" / f"ikz-county-{county}" / "data"


def record_file(data_dir: Path, target: str) -> Path:
    """The file holding the check records of one target object."""
    return data_dir / "pruefungen" / f"{target}.yaml"


def read_records(data_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every check record of a county by (requirement, target), as plain YAML values (dates as text)."""
    import yaml

    found: dict[tuple[str, str], dict[str, Any]] = {}
    files = sorted((data_dir / "pruefungen").glob("*.yaml")) if (data_dir / "pruefungen").is_dir() else []
    legacy = data_dir / "pruefungen.yaml"
    for path in ([legacy] if legacy.exists() else []) + files:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
        for item in document.get("pruefungen") or []:
            target = item.get("target") or path.stem
            found[(item["requirement"], target)] = {**item, "target": target}
    return found


def records_snapshot(data_dir: Path) -> dict[str, bytes]:
    """The bytes of every record file (to assert that nothing was written)."""
    files = sorted((data_dir / "pruefungen").glob("*")) if (data_dir / "pruefungen").is_dir() else []
    legacy = data_dir / "pruefungen.yaml"
    return {p.name: p.read_bytes() for p in ([legacy] if legacy.exists() else []) + files}


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (derived caches and lock files left out) by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".ikz-cache" not in p.parts and not p.name.endswith(".lock")
        and "__pycache__" not in p.parts
    }


def set_record_field(data_dir: Path, requirement: str, target: str, **values: Any) -> None:
    """Edit a record's fields by hand, as a user would in an editor (bypassing ikz-isms)."""
    import re

    path = record_file(data_dir, target)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"  - requirement: {re.escape(requirement)}", line))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - ") or not lines[i].startswith("    ")),
               len(lines))
    body = [line for line in lines[start + 1:end] if not any(line.startswith(f"    {key}:") for key in values)
            and not (line.startswith("      - ") and "evidence" in values)]
    for key, value in values.items():
        if value is None:
            continue
        body.append(f"    {key}: {value}")
    lines[start + 1:end] = body
    path.write_text("\n".join(lines), encoding="utf-8")


def undo_adoption(data_dir: Path, review_id: str) -> int:
    """Put a copied county back to before it adopted ``review_id``; returns the number of undone changes.

    The example Eifelkreis has adopted the example review (its last journal entries). Tests of
    adopting itself start from the state before: the records get their old values back and the
    journal is cut before the adoption, so the chain stays intact.
    """
    import json

    import yaml

    journal_path = data_dir / "journal.jsonl"
    lines = journal_path.read_text(encoding="utf-8").splitlines(keepends=True)
    entries = [json.loads(line) for line in lines]
    start = len(entries)
    while start and (entries[start - 1]["new"] or {}).get("provenance") == f"review:{review_id}":
        start -= 1
    undone = entries[start:]
    assert undone, f"{data_dir}: keine Übernahme von {review_id} am Ende des Journals"
    by_target: dict[str, list[dict[str, Any]]] = {}
    for entry in undone:
        by_target.setdefault(entry["record"].rsplit("@", 1)[1], []).append(entry)
    for target, changes in by_target.items():
        path = record_file(data_dir, target)
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = document["pruefungen"]
        for entry in reversed(changes):
            requirement = entry["record"].rsplit("@", 1)[0]
            index = next(i for i, item in enumerate(items) if item["requirement"] == requirement)
            if entry["old"] is None:
                del items[index]
            else:
                items[index] = {k: v for k, v in entry["old"].items() if k != "target"}
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    journal_path.write_text("".join(lines[:start]), encoding="utf-8")
    return len(undone)


def journal_entries(data_dir: Path) -> list[dict[str, Any]]:
    """The journal lines of a county as JSON objects (none when there is no journal)."""
    import json

    path = data_dir / "journal.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_yaml_file(path: Path) -> Any:
    """A YAML file's plain content (dates as dates), read with PyYAML."""
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def journal_problems(path: Path) -> list[Any]:
    """Every problem ikz-isms finds in a journal file (an empty list: the chain is intact)."""
    from ikz_isms import journal

    return journal.parse(path.read_bytes()).problems if path.exists() else []


def journal_lines(path: Path) -> list[dict[str, Any]]:
    """The entries of a journal file."""
    return journal_entries(path.parent) if path.name == "journal.jsonl" else []
