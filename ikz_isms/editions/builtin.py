"""Built-in plugin: the two editions of IT-Grundschutz (Edition 2023 and Grundschutz++)."""

from __future__ import annotations

from collections.abc import Callable

from ..hookspecs import hookimpl


@hookimpl
def ikz_register_editions(register: Callable[..., None]) -> None:
    # imported here: the editions are asked for only when a catalog is read, not by `--help`
    from .ed2023 import Edition2023
    from .gspp import GrundschutzPlusPlus

    register(Edition2023())
    register(GrundschutzPlusPlus())
