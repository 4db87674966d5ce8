"""Store an imported catalog in the workspace as OSCAL JSON and pin it (source, version, SHA-256)."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from ..errors import RefusedError, UsageError
from .model import Catalog

STORED_FORMAT = "oscal-json"
PIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class PinResult:
    """Where the catalog went and whether anything changed."""

    name: str
    file: str
    sha256: str
    unchanged: bool


def default_pin_name(stem: str) -> str:
    """A pin name from a file name: folded to lower-case ASCII, other characters as dashes."""
    from .search import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-") or "katalog"


def check_pin_name(name: str) -> None:
    if not PIN_NAME.match(name):
        raise UsageError(
            f"ungültiger Katalogname '{name}': erlaubt sind Buchstaben, Ziffern, '.', '_' und '-'."
        )


def pin_catalog(workspace: Any, catalog: Catalog, *, name: str, source_name: str, force: bool = False) -> PinResult:
    """Write ``catalog`` to ``catalogs/<name>.json`` and record its pin in the config.

    Runs under the config's lock and re-reads the config inside it, so a concurrent import is
    not lost. A pin with other content is replaced only with ``force``; if saving the config
    fails, the catalog file is put back as it was, so no file is left without its pin.
    """
    from ..store import atomic_write, locked, sha256_file
    from ..workspace import Workspace
    from .oscal import to_oscal

    check_pin_name(name)
    payload = (json.dumps(to_oscal(catalog), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    digest = hashlib.sha256(payload).hexdigest()
    with locked(workspace.config_path):
        workspace = Workspace.load(workspace.root)
        pin = workspace.pins.get(name)
        relative = pin.file if pin else f"catalogs/{name}.json"
        target = workspace.root / relative
        unchanged = pin is not None and pin.sha256 == digest and target.is_file() and sha256_file(target) == digest
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
            previous = target.read_bytes() if target.is_file() else None
            atomic_write(target, payload)
            try:
                catalogs = workspace.config["catalogs"]
                if not catalogs and getattr(catalogs, "fa", None) is not None:
                    catalogs.fa.set_block_style()
                catalogs[name] = {
                    "file": relative,
                    "title": catalog.title,
                    "source": source_name,
                    "version": str(catalog.version or ""),
                    "format": STORED_FORMAT,
                    "sha256": digest,
                    "imported": datetime.date.today().isoformat(),
                }
                workspace.save()
            except BaseException:
                if previous is None:
                    target.unlink(missing_ok=True)
                else:
                    atomic_write(target, previous)
                raise
    return PinResult(name, relative, digest, unchanged)
