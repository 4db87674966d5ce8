"""Use cases of the risk analysis (BSI-Standard 200-3): the register, its changes, the Verbund's view.

Every change of ``risiken.yaml`` is a county change: one write-ahead transaction with its
journal entries (``risk:R-001``), and — where a treatment adds measures — the new measures
of ``plan.yaml`` in the same transaction (``plan:M-042``), so a risk never points at a
measure that was not written, nor the reverse.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError, RefusedError, UsageError

if TYPE_CHECKING:
    from ..assess.plan import Measure
    from ..county import County
    from ..risk.matrix import RiskMatrix
    from ..risk.register import Candidate, Risk
    from ..risk.threats import ThreatInfo
    from ..store import Parsed
    from .registers import DocumentEdit
    from .session import Session

RISKS_HEADER = (
    "Risikoregister nach BSI-Standard 200-3: je Zielobjekt und Gefährdung die Einstufung (frequency × impact),\n"
    "die Behandlung (vermeiden | reduzieren | transferieren | akzeptieren), das Restrisiko und bei getragenen\n"
    "Risiken die Entscheidung der Behördenleitung. Ändern am besten mit ikz-isms risk add | assess | treat | accept\n"
    "(geprüft und im Journal festgehalten)."
)
EMPTY_RISKS = "risiken: []\n"
#: the key order of an entry written by ikz-isms
RISK_KEYS = ("id", "target", "threat", "title", "description", "requirements", "identified", "assessed", "frequency",
             "impact", "reason", "treatment", "residual", "acceptance")
#: a risk's measure enters the Realisierungsplan with this priority (1 highest), by the risk's category
MEASURE_PRIORITY = {"sehr hoch": 1, "hoch": 2, "mittel": 5, "gering": 8}


def risk_matrix(session: "Session") -> "RiskMatrix":
    """The Verbund's matrix (``risk.matrix`` in ``ikz-isms.yaml``) or the 4×4 matrix of 200-3."""
    from ..risk.matrix import matrix_from_config

    workspace = session.workspace
    return matrix_from_config(workspace.risk_config, path=str(workspace.config_path))


def load_risks(session: "Session", county: "County") -> list["Risk"]:
    """The county's register (empty when there is none yet); errors located."""
    from ..risk.register import parse_risks

    path = county.layout.risks
    if not path.exists():
        return []
    return parse_risks(session.store.parse(path, "risiken"))


@dataclass
class RiskView:
    """The register as every output shows it (``risk list``, A.5 of the report, the exports, the Verbund figures)."""

    county: "County"
    matrix: "RiskMatrix"
    risks: list["Risk"]
    candidates: list["Candidate"]
    gaps: dict[tuple[str, str], str]
    measures: dict[str, "Measure"]
    as_of: _dt.date
    exists: bool
    path: str = ""
    target_names: dict[str, str] = field(default_factory=dict)

    def open_measures(self, risk: "Risk") -> int | None:
        if risk.treatment is None or not risk.treatment.measures:
            return None
        from ..assess.plan import OPEN_STATES

        return sum(1 for m in risk.treatment.measures if m not in self.measures or self.measures[m].state in OPEN_STATES)

    def state(self, risk: "Risk") -> str:
        return risk.state(self.as_of, self.open_measures(risk))

    def basis_gaps(self, risk: "Risk") -> list[tuple[str, str, str]]:
        from ..risk.register import basis_gaps_of

        return basis_gaps_of(risk, self.gaps)

    def entry(self, risk: "Risk") -> dict[str, Any]:
        """One risk as JSON: its fields, category before/after, state, Basis gaps, the plan's measures."""
        gaps = self.basis_gaps(risk)
        measures = []
        for ident in risk.treatment.measures if risk.treatment else ():
            measure = self.measures.get(ident)
            measures.append({"id": ident, "title": measure.title if measure else None,
                             "state": measure.state if measure else None,
                             "deadline": measure.deadline.isoformat() if measure and measure.deadline else None,
                             "overdue": bool(measure and measure.is_overdue(self.as_of)), "in_plan": measure is not None})
        overdue = bool(risk.treatment and risk.treatment.deadline and risk.treatment.deadline < self.as_of
                       and self.state(risk) == "in Behandlung")
        return {**risk.as_dict(self.matrix, self.as_of), "target_name": self.target_names.get(risk.target),
                "state": self.state(risk), "basis_gap": bool(gaps),
                "basis_gaps": [{"requirement": r, "target": t, "status": s} for r, t, s in gaps],
                "measures": measures, "treatment_overdue": overdue}

    def counts(self, *, residual: bool = False) -> dict[tuple[str, str], int]:
        """Risks per (frequency, impact) cell, before treatment or (``residual``) after."""
        cells: dict[tuple[str, str], int] = {}
        for risk in self.risks:
            if residual:
                if risk.assessed_after:
                    key = (risk.residual_frequency, risk.residual_impact)
                elif risk.treatment is not None and risk.treatment.option == "akzeptieren" and risk.assessed_before:
                    key = (risk.frequency, risk.impact)
                else:
                    continue
            elif risk.assessed_before:
                key = (risk.frequency, risk.impact)
            else:
                continue
            cells[key] = cells.get(key, 0) + 1
        return cells

    def document(self) -> dict[str, Any]:
        profile = self.county.profile
        return {
            "county": self.county.key, "name": profile.name, "classification": profile.classification,
            "risk_file": self.path, "exists": self.exists, "as_of": self.as_of.isoformat(),
            "matrix": self.matrix.as_dict(), "risks": [self.entry(r) for r in self.risks],
            "candidates": [c.as_dict() for c in self.candidates],
        }


