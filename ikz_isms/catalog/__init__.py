"""Catalogs: the format registry and the one function that loads any catalog file."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, PluginError, UnknownFormatError

if TYPE_CHECKING:
    from ..plugins import IkzPluginManager
    from ..workspace import CatalogPin, Workspace
    from .model import Catalog

HEAD_BYTES = 64 * 1024


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a command reads, checks or stores a whole catalog.

    Reading a catalog builds hundreds of thousands of containers (the parsed JSON or XML tree,
    the model) and no reference cycles; automatic collections would walk them again and again
    (a tenth of a ``check`` run). Used around a whole command, so that the catalog is freed (by
    reference counting) before collections resume. Nested use is harmless; the previous state returns.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class CatalogFormat:
    """An importer contributed through ``ikz_register_catalog_formats``."""

    name: str
    detect: Callable[[Path, bytes], bool]
    load: Callable[..., Catalog]
    description: str
    plugin: str


def catalog_formats(pm: IkzPluginManager) -> list[CatalogFormat]:
    formats: list[CatalogFormat] = []

    def register(name: str, detect: Callable[[Path, bytes], bool], load: Callable[..., Catalog],
                 description: str = "", *, plugin: str) -> None:
        if any(f.name == name for f in formats):
            raise PluginError(f"Katalogformat '{name}' ist bereits registriert.")
        if not callable(detect) or not callable(load):
            raise PluginError(f"Katalogformat '{name}': detect und load müssen aufrufbar sein.")
        formats.append(CatalogFormat(name, detect, load, description, plugin))

    pm.contribute("ikz_register_catalog_formats", register)
    return formats


def detect_format(path: Path, formats: list[CatalogFormat]) -> CatalogFormat:
    from ..store import fs

    if not path.exists():
        raise InputError("Datei nicht gefunden.", path=str(path))
    if path.is_dir():
        raise InputError("Ist ein Verzeichnis, keine Katalogdatei.", path=str(path))
    head = fs.read_head(path, HEAD_BYTES)
    if not head:
        raise InputError("Datei ist leer.", path=str(path))
    for fmt in formats:
        if fmt.detect(path, head):
            return fmt
    known = ", ".join(f.name for f in formats)
    raise UnknownFormatError(
        f"unbekanntes Katalogformat (bekannt: {known}).", path=str(path)
    )


def find_format(path: Path, pm: IkzPluginManager, format_name: str | None = None) -> CatalogFormat:
    """The registered format ``format_name`` (``--format-in``), else the one that recognises ``path``."""
    formats = catalog_formats(pm)
    if format_name:
        matches = [f for f in formats if f.name == format_name]
        if not matches:
            raise UnknownFormatError(f"unbekanntes Format '{format_name}'.", path=str(path))
        return matches[0]
    return detect_format(path, formats)


def load_catalog(
    path: str | Path,
    pm: IkzPluginManager,
    *,
    progress: Callable[[int, int], None] | None = None,
    format_name: str | None = None,
    options: dict[str, Any] | None = None,
) -> Catalog:
    """Load any catalog file through the registered formats; errors name file and place.

    ``options`` go to the format's loader (e.g. ``sources`` for resolving an OSCAL profile).
    """
    path = Path(path)
    fmt = find_format(path, pm, format_name)
    catalog = fmt.load(path, progress=progress or (lambda done, total: None), **(options or {}))
    catalog.path = str(path)
    return catalog


def load_pinned(workspace: Workspace, pm: IkzPluginManager, name: str | None = None,
                cache: dict[str, Catalog] | None = None) -> tuple[CatalogPin, Catalog]:
    """(pin, catalog) of the workspace's pinned catalog ``name`` (default: the workspace default).

    ``cache`` shares loaded catalogs by pin name between callers that load several.
    """
    pin = workspace.pin(name)
    if cache is not None and pin.name in cache:
        return pin, cache[pin.name]
    catalog = load_catalog(workspace.catalog_path(pin), pm)
    if cache is not None:
        cache[pin.name] = catalog
    return pin, catalog
