"""The tamper-evident journal of check-record changes: hash-chained JSON lines.

Each line is one JSON object with ``seq`` (1, 2, ...), ``time`` (UTC, ISO 8601), ``actor``,
``record`` (``REQUIREMENT@TARGET``), ``old`` and ``new`` values, ``prev`` (the previous
line's hash, or 64 zeros) and ``hash`` = SHA-256 over the canonical JSON of the line
without ``hash``. Editing, deleting, reordering or inserting a line breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from .errors import InputError
from .store import locked, parser_message

GENESIS = "0" * 64


@dataclass(frozen=True)
class JournalProblem:
    """A break in the chain: the line where it shows and what is wrong (German)."""

    line: int
    message: str


def _digest(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _last_entry(path: Path) -> dict[str, Any] | None:
    """The last line, read from the end so long journals append in constant time."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None
    with open(path, "rb") as handle:
        block = 4096
        data = b""
        position = size
        while position > 0:
            step = min(block, position)
            position -= step
            handle.seek(position)
            data = handle.read(step) + data
            lines = data.rstrip(b"\n").split(b"\n")
            if len(lines) > 1 or position == 0:
                last = lines[-1]
                break
    try:
        return json.loads(last)
    except json.JSONDecodeError:
        raise InputError(
            "Journal beschädigt: letzte Zeile ist kein gültiges JSON (journal verify prüfen).",
            path=str(path),
        ) from None


def append(path: str | os.PathLike[str], entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append entries (each with actor, record, old, new) to the chain; returns them sealed."""
    target = Path(path)
    sealed: list[dict[str, Any]] = []
    with locked(target):
        last = _last_entry(target)
        prev = last["hash"] if last else GENESIS
        seq = int(last["seq"]) if last else 0
        for entry in entries:
            seq += 1
            line = {
                "seq": seq,
                "time": entry.get("time") or _now(),
                "actor": entry.get("actor") or "unbekannt",
                "record": entry["record"],
                "old": entry.get("old"),
                "new": entry.get("new"),
                "prev": prev,
            }
            line["hash"] = _digest(line)
            prev = line["hash"]
            sealed.append(line)
        payload = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in sealed)
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    return sealed


def read(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """All entries; a line that is not JSON raises InputError naming the line."""
    target = Path(path)
    if not target.exists():
        return []
    entries = []
    with open(target, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                entries.append(json.loads(raw))
            except json.JSONDecodeError as exc:
                raise InputError(f"ungültiges JSON: {parser_message(exc.msg)}", path=str(target), location=f"Zeile {number}") from None
    return entries


def verify(path: str | os.PathLike[str]) -> list[JournalProblem]:
    """Check the whole chain; an empty list means it is intact."""
    target = Path(path)
    if not target.exists():
        return []
    problems: list[JournalProblem] = []
    prev = GENESIS
    expected_seq = 1
    with open(target, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                problems.append(JournalProblem(number, "leere Zeile im Journal"))
                continue
            try:
                entry = json.loads(raw)
            except json.JSONDecodeError:
                problems.append(JournalProblem(number, "Zeile ist kein gültiges JSON"))
                prev = None
                continue
            if not isinstance(entry, dict) or "hash" not in entry:
                problems.append(JournalProblem(number, "Eintrag ohne Hash"))
                continue
            if entry.get("seq") != expected_seq:
                problems.append(
                    JournalProblem(number, f"Lücke oder Umstellung: laufende Nummer {entry.get('seq')}, erwartet {expected_seq}")
                )
            if prev is not None and entry.get("prev") != prev:
                problems.append(JournalProblem(number, "Verkettung unterbrochen: Vorgänger-Hash passt nicht"))
            if _digest(entry) != entry["hash"]:
                problems.append(JournalProblem(number, "Eintrag nachträglich verändert: Hash passt nicht zum Inhalt"))
            prev = entry["hash"]
            expected_seq = (entry.get("seq") or expected_seq) + 1
    return problems


def replay(path: str | os.PathLike[str]) -> dict[str, dict[str, Any] | None]:
    """The last journaled value of every record (``REQUIREMENT@TARGET`` → ``new``)."""
    state: dict[str, dict[str, Any] | None] = {}
    for entry in read(path):
        state[entry["record"]] = entry.get("new")
    return state


def unjournaled(path: str | os.PathLike[str], records: dict[str, dict[str, Any]]) -> list[str]:
    """Records whose current value differs from what the journal last recorded for them.

    ``records`` maps ``REQUIREMENT@TARGET`` to the record as a plain dict. Only records the
    journal knows are compared: results taken over by hand before the county used ikz-isms
    have no history to contradict. A difference means a change that bypassed the journal, or
    journal lines cut off at its end, which the hash chain alone cannot see.
    """
    journaled = replay(path)
    differing = []
    for key in sorted(journaled):
        current, last = records.get(key), journaled[key]
        if _comparable(current) != _comparable(last):
            differing.append(key)
    return differing


def _comparable(record: dict[str, Any] | None) -> dict[str, str] | None:
    if record is None:
        return None
    # "own" is the default provenance; older entries leave it out
    return {
        k: str(v) for k, v in record.items()
        if v not in (None, "", [], ()) and not (k == "provenance" and v == "own")
    }
