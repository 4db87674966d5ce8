"""Use cases of shared reviews ("Einer für Alle"): read them, publish one, adopt one."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError, RefusedError

if TYPE_CHECKING:
    from ..assess.reviews import Adoption, Review
    from ..county import County
    from .session import Session

REVIEW_HEADER = (
    "Gemeinsame Bewertung („Einer für Alle“), veröffentlicht mit 'ikz-isms review publish'.\n"
    "Einstufung: {classification}. Übernehmen mit 'ikz-isms review adopt ID --county .. --target ..'."
)


def load_reviews(session: "Session") -> dict[str, "Review"]:
    """Every review of the workspace by id (sorted); a broken file raises a located InputError."""
    from ..assess.reviews import parse_review
    from ..store import fs

    reviews = {}
    for path in fs.list_dir(session.workspace.layout.reviews_dir, (".yaml",)):
        review = parse_review(session.store.parse(path, "review"))
        reviews[review.id] = review
    return reviews


def find_review(session: "Session", review_id: str) -> "Review":
    from ..assess.reviews import ID_PATTERN

    reviews = session.reviews()
    if not ID_PATTERN.match(review_id) or review_id not in reviews:
        known = ", ".join(reviews) or "keine"
        raise NotFoundError(f"Bewertung '{review_id}' gibt es nicht (vorhanden: {known}).",
                            path=str(session.workspace.layout.reviews_dir))
    found: Review = reviews[review_id]
    return found


def publish_review(session: "Session", county: "County", target: str, *, product: str, version: str, vendor: str,
                   review_id: str | None, valid_until: _dt.date | None) -> tuple[dict[str, Any], str]:
    """Build the county's review of a product from its own records and write it (never overwriting)."""
    from ..assess.reviews import build_review
    from ..store import fs
    from ..store.edit import dump_rt, to_rt

    document = build_review(session.assessment(county), target, product=product, version=version, vendor=vendor,
                            review_id=review_id, today=session.today, valid_until=valid_until)
    path = session.workspace.layout.review_file(document["id"])
    data = to_rt(document)
    data.yaml_set_start_comment(REVIEW_HEADER.format(classification=document.get("classification") or "siehe Landkreis"))
    with fs.locked(path):
        if path.exists():
            raise RefusedError(
                f"Bewertung '{document['id']}' gibt es schon; eine veröffentlichte Bewertung wird nicht "
                "überschrieben (andere --id oder neue Version wählen).",
                path=str(path),
            )
        session.store.write(path, dump_rt(data))
    session.forget_reviews()
    return document, session.workspace.layout.relative(path)


def adopt_review(session: "Session", review_id: str, county: "County", target: str, *, actor: str,
                 force: bool = False) -> "Adoption":
    """Adopt a review's results for a target object: one journaled transaction; own records are kept."""
    from ..assess.reviews import plan_adoption

    review = find_review(session, review_id)
    evidence = session.workspace.layout.relative(session.workspace.layout.review_file(review.id))
    adoption = plan_adoption(review, session.assessment(county), target, today=session.today,
                             evidence_ref=evidence, force=force)
    if adoption.changes:
        adoption.applied = session.set_records(county, adoption.changes, actor=actor)
    return adoption
