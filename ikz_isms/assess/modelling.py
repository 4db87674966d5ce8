"""Modelling (Modellierung): which requirements apply to which target object, per approach.

How a catalog is modelled is its edition's business (:mod:`ikz_isms.editions`): the rules
(:meth:`~ikz_isms.editions.Edition.model`), the county's decisions on top of them
(:meth:`~ikz_isms.editions.Edition.model_county`: what is left out, the Kronjuwelen),
BSI's modelling rules for a suggested model (:meth:`~ikz_isms.editions.Edition.suggest`)
and what the catalog expects modelled (:meth:`~ikz_isms.editions.Edition.left_out`). This
module holds the types every edition returns and the entry point :func:`model`.
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

    @classmethod
    def of(cls, requirement: "Requirement", target: TargetObject, approaches: frozenset[str]) -> "Applicable":
        """The same pair as ``Applicable(...)``, made without the frozen ``__init__``'s one
        ``object.__setattr__`` per field (a county's modelling makes thousands)."""
        pair = object.__new__(cls)
        object.__setattr__(pair, "__dict__", {"requirement": requirement, "target": target, "approaches": approaches})
        return pair


@dataclass(frozen=True)
class ModellingProblem:
    """A Baustein or category that is unknown or modelled onto the wrong target-object type."""

    rule: str
    target: str
    baustein: str
    message: str
    line: int | None
    severity: str = "error"


@dataclass(frozen=True)
class Suggestion:
    """What BSI's modelling rules give one object: a Baustein (Ed. 2023) or category (G++) and the rule.

    ``decide`` is set where the rule depends on something only the county knows (does it develop
    software? use cloud services?): the suggestion is then a question — model it, or leave it out
    with a reason — and ``model suggest --apply`` does not take it without that decision.
    """

    target: str
    module: str
    title: str
    rule: str
    decide: str = ""

    def as_dict(self) -> dict[str, str | None]:
        return {"target": self.target, "id": self.module, "title": self.title, "rule": self.rule,
                "decide": self.decide or None}


@dataclass(frozen=True)
class LeftOut:
    """Something the catalog expects in the modelling that the county neither modelled nor left out
    with a written reason: a process Baustein (Ed. 2023), or controls no object is in the category of (G++)."""

    ref: str
    kind: str
    title: str
    message: str
    requirements: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"ref": self.ref, "kind": self.kind, "title": self.title, "message": self.message,
                "requirements": list(self.requirements)}


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
