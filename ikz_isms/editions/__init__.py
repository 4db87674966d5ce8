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
    from ..assess.modelling import Applicable, LeftOut, ModellingProblem, Suggestion
    from ..assess.structure import Decisions, Exclusion
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
    #: requirements keep a stable key across releases (G++ ``alt-identifier``), so a county's
    #: records can follow renumbered requirements to a newer release (``catalog upgrade``)
    stable_ids: bool = False
    #: ids of the editions a county can move to from this one on a published mapping
    #: (``catalog migrate``); ask :meth:`can_migrate_to`, never compare ids
    migrates_to: tuple[str, ...] = ()
    #: the Satzschablone fields of a requirement's statement, (model field, German label):
    #: what ``catalog show`` lists and ``catalog search`` filters on
    statement_fields: tuple[tuple[str, str], ...] = ()
    #: a Baustein's descriptive parts (Ed. 2023): (model field, German label)
    module_fields: tuple[tuple[str, str], ...] = ()
    #: the approach a county follows while it has chosen none (``model approach``)
    default_approach: str = ""
    #: the approach that covers only the Kronjuwelen and what they depend on (Ed. 2023:
    #: Kern-Absicherung); ``""`` when the edition has none
    core_approach: str = ""
    #: what ``model set`` and the starter model write a target object's modelling into
    #: (``bausteine`` or ``kategorien`` in zielobjekte.yaml)
    modelling_key: str = "bausteine"

    # -- identity ------------------------------------------------------------------------

    def recognises(self, catalog: "Catalog") -> bool:
        """Whether ``catalog`` belongs to this edition (by the levels its requirements carry)."""
        return any(r.level in self.levels for r in catalog.requirements.values())

    @property
    def approach_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.approaches)

    def can_migrate_to(self, other: "Edition") -> bool:
        """Whether a county on this edition can move to ``other`` on a published mapping."""
        return other.id in self.migrates_to

    def same_edition(self, other: "Edition") -> bool:
        """Two catalogs of one edition (releases of it): an upgrade, not a migration."""
        return other.id == self.id

    def approach(self, approach_id: str) -> Approach:
        for approach in self.approaches:
            if approach.id == approach_id:
                return approach
        raise KeyError(approach_id)

    @property
    def basis_heading(self) -> str:
        return f"Offene {self.basis_label}"

    def chosen_approach(self, wanted: str | None) -> str:
        """The approach a county follows: its choice if this edition has it, else the default."""
        if wanted and wanted in self.approach_ids:
            return wanted
        return self.default_approach or self.approaches[-1].id

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

    # -- the county's modelling: its decisions on top of the rules --------------------------

    def model_county(
        self, catalog: "Catalog", targets: Sequence["TargetObject"], needs: dict[str, "ResolvedNeed"],
        decisions: "Decisions",
    ) -> tuple[list["Applicable"], list["ModellingProblem"]]:
        """:meth:`model`, then the county's decisions: what it left out (with a reason) no longer
        applies, and the :attr:`core_approach` covers only the Kronjuwelen and what they depend on."""
        from ..assess.modelling import Applicable
        from ..assess.structure import kern_scope

        pairs, problems = self.model(catalog, targets, needs)
        excluded = self.excluded_requirements(catalog, decisions.exclusions)
        scope = kern_scope(targets) if self.core_approach else None
        result: list[Applicable] = []
        for pair in pairs:
            if pair.requirement.id in excluded:
                continue
            if scope is not None and self.core_approach in pair.approaches and pair.target.id not in scope:
                pair = Applicable(pair.requirement, pair.target, pair.approaches - {self.core_approach})
            result.append(pair)
        return result, [*problems, *self.decision_problems(catalog, targets, decisions)]

    def excluded_requirements(self, catalog: "Catalog", exclusions: Sequence["Exclusion"]) -> set[str]:
        """Ids of the requirements the county's exclusions take out of the modelling."""
        return set()

    def exclusion_kind(self, catalog: "Catalog", ref: str) -> str | None:
        """What ``ref`` names when left out (German, e.g. ``Baustein``); ``None``: nothing known."""
        return None

    def decision_problems(self, catalog: "Catalog", targets: Sequence["TargetObject"],
                          decisions: "Decisions") -> list["ModellingProblem"]:
        """Decisions that do not fit the catalog: an unknown approach or exclusion, a parameter the
        catalog lacks, something left out that is modelled all the same."""
        from ..assess.modelling import ModellingProblem

        problems = []
        if decisions.approach and decisions.approach not in self.approach_ids:
            problems.append(ModellingProblem(
                "modelling.unknown-approach", "", decisions.approach,
                f"Vorgehensweise '{decisions.approach}' gibt es in {self.title} nicht "
                f"(möglich: {', '.join(self.approach_ids)}); es gilt {self.approach(self.chosen_approach(None)).label}.",
                decisions.approach_line))
        for exclusion in decisions.exclusions:
            if self.exclusion_kind(catalog, exclusion.ref) is None:
                problems.append(ModellingProblem(
                    "modelling.unknown-exclusion", "", exclusion.ref,
                    f"Ausgelassen ist '{exclusion.ref}', das gibt es im Katalog {catalog.title} nicht.",
                    exclusion.line, severity="warning"))
        params = {p.id for r in catalog.requirements.values() for p in r.params}
        for parameter in decisions.parameters:
            if parameter.param not in params:
                problems.append(ModellingProblem(
                    "modelling.unknown-parameter", "", parameter.param,
                    f"Parameter '{parameter.param}' gibt es im Katalog {catalog.title} nicht.",
                    parameter.line, severity="warning"))
        return problems

    def suggest(self, catalog: "Catalog", targets: Sequence["TargetObject"]) -> list["Suggestion"]:
        """What BSI's modelling rules give each object (``model suggest``); none by default."""
        return []

    def left_out(self, catalog: "Catalog", targets: Sequence["TargetObject"], decisions: "Decisions",
                 pairs: Sequence["Applicable"]) -> list["LeftOut"]:
        """What the catalog expects modelled that the county neither modelled nor left out with a reason."""
        return []

    def needs_modules(self, target: "TargetObject") -> bool:
        """Whether the object must be modelled with at least one Baustein / category (``check``)."""
        from ..assess.structure import TECHNICAL_TYPES, base_type

        return base_type(target.type) in TECHNICAL_TYPES

    def current_modules(self, target: "TargetObject") -> tuple[str, ...]:
        """What the object is modelled with now (including what it has by default)."""
        return target.bausteine

    def module_problem(self, catalog: "Catalog", target: "TargetObject", module: str) -> str | None:
        """Why ``module`` cannot be modelled on ``target`` (German), ``None`` when it can."""
        return None

    def module_title(self, catalog: "Catalog", module: str) -> str:
        group = catalog.groups.get(module)
        return group.title if group is not None else ""


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
