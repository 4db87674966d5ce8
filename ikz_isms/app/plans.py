"""Use cases of the Realisierungsplan: the one view every output shows, updating it, changing a measure.

Plan changes are county changes: they run in the county transaction and are journaled
(``record`` = ``plan:<MASSNAHME>``), so the plan's history is as tamper-evident as the check's.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError

if TYPE_CHECKING:
    from ..assess.plan import Measure, PlanView
    from ..county import County
    from .session import Session

PLAN_HEADER = (
    "Realisierungsplan: je Lücke (nein/teilweise) des IT-Grundschutz-Checks eine Maßnahme.\n"
    "Bearbeitbar: title, description, responsible, deadline (JJJJ-MM-TT), cost (Euro, z. B. '1234.50'),\n"
    "state (geplant | in Umsetzung | umgesetzt | verworfen). 'ikz-isms plan update' ergänzt neue Lücken\n"
    "und aktualisiert priority, gap_status, level, modal_verb, effort; Ihre Angaben bleiben erhalten."
)


def stored_measures(session: "Session", county: "County") -> list["Measure"]:
    """The measures of ``plan.yaml`` (none when there is no plan yet); errors located."""
    from ..assess.plan import parse_plan

    path = county.layout.plan
    if not path.exists():
        return []
    return parse_plan(session.store.parse(path, "plan"))


def plan_view(session: "Session", county: "County", as_of: _dt.date) -> "PlanView":
    from ..assess.plan import plan_view as build_view

    assessment = session.assessment(county)
    path = county.layout.plan
    return build_view(assessment, stored_measures(session, county), as_of, exists=path.exists(),
                      path=session.workspace.layout.relative(path))


def update_plan(session: "Session", county: "County", as_of: _dt.date, *, actor: str) -> dict[str, Any]:
    """Create or refresh ``plan.yaml`` from the current gaps (edits kept, comments kept, journaled)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from ..assess.plan import DERIVED_FIELDS, build_plan, parse_plan, plan_notes
    from ..store import Parsed, parse_yaml, plain, schema
    from ..store.edit import dump_rt, load_rt
    from .counties import county_files

    assessment = session.assessment(county)
    path = county.layout.plan
    summary: dict[str, Any] = {"county": county.key, "name": county.profile.name, "added": [], "refreshed": [], "closed": []}
    with county_files(session, county).transaction() as tx:
        if path.exists():
            text = session.store.text(path, "plan")
            parsed = parse_yaml(text, str(path))
            data = plain(parsed.data)
            schema.raise_first(schema.problems(data, "plan", parsed), str(path))
            existing = parse_plan(Parsed(data, str(path), parsed.root))
            document = load_rt(text, str(path))
        else:
            existing = []
            document = CommentedMap()
            document["massnahmen"] = CommentedSeq()
            document.yaml_set_start_comment(PLAN_HEADER)
        old_values = {m.id: m.as_dict() for m in existing}
        measures = build_plan(assessment, existing, as_of)
        if document.get("massnahmen") is None:
            document["massnahmen"] = CommentedSeq()
        items = document["massnahmen"]
        index = {str(item["id"]): item for item in items}
        for measure in measures:
            values = measure.as_dict()
            values["deadline"] = measure.deadline
            entry = index.get(measure.id)
            if entry is None:
                entry = CommentedMap()
                for name in ("id", "requirement", "target", "title", "description", "responsible", "deadline",
                             "cost", "priority", "state", *DERIVED_FIELDS[1:]):
                    if values[name] is not None or name in ("deadline", "cost"):
                        entry[name] = values[name]
                items.append(entry)
                summary["added"].append(measure.id)
                continue
            changed = False
            for name in DERIVED_FIELDS:
                if values[name] is not None and entry.get(name) != values[name]:
                    entry[name] = values[name]
                    changed = True
            if entry.get("state") != measure.state:
                entry["state"] = measure.state
                entry.yaml_add_eol_comment(f"# Lücke laut Check geschlossen ({as_of.isoformat()})", "state")
                summary["closed"].append(measure.id)
            elif changed:
                summary["refreshed"].append(measure.id)
        new_text = dump_rt(document)
        check = parse_yaml(new_text, str(path))
        schema.raise_first(schema.problems(plain(check.data), "plan", check), str(path), hint="")
        if summary["added"] or summary["refreshed"] or summary["closed"] or not path.exists():
            tx.put(path, new_text)
            for measure in measures:
                new = measure.as_dict()
                if old_values.get(measure.id) != new:
                    tx.journal(f"plan:{measure.id}", old_values.get(measure.id), new, actor)
    session.store.forget(path)
    summary["measures"] = len(measures)
    summary["notes"] = [{"id": k, "note": v} for k, v in plan_notes(assessment, measures).items()]
    summary["plan_file"] = session.workspace.layout.relative(path)
    return summary


def set_measure(session: "Session", county: "County", measure_id: str, changes: dict[str, Any], *,
                actor: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Change fields of one measure (responsible, deadline, cost, state, title, description)."""
    from ..assess.plan import STATES, check_plan, parse_measure
    from ..store.edit import ItemEdit
    from .counties import county_files

    if changes.get("state") is not None and changes["state"] not in STATES:
        raise InputError(f"unbekannter Stand '{changes['state']}' (erlaubt: {', '.join(STATES)}).")
    if not changes:
        raise InputError("Nichts zu ändern.")
    path = county.layout.plan
    if not path.exists():
        raise NotFoundError(
            f"Landkreis {county.profile.name} hat noch keinen Realisierungsplan "
            f"(ikz-isms plan update --county {county.key}).",
            path=str(path),
        )
    with county_files(session, county).transaction() as tx:
        text = session.store.text(path, "plan")
        # the store's read, schema-checked: from the derived cache when these bytes were read or written before
        parsed = session.store.parse(path, "plan")
        data = parsed.data
        check_plan(parsed)
        items = data.get("massnahmen") or []
        at = next((i for i, item in enumerate(items) if str(item.get("id")) == measure_id), None)
        if at is None:
            raise NotFoundError(f"Maßnahme '{measure_id}' gibt es im Plan nicht.", path=str(path))
        old = dict(items[at])
        new = dict(old)
        for name, value in changes.items():
            new[name] = value.isoformat() if isinstance(value, _dt.date) else value
        # only compared with the new document, never changed: the other measures need no copies
        expected = dict(data)
        expected["massnahmen"] = list(items)
        expected["massnahmen"][at] = new

        # the measure's own lines are edited as text where they are plain (no round-trip engine)
        edit = ItemEdit(changes, items[at])

        def fallback(document: Any) -> None:
            edit(next(i for i in document["massnahmen"] if str(i["id"]) == measure_id))

        new_text, check = session.store.new_document_for_items(path, "plan", ("massnahmen",), {at: edit}, [],
                                                               expected, fallback, text=text, parsed=parsed)
        if check.data == expected and "id" not in changes:
            # the old plan passed check_plan just now, and only this measure changed (not its id)
            parse_measure(check, at)
        else:
            check_plan(check)
        if old != new:
            tx.put(path, new_text)
            tx.journal(f"plan:{measure_id}", old, new, actor)
    session.store.forget(path)
    if old != new:
        session.store.remember(path, "plan", new_text.encode("utf-8"), check)
    return old, new
