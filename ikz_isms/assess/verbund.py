"""The Verbund view: counties × layers/practices, fulfilment per approach, trend, shared gaps.

Pure functions in two steps:

1. :func:`county_figures` turns one county's :class:`~ikz_isms.assess.Assessment` and its
   journal into plain, JSON-ready figures (all detail; this is what the derived cache keeps).
2. :func:`verbund_view` combines the figures of all counties into the document
   ``assess --verbund`` shows: it applies each county's disclosure policy, groups counties
   by catalog pin (content hash) so only like is compared with like, pseudonymises names on
   request and lists the gaps several counties share.

Trend (from the journal, see ``docs/verbund.md``): the current records are the state
*now*; walking the journal from its newest entry to its oldest and undoing each change
(``new`` → ``old``) gives the state at every earlier moment. The state is sampled at the
end of every calendar quarter since the first journal entry. Applicability is today's
modelling throughout, so a point says "how much of what applies today was fulfilled then".
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..catalog.transition import MIGRATED_PREFIX
from .records import DONE_STATUSES, STATUSES
from .summary import FULFILMENT_RULE, basis_gaps

if TYPE_CHECKING:
    from ..catalog.model import Group
    from ..county import CountyProfile
    from . import Assessment

#: bump when the figures' shape or meaning changes, so derived caches are rebuilt
#: (6: the county's chosen approach; Kern-Absicherung covers only the Kronjuwelen)
FIGURES_FORMAT = 6

OPEN_STATUSES = ("unbearbeitet", "teilweise", "nein")
NO_DISCLOSURE = "keine Freigabe"
TREND_METHOD = (
    "Verlauf aus dem Journal: vom aktuellen Stand der Prüfeinträge rückwärts jede Änderung "
    "(neu → alt) zurückgenommen; Stand am Ende jedes Quartals seit dem ersten Journaleintrag; "
    "anwendbar ist durchgehend die heutige Modellierung; Änderungen ohne Journaleintrag "
    "(Handbearbeitung) erscheinen, als hätten sie immer gegolten"
)


def quarter_label(day: _dt.date) -> str:
    return f"Q{(day.month - 1) // 3 + 1}/{day.year}"


def quarter_ends(first: _dt.date, today: _dt.date) -> list[_dt.date]:
    """Ends of the quarters from ``first``'s up to the last one completed before ``today``."""
    ends: list[_dt.date] = []
    year, quarter = first.year, (first.month - 1) // 3
    while True:
        end_month = quarter * 3 + 3
        end = _dt.date(year, end_month, 31 if end_month in (3, 12) else 30)
        if end >= today:
            return ends
        ends.append(end)
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)


def _status(value: Any) -> str:
    return value if value in STATUSES else "unbearbeitet"


def _record_status(record: Any) -> str:
    """Status of a journaled record value (``None``: the record did not exist)."""
    if not isinstance(record, Mapping):
        return "unbearbeitet"
    return _status(record.get("status"))


