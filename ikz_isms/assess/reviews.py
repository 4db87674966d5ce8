"""Shared reviews ("Einer für Alle"): a county publishes its review of a product, others adopt it.

A review is one YAML file ``catalogs/bewertungen/<id>.yaml`` in the Verbund's workspace:
product, version, vendor, date, validity, author county, the catalog pin it was made
against and the author's results for the requirements the product must meet (the
requirements modelled on the author's target object). It lives at Verbund level because
it belongs to no single county.

A review separates **product findings** (``scope: product`` — what the product does, reusable
by every county running it) from the author's **organisational situation** (``scope:
organisation`` — how the author runs it: "Außenstellen folgen", "entbehrlich: kommunales
Rechenzentrum"). Adopting takes the product findings into the adopting county's check records
with provenance ``review:<id>`` (journaled like every record change); the record's statement
is ikz-isms's own reference to the finding, never the author's wording, so nothing the author
wrote reaches the adopter's records or Realisierungsplan. The organisational results are shown
as hints; the adopter answers each in its own words (:func:`review_delta`,
:func:`own_words_problem`). A local override — a record of the county's own (provenance
``own``) that is not ``unbearbeitet`` — is never overwritten.
The review id in the provenance pins the adopted product version: when the review
expires, or a later review of the same product has a higher major version, the inherited
records are *stale* and must be checked again (:func:`stale_inherited`).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError, RefusedError, UsageError
from .records import PROVENANCE_PREFIX, CheckRecord, RecordChange, inherited_from

if TYPE_CHECKING:
    from ..store import Parsed
    from . import Assessment, CountyData
    from .records import RecordSet

#: a review that runs out within this many days is shown as "läuft ab in N Tagen"
EXPIRY_WARNING_DAYS = 90
DEFAULT_VALIDITY_YEARS = 2
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
#: the longest review id (review.schema.json's ``maxLength``; the file name adds ".yaml")
MAX_ID = 200
#: what a result is about: the product (reusable) or the author's organisation (a hint only)
SCOPES = ("product", "organisation")
SCOPE_LABELS = {"product": "Produktbefund", "organisation": "organisatorisch"}
#: the shortest piece of the author's note that counts as copied into an answer
COPIED_MIN = 20


@dataclass(frozen=True)
class ReviewResult:
    """The author's result for one requirement."""

    requirement: str
    status: str
    title: str = ""
    statement: str = ""
    reason: str = ""
    evidence: tuple[str, ...] = ()
    #: ``product`` (a finding about the product, adopted) or ``organisation`` (the author's situation, a hint)
    scope: str = "product"

    @property
    def note(self) -> str:
        """The author's wording of this result (statement and reason)."""
        return "; ".join(part for part in (self.statement, self.reason) if part)


@dataclass(frozen=True)
class Review:
    """A published review (gemeinsame Bewertung) of one product version."""

    id: str
    product: str
    version: str
    vendor: str
    date: _dt.date
    valid_until: _dt.date
    author: str
    author_name: str
    catalog_name: str
    catalog_sha256: str
    catalog_version: str = ""
    disclosure: str = "full"
    target: dict[str, Any] = field(default_factory=dict)
    results: tuple[ReviewResult, ...] = ()
    path: Path | None = None

    @property
    def provenance(self) -> str:
        return PROVENANCE_PREFIX + self.id

    @property
    def major_version(self) -> int | None:
        return major_version(self.version)

    def same_product(self, other: "Review") -> bool:
        return (self.product.casefold(), self.vendor.casefold()) == (other.product.casefold(), other.vendor.casefold())

    def expired(self, today: _dt.date) -> bool:
        return self.valid_until < today

    def validity(self, today: _dt.date) -> str:
        """``gültig``, ``abgelaufen`` or ``läuft ab in N Tagen`` (German, as users read it)."""
        days = (self.valid_until - today).days
        if days < 0:
            return "abgelaufen"
        if days <= EXPIRY_WARNING_DAYS:
            return "läuft heute ab" if days == 0 else f"läuft ab in {days} Tag{'en' if days != 1 else ''}"
        return "gültig"


@dataclass(frozen=True)
class StaleRecord:
    """An inherited record that must be checked again, and why.

    ``reason`` is ``expired`` (the review ran out), ``superseded`` (a review of a higher
    major version of the product exists, ``by``) or ``unknown`` (no such review file).
    """

    county: str
    target: str
    requirement: str
    review: str
    reason: str
    message: str
    by: str | None = None
    line: int | None = None


