"""The IT-Grundschutz-Check as rows: one per requirement × target object, and how rows compare.

Every exchange format (the workbook, the SSP) shows the same rows and reads back the same
editable values: status, statement, reason, responsible, date (``checked``) and evidence.
A pair without a record reads as ``unbearbeitet`` with nothing else, so a document exported
and read back unchanged proposes no change at all.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..assess.records import CheckRecord, RecordChange

#: the values of a row an exchange document may change, in the order the workbook shows them
EDITABLE = ("status", "statement", "reason", "responsible", "checked", "evidence")


@dataclass(frozen=True)
class RowValues:
    """The editable values of one row, normalised (text stripped, ``\\r\\n`` as ``\\n``)."""

    status: str = "unbearbeitet"
    statement: str = ""
    reason: str = ""
    responsible: str = ""
    checked: str = ""
    evidence: tuple[str, ...] = ()

    @classmethod
    def of(cls, record: "CheckRecord | None") -> "RowValues":
        if record is None:
            return cls()
        return cls(record.status, norm(record.statement), norm(record.reason), norm(record.responsible),
                   record.checked or "", tuple(norm(e) for e in record.evidence if norm(e)))

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "statement": self.statement, "reason": self.reason,
                "responsible": self.responsible, "checked": self.checked, "evidence": list(self.evidence)}

    @property
    def digest(self) -> str:
        """A short fingerprint of the values (the workbook keeps it per row to see later changes)."""
        canonical = json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]

    @property
    def empty(self) -> bool:
        return self == RowValues()

    def differences(self, other: "RowValues") -> list[str]:
        """The names of the fields in which ``other`` differs (in :data:`EDITABLE` order)."""
        return [name for name in EDITABLE if getattr(self, name) != getattr(other, name)]


@dataclass(frozen=True)
class CheckRow:
    """One row of the check: the pair, what the catalog says about it, and its record's values."""

    requirement: str
    title: str
    level: str
    modal_verb: str
    target: str
    target_name: str
    values: RowValues
    provenance: str = "own"
    in_scope: bool = True
    recheck: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.requirement, self.target)

    @property
    def label(self) -> str:
        return f"{self.requirement}@{self.target}"


def norm(text: Any) -> str:
    """Free text as it is compared: line breaks unified, blanks around it removed."""
    if text is None:
        return ""
    return str(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def check_rows(assessment: "Assessment", *, responsible: str | None = None) -> list[CheckRow]:
    """The rows of a county's check: every pair under its approach and every pair that has a record,
    in target then catalog order; ``responsible`` keeps only rows whose record names that responsible."""
    records = assessment.data.records
    wanted = norm(responsible).casefold() if responsible else None
    rows = []
    for pair in assessment.pairs:
        record = records.get(pair.requirement.id, pair.target.id)
        in_scope = assessment.in_scope(pair)
        if not in_scope and record is None:
            continue
        if wanted is not None and (record is None or norm(record.responsible).casefold() != wanted):
            continue
        req = pair.requirement
        rows.append(CheckRow(
            requirement=req.id, title=req.title, level=req.level or "",
            modal_verb=req.modal_verb or "", target=pair.target.id, target_name=pair.target.name,
            values=RowValues.of(record), provenance=record.provenance if record else "own", in_scope=in_scope,
            recheck=record.recheck if record else "",
        ))
    return rows


@dataclass
class Proposal:
    """What reading an exchange document proposes: changed rows, and rows it must not decide.

    ``changes`` — (row, new values) where the document differs and the record did not change
    since it was exported; ``stale`` — rows that changed in ikz-isms since the export and that
    the document leaves as they were exported; ``conflicts`` — rows changed on both sides.
    """

    changes: list[tuple[CheckRow, RowValues]] = field(default_factory=list)
    stale: list[CheckRow] = field(default_factory=list)
    conflicts: list[tuple[CheckRow, RowValues]] = field(default_factory=list)
    unchanged: int = 0


def settled(values: RowValues, now: RowValues) -> bool:
    """Whether a document's values are already what the record holds: equal, or equal but for an
    older date (the record was changed to these values after the export, which dated it anew)."""
    if values == now:
        return True
    return values.differences(now) == ["checked"] and bool(now.checked) and now.checked >= values.checked


def propose(current: Mapping[tuple[str, str], CheckRow], read: Iterable[tuple[tuple[str, str], RowValues, str | None]]
            ) -> Proposal:
    """Compare what a document holds with the county's current rows.

    ``read`` yields (key, values in the document, digest of the values at export or ``None``
    when the document does not know them). Without a digest the document's values are
    compared with the current ones alone.
    """
    proposal = Proposal()
    for key, values, exported in read:
        row = current[key]
        now = row.values
        if exported is None:
            if settled(values, now):
                proposal.unchanged += 1
            else:
                proposal.changes.append((row, values))
            continue
        edited = values.digest != exported
        moved = now.digest != exported
        if not edited:
            if moved:
                proposal.stale.append(row)
            else:
                proposal.unchanged += 1
        elif settled(values, now):
            proposal.unchanged += 1
        elif not moved:
            proposal.changes.append((row, values))
        else:
            proposal.conflicts.append((row, values))
    return proposal


def record_change(row: CheckRow, values: RowValues, today: _dt.date) -> "RecordChange":
    """The record change that gives ``row`` the ``values`` (an edit makes the record the county's own).

    The date is the document's when it was changed there, else today (the edit is a fresh check).
    """
    from ..assess.records import RecordChange
    from ..store import parse_date

    checked = parse_date(values.checked) if values.checked and values.checked != row.values.checked else None
    return RecordChange(
        requirement=row.requirement, target=row.target, status=values.status, statement=values.statement,
        responsible=values.responsible, reason=values.reason, evidence=values.evidence, checked=checked or today,
    )
