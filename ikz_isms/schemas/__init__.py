"""The JSON Schemas of every file kind (the ``*.schema.json`` files in this folder).

Loading and validating them is the store's job (:mod:`ikz_isms.store.schema`); the names
here are kept for plugin code that validated documents itself.
"""

from __future__ import annotations

from typing import Any

from ..store.schema import SchemaProblem, raise_first, schema

__all__ = ["SchemaProblem", "raise_first", "schema", "schema_problems"]


def schema_problems(document: Any, schema_name: str) -> list[SchemaProblem]:
    """Every violation of the named schema (plain data; no line numbers)."""
    from ..store import plain
    from ..store.schema import problems

    return problems(plain(document), schema_name)
