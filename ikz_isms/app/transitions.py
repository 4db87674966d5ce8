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

References to requirements outside the records — measures of the Realisierungsplan, a risk's
``requirements``, exclusions of the modelling — move in the same transaction where their
pair's record moves (:func:`ikz_isms.catalog.transition.route_references`); the others stay,
are listed as needing a decision and kept in the archive index, where ``check`` finds them
(:func:`open_references`). Several counties (the Verbund) are applied by :func:`apply_changes`:
all prepared under their locks before any commits, committed ones taken back if a later fails.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IkzError, InputError, NotFoundError, RefusedError
from ..store.parse import decode_text

if TYPE_CHECKING:
    from ..assess import CountyData
    from ..catalog.mapping import MappingCollection
    from ..catalog.model import Catalog
    from ..catalog.transition import Plan, Reference
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
            "references": {"moved": [r.as_dict() for r in plan.references if r.new],
                           "open": [r.as_dict() for r in plan.references if r.decision]},
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
    for path in (layout.legacy_records, layout.profile, *_referencing(layout)):
        files[path] = fs.read_bytes(path) if path.exists() else None
    return files


#: county files that name requirement ids outside the check records: (file name, store kind)
REFERENCING = (("plan.yaml", "plan"), ("risiken.yaml", "risiken"), ("zielobjekte.yaml", "zielobjekte"))
#: per store kind, the lists whose entries follow a change, with the kind of reference each holds
MOVING_LISTS = {"plan": (("massnahmen", "measure"),), "risiken": (("risiken", "risk"),),
                "zielobjekte": (("exclusions", "exclusion"), ("parameters", "parameter"))}


def _referencing(layout: Any) -> tuple[Path, ...]:
    return tuple(layout.data_dir / name for name, _ in REFERENCING)


def _references(session: "Session", county: "County") -> list["Reference"]:
    """Every requirement id the county's plan, risk register and exclusions name (files read and validated)."""
    from ..catalog.transition import Reference
    from ..store import plain

    layout = county.layout
    found: list[Reference] = []

    def read(path: Path, kind: str) -> dict[str, Any]:
        if not path.exists():
            return {}
        data = plain(session.store.parse(path, kind).data)
        return data if isinstance(data, dict) else {}

    for item in read(layout.plan, "plan").get("massnahmen") or []:
        requirement = str(item["requirement"])
        found.append(Reference("plan.yaml", "measure", str(item["id"]), requirement, requirement, str(item["target"])))
    for item in read(layout.risks, "risiken").get("risiken") or []:
        for value in item.get("requirements") or []:
            requirement, _, target = str(value).partition("@")
            found.append(Reference("risiken.yaml", "risk", str(item["id"]), str(value), requirement.strip(),
                                   (target or str(item["target"])).strip(), many=True))
    structure = read(layout.targets, "zielobjekte")
    for item in structure.get("exclusions") or []:
        ref = str(item["ref"])
        found.append(Reference("zielobjekte.yaml", "exclusion", ref, ref, ref))
    parameters = structure.get("parameters") or []
    if parameters:
        # a parameter belongs to its control: it follows where the control goes (follow_parameters)
        _, catalog = session.county_catalog(county)
        owner = {p.id: rid for rid, r in catalog.requirements.items() for p in r.params}
        for item in parameters:
            param = str(item["param"])
            found.append(Reference("zielobjekte.yaml", "parameter", param, param, owner.get(param, param)))
    return found


