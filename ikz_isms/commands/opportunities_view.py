"""The one list of joint-tender opportunities, as both ``contracts opportunities`` and ``tender opportunities`` show it.

Both commands take the same options and call the same use case
(:func:`ikz_isms.app.tenders.joint_opportunities`), so they cannot disagree; this module is
their shared presentation (options, text, JSON), not a private helper of either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..output import FC, emit_json, print_table
from ..present import date_de, money_de
from .options import day_option, day_or_today, format_option

if TYPE_CHECKING:
    from ..app import Session
    from ..tender.opportunities import JointOpportunity, OpportunityList


def opportunity_options(command: FC) -> FC:
    """``--lead-time``, ``--min-counties``, ``--date``, ``--format`` — the same for both commands."""
    decorators: list[Callable[[FC], FC]] = [
        click.option("--lead-time", default="12m", show_default=True,
                     help="Vorlauf vor Kündigungsfristen und Vertragsenden, in Kalendermonaten (z. B. 12m, 18m)."),
        click.option("--min-counties", type=click.IntRange(min=1), default=2, show_default=True,
                     help="Anforderung muss in mindestens so vielen Landkreisen offen sein (nein/teilweise)."),
        day_option("Stichtag JJJJ-MM-TT, auch angenommene Bekanntmachung für den Schwellenwert (Standard: heute)."),
        format_option(),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def lead_months(text: str) -> int:
    match = re.fullmatch(r"\s*(\d{1,3})\s*m?\s*", text)
    if not match:
        raise UsageError(f"--lead-time '{text}' nicht verstanden (in Monaten, z. B. 12m).")
    return int(match.group(1))


def show_opportunities(session: "Session", lead_time: str, min_counties: int, on: str | None, fmt: str) -> None:
    """Compute the list once and show it as text or JSON."""
    from ..app.tenders import joint_opportunities

    found = joint_opportunities(session, day_or_today(session, on), lead_months(lead_time), min_counties)
    if fmt == "json":
        emit_json(found.as_dict())
        return
    _text(session, found)


def _names(session: "Session") -> dict[str, str]:
    from ..app.procurement import county_names

    return county_names(session)


def _text(session: "Session", found: "OpportunityList") -> None:
    names = _names(session)

    def name(key: str) -> str:
        return names.get(key, key)

    if not found.items:
        click.echo(f"Keine Bündelungschance am {date_de(found.on)} (Vorlauf {found.lead_months} Monate, "
                   f"Lücken in mindestens {found.min_counties} Landkreisen).")
    for item in found.items:
        _item(item, name)
    for covered in found.covered:
        framework = covered.framework
        click.echo(f"Abgedeckt: {covered.category} durch die laufende Rahmenvereinbarung {framework.id} "
                   f"(bis {date_de(framework.certain_end(found.on))}) – abrufen statt neu ausschreiben.")
        if covered.not_named:
            click.echo(f"  Nicht benannt und nicht abrufberechtigt (§21 Abs. 2 VgV): "
                       f"{', '.join(name(c) for c in covered.not_named)}; bei der nächsten Ausschreibung benennen.")
    for started in found.started:
        click.echo(f"Begonnen: {started.category} – Vergabeprojekt {started.project} (Vorlage {started.template}, "
                   f"Bekanntmachung {date_de(started.notice_date)}); weiter mit ikz-isms tender estimate "
                   f"{started.project}.")
    for note in found.as_dict()["notes"]:
        click.echo(f"Hinweis: {note}")


def _item(item: "JointOpportunity", name: Callable[[str], str]) -> None:
    if item.template is not None:
        click.echo(f"Vorschlag: gemeinsame Ausschreibung „{item.title}“ (Vorlage {item.template.id}, "
                   f"Produktkategorie {item.category})")
    else:
        click.echo(f"Vorschlag: gemeinsame Ausschreibung für die Produktkategorie {item.category} (noch keine "
                   "Vorlage in catalogs/vorlagen/)")
    rows: list[list[Any]]
    if item.contracts is not None:
        for reason in item.contracts.reasons:
            click.echo(f"  Anlass: {reason}")
        rows = [[name(k), money_de(v)] for k, v in item.contracts.parts.items()]
        print_table(["Landkreis", "Jahresbedarf laut Verträgen (netto)"],
                    rows + [["Summe", money_de(item.contracts.annual_total)]], right_align=(1,))
        click.echo(f"  Auftragswert (§3 VgV, 48 Monate): {money_de(item.contracts.estimate)}; Schwellenwert "
                   f"{money_de(item.contracts.threshold.amount)} ({item.contracts.threshold.source})")
        click.echo(f"  Ergebnis: {item.contracts.verdict}")
    if item.proposal is not None:
        proposal = item.proposal
        result = proposal.estimate
        print_table(["Anforderung", "offen (nein/teilweise) in"],
                    [[rid, ", ".join(name(c) for c in cs)] for rid, cs in proposal.gaps.items()])
        print_table(["Landkreis", "Bedarf (netto, §3 VgV, Vorlage)"],
                    [[name(k), money_de(v)] for k, v in result.by_county().items()]
                    + [["Gesamt", money_de(result.total)]], right_align=(1,))
        provisional = "" if result.complete else " (vorläufig: Bedarf unvollständig)"
        click.echo(f"  Schwellenwert {money_de(result.threshold.amount)} ({result.threshold.source}) → "
                   f"{result.regime}{provisional}")
    click.echo(f"  Zu benennen: {', '.join(name(c) for c in item.counties_to_name)}")
    notes = list(item.contracts.notes) if item.contracts else []
    if item.proposal is not None:
        notes += [n for n in item.proposal.notes + item.proposal.estimate.notes if n not in notes]
    for note in notes:
        click.echo(f"  Hinweis: {note}")
    if item.template is not None:
        click.echo(f"  Anlegen: ikz-isms tender new {item.template.id} --counties {','.join(item.counties_to_name)}")
    click.echo("")
