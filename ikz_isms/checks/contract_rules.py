"""Built-in plugin: ``check`` rules for contracts, call-offs and the legal figures.

The rules see the contracts exactly as every command does (:func:`ikz_isms.app.procurement.load_contracts`,
read leniently): "abgerufen" is the same figure here as in ``contracts show``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl
from . import ERROR, WARNING, Finding

if TYPE_CHECKING:
    from ..app.procurement import ContractSet
    from ..procure.legal import LegalFigure
    from ..procure.model import FrameworkContract
    from . import CheckContext


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("contracts.invalid", invalid_files, "Vertragsdateien lesbar und schemagültig")
    register("contracts.term-too-long", term_too_long,
             "Rahmenvereinbarung länger als 4 Jahre (VgV) bzw. 6 Jahre (UVgO) nur mit Begründung")
    register("contracts.calloff-not-named", calloff_not_named, "Abrufe nur durch bei der Ausschreibung benannte Landkreise")
    register("contracts.calloff-outside-term", calloff_outside_term,
             "Abrufe nur innerhalb der aktuellen Laufzeit (spätere Verlängerung erst, wenn sie feststeht)")
    register("contracts.calloff-price", calloff_price,
             "Abrufbetrag passt zu Stunden bzw. Menge × Preis am Abrufdatum")
    register("contracts.ceiling-exceeded", ceiling_exceeded, "Abrufe übersteigen den Höchstwert nicht")
    register("contracts.allocation", allocation_settles,
             "jedes Jahr des Verteilungsschlüssels lässt sich abrechnen (wie costs allocate)")
    register("contracts.separate-contracts", separate_contracts,
             "mehrere Landkreise mit getrennten Verträgen für dieselbe Produktkategorie")
    register("contracts.legal-figures", legal_figures, "rechtliche Kennzahlen mit Quelle und Gültigkeit")
    register("centre.invalid", centre_files,
             "Dienstleistungszentren: zentrum.yaml und Ist-Stunden lesbar, schemagültig, stimmig mit dem Plan")


def _contracts(ctx: "CheckContext") -> "ContractSet":
    """The workspace's contracts, read once per check run (bad files kept as errors)."""
    cached: ContractSet | None = getattr(ctx, "_ikz_contracts", None)
    if cached is None:
        from ..app.procurement import load_contracts

        cached = load_contracts(ctx.session, lenient=True)
        vars(ctx)["_ikz_contracts"] = cached  # a per-run cache the dataclass does not declare
    return cached


def _rel(ctx: "CheckContext", path: Path | str | None) -> str:
    return ctx.session.workspace.layout.relative(path) if path else ""


def invalid_files(ctx: "CheckContext") -> Iterator[Finding]:
    for error in _contracts(ctx).errors:
        yield Finding("contracts.invalid", ERROR, error.message, _rel(ctx, error.path), error.location or "")


def term_too_long(ctx: "CheckContext") -> Iterator[Finding]:
    from ..app.procurement import legal_figures
    from ..errors import InputError

    try:
        legal = legal_figures(ctx.session)
    except InputError:
        return  # an unreadable figures file is reported once, by contracts.legal-figures
    for contract in _contracts(ctx):
        if contract.kind != "framework" or not contract.regime or contract.long_term_reason:
            continue
        limit = legal.get(f"framework-max-term.{contract.regime}", contract.term.start)
        months = contract.term.total_months
        if limit.months is not None and months > limit.months:
            yield Finding(
                "contracts.term-too-long", ERROR,
                f"{contract.id}: Laufzeit einschließlich Verlängerungen {months} Monate, zulässig {limit.months} "
                f"({limit.source}); längere Laufzeit nur mit Begründung in 'term.long_term_reason'.",
                _rel(ctx, contract.path), contract.location("term"),
            )


def calloff_not_named(ctx: "CheckContext") -> Iterator[Finding]:
    for contract in _contracts(ctx):
        for calloff in contract.calloffs:
            if calloff.county in contract.holders:
                continue
            forced = calloff.forced_reason
            yield Finding(
                "contracts.calloff-not-named", WARNING if forced else ERROR,
                f"{contract.id}/{calloff.id}: {calloff.county} wurde bei der Ausschreibung nicht benannt"
                + (f" (erzwungen: {forced})" if forced else " (§21 Abs. 2 VgV, §15 Abs. 3 UVgO)."),
                _rel(ctx, calloff.path), calloff.location,
            )


