"""Reading a county's structure analysis and check records: one road for every command."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from ..assess import CountyData
    from ..assess.targets import TargetObject
    from ..county import County
    from ..store import Parsed
    from ..store.county import CountyFiles
    from .session import Session


def county_files(session: "Session", county: "County") -> "CountyFiles":
    from ..store.county import CountyFiles

    return CountyFiles(county.layout, session.store.root)


def complete_pending(session: "Session", county: "County") -> None:
    """Finish a change a killed writer left half done (see :mod:`ikz_isms.store.county`)."""
    if not county.layout.transaction.exists():
        return
    files = county_files(session, county)
    from ..store import fs

    with fs.locked(county.layout.lock):
        files.recover()
    session.store.forget(county.layout.journal)


def load_targets(session: "Session", county: "County") -> tuple[list["TargetObject"], "Parsed"]:
    from ..assess.targets import parse_targets

    parsed = session.store.parse(county.layout.targets, "zielobjekte")
    return parse_targets(parsed), parsed


def record_sources(session: "Session", county: "County") -> Iterator[tuple["Parsed", str | None]]:
    """The parsed record files of a county: one per target object, and the older all-in-one file."""
    from ..store import fs

    layout = county.layout
    if layout.legacy_records.exists():
        yield session.store.parse(layout.legacy_records, "pruefungen-alt"), None
    for path in fs.list_dir(layout.records_dir, (".yaml",)):
        parsed = session.store.parse(path, "pruefungen")
        named = (parsed.data or {}).get("zielobjekt")
        if named is not None and str(named) != path.stem:
            raise InputError(
                f"Datei gehört laut 'zielobjekt' zu '{named}', heißt aber '{path.name}' "
                "(Prüfdateien heißen wie ihr Zielobjekt).",
                path=str(path), location=parsed.location("zielobjekt"),
            )
        yield parsed, path.stem


def load_county_data(session: "Session", county: "County") -> "CountyData":
    """Targets (needs resolved by the maximum principle) and records, validated; errors located."""
    from ..assess import CountyData
    from ..assess.records import parse_records
    from ..assess.structure import parse_decisions
    from ..assess.targets import resolve_needs, structure_problems

    complete_pending(session, county)
    targets, parsed = load_targets(session, county)
    needs = resolve_needs(targets, path=str(county.layout.targets))
    records = parse_records(record_sources(session, county))
    return CountyData(county, targets, needs, records, structure_problems(targets), parse_decisions(parsed))


def records_file(county: "County", target_id: str) -> Path:
    return county.layout.records_file(target_id)
