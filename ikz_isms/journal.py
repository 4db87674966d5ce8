"""The tamper-evident journal of a county's changes: hash-chained JSON lines (pure functions).

Each line is one JSON object with ``seq`` (1, 2, ...), ``time`` (UTC, ISO 8601), ``actor``,
``record`` (what changed, e.g. ``REQUIREMENT@TARGET``), ``old`` and ``new`` values, ``prev``
(the previous line's hash, or 64 zeros) and ``hash`` = SHA-256 over the canonical JSON of
the line without ``hash``. Editing, deleting, reordering or inserting a line breaks the
chain; what the chain alone cannot see (lines cut from the end, a deleted journal) is found
by comparing the journal with the records (:func:`unjournaled`) and, in a Verbund, with
the journal head the county signed (see ``docs/guarantees.md``).

Reading and appending the file is the store's job (:mod:`ikz_isms.store.county`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
REQUIRED_KEYS = ("seq", "time", "actor", "record", "prev", "hash")


@dataclass(frozen=True)
class JournalProblem:
    """A break in the chain or a damaged line: the 1-based line (0: the journal as a whole) and a German message."""

    line: int
    message: str


@dataclass
class JournalRead:
    """A parsed journal: the entries that could be read, and every problem with its line."""

    entries: list[dict[str, Any]]
    problems: list[JournalProblem]
    lines: int = 0

    @property
    def head(self) -> str:
        """Hash of the last entry (the genesis hash for an empty journal)."""
        return str(self.entries[-1].get("hash")) if self.entries else GENESIS


_PLAIN_LEAVES = (str, int, bool, type(None))


def _json_plain(value: Any) -> bool:
    """Whether ``value`` holds only text keys, texts, whole numbers, booleans and null."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _PLAIN_LEAVES and not _json_plain(item)):
                return False
        return True
    if kind is list:
        return all(type(item) in _PLAIN_LEAVES or _json_plain(item) for item in value)
    return kind in _PLAIN_LEAVES


def _canonical_fast(body: Mapping[str, Any]) -> bytes | None:
    """The canonical bytes by orjson, where they are exactly the standard library's (below):
    text keys, no float (``1e16`` is ``1e+16`` to ``json``), whole numbers of 64 bits, no lone
    surrogate, nesting orjson accepts — else ``None``."""
    try:
        if not _json_plain(body):
            return None
    except RecursionError:
        return None
    import orjson

    try:
        canonical: bytes = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # a lone surrogate, a number above 64 bits, deep nesting
        return None
    return canonical


def _orjson() -> Any:
    import orjson

    return orjson


