"""The code :mod:`dataclasses` generates, kept compiled between runs of the console script.

Creating a dataclass writes the source of its ``__init__``, ``__repr__``, ``__eq__``,
``__hash__`` and, when frozen, ``__setattr__`` and ``__delattr__``, and compiles each one.
Compiling is most of the cost: about 0.85 ms per class on the benchmark machine, and a
``check`` creates about 140 classes (``catalog import`` about 40), so a run spent more time
compiling the same few hundred small functions than reading the workspace.

:func:`install` gives the :mod:`dataclasses` module its own ``exec``: a name in that
module's namespace, which shadows the builtin for that module alone. It runs the same
source with the same globals and locals as the builtin; only the compiled code object comes
from a dictionary keyed by the source text, loaded from one file per Python version and
written back at exit when a class was compiled that was not in it. The code is compiled
exactly as :mod:`dataclasses` would have it compiled (file name ``<string>``, no future
flags: ``dataclasses`` itself has none), so a class behaves the same with or without the
cache (``tests/test_codecache.py``).

Where the file lives: beside the package's bytecode (``ikz_isms/__pycache__``, written
unless Python writes no bytecode) or in the user's own cache folder
(``$XDG_CACHE_HOME/ikz-isms``), as for the compiled schema validators
(:mod:`ikz_isms.store.schema`); never in a workspace, since the code is run.
``IKZ_ISMS_NO_CACHE`` leaves the user's folder alone. A file that cannot be read or holds
anything but source texts and code objects is ignored; one that cannot be written is not
written. Only the console script installs the cache (:func:`ikz_isms.cli.run`); a program
that imports ikz-isms keeps the standard library as it is.
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False  # typing is not imported on the way to a cached --help
if TYPE_CHECKING:
    from types import CodeType
    from typing import Any

#: bump when what the file holds changes
FORMAT = 2

_state: dict[str, Any] = {"installed": False, "loaded": False, "changed": set()}
#: per module (the ``__name__`` of the globals the code runs in): its code, still marshalled
_stored: dict[str, bytes] = {}
#: per module: source text -> code, for the modules that created a class in this run
_codes: dict[str, dict[str, CodeType]] = {}
#: per module: the source texts this run ran
_used: dict[str, set[str]] = {}


def file_name() -> str:
    return f"dataclass-code.{sys.implementation.cache_tag}.v{FORMAT}.marshal"


def folders() -> list[tuple[str, bool]]:
    """(folder, may be written) where the file is looked for, in order (:func:`~ikz_isms.userdirs.code_folders`)."""
    from .userdirs import code_folders

    return code_folders(os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__"), "code")


def _load() -> None:
    from .errors import InputError
    from .store import fs

    _state["loaded"] = True
    for folder, _writable in folders():
        try:
            loaded = marshal.loads(fs.read_bytes(os.path.join(folder, file_name()), limit=64 << 20))
        except (InputError, ValueError, EOFError, TypeError):
            continue
        if isinstance(loaded, dict) and all(type(k) is str and type(v) is bytes for k, v in loaded.items()):
            _stored.update(loaded)
            return


def _module_codes(module: str) -> dict[str, CodeType]:
    """The code of one module, unmarshalled on its first class (a run reads only what it imports)."""
    import types

    codes: dict[str, CodeType] = {}
    blob = _stored.get(module)
    if blob is not None:
        try:
            loaded = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            loaded = None
        if isinstance(loaded, dict) and all(type(k) is str and type(v) is types.CodeType for k, v in loaded.items()):
            codes = loaded
    _codes[module] = codes
    _used[module] = set()
    return codes


def cached_exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    """What the builtin ``exec`` does, with a source text compiled once per Python version."""
    if type(source) is str:
        if not _state["loaded"]:
            _load()  # on the first class: a run that creates none reads nothing
        module = str(globals.get("__name__", "")) if isinstance(globals, dict) else ""
        codes = _codes.get(module)
        if codes is None:
            codes = _module_codes(module)
        code = codes.get(source)
        if code is None:
            # dont_inherit: compiled with dataclasses' flags (none), not with this module's __future__
            code = compile(source, "<string>", "exec", dont_inherit=True)
            codes[source] = code
            _state["changed"].add(module)
        _used[module].add(source)
        source = code
    exec(source, globals, locals)


def install() -> None:
    """Give :mod:`dataclasses` the cached ``exec`` (once per process) and save new code at exit."""
    if _state["installed"]:
        return
    import atexit
    import dataclasses

    _state["installed"] = True
    dataclasses.exec = cached_exec  # type: ignore[attr-defined]
    atexit.register(save)


def uninstall() -> None:
    """Back to the builtin ``exec`` (tests)."""
    import dataclasses

    if getattr(dataclasses, "exec", None) is cached_exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    _state["installed"] = False


def save() -> None:
    """Write the code when this run compiled something new; quietly not where no folder may be written.

    A module that compiled something keeps the code this run ran (its classes are made when it
    is imported, so that is all of them, and code of classes since changed is dropped); every
    other module keeps what the file held.
    """
    changed: set[str] = _state["changed"]
    if not changed:
        return
    for module in changed:
        used = _used[module]
        _stored[module] = marshal.dumps({k: v for k, v in _codes[module].items() if k in used})
    from .errors import IkzError
    from .store import fs

    blob = marshal.dumps(_stored)
    for folder, writable in folders():
        if not writable:
            continue
        try:
            fs.atomic_write(os.path.join(folder, file_name()), blob, durable=False)
        except (IkzError, OSError):
            continue
        changed.clear()
        return
