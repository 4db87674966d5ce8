"""Use cases of a county's catalog change: a G++ release upgrade or the migration Edition 2023 →
Grundschutz++ — planned (dry run), applied in one journaled transaction, and undone.

Planning is pure (:mod:`ikz_isms.catalog.transition`). Applying is one write-ahead
transaction of the county (:mod:`ikz_isms.store.county`): the record files, the county's
catalog pin in ``landkreis.yaml`` and the archive ``archiv/<VORGANG>/`` land together with
their journal entries or not at all. The journal gets one entry for the change itself
(``katalogwechsel:<VORGANG>``) and one per move: a record leaving its key (old → nothing) and
a record arriving (its source → its new value). The archive holds every record file and the
profile as they were, so :func:`undo_change` puts the county back exactly — refusing, unless
forced, when records were changed since.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError, RefusedError

if TYPE_CHECKING:
    from ..assess import CountyData
    from ..catalog.mapping import MappingCollection
    from ..catalog.model import Catalog
    from ..catalog.transition import Plan
    from ..county import County
    from ..store.county import Transaction
    from ..workspace import CatalogPin
    from .session import Session

CHANGE_PREFIX = "katalogwechsel:"
UNDO_PREFIX = "katalogwechsel-ruecknahme:"
KIND_LABELS = {"upgrade": "Release-Wechsel", "migration": "Migration"}


@dataclass
class CountyChange:
    """One county's planned catalog change (the dry run) and what applying it needs."""

    county: "County"
    kind: str
    plan: "Plan"
    source_pin: "CatalogPin"
    target_pin: "CatalogPin"
    source: "Catalog"
    target: "Catalog"
    change_id: str
    mapping: dict[str, Any] | None = None
    #: the bytes of every record file the plan read (refused if they change before the apply)
    snapshot: dict[Path, bytes | None] = field(default_factory=dict, repr=False)

    def summary(self) -> dict[str, Any]:
        plan = self.plan
        out: dict[str, Any] = {
            "county": self.county.key,
            "name": self.county.name,
            "kind": self.kind,
            "change": self.change_id,
            "from": _pin_dict(self.source_pin, self.source),
            "to": _pin_dict(self.target_pin, self.target),
            "counts": plan.counts(),
            "moves": [
                {"kind": a.kind, "requirement": a.requirement, "target": a.target,
                 "from": [s.requirement for s in a.sources], "relationships": list(a.relationships),
                 "status": a.record.get("status"), "recheck": a.record.get("recheck"), "fields": a.note or None}
                for a in plan.arrivals if a.kind != "unchanged"
            ],
            "archived": [{"requirement": r.requirement, "target": r.target, "status": r.status, "reason": why}
                         for r, why in plan.archived],
            "untouched": [{"requirement": r.requirement, "target": r.target} for r in plan.untouched],
            "new_requirements": plan.new_requirements,
        }
        if self.mapping is not None:
            out["mapping"] = self.mapping
        if plan.details:
            out.update(plan.details)
        return out


def _pin_dict(pin: "CatalogPin", catalog: "Catalog") -> dict[str, Any]:
    return {"name": pin.name, "title": catalog.title, "version": pin.version or catalog.version,
            "sha256": pin.sha256}


def _county_data(session: "Session", county: "County") -> "CountyData":
    data = session.county_data(county)
    if data.records.invalid:
        first = data.records.invalid[0].record
        raise RefusedError(
            f"{len(data.records.invalid)} ungültige Prüfeinträge (z. B. {first.label}, "
            f"{data.records.location(first)}); ein Katalogwechsel liefe an ihnen vorbei. Erst beheben "
            "(ikz-isms check zeigt sie), dann erneut versuchen; nichts geändert.",
            path=first.file,
        )
    return data


def _modelled(session: "Session", data: "CountyData", catalog: "Catalog") -> set[tuple[str, str]]:
    pairs, _ = session.edition(catalog).model(catalog, data.targets, data.needs)
    return {(p.requirement.id, p.target.id) for p in pairs}


