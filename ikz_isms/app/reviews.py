"""Use cases of shared reviews ("Einer für Alle"): read them, publish one, adopt one, answer its organisational part."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError, RefusedError, UsageError

if TYPE_CHECKING:
    from ..assess.reviews import Adoption, DeltaEntry, Review
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


#: the argument of ``review publish`` each field of a review comes from (its messages name it)
PUBLISH_ARGUMENTS = {"id": "--id", "product": "--product", "version": "--version", "vendor": "--vendor",
                     "valid_until": "--valid-until"}


def _refuse_control_characters(values: dict[str, str | None]) -> None:
    """A typed value no file may hold (the parser's control-character rule) is refused before any work."""
    from ..store.parse import control_character

    for field, value in values.items():
        character = control_character(value) if value else None
        if character is not None:
            raise UsageError(f"{PUBLISH_ARGUMENTS[field]}: enthält ein Steuerzeichen (Code {ord(character):#06x}).")


def publish_review(session: "Session", county: "County", target: str, *, product: str, version: str, vendor: str,
                   review_id: str | None, valid_until: _dt.date | None,
                   organisational: tuple[str, ...] = ()) -> tuple[dict[str, Any], str]:
    """Build the county's review of a product from its own records and write it (never overwriting).

    Nothing invalid is published: the file is written only if it reads back as a review
    (parser rules and ``review.schema.json``), as every ``review list`` and ``review adopt``
    will read it. A value typed for the review that breaks a rule is a
    :class:`~ikz_isms.errors.UsageError` (exit 2) naming its option; anything else an
    :class:`~ikz_isms.errors.InputError` naming the file that was not written.
    """
    from ..assess.reviews import build_review
    from ..store import fs
    from ..store.edit import dump_rt, to_rt

    _refuse_control_characters({"product": product, "version": version, "vendor": vendor, "id": review_id})
    document = build_review(session.assessment(county), target, product=product, version=version, vendor=vendor,
                            review_id=review_id, today=session.today, valid_until=valid_until,
                            organisational=organisational)
    path = session.workspace.layout.review_file(document["id"])
    data = to_rt(document)
    data.yaml_set_start_comment(REVIEW_HEADER.format(classification=document.get("classification") or "siehe Landkreis"))
    text = dump_rt(data)
    problems = session.store.new_problems(path, "review", text)
    for problem in problems:
        option = PUBLISH_ARGUMENTS.get(problem.pointer.split("/")[1] if problem.pointer.count("/") else "")
        if option is not None:
            raise UsageError(f"{option}: {problem.message}")
    if problems:
        first = problems[0]
        raise InputError(f"Bewertung nicht veröffentlicht, sie wäre ungültig: {first.message}", path=str(path),
                         location=first.pointer)
    with fs.locked(path):
        if path.exists():
            raise RefusedError(
                f"Bewertung '{document['id']}' gibt es schon; eine veröffentlichte Bewertung wird nicht "
                "überschrieben (andere --id oder neue Version wählen).",
                path=str(path),
            )
        session.store.write_document(path, "review", text)
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


def review_delta(session: "Session", review_id: str, county: "County", target: str) -> tuple["Review", list["DeltaEntry"]]:
    """The review's organisational requirements on the county's target object and how the county answered them."""
    from ..assess.reviews import review_delta as delta

    review = find_review(session, review_id)
    assessment = session.assessment(county)
    if assessment.data.target(target) is None:
        known = ", ".join(t.id for t in assessment.data.targets)
        raise NotFoundError(f"Zielobjekt '{target}' gibt es im Landkreis {county.profile.name} nicht (bekannt: {known}).",
                            path=str(county.layout.targets))
    return review, delta(review, assessment, target)


def answer_review(session: "Session", review_id: str, county: "County", target: str, requirement: str, status: str, *,
                  statement: str, reason: str | None, responsible: str | None, actor: str
                  ) -> tuple["DeltaEntry", tuple[dict[str, Any] | None, dict[str, Any]]]:
    """Answer one organisational requirement of an adopted review in the county's own words.

    The answer is the county's own record (provenance ``own``, journaled); it is refused when it
    is not an organisational requirement of the review on that target, or when it repeats the
    author's wording (:func:`ikz_isms.assess.reviews.own_words_problem`).
    """
    from ..assess.records import CHANGE_ARGUMENTS, RecordChange, validate_change
    from ..assess.reviews import own_words_problem

    review, entries = review_delta(session, review_id, county, target)
    entry = next((e for e in entries if e.requirement == requirement), None)
    if entry is None:
        result = next((r for r in review.results if r.requirement == requirement), None)
        if result is not None and result.scope == "product":
            raise RefusedError(f"{requirement} ist in der Bewertung '{review.id}' ein Produktbefund; er wird mit "
                               "'ikz-isms review adopt' übernommen, nicht beantwortet.")
        organisational = ", ".join(e.requirement for e in entries) or "keine"
        raise NotFoundError(f"{requirement} ist keine organisatorische Anforderung der Bewertung '{review.id}' auf "
                            f"Zielobjekt '{target}' (organisatorisch: {organisational}).")
    result = next(r for r in review.results if r.requirement == requirement)
    for text, option in ((statement, "--statement"), (reason or "", "--reason")):
        problem = own_words_problem(text, result) if option == "--statement" or text.strip() else None
        if problem is not None:
            raise UsageError(f"{option}: {problem}")
    change = RecordChange(requirement=requirement, target=target, status=status, statement=statement,
                          responsible=responsible, reason=reason, checked=session.today)
    validate_change(change, error=UsageError, arguments=CHANGE_ARGUMENTS)
    ((old, new),) = session.set_records(county, [change], actor=actor)
    _review, after = review_delta(session, review_id, county, target)
    return next(e for e in after if e.requirement == requirement), (old, new)