def risk_view(session: "Session", county: "County", as_of: _dt.date | None = None) -> RiskView:
    from ..risk.register import candidates, open_basis

    day = as_of or session.today
    assessment = session.assessment(county)
    risks = load_risks(session, county)
    gaps = open_basis(assessment)
    from .plans import stored_measures

    path = county.layout.risks
    return RiskView(county, risk_matrix(session), risks, candidates(assessment, risks, gaps), gaps,
                    {m.id: m for m in stored_measures(session, county)}, day, path.exists(),
                    session.workspace.layout.relative(path), {t.id: t.name for t in assessment.data.targets})


def threat_listing(session: "Session", county: "County | None" = None) -> tuple[list["ThreatInfo"], dict[str, Any]]:
    """The elementary threats with BSI's definitions where the county's catalog or the workspace's namespace
    file ``catalogs/namensraum/basethreats.csv`` holds them; and where they came from."""
    from ..risk.threats import NAMESPACE_FILE, read_basethreats, threat_list
    from ..store import fs

    catalog = None
    if county is not None:
        catalog = session.county_catalog(county)[1]
    elif session.has_workspace and session.workspace.pins:
        catalog = session.catalog(None)[1]
    namespace = None
    path = None
    if session.has_workspace:
        candidate = session.workspace.layout.namespace_file(NAMESPACE_FILE)
        if candidate.is_file():
            path = candidate
            namespace = read_basethreats(fs.read_bytes(candidate, limit=4 * fs.MIB), str(candidate))
    listing = threat_list(catalog.threats if catalog else (), namespace, catalog_title=catalog.title if catalog else "",
                          namespace_path=session.workspace.layout.relative(path) if path else "")
    return listing, {"catalog": catalog.title if catalog else None,
                     "namespace": session.workspace.layout.relative(path) if path else None}


# -- changes --------------------------------------------------------------------------------------------------------


def _validate_risks(parsed: "Parsed") -> list["Risk"]:
    from ..risk.register import parse_risks

    return parse_risks(parsed)


def _open_risks(session: "Session", county: "County", tx: Any) -> "DocumentEdit":
    from .registers import new_document, open_document

    edit = open_document(session, tx, county.layout.risks, "risiken", EMPTY_RISKS, _validate_risks)
    if not edit.existed:
        edit.document = new_document(RISKS_HEADER, risiken=[])
    if edit.document.get("risiken") is None:
        from ruamel.yaml.comments import CommentedSeq

        edit.document["risiken"] = CommentedSeq()
    return edit


def _node(edit: "DocumentEdit", risk_id: str, county: "County") -> Any:
    for item in edit.document["risiken"]:
        if str(item.get("id")) == risk_id:
            return item
    known = ", ".join(str(i.get("id")) for i in edit.document["risiken"]) or "keine"
    raise NotFoundError(f"Risiko '{risk_id}' gibt es im Register von {county.profile.name} nicht (bekannt: {known}).",
                        path=str(edit.path))


