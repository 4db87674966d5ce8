"""Built-in plugin: ``contracts`` (list, show, due, calloff add, opportunities)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..output import emit_json, print_table, to_json
from ..present import NONE_TEXT, date_de, money_de, percent_de, quantity_de
from .opportunities_view import opportunity_options, show_opportunities
from .options import day_option, day_or_today, format_option, number_value

if TYPE_CHECKING:
    from ..app import Session
    from ..procure.dates import TermState
    from ..procure.model import FrameworkContract

COUNTY_KEY = re.compile(r"[a-z0-9][a-z0-9-]*")



@click.group()
def contracts() -> None:
    """Rahmenverträge und Einzelverträge: Fristen, Abrufe, Höchstwerte, Bündelung.

    Die Rahmenvereinbarungen des Verbunds liegen in catalogs/vertraege/*.yaml;
    Landkreis-Plugins steuern eigene Verträge und Abrufe bei. "Abgerufen" ist stets die
    Summe aller erfassten Abrufe eines Vertrags, gleich welchen Datums.
    """


@contracts.command("list")
@day_option()
@format_option()
@click.pass_obj
def list_contracts(session: "Session", on: str | None, fmt: str) -> None:
    """Alle Verträge mit Ausschöpfung und nächster Kündigungsfrist."""
    from ..app.procurement import load_contracts

    day = day_or_today(session, on)
    found = list(load_contracts(session))
    if fmt == "json":
        emit_json({"date": day, "contracts": [c.summary(day) for c in found]})
        return
    if not found:
        click.echo("Keine Verträge gefunden (catalogs/vertraege/ ist leer).")
        return
    rows = []
    for contract in found:
        state = contract.state(day)
        rows.append([
            contract.id, "Rahmen" if contract.kind == "framework" else "Einzel", contract.title,
            date_de(state.current_end) + (" (abgelaufen)" if state.expired else ""), date_de(state.notice_deadline),
            money_de(contract.consumed()), money_de(contract.ceiling), percent_de(contract.utilisation()),
        ])
    print_table(
        ["Vertrag", "Art", "Titel", "Laufzeit bis", "Kündigungsfrist", "Abgerufen", "Höchstwert", "Ausschöpfung"],
        rows, title=f"Verträge am {date_de(day)}", right_align=(5, 6, 7),
    )


@contracts.command("show")
@click.argument("contract_id", metavar="VERTRAG")
@day_option()
@format_option()
@click.pass_obj
def show_contract(session: "Session", contract_id: str, on: str | None, fmt: str) -> None:
    """Einen Vertrag mit Laufzeit, Fristen, Preisen und Abrufen anzeigen."""
    from ..app.procurement import load_contracts
    from ..procure.model import PRICE_MODELS

    day = day_or_today(session, on)
    contract = load_contracts(session).get(contract_id)
    if fmt == "json":
        summary = contract.summary(day)
        summary["calloff_list"] = [c.as_dict() for c in contract.calloffs]
        summary["price_history"] = [{"valid_from": p.valid_from, "amount": str(p.amount), "note": p.note}
                                    for p in (contract.price.history if contract.price else ())]
        emit_json(summary)
        return
    state = contract.state(day)
    term = contract.term
    renewal = {"none": "keine", "tacit": f"stillschweigend um {term.renewal_months} Monate, höchstens {term.max_renewals}×",
               "express": f"ausdrücklich um {term.renewal_months} Monate, höchstens {term.max_renewals}×"}[term.renewal]
    price = contract.price.price_on(day) if contract.price else None
    price_text = NONE_TEXT
    if contract.price:
        price_text = PRICE_MODELS.get(contract.price.model, contract.price.model)
        if price is not None:
            price_text += f", aktuell {money_de(price.amount)}"
    lines = [
        ("Vertrag", f"{contract.id} – {contract.title} ({contract.kind_name})"),
        ("Federführung" if contract.kind == "framework" else "Vertragsinhaber", contract.lead or contract.owner or NONE_TEXT),
        ("Teilnehmende (benannt)", ", ".join(contract.participants) or NONE_TEXT),
        ("Lieferanten", ", ".join(contract.suppliers) or NONE_TEXT),
        ("Vergaberecht / Verfahren", " / ".join(x for x in (contract.regime, contract.procedure) if x) or NONE_TEXT),
        ("Vertragsbedingungen", contract.evb_it or NONE_TEXT),
        ("Laufzeit", f"{date_de(term.start)} bis {date_de(term.end)}; Verlängerung: {renewal}; "
                     f"Kündigungsfrist {term.notice_months} Monate zum Laufzeitende"),
        ("Aktuelle Laufzeit bis", date_de(state.current_end) + _renewed(state)),
        ("Abrufe zulässig bis", f"{date_de(contract.certain_end(day))} ({contract.term_text(day)})"),
        _deadline_line(contract, state),
        ("Höchstwert / Schätzung", f"{money_de(contract.ceiling)} / {money_de(contract.estimate)}"),
        ("Abgerufen / verbleibend", f"{money_de(contract.consumed())} / {money_de(contract.remaining())}"),
        ("Abgerufen je Jahr", "; ".join(f"{year}: {money_de(value)}" for year, value in
                                        contract.consumed_by_year().items()) or NONE_TEXT),
        ("Ausschöpfung", percent_de(contract.utilisation())),
        ("Prognose Ausschöpfung", _runout(contract, day)),
        ("Preismodell", price_text),
        ("Datei", session.workspace.layout.relative(contract.path)),
    ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        click.echo(f"{key + ':':<{width + 1}} {value}")
    if contract.calloffs:
        print_table(
            ["Abruf", "Datum", "Landkreis", "Betrag (netto)", "Grundlage", "Beschreibung", "erzwungen"],
            [[c.id, date_de(c.date), c.county, money_de(c.amount),
              c.priced or (f"{quantity_de(c.hours)} h" if c.hours is not None else "Betrag laut Abruf"),
              c.description, c.forced_reason or ""]
             for c in contract.calloffs],
            title="Abrufe (abgerufen: alle erfassten Abrufe, gleich welchen Datums)",
            right_align=(3,),
        )


def _renewed(state: "TermState") -> str:
    if state.expired:
        return " (abgelaufen)"
    return " (noch nicht verlängert)" if state.renewals == 0 else f" (nach {state.renewals} Verlängerung(en))"


def _deadline_line(contract: "FrameworkContract", state: "TermState") -> tuple[str, str]:
    if contract.term.renewal == "express":
        text = (f"{date_de(state.notice_deadline)} (Verlängerung erklären, sonst Ende {date_de(state.current_end)})"
                if state.notice_deadline else f"{NONE_TEXT} keine Verlängerung mehr möglich")
        return "Frist Verlängerungsoption", text
    if state.notice_deadline:
        return ("Nächste Kündigungsfrist",
                f"{date_de(state.notice_deadline)} (Kündigung beendet den Vertrag zum {date_de(state.ends_on)})")
    end = state.ends_on or state.current_end
    return "Nächste Kündigungsfrist", f"{NONE_TEXT} keine Verlängerung mehr offen, Ende {date_de(end)}"


def _runout(contract: "FrameworkContract", day: dt.date) -> str:
    runout = contract.forecast_runout(day)
    if runout is None:
        return NONE_TEXT
    if runout > contract.term.final_end:
        return f"{date_de(runout)} (nach dem spätesten Vertragsende; Höchstwert reicht)"
    return date_de(runout)


@contracts.command("due")
@click.option("--within", default="90d", show_default=True,
              help="Zeitraum: z. B. 90d, 12w, 6m, 1y (Monate und Jahre als Kalendermonate).")
@day_option()
@format_option()
@click.pass_obj
def due_contracts(session: "Session", within: str, on: str | None, fmt: str) -> None:
    """Fällige Fristen: Erinnerungen 6 und 3 Monate vor Kündigungsfristen, Fristen, Vertragsenden, Höchstwert-Schwellen."""
    from ..app.procurement import load_contracts
    from ..procure.alerts import due
    from ..procure.dates import parse_window

    try:
        window = parse_window(within)
    except ValueError:
        raise UsageError(f"--within '{within}' nicht verstanden (Beispiele: 90d, 12w, 6m, 1y).") from None
    day = day_or_today(session, on)
    limit = {"d": 36600, "w": 5220, "m": 1200, "y": 100}[window.unit]
    if window.number > limit or window.horizon(day).year > 2200:
        raise UsageError(f"--within '{within}': höchstens 100 Jahre voraus.")
    until = window.horizon(day)
    alerts = due(load_contracts(session), day, until)
    if fmt == "json":
        emit_json({"date": day, "within": str(window), "until": until, "within_days": window.days(day),
                   "alerts": [a.as_dict(day) for a in alerts]})
        return
    horizon = date_de(until)
    if not alerts:
        click.echo(f"Nichts fällig bis {horizon}.")
        return
    print_table(
        ["Datum", "in Tagen", "Vertrag", "Meldung"],
        [[date_de(a.date), str((a.date - day).days), a.contract, a.message] for a in alerts],
        title=f"Fällig bis {horizon}",
        right_align=(1,),
    )


@contracts.group("calloff")
def calloff() -> None:
    """Abrufe aus Rahmenvereinbarungen."""


@calloff.command("add")
@click.argument("contract_id", metavar="VERTRAG")
@click.option("--county", required=True, help="Abrufender Landkreis (Schlüssel, z. B. vulkaneifel).")
@click.option("--amount", help="Betrag netto in Euro, z. B. 1250.00 (sonst Menge × aktueller Preis).")
@click.option("--quantity", help="Menge (Stück, Lizenzen).")
@click.option("--hours", help="Stunden (bei Stundensätzen).")
@click.option("--description", default="", help="Kurzbeschreibung des Abrufs.")
@click.option("--id", "calloff_id", help="Abruf-ID (Standard: fortlaufend A001, A002 …).")
@day_option("Abrufdatum JJJJ-MM-TT (Standard: heute).")
@click.option("--force", is_flag=True, help="Trotz Verstoß abrufen; nur mit --reason, der Grund wird gespeichert.")
@click.option("--reason", help="Begründung für --force.")
@format_option()
@click.pass_obj
def calloff_add(session: "Session", contract_id: str, county: str, amount: str | None, quantity: str | None,
                hours: str | None, description: str, calloff_id: str | None, on: str | None, force: bool,
                reason: str | None, fmt: str) -> None:
    """Einen Abruf erfassen; verweigert nicht benannte Landkreise, Abrufe außerhalb der aktuellen Laufzeit und über dem Höchstwert."""
    from ..app.procurement import CalloffRequest, record_calloff

    if force and not (reason or "").strip():
        raise UsageError("--force braucht eine Begründung: --reason \"…\".")
    if not COUNTY_KEY.fullmatch(county):
        raise UsageError(f"--county '{county}' ist kein Landkreis-Schlüssel (Kleinbuchstaben, Ziffern, Bindestrich).")
    if calloff_id is not None and not calloff_id.strip():
        raise UsageError("--id darf nicht leer sein.")
    request = CalloffRequest(
        county=county,
        day=day_or_today(session, on),
        amount=number_value(amount, "--amount") if amount is not None else None,
        quantity=number_value(quantity, "--quantity", places=None) if quantity is not None else None,
        hours=number_value(hours, "--hours", places=None) if hours is not None else None,
        description=description,
        calloff_id=calloff_id.strip() if calloff_id is not None else None,
        forced_reason=(reason or "").strip() if force else None,
    )
    recorded = record_calloff(session, contract_id, request)
    if fmt == "json":
        click.echo(to_json({"contract": recorded.contract, "calloff": recorded.entry, "file": recorded.file,
                            "forced": bool(recorded.refusals)}))
        return
    click.echo(f"Abruf {recorded.entry['id']} über {money_de(recorded.amount)} für {county} in "
               f"{recorded.contract} erfasst ({recorded.file}); abgerufen jetzt "
               f"{money_de(recorded.consumed)}.")
    for _, message in recorded.refusals:
        click.echo(f"Erzwungen trotz: {message} Grund: {request.forced_reason}", err=True)


@contracts.command("opportunities")
@opportunity_options
@click.pass_obj
def opportunities_cmd(session: "Session", lead_time: str, min_counties: int, on: str | None, fmt: str) -> None:
    """Bündelungschancen: eine Liste aus getrennten Verträgen und gemeinsamen Lücken (wie tender opportunities).

    Vorgeschlagen wird je Produktkategorie eine gemeinsame Ausschreibung, wenn mehrere
    Landkreise getrennte Verträge haben, eine Frist im Vorlauf liegt oder eine Vorlage Lücken
    mehrerer Landkreise schließt; was eine laufende Rahmenvereinbarung abdeckt oder ein
    begonnenes Vergabeprojekt schon angeht, wird als solches gezeigt.
    """
    show_opportunities(session, lead_time, min_counties, on, fmt)
