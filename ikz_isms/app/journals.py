"""Use cases of the journal: read a county's journal, verify it against its records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..county import County
    from ..journal import JournalRead
    from .session import Session


def read_journal(session: "Session", county: "County") -> "JournalRead | None":
    """The county's journal, parsed and chain-checked; ``None`` when there is no journal file."""
    from .counties import complete_pending, county_files

    complete_pending(session, county)
    read: JournalRead | None = county_files(session, county).read_journal()
    return read


def verify_county(session: "Session", county: "County") -> dict[str, Any]:
    """The journal check of one county as plain data: entries, and every problem with its line.

    Beyond the hash chain: a missing journal beside records, and records whose current value
    differs from what the journal last recorded (a change past the journal, or lines cut off
    at its end) are problems too.
    """
    from .. import journal
    from ..errors import InputError
    from .counties import county_files

    read = read_journal(session, county)
    path = county.layout.journal
    problems = list(read.problems) if read is not None else []
    has_records = county_files(session, county).has_records()
    if read is None and has_records:
        problems.append(journal.JournalProblem(0, "Journal fehlt, obwohl Prüfeinträge vorhanden sind"))
    elif read is not None and not read.entries and not read.problems and has_records:
        problems.append(journal.JournalProblem(0, "Journal ist leer, obwohl Prüfeinträge vorhanden sind (geleert?)"))
    if read is not None and not read.problems:
        try:
            records = session.county_data(county).records
            current = {r.label: r.as_dict() for r in records.all_records()}
        except InputError:
            current = None  # an unreadable records file is the records rules' finding
        if current is not None:
            differing = journal.unjournaled(read.entries, current)
            if differing:
                more = f" und {len(differing) - 3} weitere" if len(differing) > 3 else ""
                problems.append(journal.JournalProblem(
                    0,
                    f"{len(differing)} Prüfeinträge weichen vom letzten Journalstand ab "
                    f"({', '.join(differing[:3])}{more}): Änderung am Journal vorbei oder "
                    "Journal am Ende gekürzt",
                ))
    return {
        "county": county.key,
        "name": county.profile.name,
        "file": session.workspace.layout.relative(path),
        "exists": read is not None,
        "entries": len(read.entries) if read else 0,
        "head": read.head if read else None,
        "intact": not problems,
        "problems": [{"line": p.line, "message": p.message} for p in problems],
    }


def baseline(session: "Session", county: "County", *, reason: str, actor: str) -> int:
    """Record today's records as the journal's starting point (one entry per record, journaled).

    For a county whose records were taken over by hand, or whose journal was lost: the
    entries say who started the chain, when and why (``record`` = ``baseline`` first), so the
    new start is itself on record instead of silent. Refused when the journal has entries.
    """
    from ..errors import RefusedError, UsageError
    from .counties import county_files

    if not reason.strip():
        raise UsageError("--reason darf nicht leer sein: warum beginnt das Journal neu?")
    read = read_journal(session, county)
    if read is not None and (read.entries or read.problems):
        raise RefusedError(
            "Das Journal hat bereits Einträge; ein Ausgangspunkt wird nur für ein fehlendes oder leeres "
            "Journal festgehalten (beschädigte Journale zeigt ikz-isms journal verify).",
            path=str(county.layout.journal),
        )
    records = session.county_data(county).records.all_records()
    with county_files(session, county).transaction(require_journal=False) as tx:
        tx.journal("baseline", None, {"reason": reason.strip(), "records": len(records)}, actor)
        for record in records:
            tx.journal(record.label, None, record.as_dict(), actor)
    session.store.forget(county.layout.journal)
    return len(records)


def compare_with_base(session: "Session", county: "County", revision: str) -> list[dict[str, Any]]:
    """The county's journal against the same file at a git revision: it must extend it, entry by entry.

    Every committed entry must still be there, unchanged and in place; new entries may only
    follow. A journal that is gone or shorter than the committed one, or an entry that differs,
    is a problem (line numbers of the current file). The committed file itself is trusted as
    the base: a merge request's pipeline compares with its target branch.
    """
    from .. import journal
    from ..store import fs
    from .gitbase import committed_file

    relative = session.workspace.layout.relative(county.layout.journal)
    old_bytes = committed_file(session.workspace.root, revision, relative)
    if old_bytes is None:
        return []
    old = journal.parse(old_bytes)
    if not old.entries:
        return []
    path = county.layout.journal
    if not path.exists():
        return [{"line": 0, "message": f"Journal fehlt; in {revision} hatte es {len(old.entries)} Einträge"}]
    new = journal.parse(fs.read_bytes(path))
    problems = []
    for index, entry in enumerate(old.entries):
        if index >= len(new.entries):
            problems.append({"line": len(new.entries) + 1,
                             "message": f"Journal gekürzt: {len(new.entries)} Einträge, in {revision} waren es "
                                        f"{len(old.entries)}"})
            break
        if new.entries[index] != entry:
            problems.append({"line": index + 1,
                             "message": f"Eintrag {index + 1} weicht vom Stand in {revision} ab – "
                                        "Verlauf umgeschrieben (nur Anhängen ist erlaubt)"})
            break
    return problems