def _commit_risks(session: "Session", county: "County", tx: Any, edit: "DocumentEdit", actor: str) -> list["Risk"]:
    from .registers import finish, journal_items

    text, after, risks = finish(edit, _validate_risks)
    journal_items(tx, edit, text, after, lists={"risiken": ("id", "risk")}, actor=actor)
    return list(risks)


def _done(session: "Session", county: "County", *paths: Any) -> None:
    for path in paths:
        session.store.forget(path)
    session.county_changed(county)


def _check_target(session: "Session", county: "County", target: str) -> None:
    data = session.county_data(county)
    if data.target(target) is None:
        known = ", ".join(t.id for t in data.targets) or "keine"
        raise NotFoundError(f"Zielobjekt '{target}' gibt es im Landkreis {county.profile.name} nicht (bekannt: {known}).",
                            path=str(county.layout.targets))


def _check_requirements(session: "Session", county: "County", target: str, refs: Sequence[str]) -> list[str]:
    assessment = session.assessment(county)
    checked = []
    for ref in refs:
        requirement, _, on = ref.strip().partition("@")
        on = on or target
        if assessment.catalog.requirements.get(requirement) is None:
            raise NotFoundError(f"Anforderung '{requirement}' gibt es im Katalog {assessment.catalog.title} nicht.")
        if assessment.data.target(on) is None:
            raise NotFoundError(f"Zielobjekt '{on}' gibt es im Landkreis {county.profile.name} nicht.",
                                path=str(county.layout.targets))
        if assessment.pair(requirement, on) is None:
            raise InputError(f"Anforderung '{requirement}' ist auf Zielobjekt '{on}' nicht modelliert; ein Risiko kann "
                             "nur aus einer modellierten Anforderung entstehen.")
        checked.append(requirement if on == target else f"{requirement}@{on}")
    return checked


def add_risk(session: "Session", county: "County", values: Mapping[str, Any], *, actor: str) -> dict[str, Any]:
    """A new entry (``R-NNN``) for a target object and a threat; rated right away when frequency and impact are given."""
    from ..risk.register import next_id
    from .counties import county_files
    from .registers import set_fields

    target = str(values["target"])
    _check_target(session, county, target)
    requirements = _check_requirements(session, county, target, values.get("requirements") or ())
    with county_files(session, county).transaction() as tx:
        edit = _open_risks(session, county, tx)
        existing = _validate_risks(_parsed_before(edit))
        ident = next_id(existing)
        for risk in existing:
            if risk.target == target and values.get("threat") and risk.threat == values["threat"] and \
                    (risk.title or "") == (values.get("title") or ""):
                raise RefusedError(f"Für {target} und {values['threat']} gibt es schon das Risiko {risk.id} "
                                   f"(ikz-isms risk assess {risk.id} …).", path=str(edit.path))
        from ruamel.yaml.comments import CommentedMap

        node = CommentedMap()
        rated = bool(values.get("frequency") and values.get("impact"))
        set_fields(node, {
            "id": ident, "target": target, "threat": values.get("threat"), "title": values.get("title"),
            "description": values.get("description"), "requirements": requirements, "identified": session.today,
            "assessed": session.today if rated else None, "frequency": values.get("frequency"),
            "impact": values.get("impact"), "reason": values.get("reason"),
        }, RISK_KEYS)
        edit.document["risiken"].append(node)
        risks = _commit_risks(session, county, tx, edit, actor)
    _done(session, county, county.layout.risks)
    view = risk_view(session, county)
    return view.entry(next(r for r in risks if r.id == ident))


def _parsed_before(edit: "DocumentEdit") -> "Parsed":
    from ..store import Parsed

    return Parsed(edit.before, str(edit.path))


def assess_risk(session: "Session", county: "County", risk_id: str, *, frequency: str, impact: str,
                reason: str | None, residual: bool, actor: str) -> dict[str, Any]:
    """Rate a risk (frequency × impact) before treatment, or — ``residual`` — the residual risk after it."""
    from .counties import county_files
    from .registers import set_fields

    with county_files(session, county).transaction() as tx:
        edit = _open_risks(session, county, tx)
        node = _node(edit, risk_id, county)
        if residual:
            if not (node.get("frequency") and node.get("impact")):
                raise RefusedError(f"Risiko {risk_id} ist noch nicht bewertet: zuerst das Risiko vor der Behandlung "
                                   f"einstufen (ikz-isms risk assess {risk_id} --frequency … --impact …).",
                                   path=str(edit.path))
            set_fields(node, {"residual": {"frequency": frequency, "impact": impact, "reason": reason}}, RISK_KEYS)
        else:
            set_fields(node, {"assessed": session.today, "frequency": frequency, "impact": impact}, RISK_KEYS)
            if reason is not None:
                set_fields(node, {"reason": reason}, RISK_KEYS)
        _commit_risks(session, county, tx, edit, actor)
    _done(session, county, county.layout.risks)
    view = risk_view(session, county)
    return view.entry(next(r for r in view.risks if r.id == risk_id))


