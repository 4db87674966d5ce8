"""Use cases of the IT-Grundschutz-Check: a county's figures as one document, stale inherited records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InputError, UsageError

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..county import County
    from .session import Session


def county_check(session: "Session", county: "County", approach: str | None = None) -> dict[str, Any]:
    """The JSON document of one county's check — what ``assess`` shows and the report prints."""
    from ..assess.summary import summarize

    assessment = session.assessment(county)
    edition = assessment.edition
    if approach and approach not in edition.approach_ids:
        raise UsageError(
            f"Vorgehensweise '{approach}' passt nicht zum Katalog ({edition.title}; "
            f"möglich: {', '.join(edition.approach_ids)})."
        )
    summary = summarize(assessment)
    if approach:
        summary["approaches"] = [a for a in summary["approaches"] if a["id"] == approach]
        for row in summary["layers"] + summary["groups"]:
            row["approaches"] = {approach: row["approaches"][approach]}
    pin = assessment.pin
    return {
        "county": county.key,
        "name": county.profile.name,
        "ags": county.profile.ags,
        "classification": county.profile.classification,
        "catalog": {
            "name": pin.name if pin else None,
            "title": assessment.catalog.title,
            "version": pin.version if pin else assessment.catalog.version,
            "sha256": pin.sha256 if pin else None,
        },
        "targets": len(assessment.data.targets),
        "starter_targets": sum(1 for t in assessment.data.targets if t.starter),
        # the structure analysis's problems, as `check` reports them (rule ids county.targets.*)
        "structure_problems": [
            {"rule": f"county.{p.rule}", "target": p.target, "message": p.message, "file": str(county.targets_path),
             "line": p.line, "severity": p.severity}
            for p in assessment.data.structure_problems
        ],
        "modelling_problems": [
            {"rule": p.rule, "target": p.target, "baustein": p.baustein, "message": p.message,
             "file": str(county.targets_path), "line": p.line, "severity": p.severity}
            for p in assessment.problems
        ],
        **summary,
        "stale_inherited": stale_inherited(session, assessment),
    }


def data_errors(report: dict[str, Any]) -> int:
    """How many problems of severity error a county's check document reports — invalid records,
    the structure analysis's and the modelling's errors: what ``assess`` answers exit 1 for."""
    errors = [p for p in report["structure_problems"] + report["modelling_problems"] if p["severity"] == "error"]
    return len(report["invalid_records"]) + len(errors)


def stale_inherited(session: "Session", assessment: "Assessment") -> list[dict[str, Any]]:
    """Records inherited from shared reviews that must be checked again (expired, superseded, gone)."""
    from ..assess.records import inherited_from

    data = assessment.data
    if not any(inherited_from(record) for record in data.records):
        return []
    from ..assess.reviews import stale_inherited as find_stale

    try:
        reviews = session.reviews()
    except InputError as exc:
        # a broken review file is check's business; the Soll-Ist itself is still worth showing
        session.warn(f"Bewertungen nicht lesbar, geerbte Einträge nicht geprüft: {exc} (Details: ikz-isms check).")
        return []
    return [
        {"target": s.target, "requirement": s.requirement, "review": s.review, "reason": s.reason,
         "valid_until": reviews[s.review].valid_until.isoformat() if s.review in reviews else None,
         "superseded_by": s.by, "message": s.message}
        for s in find_stale(data, reviews, today=session.today)
    ]