def _other_exclusions(references: list["Reference"], session: "Session", old: "Catalog", new: "Catalog",
                      new_label: str) -> None:
    """An exclusion of something other than a requirement (a Baustein, a practice) the new catalog lacks."""
    old_edition, new_edition = session.edition(old), session.edition(new)
    for reference in references:
        if reference.kind != "exclusion" or reference.requirement in old.requirements:
            continue
        kind = old_edition.exclusion_kind(old, reference.value)
        if kind is not None and new_edition.exclusion_kind(new, reference.value) is None:
            reference.decision = f"{kind} {reference.value} gibt es in {new_label} nicht"
            reference.candidates = _same_groups(old, new, reference.value)
            continue
        before, after = old.groups.get(reference.value), new.groups.get(reference.value)
        if kind is not None and before is not None and after is not None \
                and " ".join(before.title.split()) != " ".join(after.title.split()):
            # the id stayed, its meaning moved (G++ renumbers topics: GEB.5 was „Sicherheitsbereiche“)
            reference.decision = (f"{kind} {reference.value} heißt in {new_label} „{after.title}“, "
                                  f"vorher „{before.title}“")
            reference.candidates = _same_groups(old, new, reference.value)


def _same_groups(old: "Catalog", new: "Catalog", group_id: str) -> tuple[str, ...]:
    """Groups of ``new`` that may be what ``group_id`` of ``old`` was: the same title in the same
    practice, or the same alt-identifier where it is unique in both catalogs (BSI gives some
    different groups one alt-identifier)."""
    before = old.groups.get(group_id)
    if before is None:
        return ()
    practice = group_id.split(".", 1)[0]
    title = " ".join(before.title.split())
    found = [g.id for g in new.groups.values() if g.kind == before.kind and g.id.split(".", 1)[0] == practice
             and " ".join(g.title.split()) == title]
    if before.uuid:
        old_same = [g for g in old.groups.values() if g.uuid == before.uuid]
        new_same = [g for g in new.groups.values() if g.uuid == before.uuid]
        if len(old_same) == 1 and len(new_same) == 1:
            found.append(new_same[0].id)
    return tuple(dict.fromkeys(found))


# -- planning --------------------------------------------------------------------------------


def plan_upgrade(session: "Session", county: "County", *, to: str) -> CountyChange:
    """The dry run of moving ``county`` to the pinned release ``to`` of its edition."""
    from ..catalog.transition import follow_parameters, route_references, upgrade_follow
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
    new_label = f"{target_pin.name} {target_pin.version or target.version}".strip()
    result = plan(source, target, data.records, _modelled(session, data, target),
                  old_label=f"{source_pin.name} {source_pin.version or source.version}".strip(), new_label=new_label)
    references = _references(session, county)
    _other_exclusions(references, session, source, target, new_label)
    route_references(result, references, upgrade_follow(result, source, new_label=new_label))
    follow_parameters(result, source, target)
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
    from ..catalog.transition import migration_follow, route_references
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
    modelled = _modelled(session, data, target)
    result = plan(source, target, collection, data.records, modelled, source_name=source_pin.name)
    references = _references(session, county)
    _other_exclusions(references, session, source, target, target_pin.name)
    route_references(result, references,
                     migration_follow(source, target, collection, target_label=target_pin.name), modelled)
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
    """Apply one county's planned change in one journaled transaction; returns what was written."""
    return apply_changes(session, [change], actor=actor)[change.county.key]


def apply_changes(session: "Session", changes: list[CountyChange], *, actor: str) -> dict[str, dict[str, Any]]:
    """Apply the planned changes of several counties (the Verbund) all together, or leave every county as it was.

    Every county's transaction is opened first — its lock held, its files checked against the
    plan, the new texts and journal entries prepared — and only when all are ready do they
    commit, one after another. A refusal or error while preparing (files changed since the dry
    run, a lock held by another process, a file that does not read back) changes no county.
    The store's transactions are per county, so a write error while committing can leave
    counties already committed: those are then taken back with :func:`undo_change` (journaled,
    their archive marked undone), and the error says so — and names any county that could
    not be taken back, with the command that does it.
    """
    import contextlib

    from .counties import county_files
    from .journals import read_journal

    histories: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for change in changes:
        read = read_journal(session, change.county)
        histories[change.county.key] = _history(read.entries if read else [])
    staged: dict[str, tuple["Transaction", dict[str, Any]]] = {}
    committed: list[CountyChange] = []
    ready = False

    @contextlib.contextmanager
    def county_transaction(change: CountyChange) -> Any:
        with county_files(session, change.county).transaction() as tx:
            yield tx
        committed.append(change)

    try:
        with contextlib.ExitStack() as stack:
            # the stack commits last-in first: entered in reverse, the counties commit in the order given
            for change in reversed(changes):
                tx = stack.enter_context(county_transaction(change))
                staged[change.county.key] = (tx, _stage(session, change, tx, actor,
                                                        histories[change.county.key]))
            ready = True
    except Exception as exc:
        _forget(session, [tx for tx, _ in staged.values()])
        # before ``ready`` nothing was committed: the stack unwound every transaction unwritten
        if ready and (committed or _pending(changes, committed)):
            note = _take_back(session, changes, committed, actor)
            if isinstance(exc, IkzError):
                exc.message = f"{exc.message.rstrip()} {note}"
        raise
    _forget(session, [tx for tx, _ in staged.values()])
    return {key: {**result, "journal_entries": len(tx.sealed)} for key, (tx, result) in staged.items()}


