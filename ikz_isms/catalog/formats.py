"""Built-in plugin: the catalog importers (OSCAL JSON/YAML incl. Grundschutz++, Kompendium XML)."""

from __future__ import annotations

from ..hookspecs import hookimpl


@hookimpl
def ikz_register_catalog_formats(register):
    from . import kompendium, oscal

    register(
        "kompendium-xml",
        kompendium.detect,
        kompendium.load,
        "IT-Grundschutz-Kompendium Edition 2023 (DocBook XML)",
    )
    register(
        "oscal-json",
        oscal.detect_json,
        oscal.load_json,
        "OSCAL-Katalog JSON (Grundschutz++ aktuell und Beta 0.9.7, beliebige OSCAL-Kataloge)",
    )
    register(
        "oscal-yaml",
        oscal.detect_yaml,
        oscal.load_yaml,
        "OSCAL-Katalog YAML",
    )
