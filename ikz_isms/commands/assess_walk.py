"""``assess --interactive``: walk a target object's unanswered requirements and save each answer at once."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

import click

from ..store import parse_date
from ..errors import NotFoundError

LEVEL_RANK = {"B": 0, "S": 1, "H": 2, "normal-SdT": 0, "erhöht": 1}
MODAL_RANK = {"MUSS": 0, "SOLLTE": 1, "KANN": 2}
ANSWERS = ("ja", "teilweise", "nein", "entbehrlich", "s", "q")


def _outdated(record: Any, cutoff: _dt.date | None) -> bool:
    if cutoff is None:
        return False
    checked = parse_date(record.checked) if record.checked else None
    return checked is None or checked < cutoff


def pending_pairs(assessment: Any, target_id: str | None, cutoff: _dt.date | None = None) -> list[Any]:
    """Applicable pairs without an answer (no record, unbearbeitet) or checked before ``cutoff``.

    Order: target objects as recorded, then Basis/MUSS first, then catalog order.
    """
    targets = assessment.data.targets
    if target_id is not None:
        if assessment.data.target(target_id) is None:
            raise NotFoundError(
                f"Zielobjekt '{target_id}' gibt es nicht (bekannt: {', '.join(t.id for t in targets)}).",
                path=str(assessment.data.county.targets_path),
            )
        targets = [t for t in targets if t.id == target_id]
    order = {t.id: index for index, t in enumerate(targets)}
    records = assessment.data.records
    pending = []
    for index, pair in enumerate(assessment.pairs):
        if pair.target.id not in order or not pair.approaches:
            continue
        record = records.get(pair.requirement.id, pair.target.id)
        if record is None or record.status == "unbearbeitet" or _outdated(record, cutoff):
            req = pair.requirement
            rank = (order[pair.target.id], LEVEL_RANK.get(req.level or "", 1), MODAL_RANK.get(req.modal_verb or "", 1), index)
            pending.append((rank, pair))
    return [pair for _, pair in sorted(pending, key=lambda item: item[0])]


def walk(app: Any, county: Any, target_id: str | None, actor: str, assessment_of: Callable[..., Any],
         max_age_days: int = 0) -> None:
    """Ask status, reason and responsible for each pending pair; ``q`` stops, ``s`` skips.

    With ``max_age_days`` > 0, answers checked longer ago than that are asked again.
    """
    from ..assess.records import set_record

    assessment = assessment_of(app, county, {})
    cutoff = _dt.date.today() - _dt.timedelta(days=max_age_days) if max_age_days > 0 else None
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
        level = f"{req.level}" + (f", {req.modal_verb}" if req.modal_verb else "")
        click.echo(f"[{number}/{len(pending)}] {req.id} {req.title} ({level})")
        click.echo(f"Zielobjekt: {target.id} – {target.name}")
        if req.statement:
            click.echo(req.statement)
        previous = records.get(req.id, target.id)
        if previous is not None and previous.status != "unbearbeitet":
            click.echo(f"Bisher: {previous.status} (geprüft {previous.checked or 'ohne Datum'}) – veraltet, bitte erneut prüfen.")
        answer = click.prompt(
            "Status", type=click.Choice(ANSWERS), show_choices=True
        )
        if answer == "q":
            break
        if answer == "s":
            continue
        reason = None
        if answer == "entbehrlich":
            reason = click.prompt("Begründung (Pflicht)")
        statement = click.prompt("Umsetzung (Beschreibung, leer lassen möglich)",
                                 default=previous.statement if previous else "", show_default=False)
        responsible = click.prompt("Verantwortlich", default=previous.responsible if previous else "",
                                   show_default=bool(previous and previous.responsible))
        set_record(
            county.records_path, county.journal_path, req.id, target.id, answer,
            actor=actor, statement=statement or None, responsible=responsible or None, reason=reason,
        )
        saved += 1
    click.echo(f"{saved} Antworten gespeichert.")
