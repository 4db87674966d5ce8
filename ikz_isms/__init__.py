"""ikz-isms: information security and joint procurement for cooperating German counties.

Public API for plugin authors: ``hookimpl``, ``get_plugin_manager``, ``Session`` (the
application layer every command works through) and ``Edition`` (for a new edition of
IT-Grundschutz).
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` is not imported at start-up (ikz_isms.helpcache)
if TYPE_CHECKING:
    from typing import Any

    from .app import Session
    from .editions import Edition
    from .hookspecs import hookimpl

__version__ = "0.2.0"

__all__ = ["Edition", "Session", "__version__", "get_plugin_manager", "hookimpl"]


def get_plugin_manager(*args: Any, **kwargs: Any) -> Any:
    """Build a fresh plugin manager (see ``ikz_isms.plugins.get_plugin_manager``)."""
    from .plugins import get_plugin_manager as factory

    return factory(*args, **kwargs)


def __getattr__(name: str) -> Any:
    # the public names, imported on first use so `import ikz_isms` stays light (a cached
    # `--help` imports neither pluggy nor click: ikz_isms.helpcache)
    if name == "hookimpl":
        from .hookspecs import hookimpl

        return hookimpl
    if name == "Session":
        from .app import Session

        return Session
    if name == "Edition":
        from .editions import Edition

        return Edition
    raise AttributeError(name)
