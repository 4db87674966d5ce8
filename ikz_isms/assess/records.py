"""Check records (the Soll-Ist of the IT-Grundschutz-Check): read, and change them journaled.

A record belongs to one (requirement, target object) pair. Statuses: ``unbearbeitet``,
``ja``, ``teilweise``, ``nein``, ``entbehrlich`` (needs a reason). ``provenance`` is
``own`` or ``review:<id>`` when the record was inherited from a shared review.
Every change goes through :func:`set_records` (or :func:`set_record`): a locked, atomic,
comment-keeping rewrite of ``pruefungen.yaml``, then one entry per changed record in the
county's hash-chained ``journal.jsonl``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

STATUSES = ("unbearbeitet", "ja", "teilweise", "nein", "entbehrlich")
DONE_STATUSES = ("ja", "entbehrlich")


@dataclass(frozen=True)
class CheckRecord:
    """One entry of ``pruefungen.yaml``; ``line`` is where it starts (for findings)."""

    requirement: str
    target: str
    status: str
    statement: str = ""
    responsible: str = ""
    checked: str | None = None
    evidence: tuple[str, ...] = ()
    provenance: str = "own"
    reason: str = ""
    line: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.requirement, self.target)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"requirement": self.requirement, "target": self.target, "status": self.status}
        for name in ("statement", "responsible", "checked", "provenance", "reason"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.evidence:
            data["evidence"] = list(self.evidence)
        return data


@dataclass
class RecordSet:
    """All records of a county, by (requirement, target); duplicates kept aside for ``check``."""

    records: dict[tuple[str, str], CheckRecord] = field(default_factory=dict)
    duplicates: list[CheckRecord] = field(default_factory=list)

    def get(self, requirement: str, target: str) -> CheckRecord | None:
        return self.records.get((requirement, target))

    def __iter__(self):
        return iter(self.records.values())

    def __len__(self) -> int:
        return len(self.records)


def parse_records(document: Any) -> RecordSet:
    """Records from a schema-valid ``pruefungen.yaml`` document."""
    from ..store import yaml_line
    from ..store import plain

    items = (document or {}).get("pruefungen") or []
    result = RecordSet()
    for index, item in enumerate(items):
        data = plain(item)
        record = CheckRecord(
            requirement=data["requirement"],
            target=data["target"],
            status=data["status"],
            statement=data.get("statement") or "",
            responsible=data.get("responsible") or "",
            checked=data.get("checked"),
            evidence=tuple(data.get("evidence") or ()),
            provenance=data.get("provenance") or "own",
            reason=data.get("reason") or "",
            line=yaml_line(items, index),
        )
        if record.key in result.records:
            result.duplicates.append(record)
        else:
            result.records[record.key] = record
    return result


def load_records(path: Path, *, roundtrip: bool = True) -> RecordSet:
    """Read and validate ``pruefungen.yaml``; a missing file means no records yet.

    With ``roundtrip=False`` the read is faster and records carry no line numbers.
    """
    from ..schemas import load_validated

    if not path.exists():
        return RecordSet()
    return parse_records(load_validated(path, "pruefungen", roundtrip=roundtrip))


def validate_change(status: str, reason: str | None) -> None:
    """Refuse an unknown status and entbehrlich without a reason (InputError)."""
    if status not in STATUSES:
        raise InputError(f"unbekannter Status '{status}' (erlaubt: {', '.join(STATUSES)}).")
    if status == "entbehrlich" and not (reason or "").strip():
        raise InputError("Status 'entbehrlich' braucht eine Begründung (--reason).")


@dataclass(frozen=True)
class RecordChange:
    """One change for :func:`set_records`; ``None`` fields keep their old value."""

    requirement: str
    target: str
    status: str
    statement: str | None = None
    responsible: str | None = None
    reason: str | None = None
    evidence: tuple[str, ...] | None = None
    checked: _dt.date | None = None
    provenance: str = "own"

    def fields(self) -> dict[str, Any]:
        """The values to write, in the order a new entry shows them."""
        values: dict[str, Any] = {
            "status": self.status,
            "statement": self.statement,
            "responsible": self.responsible,
            "checked": self.checked or _dt.date.today(),
            "evidence": list(self.evidence) if self.evidence else None,
            "provenance": self.provenance,
            "reason": self.reason,
        }
        return {name: value for name, value in values.items() if value is not None}


def set_records(
    records_path: Path, journal_path: Path, changes: list[RecordChange], *, actor: str
) -> list[tuple[dict[str, Any] | None, dict[str, Any]]]:
    """Apply several changes in one locked, atomic rewrite; returns (old, new) per change.

    Fields not given keep their old value. The caller validates that requirements and
    targets exist; this function validates status and reason, then rewrites the file under
    its lock (comments and order kept) and journals every change that changed something.
    Any invalid change refuses the whole batch before anything is written.
    """
    from .. import journal
    from ..store import update_yaml
    from ..schemas import schema_problems
    from ..store import plain

    for change in changes:
        validate_change(change.status, change.reason)
    # a broken file (bad YAML, impossible date, schema violation) fails here, before any write
    load_records(records_path, roundtrip=False)

    def mutate(document: Any) -> list[tuple[dict[str, Any] | None, dict[str, Any]]]:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        problems = schema_problems(document, "pruefungen")
        if problems:
            raise InputError(problems[0].message, path=str(records_path), location=problems[0].location)
        items = document.get("pruefungen")
        if items is None:
            items = document["pruefungen"] = CommentedSeq()
        index = {(str(i["requirement"]), str(i["target"])): i for i in items}
        results = []
        for change in changes:
            entry = index.get((change.requirement, change.target))
            old = plain(entry) if entry is not None else None
            if entry is None:
                entry = CommentedMap()
                entry["requirement"] = change.requirement
                entry["target"] = change.target
                items.append(entry)
                index[(change.requirement, change.target)] = entry
            for name, value in change.fields().items():
                entry[name] = value
            # the reason justifies 'entbehrlich'; kept after leaving that status it would contradict the record
            if change.status != "entbehrlich" and change.reason is None and "reason" in entry:
                del entry["reason"]
            results.append((old, plain(entry)))
        return results

    results = update_yaml(records_path, mutate, default=_empty_records)
    entries = [
        {"actor": actor, "record": f"{change.requirement}@{change.target}", "old": old, "new": new}
        for change, (old, new) in zip(changes, results)
        if old != new
    ]
    if entries:
        journal.append(journal_path, entries)
    return results


def set_record(
    records_path: Path, journal_path: Path, requirement: str, target: str, status: str, *, actor: str, **fields: Any
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Create or change one record (see :func:`set_records`); ``fields`` as in :class:`RecordChange`."""
    if fields.get("evidence") is not None:
        fields["evidence"] = tuple(fields["evidence"])
    change = RecordChange(requirement, target, status, **fields)
    return set_records(records_path, journal_path, [change], actor=actor)[0]


def _empty_records() -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    document = CommentedMap()
    document["pruefungen"] = CommentedSeq()
    return document