def calloff_outside_term(ctx: "CheckContext") -> Iterator[Finding]:
    """Call-offs before the start or after the current term as it is certain today (the same
    rule and the same term text as the refusal of ``contracts calloff add``)."""
    from ..present.de import date_de

    today = ctx.session.today
    for contract in _contracts(ctx):
        for calloff in contract.calloffs:
            if not contract.outside_term(calloff.date, today):
                continue
            forced = calloff.forced_reason
            yield Finding(
                "contracts.calloff-outside-term", WARNING if forced else ERROR,
                f"{contract.id}/{calloff.id}: Abruf am {date_de(calloff.date)} außerhalb der Laufzeit "
                f"({contract.term_text(today)})" + (f" (erzwungen: {forced})" if forced else "."),
                _rel(ctx, calloff.path), calloff.location,
            )


def calloff_price(ctx: "CheckContext") -> Iterator[Finding]:
    """A recorded amount that differs from hours (quantity) × the price valid on the call-off's
    date: a typo or a price not in the history. A warning: the recorded amount counts."""
    from ..present.de import money_de
    from ..procure.store import price_for

    for contract in _contracts(ctx):
        for calloff in contract.calloffs:
            count, what = (calloff.hours, "Stunden") if calloff.hours is not None else (calloff.quantity, "Menge")
            if calloff.recorded is None or count is None:
                continue
            try:
                expected, how = price_for(contract, calloff.date, count, what)
            except ValueError:
                continue  # gross prices or no price that day: nothing to compare with
            if expected != calloff.recorded:
                yield Finding(
                    "contracts.calloff-price", WARNING,
                    f"{contract.id}/{calloff.id}: Betrag {money_de(calloff.recorded)} weicht von {how} = "
                    f"{money_de(expected)} ab; gezählt wird der erfasste Betrag.",
                    _rel(ctx, calloff.path), calloff.location,
                )


def ceiling_exceeded(ctx: "CheckContext") -> Iterator[Finding]:
    """Abgerufen (all call-offs, as everywhere) above the ceiling: each call-off that goes past it, by date."""
    from decimal import Decimal

    from ..present.de import date_de, money_de

    for contract in _contracts(ctx):
        if contract.ceiling is None or contract.consumed() <= contract.ceiling:
            continue
        consumed = money_de(contract.consumed())
        running = Decimal(0)
        for calloff in sorted(contract.calloffs, key=lambda c: c.date):
            running += calloff.amount
            if running > contract.ceiling:
                forced = calloff.forced_reason
                yield Finding(
                    "contracts.ceiling-exceeded", WARNING if forced else ERROR,
                    f"{contract.id}/{calloff.id}: abgerufen {consumed} übersteigt den Höchstwert "
                    f"{money_de(contract.ceiling)}; mit diesem Abruf vom {date_de(calloff.date)} sind es "
                    f"{money_de(running)}" + (f" (erzwungen: {forced})" if forced else "."),
                    _rel(ctx, calloff.path), calloff.location,
                )


def allocation_settles(ctx: "CheckContext") -> Iterator[Finding]:
    """Every year a cost key names (``allocation.costs``) settled as ``costs allocate`` would:
    a variable key without its figures, a base above the total, figures that are all zero are
    findings here, not only a refusal at the end of the year."""
    from ..app.procurement import county_metrics, legal_figures
    from ..errors import InputError
    from ..procure.costs import settle

    contracts = [c for c in _contracts(ctx) if c.allocation is not None and c.allocation.costs]
    if not contracts:
        return
    profiles, legal = county_metrics(ctx.session), legal_figures(ctx.session)
    for contract in contracts:
        assert contract.allocation is not None
        for year in sorted(contract.allocation.costs):
            if not year.isdigit():
                yield Finding("contracts.allocation", ERROR,
                              f"{contract.id}: Kostenjahr '{year}' ist keine Jahreszahl.",
                              _rel(ctx, contract.path), contract.location("allocation"))
                continue
            try:
                settle(contract, int(year), profiles, legal)
            except InputError as exc:
                # (the settlement's message names contract and year)
                place = exc.location or "" if (exc.location or "").startswith("Zeile") else contract.location("allocation")
                yield Finding("contracts.allocation", ERROR, exc.message, _rel(ctx, exc.path or contract.path), place)