def _refuse_basis(session: "Session", county: "County", risk: "Risk", path: str) -> None:
    from ..risk.register import acceptance_refusal, open_basis

    refusal = acceptance_refusal(risk, open_basis(session.assessment(county)))
    if refusal:
        raise RefusedError(refusal, path=path)


def treat_risk(session: "Session", county: "County", risk_id: str, *, option: str, owner: str,
               deadline: _dt.date | None, description: str | None, new_measures: Sequence[str],
               linked: Sequence[str], actor: str) -> dict[str, Any]:
    """Choose the treatment; every ``new_measures`` title becomes a measure of the Realisierungsplan (same
    transaction), ``linked`` measures of the plan are named. Accepting a Basis-gap risk is refused."""
    from ..assess.plan import parse_plan
    from ..risk.register import parse_risks
    from .counties import county_files
    from .registers import finish, journal_items, set_fields

    if option != "akzeptieren" and deadline is None:
        raise UsageError("--deadline fehlt: eine Behandlung ohne Frist wird nicht verfolgt.")
    with county_files(session, county).transaction() as tx:
        edit = _open_risks(session, county, tx)
        node = _node(edit, risk_id, county)
        risk = next(r for r in parse_risks(_parsed_before(edit)) if r.id == risk_id)
        if not risk.assessed_before:
            raise RefusedError(f"Risiko {risk_id} ist noch nicht bewertet: zuerst einstufen "
                               f"(ikz-isms risk assess {risk_id} --frequency … --impact …).", path=str(edit.path))
        if option == "akzeptieren":
            _refuse_basis(session, county, risk, str(edit.path))
        plan_edit = _open_plan(session, county, tx)
        existing = parse_plan(_parsed_before(plan_edit))
        known = {m.id for m in existing}
        missing = [m for m in linked if m not in known]
        if missing:
            raise NotFoundError(f"Maßnahme '{missing[0]}' gibt es im Realisierungsplan nicht.", path=str(plan_edit.path))
        added = _add_measures(session, county, plan_edit, existing, risk, new_measures, owner, deadline,
                              f"Behandlung von Risiko {risk_id} ({risk.name})")
        measures = list(dict.fromkeys([*(risk.treatment.measures if risk.treatment else ()), *linked, *added]))
        set_fields(node, {"treatment": {"option": option, "owner": owner, "deadline": deadline,
                                        "measures": measures, "description": description}}, RISK_KEYS)
        _commit_risks(session, county, tx, edit, actor)
        if added:
            text, after, _ = finish(plan_edit, _validate_plan)
            journal_items(tx, plan_edit, text, after, lists={"massnahmen": ("id", "plan")}, actor=actor)
    _done(session, county, county.layout.risks, county.layout.plan)
    view = risk_view(session, county)
    return view.entry(next(r for r in view.risks if r.id == risk_id)) | {"added_measures": added}


