"""Built-in plugin: the catalog importers (OSCAL JSON/YAML incl. Grundschutz++, Kompendium XML)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from ..hookspecs import hookimpl


def _lazy(module: str, function: str) -> Callable[..., Any]:
    """A stand-in that imports the importer module on first use, keeping start-up light."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(f"ikz_isms.catalog.{module}"), function)(*args, **kwargs)

    call.__name__ = function
    return call


@hookimpl
def ikz_register_catalog_formats(register: Callable[..., None]) -> None:
    # JSON first: its detection is the cheapest and the most frequent case
    register(
        "oscal-json",
        _lazy("oscal", "detect_json"),
        _lazy("oscal", "load_json"),
        "OSCAL-Katalog JSON (Grundschutz++ aktuell und Beta 0.9.7, beliebige OSCAL-Kataloge)",
    )
    register(
        "oscal-profile",
        _lazy("profile", "detect"),
        _lazy("profile", "load"),
        "OSCAL-Profil JSON (z. B. Grundschutz++-profile.json), beim Import zu einem Katalog aufgelöst",
    )
    register(
        "oscal-xml",
        _lazy("oscal_xml", "detect"),
        _lazy("oscal_xml", "load"),
        "OSCAL-Katalog XML (z. B. Grundschutz++ Beta 0.9.7 als XML)",
    )
    register(
        "kompendium-xml",
        _lazy("kompendium", "detect"),
        _lazy("kompendium", "load"),
        "IT-Grundschutz-Kompendium Edition 2023 (DocBook XML)",
    )
    register("oscal-yaml", _lazy("oscal", "detect_yaml"), _lazy("oscal", "load_yaml"), "OSCAL-Katalog YAML")