def _forget(session: "Session", transactions: list["Transaction"]) -> None:
    for tx in transactions:
        for path in list(tx.files):
            session.store.forget(path)
    session.workspace_changed()


def _pending(changes: list[CountyChange], committed: list[CountyChange]) -> list[CountyChange]:
    """Counties whose commit broke off after its transaction file was written (it rolls forward)."""
    return [c for c in changes if c not in committed and c.county.layout.transaction.exists()]


def _take_back(session: "Session", changes: list[CountyChange], committed: list[CountyChange],
               actor: str) -> str:
    """Undo the counties already committed when a later one failed; German note on what happened."""
    from .counties import county_files

    done: list[CountyChange] = list(committed)
    taken: list[CountyChange] = []
    left: list[tuple[CountyChange, str]] = []
    for change in _pending(changes, committed):
        try:
            with county_files(session, change.county).transaction():
                pass  # completes the broken-off commit, so it can be undone like the others
            done.append(change)
        except IkzError as exc:
            left.append((change, f"seine unvollständige Änderung ({exc.message.rstrip('.')}) wird beim nächsten Lauf "
                                 "vervollständigt"))
    for change in reversed(done):
        session.workspace_changed()
        try:
            undo_change(session, session.county(change.county.key), change.change_id, actor=actor, force=False)
            taken.append(change)
        except IkzError as exc:
            left.append((change, exc.message))
    session.workspace_changed()
    parts = []
    if taken:
        parts.append("Bereits umgestellt und wieder zurückgenommen: "
                     + ", ".join(f"Landkreis {c.county.name} (Vorgang {c.change_id})" for c in reversed(taken)) + ".")
    if left:
        parts.append("Nicht zurückgenommen: " + "; ".join(
            f"Landkreis {c.county.name} bleibt umgestellt ({why}); zurücknehmen mit ikz-isms catalog undo "
            f"{c.change_id} --county {c.county.key} --apply" for c, why in left) + ".")
    else:
        parts.append("Kein Landkreis ist umgestellt.")
    return " ".join(parts)


def _stage(session: "Session", change: CountyChange, tx: "Transaction", actor: str,
           history: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Put one county's whole change into ``tx``: nothing is written before it commits."""
    from ..store import fs
    from .records import _current_text, migrate_layout, records_text, rewrite_records

    county = change.county
    layout = county.layout
    plan = change.plan
    written: dict[str, str | None] = {}
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
    saved, moved_entries = _move_references(session, change, tx, written)
    profile_text = decode_text(fs.read_bytes(layout.profile), str(layout.profile))
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
        "vorher": [*sorted(f"pruefungen/{t}.yaml" for t in touched if t in before), *saved],
        "geschrieben": written,
        "verweise_verschoben": [r.as_dict() for r in plan.references if r.new],
        "verweise_offen": [r.as_dict() for r in plan.references if r.decision],
    }
    tx.put(layout.archive_index(change.change_id), _dump(index))
    if plan.archived:
        tx.put(layout.archive_removed(change.change_id), _dump({"entfernt": [
            {**record.as_dict(), "grund": why, "verlauf": history.get(record.label, [])}
            for record, why in plan.archived
        ]}))
    _journal(tx, change, actor, summary)
    for name, old, new in moved_entries:
        tx.journal(name, old, new, actor)
    return {"change": change.change_id, "archive": session.workspace.layout.relative(archive), "files": written}