def accept_risk(session: "Session", county: "County", risk_id: str, *, by: str, role: str, decided: _dt.date,
                until: _dt.date, reference: str | None, reason: str | None, actor: str) -> dict[str, Any]:
    """Record the Behördenleitung's decision to carry the (residual) risk: who, when, until when.

    Refused (exit 4) for a risk that arises from unmet Basis requirements, and for one not yet rated.
    """
    from ..risk.register import parse_risks
    from .counties import county_files
    from .registers import set_fields

    if until <= decided:
        raise UsageError("--until muss nach dem Tag der Entscheidung (--decided) liegen.")
    if decided > session.today:
        raise UsageError(f"--decided {decided.isoformat()} liegt in der Zukunft: eingetragen wird eine getroffene "
                         "Entscheidung.")
    if until < session.today:
        raise UsageError(f"--until {until.isoformat()} liegt in der Vergangenheit: die Akzeptanz wäre schon abgelaufen.")
    with county_files(session, county).transaction() as tx:
        edit = _open_risks(session, county, tx)
        node = _node(edit, risk_id, county)
        risk = next(r for r in parse_risks(_parsed_before(edit)) if r.id == risk_id)
        if not risk.assessed_before:
            raise RefusedError(f"Risiko {risk_id} ist noch nicht bewertet; akzeptiert werden kann nur ein eingestuftes "
                               f"Risiko (ikz-isms risk assess {risk_id} …).", path=str(edit.path))
        _refuse_basis(session, county, risk, str(edit.path))
        if risk.treatment is None:
            set_fields(node, {"treatment": {"option": "akzeptieren"}}, RISK_KEYS)
        set_fields(node, {"acceptance": {"by": by, "role": role, "decided": decided, "until": until,
                                         "reference": reference, "reason": reason}}, RISK_KEYS)
        _commit_risks(session, county, tx, edit, actor)
    _done(session, county, county.layout.risks)
    view = risk_view(session, county)
    return view.entry(next(r for r in view.risks if r.id == risk_id))


# -- measures into the Realisierungsplan (shared with the incidents) -------------------------------------------------


def _validate_plan(parsed: "Parsed") -> Any:
    from ..assess.plan import parse_plan

    return parse_plan(parsed)


def _open_plan(session: "Session", county: "County", tx: Any) -> "DocumentEdit":
    from .plans import PLAN_HEADER
    from .registers import new_document, open_document

    edit = open_document(session, tx, county.layout.plan, "plan", "massnahmen: []\n", _validate_plan)
    if not edit.existed:
        edit.document = new_document(PLAN_HEADER, massnahmen=[])
    if edit.document.get("massnahmen") is None:
        from ruamel.yaml.comments import CommentedSeq

        edit.document["massnahmen"] = CommentedSeq()
    return edit


def open_plan(session: "Session", county: "County", tx: Any) -> "DocumentEdit":
    """``plan.yaml`` opened in the transaction ``tx`` (created with its header when there is none)."""
    return _open_plan(session, county, tx)


def add_plan_measures(plan_edit: "DocumentEdit", existing: Sequence["Measure"], reference: str, target: str,
                      titles: Sequence[str], *, responsible: str, deadline: _dt.date | None, priority: int,
                      description: str) -> list[str]:
    """Append one measure per title to the plan being edited (``requirement`` = the risk's or incident's id)."""
    import re

    from ruamel.yaml.comments import CommentedMap

    from .registers import set_fields

    numbers = [int(m.group(1)) for m in (re.match(r"^M-(\d+)$", x.id) for x in existing) if m]
    numbers += [int(m.group(1)) for m in (re.match(r"^M-(\d+)$", str(i.get("id")))
                                           for i in plan_edit.document["massnahmen"]) if m]
    number = max(numbers, default=0) + 1
    added = []
    for title in titles:
        ident = f"M-{number:03d}"
        number += 1
        node = CommentedMap()
        set_fields(node, {"id": ident, "requirement": reference, "target": target, "title": title,
                          "description": description, "responsible": responsible or None, "deadline": deadline,
                          "priority": priority, "state": "geplant"})
        plan_edit.document["massnahmen"].append(node)
        added.append(ident)
    return added


def _add_measures(session: "Session", county: "County", plan_edit: "DocumentEdit", existing: Sequence["Measure"],
                  risk: "Risk", titles: Sequence[str], owner: str, deadline: _dt.date | None, description: str) -> list[str]:
    category = risk.category(risk_matrix(session))
    return add_plan_measures(plan_edit, existing, risk.id, risk.target, titles, responsible=owner, deadline=deadline,
                             priority=MEASURE_PRIORITY.get(category or "", 9), description=description)


# -- the Verbund ---------------------------------------------------------------------------------------------------


def verbund_risks(session: "Session", today: _dt.date | None = None) -> dict[str, Any]:
    """Risk categories per member before and after treatment, as each member's disclosure allows."""
    from .emergency import member_figures

    day = today or session.today
    members, note = member_figures(session, day)
    rows = []
    for member in members:
        figures = member.figures
        rows.append({"county": member.key, "name": member.name, "policy": member.policy, "source": member.source,
                     "risks": figures["risks"] if figures else None, "withheld": member.reason or None})
    return {"as_of": day.isoformat(), "matrix": risk_matrix(session).as_dict(), "counties": rows,
            "notes": [note] if note else []}
