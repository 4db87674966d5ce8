"""Editions of IT-Grundschutz as objects: one interface, one registry, a future edition is a plugin.

An :class:`Edition` knows everything that differs between the IT-Grundschutz-Kompendium
Edition 2023 and Grundschutz++: what its grouping levels are called (Schicht/Baustein,
Praktik/Thema), which approaches (Vorgehensweisen) and levels it has, which requirements
are Basis (their risk cannot be accepted), how requirements are modelled onto target
objects, and how they rank for the Realisierungsplan. Nothing outside this package
compares edition names; code asks the edition of a catalog (:func:`edition_of`).

Editions are contributed through the hook ``ikz_register_editions(register)``; the
built-ins come from :mod:`ikz_isms.editions.builtin`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import PluginError

if TYPE_CHECKING:
    from ..assess.modelling import Applicable, ModellingProblem
    from ..assess.targets import ResolvedNeed, TargetObject
    from ..catalog.model import Catalog, Requirement


@dataclass(frozen=True)
class Approach:
    """A Vorgehensweise (Ed. 2023) or protection level (G++): id, German label, short label."""

    id: str
    label: str
    short: str


class Edition(ABC):
    """What every edition of IT-Grundschutz answers. Subclass it for a new edition."""

    #: stable key (stored in caches and disclosure packages)
    id: str = ""
    #: the edition's name as users know it
    title: str = ""
    #: the outermost grouping: "Schicht" (Ed. 2023) or "Praktik" (G++)
    layer_label: str = ""
    layer_label_plural: str = ""
    #: the grouping a requirement belongs to: "Baustein" or "Thema"
    module_label: str = ""
    module_label_plural: str = ""
    #: what a target object is modelled with: "Bausteine" or "Zielobjektkategorien"
    modelling_label: str = ""
    #: the levels requirements carry in this edition, in rank order
    levels: tuple[str, ...] = ()
    approaches: tuple[Approach, ...] = ()
    #: the approach whose open requirements are risks that cannot be accepted
    basis_approach: str = ""
    #: "Basis-Anforderungen" / "MUSS-Anforderungen (normal-SdT)"
    basis_label: str = ""
    #: the catalogs carry no modal-verb field; the verbs in a requirement's text stand for it
    modal_verb_from_text: bool = False

    # -- identity ------------------------------------------------------------------------

    def recognises(self, catalog: "Catalog") -> bool:
        """Whether ``catalog`` belongs to this edition (by the levels its requirements carry)."""
        return any(r.level in self.levels for r in catalog.requirements.values())

    @property
    def approach_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.approaches)

    def approach(self, approach_id: str) -> Approach:
        for approach in self.approaches:
            if approach.id == approach_id:
                return approach
        raise KeyError(approach_id)

    @property
    def basis_heading(self) -> str:
        return f"Offene {self.basis_label}"

    # -- requirements --------------------------------------------------------------------

    @abstractmethod
    def is_basis(self, req: "Requirement") -> bool:
        """Requirements whose gaps are risks that cannot be accepted."""

    @abstractmethod
    def tier(self, req: "Requirement") -> int:
        """0 Basis, 1 Standard, 2 elevated — the first key of the plan's priority."""

    @abstractmethod
    def level_label(self, req: "Requirement") -> str:
        """The level as a report shows it (e.g. ``B`` or ``MUSS normal-SdT``)."""

    def level_rank(self, req: "Requirement") -> int:
        """Order within one priority where the catalog has no effort (lower first)."""
        return self.levels.index(req.level) if req.level in self.levels else len(self.levels)

    # -- modelling -----------------------------------------------------------------------

    @abstractmethod
    def model(
        self, catalog: "Catalog", targets: Sequence["TargetObject"], needs: dict[str, "ResolvedNeed"]
    ) -> tuple[list["Applicable"], list["ModellingProblem"]]:
        """Every modelled (requirement, target object) pair, in target then catalog order."""

    @abstractmethod
    def modules_of(self, catalog: "Catalog", target: "TargetObject") -> list[tuple[str, str]]:
        """(id, title) of what the target object is modelled with (report A.3)."""


class EditionRegistry:
    """The editions known in this run, in registration order."""

    def __init__(self, editions: Iterable[Edition] = ()):
        self._editions: dict[str, Edition] = {}
        self.owners: dict[str, str] = {}
        for edition in editions:
            self.add(edition, "ikz_isms")

    def add(self, edition: Edition, plugin: str) -> None:
        if not isinstance(edition, Edition):
            raise PluginError("register(edition): erwartet wird ein ikz_isms.editions.Edition-Objekt.")
        if not edition.id or not edition.approaches or not edition.basis_approach:
            raise PluginError(f"Edition '{edition.id}': id, approaches und basis_approach sind Pflicht.")
        if edition.id in self._editions:
            raise PluginError(f"Edition '{edition.id}' ist bereits registriert (von {self.owners[edition.id]}).")
        self._editions[edition.id] = edition
        self.owners[edition.id] = plugin

    def __iter__(self) -> Iterator[Edition]:
        return iter(self._editions.values())

    def get(self, edition_id: str) -> Edition:
        return self._editions[edition_id]

    def of(self, catalog: "Catalog") -> Edition:
        """The edition of ``catalog``: the one it was marked with, else the first that recognises it."""
        marked = getattr(catalog, "edition", None)
        if marked and marked in self._editions:
            return self._editions[marked]
        for edition in self._editions.values():
            if edition.recognises(catalog):
                catalog.edition = edition.id
                return edition
        fallback = list(self._editions.values())[-1]
        catalog.edition = fallback.id
        return fallback

    @property
    def levels(self) -> tuple[str, ...]:
        return tuple(level for edition in self._editions.values() for level in edition.levels)

    @property
    def approach_ids(self) -> tuple[str, ...]:
        return tuple(a.id for edition in self._editions.values() for a in edition.approaches)


_BUILTIN: EditionRegistry | None = None


def builtin_registry() -> EditionRegistry:
    """The built-in editions (for code that runs without a plugin manager)."""
    global _BUILTIN
    if _BUILTIN is None:
        from .ed2023 import Edition2023
        from .gspp import GrundschutzPlusPlus

        _BUILTIN = EditionRegistry([Edition2023(), GrundschutzPlusPlus()])
    return _BUILTIN


def edition_of(catalog: "Catalog", registry: EditionRegistry | None = None) -> Edition:
    """The edition of a catalog, from ``registry`` or the built-ins."""
    return (registry or builtin_registry()).of(catalog)


def collect(contribute: Callable[..., None]) -> EditionRegistry:
    """An edition registry filled through the ``ikz_register_editions`` hook.

    ``contribute(hook_name, register)`` is the plugin manager's call of a contributing hook.
    """
    registry = EditionRegistry()

    def register(edition: Edition, *, plugin: str) -> None:
        registry.add(edition, plugin)

    contribute("ikz_register_editions", register)
    if not list(registry):
        return builtin_registry()
    return registry
