"""Changing check records: validated, one transaction with the journal, touching only what changed.

Records live in one file per target object (``pruefungen/<ZIELOBJEKT>.yaml``), so a write
parses and rewrites only that file — and within it only the changed record (see
:func:`ikz_isms.store.edit.splice_items`). A county still on the older all-in-one
``pruefungen.yaml`` is moved to the new layout in the same transaction as its next change;
each record's text, comments included, moves verbatim.
"""

from __future__ import annotations

import copy
import datetime as _dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..assess.modelling import Applicable
    from ..assess.records import RecordChange
    from ..county import County
    from ..store import Parsed
    from ..store.county import Transaction
    from .session import Session

HEADER = (
    "# IT-Grundschutz-Check für Zielobjekt {target}: status unbearbeitet | ja | teilweise | nein | entbehrlich (mit reason).\n"
    "# Änderungen am besten mit 'ikz-isms assess set' oder 'ikz-isms assess --interactive' (werden im Journal protokolliert).\n"
)


def validate_pair(assessment: "Assessment", requirement: str, target: str,
                  index: "Mapping[tuple[str, str], Applicable] | None" = None) -> "Applicable":
    """The modelled pair; an unknown requirement or target, or no modelling, raises (exit 3).

    ``index``: the pairs of the target objects concerned by key (else the assessment's own index)."""
    catalog = assessment.catalog
    county = assessment.county
    req = catalog.requirements.get(requirement)
    if req is None:
        raise NotFoundError(f"Anforderung '{requirement}' gibt es im Katalog {catalog.title} nicht.")
    if req.withdrawn:
        raise InputError(f"Anforderung '{requirement}' ist entfallen und wird nicht geprüft.")
    if assessment.data.target(target) is None:
        known = ", ".join(t.id for t in assessment.data.targets)
        raise NotFoundError(
            f"Zielobjekt '{target}' gibt es im Landkreis {county.profile.name} nicht (bekannt: {known}).",
            path=str(county.layout.targets),
        )
    pair = index.get((requirement, target)) if index is not None else assessment.pair(requirement, target)
    if pair is None:
        raise InputError(
            f"Anforderung '{requirement}' ist auf Zielobjekt '{target}' nicht modelliert "
            "(Bausteine bzw. Zielobjektkategorien in zielobjekte.yaml prüfen)."
        )
    return pair


def modelled(session: "Session", county: "County", records_of: "Collection[str]" = ()) -> "Assessment":
    """The county's structure modelled onto its catalog, with the check records of only the target
    objects ``records_of`` (their files and the older all-in-one file): what a write's rules need
    (the pair exists, is modelled, its file is valid) without reading the whole county.

    The run's full assessment is used where one was already built (it holds every record).
    """
    from ..assess import CountyData, assess_county
    from ..assess.records import RecordSet, parse_records
    from ..assess.structure import parse_decisions
    from ..assess.targets import resolve_needs, structure_problems
    from .counties import complete_pending, load_targets

    # the run's own assessment (Session.assessment) when it was built already: it holds every record
    built: Assessment | None = getattr(session, "_assessments", {}).get(county.key)
    if built is not None:
        return built
    complete_pending(session, county)
    targets, parsed = load_targets(session, county)
    needs = resolve_needs(targets, path=str(county.layout.targets))
    records = parse_records(_sources_of(session, county, set(records_of))) if records_of else RecordSet()
    data = CountyData(county, targets, needs, records, structure_problems(targets), parse_decisions(parsed))
    pin, catalog = session.county_catalog(county)
    return assess_county(data, catalog, pin, session.edition(catalog))


def _refuse_foreign(data: Any, path: Path, parsed: "Parsed") -> None:
    """A record file must be the file of the target object it names (``zielobjekt``)."""
    named = data.get("zielobjekt") if isinstance(data, dict) else None
    if named is not None and str(named) != path.stem:
        raise InputError(
            f"Datei gehört laut 'zielobjekt' zu '{named}', heißt aber '{path.name}' "
            "(Prüfdateien heißen wie ihr Zielobjekt).",
            path=str(path), location=parsed.location("zielobjekt"),
        )


