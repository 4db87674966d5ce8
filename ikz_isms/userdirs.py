"""The user's own cache folder (``$XDG_CACHE_HOME/ikz-isms``, default ``~/.cache/ikz-isms``).

Only :mod:`os` is imported here: ``ikz-isms --help`` asks for it on its fast path.
"""

from __future__ import annotations

import os


def cache_folder(*parts: str) -> str | None:
    """``$XDG_CACHE_HOME/ikz-isms/<parts>`` (an absolute ``XDG_CACHE_HOME``, else ``~/.cache``); ``None`` without a home."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if home == "~" or not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "ikz-isms", *parts)


def code_folders(package_folder: str, *parts: str) -> list[tuple[str, bool]]:
    """(folder, may be written) where code the package compiles and keeps is looked for, in order.

    Beside the package's own bytecode (``package_folder``; written unless Python writes no
    bytecode), then the user's cache folder ``<parts>`` (left out with ``IKZ_ISMS_NO_CACHE``).
    Never a workspace's folder: kept code is run, and a workspace (a cloned repository) may come
    from anyone; its code runs only as an allowed plugin.
    """
    import sys

    found = [(package_folder, not sys.dont_write_bytecode)]
    if not os.environ.get("IKZ_ISMS_NO_CACHE"):
        user = cache_folder(*parts)
        if user is not None:
            found.append((user, True))
    return found
