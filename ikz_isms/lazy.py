"""Lazy re-exports for a package: a name is imported from its module when first asked for.

A package whose ``__init__`` offers names from several modules would otherwise import all of
them at start-up; a command that needs one module (``plan set``: :mod:`ikz_isms.assess.plan`)
should not pay for the others. Use it as a module ``__getattr__`` (PEP 562)::

    __getattr__ = lazy_exports(__name__, {"RecordSet": "records"}, globals())
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, table: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``table[name]`` (a submodule of ``package``) on first use.

    The value is stored in ``namespace`` so that the next access is a plain global lookup.
    """

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    return __getattr__
