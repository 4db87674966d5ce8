"""Modelling (Modellierung): which requirements apply to which target object, per approach.

How a catalog is modelled is its edition's business (:mod:`ikz_isms.editions`); this
module holds the types every edition returns and the one entry point :func:`model`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .targets import ResolvedNeed, TargetObject

if TYPE_CHECKING:
    from ..catalog.model import Catalog, Requirement
    from ..editions import Edition


@dataclass(frozen=True)
class Applicable:
    """A requirement modelled onto a target object and the approaches under which it applies.

    ``approaches`` may be empty: the requirement is modelled (its Baustein or category fits)
    but its level is not called for by the object's protection need; a record for it is
    allowed and simply not counted.
    """

    requirement: "Requirement"
    target: TargetObject
    approaches: frozenset[str]

    @property
    def key(self) -> tuple[str, str]:
        return (self.requirement.id, self.target.id)


@dataclass(frozen=True)
class ModellingProblem:
    """A Baustein or category that is unknown or modelled onto the wrong target-object type."""

    rule: str
    target: str
    baustein: str
    message: str
    line: int | None
    severity: str = "error"


def model(
    catalog: "Catalog", targets: Sequence[TargetObject], needs: dict[str, ResolvedNeed],
    edition: "Edition | None" = None,
) -> tuple[list[Applicable], list[ModellingProblem]]:
    """Every modelled (requirement, target object) pair, in target then catalog order."""
    from ..editions import edition_of

    return (edition or edition_of(catalog)).model(catalog, targets, needs)


def approaches_for(catalog: "Catalog", edition: "Edition | None" = None) -> tuple[str, ...]:
    from ..editions import edition_of

    return (edition or edition_of(catalog)).approach_ids


def is_basis(req: "Requirement", catalog: "Catalog", edition: "Edition | None" = None) -> bool:
    """Requirements whose gaps are risks that cannot be accepted (see the edition)."""
    from ..editions import edition_of

    return (edition or edition_of(catalog)).is_basis(req)
