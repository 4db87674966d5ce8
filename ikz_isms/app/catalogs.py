"""Use cases around catalogs: load a pinned catalog with its hash verified, import and pin one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, PinMismatchError

if TYPE_CHECKING:
    from ..catalog.model import Catalog
    from ..catalog.pinning import PinResult
    from ..workspace import CatalogPin
    from .session import Session


def pin_problem(session: "Session", pin: "CatalogPin") -> tuple[str, str] | None:
    """(expected, actual) SHA-256 when the pinned file's content differs from its pin."""
    from ..store import sha256_file

    path = session.workspace.catalog_path(pin)
    actual = sha256_file(path)
    return None if actual == pin.sha256 else (pin.sha256, actual)


def mismatch_error(session: "Session", pin: "CatalogPin", actual: str) -> PinMismatchError:
    relative = session.workspace.layout.relative(session.workspace.catalog_path(pin))
    return PinMismatchError(
        f"Katalog '{pin.name}' wurde nach dem Festschreiben verändert: Inhalt hat SHA-256 {actual}, "
        f"festgeschrieben ist {pin.sha256}. Ergebnisse wären nicht mehr vergleichbar. "
        f"Entweder die Datei wiederherstellen (z. B. git checkout -- {relative}) oder die Änderung bewusst "
        f"übernehmen: ikz-isms catalog import QUELLE --name {pin.name} --force.",
        path=str(session.workspace.catalog_path(pin)),
    )


def load_verified(session: "Session", pin: "CatalogPin") -> "Catalog":
    """The pinned catalog, after checking its file still has the pinned SHA-256."""
    from ..catalog import load_catalog

    problem = pin_problem(session, pin)
    if problem is not None:
        raise mismatch_error(session, pin, problem[1])
    return load_catalog(session.workspace.catalog_path(pin), session.pm)


def refuse_unusable(catalog: "Catalog", path: Path) -> None:
    """Import refuses a catalog without requirements, an OSCAL catalog with a value of the wrong
    JSON type, and one whose control ids or control UUIDs repeat, naming the place."""
    if not catalog.requirements:
        raise InputError(
            "Katalog enthält keine einzige Anforderung; ein leerer Katalog wird nicht übernommen.",
            path=str(path),
        )
    for note in catalog.notes:
        if note.rule in ("catalog.duplicate-id", "catalog.duplicate-group-id"):
            raise InputError(
                f"{note.message} Ein Katalog mit doppelten IDs wird nicht übernommen (eine der beiden ginge verloren).",
                path=str(path), location=note.location or None,
            )
    if catalog.document is not None and (catalog.source_format == "oscal-yaml" or any(
            note.rule == "catalog.wrong-type" for note in catalog.notes)):
        # the reader met a value of another type than OSCAL's, or YAML (where `version: 1.0` is a
        # number without the writer meaning one): check's structural walk names the first
        from ..checks.catalog_rules import wrong_type

        problem = wrong_type(catalog.document)
        if problem is not None:
            message, pointer = problem
            raise InputError(f"kein gültiger OSCAL-Katalog: {message}", path=str(path), location=pointer)
    seen: dict[str, Any] = {}
    for requirement in catalog.requirements.values():
        if not requirement.uuid:
            continue
        first = seen.get(requirement.uuid)
        if first is not None:
            raise InputError(
                f"UUID {requirement.uuid} kommt bei {first.id} und {requirement.id} vor; ein Katalog mit doppelten "
                "Control-UUIDs wird nicht übernommen (Umbenennungen wären nicht mehr eindeutig zuzuordnen).",
                path=str(path), location=requirement.location or None,
            )
        seen[requirement.uuid] = requirement


#: the format whose loader takes ``sources`` (``catalog import --profile-import``)
PROFILE_FORMAT = "oscal-profile"


def import_catalog(session: "Session", source: Path, *, name: str | None, format_name: str | None, force: bool,
                   progress: Callable[[int, int], None] | None = None,
                   profile_sources: dict[str, Path] | None = None) -> tuple["Catalog", "PinResult"]:
    """Load ``source`` with the registered importers, refuse duplicates, store and pin it.

    ``profile_sources``: where an OSCAL profile's imports are (file name → path), for files
    not beside the profile.
    """
    from ..catalog import find_format, load_catalog
    from ..catalog.pinning import default_pin_name, pin_catalog

    if profile_sources:
        found = find_format(source, session.pm, format_name)
        if found.name != PROFILE_FORMAT:
            from ..errors import UsageError

            raise UsageError(f"--profile-import gilt nur für OSCAL-Profile; {source.name} hat das Format "
                             f"'{found.name}'.")
    options = {"sources": profile_sources} if profile_sources else None
    catalog = load_catalog(source, session.pm, progress=progress, format_name=format_name, options=options)
    refuse_unusable(catalog, source)
    session.edition(catalog)
    result = pin_catalog(session, catalog, name=name or default_pin_name(source.stem), source_name=source.name,
                         force=force)
    session.workspace_changed()
    return catalog, result


def is_mapping(source: Path) -> bool:
    """Whether ``source`` is an OSCAL mapping collection (not a catalog)."""
    from ..store import fs

    if not source.is_file():
        return False
    head = fs.read_head(source, 4096)
    if b'"mapping-collection"' not in head:
        return False  # what mapping.detect_json needs first: no need to import the mapping reader
    from ..catalog import mapping

    return mapping.detect_json(source, head)


def import_mapping(session: "Session", source: Path, *, name: str, force: bool) -> dict[str, Any]:
    """Check an OSCAL mapping collection and keep it in ``catalogs/<name>.json`` for ``catalog migrate``.

    Mappings are not pinned like catalogs: a migration records the mapping's SHA-256 in its
    archive (``archiv/<VORGANG>/vorgang.yaml``), which is what makes it reproducible.
    """
    from ..catalog import mapping
    from ..catalog.pinning import check_pin_name
    from ..errors import RefusedError
    from ..store import fs

    check_pin_name(name)
    collection = mapping.load(source)
    target = session.workspace.layout.catalog_file(name)
    payload = fs.read_bytes(source)
    if target.exists() and fs.read_bytes(target) != payload and not force:
        raise RefusedError("Datei existiert bereits mit anderem Inhalt; anderen --name wählen oder --force.",
                           path=str(target))
    if name in session.workspace.pins:
        raise RefusedError(f"'{name}' ist bereits ein eingetragener Katalog; anderen --name wählen.")
    session.store.write(target, payload)
    return {"name": name, "file": session.workspace.layout.relative(target), "title": collection.title,
            "version": collection.version, "status": collection.status, "maps": len(collection.maps),
            "relationships": collection.counts(), "sha256": fs.sha256_bytes(payload),
            "requirements": len(collection.by_requirement()), "sources": [s for s, _ in collection.resources],
            "targets": [t for _, t in collection.resources]}
