"""Store an imported catalog in the workspace as OSCAL JSON and pin it (source, version, SHA-256)."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import RefusedError, UsageError
from .model import Catalog

if TYPE_CHECKING:
    from ..app.session import Session

STORED_FORMAT = "oscal-json"
PIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: the longest catalog name: it becomes the file name catalogs/<name>.json and a key of ikz-isms.yaml
MAX_PIN_NAME = 100


@dataclass(frozen=True)
class PinResult:
    """Where the catalog went and whether anything changed."""

    name: str
    file: str
    sha256: str
    unchanged: bool


def default_pin_name(stem: str) -> str:
    """A pin name from a file name: folded to lower-case ASCII, other characters as dashes."""
    from .textfold import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")[:MAX_PIN_NAME].rstrip("-") or "katalog"


def check_pin_name(name: str) -> None:
    """Refuse a catalog name (``--name``) that cannot be a file name and config key: a German usage error."""
    from ..present import shown_text

    if not PIN_NAME.match(name):
        raise UsageError(
            f"ungültiger Katalogname '{shown_text(name, 100)}': erlaubt sind Buchstaben, Ziffern, '.', '_' und '-'."
        )
    if len(name) > MAX_PIN_NAME:
        raise UsageError(f"Katalogname '{shown_text(name, 100)}' ist zu lang ({len(name)} Zeichen, höchstens "
                         f"{MAX_PIN_NAME}; --name).")


def catalog_bytes(catalog: Catalog) -> bytes:
    """The stored form of a catalog: OSCAL JSON, two-space indent, UTF-8, final newline.

    An OSCAL catalog is stored whole, as published (:func:`~ikz_isms.catalog.oscal.stored_document`);
    orjson writes the same bytes as ``json.dumps(indent=2, ensure_ascii=False)`` in a fraction
    of the time (``tests/test_catalog_whole.py`` holds it to that).
    """
    import orjson

    from .oscal import stored_document

    # the final newline by orjson itself: no second copy of megabytes just to append one byte
    return orjson.dumps(stored_document(catalog), default=_json_number,
                        option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _json_number(value: Any) -> Any:
    """A number the YAML reader kept exact (``Decimal``) as a JSON number; anything else stays an error."""
    from decimal import Decimal

    if isinstance(value, Decimal) and value.is_finite():
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def pin_mutation(name: str, entry: dict[str, str]) -> Callable[[Any], None]:
    """The round trip's change of the config for a pin: ``catalogs.<name>`` set to ``entry``.

    For :meth:`~ikz_isms.store.Store.edit` (and :func:`~ikz_isms.store.edit.roundtrip_edit`):
    a missing or plain ``catalogs`` becomes a round-trip mapping, an empty one is written in
    block style, and the entry is set (appended, or in the old entry's place).
    """

    def mutate(document: Any) -> None:
        from ..store.edit import to_rt

        catalogs = document.get("catalogs")
        if catalogs is None or not hasattr(catalogs, "fa"):
            document["catalogs"] = catalogs = to_rt(dict(catalogs or {}))
        if not catalogs and getattr(catalogs, "fa", None) is not None:
            catalogs.fa.set_block_style()
        catalogs[name] = to_rt(entry)

    return mutate


def pin_catalog(session: Session, catalog: Catalog, *, name: str, source_name: str, force: bool = False) -> PinResult:
    """Write ``catalog`` to ``catalogs/<name>.json`` and record its pin in the config.

    Runs under the config's lock and re-reads the config inside it, so a concurrent import is
    not lost. A pin with other content is replaced only with ``force``; if saving the config
    fails, the catalog file is put back as it was, so no file is left without its pin.
    """
    from ..store import fs

    check_pin_name(name)
    payload = catalog_bytes(catalog)
    # hashing megabytes lets go of the interpreter lock: the lock's library is imported meanwhile
    fs.prepare_locking()
    digest = hashlib.sha256(payload).hexdigest()
    workspace = session.workspace
    store = workspace.store
    with fs.locked(workspace.config_path):
        workspace = workspace.reload()
        pin = workspace.pins.get(name)
        relative = pin.file if pin else f"catalogs/{name}.json"
        target = workspace.root / relative
        unchanged = pin is not None and pin.sha256 == digest and target.is_file() and fs.sha256_file(target) == digest
        if pin is not None and pin.sha256 != digest and not force:
            raise RefusedError(
                f"Katalog '{name}' ist bereits mit anderem Inhalt eingetragen "
                f"(sha256 {pin.sha256[:12]} statt {digest[:12]}); ersetzen mit --force.",
                path=str(workspace.config_path),
            )
        if pin is None and target.exists() and not force:
            raise RefusedError(
                "Datei existiert bereits, ist aber kein eingetragener Katalog; "
                "anderen --name wählen oder mit --force überschreiben.",
                path=str(target),
            )
        if not unchanged:
            previous = fs.read_bytes(target) if target.is_file() else None
            store.write(target, payload)
            entry = {
                "file": relative,
                "title": catalog.title,
                "source": source_name,
                "version": str(catalog.version or ""),
                "format": STORED_FORMAT,
                "sha256": digest,
                "imported": datetime.date.today().isoformat(),
            }
            try:
                if not _pin_by_text(workspace, name, entry):
                    store.edit(workspace.config_path, "config", pin_mutation(name, entry), lock=False)
            except BaseException:
                if previous is None:
                    fs.remove(target)
                else:
                    store.write(target, previous)
                raise
    return PinResult(name, relative, digest, unchanged)


def _pin_by_text(workspace: Any, name: str, entry: dict[str, str]) -> bool:
    """Write the pin into the config as text (:func:`~ikz_isms.catalog.pintext.pinned_text`), the
    bytes the round trip of :meth:`~ikz_isms.store.Store.edit` would write; ``False`` — nothing
    written — where the text's layout is not one handled there, or the new text does not read
    back as the config with the pin, or that config is not schema-valid (the round trip then
    decides, with its messages). The caller holds the config's lock; ``workspace`` was loaded
    inside it, so its config is the file's.
    """
    from ..errors import InputError
    from ..store import KINDS, fs, parse_yaml, plain
    from ..store import schema as schemas
    from ..store.parse import fast_plain
    from .pintext import pinned_text

    path = workspace.config_path
    store = workspace.store
    spec = KINDS["config"]
    fs.remove_stale_temps(path.parent)  # as the round trip's edit does first
    store.forget(path)
    text = store.text(path, "config")
    new_text = pinned_text(text, name, entry)
    if new_text is None:
        return False
    expected = dict(workspace.config)
    expected["catalogs"] = {**(expected.get("catalogs") or {}), name: entry}
    # read back by the fast road where it answers (the same values as the full road's, without
    # importing PyYAML), else by the full road
    data = fast_plain(new_text)
    if data is None:
        try:
            data = plain(parse_yaml(new_text, str(path)).data)
        except InputError:
            return False
    if data != expected or (spec.schema and schemas.problems(expected, spec.schema)):
        return False
    store.write(path, new_text)
    return True
