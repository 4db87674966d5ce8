"""Structure analysis (Strukturanalyse) and protection needs (Schutzbedarf) by the maximum principle.

A target object ``X`` that ``depends_on`` ``Y`` runs on or needs ``Y`` (an application on
an IT system, a system in a room). ``Y`` therefore inherits ``X``'s protection need: for
each of C, I, A the resulting need of ``Y`` is the maximum of its own value and the
resulting values of every object depending on it. An override with a written reason
replaces the computed value and is passed on like any other; it may be marked as a
**Kumulationseffekt** (many objects of normal need together need more: the override must
raise the computed value) or a **Verteilungseffekt** (the need is spread, e.g. over
redundant systems: the override must lower it) — both explicit, reasoned decisions.

Every own need may carry its written reason per dimension (``need_reasons``), so A.2 can
show why an object needs what it needs, not only where an override changed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError

LEVELS = ("normal", "hoch", "sehr hoch")
DIMENSIONS = ("C", "I", "A")
DIMENSION_NAMES = {"C": "Vertraulichkeit", "I": "Integrität", "A": "Verfügbarkeit"}
#: the reasoned effects an override may stand for, and the German names users know
EFFECTS = {"kumulation": "Kumulationseffekt", "verteilung": "Verteilungseffekt"}
#: types whose own protection need must be reasoned (the need is determined there and inherited)
REASONED_TYPES = ("Geschäftsprozess", "Anwendung")

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
    #: the kind (Art) BSI's modelling rules look at, e.g. ``Windows-Server`` (see :mod:`.structure`)
    kind: str = ""
    #: one of the Kronjuwelen: Kern-Absicherung covers it and what it depends on
    kronjuwel: bool = False
    #: still as the starter model of ``county add`` left it (a starting point to edit)
    starter: bool = False
    #: the written reason of the own need, per dimension
    need_reasons: dict[str, str] = field(default_factory=dict)
    #: what the override stands for: ``kumulation``, ``verteilung`` or ``""`` (another reason)
    override_effect: str = ""
    #: why each Baustein / category is modelled: rule or a manual decision (in list order)
    modelling: tuple["ModellingEntry", ...] = ()

    def own(self, dim: str) -> str:
        return self.need.get(dim, "normal")

    def entry(self, module: str) -> "ModellingEntry | None":
        return next((e for e in self.modelling if e.module == module), None)


@dataclass(frozen=True)
class ModellingEntry:
    """Why a Baustein (Ed. 2023) or category (G++) is modelled on an object: a rule or a manual reason."""

    module: str
    rule: str = ""
    reason: str = ""

    @property
    def why(self) -> str:
        if self.reason:
            return f"Entscheidung: {self.reason}"
        if self.rule:
            return f"Regel: {self.rule}"
        return "ohne Begründung"

    def as_dict(self) -> dict[str, str | None]:
        return {"id": self.module, "rule": self.rule or None, "reason": self.reason or None}


@dataclass(frozen=True)
class DimensionNeed:
    """The resulting need in one dimension and why: own value, inherited from, overridden."""

    own: str
    result: str
    inherited_from: tuple[str, ...] = ()
    overridden: bool = False
    #: the value the maximum principle gives (before an override)
    computed: str = ""
    #: the written reason of the own value
    reason: str = ""
    #: ``kumulation`` / ``verteilung`` when the override stands for that effect
    effect: str = ""


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
                "computed": d.computed or d.result,
                "reason": d.reason or None,
                "effect": d.effect or None,
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
        effect = str(override.pop("effect", "") or "")
        bausteine = [modelling_entry(b, "baustein") for b in item.get("bausteine") or ()]
        raw_categories = item.get("kategorien")
        categories = None if raw_categories is None else [modelling_entry(c, "kategorie") for c in raw_categories]
        targets.append(
            TargetObject(
                id=str(item["id"]),
                name=str(item["name"]).strip(),
                type=str(item["type"]),
                depends_on=tuple(str(d) for d in item.get("depends_on") or ()),
                need={str(k): str(v) for k, v in (item.get("protection_need") or {}).items()},
                override={str(k): str(v) for k, v in override.items()},
                override_reason=reason,
                bausteine=tuple(e.module for e in bausteine),
                categories=None if categories is None else tuple(e.module for e in categories),
                description=str(item.get("description") or "").strip(),
                count=int(item.get("count") or 1),
                line=parsed.line("zielobjekte", index),
                kind=str(item.get("kind") or "").strip(),
                kronjuwel=bool(item.get("kronjuwel")),
                starter=bool(item.get("starter")),
                need_reasons={str(k): str(v).strip() for k, v in (item.get("need_reasons") or {}).items()
                              if str(v).strip()},
                override_effect=effect,
                modelling=tuple(bausteine + (categories or [])),
            )
        )
    return targets


def modelling_entry(value: Any, key: str) -> ModellingEntry:
    """A list item of ``bausteine``/``kategorien``: an id, or ``{baustein|kategorie: id, rule|reason: text}``."""
    if isinstance(value, dict):
        return ModellingEntry(str(value.get(key) or "").strip(), str(value.get("rule") or "").strip(),
                              str(value.get("reason") or "").strip())
    return ModellingEntry(str(value).strip())


@dataclass(frozen=True)
class TargetProblem:
    """A structural problem: duplicate id or a dependency on an unknown object."""

    rule: str
    target: str
    message: str
    line: int | None
    #: "error" or "warning" — how ``check`` and ``assess`` count it (one rule for both)
    severity: str = "error"


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
            None, severity="warning",
        ))
    return problems


def _find_cycle(targets: dict[str, TargetObject]) -> list[str] | None:
    """The first dependency cycle (ids, the first repeated at the end), depth first in file order;
    iterative, so a chain of thousands of objects is no RecursionError."""
    state: dict[str, int] = {}
    for start in targets:
        if start in state:
            continue
        state[start] = 1
        path = [start]
        pending = [iter(targets[start].depends_on)]
        while pending:
            dep = next(pending[-1], None)
            if dep is None:
                state[path.pop()] = 2
                pending.pop()
                continue
            if dep not in targets:
                continue
            if state.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            if dep not in state:
                state[dep] = 1
                path.append(dep)
                pending.append(iter(targets[dep].depends_on))
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
        """The need of one object whose dependents are all resolved (see the loop below)."""
        target = by_id[target_id]
        parents = [resolved[p] for p in dependents[target_id]]
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
            reason = target.need_reasons.get(dim, "")
            if dim in target.override and target.override_reason:
                dims[dim] = DimensionNeed(own, target.override[dim], sources, True, result, reason,
                                          target.override_effect)
            else:
                dims[dim] = DimensionNeed(own, result, sources, False, result, reason)
        need = ResolvedNeed(target_id, dims, target.override_reason if target.override else "")
        resolved[target_id] = need
        return need

    # dependents before the objects they depend on, without recursion (a chain may be thousands long);
    # there is no cycle (refused above), so every object is resolved once
    for target in targets:
        if target.id in resolved:
            continue
        stack = [target.id]
        while stack:
            current = stack[-1]
            waiting = [p for p in dependents[current] if p not in resolved]
            if waiting:
                stack.extend(waiting)
                continue
            stack.pop()
            if current not in resolved:
                resolve(current)
    return resolved


def need_problems(targets: list[TargetObject], needs: dict[str, ResolvedNeed]) -> list[TargetProblem]:
    """Protection needs without their reasons, and effects that do not do what they say.

    * a business process or application whose own need lacks a written reason in a dimension
      (``targets.need-reason``): the need is determined there and inherited from there;
    * a Kumulationseffekt that does not raise the computed value, a Verteilungseffekt that does
      not lower it (``targets.effect-direction``).
    """
    problems = []
    for target in targets:
        if target.type in REASONED_TYPES:
            missing = [DIMENSION_NAMES[d] for d in DIMENSIONS if not target.need_reasons.get(d)]
            if missing:
                problems.append(TargetProblem(
                    "targets.need-reason", target.id,
                    f"{target.type} '{target.id}': Schutzbedarf ohne schriftliche Begründung für "
                    f"{', '.join(missing)} (ikz-isms target need {target.id} … --reason \"…\").", target.line,
                ))
        need = needs.get(target.id)
        if need is None or not target.override_effect:
            continue
        effect = EFFECTS.get(target.override_effect, target.override_effect)
        for dim in DIMENSIONS:
            d = need.dims[dim]
            if not d.overridden:
                continue
            up = LEVELS.index(d.result) - LEVELS.index(d.computed or d.result)
            if target.override_effect == "kumulation" and up <= 0:
                problems.append(TargetProblem(
                    "targets.effect-direction", target.id,
                    f"Zielobjekt '{target.id}': {effect} bei {DIMENSION_NAMES[dim]} muss den Schutzbedarf erhöhen "
                    f"(nach dem Maximumprinzip {d.computed}, festgelegt {d.result}).", target.line,
                ))
            if target.override_effect == "verteilung" and up >= 0:
                problems.append(TargetProblem(
                    "targets.effect-direction", target.id,
                    f"Zielobjekt '{target.id}': {effect} bei {DIMENSION_NAMES[dim]} muss den Schutzbedarf senken "
                    f"(nach dem Maximumprinzip {d.computed}, festgelegt {d.result}).", target.line,
                ))
    return problems
