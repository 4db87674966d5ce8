"""The JSON types of a foreign document's parts, checked before any is read.

A reader of a document another tool wrote (an OSCAL SSP, an OSCAL profile) walks the parts it
uses with :class:`JsonShape` first: a value of another type than the reader takes (a number for
``props``, a text for ``by-components``) becomes a problem with its JSON pointer, never a
``TypeError`` half-way through or a Python representation in a record.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError

_TYPE_NAMES: dict[type, str] = {dict: "ein Objekt", list: "eine Liste", str: "ein Text"}


class JsonShape:
    """Collects (JSON pointer, German message) for every value of the wrong type it is asked about."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def want(self, node: Any, key: str, kind: type, where: str) -> Any:
        """``node[key]`` if it is absent or of ``kind``; else a problem, and ``None``."""
        value = node.get(key) if isinstance(node, dict) else None
        if value is None or isinstance(value, kind):
            return value
        self.problems.append((f"{where}/{key}", f"„{key}“ muss {_TYPE_NAMES[kind]} sein."))
        return None

    def objects(self, node: Any, key: str, where: str) -> list[tuple[str, dict[str, Any]]]:
        """(pointer, item) of the list ``node[key]``, every item an object."""
        found = []
        for index, item in enumerate(self.want(node, key, list, where) or ()):
            here = f"{where}/{key}/{index}"
            if isinstance(item, dict):
                found.append((here, item))
            else:
                self.problems.append((here, "Eintrag muss ein Objekt sein."))
        return found

    def texts(self, node: Any, keys: tuple[str, ...], where: str) -> None:
        """Each of ``keys`` absent or a text."""
        for key in keys:
            self.want(node, key, str, where)

    def text_items(self, node: Any, key: str, where: str) -> None:
        """The list ``node[key]`` of texts only."""
        for index, item in enumerate(self.want(node, key, list, where) or ()):
            if not isinstance(item, str):
                self.problems.append((f"{where}/{key}/{index}", "Eintrag muss ein Text sein."))

    def raise_first(self, what: str, path: str, suffix: str = "") -> None:
        """An :class:`InputError` of the first problem (``kein gültiges {what}: …``), if any."""
        if not self.problems:
            return
        pointer, message = self.problems[0]
        more = f" (und {len(self.problems) - 1} weitere Werte vom falschen Typ)" if len(self.problems) > 1 else ""
        raise InputError(f"kein gültiges {what}: {message}{more}{suffix}", path=path, location=pointer)
