"""Check records (the Soll-Ist of the IT-Grundschutz-Check) and the rules that make a record count.

A record belongs to one (requirement, target object) pair. Statuses: ``unbearbeitet``,
``ja``, ``teilweise``, ``nein``, ``entbehrlich`` (needs a reason). ``provenance`` is
``own``, ``review:<id>`` when the record was inherited from a shared review, or
``migriert aus <Katalog>: <Anforderungen>`` when the migration Edition 2023 → Grundschutz++
proposed it (not yet confirmed: the next ``assess set`` makes it ``own``). ``recheck`` says
why a record needs a fresh look (a catalog release changed the requirement, or a migration
proposal awaits a decision); any change through ``assess set`` clears it.

**One rule set for every road.** :func:`record_problems` decides whether a record is
valid; ``assess``, the plan, the reports, the Verbund view, the exports and ``check`` all
read records through :func:`parse_records`, which keeps invalid records aside
(:attr:`RecordSet.invalid`) so they are reported with file and line and never counted —
a pair whose record is invalid counts as ``unbearbeitet``. A reason made only of blanks
is no reason, anywhere.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..errors import IkzError, InputError

if TYPE_CHECKING:
    from ..store import Parsed

STATUSES = ("unbearbeitet", "ja", "teilweise", "nein", "entbehrlich")
DONE_STATUSES = ("ja", "entbehrlich")
GAP_STATUSES = ("nein", "teilweise")
RECORD_FIELDS = ("requirement", "target", "status", "statement", "responsible", "checked", "evidence", "provenance", "reason",
                 "recheck")


def text_or_empty(value: Any) -> str:
    """A free-text field: stripped, blanks count as empty."""
    if type(value) is str:
        return value.strip()
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class CheckRecord:
    """One check record; ``file`` and ``index`` say where it is (for findings)."""

    requirement: str
    target: str
    status: str
    statement: str = ""
    responsible: str = ""
    checked: str | None = None
    evidence: tuple[str, ...] = ()
    provenance: str = "own"
    reason: str = ""
    recheck: str = ""
    file: str = ""
    index: int = -1
    line: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.requirement, self.target)

    @property
    def label(self) -> str:
        return f"{self.requirement}@{self.target}"

    @property
    def checked_date(self) -> _dt.date | None:
        from ..store import parse_date

        return parse_date(self.checked) if self.checked else None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"requirement": self.requirement, "target": self.target, "status": self.status}
        for name in ("statement", "responsible", "checked", "provenance", "reason", "recheck"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.evidence:
            data["evidence"] = list(self.evidence)
        return data

    @property
    def location(self) -> str:
        return f"Zeile {self.line}" if self.line else (f"/pruefungen/{self.index}" if self.index >= 0 else "")


#: the provenance of a record inherited from a shared review: ``review:<id>``
PROVENANCE_PREFIX = "review:"


def inherited_from(record: CheckRecord) -> str | None:
    """The review id a record was inherited from, ``None`` for an own record."""
    if record.provenance.startswith(PROVENANCE_PREFIX):
        return record.provenance[len(PROVENANCE_PREFIX):]
    return None


@dataclass(frozen=True)
class RecordProblem:
    """Why a record does not count: a rule id (as ``check`` reports it) and a German message."""

    rule: str
    message: str
    field: str | None = None


@dataclass(frozen=True)
class InvalidRecord:
    record: CheckRecord
    problems: tuple[RecordProblem, ...]


@dataclass
class RecordSet:
    """All valid records of a county by (requirement, target); invalid ones kept aside with why."""

    records: dict[tuple[str, str], CheckRecord] = field(default_factory=dict)
    invalid: list[InvalidRecord] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: the parsed file of each record file, for line numbers on demand
    sources: dict[str, Any] = field(default_factory=dict, repr=False)

    def line_of(self, record: CheckRecord) -> int | None:
        """1-based line of a record in its file (looked up only when a message needs it)."""
        if record.line is not None:
            return record.line
        parsed = self.sources.get(record.file)
        return parsed.line("pruefungen", record.index) if parsed is not None and record.index >= 0 else None

    def location(self, record: CheckRecord) -> str:
        line = self.line_of(record)
        pointer = f"/pruefungen/{record.index}" if record.index >= 0 else ""
        if line and pointer:
            return f"Zeile {line} ({pointer})"
        return f"Zeile {line}" if line else pointer

    def get(self, requirement: str, target: str) -> CheckRecord | None:
        return self.records.get((requirement, target))

    def status(self, requirement: str, target: str) -> str:
        """The status a pair counts with: its valid record's, else ``unbearbeitet``."""
        record = self.records.get((requirement, target))
        return record.status if record is not None else "unbearbeitet"

    def __iter__(self) -> Iterator[CheckRecord]:
        return iter(self.records.values())

    def __len__(self) -> int:
        return len(self.records)

    def all_records(self) -> list[CheckRecord]:
        """Valid and invalid records, in file order."""
        records = list(self.records.values()) + [i.record for i in self.invalid]
        return sorted(records, key=lambda r: (r.file, r.index))