def _sources_of(session: "Session", county: "County", wanted: set[str]) -> Iterator[tuple["Parsed", str | None]]:
    """The record sources of the wanted target objects: their files (if any) and the older all-in-one file."""
    from ..store import fs

    layout = county.layout
    if layout.legacy_records.exists():
        yield session.store.parse(layout.legacy_records, "pruefungen-alt"), None
    present = {path.stem for path in fs.list_dir(layout.records_dir, (".yaml",))}
    for target in sorted(wanted & present):
        path = layout.records_file(target)
        parsed = session.store.parse(path, "pruefungen")
        _refuse_foreign(parsed.data, path, parsed)
        yield parsed, target


def set_records(session: "Session", county: "County", changes: list["RecordChange"], *, actor: str,
                assessment: "Assessment | None" = None) -> list[tuple[dict[str, Any] | None, dict[str, Any]]]:
    """Apply changes in one transaction; returns (old, new) per change (plain, with ``target``).

    Every change is validated before anything is written (status, reason, the pair is
    modelled); fields not given keep their old value.
    """
    from ..assess.records import validate_change
    from .counties import county_files

    if assessment is None:
        assessment = modelled(session, county)
    # only the pairs of the target objects changed are looked up (a county has tens of thousands)
    concerned = {change.target for change in changes}
    index = {(p.requirement.id, p.target.id): p for p in assessment.pairs if p.target.id in concerned}
    for change in changes:
        validate_change(change)
        validate_pair(assessment, change.requirement, change.target, index)
    files = county_files(session, county)
    results: list[tuple[dict[str, Any] | None, dict[str, Any]]] = []
    with files.transaction() as tx:
        migrate_layout(session, county, tx)
        by_target: dict[str, list[tuple[int, "RecordChange"]]] = defaultdict(list)
        for position, change in enumerate(changes):
            by_target[change.target].append((position, change))
        outcome: dict[int, tuple[dict[str, Any] | None, dict[str, Any]]] = {}
        for target, group in by_target.items():
            outcome.update(_change_file(session, county, tx, target, group, actor))
        results = [outcome[i] for i in range(len(changes))]
    for path in list(tx.files):
        session.store.forget(path)
    return results


def _current_text(session: "Session", tx: "Transaction", path: Path) -> str | None:
    if path in tx.files:
        data = tx.files[path]
        return None if data is None else data.decode("utf-8")
    if not path.exists():
        return None
    return session.store.text(path, "pruefungen")


def _change_file(session: "Session", county: "County", tx: "Transaction", target: str,
                 group: list[tuple[int, "RecordChange"]], actor: str) -> dict[int, tuple[dict[str, Any] | None, dict[str, Any]]]:
    from ..store import parse_yaml, plain, schema
    from ..store.edit import dump_rt, to_rt

    path = county.layout.records_file(target)
    text = _current_text(session, tx, path)
    today = session.today
    if text is not None and path not in tx.files:
        # the file as the run read it (one parse per file per run): carries the hash and item
        # positions that let the write prove a splice item by item
        parsed = session.store.parse(path, "pruefungen", validate=False)
        data = parsed.data
        if data is not None:
            session.store.parse(path, "pruefungen")  # its schema problems, found once per run
            _refuse_foreign(data, path, parsed)
    elif text is not None:
        parsed = parse_yaml(text, str(path))
        data = plain(parsed.data) if parsed.data is not None else None
        if data is not None:
            schema.raise_first(schema.problems(data, "pruefungen", parsed), str(path))
            _refuse_foreign(data, path, parsed)
    else:
        parsed, data = None, None
    if not isinstance(data, dict):
        data = {"zielobjekt": target, "pruefungen": []}
    items: list[dict[str, Any]] = list(data.get("pruefungen") or [])
    # the records are copied one level deep (each item is replaced whole, never changed in place);
    # a deep copy of a file's thousands of records cost more than the splice
    expected = {key: value if key == "pruefungen" else copy.deepcopy(value) for key, value in data.items()}
    expected["pruefungen"] = [dict(item) for item in items]
    index: dict[str, int] = {}
    for position, item in enumerate(items):
        index.setdefault(str(item.get("requirement")), position)
    edits: dict[int, dict[str, Any]] = {}
    additions: list[dict[str, Any]] = []
    added: dict[str, int] = {}
    outcome: dict[int, tuple[dict[str, Any] | None, dict[str, Any]]] = {}
    for position, change in group:
        if change.requirement in added:
            old_item: dict[str, Any] | None = additions[added[change.requirement]]
        elif change.requirement in index:
            old_item = expected["pruefungen"][index[change.requirement]]
        else:
            old_item = None
        old = _with_target(old_item, target)
        new_item = change.apply(old_item, today)
        if "target" in (old_item or {}):
            new_item = {"requirement": new_item["requirement"], "target": target,
                        **{k: v for k, v in new_item.items() if k != "requirement"}}
        if change.requirement in added:
            additions[added[change.requirement]] = new_item
        elif change.requirement in index:
            at = index[change.requirement]
            expected["pruefungen"][at] = new_item
            edits[at] = new_item
        else:
            added[change.requirement] = len(additions)
            additions.append(new_item)
        new = _with_target(new_item, target)
        assert new is not None
        outcome[position] = (old, new)
        if _comparable(old) != _comparable(new):
            tx.journal(f"{change.requirement}@{target}", old, new, actor)
    expected["pruefungen"] = expected["pruefungen"] + additions
    if not edits and not additions:
        return outcome
    if text is None or parsed is None or parsed.data is None:
        body = dump_rt(to_rt({"zielobjekt": target, "pruefungen": [_yaml_values(i) for i in expected["pruefungen"]]}))
        new_text = HEADER.format(target=target) + body
    else:
        new_text = session.store.new_text_for_items(
            path, "pruefungen", ("pruefungen",),
            {at: _editor(values, items[at]) for at, values in edits.items()},
            [_yaml_values(item) for item in additions],
            expected,
            _fallback(edits, additions),
            text=text,
            parsed=parsed,
        )
    tx.put(path, new_text)
    return outcome