def _validator(kind: str, path: Path) -> Any:
    """The domain's own reading of a referencing file, run on the new text before it is written."""
    if kind == "plan":
        from ..assess.plan import parse_plan

        return parse_plan
    if kind == "risiken":
        from ..risk.register import parse_risks

        return parse_risks
    from .structure import _validate

    return lambda parsed: _validate(parsed, str(path))


def _entry_changes(kind: str, before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(journal record, old, new) per entry of a referencing file that differs (``plan:M-001``, ``risk:R-003`` …)."""
    if kind == "zielobjekte":
        from .structure import diff

        return [(c.record, c.old, c.new) for c in diff(before, after)]
    key, prefix = {"plan": ("massnahmen", "plan"), "risiken": ("risiken", "risk")}[kind]
    old = {str(i.get("id")): i for i in before.get(key) or []}
    new = {str(i.get("id")): i for i in after.get(key) or []}
    return [(f"{prefix}:{ident}", old.get(ident), new.get(ident)) for ident in [*old, *(k for k in new if k not in old)]
            if old.get(ident) != new.get(ident)]


def _moved_fields(key: str, item: dict[str, Any], moves: dict[tuple[str, str], tuple[str, ...]]) -> dict[str, Any]:
    """The new fields of one measure, risk, exclusion or parameter whose references follow (empty: it stays)."""
    if key == "parameters":
        new = moves.get((str(item["param"]), str(item["param"])))
        return {"param": new[0]} if new else {}
    if key == "massnahmen":
        new = moves.get((str(item["id"]), str(item["requirement"])))
        return {"requirement": new[0]} if new else {}
    if key == "risiken":
        ident = str(item["id"])
        values = [str(v) for v in item.get("requirements") or ()]
        result = list(dict.fromkeys(v for value in values for v in moves.get((ident, value), (value,))))
        return {"requirements": result} if result != values else {}
    new = moves.get((str(item["ref"]), str(item["ref"])))
    return {"ref": new[0]} if new else {}


def _setter(fields: dict[str, Any]) -> Any:
    def apply(node: Any) -> None:
        for name, value in fields.items():
            node[name] = value

    return apply


def _move_references(session: "Session", change: CountyChange, tx: "Transaction",
                     written: dict[str, str | None]) -> tuple[list[str], list[tuple[str, Any, Any]]]:
    """Rewrite the references that follow (plan, risks, exclusions) into ``tx``, the files archived as they
    were; returns the files and their journal entries (one per measure, risk or exclusion that changes).

    Only the entries that change are edited in the file's text (the store's splice; comments and the
    other entries stay byte for byte), checked to read back as meant — else the whole document is
    edited round trip — and the new text is checked like every read: schema, then the domain's rules.
    """
    import copy

    from ..store import parse_yaml, plain
    from ..store.edit import ItemEdit
    from .registers import current_text

    layout = change.county.layout
    saved: list[str] = []
    entries: list[tuple[str, Any, Any]] = []
    for name, kind in REFERENCING:
        moving = [r for r in change.plan.references if r.file == name and r.new]
        if not moving:
            continue
        path = layout.data_dir / name
        text = current_text(session, tx, path, kind) or ""
        new_text = text
        original: dict[str, Any] | None = None
        checked = None
        # one splice per list of the file that holds moving references (zielobjekte.yaml: exclusions, parameters)
        for key, reference_kind in MOVING_LISTS[kind]:
            moves: dict[tuple[str, str], tuple[str, ...]] = {
                (r.entry, r.value): r.new for r in moving if r.kind == reference_kind}
            if not moves:
                continue
            parsed = parse_yaml(new_text, str(path))
            before = plain(parsed.data) or {}
            if original is None:
                original = before
            changed = {index: fields for index, item in enumerate(before.get(key) or [])
                       if (fields := _moved_fields(key, item, moves))}
            if not changed:
                continue
            expected = copy.deepcopy(before)
            for index, fields in changed.items():
                expected[key][index].update(fields)

            def fallback(document: Any, changed: dict[int, dict[str, Any]] = changed, key: str = key) -> None:
                for index, fields in changed.items():
                    _setter(fields)(document[key][index])

            items = before.get(key) or []
            new_text, checked = session.store.new_document_for_items(
                path, kind, (key,), {index: ItemEdit(fields, items[index]) for index, fields in changed.items()}, [],
                expected, fallback, text=new_text, parsed=parsed)
        if checked is None or original is None:
            continue
        _validator(kind, path)(checked)
        entries.extend(_entry_changes(kind, original, checked.data))
        tx.put(path, new_text)
        tx.put(layout.archive(change.change_id) / name, text)
        written[name] = hashlib.sha256(new_text.encode("utf-8")).hexdigest()
        saved.append(name)
    return saved, entries


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
    """The county's catalog changes from its archive, oldest first (a broken-off one completed first)."""
    from ..store import fs
    from .counties import complete_pending

    complete_pending(session, county)

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