def digest(entry: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the entry without ``hash``: keys sorted, no blanks,
    non-ASCII as UTF-8 — ``json.dumps(..., ensure_ascii=False, sort_keys=True,
    separators=(",", ":"))``, which orjson gives byte for byte for the values it takes."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = _canonical_fast(body)
    if canonical is None:
        canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def _loads(text: str) -> Any:
    """``json.loads`` of one line, by orjson where it reads the line alike; what orjson refuses
    (NaN, lone surrogates, deep nesting, any syntax error) and any line with a number that is
    not whole (orjson reads a number above 64 bits as a float) are read by ``json``, so what is
    accepted and how is the standard library's."""
    orjson = _orjson()
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
    try:
        if _json_plain(value):
            return value
    except RecursionError:
        pass
    return json.loads(text)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def seal(entries: Iterable[Mapping[str, Any]], last: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Chain ``entries`` (each with actor, record, old, new) onto ``last``; returns sealed lines."""
    prev = str(last["hash"]) if last else GENESIS
    seq = int(last["seq"]) if last else 0
    sealed = []
    for entry in entries:
        seq += 1
        line = {
            "seq": seq,
            "time": entry.get("time") or now(),
            "actor": entry.get("actor") or "unbekannt",
            "record": entry["record"],
            "old": entry.get("old"),
            "new": entry.get("new"),
            "prev": prev,
        }
        line["hash"] = digest(line)
        prev = line["hash"]
        sealed.append(line)
    return sealed


def encode(entries: Iterable[Mapping[str, Any]]) -> bytes:
    return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries).encode("utf-8")


def parse(raw: bytes) -> JournalRead:
    """Every line of a journal file, checked: JSON object, required keys, chain, sequence.

    Never raises: a damaged line is a problem with its line number, and the chain is
    checked again from the next good line.
    """
    entries: list[dict[str, Any]] = []
    problems: list[JournalProblem] = []
    prev: str | None = GENESIS
    expected_seq = 1
    number = 0
    # counted once: counting per line made a large journal quadratic (a 50 MB file took minutes)
    breaks = raw.count(b"\n")
    if raw and not raw.endswith(b"\n"):
        problems.append(JournalProblem(breaks + 1, "letzte Zeile unvollständig (ohne Zeilenende)"))
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if number > breaks and not line:
            break
        if not line.strip():
            problems.append(JournalProblem(number, "leere Zeile im Journal"))
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(JournalProblem(number, "Zeile ist kein gültiges UTF-8"))
            prev = None
            continue
        try:
            entry = _loads(text)
        except (ValueError, RecursionError):  # (ValueError: also a number of more than 4,300 digits)
            problems.append(JournalProblem(number, "Zeile ist kein gültiges JSON"))
            prev = None
            continue
        if not isinstance(entry, dict):
            problems.append(JournalProblem(number, "Zeile ist kein Journaleintrag (JSON-Objekt erwartet)"))
            prev = None
            continue
        missing = [key for key in REQUIRED_KEYS if key not in entry]
        if missing:
            problems.append(JournalProblem(number, f"Eintrag ohne Pflichtfeld {', '.join(missing)}"))
            prev = None
            continue
        seq = entry.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq != expected_seq:
            problems.append(JournalProblem(number, f"Lücke oder Umstellung: laufende Nummer {seq}, erwartet {expected_seq}"))
        if prev is not None and entry.get("prev") != prev:
            problems.append(JournalProblem(number, "Verkettung unterbrochen: Vorgänger-Hash passt nicht"))
        try:
            sealed_as = digest(entry)
        except UnicodeEncodeError:
            # a lone surrogate (\\ud800): JSON allows the escape, UTF-8 has no such character, and
            # ikz-isms never wrote it: this line was written by someone else
            problems.append(JournalProblem(number, "Zeile enthält ein Zeichen, das es in UTF-8 nicht gibt "
                                                   "(einzelnes Surrogat wie \\ud800): nicht von ikz-isms geschrieben"))
            prev = None
            continue
        if sealed_as != entry.get("hash"):
            problems.append(JournalProblem(number, "Eintrag nachträglich verändert: Hash passt nicht zum Inhalt"))
        if not isinstance(entry.get("record"), str):
            problems.append(JournalProblem(number, "Eintrag nennt keinen Prüfeintrag (record)"))
        if entry_time(entry) is None:
            # (sealed as it stands, so the chain is not the question; readers get no time from it)
            problems.append(JournalProblem(number, f"Zeitstempel '{str(entry.get('time'))[:40]}' ist keiner "
                                                   "(erwartet z. B. 2026-05-28T10:00:00+00:00)"))
            entry = {**entry, "time": None}
        prev = str(entry.get("hash"))
        expected_seq = (seq if isinstance(seq, int) and not isinstance(seq, bool) else expected_seq) + 1
        entries.append(entry)
    return JournalRead(entries, problems, number)


def entry_time(entry: Mapping[str, Any]) -> datetime | None:
    """The moment of an entry (aware, UTC), or ``None`` where its ``time`` is no ISO timestamp of
    the years 1900 to 9998 (every reader of a journal's times asks here)."""
    value = entry.get("time")
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not 1900 <= moment.year <= 9998:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def replay(entries: Iterable[Mapping[str, Any]], prefix: str = "") -> dict[str, Any]:
    """The last journaled value of every record (``record`` → ``new``); ``prefix`` selects a kind."""
    state: dict[str, Any] = {}
    for entry in entries:
        record = entry.get("record")
        if isinstance(record, str) and record.startswith(prefix):
            state[record] = entry.get("new")
    return state


def unjournaled(entries: Iterable[Mapping[str, Any]], records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Records whose current value differs from what the journal last recorded for them.

    ``records`` maps ``REQUIREMENT@TARGET`` to the record as a plain dict. Only records the
    journal knows are compared: results taken over by hand before the county used ikz-isms
    have no history to contradict. A difference means a change that bypassed the journal, or
    journal lines cut off at its end, which the hash chain alone cannot see.
    """
    journaled = {k: v for k, v in replay(entries).items() if "@" in k and not k.startswith(("plan:", "approach:"))}
    differing = []
    for key in sorted(journaled):
        if _comparable(records.get(key)) != _comparable(journaled[key]):
            differing.append(key)
    return differing


def _comparable(record: Mapping[str, Any] | None) -> dict[str, str] | None:
    if not isinstance(record, Mapping):
        return None
    # "own" is the default provenance; older entries leave it out; targets are implied by the file
    return {
        str(k): str(v) for k, v in record.items()
        if v not in (None, "", [], ()) and not (k == "provenance" and v == "own") and k != "target"
    }
