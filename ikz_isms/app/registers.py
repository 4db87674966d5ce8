"""County registers as YAML documents changed inside the county transaction (risks, BIA, plans, incidents).

The risk register (``risiken.yaml``), the emergency planning (``notfall.yaml``), the
incidents (``vorfaelle.yaml``) and the measures they add to ``plan.yaml`` are county data:
every change runs in the county's write-ahead transaction (:mod:`ikz_isms.store.county`),
like a check record. :func:`open_document` reads a file (or the text an earlier step of the
same transaction gave it) and checks it is valid *before* anything changes; the caller edits
the round-trip document (comments, order and layout stay); :func:`finish` checks the new text
— schema and the domain's own rules — and :func:`journal_items` puts the file into the
transaction with one journal entry per entry that changed (``risk:R-001``, ``bia:GP-KFZ``
…; never ``@``, which marks check records). Bad input raises before anything is written.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Parsed
    from ..store.county import Transaction
    from .session import Session


@dataclass
class DocumentEdit:
    """One county file being changed: its plain value before, and the round-trip document to edit."""

    path: Path
    kind: str
    before: dict[str, Any]
    document: Any
    existed: bool
    #: the file's text before the change (``None`` for a new file)
    original: str | None = None


def current_text(session: "Session", tx: "Transaction | None", path: Path, kind: str) -> str | None:
    """The file's text as this transaction sees it (an earlier step's new text first)."""
    if tx is not None and path in tx.files:
        data = tx.files[path]
        return None if data is None else data.decode("utf-8")
    if not path.exists():
        return None
    return session.store.text(path, kind)


def open_document(session: "Session", tx: "Transaction | None", path: Path, kind: str, empty: str,
                  validate: Callable[["Parsed"], Any] | None = None) -> DocumentEdit:
    """The file read and checked (schema, then ``validate``) before any change; ``empty`` when it is new."""
    from ..store import KINDS, Parsed, parse_yaml, plain, schema
    from ..store.edit import load_rt

    original = current_text(session, tx, path, kind)
    existed = original is not None
    text = original if original is not None else empty
    parsed = parse_yaml(text, str(path))
    if parsed.data is None:
        from ..errors import InputError

        # a file there but empty (or comments only): what every read of it says, not a new register
        raise InputError("Datei ist leer.", path=str(path))
    before = plain(parsed.data)
    spec = KINDS[kind]
    if spec.schema:
        schema.raise_first(schema.problems(before, spec.schema, parsed), str(path))
    if validate is not None:
        validate(Parsed(before, str(path), parsed.root))
    return DocumentEdit(path, kind, before, load_rt(text, str(path)), existed, original)


def finish(edit: DocumentEdit, validate: Callable[["Parsed"], Any] | None = None) -> tuple[str, dict[str, Any], Any]:
    """(new text, its plain value, what ``validate`` returned) — the new text checked like every read would."""
    from ..store import KINDS, Parsed, parse_yaml, plain, schema
    from ..store.edit import dump_rt

    text = dump_rt(edit.document)
    check = parse_yaml(text, str(edit.path))
    after = plain(check.data) if check.data is not None else {}
    spec = KINDS[edit.kind]
    if spec.schema:
        schema.raise_first(schema.problems(after, spec.schema, check), str(edit.path), hint="")
    result = validate(Parsed(after, str(edit.path), check.root)) if validate is not None else None
    return text, after, result


def journal_items(tx: "Transaction", edit: DocumentEdit, text: str, after: Mapping[str, Any], *,
                  lists: Mapping[str, tuple[str, str]], sections: Mapping[str, str] | None = None, actor: str) -> int:
    """Put the file into the transaction if it changed, with one journal entry per changed entry.

    ``lists`` maps a list key to (id field, record prefix): ``{"risiken": ("id", "risk")}`` journals
    ``risk:R-001``; ``sections`` maps a top-level key to its record name (``{"alarm": "alarm"}``).
    Returns the number of journal entries.
    """
    count = 0
    for key, (id_field, prefix) in lists.items():
        old = {str(i.get(id_field)): i for i in edit.before.get(key) or []}
        new = {str(i.get(id_field)): i for i in after.get(key) or []}
        for ident in [*old, *(k for k in new if k not in old)]:
            if old.get(ident) != new.get(ident):
                tx.journal(f"{prefix}:{ident}", old.get(ident), new.get(ident), actor)
                count += 1
    for key, record in (sections or {}).items():
        if edit.before.get(key) != after.get(key):
            tx.journal(record, edit.before.get(key), after.get(key), actor)
            count += 1
    if count or not edit.existed:
        tx.put(edit.path, text)
    return count


def new_document(header: str, **lists: Any) -> Any:
    """A new round-trip document with a comment header and the given top-level values."""
    from ruamel.yaml.comments import CommentedMap

    from ..store.edit import to_rt

    document = CommentedMap()
    for key, value in lists.items():
        document[key] = to_rt(value)
    document.yaml_set_start_comment(header)
    return document


def yaml_value(value: Any) -> Any:
    """A plain value as YAML should show it: dates as dates (unquoted), nested values alike."""
    from ..store.edit import to_rt

    if isinstance(value, _dt.date):
        return value
    if isinstance(value, Mapping):
        return to_rt({k: yaml_value(v) for k, v in value.items() if v not in (None, "", [], ())})
    if isinstance(value, (list, tuple)):
        return to_rt([yaml_value(v) for v in value])
    return value


def set_fields(node: Any, values: Mapping[str, Any], order: tuple[str, ...] = ()) -> None:
    """Set keys of a round-trip mapping (``None`` removes one), new keys in ``order`` where given."""
    for key, value in values.items():
        if value is None or value in ("", [], ()):
            if key in node:
                del node[key]
            continue
        shown = yaml_value(value)
        if key in node:
            node[key] = shown
            continue
        position = len(node)
        if key in order:
            later = [i for i, k in enumerate(node) if k in order and order.index(k) > order.index(key)]
            if later:
                position = later[0]
        node.insert(position, key, shown)


def typed_text(value: str | None, option: str, *, limit: int = 1000, required: bool = False) -> str | None:
    """A text typed at ``option`` as a file would take it: stripped, not blank, no control characters,
    at most ``limit`` characters; a ``UsageError`` naming the option otherwise (``None`` stays ``None``)."""
    from ..errors import UsageError

    if value is None:
        if required:
            raise UsageError(f"{option} fehlt.")
        return None
    text = value.strip()
    if not text:
        raise UsageError(f"{option} darf nicht leer sein.")
    bad = next((ch for ch in text if ord(ch) < 32 and ch not in "\n\t" or ord(ch) == 127), None)
    if bad is not None:
        raise UsageError(f"{option} enthält ein Steuerzeichen (Code {ord(bad):#06x}).")
    if len(text) > limit:
        raise UsageError(f"{option} ist zu lang (höchstens {limit} Zeichen).")
    return text


def typed_duration(value: str | None, option: str) -> str | None:
    """A duration typed at ``option`` (``4h``, ``3d``, ``2w``) in the files' form; ``UsageError`` otherwise."""
    from ..bcm.durations import duration_text, parse_duration
    from ..errors import UsageError

    if value is None:
        return None
    try:
        return duration_text(parse_duration(value))
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None