def separate_contracts(ctx: "CheckContext") -> Iterator[Finding]:
    today = ctx.session.today
    by_category: dict[str, list["FrameworkContract"]] = {}
    for contract in _contracts(ctx):
        if contract.kind == "single" and contract.category and not contract.state(today).expired:
            by_category.setdefault(contract.category, []).append(contract)
    for category, group in sorted(by_category.items()):
        owners = sorted({c.owner for c in group})
        if len(owners) > 1:
            yield Finding(
                "contracts.separate-contracts", WARNING,
                f"Produktkategorie {category}: {len(owners)} Landkreise mit getrennten Verträgen "
                f"({', '.join(c.id for c in group)}); gemeinsame Ausschreibung prüfen "
                "(ikz-isms contracts opportunities).",
                _rel(ctx, group[0].path), group[0].location("category"),
            )


def legal_figures(ctx: "CheckContext") -> Iterator[Finding]:
    from ..app.procurement import legal_figures as figures
    from ..errors import InputError
    from ..present.de import date_de

    try:
        legal = figures(ctx.session)
    except InputError as exc:
        yield Finding("contracts.legal-figures", ERROR, exc.message, _rel(ctx, exc.path), exc.location or "")
        return
    file = _rel(ctx, legal.path)
    confirmed = [f for f in legal.figures if not f.unconfirmed]
    for figure in legal.figures:
        if figure.valid_from is None and not figure.unconfirmed:
            yield Finding("contracts.legal-figures", ERROR,
                          f"Kennzahl {figure.id}: 'valid_from' fehlt (nur bei 'unconfirmed: true' erlaubt).",
                          file, figure.location or figure.id)
        if figure.valid_from and figure.valid_to and figure.valid_to < figure.valid_from:
            yield Finding("contracts.legal-figures", ERROR,
                          f"Kennzahl {figure.id}: Gültigkeit endet vor ihrem Beginn.", file, figure.location or figure.id)
    for index, first in enumerate(confirmed):
        for second in confirmed[index + 1:]:
            if first.id == second.id and first.valid_from and second.valid_from and _overlap(first, second):
                yield Finding("contracts.legal-figures", ERROR,
                              f"Kennzahl {first.id}: Gültigkeitszeiträume überschneiden sich "
                              f"(ab {date_de(first.valid_from)} und ab {date_de(second.valid_from)}).",
                              file, second.location or first.id)


def _overlap(first: "LegalFigure", second: "LegalFigure") -> bool:
    far = dt.date.max
    assert first.valid_from is not None and second.valid_from is not None
    return first.valid_from <= (second.valid_to or far) and second.valid_from <= (first.valid_to or far)


def centre_files(ctx: "CheckContext") -> Iterator[Finding]:
    """Every service centre file read as every command reads it: each problem with file and line."""
    import re

    from ..app.centre import centre_ids, load_actuals, load_centre
    from ..errors import InputError
    from ..store import fs

    layout = ctx.session.workspace.layout
    for centre_id in centre_ids(ctx.session):
        try:
            centre = load_centre(ctx.session, centre_id)
        except InputError as exc:
            yield Finding("centre.invalid", ERROR, exc.message, _rel(ctx, exc.path), exc.location or "")
            continue
        for path in fs.list_dir(layout.centres_dir / centre_id, (".yaml",)):
            match = re.fullmatch(r"stunden-([0-9]{4})\.yaml", path.name)
            if match is None:
                continue
            try:
                load_actuals(ctx.session, centre, int(match.group(1)))
            except InputError as exc:
                yield Finding("centre.invalid", ERROR, exc.message, _rel(ctx, exc.path or path), exc.location or "")