def record_problems(data: Mapping[str, Any]) -> list[RecordProblem]:
    """Every rule a record (plain values) breaks — the one rule set of every road."""
    from ..store.parse import parse_date  # (the module itself: ``..store`` resolves names lazily, per call)

    problems = []
    status = data.get("status")
    if status not in STATUSES:
        from ..present import shown_text

        problems.append(RecordProblem(
            "county.records.unknown-status", f"unbekannter Status '{shown_text(status)}' (erlaubt: {', '.join(STATUSES)}).",
            "status",
        ))
    if status == "entbehrlich" and not text_or_empty(data.get("reason")):
        problems.append(RecordProblem(
            "county.records.missing-reason",
            f"{data.get('requirement')} auf {data.get('target')} ist entbehrlich ohne Begründung (reason).", "reason",
        ))
    checked = data.get("checked")
    if checked not in (None, "") and parse_date(checked) is None:
        problems.append(RecordProblem(
            "county.records.bad-date", f"ungültiges Datum '{checked}' (erwartet JJJJ-MM-TT).", "checked",
        ))
    if not text_or_empty(data.get("requirement")):
        problems.append(RecordProblem("county.records.schema", "Anforderung (requirement) fehlt.", "requirement"))
    if not text_or_empty(data.get("target")):
        problems.append(RecordProblem("county.records.schema", "Zielobjekt (target) fehlt.", "target"))
    return problems


_new_record = object.__new__
_set_attribute = object.__setattr__
#: a record's fields before its values are filled in (what a missing value becomes)
_BLANK_RECORD: dict[str, Any] = {
    "requirement": "", "target": "", "status": "None", "statement": "", "responsible": "", "checked": None,
    "evidence": (), "provenance": "own", "reason": "", "recheck": "", "file": "", "index": -1, "line": None,
}
_TEXT_FIELDS = frozenset(("requirement", "target", "statement", "responsible", "reason", "recheck"))


def make_record(data: Mapping[str, Any], *, file: str = "", index: int = -1, line: int | None = None,
                target: str | None = None) -> CheckRecord:
    """The record of plain values ``data`` (``target``: the file's target object, in place of the record's).

    Built without the frozen dataclass's ``__init__`` (one ``object.__setattr__`` per field):
    a Verbund view makes close to a million records, so the instance dictionary is made from
    the record's own keys at once (a record names a few of its ten fields). Free text is
    stripped; a missing status is the text ``None`` (an unknown status); an empty check date
    is none; evidence keeps its entries that say something; provenance defaults to ``own``.
    """
    values = _BLANK_RECORD.copy()
    for name, value in data.items():
        if name in _TEXT_FIELDS:
            values[name] = value.strip() if type(value) is str else text_or_empty(value)
        elif name == "status":
            values["status"] = value if type(value) is str else str(value)
        elif name == "checked":
            if value is not None and value != "":
                values["checked"] = value if type(value) is str else str(value)
        elif name == "provenance":
            values["provenance"] = (value.strip() if type(value) is str else text_or_empty(value)) or "own"
        elif name == "evidence" and value:
            values["evidence"] = tuple(str(e) for e in value if text_or_empty(e))
    if target is not None:
        values["target"] = target.strip()
    values["file"] = file
    values["index"] = index
    values["line"] = line
    record = _new_record(CheckRecord)
    _set_attribute(record, "__dict__", values)
    return record