@dataclass
class Adoption:
    """What adopting a review for a target object does: changes, kept overrides, skipped results."""

    review: Review
    target: str
    changes: list[RecordChange] = field(default_factory=list)
    kept: list[CheckRecord] = field(default_factory=list)
    not_modelled: list[str] = field(default_factory=list)
    applied: list[tuple[dict[str, Any] | None, dict[str, Any]]] = field(default_factory=list)
    #: the author's organisational results: shown as hints, answered by the adopter in its own words
    hints: list[ReviewResult] = field(default_factory=list)


@dataclass(frozen=True)
class DeltaEntry:
    """One organisational requirement of an adopted review: the author's hint and the adopter's answer.

    ``state`` is ``offen`` (no own answer yet), ``bestätigt`` (own answer, same status as the
    author) or ``abweichend`` (own answer, another status).
    """

    requirement: str
    title: str
    author_status: str
    note: str
    state: str
    answer: CheckRecord | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"requirement": self.requirement, "title": self.title, "author_status": self.author_status,
                "hint": self.note, "state": self.state,
                "answer": None if self.answer is None else {"status": self.answer.status,
                                                            "statement": self.answer.statement}}


def default_scope(status: str) -> str:
    """A result without a stated scope: ``entbehrlich`` is the author's situation, the rest a product finding."""
    return "organisation" if status == "entbehrlich" else "product"


def major_version(version: str) -> int | None:
    """The leading number of a version (``5.2.1`` → 5, ``v12`` → 12); ``None`` without one."""
    match = re.match(r"^\D*(\d+)", version.strip())
    return int(match.group(1)) if match else None


def review_id_for(author: str, product: str, version: str) -> str:
    """Default id: ``<author>-<product>-<version>`` as a slug (``bernkastel-wittlich-doppik-5-2``)."""
    from ..county import slugify

    return "-".join(part for part in (author, slugify(product), slugify(version)) if part)


def parse_review(parsed: "Parsed") -> Review:
    """A review from a parsed, schema-valid review file; impossible dates and a file name
    that is not ``<id>.yaml`` raise located InputErrors."""
    from ..store import parse_date

    data = parsed.data
    path = Path(parsed.path)
    dates = {}
    for name in ("date", "valid_until"):
        value = parse_date(data[name])
        if value is None:
            raise InputError(f"ungültiges Datum '{data[name]}' (erwartet JJJJ-MM-TT).", path=parsed.path,
                             location=parsed.location(name))
        dates[name] = value
    results = tuple(
        ReviewResult(
            requirement=str(item["requirement"]),
            status=str(item["status"]),
            title=str(item.get("title") or "").strip(),
            statement=str(item.get("statement") or "").strip(),
            reason=str(item.get("reason") or "").strip(),
            evidence=tuple(str(e) for e in item.get("evidence") or ()),
            scope=str(item.get("scope") or default_scope(str(item["status"]))),
        )
        for item in data.get("results") or ()
    )
    seen: dict[str, int] = {}
    for index, result in enumerate(results):
        if result.status == "entbehrlich" and not result.reason:
            raise InputError(f"Ergebnis {result.requirement} ist entbehrlich ohne Begründung (reason).",
                             path=parsed.path, location=parsed.location("results", index))
        if result.requirement in seen:
            # two results for one requirement (perhaps ja and nein): which one would a county adopt?
            raise InputError(f"Ergebnis {result.requirement} steht doppelt (zuerst als Eintrag "
                             f"{seen[result.requirement] + 1}).", path=parsed.path,
                             location=parsed.location("results", index, "requirement"))
        seen[result.requirement] = index
    if dates["valid_until"] < dates["date"]:
        raise InputError(f"Bewertung gültig bis {dates['valid_until'].isoformat()}, vor ihrem Datum "
                         f"{dates['date'].isoformat()}.", path=parsed.path, location=parsed.location("valid_until"))
    catalog = data["catalog"]
    review = Review(
        id=str(data["id"]),
        product=str(data["product"]).strip(),
        version=str(data["version"]).strip(),
        vendor=str(data["vendor"]).strip(),
        date=dates["date"],
        valid_until=dates["valid_until"],
        author=str(data["author"]),
        author_name=str(data.get("author_name") or data["author"]),
        catalog_name=str(catalog["name"]),
        catalog_sha256=str(catalog["sha256"]),
        catalog_version=str(catalog.get("version") or ""),
        disclosure=str(data.get("disclosure") or "full"),
        target=data.get("target") or {},
        results=results,
        path=path,
    )
    if review.id != path.stem:
        raise InputError(
            f"Bewertung '{review.id}' liegt in einer Datei mit anderem Namen (erwartet {review.id}.yaml).",
            path=parsed.path, location=parsed.location("id"),
        )
    return review