def _with_target(item: Mapping[str, Any] | None, target: str) -> dict[str, Any] | None:
    if item is None:
        return None
    result = {"requirement": item.get("requirement"), "target": target}
    result.update({k: v for k, v in item.items() if k not in ("requirement", "target")})
    return result


def _comparable(record: Mapping[str, Any] | None) -> Any:
    if record is None:
        return None
    return {k: v for k, v in record.items() if k != "target"}


def _yaml_values(item: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values as the YAML should show them: dates as dates (unquoted)."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key == "checked" and isinstance(value, str):
            try:
                out[key] = _dt.date.fromisoformat(value)
                continue
            except ValueError:
                pass
        out[key] = value
    return out


def _editor(values: Mapping[str, Any], old: Mapping[str, Any] | None = None) -> Callable[[Any], None]:
    """Edit one record to hold ``values`` (order and comments kept): its round-trip mapping, or —
    given its ``old`` values — its own lines as text where they are plain."""
    from ..store.edit import ItemEdit

    return ItemEdit(_yaml_values(values), old or {}, drop_others=True, same=_same)


def _same(current: Any, value: Any) -> bool:
    from ..store import plain

    return bool(plain(current) == plain(value))


def _fallback(edits: dict[int, dict[str, Any]], additions: list[dict[str, Any]]) -> Callable[[Any], Any]:
    from ..store.edit import to_rt

    def mutate(document: Any) -> None:
        from ruamel.yaml.comments import CommentedSeq

        items = document.get("pruefungen")
        if items is None or not isinstance(items, list):
            items = document["pruefungen"] = CommentedSeq()
        for at, values in edits.items():
            _editor(values)(items[at])
        for item in additions:
            items.append(to_rt(_yaml_values(item)))

    return mutate


def migrate_layout(session: "Session", county: "County", tx: "Transaction") -> bool:
    """Move the older all-in-one ``pruefungen.yaml`` into one file per target object.

    Each record's text moves verbatim (with its comments); the new files are checked to
    hold exactly the records of the old one before the old file is removed — all in the
    caller's transaction, so the move happens completely or not at all.
    """
    from ..store import parse_yaml, plain, schema
    from ..store.edit import _item_bounds

    legacy = county.layout.legacy_records
    if not legacy.exists():
        return False
    text = session.store.text(legacy, "pruefungen-alt")
    parsed = parse_yaml(text, str(legacy))
    data = plain(parsed.data) if parsed.data is not None else {"pruefungen": []}
    schema.raise_first(schema.problems(data, "pruefungen", parsed), str(legacy))
    items = data.get("pruefungen") or []
    from yaml.nodes import MappingNode, SequenceNode

    seq = None
    if parsed.root is not None and isinstance(parsed.root, MappingNode):
        seq = next((v for k, v in parsed.root.value if k.value == "pruefungen"), None)
    head = ""
    for line in text.split("\n"):
        if not line.startswith("#"):
            break
        head += line + "\n"
    by_target: dict[str, list[str]] = defaultdict(list)
    for position, item in enumerate(items):
        target = str(item.get("target") or "").strip()
        if not target:
            raise InputError("Prüfeintrag ohne Zielobjekt (target) kann nicht umgezogen werden.", path=str(legacy),
                             location=parsed.location("pruefungen", position))
        if not _valid_id(target):
            raise InputError(f"Zielobjekt '{target}' ist kein gültiger Dateiname für die neue Ablage.", path=str(legacy),
                             location=parsed.location("pruefungen", position))
        node = seq.value[position] if isinstance(seq, SequenceNode) and not seq.flow_style else None
        if isinstance(node, MappingNode) and not node.flow_style:
            start, end = _item_bounds(text, node.start_mark.index, node.end_mark.index, node.start_mark.column)
            lines = text[start:end].rstrip("\n").split("\n")
            pad = node.start_mark.column
            body = [lines[0]] + [line[pad:] if line[:pad].strip() == "" else line.lstrip(" ") for line in lines[1:]]
            snippet = "  - " + "\n".join([body[0]] + [("    " + b) if b.strip() else b for b in body[1:]]) + "\n"
        else:
            from ..store.edit import dump_rt, to_rt

            dumped = dump_rt(to_rt([_yaml_values(item)]))
            snippet = "".join("  " + line + "\n" for line in dumped.rstrip("\n").split("\n"))
        by_target[target].append(snippet)
    for target, snippets in by_target.items():
        path = county.layout.records_file(target)
        existing = _current_text(session, tx, path)
        if existing is not None:
            new_text = existing.rstrip("\n") + "\n" + "".join(snippets)
        else:
            new_text = (head or HEADER.format(target=target)) + f"zielobjekt: {target}\npruefungen:\n" + "".join(snippets)
        check = parse_yaml(new_text, str(path))
        moved = [dict(i, target=target) for i in (plain(check.data) or {}).get("pruefungen") or []]
        originals = [dict(i) for i in items if str(i.get("target")).strip() == target]
        if existing is None and [_comparable(m) for m in moved] != [_comparable(o) for o in originals]:
            raise InputError("Umzug in die neue Ablage (eine Datei je Zielobjekt) ergäbe andere Einträge; nichts geändert.",
                             path=str(legacy))
        tx.put(path, new_text)
    tx.delete(legacy)
    return True


def _valid_id(text: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,120}", text))


# -- whole-file rewrites for catalog changes (upgrade, migration, their undo) ---------------------

_PLAIN_SAFE = None
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"})


def _scalar(value: Any) -> str:
    """A scalar as YAML: plain where that reads back as the same string, else JSON-quoted
    (a JSON string is a valid YAML double-quoted scalar)."""
    import json
    import re

    global _PLAIN_SAFE
    if _PLAIN_SAFE is None:
        _PLAIN_SAFE = re.compile(r"[A-Za-zÄÖÜäöüß(][^\n:#\[\]{},&*!|>'\"%@`]*[^\s:]|[A-Za-zÄÖÜäöüß]")
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN_SAFE.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    return json.dumps(text, ensure_ascii=False)


def item_text(record: Mapping[str, Any]) -> str:
    """One record as a block-sequence item of a record file (house style, 2-space indent)."""
    lines = []
    first = True
    for key, value in record.items():
        if key == "target" or value in (None, "", [], ()):
            continue
        lead = "  - " if first else "    "
        first = False
        if isinstance(value, (list, tuple)):
            lines.append(f"{lead}{key}:")
            lines.extend(f"      - {_scalar(v)}" for v in value)
        else:
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def records_text(target: str, records: "Sequence[Mapping[str, Any]]", head: str | None = None) -> str:
    """A whole record file for ``target`` (e.g. written anew by a migration), verified to read back."""
    from ..store import parse_yaml, plain
    from ..store.edit import dump_rt, to_rt

    body = f"zielobjekt: {target}\npruefungen:\n" + "".join(item_text(r) for r in records)
    text = (head if head is not None else HEADER.format(target=target)) + body
    expected = [{k: v for k, v in r.items() if k != "target" and v not in (None, "", [], ())} for r in records]
    if (plain(parse_yaml(text, target).data) or {}).get("pruefungen") != expected:
        text = (head if head is not None else HEADER.format(target=target)) + dump_rt(
            to_rt({"zielobjekt": target, "pruefungen": [_yaml_values(r) for r in expected]}))
    return text


def rewrite_records(text: str, path: str, target: str, changes: Mapping[str, Mapping[str, Any] | None]) -> str | None:
    """``text`` of a record file with the records named in ``changes`` replaced (``None``: removed).

    Records not named stay byte for byte, comments included; a replaced record keeps its own
    lines where only its ``requirement`` or ``recheck`` change. ``None`` when no record is left.
    The result is checked to read back as meant, else the file is written out whole.
    """
    from yaml.nodes import MappingNode, SequenceNode

    from ..store import parse_yaml, plain
    from ..store.edit import _item_bounds

    parsed = parse_yaml(text, path)
    data = plain(parsed.data) or {}
    items = list(data.get("pruefungen") or [])
    expected: list[dict[str, Any]] = []
    for item in items:
        requirement = str(item.get("requirement"))
        if requirement in changes:
            new = changes[requirement]
            if new is not None:
                expected.append({k: v for k, v in new.items() if k != "target" and v not in (None, "", [], ())})
        else:
            expected.append(item)
    if not expected:
        return None
    seq = None
    if isinstance(parsed.root, MappingNode):
        seq = next((v for k, v in parsed.root.value if k.value == "pruefungen"), None)
    result = None
    if isinstance(seq, SequenceNode) and not seq.flow_style and len(seq.value) == len(items) and \
            all(isinstance(n, MappingNode) and not n.flow_style for n in seq.value):
        pieces: list[str] = []
        position = 0
        column = seq.value[0].start_mark.column if seq.value else 4
        for node, item in zip(seq.value, items, strict=True):
            requirement = str(item.get("requirement"))
            if requirement not in changes:
                continue
            start, end = _item_bounds(text, node.start_mark.index, node.end_mark.index, node.start_mark.column)
            line_start = text.rfind("\n", 0, start) + 1
            pieces.append(text[position:line_start])
            position = end
            new = changes[requirement]
            if new is None:
                continue
            snippet = text[line_start:end]
            patched = _patch_item(snippet, item, new, column)
            pieces.append(patched if patched is not None else
                          "".join(" " * (column - 2) + line[2:] + "\n" if line.startswith("  ") else line + "\n"
                                  for line in item_text(new).rstrip("\n").split("\n")))
        pieces.append(text[position:])
        result = "".join(pieces)
        check = (plain(parse_yaml(result, path).data) or {}) if result.strip() else {}
        if check.get("pruefungen") != expected:
            result = None
    if result is None:
        head = "".join(line + "\n" for line in text.split("\n") if line.startswith("#"))[:4000]
        result = records_text(target, expected, head=head or None)
    return result


def _patch_item(snippet: str, old: Mapping[str, Any], new: Mapping[str, Any], column: int) -> str | None:
    """The item's own text with a new requirement id and recheck line; ``None`` if more changed."""
    import re

    changed = {k for k in set(old) | set(new) if k != "target" and old.get(k) != new.get(k)}
    if not changed <= {"requirement", "recheck"}:
        return None
    lines = snippet.rstrip("\n").split("\n")
    pad = " " * column
    out = []
    for line in lines:
        if "requirement" in changed and re.match(r"^\s*(- )?requirement:\s", line):
            out.append(re.sub(r"(requirement:\s*).*$", lambda m: m.group(1) + _scalar(new["requirement"]), line))
            continue
        if "recheck" in changed and line.startswith(pad + "recheck:"):
            continue
        out.append(line)
    if "recheck" in changed and new.get("recheck"):
        out.append(f"{pad}recheck: {_scalar(new['recheck'])}")
    return "\n".join(out) + "\n"
