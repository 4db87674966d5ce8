"""Structure analysis (Strukturanalyse) and protection needs (Schutzbedarf) by the maximum principle.

A target object ``X`` that ``depends_on`` ``Y`` runs on or needs ``Y`` (an application on
an IT system, a system in a room). ``Y`` therefore inherits ``X``'s protection need: for
each of C, I, A the resulting need of ``Y`` is the maximum of its own value and the
resulting values of every object depending on it. An override with a written reason
replaces the computed value (e.g. a distribution effect) and is passed on like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError

LEVELS = ("normal", "hoch", "sehr hoch")
DIMENSIONS = ("C", "I", "A")
DIMENSION_NAMES = {"C": "Vertraulichkeit", "I": "Integrität", "A": "Verfügbarkeit"}

class DependencyCycleError(InputError):
    """Target objects depend on each other in a circle; no protection need can be inherited."""


@dataclass(frozen=True)
class TargetObject:
    """A target object (Zielobjekt) as recorded in ``zielobjekte.yaml``."""

    id: str
    name: str
    type: str
    depends_on: tuple[str, ...] = ()
    need: dict[str, str] = field(default_factory=dict)
    override: dict[str, str] = field(default_factory=dict)
    override_reason: str = ""
    bausteine: tuple[str, ...] = ()
    categories: tuple[str, ...] | None = None
    description: str = ""
    count: int = 1
    line: int | None = None

    def own(self, dim: str) -> str:
        return self.need.get(dim, "normal")


@dataclass(frozen=True)
class DimensionNeed:
    """The resulting need in one dimension and why: own value, inherited from, overridden."""

    own: str
    result: str
    inherited_from: tuple[str, ...] = ()
    overridden: bool = False


@dataclass(frozen=True)
class ResolvedNeed:
    """The resulting protection need of a target object in C, I and A."""

    target: str
    dims: dict[str, DimensionNeed]
    override_reason: str = ""

    def result(self, dim: str) -> str:
        return self.dims[dim].result

    @property
    def elevated(self) -> bool:
        """True when any of C, I, A is hoch or sehr hoch (Standard adds H, G++ adds erhöht)."""
        return any(d.result != "normal" for d in self.dims.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            dim: {
                "own": d.own,
                "result": d.result,
                "inherited_from": list(d.inherited_from),
                "overridden": d.overridden,
            }
            for dim, d in self.dims.items()
        } | {"override_reason": self.override_reason or None}


def parse_targets(parsed: Any) -> list[TargetObject]:
    """Target objects from a parsed, schema-valid ``zielobjekte.yaml`` (a :class:`~ikz_isms.store.Parsed`)."""
    items = (parsed.data or {}).get("zielobjekte") or []
    targets = []
    for index, item in enumerate(items):
        override = dict(item.get("override") or {})
        reason = str(override.pop("reason", "") or "").strip()
        categories = item.get("kategorien")
        targets.append(
            TargetObject(
                id=str(item["id"]),
                name=str(item["name"]).strip(),
                type=str(item["type"]),
                depends_on=tuple(str(d) for d in item.get("depends_on") or ()),
                need={str(k): str(v) for k, v in (item.get("protection_need") or {}).items()},
                override={str(k): str(v) for k, v in override.items()},
                override_reason=reason,
                bausteine=tuple(str(b) for b in item.get("bausteine") or ()),
                categories=None if categories is None else tuple(str(c) for c in categories),
                description=str(item.get("description") or "").strip(),
                count=int(item.get("count") or 1),
                line=parsed.line("zielobjekte", index),
            )
        )
    return targets


@dataclass(frozen=True)
class TargetProblem:
    """A structural problem: duplicate id or a dependency on an unknown object."""

    rule: str
    target: str
    message: str
    line: int | None


def structure_problems(targets: list[TargetObject]) -> list[TargetProblem]:
    """Duplicate ids and dependencies on unknown objects (cycles: see ``resolve_needs``)."""
    problems = []
    seen: dict[str, str] = {}
    ids = {t.id for t in targets}
    for target in targets:
        folded = target.id.casefold()
        if target.id in ids and seen.get(folded) == target.id:
            problems.append(TargetProblem("targets.duplicate-id", target.id, f"Zielobjekt-ID '{target.id}' ist doppelt vergeben.", target.line))
        elif folded in seen:
            problems.append(TargetProblem(
                "targets.duplicate-id", target.id,
                f"Zielobjekt-IDs '{seen[folded]}' und '{target.id}' unterscheiden sich nur in Groß-/Kleinschreibung "
                "(ihre Prüfdateien wären auf Windows und macOS dieselbe Datei).", target.line,
            ))
        seen.setdefault(folded, target.id)
        if target.override and not target.override_reason:
            problems.append(TargetProblem(
                "targets.override-reason", target.id,
                f"Zielobjekt '{target.id}': Übersteuerung des Schutzbedarfs ohne Begründung (override.reason).", target.line,
            ))
        for dep in target.depends_on:
            if dep not in ids:
                problems.append(TargetProblem(
                    "targets.unknown-dependency", target.id,
                    f"Zielobjekt '{target.id}' hängt von unbekanntem Zielobjekt '{dep}' ab.", target.line,
                ))
            elif dep == target.id:
                problems.append(TargetProblem(
                    "targets.cycle", target.id, f"Zielobjekt '{target.id}' hängt von sich selbst ab.", target.line,
                ))
    if not any(t.type == "Informationsverbund" for t in targets):
        problems.append(TargetProblem(
            "targets.no-information-domain", "",
            "kein Zielobjekt vom Typ Informationsverbund (übergreifende Anforderungen hätten kein Ziel).",
            None,
        ))
    return problems


def _find_cycle(targets: dict[str, TargetObject]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in targets[node].depends_on:
            if dep not in targets:
                continue
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in targets:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def resolve_needs(targets: list[TargetObject], *, path: str | None = None) -> dict[str, ResolvedNeed]:
    """The resulting protection need of every object; a dependency cycle raises DependencyCycleError.

    Dependencies on unknown ids are ignored here (``structure_problems`` reports them).
    """
    by_id = {t.id: t for t in targets}
    cycle = _find_cycle(by_id)
    if cycle:
        first = by_id[cycle[0]]
        raise DependencyCycleError(
            "Abhängigkeitszyklus zwischen Zielobjekten: " + " → ".join(cycle)
            + " (der Schutzbedarf kann so nicht vererbt werden).",
            path=path,
            location=f"Zeile {first.line}" if first.line else None,
        )
    dependents: dict[str, list[str]] = {t.id: [] for t in targets}
    for target in targets:
        for dep in target.depends_on:
            if dep in dependents and target.id not in dependents[dep]:
                dependents[dep].append(target.id)

    resolved: dict[str, ResolvedNeed] = {}

    def resolve(target_id: str) -> ResolvedNeed:
        if target_id in resolved:
            return resolved[target_id]
        target = by_id[target_id]
        parents = [resolve(p) for p in dependents[target_id]]
        dims = {}
        for dim in DIMENSIONS:
            own = target.own(dim)
            best = LEVELS.index(own)
            for parent in parents:
                best = max(best, LEVELS.index(parent.result(dim)))
            result = LEVELS[best]
            sources = tuple(
                p.target for p in parents
                if p.result(dim) == result and LEVELS.index(result) > LEVELS.index(own)
            )
            if dim in target.override and target.override_reason:
                dims[dim] = DimensionNeed(own, target.override[dim], sources, True)
            else:
                dims[dim] = DimensionNeed(own, result, sources, False)
        need = ResolvedNeed(target_id, dims, target.override_reason if target.override else "")
        resolved[target_id] = need
        return need

    # depth of the dependents chain stays small (processes → apps → systems → rooms)
    for target in targets:
        resolve(target.id)
    return resolved