def county_figures(assessment: Assessment, journal_entries: Sequence[Mapping[str, Any]], *, journal_intact: bool,
                   today: _dt.date) -> dict[str, Any]:
    """All figures of one county, JSON-ready; disclosure is applied later by :func:`verbund_view`."""
    catalog = assessment.catalog
    records = assessment.data.records
    edition = assessment.edition
    approaches = edition.approach_ids
    order = {rid: index for index, rid in enumerate(catalog.requirements)}
    layer_of: dict[str | None, Group | None] = {}
    totals = {a: dict.fromkeys(STATUSES, 0) for a in approaches}
    layers: dict[str, dict[str, dict[str, int]]] = {}
    open_reqs: dict[str, dict[str, Any]] = {}
    current: dict[tuple[str, str], str] = {}
    applies: dict[tuple[str, str], frozenset[str]] = {}
    # figures that rest on records a migration proposed and nobody has confirmed yet
    migrated = {a: {"records": 0, "fulfilled": 0} for a in approaches}
    by_pair = records.records
    # pairs counted by (approaches, requirement group, status) first: a few hundred distinct
    # keys for thousands of pairs; each key is then added to its approaches' and layer's counts
    tally: dict[tuple[frozenset[str], str | None, str], int] = {}
    for pair in assessment.pairs:
        pair_approaches = pair.approaches
        if not pair_approaches:
            continue
        req = pair.requirement
        key = (req.id, pair.target.id)
        record = by_pair.get(key)
        if record is None:
            status = "unbearbeitet"
        else:
            status = record.status
            if record.provenance.startswith(MIGRATED_PREFIX):
                for approach in pair_approaches:
                    migrated[approach]["records"] += 1
                    migrated[approach]["fulfilled"] += status in DONE_STATUSES
        current[key] = status
        applies[key] = pair_approaches
        counted = (pair_approaches, req.group, status)
        tally[counted] = tally.get(counted, 0) + 1
        if status in OPEN_STATUSES:
            entry = open_reqs.get(req.id)
            if entry is None:
                entry = open_reqs[req.id] = {"title": req.title, "order": order.get(req.id, 0),
                                             "approaches": set(), "statuses": set()}
            entry["approaches"].update(pair_approaches)
            entry["statuses"].add(status)
    # per requirement group: the counts of its top group (layer); most pairs share a few groups
    counts_of: dict[str | None, dict[str, dict[str, int]]] = {}
    for (pair_approaches, group_id, status), count in tally.items():
        layer_counts = counts_of.get(group_id)
        if layer_counts is None:
            if group_id not in layer_of:
                layer_of[group_id] = catalog.top_group(group_id)
            layer = layer_of[group_id]
            layer_id = layer.id if layer else ""
            layer_counts = layers.get(layer_id)
            if layer_counts is None:
                layer_counts = layers[layer_id] = {a: dict.fromkeys(STATUSES, 0) for a in approaches}
            counts_of[group_id] = layer_counts
        for approach in pair_approaches:
            totals[approach][status] += count
            layer_counts[approach][status] += count
    group_order = {gid: index for index, gid in enumerate(catalog.groups)}
    layer_titles = {}
    for gid in sorted(layers, key=lambda g: group_order.get(g, len(group_order))):
        group = catalog.groups.get(gid)
        layer_titles[gid] = [group.title if group else "ohne Gruppe", group_order.get(gid, len(group_order))]
    pin = assessment.pin
    return {
        "format": FIGURES_FORMAT,
        "edition": edition.id,
        "labels": {"layer": edition.layer_label, "layer_plural": edition.layer_label_plural,
                   "module": edition.module_label, "basis": edition.basis_label},
        "approach_labels": [{"id": a.id, "label": a.label, "short": a.short} for a in edition.approaches],
        "catalog": {
            "name": pin.name if pin else None,
            "title": catalog.title,
            "version": pin.version if pin else catalog.version,
            "sha256": pin.sha256 if pin else None,
        },
        "targets": len(assessment.data.targets),
        # the approach the county follows (its choice or the edition's default)
        "approach": assessment.approach,
        "approaches": totals,
        "layers": {gid: layers[gid] for gid in layer_titles},
        "layer_titles": layer_titles,
        "open": {rid: {**e, "approaches": sorted(e["approaches"]), "statuses": sorted(e["statuses"])}
                 for rid, e in open_reqs.items()},
        "open_basis": len({gap["requirement"] for gap in basis_gaps(assessment)}),
        "invalid_records": len(records.invalid),
        "migrated": migrated if any(m["records"] for m in migrated.values()) else None,
        "trend": trend(current, applies, totals, journal_entries, today),
        "journal": {"entries": len(journal_entries), "intact": journal_intact,
                    "head": str(journal_entries[-1].get("hash")) if journal_entries else None},
        "state_date": _state_date(records, journal_entries),
    }


def _state_date(records: Any, entries: Sequence[Mapping[str, Any]]) -> str | None:
    """The data's state (Datenstand): the latest check date or journal time, as the county report shows it."""
    from ..report.model import state_date

    # the latest of the distinct dates (most records share their check day with others)
    dates: set[str | None] = {r.checked for r in records}
    dates.update(str(e.get("time") or "") for e in entries)
    day = state_date(dates)
    return day.isoformat() if day else None


def trend(current: dict[tuple[str, str], str], applies: dict[tuple[str, str], frozenset[str]],
          totals: Mapping[str, Mapping[str, int]], entries: Sequence[Mapping[str, Any]],
          today: _dt.date) -> list[dict[str, Any]]:
    """Fulfilled/applicable per approach at each quarter end since the first journal entry, then now.

    The last point ("aktuell") carries no date, so cached figures stay valid all quarter.
    """
    fulfilled = {a: sum(counts[s] for s in DONE_STATUSES) for a, counts in totals.items()}
    applicable = {a: sum(counts.values()) for a, counts in totals.items()}
    now = {"date": None, "label": "aktuell", "fulfilled": dict(fulfilled), "applicable": applicable}
    dated = [e for e in entries if isinstance(e.get("time"), str) and len(e["time"]) >= 10]
    if not dated:
        return [now]
    first = min(_dt.date.fromisoformat(e["time"][:10]) for e in dated)
    state = dict(current)
    points = [now]
    position = len(dated)
    for end in reversed(quarter_ends(first, today)):
        boundary = end.isoformat()
        # undo, newest first, every change made after this quarter's last day
        while position > 0 and dated[position - 1]["time"][:10] > boundary:
            position -= 1
            entry = dated[position]
            key = _pair_key(entry.get("record"))
            if key not in applies:
                continue
            before, after = _record_status(entry.get("old")), state[key]
            state[key] = before
            change = (before in DONE_STATUSES) - (after in DONE_STATUSES)
            if change:
                for approach in applies[key]:
                    fulfilled[approach] += change
        points.append({"date": boundary, "label": quarter_label(end), "fulfilled": dict(fulfilled),
                       "applicable": applicable})
    points.reverse()
    return points