def _plain_of(text: str, path: Path) -> dict[str, Any]:
    from ..store import parse_yaml, plain

    data = plain(parse_yaml(text, str(path)).data) if text.strip() else None
    return data if isinstance(data, dict) else {}


def _pin_in_file(path: Path) -> str | None:
    from ..store import fs, parse_yaml, plain

    data = plain(parse_yaml(decode_text(fs.read_bytes(path), str(path)), str(path)).data)
    return str(data.get("catalog")) if isinstance(data, dict) and data.get("catalog") is not None else None


def plan_undo(session: "Session", county: "County", change_id: str) -> dict[str, Any]:
    """What undoing a change would do: the files it restores and the records changed since."""
    from ..store import fs
    from .counties import complete_pending

    complete_pending(session, county)
    index = _read_index(session, county, change_id)
    layout = county.layout
    if index.get("zurueckgenommen"):
        raise RefusedError(f"Vorgang '{change_id}' wurde bereits zurückgenommen "
                           f"({index['zurueckgenommen'].get('datum')}); nichts zu tun.")
    target_pin = (index.get("nach") or {}).get("name")
    # read from the file: a change completed just now (a broken-off commit) moved the pin under the loaded profile
    current = _pin_in_file(layout.profile)
    if current != target_pin:
        raise RefusedError(
            f"Landkreis {county.name} arbeitet nicht mehr mit '{target_pin}' (sondern '{current}'); "
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
        referencing = dict(REFERENCING)
        moved_back: list[tuple[str, Any, Any]] = []
        for relative in index["geschrieben"]:
            if relative in referencing and relative in (index.get("vorher") or []):
                path = layout.data_dir / relative
                text_now = decode_text(fs.read_bytes(path), str(path)) if path.is_file() else ""
                text_before = decode_text(fs.read_bytes(archive / relative), str(archive / relative))
                moved_back.extend(_entry_changes(referencing[relative], _plain_of(text_now, path),
                                                 _plain_of(text_before, path)))
                tx.put(path, text_before)
                continue
            if not relative.startswith("pruefungen/"):
                continue
            target = Path(relative).stem
            path = layout.data_dir / relative
            current = decode_text(fs.read_bytes(path), str(path)) if path.is_file() else None
            now.update(records_of(current, target))
            old_path = archive / relative
            if relative in (index.get("vorher") or []):
                old = decode_text(fs.read_bytes(old_path), str(old_path))
                restored.update(records_of(old, target))
                tx.put(path, old)
            elif path.exists():
                tx.delete(path)
        for relative in index.get("vorher") or []:
            if relative not in index["geschrieben"]:
                old = decode_text(fs.read_bytes(archive / relative), str(archive / relative))
                tx.put(layout.data_dir / relative, old)
                restored.update(records_of(old, Path(relative).stem))
        tx.put(layout.profile, fs.read_bytes(archive / "landkreis.yaml"))
        tx.journal(f"{UNDO_PREFIX}{change_id}", {"catalog": index.get("nach")}, {"catalog": index.get("von")}, actor)
        for key in sorted(set(now) | set(restored)):
            if now.get(key) != restored.get(key):
                tx.journal(key, now.get(key), restored.get(key), actor)
        for record, before, after in moved_back:
            tx.journal(record, before, after, actor)
        marked = dict(index)
        marked["zurueckgenommen"] = {"datum": session.today.isoformat(), "actor": actor, "erzwungen": bool(force)}
        tx.put(layout.archive_index(change_id), _dump(marked))
    for path in list(tx.files):
        session.store.forget(path)
    session.workspace_changed()
    return {"change": change_id, "restored": len(restored), "removed": len(set(now) - set(restored)),
            "journal_entries": len(tx.sealed)}


# -- references left for a decision ---------------------------------------------------------------


def decision_hint(kind: str, entry: str, value: str, county_key: str) -> str:
    """What the ISB does with a reference that did not follow the catalog change (German)."""
    if kind == "measure":
        return (f"in plan.yaml die Anforderung der Maßnahme {entry} auf die passende neue setzen oder die Maßnahme "
                f"verwerfen (ikz-isms plan set {entry} --state verworfen --county {county_key})")
    if kind == "risk":
        return f"in risiken.yaml bei Risiko {entry} den Verweis '{value}' durch die passende neue Anforderung ersetzen oder entfernen"
    if kind == "parameter":
        return (f"den eigenen Wert beim passenden neuen Parameter festlegen (ikz-isms model param NEU WERT --reason … "
                f"--county {county_key}) und '{value}' entfernen (ikz-isms model param {value} --remove "
                f"--county {county_key})")
    return (f"den passenden Nachfolger auslassen (ikz-isms model exclude ID --reason … --county {county_key}) "
            f"und '{value}' zurücknehmen (ikz-isms model exclude {value} --remove --county {county_key})")


def open_references(session: "Session", county: "County") -> list[dict[str, Any]]:
    """References a catalog change of the county left for a decision that still name the old id.

    Read from the archive of every change not undone (the latest wins); a reference the ISB has
    changed or removed since, or a measure discarded (``verworfen``), is no longer open. Files that cannot be read give nothing here:
    their own ``check`` rules say why.
    """
    from ..store import fs

    if not county.layout.archive_dir.is_dir():
        return []
    found: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for folder in sorted(p for p in fs.list_dir(county.layout.archive_dir) if p.is_dir()):
        try:
            index = _read_index(session, county, folder.name)
        except IkzError:
            continue
        if index.get("zurueckgenommen"):
            continue
        for item in index.get("verweise_offen") or []:
            if isinstance(item, dict):
                key = (str(item.get("file")), str(item.get("kind")), str(item.get("entry")), str(item.get("value")))
                found[key] = {**item, "change": index.get("vorgang") or folder.name,
                              "from": (index.get("von") or {}).get("name"), "to": (index.get("nach") or {}).get("name")}
    if not found:
        return []
    try:
        current = {(r.file, r.kind, r.entry, r.value) for r in _references(session, county)}
        discarded = _discarded_measures(session, county)
    except IkzError:
        return []
    return [item for key, item in found.items() if key in current
            and not (key[1] == "measure" and key[2] in discarded)]


def _discarded_measures(session: "Session", county: "County") -> set[str]:
    """Ids of measures the ISB discarded (``verworfen``): their old reference needs no decision any more."""
    from ..store import plain

    if not county.layout.plan.exists():
        return set()
    data = plain(session.store.parse(county.layout.plan, "plan").data) or {}
    return {str(m.get("id")) for m in data.get("massnahmen") or [] if m.get("state") == "verworfen"}