def superseded_by(review: Review, reviews: dict[str, Review]) -> Review | None:
    """The review of the same product with the highest major version above ``review``'s, if any."""
    mine = review.major_version
    if mine is None:
        return None
    newer = [
        other for other in reviews.values()
        if other.id != review.id and review.same_product(other)
        and other.major_version is not None and other.major_version > mine
    ]
    return max(newer, key=lambda other: (other.major_version, other.date), default=None)


def build_review(
    assessment: "Assessment",
    target_id: str,
    *,
    product: str,
    version: str,
    vendor: str,
    review_id: str | None = None,
    today: _dt.date | None = None,
    valid_until: _dt.date | None = None,
    organisational: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The review document a county publishes for one of its target objects (pure).

    Results are the county's own answered records (not ``unbearbeitet``, not themselves
    inherited) for the requirements modelled on the target. Each is a product finding
    (``scope: product``) unless it is ``entbehrlich`` or named in ``organisational``: then it
    describes the author's own situation (``scope: organisation``) and adopters see it only
    as a hint. Disclosure ``none`` refuses;
    ``aggregate`` publishes statuses (and the reason of ``entbehrlich``) but withholds
    statements and evidence references; ``full`` publishes everything.
    """
    county = assessment.data.county
    profile = county.profile
    if profile.disclosure == "none":
        raise RefusedError(
            f"Landkreis {profile.name} gibt nach seiner Offenlegungsregel (disclosure: none) keine "
            "Prüfergebnisse weiter; eine Bewertung kann nicht veröffentlicht werden.",
            path=str(county.profile_path),
        )
    target = assessment.data.target(target_id)
    if target is None:
        known = ", ".join(t.id for t in assessment.data.targets)
        raise NotFoundError(
            f"Zielobjekt '{target_id}' gibt es im Landkreis {profile.name} nicht (bekannt: {known}).",
            path=str(county.targets_path),
        )
    today = today or _dt.date.today()
    valid_until = valid_until or _add_years(today, DEFAULT_VALIDITY_YEARS)
    if valid_until <= today:
        raise UsageError(f"--valid-until ({valid_until.isoformat()}) muss nach dem Datum der Bewertung liegen.")
    review_id = review_id or review_id_for(county.key, product, version)
    if not ID_PATTERN.match(review_id) or len(review_id) > MAX_ID:
        from ..present import shown_text

        raise UsageError(f"Bewertungs-ID '{shown_text(review_id)}' ({len(review_id)} Zeichen) ungültig: nur Kleinbuchstaben, "
                         f"Ziffern, Punkt und Bindestrich, höchstens {MAX_ID} Zeichen (--id).")
    full = profile.disclosure == "full"
    results = []
    for pair in assessment.pairs:
        if pair.target.id != target_id:
            continue
        record = assessment.data.records.get(pair.requirement.id, target_id)
        if record is None or record.status == "unbearbeitet" or record.provenance != "own":
            continue
        scope = "organisation" if record.requirement in organisational else default_scope(record.status)
        result: dict[str, Any] = {"requirement": record.requirement, "title": pair.requirement.title,
                                  "scope": scope, "status": record.status}
        if full and record.statement:
            result["statement"] = record.statement
        if record.reason:
            result["reason"] = record.reason
        if full and record.evidence:
            result["evidence"] = list(record.evidence)
        results.append(result)
    if not results:
        raise RefusedError(
            f"Landkreis {profile.name} hat für Zielobjekt '{target_id}' keine eigenen bearbeiteten "
            "Prüfeinträge; es gibt nichts zu veröffentlichen."
        )
    unknown = [rid for rid in organisational if rid not in {r["requirement"] for r in results}]
    if unknown:
        raise UsageError(f"--organisational {', '.join(unknown)}: kein eigener bearbeiteter Prüfeintrag auf "
                         f"Zielobjekt '{target_id}' (veröffentlicht werden: "
                         f"{', '.join(r['requirement'] for r in results)}).")
    pin = assessment.pin
    if pin is None:  # Session.assessment always has the pin; only a hand-made assessment lacks it
        raise RefusedError(f"Landkreis {profile.name}: ohne fixierten Katalog kann keine Bewertung "
                           "veröffentlicht werden (sie nennt Katalog, Version und Prüfsumme).")
    target_info: dict[str, Any] = {"id": target.id, "name": target.name, "type": target.type}
    if target.bausteine:
        target_info["bausteine"] = list(target.bausteine)
    if target.categories:
        target_info["kategorien"] = list(target.categories)
    return {
        "id": review_id,
        "product": product,
        "version": version,
        "vendor": vendor,
        "date": today,
        "valid_until": valid_until,
        "author": county.key,
        "author_name": profile.name,
        "disclosure": profile.disclosure,
        "classification": profile.classification,
        "catalog": {"name": pin.name, "version": pin.version, "sha256": pin.sha256},
        "target": target_info,
        "results": results,
    }


def _add_years(day: _dt.date, years: int) -> _dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def plan_adoption(review: Review, assessment: "Assessment", target_id: str, *, today: _dt.date, evidence_ref: str,
                  force: bool = False) -> Adoption:
    """Which records adopting ``review`` for ``target_id`` changes, and which it keeps (pure).

    Refuses (exit 4) when the review was made against another catalog than the county's
    pin, or has expired (unless ``force``). Results for requirements not modelled on the
    target are skipped; a local override (own record, not ``unbearbeitet``) is kept. Only
    product findings become records, with ikz-isms's reference as statement
    (:func:`adopted_statement`); organisational results become :attr:`Adoption.hints`.
    """
    county = assessment.data.county
    pin = assessment.pin
    if pin is None or pin.sha256 != review.catalog_sha256:
        theirs = f"{review.catalog_name} (sha256 {review.catalog_sha256[:12]})"
        ours = f"{pin.name} (sha256 {pin.sha256[:12]})" if pin else "keinem fixierten Katalog"
        raise RefusedError(
            f"Bewertung '{review.id}' wurde gegen Katalog {theirs} erstellt, Landkreis "
            f"{county.profile.name} prüft gegen {ours}; die Ergebnisse sind nicht übertragbar.",
            path=str(review.path) if review.path else None,
        )
    if review.expired(today) and not force:
        raise RefusedError(
            f"Bewertung '{review.id}' ist seit {review.valid_until.isoformat()} abgelaufen; "
            "neu bewerten oder mit --force trotzdem übernehmen.",
            path=str(review.path) if review.path else None,
        )
    if assessment.data.target(target_id) is None:
        known = ", ".join(t.id for t in assessment.data.targets)
        raise NotFoundError(
            f"Zielobjekt '{target_id}' gibt es im Landkreis {county.profile.name} nicht (bekannt: {known}).",
            path=str(county.targets_path),
        )
    modelled = {p.requirement.id for p in assessment.pairs if p.target.id == target_id}
    adoption = Adoption(review, target_id)
    evidence_head = evidence_ref
    for result in review.results:
        if result.requirement not in modelled:
            adoption.not_modelled.append(result.requirement)
            continue
        if result.scope != "product":
            adoption.hints.append(result)
            continue
        existing = assessment.data.records.get(result.requirement, target_id)
        if existing is not None and existing.provenance == "own" and existing.status != "unbearbeitet":
            adoption.kept.append(existing)
            continue
        adoption.changes.append(RecordChange(
            requirement=result.requirement,
            target=target_id,
            status=result.status,
            statement=adopted_statement(review, result),
            evidence=(f"{evidence_head}#{result.requirement}", *(f"{review.author}:{ref}" for ref in result.evidence)),
            checked=review.date,
            provenance=review.provenance,
        ))
    if not adoption.changes and not adoption.kept and not adoption.hints:
        raise RefusedError(
            f"Keine Anforderung der Bewertung '{review.id}' ist auf Zielobjekt '{target_id}' modelliert "
            "(Bausteine bzw. Zielobjektkategorien in zielobjekte.yaml prüfen)."
        )
    return adoption


def adopted_statement(review: Review, result: ReviewResult) -> str:
    """The statement of an adopted product finding: a reference in ikz-isms's words (the finding's
    text stays in the review, which the record names as evidence)."""
    from ..present import date_de

    return (f"Produktbefund übernommen aus der gemeinsamen Bewertung {review.id} ({review.product} "
            f"{review.version}, bewertet von {review.author_name} am {date_de(review.date)}): Status "
            f"{result.status}; Befund und Nachweise siehe dort.")


def _folded(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def own_words_problem(answer: str, result: ReviewResult) -> str | None:
    """Why ``answer`` is not the adopter's own wording: it repeats the author's note or a sentence of it."""
    mine = _folded(answer)
    if not mine:
        return "eine eigene Antwort ist nötig (--statement)."
    note = _folded(result.note)
    pieces = [note] + [_folded(p) for p in re.split(r"[.;:!?\n]+", result.note)]
    for piece in pieces:
        if piece and len(piece) >= min(COPIED_MIN, len(note)) and piece in mine:
            return ("übernimmt die Formulierung des bewertenden Landkreises; bitte die eigene Lage in eigenen Worten "
                    "beschreiben.")
    return None


def review_delta(review: Review, assessment: "Assessment", target_id: str) -> list[DeltaEntry]:
    """The organisational requirements of ``review`` modelled on ``target_id`` and how the county answered them."""
    modelled = {p.requirement.id for p in assessment.pairs if p.target.id == target_id}
    entries = []
    for result in review.results:
        if result.scope == "product" or result.requirement not in modelled:
            continue
        record = assessment.data.records.get(result.requirement, target_id)
        answered = record is not None and record.provenance == "own" and record.status != "unbearbeitet"
        state = "offen" if not answered else ("bestätigt" if record is not None and record.status == result.status
                                              else "abweichend")
        entries.append(DeltaEntry(result.requirement, result.title, result.status, result.note, state,
                                  record if answered else None))
    return entries


def stale_inherited(county_data: "CountyData", reviews: dict[str, Review], *, today: _dt.date) -> list[StaleRecord]:
    """Inherited records of a county that must be checked again (expired, superseded or unknown review).

    ``county_data`` is an :class:`ikz_isms.assess.CountyData`.
    """
    county = county_data.county.key
    stale: list[StaleRecord] = []
    for record in county_data.records:
        review_id = inherited_from(record)
        if review_id is None:
            continue
        review = reviews.get(review_id)
        where = f"{record.requirement} auf {record.target}"
        if review is None:
            stale.append(StaleRecord(county, record.target, record.requirement, review_id, "unknown",
                                     f"{where} stammt aus Bewertung '{review_id}', die es nicht (mehr) gibt.",
                                     line=county_data.records.line_of(record)))
            continue
        newer = superseded_by(review, reviews)
        if review.expired(today):
            stale.append(StaleRecord(county, record.target, record.requirement, review_id, "expired",
                                     f"{where} stammt aus Bewertung '{review_id}', abgelaufen am "
                                     f"{review.valid_until.isoformat()}.", line=county_data.records.line_of(record)))
        elif newer is not None:
            stale.append(StaleRecord(county, record.target, record.requirement, review_id, "superseded",
                                     f"{where} stammt aus Bewertung '{review_id}' ({review.product} "
                                     f"{review.version}); inzwischen gibt es Version {newer.version} "
                                     f"(Bewertung '{newer.id}').", by=newer.id, line=county_data.records.line_of(record)))
    return stale


def adopters(records_by_county: dict[str, "RecordSet"]) -> dict[str, list[dict[str, Any]]]:
    """Per review id: which county adopted it for which target object, with how many records.

    ``records_by_county`` maps a county key to its :class:`RecordSet`.
    """
    found: dict[str, dict[tuple[str, str], int]] = {}
    for county, records in records_by_county.items():
        for record in records:
            review_id = inherited_from(record)
            if review_id is not None:
                per_review = found.setdefault(review_id, {})
                per_review[(county, record.target)] = per_review.get((county, record.target), 0) + 1
    return {
        review_id: [{"county": county, "target": target, "records": count} for (county, target), count in entries.items()]
        for review_id, entries in found.items()
    }
