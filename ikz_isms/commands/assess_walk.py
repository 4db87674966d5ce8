"""``assess --interactive``: walk a target object's unanswered requirements and save each answer at once."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

import click

from ..errors import NotFoundError

if TYPE_CHECKING:
    from ..app.session import Session
    from ..assess import Assessment
    from ..assess.modelling import Applicable
    from ..assess.records import CheckRecord
    from ..county import County

MODAL_RANK = {"MUSS": 0, "SOLLTE": 1, "KANN": 2}
ANSWERS = ("ja", "teilweise", "nein", "entbehrlich", "s", "q")


def _outdated(record: CheckRecord, cutoff: _dt.date | None) -> bool:
    if cutoff is None:
        return False
    checked = record.checked_date
    return checked is None or checked < cutoff


def pending_pairs(assessment: "Assessment", target_id: str | None, cutoff: _dt.date | None = None) -> list["Applicable"]:
    """Pairs that apply under the county's approach without an answer (no valid record, unbearbeitet)
    or checked before ``cutoff``.

    Order: target objects as recorded, then Basis/MUSS first, then catalog order.
    """
    targets = assessment.data.targets
    if target_id is not None:
        if assessment.data.target(target_id) is None:
            raise NotFoundError(
                f"Zielobjekt '{target_id}' gibt es nicht (bekannt: {', '.join(t.id for t in targets)}).",
                path=str(assessment.county.layout.targets),
            )
        targets = [t for t in targets if t.id == target_id]
    order = {t.id: index for index, t in enumerate(targets)}
    records = assessment.data.records
    edition = assessment.edition
    pending = []
    for index, pair in enumerate(assessment.pairs):
        if pair.target.id not in order or not assessment.in_scope(pair):
            continue
        record = records.get(pair.requirement.id, pair.target.id)
        if record is None or record.status == "unbearbeitet" or _outdated(record, cutoff):
            req = pair.requirement
            rank = (order[pair.target.id], edition.tier(req), MODAL_RANK.get(req.modal_verb or "", 1), index)
            pending.append((rank, pair))
    return [pair for _, pair in sorted(pending, key=lambda item: item[0])]


def walk(session: Session, county: "County", target_id: str | None, actor: str, max_age_days: int = 0) -> None:
    """Ask status, reason and responsible for each pending pair; ``q`` stops, ``s`` skips.

    Each answer is one transaction of its own (saved at once, journaled). With
    ``max_age_days`` > 0, answers checked longer ago than that are asked again.
    """
    from ..app.records import modelled
    from ..assess.records import RecordChange

    # one target object's walk reads only that target's records
    assessment = session.assessment(county) if target_id is None else modelled(session, county, [target_id])
    cutoff = session.today - _dt.timedelta(days=max_age_days) if max_age_days > 0 else None
    records = assessment.data.records
    pending = pending_pairs(assessment, target_id, cutoff)
    if not pending:
        click.echo("Keine offenen Anforderungen – alles beantwortet.")
        return
    click.echo(
        f"{len(pending)} offene Anforderungen im Landkreis {county.profile.name}. "
        "Jede Antwort wird sofort gespeichert; 's' überspringt, 'q' beendet."
    )
    saved = 0
    for number, pair in enumerate(pending, start=1):
        req, target = pair.requirement, pair.target
        click.echo("")
        level = assessment.edition.level_label(req) + (f", {req.modal_verb}" if req.modal_verb and req.modal_verb not in assessment.edition.level_label(req) else "")
        click.echo(f"[{number}/{len(pending)}] {req.id} {req.title} ({level})")
        click.echo(f"Zielobjekt: {target.id} – {target.name}")
        if req.statement:
            click.echo(req.statement)
        previous = records.get(req.id, target.id)
        if previous is not None and previous.status != "unbearbeitet":
            click.echo(f"Bisher: {previous.status} (geprüft {previous.checked or 'ohne Datum'}) – veraltet, bitte erneut prüfen.")
        answer = click.prompt("Status", type=click.Choice(ANSWERS), show_choices=True)
        if answer == "q":
            break
        if answer == "s":
            continue
        reason = None
        if answer == "entbehrlich":
            while not reason:
                reason = click.prompt("Begründung (Pflicht)").strip()
        statement = click.prompt("Umsetzung (Beschreibung, leer lassen möglich)",
                                 default=previous.statement if previous else "", show_default=False)
        responsible = click.prompt("Verantwortlich", default=previous.responsible if previous else "",
                                   show_default=bool(previous and previous.responsible))
        change = RecordChange(req.id, target.id, answer, statement=statement or None,
                              responsible=responsible or None, reason=reason)
        session.set_records(county, [change], actor=actor, assessment=assessment)
        saved += 1
    click.echo(f"{saved} Antworten gespeichert.")
