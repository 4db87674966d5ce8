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