#: statuses a record is valid with whatever else it holds (``entbehrlich`` needs a reason)
_PLAIN_STATUSES = frozenset(("unbearbeitet", "ja", "teilweise", "nein"))
#: check dates already shown to be valid ``JJJJ-MM-TT`` days, this run (the same days recur across files and counties)
_GOOD_DATES: set[str] = set()


def parse_records(sources: Iterable[tuple["Parsed", str | None]]) -> RecordSet:
    """Records from parsed, schema-valid record documents.

    ``sources`` yields (parsed document, target id of the file or ``None`` for the older
    all-in-one layout). A record's target is the file's; a record naming another target
    in a per-target file is invalid, as are records breaking :func:`record_problems`, and
    both records of a pair that appears twice.
    """
    from ..store.parse import parse_date

    result = RecordSet()
    first_seen: dict[tuple[str, str], CheckRecord] = {}
    duplicated: set[tuple[str, str]] = set()
    valid: list[tuple[tuple[str, str], CheckRecord]] = []
    good_dates = _GOOD_DATES
    if len(good_dates) > 100_000:
        good_dates.clear()
    for parsed, file_target in sources:
        result.files.append(parsed.path)
        result.sources[parsed.path] = parsed
        items = (parsed.data or {}).get("pruefungen") or []
        path = parsed.path
        for index, item in enumerate(items):
            mismatch = None
            named = item.get("target") if file_target is not None else None
            if named is not None:
                named = text_or_empty(named)
                if named and named != file_target:
                    mismatch = RecordProblem(
                        "county.records.wrong-file",
                        f"Prüfeintrag nennt Zielobjekt '{named}', steht aber in der Datei von '{file_target}'.", "target",
                    )
            record = make_record(item, file=path, index=index, target=file_target)
            # most records break no rule of record_problems, which this shows cheaply: a status
            # that needs nothing else, a valid date, a requirement and a target
            checked = record.checked
            if (mismatch is None and record.status in _PLAIN_STATUSES and record.requirement and record.target
                    and (checked is None or checked in good_dates)):
                problems = []
            else:
                data = dict(item)
                if file_target is not None:
                    data["target"] = file_target
                problems = record_problems(data) + ([mismatch] if mismatch else [])
                if not problems and checked is not None and parse_date(checked) is not None:
                    good_dates.add(checked)
            if problems:
                # an invalid record is reported: its line is worth the lookup
                record.__dict__["line"] = parsed.line("pruefungen", index)
                result.invalid.append(InvalidRecord(record, tuple(problems)))
                continue
            key = (record.requirement, record.target)
            if key in first_seen:
                duplicated.add(key)
            else:
                first_seen[key] = record
            valid.append((key, record))
    records = result.records
    if not duplicated:
        records.update(valid)
        return result
    for key, record in valid:
        if key in duplicated:
            record = replace(record, line=result.sources[record.file].line("pruefungen", record.index))
            result.invalid.append(InvalidRecord(record, (RecordProblem(
                "county.records.duplicate",
                f"Prüfeintrag {record.requirement} auf {record.target} ist doppelt (zählt erst, wenn er nur einmal vorkommt).",
            ),)))
        else:
            records[key] = record
    return result


#: the command-line argument of ``assess set`` each field of a change comes from (its messages name it)
CHANGE_ARGUMENTS = {"status": "STATUS", "reason": "--reason", "statement": "--statement",
                    "responsible": "--responsible", "evidence": "--evidence"}