def _change_id(county: "County", day: _dt.date, kind: str, source: str, target: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{day.isoformat()}-{kind}-{source}-nach-{target}")[:150]
    candidate, number = base, 2
    while county.layout.archive(candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _snapshot(session: "Session", county: "County") -> dict[Path, bytes | None]:
    from ..store import fs

    layout = county.layout
    files: dict[Path, bytes | None] = {p: fs.read_bytes(p) for p in fs.list_dir(layout.records_dir, (".yaml",))}
    for path in (layout.legacy_records, layout.profile):
        files[path] = fs.read_bytes(path) if path.exists() else None
    return files


# -- planning --------------------------------------------------------------------------------


def plan_upgrade(session: "Session", county: "County", *, to: str) -> CountyChange:
    """The dry run of moving ``county`` to the pinned release ``to`` of its edition."""
    from ..catalog.transition import plan_upgrade as plan

    source_pin, source = session.county_catalog(county)
    target_pin, target = session.catalog(to)
    old_edition, new_edition = session.edition(source), session.edition(target)
    if not old_edition.same_edition(new_edition):
        hint = (" Das ist eine Migration: ikz-isms catalog migrate." if old_edition.can_migrate_to(new_edition)
                else "")
        raise RefusedError(
            f"Katalog '{target_pin.name}' gehört zu {new_edition.title}, Landkreis {county.name} arbeitet mit "
            f"{old_edition.title} ('{source_pin.name}'): kein neuer Release derselben Edition.{hint} Nichts geändert."
        )
    if not old_edition.stable_ids:
        raise RefusedError(
            f"{old_edition.title} hat keine über Releases stabilen Kennungen (alt-identifier); ein Release-Wechsel "
            "kann Prüfeinträge nicht sicher zuordnen. Nichts geändert."
        )
    if source_pin.sha256 == target_pin.sha256:
        raise RefusedError(f"Landkreis {county.name} arbeitet bereits mit diesem Katalogstand "
                           f"('{source_pin.name}', sha256 {source_pin.sha256[:12]}); nichts zu tun.")
    snapshot = _snapshot(session, county)
    data = _county_data(session, county)
    result = plan(source, target, data.records, _modelled(session, data, target),
                  old_label=f"{source_pin.name} {source_pin.version or source.version}".strip(),
                  new_label=f"{target_pin.name} {target_pin.version or target.version}".strip())
    change_id = _change_id(county, session.today, "release", source_pin.name, target_pin.name)
    return CountyChange(county, "upgrade", result, source_pin, target_pin, source, target, change_id,
                        snapshot=snapshot)


def load_mapping(session: "Session", path: Path) -> tuple["MappingCollection", dict[str, Any]]:
    """A mapping collection file (or the name of one in ``catalogs/``), with its hash for the record."""
    from ..catalog import mapping as mapping_mod
    from ..store import fs

    candidate = Path(path)
    if not candidate.exists() and session.has_workspace and not candidate.is_absolute():
        in_catalogs = session.workspace.layout.catalogs_dir / (candidate.name if candidate.suffix else
                                                                f"{candidate.name}.json")
        if in_catalogs.is_file():
            candidate = in_catalogs
    if not candidate.is_file():
        raise InputError("Mapping-Datei nicht gefunden.", path=str(path))
    collection = mapping_mod.load(candidate)
    info = {"file": candidate.name, "sha256": fs.sha256_file(candidate), "title": collection.title,
            "version": collection.version, "status": collection.status, "maps": len(collection.maps)}
    return collection, info


def plan_migration(session: "Session", county: "County", *, to: str, mapping_path: Path) -> CountyChange:
    """The dry run of migrating ``county`` from its Edition 2023 check to the pinned G++ catalog ``to``."""
    from ..catalog.transition import plan_migration as plan

    source_pin, source = session.county_catalog(county)
    target_pin, target = session.catalog(to)
    old_edition, new_edition = session.edition(source), session.edition(target)
    if not old_edition.can_migrate_to(new_edition):
        if old_edition.same_edition(new_edition):
            why = f"beide gehören zu {old_edition.title}; ein neuer Release ist ein Release-Wechsel (ikz-isms catalog upgrade)"
        else:
            why = f"von {old_edition.title} nach {new_edition.title} gibt es keine Migration"
        raise RefusedError(f"Landkreis {county.name} ('{source_pin.name}') → '{target_pin.name}': {why}. Nichts geändert.")
    collection, info = load_mapping(session, mapping_path)
    by_uuid = target.by_uuid()
    resolved = sum(1 for entry in collection.maps if entry.target_uuid in by_uuid)
    if not resolved:
        raise RefusedError(
            f"Mapping '{info['file']}' passt nicht zu Katalog '{target_pin.name}': keine der "
            f"{len(collection.maps)} Zuordnungen trifft ein Control (alt-identifier) dieses Katalogs. Nichts geändert.",
            path=str(mapping_path),
        )
    if not any(requirement in source.requirements for requirement in collection.by_requirement()):
        raise RefusedError(
            f"Mapping '{info['file']}' passt nicht zu Katalog '{source_pin.name}': keine seiner Quellen ist eine "
            "Anforderung dieses Katalogs. Nichts geändert.", path=str(mapping_path),
        )
    info["resolved"] = resolved
    snapshot = _snapshot(session, county)
    data = _county_data(session, county)
    result = plan(source, target, collection, data.records, _modelled(session, data, target),
                  source_name=source_pin.name)
    change_id = _change_id(county, session.today, "migration", source_pin.name, target_pin.name)
    return CountyChange(county, "migration", result, source_pin, target_pin, source, target, change_id,
                        mapping=info, snapshot=snapshot)


# -- applying --------------------------------------------------------------------------------


def _dump(data: Any) -> str:
    """YAML for the archive files (libyaml, no aliases); checked to read back by the store's parser."""
    import yaml

    class Dumper(yaml.CSafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    text: str = yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                          width=4096)
    return text


def _profile_text(text: str, path: Path, pin: str) -> str:
    from ..store.edit import roundtrip_edit

    def mutate(document: Any) -> None:
        document["catalog"] = pin

    new_text, _ = roundtrip_edit(text, str(path), mutate)
    return new_text


def _history(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        record = entry.get("record")
        if isinstance(record, str) and "@" in record:
            new = entry.get("new") if isinstance(entry.get("new"), dict) else {}
            found.setdefault(record, []).append({
                "seq": entry.get("seq"), "time": entry.get("time"), "actor": entry.get("actor"),
                "status": new.get("status") if new else None, "hash": entry.get("hash"),
            })
    return found


def apply_change(session: "Session", change: CountyChange, *, actor: str) -> dict[str, Any]:
    """Apply a planned change in one journaled transaction; returns what was written."""
    from ..store import fs
    from .counties import county_files
    from .journals import read_journal
    from .records import _current_text, migrate_layout, records_text, rewrite_records

    county = change.county
    layout = county.layout
    plan = change.plan
    read = read_journal(session, county)
    history = _history(read.entries if read else [])
    files = county_files(session, county)
    written: dict[str, str | None] = {}
    with files.transaction() as tx:
        now = _snapshot(session, county)
        if now != change.snapshot:
            raise RefusedError(
                f"Die Daten von Landkreis {county.name} wurden seit der Planung geändert; bitte erneut ausführen. "
                "Nichts geändert."
            )
        migrate_layout(session, county, tx)
        before: dict[str, str] = {}
        for path in fs.list_dir(layout.records_dir, (".yaml",)):
            before[path.stem] = _current_text(session, tx, path) or ""
        for path, data in tx.files.items():
            if data is not None and path.parent == layout.records_dir:
                before[path.stem] = data.decode("utf-8")
        # per record file: old item's requirement → its new value (None: it leaves the file)
        by_target: dict[str, dict[str, dict[str, Any] | None]] = {}
        for record, _ in plan.archived:
            by_target.setdefault(record.target, {})[record.requirement] = None
        fresh: dict[str, list[dict[str, Any]]] = {}
        for arrival in plan.arrivals:
            if arrival.kind == "unchanged":
                continue
            if change.kind == "migration":
                fresh.setdefault(arrival.target, []).append(arrival.record)
            else:
                by_target.setdefault(arrival.target, {})[arrival.sources[0].requirement] = arrival.record
        touched = set(by_target) | set(fresh)
        if change.kind == "migration":
            touched |= set(before)
        archive = layout.archive(change.change_id)
        for target in sorted(touched):
            path = layout.records_file(target)
            old_text = before.get(target)
            if old_text is not None:
                tx.put(layout.archived_records(change.change_id, target), old_text)
            if change.kind == "migration":
                new_text = records_text(target, fresh[target]) if target in fresh else None
            else:
                new_text = rewrite_records(old_text, str(path), target, by_target.get(target, {})) \
                    if old_text is not None else None
            if new_text is None:
                if old_text is not None:
                    tx.delete(path)
                written[_relative(layout, path)] = None
            else:
                tx.put(path, new_text)
                written[_relative(layout, path)] = hashlib.sha256(new_text.encode("utf-8")).hexdigest()
        profile_text = fs.read_bytes(layout.profile).decode("utf-8-sig")
        new_profile = _profile_text(profile_text, layout.profile, change.target_pin.name)
        tx.put(archive / "landkreis.yaml", profile_text)
        tx.put(layout.profile, new_profile)
        written[_relative(layout, layout.profile)] = hashlib.sha256(new_profile.encode("utf-8")).hexdigest()
        summary = change.summary()
        index = {
            "vorgang": change.change_id,
            "art": change.kind,
            "datum": session.today.isoformat(),
            "von": summary["from"],
            "nach": summary["to"],
            "mapping": change.mapping,
            "landkreis_katalog_vorher": county.profile.catalog,
            "zaehlung": plan.counts(),
            "vorher": sorted(f"pruefungen/{t}.yaml" for t in touched if t in before),
            "geschrieben": written,
        }
        tx.put(layout.archive_index(change.change_id), _dump(index))
        if plan.archived:
            tx.put(layout.archive_removed(change.change_id), _dump({"entfernt": [
                {**record.as_dict(), "grund": why, "verlauf": history.get(record.label, [])}
                for record, why in plan.archived
            ]}))
        _journal(tx, change, actor, summary)
    for path in list(tx.files):
        session.store.forget(path)
    session.workspace_changed()
    return {"change": change.change_id, "archive": session.workspace.layout.relative(archive),
            "journal_entries": len(tx.sealed), "files": written}


def _relative(layout: Any, path: Path) -> str:
    return path.relative_to(layout.data_dir).as_posix()


def _journal(tx: "Transaction", change: CountyChange, actor: str, summary: dict[str, Any]) -> None:
    plan = change.plan
    tx.journal(f"{CHANGE_PREFIX}{change.change_id}", {"catalog": summary["from"]},
               {"art": change.kind, "catalog": summary["to"], "mapping": change.mapping, "counts": plan.counts(),
                "archiv": f"archiv/{change.change_id}"}, actor)
    for record, _ in plan.archived:
        tx.journal(record.label, record.as_dict(), None, actor)
    arriving = {a.key for a in plan.arrivals}
    for arrival in plan.arrivals:
        if arrival.kind == "unchanged":
            continue
        for source in arrival.sources:
            if source.key != arrival.key and source.key not in arriving and change.kind == "upgrade":
                tx.journal(source.label, source.as_dict(), None, actor)
    if change.kind == "migration":
        moved = {s.key: s for a in plan.arrivals for s in a.sources}
        archived = {r.key for r, _ in plan.archived}
        for key, source in moved.items():
            if key not in archived and key not in arriving:
                tx.journal(source.label, source.as_dict(), None, actor)
    for arrival in plan.arrivals:
        if arrival.kind == "unchanged":
            continue
        new = {"requirement": arrival.requirement, "target": arrival.target,
               **{k: v for k, v in arrival.record.items() if k != "requirement"}}
        old = arrival.sources[0].as_dict() if change.kind == "upgrade" else None
        tx.journal(f"{arrival.requirement}@{arrival.target}", old, new, actor)


# -- the archive and undo ------------------------------------------------------------------------


def list_changes(session: "Session", county: "County") -> list[dict[str, Any]]:
    """The county's catalog changes from its archive, oldest first."""
    from ..store import fs

    found = []
    for folder in sorted(p for p in fs.list_dir(county.layout.archive_dir) if p.is_dir()):
        index = _read_index(session, county, folder.name)
        found.append({"change": folder.name, "kind": index.get("art"), "date": index.get("datum"),
                      "from": (index.get("von") or {}).get("name"), "to": (index.get("nach") or {}).get("name"),
                      "undone": index.get("zurueckgenommen")})
    return found


def _read_index(session: "Session", county: "County", change_id: str) -> dict[str, Any]:
    from ..store import fs

    path = county.layout.archive_index(change_id)
    if not path.is_file():
        known = ", ".join(c.name for c in fs.list_dir(county.layout.archive_dir) if c.is_dir())
        raise NotFoundError(f"Vorgang '{change_id}' gibt es im Archiv von Landkreis {county.name} nicht"
                            + (f" (vorhanden: {known})." if known else "."), path=str(path))
    data = session.store.parse(path, "yaml").data
    if not isinstance(data, dict) or not isinstance(data.get("geschrieben"), dict):
        raise InputError("Archiv-Übersicht eines Katalogwechsels ist unvollständig (geschrieben fehlt).", path=str(path))
    return data


def plan_undo(session: "Session", county: "County", change_id: str) -> dict[str, Any]:
    """What undoing a change would do: the files it restores and the records changed since."""
    from ..store import fs

    index = _read_index(session, county, change_id)
    layout = county.layout
    if index.get("zurueckgenommen"):
        raise RefusedError(f"Vorgang '{change_id}' wurde bereits zurückgenommen "
                           f"({index['zurueckgenommen'].get('datum')}); nichts zu tun.")
    target_pin = (index.get("nach") or {}).get("name")
    if county.profile.catalog != target_pin:
        raise RefusedError(
            f"Landkreis {county.name} arbeitet nicht mehr mit '{target_pin}' (sondern '{county.profile.catalog}'); "
            f"Vorgang '{change_id}' lässt sich nur als letzter Katalogwechsel zurücknehmen. Nichts geändert."
        )
    later = [c for c in list_changes(session, county) if c["change"] > change_id and not c["undone"]
             and c["change"] != change_id]
    if later:
        raise RefusedError(f"Nach '{change_id}' folgte noch '{later[-1]['change']}'; erst diesen zurücknehmen.")
    changed = []
    for relative, digest in index["geschrieben"].items():
        path = layout.data_dir / relative
        current = fs.sha256_file(path) if path.is_file() else None
        if current != digest:
            changed.append(relative)
    return {"change": change_id, "kind": index.get("art"), "index": index, "changed_since": sorted(changed),
            "restores": list(index.get("vorher") or []), "removes": sorted(
                r for r, d in index["geschrieben"].items() if d and r not in (index.get("vorher") or []) and
                r != "landkreis.yaml")}


def undo_change(session: "Session", county: "County", change_id: str, *, actor: str, force: bool) -> dict[str, Any]:
    """Put the county back to before ``change_id`` (records, catalog pin), journaled; the archive stays."""
    from ..store import fs, parse_yaml, plain
    from .counties import county_files

    undo = plan_undo(session, county, change_id)
    if undo["changed_since"] and not force:
        raise RefusedError(
            f"Seit dem Vorgang wurden {len(undo['changed_since'])} Dateien geändert "
            f"({', '.join(undo['changed_since'][:3])}{' …' if len(undo['changed_since']) > 3 else ''}); "
            "diese Änderungen gingen beim Zurücknehmen verloren (im Journal bleiben sie). "
            "Bewusst verwerfen mit --force. Nichts geändert."
        )
    layout = county.layout
    index = undo["index"]
    archive = layout.archive(change_id)

    def records_of(text: str | None, target: str) -> dict[str, dict[str, Any]]:
        if not text:
            return {}
        items = (plain(parse_yaml(text, target).data) or {}).get("pruefungen") or []
        return {f"{item.get('requirement')}@{target}": {"requirement": item.get("requirement"), "target": target,
                                                       **{k: v for k, v in item.items() if k != "requirement"}}
                for item in items}

    with county_files(session, county).transaction() as tx:
        now: dict[str, dict[str, Any]] = {}
        restored: dict[str, dict[str, Any]] = {}
        for relative in index["geschrieben"]:
            if not relative.startswith("pruefungen/"):
                continue
            target = Path(relative).stem
            path = layout.data_dir / relative
            current = fs.read_bytes(path).decode("utf-8-sig") if path.is_file() else None
            now.update(records_of(current, target))
            old_path = archive / relative
            if relative in (index.get("vorher") or []):
                old = fs.read_bytes(old_path).decode("utf-8-sig")
                restored.update(records_of(old, target))
                tx.put(path, old)
            elif path.exists():
                tx.delete(path)
        for relative in index.get("vorher") or []:
            if relative not in index["geschrieben"]:
                old = fs.read_bytes(archive / relative).decode("utf-8-sig")
                tx.put(layout.data_dir / relative, old)
                restored.update(records_of(old, Path(relative).stem))
        tx.put(layout.profile, fs.read_bytes(archive / "landkreis.yaml"))
        tx.journal(f"{UNDO_PREFIX}{change_id}", {"catalog": index.get("nach")}, {"catalog": index.get("von")}, actor)
        for key in sorted(set(now) | set(restored)):
            if now.get(key) != restored.get(key):
                tx.journal(key, now.get(key), restored.get(key), actor)
        marked = dict(index)
        marked["zurueckgenommen"] = {"datum": session.today.isoformat(), "actor": actor, "erzwungen": bool(force)}
        tx.put(layout.archive_index(change_id), _dump(marked))
    for path in list(tx.files):
        session.store.forget(path)
    session.workspace_changed()
    return {"change": change_id, "restored": len(restored), "removed": len(set(now) - set(restored)),
            "journal_entries": len(tx.sealed)}