def _pair_key(record: Any) -> tuple[str, str] | None:
    if not isinstance(record, str) or "@" not in record:
        return None
    requirement, target = record.rsplit("@", 1)
    return requirement, target


def _alphabetic(index: int) -> str:
    """A, B, …, Z, AA, AB, … (spreadsheet column style)."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def pseudonyms(keys: Iterable[str], secret: str,
               digest: "Callable[[str, str], str] | None" = None) -> dict[str, str]:
    """Stable pseudonyms "Landkreis A", "B", … assigned in the order of a keyed hash of each key.

    The same keys and secret always give the same labels; the order of the labels follows
    the keyed hash (HMAC-SHA-256 with the Verbund's secret), not the names or the membership
    list, so a reader without the secret cannot tell which county is which from the labels.
    What they do not hide: sizes (number of target objects or applicable requirements) and
    the set of members (see docs/verbund.md).
    """
    keyed = digest or _hmac

    ordered = sorted(set(keys), key=lambda k: (keyed(secret, k), k))
    return {key: f"Landkreis {_alphabetic(index)}" for index, key in enumerate(ordered)}


def _hmac(secret: str, key: str) -> str:
    import hmac

    return hmac.new(secret.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()


def _ratio(done: int, total: int) -> float | None:
    return round(done / total, 4) if total else None


def _tally(counts: Mapping[str, int], *, detail: bool) -> dict[str, Any]:
    applicable = sum(counts.values())
    fulfilled = sum(counts[s] for s in DONE_STATUSES)
    result: dict[str, Any] = {"applicable": applicable, "fulfilled": fulfilled, "fulfilment": _ratio(fulfilled, applicable)}
    if detail:
        result["status"] = dict(counts)
    return result


def _catalog_label(catalog: Mapping[str, Any]) -> str:
    sha = (catalog.get("sha256") or "")[:12]
    return f"{catalog.get('name')} „{catalog.get('title')}“ ({catalog.get('version')}, sha256 {sha or '–'})"


def verbund_view(
    verbund: str,
    counties: list[tuple[CountyProfile, dict[str, Any] | None]],
    *,
    approach: str | None = None,
    pseudonymise: bool = False,
    secret: str = "",
    min_shared: int = 2,
    today: _dt.date | None = None,
    digest: "Callable[[str, str], str] | None" = None,
    refused: Sequence[tuple[str, str, list[str]]] = (),
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """The Verbund document from (profile, figures) per county; figures ``None`` for disclosure none.

    ``figures`` are what the county's disclosure package holds (already filtered by its
    policy, :mod:`ikz_isms.app.disclosure`); ``refused`` are (key, name, reasons) of members
    whose package could not be used. Counties are grouped by catalog content hash; figures of
    different groups are never put side by side, and every group after the first says why
    (``comparable``).
    """
    keys = [p.key for p, _ in counties] + [key for key, _, _ in refused]
    names = pseudonyms(keys, secret, digest) if pseudonymise else {
        **{p.key: p.name for p, _ in counties}, **{key: name for key, name, _ in refused}}
    groups: dict[str, dict[str, Any]] = {}
    hidden = []
    for profile, figures in counties:
        if profile.disclosure == "none" or figures is None:
            hidden.append({"name": names[profile.key], "disclosure": "none", "status": NO_DISCLOSURE})
            continue
        sha = figures["catalog"]["sha256"] or f"ohne-pin:{figures['catalog']['name']}"
        group = groups.setdefault(sha, _new_group(figures, approach))
        group["counties"].append(_county_entry(profile, figures, names[profile.key], group, today))
    result_groups: list[dict[str, Any]] = []
    for index, group in enumerate(groups.values()):
        _finish_group(group, min_shared, pseudonymise)
        if index:
            first = result_groups[0]["catalog"]
            group["comparable"] = (
                f"nicht vergleichbar: anderer Katalogstand {_catalog_label(group['catalog'])} als "
                f"Gruppe 1 ({_catalog_label(first)}); die Werte der Gruppen dürfen nicht verglichen werden."
            )
        result_groups.append(group)
    for group in result_groups:
        group.pop("approach_ids")
    # the reasons name counties and files; pseudonymised, only the fact is shown
    not_usable = [{"name": names[key],
                   "reasons": ["Paket nicht verwertbar (Einzelheiten: ikz-isms verbund verify)"] if pseudonymise
                   else list(reasons)} for key, _, reasons in refused]
    if pseudonymise:
        for group in result_groups:
            group["counties"].sort(key=lambda c: (len(c["name"]), c["name"]))
        hidden.sort(key=lambda c: (len(c["name"]), c["name"]))
        not_usable.sort(key=lambda c: (len(c["name"]), c["name"]))
    return {
        "verbund": verbund,
        "rule": FULFILMENT_RULE,
        "trend_method": TREND_METHOD,
        "pseudonymised": pseudonymise,
        "approach": approach,
        "comparable": len(result_groups) <= 1,
        "groups": result_groups,
        "not_disclosed": hidden,
        "refused": not_usable,
        "notes": list(notes),
    }


def _new_group(figures: dict[str, Any], approach: str | None) -> dict[str, Any]:
    known = figures["approach_labels"]
    ids = [a["id"] for a in known if approach in (None, a["id"])]
    return {
        "catalog": {**figures["catalog"], "edition": figures["edition"]},
        "labels": figures["labels"],
        "comparable": None,
        "note": None if ids else f"Vorgehensweise '{approach}' gibt es in diesem Katalog nicht; keine Werte.",
        "approaches": [dict(a) for a in known if a["id"] in ids],
        "approach_ids": ids,
        "layers": {},
        "counties": [],
        "shared_gaps": [],
        "_open": {},
    }


def _county_entry(profile: Any, figures: dict[str, Any], name: str, group: dict[str, Any],
                  today: _dt.date | None) -> dict[str, Any]:
    """One county's row: what its package holds; its open requirements feed the shared gaps.

    A ``full`` county is named in the shared gaps; an ``aggregate`` county that allows its
    requirement ids is counted there without its name; others do not contribute.
    """
    ids = group["approach_ids"]
    entry: dict[str, Any] = {
        "name": name,
        "disclosure": profile.disclosure,
        "approaches": {a: _tally(figures["approaches"].get(a, {}), detail=True) for a in ids},
        "trend": [
            {"date": p["date"] or (today.isoformat() if today else None), "label": p["label"],
             "fulfilment": {a: _ratio(p["fulfilled"].get(a, 0), p["applicable"].get(a, 0)) for a in ids}}
            for p in figures["trend"]
        ],
        "targets": figures["targets"],
        "approach": figures.get("approach"),
        "layers": {
            gid: {a: _tally(counts.get(a, {}), detail=False) for a in ids} for gid, counts in figures["layers"].items()
        },
        "open_requirements": figures.get("open_requirements", len(figures.get("open") or {})),
        "open_basis": figures.get("open_basis"),
        "journal": figures.get("journal"),
        # which figures rest on migrated, not yet confirmed records (catalog migrate)
        "migrated": {a: figures["migrated"][a] for a in ids if a in figures["migrated"]}
        if figures.get("migrated") else None,
    }
    for gid, (title, position) in figures["layer_titles"].items():
        group["layers"].setdefault(gid, (position, title))
    opened = figures.get("open")
    if opened is None:
        entry["shared_gaps"] = "nicht freigegeben"
        return entry
    named = profile.disclosure == "full"
    entry["shared_gaps"] = "mit Namen" if named else "ohne Namen gezählt"
    wanted = frozenset(ids)
    for rid, info in opened.items():
        if wanted.isdisjoint(info["approaches"]):
            continue
        shared = group["_open"].setdefault(rid, {"title": info["title"], "order": info["order"], "counties": [],
                                                  "unnamed": 0})
        if named:
            shared["counties"].append(name)
        else:
            shared["unnamed"] += 1
    return entry


def _finish_group(group: dict[str, Any], min_shared: int, pseudonymise: bool) -> None:
    gaps = [
        {"requirement": rid, "title": e["title"], "counties": len(e["counties"]) + e["unnamed"],
         "names": sorted(e["counties"], key=lambda n: (len(n), n)) if pseudonymise else e["counties"],
         "unnamed": e["unnamed"], "_order": e["order"]}
        for rid, e in group.pop("_open").items()
        if len(e["counties"]) + e["unnamed"] >= min_shared
    ]
    gaps.sort(key=lambda g: (-g["counties"], g["_order"]))
    for gap in gaps:
        gap.pop("_order")
    group["shared_gaps"] = gaps
    group["shared_gaps_from"] = sum(1 for c in group["counties"] if c["shared_gaps"] != "nicht freigegeben")
    group["layers"] = [
        {"id": gid, "title": title} for gid, (_, title) in sorted(group["layers"].items(), key=lambda item: item[1][0])
    ]
