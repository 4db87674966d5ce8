"""Built-in plugin: ``check`` rules for contracts, call-offs and the legal figures."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from ..hookspecs import hookimpl
from . import ERROR, WARNING, Finding


@hookimpl
def ikz_register_check_rules(register):
    register("contracts.invalid", invalid_files, "Vertragsdateien lesbar und schemagültig")
    register("contracts.term-too-long", term_too_long,
             "Rahmenvereinbarung länger als 4 Jahre (VgV) bzw. 6 Jahre (UVgO) nur mit Begründung")
    register("contracts.calloff-not-named", calloff_not_named, "Abrufe nur durch bei der Ausschreibung benannte Landkreise")
    register("contracts.calloff-outside-term", calloff_outside_term, "Abrufe nur innerhalb der Laufzeit")
    register("contracts.ceiling-exceeded", ceiling_exceeded, "Abrufe übersteigen den Höchstwert nicht")
    register("contracts.separate-contracts", separate_contracts,
             "mehrere Landkreise mit getrennten Verträgen für dieselbe Produktkategorie")
    register("contracts.legal-figures", legal_figures, "rechtliche Kennzahlen mit Quelle und Gültigkeit")


def _contracts(ctx: Any):
    """The workspace's contracts, loaded once per check run (bad files kept as errors)."""
    cached = getattr(ctx, "_ikz_contracts", None)
    if cached is None:
        from ..procure.store import load_contracts

        cached = load_contracts(ctx.pm, ctx.workspace, lenient=True)
        ctx._ikz_contracts = cached
    return cached


def _rel(ctx: Any, path: Any) -> str:
    from pathlib import Path

    try:
        return str(Path(path).resolve().relative_to(Path(ctx.workspace.root).resolve()))
    except ValueError:
        return str(path)


def _line(calloff: Any) -> str:
    return f"Zeile {calloff.line}" if calloff.line else ""


def invalid_files(ctx: Any) -> Iterator[Finding]:
    for error in _contracts(ctx).errors:
        yield Finding("contracts.invalid", ERROR, error.message, _rel(ctx, error.path or ""), error.location or "")


def term_too_long(ctx: Any) -> Iterator[Finding]:
    from ..procure.legal import load_legal_figures

    legal = load_legal_figures(ctx.workspace)
    for contract in _contracts(ctx):
        if contract.kind != "framework" or not contract.regime or contract.long_term_reason:
            continue
        limit = legal.get(f"framework-max-term.{contract.regime}", contract.term.start)
        months = contract.term.total_months
        if months > limit.months:
            yield Finding(
                "contracts.term-too-long", ERROR,
                f"{contract.id}: Laufzeit einschließlich Verlängerungen {months} Monate, zulässig {limit.months} "
                f"({limit.source}); längere Laufzeit nur mit Begründung in 'term.long_term_reason'.",
                _rel(ctx, contract.path), contract.location("term"),
            )


def calloff_not_named(ctx: Any) -> Iterator[Finding]:
    for contract in _contracts(ctx):
        for calloff in contract.calloffs:
            if calloff.county in contract.holders:
                continue
            forced = calloff.forced_reason
            yield Finding(
                "contracts.calloff-not-named", WARNING if forced else ERROR,
                f"{contract.id}/{calloff.id}: {calloff.county} wurde bei der Ausschreibung nicht benannt"
                + (f" (erzwungen: {forced})" if forced else " (§21 Abs. 2 VgV, §15 Abs. 3 UVgO)."),
                _rel(ctx, calloff.path), _line(calloff),
            )


def calloff_outside_term(ctx: Any) -> Iterator[Finding]:
    for contract in _contracts(ctx):
        for calloff in contract.calloffs:
            if contract.term.start <= calloff.date and not contract.state(calloff.date).expired:
                continue
            forced = calloff.forced_reason
            yield Finding(
                "contracts.calloff-outside-term", WARNING if forced else ERROR,
                f"{contract.id}/{calloff.id}: Abruf am {calloff.date.isoformat()} außerhalb der Laufzeit"
                + (f" (erzwungen: {forced})" if forced else "."),
                _rel(ctx, calloff.path), _line(calloff),
            )


def ceiling_exceeded(ctx: Any) -> Iterator[Finding]:
    from decimal import Decimal

    from ..procure.money import euro

    for contract in _contracts(ctx):
        if contract.ceiling is None:
            continue
        running = Decimal(0)
        for calloff in sorted(contract.calloffs, key=lambda c: c.date):
            running += calloff.amount
            if running > contract.ceiling:
                forced = calloff.forced_reason
                yield Finding(
                    "contracts.ceiling-exceeded", WARNING if forced else ERROR,
                    f"{contract.id}/{calloff.id}: Summe der Abrufe {euro(running)} übersteigt den Höchstwert "
                    f"{euro(contract.ceiling)}" + (f" (erzwungen: {forced})" if forced else "."),
                    _rel(ctx, calloff.path), _line(calloff),
                )


def separate_contracts(ctx: Any) -> Iterator[Finding]:
    today = dt.date.today()
    by_category: dict[str, list[Any]] = {}
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


def legal_figures(ctx: Any) -> Iterator[Finding]:
    from ..errors import InputError
    from ..procure.legal import load_legal_figures

    try:
        legal = load_legal_figures(ctx.workspace)
    except InputError as exc:
        yield Finding("contracts.legal-figures", ERROR, exc.message, str(exc.path or ""), exc.location or "")
        return
    confirmed = [f for f in legal.figures if not f.unconfirmed]
    for figure in legal.figures:
        if figure.valid_from is None and not figure.unconfirmed:
            yield Finding("contracts.legal-figures", ERROR,
                          f"Kennzahl {figure.id}: 'valid_from' fehlt (nur bei 'unconfirmed: true' erlaubt).",
                          _rel(ctx, legal.path), figure.id)
        if figure.valid_from and figure.valid_to and figure.valid_to < figure.valid_from:
            yield Finding("contracts.legal-figures", ERROR,
                          f"Kennzahl {figure.id}: Gültigkeit endet vor ihrem Beginn.", _rel(ctx, legal.path), figure.id)
    for index, first in enumerate(confirmed):
        for second in confirmed[index + 1:]:
            if first.id == second.id and first.valid_from and second.valid_from and _overlap(first, second):
                yield Finding("contracts.legal-figures", ERROR,
                              f"Kennzahl {first.id}: Gültigkeitszeiträume überschneiden sich "
                              f"(ab {first.valid_from.isoformat()} und ab {second.valid_from.isoformat()}).",
                              _rel(ctx, legal.path), first.id)


def _overlap(first: Any, second: Any) -> bool:
    far = dt.date.max
    return first.valid_from <= (second.valid_to or far) and second.valid_from <= (first.valid_to or far)
