"""ikz-isms: information security and joint procurement for cooperating German counties.

Public API for plugin authors: ``hookimpl`` and ``get_plugin_manager``.
"""

from __future__ import annotations

from .hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = ["__version__", "get_plugin_manager", "hookimpl"]


def get_plugin_manager(*args, **kwargs):
    """Build a fresh plugin manager (see ``ikz_isms.plugins.get_plugin_manager``)."""
    from .plugins import get_plugin_manager as factory

    return factory(*args, **kwargs)
