"""A derived cache of built catalog models, so that a warm command does not rebuild the catalog.

Loading the pinned Grundschutz++ catalog means parsing about 4 MB of OSCAL JSON and building
about a thousand requirement objects from it; every command that models a county pays it. The
built model (:class:`~ikz_isms.catalog.model.Catalog`) is kept in
``.ikz-cache/catalogs/<sha256>.bin`` under a stamp of everything it was built from:

* the SHA-256 of the catalog file's bytes, which is the pin (the caller has just verified that
  the file on disk still has it: a changed catalog never reaches this cache);
* the package version and :data:`CACHE_FORMAT`;
* every registered catalog format (name, plugin, and the size and modification time of the
  module its loader lives in), so that another or a changed format plugin builds anew.

The entry is sealed with the user's key like every derived cache (:mod:`~ikz_isms.store.sealed`);
only a sealed entry is unpickled, so a file someone else put there is never believed. Anything
unexpected (no key, a foreign or damaged file, another stamp, an unpickling error) means the
catalog is built from the file as without the cache; the cache is never the truth.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from typing import TYPE_CHECKING, Any

from ..errors import IkzError

if TYPE_CHECKING:
    from ..catalog.model import Catalog
    from ..workspace import CatalogPin
    from .session import Session

#: bump whenever the catalog model's classes change in a way an older pickle would not show
CACHE_FORMAT = 1
#: a built model is a fraction of its file; above this the entry is not kept
MAX_BYTES = 256 * 1024 * 1024
_STAMP_END = b"\n"


def _module_identity(module_name: str) -> list[Any]:
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    if not path:
        return [module_name, None]
    try:
        info = os.stat(path)
    except OSError:
        return [module_name, None]
    return [module_name, info.st_size, info.st_mtime_ns]


def stamp(session: "Session", pin: "CatalogPin") -> bytes:
    """What a kept model must have been built from (see the module docstring), as JSON bytes."""
    import orjson

    from .. import __version__
    from ..catalog import catalog_formats

    formats = [[f.name, f.plugin, *_module_identity(getattr(f.load, "__module__", "") or "")]
               for f in catalog_formats(session.pm)]
    return orjson.dumps({"format": CACHE_FORMAT, "version": __version__, "python": sys.version_info[:2],
                         "sha256": pin.sha256, "formats": formats})


def _entry(session: "Session", pin: "CatalogPin") -> Any:
    return session.workspace.layout.cache_file("catalogs", f"{pin.sha256[:40]}.bin")


def cached(session: "Session", pin: "CatalogPin") -> "Catalog | None":
    """The model kept for the pinned catalog's bytes (whose hash the caller verified), or ``None``."""
    from ..catalog.model import Catalog

    if not session.store.disk_cache or not pin.sha256:
        return None
    content = session.store.read_cache(_entry(session, pin), MAX_BYTES)
    if content is None:
        return None
    head, _, body = content.partition(_STAMP_END)
    if head != stamp(session, pin):
        return None
    try:
        catalog = pickle.loads(body)
    except Exception:  # a damaged entry is rebuilt, whatever unpickling raised
        return None
    if not isinstance(catalog, Catalog):
        return None
    catalog.path = str(session.workspace.catalog_path(pin))
    return catalog


def remember(session: "Session", pin: "CatalogPin", catalog: "Catalog") -> None:
    """Keep the model built from the pinned catalog's bytes for the next command."""
    if not session.store.disk_cache or not pin.sha256:
        return
    try:
        body = pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a model a format plugin filled with something unpicklable is just not kept
        return
    if len(body) > MAX_BYTES:
        return
    # a read-only checkout still works, only without this cache
    with contextlib.suppress(IkzError, OSError):
        session.store.write_cache(_entry(session, pin), stamp(session, pin) + _STAMP_END + body)