def change_problems(change: "RecordChange") -> list[RecordProblem]:
    """Every rule the values a change sets break — what a record file holding them would be
    refused or flagged for: :func:`record_problems` (status, reason), the records schema
    (lengths, counts) and the parser's control characters. One rule set for every road;
    the caller decides the error (:func:`validate_change`)."""
    from ..store import schema
    from ..store.parse import control_character

    item: dict[str, Any] = {"requirement": change.requirement or "-", "status": change.status,
                            **{k: v for k, v in change.fields(_dt.date(2000, 1, 1)).items() if k != "checked"}}
    found: dict[str, RecordProblem] = {}
    for problem in record_problems({**item, "target": change.target or "-"}):
        if problem.field in CHANGE_ARGUMENTS:
            found.setdefault(problem.field, problem)
    for name in CHANGE_ARGUMENTS:
        values = item.get(name)
        for value in values if isinstance(values, list) else [values]:
            character = control_character(value) if isinstance(value, str) else None
            if character is not None:
                found.setdefault(name, RecordProblem(
                    "county.records.control-character",
                    f"enthält ein Steuerzeichen (Code {ord(character):#06x}); erlaubt sind Text, Tabulator und "
                    "Zeilenumbruch.", name))
    for violation in schema.problems({"pruefungen": [item]}, "pruefungen"):
        parts = violation.pointer.split("/")
        name = parts[3] if len(parts) > 3 else ""
        if name in CHANGE_ARGUMENTS:
            found.setdefault(name, RecordProblem("county.records.schema", violation.message, name))
    return [found[name] for name in CHANGE_ARGUMENTS if name in found]


def validate_change(change: "RecordChange", *, error: type[IkzError] = InputError,
                    arguments: Mapping[str, str] | None = None) -> None:
    """Refuse a change that breaks a rule of :func:`change_problems` before anything is written.

    ``error`` is the road's class: a value typed on the command line is a
    :class:`~ikz_isms.errors.UsageError` (exit 2) naming its argument (``arguments``, e.g.
    :data:`CHANGE_ARGUMENTS`); a change built from other input keeps the default
    :class:`~ikz_isms.errors.InputError` (exit 3). The rules are the same.
    """
    problems = change_problems(change)
    if not problems:
        return
    first = problems[0]
    name = (arguments or {}).get(first.field or "")
    more = f" (und {len(problems) - 1} weitere)" if len(problems) > 1 else ""
    raise error(f"{name}: {first.message}{more}" if name else first.message + more)


@dataclass(frozen=True)
class RecordChange:
    """One change of a record; ``None`` fields keep their old value (``evidence=()`` clears the evidence)."""

    requirement: str
    target: str
    status: str
    statement: str | None = None
    responsible: str | None = None
    reason: str | None = None
    evidence: tuple[str, ...] | None = None
    checked: _dt.date | None = None
    provenance: str = "own"

    def fields(self, today: _dt.date) -> dict[str, Any]:
        """The values to write, in the order a new entry shows them (text stripped)."""
        values: dict[str, Any] = {
            "status": self.status,
            "statement": None if self.statement is None else self.statement.strip(),
            "responsible": None if self.responsible is None else self.responsible.strip(),
            "checked": self.checked or today,
            "evidence": [e.strip() for e in self.evidence if e.strip()] if self.evidence else None,
            "provenance": self.provenance,
            "reason": None if self.reason is None else self.reason.strip(),
        }
        return {name: value for name, value in values.items() if value is not None}

    def apply(self, old: Mapping[str, Any] | None, today: _dt.date) -> dict[str, Any]:
        """The record (plain values, without ``target``) after this change."""
        new: dict[str, Any] = {"requirement": self.requirement}
        if old:
            new.update({k: v for k, v in old.items() if k not in ("requirement", "target")})
        for name, value in self.fields(today).items():
            new[name] = value.isoformat() if isinstance(value, _dt.date) else value
        # a change through assess set is the decision a re-check or a migration proposal asked for
        new.pop("recheck", None)
        # an empty list of evidence (not None) clears it: the cell emptied in Excel, the list in OSCAL
        if self.evidence is not None and not any(e.strip() for e in self.evidence):
            new.pop("evidence", None)
        # the reason justifies 'entbehrlich'; kept after leaving that status it would contradict the record
        if self.status != "entbehrlich" and self.reason is None:
            new.pop("reason", None)
        for name in ("statement", "responsible", "reason"):
            if name in new and new[name] == "":
                del new[name]
        return new
