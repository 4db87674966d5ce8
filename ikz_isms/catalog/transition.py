"""Moving a county's check records to another catalog: a G++ release upgrade, or the migration
Edition 2023 → Grundschutz++ on BSI's mapping. Pure functions: records and catalogs in, a plan out.

**Upgrade** (:func:`plan_upgrade`). Records follow their requirement to the new release by
the stable ``alt-identifier`` (:func:`ikz_isms.catalog.diff.paired_changes`): a renumbered
control takes its records along; a changed statement (text, modal verb or level) flags the
record for re-check (``recheck``); a removed control's records are archived; controls new in
the release have no record and count as ``unbearbeitet``.

**Migration** (:func:`plan_migration`). Every mapped (Edition 2023 requirement, target object)
record proposes a record of the G++ control on the same target object, if G++ models that
control there. ``equal-to``/``equivalent-to`` carry the status (provenance
``migriert aus …``); ``subset-of``/``superset-of``/``intersects-with`` are proposals that need a
decision (status ``unbearbeitet`` with the source's status in ``recheck``). A sub-requirement
source (``…-UA.n``) carries ``ja``, ``nein`` and ``entbehrlich`` of its requirement — they hold
for every part — but ``teilweise`` says nothing about the part, so it becomes a proposal.
Several sources that carry different statuses are a conflict: a proposal too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .mapping import CARRYING, RELATIONSHIP_LABELS, RELATIONSHIPS, Map, MappingCollection

if TYPE_CHECKING:
    from ..assess.records import CheckRecord
    from .model import Catalog

#: fields whose change means the requirement asks something else: the record needs a re-check
RECHECK_FIELDS = ("statement", "modal_verb", "level")
MIGRATED_PREFIX = "migriert aus "
#: statuses a sub-requirement inherits from its requirement (they hold for every part)
WHOLE_STATUSES = frozenset({"ja", "nein", "entbehrlich"})
_MAX_TEXT = 20000
_MAX_PROVENANCE = 300


@dataclass
class Arrival:
    """A record the transition writes: ``record`` is its new value (plain, with ``requirement``).

    ``kind``: ``unchanged`` (nothing to write), ``renumbered``, ``recheck`` (upgrade);
    ``carried``, ``proposal`` (migration). ``sources`` are the records it comes from.
    """

    kind: str
    requirement: str
    target: str
    record: dict[str, Any]
    sources: list[CheckRecord]
    relationships: tuple[str, ...] = ()
    note: str = ""
    #: migration: keys of the sources whose status the record carries (the others only point here)
    carried: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.requirement, self.target)


REFERENCE_LABELS = {"measure": "Maßnahme", "risk": "Risiko", "exclusion": "Auslassung", "parameter": "Parameter"}
#: what the dry run and ``check`` call a reference that cannot follow by itself
DECISION = "Entscheidung nötig"


@dataclass
class Reference:
    """A requirement id named outside the check records, and where the transition takes it.

    ``kind``: ``measure`` (Realisierungsplan, ``plan.yaml``), ``risk`` (Risikoregister,
    ``risiken.yaml``, a risk's ``requirements``), ``exclusion`` (``zielobjekte.yaml``, a
    requirement left out of the modelling) or ``parameter`` (``zielobjekte.yaml``, the
    county's value of a parameter; ``value`` is the parameter id, ``requirement`` its control,
    and ``new`` the successor control's parameter, see :func:`follow_parameters`). ``target`` is the target object for a measure or
    a risk, ``None`` for an exclusion; ``many``: the field is a list (a risk may arise from
    several successors). After :func:`route_references` either ``new`` holds the values
    that replace ``value`` or ``decision`` says (German) why the reference stays as it is.
    """

    file: str
    kind: str
    entry: str
    value: str
    requirement: str
    target: str | None = None
    many: bool = False
    new: tuple[str, ...] = ()
    decision: str = ""
    candidates: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "entry": self.entry, "value": self.value,
                "requirement": self.requirement, "target": self.target, "new": list(self.new),
                "decision": self.decision or None, "candidates": list(self.candidates)}


@dataclass(frozen=True)
class Follow:
    """Where a requirement of the old catalog goes: ``ids`` (it moves), or why it cannot (``decision``)."""

    ids: tuple[str, ...] = ()
    decision: str = ""
    candidates: tuple[str, ...] = ()


@dataclass
class Plan:
    """What a transition moves, for one county; the dry run shows it, the apply writes it."""

    kind: str  # "upgrade" | "migration"
    arrivals: list[Arrival] = field(default_factory=list)
    #: records that leave the check without successor (archived with their history)
    archived: list[tuple[CheckRecord, str]] = field(default_factory=list)
    #: records that stay as they are (upgrade: requirement unknown to the old catalog)
    untouched: list[CheckRecord] = field(default_factory=list)
    #: new requirements (upgrade) / G++ controls no mapped record reaches (migration), modelled here
    new_requirements: list[str] = field(default_factory=list)
    new_pairs: int = 0
    #: migration: statistics and coverage (see :func:`plan_migration`)
    details: dict[str, Any] = field(default_factory=dict)
    #: requirement ids named outside the check records (see :func:`route_references`)
    references: list[Reference] = field(default_factory=list)
    #: upgrade: old id → new id of every requirement that survived (the alt-identifier join)
    successors: dict[str, str] = field(default_factory=dict, repr=False)

    def counts(self) -> dict[str, int]:
        kinds = Counter(a.kind for a in self.arrivals)
        result = {kind: kinds.get(kind, 0) for kind in ("unchanged", "renumbered", "recheck", "carried", "proposal")}
        result["archived"] = len(self.archived)
        result["untouched"] = len(self.untouched)
        result["new_pairs"] = self.new_pairs
        result["references_moved"] = sum(1 for r in self.references if r.new)
        result["references_open"] = sum(1 for r in self.references if r.decision)
        return result


def _recheck_text(fields: Iterable[str], old_label: str, new_label: str) -> str:
    from .diff import FIELD_LABELS

    changed = ", ".join(FIELD_LABELS[name] for name in fields)
    return f"{changed} geändert ({old_label} → {new_label}): Umsetzung erneut prüfen."


def plan_upgrade(old: Catalog, new: Catalog, records: Iterable[CheckRecord],
                 modelled: set[tuple[str, str]], *, old_label: str, new_label: str) -> Plan:
    """Move records from release ``old`` to ``new`` along the alt-identifier (see module doc)."""
    from .diff import paired_changes

    pairs = paired_changes(old, new)
    plan = Plan("upgrade")
    for record in records:
        if record.requirement not in old.requirements:
            plan.untouched.append(record)
            continue
        paired = pairs.get(record.requirement)
        if paired is None:
            plan.archived.append((record, f"in {new_label} entfallen"))
            continue
        new_req, changed = paired
        value = record.as_dict()
        value.pop("target", None)
        value["requirement"] = new_req.id
        flagged = [name for name in changed if name in RECHECK_FIELDS]
        if flagged:
            value["recheck"] = _recheck_text(flagged, old_label, new_label)
            kind = "recheck"
        elif new_req.id != record.requirement:
            kind = "renumbered"
        else:
            kind = "unchanged"
        plan.arrivals.append(Arrival(kind, new_req.id, record.target, value, [record],
                                     note=", ".join(flagged)))
    plan.successors = {old_id: req.id for old_id, (req, _) in pairs.items()}
    successors = set(plan.successors.values())
    plan.new_requirements = [rid for rid in new.requirements if rid not in successors]
    new_ids = set(plan.new_requirements)
    plan.new_pairs = sum(1 for requirement, _ in modelled if requirement in new_ids)
    _refuse_collisions(plan)
    return plan


def _refuse_collisions(plan: Plan) -> None:
    from ..errors import RefusedError

    seen: dict[tuple[str, str], str] = {record.key: record.requirement for record in plan.untouched}
    for arrival in plan.arrivals:
        if arrival.key in seen:
            raise RefusedError(
                f"Prüfeintrag {arrival.requirement}@{arrival.target} entstünde zweimal (aus {seen[arrival.key]} "
                f"und {arrival.sources[0].requirement}); bitte zuerst bereinigen, nichts geändert."
            )
        seen[arrival.key] = arrival.sources[0].requirement if arrival.sources else ""


def _provenance(source_name: str, requirements: Iterable[str]) -> str:
    ids = list(dict.fromkeys(requirements))
    text = f"{MIGRATED_PREFIX}{source_name}: " + ", ".join(ids)
    if len(text) <= _MAX_PROVENANCE:
        return text
    shown: list[str] = []
    for rid in ids:
        candidate = f"{MIGRATED_PREFIX}{source_name}: " + ", ".join([*shown, rid]) + f" und {len(ids)} weitere"
        if len(candidate) > _MAX_PROVENANCE - 10:
            break
        shown.append(rid)
    return f"{MIGRATED_PREFIX}{source_name}: " + ", ".join(shown) + f" und {len(ids) - len(shown)} weitere"


def is_migrated(record: Mapping[str, Any] | CheckRecord) -> bool:
    """A record the migration proposed and nobody has confirmed since (``assess set`` confirms)."""
    provenance = record.get("provenance") if isinstance(record, Mapping) else record.provenance
    return str(provenance or "").startswith(MIGRATED_PREFIX)


def _joined(values: Iterable[str], sep: str) -> str:
    text = sep.join(dict.fromkeys(v for v in values if v))
    return text[:_MAX_TEXT]


def _carries(entry: Map, record: CheckRecord) -> bool:
    if entry.relationship not in CARRYING:
        return False
    return entry.sub is None or record.status in WHOLE_STATUSES


def _source_label(entry: Map, record: CheckRecord) -> str:
    return f"{entry.source} ({record.status}, {entry.relationship})"


def plan_migration(source: Catalog, target: Catalog, mapping: MappingCollection, records: Iterable[CheckRecord],
                   modelled: set[tuple[str, str]], *, source_name: str) -> Plan:
    """Propose G++ records from a county's Edition 2023 records on ``mapping`` (see module doc)."""
    plan = Plan("migration")
    by_uuid = target.by_uuid()
    maps_of = mapping.by_requirement()
    all_records = list(records)
    assessed = [r for r in all_records if r.status != "unbearbeitet"]
    relationships = {rel: {"maps": 0, "records": 0, "proposed": 0} for rel in RELATIONSHIPS}
    per_record_rels: dict[str, set[tuple[str, str]]] = {rel: set() for rel in RELATIONSHIPS}
    contributions: dict[tuple[str, str], list[tuple[Map, CheckRecord]]] = {}
    unresolved: Counter[str] = Counter()
    not_modelled: Counter[tuple[str, str]] = Counter()
    unmapped: list[CheckRecord] = []
    fate: dict[tuple[str, str], set[str]] = {}
    for record in assessed:
        entries = maps_of.get(record.requirement, [])
        if not entries:
            unmapped.append(record)
            continue
        for entry in entries:
            relationships[entry.relationship]["maps"] += 1
            per_record_rels[entry.relationship].add(record.key)
            control = by_uuid.get(entry.target_uuid or "")
            if control is None:
                unresolved[entry.target] += 1
                fate.setdefault(record.key, set()).add("unresolved")
                continue
            key = (control.id, record.target)
            if key not in modelled:
                not_modelled[key] += 1
                fate.setdefault(record.key, set()).add("not_modelled")
                continue
            contributions.setdefault(key, []).append((entry, record))
    for rel in RELATIONSHIPS:
        relationships[rel]["records"] = len(per_record_rels[rel])
    order = {rid: index for index, rid in enumerate(target.requirements)}
    for (control_id, target_id), found in sorted(contributions.items(), key=lambda i: (i[0][1], order[i[0][0]])):
        arrival = _arrival(control_id, target_id, found, source_name)
        plan.arrivals.append(arrival)
        for rel in arrival.relationships:
            relationships[rel]["proposed"] += 1
        for _, record in found:
            fate.setdefault(record.key, set()).add(arrival.kind)
    unmapped_keys = {r.key for r in unmapped}
    for record in all_records:
        if record.status == "unbearbeitet":
            reason = "unbearbeitet: nichts zu übernehmen"
        elif record.key in unmapped_keys:
            reason = "nicht im Mapping"
        elif not fate.get(record.key, set()) & {"carried", "proposal"}:
            reason = "Ziel-Control nicht auflösbar oder auf dem Zielobjekt nicht modelliert"
        else:
            continue
        plan.archived.append((record, reason))
    reached = {a.requirement for a in plan.arrivals}
    plan.new_requirements = sorted({rid for rid, _ in modelled if rid not in reached}, key=lambda rid: order.get(rid, 0))
    covered = {a.key for a in plan.arrivals}
    plan.new_pairs = sum(1 for key in modelled if key not in covered)
    outcome: Counter[str] = Counter()
    for record in assessed:
        kinds = fate.get(record.key, set())
        outcome["carried" if "carried" in kinds else "proposal" if "proposal" in kinds
                else "unmapped" if record.key in unmapped_keys else "lost"] += 1
    plan.details = {
        "relationships": relationships,
        "records": {"total": len(all_records), "assessed": len(assessed), **{k: outcome.get(k, 0) for k in
                    ("carried", "proposal", "unmapped", "lost")}},
        "unmapped_requirements": sorted({r.requirement for r in unmapped}),
        "unresolved_targets": dict(sorted(unresolved.items())),
        "not_modelled": len(not_modelled),
        "coverage": _coverage(target, plan, modelled),
        "collection": {"title": mapping.title, "version": mapping.version, "status": mapping.status,
                    "maps": len(mapping.maps), "counts": mapping.counts()},
    }
    return plan


def _arrival(control_id: str, target_id: str, found: list[tuple[Map, CheckRecord]], source_name: str) -> Arrival:
    carrying = [(entry, record) for entry, record in found if _carries(entry, record)]
    statuses = {record.status for _, record in carrying}
    sources = list(dict.fromkeys(record for _, record in found))
    rels = tuple(dict.fromkeys(entry.relationship for entry, _ in found))
    base: dict[str, Any] = {"requirement": control_id}
    if len(statuses) == 1:
        status = statuses.pop()
        carried = list(dict.fromkeys(record for _, record in carrying))
        base["status"] = status
        for name, sep in (("statement", " / "), ("responsible", ", ")):
            text = _joined((getattr(r, name) for r in carried), sep)
            if text:
                base[name] = text
        dates = sorted(r.checked for r in carried if r.checked)
        if dates:
            base["checked"] = dates[-1]
        evidence = list(dict.fromkeys(e for r in carried for e in r.evidence))[:200]
        if evidence:
            base["evidence"] = evidence
        base["provenance"] = _provenance(source_name, (r.requirement for r in carried))
        if status == "entbehrlich":
            base["reason"] = _joined((r.reason for r in carried), " / ") or "aus der Migration übernommen"
        others = [_source_label(e, r) for e, r in found if (e, r) not in carrying]
        if others:
            base["recheck"] = ("Übernommen aus " + ", ".join(_source_label(e, r) for e, r in carrying)
                               + "; außerdem zugeordnet: " + ", ".join(others))[:_MAX_TEXT]
        return Arrival("carried", control_id, target_id, base, sources, rels,
                       carried=tuple(dict.fromkeys(r.key for r in carried)))
    base["status"] = "unbearbeitet"
    responsible = _joined((r.responsible for r in sources), ", ")
    if responsible:
        base["responsible"] = responsible
    evidence = list(dict.fromkeys(e for r in sources for e in r.evidence))[:200]
    if evidence:
        base["evidence"] = evidence
    base["provenance"] = _provenance(source_name, (r.requirement for r in sources))
    why = "widersprüchliche Status" if len(statuses) > 1 else "keine gleichwertige Zuordnung"
    base["recheck"] = (f"Vorschlag aus der Migration ({why}), bitte entscheiden: "
                       + ", ".join(_source_label(e, r) for e, r in found))[:_MAX_TEXT]
    return Arrival("proposal", control_id, target_id, base, sources, rels)


def _coverage(target: Catalog, plan: Plan, modelled: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Per practice (Praktik) of the target catalog: modelled pairs, carried, proposals, carried share."""
    rows: dict[str, dict[str, Any]] = {}
    top_of: dict[str, str] = {}

    def practice(requirement_id: str) -> str:
        if requirement_id not in top_of:
            req = target.requirements.get(requirement_id)
            top = target.top_group(req.group) if req else None
            top_of[requirement_id] = top.id if top else ""
        return top_of[requirement_id]

    for requirement_id, _ in modelled:
        row = rows.setdefault(practice(requirement_id), {"applicable": 0, "carried": 0, "proposal": 0})
        row["applicable"] += 1
    for arrival in plan.arrivals:
        rows.setdefault(practice(arrival.requirement), {"applicable": 0, "carried": 0, "proposal": 0})[arrival.kind] += 1
    order = {gid: index for index, gid in enumerate(target.groups)}
    result = []
    for gid in sorted(rows, key=lambda g: order.get(g, len(order))):
        row = rows[gid]
        group = target.groups.get(gid)
        share = round(row["carried"] / row["applicable"], 4) if row["applicable"] else None
        result.append({"practice": gid, "title": group.title if group else "ohne Praktik", **row, "carried_share": share})
    return result


# -- references outside the check records ------------------------------------------------------


def upgrade_follow(plan: Plan, old: Catalog, *, new_label: str) -> Callable[[str], Follow | None]:
    """A requirement of release ``old`` follows its alt-identifier, as its records do."""

    def follow(requirement: str) -> Follow | None:
        if requirement not in old.requirements:
            return None
        successor = plan.successors.get(requirement)
        if successor is None:
            return Follow(decision=f"Anforderung {requirement} ist in {new_label} entfallen")
        return Follow((successor,))

    return follow


def migration_follow(source: Catalog, target: Catalog, mapping: MappingCollection, *,
                     target_label: str) -> Callable[[str], Follow | None]:
    """A requirement of Edition 2023 follows BSI's mapping only where every map is equal or equivalent."""
    by_uuid = target.by_uuid()
    maps_of = mapping.by_requirement()

    def follow(requirement: str) -> Follow | None:
        if requirement not in source.requirements:
            return None
        entries = maps_of.get(requirement)
        if not entries:
            return Follow(decision=f"{requirement} ist im Mapping nicht zugeordnet")
        found = [by_uuid.get(entry.target_uuid or "") for entry in entries]
        ids = tuple(dict.fromkeys(control.id for control in found if control is not None))
        relationships = {entry.relationship for entry in entries}
        if not relationships <= CARRYING:
            labels = ", ".join(RELATIONSHIP_LABELS[rel] for rel in RELATIONSHIPS
                               if rel in relationships and rel not in CARRYING)
            how = "teils" if relationships & CARRYING else "nur"
            return Follow(decision=f"{requirement} ist {how} als {labels} zugeordnet", candidates=ids)
        missing = [entry.target for entry, control in zip(entries, found, strict=True) if control is None]
        if missing:
            return Follow(decision=f"Ziel-Control {', '.join(dict.fromkeys(missing))} des Mappings fehlt in "
                                   f"{target_label}", candidates=ids)
        return Follow(ids)

    return follow


def _replacement(reference: Reference, requirement: str) -> str:
    """The new value: a risk's ``REQ@TARGET`` keeps its target object."""
    _, at, target = reference.value.partition("@")
    return f"{requirement}@{target}" if at else requirement


def route_references(plan: Plan, references: Iterable[Reference], follow: Callable[[str], Follow | None],
                     modelled: set[tuple[str, str]] | None = None) -> None:
    """Decide for every reference whether it follows (``new``) or needs a decision, into ``plan.references``.

    A reference to a requirement on a target object goes where that pair's record goes: in a
    migration to the controls whose record carries its status (a record that only becomes a
    proposal leaves the reference to the ISB). Without such a record — and for an exclusion —
    the requirement follows the catalog (:func:`upgrade_follow`, :func:`migration_follow`),
    onto pairs in ``modelled`` where given. A field holding one requirement (a measure, an
    exclusion) follows only a single successor, and two measures never end on one pair.
    References to ids the old catalog does not know are none of the change's business.
    """
    carried: dict[tuple[str, str], list[str]] = {}
    proposed: dict[tuple[str, str], list[str]] = {}
    if plan.kind == "migration":
        for arrival in plan.arrivals:
            for carrier in arrival.carried:
                carried.setdefault(carrier, []).append(arrival.requirement)
            for source in arrival.sources:
                if source.key not in arrival.carried:
                    proposed.setdefault(source.key, []).append(arrival.requirement)
    routed: list[Reference] = []
    staying: list[Reference] = []
    for reference in references:
        if reference.decision:
            routed.append(reference)
            continue
        key = (reference.requirement, reference.target) if reference.target is not None else None
        outcome: Follow | None
        if key is not None and key in carried:
            outcome = Follow(tuple(dict.fromkeys(carried[key])))
        elif key is not None and key in proposed:
            general = follow(reference.requirement)
            why = general.decision if general is not None and general.decision else (
                f"der Status von {key[0]}@{key[1]} gilt nicht für jeden zugeordneten Teil und geht nur als "
                "Vorschlag über")
            outcome = Follow(decision=why, candidates=tuple(dict.fromkeys(proposed[key])))
        else:
            outcome = follow(reference.requirement)
            if outcome is not None and not outcome.decision and key is not None and modelled is not None:
                on_target = tuple(rid for rid in outcome.ids if (rid, key[1]) in modelled)
                outcome = Follow(on_target) if on_target else Follow(
                    decision=f"{', '.join(outcome.ids)} ist auf Zielobjekt {key[1]} nicht modelliert",
                    candidates=outcome.ids)
        if outcome is None or (not outcome.decision and not outcome.ids):
            staying.append(reference)
            continue
        if outcome.decision:
            reference.decision, reference.candidates = outcome.decision, outcome.candidates
        elif len(outcome.ids) > 1 and not reference.many:
            reference.decision = (f"mehrere Nachfolger ({', '.join(outcome.ids)}); eine "
                                  f"{REFERENCE_LABELS[reference.kind]} nennt genau eine Anforderung")
            reference.candidates = outcome.ids
        elif outcome.ids == (reference.requirement,):
            staying.append(reference)
            continue
        else:
            reference.new = tuple(dict.fromkeys(_replacement(reference, rid) for rid in outcome.ids))
        routed.append(reference)
    _refuse_duplicates(routed, staying)
    plan.references = routed


def follow_parameters(plan: Plan, old: Catalog, new: Catalog) -> None:
    """Parameter references that follow their control: onto the successor control's parameter.

    BSI renumbers a parameter with its control (``perf.3.1-prm1`` becomes ``perf.4.1-prm1``
    when PERF.3.1 becomes PERF.4.1). The parameter at the same place of the successor takes
    the county's value where both controls have the same number of parameters, else the one
    with the same suffix (``-prm1``); without one it stays for a decision.
    """
    kept: list[Reference] = []
    for reference in plan.references:
        if reference.kind != "parameter" or not reference.new:
            kept.append(reference)
            continue
        before = old.requirements.get(reference.requirement)
        after = new.requirements.get(reference.new[0])
        old_ids = [p.id for p in before.params] if before is not None else []
        new_ids = [p.id for p in after.params] if after is not None else []
        successor = None
        if reference.value in old_ids and len(old_ids) == len(new_ids):
            successor = new_ids[old_ids.index(reference.value)]
        else:
            suffix = reference.value.rsplit("-", 1)[-1]
            same = [pid for pid in new_ids if pid.rsplit("-", 1)[-1] == suffix]
            successor = same[0] if len(same) == 1 else None
        if successor is None:
            reference.decision = (f"{reference.requirement} wird {reference.new[0]}, das keinen entsprechenden "
                                  "Parameter hat")
            reference.new = ()
            reference.candidates = tuple(new_ids)
        elif successor == reference.value:
            continue  # the control moved, its parameter kept its id: nothing to do
        else:
            reference.new = (successor,)
        kept.append(reference)
    plan.references = kept


def _refuse_duplicates(routed: list[Reference], staying: list[Reference]) -> None:
    """A measure or exclusion that would land where another already is stays, for a decision."""
    for kind in ("measure", "exclusion"):
        taken: dict[tuple[str, str | None], str] = {
            (r.requirement, r.target): r.entry for r in [*staying, *routed] if r.kind == kind and not r.new}
        for reference in routed:
            if reference.kind != kind or not reference.new:
                continue
            key = (reference.new[0], reference.target)
            if key in taken:
                label = REFERENCE_LABELS[kind]
                reference.decision = f"{label} {taken[key]} nennt bereits {reference.new[0]}" + (
                    f" auf {reference.target}" if reference.target else "")
                reference.candidates, reference.new = reference.new, ()
            else:
                taken[key] = reference.entry
