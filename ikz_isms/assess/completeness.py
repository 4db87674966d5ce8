"""Is the model complete? The gaps a BSI auditor would find in a county's structure analysis and modelling.

Pure function over an :class:`~ikz_isms.assess.Assessment` (what ``check`` reports, rule
ids ``county.structure.*``):

* ``unmodelled`` — an IT system, application, network or room (or building) without any
  Baustein or category, or whose modelling makes no requirement apply: nothing says how it
  is protected;
* ``left-out`` — what the catalog expects modelled and the county neither modelled nor left
  out with a written reason (a process Baustein of Edition 2023; Grundschutz++ controls for
  categories no object belongs to);
* ``kronjuwel`` — a Kronjuwel that Kern-Absicherung does not reach (no requirement applies
  to it or to what it depends on), Kern-Absicherung chosen without any Kronjuwel;
* ``no-approach``, ``no-scale`` — the county has not chosen its approach, or not written
  down what normal / hoch / sehr hoch mean for it;
* ``need-reason``, ``effect-direction`` — protection needs without their reason, effects
  that do not do what they say (see :func:`~ikz_isms.assess.targets.need_problems`);
* ``kind``, ``no-reason`` — a kind the modelling rules do not know or that does not fit the
  type; a Baustein or category modelled without a rule or reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Assessment
    from .targets import TargetObject

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Gap:
    """One completeness finding: rule (below ``county.structure.``), severity, object, German message, line."""

    rule: str
    severity: str
    target: str
    message: str
    line: int | None = None


def gaps(assessment: "Assessment") -> list[Gap]:
    """Every gap of the county's model, objects first, then the county-wide ones."""
    from .structure import KIND_BY_NAME, base_type, kern_scope
    from .targets import need_problems

    edition = assessment.edition
    catalog = assessment.catalog
    data = assessment.data
    decisions = data.decisions
    found: list[Gap] = []
    pairs_of: dict[str, int] = {}
    core_of: dict[str, int] = {}
    for pair in assessment.pairs:
        pairs_of[pair.target.id] = pairs_of.get(pair.target.id, 0) + 1
        if edition.core_approach and edition.core_approach in pair.approaches:
            core_of[pair.target.id] = core_of.get(pair.target.id, 0) + 1
    for target in data.targets:
        label = f"{target.type} '{target.id}' ({target.name})"
        if edition.needs_modules(target) and not pairs_of.get(target.id):
            modules = edition.current_modules(target)
            if not modules:
                hint = f"ikz-isms model suggest --target {target.id}" if target.kind else \
                    f"Art angeben (ikz-isms target edit {target.id} --kind …) oder ikz-isms model set {target.id} …"
                message = f"{label} ist mit keinem {'Baustein' if edition.modelling_key == 'bausteine' else 'Zielobjektkategorie'} " \
                          f"modelliert ({hint}); ohne Modellierung braucht es eine Risikoanalyse."
            else:
                message = f"{label}: für {', '.join(modules)} gilt im Katalog {catalog.title} keine Anforderung."
            found.append(Gap("unmodelled", ERROR, target.id, message, target.line))
        if target.kind:
            kind = KIND_BY_NAME.get(target.kind)
            if kind is None:
                found.append(Gap("kind", WARNING, target.id,
                                 f"{label}: Art '{target.kind}' kennen die Modellierungsregeln nicht "
                                 "(ikz-isms target kinds).", target.line))
            elif kind.type != base_type(target.type):
                found.append(Gap("kind", WARNING, target.id,
                                 f"{label}: Art '{target.kind}' gehört zum Typ {kind.type}.", target.line))
        unreasoned = [e.module for e in target.modelling if not e.rule and not e.reason]
        if unreasoned:
            found.append(Gap("no-reason", WARNING, target.id,
                             f"{label}: {', '.join(unreasoned)} ohne Begründung modelliert (Regel oder Entscheidung: "
                             f"ikz-isms model set {target.id} {unreasoned[0]} --reason \"…\" oder model suggest --apply).",
                             target.line))
    for problem in need_problems(data.targets, data.needs):
        severity = ERROR if problem.rule == "targets.effect-direction" else WARNING
        found.append(Gap(problem.rule.removeprefix("targets."), severity, problem.target, problem.message, problem.line))
    if edition.core_approach:
        scope = kern_scope(data.targets)
        by_id = {t.id: t for t in data.targets}
        jewels = [t for t in data.targets if t.kronjuwel]
        for jewel in jewels:
            reach = _reach(jewel.id, by_id)
            if not any(core_of.get(t) for t in reach if t in scope):
                found.append(Gap("kronjuwel", ERROR, jewel.id,
                                 f"Kronjuwel '{jewel.id}' ({jewel.name}): keine Anforderung der "
                                 f"{edition.approach(edition.core_approach).label} gilt für das Objekt oder das, "
                                 "wovon es abhängt – Bausteine bzw. Kategorien modellieren.", jewel.line))
        if assessment.approach == edition.core_approach and not jewels:
            found.append(Gap("kronjuwel", ERROR, "",
                             f"{edition.approach(edition.core_approach).label} gewählt, aber kein Zielobjekt als "
                             "Kronjuwel markiert (ikz-isms target edit ID --kronjuwel).", decisions.approach_line))
    for left in edition.left_out(catalog, data.targets, decisions, assessment.pairs):
        found.append(Gap("left-out", ERROR, "", left.message, None))
    if not assessment.approach_chosen:
        found.append(Gap("no-approach", WARNING, "",
                         f"Keine Vorgehensweise gewählt; es gilt {edition.approach(assessment.approach).label} "
                         f"(ikz-isms model approach {assessment.approach} --reason \"…\").", None))
    if not decisions.scale.defined:
        found.append(Gap("no-scale", WARNING, "",
                         "Die Schutzbedarfskategorien (was normal, hoch und sehr hoch für den Landkreis bedeuten) "
                         "sind nicht festgelegt (ikz-isms target scale --level hoch --text \"…\").", None))
    return found


def _reach(start: str, by_id: Mapping[str, "TargetObject"]) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        current = stack.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        stack.extend(by_id[current].depends_on)
    return seen
