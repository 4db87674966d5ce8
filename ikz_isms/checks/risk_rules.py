"""Built-in plugin: ``check`` rules for the risk analysis (200-3), the emergency planning (200-4) and the incidents.

* ``county.risk`` — ``risiken.yaml``: readable and valid; every risk names a known object, known
  requirements and measures of the plan; a risk without treatment (warning); an acceptance past
  its date (error); an accepted risk that arises from unmet Basis requirements (error); ``akzeptieren``
  without the Behördenleitung's decision, a treatment past its deadline (warnings).
* ``county.bcm`` — ``notfall.yaml``: readable and valid; BIA entries name business processes,
  recovery plans known objects; a system whose realistic recovery cannot meet its inherited target
  (warning).
* ``county.incidents`` — ``vorfaelle.yaml``: readable and valid, known objects, follow-ups in the plan.
* ``verbund.emergency`` — ``catalogs/notfall/``: agreements and exercises readable and valid, naming
  members; a member's critical process without a fallback in the Verbund, an expired agreement,
  overdue exercises or follow-ups (warnings).

A county whose structure or catalog cannot be read is left to the rules that say why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..hookspecs import hookimpl
from . import ERROR, WARNING, CheckContext, Finding

if TYPE_CHECKING:
    from ..county import County


def _at(parsed: Any, *pointer: Any) -> str:
    """``Zeile N`` of an entry — looked up only for a finding (a cached document has no lines until asked)."""
    line = parsed.line(*pointer) if parsed is not None else None
    return f"Zeile {line}" if line else ""


def _readable(ctx: CheckContext, path: Path, kind: str, rule: str,
              parse: Callable[[Any], Any]) -> tuple[Any, list[Finding], Any]:
    """(parsed domain value, findings, the parsed document) — ``None`` and the reasons when the file cannot be used."""
    from ..errors import InputError

    shown = ctx.session.workspace.layout.relative(path)
    parsed, problems, error = ctx.session.store.parse_lenient(path, kind)
    if error is not None:
        return None, [Finding(f"{rule}.invalid", ERROR, error.message, shown, error.location or "")], None
    if problems:
        return None, [Finding(f"{rule}.schema", ERROR, p.message, shown, p.location) for p in problems], None
    try:
        return parse(parsed), [], parsed
    except InputError as exc:
        return None, [Finding(f"{rule}.invalid", ERROR, exc.message, shown, exc.location or "")], None


def _usable(ctx: CheckContext, county: "County") -> bool:
    from ..errors import IkzError

    try:
        ctx.session.assessment(county)
    except IkzError:
        return False
    return True


def risk_rule(ctx: CheckContext) -> Iterator[Finding]:
    from ..app.risks import risk_view
    from ..errors import IkzError
    from ..risk.register import parse_risks

    if ctx.workspace is None:
        return
    layout = ctx.session.workspace.layout
    for county in ctx.session.members():
        path = county.layout.risks
        if not path.exists():
            continue
        shown = layout.relative(path)
        name = county.profile.name
        risks, found, parsed = _readable(ctx, path, "risiken", "county.risk", parse_risks)
        yield from found
        if risks is None or not _usable(ctx, county):
            continue
        try:
            view = risk_view(ctx.session, county)
        except IkzError:
            continue  # the plan (county.plan) or the matrix (workspace.config) cannot be read: their rules say why
        assessment = ctx.session.assessment(county)
        from ..app.transitions import open_references

        # a reference a catalog change left for a decision: county.transition.open-reference names it
        pending = {(str(r["entry"]), str(r["value"])) for r in open_references(ctx.session, county)
                   if r.get("kind") == "risk"}
        for risk in view.risks:
            if assessment.data.target(risk.target) is None:
                yield Finding("county.risk.unknown-target", ERROR,
                              f"Landkreis {name}: Risiko {risk.id} nennt unbekanntes Zielobjekt '{risk.target}'.",
                              shown, _at(parsed, "risiken", risk.index))
            for (requirement, target), written in zip(risk.requirement_refs(), risk.requirements, strict=True):
                if (risk.id, written) in pending:
                    continue
                if assessment.catalog.requirements.get(requirement) is None:
                    # e.g. after a move to another catalog: the risk stands, its reference needs updating
                    yield Finding("county.risk.unknown-requirement", WARNING,
                                  f"Landkreis {name}: Risiko {risk.id} nennt Anforderung '{requirement}', die der "
                                  f"Katalog {assessment.catalog.title} nicht kennt (nach einem Katalogwechsel anpassen).",
                                  shown, _at(parsed, "risiken", risk.index))
                elif assessment.pair(requirement, target) is None:
                    yield Finding("county.risk.unknown-requirement", WARNING,
                                  f"Landkreis {name}: Risiko {risk.id} nennt {requirement} auf {target}, dort ist sie "
                                  "nicht modelliert.", shown, _at(parsed, "risiken", risk.index))
            for measure in risk.treatment.measures if risk.treatment else ():
                if measure not in view.measures:
                    yield Finding("county.risk.unknown-measure", ERROR,
                                  f"Landkreis {name}: Risiko {risk.id} nennt Maßnahme {measure}, die im "
                                  "Realisierungsplan fehlt.", shown, _at(parsed, "risiken", risk.index))
            state = view.state(risk)
            label = f"Risiko {risk.id} ({risk.name} auf {risk.target})"
            if state == "nicht bewertet":
                yield Finding("county.risk.untreated", WARNING,
                              f"Landkreis {name}: {label} ist weder eingestuft noch behandelt "
                              f"(ikz-isms risk assess {risk.id} …).", shown, _at(parsed, "risiken", risk.index))
            elif state == "unbehandelt":
                yield Finding("county.risk.untreated", WARNING,
                              f"Landkreis {name}: {label}, Kategorie {risk.category(view.matrix)}, ohne Behandlung "
                              f"(ikz-isms risk treat {risk.id} …).", shown, _at(parsed, "risiken", risk.index))
            if risk.acceptance is not None and risk.acceptance.expired(view.as_of):
                from ..present.de import date_de

                yield Finding("county.risk.acceptance-expired", ERROR,
                              f"Landkreis {name}: Akzeptanz von {label} ist am {date_de(risk.acceptance.until)} "
                              f"abgelaufen (entschieden von {risk.acceptance.by}); die Behördenleitung muss neu "
                              "entscheiden oder das Risiko behandeln.", shown, _at(parsed, "risiken", risk.index))
            gaps = view.basis_gaps(risk)
            accepted = risk.acceptance is not None or (risk.treatment is not None and risk.treatment.option == "akzeptieren")
            if gaps and accepted:
                named = ", ".join(f"{r} auf {t} ({s})" for r, t, s in gaps)
                yield Finding("county.risk.basis-accepted", ERROR,
                              f"Landkreis {name}: {label} ist als akzeptiert eingetragen, entsteht aber aus offenen "
                              f"Basis-Anforderungen ({named}); solche Risiken können nicht akzeptiert werden.",
                              shown, _at(parsed, "risiken", risk.index))
            elif state == "Akzeptanz ausstehend":
                yield Finding("county.risk.acceptance-missing", WARNING,
                              f"Landkreis {name}: {label} soll akzeptiert werden, die Entscheidung der "
                              f"Behördenleitung fehlt (ikz-isms risk accept {risk.id} --by … --until …).", shown, _at(parsed, "risiken", risk.index))
            if view.entry(risk)["treatment_overdue"]:
                assert risk.treatment is not None and risk.treatment.deadline is not None
                from ..present.de import date_de

                yield Finding("county.risk.treatment-overdue", WARNING,
                              f"Landkreis {name}: Behandlung von {label} war bis {date_de(risk.treatment.deadline)} "
                              "fällig und ist nicht abgeschlossen.", shown, _at(parsed, "risiken", risk.index))


def bcm_rule(ctx: CheckContext) -> Iterator[Finding]:
    from ..app.emergency import continuity_view
    from ..bcm.model import parse_continuity
    from ..errors import IkzError

    if ctx.workspace is None:
        return
    layout = ctx.session.workspace.layout
    for county in ctx.session.members():
        path = county.layout.continuity
        if not path.exists():
            continue
        shown = layout.relative(path)
        name = county.profile.name
        plan, found, parsed = _readable(ctx, path, "notfall", "county.bcm", parse_continuity)
        yield from found
        if plan is None or not _usable(ctx, county):
            continue
        try:
            view = continuity_view(ctx.session, county)
        except IkzError:
            continue  # the Verbund's agreements: verbund.emergency says why
        for entry in plan.bia:
            target = view.target(entry.process)
            if target is None:
                yield Finding("county.bcm.unknown-process", ERROR,
                              f"Landkreis {name}: BIA nennt unbekannten Geschäftsprozess '{entry.process}'.", shown,
                              _at(parsed, "bia", entry.index))
            elif target.type != "Geschäftsprozess":
                yield Finding("county.bcm.unknown-process", ERROR,
                              f"Landkreis {name}: BIA-Eintrag '{entry.process}' ist kein Geschäftsprozess "
                              f"({target.type}).", shown, _at(parsed, "bia", entry.index))
        for recovery in plan.recovery:
            if view.target(recovery.target) is None:
                yield Finding("county.bcm.unknown-target", ERROR,
                              f"Landkreis {name}: Wiederanlaufplan für unbekanntes Zielobjekt '{recovery.target}'.",
                              shown, _at(parsed, "recovery", recovery.index))
        plan_lines = {p.target: p.index for p in plan.recovery}
        for gap in view.gaps:
            yield Finding("county.bcm.recovery-gap", WARNING, f"Landkreis {name}: {gap.message}", shown,
                          _at(parsed, "recovery", plan_lines[gap.target]) if gap.target in plan_lines else "")


def incidents_rule(ctx: CheckContext) -> Iterator[Finding]:
    from ..bcm.incidents import parse_incidents
    from ..errors import IkzError

    if ctx.workspace is None:
        return
    layout = ctx.session.workspace.layout
    for county in ctx.session.members():
        path = county.layout.incidents
        if not path.exists():
            continue
        shown = layout.relative(path)
        name = county.profile.name
        incidents, found, parsed = _readable(ctx, path, "vorfaelle", "county.incidents", parse_incidents)
        yield from found
        if incidents is None or not _usable(ctx, county):
            continue
        data = ctx.session.county_data(county)
        try:
            from ..app.plans import stored_measures

            measures = {m.id for m in stored_measures(ctx.session, county)}
        except IkzError:
            continue  # an unreadable plan is county.plan's finding

        for incident in incidents:
            for target in incident.affected:
                if data.target(target) is None:
                    yield Finding("county.incidents.unknown-target", ERROR,
                                  f"Landkreis {name}: Vorfall {incident.id} nennt unbekanntes Zielobjekt '{target}'.",
                                  shown, _at(parsed, "vorfaelle", incident.index))
            for measure in incident.followups:
                if measure not in measures:
                    yield Finding("county.incidents.unknown-measure", ERROR,
                                  f"Landkreis {name}: Vorfall {incident.id} nennt Folgemaßnahme {measure}, die im "
                                  "Realisierungsplan fehlt.", shown, _at(parsed, "vorfaelle", incident.index))


def emergency_rule(ctx: CheckContext) -> Iterator[Finding]:
    from ..bcm.verbund import overdue, parse_agreements, parse_exercises
    from ..present.de import date_de

    if ctx.workspace is None:
        return
    session = ctx.session
    workspace = session.workspace
    layout = workspace.layout
    members = workspace.members
    today = session.today
    agreements = exercises = None
    parsed_agreements = parsed_exercises = None
    path = layout.agreements_file
    shown_agreements = layout.relative(path)
    if path.exists():
        agreements, found, parsed_agreements = _readable(ctx, path, "mutual-aid", "verbund.emergency", parse_agreements)
        yield from found
        for agreement in agreements or ():
            for party in agreement.parties:
                if party not in members:
                    yield Finding("verbund.emergency.unknown-county", ERROR,
                                  f"Vereinbarung {agreement.id}: '{party}' ist kein Mitglied des Verbunds.",
                                  shown_agreements, _at(parsed_agreements, "vereinbarungen", agreement.index))
            if agreement.valid_until is not None and agreement.valid_until < today:
                yield Finding("verbund.emergency.agreement-expired", WARNING,
                              f"Vereinbarung {agreement.id} ({agreement.title}) ist am {date_de(agreement.valid_until)} "
                              "ausgelaufen; ihre Leistungen zählen nicht als Ausweichlösung.", shown_agreements,
                              _at(parsed_agreements, "vereinbarungen", agreement.index))
    path = layout.exercises_file
    shown = layout.relative(path)
    if path.exists():
        exercises, found, parsed_exercises = _readable(ctx, path, "exercises", "verbund.emergency", parse_exercises)
        yield from found
        known = {a.id for a in agreements or ()}
        for exercise in exercises or ():
            for county in [*exercise.participants, *([exercise.lead] if exercise.lead else [])]:
                if county not in members:
                    yield Finding("verbund.emergency.unknown-county", ERROR,
                                  f"Übung {exercise.id}: '{county}' ist kein Mitglied des Verbunds.", shown,
                                  _at(parsed_exercises, "uebungen", exercise.index))
            for agreement_id in exercise.agreements:
                if agreements is not None and agreement_id not in known:
                    yield Finding("verbund.emergency.unknown-agreement", ERROR,
                                  f"Übung {exercise.id}: Vereinbarung '{agreement_id}' gibt es nicht.", shown,
                                  _at(parsed_exercises, "uebungen", exercise.index))
    yield from _fallbacks(ctx)
    if agreements is None and exercises is None:
        return
    counties = session.counties()
    names = [(key, counties[key].profile.name if key in counties else key) for key in members]
    positions = {e.id: e.index for e in exercises or ()}
    for item in overdue(exercises or [], agreements or [], names if exercises is not None else [], today,
                        workspace.exercise_interval_months):
        where = _at(parsed_exercises, "uebungen", positions[item.subject]) \
            if item.kind in ("planned", "followup") and item.subject in positions else ""
        yield Finding("verbund.emergency.exercise-overdue", WARNING, item.message,
                      shown if exercises is not None else shown_agreements, where)


def _fallbacks(ctx: CheckContext) -> Iterator[Finding]:
    """A critical business process of a member that no valid mutual-aid agreement covers (a Verbund matter)."""
    from ..app.emergency import continuity_view
    from ..errors import IkzError

    layout = ctx.session.workspace.layout
    for county in ctx.session.members():
        path = county.layout.continuity
        if not path.exists() or not _usable(ctx, county):
            continue
        try:
            view = continuity_view(ctx.session, county)
        except IkzError:
            continue  # county.bcm or the agreements' findings say why
        parsed = ctx.session.store.parse(path, "notfall")
        lines = {e.process: e.index for e in view.plan.bia}
        for fallback in view.fallbacks:
            if not fallback.covered:
                service = f" (Leistung {fallback.service})" if fallback.service else " (keine Leistung angegeben)"
                yield Finding("verbund.emergency.no-fallback", WARNING,
                              f"Landkreis {county.profile.name}: kritischer Geschäftsprozess {fallback.process}{service} "
                              "hat keine Ausweichlösung im Verbund (keine gültige Vereinbarung zur gegenseitigen Hilfe).",
                              layout.relative(path), _at(parsed, "bia", lines[fallback.process]))


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("county.risk", risk_rule,
             "Risikoregister (risiken.yaml): gültig, jedes Risiko behandelt, keine abgelaufene Akzeptanz, keine "
             "akzeptierten Risiken aus offenen Basis-Anforderungen")
    register("county.bcm", bcm_rule,
             "Notfallvorsorge (notfall.yaml): gültig, Wiederanlauf schafft die geerbten Ziele")
    register("county.incidents", incidents_rule,
             "Sicherheitsvorfälle (vorfaelle.yaml): gültig, bekannte Zielobjekte, Folgemaßnahmen im Plan")
    register("verbund.emergency", emergency_rule,
             "Gemeinsame Notfallplanung (catalogs/notfall/): gültige Vereinbarungen, Ausweichlösung je kritischem "
             "Prozess, keine überfälligen Übungen")
